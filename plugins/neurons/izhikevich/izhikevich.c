/* izhikevich.c -- Izhikevich's simple spiking neuron (Izhikevich 2003),
 * with the semantics of NEST's izhikevich model, plus an optional noise
 * current (white or Ornstein-Uhlenbeck).
 *
 * The model has no closed-form propagator; like NEST, it is stepped with
 * forward Euler on the simulation grid (consistent_integration = 1), or
 * with the scheme of the published code (two half steps for V, then U
 * from the new V; consistent_integration = 0), which reproduces the
 * figures of Izhikevich (2003) at dt = 1 ms.  prepare() derives the noise
 * propagators; update() draws the noise (only where sigma > 0), then runs
 * a branch-free loop over the block. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "apical_plugin.h"
#include "../lif_threshold.h"
#include "../noise_current.h"

enum {
  PAR_A,
  PAR_B,
  PAR_C,
  PAR_D,
  PAR_I_E,
  PAR_V_TH,
  PAR_V_MIN,
  PAR_CONSISTENT,
  PAR_SIGMA,
  PAR_TAU_NOISE,
  PAR_NOISE_UNIFORM,
  N_PARAMS
};
enum { VAR_V_M, VAR_U_M, VAR_I_STIM, VAR_I_NOISE, N_VARS };
enum { PORT_EX, PORT_IN, PORT_CURRENT, N_PORTS };

static const ap_param_desc params[N_PARAMS] = {
    [PAR_A] = {"a", "1", "time scale of the recovery variable U_m (1/ms)",
               AP_PT_REAL, 0.02, -INFINITY, INFINITY, 0, NULL},
    [PAR_B] = {"b", "1", "sensitivity of U_m to V_m", AP_PT_REAL, 0.2,
               -INFINITY, INFINITY, 0, NULL},
    [PAR_C] = {"c", "mV", "after-spike reset value of V_m", AP_PT_REAL, -65.0,
               -INFINITY, INFINITY, 0, NULL},
    [PAR_D] = {"d", "mV", "after-spike increment of U_m", AP_PT_REAL, 8.0,
               -INFINITY, INFINITY, 0, NULL},
    [PAR_I_E] = {"I_e", "pA", "constant external input current", AP_PT_REAL,
                 0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_V_TH] = {"V_th", "mV", "spike cut-off: V_m >= V_th fires",
                  AP_PT_REAL, 30.0, -INFINITY, INFINITY, 0, NULL},
    /* NEST's default, -DBL_MAX: the ABI never attains an infinite bound,
     * so "no bound" is the most negative finite double. */
    [PAR_V_MIN] = {"V_min", "mV",
                   "lower bound of V_m (default: none, -DBL_MAX)", AP_PT_REAL,
                   -DBL_MAX, -INFINITY, INFINITY, 0, NULL},
    [PAR_CONSISTENT] = {"consistent_integration", "1",
                        "1: forward Euler; 0: the published scheme of "
                        "Izhikevich (2003)",
                        AP_PT_INT, 1.0, 0.0, 1.0, 0, NULL},
    [PAR_SIGMA] = {"sigma", "pA", "standard deviation of the noise current",
                   AP_PT_REAL, 0.0, 0.0, INFINITY, 0, NULL},
    [PAR_TAU_NOISE] = {"tau_noise", "ms",
                       "correlation time of the noise current (0: white, "
                       "a new value each step)",
                       AP_PT_REAL, 0.0, 0.0, INFINITY, 0, NULL},
    [PAR_NOISE_UNIFORM] = {"noise_uniform", "1",
                           "0: normal noise draws; 1: uniform ones of the "
                           "same sd, on [-sqrt(3) sigma, sqrt(3) sigma] "
                           "(Izhikevich's thalamic input)",
                           AP_PT_INT, 0.0, 0.0, 1.0, 0, NULL},
};

/* U_m starts at b V_m for the default b and V_m, as in Izhikevich's code;
 * the ABI can start a variable only at a constant or at one parameter's
 * value, so with another b, U_m must be set explicitly. */
static const ap_var_desc vars[N_VARS] = {
    [VAR_V_M] = {"V_m", "mV", "membrane potential", -65.0, NULL, 0, 0},
    [VAR_U_M] = {"U_m", "mV", "membrane recovery variable", -13.0, NULL, 0,
                 0},
    [VAR_I_STIM] = {"I_stim", "pA",
                    "current from port current, applied over the next step",
                    0.0, NULL, 0, 0},
    [VAR_I_NOISE] = {"I_noise", "pA", "noise current of the last step", 0.0,
                     NULL, 0, 0},
};

