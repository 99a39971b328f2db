/* rule_harness.h -- drive one learning-rule plugin's hooks directly.
 *
 * A test includes the plugin's source (which defines ap_plugin_entry), then
 * this header.  The harness plays the host for one projection of n_syn
 * synapses into n_post neurons: it owns the parameters (filled with their
 * defaults), the per-synapse and per-postsynaptic-neuron state (filled with
 * their defaults), the weights and the targets, builds the ap_rule_ctx, and
 * calls prepare(), on_pre(), on_post(), on_step() and flush() as the host
 * contract of apical_plugin.h says: a spike of step s is stamped
 * t = (s+1) dt, on_step of step s sees t = (s+1) dt.
 *
 * Targets are stored packed, with a nonzero delay in the bits above
 * AP_PACK_TARGET_MASK, so a rule that forgets target_mask reads outside
 * the post arrays (and fails under the sanitizers) or reads the wrong
 * trace.
 *
 * Every harness function asserts on misuse, so tests read as plain
 * sequences of calls. */
#ifndef AP_RULE_HARNESS_H
#define AP_RULE_HARNESS_H

#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apical_plugin.h"
#include "plugin/host.h"
#include "plugin/loader.h"

AP_PLUGIN_EXPORT const ap_plugin_table *ap_plugin_entry(void);

/* ck_assert in loops over many steps is slow (it records every pass). */
#define RH_CHECK(cond, ...)                                              \
  do {                                                                   \
    if (!(cond)) ck_abort_msg(__VA_ARGS__);                              \
  } while (0)

typedef struct rh {
  const ap_plugin_desc *plugin;
  const ap_rule_desc *d;
  size_t n_syn, n_post;
  double dt;
  ap_real *param;
  ap_real **syn;   /* [n_syn_vars][n_syn] */
  ap_real **post;  /* [n_post_vars][n_post] */
  ap_weight *w;
  uint32_t *target;
  double mod[AP_RULE_MAX_MODULATORS];
  size_t *list;    /* scratch: the synapses into one neuron */
  ap_rule_ctx c;
  int prepared;
  char err[512];
} rh;

static inline void *rh_calloc_(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  RH_CHECK(p != NULL, "harness: out of memory");
  return p;
}

static inline const ap_plugin_desc *rh_find_plugin_(const char *name) {
  const ap_plugin_table *t = ap_plugin_entry();
  ck_assert_ptr_nonnull(t);
  for (size_t k = 0; k < t->n; k++)
    if (strcmp(t->plugins[k].name, name) == 0) return &t->plugins[k];
  ck_abort_msg("harness: no plugin named %s", name);
  return NULL;
}

/* A projection of n_syn synapses into n_post neurons for the rule `name`,
 * at time step dt (ms).  Synapse s targets neuron s % n_post until
 * rh_target() says otherwise; weights start at 0. */
static inline rh *rh_open(const char *name, size_t n_syn, size_t n_post,
                          double dt) {
  const ap_plugin_desc *pd = rh_find_plugin_(name);
  ck_assert_int_eq(pd->kind, AP_KIND_RULE);
  const ap_rule_desc *d = pd->desc;
  ck_assert_uint_eq(d->size, sizeof(ap_rule_desc));
  rh *h = rh_calloc_(1, sizeof *h);
  h->plugin = pd;
  h->d = d;
  h->n_syn = n_syn;
  h->n_post = n_post;
  h->dt = dt;
  h->param = rh_calloc_(d->n_params, sizeof *h->param);
  for (unsigned k = 0; k < d->n_params; k++) h->param[k] = d->params[k].def;
  h->syn = rh_calloc_(d->n_syn_vars, sizeof *h->syn);
  for (unsigned v = 0; v < d->n_syn_vars; v++) {
    h->syn[v] = rh_calloc_(n_syn, sizeof(ap_real));
    for (size_t s = 0; s < n_syn; s++) h->syn[v][s] = d->syn_vars[v].def;
  }
  h->post = rh_calloc_(d->n_post_vars, sizeof *h->post);
  for (unsigned v = 0; v < d->n_post_vars; v++) {
    h->post[v] = rh_calloc_(n_post, sizeof(ap_real));
    for (size_t i = 0; i < n_post; i++) h->post[v][i] = d->post_vars[v].def;
  }
  h->w = rh_calloc_(n_syn, sizeof *h->w);
  h->target = rh_calloc_(n_syn, sizeof *h->target);
  h->list = rh_calloc_(n_syn, sizeof *h->list);
  for (size_t s = 0; s < n_syn; s++)
    h->target[s] = (uint32_t)(s % n_post) | (5u << AP_PACK_TARGET_BITS);
  h->c = (ap_rule_ctx){
      .param = h->param,
      .syn_state = h->syn,
      .post_state = h->post,
      .weight = h->w,
      .target = h->target,
      .t = 0.0,
      .dt = dt,
      .modulators = h->mod,
      .inst = NULL,
      .host = ap_host_services(),
      .n_syn = n_syn,
      .n_post = n_post,
      .target_mask = AP_PACK_TARGET_MASK,
      .n_modulators = d->n_modulators,
      .step = 0,
  };
  return h;
}

