/* adex.c -- adaptive exponential integrate-and-fire neuron with
 * exponentially decaying synaptic conductances (Brette & Gerstner 2005),
 * with the semantics of NEST's aeif_cond_exp, plus an optional noise
 * current (white or Ornstein-Uhlenbeck).
 *
 * The exponential spike current makes the membrane equation stiff as V_m
 * runs up to V_peak, so a fixed step cannot be both cheap and accurate.
 * Each neuron is integrated with an adaptive embedded Runge-Kutta pair,
 * Dormand-Prince 5(4), on substeps chosen by error control (NEST uses
 * GSL's RKF45 with the same tolerances); spikes are detected after each
 * accepted substep, as NEST does, and the reset is placed at the
 * crossing inside the substep.  The substep count differs
 * from neuron to neuron, so the loop does not vectorise; the last substep
 * size is kept per neuron (state h_int) so that the next step starts from
 * it, which makes the result independent of the block layout. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "apical_plugin.h"
#include "../noise_current.h"

/* First substep of a neuron that has none yet (as NEST), and the
 * bounds that keep a pathological neuron from stalling the run: substeps
 * below H_MIN_FRAC dt are accepted whatever their error, and after
 * MAX_SUBSTEPS substeps in one step the rest of the step is taken in one
 * go.  Neither is reached by the model with finite parameters (the
 * derivatives are bounded, see the V_peak clamp below); they only bound
 * the work. */
#define H_START_MS 0.01
#define H_MIN_FRAC 1e-9
#define MAX_SUBSTEPS 100000

enum {
  PAR_C_M,
  PAR_G_L,
  PAR_E_L,
  PAR_V_TH,
  PAR_DELTA_T,
  PAR_TAU_W,
  PAR_A,
  PAR_B,
  PAR_V_RESET,
  PAR_T_REF,
  PAR_V_PEAK,
  PAR_E_EX,
  PAR_E_IN,
  PAR_TAU_SYN_EX,
  PAR_TAU_SYN_IN,
  PAR_I_E,
  PAR_SIGMA,
  PAR_TAU_NOISE,
  PAR_ERROR_TOL,
  N_PARAMS
};
enum {
  VAR_V_M,
  VAR_W,
  VAR_G_EX,
  VAR_G_IN,
  VAR_I_STIM,
  VAR_I_NOISE,
  VAR_R_REF,
  VAR_H_INT,
  N_VARS
};
enum { PORT_EX, PORT_IN, PORT_CURRENT, N_PORTS };

#define POS AP_RANGE_MIN_OPEN
static const ap_param_desc params[N_PARAMS] = {
    [PAR_C_M] = {"C_m", "pF", "membrane capacitance", AP_PT_REAL, 281.0, 0.0,
                 INFINITY, POS, NULL},
    [PAR_G_L] = {"g_L", "nS", "leak conductance", AP_PT_REAL, 30.0, 0.0,
                 INFINITY, POS, NULL},
    [PAR_E_L] = {"E_L", "mV", "leak reversal (resting) potential", AP_PT_REAL,
                 -70.6, -INFINITY, INFINITY, 0, NULL},
    [PAR_V_TH] = {"V_th", "mV",
                  "spike initiation threshold (the threshold when "
                  "Delta_T = 0)",
                  AP_PT_REAL, -50.4, -INFINITY, INFINITY, 0, NULL},
    [PAR_DELTA_T] = {"Delta_T", "mV",
                     "slope factor of the exponential spike current (0: "
                     "integrate-and-fire)",
                     AP_PT_REAL, 2.0, 0.0, INFINITY, 0, NULL},
    [PAR_TAU_W] = {"tau_w", "ms", "adaptation time constant", AP_PT_REAL,
                   144.0, 0.0, INFINITY, POS, NULL},
    [PAR_A] = {"a", "nS", "subthreshold adaptation", AP_PT_REAL, 4.0,
               -INFINITY, INFINITY, 0, NULL},
    [PAR_B] = {"b", "pA", "spike-triggered adaptation increment", AP_PT_REAL,
               80.5, -INFINITY, INFINITY, 0, NULL},
    [PAR_V_RESET] = {"V_reset", "mV", "reset potential, below V_peak",
                     AP_PT_REAL, -60.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_T_REF] = {"t_ref", "ms",
                   "absolute refractory period (rounded to whole steps)",
                   AP_PT_REAL, 0.0, 0.0, INFINITY, 0, NULL},
    [PAR_V_PEAK] = {"V_peak", "mV",
                    "spike detection threshold, at or above V_th",
                    AP_PT_REAL, 0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_E_EX] = {"E_ex", "mV", "excitatory reversal potential", AP_PT_REAL,
                  0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_E_IN] = {"E_in", "mV", "inhibitory reversal potential", AP_PT_REAL,
                  -85.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_TAU_SYN_EX] = {"tau_syn_ex", "ms",
                        "decay time constant of the excitatory conductance",
                        AP_PT_REAL, 0.2, 0.0, INFINITY, POS, NULL},
    [PAR_TAU_SYN_IN] = {"tau_syn_in", "ms",
                        "decay time constant of the inhibitory conductance",
                        AP_PT_REAL, 2.0, 0.0, INFINITY, POS, NULL},
    [PAR_I_E] = {"I_e", "pA", "constant external input current", AP_PT_REAL,
                 0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_SIGMA] = {"sigma", "pA", "standard deviation of the noise current",
                   AP_PT_REAL, 0.0, 0.0, INFINITY, 0, NULL},
    [PAR_TAU_NOISE] = {"tau_noise", "ms",
                       "correlation time of the noise current (0: white, "
                       "a new value each step)",
                       AP_PT_REAL, 0.0, 0.0, INFINITY, 0, NULL},
    [PAR_ERROR_TOL] = {"error_tol", "1",
                       "absolute and relative error tolerance of the "
                       "adaptive integrator (NEST's gsl_error_tol)",
                       AP_PT_REAL, 1e-6, 0.0, 0.1, POS, NULL},
};
#undef POS