static const ap_port_desc ports[N_PORTS] = {
    [PORT_EX] = {"ex", "voltage jumps (mV, sign kept)", AP_PORT_VOLTAGE, 0,
                 +1},
    [PORT_IN] = {"in", "voltage jumps (mV, negative weights)",
                 AP_PORT_VOLTAGE, 0, -1},
    [PORT_CURRENT] = {"current",
                      "input current (pA), applied over the following step",
                      AP_PORT_CURRENT, 0, 0},
};

/* Derived values, population-indexed. */
typedef struct izhikevich_inst {
  double *E_n;     /* noise: exp(-dt/tau_noise), 0 for white noise */
  double *S_n;     /* noise: sigma sqrt(1 - E_n^2), 0 when sigma = 0 */
} izhikevich_inst;

enum { N_DERIVED = 2 };

static void release(void *p) { free(p); }

static int prepare(void **out, const ap_neuron_pop *pop, char *err,
                   size_t err_size) {
  const size_t n = pop->n, m = n ? n : 1;
  const double h = pop->dt;
  const ap_real *const *par = pop->param;
  *out = NULL;
  if (lif_check_below(pop, err, err_size, PAR_V_MIN, "V_min", PAR_V_TH, "V_th"))
    return AP_EINVAL;
  izhikevich_inst *in = malloc(sizeof *in + N_DERIVED * m * sizeof(double));
  if (!in) {
    if (err && err_size)
      snprintf(err, err_size,
               "out of memory for the derived values of %zu neurons", n);
    return AP_ENOMEM;
  }
  double *a = (double *)(in + 1);
  in->E_n = a;
  in->S_n = a + m;
  int published = 0;
  for (size_t i = 0; i < n; i++) {
    noise_derive(par[PAR_SIGMA][i], par[PAR_TAU_NOISE][i], h, &in->E_n[i],
                 &in->S_n[i]);
    if (par[PAR_CONSISTENT][i] == 0.0) published = 1;
  }
  /* The published scheme was made for 1 ms steps (as NEST notes). */
  if (published && h != 1.0 && pop->host && pop->host->log)
    pop->host->log(AP_LOG_INFO, "izhikevich",
                   "consistent_integration = 0 reproduces the published "
                   "results at dt = 1 ms; dt is %g ms",
                   h);
  *out = in;
  return AP_OK;
}

/* One step, in NEST's order (Izhikevich 2003, eqs. 1-3):
 *   1. integrate V_m and U_m over the step with the input current
 *      I = I_e + I_stim + I_noise, adding this step's voltage jumps;
 *   2. V_m = max(V_m, V_min);
 *   3. V_m >= V_th: spike, V_m = c, U_m += d;
 *   4. I_stim = this step's input on port current (used next step).
 * Forward Euler takes the derivatives at the old (V, U) for both.  The
 * published scheme takes two half steps for V (the step's voltage inputs
 * entering each as a current, as in the published code, where synaptic
 * input is part of I), then U from the new V.  The loop has no branches
 * (the integration choice is a select), so it vectorises. */