static inline void rh_target(rh *h, size_t s, uint32_t post) {
  RH_CHECK(s < h->n_syn && post < h->n_post, "harness: bad target");
  h->target[s] = post | (5u << AP_PACK_TARGET_BITS);
}

static inline int rh_param_index_(const rh *h, const char *name) {
  for (unsigned k = 0; k < h->d->n_params; k++)
    if (strcmp(h->d->params[k].name, name) == 0) return (int)k;
  ck_abort_msg("harness: no parameter %s", name);
  return -1;
}

/* Set a per-projection parameter (before rh_prepare). */
static inline void rh_set(rh *h, const char *name, double value) {
  h->param[rh_param_index_(h, name)] = value;
}

/* The per-synapse array of state variable `name`. */
static inline ap_real *rh_sv(rh *h, const char *name) {
  for (unsigned v = 0; v < h->d->n_syn_vars; v++)
    if (strcmp(h->d->syn_vars[v].name, name) == 0) return h->syn[v];
  ck_abort_msg("harness: no synapse variable %s", name);
  return NULL;
}

/* The per-postsynaptic-neuron array of state variable `name`. */
static inline ap_real *rh_pv(rh *h, const char *name) {
  for (unsigned v = 0; v < h->d->n_post_vars; v++)
    if (strcmp(h->d->post_vars[v].name, name) == 0) return h->post[v];
  ck_abort_msg("harness: no postsynaptic variable %s", name);
  return NULL;
}

/* prepare() at time t (ms).  Returns the plugin's status; the reason of a
 * failure is in h->err (and must not be empty). */
static inline int rh_prepare(rh *h, double t) {
  RH_CHECK(!h->prepared, "harness: prepare twice");
  h->err[0] = '\0';
  h->c.t = t;
  h->c.inst = NULL;
  int rc = AP_OK;
  if (h->d->prepare) {
    void *inst = NULL;
    rc = h->d->prepare(&inst, &h->c, h->err, sizeof h->err);
    if (rc == AP_OK) h->c.inst = inst;
  }
  if (rc == AP_OK)
    h->prepared = 1;
  else
    ck_assert_msg(h->err[0] != '\0', "prepare failed without a reason");
  return rc;
}

static inline void rh_prepare_ok(rh *h, double t) {
  int rc = rh_prepare(h, t);
  ck_assert_msg(rc == AP_OK, "prepare failed: %s", h->err);
}

static inline double rh_time(const rh *h, int64_t step) {
  return (double)(step + 1) * h->dt;
}

/* Presynaptic spikes of step `step` through the synapses [first, first+n). */
static inline void rh_pre(rh *h, int64_t step, size_t first, size_t n) {
  RH_CHECK(h->prepared, "harness: hook before prepare");
  RH_CHECK(first + n <= h->n_syn, "harness: synapses out of range");
  h->c.step = step;
  h->c.t = rh_time(h, step);
  h->d->on_pre(&h->c, first, n);
}

/* A spike of neuron `post` in step `step`: on_post with the synapses into
 * it, ascending. */
