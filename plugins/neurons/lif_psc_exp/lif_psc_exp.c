/* lif_psc_exp.c -- leaky integrate-and-fire neuron with exponentially
 * decaying synaptic currents, integrated exactly on the time grid.
 *
 * Parameters, state and derived values are kept apart: prepare() turns
 * (parameters, dt) into per-neuron propagators and refractory step counts,
 * update() only multiplies and adds over the structure-of-arrays state. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "apical_plugin.h"
#include "../noise_current.h"
#include "../lif_threshold.h"
#include "../lower.h"

enum {
  PAR_E_L,
  PAR_C_M,
  PAR_TAU_M,
  PAR_T_REF,
  PAR_V_TH,
  PAR_V_RESET,
  PAR_TAU_SYN_EX,
  PAR_TAU_SYN_IN,
  PAR_I_E,
  PAR_SIGMA,
  PAR_TAU_NOISE,
  N_PARAMS
};
enum { VAR_V_M, VAR_I_SYN_EX, VAR_I_SYN_IN, VAR_R_REF, VAR_I_NOISE, N_VARS };
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
    [PAR_TAU_SYN_EX] = {"tau_syn_ex", "ms",
                        "decay time constant of the excitatory current",
                        AP_PT_REAL, 2.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                        NULL},
    [PAR_TAU_SYN_IN] = {"tau_syn_in", "ms",
                        "decay time constant of the inhibitory current",
                        AP_PT_REAL, 2.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                        NULL},
    [PAR_I_E] = {"I_e", "pA", "constant external input current", AP_PT_REAL,
                 0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_SIGMA] = NOISE_PARAM_SIGMA,
    [PAR_TAU_NOISE] = NOISE_PARAM_TAU,
};

static const ap_var_desc vars[N_VARS] = {
    [VAR_V_M] = {"V_m", "mV", "membrane potential", 0.0, "E_L", 0, 0},
    [VAR_I_SYN_EX] = {"I_syn_ex", "pA", "excitatory synaptic current", 0.0,
                      NULL, 0, 0},
    [VAR_I_SYN_IN] = {"I_syn_in", "pA",
                      "inhibitory synaptic current (normally negative)", 0.0,
                      NULL, 0, 0},
    [VAR_R_REF] = {"r_ref", "1", "refractory steps left", 0.0, NULL, 0,
                   AP_VAR_INTERNAL},
    [VAR_I_NOISE] = NOISE_VAR,
};

static const ap_port_desc ports[N_PORTS] = {
    [PORT_EX] = {"ex", "excitatory current input (pA, sign kept)",
                 AP_PORT_CURRENT, 0, +1},
    [PORT_IN] = {"in", "inhibitory current input (pA, negative weights)",
                 AP_PORT_CURRENT, 0, -1},
};

/* Derived values, population-indexed (every parameter is per neuron). */
typedef struct lif_psc_exp_inst {
  size_t n;
  double *P22;       /* exp(-h/tau_m) */
  double *P11ex;     /* exp(-h/tau_syn_ex) */
  double *P11in;     /* exp(-h/tau_syn_in) */
  double *P21ex;     /* current-to-voltage propagators */
  double *P21in;
  double *P20;       /* I_e to voltage */
  double *ref_steps; /* round(t_ref/h) */
  double *nz_decay;  /* noise current: see noise_current.h */
  double *nz_amp;
  int uniform;       /* every neuron has the same parameters */
  int noisy;         /* some neuron can carry a noise current */
} lif_psc_exp_inst;

/* Voltage response after h of a unit current that decays with tau_syn,
 * into a membrane of time constant tau_m and capacitance C:
 *   (tau_syn tau_m / (C (tau_m - tau_syn))) (exp(-h/tau_m) - exp(-h/tau_syn)).
 * Written as (h/C) exp(-h/tau_slow) (1 - exp(-y))/y with
 * y = h |tau_m - tau_syn| / (tau_m tau_syn): the difference of the time
 * constants is exact in floating point when they are close, expm1 keeps
 * (1 - exp(-y))/y accurate for small y, and y = 0 gives the limit
 * (h/C) exp(-h/tau_m) of equal time constants.  No overflow for any y. */
static double propagator_21(double h, double tau_syn, double tau_m, double C) {
  double tau_slow = tau_m > tau_syn ? tau_m : tau_syn;
  double y = h * fabs(tau_m - tau_syn) / (tau_m * tau_syn);
  double phi = y > 0.0 ? -expm1(-y) / y : 1.0;
  return h / C * exp(-h / tau_slow) * phi;
}

