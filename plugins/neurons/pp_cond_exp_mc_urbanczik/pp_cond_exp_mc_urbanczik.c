/* pp_cond_exp_mc_urbanczik.c -- the two-compartment point-process neuron
 * of Urbanczik & Senn (2014), "Learning by the dendritic prediction of
 * somatic spiking", Neuron 81:521-528, as NEST's pp_cond_exp_mc_urbanczik.
 *
 * A soma (conductance synapses) and a dendrite (current synapses, as in
 * NEST), coupled by g_sp (dendrite -> soma) and g_ps (soma -> dendrite).
 * The soma spikes as an inhomogeneous Poisson process of rate phi(V_m_s)
 * with a dead time after each spike; the count of a step comes from the
 * host's identity-keyed generator, so runs do not depend on threads or
 * block layout.  The synaptic conductances and currents decay exactly;
 * the two voltages are integrated with classical RK4 on substeps whose
 * stages take the exact synaptic values.  prepare() derives the substep
 * count and the decay factors from (parameters, dt); update() adds more
 * substeps only in a step whose somatic conductance is so large that the
 * prepared ones would be too coarse. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "apical_plugin.h"

/* A substep spans at most this fraction of the shortest time constant of
 * the neuron (synaptic ones and both compartments' membrane time
 * constants, coupling included) and at most SUBSTEP_MAX_MS.  RK4's
 * relative error on exp(-h/tau) is about (h/tau)^5/120 = 8e-8 per
 * substep at 0.1; see the accuracy paragraph of the documentation. */
#define SUBSTEP_PER_TAU 0.1
#define SUBSTEP_MAX_MS 0.1
/* Beyond this many substeps in one step the neuron is refused (at
 * prepare) or the step is capped (at update, huge conductances). */
#define SUBSTEPS_MAX 100000.0

enum {
  PAR_T_REF,
  PAR_PHI_MAX,
  PAR_RATE_SLOPE,
  PAR_BETA,
  PAR_THETA,
  PAR_G_SP,
  PAR_G_PS,
  PAR_G_L_S,
  PAR_C_M_S,
  PAR_E_L_S,
  PAR_E_EX_S,
  PAR_E_IN_S,
  PAR_TAU_EX_S,
  PAR_TAU_IN_S,
  PAR_I_E_S,
  PAR_G_L_P,
  PAR_C_M_P,
  PAR_E_L_P,
  PAR_TAU_EX_P,
  PAR_TAU_IN_P,
  PAR_I_E_P,
  N_PARAMS
};

enum {
  VAR_V_S,
  VAR_G_EX_S,
  VAR_G_IN_S,
  VAR_V_P,
  VAR_I_EX_P,
  VAR_I_IN_P,
  VAR_V_W_STAR,
  VAR_DPI,
  VAR_R_REF,
  N_VARS
};

enum { PORT_SOMA_EXC, PORT_SOMA_INH, PORT_DEND_EXC, PORT_DEND_INH, N_PORTS };
enum { COMP_SOMA, COMP_DEND };

#define POS_OPEN AP_RANGE_MIN_OPEN