static inline void rh_post(rh *h, int64_t step, uint32_t post) {
  RH_CHECK(h->prepared, "harness: hook before prepare");
  size_t n = 0;
  for (size_t s = 0; s < h->n_syn; s++)
    if ((h->target[s] & AP_PACK_TARGET_MASK) == post) h->list[n++] = s;
  h->c.step = step;
  h->c.t = rh_time(h, step);
  h->d->on_post(&h->c, post, h->list, n);
}

/* on_step of step `step` with modulator 0 at `level` (end of the step). */
static inline void rh_step(rh *h, int64_t step, double level) {
  RH_CHECK(h->prepared, "harness: hook before prepare");
  h->mod[0] = level;
  h->c.step = step;
  h->c.t = rh_time(h, step);
  if (h->d->on_step) h->d->on_step(&h->c);
}

/* flush() after step `step` (at t = (step+1) dt, as the host does). */
static inline void rh_flush(rh *h, int64_t step) {
  RH_CHECK(h->prepared, "harness: flush before prepare");
  h->c.t = rh_time(h, step);
  if (h->d->flush) h->d->flush(&h->c);
}

/* ------------------------------------------------------------ threads */

/* A backend gives each thread its own copy of the context (it sets t,
 * step and modulators per thread) and its own list of synapses.
 * rh_thread_run() replays a spike pattern with `nt` threads: the host's
 * thread calls on_step, then every thread handles its share of the
 * spiking rows (even rows split in nt segments, odd rows whole, one
 * thread each, so that threads share targets) and, after a barrier, the
 * postsynaptic spikes of the neurons j with j % nt == its index.  pre(),
 * post() and level() describe the pattern: whether presynaptic neuron i
 * and postsynaptic neuron j spike in `step`, and the modulator level.
 * Rows are [i * n_post, (i+1) * n_post) (one synapse per pair). */
typedef struct rh_pattern {
  int (*pre)(int64_t step, size_t i);
  int (*post)(int64_t step, uint32_t j);
  double (*level)(int64_t step);
  int64_t steps;
} rh_pattern;

typedef struct rh_thread_ {
  rh *h;
  const rh_pattern *pat;
  pthread_barrier_t *bar; /* three: one per phase (see rh_thread_run) */
  unsigned k, nt;
  ap_rule_ctx c;
  size_t *list;
} rh_thread_;

static inline void *rh_thread_main_(void *arg) {
  rh_thread_ *th = arg;
  rh *h = th->h;
  const size_t n_pre = h->n_syn / h->n_post;
  for (int64_t step = 0; step < th->pat->steps; step++) {
    if (th->k == 0) rh_step(h, step, th->pat->level(step));
    pthread_barrier_wait(&th->bar[0]);
    th->c.step = step;
    th->c.t = rh_time(h, step);
    for (size_t i = 0; i < n_pre; i++) {
      if (!th->pat->pre(step, i)) continue;
      size_t a = 0, b = h->n_post;
      if (i % 2 == 0) { /* even rows in nt segments, */
        a = h->n_post * th->k / th->nt;
        b = h->n_post * (th->k + 1) / th->nt;
      } else if ((i / 2) % th->nt != th->k) { /* odd rows whole, */
        continue; /* so that threads share targets */
      }
      if (b > a) h->d->on_pre(&th->c, i * h->n_post + a, b - a);
    }
    pthread_barrier_wait(&th->bar[1]);
    for (uint32_t j = th->k; j < h->n_post; j += th->nt) {
      if (!th->pat->post(step, j)) continue;
      size_t n = 0;
      for (size_t s = 0; s < h->n_syn; s++)
        if ((h->target[s] & AP_PACK_TARGET_MASK) == j) th->list[n++] = s;
      h->d->on_post(&th->c, j, th->list, n);
    }
    pthread_barrier_wait(&th->bar[2]);
  }
  return NULL;
}

