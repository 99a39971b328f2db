/* lif_cond_exp.c -- leaky integrate-and-fire neuron with exponentially
 * decaying synaptic conductances.
 *
 * The conductances are linear and decay exactly; the membrane equation,
 * whose coefficients depend on them, is integrated with classical RK4 on
 * substeps, the conductances at the RK stages taken from their exact
 * decay.  prepare() derives the substep count and all decay factors from
 * (parameters, dt), so update() only multiplies and adds. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "apical_plugin.h"
#include "../noise_current.h"
#include "../lif_threshold.h"

/* Longest RK4 substep (ms), and the fraction of the shortest time
 * constant (tau_syn_ex, tau_syn_in, C_m/g_L) a substep may span.  With
 * these, the voltage error stays below 1e-6 mV for inputs of up to about
 * 200 nS (see the accuracy paragraph of the documentation); halving
 * SUBSTEP_PER_TAU would cut it ~16-fold at twice the cost. */
#define SUBSTEP_MAX_MS 0.1
#define SUBSTEP_PER_TAU 0.1

enum {
  PAR_V_TH,
  PAR_V_RESET,
  PAR_T_REF,
  PAR_G_L,
  PAR_C_M,
  PAR_E_EX,
  PAR_E_IN,
  PAR_E_L,
  PAR_TAU_SYN_EX,
  PAR_TAU_SYN_IN,
  PAR_I_E,
  PAR_SIGMA,
  PAR_TAU_NOISE,
  PAR_INTEGRATOR,
  N_PARAMS
};
enum { METHOD_RK4 = 0, METHOD_RK2 = 1 };
enum { VAR_V_M, VAR_G_EX, VAR_G_IN, VAR_R_REF, VAR_I_NOISE, N_VARS };
enum { PORT_EX, PORT_IN, N_PORTS };

static const ap_param_desc params[N_PARAMS] = {
    [PAR_V_TH] = {"V_th", "mV", "spike threshold", AP_PT_REAL, -55.0,
                  -INFINITY, INFINITY, 0, NULL},
    [PAR_V_RESET] = {"V_reset", "mV", "reset potential, below V_th",
                     AP_PT_REAL, -60.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_T_REF] = {"t_ref", "ms",
                   "absolute refractory period (rounded to whole steps)",
                   AP_PT_REAL, 2.0, 0.0, INFINITY, 0, NULL},
    [PAR_G_L] = {"g_L", "nS", "leak conductance", AP_PT_REAL, 16.6667, 0.0,
                 INFINITY, AP_RANGE_MIN_OPEN, NULL},
    [PAR_C_M] = {"C_m", "pF", "membrane capacitance", AP_PT_REAL, 250.0, 0.0,
                 INFINITY, AP_RANGE_MIN_OPEN, NULL},
    [PAR_E_EX] = {"E_ex", "mV", "excitatory reversal potential", AP_PT_REAL,
                  0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_E_IN] = {"E_in", "mV", "inhibitory reversal potential", AP_PT_REAL,
                  -85.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_E_L] = {"E_L", "mV", "leak reversal (resting) potential", AP_PT_REAL,
                 -70.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_TAU_SYN_EX] = {"tau_syn_ex", "ms",
                        "decay time constant of the excitatory conductance",
                        AP_PT_REAL, 0.2, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                        NULL},
    [PAR_TAU_SYN_IN] = {"tau_syn_in", "ms",
                        "decay time constant of the inhibitory conductance",
                        AP_PT_REAL, 2.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                        NULL},
    [PAR_I_E] = {"I_e", "pA", "constant external input current", AP_PT_REAL,
                 0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_SIGMA] = NOISE_PARAM_SIGMA,
    [PAR_TAU_NOISE] = NOISE_PARAM_TAU,
    [PAR_INTEGRATOR] = {"integrator", "1",
                        "V_m's integrator on each substep: 0 classical RK4, "
                        "1 explicit midpoint (RK2, half the work)",
                        AP_PT_INT, 0.0, 0.0, 1.0, 0, NULL},
};

static const ap_var_desc vars[N_VARS] = {
    [VAR_V_M] = {"V_m", "mV", "membrane potential", 0.0, "E_L", 0, 0},
    [VAR_G_EX] = {"g_ex", "nS", "excitatory synaptic conductance", 0.0, NULL,
                  0, 0},
    [VAR_G_IN] = {"g_in", "nS", "inhibitory synaptic conductance", 0.0, NULL,
                  0, 0},
    [VAR_R_REF] = {"r_ref", "1", "refractory steps left", 0.0, NULL, 0,
                   AP_VAR_INTERNAL},
    [VAR_I_NOISE] = NOISE_VAR,
};

