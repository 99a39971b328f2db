/* stdp.c -- pair-based spike-timing-dependent plasticity with power-law
 * weight dependence, as NEST's stdp_synapse (all-to-all pairing) and
 * stdp_nn_symm_synapse (symmetric nearest-neighbour pairing).
 *
 * Each synapse keeps the presynaptic trace Kplus and the time of its last
 * presynaptic spike; each postsynaptic neuron keeps the trace Kminus and
 * the time of its last spike.  Traces are stored as they were right after
 * the last spike that touched them and decayed to the event time when
 * read.  Spikes lie on the dt grid, so a decay over k steps is read from
 * a table of exp(-k dt / tau) made in prepare() (exp() beyond it).
 *
 * Potentiation is deferred to the presynaptic spike, as NEST does
 * (Morrison et al. 2007): a postsynaptic spike only appends its time to
 * its neuron's history; the next presynaptic spike of each synapse into
 * the neuron first applies, in time order, the potentiation of every
 * postsynaptic spike since its own last presynaptic spike, then its
 * depression.  Each pairing is computed with the same operands as when
 * applied at the postsynaptic spike (Kplus and t_last do not change
 * between presynaptic spikes) and the weight rounded after each, so the
 * weights are the same bit for bit, and a delivered weight is always
 * current; only the weights of synapses whose presynaptic neuron has not
 * spiked since lag, and flush() settles them before the host reads any.
 * A postsynaptic spike so costs O(1) instead of a walk over the column
 * of synapses into the neuron, whose weights and traces lie scattered
 * through the row-ordered arrays.
 *
 * Histories lie in one array, HIST slots per neuron; the newest two
 * entries and the neuron's Kminus at the step's time (made once per step
 * by on_step) also lie on a line of their own, which is all that on_pre
 * reads of a target that spiked once since the synapse's last
 * presynaptic spike.  An entry can go once every synapse into the neuron
 * has presynaptically spiked after it: when a history is full, on_post
 * finds the oldest t_last of the column (a read-only walk) and drops
 * what is older; when that frees less than half of it (an input silent
 * for long), it pairs the whole column at once, as an eager rule would,
 * and empties the history.
 *
 * Concurrency (see apical_plugin.h): on_pre writes only its own synapses
 * and reads the post traces and histories of their targets, which on_post
 * of the same step writes only after every on_pre of that step; on_post
 * writes its own neuron's trace and history. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "apical_plugin.h"
#include "../rule_checks.h"

enum {
  PAR_TAU_PLUS,
  PAR_TAU_MINUS,
  PAR_LAMBDA,
  PAR_ALPHA,
  PAR_MU_PLUS,
  PAR_MU_MINUS,
  PAR_WMAX,
  PAR_NEAREST,
  PAR_SAME_STEP,
  N_PARAMS
};
enum { SYN_KPLUS, SYN_T_LAST, N_SYN_VARS };
enum { POST_KMINUS, POST_T_LAST, N_POST_VARS };

static const ap_param_desc params[N_PARAMS] = {
    [PAR_TAU_PLUS] = {"tau_plus", "ms",
                      "time constant of the presynaptic trace Kplus",
                      AP_PT_REAL, 20.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                      NULL},
    [PAR_TAU_MINUS] = {"tau_minus", "ms",
                       "time constant of the postsynaptic trace Kminus",
                       AP_PT_REAL, 20.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                       NULL},
    [PAR_LAMBDA] = {"lambda", "1",
                    "learning rate: step of potentiation, relative to Wmax",
                    AP_PT_REAL, 0.01, 0.0, INFINITY, 0, NULL},
    [PAR_ALPHA] = {"alpha", "1",
                   "asymmetry: depression step relative to potentiation",
                   AP_PT_REAL, 1.0, 0.0, INFINITY, 0, NULL},
    [PAR_MU_PLUS] = {"mu_plus", "1",
                     "weight dependence exponent of potentiation (0: "
                     "additive, 1: multiplicative)",
                     AP_PT_REAL, 1.0, 0.0, INFINITY, 0, NULL},
    [PAR_MU_MINUS] = {"mu_minus", "1",
                      "weight dependence exponent of depression (0: "
                      "additive, 1: multiplicative)",
                      AP_PT_REAL, 1.0, 0.0, INFINITY, 0, NULL},
    [PAR_WMAX] = {"Wmax", "pA, nS or mV (the port's)",
                  "maximum weight, nonzero, with the sign of the weights",
                  AP_PT_REAL, 100.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_NEAREST] = {"nearest", "1",
                     "0: all-to-all pairing; 1: symmetric nearest-neighbour "
                     "pairing",
                     AP_PT_INT, 0.0, 0.0, 1.0, 0, NULL},
    [PAR_SAME_STEP] = {"same_step", "1",
                       "a pre and a post spike of one step: 0 do not pair "
                       "(NEST), 1 pair as pre before post, -1 as post "
                       "before pre",
                       AP_PT_INT, 0.0, -1.0, 1.0, 0, NULL},
};

static const ap_var_desc syn_vars[N_SYN_VARS] = {
    [SYN_KPLUS] = {"Kplus", "1",
                   "presynaptic trace, as it was after the last presynaptic "
                   "spike",
                   0.0, NULL, 0, 0},
    [SYN_T_LAST] = {"t_last", "ms", "time of the last presynaptic spike",
                    -INFINITY, NULL, 0, AP_VAR_INTERNAL},
};

static const ap_var_desc post_vars[N_POST_VARS] = {
    [POST_KMINUS] = {"Kminus", "1",
                     "postsynaptic trace, as it was after the neuron's last "
                     "spike",
                     0.0, NULL, 0, 0},
    [POST_T_LAST] = {"t_last_post", "ms",
                     "time of the postsynaptic neuron's last spike",
                     -INFINITY, NULL, 0, AP_VAR_INTERNAL},
};

/* x^mu for the exponents that matter in practice without calling pow(),
 * which costs as much as the rest of a synapse's update.  The base is
 * floored at 0: it leaves [0, 1] only for a weight outside [0, Wmax] (set
 * by hand), and a negative base would make pow() return NaN. */
