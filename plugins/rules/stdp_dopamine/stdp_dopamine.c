/* stdp_dopamine.c -- dopamine-modulated STDP (Izhikevich 2007; Potjans,
 * Morrison & Diesmann 2010), as NEST's stdp_dopamine_synapse, driven by
 * one modulator level n(t) that the host integrates.
 *
 * Pre- and postsynaptic spikes do not change the weight; they move an
 * eligibility trace c per synapse, and the weight follows
 * dw/dt = c(t) (n(t) - b).  Integrating that for every synapse at every
 * step would cost O(synapses) per step.  Instead the weight is brought up
 * to date lazily, from one running sum per projection:
 *
 *   between spikes of a synapse, c(t) = chat * exp(-(t - tE) / tau_c), with
 *   tE the start of the current epoch (held by the instance) and chat a
 *   per-synapse constant; so over steps s its weight grows by
 *   chat * sum_s dt exp(-(t_s - tE) / tau_c) (n_s - b) = chat * (G - g0),
 *   where G is that sum since tE (one number, updated in on_step) and g0
 *   its value when the synapse was last brought up to date.
 *
 * A step costs O(1); a spike costs O(1) per synapse it touches.  As t - tE
 * grows, chat grows like exp((t - tE) / tau_c) and G - g0 becomes a small
 * difference of large sums, losing digits; on_step therefore starts a new
 * epoch (one O(synapses) pass) whenever exp(-(t - tE) / tau_c) falls below
 * EPOCH_MIN (see there).
 *
 * Exactness and determinism: each synapse keeps w_raw, its weight in double
 * precision, unclipped since the synapse's last spike; the stored ap_weight
 * is w_raw clipped to [Wmin, Wmax] and rounded.  Clipping happens only at
 * the synapse's own spikes (on_pre, on_post), at times that do not depend
 * on when the host looks.  flush() writes the current clipped weights
 * without changing any state, so recording weights (which flushes) never
 * changes a run, and a small dw per step is not lost to single-precision
 * rounding.  A weight the host writes after a flush is taken over at the
 * next on_step (flush marks the instance so that on_step compares).
 *
 * Concurrency (see apical_plugin.h): on_pre and on_post of different
 * threads only read the instance and write their own synapses (and, for
 * on_post, their neuron's trace); on_step and flush run alone. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "apical_plugin.h"

enum {
  PAR_A_PLUS,
  PAR_A_MINUS,
  PAR_TAU_PLUS,
  PAR_TAU_MINUS,
  PAR_TAU_C,
  PAR_B,
  PAR_WMIN,
  PAR_WMAX,
  PAR_SAME_STEP,
  PAR_NEAREST,
  N_PARAMS
};
enum { SYN_KPLUS, SYN_T_LAST, SYN_C_HAT, SYN_G0, SYN_W_RAW, N_SYN_VARS };
enum { POST_KMINUS, POST_T_LAST, N_POST_VARS };

#define WEIGHT_UNIT "pA, nS or mV (the port's)"

static const ap_param_desc params[N_PARAMS] = {
    [PAR_A_PLUS] = {"A_plus", "1",
                    "eligibility added per pre-before-post pair (times "
                    "Kplus)",
                    AP_PT_REAL, 1.0, 0.0, INFINITY, 0, NULL},
    [PAR_A_MINUS] = {"A_minus", "1",
                     "eligibility removed per post-before-pre pair (times "
                     "Kminus)",
                     AP_PT_REAL, 1.5, 0.0, INFINITY, 0, NULL},
    [PAR_TAU_PLUS] = {"tau_plus", "ms",
                      "time constant of the presynaptic trace Kplus",
                      AP_PT_REAL, 20.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                      NULL},
    [PAR_TAU_MINUS] = {"tau_minus", "ms",
                       "time constant of the postsynaptic trace Kminus",
                       AP_PT_REAL, 20.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                       NULL},
    [PAR_TAU_C] = {"tau_c", "ms", "time constant of the eligibility trace c",
                   AP_PT_REAL, 1000.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                   NULL},
    [PAR_B] = {"b", "1",
               "dopamine baseline: the weight changes with n - b",
               AP_PT_REAL, 0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_WMIN] = {"Wmin", WEIGHT_UNIT, "minimum weight", AP_PT_REAL, 0.0,
                  -INFINITY, INFINITY, 0, NULL},
    [PAR_WMAX] = {"Wmax", WEIGHT_UNIT, "maximum weight", AP_PT_REAL, 200.0,
                  -INFINITY, INFINITY, 0, NULL},
    [PAR_SAME_STEP] = {"same_step", "1",
                       "a pre and a post spike of one step: 0 do not pair "
                       "(NEST), 1 pair as pre before post, -1 as post "
                       "before pre (Izhikevich's daspnet.m)",
                       AP_PT_INT, 0.0, -1.0, 1.0, 0, NULL},
    [PAR_NEAREST] = {"nearest", "1",
                     "0: traces add up (all-to-all); 1: a spike resets its "
                     "trace to 1 (nearest neighbour, as stdp's nearest)",
                     AP_PT_INT, 0.0, 0.0, 1.0, 0, NULL},
};

static const ap_var_desc syn_vars[N_SYN_VARS] = {
    [SYN_KPLUS] = {"Kplus", "1",
                   "presynaptic trace after the last presynaptic spike", 0.0,
                   NULL, 0, 0},
    [SYN_T_LAST] = {"t_last", "ms", "time of the last presynaptic spike",
                    -INFINITY, NULL, 0, AP_VAR_INTERNAL},
    [SYN_C_HAT] = {"c_hat", "1",
                   "eligibility on the epoch's scale: c(t) = c_hat * "
                   "exp(-(t - tE) / tau_c)",
                   0.0, NULL, 0, AP_VAR_INTERNAL},
    [SYN_G0] = {"g0", "ms",
                "the projection's dopamine integral when the weight was "
                "last brought up to date",
                0.0, NULL, 0, AP_VAR_INTERNAL},
    [SYN_W_RAW] = {"w_raw", WEIGHT_UNIT,
                   "weight in double precision, clipped at the synapse's "
                   "spikes only (set from the stored weight at the first "
                   "run)",
                   0.0, NULL, 0, AP_VAR_INTERNAL},
};

static const ap_var_desc post_vars[N_POST_VARS] = {
    [POST_KMINUS] = {"Kminus", "1",
                     "postsynaptic trace after the neuron's last spike", 0.0,
                     NULL, 0, 0},
    [POST_T_LAST] = {"t_last_post", "ms",
                     "time of the postsynaptic neuron's last spike",
                     -INFINITY, NULL, 0, AP_VAR_INTERNAL},
};

/* A new epoch starts when the decay since its start falls below this.
 * Within an epoch chat reaches c / EPOCH_MIN, while G - g0 carries an
 * absolute rounding error of a few DBL_EPSILON * |G|: a weight change can
 * be off by about DBL_EPSILON / EPOCH_MIN of the synapse's natural scale
 * c * tau_c * |n - b|.  In the 100,000-step test of check_stdp_dopamine.c
 * (tau_c = 10 ms), 1e-12 (an epoch every 28 tau_c) drifts from the eager
 * reference by 4e-9 of the weight, 1e-6 by 2e-11, 1e-4 by less than 1e-12.
 * The price of 1e-4 is one O(synapses) pass every ln(1e4) = 9.2 tau_c,
 * small beside what the spikes cost in that time unless tau_c is a few
 * steps. */