static void release(void *p) { free(p); }

static int prepare(void **out, const ap_neuron_pop *pop, char *err,
                   size_t err_size) {
  const size_t n = pop->n;
  const double h = pop->dt;
  const ap_real *const *par = pop->param;
  *out = NULL;
  if (lif_check_below(pop, err, err_size, PAR_V_RESET, "V_reset", PAR_V_TH, "V_th"))
    return AP_EINVAL;
  lif_psc_exp_inst *in =
      malloc(sizeof *in + 9 * (n ? n : 1) * sizeof(double));
  if (!in) {
    if (err && err_size)
      snprintf(err, err_size,
               "out of memory for the propagators of %zu neurons", n);
    return AP_ENOMEM;
  }
  double *a = (double *)(in + 1);
  in->n = n;
  in->P22 = a;
  in->P11ex = a + n;
  in->P11in = a + 2 * n;
  in->P21ex = a + 3 * n;
  in->P21in = a + 4 * n;
  in->P20 = a + 5 * n;
  in->ref_steps = a + 6 * n;
  in->nz_decay = a + 7 * n;
  in->nz_amp = a + 8 * n;
  for (size_t i = 0; i < n; i++) {
    const double C = par[PAR_C_M][i], tau_m = par[PAR_TAU_M][i];
    const double tex = par[PAR_TAU_SYN_EX][i], tin = par[PAR_TAU_SYN_IN][i];
    in->P22[i] = exp(-h / tau_m);
    in->P11ex[i] = exp(-h / tex);
    in->P11in[i] = exp(-h / tin);
    in->P21ex[i] = propagator_21(h, tex, tau_m, C);
    in->P21in[i] = propagator_21(h, tin, tau_m, C);
    in->P20[i] = -tau_m / C * expm1(-h / tau_m);
    in->ref_steps[i] = round(par[PAR_T_REF][i] / h);
    noise_derive(par[PAR_SIGMA][i], par[PAR_TAU_NOISE][i], h,
                     &in->nz_decay[i], &in->nz_amp[i]);
  }
  in->noisy = noise_active(pop, PAR_SIGMA, VAR_I_NOISE);
  /* One parameter set for the whole population (the common case): the
   * update then reads only the state and the inputs from memory.  The
   * noise parameters do not count: the noiseless paths never read them,
   * and a noisy population takes update_noisy() whatever they are. */
  in->uniform = 1;
  for (int k = 0; k < N_PARAMS && in->uniform; k++) {
    if (k == PAR_SIGMA || k == PAR_TAU_NOISE) continue;
    for (size_t i = 1; i < n && in->uniform; i++)
      if (par[k][i] != par[k][0]) in->uniform = 0;
  }
  *out = in;
  return AP_OK;
}

/* update() below when all neurons share one parameter set: parameters and
 * propagators are scalars.  Same arithmetic, same bits. */
static inline __attribute__((always_inline)) size_t
uniform_steps(const lif_psc_exp_inst *in, ap_neuron_block *b,
              const int scan_r) {
  const double p22 = in->P22[0], p11ex = in->P11ex[0], p11in = in->P11in[0],
               p21ex = in->P21ex[0], p21in = in->P21in[0], p20 = in->P20[0],
               refi = in->ref_steps[0];
  const double el = b->param[PAR_E_L][0], th = b->param[PAR_V_TH][0],
               vr = b->param[PAR_V_RESET][0], ie = b->param[PAR_I_E][0];
  /* the inputs are read through input_w and zeroed (the host's clearing
   * pass spared) */
  ap_real *restrict w_ex = b->input_w[PORT_EX];
  ap_real *restrict w_in = b->input_w[PORT_IN];
  ap_real *restrict V = b->state[VAR_V_M];
  ap_real *restrict i_ex = b->state[VAR_I_SYN_EX];
  ap_real *restrict i_in = b->state[VAR_I_SYN_IN];
  ap_real *restrict r = b->state[VAR_R_REF];
  size_t ns = 0;
  LIF_CHUNKS(b->n, c0, m, fired) {
#pragma GCC ivdep
    for (size_t j = 0; j < m; j++) {
      const size_t i = c0 + j;
      const double v = V[i], ri = r[i];
      const double vp = el + ((v - el) * p22 + i_ex[i] * p21ex +
                              i_in[i] * p21in + ie * p20);
      if (scan_r) /* the spikes found from r afterwards: one store less */
        lif_threshold_r(vp, ri, th, vr, refi, &V[i], &r[i]);
      else
        lif_threshold(vp, ri, th, vr, refi, &V[i], &r[i], &fired[j]);
      i_ex[i] = i_ex[i] * p11ex + w_ex[i];
      i_in[i] = i_in[i] * p11in + w_in[i];
      w_ex[i] = w_in[i] = 0.0;
    }
    ns = scan_r ? lif_collect_ref(r + c0, refi, m, c0, b->spiked, ns)
                : lif_collect_at(fired, m, c0, b->spiked, ns);
  }
  return ns;
}