static inline double pow_mu(double x, double mu) {
  if (!(x > 0.0)) x = 0.0;
  if (mu == 1.0) return x;
  if (mu == 0.0) return 1.0;
  return pow(x, mu);
}

/* Decay factors over whole steps: f[k] = exp(-k dt / tau), k < N_DECAY
 * (at tau = 20 ms and dt = 0.1 ms the table spans 0.4 s, 1e-9 of a trace). */
enum { N_DECAY = 4096 };
typedef struct decay_tab {
  double inv_dt, tau;
  double f[N_DECAY];
} decay_tab;

/* Slots of each neuron's history: the postsynaptic spikes that some
 * synapse into it has not yet paired with, ascending. */
enum { HIST = 16 };

/* Synapses ahead of on_pre's whose targets' histories are fetched. */
enum { AHEAD = 8 };

/* What on_pre reads of each postsynaptic neuron, on one cache line with
 * its neighbour's: its newest two history entries (-inf where none),
 * and its Kminus at the time of the step's presynaptic spikes. */
typedef struct post_info {
  double newest, prev, km;
  uint32_t len, pad;
} post_info;

typedef struct stdp_inst {
  decay_tab plus, minus;
  size_t n_post;
  post_info *info;  /* per postsynaptic neuron */
  double *hist;     /* n_post x HIST times */
  double km_t;      /* the time of info[].km (NAN: none yet) */
} stdp_inst;

static void decay_init(decay_tab *d, double dt, double tau) {
  d->inv_dt = 1.0 / dt;
  d->tau = tau;
  for (size_t k = 0; k < N_DECAY; k++) d->f[k] = exp(-(double)k * dt / tau);
}

