/* sim.c -- the simulator: network construction, the scheduler loop and
 * the bridge to the backend that owns execution. */
#include "net/sim.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/connect.h"
#include "plugin/host.h"
#include "net/plastic.h"
#include "io/record.h"
#include "base/rng.h"
#include "base/strutil.h"
#include "net/synbuild.h"
#include "net/values.h"

#define ERR_SIZE 2048

typedef struct pop {
  const ap_plugin *plugin;
  const ap_neuron_desc *d;
  size_t n;
  uint64_t gid0;
  uint32_t stream;
  ap_real **param;  /* d->n_params arrays (NULL for list parameters) */
  ap_real **state;  /* d->n_vars arrays */
  ap_list *lists;   /* d->n_params entries, used for list parameters */
  size_t **list_off;
  ap_real **list_val;
  unsigned char *state_set; /* state v set explicitly (no def_from follow) */
  uint64_t *outdeg; /* synapses leaving each neuron, all projections */
  unsigned char *silenced; /* lesioned neurons (NULL: none) */
  size_t n_silenced;
  ap_neuron_desc *shaped; /* d, for a model shaped by structure parameters */
  ap_neuron_shape shape;
} pop;

typedef struct proj {
  ap_ref pre, post;
  unsigned port;
  const ap_plugin *syn;
  ap_real *syn_param;
  ap_real **syn_state;
  size_t *row;
  uint32_t *target;
  ap_weight *weight;
  uint16_t *delay;
  size_t n_syn;
  ap_plastic *rule; /* NULL: static weights */
  double p_release;
} proj;

/* A neuromodulator and what drives it. */
typedef struct mod {
  char *name;
  double tau, baseline;
  double pending; /* released by spikes during the current step */
} mod;

typedef struct mod_drive { /* each spike of `pre` releases `weight` */
  ap_ref pre;
  size_t mod;
  double weight;
} mod_drive;

typedef struct modulation { /* param = base (1 + gain (level - baseline)) */
  ap_ref r;
  int param;
  size_t mod;
  double gain;
  double *base; /* r.count values */
} modulation;

enum { REC_SPIKES = 0, REC_STATE = 1, REC_WEIGHT = 2, REC_RATE = 3 };

typedef struct rec {
  ap_recorder *r;
  ap_ref ref;
  int var; /* state variable, -1 for spikes (and weight and rate) */
  int kind; /* REC_* */
  double t_start;
  int closed;
  size_t proj;   /* REC_WEIGHT: the projection ... */
  size_t *syn;   /* ... and its chosen synapses (storage order) */
  double *buf;   /* REC_WEIGHT: gathered weights */
  size_t n_syn;
  uint64_t count; /* REC_RATE: spikes in the current bin */
} rec;

/* A projection whose weights follow another's, transposed: dst synapse m
 * takes the weight of src synapse map[m]. */
typedef struct mirror {
  size_t dst, src;
  size_t *map;
} mirror;

struct ap_sim {
  ap_registry *reg;
  ap_settings *set;
  char err[ERR_SIZE];
  int locked; /* dt and seed fixed */
  double dt;
  uint64_t seed;
  pop *pops;
  size_t n_pops;
  uint64_t n_neurons;
  proj *projs;
  size_t n_projs;
  rec *recs;
  size_t n_recs;
  mod *mods;
  double *levels; /* modulator levels, by index */
  size_t n_mods;
  mod_drive *drives;
  size_t n_drives;
  modulation *modulations;
  size_t n_modulations;
  int64_t step;
  /* backend */
  const ap_plugin *bp;
  const ap_backend_desc *bd;
  void *binst;
  ap_net net;
  ap_net_pop *npops;
  ap_net_proj *nprojs;
  ap_net_proj_ext *nexts;
  const unsigned char **nsil;
  ap_real *bset;
  char **bstr;
  int dirty; /* parameters or state changed since the backend read them */
  int grow;  /* populations or projections added since it was built */
  int failed;
  /* per-run statistics and helpers */
  ap_stats stats;
  uint32_t *expand; /* spikes with multiplicity, expanded for recorders */
  size_t expand_cap;
  char *script;
  char script_sha[65];
  void (*progress)(void *ctx, int64_t step);
  void *progress_ctx;
  /* phases (ABI 1.2) */
  ap_pop_view *views;    /* per population, for rules */
  double **credit;       /* per population, n values (rules' credit) */
  size_t n_credit;       /* populations when credit was made */
  int64_t window_start;  /* step the integration window opened, or -1 */
  int concurrent;        /* ap_net.concurrent_callbacks (ABI 1.5) */
  char **phase_names;    /* by index - 1 */
  size_t n_phase_names;
  ap_phase_event phase;  /* the phase under way (kind 0: none) */
  mirror *mirrors;
  size_t n_mirrors;
};