AP_VECTOR_CLONES
static size_t update_uniform(const lif_psc_exp_inst *in, ap_neuron_block *b) {
  return in->ref_steps[0] >= 1.0 ? uniform_steps(in, b, 1)
                                 : uniform_steps(in, b, 0);
}

/* update() below with a noise current: first this step's I_noise, then
 * the general step with I_e + I_noise in place of I_e.  With I_noise = 0 a
 * neuron gets the bits of the noiseless paths. */
AP_VECTOR_CLONES
NOISY_PATH
static size_t update_noisy(const lif_psc_exp_inst *in, ap_neuron_block *b) {
  const size_t o = b->first;
  const double *restrict P22 = in->P22 + o, *restrict P11ex = in->P11ex + o,
                         *restrict P11in = in->P11in + o,
                         *restrict P21ex = in->P21ex + o,
                         *restrict P21in = in->P21in + o,
                         *restrict P20 = in->P20 + o,
                         *restrict ref = in->ref_steps + o;
  const ap_real *restrict E_L = b->param[PAR_E_L];
  const ap_real *restrict V_th = b->param[PAR_V_TH];
  const ap_real *restrict V_reset = b->param[PAR_V_RESET];
  const ap_real *restrict I_e = b->param[PAR_I_E];
  const ap_real *restrict w_ex = b->input[PORT_EX];
  const ap_real *restrict w_in = b->input[PORT_IN];
  ap_real *restrict V = b->state[VAR_V_M];
  ap_real *restrict i_ex = b->state[VAR_I_SYN_EX];
  ap_real *restrict i_in = b->state[VAR_I_SYN_IN];
  ap_real *restrict r = b->state[VAR_R_REF];
  ap_real *restrict I_n = b->state[VAR_I_NOISE];
  noise_step(b, in->nz_decay + o, in->nz_amp + o, I_n);
  size_t ns = 0;
  LIF_CHUNKS(b->n, c0, m, fired) {
#pragma GCC ivdep
    for (size_t j = 0; j < m; j++) {
      const size_t i = c0 + j;
      const double v = V[i], el = E_L[i], ri = r[i];
      const double vp = el + ((v - el) * P22[i] + i_ex[i] * P21ex[i] +
                              i_in[i] * P21in[i] + (I_e[i] + I_n[i]) * P20[i]);
      const double vr = V_reset[i], refi = ref[i], th = V_th[i];
      lif_threshold(vp, ri, th, vr, refi, &V[i], &r[i], &fired[j]);
      i_ex[i] = i_ex[i] * P11ex[i] + w_ex[i];
      i_in[i] = i_in[i] * P11in[i] + w_in[i];
    }
    ns = lif_collect_at(fired, m, c0, b->spiked, ns);
  }
  return ns;
}

/* One step, in NEST's order: propagate V_m (or count the refractory period
 * down), decay the currents and add this step's inputs, then test the
 * threshold.  V_m is propagated relative to E_L, stored absolute. */