AP_VECTOR_CLONES
static size_t step_block(const izhikevich_inst *in, ap_neuron_block *b) {
  const size_t n = b->n;
  const double h = b->dt, hh = 0.5 * b->dt;
  const ap_real *restrict A = b->param[PAR_A];
  const ap_real *restrict B = b->param[PAR_B];
  const ap_real *restrict C = b->param[PAR_C];
  const ap_real *restrict D = b->param[PAR_D];
  const ap_real *restrict I_e = b->param[PAR_I_E];
  const ap_real *restrict V_th = b->param[PAR_V_TH];
  const ap_real *restrict V_min = b->param[PAR_V_MIN];
  const ap_real *restrict CI = b->param[PAR_CONSISTENT];
  const ap_real *restrict w_ex = b->input[PORT_EX];
  const ap_real *restrict w_in = b->input[PORT_IN];
  const ap_real *restrict w_cur = b->input[PORT_CURRENT];
  ap_real *restrict V = b->state[VAR_V_M];
  ap_real *restrict U = b->state[VAR_U_M];
  ap_real *restrict I_stim = b->state[VAR_I_STIM];
  const ap_real *restrict I_n = b->state[VAR_I_NOISE];
  size_t ns = 0;
  LIF_CHUNKS(n, c0, m, fired) {
#pragma GCC ivdep
    for (size_t j = 0; j < m; j++) {
      const size_t i = c0 + j;
      const double v = V[i], u = U[i], a = A[i];
      const double I = I_e[i] + I_stim[i] + I_n[i];
      const double jump = w_ex[i] + w_in[i];
      /* forward Euler */
      const double ve = v + (h * (0.04 * (v * v) + 5.0 * v + 140.0 - u + I) +
                             jump);
      const double ue = u + h * a * (B[i] * v - u);
      /* published scheme */
      const double Ip = I + jump;
      double vp = v + hh * (0.04 * (v * v) + 5.0 * v + 140.0 - u + Ip);
      vp = vp + hh * (0.04 * (vp * vp) + 5.0 * vp + 140.0 - u + Ip);
      const double up = u + h * a * (B[i] * vp - u);
      const int euler = CI[i] != 0.0;
      double vn = euler ? ve : vp;
      const double un = euler ? ue : up;
      vn = vn < V_min[i] ? V_min[i] : vn;
      const int spike = vn >= V_th[i];
      V[i] = spike ? C[i] : vn;
      U[i] = spike ? un + D[i] : un;
      fired[j] = spike ? 1.0 : 0.0;
      I_stim[i] = w_cur[i];
    }
    ns = lif_collect_at(fired, m, c0, b->spiked, ns);
  }
  return ns;
}

static int update(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  const izhikevich_inst *in = b->inst;
  noise_step_shaped(b, in->E_n + b->first, in->S_n + b->first,
                    b->param[PAR_NOISE_UNIFORM], b->state[VAR_I_NOISE]);
  b->n_spiked = step_block(in, b);
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
};

