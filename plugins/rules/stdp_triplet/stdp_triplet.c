/* stdp_triplet.c -- the triplet STDP rule of Pfister & Gerstner (2006),
 * all-to-all interaction, as NEST's stdp_triplet_synapse.
 *
 * Two presynaptic traces per synapse (r1 with tau_plus, r2 with
 * tau_plus_triplet) and two postsynaptic traces per postsynaptic neuron (o1
 * with tau_minus, o2 with tau_minus_triplet).  Traces are stored as they
 * were right after the last spike that touched them and decayed to the
 * event time when read, so nothing runs between spikes.
 *
 * Concurrency (see apical_plugin.h): on_pre writes only its own synapses
 * and reads the post traces, which on_post of the same step writes only
 * after every on_pre of that step; on_post writes its own synapses' weights
 * and its own neuron's traces. */
#include <math.h>
#include <stdio.h>

#include "apical_plugin.h"
#include "../rule_checks.h"

enum {
  PAR_TAU_PLUS,
  PAR_TAU_PLUS_TRIPLET,
  PAR_TAU_MINUS,
  PAR_TAU_MINUS_TRIPLET,
  PAR_APLUS,
  PAR_AMINUS,
  PAR_APLUS_TRIPLET,
  PAR_AMINUS_TRIPLET,
  PAR_WMAX,
  N_PARAMS
};
enum { SYN_KPLUS, SYN_KPLUS_TRIPLET, SYN_T_LAST, N_SYN_VARS };
enum { POST_KMINUS, POST_KMINUS_TRIPLET, POST_T_LAST, N_POST_VARS };

static const ap_param_desc params[N_PARAMS] = {
    [PAR_TAU_PLUS] = {"tau_plus", "ms",
                      "time constant of the short presynaptic trace r1",
                      AP_PT_REAL, 16.8, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                      NULL},
    [PAR_TAU_PLUS_TRIPLET] = {"tau_plus_triplet", "ms",
                              "time constant of the long presynaptic trace "
                              "r2 (tau_x of Pfister & Gerstner)",
                              AP_PT_REAL, 101.0, 0.0, INFINITY,
                              AP_RANGE_MIN_OPEN, NULL},
    [PAR_TAU_MINUS] = {"tau_minus", "ms",
                       "time constant of the short postsynaptic trace o1",
                       AP_PT_REAL, 33.7, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                       NULL},
    [PAR_TAU_MINUS_TRIPLET] = {"tau_minus_triplet", "ms",
                               "time constant of the long postsynaptic trace "
                               "o2 (tau_y of Pfister & Gerstner)",
                               AP_PT_REAL, 125.0, 0.0, INFINITY,
                               AP_RANGE_MIN_OPEN, NULL},
    [PAR_APLUS] = {"Aplus", "1", "amplitude of pair potentiation (A2+)",
                   AP_PT_REAL, 5e-10, 0.0, INFINITY, 0, NULL},
    [PAR_AMINUS] = {"Aminus", "1", "amplitude of pair depression (A2-)",
                    AP_PT_REAL, 7e-3, 0.0, INFINITY, 0, NULL},
    [PAR_APLUS_TRIPLET] = {"Aplus_triplet", "1",
                           "amplitude of triplet potentiation (A3+)",
                           AP_PT_REAL, 6.2e-3, 0.0, INFINITY, 0, NULL},
    [PAR_AMINUS_TRIPLET] = {"Aminus_triplet", "1",
                            "amplitude of triplet depression (A3-)",
                            AP_PT_REAL, 2.3e-4, 0.0, INFINITY, 0, NULL},
    [PAR_WMAX] = {"Wmax", "pA, nS or mV (the port's)",
                  "maximum weight, nonzero, with the sign of the weights",
                  AP_PT_REAL, 100.0, -INFINITY, INFINITY, 0, NULL},
};

static const ap_var_desc syn_vars[N_SYN_VARS] = {
    [SYN_KPLUS] = {"Kplus", "1",
                   "short presynaptic trace r1 after the last presynaptic "
                   "spike",
                   0.0, NULL, 0, 0},
    [SYN_KPLUS_TRIPLET] = {"Kplus_triplet", "1",
                           "long presynaptic trace r2 after the last "
                           "presynaptic spike",
                           0.0, NULL, 0, 0},
    [SYN_T_LAST] = {"t_last", "ms", "time of the last presynaptic spike",
                    -INFINITY, NULL, 0, AP_VAR_INTERNAL},
};