static const ap_port_desc ports[N_PORTS] = {
    [PORT_EX] = {"ex", "excitatory conductance input (nS, >= 0)",
                 AP_PORT_CONDUCTANCE, 0, +1},
    [PORT_IN] = {"in", "inhibitory conductance input (nS, >= 0)",
                 AP_PORT_CONDUCTANCE, 0, -1},
};

/* Derived values, population-indexed (every parameter is per neuron). */
typedef struct lif_cond_exp_inst {
  size_t n;
  uint32_t *substeps; /* RK4 substeps per step */
  double *hs;         /* substep length (ms) */
  double *inv_C;      /* 1/C_m */
  double *Dh_ex;      /* exp(-hs/(2 tau_syn_ex)): decay over half a substep */
  double *D_ex;       /* exp(-hs/tau_syn_ex): decay over a substep */
  double *Dh_in;
  double *D_in;
  double *P_ex;       /* exp(-dt/tau_syn_ex): decay over the step */
  double *P_in;
  double *ref_steps;  /* round(t_ref/dt) */
  double *nz_decay;   /* noise current: see noise_current.h */
  double *nz_amp;
  int one_substep;    /* every neuron takes one substep with one method:
                         the fast path */
  int method;         /* ... that method */
  int uniform;        /* ... and all have the same parameters */
  int noisy;          /* some neuron can carry a noise current */
} lif_cond_exp_inst;

enum { N_DERIVED = 11 }; /* double arrays in lif_cond_exp_inst */

static void release(void *p) { free(p); }

static int fail(char *err, size_t err_size, int rc, const char *fmt,
                size_t i, double a, double b) {
  if (err && err_size) snprintf(err, err_size, fmt, i, a, b);
  return rc;
}

static int prepare(void **out, const ap_neuron_pop *pop, char *err,
                   size_t err_size) {
  const size_t n = pop->n, m = n ? n : 1;
  const double h = pop->dt;
  const ap_real *const *par = pop->param;
  *out = NULL;
  if (lif_check_below(pop, err, err_size, PAR_V_RESET, "V_reset", PAR_V_TH, "V_th"))
    return AP_EINVAL;
  lif_cond_exp_inst *in =
      malloc(sizeof *in + N_DERIVED * m * sizeof(double) +
             m * sizeof(uint32_t));
  if (!in) {
    if (err && err_size)
      snprintf(err, err_size,
               "out of memory for the derived values of %zu neurons", n);
    return AP_ENOMEM;
  }
  double *a = (double *)(in + 1);
  in->n = n;
  in->hs = a;
  in->inv_C = a + m;
  in->Dh_ex = a + 2 * m;
  in->D_ex = a + 3 * m;
  in->Dh_in = a + 4 * m;
  in->D_in = a + 5 * m;
  in->P_ex = a + 6 * m;
  in->P_in = a + 7 * m;
  in->ref_steps = a + 8 * m;
  in->nz_decay = a + 9 * m;
  in->nz_amp = a + 10 * m;
  in->substeps = (uint32_t *)(a + N_DERIVED * m); /* after the doubles */
  in->one_substep = 1;
  in->method = n ? (int)par[PAR_INTEGRATOR][0] : METHOD_RK4;
  for (size_t i = 0; i < n; i++) {
    const double tex = par[PAR_TAU_SYN_EX][i], tin = par[PAR_TAU_SYN_IN][i];
    const double tau_m = par[PAR_C_M][i] / par[PAR_G_L][i];
    double tau_min = tex < tin ? tex : tin;
    if (tau_m < tau_min) tau_min = tau_m;
    double hmax = SUBSTEP_PER_TAU * tau_min;
    if (hmax > SUBSTEP_MAX_MS) hmax = SUBSTEP_MAX_MS;
    /* The small slack keeps dt = 0.1 ms at one substep despite rounding. */
    double k = ceil(h / hmax * (1.0 - 1e-12));
    if (k < 1.0) k = 1.0;
    if (k > 1e6) {
      free(in);
      return fail(err, err_size, AP_EINVAL,
                  "neuron %zu: time constants down to %.10g ms are too short "
                  "for dt = %.10g ms",
                  i + 1, tau_min, h);
    }
    const double hs = h / k;
    in->substeps[i] = (uint32_t)k;
    if (k != 1.0 || (int)par[PAR_INTEGRATOR][i] != in->method)
      in->one_substep = 0;
    in->hs[i] = hs;
    in->inv_C[i] = 1.0 / par[PAR_C_M][i];
    in->Dh_ex[i] = exp(-0.5 * hs / tex);
    in->D_ex[i] = exp(-hs / tex);
    in->Dh_in[i] = exp(-0.5 * hs / tin);
    in->D_in[i] = exp(-hs / tin);
    in->P_ex[i] = exp(-h / tex);
    in->P_in[i] = exp(-h / tin);
    in->ref_steps[i] = round(par[PAR_T_REF][i] / h);
    noise_derive(par[PAR_SIGMA][i], par[PAR_TAU_NOISE][i], h,
                     &in->nz_decay[i], &in->nz_amp[i]);
  }
  in->noisy = noise_active(pop, PAR_SIGMA, VAR_I_NOISE);
  /* The common case of one parameter set for the whole population: the
   * update then reads only the state and the inputs from memory.  The
   * noise parameters do not count: the noiseless paths never read them,
   * and a noisy population takes update_noisy() whatever they are. */
  in->uniform = in->one_substep;
  for (int k = 0; k < N_PARAMS && in->uniform; k++) {
    if (k == PAR_SIGMA || k == PAR_TAU_NOISE) continue;
    for (size_t i = 1; i < n && in->uniform; i++)
      if (par[k][i] != par[k][0]) in->uniform = 0;
  }
  *out = in;
  return AP_OK;
}