/* Defaults: NEST's (pp_cond_exp_mc_urbanczik.cpp, Parameters_()). */
static const ap_param_desc params[N_PARAMS] = {
    [PAR_T_REF] = {"t_ref", "ms",
                   "dead time after a spike (rounded to whole steps); 0: "
                   "Poisson counts, > 0: at most one spike a step",
                   AP_PT_REAL, 3.0, 0.0, INFINITY, 0, NULL},
    [PAR_PHI_MAX] = {"phi_max", "1/ms",
                     "maximum rate of the rate function (0.15/ms = 150 Hz)",
                     AP_PT_REAL, 0.15, 0.0, INFINITY, 0, NULL},
    [PAR_RATE_SLOPE] = {"rate_slope", "1",
                        "k of phi(U) = phi_max/(1 + k exp(beta (theta - U)))",
                        AP_PT_REAL, 0.5, 0.0, INFINITY, 0, NULL},
    [PAR_BETA] = {"beta", "1/mV", "steepness of the rate function",
                  AP_PT_REAL, 1.0 / 3.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_THETA] = {"theta", "mV", "midpoint of the rate function (k = 1)",
                   AP_PT_REAL, -55.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_G_SP] = {"g_sp", "nS",
                  "coupling conductance, dendrite to soma (g_D of the paper)",
                  AP_PT_REAL, 600.0, 0.0, INFINITY, 0, NULL},
    [PAR_G_PS] = {"g_ps", "nS", "coupling conductance, soma to dendrite",
                  AP_PT_REAL, 0.0, 0.0, INFINITY, 0, NULL},
    [PAR_G_L_S] = {"g_L_s", "nS", "somatic leak conductance", AP_PT_REAL,
                   30.0, 0.0, INFINITY, 0, NULL},
    [PAR_C_M_S] = {"C_m_s", "pF", "somatic membrane capacitance", AP_PT_REAL,
                   300.0, 0.0, INFINITY, POS_OPEN, NULL},
    [PAR_E_L_S] = {"E_L_s", "mV", "somatic leak reversal potential",
                   AP_PT_REAL, -70.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_E_EX_S] = {"E_ex_s", "mV", "somatic excitatory reversal potential",
                    AP_PT_REAL, 0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_E_IN_S] = {"E_in_s", "mV", "somatic inhibitory reversal potential",
                    AP_PT_REAL, -75.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_TAU_EX_S] = {"tau_syn_ex_s", "ms",
                      "decay time constant of the somatic excitatory "
                      "conductance",
                      AP_PT_REAL, 3.0, 0.0, INFINITY, POS_OPEN, NULL},
    [PAR_TAU_IN_S] = {"tau_syn_in_s", "ms",
                      "decay time constant of the somatic inhibitory "
                      "conductance",
                      AP_PT_REAL, 3.0, 0.0, INFINITY, POS_OPEN, NULL},
    [PAR_I_E_S] = {"I_e_s", "pA", "constant current into the soma",
                   AP_PT_REAL, 0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_G_L_P] = {"g_L_p", "nS", "dendritic leak conductance", AP_PT_REAL,
                   30.0, 0.0, INFINITY, 0, NULL},
    [PAR_C_M_P] = {"C_m_p", "pF", "dendritic membrane capacitance",
                   AP_PT_REAL, 300.0, 0.0, INFINITY, POS_OPEN, NULL},
    [PAR_E_L_P] = {"E_L_p", "mV", "dendritic leak reversal potential",
                   AP_PT_REAL, -70.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_TAU_EX_P] = {"tau_syn_ex_p", "ms",
                      "decay time constant of the dendritic excitatory "
                      "current",
                      AP_PT_REAL, 3.0, 0.0, INFINITY, POS_OPEN, NULL},
    [PAR_TAU_IN_P] = {"tau_syn_in_p", "ms",
                      "decay time constant of the dendritic inhibitory "
                      "current",
                      AP_PT_REAL, 3.0, 0.0, INFINITY, POS_OPEN, NULL},
    [PAR_I_E_P] = {"I_e_p", "pA",
                   "constant current into the dendrite (NEST ignores its "
                   "dendritic I_e; see the documentation)",
                   AP_PT_REAL, 0.0, -INFINITY, INFINITY, 0, NULL},
};

static const char *const compartments[2] = {"soma", "dendritic"};

static const ap_var_desc vars[N_VARS] = {
    [VAR_V_S] = {"V_m_s", "mV", "somatic membrane potential (NEST: V_m.s)",
                 0.0, "E_L_s", COMP_SOMA, 0},
    [VAR_G_EX_S] = {"g_ex_s", "nS", "somatic excitatory conductance", 0.0,
                    NULL, COMP_SOMA, 0},
    [VAR_G_IN_S] = {"g_in_s", "nS", "somatic inhibitory conductance", 0.0,
                    NULL, COMP_SOMA, 0},
    [VAR_V_P] = {"V_m_p", "mV", "dendritic membrane potential (NEST: V_m.p)",
                 0.0, "E_L_p", COMP_DEND, 0},
    [VAR_I_EX_P] = {"I_ex_p", "pA", "dendritic excitatory current (>= 0)",
                    0.0, NULL, COMP_DEND, 0},
    [VAR_I_IN_P] = {"I_in_p", "pA", "dendritic inhibitory current (<= 0)",
                    0.0, NULL, COMP_DEND, 0},
    [VAR_V_W_STAR] = {"V_w_star", "mV",
                      "dendritic prediction of the somatic potential, "
                      "(g_L_s E_L_s + g_sp V_m_p)/(g_L_s + g_sp)",
                      0.0, "E_L_s", COMP_DEND, 0},
    [VAR_DPI] = {"dPI", "1/mV",
                 "this step's (spikes - phi(V_w_star) dt) h(V_w_star), the "
                 "Urbanczik-Senn error term",
                 0.0, NULL, COMP_DEND, 0},
    [VAR_R_REF] = {"r_ref", "1", "dead-time steps left", 0.0, NULL, COMP_SOMA,
                   AP_VAR_INTERNAL},
};

/* All ports have sign 0: as NEST forbids receptor 0 so that no connection
 * lands on a compartment by accident, every projection names its port. */
static const ap_port_desc ports[N_PORTS] = {
    [PORT_SOMA_EXC] = {"soma_exc",
                       "excitatory conductance into the soma (nS, >= 0)",
                       AP_PORT_CONDUCTANCE, COMP_SOMA, 0},
    [PORT_SOMA_INH] = {"soma_inh",
                       "inhibitory conductance into the soma (nS, >= 0)",
                       AP_PORT_CONDUCTANCE, COMP_SOMA, 0},
    [PORT_DEND_EXC] = {"dendritic_exc",
                       "excitatory current into the dendrite (pA, >= 0: "
                       "I_ex_p += w)",
                       AP_PORT_CURRENT, COMP_DEND, 0},
    [PORT_DEND_INH] = {"dendritic_inh",
                       "inhibitory current into the dendrite (pA, >= 0 as in "
                       "NEST: I_in_p -= w)",
                       AP_PORT_CURRENT, COMP_DEND, 0},
};