/* A trace stored as k at time t_k, read at t >= t_k.  t_k = -inf (no spike
 * yet) reads 0, never NaN: the age is inf, past the table, and
 * exp(-inf) is 0. */
static inline double decayed(const decay_tab *d, double k, double t_k,
                             double t) {
  const double age = (t - t_k) * d->inv_dt; /* whole steps, up to rounding */
  if (age < N_DECAY - 0.5) return k * d->f[(size_t)(age + 0.5)];
  return k * exp((t_k - t) / d->tau);
}

static void release(void *inst) {
  stdp_inst *in = inst;
  if (!in) return;
  free(in->info);
  free(in->hist);
  free(in);
}

static int prepare(void **inst, const ap_rule_ctx *c, char *err,
                   size_t err_size) {
  const ap_real *p = c->param;
  *inst = NULL;
  if (!(p[PAR_TAU_PLUS] > 0.0)) {
    snprintf(err, err_size, "tau_plus must be > 0 ms, got %g ms",
             p[PAR_TAU_PLUS]);
    return AP_EINVAL;
  }
  if (!(p[PAR_TAU_MINUS] > 0.0)) {
    snprintf(err, err_size, "tau_minus must be > 0 ms, got %g ms",
             p[PAR_TAU_MINUS]);
    return AP_EINVAL;
  }
  int rc = rule_check_wmax(c, p[PAR_WMAX], err, err_size);
  if (rc) return rc;
  if (!(c->dt > 0.0)) {
    snprintf(err, err_size, "the time step must be > 0 ms, got %g", c->dt);
    return AP_EINVAL;
  }
  stdp_inst *in = calloc(1, sizeof *in);
  const size_t m = c->n_post ? c->n_post : 1;
  if (in) {
    in->info = malloc(m * sizeof *in->info);
    in->hist = malloc(m * HIST * sizeof *in->hist);
  }
  if (!in || !in->info || !in->hist) {
    if (in) free(in->info), free(in->hist);
    free(in);
    snprintf(err, err_size,
             "out of memory for the decay tables and the spike histories of "
             "%zu neurons",
             c->n_post);
    return AP_ENOMEM;
  }
  in->n_post = c->n_post;
  in->km_t = NAN;
  for (size_t j = 0; j < m; j++)
    in->info[j] = (post_info){-INFINITY, -INFINITY, 0.0, 0, 0};
  decay_init(&in->plus, c->dt, p[PAR_TAU_PLUS]);
  decay_init(&in->minus, c->dt, p[PAR_TAU_MINUS]);
  *inst = in;
  return AP_OK;
}

/* The potentiation of synapse s by a postsynaptic spike at t_p (>= its
 * t_last): what an eager rule would do at t_p. */
static inline __attribute__((always_inline)) void
potentiate(const stdp_inst *in, const ap_real *p,
                              double t_p, size_t s, const ap_real *kplus,
                              const ap_real *t_last, ap_weight *w) {
  const double wmax = p[PAR_WMAX], lambda = p[PAR_LAMBDA];
  const int nearest = p[PAR_NEAREST] != 0.0;
  const double same = p[PAR_SAME_STEP];
  double kp = decayed(&in->plus, kplus[s], t_last[s], t_p);
  /* A presynaptic spike of the same step (its on_pre ran first) does not
   * pair: as NEST, simultaneous spikes change nothing.  All-to-all
   * leaves the earlier spikes' trace; nearest has no earlier partner. */
  double x = (double)w[s] / wmax;
  if (t_last[s] == t_p) {
    kp = nearest ? 0.0 : kp - 1.0;
    if (same > 0) kp += 1.0; /* the pair at dt = 0 as pre before post */
    if (same < 0)            /* ... or as post before pre */
      x -= lambda * p[PAR_ALPHA] *
           pow_mu(x > 0.0 ? x : 0.0, p[PAR_MU_MINUS]);
  }
  x += lambda * pow_mu(1.0 - x, p[PAR_MU_PLUS]) * kp;
  w[s] = (ap_weight)((x < 1.0 ? x : 1.0) * wmax);
}