/* One RK4 substep of length h of C dV/dt = c - a V, where the
 * conductances decay exactly: ge, gi at the substep's start, dh_* and d_*
 * their decay factors over half and a whole substep; ic = 1/C,
 * glel_ie = g_L E_L + I_e.  Every update path calls it, so all give the
 * same bits. */
static inline __attribute__((always_inline)) double rk4_substep(double v, double ge, double gi, double h,
                                 double ic, double gl, double glel_ie,
                                 double eex, double ein, double dh_ex,
                                 double d_ex, double dh_in, double d_in) {
  const double gem = ge * dh_ex, gim = gi * dh_in;
  const double ge1 = ge * d_ex, gi1 = gi * d_in;
  const double c0 = glel_ie + ge * eex + gi * ein, a0 = gl + ge + gi;
  const double cm = glel_ie + gem * eex + gim * ein, am = gl + gem + gim;
  const double c1 = glel_ie + ge1 * eex + gi1 * ein, a1 = gl + ge1 + gi1;
  const double k1 = (c0 - a0 * v) * ic;
  const double k2 = (cm - am * (v + 0.5 * h * k1)) * ic;
  const double k3 = (cm - am * (v + 0.5 * h * k2)) * ic;
  const double k4 = (c1 - a1 * (v + h * k3)) * ic;
  return v + h / 6.0 * (k1 + 2.0 * (k2 + k3) + k4);
}

/* The same substep with the explicit midpoint rule (RK2): the slope at
 * the start carries V to the middle of the substep, and the slope there,
 * with the conductances exact at the middle, over the whole substep.
 * Second order in h.  The slope is written as
 *   C dV/dt = (g_L E_L + I_e) - g_L V + g_ex (E_ex - V) + g_in (E_in - V)
 * and summed with fused multiply-adds, each rounded once, so every build
 * (with or without FMA hardware) gets the same bits. */
static inline __attribute__((always_inline)) double rk2_substep(double v, double ge, double gi, double h,
                                 double ic, double gl, double glel_ie,
                                 double eex, double ein, double dh_ex,
                                 double dh_in) {
  const double s0 =
      fma(gi, ein - v, fma(ge, eex - v, fma(-gl, v, glel_ie)));
  const double vm = fma(0.5 * h * ic, s0, v);
  const double gem = ge * dh_ex, gim = gi * dh_in;
  const double sm =
      fma(gim, ein - vm, fma(gem, eex - vm, fma(-gl, vm, glel_ie)));
  return fma(h * ic, sm, v);
}

/* One substep with the method a neuron's `integrator` names. */
static inline __attribute__((always_inline)) double substep(int method, double v, double ge, double gi,
                             double h, double ic, double gl, double glel_ie,
                             double eex, double ein, double dh_ex,
                             double d_ex, double dh_in, double d_in) {
  return method == METHOD_RK2
             ? rk2_substep(v, ge, gi, h, ic, gl, glel_ie, eex, ein, dh_ex,
                           dh_in)
             : rk4_substep(v, ge, gi, h, ic, gl, glel_ie, eex, ein, dh_ex,
                           d_ex, dh_in, d_in);
}

