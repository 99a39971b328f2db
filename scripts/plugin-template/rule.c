/* @NAME@.c -- additive pair STDP with exponential windows, written by
 * apical-new-plugin as a starting point for a learning rule.
 *
 * A presynaptic spike depresses each synapse of its row by
 * A_minus exp(-dt/tau_minus) per earlier postsynaptic spike (a trace),
 * a postsynaptic spike potentiates each synapse into it by
 * A_plus exp(-dt/tau_plus) per earlier presynaptic spike; weights stay
 * in [0, Wmax].  Traces are kept lazily: a value and the time it was
 * last brought up to date, so each hook costs O(1) per synapse.  Check it
 * with `apical check-plugin ./@NAME@.so`. */
#include <math.h>

#include "apical_plugin.h"

enum { P_TAU_PLUS, P_TAU_MINUS, P_A_PLUS, P_A_MINUS, P_WMAX, N_PARAMS };
enum { S_X, S_T_PRE, N_SYN_VARS };   /* per synapse: presynaptic trace */
enum { Q_Y, Q_T_POST, N_POST_VARS }; /* per post neuron: its trace */

static const ap_param_desc params[N_PARAMS] = {
    [P_TAU_PLUS] = {"tau_plus", "ms", "time constant of potentiation",
                    AP_PT_REAL, 20.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN, NULL},
    [P_TAU_MINUS] = {"tau_minus", "ms", "time constant of depression",
                     AP_PT_REAL, 20.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                     NULL},
    [P_A_PLUS] = {"A_plus", "pA, nS or mV (the port's)",
                  "weight change of a pre-post pair at dt = 0+", AP_PT_REAL,
                  1.0, 0.0, INFINITY, 0, NULL},
    [P_A_MINUS] = {"A_minus", "pA, nS or mV (the port's)",
                   "weight change of a post-pre pair at dt = 0+", AP_PT_REAL,
                   1.05, 0.0, INFINITY, 0, NULL},
    [P_WMAX] = {"Wmax", "pA, nS or mV (the port's)", "largest weight",
                AP_PT_REAL, 100.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN, NULL},
};

static const ap_var_desc syn_vars[N_SYN_VARS] = {
    [S_X] = {"x", "1", "presynaptic trace at t_pre", 0.0, NULL, 0,
             AP_VAR_INTERNAL},
    [S_T_PRE] = {"t_pre", "ms", "time of the last presynaptic spike", -1e300,
                 NULL, 0, AP_VAR_INTERNAL},
};

static const ap_var_desc post_vars[N_POST_VARS] = {
    [Q_Y] = {"y", "1", "postsynaptic trace at t_post", 0.0, NULL, 0,
             AP_VAR_INTERNAL},
    [Q_T_POST] = {"t_post", "ms", "time of the last postsynaptic spike",
                  -1e300, NULL, 0, AP_VAR_INTERNAL},
};

static double clamp(double w, double wmax) {
  return w < 0.0 ? 0.0 : w > wmax ? wmax : w;
}

/* A presynaptic spike at c->t: depress by the postsynaptic trace, then
 * add the spike to the synapse's own trace.  A postsynaptic spike of the
 * same step does not pair (as NEST's rules). */
static void on_pre(ap_rule_ctx *c, size_t first, size_t n) {
  const double tau_p = c->param[P_TAU_PLUS], tau_m = c->param[P_TAU_MINUS];
  const double a_m = c->param[P_A_MINUS], wmax = c->param[P_WMAX];
  ap_real *x = c->syn_state[S_X], *t_pre = c->syn_state[S_T_PRE];
  const ap_real *y = c->post_state[Q_Y], *t_post = c->post_state[Q_T_POST];
  for (size_t s = first; s < first + n; s++) {
    const uint32_t j = c->target[s] & c->target_mask;
    const double d = c->t - t_post[j];
    if (d > 0.0)
      c->weight[s] =
          (ap_weight)clamp(c->weight[s] - a_m * y[j] * exp(-d / tau_m), wmax);
    x[s] = x[s] * exp(-(c->t - t_pre[s]) / tau_p) + 1.0;
    t_pre[s] = c->t;
  }
}

/* A postsynaptic spike at c->t: potentiate by each synapse's trace (a
 * presynaptic spike of this same step left out), then add the spike to
 * the neuron's trace. */
static void on_post(ap_rule_ctx *c, uint32_t post, const size_t *syn,
                    size_t n) {
  const double tau_p = c->param[P_TAU_PLUS], tau_m = c->param[P_TAU_MINUS];
  const double a_p = c->param[P_A_PLUS], wmax = c->param[P_WMAX];
  const ap_real *x = c->syn_state[S_X], *t_pre = c->syn_state[S_T_PRE];
  for (size_t k = 0; k < n; k++) {
    const size_t s = syn[k];
    const double xs = t_pre[s] == c->t ? x[s] - 1.0 : x[s];
    const double d = c->t - t_pre[s];
    const double trace = t_pre[s] == c->t ? xs : xs * exp(-d / tau_p);
    if (trace > 0.0)
      c->weight[s] = (ap_weight)clamp(c->weight[s] + a_p * trace, wmax);
  }
  ap_real *y = c->post_state[Q_Y], *t_post = c->post_state[Q_T_POST];
  y[post] = y[post] * exp(-(c->t - t_post[post]) / tau_m) + 1.0;
  t_post[post] = c->t;
}

static const ap_rule_desc rule = {
    .size = sizeof(ap_rule_desc),
    .params = params, .n_params = N_PARAMS,
    .syn_vars = syn_vars, .n_syn_vars = N_SYN_VARS,
    .post_vars = post_vars, .n_post_vars = N_POST_VARS,
    .on_pre = on_pre, .on_post = on_post,
    /* local traces only: runs on learning engines such as Loihi's */
    .chip_learning = AP_CHIP_RULE_LOCAL_TRACES,
};

static const char doc_long[] =
    "@NAME@ -- additive pair STDP\n"
    "\n"
    "Description\n"
    "  Spike-timing-dependent plasticity with all-to-all pairing: every\n"
    "  pair of a presynaptic spike at t_pre and a postsynaptic spike at\n"
    "  t_post changes the weight by\n"
    "    A_plus exp(-(t_post - t_pre)/tau_plus)    if t_post > t_pre\n"
    "   -A_minus exp(-(t_pre - t_post)/tau_minus)  if t_pre > t_post\n"
    "  applied at the later spike, the weight kept in [0, Wmax].  Spikes of\n"
    "  the same step do not pair.  Spike times are emission times.\n"
    "\n"
    "Parameters\n"
    "  name       unit   default  meaning\n"
    "  tau_plus   ms     20       time constant of potentiation (> 0)\n"
    "  tau_minus  ms     20       time constant of depression (> 0)\n"
    "  A_plus     port   1        potentiation at dt = 0+ (>= 0)\n"
    "  A_minus    port   1.05     depression at dt = 0+ (>= 0)\n"
    "  Wmax       port   100      largest weight (> 0)\n"
    "\n"
    "References\n"
    "  Song S, Miller KD, Abbott LF (2000). Competitive Hebbian learning\n"
    "    through spike-timing-dependent synaptic plasticity. Nature\n"
    "    Neuroscience 3:919-926.\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_RULE,
    .name = "@NAME@",
    .version = "0.1",
    .doc = "additive pair STDP with exponential windows",
    .doc_long = doc_long,
    .desc = &rule,
}};

AP_PLUGIN(plugins)
