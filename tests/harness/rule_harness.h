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

void *rh_calloc_(size_t n, size_t size);

const ap_plugin_desc *rh_find_plugin_(const char *name);

/* A projection of n_syn synapses into n_post neurons for the rule `name`,
 * at time step dt (ms).  Synapse s targets neuron s % n_post until
 * rh_target() says otherwise; weights start at 0. */
rh *rh_open(const char *name, size_t n_syn, size_t n_post,
            double dt);

void rh_target(rh *h, size_t s, uint32_t post);

int rh_param_index_(const rh *h, const char *name);

/* Set a per-projection parameter (before rh_prepare). */
void rh_set(rh *h, const char *name, double value);

/* The per-synapse array of state variable `name`. */
ap_real *rh_sv(rh *h, const char *name);

/* The per-postsynaptic-neuron array of state variable `name`. */
ap_real *rh_pv(rh *h, const char *name);

/* prepare() at time t (ms).  Returns the plugin's status; the reason of a
 * failure is in h->err (and must not be empty). */
int rh_prepare(rh *h, double t);

void rh_prepare_ok(rh *h, double t);

double rh_time(const rh *h, int64_t step);

/* Presynaptic spikes of step `step` through the synapses [first, first+n). */
void rh_pre(rh *h, int64_t step, size_t first, size_t n);

/* A spike of neuron `post` in step `step`: on_post with the synapses into
 * it, ascending. */
void rh_post(rh *h, int64_t step, uint32_t post);

/* on_step of step `step` with modulator 0 at `level` (end of the step). */
void rh_step(rh *h, int64_t step, double level);

/* flush() after step `step` (at t = (step+1) dt, as the host does). */
void rh_flush(rh *h, int64_t step);

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

void *rh_thread_main_(void *arg);

void rh_thread_run(rh *h, const rh_pattern *pat, unsigned nt);

/* A pattern for rh_thread_run: each neuron spikes in a step with
 * probability 1/30 (hashed, so any thread may ask), the level pulses to
 * 1 for 20 steps in every 500 and sits at 0.15 otherwise. */
uint32_t rh_hash_(uint64_t x);
int rh_pat_pre_(int64_t step, size_t i);
int rh_pat_post_(int64_t step, uint32_t j);
double rh_pat_level_(int64_t step);
rh_pattern rh_pattern_default(void);

/* Two projections of the same rule and shape hold the same weights and
 * state, bit for bit. */
void rh_assert_same(rh *a, rh *b);

void rh_close(rh *h);

/* One unit in the last place of a single-precision weight near x: the
 * resolution at which stored weights can be compared. */
double rh_ulp(double x);

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
int rh_close_rel(double got, double want, double rel);

/* Does a line of `text` read, after leading blanks, `name`, blanks,
 * `unit` and (when not NULL) blanks and `def`, each followed by a blank
 * or the end of the line?  Units may contain blanks ("pA, nS or mV (the
 * port's)"), so the unit is matched as a whole string. */
int rh_has_row(const char *text, const char *name,
               const char *unit, const char *def);

void rh_check_vars_(const ap_plugin_desc *pd,
                    const ap_var_desc *v, unsigned nv);

/* The plugin passes the loader's validation, and its documentation block
 * has the sections and agrees with its tables: a row "name unit default"
 * for every parameter and state variable. */
void rh_check_doc(const char *name);

#endif /* AP_RULE_HARNESS_H */