/* ------------------------------------------------------------- prepare */

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void set_err(char *err, size_t err_size, size_t i, const char *fmt,
                    ...) {
  if (!err || !err_size) return;
  int k = snprintf(err, err_size, "neuron %zu: ", i + 1);
  if (k < 0 || (size_t)k >= err_size) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err + k, err_size - (size_t)k, fmt, ap);
  va_end(ap);
}

/* Decay factors of one exponential over a half and a whole substep. */
typedef struct uz_decay {
  double half, sub, step; /* exp(-hs/(2 tau)), exp(-hs/tau), exp(-dt/tau) */
} uz_decay;

/* Derived values of one neuron. */
typedef struct uz_kern {
  double k;             /* RK4 substeps per step */
  double hs;            /* substep length, ms */
  uz_decay ex_s, in_s;  /* somatic conductances */
  uz_decay ex_p, in_p;  /* dendritic currents */
  double ref;           /* dead time in steps, round(t_ref/dt) */
  double cap_s;         /* the soma's rate (1/ms) the substeps are sized
                           for: more than this in a step adds substeps */
} uz_kern;

typedef struct uz_inst {
  uz_kern *k; /* per neuron, population-indexed */
} uz_inst;

static void release(void *p) {
  uz_inst *in = p;
  if (!in) return;
  free(in->k);
  free(in);
}

static void decay(uz_decay *d, double tau, double hs, double dt) {
  d->half = exp(-0.5 * hs / tau);
  d->sub = exp(-hs / tau);
  d->step = exp(-dt / tau);
}

/* Check neuron i's parameters; 0, or -1 with a sentence in err. */
static int check_params(const ap_neuron_pop *pop, size_t i, char *err,
                        size_t err_size) {
  const ap_real *const *q = pop->param;
  for (int k = 0; k < N_PARAMS; k++)
    if (!isfinite(q[k][i])) {
      set_err(err, err_size, i, "%s must be finite, got %g %s", params[k].name,
              q[k][i], params[k].unit);
      return -1;
    }
  /* NEST's checks, in its order, then those it lacks. */
  if (q[PAR_RATE_SLOPE][i] < 0.0) {
    set_err(err, err_size, i, "rate_slope must be >= 0, got %g", q[PAR_RATE_SLOPE][i]);
    return -1;
  }
  if (q[PAR_PHI_MAX][i] < 0.0) {
    set_err(err, err_size, i, "phi_max (the maximum rate) must be >= 0 1/ms, got %g "
            "1/ms", q[PAR_PHI_MAX][i]);
    return -1;
  }
  if (q[PAR_T_REF][i] < 0.0) {
    set_err(err, err_size, i, "t_ref (the dead time) must be >= 0 ms, got %g ms",
            q[PAR_T_REF][i]);
    return -1;
  }
  static const int cap[] = {PAR_C_M_S, PAR_C_M_P};
  static const int tau[] = {PAR_TAU_EX_S, PAR_TAU_IN_S, PAR_TAU_EX_P,
                            PAR_TAU_IN_P};
  static const int cond[] = {PAR_G_SP, PAR_G_PS, PAR_G_L_S, PAR_G_L_P};
  for (int j = 0; j < 2; j++)
    if (!(q[cap[j]][i] > 0.0)) {
      set_err(err, err_size, i, "capacitance %s must be > 0 pF, got %g pF",
              params[cap[j]].name, q[cap[j]][i]);
      return -1;
    }
  for (int j = 0; j < 4; j++)
    if (!(q[tau[j]][i] > 0.0)) {
      set_err(err, err_size, i, "time constant %s must be > 0 ms, got %g ms",
              params[tau[j]].name, q[tau[j]][i]);
      return -1;
    }
  for (int j = 0; j < 4; j++)
    if (q[cond[j]][i] < 0.0) {
      set_err(err, err_size, i, "conductance %s must be >= 0 nS, got %g nS",
              params[cond[j]].name, q[cond[j]][i]);
      return -1;
    }
  if (!(q[PAR_G_L_S][i] + q[PAR_G_SP][i] > 0.0)) {
    set_err(err, err_size, i, "g_L_s + g_sp must be > 0 nS (the dendritic prediction "
            "V_w_star divides by it), both are 0 nS");
    return -1;
  }
  return 0;
}

static double v_w_star(const ap_real *const *q, size_t i, double vp) {
  const double gl = q[PAR_G_L_S][i], gd = q[PAR_G_SP][i];
  return (gl * q[PAR_E_L_S][i] + gd * vp) / (gl + gd);
}