AP_VECTOR_CLONES
static int update(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  const lif_psc_exp_inst *in = b->inst;
  if (in->noisy) { /* decided once per population: see noise_current.h */
    b->n_spiked = update_noisy(in, b);
    return AP_OK;
  }
  if (in->uniform && b->input_w) { /* (tools keep their inputs) */
    b->n_spiked = update_uniform(in, b);
    b->inputs_cleared = 1;
    return AP_OK;
  }
  const size_t o = b->first;
  const double *restrict P22 = in->P22 + o, *restrict P11ex = in->P11ex + o,
                         *restrict P11in = in->P11in + o,
                         *restrict P21ex = in->P21ex + o,
                         *restrict P21in = in->P21in + o,
                         *restrict P20 = in->P20 + o,
                         *restrict ref = in->ref_steps + o;
  const ap_real *restrict E_L = b->param[PAR_E_L];
  const ap_real *restrict V_th = b->param[PAR_V_TH];
  const ap_real *restrict V_reset = b->param[PAR_V_RESET];
  const ap_real *restrict I_e = b->param[PAR_I_E];
  const ap_real *restrict w_ex = b->input[PORT_EX];
  const ap_real *restrict w_in = b->input[PORT_IN];
  ap_real *restrict V = b->state[VAR_V_M];
  ap_real *restrict i_ex = b->state[VAR_I_SYN_EX];
  ap_real *restrict i_in = b->state[VAR_I_SYN_IN];
  ap_real *restrict r = b->state[VAR_R_REF];
  /* Without branches, so that the compiler vectorises it (the arrays
   * never overlap).  A refractory neuron stays at V_reset, where its
   * spike left it, and cannot fire. */
  size_t ns = 0;
  LIF_CHUNKS(b->n, c0, m, fired) {
#pragma GCC ivdep
    for (size_t j = 0; j < m; j++) {
      const size_t i = c0 + j;
      const double v = V[i], el = E_L[i], ri = r[i];
      const double vp = el + ((v - el) * P22[i] + i_ex[i] * P21ex[i] +
                              i_in[i] * P21in[i] + I_e[i] * P20[i]);
      const double vr = V_reset[i], refi = ref[i], th = V_th[i];
      lif_threshold(vp, ri, th, vr, refi, &V[i], &r[i], &fired[j]);
      i_ex[i] = i_ex[i] * P11ex[i] + w_ex[i];
      i_in[i] = i_in[i] * P11in[i] + w_in[i];
    }
    ns = lif_collect_at(fired, m, c0, b->spiked, ns);
  }
  b->n_spiked = ns;
  return AP_OK;
}

/* The chip form: with v = V_m - V_reset the step above is
 *   v <- P22 v + P21ex I_syn_ex + P21in I_syn_in
 *        + (1 - P22)(E_L - V_reset) + P20 I_e,
 * the currents as they are; V_m is held at V_reset while refractory. */