#define EPOCH_MIN 1e-4

typedef struct dopa {
  double tau_c, b, wmin, wmax;
  double tE;   /* start of the epoch (ms) */
  double G;    /* sum over the epoch's steps s of
                  dt exp(-(t_s - tE) / tau_c) (n_s - b) */
  int flushed; /* flush() wrote weights since the last on_step */
  size_t n_syn;
} dopa;

static int prepare(void **inst, const ap_rule_ctx *c, char *err,
                   size_t err_size) {
  const ap_real *p = c->param;
  static const struct {
    int k;
    const char *name;
  } taus[] = {{PAR_TAU_PLUS, "tau_plus"},
              {PAR_TAU_MINUS, "tau_minus"},
              {PAR_TAU_C, "tau_c"}};
  *inst = NULL;
  for (size_t i = 0; i < sizeof taus / sizeof taus[0]; i++)
    if (!(p[taus[i].k] > 0.0)) {
      snprintf(err, err_size, "%s must be > 0 ms, got %g ms", taus[i].name,
               p[taus[i].k]);
      return AP_EINVAL;
    }
  if (!(p[PAR_WMIN] <= p[PAR_WMAX])) {
    snprintf(err, err_size,
             "Wmin (%g) must not be greater than Wmax (%g): the weights are "
             "kept in [Wmin, Wmax]",
             p[PAR_WMIN], p[PAR_WMAX]);
    return AP_EINVAL;
  }
  if (c->n_modulators != 1 || !c->modulators) {
    snprintf(err, err_size,
             "the rule reads one modulator (dopamine), the projection names "
             "%u",
             c->n_modulators);
    return AP_EINVAL;
  }
  if (c->n_syn > 0 && !c->weight) {
    snprintf(err, err_size, "the projection's weights are not bound");
    return AP_EINVAL;
  }
  dopa *d = malloc(sizeof *d);
  if (!d) {
    snprintf(err, err_size, "out of memory");
    return AP_ENOMEM;
  }
  *d = (dopa){.tau_c = p[PAR_TAU_C],
              .b = p[PAR_B],
              .wmin = p[PAR_WMIN],
              .wmax = p[PAR_WMAX],
              .tE = c->t,
              .G = 0.0,
              .flushed = 0,
              .n_syn = c->n_syn};
  /* The epoch starts now: the eligibility held so far (0 unless set
   * before the first run) counts as c(t) = c_hat, and the weights as the
   * host holds them (it may have set them since the projection was made)
   * start w_raw. */
  ap_real *g0 = c->syn_state[SYN_G0], *w_raw = c->syn_state[SYN_W_RAW];
  for (size_t s = 0; s < c->n_syn; s++) {
    g0[s] = 0.0;
    w_raw[s] = (double)c->weight[s];
  }
  *inst = d;
  return AP_OK;
}