static const char doc_long[] =
    "izhikevich -- Izhikevich's simple spiking neuron model\n"
    "\n"
    "Description\n"
    "  The two-variable model of Izhikevich (2003): a quadratic membrane\n"
    "  potential V_m and a recovery variable U_m, reset to c and\n"
    "  incremented by d when V_m reaches the cut-off V_th.  With a, b, c, d\n"
    "  it reproduces the firing patterns of cortical neurons (regular\n"
    "  spiking: 0.02, 0.2, -65, 8; fast spiking: 0.1, 0.2, -65, 2;\n"
    "  chattering: 0.02, 0.2, -50, 2; Izhikevich 2003, fig. 2).  Each\n"
    "  spike arriving on port ex or in makes V_m jump by its weight in mV\n"
    "  (weights keep their sign).  A current arriving on port current (pA)\n"
    "  is stored in I_stim and drives the neuron over the following step,\n"
    "  as NEST's CurrentEvent does.  Optionally a noise current I_noise\n"
    "  is added: white (tau_noise = 0) or Ornstein-Uhlenbeck (tau_noise >\n"
    "  0).  The model follows NEST's izhikevich: same equations, parameter\n"
    "  names, defaults, integration schemes and update order.  As in the\n"
    "  model's equations, currents are in the units of dV/dt (1 pA adds\n"
    "  1 mV/ms).\n"
    "\n"
    "Equations\n"
    "  dV_m/dt = 0.04 V_m^2 + 5 V_m + 140 - U_m + I_e + I_stim + I_noise\n"
    "            + sum_k w_k delta(t - t_k)\n"
    "  dU_m/dt = a (b V_m - U_m)\n"
    "  V_m >= V_th: spike; V_m = c, U_m = U_m + d\n"
    "  V_m is kept at or above V_min.\n"
    "\n"
    "Integration\n"
    "  consistent_integration = 1 (default): forward Euler with h = dt,\n"
    "    both derivatives taken at the old (V_m, U_m); the step's voltage\n"
    "    jumps are added to V_m.  First order: spike times converge\n"
    "    linearly in dt (dt <= 0.01 ms for times to within ~0.05 ms).\n"
    "  consistent_integration = 0: the scheme of the published code\n"
    "    (Izhikevich 2003): V_m takes two half steps of h/2, the second\n"
    "    from the first's result, then U_m one step of h using the new\n"
    "    V_m.  The step's voltage inputs enter each half step as a\n"
    "    current, as synaptic input does in the published code, so a\n"
    "    weight w moves V_m by about w h.  Meant for dt = 1 ms, where it\n"
    "    reproduces the published results (prepare() notes other dt at\n"
    "    log level info).\n"
    "\n"
    "Noise current\n"
    "  With sigma > 0, I_noise is updated at the start of each step and\n"
    "  held constant over it:\n"
    "    I_noise <- E I_noise + S N(0, 1),\n"
    "    E = exp(-dt/tau_noise), S = sigma sqrt(1 - exp(-2 dt/tau_noise)),\n"
    "  the exact update of an Ornstein-Uhlenbeck process of stationary\n"
    "  standard deviation sigma (Gillespie 1996); tau_noise = 0 gives\n"
    "  E = 0, S = sigma: a new independent value each step (its effect\n"
    "  on V_m therefore depends on dt, as with NEST's noise_generator).\n"
    "  The normal draws come from the host's generator keyed by (seed,\n"
    "  population stream, neuron id, step), so they do not depend on the\n"
    "  thread count or block layout.  With sigma = 0 no draws are taken\n"
    "  and I_noise only decays (E I_noise).\n"
    "\n"
    "Order within a step (as NEST)\n"
    "  0. update I_noise\n"
    "  1. integrate V_m and U_m over the step (see Integration)\n"
    "  2. V_m = max(V_m, V_min)\n"
    "  3. V_m >= V_th: spike (stamped with the end of the step), V_m = c,\n"
    "     U_m = U_m + d\n"
    "  4. I_stim = this step's input on port current\n"
    "\n"
    "Parameters\n"
    "  name                    unit  default        meaning\n"
    "  a                       1     0.02           recovery time scale "
    "(1/ms)\n"
    "  b                       1     0.2            sensitivity of U_m to "
    "V_m\n"
    "  c                       mV    -65            reset value of V_m\n"
    "  d                       mV    8              after-spike increment "
    "of U_m\n"
    "  I_e                     pA    0              constant input current\n"
    "  V_th                    mV    30             spike cut-off\n"
    "  V_min                   mV    -1.79769e+308  lower bound of V_m "
    "(< V_th;\n"
    "                                               default -DBL_MAX: "
    "none)\n"
    "  consistent_integration  1     1              1: forward Euler, 0: "
    "published\n"
    "                                               scheme\n"
    "  sigma                   pA    0              sd of the noise current "
    "(>= 0)\n"
    "  tau_noise               ms    0              noise correlation time "
    "(>= 0;\n"
    "                                               0: white)\n"
    "  noise_uniform           1     0              1: uniform draws on\n"
    "                                               [-sqrt(3) sigma,\n"
    "                                               sqrt(3) sigma] instead\n"
    "                                               of normal ones\n"
    "\n"
    "State\n"
    "  V_m      mV  membrane potential (initially -65)\n"
    "  U_m      mV  recovery variable (initially -13 = b V_m for the\n"
    "               defaults; set it with b)\n"
    "  I_stim   pA  current from port current for the next step "
    "(initially 0)\n"
    "  I_noise  pA  noise current of the last step (initially 0)\n"
    "\n"
    "Ports\n"
    "  ex       voltage (mV), default for non-negative weights\n"
    "  in       voltage (mV), default for negative weights\n"
    "  current  current (pA), never a default: name it with port =\n"
    "           \"current\"\n"
    "\n"
    "References\n"
    "  Izhikevich EM (2003). Simple model of spiking neurons. IEEE\n"
    "    Transactions on Neural Networks 14:1569-1572.\n"
    "  Izhikevich EM (2004). Which model to use for cortical spiking\n"
    "    neurons? IEEE Transactions on Neural Networks 15:1063-1070.\n"
    "  Gillespie DT (1996). Exact numerical simulation of the\n"
    "    Ornstein-Uhlenbeck process and its integral. Physical Review E\n"
    "    54:2084-2091.\n"
    "  NEST model documentation: izhikevich (Hanuschkin, Morrison,\n"
    "    Kunkel), https://nest-simulator.readthedocs.io/\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_NEURON,
    .name = "izhikevich",
    .version = "1.0",
    .doc = "Izhikevich's simple spiking neuron (quadratic V, recovery U), "
           "as NEST's izhikevich",
    .doc_long = doc_long,
    .desc = &neuron,
}};

AP_PLUGIN(plugins)