static int fail(ap_sim *sim, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(ap_sim *sim, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ap_vfmt(sim->err, sizeof sim->err, fmt, ap);
  va_end(ap);
  return code;
}

const char *ap_version(void) { return AP_VERSION; }

ap_sim *ap_sim_new(struct ap_registry *reg, struct ap_settings *s) {
  ap_sim *sim = calloc(1, sizeof *sim);
  if (!sim) return NULL;
  sim->reg = reg;
  sim->set = s;
  sim->window_start = -1;
  return sim;
}

static void pop_free(pop *p) {
  const ap_neuron_desc *d = p->d;
  for (unsigned k = 0; k < d->n_params; k++) {
    free(p->param[k]);
    free(p->list_off[k]);
    free(p->list_val[k]);
  }
  for (unsigned v = 0; v < d->n_vars; v++) free(p->state[v]);
  free(p->param);
  free(p->state);
  free(p->lists);
  free(p->list_off);
  free(p->list_val);
  free(p->state_set);
  free(p->outdeg);
  free(p->silenced);
  if (p->shaped) {
    const ap_neuron_desc *base = p->plugin->desc->desc;
    if (base->release_shape) base->release_shape(&p->shape);
    free(p->shaped);
  }
}

static void proj_free(proj *p) {
  const ap_synapse_desc *sd = p->syn->desc->desc;
  for (unsigned v = 0; v < sd->n_vars; v++) free(p->syn_state[v]);
  free(p->syn_state);
  free(p->syn_param);
  free(p->row);
  free(p->target);
  free(p->weight);
  free(p->delay);
  ap_plastic_free(p->rule);
}

static void backend_destroy(ap_sim *sim) {
  if (sim->binst) sim->bd->destroy(sim->binst);
  sim->binst = NULL;
  if (sim->bstr && sim->bd)
    for (unsigned k = 0; k < sim->bd->n_params; k++) free(sim->bstr[k]);
  free(sim->bstr);
  free(sim->bset);
  free(sim->npops);
  free(sim->nprojs);
  free(sim->nexts);
  free(sim->nsil);
  free(sim->views);
  if (sim->credit)
    for (size_t i = 0; i < sim->n_credit; i++) free(sim->credit[i]);
  free(sim->credit);
  sim->n_credit = 0;
  sim->views = NULL;
  sim->credit = NULL;
  sim->nexts = NULL;
  sim->nsil = NULL;
  sim->bstr = NULL;
  sim->bset = NULL;
  sim->npops = NULL;
  sim->nprojs = NULL;
}

void ap_sim_abort(ap_sim *sim) {
  for (size_t i = 0; i < sim->n_recs; i++)
    if (!sim->recs[i].closed) {
      ap_rec_abort(sim->recs[i].r);
      sim->recs[i].closed = 1;
    }
}

void ap_sim_free(ap_sim *sim) {
  if (!sim) return;
  backend_destroy(sim);
  ap_sim_abort(sim);
  for (size_t i = 0; i < sim->n_recs; i++) {
    ap_rec_free(sim->recs[i].r);
    free(sim->recs[i].syn);
    free(sim->recs[i].buf);
  }
  for (size_t i = 0; i < sim->n_projs; i++) proj_free(&sim->projs[i]);
  for (size_t i = 0; i < sim->n_mods; i++) free(sim->mods[i].name);
  for (size_t i = 0; i < sim->n_modulations; i++)
    free(sim->modulations[i].base);
  free(sim->mods);
  free(sim->levels);
  free(sim->drives);
  free(sim->modulations);
  for (size_t i = 0; i < sim->n_pops; i++) pop_free(&sim->pops[i]);
  free(sim->recs);
  free(sim->projs);
  free(sim->pops);
  free(sim->expand);
  free(sim->script);
  for (size_t i = 0; i < sim->n_phase_names; i++) free(sim->phase_names[i]);
  free(sim->phase_names);
  for (size_t i = 0; i < sim->n_mirrors; i++) free(sim->mirrors[i].map);
  free(sim->mirrors);
  free(sim);
}

const char *ap_sim_error(const ap_sim *sim) { return sim->err; }
struct ap_settings *ap_sim_settings(ap_sim *sim) { return sim->set; }
struct ap_registry *ap_sim_registry(ap_sim *sim) { return sim->reg; }
size_t ap_sim_n_pops(const ap_sim *sim) { return sim->n_pops; }
size_t ap_sim_n_projs(const ap_sim *sim) { return sim->n_projs; }
size_t ap_sim_n_recs(const ap_sim *sim) { return sim->n_recs; }
int ap_sim_started(const ap_sim *sim) { return sim->binst != NULL; }
size_t ap_pop_size(const ap_sim *sim, size_t p) { return sim->pops[p].n; }
const char *ap_pop_model(const ap_sim *sim, size_t p) {
  return sim->pops[p].plugin->name;
}
const ap_plugin *ap_sim_pop_plugin(const ap_sim *sim, size_t p) {
  return sim->pops[p].plugin;
}
int64_t ap_sim_step(const ap_sim *sim) { return sim->step; }

int ap_sim_start_at(ap_sim *sim, int64_t step) {
  if (sim->binst || sim->step != 0 || sim->phase.kind)
    return fail(sim, AP_EINVAL, "the clock can be set only before the first "
                "run (it is at t = %g ms)", (double)sim->step * sim->dt);
  if (step < 0) return fail(sim, AP_EINVAL, "the clock cannot start below 0");
  sim->step = step;
  return AP_OK;
}
double ap_sim_dt(const ap_sim *sim) {
  return sim->locked ? sim->dt : sim->set->dt;
}
ap_ref ap_sim_rec_ref(const ap_sim *sim, size_t r) { return sim->recs[r].ref; }
struct ap_recorder *ap_sim_recorder(ap_sim *sim, size_t r) {
  return sim->recs[r].r;
}

void ap_sim_set_progress(ap_sim *sim, void (*fn)(void *, int64_t),
                         void *ctx) {
  sim->progress = fn;
  sim->progress_ctx = ctx;
}

void ap_sim_set_script(ap_sim *sim, const char *path) {
  free(sim->script);
  sim->script = ap_strdup(path);
  sim->script_sha[0] = '\0';
  if (path && ap_sha256_file(path, sim->script_sha) != 0)
    sim->script_sha[0] = '\0';
}

/* Bring the host's state arrays up to date from a backend that keeps
 * its own state, before the host reads or changes them: a backend's
 * reload() takes the host's arrays as the whole truth. */
static void backend_sync(ap_sim *sim) {
  /* once the host has changed its arrays (dirty), they are the newer
   * until the backend reloads them */
  if (sim->binst && sim->bd && sim->bd->sync && !sim->dirty)
    sim->bd->sync(sim->binst);
}

/* Whether the backend counts delivered events itself. */
static int backend_counts_events(const ap_sim *sim) {
  return sim->bd && AP_HAS_FIELD(sim->bd, ap_backend_desc, events) &&
         sim->bd->events;
}

void ap_sim_stats(const ap_sim *sim, ap_stats *st) {
  *st = sim->stats;
  if (sim->binst && backend_counts_events(sim))
    st->events += sim->bd->events(sim->binst);
  st->t_ms = (double)sim->step * ap_sim_dt(sim);
  uint64_t syn = 0;
  for (size_t i = 0; i < sim->n_projs; i++) syn += sim->projs[i].n_syn;
  st->synapses = syn;
  st->synapse_bytes = 0;
  if (sim->binst && sim->bd->synapse_bytes && syn)
    st->synapse_bytes =
        (double)sim->bd->synapse_bytes(sim->binst) / (double)syn;
}

/* dt and seed are read from the settings when the first population is
 * made, and fixed from then on. */
static int lock_settings(ap_sim *sim) {
  if (sim->locked) {
    if (sim->set->dt != sim->dt)
      return fail(sim, AP_ESTATE,
                  "dt cannot change once populations exist (it is %g ms)",
                  sim->dt);
    if (sim->set->seed != sim->seed)
      return fail(sim, AP_ESTATE,
                  "seed cannot change once populations exist (it is %llu)",
                  (unsigned long long)sim->seed);
    return AP_OK;
  }
  sim->dt = sim->set->dt;
  sim->seed = sim->set->seed;
  sim->locked = 1;
  return AP_OK;
}

static int check_ref(ap_sim *sim, ap_ref r) {
  if (r.pop >= sim->n_pops)
    return fail(sim, AP_EINVAL, "no population %zu", r.pop + 1);
  if (r.first + r.count > sim->pops[r.pop].n || r.count == 0)
    return fail(sim, AP_EINVAL, "neurons %zu..%zu are outside population %zu "
                "(1..%zu)", r.first + 1, r.first + r.count, r.pop + 1,
                sim->pops[r.pop].n);
  return AP_OK;
}

/* The network may grow between runs when the backend can hand over the
 * spikes in flight; the backend is then rebuilt before the next run. */
static int may_grow(ap_sim *sim, const char *what) {
  if (!sim->binst) return AP_OK;
  if (!AP_HAS_FIELD(sim->bd, ap_backend_desc, pending_add) ||
      !sim->bd->pending_get || !sim->bd->pending_add)
    return fail(sim, AP_ESTATE,
                "%s after the first ap.run is not supported by backend %s: "
                "build the network before running", what, sim->bp->name);
  sim->grow = 1;
  return AP_OK;
}

/* ------------------------------------------------------------ populations */

/* An array of n values on whole cache lines of its own: a backend that
 * cuts populations between threads at multiples of 8 neurons then never
 * has two threads write one line (freed with free()). */
static ap_real *line_alloc(size_t n) {
  const size_t bytes = ((n ? n : 1) * sizeof(ap_real) + 63) / 64 * 64;
  return aligned_alloc(64, bytes);
}

/* The descriptor of a population of a model with structure parameters:
 * the model's own, with the layout its shape() gives for the values of
 * keys[] (other keys are left for ap_pop_set).  *out stays NULL for a
 * model of fixed shape. */
static int shape_pop(ap_sim *sim, const ap_plugin *pl, const char *const *keys,
                     const double *values, size_t n_keys, ap_real **structure,
                     ap_neuron_desc **out, ap_neuron_shape *sh) {
  const ap_neuron_desc *d = pl->desc->desc;
  *out = NULL;
  *structure = NULL;
  if (!AP_HAS_FIELD(d, ap_neuron_desc, shape) || !d->shape) return AP_OK;
  ap_real *st = malloc((d->n_params ? d->n_params : 1) * sizeof *st);
  if (!st) return fail(sim, AP_ENOMEM, "out of memory");
  for (unsigned k = 0; k < d->n_params; k++) st[k] = d->params[k].def;
  for (size_t i = 0; i < n_keys; i++) {
    int k = ap_param_index(d->params, d->n_params, keys[i]);
    if (k < 0 || !(d->params[k].range & AP_PARAM_STRUCTURE)) continue;
    if (ap_param_check(&d->params[k], pl->name, values[i], sim->err,
                       sizeof sim->err)) {
      free(st);
      return AP_EINVAL;
    }
    st[k] = values[i];
  }
  char msg[512] = "";
  memset(sh, 0, sizeof *sh);
  sh->dt = sim->dt; /* fixed once populations exist (ap.setup refuses) */
  if (d->shape(sh, st, msg, sizeof msg)) {
    free(st);
    return fail(sim, AP_EINVAL, "%s: %s", pl->name,
                msg[0] ? msg : "its structure parameters were refused");
  }
  int rc = ap_check_neuron_shape(pl->name, d, sh, sim->err, sizeof sim->err);
  ap_neuron_desc *dd = rc ? NULL : malloc(sizeof *dd);
  if (!dd) {
    if (d->release_shape) d->release_shape(sh);
    free(st);
    return rc ? rc : fail(sim, AP_ENOMEM, "out of memory");
  }
  *dd = *d;
  dd->compartments = sh->compartments;
  dd->n_compartments = sh->n_compartments;
  dd->vars = sh->vars;
  dd->n_vars = sh->n_vars;
  dd->ports = sh->ports;
  dd->n_ports = sh->n_ports;
  *out = dd;
  *structure = st;
  return AP_OK;
}

int ap_sim_population(ap_sim *sim, const char *model, size_t n, size_t *out) {
  return ap_sim_population_with(sim, model, n, NULL, NULL, 0, out);
}

int ap_sim_population_with(ap_sim *sim, const char *model, size_t n,
                           const char *const *keys, const double *values,
                           size_t n_keys, size_t *out) {
  int rc = may_grow(sim, "creating a population");
  if (rc) return rc;
  if ((rc = lock_settings(sim))) return rc;
  const ap_plugin *pl = ap_registry_find_kind(sim->reg, AP_KIND_NEURON, model);
  if (!pl) {
    ap_registry_unknown(sim->reg, AP_KIND_NEURON, model, sim->err,
                        sizeof sim->err);
    return AP_EINVAL;
  }
  if (n == 0 || n > UINT32_MAX)
    return fail(sim, AP_EINVAL, "population size must be in 1..%u, got %zu",
                (unsigned)UINT32_MAX, n);
  ap_real *structure = NULL;
  ap_neuron_desc *shaped = NULL;
  ap_neuron_shape sh;
  if ((rc = shape_pop(sim, pl, keys, values, n_keys, &structure, &shaped,
                      &sh)))
    return rc;
  pop *ps = realloc(sim->pops, (sim->n_pops + 1) * sizeof *ps);
  if (!ps) {
    if (shaped) {
      const ap_neuron_desc *base = pl->desc->desc;
      if (base->release_shape) base->release_shape(&sh);
      free(shaped);
    }
    free(structure);
    return fail(sim, AP_ENOMEM, "out of memory");
  }
  sim->pops = ps;
  pop *p = &ps[sim->n_pops];
  memset(p, 0, sizeof *p);
  p->plugin = pl;
  p->d = shaped ? shaped : pl->desc->desc;
  p->shaped = shaped;
  if (shaped) p->shape = sh;
  p->n = n;
  p->gid0 = sim->n_neurons;
  p->stream = AP_STREAM_POP_BASE + (uint32_t)sim->n_pops;
  const ap_neuron_desc *d = p->d;
  size_t np = d->n_params ? d->n_params : 1, nv = d->n_vars ? d->n_vars : 1;
  p->param = calloc(np, sizeof *p->param);
  p->lists = calloc(np, sizeof *p->lists);
  p->list_off = calloc(np, sizeof *p->list_off);
  p->list_val = calloc(np, sizeof *p->list_val);
  p->state = calloc(nv, sizeof *p->state);
  p->state_set = calloc(nv, 1);
  p->outdeg = calloc(n, sizeof *p->outdeg);
  int ok = p->param && p->lists && p->list_off && p->list_val && p->state &&
           p->state_set && p->outdeg;
  for (unsigned k = 0; ok && k < d->n_params; k++) {
    if (d->params[k].type == AP_PT_LIST) {
      p->list_off[k] = calloc(n + 1, sizeof **p->list_off);
      p->list_val[k] = malloc(sizeof **p->list_val);
      ok = p->list_off[k] && p->list_val[k];
      p->lists[k].offset = p->list_off[k];
      p->lists[k].value = p->list_val[k];
      continue;
    }
    p->param[k] = line_alloc(n);
    if (!(ok = p->param[k] != NULL)) break;
    double v0 = structure ? structure[k] : d->params[k].def;
    for (size_t i = 0; i < n; i++) p->param[k][i] = v0;
  }
  free(structure);
  for (unsigned v = 0; ok && v < d->n_vars; v++) {
    p->state[v] = line_alloc(n);
    if (!(ok = p->state[v] != NULL)) break;
    int from = d->vars[v].def_from
                   ? ap_param_index(d->params, d->n_params, d->vars[v].def_from)
                   : -1;
    for (size_t i = 0; i < n; i++)
      p->state[v][i] = from >= 0 && p->param[from] ? p->param[from][i]
                                                    : d->vars[v].def;
  }
  if (!ok) {
    pop_free(p);
    return fail(sim, AP_ENOMEM, "out of memory for %zu %s neurons", n, model);
  }
  sim->n_neurons += n;
  *out = sim->n_pops++;
  return AP_OK;
}

static void unknown_name(ap_sim *sim, const pop *p, const char *name) {
  const ap_neuron_desc *d = p->d;
  const char *cand[256];
  size_t nc = 0;
  for (unsigned k = 0; k < d->n_params && nc < 256; k++)
    cand[nc++] = d->params[k].name;
  for (unsigned v = 0; v < d->n_vars && nc < 256; v++)
    cand[nc++] = d->vars[v].name;
  const char *close = ap_closest(name, cand, nc);
  ap_fmt(sim->err, sizeof sim->err, "%s has no parameter or state '%s'",
         p->plugin->name, name);
  if (close) ap_append(sim->err, sizeof sim->err, " (did you mean '%s'?)", close);
  ap_append(sim->err, sizeof sim->err, "; parameters:");
  for (unsigned k = 0; k < d->n_params; k++)
    ap_append(sim->err, sizeof sim->err, "%s %s", k ? "," : "",
              d->params[k].name);
  ap_append(sim->err, sizeof sim->err, "; state:");
  int first = 1;
  for (unsigned v = 0; v < d->n_vars; v++)
    if (!(d->vars[v].flags & AP_VAR_INTERNAL)) {
      ap_append(sim->err, sizeof sim->err, "%s %s", first ? "" : ",",
                d->vars[v].name);
      first = 0;
    }
}

int ap_pop_set(ap_sim *sim, ap_ref r, const char *name, const ap_value *v) {
  int rc = check_ref(sim, r);
  if (rc) return rc;
  pop *p = &sim->pops[r.pop];
  const ap_neuron_desc *d = p->d;
  int k = ap_param_index(d->params, d->n_params, name);
  int s = k < 0 ? ap_var_index(d->vars, d->n_vars, name) : -1;
  if (k < 0 && s < 0) {
    unknown_name(sim, p, name);
    return AP_EINVAL;
  }
  backend_sync(sim);
  if (k >= 0 && d->params[k].type == AP_PT_LIST)
    return fail(sim, AP_EINVAL,
                "parameter '%s' of %s is a list per neuron: give a list of "
                "values (or one list per neuron)", name, p->plugin->name);
  char what[160];
  ap_fmt(what, sizeof what, "%s '%s' of %s", k >= 0 ? "parameter" : "state",
         name, p->plugin->name);
  if ((rc = ap_value_check(v, r.count, what, sim->err, sizeof sim->err)))
    return rc;
  double *tmp = malloc(r.count * sizeof *tmp);
  if (!tmp) return fail(sim, AP_ENOMEM, "out of memory");
  ap_value_fill(v, tmp, r.count, sim->seed, AP_STREAM_INIT_BASE + (uint32_t)r.pop,
                r.first, ap_name_hash(name));
  /* Validate the whole assignment on a copy before committing it. */
  for (size_t i = 0; i < r.count; i++) {
    if (k >= 0) {
      if ((rc = ap_param_check(&d->params[k], p->plugin->name, tmp[i],
                               sim->err, sizeof sim->err))) {
        if (r.count > 1)
          ap_append(sim->err, sizeof sim->err, " (neuron %zu)", r.first + i + 1);
        free(tmp);
        return rc;
      }
    } else if (!isfinite(tmp[i])) {
      free(tmp);
      return fail(sim, AP_EINVAL, "%s must be finite (neuron %zu)", what,
                  r.first + i + 1);
    }
  }
  if (k >= 0 && (d->params[k].range & AP_PARAM_STRUCTURE)) {
    for (size_t i = 0; i < r.count; i++)
      if (tmp[i] != p->param[k][r.first + i]) {
        double was = p->param[k][r.first + i];
        free(tmp);
        return fail(sim, AP_EINVAL, "parameter '%s' of %s shapes the "
                    "population: give it to ap.population, as one number "
                    "(it is %g here)",
                    name, p->plugin->name, was);
      }
  }
  if (k >= 0) {
    memcpy(p->param[k] + r.first, tmp, r.count * sizeof *tmp);
    /* A modulated parameter: the new value is the unmodulated one. */
    for (size_t i = 0; i < sim->n_modulations; i++) {
      modulation *o = &sim->modulations[i];
      if (o->r.pop != r.pop || o->param != k) continue;
      for (size_t j = 0; j < r.count; j++) {
        size_t at = r.first + j;
        if (at >= o->r.first && at - o->r.first < o->r.count)
          o->base[at - o->r.first] = tmp[j];
      }
    }
    /* Before the first run, states that start at this parameter's value
     * (V_m at E_L) follow it unless set explicitly. */
    if (!sim->binst)
      for (unsigned u = 0; u < d->n_vars; u++)
        if (!p->state_set[u] && d->vars[u].def_from &&
            strcmp(d->vars[u].def_from, name) == 0)
          memcpy(p->state[u] + r.first, tmp, r.count * sizeof *tmp);
  } else {
    memcpy(p->state[s] + r.first, tmp, r.count * sizeof *tmp);
    p->state_set[s] = 1;
  }
  free(tmp);
  sim->dirty = 1;
  return AP_OK;
}

int ap_pop_reset(ap_sim *sim, ap_ref r) {
  int rc = check_ref(sim, r);
  if (rc) return rc;
  pop *p = &sim->pops[r.pop];
  const ap_neuron_desc *d = p->d;
  backend_sync(sim);
  for (unsigned v = 0; v < d->n_vars; v++) {
    int from = d->vars[v].def_from
                   ? ap_param_index(d->params, d->n_params, d->vars[v].def_from)
                   : -1;
    for (size_t i = r.first; i < r.first + r.count; i++)
      p->state[v][i] = from >= 0 && p->param[from] ? p->param[from][i]
                                                    : d->vars[v].def;
  }
  sim->dirty = 1;
  return AP_OK;
}

int ap_pop_set_list(ap_sim *sim, ap_ref r, const char *name,
                    const double *values, const size_t *off) {
  int rc = check_ref(sim, r);
  if (rc) return rc;
  backend_sync(sim);
  pop *p = &sim->pops[r.pop];
  int k = ap_param_index(p->d->params, p->d->n_params, name);
  if (k < 0) {
    unknown_name(sim, p, name);
    return AP_EINVAL;
  }
  if (p->d->params[k].type != AP_PT_LIST)
    return fail(sim, AP_EINVAL, "parameter '%s' of %s takes one value per "
                "neuron, not a list", name, p->plugin->name);
  for (size_t j = 0; j < r.count; j++)
    for (size_t i = off[j]; i < off[j + 1]; i++)
      if (ap_param_check(&p->d->params[k], p->plugin->name, values[i],
                         sim->err, sizeof sim->err)) {
        ap_append(sim->err, sizeof sim->err, " (neuron %zu)", r.first + j + 1);
        return AP_EINVAL;
      }
  /* Rebuild the population's list: neurons outside r keep theirs. */
  size_t *old_off = p->list_off[k];
  ap_real *old_val = p->list_val[k];
  size_t total = 0;
  for (size_t i = 0; i < p->n; i++)
    total += (i >= r.first && i < r.first + r.count)
                 ? off[i - r.first + 1] - off[i - r.first]
                 : old_off[i + 1] - old_off[i];
  size_t *no = malloc((p->n + 1) * sizeof *no);
  ap_real *nv = malloc((total ? total : 1) * sizeof *nv);
  if (!no || !nv) {
    free(no);
    free(nv);
    return fail(sim, AP_ENOMEM, "out of memory");
  }
  size_t at = 0;
  for (size_t i = 0; i < p->n; i++) {
    no[i] = at;
    if (i >= r.first && i < r.first + r.count) {
      size_t a = off[i - r.first], b = off[i - r.first + 1];
      memcpy(nv + at, values + a, (b - a) * sizeof *nv);
      at += b - a;
    } else {
      size_t a = old_off[i], b = old_off[i + 1];
      memcpy(nv + at, old_val + a, (b - a) * sizeof *nv);
      at += b - a;
    }
  }
  no[p->n] = at;
  free(old_off);
  free(old_val);
  p->list_off[k] = no;
  p->list_val[k] = nv;
  p->lists[k].offset = no;
  p->lists[k].value = nv;
  sim->dirty = 1;
  return AP_OK;
}

int ap_pop_get(ap_sim *sim, ap_ref r, const char *name, double *out) {
  int rc = check_ref(sim, r);
  if (rc) return rc;
  pop *p = &sim->pops[r.pop];
  int k = ap_param_index(p->d->params, p->d->n_params, name);
  int s = k < 0 ? ap_var_index(p->d->vars, p->d->n_vars, name) : -1;
  if ((k < 0 && s < 0)) {
    unknown_name(sim, p, name);
    return AP_EINVAL;
  }
  if (k >= 0 && p->d->params[k].type == AP_PT_LIST)
    return fail(sim, AP_EINVAL, "parameter '%s' of %s is a list per neuron "
                "and cannot be read back with get()", name, p->plugin->name);
  if (s >= 0) backend_sync(sim);
  const ap_real *src = k >= 0 ? p->param[k] : p->state[s];
  memcpy(out, src + r.first, r.count * sizeof *out);
  return AP_OK;
}

/* ------------------------------------------------------------ projections */

/* Threads that build connections: the threads setting, 0 = all cores.
 * The network built does not depend on it. */
static unsigned build_threads(const ap_sim *sim) {
  int t = sim->set->threads;
  if (t <= 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    t = n > 0 ? (int)n : 1;
  }
  return (unsigned)t;
}

/* Pick the target port: by name, or by the sign of the weight. */
static int pick_port(ap_sim *sim, const pop *post, const ap_syn_spec *s,
                     unsigned *port) {
  const ap_neuron_desc *d = post->d;
  if (d->n_ports == 0)
    return fail(sim, AP_EINVAL,
                "%s has no input ports: it cannot be the target of a "
                "projection", post->plugin->name);
  if (s->port) {
    int k = ap_port_index(d->ports, d->n_ports, s->port);
    if (k < 0) {
      ap_fmt(sim->err, sizeof sim->err, "%s has no input port '%s'; ports:",
             post->plugin->name, s->port);
      for (unsigned i = 0; i < d->n_ports; i++)
        ap_append(sim->err, sizeof sim->err, "%s %s", i ? "," : "",
                  d->ports[i].name);
      return AP_EINVAL;
    }
    *port = (unsigned)k;
    return AP_OK;
  }
  int want = ap_value_center(&s->weight) < 0 ? -1 : 1;
  for (unsigned i = 0; i < d->n_ports; i++)
    if (d->ports[i].sign == want) {
      *port = i;
      return AP_OK;
    }
  return fail(sim, AP_EINVAL,
              "%s has no default port for %s weights: name one with port = "
              "\"...\"", post->plugin->name, want < 0 ? "negative" : "positive");
}

int ap_sim_connect(ap_sim *sim, ap_ref pre, ap_ref post, const ap_conn_spec *c,
                   const ap_syn_spec *s, size_t *out) {
  int rc = may_grow(sim, "connecting");
  if (rc) return rc;
  if ((rc = check_ref(sim, pre)) || (rc = check_ref(sim, post))) return rc;
  pop *pp = &sim->pops[post.pop], *qp = &sim->pops[pre.pop];
  unsigned port = 0;
  if ((rc = pick_port(sim, pp, s, &port))) return rc;
  const ap_port_desc *pd = &pp->d->ports[port];
  const char *sname = s->synapse ? s->synapse : "static";
  const ap_plugin *spl =
      ap_registry_find_kind(sim->reg, AP_KIND_SYNAPSE, sname);
  if (!spl) {
    ap_registry_unknown(sim->reg, AP_KIND_SYNAPSE, sname, sim->err,
                        sizeof sim->err);
    return AP_EINVAL;
  }
  const ap_synapse_desc *sd = spl->desc->desc;
  if ((rc = ap_value_check(&s->weight, 0, "synapse parameter 'weight'",
                           sim->err, sizeof sim->err)) ||
      (rc = ap_value_check(&s->delay, 0, "synapse parameter 'delay'", sim->err,
                           sizeof sim->err)))
    return rc;
  /* Model parameters of the synapse, validated before anything is built. */
  ap_real *sparam = calloc(sd->n_params ? sd->n_params : 1, sizeof *sparam);
  if (!sparam) return fail(sim, AP_ENOMEM, "out of memory");
  for (unsigned k = 0; k < sd->n_params; k++) sparam[k] = sd->params[k].def;
  for (size_t i = 0; i < s->n_keys; i++) {
    int k = ap_param_index(sd->params, sd->n_params, s->keys[i]);
    if (k < 0 || !strcmp(s->keys[i], "weight") || !strcmp(s->keys[i], "delay")) {
      ap_fmt(sim->err, sizeof sim->err,
             "synapse model %s has no parameter '%s'; parameters:", spl->name,
             s->keys[i]);
      for (unsigned j = 0; j < sd->n_params; j++)
        ap_append(sim->err, sizeof sim->err, "%s %s", j ? "," : "",
                  sd->params[j].name);
      free(sparam);
      return AP_EINVAL;
    }
    if ((rc = ap_param_check(&sd->params[k], spl->name, s->values[i], sim->err,
                             sizeof sim->err))) {
      free(sparam);
      return rc;
    }
    sparam[k] = s->values[i];
  }

  const ap_plugin *rpl = NULL;
  if (s->rule) {
    rpl = ap_registry_find_kind(sim->reg, AP_KIND_RULE, s->rule);
    if (!rpl) {
      ap_registry_unknown(sim->reg, AP_KIND_RULE, s->rule, sim->err,
                          sizeof sim->err);
      free(sparam);
      return AP_EINVAL;
    }
  } else if (s->n_modulators) {
    free(sparam);
    return fail(sim, AP_EINVAL, "synapse spec: 'modulator' needs a learning "
                "rule that reads it");
  }
  for (size_t i = 0; i < s->n_modulators; i++)
    if (s->modulators[i] >= sim->n_mods) {
      free(sparam);
      return fail(sim, AP_EINVAL, "no modulator %zu", s->modulators[i] + 1);
    }
  if (s->has_p_release && !(s->p_release >= 0 && s->p_release <= 1)) {
    free(sparam);
    return fail(sim, AP_EINVAL, "synapse parameter 'p_release' must be in "
                "[0, 1], got %g", s->p_release);
  }

  ap_conn_geom g = {pre.count, post.count, pre.pop == post.pop, pre.first,
                    post.first, build_threads(sim)};
  ap_pairs pairs = {0};
  uint32_t pid = (uint32_t)sim->n_projs;
  if ((rc = ap_connect_generate(c, &g, sim->seed, AP_STREAM_CONN_BASE + pid,
                                &pairs, sim->err, sizeof sim->err))) {
    ap_pairs_free(&pairs);
    free(sparam);
    return rc;
  }
  if (s->weight.kind == AP_VAL_ARRAY && s->weight.n != pairs.n) {
    rc = fail(sim, AP_EINVAL, "synapse parameter 'weight': a table of %zu "
              "values was given for %zu synapses", s->weight.n, pairs.n);
  } else if (s->delay.kind == AP_VAL_ARRAY && s->delay.n != pairs.n) {
    rc = fail(sim, AP_EINVAL, "synapse parameter 'delay': a table of %zu "
              "values was given for %zu synapses", s->delay.n, pairs.n);
  }
  size_t n = pairs.n, npre = qp->n;
  size_t *row = NULL;
  proj pr = {0};
  if (!rc) {
    row = calloc(npre + 1, sizeof *row);
    pr.target = malloc((n ? n : 1) * sizeof *pr.target);
    pr.weight = malloc((n ? n : 1) * sizeof *pr.weight);
    pr.delay = malloc((n ? n : 1) * sizeof *pr.delay);
    pr.syn_state = calloc(sd->n_vars ? sd->n_vars : 1, sizeof *pr.syn_state);
    if (!row || !pr.target || !pr.weight || !pr.delay || !pr.syn_state)
      rc = fail(sim, AP_ENOMEM, "out of memory for %zu synapses", n);
    for (unsigned v = 0; !rc && v < sd->n_vars; v++) {
      pr.syn_state[v] = malloc((n ? n : 1) * sizeof **pr.syn_state);
      /* a variable that starts at a parameter's value (u at U) */
      double init = sd->vars[v].def;
      int from = sd->vars[v].def_from
                     ? ap_param_index(sd->params, sd->n_params,
                                      sd->vars[v].def_from)
                     : -1;
      if (from >= 0) init = sparam[from];
      if (!pr.syn_state[v]) rc = fail(sim, AP_ENOMEM, "out of memory");
      else
        for (size_t i = 0; i < n; i++) pr.syn_state[v][i] = init;
    }
  }
  if (!rc) {
    /* Compressed rows by presynaptic neuron, weights and delays drawn per
     * synapse in generation order (see synbuild.h). */
    int negate = pd->type == AP_PORT_CONDUCTANCE && !s->port &&
                 ap_value_center(&s->weight) < 0;
    ap_synbuild b = {&pairs, pre.first, post.first, npre, &s->weight,
                     &s->delay, sim->seed, AP_STREAM_SYN_BASE + pid, sim->dt,
                     negate, pd->type == AP_PORT_CONDUCTANCE, g.threads,
                     row, pr.target, pr.weight, pr.delay, 0, 0, 0};
    rc = ap_synbuild_run(&b);
    if (rc == AP_ENOMEM) {
      fail(sim, rc, "out of memory for %zu synapses", n);
    } else if (b.bad == AP_SYN_BAD_WEIGHT) {
      fail(sim, AP_EINVAL,
           "synapse parameter 'weight' on conductance port '%s' of %s must "
           "be >= 0 nS, got %g (synapse %zu)%s", pd->name, pp->plugin->name,
           b.bad_value, b.bad_index + 1,
           s->port ? "" : ": weights of mixed sign need one projection per "
                          "port");
    } else if (b.bad == AP_SYN_BAD_DELAY) {
      double dt = sim->dt;
      fail(sim, AP_EINVAL,
           "synapse parameter 'delay' must be in [%g, %g] ms (dt to 65535 "
           "dt), got %g (synapse %zu)", dt, 65535.0 * dt, b.bad_value,
           b.bad_index + 1);
    }
    if (!rc)
      for (size_t m = 0; m < n; m++) qp->outdeg[pre.first + pairs.pre[m]]++;
    /* 8 bytes a synapse where the delays and the targets fit a word. */
    uint16_t dmax = 0;
    for (size_t m = 0; !rc && m < n; m++)
      if (pr.delay[m] > dmax) dmax = pr.delay[m];
    if (!rc && dmax < (1u << AP_PACK_DELAY_BITS) &&
        pp->n <= AP_PACK_TARGET_MASK + (size_t)1) {
      for (size_t m = 0; m < n; m++)
        pr.target[m] |= (uint32_t)pr.delay[m] << AP_PACK_TARGET_BITS;
      free(pr.delay);
      pr.delay = NULL;
    }
  }
  ap_pairs_free(&pairs);
  if (!rc && rpl) {
    pr.rule = ap_plastic_new(rpl, s->rule_keys, s->rule_values,
                             s->n_rule_keys, s->modulators,
                             (unsigned)s->n_modulators, n, pp->n, sim->err,
                             sizeof sim->err);
    if (!pr.rule) rc = AP_EINVAL;
  }
  proj *np = NULL;
  if (!rc) {
    np = realloc(sim->projs, (sim->n_projs + 1) * sizeof *np);
    if (!np) rc = fail(sim, AP_ENOMEM, "out of memory");
  }
  if (rc) {
    free(row);
    free(sparam);
    free(pr.target);
    free(pr.weight);
    free(pr.delay);
    if (pr.syn_state)
      for (unsigned v = 0; v < sd->n_vars; v++) free(pr.syn_state[v]);
    free(pr.syn_state);
    ap_plastic_free(pr.rule);
    return rc;
  }
  sim->projs = np;
  pr.pre = pre;
  pr.post = post;
  pr.port = port;
  pr.syn = spl;
  pr.syn_param = sparam;
  pr.row = row;
  pr.n_syn = n;
  pr.p_release = s->has_p_release ? s->p_release : 1.0;
  if (pr.rule)
    ap_plastic_bind(pr.rule, pr.weight, pr.target,
                    pr.delay ? 0xffffffffu : AP_PACK_TARGET_MASK, sim->dt);
  sim->projs[sim->n_projs] = pr;
  *out = sim->n_projs++;
  return AP_OK;
}

size_t ap_proj_size(const ap_sim *sim, size_t p) { return sim->projs[p].n_syn; }

const char *ap_proj_port(const ap_sim *sim, size_t p) {
  const proj *pr = &sim->projs[p];
  return sim->pops[pr->post.pop].d->ports[pr->port].name;
}

const char *ap_proj_synapse(const ap_sim *sim, size_t p) {
  return sim->projs[p].syn->name;
}

/* Post index and delay (steps) of synapse m, packed or not. */
static uint32_t syn_target(const proj *pr, size_t m) {
  return pr->delay ? pr->target[m] : pr->target[m] & AP_PACK_TARGET_MASK;
}
static unsigned syn_delay(const proj *pr, size_t m) {
  return pr->delay ? pr->delay[m] : pr->target[m] >> AP_PACK_TARGET_BITS;
}

int ap_proj_pairs(const ap_sim *sim, size_t p, uint32_t *pre, uint32_t *post) {
  const proj *pr = &sim->projs[p];
  size_t npre = sim->pops[pr->pre.pop].n;
  for (size_t i = 0; i < npre; i++)
    for (size_t m = pr->row[i]; m < pr->row[i + 1]; m++) {
      if (pre) pre[m] = (uint32_t)(i - pr->pre.first);
      if (post) post[m] = (uint32_t)(syn_target(pr, m) - pr->post.first);
    }
  return AP_OK;
}

static double now_ms(const ap_sim *sim) {
  return (double)sim->step * ap_sim_dt(sim);
}

/* Weights of a plastic projection, current at the present time. */
static void flush_rule(ap_sim *sim, proj *pr) {
  if (pr->rule) ap_plastic_flush(pr->rule, now_ms(sim));
}

int ap_proj_weights(ap_sim *sim, size_t p, double *w) {
  proj *pr = &sim->projs[p];
  flush_rule(sim, pr);
  for (size_t m = 0; m < pr->n_syn; m++) w[m] = pr->weight[m];
  return AP_OK;
}

int ap_proj_set_weights(ap_sim *sim, size_t p, const double *w) {
  proj *pr = &sim->projs[p];
  const pop *post = &sim->pops[pr->post.pop];
  const ap_port_desc *pd = &post->d->ports[pr->port];
  for (size_t m = 0; m < pr->n_syn; m++) {
    if (!isfinite(w[m]))
      return fail(sim, AP_EINVAL, "weight %zu is not a finite number", m + 1);
    if (pd->type == AP_PORT_CONDUCTANCE && w[m] < 0)
      return fail(sim, AP_EINVAL, "weight %zu is %g nS: weights on "
                  "conductance port '%s' of %s must be >= 0", m + 1, w[m],
                  pd->name, post->plugin->name);
  }
  /* A lazy rule first settles what it owes the old weights. */
  flush_rule(sim, pr);
  for (size_t m = 0; m < pr->n_syn; m++) pr->weight[m] = (ap_weight)w[m];
  return AP_OK;
}

const char *ap_proj_rule(const ap_sim *sim, size_t p) {
  const proj *pr = &sim->projs[p];
  return pr->rule ? pr->rule->plugin->name : NULL;
}

int ap_proj_delays(const ap_sim *sim, size_t p, double *d) {
  const proj *pr = &sim->projs[p];
  for (size_t m = 0; m < pr->n_syn; m++) d[m] = syn_delay(pr, m) * sim->dt;
  return AP_OK;
}

/* -------------------------------------------------------------- recording */

static void prov_fill(const ap_sim *sim, const char *what,
                      ap_provenance *pv);

static void provenance(const ap_sim *sim, const rec *r, char *what, size_t n,
                       ap_provenance *pv) {
  const pop *p = &sim->pops[r->ref.pop];
  if (r->kind == REC_WEIGHT)
    ap_fmt(what, n, "weights of %zu synapses of projection %zu (%s)",
           r->n_syn, r->proj + 1,
           sim->projs[r->proj].rule ? sim->projs[r->proj].rule->plugin->name
                                    : "static");
  else
    ap_fmt(what, n, "%s of population %zu (%s), neurons %zu..%zu",
           r->kind == REC_RATE     ? "mean rate (Hz)"
           : r->kind == REC_SPIKES ? "spikes"
                                   : p->d->vars[r->var].name,
           r->ref.pop + 1, p->plugin->name, r->ref.first + 1,
           r->ref.first + r->ref.count);
  prov_fill(sim, what, pv);
}

static void prov_fill(const ap_sim *sim, const char *what,
                      ap_provenance *pv) {
  pv->version = AP_VERSION;
  pv->seed = sim->locked ? sim->seed : sim->set->seed;
  pv->dt = ap_sim_dt(sim);
  pv->backend = sim->set->backend;
  pv->threads = sim->set->threads;
  pv->script = sim->script;
  pv->script_sha256 = sim->script_sha[0] ? sim->script_sha : NULL;
  pv->what = what;
  pv->unit = NULL;
}

int ap_sim_record(ap_sim *sim, ap_ref r, const char *what, double interval_ms,
                  const char *file, size_t *out) {
  int rc = check_ref(sim, r);
  if (rc) return rc;
  pop *p = &sim->pops[r.pop];
  int var = -1;
  int64_t interval = 1;
  if (strcmp(what, "spikes") != 0) {
    var = ap_var_index(p->d->vars, p->d->n_vars, what);
    if (var < 0) {
      ap_fmt(sim->err, sizeof sim->err,
             "%s has no state variable '%s' to record; recordable: spikes",
             p->plugin->name, what);
      for (unsigned v = 0; v < p->d->n_vars; v++)
        if (!(p->d->vars[v].flags & AP_VAR_INTERNAL))
          ap_append(sim->err, sizeof sim->err, ", %s", p->d->vars[v].name);
      return AP_EINVAL;
    }
    double dt = ap_sim_dt(sim);
    double q = interval_ms / dt;
    interval = llround(q);
    if (!(interval_ms > 0) || interval < 1 || fabs(q - (double)interval) > 1e-6)
      return fail(sim, AP_EINVAL,
                  "recording interval must be a positive multiple of dt = %g "
                  "ms, got %g", dt, interval_ms);
  }
  rec *nr = realloc(sim->recs, (sim->n_recs + 1) * sizeof *nr);
  if (!nr) return fail(sim, AP_ENOMEM, "out of memory");
  sim->recs = nr;
  ap_recorder *ar = ap_rec_new(var < 0 ? AP_REC_SPIKES : AP_REC_STATE, r.first,
                               r.count, var < 0 ? NULL : what, interval, file,
                               sim->err, sizeof sim->err);
  if (!ar) return AP_EIO;
  if (var >= 0 && ap_rec_set_unit(ar, p->d->vars[var].unit) != 0) {
    ap_rec_abort(ar);
    ap_rec_free(ar);
    return fail(sim, AP_ENOMEM, "out of memory");
  }
  rec *x = &sim->recs[sim->n_recs];
  x->r = ar;
  x->ref = r;
  x->var = var;
  x->kind = var < 0 ? REC_SPIKES : REC_STATE;
  x->syn = NULL;
  x->buf = NULL;
  x->n_syn = 0;
  x->count = 0;
  x->t_start = (double)sim->step * ap_sim_dt(sim);
  x->closed = file ? 0 : 1;
  ap_rec_set_span(ar, x->t_start, x->t_start);
  *out = sim->n_recs++;
  return AP_OK;
}

/* Interval in steps for a recording period, or 0 with a message. */
static int64_t rec_steps(ap_sim *sim, double ms, const char *what) {
  double dt = ap_sim_dt(sim), q = ms / dt;
  int64_t k = llround(q);
  if (!(ms > 0) || k < 1 || fabs(q - (double)k) > 1e-6) {
    fail(sim, AP_EINVAL, "%s must be a positive multiple of dt = %g ms, got "
         "%g", what, dt, ms);
    return 0;
  }
  return k;
}

/* The unit of a projection's weights: that of its target port. */
static const char *port_unit(const ap_sim *sim, const proj *pr) {
  switch (sim->pops[pr->post.pop].d->ports[pr->port].type) {
  case AP_PORT_CURRENT: return "pA";
  case AP_PORT_CONDUCTANCE: return "nS";
  case AP_PORT_VOLTAGE: return "mV";
  default: return NULL;
  }
}

static rec *new_rec(ap_sim *sim) {
  rec *nr = realloc(sim->recs, (sim->n_recs + 1) * sizeof *nr);
  if (!nr) {
    fail(sim, AP_ENOMEM, "out of memory");
    return NULL;
  }
  sim->recs = nr;
  rec *x = &nr[sim->n_recs];
  memset(x, 0, sizeof *x);
  x->var = -1;
  x->t_start = now_ms(sim);
  return x;
}

int ap_sim_record_weights(ap_sim *sim, size_t p, const size_t *syn, size_t n,
                          double interval_ms, const char *file, size_t *out) {
  if (p >= sim->n_projs)
    return fail(sim, AP_EINVAL, "no projection %zu", p + 1);
  proj *pr = &sim->projs[p];
  if (n == 0)
    return fail(sim, AP_EINVAL, "no synapses chosen to record (projection "
                "%zu has %zu)", p + 1, pr->n_syn);
  for (size_t k = 0; k < n; k++)
    if (syn[k] >= pr->n_syn)
      return fail(sim, AP_EINVAL, "projection %zu has no synapse %zu (it has "
                  "%zu)", p + 1, syn[k] + 1, pr->n_syn);
  int64_t iv = rec_steps(sim, interval_ms, "weight recording interval");
  if (!iv) return AP_EINVAL;
  size_t *copy = malloc(n * sizeof *copy);
  double *buf = malloc(n * sizeof *buf);
  rec *x = copy && buf ? new_rec(sim) : NULL;
  ap_recorder *ar = x ? ap_rec_new(AP_REC_STATE, 0, n, "weight", iv, file,
                                   sim->err, sizeof sim->err)
                      : NULL;
  if (ar && ap_rec_set_unit(ar, port_unit(sim, pr)) != 0) {
    ap_rec_abort(ar);
    ap_rec_free(ar);
    free(copy);
    free(buf);
    return fail(sim, AP_ENOMEM, "out of memory");
  }
  if (!ar) {
    free(copy);
    free(buf);
    return x ? AP_EIO : fail(sim, AP_ENOMEM, "out of memory");
  }
  memcpy(copy, syn, n * sizeof *copy);
  x->r = ar;
  x->ref = pr->post;
  x->kind = REC_WEIGHT;
  x->proj = p;
  x->syn = copy;
  x->buf = buf;
  x->n_syn = n;
  x->closed = file ? 0 : 1;
  ap_rec_set_span(ar, x->t_start, x->t_start);
  *out = sim->n_recs++;
  return AP_OK;
}

int ap_sim_record_rate(ap_sim *sim, ap_ref r, double bin_ms, const char *file,
                       size_t *out) {
  int rc = check_ref(sim, r);
  if (rc) return rc;
  int64_t iv = rec_steps(sim, bin_ms, "rate bin");
  if (!iv) return AP_EINVAL;
  rec *x = new_rec(sim);
  if (!x) return AP_ENOMEM;
  ap_recorder *ar = ap_rec_new(AP_REC_STATE, 0, 1, "rate", iv, file, sim->err,
                               sizeof sim->err);
  if (!ar) return AP_EIO;
  if (ap_rec_set_unit(ar, "Hz") != 0) {
    ap_rec_abort(ar);
    ap_rec_free(ar);
    return fail(sim, AP_ENOMEM, "out of memory");
  }
  x->r = ar;
  x->ref = r;
  x->kind = REC_RATE;
  x->closed = file ? 0 : 1;
  ap_rec_set_span(ar, x->t_start, x->t_start);
  *out = sim->n_recs++;
  return AP_OK;
}

int ap_proj_save(ap_sim *sim, size_t p, const char *path) {
  proj *pr = &sim->projs[p];
  size_t n = pr->n_syn;
  double *v = malloc((n ? n : 1) * 4 * sizeof *v);
  uint32_t *pre = malloc((n ? n : 1) * sizeof *pre);
  uint32_t *post = malloc((n ? n : 1) * sizeof *post);
  double *w = malloc((n ? n : 1) * sizeof *w);
  double *d = malloc((n ? n : 1) * sizeof *d);
  int rc = AP_OK;
  if (!v || !pre || !post || !w || !d) {
    rc = fail(sim, AP_ENOMEM, "out of memory");
  } else {
    ap_proj_pairs(sim, p, pre, post);
    ap_proj_weights(sim, p, w);
    ap_proj_delays(sim, p, d);
    for (size_t m = 0; m < n; m++) {
      v[4 * m] = pre[m] + 1.0;
      v[4 * m + 1] = post[m] + 1.0;
      v[4 * m + 2] = w[m];
      v[4 * m + 3] = d[m];
    }
    static const char *const cols[] = {"pre", "post", "weight", "delay_ms"};
    char what[160];
    ap_fmt(what, sizeof what, "synapses of projection %zu (%s), at t = %g ms",
           p + 1, pr->rule ? pr->rule->plugin->name : "static", now_ms(sim));
    ap_provenance pv;
    prov_fill(sim, what, &pv);
    pv.unit = port_unit(sim, pr);
    if (ap_table_save(path, cols, 4, v, n, &pv, sim->err, sizeof sim->err))
      rc = AP_EIO;
  }
  free(v);
  free(pre);
  free(post);
  free(w);
  free(d);
  return rc;
}

/* ------------------------------------------------------------ modulators */

int ap_sim_modulator(ap_sim *sim, const char *name, double tau_ms,
                     double baseline, size_t *out) {
  if (!name || !*name)
    return fail(sim, AP_EINVAL, "a modulator needs a name");
  for (size_t i = 0; i < sim->n_mods; i++)
    if (!strcmp(sim->mods[i].name, name))
      return fail(sim, AP_EINVAL, "modulator '%s' exists already", name);
  if (!(tau_ms > 0) || !isfinite(tau_ms))
    return fail(sim, AP_EINVAL, "modulator '%s': tau must be > 0 ms, got %g",
                name, tau_ms);
  if (!isfinite(baseline))
    return fail(sim, AP_EINVAL, "modulator '%s': baseline must be a finite "
                "number", name);
  mod *m = realloc(sim->mods, (sim->n_mods + 1) * sizeof *m);
  if (!m) return fail(sim, AP_ENOMEM, "out of memory");
  sim->mods = m;
  double *l = realloc(sim->levels, (sim->n_mods + 1) * sizeof *l);
  if (!l) return fail(sim, AP_ENOMEM, "out of memory");
  sim->levels = l;
  char *nm = ap_strdup(name);
  if (!nm) return fail(sim, AP_ENOMEM, "out of memory");
  m[sim->n_mods] = (mod){nm, tau_ms, baseline, 0};
  l[sim->n_mods] = baseline;
  *out = sim->n_mods++;
  return AP_OK;
}

size_t ap_sim_n_mods(const ap_sim *sim) { return sim->n_mods; }
const char *ap_mod_name(const ap_sim *sim, size_t m) {
  return sim->mods[m].name;
}
double ap_mod_level(const ap_sim *sim, size_t m) { return sim->levels[m]; }

int ap_mod_release(ap_sim *sim, size_t m, double amount) {
  if (m >= sim->n_mods) return fail(sim, AP_EINVAL, "no modulator %zu", m + 1);
  if (!isfinite(amount))
    return fail(sim, AP_EINVAL, "modulator '%s': the amount released must be "
                "a finite number", sim->mods[m].name);
  sim->levels[m] += amount;
  return AP_OK;
}

int ap_mod_connect(ap_sim *sim, ap_ref pre, size_t m, double weight) {
  int rc = check_ref(sim, pre);
  if (rc) return rc;
  if (m >= sim->n_mods) return fail(sim, AP_EINVAL, "no modulator %zu", m + 1);
  if (!isfinite(weight))
    return fail(sim, AP_EINVAL, "modulator '%s': weight must be a finite "
                "number", sim->mods[m].name);
  mod_drive *d = realloc(sim->drives, (sim->n_drives + 1) * sizeof *d);
  if (!d) return fail(sim, AP_ENOMEM, "out of memory");
  sim->drives = d;
  d[sim->n_drives++] = (mod_drive){pre, m, weight};
  return AP_OK;
}

int ap_pop_modulate(ap_sim *sim, ap_ref r, const char *param, size_t m,
                    double gain) {
  int rc = check_ref(sim, r);
  if (rc) return rc;
  if (m >= sim->n_mods) return fail(sim, AP_EINVAL, "no modulator %zu", m + 1);
  pop *p = &sim->pops[r.pop];
  int k = ap_param_index(p->d->params, p->d->n_params, param);
  if (k < 0 || p->d->params[k].type != AP_PT_REAL) {
    ap_fmt(sim->err, sizeof sim->err, "%s has no real parameter '%s' to "
           "modulate; parameters:", p->plugin->name, param);
    for (unsigned j = 0; j < p->d->n_params; j++)
      if (p->d->params[j].type == AP_PT_REAL)
        ap_append(sim->err, sizeof sim->err, " %s", p->d->params[j].name);
    return AP_EINVAL;
  }
  if (!isfinite(gain))
    return fail(sim, AP_EINVAL, "modulation gain must be a finite number");
  for (size_t i = 0; i < sim->n_modulations; i++) {
    const modulation *o = &sim->modulations[i];
    if (o->r.pop == r.pop && o->param == k && o->r.first < r.first + r.count &&
        r.first < o->r.first + o->r.count)
      return fail(sim, AP_EINVAL, "parameter '%s' of neurons %zu..%zu of "
                  "population %zu is modulated already", param, r.first + 1,
                  r.first + r.count, r.pop + 1);
  }
  modulation *mm =
      realloc(sim->modulations, (sim->n_modulations + 1) * sizeof *mm);
  if (!mm) return fail(sim, AP_ENOMEM, "out of memory");
  sim->modulations = mm;
  double *base = malloc(r.count * sizeof *base);
  if (!base) return fail(sim, AP_ENOMEM, "out of memory");
  memcpy(base, p->param[k] + r.first, r.count * sizeof *base);
  mm[sim->n_modulations++] = (modulation){r, k, m, gain, base};
  return AP_OK;
}

/* Scale the modulated parameters by the modulators' present levels.
 * Returns whether anything changed (the backend must then reload). */
static int apply_modulations(ap_sim *sim) {
  int changed = 0;
  for (size_t i = 0; i < sim->n_modulations; i++) {
    const modulation *o = &sim->modulations[i];
    double f = 1.0 + o->gain * (sim->levels[o->mod] - sim->mods[o->mod].baseline);
    ap_real *v = sim->pops[o->r.pop].param[o->param] + o->r.first;
    for (size_t j = 0; j < o->r.count; j++) {
      double x = o->base[j] * f;
      if (v[j] != x) {
        v[j] = x;
        changed = 1;
      }
    }
  }
  return changed;
}

/* ---------------------------------------------------------------- lesions */

static int silence(ap_sim *sim, pop *p, size_t pi, size_t idx) {
  if (!p->silenced) {
    p->silenced = calloc(p->n, 1);
    if (!p->silenced) return fail(sim, AP_ENOMEM, "out of memory");
    if (sim->nsil) sim->nsil[pi] = p->silenced;
  }
  if (!p->silenced[idx]) {
    p->silenced[idx] = 1;
    p->n_silenced++;
  }
  return AP_OK;
}

int ap_pop_lesion(ap_sim *sim, ap_ref r, const uint32_t *idx, size_t n) {
  int rc = check_ref(sim, r);
  if (rc) return rc;
  pop *p = &sim->pops[r.pop];
  for (size_t k = 0; k < n; k++)
    if (idx[k] >= r.count)
      return fail(sim, AP_EINVAL, "lesion: neuron %u is outside the %zu "
                  "neurons given", idx[k] + 1, r.count);
  for (size_t k = 0; k < n; k++)
    if ((rc = silence(sim, p, r.pop, r.first + idx[k]))) return rc;
  return AP_OK;
}

int ap_pop_lesion_fraction(ap_sim *sim, ap_ref r, double fraction,
                           size_t *n_out) {
  int rc = check_ref(sim, r);
  if (rc) return rc;
  if (!(fraction >= 0 && fraction <= 1))
    return fail(sim, AP_EINVAL, "lesion: the fraction must be in [0, 1], got "
                "%g", fraction);
  size_t k = (size_t)llround(fraction * (double)r.count);
  uint32_t *perm = malloc(r.count * sizeof *perm);
  if (!perm) return fail(sim, AP_ENOMEM, "out of memory");
  for (size_t i = 0; i < r.count; i++) perm[i] = (uint32_t)i;
  /* The first k of a keyed shuffle: the same neurons for a given seed,
   * population and call count, whatever else the script does. */
  pop *p = &sim->pops[r.pop];
  ap_rng g;
  ap_rng_init(&g, sim->seed, AP_STREAM_LESION, r.pop, p->n_silenced);
  for (size_t i = 0; i < k; i++) {
    size_t j = i + (size_t)ap_rng_below(&g, r.count - i);
    uint32_t t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  rc = ap_pop_lesion(sim, r, perm, k);
  free(perm);
  if (!rc && n_out) *n_out = k;
  return rc;
}

size_t ap_pop_n_silenced(const ap_sim *sim, size_t pi) {
  return sim->pops[pi].n_silenced;
}

int ap_sim_save(ap_sim *sim, size_t r, const char *path) {
  char what[256];
  ap_provenance pv;
  provenance(sim, &sim->recs[r], what, sizeof what, &pv);
  if (ap_rec_save(sim->recs[r].r, path, &pv, sim->err, sizeof sim->err))
    return AP_EIO;
  return AP_OK;
}

int ap_sim_report(ap_sim *sim, ap_report *out) {
  memset(out, 0, sizeof *out);
  if (!sim->binst || !AP_HAS_FIELD(sim->bd, ap_backend_desc, report) ||
      !sim->bd->report)
    return AP_ENOTSUP;
  return sim->bd->report(sim->binst, out);
}

int ap_sim_finish(ap_sim *sim) {
  int rc = AP_OK;
  for (size_t i = 0; i < sim->n_recs; i++) {
    rec *r = &sim->recs[i];
    if (r->closed) continue;
    char what[256];
    ap_provenance pv;
    provenance(sim, r, what, sizeof what, &pv);
    r->closed = 1;
    if (ap_rec_close(r->r, &pv, sim->err, sizeof sim->err)) rc = AP_EIO;
  }
  return rc;
}

/* ------------------------------------------------------ backend callbacks */

/* Spikes (with multiplicities) of the ascending list idx inside r. */
static uint64_t count_in(const uint32_t *idx, const uint32_t *mult, size_t n,
                         ap_ref r) {
  uint64_t c = 0;
  for (size_t k = 0; k < n; k++)
    if (idx[k] >= r.first && idx[k] - r.first < r.count)
      c += mult ? mult[k] : 1;
  return c;
}

/* The window step of `step` (see ap_neuron_block.window_step). */
static int64_t window_step(const ap_sim *sim, int64_t step) {
  return sim->window_start >= 0 && step >= sim->window_start
             ? step - sim->window_start
             : -1;
}

static void on_spikes(void *ctx, size_t pi, int64_t step, const uint32_t *idx,
                      const uint32_t *mult, size_t n) {
  ap_sim *sim = ctx;
  pop *p = &sim->pops[pi];
  uint64_t spikes = 0, events = 0;
  if (!mult) {
    spikes = n;
  } else {
    for (size_t k = 0; k < n; k++) spikes += mult[k];
  }
  if (!backend_counts_events(sim))
    for (size_t k = 0; k < n; k++)
      events += (mult ? mult[k] : 1) * p->outdeg[idx[k]];
  sim->stats.spikes += spikes;
  sim->stats.events += events;
  /* Rules that watch their presynaptic population's spikes. */
  for (size_t j = 0; j < sim->n_projs; j++) {
    proj *pr = &sim->projs[j];
    if (pr->rule && pr->pre.pop == pi)
      ap_plastic_spikes(pr->rule, step, window_step(sim, step), idx, mult, n);
  }
  /* Modulators driven by this population, and rate recorders of it: each
   * counts the spikes of its slice. */
  for (size_t i = 0; i < sim->n_drives; i++) {
    const mod_drive *d = &sim->drives[i];
    if (d->pre.pop != pi) continue;
    uint64_t c = count_in(idx, mult, n, d->pre);
    if (c) sim->mods[d->mod].pending += d->weight * (double)c;
  }
  for (size_t i = 0; i < sim->n_recs; i++)
    if (sim->recs[i].kind == REC_RATE && sim->recs[i].ref.pop == pi)
      sim->recs[i].count += count_in(idx, mult, n, sim->recs[i].ref);
  const uint32_t *list = idx;
  size_t len = n;
  int recorded = 0;
  for (size_t i = 0; i < sim->n_recs && !recorded; i++)
    recorded = sim->recs[i].kind == REC_SPIKES && sim->recs[i].ref.pop == pi;
  if (!recorded) return;
  if (mult && spikes != n) {
    /* Recorders see one entry per spike. */
    if (sim->expand_cap < spikes) {
      uint32_t *e = realloc(sim->expand, spikes * sizeof *e);
      if (!e) {
        sim->failed = fail(sim, AP_ENOMEM, "out of memory recording spikes");
        return;
      }
      sim->expand = e;
      sim->expand_cap = spikes;
    }
    len = 0;
    for (size_t k = 0; k < n; k++)
      for (uint32_t m = 0; m < mult[k]; m++) sim->expand[len++] = idx[k];
    list = sim->expand;
  }
  for (size_t i = 0; i < sim->n_recs; i++) {
    rec *r = &sim->recs[i];
    if (r->kind != REC_SPIKES || r->ref.pop != pi) continue;
    if (ap_rec_spikes(r->r, step, sim->dt, list, len) && !sim->failed)
      sim->failed = fail(sim, AP_EIO, "recording spikes failed (out of memory "
                         "or the streamed file could not be written)");
  }
}

/* Whether on_spikes() and on_step_done() will read only the spike lists
 * and the host's data in the coming run: no recorder of state or weights,
 * and every rule they call declares that it touches only its own state
 * (ap_net.concurrent_callbacks). */
static int callbacks_local(const ap_sim *sim) {
  for (size_t i = 0; i < sim->n_recs; i++)
    if (sim->recs[i].kind == REC_STATE || sim->recs[i].kind == REC_WEIGHT)
      return 0;
  for (size_t j = 0; j < sim->n_projs; j++) {
    const ap_plastic *r = sim->projs[j].rule;
    if (!r) continue;
    const ap_rule_desc *d = r->d;
    const int spk = AP_HAS_FIELD(d, ap_rule_desc, on_spikes) && d->on_spikes;
    if (!spk && !d->on_step) continue;
    if (!AP_HAS_FIELD(d, ap_rule_desc, flags) ||
        !(d->flags & AP_RULE_LOCAL_CALLBACKS))
      return 0;
  }
  return 1;
}

/* End of a step, called by the backend with no worker running: the
 * modulators decay over the step and take this step's releases, the rules
 * see the new levels, then the recorders that are due sample. */
static void on_step_done(void *ctx, int64_t step) {
  ap_sim *sim = ctx;
  for (size_t i = 0; i < sim->n_mods; i++) {
    mod *m = &sim->mods[i];
    sim->levels[i] = m->baseline + (sim->levels[i] - m->baseline) *
                                       exp(-sim->dt / m->tau) + m->pending;
    m->pending = 0;
  }
  for (size_t j = 0; j < sim->n_projs; j++)
    if (sim->projs[j].rule)
      ap_plastic_step(sim->projs[j].rule, step, sim->levels,
                      window_step(sim, step));
  int synced = 0;
  for (size_t i = 0; i < sim->n_recs; i++) {
    rec *r = &sim->recs[i];
    if (r->kind == REC_SPIKES || !ap_rec_due(r->r, step)) continue;
    if (r->kind != REC_STATE) {
      const double *vals = r->buf;
      double rate;
      if (r->kind == REC_WEIGHT) {
        proj *pr = &sim->projs[r->proj];
        if (pr->rule) ap_plastic_flush(pr->rule, (double)(step + 1) * sim->dt);
        for (size_t k = 0; k < r->n_syn; k++) r->buf[k] = pr->weight[r->syn[k]];
      } else {
        double bin_s = (double)ap_rec_interval(r->r) * sim->dt * 1e-3;
        rate = (double)r->count / ((double)r->ref.count * bin_s);
        r->count = 0;
        vals = &rate;
      }
      if (ap_rec_sample(r->r, step, sim->dt, vals) && !sim->failed)
        sim->failed = fail(sim, AP_EIO, "recording %s failed (out of memory "
                           "or the streamed file could not be written)",
                           ap_rec_var(r->r));
      continue;
    }
    if (!synced && sim->bd->sync) sim->bd->sync(sim->binst);
    synced = 1;
    if (ap_rec_sample(r->r, step, sim->dt,
                      sim->pops[r->ref.pop].state[r->var]) &&
        !sim->failed)
      sim->failed = fail(sim, AP_EIO, "recording %s failed (out of memory or "
                         "the streamed file could not be written)",
                         ap_rec_var(r->r));
  }
}

/* ---------------------------------------------------------------- backend */

typedef struct setting_ctx {
  ap_sim *sim;
  int rc;
} setting_ctx;

static int apply_setting(const char *key, const char *value, void *vctx) {
  setting_ctx *c = vctx;
  ap_sim *sim = c->sim;
  const ap_backend_desc *bd = sim->bd;
  int k = ap_param_index(bd->params, bd->n_params, key);
  if (k < 0) {
    ap_fmt(sim->err, sizeof sim->err,
           "unknown setting '%s' for backend %s; its settings:", key,
           sim->bp->name);
    if (bd->n_params == 0) ap_append(sim->err, sizeof sim->err, " none");
    for (unsigned j = 0; j < bd->n_params; j++)
      ap_append(sim->err, sizeof sim->err, "%s %s", j ? "," : "",
                bd->params[j].name);
    ap_append(sim->err, sizeof sim->err,
              " (core settings: backend, threads, seed, dt, plugin_path, "
              "output_dir, fashion_dir, mnist_dir)");
    return c->rc = AP_EINVAL;
  }
  const ap_param_desc *pd = &bd->params[k];
  if (pd->type == AP_PT_STRING) {
    free(sim->bstr[k]);
    sim->bstr[k] = ap_strdup(value);
    return AP_OK;
  }
  char *end;
  errno = 0;
  double v = strtod(value, &end);
  if (end == value || *end || errno) {
    ap_fmt(sim->err, sizeof sim->err,
           "setting '%s' of backend %s must be a number%s%s, got '%s'", key,
           sim->bp->name, strcmp(pd->unit, "1") ? " in " : "",
           strcmp(pd->unit, "1") ? pd->unit : "", value);
    return c->rc = AP_EINVAL;
  }
  if (ap_param_check(pd, sim->bp->name, v, sim->err, sizeof sim->err))
    return c->rc = AP_EINVAL;
  sim->bset[k] = v;
  return AP_OK;
}

static int start_backend(ap_sim *sim) {
  const char *name = sim->set->backend;
  const ap_plugin *bp = ap_registry_find_kind(sim->reg, AP_KIND_BACKEND, name);
  if (!bp) {
    ap_registry_unknown(sim->reg, AP_KIND_BACKEND, name, sim->err,
                        sizeof sim->err);
    return AP_EINVAL;
  }
  if (!sim->locked) {
    int rc = lock_settings(sim);
    if (rc) return rc;
  }
  sim->bp = bp;
  sim->bd = bp->desc->desc;
  const ap_backend_desc *bd = sim->bd;
  unsigned nb = bd->n_params ? bd->n_params : 1;
  sim->bset = calloc(nb, sizeof *sim->bset);
  sim->bstr = calloc(nb, sizeof *sim->bstr);
  sim->npops = calloc(sim->n_pops ? sim->n_pops : 1, sizeof *sim->npops);
  sim->nprojs = calloc(sim->n_projs ? sim->n_projs : 1, sizeof *sim->nprojs);
  sim->nexts = calloc(sim->n_projs ? sim->n_projs : 1, sizeof *sim->nexts);
  sim->nsil = calloc(sim->n_pops ? sim->n_pops : 1, sizeof *sim->nsil);
  sim->views = calloc(sim->n_pops ? sim->n_pops : 1, sizeof *sim->views);
  sim->credit = calloc(sim->n_pops ? sim->n_pops : 1, sizeof *sim->credit);
  if (!sim->bset || !sim->bstr || !sim->npops || !sim->nprojs || !sim->nexts ||
      !sim->nsil || !sim->views || !sim->credit)
    return fail(sim, AP_ENOMEM, "out of memory");
  sim->n_credit = sim->n_pops;
  for (size_t i = 0; i < sim->n_pops; i++) {
    const pop *p = &sim->pops[i];
    ap_pop_view *v = &sim->views[i];
    v->n = p->n;
    v->model = p->plugin->name;
    v->params = p->d->params;
    v->n_params = p->d->n_params;
    v->vars = p->d->vars;
    v->n_vars = p->d->n_vars;
    v->param = p->param;
    v->state = p->state;
    sim->credit[i] = calloc(p->n ? p->n : 1, sizeof **sim->credit);
    if (!sim->credit[i]) return fail(sim, AP_ENOMEM, "out of memory");
  }
  for (unsigned k = 0; k < bd->n_params; k++) {
    sim->bset[k] = bd->params[k].def;
    if (bd->params[k].type == AP_PT_STRING && bd->params[k].def_str)
      sim->bstr[k] = ap_strdup(bd->params[k].def_str);
    if (!strcmp(bd->params[k].name, "threads"))
      sim->bset[k] = sim->set->threads;
  }
  setting_ctx sc = {sim, AP_OK};
  ap_settings_each_extra(sim->set, name, apply_setting, &sc);
  if (sc.rc) return sc.rc;

  unsigned min_d = 0, max_d = 1;
  for (size_t i = 0; i < sim->n_pops; i++) {
    pop *p = &sim->pops[i];
    ap_net_pop *q = &sim->npops[i];
    q->model = p->plugin->name;
    q->desc = p->d;
    q->n = p->n;
    q->gid0 = p->gid0;
    q->stream = p->stream;
    q->param = p->param;
    q->state = p->state;
    q->lists = p->lists;
    sim->nsil[i] = p->silenced;
  }
  for (size_t i = 0; i < sim->n_projs; i++) {
    proj *p = &sim->projs[i];
    ap_net_proj *q = &sim->nprojs[i];
    q->pre = p->pre.pop;
    q->post = p->post.pop;
    q->port = p->port;
    q->row = p->row;
    q->target = p->target;
    q->weight = p->weight;
    q->delay = p->delay;
    q->n_syn = p->n_syn;
    q->syn = p->syn->desc->desc;
    q->syn_param = p->syn_param;
    q->syn_state = p->syn_state;
    ap_net_proj_ext *x = &sim->nexts[i];
    x->stream = AP_STREAM_REL_BASE + (uint32_t)i;
    x->p_release = p->p_release;
    x->weight = p->weight;
    if (p->rule) {
      char msg[768];
      ap_rule_ctx *rc_ = &p->rule->ctx;
      rc_->pre = &sim->views[p->pre.pop];
      rc_->post = &sim->views[p->post.pop];
      rc_->pre_credit = sim->credit[p->pre.pop];
      rc_->post_credit = sim->credit[p->post.pop];
      rc_->window_step = -1;
      rc_->phase = sim->phase.kind ? &sim->phase : NULL;
      rc_->row = p->row;
      rc_->n_pre = sim->pops[p->pre.pop].n;
      rc_->seed = sim->seed;
      rc_->stream = AP_STREAM_RULE_BASE + (uint32_t)i;
      int rc = ap_plastic_prepare(p->rule, now_ms(sim), msg, sizeof msg);
      if (rc) return fail(sim, rc, "projection %zu: %s", i + 1, msg);
      x->rule = p->rule->d;
      x->rule_name = p->rule->plugin->name;
      x->rule_ctx = p->rule->ctx;
    }
    for (size_t m = 0; m < p->n_syn; m++) {
      unsigned d = syn_delay(p, m);
      if (!min_d || d < min_d) min_d = d;
      if (d > max_d) max_d = d;
    }
  }
  ap_net *net = &sim->net;
  memset(net, 0, sizeof *net);
  net->size = sizeof *net;
  net->dt = sim->dt;
  net->seed = sim->seed;
  net->min_delay = min_d ? min_d : 1;
  net->max_delay = max_d;
  net->n_pops = sim->n_pops;
  net->pops = sim->npops;
  net->n_projs = sim->n_projs;
  net->projs = sim->nprojs;
  net->host = ap_host_services();
  net->ctx = sim;
  net->spikes = on_spikes;
  net->step_done = on_step_done;
  net->proj_ext = sim->nexts;
  net->silenced = sim->nsil;
  net->window_start = &sim->window_start;
  net->concurrent_callbacks = &sim->concurrent;
  char err[1024] = "";
  int rc = bd->create(&sim->binst, net, sim->bset,
                      (const char *const *)sim->bstr, err, sizeof err);
  if (rc) {
    sim->binst = NULL;
    return fail(sim, rc, "backend %s: %s", bp->name,
                err[0] ? err : "could not start");
  }
  sim->dirty = 0;
  return AP_OK;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Rebuild the backend for a grown network, carrying over the input in
 * flight to the populations it already had. */
static int rebuild_backend(ap_sim *sim) {
  const ap_backend_desc *bd = sim->bd;
  size_t n_pops = sim->net.n_pops, total = 0;
  unsigned ahead = sim->net.max_delay + 1;
  for (size_t i = 0; i < n_pops; i++)
    total += sim->pops[i].d->n_ports * ahead * sim->pops[i].n;
  double *saved = malloc((total ? total : 1) * sizeof *saved);
  if (!saved) return fail(sim, AP_ENOMEM, "out of memory");
  double *at = saved;
  for (size_t i = 0; i < n_pops; i++)
    for (unsigned k = 0; k < sim->pops[i].d->n_ports; k++)
      for (unsigned a = 0; a < ahead; a++, at += sim->pops[i].n)
        if (bd->pending_get(sim->binst, i, k, sim->step + a, at)) {
          free(saved);
          return fail(sim, AP_EPLUGIN, "backend %s: could not hand over the "
                      "spikes in flight", sim->bp->name);
        }
  if (backend_counts_events(sim)) sim->stats.events += bd->events(sim->binst);
  backend_destroy(sim);
  int rc = start_backend(sim);
  at = saved;
  for (size_t i = 0; !rc && i < n_pops; i++)
    for (unsigned k = 0; !rc && k < sim->pops[i].d->n_ports; k++)
      for (unsigned a = 0; !rc && a < ahead; a++, at += sim->pops[i].n)
        if (sim->bd->pending_add(sim->binst, i, k, sim->step + a, at))
          rc = fail(sim, AP_EPLUGIN, "backend %s: could not take over the "
                    "spikes in flight", sim->bp->name);
  free(saved);
  sim->grow = 0;
  return rc;
}

int ap_sim_run_steps(ap_sim *sim, int64_t steps) {
  if (steps < 0) return fail(sim, AP_EINVAL, "cannot run a negative time");
  if (sim->failed) return sim->failed;
  int rc;
  const ap_phase_event *ph = &sim->phase;
  if (ph->kind && steps) {
    /* Within a phase: not past its end, and split where the window
     * opens, which the backend learns between run() calls. */
    if (sim->step + steps > ph->first_step + ph->steps)
      return fail(sim, AP_EINVAL, "phase '%s' ends at t = %g ms: running "
                  "to t = %g ms would overrun it", ph->name,
                  (double)(ph->first_step + ph->steps) * sim->dt,
                  (double)(sim->step + steps) * sim->dt);
    if (sim->step < ph->window_first && sim->step + steps > ph->window_first) {
      int64_t before = ph->window_first - sim->step;
      if ((rc = ap_sim_run_steps(sim, before))) return rc;
      return ap_sim_run_steps(sim, steps - before);
    }
    sim->window_start =
        ph->window_steps && sim->step >= ph->window_first ? ph->window_first
                                                           : -1;
  }
  if (!sim->binst) {
    if ((rc = start_backend(sim))) return rc;
  } else if (sim->grow) {
    if ((rc = rebuild_backend(sim))) return sim->failed = rc;
  } else if (sim->dirty && sim->bd->reload) {
    /* the changes are in the host's arrays (synced before they were
     * made, see backend_sync) */
    char err[1024] = "";
    if ((rc = sim->bd->reload(sim->binst, err, sizeof err)))
      return fail(sim, rc, "backend %s: %s", sim->bp->name, err);
    sim->dirty = 0;
  }
  sim->concurrent = callbacks_local(sim);
  double t0 = now_s();
  /* Modulated parameters change once per min-delay interval, so then the
   * backend runs one interval at a time; otherwise in chunks of many
   * intervals (a call costs a threaded backend a hand-over to its pool
   * and a barrier), short enough for progress reports. */
  int64_t chunk = sim->net.min_delay;
  if (!sim->n_modulations && chunk > 0)
    chunk *= (1024 + chunk - 1) / chunk;
  while (steps > 0) {
    /* Spikes sent in one min-delay interval arrive in a later one, so a
     * backend may exchange them once per interval (within a call). */
    int64_t n = steps < chunk ? steps : chunk;
    char err[1024] = "";
    int changed = sim->n_modulations && apply_modulations(sim);
    if (changed) backend_sync(sim); /* the state, for reload() */
    if (changed && sim->bd->reload &&
        (rc = sim->bd->reload(sim->binst, err, sizeof err))) {
      sim->stats.wall_s += now_s() - t0;
      return sim->failed = fail(sim, rc, "backend %s: %s", sim->bp->name, err);
    }
    rc = sim->bd->run(sim->binst, sim->step, n, err, sizeof err);
    if (rc) {
      sim->stats.wall_s += now_s() - t0;
      return sim->failed = fail(sim, rc, "backend %s: %s", sim->bp->name, err);
    }
    sim->step += n;
    steps -= n;
    if (sim->failed) break;
    if (sim->progress) sim->progress(sim->progress_ctx, sim->step);
  }
  sim->stats.wall_s += now_s() - t0;
  double t = (double)sim->step * sim->dt;
  for (size_t i = 0; i < sim->n_recs; i++)
    ap_rec_set_span(sim->recs[i].r, sim->recs[i].t_start, t);
  return sim->failed;
}

/* ----------------------------------------------------------------- phases */

/* The index (1-based) of a phase name, added at its first use. */
static int phase_index(ap_sim *sim, const char *name, unsigned *out) {
  for (size_t i = 0; i < sim->n_phase_names; i++)
    if (!strcmp(sim->phase_names[i], name)) {
      *out = (unsigned)i + 1;
      return AP_OK;
    }
  char **nn = realloc(sim->phase_names,
                      (sim->n_phase_names + 1) * sizeof *nn);
  if (!nn) return fail(sim, AP_ENOMEM, "out of memory");
  sim->phase_names = nn;
  if (!(nn[sim->n_phase_names] = ap_strdup(name)))
    return fail(sim, AP_ENOMEM, "out of memory");
  *out = (unsigned)++sim->n_phase_names;
  return AP_OK;
}

/* Copy each mirror's source weights, transposed, into its destination. */
static void refresh_mirrors(ap_sim *sim) {
  for (size_t i = 0; i < sim->n_mirrors; i++) {
    const mirror *m = &sim->mirrors[i];
    proj *src = &sim->projs[m->src], *dst = &sim->projs[m->dst];
    flush_rule(sim, src);
    flush_rule(sim, dst);
    for (size_t k = 0; k < dst->n_syn; k++)
      dst->weight[k] = src->weight[m->map[k]];
  }
}

int ap_sim_phase_begin(ap_sim *sim, const char *name, int64_t steps,
                       int64_t window_from) {
  if (sim->failed) return sim->failed;
  if (!name || !*name) return fail(sim, AP_EINVAL, "a phase needs a name");
  if (sim->phase.kind)
    return fail(sim, AP_EINVAL, "phase '%s' begins inside phase '%s' (phases "
                "do not nest)", name, sim->phase.name);
  if (steps < 1)
    return fail(sim, AP_EINVAL, "phase '%s' must last at least one step (dt)",
                name);
  if (window_from < 0 || window_from > steps)
    return fail(sim, AP_EINVAL, "phase '%s': its window must open between 0 "
                "and its length, %g ms, got %g ms", name,
                (double)steps * sim->dt, (double)window_from * sim->dt);
  unsigned idx = 0;
  int rc = phase_index(sim, name, &idx);
  if (rc) return rc;
  /* Start (or rebuild) the backend so that the rules are prepared. */
  if ((rc = ap_sim_run_steps(sim, 0))) return rc;
  ap_phase_event *e = &sim->phase;
  e->kind = AP_PHASE_BEGIN;
  e->name = sim->phase_names[idx - 1];
  e->index = idx;
  e->first_step = sim->step;
  e->steps = steps;
  e->window_first = sim->step + window_from;
  e->window_steps = steps - window_from;
  for (size_t i = 0; i < sim->n_pops; i++)
    memset(sim->credit[i], 0, sim->pops[i].n * sizeof **sim->credit);
  backend_sync(sim); /* on_phase reads the neurons */
  for (size_t j = 0; j < sim->n_projs; j++)
    if (sim->projs[j].rule) ap_plastic_phase(sim->projs[j].rule, e);
  return AP_OK;
}

int ap_sim_phase_end(ap_sim *sim) {
  ap_phase_event *e = &sim->phase;
  if (!e->kind) return fail(sim, AP_EINVAL, "no phase is under way");
  int rc = sim->failed;
  if (!rc && sim->step != e->first_step + e->steps)
    rc = fail(sim, AP_EINVAL, "phase '%s' ends at t = %g ms, not at t = %g "
              "ms", e->name, (double)(e->first_step + e->steps) * sim->dt,
              (double)sim->step * sim->dt);
  sim->window_start = -1;
  if (!rc) {
    e->kind = AP_PHASE_END;
    backend_sync(sim);
    for (size_t j = sim->n_projs; j-- > 0;)
      if (sim->projs[j].rule) ap_plastic_phase(sim->projs[j].rule, e);
    refresh_mirrors(sim);
    /* on_phase may have changed parameters or state (a learned bias). */
    sim->dirty = 1;
  }
  for (size_t j = 0; j < sim->n_projs; j++)
    if (sim->projs[j].rule) sim->projs[j].rule->ctx.phase = NULL;
  memset(e, 0, sizeof *e);
  return rc;
}

int ap_sim_phase(ap_sim *sim, const char *name, int64_t steps,
                 int64_t window_from) {
  int rc = ap_sim_phase_begin(sim, name, steps, window_from);
  if (rc) return rc;
  rc = ap_sim_run_steps(sim, steps);
  int rc2 = ap_sim_phase_end(sim);
  return rc ? rc : rc2;
}

const char *ap_sim_phase_name(const ap_sim *sim) {
  return sim->phase.kind ? sim->phase.name : NULL;
}

/* Synapse of pr from pre neuron i (population index) to post neuron k, or
 * SIZE_MAX: rows ascend by target, so a binary search. */
static size_t find_syn(const proj *pr, size_t i, uint32_t k) {
  size_t lo = pr->row[i], hi = pr->row[i + 1];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    uint32_t t = syn_target(pr, mid);
    if (t < k) lo = mid + 1;
    else hi = mid;
  }
  return lo < pr->row[i + 1] && syn_target(pr, lo) == k ? lo : SIZE_MAX;
}

int ap_proj_mirror(ap_sim *sim, size_t dst, size_t src) {
  if (dst == src)
    return fail(sim, AP_EINVAL, "projection %zu cannot mirror itself",
                dst + 1);
  proj *d = &sim->projs[dst], *s = &sim->projs[src];
  if (d->pre.pop != s->post.pop || d->post.pop != s->pre.pop)
    return fail(sim, AP_EINVAL, "projection %zu cannot mirror projection "
                "%zu: it must run the other way, from the populations %zu "
                "to %zu", dst + 1, src + 1, s->post.pop + 1, s->pre.pop + 1);
  if (d->rule)
    return fail(sim, AP_EINVAL, "projection %zu has a learning rule (%s): a "
                "mirror's weights are its source's", dst + 1,
                d->rule->plugin->name);
  for (size_t i = 0; i < sim->n_mirrors; i++)
    if (sim->mirrors[i].dst == dst)
      return fail(sim, AP_EINVAL, "projection %zu already mirrors projection "
                  "%zu", dst + 1, sim->mirrors[i].src + 1);
  size_t *map = malloc((d->n_syn ? d->n_syn : 1) * sizeof *map);
  if (!map) return fail(sim, AP_ENOMEM, "out of memory");
  const size_t npre = sim->pops[d->pre.pop].n;
  for (size_t i = 0; i < npre; i++)
    for (size_t m = d->row[i]; m < d->row[i + 1]; m++) {
      uint32_t k = syn_target(d, m);
      size_t at = find_syn(s, k, (uint32_t)i);
      if (at == SIZE_MAX) {
        free(map);
        return fail(sim, AP_EINVAL, "projection %zu cannot mirror projection "
                    "%zu: it has a synapse from neuron %zu to %u, and "
                    "projection %zu none from %u to %zu", dst + 1, src + 1,
                    i + 1, k + 1, src + 1, k + 1, i + 1);
      }
      map[m] = at;
    }
  mirror *nm = realloc(sim->mirrors, (sim->n_mirrors + 1) * sizeof *nm);
  if (!nm) {
    free(map);
    return fail(sim, AP_ENOMEM, "out of memory");
  }
  sim->mirrors = nm;
  nm[sim->n_mirrors++] = (mirror){dst, src, map};
  refresh_mirrors(sim);
  sim->dirty = 1;
  return AP_OK;
}

int ap_proj_rule_var(ap_sim *sim, size_t p, const char *name, double *out,
                     size_t *n) {
  proj *pr = &sim->projs[p];
  if (!pr->rule)
    return fail(sim, AP_EINVAL, "projection %zu has no learning rule", p + 1);
  const ap_rule_desc *d = pr->rule->d;
  for (unsigned v = 0; v < d->n_post_vars; v++)
    if (!strcmp(d->post_vars[v].name, name)) {
      *n = pr->rule->n_post;
      if (out)
        for (size_t i = 0; i < pr->rule->n_post; i++)
          out[i] = pr->rule->post_state[v][i];
      return AP_OK;
    }
  char names[512] = "";
  size_t at = 0;
  for (unsigned v = 0; v < d->n_post_vars && at + 2 < sizeof names; v++)
    at += (size_t)snprintf(names + at, sizeof names - at, "%s%s",
                           v ? ", " : "", d->post_vars[v].name);
  return fail(sim, AP_EINVAL, "learning rule %s has no per-neuron variable "
              "'%s' (%s%s)", pr->rule->plugin->name, name,
              d->n_post_vars ? "it has: " : "it has none",
              d->n_post_vars ? names : "");
}