static inline void rh_thread_run(rh *h, const rh_pattern *pat, unsigned nt) {
  RH_CHECK(h->prepared, "harness: hooks before prepare");
  RH_CHECK(nt >= 1 && nt <= 16, "harness: 1 to 16 threads");
  RH_CHECK(h->n_syn % h->n_post == 0, "harness: rows of n_post synapses");
  /* One barrier per phase, not one for all: ThreadSanitizer orders a
   * thread after everything released on a barrier object before it
   * acquires, so a fast thread's next phase, released on the same object,
   * would hide its races from a slow one. */
  pthread_barrier_t bar[3];
  for (int k = 0; k < 3; k++) pthread_barrier_init(&bar[k], NULL, nt);
  rh_thread_ th[16];
  pthread_t id[16];
  for (unsigned k = 0; k < nt; k++)
    th[k] = (rh_thread_){.h = h,
                         .pat = pat,
                         .bar = bar,
                         .k = k,
                         .nt = nt,
                         .c = h->c,
                         .list = rh_calloc_(h->n_syn, sizeof(size_t))};
  for (unsigned k = 1; k < nt; k++)
    RH_CHECK(pthread_create(&id[k], NULL, rh_thread_main_, &th[k]) == 0,
             "harness: pthread_create failed");
  rh_thread_main_(&th[0]);
  for (unsigned k = 1; k < nt; k++) pthread_join(id[k], NULL);
  for (unsigned k = 0; k < nt; k++) free(th[k].list);
  for (int k = 0; k < 3; k++) pthread_barrier_destroy(&bar[k]);
}

/* A pattern for rh_thread_run: each neuron spikes in a step with
 * probability 1/30 (hashed, so any thread may ask), the level pulses to
 * 1 for 20 steps in every 500 and sits at 0.15 otherwise. */
static inline uint32_t rh_hash_(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return (uint32_t)x;
}
static inline int rh_pat_pre_(int64_t step, size_t i) {
  return rh_hash_((uint64_t)step * 1000003u + i) % 30 == 0;
}
static inline int rh_pat_post_(int64_t step, uint32_t j) {
  return rh_hash_(((uint64_t)step * 1000003u + j) ^ 0x5bd1e995u) % 30 == 0;
}
static inline double rh_pat_level_(int64_t step) {
  return step % 500 < 20 ? 1.0 : 0.15;
}
static inline rh_pattern rh_pattern_default(void) {
  return (rh_pattern){rh_pat_pre_, rh_pat_post_, rh_pat_level_, 20000};
}

/* Two projections of the same rule and shape hold the same weights and
 * state, bit for bit. */
static inline void rh_assert_same(rh *a, rh *b) {
  for (size_t s = 0; s < a->n_syn; s++) {
    RH_CHECK(a->w[s] == b->w[s], "synapse %zu: weight %.9g vs %.9g", s,
             (double)a->w[s], (double)b->w[s]);
    for (unsigned v = 0; v < a->d->n_syn_vars; v++)
      RH_CHECK(a->syn[v][s] == b->syn[v][s] ||
                   (isnan(a->syn[v][s]) && isnan(b->syn[v][s])),
               "synapse %zu: %s %.17g vs %.17g", s, a->d->syn_vars[v].name,
               a->syn[v][s], b->syn[v][s]);
  }
  for (size_t j = 0; j < a->n_post; j++)
    for (unsigned v = 0; v < a->d->n_post_vars; v++)
      RH_CHECK(a->post[v][j] == b->post[v][j],
               "neuron %zu: %s %.17g vs %.17g", j, a->d->post_vars[v].name,
               a->post[v][j], b->post[v][j]);
}

static inline void rh_close(rh *h) {
  if (!h) return;
  if (h->prepared && h->d->release) h->d->release(h->c.inst);
  for (unsigned v = 0; v < h->d->n_syn_vars; v++) free(h->syn[v]);
  for (unsigned v = 0; v < h->d->n_post_vars; v++) free(h->post[v]);
  free(h->syn);
  free(h->post);
  free(h->param);
  free(h->w);
  free(h->target);
  free(h->list);
  free(h);
}

/* One unit in the last place of a single-precision weight near x: the
 * resolution at which stored weights can be compared. */
static inline double rh_ulp(double x) {
  float f = (float)fabs(x);
  return (double)nextafterf(f, INFINITY) - (double)f;
}