static const ap_var_desc post_vars[N_POST_VARS] = {
    [POST_KMINUS] = {"Kminus", "1",
                     "short postsynaptic trace o1 after the neuron's last "
                     "spike",
                     0.0, NULL, 0, 0},
    [POST_KMINUS_TRIPLET] = {"Kminus_triplet", "1",
                             "long postsynaptic trace o2 after the neuron's "
                             "last spike",
                             0.0, NULL, 0, 0},
    [POST_T_LAST] = {"t_last_post", "ms",
                     "time of the postsynaptic neuron's last spike",
                     -INFINITY, NULL, 0, AP_VAR_INTERNAL},
};

/* A trace stored as k at time t_k, read at t >= t_k.  t_k = -inf (no spike
 * yet) reads 0, never NaN: (t_k - t) is -inf and exp(-inf) is 0. */
static inline double decayed(double k, double t_k, double t, double tau) {
  return k * exp((t_k - t) / tau);
}

static int check_tau(const ap_real *p, int k, const char *name, char *err,
                     size_t err_size) {
  if (p[k] > 0.0) return AP_OK;
  snprintf(err, err_size, "%s must be > 0 ms, got %g ms", name, p[k]);
  return AP_EINVAL;
}

static int prepare(void **inst, const ap_rule_ctx *c, char *err,
                   size_t err_size) {
  const ap_real *p = c->param;
  *inst = NULL;
  if (check_tau(p, PAR_TAU_PLUS, "tau_plus", err, err_size) ||
      check_tau(p, PAR_TAU_PLUS_TRIPLET, "tau_plus_triplet", err, err_size) ||
      check_tau(p, PAR_TAU_MINUS, "tau_minus", err, err_size) ||
      check_tau(p, PAR_TAU_MINUS_TRIPLET, "tau_minus_triplet", err, err_size))
    return AP_EINVAL;
  return rule_check_wmax(c, p[PAR_WMAX], err, err_size);
}

/* Presynaptic spikes at c->t of the row segment [first, first+n):
 * depression by o1(t) with the triplet term r2(t-), then the presynaptic
 * traces. */
static void on_pre(ap_rule_ctx *c, size_t first, size_t n) {
  const ap_real *p = c->param;
  const double t = c->t;
  const double tau_r1 = p[PAR_TAU_PLUS], tau_r2 = p[PAR_TAU_PLUS_TRIPLET];
  const double tau_o1 = p[PAR_TAU_MINUS];
  const double a2 = p[PAR_AMINUS], a3 = p[PAR_AMINUS_TRIPLET];
  /* Work on the magnitude m = w * sign: excitatory and inhibitory synapses
   * then follow the same equations. */
  const double sign = p[PAR_WMAX] < 0.0 ? -1.0 : 1.0;
  ap_real *r1 = c->syn_state[SYN_KPLUS], *r2 = c->syn_state[SYN_KPLUS_TRIPLET];
  ap_real *t_last = c->syn_state[SYN_T_LAST];
  const ap_real *o1 = c->post_state[POST_KMINUS];
  const ap_real *t_post = c->post_state[POST_T_LAST];
  ap_weight *w = c->weight;
  /* The synapses of a row share their presynaptic spike times, so the
   * trace decay factors are usually computed once per segment. */
  double tl_seen = NAN, f1 = 0.0, f2 = 0.0;
  for (size_t s = first; s < first + n; s++) {
    if (t_last[s] != tl_seen) {
      tl_seen = t_last[s];
      f1 = exp((tl_seen - t) / tau_r1);
      f2 = exp((tl_seen - t) / tau_r2);
    }
    const uint32_t j = c->target[s] & c->target_mask;
    const double o1_t = decayed(o1[j], t_post[j], t, tau_o1);
    const double r2_t = r2[s] * f2; /* before this spike's own increment */
    double m = (double)w[s] * sign;
    m -= o1_t * (a2 + a3 * r2_t);
    w[s] = (ap_weight)((m > 0.0 ? m : 0.0) * sign);
    r1[s] = r1[s] * f1 + 1.0;
    r2[s] = r2_t + 1.0;
    t_last[s] = t;
  }
}