/* Apply to synapse s the postsynaptic spikes of neuron j it has not
 * paired with: those at or after its last presynaptic spike.  One such
 * spike (the common case) is read from the neuron's info line; more from
 * its history. */
static inline __attribute__((always_inline)) void
catch_up(const stdp_inst *in, const ap_real *p, uint32_t j, size_t s,
         const ap_real *kplus, const ap_real *t_last, ap_weight *w) {
  const post_info *q = &in->info[j];
  const double tl = t_last[s];
  if (q->prev < tl) {
    potentiate(in, p, q->newest, s, kplus, t_last, w);
    return;
  }
  const double *h = in->hist + (size_t)j * HIST;
  uint32_t k = q->len;
  while (k > 0 && h[k - 1] >= tl) k--;
  for (; k < q->len; k++) potentiate(in, p, h[k], s, kplus, t_last, w);
}

/* Kminus of every postsynaptic neuron at the time of the step's
 * presynaptic spikes, once per step rather than once per synapse (each
 * neuron is the target of many of a step's synapses): the same decayed()
 * as on_pre would compute, the table read with the index clamped so that
 * the loop vectorises, then the neurons past the table (silent for
 * longer than it spans) done again with exp(). */
AP_VECTOR_CLONES
static void km_all(const decay_tab *d, const ap_real *restrict k,
                   const ap_real *restrict t_k, double t, size_t n,
                   post_info *restrict out) {
  const double lim = N_DECAY - 0.5;
  size_t past = 0;
  for (size_t j = 0; j < n; j++) {
    const double age = (t - t_k[j]) * d->inv_dt;
    const int in_tab = age < lim;
    const double a = in_tab ? age : 0.0;
    out[j].km = k[j] * d->f[(size_t)(a + 0.5)];
    past += !in_tab;
  }
  if (past)
    for (size_t j = 0; j < n; j++) out[j].km = decayed(d, k[j], t_k[j], t);
}

static void on_step(ap_rule_ctx *c) {
  stdp_inst *in = c->inst;
  km_all(&in->minus, c->post_state[POST_KMINUS], c->post_state[POST_T_LAST],
         c->t, in->n_post, in->info);
  in->km_t = c->t;
}

/* Presynaptic spikes at c->t of the row segment [first, first+n): the
 * potentiation each synapse owes, its depression by the postsynaptic
 * trace, then the presynaptic trace. */
static void on_pre(ap_rule_ctx *c, size_t first, size_t n) {
  const ap_real *p = c->param;
  const stdp_inst *in = c->inst;
  const double t = c->t, wmax = p[PAR_WMAX];
  const double step = p[PAR_LAMBDA] * p[PAR_ALPHA], mu = p[PAR_MU_MINUS];
  const int nearest = p[PAR_NEAREST] != 0.0;
  ap_real *kplus = c->syn_state[SYN_KPLUS];
  ap_real *t_last = c->syn_state[SYN_T_LAST];
  const ap_real *kminus = c->post_state[POST_KMINUS];
  const ap_real *t_post = c->post_state[POST_T_LAST];
  ap_weight *w = c->weight;
  const size_t end = first + n;
  /* First the potentiation (a pass of its own, so that the depression
   * below runs without data-dependent branches). */
  for (size_t s = first; s < end; s++) {
    if (s + AHEAD < end) {
      /* a target a few synapses on that spiked twice or more since then
       * will need its history: ask for the line now */
      const uint32_t ja = c->target[s + AHEAD] & c->target_mask;
      if (in->info[ja].prev >= t_last[s + AHEAD])
        __builtin_prefetch(in->hist + (size_t)ja * HIST +
                           (in->info[ja].len > 8 ? 8 : 0));
    }
    const uint32_t j = c->target[s] & c->target_mask;
    if (in->info[j].newest >= t_last[s])
      catch_up(in, p, j, s, kplus, t_last, w);
  }
  /* on_step made Kminus at t for every neuron (a backend whose steps
   * are not c->t's, or a tool calling the hooks alone, gets it here) */
  const int have_km = in->km_t == t;
  /* The synapses of a row share their presynaptic spike times, so the
   * decay factor of Kplus is usually one exp() per segment. */
  double tl_seen = NAN, f_plus = 0.0;
  for (size_t s = first; s < end; s++) {
    const uint32_t j = c->target[s] & c->target_mask;
    const double km = have_km ? in->info[j].km
                              : decayed(&in->minus, kminus[j], t_post[j], t);
    double x = (double)w[s] / wmax;
    x -= step * pow_mu(x, mu) * km;
    w[s] = (ap_weight)((x > 0.0 ? x : 0.0) * wmax);
    if (t_last[s] != tl_seen) {
      tl_seen = t_last[s];
      f_plus = decayed(&in->plus, 1.0, tl_seen, t);
    }
    kplus[s] = nearest ? 1.0 : kplus[s] * f_plus + 1.0;
    t_last[s] = t;
  }
}