static void release(void *inst) { free(inst); }

static inline double clip(const dopa *d, double w) {
  return w < d->wmin ? d->wmin : w > d->wmax ? d->wmax : w;
}

/* The unclipped weight of synapse s now (through the last on_step). */
static inline double raw_now(const dopa *d, ap_real *const *st, size_t s) {
  return st[SYN_W_RAW][s] + st[SYN_C_HAT][s] * (d->G - st[SYN_G0][s]);
}

/* The stored weight of synapse s now, without changing any state. */
static inline ap_weight current(const dopa *d, ap_real *const *st, size_t s) {
  return (ap_weight)clip(d, raw_now(d, st, s));
}

/* Bring synapse s up to date and clip it (at one of its spikes). */
static inline void settle(const dopa *d, ap_rule_ctx *c, size_t s) {
  ap_real *const *st = c->syn_state;
  const double w = clip(d, raw_now(d, st, s));
  st[SYN_W_RAW][s] = w;
  st[SYN_G0][s] = d->G;
  c->weight[s] = (ap_weight)w;
}

/* Presynaptic spikes at c->t of the row segment [first, first+n): settle
 * each synapse, lower its eligibility by A_minus Kminus(t), then its
 * presynaptic trace. */
static void on_pre(ap_rule_ctx *c, size_t first, size_t n) {
  const dopa *d = c->inst;
  const ap_real *p = c->param;
  const double t = c->t;
  const double tau_plus = p[PAR_TAU_PLUS], tau_minus = p[PAR_TAU_MINUS];
  /* A change of c by delta at t changes chat by delta / exp(-(t-tE)/tau_c). */
  const double a = p[PAR_A_MINUS] * exp((t - d->tE) / d->tau_c);
  const int nearest = p[PAR_NEAREST] != 0.0;
  ap_real *kplus = c->syn_state[SYN_KPLUS];
  ap_real *t_last = c->syn_state[SYN_T_LAST];
  ap_real *chat = c->syn_state[SYN_C_HAT];
  const ap_real *kminus = c->post_state[POST_KMINUS];
  const ap_real *t_post = c->post_state[POST_T_LAST];
  /* The synapses of a row share their presynaptic spike times, so the
   * decay factor of Kplus is usually one exp() per segment. */
  double tl_seen = NAN, f_plus = 0.0;
  for (size_t s = first; s < first + n; s++) {
    settle(d, c, s);
    const uint32_t j = c->target[s] & c->target_mask;
    /* t_post = -inf (no spike yet) gives exp(-inf) = 0, never NaN. */
    chat[s] -= a * kminus[j] * exp((t_post[j] - t) / tau_minus);
    if (t_last[s] != tl_seen) {
      tl_seen = t_last[s];
      f_plus = exp((tl_seen - t) / tau_plus);
    }
    kplus[s] = nearest ? 1.0 : kplus[s] * f_plus + 1.0;
    t_last[s] = t;
  }
}

