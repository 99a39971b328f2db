/* checkpoint.c -- snapshots of a simulation and their restore.
 *
 * A snapshot (io/snapshot.h holds the file format) stores the whole
 * network in the order of a run of one process: every process's share of
 * the synapses and neurons is gathered before rank 0 writes, and every
 * process takes its own share back when it restores, so that a snapshot
 * written by P processes of T threads restores on any other layout.
 *
 * Sections:
 *   run          format of the sections, the step, the run call under way,
 *                the processes that wrote it, the backend
 *   network      the shape of the network, as text lines (models, sizes,
 *                synapse counts, a digest of the out-degrees): a restore
 *                compares them line by line and names the first that
 *                differs
 *   neurons      per population: parameters, list parameters, state
 *                variables, lesions
 *   synapses     per projection: synapse parameters and state, weights
 *                (in their stored precision), the rule's parameters and
 *                per-synapse and per-neuron state
 *   rule.J       the state rule J keeps behind its save hook, once when
 *                every process holds the same, else once per process
 *   flight       the input in flight (ap_backend_desc.pending_get)
 *   modulators   levels, time constants, baselines, modulated bases
 *   decoded      decoded connections: filters, decoders, signal, encoders
 *   currents     step current generators' progress
 *   recorders    everything recorded so far
 *   schedule     the scheduler's callbacks' progress
 *   phases       the phase names, the phase under way, the window
 *   counts       spikes and events so far
 *   backend      a backend's own state (ap_backend_desc.save), if any
 *   and the embedding's sections (the Lua layer: lua.random, lua.keep).
 *
 * A restore is replayed: the program makes its network again, and its run
 * calls before the snapshot's step are skipped (the clock moves on, the
 * backend does not run, files are not written again); at the call under
 * way when the snapshot was written, the state is put back and the call
 * goes on from the snapshot's step. */
#include <signal.h>

#include "net/sim_int.h"

#include "dist/dist.h"
#include "io/snapshot.h"

/* Sections' layout; a snapshot of another is refused. */
#define LAYOUT 1u
/* Steps between the points where a run looks for a stop signal. */
#define STOP_POLL 1000

struct sim_resume {
  ap_snap *snap;
  char *path;
  int64_t step;               /* where the snapshot was written */
  int64_t first, end;         /* the run call under way then */
  int kind;                   /* SIM_CALL_* (NONE: between calls) */
  uint64_t procs;             /* processes that wrote it */
  double read_s;              /* reading and checking the file */
};

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static volatile sig_atomic_t stop_signal = 0;

void ap_sim_signal_stop(int sig) { stop_signal = sig ? sig : SIGTERM; }
int ap_sim_stop_signal(void) { return (int)stop_signal; }

void ap_sim_set_snap_hook(ap_sim *sim, ap_sim_snap_hook fn, void *ctx) {
  sim->snap_hook = fn;
  sim->snap_ctx = ctx;
}

void sim_resume_free(ap_sim *sim) {
  if (!sim->resume) return;
  ap_snap_free(sim->resume->snap);
  free(sim->resume->path);
  free(sim->resume);
  sim->resume = NULL;
  ap_set_replaying(0);
}

ap_snap *ap_sim_resuming(ap_sim *sim) {
  return sim->resume ? sim->resume->snap : NULL;
}

/* ------------------------------------------------------------ the shape */

typedef struct text {
  char *s;
  size_t len, cap;
  int failed;
} text;

static void add(text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...) {
  if (t->failed) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t->s ? t->s + t->len : NULL, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (k < 0) {
      t->failed = 1;
      return;
    }
    if (t->len + (size_t)k < t->cap) {
      t->len += (size_t)k;
      return;
    }
    size_t cap = 2 * t->cap + (size_t)k + 256;
    char *s = realloc(t->s, cap);
    if (!s) {
      t->failed = 1;
      return;
    }
    t->s = s;
    t->cap = cap;
  }
}

/* FNV-1a over bytes: a digest of the out-degrees (the file's checksum is
 * what guards the data). */
static uint64_t digest(const void *p, size_t n) {
  const unsigned char *b = p;
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
  return h;
}

static const char *rule_name(const proj *pr) {
  return pr->rule ? pr->rule->plugin->name : "none";
}

/* The network's shape, one line per part. */
static char *shape(const ap_sim *sim) {
  text t = {0};
  uint64_t dtb;
  memcpy(&dtb, &sim->dt, sizeof dtb);
  add(&t, "dt %.17g ms, seed %llu\n", sim->dt, (unsigned long long)sim->seed);
  for (size_t i = 0; i < sim->n_pops; i++) {
    const pop *p = &sim->pops[i];
    add(&t, "population %zu: %zu neurons of %s, %u parameters, %u state "
        "variables, out-degrees %016llx\n", i + 1, p->n, p->plugin->name,
        p->d->n_params, p->d->n_vars,
        (unsigned long long)digest(p->outdeg, p->n * sizeof *p->outdeg));
  }
  for (size_t j = 0; j < sim->n_projs; j++) {
    const proj *pr = &sim->projs[j];
    add(&t, "projection %zu: population %zu (%zu..%zu) to population %zu "
        "(%zu..%zu) port %u, %zu synapses of %s, rule %s\n", j + 1,
        pr->pre.pop + 1, pr->pre.first + 1, pr->pre.first + pr->pre.count,
        pr->post.pop + 1, pr->post.first + 1, pr->post.first + pr->post.count,
        pr->port + 1, pr->n_all, pr->syn->name, rule_name(pr));
  }
  for (size_t i = 0; i < sim->n_mods; i++)
    add(&t, "modulator %zu: %s\n", i + 1, sim->mods[i].name);
  add(&t, "%zu modulator drives, %zu modulated parameters, %zu mirrors, %zu "
      "current generators\n", sim->n_drives, sim->n_modulations,
      sim->n_mirrors, sim->n_currents);
  for (size_t k = 0; k < sim->n_decs; k++) {
    const decoded *d = &sim->decs[k];
    if (d->pre == AP_DECODED_SIGNAL)
      add(&t, "decoded connection %zu: a signal to population %zu, %u "
          "dimensions\n", k + 1, d->post + 1, d->dims);
    else
      add(&t, "decoded connection %zu: population %zu to population %zu, %u "
          "dimensions\n", k + 1, d->pre + 1, d->post + 1, d->dims);
  }
  static const char *const kinds[] = {"spikes", "a state", "weights",
                                      "a rate"};
  for (size_t i = 0; i < sim->n_recs; i++) {
    const rec *r = &sim->recs[i];
    add(&t, "recorder %zu: %s of population %zu (%zu..%zu)\n", i + 1,
        kinds[r->kind], r->ref.pop + 1, r->ref.first + 1,
        r->ref.first + r->ref.count);
  }
  (void)dtb;
  if (t.failed) {
    free(t.s);
    return NULL;
  }
  return t.s ? t.s : calloc(1, 1);
}

