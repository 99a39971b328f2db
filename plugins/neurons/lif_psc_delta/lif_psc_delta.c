/* lif_psc_delta.c -- leaky integrate-and-fire neuron whose input spikes
 * make the membrane potential jump (delta-shaped synaptic currents),
 * integrated exactly on the time grid.
 *
 * prepare() turns (parameters, dt) into per-neuron propagators and
 * refractory step counts; update() only multiplies and adds. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "apical_plugin.h"
#include "../lif_threshold.h"
#include "../noise_current.h"
#include "../lower.h"

enum {
  PAR_E_L,
  PAR_C_M,
  PAR_TAU_M,
  PAR_T_REF,
  PAR_V_TH,
  PAR_V_RESET,
  PAR_I_E,
  PAR_SIGMA,
  PAR_TAU_NOISE,
  N_PARAMS
};
enum { VAR_V_M, VAR_R_REF, VAR_I_NOISE, N_VARS };
enum { PORT_EX, PORT_IN, N_PORTS };

static const ap_param_desc params[N_PARAMS] = {
    [PAR_E_L] = {"E_L", "mV", "resting membrane potential", AP_PT_REAL, -70.0,
                 -INFINITY, INFINITY, 0, NULL},
    [PAR_C_M] = {"C_m", "pF", "membrane capacitance", AP_PT_REAL, 250.0, 0.0,
                 INFINITY, AP_RANGE_MIN_OPEN, NULL},
    [PAR_TAU_M] = {"tau_m", "ms", "membrane time constant", AP_PT_REAL, 10.0,
                   0.0, INFINITY, AP_RANGE_MIN_OPEN, NULL},
    [PAR_T_REF] = {"t_ref", "ms",
                   "absolute refractory period (rounded to whole steps)",
                   AP_PT_REAL, 2.0, 0.0, INFINITY, 0, NULL},
    [PAR_V_TH] = {"V_th", "mV", "spike threshold", AP_PT_REAL, -55.0,
                  -INFINITY, INFINITY, 0, NULL},
    [PAR_V_RESET] = {"V_reset", "mV", "reset potential, below V_th",
                     AP_PT_REAL, -70.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_I_E] = {"I_e", "pA", "constant external input current", AP_PT_REAL,
                 0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_SIGMA] = NOISE_PARAM_SIGMA,
    [PAR_TAU_NOISE] = NOISE_PARAM_TAU,
};

static const ap_var_desc vars[N_VARS] = {
    [VAR_V_M] = {"V_m", "mV", "membrane potential", 0.0, "E_L", 0, 0},
    [VAR_R_REF] = {"r_ref", "1", "refractory steps left", 0.0, NULL, 0,
                   AP_VAR_INTERNAL},
    [VAR_I_NOISE] = NOISE_VAR,
};

static const ap_port_desc ports[N_PORTS] = {
    [PORT_EX] = {"ex", "excitatory voltage jumps (mV, sign kept)",
                 AP_PORT_VOLTAGE, 0, +1},
    [PORT_IN] = {"in", "inhibitory voltage jumps (mV, negative weights)",
                 AP_PORT_VOLTAGE, 0, -1},
};

/* Derived values, population-indexed (every parameter is per neuron). */
typedef struct lif_psc_delta_inst {
  size_t n;
  double *P33;       /* exp(-h/tau_m) */
  double *P30;       /* I_e to voltage: tau_m/C_m (1 - P33) */
  double *ref_steps; /* round(t_ref/h) */
  double *nz_decay;  /* noise current: see noise_current.h */
  double *nz_amp;
  int noisy;         /* some neuron can carry a noise current */
} lif_psc_delta_inst;

static void release(void *p) { free(p); }