static const ap_var_desc vars[N_VARS] = {
    [VAR_V_M] = {"V_m", "mV", "membrane potential", 0.0, "E_L", 0, 0},
    [VAR_W] = {"w", "pA", "adaptation current", 0.0, NULL, 0, 0},
    [VAR_G_EX] = {"g_ex", "nS", "excitatory synaptic conductance", 0.0, NULL,
                  0, 0},
    [VAR_G_IN] = {"g_in", "nS", "inhibitory synaptic conductance", 0.0, NULL,
                  0, 0},
    [VAR_I_STIM] = {"I_stim", "pA",
                    "current from port current, applied over the next step",
                    0.0, NULL, 0, 0},
    [VAR_I_NOISE] = {"I_noise", "pA", "noise current of the last step", 0.0,
                     NULL, 0, 0},
    [VAR_R_REF] = {"r_ref", "1", "refractory steps left", 0.0, NULL, 0,
                   AP_VAR_INTERNAL},
    [VAR_H_INT] = {"h_int", "ms",
                   "next substep of the adaptive integrator (0: not yet "
                   "chosen)",
                   0.0, NULL, 0, AP_VAR_INTERNAL},
};

static const ap_port_desc ports[N_PORTS] = {
    [PORT_EX] = {"ex", "excitatory conductance input (nS, >= 0)",
                 AP_PORT_CONDUCTANCE, 0, +1},
    [PORT_IN] = {"in", "inhibitory conductance input (nS, >= 0)",
                 AP_PORT_CONDUCTANCE, 0, -1},
    [PORT_CURRENT] = {"current",
                      "input current (pA), applied over the following step",
                      AP_PORT_CURRENT, 0, 0},
};

/* Derived values, population-indexed. */
typedef struct adex_inst {
  double *P_ex, *P_in; /* exp(-dt/tau_syn): conductance decay over a step */
  double *E_n, *S_n;   /* noise propagators (noise_current.h) */
  double *ref_steps;   /* round(t_ref/dt) */
} adex_inst;

enum { N_DERIVED = 5 };

static void release(void *p) { free(p); }

static int fail(char *err, size_t err_size, const char *fmt, size_t i,
                double x, double y) {
  if (err && err_size)
    snprintf(err, err_size, fmt, i + 1, x, y);
  return AP_EINVAL;
}

/* The exponential term must stay finite at V_peak, with a margin for the
 * arithmetic that follows (NEST's rule): (V_peak - V_th)/Delta_T below
 * log(DBL_MAX/1e20), about 664. */
static double max_exp_arg(void) { return log(DBL_MAX / 1e20); }