/* ------------------------------------------------------------- writing */

/* Bytes a plugin's save hook writes, in memory. */
typedef struct membuf {
  unsigned char *p;
  size_t len, cap;
} membuf;

static int mem_write(void *ctx, const void *data, size_t n) {
  membuf *m = ctx;
  if (m->len + n > m->cap) {
    size_t cap = m->cap ? m->cap : 256;
    while (cap < m->len + n) cap *= 2;
    unsigned char *p = realloc(m->p, cap);
    if (!p) return AP_EIO;
    m->p = p;
    m->cap = cap;
  }
  if (n) memcpy(m->p + m->len, data, n);
  m->len += n;
  return AP_OK;
}

/* Several processes: the neurons of each process's share of v (n
 * values) from it, on every process. */
static int gather_owned(double *v, size_t n) {
  if (ap_dist_size() < 2 || n == 0) return 0;
  size_t lo, hi;
  ap_dist_share(n, &lo, &hi);
  const size_t k = hi - lo;
  uint64_t *pos = malloc((k ? k : 1) * sizeof *pos);
  double *mine = malloc((k ? k : 1) * sizeof *mine);
  int rc = -1;
  if (pos && mine) {
    for (size_t i = 0; i < k; i++) pos[i] = lo + i;
    if (k) memcpy(mine, v + lo, k * sizeof *mine);
    rc = 0;
  }
  /* every process takes part, short of memory or not */
  if (ap_dist_gather_placed(pos ? pos : (uint64_t *)v, mine ? mine : v,
                            rc ? 0 : k, sizeof *v, v, n))
    rc = -1;
  free(pos);
  free(mine);
  return rc;
}

static int put_reals(ap_snap *s, const ap_real *v, size_t n) {
  return n ? ap_snap_put(s, v, n * sizeof *v) : AP_OK;
}

static int write_neurons(ap_sim *sim, ap_snap *s) {
  int rc = ap_snap_begin(s, "neurons");
  for (size_t i = 0; !rc && i < sim->n_pops; i++) {
    const pop *p = &sim->pops[i];
    for (unsigned k = 0; !rc && k < p->d->n_params; k++) {
      if (p->param[k]) {
        rc = put_reals(s, p->param[k], p->n);
        continue;
      }
      const size_t len = p->list_off[k][p->n];
      rc = ap_snap_put_u64(s, len) ||
           ap_snap_put(s, p->list_off[k], (p->n + 1) * sizeof(size_t)) ||
           put_reals(s, p->list_val[k], len);
    }
    for (unsigned v = 0; !rc && v < p->d->n_vars; v++)
      rc = put_reals(s, p->state[v], p->n);
    if (!rc) rc = ap_snap_put_u64(s, p->silenced ? 1 : 0);
    if (!rc && p->silenced) rc = ap_snap_put(s, p->silenced, p->n);
  }
  return rc;
}

/* A projection's per-synapse array in the order of one process. */
static int put_synapses(ap_sim *sim, ap_snap *s, const proj *pr,
                        const void *local, size_t elem) {
  void *whole = malloc(pr->n_all ? pr->n_all * elem : 1);
  if (!whole) ap_dist_fail("out of memory writing a snapshot", 1);
  int rc = sim_share_gather(sim, pr, local, elem, whole);
  if (!rc) rc = ap_snap_put(s, whole, pr->n_all * elem);
  free(whole);
  return rc;
}

static int write_synapses(ap_sim *sim, ap_snap *s) {
  int rc = ap_snap_begin(s, "synapses");
  for (size_t j = 0; !rc && j < sim->n_projs; j++) {
    const proj *pr = &sim->projs[j];
    const ap_synapse_desc *sd = (const ap_synapse_desc *)pr->syn->desc->desc;
    rc = put_reals(s, pr->syn_param, sd->n_params) ||
         ap_snap_put_f64(s, pr->p_release) ||
         put_synapses(sim, s, pr, pr->weight, sizeof *pr->weight);
    for (unsigned v = 0; !rc && v < sd->n_vars; v++)
      rc = put_synapses(sim, s, pr, pr->syn_state[v], sizeof(ap_real));
    const ap_plastic *r = pr->rule;
    if (!r) continue;
    rc = rc || put_reals(s, r->param, r->d->n_params);
    for (unsigned v = 0; !rc && v < r->d->n_syn_vars; v++)
      rc = put_synapses(sim, s, pr, r->syn_state[v], sizeof(ap_real));
    for (unsigned v = 0; !rc && v < r->d->n_post_vars; v++)
      rc = put_reals(s, r->post_state[v], r->n_post);
  }
  return rc;
}

/* The state behind rule J's save hook, from every process. */
static int write_rule(ap_sim *sim, ap_snap *s, size_t j) {
  const ap_plastic *r = sim->projs[j].rule;
  char name[32], err[512] = "";
  membuf m = {0};
  int rc = AP_OK;
  if (r->prepared) {
    ap_stream out = {sizeof out, &m, mem_write, NULL};
    rc = r->d->save(&r->ctx, &out, err, sizeof err);
  }
  int failed = ap_dist_agree(rc != AP_OK, j, err, sizeof err);
  if (failed) {
    free(m.p);
    return sim_fail(sim, AP_EPLUGIN, "learning rule %s of projection %zu: %s",
                    r->plugin->name, j + 1, err[0] ? err : "its save failed");
  }
  const int P = ap_dist_size();
  size_t *len = malloc((size_t)P * sizeof *len);
  void *all = NULL;
  if (!len || ap_dist_gather_bytes(m.p, m.len, &all, len))
    ap_dist_fail("out of memory writing a snapshot", 1);
  free(m.p);
  int same = 1;
  for (int q = 1; q < P && same; q++)
    same = len[q] == len[0] &&
           (len[0] == 0 ||
            !memcmp((unsigned char *)all + (size_t)q * len[0], all, len[0]));
  snprintf(name, sizeof name, "rule.%zu", j + 1);
  rc = ap_snap_begin(s, name) ||
       ap_snap_put_u64(s, (uint64_t)(r->prepared ? (same ? 1 : P) : 0));
  size_t at = 0;
  for (int q = 0; !rc && r->prepared && q < (same ? 1 : P); q++) {
    rc = ap_snap_put_u64(s, len[q]) ||
         ap_snap_put(s, (unsigned char *)all + at, len[q]);
    at += len[q];
  }
  free(all);
  free(len);
  return rc;
}