/* The step of update() below when every neuron of the population has the
 * same parameters and takes one substep: the parameters and derived
 * values are scalars, so the loop streams through the state and inputs
 * only.  Same arithmetic, same bits. */
static inline __attribute__((always_inline)) size_t
uniform_steps(const lif_cond_exp_inst *in, ap_neuron_block *b,
              const int method, const int scan_r) {
  const size_t n = b->n;
  const double h = in->hs[0], ic = in->inv_C[0], dh_ex = in->Dh_ex[0],
               d_ex = in->D_ex[0], dh_in = in->Dh_in[0], d_in = in->D_in[0],
               p_ex = in->P_ex[0], p_in = in->P_in[0], refi = in->ref_steps[0];
  const double th = b->param[PAR_V_TH][0], vr = b->param[PAR_V_RESET][0],
               gl = b->param[PAR_G_L][0], eex = b->param[PAR_E_EX][0],
               ein = b->param[PAR_E_IN][0];
  const double glel_ie = gl * b->param[PAR_E_L][0] + b->param[PAR_I_E][0];
  /* the inputs are read through input_w and zeroed (the host's clearing
   * pass spared) */
  ap_real *restrict w_ex = b->input_w[PORT_EX];
  ap_real *restrict w_in = b->input_w[PORT_IN];
  ap_real *restrict V = b->state[VAR_V_M];
  ap_real *restrict g_ex = b->state[VAR_G_EX];
  ap_real *restrict g_in = b->state[VAR_G_IN];
  ap_real *restrict r = b->state[VAR_R_REF];
  size_t ns = 0;
  LIF_CHUNKS(n, c0, m, fired) {
#pragma GCC ivdep
    for (size_t j = 0; j < m; j++) {
      const size_t i = c0 + j;
      const double ge = g_ex[i], gi = g_in[i], v = V[i], ri = r[i];
      const double vn = substep(method, v, ge, gi, h, ic, gl, glel_ie, eex,
                                ein, dh_ex, d_ex, dh_in, d_in);
      if (scan_r) /* the spikes found from r afterwards: one store less */
        lif_threshold_r(vn, ri, th, vr, refi, &V[i], &r[i]);
      else
        lif_threshold(vn, ri, th, vr, refi, &V[i], &r[i], &fired[j]);
      g_ex[i] = ge * p_ex + w_ex[i];
      g_in[i] = gi * p_in + w_in[i];
      w_ex[i] = w_in[i] = 0.0;
    }
    ns = scan_r ? lif_collect_ref(r + c0, refi, m, c0, b->spiked, ns)
                : lif_collect_at(fired, m, c0, b->spiked, ns);
  }
  return ns;
}

/* The step of update() below for blocks whose neurons all take a single
 * RK4 substep (time constants of 1 ms and more at dt = 0.1 ms), written
 * without branches so that the compiler vectorises it.  The arithmetic is
 * the general path's, operation for operation, so both give the same
 * bits. */
