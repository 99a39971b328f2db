/* @NAME@.c -- leaky integrate-and-fire neuron with exponentially decaying
 * synaptic currents, written by apical-new-plugin as a starting point.
 *
 * Change the model, keep the shape: parameter, state and port tables
 * (they drive config, Lua, `apical describe` and the docs), prepare()
 * deriving per-neuron constants from (parameters, dt), update() only
 * multiplying and adding, and the documentation block below.  Check it
 * with `apical check-plugin ./@NAME@.so`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "apical_plugin.h"

enum { P_E_L, P_C_M, P_TAU_M, P_TAU_SYN, P_V_TH, P_V_RESET, P_T_REF, P_I_E,
       N_PARAMS };
enum { S_V_M, S_I_SYN, S_R_REF, N_VARS };
enum { IN_EX, IN_IN, N_PORTS };

/* name, unit (NEST's: mV, ms, pA, nS, pF, Hz), one-line doc, type,
 * default, range and whether its ends are open */
static const ap_param_desc params[N_PARAMS] = {
    [P_E_L] = {"E_L", "mV", "resting potential", AP_PT_REAL, -70.0,
               -INFINITY, INFINITY, 0, NULL},
    [P_C_M] = {"C_m", "pF", "membrane capacitance", AP_PT_REAL, 250.0, 0.0,
               INFINITY, AP_RANGE_MIN_OPEN, NULL},
    [P_TAU_M] = {"tau_m", "ms", "membrane time constant", AP_PT_REAL, 10.0,
                 0.0, INFINITY, AP_RANGE_MIN_OPEN, NULL},
    [P_TAU_SYN] = {"tau_syn", "ms", "decay time constant of the synaptic "
                   "current", AP_PT_REAL, 2.0, 0.0, INFINITY,
                   AP_RANGE_MIN_OPEN, NULL},
    [P_V_TH] = {"V_th", "mV", "spike threshold", AP_PT_REAL, -55.0,
                -INFINITY, INFINITY, 0, NULL},
    [P_V_RESET] = {"V_reset", "mV", "reset potential, below V_th",
                   AP_PT_REAL, -70.0, -INFINITY, INFINITY, 0, NULL},
    [P_T_REF] = {"t_ref", "ms", "refractory period (whole steps)",
                 AP_PT_REAL, 2.0, 0.0, INFINITY, 0, NULL},
    [P_I_E] = {"I_e", "pA", "constant input current", AP_PT_REAL, 0.0,
               -INFINITY, INFINITY, 0, NULL},
};

static const ap_var_desc vars[N_VARS] = {
    [S_V_M] = {"V_m", "mV", "membrane potential", 0.0, "E_L", 0, 0},
    [S_I_SYN] = {"I_syn", "pA", "synaptic current", 0.0, NULL, 0, 0},
    [S_R_REF] = {"r_ref", "1", "refractory steps left", 0.0, NULL, 0,
                 AP_VAR_INTERNAL},
};

static const ap_port_desc ports[N_PORTS] = {
    [IN_EX] = {"ex", "excitatory current (pA)", AP_PORT_CURRENT, 0, +1},
    [IN_IN] = {"in", "inhibitory current (pA, negative)", AP_PORT_CURRENT, 0,
               -1},
};

/* Derived values, per neuron: the propagators of exact integration. */
typedef struct derived {
  double *p22, *p11, *p21, *p20, *ref;
} derived;

static void release(void *inst) { free(inst); }

static int prepare(void **inst, const ap_neuron_pop *pop, char *err,
                   size_t err_size) {
  const ap_real *const *p = pop->param;
  const double h = pop->dt;
  for (size_t i = 0; i < pop->n; i++)
    if (!(p[P_V_RESET][i] < p[P_V_TH][i])) {
      snprintf(err, err_size,
               "neuron %zu: V_reset (%g mV) must be below V_th (%g mV)",
               i + 1, p[P_V_RESET][i], p[P_V_TH][i]);
      return AP_EINVAL;
    }
  derived *d = malloc(sizeof *d + 5 * (pop->n ? pop->n : 1) * sizeof(double));
  if (!d) {
    snprintf(err, err_size, "out of memory");
    return AP_ENOMEM;
  }
  double *a = (double *)(d + 1);
  d->p22 = a, d->p11 = a + pop->n, d->p21 = a + 2 * pop->n;
  d->p20 = a + 3 * pop->n, d->ref = a + 4 * pop->n;
  for (size_t i = 0; i < pop->n; i++) {
    const double tm = p[P_TAU_M][i], ts = p[P_TAU_SYN][i], C = p[P_C_M][i];
    d->p22[i] = exp(-h / tm);
    d->p11[i] = exp(-h / ts);
    /* voltage after h from a unit current decaying with tau_syn; the
     * limit h/C exp(-h/tm) when the time constants are equal */
    d->p21[i] = tm == ts ? h / C * exp(-h / tm)
                         : ts * tm / (C * (tm - ts)) * (d->p22[i] - d->p11[i]);
    d->p20[i] = tm / C * (1.0 - d->p22[i]);
    d->ref[i] = round(p[P_T_REF][i] / h);
  }
  *inst = d;
  return AP_OK;
}