/* Input in flight: for each population, port and step ahead. */
static int write_flight(ap_sim *sim, ap_snap *s) {
  /* a backend with state of its own saves its spikes in flight there */
  const int own = sim->binst && sim->bd->save && sim->bd->load &&
                  !sim->bd->pending_get;
  const unsigned ahead = sim->binst && !own ? sim->net.max_delay + 1 : 0;
  int rc = ap_snap_begin(s, "flight") || ap_snap_put_u64(s, ahead);
  if (rc || !ahead) return rc;
  if (!AP_HAS_FIELD(sim->bd, ap_backend_desc, pending_add) ||
      !sim->bd->pending_get)
    return sim_fail(sim, AP_ENOTSUP, "backend %s cannot hand over the spikes "
                    "in flight, so its runs cannot be snapshot",
                    sim->bp->name);
  for (size_t i = 0; !rc && i < sim->n_pops; i++) {
    const size_t n = sim->pops[i].n;
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) ap_dist_fail("out of memory writing a snapshot", 1);
    for (unsigned k = 0; !rc && k < sim->pops[i].d->n_ports; k++)
      for (unsigned a = 0; !rc && a < ahead; a++) {
        char err[512] = "";
        int bad = sim->bd->pending_get(sim->binst, i, k, sim->step + a, v,
                                       err, sizeof err) != AP_OK;
        if (ap_dist_agree(bad, i, err, sizeof err))
          rc = sim_fail(sim, AP_EPLUGIN, "backend %s: %s", sim->bp->name, err);
        else if (gather_owned(v, n))
          ap_dist_fail("out of memory writing a snapshot", 1);
        else
          rc = ap_snap_put(s, v, n * sizeof *v);
      }
    free(v);
  }
  return rc;
}

static int write_rest(ap_sim *sim, ap_snap *s) {
  int rc = ap_snap_begin(s, "modulators");
  for (size_t i = 0; !rc && i < sim->n_mods; i++)
    rc = ap_snap_put_f64(s, sim->levels[i]) ||
         ap_snap_put_f64(s, sim->mods[i].pending) ||
         ap_snap_put_f64(s, sim->mods[i].tau) ||
         ap_snap_put_f64(s, sim->mods[i].baseline);
  for (size_t i = 0; !rc && i < sim->n_modulations; i++)
    rc = ap_snap_put(s, sim->modulations[i].base,
                     sim->modulations[i].r.count * sizeof(double));
  rc = rc || ap_snap_begin(s, "decoded");
  for (size_t k = 0; !rc && k < sim->n_decs; k++) {
    const decoded *d = &sim->decs[k];
    const size_t D = d->dims, npost = sim->pops[d->post].n;
    rc = ap_snap_put(s, d->x, D * sizeof *d->x) ||
         ap_snap_put(s, d->encoders, npost * D * sizeof *d->encoders);
    if (!rc && d->pre == AP_DECODED_SIGNAL)
      rc = ap_snap_put(s, d->signal, D * sizeof *d->signal);
    else if (!rc)
      rc = ap_snap_put(s, d->decoders,
                       sim->pops[d->pre].n * D * sizeof *d->decoders);
  }
  rc = rc || ap_snap_begin(s, "currents");
  for (size_t i = 0; !rc && i < sim->n_currents; i++)
    rc = sim_current_save(sim->currents[i], s);
  rc = rc || ap_snap_begin(s, "recorders");
  for (size_t i = 0; !rc && i < sim->n_recs; i++) {
    const rec *r = &sim->recs[i];
    rc = ap_snap_put_u64(s, (uint64_t)r->closed) ||
         ap_snap_put_f64(s, r->t_start) || ap_snap_put_u64(s, r->count) ||
         ap_rec_dump(r->r, s);
  }
  rc = rc || ap_snap_begin(s, "schedule") || ap_snap_put_u64(s, sim->n_cbs);
  for (size_t i = 0; !rc && i < sim->n_cbs; i++)
    rc = ap_snap_put_u64(s, (uint64_t)sim->cbs[i].next) ||
         ap_snap_put_u64(s, (uint64_t)sim->cbs[i].period) ||
         ap_snap_put_u64(s, (uint64_t)sim->cbs[i].done);
  const ap_phase_event *e = &sim->phase;
  rc = rc || ap_snap_begin(s, "phases") ||
       ap_snap_put_u64(s, sim->n_phase_names);
  for (size_t i = 0; !rc && i < sim->n_phase_names; i++) {
    const size_t nl = strlen(sim->phase_names[i]);
    rc = ap_snap_put_u64(s, nl) || ap_snap_put(s, sim->phase_names[i], nl);
  }
  rc = rc || ap_snap_put_u64(s, (uint64_t)e->kind) ||
       ap_snap_put_u64(s, e->index) ||
       ap_snap_put_u64(s, (uint64_t)e->first_step) ||
       ap_snap_put_u64(s, (uint64_t)e->steps) ||
       ap_snap_put_u64(s, (uint64_t)e->window_first) ||
       ap_snap_put_u64(s, (uint64_t)e->window_steps) ||
       ap_snap_put_u64(s, (uint64_t)sim->window_start);
  return rc;
}

/* Spikes and events so far, over every process. */
static int write_counts(ap_sim *sim, ap_snap *s) {
  ap_stats st;
  ap_sim_stats(sim, &st);
  return ap_snap_begin(s, "counts") || ap_snap_put_u64(s, st.spikes) ||
         ap_snap_put_u64(s, st.events);
}

static int write_backend(ap_sim *sim, ap_snap *s) {
  const int has = sim->binst && sim->bd->save && sim->bd->load;
  int rc = ap_snap_begin(s, "backend") || ap_snap_put_u64(s, has);
  if (rc || !has) return rc;
  if (ap_dist_size() > 1)
    return sim_fail(sim, AP_ENOTSUP, "backend %s keeps state of its own, "
                    "which a run of several processes cannot snapshot",
                    sim->bp->name);
  char err[512] = "";
  ap_stream out = ap_snap_writer(s);
  if (sim->bd->save(sim->binst, &out, err, sizeof err))
    return sim_fail(sim, AP_EPLUGIN, "backend %s: %s", sim->bp->name,
                    err[0] ? err : "its save failed");
  return AP_OK;
}