static int prepare(void **out, const ap_neuron_pop *pop, char *err,
                   size_t err_size) {
  const size_t n = pop->n, m = n ? n : 1;
  const double h = pop->dt;
  const ap_real *const *par = pop->param;
  *out = NULL;
  for (size_t i = 0; i < n; i++) {
    const double V_th = par[PAR_V_TH][i], V_peak = par[PAR_V_PEAK][i],
                 V_reset = par[PAR_V_RESET][i], DT = par[PAR_DELTA_T][i];
    if (!(V_peak >= V_th))
      return fail(err, err_size,
                  "neuron %zu: V_peak (%.10g mV) must be at or above V_th "
                  "(%.10g mV)",
                  i, V_peak, V_th);
    if (!(V_reset < V_peak))
      return fail(err, err_size,
                  "neuron %zu: V_reset (%.10g mV) must be below V_peak "
                  "(%.10g mV)",
                  i, V_reset, V_peak);
    /* With Delta_T = 0, V_th is the threshold (as NEST): a reset at or
     * above it would fire again at once. */
    if (DT == 0.0 && !(V_reset < V_th))
      return fail(err, err_size,
                  "neuron %zu: with Delta_T = 0, V_reset (%.10g mV) must be "
                  "below V_th (%.10g mV), the threshold",
                  i, V_reset, V_th);
    if (DT > 0.0 && !((V_peak - V_th) / DT < max_exp_arg())) {
      if (err && err_size)
        snprintf(err, err_size,
                 "neuron %zu: (V_peak - V_th)/Delta_T = (%.10g mV - %.10g mV)"
                 "/%.10g mV would overflow the exponential at V_peak (it "
                 "must be below %.4g): raise Delta_T or lower V_peak",
                 i + 1, V_peak, V_th, DT, max_exp_arg());
      return AP_EINVAL;
    }
  }
  adex_inst *in = malloc(sizeof *in + N_DERIVED * m * sizeof(double));
  if (!in) {
    if (err && err_size)
      snprintf(err, err_size,
               "out of memory for the derived values of %zu neurons", n);
    return AP_ENOMEM;
  }
  double *a = (double *)(in + 1);
  in->P_ex = a;
  in->P_in = a + m;
  in->E_n = a + 2 * m;
  in->S_n = a + 3 * m;
  in->ref_steps = a + 4 * m;
  for (size_t i = 0; i < n; i++) {
    in->P_ex[i] = exp(-h / par[PAR_TAU_SYN_EX][i]);
    in->P_in[i] = exp(-h / par[PAR_TAU_SYN_IN][i]);
    noise_derive(par[PAR_SIGMA][i], par[PAR_TAU_NOISE][i], h, &in->E_n[i],
                 &in->S_n[i]);
    in->ref_steps[i] = round(par[PAR_T_REF][i] / h);
  }
  *out = in;
  return AP_OK;
}

/* One neuron's coefficients over one step. */
typedef struct adex_nrn {
  double inv_C, g_L, E_L, V_th, V_peak, V_reset;
  double gLDT;   /* g_L Delta_T */
  double inv_DT; /* 1/Delta_T, or 0 when Delta_T = 0: the spike current is
                    then g_L * 0 * exp(0) = 0, the integrate-and-fire limit,
                    with no division by zero */
  double a, inv_tau_w, E_ex, E_in, inv_tau_ex, inv_tau_in;
  double I;      /* I_e + I_stim + I_noise, constant over the step */
} adex_nrn;

enum { Y_V, Y_W, Y_GE, Y_GI, NY };

/* Right-hand side (Brette & Gerstner 2005, eqs. 1-2, conductance
 * synapses).  As NEST does, V is clamped to V_reset while refractory (and
 * dV/dt = 0), and otherwise bounded by V_peak where the equations read
 * it: a stage that overshoots V_peak cannot make the exponential overflow
 * (prepare() bounds its argument at V_peak). */
static inline void deriv(const adex_nrn *p, int refr, const double *y,
                         double *f) {
  const double V = refr ? p->V_reset : (y[Y_V] < p->V_peak ? y[Y_V]
                                                           : p->V_peak);
  const double I_spike = p->gLDT * exp((V - p->V_th) * p->inv_DT);
  const double dV = (-p->g_L * (V - p->E_L) + I_spike -
                     y[Y_GE] * (V - p->E_ex) - y[Y_GI] * (V - p->E_in) -
                     y[Y_W] + p->I) *
                    p->inv_C;
  f[Y_V] = refr ? 0.0 : dV;
  f[Y_W] = (p->a * (V - p->E_L) - y[Y_W]) * p->inv_tau_w;
  f[Y_GE] = -y[Y_GE] * p->inv_tau_ex;
  f[Y_GI] = -y[Y_GI] * p->inv_tau_in;
}