/* A spike of neuron `post` at c->t: settle the synapses into it, raise
 * their eligibility by A_plus Kplus(t), then the neuron's trace, once. */
static void on_post(ap_rule_ctx *c, uint32_t post, const size_t *syn,
                    size_t n) {
  const dopa *d = c->inst;
  const ap_real *p = c->param;
  const double t = c->t;
  const double tau_plus = p[PAR_TAU_PLUS], tau_minus = p[PAR_TAU_MINUS];
  const double a = p[PAR_A_PLUS] * exp((t - d->tE) / d->tau_c);
  const ap_real *kplus = c->syn_state[SYN_KPLUS];
  const ap_real *t_last = c->syn_state[SYN_T_LAST];
  ap_real *chat = c->syn_state[SYN_C_HAT];
  ap_real *kminus = c->post_state[POST_KMINUS];
  ap_real *t_post = c->post_state[POST_T_LAST];
  /* the same-step pair, on the epoch's scale like a */
  const double same = p[PAR_SAME_STEP] > 0   ? a
                      : p[PAR_SAME_STEP] < 0 ? -p[PAR_A_MINUS] *
                                                   exp((t - d->tE) / d->tau_c)
                                             : 0.0;
  double tl_seen = NAN, f_plus = 0.0;
  for (size_t k = 0; k < n; k++) {
    const size_t s = syn[k];
    settle(d, c, s);
    if (t_last[s] != tl_seen) {
      tl_seen = t_last[s];
      f_plus = exp((tl_seen - t) / tau_plus);
    }
    if (t_last[s] != t) {
      chat[s] += a * kplus[s] * f_plus;
    } else { /* a presynaptic spike of this same step: see same_step */
      double earlier = p[PAR_NEAREST] != 0.0 ? 0.0 : kplus[s] * f_plus - 1.0;
      chat[s] += a * earlier + same;
    }
  }
  kminus[post] = p[PAR_NEAREST] != 0.0
                     ? 1.0
                     : kminus[post] * exp((t_post[post] - t) / tau_minus) + 1.0;
  t_post[post] = t;
}

/* Once per step s, with c->t = (s+1) dt and the dopamine level n_s at the
 * end of the step, before the step's spikes: add the step's term
 * dt c(t_s) (n_s - b) to every weight, through G. */
static void on_step(ap_rule_ctx *c) {
  dopa *d = c->inst;
  ap_real *const *st = c->syn_state;
  const double t = c->t;
  if (d->flushed) {
    /* flush() wrote current(s) into every weight and nothing has moved G
     * since; a weight that differs now was written by the host. */
    for (size_t s = 0; s < d->n_syn; s++)
      if (c->weight[s] != current(d, st, s)) {
        st[SYN_W_RAW][s] = (double)c->weight[s];
        st[SYN_G0][s] = d->G;
      }
    d->flushed = 0;
  }
  double e = exp((d->tE - t) / d->tau_c);
  if (e < EPOCH_MIN) {
    /* New epoch from t: fold what each synapse is owed into w_raw (no
     * clipping: where epochs fall must not change the dynamics) and
     * rescale chat to the new epoch, where it is c(t) itself. */
    ap_real *w_raw = st[SYN_W_RAW], *chat = st[SYN_C_HAT], *g0 = st[SYN_G0];
    for (size_t s = 0; s < d->n_syn; s++) {
      w_raw[s] = raw_now(d, st, s);
      chat[s] *= e;
      g0[s] = 0.0;
    }
    d->G = 0.0;
    d->tE = t;
    e = 1.0;
  }
  d->G += c->dt * e * (c->modulators[0] - d->b);
}

/* Write every current weight; changes no state (see the file comment). */
static void flush(ap_rule_ctx *c) {
  dopa *d = c->inst;
  if (!d) return;
  for (size_t s = 0; s < d->n_syn; s++)
    c->weight[s] = current(d, c->syn_state, s);
  d->flushed = 1;
}

/* The state the instance evolves (the epoch's start, the dopamine
 * integral, the flush flag), for checkpoints; the rest is in the host's
 * arrays. */
/* The epoch's start and sum: the same on every process of a run, whose
 * synapses' own state lives in the host's arrays. */