static int write_to(ap_sim *sim, ap_snap *s) {
  /* rules that update lazily settle what they owe first, so that the
   * weights and synapse state saved are current (a restored run then
   * starts with nothing owed, as the written one goes on after its
   * flush: flushing changes when a rule computes, not what) */
  for (size_t j = 0; j < sim->n_projs; j++) sim_flush_rule(sim, &sim->projs[j]);
  char *sh = shape(sim);
  if (!sh) return sim_fail(sim, AP_ENOMEM, "out of memory");
  const char *bname = sim->bp ? sim->bp->name : sim->set->backend;
  int rc = ap_snap_begin(s, "run") || ap_snap_put_u64(s, LAYOUT) ||
           ap_snap_put_u64(s, (uint64_t)sim->step) ||
           ap_snap_put_u64(s, (uint64_t)sim->call_kind) ||
           ap_snap_put_u64(s, (uint64_t)sim->call_first) ||
           ap_snap_put_u64(s, (uint64_t)sim->call_end) ||
           ap_snap_put_u64(s, (uint64_t)ap_dist_size()) ||
           ap_snap_put_u64(s, strlen(bname)) ||
           ap_snap_put(s, bname, strlen(bname)) ||
           ap_snap_begin(s, "network") || ap_snap_put(s, sh, strlen(sh));
  free(sh);
  if (rc) return sim_fail(sim, AP_ENOMEM, "out of memory writing a snapshot");
  /* the collective parts: every process takes part in each */
  sim_backend_sync(sim);
  if (write_neurons(sim, s) || write_synapses(sim, s))
    return sim->err[0] ? AP_ENOMEM
                       : sim_fail(sim, AP_ENOMEM, "out of memory");
  for (size_t j = 0; j < sim->n_projs; j++) {
    const ap_plastic *r = sim->projs[j].rule;
    if (r && r->d->save && r->d->load && (rc = write_rule(sim, s, j)))
      return rc;
  }
  if ((rc = write_flight(sim, s)) || (rc = write_counts(sim, s))) return rc;
  if (write_rest(sim, s))
    return sim_fail(sim, AP_ENOMEM, "out of memory writing a snapshot");
  if ((rc = write_backend(sim, s))) return rc;
  if (sim->snap_hook) {
    char err[512] = "";
    if (sim->snap_hook(sim->snap_ctx, s, 0, err, sizeof err))
      return sim_fail(sim, AP_EINVAL, "%s", err);
  }
  return AP_OK;
}

int ap_sim_snapshot(ap_sim *sim, const char *path) {
  if (!path || !*path)
    return sim_fail(sim, AP_EINVAL, "a snapshot needs a file name");
  if (sim->resume) {
    /* replaying: the call that wrote a snapshot between runs is where it
     * is restored (what the script makes after it comes after it);
     * others are not written again */
    const sim_resume *r = sim->resume;
    if (r->kind || sim->step != r->step || sim->in_callback) return AP_OK;
    int rc = sim_resume_call(sim, 0, SIM_CALL_NONE);
    return rc == SIM_SKIPPED ? AP_OK : rc;
  }
  if (sim->failed) return sim->failed;
  ap_dist_enter(AP_DIST_OP_SNAPSHOT, 0);
  ap_snap *s = ap_snap_new();
  if (!s) return sim_fail(sim, AP_ENOMEM, "out of memory");
  int rc = write_to(sim, s);
  char err[1024] = "";
  if (!rc && (rc = ap_snap_write(s, path, err, sizeof err)))
    sim_fail(sim, rc, "%s", err);
  ap_snap_free(s);
  /* rank 0 writes: every process learns how it went */
  int failed = ap_dist_agree(rc != AP_OK, 0, sim->err, sizeof sim->err);
  if (failed && !rc) rc = AP_EIO;
  if (!rc) sim->snap_last = sim->step;
  return rc;
}

int ap_sim_snapshot_every(ap_sim *sim, const char *path, double every_ms) {
  if (!(every_ms >= 0) || every_ms > 1e15)
    return sim_fail(sim, AP_EINVAL, "snapshots cannot come every %g ms",
                    every_ms);
  char *p = NULL;
  if (path && !(p = ap_strdup(path)))
    return sim_fail(sim, AP_ENOMEM, "out of memory");
  free(sim->snap_path);
  sim->snap_path = p;
  sim->snap_every_ms = p ? every_ms : 0;
  sim->snap_last = -1;
  return AP_OK;
}

/* Whether a stop was asked for on any process. */
static int stop_agreed(void) {
  uint64_t v = stop_signal != 0;
  if (ap_dist_size() > 1) {
    ap_dist_enter(AP_DIST_OP_STOP, 0);
    ap_dist_sum_u64(&v, 1);
  }
  return v != 0;
}

/* The period of periodic snapshots in steps (0: none), at least one. */
static int64_t every_steps(const ap_sim *sim) {
  if (!(sim->snap_every_ms > 0)) return 0;
  const int64_t k = llround(sim->snap_every_ms / ap_sim_dt(sim));
  return k > 0 ? k : 1;
}

int64_t sim_snap_next(const ap_sim *sim, int64_t now) {
  if (!sim->snap_path || sim->resume) return INT64_MAX;
  int64_t next = (now / STOP_POLL + 1) * STOP_POLL;
  const int64_t every = every_steps(sim);
  if (every > 0) {
    const int64_t e = (now / every + 1) * every;
    if (e < next) next = e;
  }
  return next;
}

int sim_snap_due(ap_sim *sim, int64_t now) {
  if (!sim->snap_path || sim->resume || now == sim->snap_last) return AP_OK;
  const int64_t every = every_steps(sim);
  const int periodic = now > 0 && every > 0 && now % every == 0;
  if (!periodic && now % STOP_POLL != 0) return AP_OK;
  const int stop = stop_agreed();
  if (!stop && !periodic) return AP_OK;
  int rc = ap_sim_snapshot(sim, sim->snap_path);
  if (rc) return rc;
  if (!stop) return AP_OK;
  const int sig = stop_signal ? (int)stop_signal : SIGTERM;
  return sim_fail(sim, AP_ESTOPPED, "stopped by %s at t = %g ms; the "
                  "snapshot %s holds the run (resume it with --restore %s)",
                  sig == SIGINT ? "SIGINT" : "SIGTERM",
                  (double)now * sim->dt, sim->snap_path, sim->snap_path);
}