/* One step, as NEST's iaf_psc_exp: propagate V_m (unless refractory),
 * decay the current and add this step's input, test the threshold. */
static int update(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  const derived *d = b->inst;
  const size_t o = b->first;
  const ap_real *E_L = b->param[P_E_L], *V_th = b->param[P_V_TH],
                *V_reset = b->param[P_V_RESET], *I_e = b->param[P_I_E];
  const ap_real *w_ex = b->input[IN_EX], *w_in = b->input[IN_IN];
  ap_real *V = b->state[S_V_M], *I = b->state[S_I_SYN],
          *r = b->state[S_R_REF];
  size_t ns = 0;
  for (size_t i = 0; i < b->n; i++) {
    const int refractory = r[i] > 0.0;
    if (refractory)
      r[i] -= 1.0;
    else
      V[i] = E_L[i] + (V[i] - E_L[i]) * d->p22[o + i] +
             I[i] * d->p21[o + i] + I_e[i] * d->p20[o + i];
    I[i] = I[i] * d->p11[o + i] + w_ex[i] + w_in[i];
    if (!refractory && V[i] >= V_th[i]) {
      V[i] = V_reset[i];
      r[i] = d->ref[o + i];
      b->spiked[ns++] = (uint32_t)i;
    }
  }
  b->n_spiked = ns;
  return AP_OK;
}

static const ap_neuron_desc neuron = {
    .size = sizeof(ap_neuron_desc),
    .params = params, .n_params = N_PARAMS,
    .vars = vars, .n_vars = N_VARS,
    .ports = ports, .n_ports = N_PORTS,
    .prepare = prepare, .update = update, .release = release,
};

static const char doc_long[] =
    "@NAME@ -- leaky integrate-and-fire neuron, exponential current\n"
    "\n"
    "Description\n"
    "  V_m leaks towards E_L with time constant tau_m and is driven by a\n"
    "  constant current I_e and a synaptic current I_syn.  A spike on port\n"
    "  ex or in makes I_syn jump by its weight in pA; I_syn then decays\n"
    "  with tau_syn.  When V_m >= V_th at the end of a step the neuron\n"
    "  spikes, V_m is set to V_reset and held there for t_ref.\n"
    "\n"
    "Equations\n"
    "  dV_m/dt  = -(V_m - E_L)/tau_m + (I_syn + I_e)/C_m\n"
    "  dI_syn/dt = -I_syn/tau_syn + sum_k w_k delta(t - t_k)\n"
    "  integrated exactly on the grid (Rotter & Diesmann 1999)\n"
    "\n"
    "Parameters\n"
    "  name     unit  default  meaning\n"
    "  E_L      mV    -70      resting potential\n"
    "  C_m      pF    250      membrane capacitance (> 0)\n"
    "  tau_m    ms    10       membrane time constant (> 0)\n"
    "  tau_syn  ms    2        synaptic current time constant (> 0)\n"
    "  V_th     mV    -55      spike threshold\n"
    "  V_reset  mV    -70      reset potential (< V_th)\n"
    "  t_ref    ms    2        refractory period (>= 0)\n"
    "  I_e      pA    0        constant input current\n"
    "\n"
    "State\n"
    "  V_m    mV  membrane potential (initially E_L)\n"
    "  I_syn  pA  synaptic current (initially 0)\n"
    "  r_ref  1   refractory steps left (internal)\n"
    "\n"
    "Ports\n"
    "  ex  current (pA), default for non-negative weights\n"
    "  in  current (pA), default for negative weights\n"
    "\n"
    "References\n"
    "  Rotter S, Diesmann M (1999). Exact digital simulation of\n"
    "    time-invariant linear systems with applications to neuronal\n"
    "    modeling. Biological Cybernetics 81:381-402.\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_NEURON,
    .name = "@NAME@",
    .version = "0.1",
    .doc = "leaky integrate-and-fire neuron, exponential synaptic current",
    .doc_long = doc_long,
    .desc = &neuron,
}};

AP_PLUGIN(plugins)