/* A spike of neuron `post` at c->t: its time joins the neuron's history
 * (the synapses into it pair with it at their next presynaptic spike, or
 * at flush()), then the neuron's trace, once. */
static void on_post(ap_rule_ctx *c, uint32_t post, const size_t *syn,
                    size_t n) {
  const ap_real *p = c->param;
  stdp_inst *in = c->inst;
  const double t = c->t;
  ap_real *kminus = c->post_state[POST_KMINUS];
  ap_real *t_post = c->post_state[POST_T_LAST];
  post_info *q = &in->info[post];
  double *h = in->hist + (size_t)post * HIST;
  if (q->len == HIST) {
    /* Drop the entries every synapse into the neuron has paired with:
     * those before the oldest last presynaptic spike of the column. */
    const ap_real *t_last = c->syn_state[SYN_T_LAST];
    double oldest = INFINITY;
    for (size_t k = 0; k < n; k++)
      if (t_last[syn[k]] < oldest) oldest = t_last[syn[k]];
    uint32_t drop = 0;
    while (drop < q->len && h[drop] < oldest) drop++;
    for (uint32_t k = drop; k < q->len; k++) h[k - drop] = h[k];
    q->len -= drop;
    if (2 * q->len > HIST) {
      /* An input long silent: pair the column now, as an eager rule
       * would, and start the history afresh. */
      ap_weight *w = c->weight;
      const ap_real *kplus = c->syn_state[SYN_KPLUS];
      for (size_t k = 0; k < n; k++)
        if (q->newest >= t_last[syn[k]])
          catch_up(in, p, post, syn[k], kplus, t_last, w);
      q->len = 0;
      q->newest = -INFINITY;
    }
  }
  q->prev = q->newest;
  q->newest = t;
  h[q->len++] = t;
  kminus[post] = p[PAR_NEAREST] != 0.0
                     ? 1.0
                     : decayed(&in->minus, kminus[post], t_post[post], t) + 1.0;
  t_post[post] = t;
}

/* Pair every synapse with the postsynaptic spikes it has not yet paired
 * with, in row order; the histories are then empty. */
static void flush(ap_rule_ctx *c) {
  stdp_inst *in = c->inst;
  if (!in) return;
  const ap_real *kplus = c->syn_state[SYN_KPLUS];
  const ap_real *t_last = c->syn_state[SYN_T_LAST];
  size_t pending = 0;
  for (size_t j = 0; j < in->n_post; j++) pending += in->info[j].len;
  if (!pending) return;
  for (size_t s = 0; s < c->n_syn; s++) {
    const uint32_t j = c->target[s] & c->target_mask;
    if (in->info[j].newest >= t_last[s])
      catch_up(in, c->param, j, s, kplus, t_last, c->weight);
  }
  for (size_t j = 0; j < in->n_post; j++) {
    in->info[j].len = 0;
    in->info[j].newest = in->info[j].prev = -INFINITY;
  }
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
    .n_modulators = 0,
    .prepare = prepare,
    .release = release,
    .flush = flush,
    .chip_learning = AP_CHIP_RULE_LOCAL_TRACES,
};