/* ------------------------------------------------------------ restoring */

static int bad_file(ap_sim *sim, const char *what) {
  return sim_fail(sim, AP_EINVAL, "%s: %s", sim->resume->path, what);
}

int ap_sim_restore(ap_sim *sim, const char *path) {
  char err[1024];
  if (sim->resume || sim->binst || sim->step)
    return sim_fail(sim, AP_ESTATE, "a restore must come before the first "
                    "run");
  const double t0 = seconds();
  ap_snap *s = ap_snap_read(path, err, sizeof err);
  if (!s) return sim_fail(sim, AP_EINVAL, "%s", err);
  sim_resume *r = calloc(1, sizeof *r);
  if (!r || !(r->path = ap_strdup(path))) {
    free(r);
    ap_snap_free(s);
    return sim_fail(sim, AP_ENOMEM, "out of memory");
  }
  r->snap = s;
  r->read_s = seconds() - t0;
  sim->resume = r;
  uint64_t layout, step, kind, first, end, procs;
  if (ap_snap_open(s, "run") || ap_snap_get_u64(s, &layout) ||
      ap_snap_get_u64(s, &step) || ap_snap_get_u64(s, &kind) ||
      ap_snap_get_u64(s, &first) || ap_snap_get_u64(s, &end) ||
      ap_snap_get_u64(s, &procs)) {
    int rc = bad_file(sim, "not a snapshot of a simulation (no run section)");
    sim_resume_free(sim);
    return rc;
  }
  if (layout != LAYOUT) {
    int rc = sim_fail(sim, AP_EINVAL, "%s: its sections are of layout %llu; "
                      "this apical reads layout %u", path,
                      (unsigned long long)layout, LAYOUT);
    sim_resume_free(sim);
    return rc;
  }
  r->step = (int64_t)step;
  r->kind = (int)kind;
  r->first = (int64_t)first;
  r->end = (int64_t)end;
  r->procs = procs;
  ap_set_replaying(1);
  return AP_OK;
}

int ap_sim_resume_here(ap_sim *sim) {
  sim_resume *r = sim->resume;
  if (!r) return AP_OK;
  const int64_t at = r->kind ? r->first : r->step;
  if (sim->step > at)
    return sim_fail(sim, AP_ESTATE, "the script resumes at t = %g ms, but its "
                    "clock is already at t = %g ms", (double)at * sim->dt,
                    (double)sim->step * sim->dt);
  sim->step = at;
  return AP_OK;
}

/* The section `name`, open; an error naming it when absent. */
static int open_section(ap_sim *sim, const char *name) {
  if (ap_snap_open(sim->resume->snap, name))
    return sim_fail(sim, AP_EINVAL, "%s: the snapshot has no '%s' section",
                    sim->resume->path, name);
  return AP_OK;
}

static int early(ap_sim *sim, const char *name) {
  return sim_fail(sim, AP_EINVAL, "%s: the '%s' section ends early (the "
                  "snapshot was written by another build of the network)",
                  sim->resume->path, name);
}

static int get_reals(ap_snap *s, ap_real *v, size_t n) {
  return n ? ap_snap_get(s, v, n * sizeof *v) : AP_OK;
}

static int compare_shape(ap_sim *sim) {
  ap_snap *s = sim->resume->snap;
  int rc = open_section(sim, "network");
  if (rc) return rc;
  const size_t n = ap_snap_left(s);
  char *theirs = malloc(n + 1), *ours = shape(sim);
  if (!theirs || !ours) {
    free(theirs);
    free(ours);
    return sim_fail(sim, AP_ENOMEM, "out of memory");
  }
  ap_snap_get(s, theirs, n);
  theirs[n] = 0;
  if (strcmp(theirs, ours)) {
    /* the first line that differs */
    const char *a = theirs, *b = ours;
    for (;;) {
      const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
      const int la = ea ? (int)(ea - a) : (int)strlen(a);
      const int lb = eb ? (int)(eb - b) : (int)strlen(b);
      if (la != lb || strncmp(a, b, (size_t)la)) {
        rc = sim_fail(sim, AP_EINVAL, "%s: the script's network is not the "
                      "snapshot's: the snapshot has\n  %.*s\nwhere the "
                      "script has\n  %.*s", sim->resume->path,
                      la ? la : 6, la ? a : "(none)", lb ? lb : 6,
                      lb ? b : "(none)");
        break;
      }
      a = ea ? ea + 1 : a + la;
      b = eb ? eb + 1 : b + lb;
    }
  }
  free(theirs);
  free(ours);
  return rc;
}

static int read_neurons(ap_sim *sim) {
  ap_snap *s = sim->resume->snap;
  int rc = open_section(sim, "neurons");
  for (size_t i = 0; !rc && i < sim->n_pops; i++) {
    pop *p = &sim->pops[i];
    for (unsigned k = 0; !rc && k < p->d->n_params; k++) {
      if (p->param[k]) {
        if (get_reals(s, p->param[k], p->n)) return early(sim, "neurons");
        continue;
      }
      uint64_t len;
      if (ap_snap_get_u64(s, &len) ||
          len > ap_snap_left(s) / sizeof(ap_real))
        return early(sim, "neurons");
      size_t *off = malloc((p->n + 1) * sizeof *off);
      ap_real *val = malloc((len ? len : 1) * sizeof *val);
      if (!off || !val) {
        free(off);
        free(val);
        return sim_fail(sim, AP_ENOMEM, "out of memory");
      }
      if (ap_snap_get(s, off, (p->n + 1) * sizeof *off) ||
          get_reals(s, val, (size_t)len) || off[p->n] != len) {
        free(off);
        free(val);
        return early(sim, "neurons");
      }
      free(p->list_off[k]);
      free(p->list_val[k]);
      p->list_off[k] = off;
      p->list_val[k] = val;
      p->lists[k].offset = off;
      p->lists[k].value = val;
    }
    for (unsigned v = 0; v < p->d->n_vars; v++)
      if (get_reals(s, p->state[v], p->n)) return early(sim, "neurons");
    uint64_t les;
    if (ap_snap_get_u64(s, &les)) return early(sim, "neurons");
    if (!les) {
      free(p->silenced);
      p->silenced = NULL;
      p->n_silenced = 0;
      continue;
    }
    if (!p->silenced && !(p->silenced = calloc(p->n ? p->n : 1, 1)))
      return sim_fail(sim, AP_ENOMEM, "out of memory");
    if (ap_snap_get(s, p->silenced, p->n)) return early(sim, "neurons");
    p->n_silenced = 0;
    for (size_t k = 0; k < p->n; k++) p->n_silenced += p->silenced[k] != 0;
  }
  return rc;
}