static int prepare(void **out, const ap_neuron_pop *pop, char *err,
                   size_t err_size) {
  const size_t n = pop->n;
  const double h = pop->dt;
  const ap_real *const *par = pop->param;
  *out = NULL;
  if (lif_check_below(pop, err, err_size, PAR_V_RESET, "V_reset", PAR_V_TH, "V_th"))
    return AP_EINVAL;
  lif_psc_delta_inst *in =
      malloc(sizeof *in + 5 * (n ? n : 1) * sizeof(double));
  if (!in) {
    if (err && err_size)
      snprintf(err, err_size,
               "out of memory for the propagators of %zu neurons", n);
    return AP_ENOMEM;
  }
  double *a = (double *)(in + 1);
  in->n = n;
  in->P33 = a;
  in->P30 = a + n;
  in->ref_steps = a + 2 * n;
  in->nz_decay = a + 3 * n;
  in->nz_amp = a + 4 * n;
  for (size_t i = 0; i < n; i++) {
    const double tau_m = par[PAR_TAU_M][i];
    in->P33[i] = exp(-h / tau_m);
    in->P30[i] = -tau_m / par[PAR_C_M][i] * expm1(-h / tau_m);
    in->ref_steps[i] = round(par[PAR_T_REF][i] / h);
    noise_derive(par[PAR_SIGMA][i], par[PAR_TAU_NOISE][i], h,
                     &in->nz_decay[i], &in->nz_amp[i]);
  }
  in->noisy = noise_active(pop, PAR_SIGMA, VAR_I_NOISE);
  *out = in;
  return AP_OK;
}

/* update() below with a noise current: first this step's I_noise, then
 * the same step with I_e + I_noise in place of I_e.  With I_noise = 0 a
 * neuron gets the bits of the noiseless loop. */
NOISY_PATH
static size_t update_noisy(const lif_psc_delta_inst *in, ap_neuron_block *b) {
  const size_t o = b->first;
  const double *restrict P33 = in->P33 + o, *restrict P30 = in->P30 + o,
                         *restrict ref = in->ref_steps + o;
  const ap_real *restrict E_L = b->param[PAR_E_L];
  const ap_real *restrict V_th = b->param[PAR_V_TH];
  const ap_real *restrict V_reset = b->param[PAR_V_RESET];
  const ap_real *restrict I_e = b->param[PAR_I_E];
  const ap_real *restrict w_ex = b->input[PORT_EX];
  const ap_real *restrict w_in = b->input[PORT_IN];
  ap_real *restrict V = b->state[VAR_V_M];
  ap_real *restrict r = b->state[VAR_R_REF];
  ap_real *restrict I_n = b->state[VAR_I_NOISE];
  noise_step(b, in->nz_decay + o, in->nz_amp + o, I_n);
  size_t ns = 0;
  for (size_t i = 0; i < b->n; i++) {
    if (r[i] > 0.0)
      r[i] -= 1.0;
    else
      V[i] = E_L[i] + ((V[i] - E_L[i]) * P33[i] + (I_e[i] + I_n[i]) * P30[i] +
                       (w_ex[i] + w_in[i]));
    if (V[i] >= V_th[i]) {
      r[i] = ref[i];
      V[i] = V_reset[i];
      b->spiked[ns++] = (uint32_t)i;
    }
  }
  return ns;
}

/* One step, in NEST's order: when not refractory, propagate V_m and add
 * this step's jumps; when refractory, count down and drop the jumps; then
 * test the threshold (so an input can make the neuron fire in the step it
 * arrives in).  V_m is propagated relative to E_L, stored absolute. */
static int update(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  const lif_psc_delta_inst *in = b->inst;
  if (in->noisy) { /* decided once per population: see noise_current.h */
    b->n_spiked = update_noisy(in, b);
    return AP_OK;
  }
  const size_t o = b->first;
  const double *restrict P33 = in->P33 + o, *restrict P30 = in->P30 + o,
                         *restrict ref = in->ref_steps + o;
  const ap_real *restrict E_L = b->param[PAR_E_L];
  const ap_real *restrict V_th = b->param[PAR_V_TH];
  const ap_real *restrict V_reset = b->param[PAR_V_RESET];
  const ap_real *restrict I_e = b->param[PAR_I_E];
  const ap_real *restrict w_ex = b->input[PORT_EX];
  const ap_real *restrict w_in = b->input[PORT_IN];
  ap_real *restrict V = b->state[VAR_V_M];
  ap_real *restrict r = b->state[VAR_R_REF];
  size_t ns = 0;
  for (size_t i = 0; i < b->n; i++) {
    if (r[i] > 0.0)
      r[i] -= 1.0; /* inputs arriving now are discarded */
    else
      V[i] = E_L[i] + ((V[i] - E_L[i]) * P33[i] + I_e[i] * P30[i] +
                       (w_ex[i] + w_in[i]));
    if (V[i] >= V_th[i]) {
      r[i] = ref[i];
      V[i] = V_reset[i];
      b->spiked[ns++] = (uint32_t)i;
    }
  }
  b->n_spiked = ns;
  return AP_OK;
}