static int prepare(void **out, const ap_neuron_pop *pop, char *err,
                   size_t err_size) {
  const size_t n = pop->n;
  const double dt = pop->dt;
  const ap_real *const *q = pop->param;
  *out = NULL;
  for (size_t i = 0; i < n; i++)
    if (check_params(pop, i, err, err_size)) return AP_EINVAL;
  uz_inst *in = calloc(1, sizeof *in);
  if (in) in->k = malloc((n ? n : 1) * sizeof *in->k);
  if (!in || !in->k) {
    if (err && err_size)
      snprintf(err, err_size,
               "out of memory for the derived values of %zu neurons", n);
    release(in);
    return AP_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    uz_kern *k = &in->k[i];
    const double rate_s = (q[PAR_G_L_S][i] + q[PAR_G_SP][i]) / q[PAR_C_M_S][i];
    const double rate_p = (q[PAR_G_L_P][i] + q[PAR_G_PS][i]) / q[PAR_C_M_P][i];
    double rmax = rate_s > rate_p ? rate_s : rate_p;
    for (int t = PAR_TAU_EX_S; t <= PAR_TAU_IN_S; t++)
      if (1.0 / q[t][i] > rmax) rmax = 1.0 / q[t][i];
    for (int t = PAR_TAU_EX_P; t <= PAR_TAU_IN_P; t++)
      if (1.0 / q[t][i] > rmax) rmax = 1.0 / q[t][i];
    double hmax = SUBSTEP_PER_TAU / rmax;
    if (hmax > SUBSTEP_MAX_MS) hmax = SUBSTEP_MAX_MS;
    /* The slack keeps dt = 0.1 ms at one substep despite rounding. */
    double ks = ceil(dt / hmax * (1.0 - 1e-12));
    if (ks < 1.0) ks = 1.0;
    if (ks > SUBSTEPS_MAX) {
      set_err(err, err_size, i, "time constants down to %.10g ms are too short for "
              "dt = %.10g ms", 1.0 / rmax, dt);
      release(in);
      return AP_EINVAL;
    }
    k->k = ks;
    k->hs = dt / ks;
    decay(&k->ex_s, q[PAR_TAU_EX_S][i], k->hs, dt);
    decay(&k->in_s, q[PAR_TAU_IN_S][i], k->hs, dt);
    decay(&k->ex_p, q[PAR_TAU_EX_P][i], k->hs, dt);
    decay(&k->in_p, q[PAR_TAU_IN_P][i], k->hs, dt);
    k->ref = round(q[PAR_T_REF][i] / dt);
    k->cap_s = SUBSTEP_PER_TAU / k->hs;
    /* V_w_star is a function of V_m_p: refresh it, so that it agrees with
     * a V_m_p set between runs before the first step recomputes it. */
    pop->state[VAR_V_W_STAR][i] = v_w_star(q, i, pop->state[VAR_V_P][i]);
  }
  *out = in;
  return AP_OK;
}

/* -------------------------------------------------------------- update */

/* What the right-hand side of one neuron needs, constant over a step. */
typedef struct uz_rhs {
  double gls, els_ie, gsp, eex, ein, ics; /* soma: g_L, g_L E_L + I_e,
                                             coupling, reversals, 1/C */
  double glp, elp_ie, gps, icp;           /* dendrite */
} uz_rhs;

/* dV/dt of both compartments at (vs, vp) with synaptic values ge, gi
 * (soma, nS) and ie, ii (dendrite, pA). */
static inline void rhs(const uz_rhs *c, double vs, double vp, double ge,
                       double gi, double ie, double ii, double *fs,
                       double *fp) {
  *fs = (c->els_ie - c->gls * vs - ge * (vs - c->eex) - gi * (vs - c->ein) +
         c->gsp * (vp - vs)) * c->ics;
  *fp = (c->elp_ie - c->glp * vp + ie + ii + c->gps * (vs - vp)) * c->icp;
}

/* `k` RK4 substeps of length h; the synaptic values at the stages come
 * from their exact decay (factors over half and a whole substep). */