/* Dormand & Prince (1980), RK5(4)7M: the fifth-order solution is
 * propagated, the difference to the embedded fourth-order one estimates
 * the error; the last stage is the first of the next substep (FSAL).
 * The system is autonomous over a step (inputs are constant), so the
 * stage times c_i are not needed. */
static const double a21 = 1.0 / 5;
static const double a31 = 3.0 / 40, a32 = 9.0 / 40;
static const double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
static const double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187,
                    a53 = 64448.0 / 6561, a54 = -212.0 / 729;
static const double a61 = 9017.0 / 3168, a62 = -355.0 / 33,
                    a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                    a65 = -5103.0 / 18656;
static const double b1 = 35.0 / 384, b3 = 500.0 / 1113, b4 = 125.0 / 192,
                    b5 = -2187.0 / 6784, b6 = 11.0 / 84;
static const double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920,
                    e5 = -17253.0 / 339200, e6 = 22.0 / 525, e7 = -1.0 / 40;

/* One trial substep of length h from y with k1 = f(y): the new state in
 * yn, its derivative in k7, and the error norm (max over the components
 * of |error| / (tol + tol |y|), NaN-safe: a NaN error counts as huge). */
static double dp45_trial(const adex_nrn *p, int refr, const double *y,
                         const double *k1, double h, double tol, double *yn,
                         double *k7) {
  double k2[NY], k3[NY], k4[NY], k5[NY], k6[NY], t[NY];
  for (int j = 0; j < NY; j++) t[j] = y[j] + h * (a21 * k1[j]);
  deriv(p, refr, t, k2);
  for (int j = 0; j < NY; j++) t[j] = y[j] + h * (a31 * k1[j] + a32 * k2[j]);
  deriv(p, refr, t, k3);
  for (int j = 0; j < NY; j++)
    t[j] = y[j] + h * (a41 * k1[j] + a42 * k2[j] + a43 * k3[j]);
  deriv(p, refr, t, k4);
  for (int j = 0; j < NY; j++)
    t[j] = y[j] + h * (a51 * k1[j] + a52 * k2[j] + a53 * k3[j] + a54 * k4[j]);
  deriv(p, refr, t, k5);
  for (int j = 0; j < NY; j++)
    t[j] = y[j] + h * (a61 * k1[j] + a62 * k2[j] + a63 * k3[j] + a64 * k4[j] +
                       a65 * k5[j]);
  deriv(p, refr, t, k6);
  for (int j = 0; j < NY; j++)
    yn[j] = y[j] + h * (b1 * k1[j] + b3 * k3[j] + b4 * k4[j] + b5 * k5[j] +
                        b6 * k6[j]);
  deriv(p, refr, yn, k7);
  double err = 0.0;
  for (int j = 0; j < NY; j++) {
    const double e = h * (e1 * k1[j] + e3 * k3[j] + e4 * k4[j] + e5 * k5[j] +
                          e6 * k6[j] + e7 * k7[j]);
    const double ay = fabs(y[j]) > fabs(yn[j]) ? fabs(y[j]) : fabs(yn[j]);
    const double r = fabs(e) / (tol + tol * ay);
    if (!(r <= err)) err = r == r ? r : INFINITY; /* NaN: reject */
  }
  return err;
}

/* The usual step-size controller (Hairer, Norsett & Wanner 1993,
 * II.4): safety 0.9, growth between 0.2 and 5 per substep. */
static double step_factor(double err) {
  if (!(err > 0.0)) return 5.0;
  const double f = 0.9 * pow(err, -0.2);
  return f < 0.2 ? 0.2 : (f > 5.0 ? 5.0 : f);
}

/* Where in a substep of length h from (V0, dV0) to (V1, dV1) V crosses
 * Vs (V0 < Vs <= V1): the fraction theta in (0, 1] at which the cubic
 * Hermite interpolant of the substep (third order, Hairer, Norsett &
 * Wanner 1993, II.6) reaches Vs, found by bisection, which needs only the
 * sign change at the ends. */