static int lower(const ap_neuron_pop *pop, size_t i, ap_lowered *out,
                 char *err, size_t err_size) {
  const ap_real *const *par = pop->param;
  const double h = pop->dt, C = par[PAR_C_M][i], tau_m = par[PAR_TAU_M][i];
  int rc = lower_lif_begin(pop, i, PAR_SIGMA, PAR_TAU_NOISE,
                           -tau_m / C * expm1(-h / tau_m), out, err, err_size);
  if (rc) return rc;
  const double tex = par[PAR_TAU_SYN_EX][i], tin = par[PAR_TAU_SYN_IN][i];
  const double E_L = par[PAR_E_L][i], V_reset = par[PAR_V_RESET][i];
  const double P22 = exp(-h / tau_m);
  out->v_keep = P22;
  out->bias = -expm1(-h / tau_m) * (E_L - V_reset) +
              -tau_m / C * expm1(-h / tau_m) * par[PAR_I_E][i];
  out->v_th = par[PAR_V_TH][i] - V_reset;
  out->v_off = V_reset;
  out->ref_steps = round(par[PAR_T_REF][i] / h);
  out->n_ports = N_PORTS;
  out->port_kind[PORT_EX] = out->port_kind[PORT_IN] = AP_LOWER_PORT_CURRENT;
  out->u_keep[PORT_EX] = exp(-h / tex);
  out->u_keep[PORT_IN] = exp(-h / tin);
  out->gain[PORT_EX] = propagator_21(h, tex, tau_m, C);
  out->gain[PORT_IN] = propagator_21(h, tin, tau_m, C);
  out->v_var = VAR_V_M;
  out->ref_var = VAR_R_REF;
  out->u_var[PORT_EX] = VAR_I_SYN_EX;
  out->u_var[PORT_IN] = VAR_I_SYN_IN;
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
    "lif_psc_exp -- leaky integrate-and-fire neuron, exponential synaptic "
    "currents\n"
    "\n"
    "Description\n"
    "  A point neuron whose membrane potential V_m leaks towards E_L and is\n"
    "  driven by a constant current I_e, two synaptic currents, I_syn_ex\n"
    "  and I_syn_in, and, when sigma > 0, a noise current I_noise (below).\n"
    "  A spike arriving on port ex (in) makes I_syn_ex (I_syn_in) jump by\n"
    "  its weight in pA at the end of the step it arrives in; the currents\n"
    "  then decay exponentially.  Weights keep their sign, so inhibitory\n"
    "  weights and I_syn_in are normally negative.  When V_m is at or above\n"
    "  V_th at the end of a step, the neuron spikes (stamped with the end of\n"
    "  that step), V_m is set to V_reset and held there for t_ref, rounded\n"
    "  to whole steps (r_ref counts them down).  The model follows NEST's\n"
    "  iaf_psc_exp: same equations, parameter names, defaults and update\n"
    "  order; the noise current is an addition.\n"
    "\n"
    "Equations\n"
    "  dV_m/dt      = -(V_m - E_L)/tau_m\n"
    "                 + (I_syn_ex + I_syn_in + I_e + I_noise)/C_m\n"
    "  dI_syn_ex/dt = -I_syn_ex/tau_syn_ex + sum_k w_k delta(t - t_k)  (ex)\n"
    "  dI_syn_in/dt = -I_syn_in/tau_syn_in + sum_k w_k delta(t - t_k)  (in)\n"
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
    "  layout.  White noise moves V_m by an amount that depends on dt:\n"
    "  without synaptic input the stationary variance of V_m is\n"
    "  P20^2 sigma^2 / (1 - P22^2), about sigma^2 tau_m dt / (2 C_m^2) for\n"
    "  dt << tau_m, so sigma must scale as 1/sqrt(dt) for a dt-independent\n"
    "  effect.  With sigma = 0 everywhere (the default) no draws are made\n"
    "  and I_noise stays 0.\n"
    "\n"
    "Integration\n"
    "  Exact integration on the grid (Rotter & Diesmann 1999).  With h = dt\n"
    "  and v = V_m - E_L, one step is\n"
    "    v        <- P22 v + P21ex I_syn_ex + P21in I_syn_in\n"
    "                + P20 (I_e + I_noise)\n"
    "    I_syn_ex <- P11ex I_syn_ex + (weights on ex in this step)\n"
    "    I_syn_in <- P11in I_syn_in + (weights on in in this step)\n"
    "  with P22 = exp(-h/tau_m), P11x = exp(-h/tau_syn_x),\n"
    "  P20 = tau_m/C_m (1 - P22) and\n"
    "  P21x = tau_syn_x tau_m / (C_m (tau_m - tau_syn_x))\n"
    "         (exp(-h/tau_m) - exp(-h/tau_syn_x)),\n"
    "  evaluated in a form that stays accurate as tau_syn_x approaches\n"
    "  tau_m and equals the limit (h/C_m) exp(-h/tau_m) when they are equal.\n"
    "  The result is exact up to rounding: spikes fall on the first grid\n"
    "  point at or after the true threshold crossing.\n"
    "\n"
    "Order within a step (as NEST)\n"
    "  0. renew I_noise (also while refractory)\n"
    "  1. not refractory: propagate V_m; refractory: r_ref -= 1, V_m held\n"
    "     at V_reset\n"
    "  2. decay I_syn_ex and I_syn_in, then add this step's weights\n"
    "     (an input first moves V_m in the following step)\n"
    "  3. not refractory and V_m >= V_th: spike, V_m = V_reset,\n"
    "     r_ref = round(t_ref/dt)\n"
    "\n"
    "Parameters\n"
    "  name        unit  default  meaning\n"
    "  E_L         mV    -70      resting membrane potential\n"
    "  C_m         pF    250      membrane capacitance (> 0)\n"
    "  tau_m       ms    10       membrane time constant (> 0)\n"
    "  t_ref       ms    2        refractory period (>= 0)\n"
    "  V_th        mV    -55      spike threshold\n"
    "  V_reset     mV    -70      reset potential (< V_th)\n"
    "  tau_syn_ex  ms    2        excitatory current time constant (> 0)\n"
    "  tau_syn_in  ms    2        inhibitory current time constant (> 0)\n"
    "  I_e         pA    0        constant input current\n"
    "  sigma       pA    0        sd of the noise current (>= 0)\n"
    "  tau_noise   ms    0        noise correlation time (>= 0; 0: white)\n"
    "\n"
    "State\n"
    "  V_m       mV  membrane potential (initially E_L)\n"
    "  I_syn_ex  pA  excitatory synaptic current (initially 0)\n"
    "  I_syn_in  pA  inhibitory synaptic current (initially 0)\n"
    "  r_ref     1   refractory steps left (internal, initially 0)\n"
    "  I_noise   pA  noise current of the last step (initially 0)\n"
    "\n"
    "Ports\n"
    "  ex  current (pA), default for non-negative weights\n"
    "  in  current (pA), default for negative weights\n"
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
    .name = "lif_psc_exp",
    .version = "1.0",
    .doc = "leaky integrate-and-fire neuron with exponential synaptic "
           "currents (exact integration)",
    .doc_long = doc_long,
    .desc = &neuron,
}};

AP_PLUGIN(plugins)