static void integrate(const uz_rhs *c, double *vs_, double *vp_, double ge,
                      double gi, double ie, double ii, double h, double k,
                      const double dh[4], const double d[4]) {
  double vs = *vs_, vp = *vp_;
  for (double s = 0.0; s < k; s += 1.0) {
    const double gem = ge * dh[0], gim = gi * dh[1], iem = ie * dh[2],
                 iim = ii * dh[3];
    const double ge1 = ge * d[0], gi1 = gi * d[1], ie1 = ie * d[2],
                 ii1 = ii * d[3];
    double a1, b1, a2, b2, a3, b3, a4, b4;
    rhs(c, vs, vp, ge, gi, ie, ii, &a1, &b1);
    rhs(c, vs + 0.5 * h * a1, vp + 0.5 * h * b1, gem, gim, iem, iim, &a2,
        &b2);
    rhs(c, vs + 0.5 * h * a2, vp + 0.5 * h * b2, gem, gim, iem, iim, &a3,
        &b3);
    rhs(c, vs + h * a3, vp + h * b3, ge1, gi1, ie1, ii1, &a4, &b4);
    vs += h / 6.0 * (a1 + 2.0 * (a2 + a3) + a4);
    vp += h / 6.0 * (b1 + 2.0 * (b2 + b3) + b4);
    ge = ge1;
    gi = gi1;
    ie = ie1;
    ii = ii1;
  }
  *vs_ = vs;
  *vp_ = vp;
}

/* phi(u) = phi_max / (1 + k exp(beta (theta - u))), spikes per ms.  With
 * k = 0 the exponential is not evaluated (0 * inf would be NaN). */
static inline double phi(const ap_real *const *q, size_t i, double u) {
  const double k = q[PAR_RATE_SLOPE][i];
  if (k == 0.0) return q[PAR_PHI_MAX][i];
  return q[PAR_PHI_MAX][i] /
         (1.0 + k * exp(q[PAR_BETA][i] * (q[PAR_THETA][i] - u)));
}

/* NEST's h(u) = 15 beta / (1 + exp(-beta (theta - u)) / k), written as
 * 15 beta k / (k + exp(...)) so that k = 0 gives 0 without dividing. */
static inline double hfun(const ap_real *const *q, size_t i, double u) {
  const double k = q[PAR_RATE_SLOPE][i], b = q[PAR_BETA][i];
  const double den = k + exp(-b * (q[PAR_THETA][i] - u));
  return den > 0.0 ? 15.0 * b * k / den : 0.0;
}

/* Below this mean a Poisson count is drawn by inversion from one uniform;
 * above it by the host's sampler. */
#define INVERSION_MAX 10.0

/* Spikes of block neuron i in this step, mean m = phi dt: with a dead
 * time at most one (probability 1 - exp(-m)), as NEST; without, a Poisson
 * count.  The stream (seed, stream, gid, step) keys the draw. */
static uint64_t draw_count(const ap_neuron_block *b, size_t i, double m,
                           int bernoulli) {
  if (!(m > 0.0)) return 0;
  ap_rng r;
  b->host->rng_init(&r, b->seed, b->stream, b->gid0 + i, (uint64_t)b->step);
  if (!bernoulli && m >= INVERSION_MAX) return b->host->rng_poisson(&r, m);
  const double u = b->host->rng_uniform(&r);
  if (bernoulli) return u < -expm1(-m) ? 1u : 0u;
  double p = exp(-m), s = p;
  uint64_t k = 0;
  while (u > s && k < 1000) {
    k++;
    p *= m / (double)k;
    s += p;
  }
  return k;
}

/* One step, in NEST's order: integrate both voltages over the step with
 * the synaptic values at its start; decay the synaptic values over the
 * step and add this step's weights; unless in the dead time, draw the
 * spike count from phi(V_m_s) and start the dead time on a spike; then
 * the dendritic prediction and the rule's error term. */