/* The chip form: with v = V_m - V_reset the step above is
 *   v <- P33 v + (1 - P33)(E_L - V_reset) + P30 I_e + (weights, mV). */
static int lower(const ap_neuron_pop *pop, size_t i, ap_lowered *out,
                 char *err, size_t err_size) {
  const ap_real *const *par = pop->param;
  const double h = pop->dt, tau_m = par[PAR_TAU_M][i];
  int rc = lower_lif_begin(pop, i, PAR_SIGMA, PAR_TAU_NOISE,
                           -tau_m / par[PAR_C_M][i] * expm1(-h / tau_m), out,
                           err, err_size);
  if (rc) return rc;
  const double E_L = par[PAR_E_L][i], V_reset = par[PAR_V_RESET][i];
  out->v_keep = exp(-h / tau_m);
  out->bias = -expm1(-h / tau_m) * (E_L - V_reset) +
              -tau_m / par[PAR_C_M][i] * expm1(-h / tau_m) * par[PAR_I_E][i];
  out->v_th = par[PAR_V_TH][i] - V_reset;
  out->v_off = V_reset;
  out->ref_steps = round(par[PAR_T_REF][i] / h);
  out->n_ports = N_PORTS;
  for (unsigned p = 0; p < N_PORTS; p++) {
    out->port_kind[p] = AP_LOWER_PORT_DELTA;
    out->gain[p] = 1.0;
  }
  out->v_var = VAR_V_M;
  out->ref_var = VAR_R_REF;
  return AP_OK;
}

static const ap_neuron_desc neuron = {
    .size = sizeof(ap_neuron_desc),
    .compartments = NULL,
    .n_compartments = 1,
    .params = params,
    .n_params = N_PARAMS,
    .vars = vars,
    .n_vars = N_VARS,
    .ports = ports,
    .n_ports = N_PORTS,
    .prepare = prepare,
    .update = update,
    .release = release,
    .lower = lower,
};