/* A per-synapse array of the whole projection, this process's share. */
static int get_synapses(ap_sim *sim, const proj *pr, void *local,
                        size_t elem) {
  ap_snap *s = sim->resume->snap;
  if (!pr->row_id) return ap_snap_get(s, local, pr->n_all * elem);
  void *whole = malloc(pr->n_all ? pr->n_all * elem : 1);
  if (!whole) return AP_ENOMEM;
  int rc = ap_snap_get(s, whole, pr->n_all * elem);
  if (!rc) sim_share_scatter(sim, pr, whole, elem, local);
  free(whole);
  return rc;
}

static int read_synapses(ap_sim *sim) {
  ap_snap *s = sim->resume->snap;
  int rc = open_section(sim, "synapses");
  for (size_t j = 0; !rc && j < sim->n_projs; j++) {
    proj *pr = &sim->projs[j];
    const ap_synapse_desc *sd = (const ap_synapse_desc *)pr->syn->desc->desc;
    int bad = get_reals(s, pr->syn_param, sd->n_params) ||
              ap_snap_get_f64(s, &pr->p_release) ||
              get_synapses(sim, pr, pr->weight, sizeof *pr->weight);
    for (unsigned v = 0; !bad && v < sd->n_vars; v++)
      bad = get_synapses(sim, pr, pr->syn_state[v], sizeof(ap_real));
    ap_plastic *r = pr->rule;
    if (r) {
      bad = bad || get_reals(s, r->param, r->d->n_params);
      for (unsigned v = 0; !bad && v < r->d->n_syn_vars; v++)
        bad = get_synapses(sim, pr, r->syn_state[v], sizeof(ap_real));
      for (unsigned v = 0; !bad && v < r->d->n_post_vars; v++)
        bad = get_reals(s, r->post_state[v], r->n_post);
    }
    if (bad) return early(sim, "synapses");
  }
  sim_refresh_mirrors(sim);
  return rc;
}

static int read_rule(ap_sim *sim, size_t j) {
  ap_snap *s = sim->resume->snap;
  ap_plastic *r = sim->projs[j].rule;
  char name[32], err[512] = "";
  snprintf(name, sizeof name, "rule.%zu", j + 1);
  int rc = open_section(sim, name);
  if (rc) return rc;
  uint64_t count, len = 0;
  if (ap_snap_get_u64(s, &count)) return early(sim, name);
  if (count == 0) return AP_OK; /* not yet prepared when written */
  const int P = ap_dist_size(), me = ap_dist_rank();
  if (count != 1 && count != (uint64_t)P)
    return sim_fail(sim, AP_EINVAL, "%s: learning rule %s of projection %zu "
                    "keeps state that differed between the %llu processes "
                    "that wrote the snapshot: restore it on %llu processes",
                    sim->resume->path, r->plugin->name, j + 1,
                    (unsigned long long)count, (unsigned long long)count);
  for (int q = 0; q <= (count == 1 ? 0 : me); q++) {
    if (ap_snap_get_u64(s, &len) || len > ap_snap_left(s))
      return early(sim, name);
    if (q < (count == 1 ? 0 : me)) {
      unsigned char skip[256];
      for (uint64_t left = len; left;) {
        const size_t k = left < sizeof skip ? (size_t)left : sizeof skip;
        ap_snap_get(s, skip, k);
        left -= k;
      }
    }
  }
  /* the rule reads what its save wrote, and no further */
  const size_t keep = ap_snap_left(s) - (size_t)len;
  ap_stream in = ap_snap_reader(s);
  rc = r->d->load(&r->ctx, &in, err, sizeof err);
  if (!rc && ap_snap_left(s) != keep)
    ap_fmt(err, sizeof err, "its load read %zu of the %llu bytes its save "
           "wrote", (size_t)len - (ap_snap_left(s) - keep),
           (unsigned long long)len), rc = AP_EPLUGIN;
  if (rc)
    return sim_fail(sim, AP_EPLUGIN, "%s: learning rule %s of projection %zu: "
                    "%s", sim->resume->path, r->plugin->name, j + 1,
                    err[0] ? err : "its load failed");
  return AP_OK;
}

static int read_flight(ap_sim *sim) {
  ap_snap *s = sim->resume->snap;
  int rc = open_section(sim, "flight");
  uint64_t ahead;
  if (rc) return rc;
  if (ap_snap_get_u64(s, &ahead)) return early(sim, "flight");
  if (!ahead) return AP_OK;
  if (ahead != sim->net.max_delay + 1u)
    return sim_fail(sim, AP_EINVAL, "%s: the snapshot holds input %llu steps "
                    "ahead; this network's delays reach %u", sim->resume->path,
                    (unsigned long long)ahead - 1, sim->net.max_delay);
  if (!AP_HAS_FIELD(sim->bd, ap_backend_desc, pending_add) ||
      !sim->bd->pending_add)
    return sim_fail(sim, AP_ENOTSUP, "backend %s cannot take over the spikes "
                    "in flight, so it cannot restore a snapshot",
                    sim->bp->name);
  for (size_t i = 0; !rc && i < sim->n_pops; i++) {
    const size_t n = sim->pops[i].n;
    size_t lo = 0, hi = n;
    if (ap_dist_size() > 1) ap_dist_share(n, &lo, &hi);
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return sim_fail(sim, AP_ENOMEM, "out of memory");
    for (unsigned k = 0; !rc && k < sim->pops[i].d->n_ports; k++)
      for (unsigned a = 0; !rc && a < ahead; a++) {
        if (ap_snap_get(s, v, n * sizeof *v)) {
          rc = early(sim, "flight");
          break;
        }
        /* each process takes its own neurons' input */
        for (size_t q = 0; q < n; q++)
          if (q < lo || q >= hi) v[q] = 0;
        char err[512] = "";
        if (sim->bd->pending_add(sim->binst, i, k, sim->step + a, v, err,
                                 sizeof err))
          rc = sim_fail(sim, AP_EPLUGIN, "backend %s: %s", sim->bp->name, err);
      }
    free(v);
  }
  return rc;
}