static int update(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  const uz_inst *in = b->inst;
  ap_real *const *st = b->state;
  const ap_real *const *q = b->param;
  const ap_real *w_se = b->input[PORT_SOMA_EXC], *w_si = b->input[PORT_SOMA_INH];
  const ap_real *w_pe = b->input[PORT_DEND_EXC], *w_pi = b->input[PORT_DEND_INH];
  const double dt = b->dt;
  size_t ns = 0;
  int rc = AP_OK;
  for (size_t i = 0; i < b->n; i++) {
    const uz_kern *k = &in->k[b->first + i];
    const uz_rhs c = {
        .gls = q[PAR_G_L_S][i],
        .els_ie = q[PAR_G_L_S][i] * q[PAR_E_L_S][i] + q[PAR_I_E_S][i],
        .gsp = q[PAR_G_SP][i],
        .eex = q[PAR_E_EX_S][i],
        .ein = q[PAR_E_IN_S][i],
        .ics = 1.0 / q[PAR_C_M_S][i],
        .glp = q[PAR_G_L_P][i],
        .elp_ie = q[PAR_G_L_P][i] * q[PAR_E_L_P][i] + q[PAR_I_E_P][i],
        .gps = q[PAR_G_PS][i],
        .icp = 1.0 / q[PAR_C_M_P][i],
    };
    const double ge = st[VAR_G_EX_S][i], gi = st[VAR_G_IN_S][i];
    const double ie = st[VAR_I_EX_P][i], ii = st[VAR_I_IN_P][i];
    double vs = st[VAR_V_S][i], vp = st[VAR_V_P][i];
    /* The conductances are largest at the step's start; when they speed
     * the soma beyond what the prepared substeps resolve, this step takes
     * finer ones (same bits whatever the block layout). */
    const double rate = (c.gls + c.gsp + ge + gi) * c.ics;
    if (rate <= k->cap_s) {
      const double dh[4] = {k->ex_s.half, k->in_s.half, k->ex_p.half,
                            k->in_p.half};
      const double d[4] = {k->ex_s.sub, k->in_s.sub, k->ex_p.sub,
                           k->in_p.sub};
      integrate(&c, &vs, &vp, ge, gi, ie, ii, k->hs, k->k, dh, d);
    } else {
      double ks = ceil(dt * rate / SUBSTEP_PER_TAU);
      if (ks > SUBSTEPS_MAX) ks = SUBSTEPS_MAX;
      const double h = dt / ks;
      const double tau[4] = {q[PAR_TAU_EX_S][i], q[PAR_TAU_IN_S][i],
                             q[PAR_TAU_EX_P][i], q[PAR_TAU_IN_P][i]};
      double dh[4], d[4];
      for (int j = 0; j < 4; j++) {
        dh[j] = exp(-0.5 * h / tau[j]);
        d[j] = exp(-h / tau[j]);
      }
      integrate(&c, &vs, &vp, ge, gi, ie, ii, h, ks, dh, d);
    }
    st[VAR_V_S][i] = vs;
    st[VAR_V_P][i] = vp;
    st[VAR_G_EX_S][i] = ge * k->ex_s.step + w_se[i];
    st[VAR_G_IN_S][i] = gi * k->in_s.step + w_si[i];
    st[VAR_I_EX_P][i] = ie * k->ex_p.step + w_pe[i];
    st[VAR_I_IN_P][i] = ii * k->in_p.step - w_pi[i];

    uint64_t cnt = 0;
    if (st[VAR_R_REF][i] > 0.0) {
      st[VAR_R_REF][i] -= 1.0;
    } else {
      const int dead = q[PAR_T_REF][i] > 0.0;
      cnt = draw_count(b, i, phi(q, i, vs) * dt, dead);
      if (cnt > 0) {
        st[VAR_R_REF][i] = k->ref;
        if (cnt > 1) {
          if (!b->mult) {
            rc = AP_EINVAL; /* a count > 1 cannot be reported */
            cnt = 1;
          } else {
            b->has_mult = 1;
          }
        }
        if (b->mult) b->mult[ns] = cnt > UINT32_MAX ? UINT32_MAX : (uint32_t)cnt;
        b->spiked[ns++] = (uint32_t)i;
      }
    }
    const double vw = v_w_star(q, i, vp);
    st[VAR_V_W_STAR][i] = vw;
    st[VAR_DPI][i] = ((double)cnt - phi(q, i, vw) * dt) * hfun(q, i, vw);
  }
  b->n_spiked = ns;
  return rc;
}