/* A stored weight equals the exact value `want` up to its rounding. */
#define RH_WEIGHT_EQ(got, want, ...)                                     \
  do {                                                                   \
    double g_ = (double)(got), w_ = (double)(want);                      \
    if (!(fabs(g_ - w_) <= rh_ulp(w_))) {                                \
      char m_[256];                                                      \
      snprintf(m_, sizeof m_, __VA_ARGS__);                              \
      ck_abort_msg("%s: weight %.9g, expected %.9g", m_, g_, w_);        \
    }                                                                    \
  } while (0)

/* Relative closeness for doubles. */
static inline int rh_close_rel(double got, double want, double rel) {
  return fabs(got - want) <= rel * fabs(want);
}

/* Does a line of `text` read, after leading blanks, `name`, blanks,
 * `unit` and (when not NULL) blanks and `def`, each followed by a blank
 * or the end of the line?  Units may contain blanks ("pA, nS or mV (the
 * port's)"), so the unit is matched as a whole string. */
static inline int rh_has_row(const char *text, const char *name,
                             const char *unit, const char *def) {
  const char *want[3] = {name, unit, def};
  for (const char *line = text; line && *line;) {
    const char *end = strchr(line, '\n');
    if (!end) end = line + strlen(line);
    const char *p = line;
    int ok = 1;
    for (int k = 0; k < 3 && ok && want[k]; k++) {
      const char *q = p;
      while (q < end && (*q == ' ' || *q == '\t')) q++;
      if (k > 0 && q == p) ok = 0; /* fields are separated by blanks */
      size_t len = strlen(want[k]);
      ok = ok && (size_t)(end - q) >= len && strncmp(q, want[k], len) == 0 &&
           (q + len == end || q[len] == ' ' || q[len] == '\t');
      p = q + len;
    }
    if (ok) return 1;
    line = *end ? end + 1 : NULL;
  }
  return 0;
}

static inline void rh_check_vars_(const ap_plugin_desc *pd,
                                  const ap_var_desc *v, unsigned nv) {
  for (unsigned i = 0; i < nv; i++) {
    char def[64];
    snprintf(def, sizeof def, "%g", v[i].def);
    ck_assert_msg(v[i].doc && v[i].doc[0], "variable %s has no doc line",
                  v[i].name);
    ck_assert_msg(rh_has_row(pd->doc_long, v[i].name, v[i].unit, def),
                  "doc_long of %s has no row \"%s  %s  %s\" for state "
                  "variable %s",
                  pd->name, v[i].name, v[i].unit, def, v[i].name);
  }
}

/* The plugin passes the loader's validation, and its documentation block
 * has the sections and agrees with its tables: a row "name unit default"
 * for every parameter and state variable. */
static inline void rh_check_doc(const char *name) {
  char err[512] = "";
  int rc = ap_plugin_validate(ap_plugin_entry(), err, sizeof err);
  ck_assert_msg(rc == AP_OK, "the loader refuses the plugin: %s", err);
  const ap_plugin_desc *pd = rh_find_plugin_(name);
  ck_assert_ptr_nonnull(pd->doc);
  ck_assert_ptr_nonnull(pd->doc_long);
  static const char *const sections[] = {"Description", "Equations",
                                         "Parameters", "State",
                                         "References"};
  for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
    char title[32];
    snprintf(title, sizeof title, "\n%s\n", sections[i]);
    ck_assert_msg(strstr(pd->doc_long, title),
                  "doc_long of %s has no %s section", name, sections[i]);
  }
  const ap_rule_desc *d = pd->desc;
  for (unsigned k = 0; k < d->n_params; k++) {
    const ap_param_desc *q = &d->params[k];
    char def[64];
    snprintf(def, sizeof def, "%g", q->def);
    ck_assert_msg(q->doc && q->doc[0], "parameter %s has no doc line",
                  q->name);
    ck_assert_msg(rh_has_row(pd->doc_long, q->name, q->unit, def),
                  "doc_long of %s has no row \"%s  %s  %s\" for parameter %s",
                  name, q->name, q->unit, def, q->name);
  }
  rh_check_vars_(pd, d->syn_vars, d->n_syn_vars);
  rh_check_vars_(pd, d->post_vars, d->n_post_vars);
}

#endif /* AP_RULE_HARNESS_H */