/* A spike of neuron `post` at c->t: potentiation of the synapses into it
 * by r1(t) with the triplet term o2(t-), then the neuron's traces, once. */
static void on_post(ap_rule_ctx *c, uint32_t post, const size_t *syn,
                    size_t n) {
  const ap_real *p = c->param;
  const double t = c->t;
  const double tau_r1 = p[PAR_TAU_PLUS];
  const double tau_o1 = p[PAR_TAU_MINUS], tau_o2 = p[PAR_TAU_MINUS_TRIPLET];
  const double a2 = p[PAR_APLUS], a3 = p[PAR_APLUS_TRIPLET];
  const double sign = p[PAR_WMAX] < 0.0 ? -1.0 : 1.0;
  const double mmax = fabs(p[PAR_WMAX]);
  const ap_real *r1 = c->syn_state[SYN_KPLUS];
  const ap_real *t_last = c->syn_state[SYN_T_LAST];
  ap_real *o1 = c->post_state[POST_KMINUS];
  ap_real *o2 = c->post_state[POST_KMINUS_TRIPLET];
  ap_real *t_post = c->post_state[POST_T_LAST];
  ap_weight *w = c->weight;
  const double o2_t = decayed(o2[post], t_post[post], t, tau_o2); /* t- */
  const double gain = a2 + a3 * o2_t;
  double tl_seen = NAN, f1 = 0.0;
  for (size_t k = 0; k < n; k++) {
    const size_t s = syn[k];
    if (t_last[s] != tl_seen) {
      tl_seen = t_last[s];
      f1 = exp((tl_seen - t) / tau_r1);
    }
    double m = (double)w[s] * sign;
    /* a presynaptic spike of this same step does not pair (as NEST) */
    m += (r1[s] * f1 - (t_last[s] == t ? 1.0 : 0.0)) * gain;
    w[s] = (ap_weight)((m < mmax ? m : mmax) * sign);
  }
  o1[post] = decayed(o1[post], t_post[post], t, tau_o1) + 1.0;
  o2[post] = o2_t + 1.0;
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
    .release = NULL,
    .flush = NULL,
    .chip_learning = AP_CHIP_RULE_LOCAL_TRACES,
};