static const ap_neuron_desc neuron = {
    .size = sizeof(ap_neuron_desc),
    .compartments = compartments,
    .n_compartments = 2,
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
    "pp_cond_exp_mc_urbanczik -- two-compartment point-process neuron of\n"
    "Urbanczik & Senn (2014), as NEST's pp_cond_exp_mc_urbanczik\n"
    "\n"
    "Description\n"
    "  A soma (U = V_m_s) and a dendrite (V = V_m_p), each with a leak and\n"
    "  a constant current, coupled by g_sp (the dendrite drives the soma;\n"
    "  g_D of the paper) and g_ps (the soma drives the dendrite; 0 by\n"
    "  default, the supplement's extension).  The soma has conductance\n"
    "  synapses (ports soma_exc, soma_inh); the dendrite, as in NEST, has\n"
    "  current synapses (ports dendritic_exc, dendritic_inh) whose weights\n"
    "  are in pA and, as in NEST, >= 0 on both ports: a weight w on\n"
    "  dendritic_inh makes I_in_p jump by -w.  The soma spikes as an\n"
    "  inhomogeneous Poisson process of rate phi(U); the voltage is not\n"
    "  reset.  After a spike the neuron is dead for t_ref.  No port is a\n"
    "  default (NEST forbids receptor 0): name one, e.g.\n"
    "    ap.connect(src, n, \"all_to_all\", { weight = 50,\n"
    "                                         port = \"dendritic_exc\" })\n"
    "\n"
    "Equations\n"
    "  C_m_s dU/dt = -g_L_s (U - E_L_s) - g_ex_s (U - E_ex_s)\n"
    "                - g_in_s (U - E_in_s) + g_sp (V - U) + I_e_s\n"
    "  C_m_p dV/dt = -g_L_p (V - E_L_p) + I_ex_p + I_in_p\n"
    "                + g_ps (U - V) + I_e_p\n"
    "  dg_ex_s/dt = -g_ex_s/tau_syn_ex_s + sum w delta(t - t_k) (soma_exc)\n"
    "  dg_in_s/dt = -g_in_s/tau_syn_in_s + sum w delta(t - t_k) (soma_inh)\n"
    "  dI_ex_p/dt = -I_ex_p/tau_syn_ex_p + sum w delta(t - t_k)\n"
    "                                                (dendritic_exc)\n"
    "  dI_in_p/dt = -I_in_p/tau_syn_in_p - sum w delta(t - t_k)\n"
    "                                                (dendritic_inh)\n"
    "  phi(U) = phi_max / (1 + rate_slope exp(beta (theta - U)))  [1/ms]\n"
    "  steady state (no input, phi_max = 0): the 2x2 linear system\n"
    "    (g_L_s + g_sp) U - g_sp V = g_L_s E_L_s + I_e_s\n"
    "    (g_L_p + g_ps) V - g_ps U = g_L_p E_L_p + I_e_p\n"
    "\n"
    "Spikes and the dead time\n"
    "  At the end of each step, unless the neuron is in its dead time\n"
    "  (r_ref > 0, counted down by one a step), m = phi(U) dt:\n"
    "    t_ref > 0: one spike with probability 1 - exp(-m) (as NEST);\n"
    "    t_ref = 0: k ~ Poisson(m) spikes, one event of multiplicity k.\n"
    "  A spike sets r_ref = round(t_ref/dt): the next round(t_ref/dt)\n"
    "  steps cannot spike.  The draw comes from the host's counter-based\n"
    "  generator keyed by (run seed, population stream, neuron id, step),\n"
    "  so spikes do not depend on threads or block layout.\n"
    "\n"
    "Dendritic prediction (for the urbanczik rule)\n"
    "  NEST's Urbanczik archiving node defines, with the dendrite's V at\n"
    "  the end of each step,\n"
    "    V_w_star = (g_L_s E_L_s + g_sp V) / (g_L_s + g_sp)\n"
    "  (the paper's g_D/(g_D + g_L) V with E_L = 0), kept as the state\n"
    "  variable V_w_star, and the error term of the step\n"
    "    dPI = (n_spikes - phi(V_w_star) dt) h(V_w_star),\n"
    "    h(u) = 15 beta / (1 + exp(-beta (theta - u)) / rate_slope),\n"
    "  kept as dPI (n_spikes: the spikes this step emitted, 0 in the dead\n"
    "  time).  The rule integrates dPI against its presynaptic PSP traces.\n"
    "  prepare() refreshes V_w_star from V_m_p, so it agrees with a V_m_p\n"
    "  set between runs.  g_L_s + g_sp must be > 0.\n"
    "\n"
    "Integration and accuracy\n"
    "  NEST integrates with GSL's adaptive RKF45 (relative tolerance 1e-3);\n"
    "  here the synaptic conductances and currents decay exactly and the\n"
    "  two voltages are stepped by classical RK4 on k equal substeps per\n"
    "  step, the RK stages taking the exact synaptic values at the\n"
    "  substep's start, middle and end.  k makes a substep at most 0.1 ms\n"
    "  and at most 0.1 of the shortest of tau_syn_*, C_m_s/(g_L_s + g_sp)\n"
    "  and C_m_p/(g_L_p + g_ps) (defaults, dt = 0.1 ms: 3 substeps); a\n"
    "  step whose somatic conductances make C_m_s/(g_L_s + g_sp + g_ex_s +\n"
    "  g_in_s) shorter takes proportionally more (at most 100000).  The\n"
    "  relative error of a substep is then about 0.1^5/120 = 1e-7 of the\n"
    "  decaying part.  Measured at dt = 0.1 ms (tests): the soma and the\n"
    "  dendrite within 2e-7 mV of the exact two-exponential response to an\n"
    "  18 mV dendritic current step; within 1e-6 mV of a fine reference\n"
    "  for a 20 nS somatic conductance, 5e-5 mV for 5000 nS (a 60 mV\n"
    "  swing); the steady state of constant inputs exact up to rounding\n"
    "  (RK4's fixed point of a linear system is its equilibrium).\n"
    "\n"
    "Order within a step (as NEST)\n"
    "  1. integrate U and V over the step (synaptic values from its start)\n"
    "  2. decay the synaptic values, add this step's weights\n"
    "  3. unless dead, draw the spike count from phi(U); a spike starts\n"
    "     the dead time (otherwise r_ref counts down)\n"
    "  4. V_w_star and dPI from V\n"
    "\n"
    "Mapping to NEST's names\n"
    "  NEST keeps per-compartment parameters in the sub-dictionaries soma\n"
    "  and dendritic and records V_m.s, V_m.p; here they are flattened with\n"
    "  the suffixes _s (soma) and _p (dendrite, NEST's recordable suffix):\n"
    "    soma.g_L, .C_m, .E_L, .E_ex, .E_in   g_L_s, C_m_s, E_L_s, E_ex_s,\n"
    "                                         E_in_s\n"
    "    soma.tau_syn_ex, .tau_syn_in, .I_e   tau_syn_ex_s, tau_syn_in_s,\n"
    "                                         I_e_s\n"
    "    dendritic.g_L, .C_m, .E_L            g_L_p, C_m_p, E_L_p\n"
    "    dendritic.tau_syn_ex, .tau_syn_in    tau_syn_ex_p, tau_syn_in_p\n"
    "    dendritic.I_e                        I_e_p (applied here; NEST\n"
    "                                         stores but ignores it)\n"
    "    dendritic.E_ex, .E_in                none: NEST's dendritic\n"
    "                                         synapses are currents and\n"
    "                                         never use them\n"
    "    t_ref, phi_max, rate_slope, beta,    same names\n"
    "    theta, g_sp, g_ps\n"
    "    V_m.s, g_ex.s, g_in.s                V_m_s, g_ex_s, g_in_s\n"
    "    V_m.p, I_ex.p, I_in.p                V_m_p, I_ex_p, I_in_p\n"
    "    receptors soma_exc, soma_inh,        ports of the same names\n"
    "    dendritic_exc, dendritic_inh\n"
    "  NEST's current receptors (soma_curr, dendritic_curr) have no port\n"
    "  here; I_e_s and I_e_p can be set between runs.\n"
    "\n"
    "Parameters\n"
    "  name          unit  default   meaning\n"
    "  t_ref         ms    3         dead time (>= 0; 0: Poisson counts)\n"
    "  phi_max       1/ms  0.15      maximum rate (>= 0)\n"
    "  rate_slope    1     0.5       k of the rate function (>= 0)\n"
    "  beta          1/mV  0.333333  steepness of the rate function (1/3)\n"
    "  theta         mV    -55       midpoint of the rate function\n"
    "  g_sp          nS    600       coupling, dendrite to soma (>= 0)\n"
    "  g_ps          nS    0         coupling, soma to dendrite (>= 0)\n"
    "  g_L_s         nS    30        somatic leak conductance (>= 0)\n"
    "  C_m_s         pF    300       somatic capacitance (> 0)\n"
    "  E_L_s         mV    -70       somatic leak reversal potential\n"
    "  E_ex_s        mV    0         somatic excitatory reversal potential\n"
    "  E_in_s        mV    -75       somatic inhibitory reversal potential\n"
    "  tau_syn_ex_s  ms    3         somatic excitatory decay (> 0)\n"
    "  tau_syn_in_s  ms    3         somatic inhibitory decay (> 0)\n"
    "  I_e_s         pA    0         constant current into the soma\n"
    "  g_L_p         nS    30        dendritic leak conductance (>= 0)\n"
    "  C_m_p         pF    300       dendritic capacitance (> 0)\n"
    "  E_L_p         mV    -70       dendritic leak reversal potential\n"
    "  tau_syn_ex_p  ms    3         dendritic excitatory decay (> 0)\n"
    "  tau_syn_in_p  ms    3         dendritic inhibitory decay (> 0)\n"
    "  I_e_p         pA    0         constant current into the dendrite\n"
    "\n"
    "State\n"
    "  V_m_s     mV    somatic potential U (starts at E_L_s)\n"
    "  g_ex_s    nS    somatic excitatory conductance\n"
    "  g_in_s    nS    somatic inhibitory conductance\n"
    "  V_m_p     mV    dendritic potential V (starts at E_L_p)\n"
    "  I_ex_p    pA    dendritic excitatory current (>= 0)\n"
    "  I_in_p    pA    dendritic inhibitory current (<= 0)\n"
    "  V_w_star  mV    dendritic prediction of U (above)\n"
    "  dPI       1/mV  the step's error term (above)\n"
    "  r_ref     1     dead-time steps left (internal)\n"
    "\n"
    "Ports (none is a default: name one)\n"
    "  soma_exc       conductance (nS, >= 0) into g_ex_s\n"
    "  soma_inh       conductance (nS, >= 0) into g_in_s\n"
    "  dendritic_exc  current (pA, >= 0): I_ex_p += w\n"
    "  dendritic_inh  current (pA, >= 0): I_in_p -= w\n"
    "\n"
    "References\n"
    "  Urbanczik R, Senn W (2014). Learning by the dendritic prediction of\n"
    "    somatic spiking. Neuron 81:521-528. doi:10.1016/j.neuron.2013.11.030\n"
    "  NEST models/pp_cond_exp_mc_urbanczik and\n"
    "    nestkernel/urbanczik_archiving_node (equations, defaults, V_w_star)\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_NEURON,
    .name = "pp_cond_exp_mc_urbanczik",
    .version = "1.0",
    .doc = "two-compartment Poisson neuron of Urbanczik & Senn 2014 (soma "
           "and dendrite), as NEST's pp_cond_exp_mc_urbanczik",
    .doc_long = doc_long,
    .desc = &neuron,
}};

AP_PLUGIN(plugins)