static inline __attribute__((always_inline)) size_t
one_substep_steps(const lif_cond_exp_inst *in, ap_neuron_block *b,
                  const int method) {
  const size_t o = b->first, n = b->n;
  const double *restrict hs_ = in->hs + o, *restrict inv_C = in->inv_C + o,
                         *restrict Dh_ex = in->Dh_ex + o,
                         *restrict D_ex = in->D_ex + o,
                         *restrict Dh_in = in->Dh_in + o,
                         *restrict D_in = in->D_in + o,
                         *restrict P_ex = in->P_ex + o,
                         *restrict P_in = in->P_in + o,
                         *restrict ref = in->ref_steps + o;
  const ap_real *restrict V_th = b->param[PAR_V_TH];
  const ap_real *restrict V_reset = b->param[PAR_V_RESET];
  const ap_real *restrict g_L = b->param[PAR_G_L];
  const ap_real *restrict E_ex = b->param[PAR_E_EX];
  const ap_real *restrict E_in = b->param[PAR_E_IN];
  const ap_real *restrict E_L = b->param[PAR_E_L];
  const ap_real *restrict I_e = b->param[PAR_I_E];
  const ap_real *restrict w_ex = b->input[PORT_EX];
  const ap_real *restrict w_in = b->input[PORT_IN];
  ap_real *restrict V = b->state[VAR_V_M];
  ap_real *restrict g_ex = b->state[VAR_G_EX];
  ap_real *restrict g_in = b->state[VAR_G_IN];
  ap_real *restrict r = b->state[VAR_R_REF];
  /* The arrays never overlap (they are distinct host and instance
   * arrays); saying so spares the vectoriser its run-time alias checks. */
  size_t ns = 0;
  LIF_CHUNKS(n, c0, m, fired) {
#pragma GCC ivdep
    for (size_t j = 0; j < m; j++) {
      const size_t i = c0 + j;
      const double ge = g_ex[i], gi = g_in[i], v = V[i];
      const double h = hs_[i], ic = inv_C[i], gl = g_L[i];
      const double glel_ie = gl * E_L[i] + I_e[i], eex = E_ex[i], ein = E_in[i];
      const double vn = substep(method, v, ge, gi, h, ic, gl, glel_ie,
                                eex, ein, Dh_ex[i], D_ex[i], Dh_in[i],
                                D_in[i]);
      const double ri = r[i], vr = V_reset[i], refi = ref[i], th = V_th[i];
      lif_threshold(vn, ri, th, vr, refi, &V[i], &r[i], &fired[j]);
      g_ex[i] = ge * P_ex[i] + w_ex[i];
      g_in[i] = gi * P_in[i] + w_in[i];
    }
    ns = lif_collect_at(fired, m, c0, b->spiked, ns);
  }
  return ns;
}

/* The two paths above for each method (the method a constant in each
 * copy, so that no loop computes both). */
AP_VECTOR_CLONES
static size_t update_uniform_rk4(const lif_cond_exp_inst *in,
                                 ap_neuron_block *b) {
  return in->ref_steps[0] >= 1.0 ? uniform_steps(in, b, METHOD_RK4, 1)
                                 : uniform_steps(in, b, METHOD_RK4, 0);
}
AP_VECTOR_CLONES
static size_t update_uniform_rk2(const lif_cond_exp_inst *in,
                                 ap_neuron_block *b) {
  return in->ref_steps[0] >= 1.0 ? uniform_steps(in, b, METHOD_RK2, 1)
                                 : uniform_steps(in, b, METHOD_RK2, 0);
}
AP_VECTOR_CLONES
static size_t update_one_substep_rk4(const lif_cond_exp_inst *in,
                                     ap_neuron_block *b) {
  return one_substep_steps(in, b, METHOD_RK4);
}
AP_VECTOR_CLONES
static size_t update_one_substep_rk2(const lif_cond_exp_inst *in,
                                     ap_neuron_block *b) {
  return one_substep_steps(in, b, METHOD_RK2);
}

/* update() below with a noise current: first this step's I_noise, then
 * the general step (any substep count) with I_e + I_noise in place of
 * I_e.  With I_noise = 0 a neuron gets the bits of the noiseless paths. */
NOISY_PATH
static size_t update_noisy(const lif_cond_exp_inst *in, ap_neuron_block *b) {
  const size_t o = b->first;
  const uint32_t *restrict K = in->substeps + o;
  const double *restrict hs_ = in->hs + o, *restrict inv_C = in->inv_C + o,
                         *restrict Dh_ex = in->Dh_ex + o,
                         *restrict D_ex = in->D_ex + o,
                         *restrict Dh_in = in->Dh_in + o,
                         *restrict D_in = in->D_in + o,
                         *restrict P_ex = in->P_ex + o,
                         *restrict P_in = in->P_in + o,
                         *restrict ref = in->ref_steps + o;
  const ap_real *restrict V_th = b->param[PAR_V_TH];
  const ap_real *restrict V_reset = b->param[PAR_V_RESET];
  const ap_real *restrict g_L = b->param[PAR_G_L];
  const ap_real *restrict E_ex = b->param[PAR_E_EX];
  const ap_real *restrict E_in = b->param[PAR_E_IN];
  const ap_real *restrict E_L = b->param[PAR_E_L];
  const ap_real *restrict I_e = b->param[PAR_I_E];
  const ap_real *restrict w_ex = b->input[PORT_EX];
  const ap_real *restrict w_in = b->input[PORT_IN];
  ap_real *restrict V = b->state[VAR_V_M];
  ap_real *restrict g_ex = b->state[VAR_G_EX];
  ap_real *restrict g_in = b->state[VAR_G_IN];
  ap_real *restrict r = b->state[VAR_R_REF];
  ap_real *restrict I_n = b->state[VAR_I_NOISE];
  noise_step(b, in->nz_decay + o, in->nz_amp + o, I_n);
  size_t ns = 0;
  for (size_t i = 0; i < b->n; i++) {
    const double ge0 = g_ex[i], gi0 = g_in[i];
    if (r[i] > 0.0) {
      r[i] -= 1.0;
      V[i] = V_reset[i];
    } else {
      const double h = hs_[i], ic = inv_C[i], gl = g_L[i];
      const double glel_ie = gl * E_L[i] + (I_e[i] + I_n[i]), eex = E_ex[i],
                   ein = E_in[i];
      const int method = (int)b->param[PAR_INTEGRATOR][i];
      double v = V[i], ge = ge0, gi = gi0;
      for (uint32_t k = 0; k < K[i]; k++) {
        v = substep(method, v, ge, gi, h, ic, gl, glel_ie, eex, ein,
                    Dh_ex[i], D_ex[i], Dh_in[i], D_in[i]);
        ge *= D_ex[i];
        gi *= D_in[i];
      }
      V[i] = v;
      if (v >= V_th[i]) {
        r[i] = ref[i];
        V[i] = V_reset[i];
        b->spiked[ns++] = (uint32_t)i;
      }
    }
    g_ex[i] = ge0 * P_ex[i] + w_ex[i];
    g_in[i] = gi0 * P_in[i] + w_in[i];
  }
  return ns;
}