static int read_rest(ap_sim *sim) {
  ap_snap *s = sim->resume->snap;
  int rc = open_section(sim, "modulators");
  for (size_t i = 0; !rc && i < sim->n_mods; i++)
    if (ap_snap_get_f64(s, &sim->levels[i]) ||
        ap_snap_get_f64(s, &sim->mods[i].pending) ||
        ap_snap_get_f64(s, &sim->mods[i].tau) ||
        ap_snap_get_f64(s, &sim->mods[i].baseline))
      return early(sim, "modulators");
  for (size_t i = 0; !rc && i < sim->n_modulations; i++)
    if (ap_snap_get(s, sim->modulations[i].base,
                    sim->modulations[i].r.count * sizeof(double)))
      return early(sim, "modulators");
  if (rc || (rc = open_section(sim, "decoded"))) return rc;
  for (size_t k = 0; k < sim->n_decs; k++) {
    decoded *d = &sim->decs[k];
    const size_t D = d->dims, npost = sim->pops[d->post].n;
    if (ap_snap_get(s, d->x, D * sizeof *d->x) ||
        ap_snap_get(s, d->encoders, npost * D * sizeof *d->encoders) ||
        (d->pre == AP_DECODED_SIGNAL
             ? ap_snap_get(s, d->signal, D * sizeof *d->signal)
             : ap_snap_get(s, d->decoders,
                           sim->pops[d->pre].n * D * sizeof *d->decoders)))
      return early(sim, "decoded");
  }
  if ((rc = open_section(sim, "currents"))) return rc;
  for (size_t i = 0; i < sim->n_currents; i++)
    if (sim_current_load(sim->currents[i], s)) return early(sim, "currents");
  if ((rc = open_section(sim, "recorders"))) return rc;
  for (size_t i = 0; i < sim->n_recs; i++) {
    rec *r = &sim->recs[i];
    uint64_t closed, count;
    char err[512] = "";
    if (ap_snap_get_u64(s, &closed) || ap_snap_get_f64(s, &r->t_start) ||
        ap_snap_get_u64(s, &count))
      return early(sim, "recorders");
    r->count = count;
    if (ap_rec_load(r->r, s, err, sizeof err))
      return sim_fail(sim, AP_EINVAL, "%s: recorder %zu: %s",
                      sim->resume->path, i + 1, err);
    /* closed before the snapshot: its file was finished then */
    if (closed && !r->closed) ap_rec_abort(r->r);
    r->closed = (int)closed;
  }
  return AP_OK;
}

/* The callbacks' progress.  A script that replays everything made the
 * same callbacks, matched one for one; one that resumed itself
 * (ap_sim_resume_here) made again only those still to come, matched in
 * order with the snapshot's that were not done. */
static int read_schedule(ap_sim *sim) {
  ap_snap *s = sim->resume->snap;
  int rc = open_section(sim, "schedule");
  uint64_t n;
  if (rc) return rc;
  if (ap_snap_get_u64(s, &n) || n > ap_snap_left(s) / 24)
    return early(sim, "schedule");
  sim_cb *saved = malloc((n ? n : 1) * sizeof *saved);
  if (!saved) return sim_fail(sim, AP_ENOMEM, "out of memory");
  size_t pending = 0;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t a, b, c;
    ap_snap_get_u64(s, &a);
    ap_snap_get_u64(s, &b);
    ap_snap_get_u64(s, &c);
    saved[i] = (sim_cb){(int64_t)a, (int64_t)b, NULL, NULL, (int)c};
    pending += !c;
  }
  const int all = sim->n_cbs == n;
  if (!all && sim->n_cbs != pending) {
    free(saved);
    return sim_fail(sim, AP_EINVAL, "%s: the script made %zu callbacks "
                    "(ap.at, ap.every) before the run it resumes; the "
                    "snapshot has %llu, %zu of them still to come",
                    sim->resume->path, sim->n_cbs, (unsigned long long)n,
                    pending);
  }
  size_t k = 0;
  for (size_t i = 0; i < sim->n_cbs; i++) {
    while (!all && saved[k].done) k++;
    const sim_cb *o = &saved[k++];
    sim_cb *c = &sim->cbs[i];
    if (c->period != o->period || (!o->period && !all && c->next != o->next)) {
      rc = sim_fail(sim, AP_EINVAL, "%s: callback %zu of the script (%s) is "
                    "not the snapshot's (%s)", sim->resume->path, i + 1,
                    c->period ? "periodic" : "one-shot",
                    o->period ? "periodic" : "one-shot");
      break;
    }
    c->next = o->next;
    c->done = o->done;
  }
  free(saved);
  return rc;
}

