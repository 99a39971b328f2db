/* stdp.c -- pair-based spike-timing-dependent plasticity with power-law
 * weight dependence, as NEST's stdp_synapse (all-to-all pairing) and
 * stdp_nn_symm_synapse (symmetric nearest-neighbour pairing).
 *
 * Each synapse keeps the presynaptic trace Kplus and the time of its last
 * presynaptic spike; each postsynaptic neuron keeps the trace Kminus and
 * the time of its last spike.  Traces are stored as they were right after
 * the last spike that touched them and decayed to the event time when
 * read, so nothing runs between spikes (no on_step, no flush).  Spikes
 * lie on the dt grid, so a decay over k steps is read from a table of
 * exp(-k dt / tau) made in prepare() (exp() beyond it): a postsynaptic
 * spike then costs a table read per synapse instead of an exp().
 *
 * Concurrency (see apical_plugin.h): on_pre writes only its own synapses
 * and reads the post traces, which on_post of the same step writes only
 * after every on_pre of that step; on_post writes its own synapses' weights
 * and its own neuron's trace. */
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

typedef struct stdp_inst {
  decay_tab plus, minus;
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

static void release(void *inst) { free(inst); }

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
  stdp_inst *in = malloc(sizeof *in);
  if (!in) {
    snprintf(err, err_size, "out of memory for the decay tables");
    return AP_ENOMEM;
  }
  decay_init(&in->plus, c->dt, p[PAR_TAU_PLUS]);
  decay_init(&in->minus, c->dt, p[PAR_TAU_MINUS]);
  *inst = in;
  return AP_OK;
}

/* Presynaptic spikes at c->t of the row segment [first, first+n):
 * depression by the postsynaptic trace, then the presynaptic trace. */
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
  /* The synapses of a row share their presynaptic spike times, so the
   * decay factor of Kplus is usually one exp() per segment. */
  double tl_seen = NAN, f_plus = 0.0;
  for (size_t s = first; s < first + n; s++) {
    const uint32_t j = c->target[s] & c->target_mask;
    const double km = decayed(&in->minus, kminus[j], t_post[j], t);
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

/* A spike of neuron `post` at c->t: potentiation of the synapses into it
 * by their presynaptic traces, then the neuron's trace, once. */
static void on_post(ap_rule_ctx *c, uint32_t post, const size_t *syn,
                    size_t n) {
  const ap_real *p = c->param;
  const stdp_inst *in = c->inst;
  const double t = c->t, wmax = p[PAR_WMAX];
  const double lambda = p[PAR_LAMBDA], mu = p[PAR_MU_PLUS];
  const ap_real *kplus = c->syn_state[SYN_KPLUS];
  const ap_real *t_last = c->syn_state[SYN_T_LAST];
  ap_real *kminus = c->post_state[POST_KMINUS];
  ap_real *t_post = c->post_state[POST_T_LAST];
  ap_weight *w = c->weight;
  const int nearest = p[PAR_NEAREST] != 0.0;
  const double same = p[PAR_SAME_STEP];
  for (size_t k = 0; k < n; k++) {
    const size_t s = syn[k];
    double kp = decayed(&in->plus, kplus[s], t_last[s], t);
    /* A presynaptic spike of this same step (on_pre ran first) does not
     * pair: as NEST, simultaneous spikes change nothing.  All-to-all
     * leaves the earlier spikes' trace; nearest has no earlier partner. */
    double x = (double)w[s] / wmax;
    if (t_last[s] == t) {
      kp = nearest ? 0.0 : kp - 1.0;
      if (same > 0) kp += 1.0; /* the pair at dt = 0 as pre before post */
      if (same < 0)            /* ... or as post before pre */
        x -= lambda * p[PAR_ALPHA] * pow_mu(x > 0.0 ? x : 0.0, p[PAR_MU_MINUS]);
    }
    x += lambda * pow_mu(1.0 - x, mu) * kp;
    w[s] = (ap_weight)((x < 1.0 ? x : 1.0) * wmax);
  }
  kminus[post] = p[PAR_NEAREST] != 0.0
                     ? 1.0
                     : decayed(&in->minus, kminus[post], t_post[post], t) + 1.0;
  t_post[post] = t;
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
    .on_step = NULL,
    .n_modulators = 0,
    .prepare = prepare,
    .release = release,
    .flush = NULL,
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