/* One step, in NEST's order: integrate V_m (or, while refractory, count
 * down and clamp V_m to V_reset), test the threshold, decay the
 * conductances exactly and add this step's inputs.  RK4 stages at the
 * start, middle and end of each substep take the exact conductances
 * there; the step's final conductances come from the full-step decay
 * factor, so they do not depend on the substep count. */
static int update(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  const lif_cond_exp_inst *in = b->inst;
  if (in->noisy) { /* decided once per population: see noise_current.h */
    b->n_spiked = update_noisy(in, b);
    return AP_OK;
  }
  if (in->uniform && b->input_w) { /* (tools keep their inputs) */
    b->n_spiked = in->method == METHOD_RK2 ? update_uniform_rk2(in, b)
                                           : update_uniform_rk4(in, b);
    b->inputs_cleared = 1;
    return AP_OK;
  }
  if (in->one_substep) {
    b->n_spiked = in->method == METHOD_RK2 ? update_one_substep_rk2(in, b)
                                           : update_one_substep_rk4(in, b);
    return AP_OK;
  }
  const size_t o = b->first;
  const uint32_t *restrict K = in->substeps + o;
  const double *restrict hs_ = in->hs + o, *restrict inv_C = in->inv_C + o,
                         *restrict Dh_ex = in->Dh_ex + o,
                         *restrict D_ex = in->D_ex + o,
                         *restrict Dh_in = in->Dh_in + o,
                         *restrict D_in = in->D_in + o,
                         *restrict P_ex = in->P_ex + o,
                         *restrict P_in = in->P_in + o,
                         *restrict ref = in->ref_steps + o;
  const ap_real *restrict V_th = b->param[PAR_V_TH];
  const ap_real *restrict V_reset = b->param[PAR_V_RESET];
  const ap_real *restrict g_L = b->param[PAR_G_L];
  const ap_real *restrict E_ex = b->param[PAR_E_EX];
  const ap_real *restrict E_in = b->param[PAR_E_IN];
  const ap_real *restrict E_L = b->param[PAR_E_L];
  const ap_real *restrict I_e = b->param[PAR_I_E];
  const ap_real *restrict w_ex = b->input[PORT_EX];
  const ap_real *restrict w_in = b->input[PORT_IN];
  ap_real *restrict V = b->state[VAR_V_M];
  ap_real *restrict g_ex = b->state[VAR_G_EX];
  ap_real *restrict g_in = b->state[VAR_G_IN];
  ap_real *restrict r = b->state[VAR_R_REF];
  size_t ns = 0;
  for (size_t i = 0; i < b->n; i++) {
    const double ge0 = g_ex[i], gi0 = g_in[i];
    if (r[i] > 0.0) {
      r[i] -= 1.0;
      V[i] = V_reset[i];
    } else {
      /* C dV/dt = c0 - (g_L + g_ex + g_in) V with
       * c0 = g_L E_L + g_ex E_ex + g_in E_in + I_e. */
      const double h = hs_[i], ic = inv_C[i], gl = g_L[i];
      const double glel_ie = gl * E_L[i] + I_e[i], eex = E_ex[i],
                   ein = E_in[i];
      const int method = (int)b->param[PAR_INTEGRATOR][i];
      double v = V[i], ge = ge0, gi = gi0;
      for (uint32_t k = 0; k < K[i]; k++) {
        v = substep(method, v, ge, gi, h, ic, gl, glel_ie, eex, ein,
                    Dh_ex[i], D_ex[i], Dh_in[i], D_in[i]);
        ge *= D_ex[i];
        gi *= D_in[i];
      }
      V[i] = v;
      if (v >= V_th[i]) {
        r[i] = ref[i];
        V[i] = V_reset[i];
        b->spiked[ns++] = (uint32_t)i;
      }
    }
    g_ex[i] = ge0 * P_ex[i] + w_ex[i];
    g_in[i] = gi0 * P_in[i] + w_in[i];
  }
  b->n_spiked = ns;
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
    "lif_cond_exp -- leaky integrate-and-fire neuron, exponential synaptic "
    "conductances\n"
    "\n"
    "Description\n"
    "  A point neuron whose membrane potential V_m is driven by a leak\n"
    "  conductance g_L towards E_L, a constant current I_e, two synaptic\n"
    "  conductances, g_ex towards E_ex and g_in towards E_in, and, when\n"
    "  sigma > 0, a noise current I_noise (below).  A spike arriving on\n"
    "  port ex (in) makes g_ex (g_in) jump by its weight in nS (weights on\n"
    "  both ports are conductances >= 0) at the end of the step it arrives\n"
    "  in; the conductances then decay exponentially.  When V_m\n"
    "  is at or above V_th at the end of a step, the neuron spikes (stamped\n"
    "  with the end of that step), V_m is set to V_reset and clamped there\n"
    "  for t_ref, rounded to whole steps (r_ref counts them down), while the\n"
    "  conductances go on decaying and taking inputs.  The model follows\n"
    "  NEST's iaf_cond_exp: same equations, parameter names, defaults and\n"
    "  update order; only the integrator differs (below), and the noise\n"
    "  current is an addition.\n"
    "\n"
    "Equations\n"
    "  C_m dV_m/dt = -g_L (V_m - E_L) - g_ex (V_m - E_ex)\n"
    "                - g_in (V_m - E_in) + I_e + I_noise\n"
    "  dg_ex/dt = -g_ex/tau_syn_ex + sum_k w_k delta(t - t_k)  (ex)\n"
    "  dg_in/dt = -g_in/tau_syn_in + sum_k w_k delta(t - t_k)  (in)\n"
    "  V_m >= V_th: spike; V_m = V_reset for round(t_ref/dt) steps\n"
    "\n"
    "Noise current\n"
    "  I_noise is renewed once per step and held constant over it (over\n"
    "  all RK4 substeps of the step, like I_e):\n"
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
    "  without synaptic input the stationary variance of V_m is about\n"
    "  sigma^2 tau_m dt / (2 C_m^2) for dt << tau_m = C_m/g_L, so sigma\n"
    "  must scale as 1/sqrt(dt) for a dt-independent effect.  With\n"
    "  sigma = 0 everywhere (the default) no draws are made and I_noise\n"
    "  stays 0.\n"
    "\n"
    "Integration and accuracy\n"
    "  Over a step the conductances decay exactly, g(t) = g(0) exp(-t/tau),\n"
    "  and are updated with exp(-dt/tau): their only error is rounding (a\n"
    "  relative 1e-12 after thousands of steps).  V_m is integrated with\n"
    "  classical RK4 on K equal substeps per step, the conductances at the\n"
    "  start, middle and end of each substep taken from their exact decay,\n"
    "  so RK4's truncation on V_m is the only error.  K is derived from\n"
    "  (parameters, dt) so that a substep is at most 0.1 ms and at most a\n"
    "  tenth of the shortest of tau_syn_ex, tau_syn_in and C_m/g_L (with\n"
    "  the defaults and dt = 0.1 ms: K = 5).  A substep's error grows as\n"
    "  the fifth power of h_sub over the fastest time scale at work:\n"
    "  tau_syn_ex, tau_syn_in, or the effective membrane time constant\n"
    "  C_m/(g_L + g_ex + g_in), which shrinks as the conductances grow.\n"
    "  Tested against an independent reference (integrating factor with\n"
    "  Gauss-Legendre quadrature) over 500 ms of random input spikes at\n"
    "  dt = 0.1, 0.01 and 0.25 ms: with the defaults and inputs of up to\n"
    "  20 nS (ex) and 30 nS (in), V_m stays within 5e-7 mV of the\n"
    "  reference, sub-threshold and between spikes, and the spike steps are\n"
    "  identical; with inputs of up to 200 nS, within 8e-7 mV.  The test\n"
    "  bound is 1e-6 mV.  Much larger conductances degrade the accuracy.\n"
    "\n"
    "  integrator = 1 trades accuracy for speed: each substep takes the\n"
    "  explicit midpoint rule (RK2) instead of RK4 -- the slope at the\n"
    "  start carries V_m to the middle of the substep, and the slope there,\n"
    "  with the conductances exact at the middle, over the whole substep\n"
    "  (sums rounded once each, as fused multiply-adds).  It is second\n"
    "  order, so its error is far larger than RK4's and far smaller than\n"
    "  forward Euler's: against the same reference, 0.006 mV with the\n"
    "  defaults and 0.033 mV for the neuron of the COBA benchmark of\n"
    "  Brette et al. (2007) under its network's input, both at dt = 0.1\n"
    "  ms (tested bound 0.04 mV).  docs/performance.md compares it with\n"
    "  forward Euler, which Brian2's COBA example uses.  The update costs\n"
    "  about half as much as with RK4.\n"
    "\n"
    "Order within a step (as NEST)\n"
    "  0. renew I_noise (also while refractory)\n"
    "  1. not refractory: integrate V_m over the step; V_m >= V_th: spike,\n"
    "     V_m = V_reset, r_ref = round(t_ref/dt);\n"
    "     refractory: r_ref -= 1, V_m = V_reset\n"
    "  2. decay g_ex and g_in over the step, then add this step's weights\n"
    "     (an input first moves V_m in the following step)\n"
    "\n"
    "Parameters\n"
    "  name        unit  default  meaning\n"
    "  V_th        mV    -55      spike threshold\n"
    "  V_reset     mV    -60      reset potential (< V_th)\n"
    "  t_ref       ms    2        refractory period (>= 0)\n"
    "  g_L         nS    16.6667  leak conductance (> 0)\n"
    "  C_m         pF    250      membrane capacitance (> 0)\n"
    "  E_ex        mV    0        excitatory reversal potential\n"
    "  E_in        mV    -85      inhibitory reversal potential\n"
    "  E_L         mV    -70      leak reversal potential\n"
    "  tau_syn_ex  ms    0.2      excitatory conductance time constant (> 0)\n"
    "  tau_syn_in  ms    2        inhibitory conductance time constant (> 0)\n"
    "  I_e         pA    0        constant input current\n"
    "  sigma       pA    0        sd of the noise current (>= 0)\n"
    "  tau_noise   ms    0        noise correlation time (>= 0; 0: white)\n"
    "  integrator  1     0        0: RK4 (above), 1: explicit midpoint (RK2)\n"
    "\n"
    "State\n"
    "  V_m      mV  membrane potential (initially E_L)\n"
    "  g_ex     nS  excitatory synaptic conductance (initially 0)\n"
    "  g_in     nS  inhibitory synaptic conductance (initially 0)\n"
    "  r_ref    1   refractory steps left (internal, initially 0)\n"
    "  I_noise  pA  noise current of the last step (initially 0)\n"
    "\n"
    "Ports\n"
    "  ex  conductance (nS, >= 0), default for non-negative weights\n"
    "  in  conductance (nS, >= 0), default for negative weights, whose\n"
    "      magnitude the host delivers (as NEST does)\n"
    "\n"
    "References\n"
    "  Gillespie DT (1996). Exact numerical simulation of the\n"
    "    Ornstein-Uhlenbeck process and its integral. Physical Review E\n"
    "    54:2084-2091.\n"
    "  Meffin H, Burkitt AN, Grayden DB (2004). An analytical model for the\n"
    "    large, fluctuating synaptic conductance state typical of\n"
    "    neocortical neurons in vivo. Journal of Computational Neuroscience\n"
    "    16:159-175.\n"
    "  Kutta W (1901). Beitrag zur naeherungsweisen Integration totaler\n"
    "    Differentialgleichungen. Zeitschrift fuer Mathematik und Physik\n"
    "    46:435-453.\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_NEURON,
    .name = "lif_cond_exp",
    .version = "1.0",
    .doc = "leaky integrate-and-fire neuron with exponential synaptic "
           "conductances",
    .doc_long = doc_long,
    .desc = &neuron,
}};

AP_PLUGIN(plugins)