static const char doc_long[] =
    "stdp_triplet -- triplet STDP (Pfister & Gerstner 2006), all-to-all\n"
    "\n"
    "Description\n"
    "  The triplet rule of Pfister & Gerstner (2006) with all-to-all\n"
    "  interaction of spikes, as NEST's stdp_triplet_synapse.  Besides the\n"
    "  pair terms of pair-based STDP, potentiation at a postsynaptic spike\n"
    "  grows with the recent postsynaptic activity (trace o2) and\n"
    "  depression at a presynaptic spike with the recent presynaptic\n"
    "  activity (trace r2), which reproduces the frequency dependence of\n"
    "  plasticity in visual cortex and hippocampus.  With Aplus_triplet =\n"
    "  Aminus_triplet = 0 it is pair-based additive STDP.\n"
    "\n"
    "  NEST keeps tau_minus and tau_minus_triplet on the postsynaptic\n"
    "  neuron (defaults 20 and 110 ms); here they are parameters of the\n"
    "  rule, and all defaults are Pfister & Gerstner's fit of the minimal\n"
    "  all-to-all model to visual cortex data (as NEST's defaults for the\n"
    "  other parameters).  The traces keep NEST's names: Kplus = r1,\n"
    "  Kplus_triplet = r2, Kminus = o1, Kminus_triplet = o2.\n"
    "\n"
    "  Pairing: both spikes are seen at their emission times (the delay\n"
    "  only postpones delivery).  For one presynaptic spike at t_pre and\n"
    "  one postsynaptic spike at t_post with no earlier spikes, dt = t_post\n"
    "  - t_pre > 0 gives w += Aplus * exp(-dt / tau_plus) and dt < 0 gives\n"
    "  w -= Aminus * exp(dt / tau_minus).  At dt = 0 (same step) the pair\n"
    "  changes nothing, as in NEST.\n"
    "\n"
    "  The amplitudes are absolute weight changes (in the weight's unit),\n"
    "  added to |w|, which stays in [0, |Wmax|]; the weight keeps the sign\n"
    "  of Wmax, so a negative Wmax serves inhibitory synapses.  Weights and\n"
    "  Wmax must have the same sign (checked at the first run); Wmax = 0 is\n"
    "  refused.  Weights are stored as ap_weight (single precision): a\n"
    "  change below about 1e-7 of the weight, such as the default Aplus\n"
    "  (5e-10, which Pfister & Gerstner's fit sets to practically 0), is\n"
    "  rounded away.\n"
    "\n"
    "Equations\n"
    "  Traces, each decaying with its time constant between spikes:\n"
    "    r1 (tau_plus), r2 (tau_plus_triplet)   per synapse\n"
    "    o1 (tau_minus), o2 (tau_minus_triplet) per postsynaptic neuron\n"
    "  Presynaptic spike at t, for each synapse of the spiking neuron:\n"
    "    |w| <- max(0, |w| - o1(t) * (Aminus + Aminus_triplet * r2(t-)))\n"
    "    r1 <- r1(t) + 1,  r2 <- r2(t-) + 1\n"
    "  Postsynaptic spike at t, for each synapse into the neuron:\n"
    "    |w| <- min(|Wmax|, |w| + r1(t) * (Aplus + Aplus_triplet * o2(t-)))\n"
    "  then once for the neuron:  o1 <- o1(t) + 1,  o2 <- o2(t-) + 1\n"
    "  r2(t-) and o2(t-) are the traces just before the current spike's own\n"
    "  increment: a spike's triplet term counts earlier spikes only.\n"
    "\n"
    "Parameters\n"
    "  name               unit                       default  meaning\n"
    "  tau_plus           ms                         16.8     time constant\n"
    "                                                         of r1\n"
    "  tau_plus_triplet   ms                         101      time constant\n"
    "                                                         of r2 (tau_x)\n"
    "  tau_minus          ms                         33.7     time constant\n"
    "                                                         of o1\n"
    "  tau_minus_triplet  ms                         125      time constant\n"
    "                                                         of o2 (tau_y)\n"
    "  Aplus              1                          5e-10    pair\n"
    "                                                         potentiation\n"
    "                                                         (A2+)\n"
    "  Aminus             1                          0.007    pair depression\n"
    "                                                         (A2-)\n"
    "  Aplus_triplet      1                          0.0062   triplet\n"
    "                                                         potentiation\n"
    "                                                         (A3+)\n"
    "  Aminus_triplet     1                          0.00023  triplet\n"
    "                                                         depression\n"
    "                                                         (A3-)\n"
    "  Wmax               pA, nS or mV (the port's)  100      maximum weight,\n"
    "                                                         nonzero, sign\n"
    "                                                         of the weights\n"
    "\n"
    "State\n"
    "  per synapse:\n"
    "  name            unit  default  meaning\n"
    "  Kplus           1     0        r1 after the last presynaptic spike\n"
    "  Kplus_triplet   1     0        r2 after the last presynaptic spike\n"
    "  t_last          ms    -inf     time of the last presynaptic spike\n"
    "                                 (internal)\n"
    "  per postsynaptic neuron:\n"
    "  Kminus          1     0        o1 after the neuron's last spike\n"
    "  Kminus_triplet  1     0        o2 after the neuron's last spike\n"
    "  t_last_post     ms    -inf     time of the neuron's last spike\n"
    "                                 (internal)\n"
    "\n"
    "References\n"
    "  Pfister J-P, Gerstner W (2006). Triplets of spikes in a model of\n"
    "    spike timing-dependent plasticity. J Neurosci 26(38):9673-9682.\n"
    "  Morrison A, Diesmann M, Gerstner W (2008). Phenomenological models of\n"
    "    synaptic plasticity based on spike timing. Biol Cybern\n"
    "    98(6):459-478.\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_RULE,
    .name = "stdp_triplet",
    .version = "1.0",
    .doc = "triplet STDP of Pfister & Gerstner, all-to-all (NEST's "
           "stdp_triplet_synapse)",
    .doc_long = doc_long,
    .desc = &rule,
}};

AP_PLUGIN(plugins)