static double crossing(double V0, double dV0, double V1, double dV1,
                       double h, double Vs) {
  double lo = 0.0, hi = 1.0;
  for (int it = 0; it < 60; it++) {
    const double th = 0.5 * (lo + hi), u = 1.0 - th;
    const double V = u * u * (1.0 + 2.0 * th) * V0 + th * u * u * h * dV0 +
                     th * th * (3.0 - 2.0 * th) * V1 - th * th * u * h * dV1;
    if (V >= Vs)
      hi = th;
    else
      lo = th;
  }
  return hi;
}

/* Advance one neuron over a step of dt; returns its spike count.  y holds
 * V_m, w, g_ex, g_in; r the refractory counter (NEST's convention: a spike
 * sets it to round(t_ref/dt) + 1, or 0 without a refractory period, and
 * every step ends by counting it down); *hs the substep to try first. */
static uint32_t integrate(const adex_nrn *p, double *y, double *r, double *hs,
                          double dt, double tol, double b, double ref,
                          double V_spike) {
  double k1[NY], k7[NY], yn[NY];
  const double h_min = H_MIN_FRAC * dt;
  double h = *hs > 0.0 && *hs <= dt ? *hs : (dt < H_START_MS ? dt : H_START_MS);
  int refr = *r > 0.0;
  uint32_t spikes = 0;
  double t = 0.0;
  long count = 0;
  deriv(p, refr, y, k1);
  while (t < dt) {
    const double left = dt - t;
    /* Land exactly on the step's end rather than leave a sliver; after
     * MAX_SUBSTEPS, stop refining and take the rest in one go. */
    const int give_up = ++count >= MAX_SUBSTEPS;
    const int last = give_up || h >= left * (1.0 - 1e-12);
    double hh = last ? left : h;
    const double err = dp45_trial(p, refr, y, k1, hh, tol, yn, k7);
    const int ok = err <= 1.0;
    if (!ok && hh > h_min && !give_up) {
      h = hh * step_factor(err);
      continue;
    }
    /* A truncated last substep says little about the next one's size. */
    const double f = step_factor(err);
    if (!(last && hh < h && f >= 1.0)) h = hh * f;
    int spike = 0;
    if (!ok && !refr && y[Y_V] >= p->V_th && k1[Y_V] > 0.0) {
      /* The upswing is faster than the smallest substep resolves: with a
       * large (V_peak - V_th)/Delta_T, dV/dt near V_peak can reach 1e170
       * mV/ms, and the stages of an unresolved substep mix such values
       * into w.  V_m reaches V_peak within this substep: spike now,
       * moving the other variables, whose derivatives are bounded (V is
       * clamped at V_peak where they read it), by one Euler step. */
      spike = 1;
      for (int j = 0; j < NY; j++) yn[j] = y[j] + hh * k1[j];
    } else if (!refr && yn[Y_V] >= V_spike) {
      /* The threshold was crossed inside the substep: integrate only up
       * to the crossing, so that the reset, the adaptation jump and the
       * refractory clamp act from the spike on.  (NEST resets at the end
       * of the substep; where the exponential term is at work substeps
       * are tiny there, but with Delta_T = 0 they may span the step.)
       * The shortened substep is kept only if it passes the error test,
       * else the spike stays at the end of the substep, as in NEST. */
      spike = 1;
      const double th = y[Y_V] < V_spike
                            ? crossing(y[Y_V], k1[Y_V], yn[Y_V], k7[Y_V], hh,
                                       V_spike)
                            : 0.0;
      if (th == 0.0) {
        hh = 0.0;
        for (int j = 0; j < NY; j++) yn[j] = y[j];
      } else if (th < 1.0) {
        double yc[NY], kc[NY];
        if (dp45_trial(p, refr, y, k1, hh * th, tol, yc, kc) <= 1.0) {
          hh *= th;
          for (int j = 0; j < NY; j++) yn[j] = yc[j];
        }
      }
    }
    t = (last && hh == left) ? dt : t + hh;
    for (int j = 0; j < NY; j++) y[j] = yn[j];
    for (int j = 0; j < NY; j++) k1[j] = k7[j];
    if (refr) {
      y[Y_V] = p->V_reset;
    } else if (spike) {
      spikes++;
      y[Y_V] = p->V_reset;
      y[Y_W] += b;
      if (ref > 0.0) {
        *r = ref + 1.0;
        refr = 1;
      }
      deriv(p, refr, y, k1);
      /* The upswing left a tiny substep; after the reset the dynamics
       * are slow again, so start over from the initial guess rather
       * than grow back five-fold at a time. */
      const double h0 = dt < H_START_MS ? dt : H_START_MS;
      if (h < h0) h = h0;
    }
  }
  if (*r > 0.0) *r -= 1.0;
  *hs = h < dt ? h : dt;
  return spikes;
}

