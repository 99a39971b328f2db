/* sim.c -- the simulator object: its life cycle, accessors, statistics,
 * and the checks shared by the files that build and run the network
 * (net/sim_int.h lists them). */
#include "net/sim_int.h"

#include "dist/dist.h"

int ap_sim_set_error(ap_sim *sim, int code, const char *fmt, ...) {
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

void sim_pop_free(pop *p) {
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
  free(p->row_id);
  free(p->target);
  free(p->weight);
  free(p->delay);
  ap_plastic_free(p->rule);
}

void sim_backend_destroy(ap_sim *sim) {
  if (sim->binst) sim->bd->destroy(sim->binst);
  sim->binst = NULL;
  if (sim->bstr && sim->bd)
    for (unsigned k = 0; k < sim->bd->n_params; k++) free(sim->bstr[k]);
  free(sim->bstr);
  free(sim->bset);
  free(sim->npops);
  free(sim->nprojs);
  free(sim->npop_at);
  free(sim->nproj_at);
  free(sim->ndecs);
  free(sim->ndec_at);
  sim->ndecs = NULL;
  sim->ndec_at = NULL;
  free(sim->views);
  if (sim->credit)
    for (size_t i = 0; i < sim->n_credit; i++) {
      free(sim->credit[i].sum);
      free(sim->credit[i].log);
    }
  free(sim->credit);
  sim->n_credit = 0;
  sim->views = NULL;
  sim->credit = NULL;
  sim->npop_at = NULL;
  sim->nproj_at = NULL;
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
  sim_backend_destroy(sim);
  ap_sim_abort(sim);
  for (size_t i = 0; i < sim->n_recs; i++) {
    ap_rec_free(sim->recs[i].r);
    free(sim->recs[i].syn);
    free(sim->recs[i].lsyn);
    free(sim->recs[i].buf);
  }
  for (size_t i = 0; i < sim->n_projs; i++) proj_free(&sim->projs[i]);
  for (size_t i = 0; i < sim->n_mods; i++) free(sim->mods[i].name);
  for (size_t i = 0; i < sim->n_modulations; i++)
    free(sim->modulations[i].base);
  free(sim->mods);
  free(sim->levels);
  for (size_t i = 0; i < sim->n_drives; i++) free(sim->drives[i].each);
  free(sim->drives);
  free(sim->modulations);
  for (size_t i = 0; i < sim->n_pops; i++) sim_pop_free(&sim->pops[i]);
  free(sim->recs);
  free(sim->projs);
  free(sim->pops);
  free(sim->expand);
  free(sim->script);
  for (size_t i = 0; i < sim->n_phase_names; i++) free(sim->phase_names[i]);
  free(sim->phase_names);
  for (size_t i = 0; i < sim->n_mirrors; i++) free(sim->mirrors[i].map);
  free(sim->mirrors);
  free(sim->cbs);
  sim_currents_free(sim);
  sim_resume_free(sim);
  free(sim->snap_path);
  sim_decoded_free(sim);
  free(sim);
}

const char *ap_sim_error(const ap_sim *sim) { return sim->err; }
struct ap_settings *ap_sim_settings(ap_sim *sim) { return sim->set; }
struct ap_registry *ap_sim_registry(ap_sim *sim) { return sim->reg; }
size_t ap_sim_n_pops(const ap_sim *sim) { return sim->n_pops; }
size_t ap_sim_n_projs(const ap_sim *sim) { return sim->n_projs; }
size_t ap_sim_n_recs(const ap_sim *sim) { return sim->n_recs; }
int ap_sim_started(const ap_sim *sim) { return sim->binst != NULL; }
/* An index out of range (as Lua's api_check, but with a message): the
 * error text is set even through a const handle (it is the one field
 * every call may write), and the caller returns its neutral value. */
int sim_bad_index(const ap_sim *sim, const char *fn, const char *what,
                  size_t i, size_t n) {
  ap_sim *w = (ap_sim *)(uintptr_t)sim;
  if (n)
    ap_fmt(w->err, sizeof w->err, "%s: no %s %zu (the network has %zu, "
           "numbered from 0)", fn, what, i, n);
  else
    ap_fmt(w->err, sizeof w->err, "%s: no %s %zu (the network has none)", fn,
           what, i);
  return AP_EINVAL;
}

size_t ap_pop_size(const ap_sim *sim, size_t p) {
  if (p >= sim->n_pops)
    return sim_bad_index(sim, __func__, "population", p, sim->n_pops), 0;
  return sim->pops[p].n;
}
const char *ap_pop_model(const ap_sim *sim, size_t p) {
  if (p >= sim->n_pops)
    return sim_bad_index(sim, __func__, "population", p, sim->n_pops), NULL;
  return sim->pops[p].plugin->name;
}
const ap_plugin *ap_sim_pop_plugin(const ap_sim *sim, size_t p) {
  if (p >= sim->n_pops)
    return sim_bad_index(sim, __func__, "population", p, sim->n_pops), NULL;
  return sim->pops[p].plugin;
}
int64_t ap_sim_step(const ap_sim *sim) { return sim->step; }

int ap_sim_start_at(ap_sim *sim, int64_t step) {
  if (sim->binst || sim->step != 0 || sim->phase.kind)
    return sim_fail(sim, AP_EINVAL, "the clock can be set only before the first "
                "run (it is at t = %g ms)", (double)sim->step * sim->dt);
  if (step < 0) return sim_fail(sim, AP_EINVAL, "the clock cannot start below 0");
  sim->step = step;
  return AP_OK;
}
double ap_sim_dt(const ap_sim *sim) {
  return sim->locked ? sim->dt : sim->set->dt;
}
ap_ref ap_sim_rec_ref(const ap_sim *sim, size_t r) {
  if (r >= sim->n_recs) {
    sim_bad_index(sim, __func__, "recorder", r, sim->n_recs);
    return (ap_ref){0, 0, 0};
  }
  return sim->recs[r].ref;
}
struct ap_recorder *ap_sim_recorder(ap_sim *sim, size_t r) {
  if (r >= sim->n_recs)
    return sim_bad_index(sim, __func__, "recorder", r, sim->n_recs), NULL;
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
void sim_backend_sync_now(ap_sim *sim) {
  char err[512] = "";
  ap_dist_enter(AP_DIST_OP_SYNC, 0);
  if (sim->bd->sync(sim->binst, err, sizeof err) && !sim->failed)
    sim->failed = sim_fail(sim, AP_EPLUGIN, "backend %s: sync failed: %s",
                           sim->bp->name, err[0] ? err : "no reason given");
}

void sim_backend_sync(ap_sim *sim) {
  /* once the host has changed its arrays (dirty), they are the newer
   * until the backend reloads them */
  if (sim->binst && sim->bd && sim->bd->sync && !sim->dirty)
    sim_backend_sync_now(sim);
}

/* Whether the backend counts delivered events itself. */
int sim_backend_counts_events(const ap_sim *sim) {
  return sim->bd && AP_HAS_FIELD(sim->bd, ap_backend_desc, events) &&
         sim->bd->events;
}

void ap_sim_stats(const ap_sim *sim, ap_stats *st) {
  ap_dist_enter(AP_DIST_OP_STATS, 0);
  *st = sim->stats;
  /* spikes of populations no other process saw: each process's own */
  uint64_t home = sim->spikes_home;
  ap_dist_sum_u64(&home, 1);
  st->spikes += home - sim->spikes_home;
  if (sim->binst && sim_backend_counts_events(sim))
    st->events += sim->bd->events(sim->binst);
  st->t_ms = (double)sim->step * ap_sim_dt(sim);
  uint64_t syn = 0, here = 0;
  for (size_t i = 0; i < sim->n_projs; i++) {
    syn += sim->projs[i].n_all;
    here += sim->projs[i].n_syn;
  }
  st->synapses = syn;
  st->synapse_bytes = 0;
  /* the backend's bytes for the synapses this process holds */
  if (sim->binst && sim->bd->synapse_bytes && here)
    st->synapse_bytes =
        (double)sim->bd->synapse_bytes(sim->binst) / (double)here;
}

/* dt and seed are read from the settings when the first population is
 * made, and fixed from then on. */
int sim_lock_settings(ap_sim *sim) {
  if (sim->locked) {
    if (sim->set->dt != sim->dt)
      return sim_fail(sim, AP_ESTATE,
                  "dt cannot change once populations exist (it is %g ms)",
                  sim->dt);
    if (sim->set->seed != sim->seed)
      return sim_fail(sim, AP_ESTATE,
                  "seed cannot change once populations exist (it is %llu)",
                  (unsigned long long)sim->seed);
    return AP_OK;
  }
  sim->dt = sim->set->dt;
  sim->seed = sim->set->seed;
  sim->locked = 1;
  return AP_OK;
}

int sim_check_ref(ap_sim *sim, ap_ref r) {
  if (r.pop >= sim->n_pops)
    return sim_fail(sim, AP_EINVAL, "no population %zu", r.pop + 1);
  if (r.first + r.count > sim->pops[r.pop].n || r.count == 0)
    return sim_fail(sim, AP_EINVAL, "neurons %zu..%zu are outside population %zu "
                "(1..%zu)", r.first + 1, r.first + r.count, r.pop + 1,
                sim->pops[r.pop].n);
  return AP_OK;
}

/* The network may grow between runs when the backend can hand over the
 * spikes in flight; the backend is then rebuilt before the next run. */
int sim_may_grow(ap_sim *sim, const char *what) {
  if (!sim->binst) return AP_OK;
  if (!AP_HAS_FIELD(sim->bd, ap_backend_desc, pending_add) ||
      !sim->bd->pending_get || !sim->bd->pending_add)
    return sim_fail(sim, AP_ESTATE,
                "%s after the first ap.run is not supported by backend %s: "
                "build the network before running", what, sim->bp->name);
  sim->grow = 1;
  return AP_OK;
}