static int save(const ap_rule_ctx *c, const ap_stream *out, char *err,
                size_t err_size) {
  const dopa *d = c->inst;
  const double v[3] = {d->tE, d->G, (double)d->flushed};
  if (out->write(out->ctx, v, sizeof v) != AP_OK) {
    snprintf(err, err_size, "could not write the rule's state");
    return AP_EIO;
  }
  return AP_OK;
}

static int load(ap_rule_ctx *c, const ap_stream *in, char *err,
                size_t err_size) {
  dopa *d = c->inst;
  double v[3];
  if (in->read(in->ctx, v, sizeof v) != AP_OK) {
    snprintf(err, err_size, "the saved state of the rule ends early");
    return AP_EIO;
  }
  d->tE = v[0];
  d->G = v[1];
  d->flushed = v[2] != 0.0;
  return AP_OK;
}

static const ap_rule_desc rule = {
    .size = sizeof(ap_rule_desc),
    .flags = AP_RULE_NO_NEURON_STATE, /* hooks keep to synapses, traces, modulators */
    .params = params,
    .n_params = N_PARAMS,
    .syn_vars = syn_vars,
    .n_syn_vars = N_SYN_VARS,
    .post_vars = post_vars,
    .n_post_vars = N_POST_VARS,
    .on_pre = on_pre,
    .on_post = on_post,
    .on_step = on_step,
    .n_modulators = 1,
    .prepare = prepare,
    .release = release,
    .flush = flush,
    .save = save,
    .load = load,
    .chip_learning = AP_CHIP_RULE_LOCAL_TRACES,
};