/* One step, in NEST's order:
 *   0. update I_noise (held constant over the step);
 *   1. integrate V_m, w, g_ex, g_in over the step on adaptive substeps,
 *      spiking and resetting where V_m reaches V_peak (V_th when
 *      Delta_T = 0);
 *   2. count the refractory period down;
 *   3. the conductances: decayed exactly over the step, plus this step's
 *      inputs; I_stim = this step's input on port current. */
static int update(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  const adex_inst *in = b->inst;
  const size_t o = b->first;
  const ap_real *const *P = b->param;
  ap_real *const *S = b->state;
  noise_step(b, in->E_n + o, in->S_n + o, S[VAR_I_NOISE]);
  size_t ns = 0;
  int multi = 0;
  for (size_t i = 0; i < b->n; i++) {
    const double DT = P[PAR_DELTA_T][i];
    adex_nrn p = {
        .inv_C = 1.0 / P[PAR_C_M][i],
        .g_L = P[PAR_G_L][i],
        .E_L = P[PAR_E_L][i],
        .V_th = P[PAR_V_TH][i],
        .V_peak = P[PAR_V_PEAK][i],
        .V_reset = P[PAR_V_RESET][i],
        .gLDT = P[PAR_G_L][i] * DT,
        .inv_DT = DT > 0.0 ? 1.0 / DT : 0.0,
        .a = P[PAR_A][i],
        .inv_tau_w = 1.0 / P[PAR_TAU_W][i],
        .E_ex = P[PAR_E_EX][i],
        .E_in = P[PAR_E_IN][i],
        .inv_tau_ex = 1.0 / P[PAR_TAU_SYN_EX][i],
        .inv_tau_in = 1.0 / P[PAR_TAU_SYN_IN][i],
        .I = P[PAR_I_E][i] + S[VAR_I_STIM][i] + S[VAR_I_NOISE][i],
    };
    const double ge0 = S[VAR_G_EX][i], gi0 = S[VAR_G_IN][i];
    double y[NY] = {S[VAR_V_M][i], S[VAR_W][i], ge0, gi0};
    const uint32_t k =
        integrate(&p, y, &S[VAR_R_REF][i], &S[VAR_H_INT][i], b->dt,
                  P[PAR_ERROR_TOL][i], P[PAR_B][i], in->ref_steps[o + i],
                  DT > 0.0 ? p.V_peak : p.V_th);
    S[VAR_V_M][i] = y[Y_V];
    S[VAR_W][i] = y[Y_W];
    /* The conductances are linear: their exact decay replaces the
     * integrator's approximation, so they carry no integration error. */
    S[VAR_G_EX][i] = ge0 * in->P_ex[o + i] + b->input[PORT_EX][i];
    S[VAR_G_IN][i] = gi0 * in->P_in[o + i] + b->input[PORT_IN][i];
    S[VAR_I_STIM][i] = b->input[PORT_CURRENT][i];
    if (k > 0) {
      b->spiked[ns] = (uint32_t)i;
      if (b->mult) b->mult[ns] = k;
      if (k > 1) multi = 1;
      ns++;
    }
  }
  b->n_spiked = ns;
  if (multi && b->mult) b->has_mult = 1;
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
    "adex -- adaptive exponential integrate-and-fire neuron, exponential\n"
    "synaptic conductances\n"
    "\n"
    "Description\n"
    "  The model of Brette & Gerstner (2005): a leaky integrate-and-fire\n"
    "  neuron with an exponential spike-initiation current of slope\n"
    "  Delta_T around V_th, and an adaptation current w driven by the\n"
    "  membrane potential (a) and incremented by b at each spike.  A spike\n"
    "  arriving on port ex (in) makes g_ex (g_in) jump by its weight in nS\n"
    "  (weights on both ports are conductances >= 0) at the end of the\n"
    "  step it arrives in; the conductances then decay exponentially.  A\n"
    "  current arriving on port current (pA) is stored in I_stim and\n"
    "  drives the neuron over the following step, as NEST's CurrentEvent\n"
    "  does.  Optionally a noise current I_noise is added: white\n"
    "  (tau_noise = 0) or Ornstein-Uhlenbeck (tau_noise > 0).  When V_m\n"
    "  reaches V_peak (V_th if Delta_T = 0), the neuron spikes, V_m is set\n"
    "  to V_reset and w is incremented by b; for t_ref (rounded to whole\n"
    "  steps, plus the rest of the step of the spike) V_m is held at\n"
    "  V_reset, while w and the conductances evolve on.  The model follows\n"
    "  NEST's aeif_cond_exp: same equations, parameter names, defaults\n"
    "  and update order; only the integrator differs (below).\n"
    "\n"
    "Equations\n"
    "  C_m dV_m/dt = -g_L (V_m - E_L) + g_L Delta_T exp((V_m - V_th)/Delta_T)\n"
    "                - g_ex (V_m - E_ex) - g_in (V_m - E_in) - w\n"
    "                + I_e + I_stim + I_noise\n"
    "  tau_w dw/dt = a (V_m - E_L) - w\n"
    "  dg_ex/dt = -g_ex/tau_syn_ex + sum_k w_k delta(t - t_k)  (ex)\n"
    "  dg_in/dt = -g_in/tau_syn_in + sum_k w_k delta(t - t_k)  (in)\n"
    "  V_m >= V_peak: spike; V_m = V_reset, w = w + b\n"
    "  Delta_T = 0: no exponential term, threshold V_th (the leaky\n"
    "  integrate-and-fire limit; computed without dividing by Delta_T).\n"
    "\n"
    "Integration and accuracy\n"
    "  Each neuron is integrated over each step with the embedded\n"
    "  Runge-Kutta pair of Dormand & Prince (1980), order 5 with an order\n"
    "  4 error estimate, on adaptive substeps: a substep is accepted when\n"
    "  every component's error estimate is below error_tol (1 + |y|)\n"
    "  (absolute and relative tolerance error_tol, 1e-6 by default as\n"
    "  NEST's gsl_error_tol), and the next substep is scaled by\n"
    "  0.9 err^(-1/5), between 0.2 and 5 times.  The substep size carries\n"
    "  over from step to step (h_int, per neuron), so results do not\n"
    "  depend on the block layout or thread count.  When a substep ends\n"
    "  at or above the threshold, the crossing is located in it (cubic\n"
    "  Hermite interpolation of the substep, bisection), the substep is\n"
    "  redone up to the crossing, and the neuron is reset there and\n"
    "  integrated on to the end of the step.  (NEST resets at the end of\n"
    "  the substep; with Delta_T > 0 substeps are tiny there anyway, but\n"
    "  with Delta_T = 0 one may span the whole step.)  Spikes are stamped\n"
    "  with the end of their step; several can fall into one step when\n"
    "  t_ref is shorter than half a step (reported with a multiplicity).\n"
    "  Where the equations read V_m it is clamped at V_peak (as NEST\n"
    "  does), so the exponential is evaluated at most at\n"
    "  (V_peak - V_th)/Delta_T, which prepare() keeps below\n"
    "  log(DBL_MAX/1e20) ~ 664: the term cannot overflow, even for huge\n"
    "  inputs.  The conductances' end-of-step values come from their\n"
    "  exact decay, exp(-dt/tau_syn).  Tested against an independent RK4\n"
    "  reference at a 1e-4 ms step: at dt = 0.1 ms the first 10 spikes\n"
    "  fall in the same step as the reference's (within 0.1 ms).\n"
    "\n"
    "Noise current\n"
    "  With sigma > 0, I_noise is updated at the start of each step and\n"
    "  held constant over it:\n"
    "    I_noise <- E I_noise + S N(0, 1),\n"
    "    E = exp(-dt/tau_noise), S = sigma sqrt(1 - exp(-2 dt/tau_noise)),\n"
    "  the exact update of an Ornstein-Uhlenbeck process of stationary\n"
    "  standard deviation sigma (Gillespie 1996); tau_noise = 0 gives\n"
    "  E = 0, S = sigma: a new independent value each step.  The normal\n"
    "  draws come from the host's generator keyed by (seed, population\n"
    "  stream, neuron id, step), so they do not depend on the thread\n"
    "  count or block layout.  With sigma = 0 no draws are taken.\n"
    "\n"
    "Order within a step (as NEST)\n"
    "  0. update I_noise\n"
    "  1. integrate over the step; after each substep: refractory: V_m =\n"
    "     V_reset; else V_m >= V_peak: back to the crossing, spike,\n"
    "     V_m = V_reset, w = w + b,\n"
    "     r_ref = round(t_ref/dt) + 1 (0 when round(t_ref/dt) = 0)\n"
    "  2. r_ref > 0: r_ref -= 1\n"
    "  3. decay g_ex and g_in over the step, then add this step's weights\n"
    "     (an input first moves V_m in the following step); I_stim = this\n"
    "     step's input on port current\n"
    "\n"
    "Parameters\n"
    "  name        unit  default  meaning\n"
    "  C_m         pF    281      membrane capacitance (> 0)\n"
    "  g_L         nS    30       leak conductance (> 0)\n"
    "  E_L         mV    -70.6    leak reversal potential\n"
    "  V_th        mV    -50.4    spike initiation threshold\n"
    "  Delta_T     mV    2        slope factor (>= 0; 0: integrate-and-fire)\n"
    "  tau_w       ms    144      adaptation time constant (> 0)\n"
    "  a           nS    4        subthreshold adaptation\n"
    "  b           pA    80.5     spike-triggered adaptation\n"
    "  V_reset     mV    -60      reset potential (< V_peak)\n"
    "  t_ref       ms    0        refractory period (>= 0)\n"
    "  V_peak      mV    0        spike detection threshold (>= V_th)\n"
    "  E_ex        mV    0        excitatory reversal potential\n"
    "  E_in        mV    -85      inhibitory reversal potential\n"
    "  tau_syn_ex  ms    0.2      excitatory conductance time constant (> 0)\n"
    "  tau_syn_in  ms    2        inhibitory conductance time constant (> 0)\n"
    "  I_e         pA    0        constant input current\n"
    "  sigma       pA    0        sd of the noise current (>= 0)\n"
    "  tau_noise   ms    0        noise correlation time (>= 0; 0: white)\n"
    "  error_tol   1     1e-06    integrator tolerance (in (0, 0.1])\n"
    "  Also required: (V_peak - V_th)/Delta_T < log(DBL_MAX/1e20), and\n"
    "  V_reset < V_th when Delta_T = 0.\n"
    "\n"
    "State\n"
    "  V_m      mV  membrane potential (initially E_L)\n"
    "  w        pA  adaptation current (initially 0)\n"
    "  g_ex     nS  excitatory synaptic conductance (initially 0)\n"
    "  g_in     nS  inhibitory synaptic conductance (initially 0)\n"
    "  I_stim   pA  current from port current for the next step "
    "(initially 0)\n"
    "  I_noise  pA  noise current of the last step (initially 0)\n"
    "  r_ref    1   refractory steps left (internal, initially 0)\n"
    "  h_int    ms  next substep of the integrator (internal, initially 0:\n"
    "               the first step starts at min(dt, 0.01 ms))\n"
    "\n"
    "Ports\n"
    "  ex       conductance (nS, >= 0), default for non-negative weights\n"
    "  in       conductance (nS, >= 0), default for negative weights, whose\n"
    "           magnitude the host delivers (as NEST does)\n"
    "  current  current (pA), never a default: name it with port =\n"
    "           \"current\"\n"
    "\n"
    "References\n"
    "  Brette R, Gerstner W (2005). Adaptive exponential integrate-and-fire\n"
    "    model as an effective description of neuronal activity. Journal\n"
    "    of Neurophysiology 94:3637-3642.\n"
    "  Naud R, Marcille N, Clopath C, Gerstner W (2008). Firing patterns in\n"
    "    the adaptive exponential integrate-and-fire model. Biological\n"
    "    Cybernetics 99:335-347.\n"
    "  Dormand JR, Prince PJ (1980). A family of embedded Runge-Kutta\n"
    "    formulae. Journal of Computational and Applied Mathematics\n"
    "    6:19-26.\n"
    "  Gillespie DT (1996). Exact numerical simulation of the\n"
    "    Ornstein-Uhlenbeck process and its integral. Physical Review E\n"
    "    54:2084-2091.\n"
    "  NEST model documentation: aeif_cond_exp,\n"
    "    https://nest-simulator.readthedocs.io/\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_NEURON,
    .name = "adex",
    .version = "1.0",
    .doc = "adaptive exponential integrate-and-fire neuron with exponential "
           "synaptic conductances, as NEST's aeif_cond_exp",
    .doc_long = doc_long,
    .desc = &neuron,
}};

AP_PLUGIN(plugins)