static const char doc_long[] =
    "lif_psc_delta -- leaky integrate-and-fire neuron, delta synaptic "
    "currents\n"
    "\n"
    "Description\n"
    "  A point neuron whose membrane potential V_m leaks towards E_L and is\n"
    "  driven by a constant current I_e and, when sigma > 0, a noise\n"
    "  current I_noise (below).  Each spike arriving on port ex or in makes\n"
    "  V_m jump by its weight in mV at the end of the step it arrives in\n"
    "  (weights keep their sign: inhibitory ones are negative).\n"
    "  When V_m is at or above V_th at the end of a step, the neuron spikes\n"
    "  (stamped with the end of that step), V_m is set to V_reset and held\n"
    "  there for t_ref, rounded to whole steps (r_ref counts them down).\n"
    "  Jumps arriving during the refractory period are discarded.  The\n"
    "  model follows NEST's iaf_psc_delta without its refractory_input\n"
    "  option and without a lower bound on V_m.\n"
    "\n"
    "Equations\n"
    "  dV_m/dt = -(V_m - E_L)/tau_m + (I_e + I_noise)/C_m\n"
    "            + sum_k w_k delta(t - t_k)\n"
    "  V_m >= V_th: spike; V_m = V_reset for round(t_ref/dt) steps\n"
    "\n"
    "Noise current\n"
    "  I_noise is renewed once per step and held constant over it:\n"
    "    tau_noise = 0:  I_noise = sigma N(0,1), a new independent draw each\n"
    "                    step (white noise, like NEST's noise_generator\n"
    "                    with its interval equal to dt)\n"
    "    tau_noise > 0:  I_noise <- I_noise exp(-dt/tau_noise)\n"
    "                    + sigma sqrt(1 - exp(-2 dt/tau_noise)) N(0,1),\n"
    "                    the exact update of an Ornstein-Uhlenbeck current\n"
    "                    with stationary sd sigma (Gillespie 1996)\n"
    "  The draw of neuron gid in step s is keyed by (seed, population, gid,\n"
    "  s): the noise is the same whatever the thread count or block\n"
    "  layout.  White noise moves V_m by an amount that depends on dt: the\n"
    "  stationary variance of V_m is P30^2 sigma^2 / (1 - P33^2), about\n"
    "  sigma^2 tau_m dt / (2 C_m^2) for dt << tau_m, so sigma must scale\n"
    "  as 1/sqrt(dt) for a dt-independent effect.  With sigma = 0\n"
    "  everywhere (the default) no draws are made and I_noise stays 0.\n"
    "\n"
    "Integration\n"
    "  Exact integration on the grid (Rotter & Diesmann 1999).  With h = dt\n"
    "  and v = V_m - E_L, one step is\n"
    "    v <- P33 v + P30 (I_e + I_noise) + (weights on ex and in in this\n"
    "         step)\n"
    "  with P33 = exp(-h/tau_m) and P30 = tau_m/C_m (1 - P33).  The result\n"
    "  is exact up to rounding: a jump of w moves V_m by w, and spikes\n"
    "  fall on the first grid point at or after the true crossing.\n"
    "\n"
    "Order within a step (as NEST)\n"
    "  0. renew I_noise (also while refractory)\n"
    "  1. not refractory: propagate V_m and add this step's jumps;\n"
    "     refractory: r_ref -= 1, V_m stays, jumps are dropped\n"
    "  2. V_m >= V_th: spike, V_m = V_reset, r_ref = round(t_ref/dt)\n"
    "\n"
    "Parameters\n"
    "  name       unit  default  meaning\n"
    "  E_L        mV    -70      resting membrane potential\n"
    "  C_m        pF    250      membrane capacitance (> 0)\n"
    "  tau_m      ms    10       membrane time constant (> 0)\n"
    "  t_ref      ms    2        refractory period (>= 0)\n"
    "  V_th       mV    -55      spike threshold\n"
    "  V_reset    mV    -70      reset potential (< V_th)\n"
    "  I_e        pA    0        constant input current\n"
    "  sigma      pA    0        sd of the noise current (>= 0)\n"
    "  tau_noise  ms    0        noise correlation time (>= 0; 0: white)\n"
    "\n"
    "State\n"
    "  V_m      mV  membrane potential (initially E_L)\n"
    "  r_ref    1   refractory steps left (internal, initially 0)\n"
    "  I_noise  pA  noise current of the last step (initially 0)\n"
    "\n"
    "Ports\n"
    "  ex  voltage (mV), default for non-negative weights\n"
    "  in  voltage (mV), default for negative weights\n"
    "\n"
    "References\n"
    "  Gillespie DT (1996). Exact numerical simulation of the\n"
    "    Ornstein-Uhlenbeck process and its integral. Physical Review E\n"
    "    54:2084-2091.\n"
    "  Rotter S, Diesmann M (1999). Exact digital simulation of\n"
    "    time-invariant linear systems with applications to neuronal\n"
    "    modeling. Biological Cybernetics 81:381-402.\n"
    "  Diesmann M, Gewaltig M-O, Rotter S, Aertsen A (2001). State space\n"
    "    analysis of synchronous spiking in cortical neural networks.\n"
    "    Neurocomputing 38-40:565-571.\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_NEURON,
    .name = "lif_psc_delta",
    .version = "1.0",
    .doc = "leaky integrate-and-fire neuron with delta synaptic currents "
           "(voltage jumps, exact integration)",
    .doc_long = doc_long,
    .desc = &neuron,
}};

AP_PLUGIN(plugins)