static const char doc_long[] =
    "stdp_dopamine -- dopamine-modulated STDP (Izhikevich 2007)\n"
    "\n"
    "Description\n"
    "  Three-factor learning as NEST's stdp_dopamine_synapse (Izhikevich\n"
    "  2007; Potjans et al. 2010).  Spike pairs do not change the weight\n"
    "  directly: they build up an eligibility trace c per synapse, as the\n"
    "  additive all-to-all STDP rule would change the weight, and c decays\n"
    "  with tau_c.  The weight changes with c times the dopamine level n\n"
    "  above its baseline b, so a pairing is rewarded (or punished) by\n"
    "  dopamine that arrives within a few tau_c.  The projection names one\n"
    "  modulator (modulator = ...), whose level is n; its own dynamics (for\n"
    "  NEST's tau_n, its decay) belong to the modulator, not to the rule.\n"
    "\n"
    "  Pairing: both spikes are seen at their emission times (the delay\n"
    "  only postpones delivery).  For one presynaptic spike at t_pre and one\n"
    "  postsynaptic spike at t_post, dt = t_post - t_pre > 0 raises c by\n"
    "  A_plus exp(-dt / tau_plus), dt < 0 lowers it by A_minus\n"
    "  exp(dt / tau_minus).  At dt = 0 (same step) the pair changes\n"
    "  nothing, as in NEST; same_step = 1 counts it as pre before post\n"
    "  (+A_plus), -1 as post before pre (-A_minus), which is what\n"
    "  Izhikevich's daspnet.m does.  tau_minus, which NEST takes\n"
    "  from the postsynaptic neuron, is a parameter of the rule here.\n"
    "\n"
    "Equations\n"
    "  Traces: Kplus per synapse (tau_plus), Kminus per postsynaptic neuron\n"
    "  (tau_minus), each +1 at its neuron's spikes (all-to-all).\n"
    "    presynaptic spike at t:   c <- c - A_minus * Kminus(t)\n"
    "    postsynaptic spike at t:  c <- c + A_plus * Kplus(t)\n"
    "    between spikes:           dc/dt = -c / tau_c\n"
    "    weight:                   dw/dt = c(t) * (n(t) - b),\n"
    "                              w kept in [Wmin, Wmax]\n"
    "\n"
    "  Discretisation (the contract of the implementation): the host calls\n"
    "  on_step once per step s, with t_s = (s+1) dt and n_s, the level at\n"
    "  the end of the step, before that step's spikes are handled.  The\n"
    "  weight follows\n"
    "    w(t_s) = w(t_{s-1}) + dt * c(t_s-) * (n_s - b)\n"
    "  where c(t_s-) = c decayed exactly from its last change, before the\n"
    "  jumps of spikes stamped t_s; those jumps count from step s+1 on.\n"
    "  Weights are brought up to date lazily (a step costs O(1), not\n"
    "  O(synapses)) and are exact to double precision: a synapse keeps its\n"
    "  weight unclipped in w_raw, and the stored weight (single precision)\n"
    "  is w_raw clipped to [Wmin, Wmax].\n"
    "\n"
    "  Clipping: w_raw is clipped to [Wmin, Wmax] at the synapse's own\n"
    "  spikes (pre or post), much as NEST clips only when it updates a\n"
    "  weight (at presynaptic and dopamine spikes).  Between two spikes of\n"
    "  the synapse the weight is integrated without bounds and shown\n"
    "  clipped; if n - b changes sign in that time, the weight leaves a\n"
    "  bound only once it has undone what it gathered beyond it, where\n"
    "  clipping at every step would let it leave at once.  Reading or\n"
    "  recording the weights (flush) shows them clipped and changes no\n"
    "  state, so observing a run never alters it.  A weight the host sets\n"
    "  between runs is where the rule goes on from.\n"
    "\n"
    "Parameters\n"
    "  name       unit                       default  meaning\n"
    "  A_plus     1                          1        eligibility per\n"
    "                                                 pre-before-post pair\n"
    "  A_minus    1                          1.5      eligibility per\n"
    "                                                 post-before-pre pair\n"
    "  tau_plus   ms                         20       time constant of Kplus\n"
    "  tau_minus  ms                         20       time constant of Kminus\n"
    "  tau_c      ms                         1000     time constant of c\n"
    "  b          1                          0        dopamine baseline\n"
    "  Wmin       pA, nS or mV (the port's)  0        minimum weight\n"
    "  Wmax       pA, nS or mV (the port's)  200      maximum weight\n"
    "  same_step  1                          0        spikes of one step:\n"
    "                                                 0 no pair, 1 pre\n"
    "                                                 before post, -1 post\n"
    "                                                 before pre\n"
    "  nearest    1                          0        1: a spike resets\n"
    "                                                 its trace to 1\n"
    "  Wmin > Wmax and time constants <= 0 are refused.\n"
    "\n"
    "State\n"
    "  per synapse:\n"
    "  name         unit                       default  meaning\n"
    "  Kplus        1                          0        presynaptic trace\n"
    "                                                   after the last\n"
    "                                                   presynaptic spike\n"
    "  t_last       ms                         -inf     time of the last\n"
    "                                                   presynaptic spike\n"
    "  c_hat        1                          0        eligibility on the\n"
    "                                                   epoch's scale:\n"
    "                                                   c(t) = c_hat *\n"
    "                                                   exp(-(t - tE)/tau_c)\n"
    "  g0           ms                         0        dopamine integral G\n"
    "                                                   at the last update\n"
    "  w_raw        pA, nS or mV (the port's)  0        weight in double\n"
    "                                                   precision, clipped\n"
    "                                                   at spikes only (the\n"
    "                                                   stored weight at the\n"
    "                                                   first run)\n"
    "  per postsynaptic neuron:\n"
    "  Kminus       1                          0        postsynaptic trace\n"
    "                                                   after the last spike\n"
    "  t_last_post  ms                         -inf     time of the neuron's\n"
    "                                                   last spike\n"
    "  All but Kplus and Kminus are internal.  tE, the start of the current\n"
    "  epoch, and G = sum over its steps of dt exp(-(t_s - tE)/tau_c)\n"
    "  (n_s - b) belong to the projection; a synapse's weight is\n"
    "  w_raw + c_hat (G - g0), clipped.  A new epoch (every ln(1e4) tau_c,\n"
    "  about 9.2 tau_c) folds that into w_raw and rescales c_hat.\n"
    "\n"
    "References\n"
    "  Izhikevich EM (2007). Solving the distal reward problem through\n"
    "    linkage of STDP and dopamine signaling. Cereb Cortex\n"
    "    17(10):2443-2452.\n"
    "  Potjans W, Morrison A, Diesmann M (2010). Enabling functional neural\n"
    "    circuit simulations with distributed computing of neuromodulated\n"
    "    plasticity. Front Comput Neurosci 4:141.\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_RULE,
    .name = "stdp_dopamine",
    .version = "1.0",
    .doc = "dopamine-modulated STDP (NEST's stdp_dopamine_synapse)",
    .doc_long = doc_long,
    .desc = &rule,
}};

AP_PLUGIN(plugins)