static const char doc_long[] =
    "stdp -- pair-based STDP with power-law weight dependence\n"
    "\n"
    "Description\n"
    "  Spike-timing-dependent plasticity of the synapses of a projection,\n"
    "  as NEST's stdp_synapse (Morrison et al. 2008; Guetig et al. 2003\n"
    "  for the exponents mu_plus and mu_minus) and, with nearest = 1, as\n"
    "  NEST's stdp_nn_symm_synapse.  A presynaptic spike depresses the\n"
    "  synapse by the postsynaptic trace Kminus, a postsynaptic spike\n"
    "  potentiates it by the presynaptic trace Kplus.  mu_plus = mu_minus\n"
    "  = 0 gives additive STDP (Song et al. 2000), mu_plus = mu_minus = 1\n"
    "  multiplicative STDP (van Rossum et al. 2000), values between them\n"
    "  Guetig et al.'s rule.  Unlike NEST, where tau_minus belongs to the\n"
    "  postsynaptic neuron, tau_minus is a parameter of the rule here.\n"
    "\n"
    "  Pairing: both spikes of a pair are seen at their emission times (the\n"
    "  delay only postpones delivery).  For one presynaptic spike at t_pre\n"
    "  and one postsynaptic spike at t_post, dt = t_post - t_pre, and\n"
    "  additive updates (mu = 0) starting inside [0, Wmax]:\n"
    "    dt > 0:  w += lambda * Wmax * exp(-dt / tau_plus)\n"
    "    dt < 0:  w -= lambda * alpha * Wmax * exp(dt / tau_minus)\n"
    "  At dt = 0 (both spikes in the same step) the pair changes nothing,\n"
    "  as in NEST, unless same_step says to count it as pre before post\n"
    "  (1) or as post before pre (-1).\n"
    "\n"
    "  all-to-all (nearest = 0): every presynaptic spike pairs with every\n"
    "  earlier postsynaptic spike and vice versa; the traces add up.\n"
    "  nearest-neighbour (nearest = 1): each presynaptic spike pairs only\n"
    "  with the last postsynaptic spike and each postsynaptic spike only\n"
    "  with the last presynaptic spike: a spike resets its trace to 1\n"
    "  instead of adding 1.\n"
    "\n"
    "  Inhibitory synapses: weights and Wmax must have the same sign (the\n"
    "  first run refuses a weight of the other sign); the rule works on\n"
    "  w / Wmax, so a negative Wmax mirrors the excitatory case: potentiation\n"
    "  makes the weight more negative, down to Wmax.  Wmax = 0 is refused.\n"
    "  Weights are stored as ap_weight (single precision), so each update\n"
    "  is rounded to about 7 significant digits.\n"
    "\n"
    "  Potentiation is computed when the synapse next transmits, as in NEST\n"
    "  (Morrison et al. 2007): a postsynaptic spike is only recorded, and\n"
    "  the synapse's next presynaptic spike applies, in time order, every\n"
    "  pairing owed since its last one, before its depression.  The\n"
    "  operands and the rounding are those of pairing at the postsynaptic\n"
    "  spike, so the weights are the same bit for bit, and transmitted\n"
    "  weights are always current; the host settles the rest (flush)\n"
    "  before it reads weights or writes a snapshot.  A postsynaptic spike\n"
    "  then costs O(1) instead of a pass over the synapses into the neuron.\n"
    "\n"
    "Equations\n"
    "  Traces (tau_plus per synapse, tau_minus per postsynaptic neuron):\n"
    "    Kplus(t)  = Kplus  * exp(-(t - t_last) / tau_plus)\n"
    "    Kminus(t) = Kminus * exp(-(t - t_last_post) / tau_minus)\n"
    "  Presynaptic spike at t, for each synapse of the spiking neuron\n"
    "  (x = w / Wmax):\n"
    "    x <- max(0, x - lambda * alpha * x^mu_minus * Kminus(t))\n"
    "    Kplus <- Kplus(t) + 1   (nearest: Kplus <- 1),  t_last <- t\n"
    "  Postsynaptic spike at t, for each synapse into the neuron:\n"
    "    x <- min(1, x + lambda * (1 - x)^mu_plus * Kplus(t))\n"
    "  then once for the neuron:\n"
    "    Kminus <- Kminus(t) + 1  (nearest: Kminus <- 1),  t_last_post <- t\n"
    "  w = x * Wmax.  The bases x and 1 - x are taken as 0 when negative\n"
    "  (possible only for a weight set outside [0, Wmax]).\n"
    "\n"
    "Parameters\n"
    "  name       unit                       default  meaning\n"
    "  tau_plus   ms                         20       time constant of Kplus\n"
    "  tau_minus  ms                         20       time constant of Kminus\n"
    "  lambda     1                          0.01     learning rate (step of\n"
    "                                                 potentiation / Wmax)\n"
    "  alpha      1                          1        depression step\n"
    "                                                 relative to\n"
    "                                                 potentiation\n"
    "  mu_plus    1                          1        weight dependence of\n"
    "                                                 potentiation\n"
    "  mu_minus   1                          1        weight dependence of\n"
    "                                                 depression\n"
    "  Wmax       pA, nS or mV (the port's)  100      maximum weight,\n"
    "                                                 nonzero, sign of the\n"
    "                                                 weights\n"
    "  nearest    1                          0        0: all-to-all, 1:\n"
    "                                                 symmetric nearest-\n"
    "                                                 neighbour pairing\n"
    "  same_step  1                          0        spikes of one step:\n"
    "                                                 0 no pair, 1 pre\n"
    "                                                 before post, -1 post\n"
    "                                                 before pre\n"
    "\n"
    "State\n"
    "  per synapse:\n"
    "  name         unit  default  meaning\n"
    "  Kplus        1     0        presynaptic trace after the last\n"
    "                              presynaptic spike\n"
    "  t_last       ms    -inf     time of the last presynaptic spike\n"
    "                              (internal)\n"
    "  per postsynaptic neuron:\n"
    "  Kminus       1     0        postsynaptic trace after the neuron's last\n"
    "                              spike\n"
    "  t_last_post  ms    -inf     time of the neuron's last spike (internal)\n"
    "\n"
    "References\n"
    "  Morrison A, Aertsen A, Diesmann M (2007). Spike-timing-dependent\n"
    "    plasticity in balanced random networks. Neural Comput\n"
    "    19(6):1437-1467.\n"
    "  Morrison A, Diesmann M, Gerstner W (2008). Phenomenological models of\n"
    "    synaptic plasticity based on spike timing. Biol Cybern\n"
    "    98(6):459-478.\n"
    "  Guetig R, Aharonov R, Rotter S, Sompolinsky H (2003). Learning input\n"
    "    correlations through nonlinear temporally asymmetric Hebbian\n"
    "    plasticity. J Neurosci 23(9):3697-3714.\n"
    "  Song S, Miller KD, Abbott LF (2000). Competitive Hebbian learning\n"
    "    through spike-timing-dependent synaptic plasticity. Nat Neurosci\n"
    "    3(9):919-926.\n"
    "  van Rossum MCW, Bi GQ, Turrigiano GG (2000). Stable Hebbian learning\n"
    "    from spike timing-dependent plasticity. J Neurosci\n"
    "    20(23):8812-8821.\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_RULE,
    .name = "stdp",
    .version = "1.0",
    .doc = "pair-based STDP with power-law weight dependence (NEST's "
           "stdp_synapse)",
    .doc_long = doc_long,
    .desc = &rule,
}};

AP_PLUGIN(plugins)