static int read_phases(ap_sim *sim) {
  ap_snap *s = sim->resume->snap;
  int rc = open_section(sim, "phases");
  uint64_t n, v[7];
  if (rc) return rc;
  if (ap_snap_get_u64(s, &n) || n > ap_snap_left(s) / 8)
    return early(sim, "phases");
  char **names = calloc(n ? n : 1, sizeof *names);
  if (!names) return sim_fail(sim, AP_ENOMEM, "out of memory");
  for (uint64_t i = 0; i < n && !rc; i++) {
    uint64_t nl;
    if (ap_snap_get_u64(s, &nl) || nl > ap_snap_left(s) ||
        !(names[i] = malloc(nl + 1)) || ap_snap_get(s, names[i], nl))
      rc = early(sim, "phases");
    else
      names[i][nl] = 0;
  }
  for (int k = 0; !rc && k < 7; k++)
    if (ap_snap_get_u64(s, &v[k])) rc = early(sim, "phases");
  if (!rc && v[0] && (v[1] < 1 || v[1] > n)) rc = early(sim, "phases");
  if (rc) {
    for (uint64_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
  }
  for (size_t i = 0; i < sim->n_phase_names; i++) free(sim->phase_names[i]);
  free(sim->phase_names);
  sim->phase_names = names;
  sim->n_phase_names = (size_t)n;
  ap_phase_event *e = &sim->phase;
  memset(e, 0, sizeof *e);
  if (v[0]) {
    e->size = sizeof *e;
    e->kind = (int)v[0];
    e->index = (unsigned)v[1];
    e->name = names[v[1] - 1];
    e->first_step = (int64_t)v[2];
    e->steps = (int64_t)v[3];
    e->window_first = (int64_t)v[4];
    e->window_steps = (int64_t)v[5];
  }
  sim->window_start = (int64_t)v[6];
  return AP_OK;
}

static int read_counts(ap_sim *sim) {
  ap_snap *s = sim->resume->snap;
  uint64_t spikes, events;
  int rc = open_section(sim, "counts");
  if (rc) return rc;
  if (ap_snap_get_u64(s, &spikes) || ap_snap_get_u64(s, &events))
    return early(sim, "counts");
  /* a fresh backend counts from zero; the others' share is summed anew */
  sim->stats.spikes = spikes;
  sim->stats.events = events;
  sim->spikes_home = 0;
  return AP_OK;
}

static int read_backend(ap_sim *sim) {
  ap_snap *s = sim->resume->snap;
  uint64_t has;
  int rc = open_section(sim, "backend");
  if (rc) return rc;
  if (ap_snap_get_u64(s, &has)) return early(sim, "backend");
  if (!has) return AP_OK;
  if (!sim->bd->load)
    return sim_fail(sim, AP_EINVAL, "%s: the snapshot holds the state of "
                    "another backend's chip, which backend %s cannot take",
                    sim->resume->path, sim->bp->name);
  char err[512] = "";
  ap_stream in = ap_snap_reader(s);
  if (sim->bd->load(sim->binst, &in, err, sizeof err))
    return sim_fail(sim, AP_EPLUGIN, "%s: backend %s: %s", sim->resume->path,
                    sim->bp->name, err[0] ? err : "its load failed");
  return AP_OK;
}

/* Put the snapshot's state in place, at its step. */
static int restore_now(ap_sim *sim) {
  sim_resume *r = sim->resume;
  ap_snap *s = r->snap;
  int rc = compare_shape(sim);
  /* the backend: one that wrote its own state must be the same */
  if (!rc && !(rc = open_section(sim, "run"))) {
    uint64_t skip, bl;
    for (int k = 0; k < 6; k++) ap_snap_get_u64(s, &skip);
    char bname[256] = "";
    if (ap_snap_get_u64(s, &bl) || bl >= sizeof bname ||
        ap_snap_get(s, bname, (size_t)bl))
      rc = early(sim, "run");
    const char *ours = sim->bp ? sim->bp->name : sim->set->backend;
    if (!rc && strcmp(bname, ours) && !open_section(sim, "backend") &&
        !ap_snap_get_u64(s, &skip) && skip)
      rc = sim_fail(sim, AP_EINVAL, "%s: written by backend %s, which keeps "
                    "state of its own; this run is on %s", r->path, bname,
                    ours);
  }
  if (rc) return rc;
  if (sim->binst) sim_backend_destroy(sim);
  sim->step = r->step;
  ap_set_replaying(0);
  if ((rc = read_schedule(sim)) || (rc = read_phases(sim))) return rc;
  /* A fresh backend at the snapshot's step, its rules prepared (prepare
   * may set their state from the weights); then the host's arrays take
   * the snapshot's values, which the backend reloads before it runs. */
  sim->grow = 0;
  sim->dirty = 0;
  if ((rc = sim_advance(sim, 0))) return rc;
  if ((rc = read_neurons(sim)) || (rc = read_synapses(sim)) ||
      (rc = read_rest(sim)))
    return rc;
  sim->dirty = AP_CHANGED_PARAMS | AP_CHANGED_STATE | AP_CHANGED_WEIGHTS |
               AP_CHANGED_OTHER;
  for (size_t j = 0; !rc && j < sim->n_projs; j++) {
    const ap_plastic *p = sim->projs[j].rule;
    if (p && p->d->save && p->d->load) rc = read_rule(sim, j);
  }
  if (rc || (rc = read_flight(sim)) || (rc = read_counts(sim))) return rc;
  /* a backend with state of its own loads it after a reload of all */
  if (sim->bd->reload) {
    char err[512] = "";
    if ((rc = sim->bd->reload(sim->binst, (unsigned)sim->dirty, err,
                              sizeof err)))
      return sim_fail(sim, rc, "backend %s: %s", sim->bp->name, err);
    sim->dirty = 0;
  }
  if ((rc = read_backend(sim))) return rc;
  if (sim->snap_hook) {
    char err[512] = "";
    if (sim->snap_hook(sim->snap_ctx, s, 1, err, sizeof err))
      return sim_fail(sim, AP_EINVAL, "%s: %s", r->path, err);
  }
  sim->snap_last = sim->step;
  return AP_OK;
}

static const char *call_name(int kind) {
  return kind == SIM_CALL_PHASE ? "ap.phase" : "ap.run";
}

int sim_resume_call(ap_sim *sim, int64_t steps, int kind) {
  sim_resume *r = sim->resume;
  const int64_t at = sim->step, end = at + steps;
  int here;
  if (r->kind) {
    if (end <= r->first && !(at == r->first && end == r->end)) {
      sim->step = end; /* before it: skipped */
      return SIM_SKIPPED;
    }
    here = at == r->first && end == r->end && kind == r->kind;
  } else {
    if (at != r->step && end <= r->step) {
      sim->step = end;
      return SIM_SKIPPED;
    }
    here = at == r->step;
  }
  if (!here) {
    int rc;
    if (r->kind)
      rc = sim_fail(sim, AP_EINVAL, "%s: the script's runs do not meet the "
                    "snapshot's: it was written at t = %g ms, during an %s "
                    "from %g to %g ms; the script's %s goes from %g to %g ms",
                    r->path, (double)r->step * sim->dt, call_name(r->kind),
                    (double)r->first * sim->dt, (double)r->end * sim->dt,
                    call_name(kind), (double)at * sim->dt,
                    (double)end * sim->dt);
    else
      rc = sim_fail(sim, AP_EINVAL, "%s: the script's runs do not meet the "
                    "snapshot's: it was written at t = %g ms, between runs; "
                    "the script's %s goes from %g to %g ms", r->path,
                    (double)r->step * sim->dt, call_name(kind),
                    (double)at * sim->dt, (double)end * sim->dt);
    return sim->failed = rc;
  }
  const double t0 = seconds();
  int rc = restore_now(sim);
  const double took = seconds() - t0;
  char err[sizeof sim->err];
  memcpy(err, sim->err, sizeof err);
  /* every process restores, or none goes on */
  if (ap_dist_agree(rc != AP_OK, 0, err, sizeof err)) {
    memcpy(sim->err, err, sizeof err);
    sim_resume_free(sim);
    return sim->failed = rc ? rc : AP_EINVAL;
  }
  if (ap_dist_rank() == 0)
    fprintf(stderr, "apical: restored %s at t = %g ms in %.3f s (%.3f s "
            "reading and checking the file)\n", r->path,
            (double)sim->step * sim->dt, r->read_s + took, r->read_s);
  sim_resume_free(sim);
  return AP_OK;
}
