/* check_lif_cond_exp.c -- lif_cond_exp against an independent reference.
 *
 * The reference integrates the same equations by another method: over a
 * step the conductances are known exactly, so the membrane equation is
 * linear with known coefficients and
 *   V(h) = V(0) exp(-(A(h) - A(0))) + int_0^h exp(-(A(h) - A(s))) b(s) ds,
 *   A(s) = (g_L s + g_ex(0) tau_ex (1 - e^(-s/tau_ex))
 *               + g_in(0) tau_in (1 - e^(-s/tau_in))) / C_m,
 *   b(s) = (g_L E_L + g_ex(s) E_ex + g_in(s) E_in + I_e) / C_m,
 * with the integral evaluated by 5-point Gauss-Legendre quadrature on
 * panels of at most 0.02 ms, in long double (error far below 1e-12 mV).
 *
 * Tolerance: the plugin's V_m must stay within V_TOL = 1e-6 mV of the
 * reference at every step over 500 ms of random input spikes on ex and in
 * plus I_e, sub-threshold and spiking, for dt = 0.1, 0.01 and 0.25 ms; the
 * spike steps must be identical.
 *
 * The noise current is checked against the statistics it must have
 * (tests/lif_noise_checks.h). */
#include "lif_cond_exp.c"

#include <math.h>
#include <stdio.h>

#include "plugin/loader.h"
#include "neuron_harness.h"
#include "lif_noise_checks.h"

#define V_TOL 1e-6 /* mV */

typedef struct cpar {
  double g_L, C_m, E_L, E_ex, E_in, I_e, tau_ex, tau_in, V_th, V_reset, t_ref;
  double rate_ex, w_ex, rate_in, w_in; /* input: Hz, max weight (nS) */
  int method;   /* the integrator parameter: 0 RK4, 1 RK2 */
  double v_tol; /* mV; 0: V_TOL */
} cpar;

static const long double gl_x[5] = {
    0.0L, -0.538469310105683091036314420700208805L,
    0.538469310105683091036314420700208805L,
    -0.906179845938663992797626878299392965L,
    0.906179845938663992797626878299392965L};
static const long double gl_w[5] = {
    0.568888888888888888888888888888888889L,
    0.478628670499366468041291514835638192L,
    0.478628670499366468041291514835638192L,
    0.236926885056189087514264040719917363L,
    0.236926885056189087514264040719917363L};

/* Quadrature nodes of one step and the decay factors there, which depend
 * only on dt and the time constants. */
enum { MAX_NODES = 5 * 16 };
typedef struct ref_grid {
  int n;                       /* nodes */
  long double s[MAX_NODES];    /* node times in [0, h] */
  long double w[MAX_NODES];    /* weights (sum h) */
  long double eex[MAX_NODES];  /* exp(-s/tau_ex) at the nodes */
  long double ein[MAX_NODES];
  long double eex_h, ein_h;    /* exp(-h/tau) */
  long double h;
} ref_grid;

/* 5-point Gauss-Legendre on panels of at most 0.02 ms. */
static void ref_grid_init(ref_grid *g, const cpar *p, long double h) {
  int panels = (int)ceill(h / 0.02L - 1e-9L);
  if (panels < 1) panels = 1;
  ck_assert_int_le(5 * panels, MAX_NODES);
  long double pw = h / panels;
  g->n = 0;
  g->h = h;
  for (int k = 0; k < panels; k++)
    for (int j = 0; j < 5; j++) {
      long double s = (k + 0.5L) * pw + 0.5L * pw * gl_x[j];
      g->s[g->n] = s;
      g->w[g->n] = 0.5L * pw * gl_w[j];
      g->eex[g->n] = expl(-s / p->tau_ex);
      g->ein[g->n] = expl(-s / p->tau_in);
      g->n++;
    }
  g->eex_h = expl(-h / p->tau_ex);
  g->ein_h = expl(-h / p->tau_in);
}

/* V_m after one free step from V0 with conductances ge0, gi0 at the start
 * of the step.  A(h) - A(s) = (g_L (h - s) + ge0 tau_ex (e_ex(s) -
 * e_ex(h)) + gi0 tau_in (e_in(s) - e_in(h))) / C_m. */
static long double ref_step(const cpar *p, const ref_grid *g, long double V0,
                            long double ge0, long double gi0) {
  const long double C = p->C_m, gL = p->g_L, h = g->h;
  const long double cex = ge0 * p->tau_ex, cin = gi0 * p->tau_in;
  long double sum = 0.0L;
  for (int j = 0; j < g->n; j++) {
    long double phi = (gL * (h - g->s[j]) + cex * (g->eex[j] - g->eex_h) +
                       cin * (g->ein[j] - g->ein_h)) /
                      C;
    long double b = (gL * p->E_L + ge0 * g->eex[j] * p->E_ex +
                     gi0 * g->ein[j] * p->E_in + p->I_e) /
                    C;
    sum += g->w[j] * expl(-phi) * b;
  }
  long double phi0 =
      (gL * h + cex * (1.0L - g->eex_h) + cin * (1.0L - g->ein_h)) / C;
  return V0 * expl(-phi0) + sum;
}

/* Deterministic input draws (64-bit LCG), the same for plugin and
 * reference. */
static double lcg(uint64_t *x) {
  *x = *x * 6364136223846793005ull + 1442695040888963407ull;
  return (double)(*x >> 11) * 0x1.0p-53;
}

typedef struct run_result {
  double max_dv;     /* max |V_plugin - V_ref| (mV) */
  double min_margin; /* min |V_ref - V_th| over free steps (mV) */
  long spikes;
} run_result;

/* Run neuron parameters `p` for T ms at dt in the plugin (as one of a
 * population of N copies with their own input seeds) and in the reference;
 * assert identical spike steps and V_m within V_TOL. */
static run_result compare(const cpar *p, double dt, double T,
                          uint64_t seed) {
  enum { N = 3 };
  nh *h = nh_open("lif_cond_exp", N, dt);
  nh_set(h, "g_L", p->g_L);
  nh_set(h, "C_m", p->C_m);
  nh_set(h, "E_L", p->E_L);
  nh_set(h, "E_ex", p->E_ex);
  nh_set(h, "E_in", p->E_in);
  nh_set(h, "I_e", p->I_e);
  nh_set(h, "tau_syn_ex", p->tau_ex);
  nh_set(h, "tau_syn_in", p->tau_in);
  nh_set(h, "V_th", p->V_th);
  nh_set(h, "V_reset", p->V_reset);
  nh_set(h, "t_ref", p->t_ref);
  nh_set(h, "integrator", p->method);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  const double v_tol = p->v_tol > 0.0 ? p->v_tol : V_TOL;
  const long steps = lround(T / dt), R = lround(p->t_ref / dt);
  const double p_ex = p->rate_ex * dt * 1e-3, p_in = p->rate_in * dt * 1e-3;
  ref_grid grid;
  ref_grid_init(&grid, p, dt);
  const long double Pex = grid.eex_h, Pin = grid.ein_h;
  long double V[N], ge[N], gi[N];
  long r[N];
  uint64_t rng[N];
  run_result res = {0.0, INFINITY, 0};
  for (size_t i = 0; i < N; i++) {
    V[i] = p->E_L;
    ge[i] = gi[i] = 0.0L;
    r[i] = 0;
    rng[i] = seed + 1000 * i;
  }
  for (long s = 0; s < steps; s++) {
    double wex[N], win[N];
    for (size_t i = 0; i < N; i++) {
      wex[i] = lcg(&rng[i]) < p_ex ? p->w_ex * lcg(&rng[i]) : 0.0;
      win[i] = lcg(&rng[i]) < p_in ? p->w_in * lcg(&rng[i]) : 0.0;
      nh_in(h, "ex")[i] = wex[i];
      nh_in(h, "in")[i] = win[i];
    }
    nh_step(h);
    for (size_t i = 0; i < N; i++) {
      int spike = 0;
      if (r[i] > 0) {
        r[i]--;
        V[i] = p->V_reset;
      } else {
        V[i] = ref_step(p, &grid, V[i], ge[i], gi[i]);
        double margin = fabs((double)(V[i] - p->V_th));
        if (margin < res.min_margin) res.min_margin = margin;
        if (V[i] >= p->V_th) {
          spike = 1;
          r[i] = R;
          V[i] = p->V_reset;
        }
      }
      ge[i] = ge[i] * Pex + wex[i];
      gi[i] = gi[i] * Pin + win[i];
      NH_CHECK(spike == nh_spiked(h, i),
                    "dt %g, neuron %zu, step %ld: reference %s, plugin %s", dt,
                    i, s, spike ? "spikes" : "silent",
                    nh_spiked(h, i) ? "spikes" : "silent");
      res.spikes += spike;
      double dv = fabs(nh_var(h, "V_m")[i] - (double)V[i]);
      if (dv > res.max_dv) res.max_dv = dv;
      NH_CHECK(dv <= v_tol,
                    "dt %g, neuron %zu, step %ld: V_m %.12g, reference %.12g",
                    dt, i, s, nh_var(h, "V_m")[i], (double)V[i]);
      NH_CHECK(fabs(nh_var(h, "g_ex")[i] - (double)ge[i]) <=
                   1e-12 * (1.0 + (double)ge[i]),
               "step %ld: g_ex %.17g, reference %.17g", s,
               nh_var(h, "g_ex")[i], (double)ge[i]);
      NH_CHECK(fabs(nh_var(h, "g_in")[i] - (double)gi[i]) <=
                   1e-12 * (1.0 + (double)gi[i]),
               "step %ld: g_in %.17g, reference %.17g", s,
               nh_var(h, "g_in")[i], (double)gi[i]);
    }
  }
  nh_close(h);
  if (getenv("AP_TEST_VERBOSE"))
    fprintf(stderr,
            "lif_cond_exp %s dt %g: max |V - V_ref| = %.3g mV, min "
            "|V_ref - V_th| = %.3g mV, %ld spikes\n",
            p->method ? "RK2" : "RK4", dt, res.max_dv, res.min_margin,
            res.spikes);
  return res;
}

/* NEST's defaults; inputs at 2000 Hz of up to 20 nS (ex), 200 Hz of up to
 * 30 nS (in). */
static cpar defaults(void) {
  return (cpar){.g_L = 16.6667, .C_m = 250.0, .E_L = -70.0, .E_ex = 0.0,
                .E_in = -85.0, .I_e = 0.0, .tau_ex = 0.2, .tau_in = 2.0,
                .V_th = -55.0, .V_reset = -60.0, .t_ref = 2.0,
                .rate_ex = 2000.0, .w_ex = 20.0, .rate_in = 200.0,
                .w_in = 30.0};
}

START_TEST(test_subthreshold) {
  const double dts[] = {0.1, 0.01, 0.25};
  for (int k = 0; k < 3; k++) {
    cpar p = defaults();
    p.V_th = 1e3; /* never fires */
    p.I_e = 150.0;
    run_result r = compare(&p, dts[k], 500.0, 11);
    ck_assert_int_eq(r.spikes, 0);
  }
}
END_TEST

START_TEST(test_spiking) {
  const double dts[] = {0.1, 0.01, 0.25};
  for (int k = 0; k < 3; k++) {
    cpar p = defaults();
    p.I_e = 400.0;
    run_result r = compare(&p, dts[k], 500.0, 23);
    ck_assert_int_gt(r.spikes, 30);
    /* Spike steps cannot hinge on the tolerance. */
    ck_assert_double_gt(r.min_margin, V_TOL);
  }
}
END_TEST

/* Other time constants, t_ref = 0, and conductances of up to ~200 nS. */
START_TEST(test_other_parameters) {
  cpar p = defaults();
  p.tau_ex = 1.5;
  p.tau_in = 5.0;
  p.t_ref = 0.0;
  p.I_e = 250.0;
  p.w_ex = 10.0;
  p.w_in = 20.0;
  p.rate_ex = 1000.0;
  p.rate_in = 100.0;
  run_result r = compare(&p, 0.1, 500.0, 5);
  ck_assert_int_gt(r.spikes, 30);
  ck_assert_double_gt(r.min_margin, V_TOL);
  p = defaults();
  p.V_th = 1e3;
  p.w_ex = 200.0;
  p.rate_ex = 500.0;
  p.w_in = 60.0;
  compare(&p, 0.1, 500.0, 99);
}
END_TEST

/* integrator = 1 (RK2) against the same reference: sub-threshold with
 * NEST's defaults (tau_syn_ex 0.2 ms, so at dt = 0.1 ms and below only)
 * and with the COBA benchmark's neuron (Brette et al. 2007: tau_syn 5 and
 * 10 ms, g_L 10 nS, C_m 200 pF) under inputs like the network's, at the
 * dt of each; then spiking, spike steps identical where the reference
 * keeps RK2_TOL clear of the threshold. */
#define RK2_TOL 0.04 /* mV */
static cpar coba_neuron(void) {
  return (cpar){.g_L = 10.0, .C_m = 200.0, .E_L = -60.0, .E_ex = 0.0,
                .E_in = -80.0, .I_e = 0.0, .tau_ex = 5.0, .tau_in = 10.0,
                .V_th = 1e3, .V_reset = -60.0, .t_ref = 5.0,
                .rate_ex = 1280.0, .w_ex = 12.0, .rate_in = 320.0,
                .w_in = 134.0, .method = 1, .v_tol = RK2_TOL};
}

START_TEST(test_rk2) {
  cpar p = defaults();
  p.V_th = 1e3;
  p.I_e = 150.0;
  p.method = 1;
  p.v_tol = RK2_TOL;
  compare(&p, 0.1, 500.0, 11);
  compare(&p, 0.01, 500.0, 11);
  p = coba_neuron();
  compare(&p, 0.1, 500.0, 7);
  p.I_e = 200.0;
  p.V_th = -50.0;
  run_result r = compare(&p, 0.1, 500.0, 8);
  ck_assert_int_ge(r.spikes, 10);
  ck_assert_double_gt(r.min_margin, RK2_TOL);
}
END_TEST

/* Inputs read and cleared in one pass (input_w) or left to the host: the
 * same bits, with either integrator. */
START_TEST(test_input_w) {
  const char *names[] = {"integrator", "I_e"};
  for (int m = 0; m < 2; m++) {
    const double values[] = {m, 1000.0};
    ck_assert_int_gt(
        nh_check_input_w("lif_cond_exp", 37, 0.1, 2000, 3.0, names, values, 2),
        20);
  }
}
END_TEST

/* The conductances decay exactly: g(n dt) = g(0) exp(-n dt/tau) to 1e-12
 * relative, whether or not the neuron is refractory. */
START_TEST(test_conductance_decay) {
  const double dt = 0.1;
  nh *h = nh_open("lif_cond_exp", 2, dt);
  nh_set(h, "tau_syn_ex", 0.7);
  nh_set(h, "tau_syn_in", 2.0);
  nh_par(h, "I_e")[1] = 2000.0; /* neuron 1 fires and is refractory often */
  nh_set(h, "t_ref", 5.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  nh_in(h, "ex")[0] = nh_in(h, "ex")[1] = 10.0;
  nh_in(h, "in")[0] = nh_in(h, "in")[1] = 40.0;
  nh_step(h);
  long spikes = 0;
  for (int n = 1; n <= 400; n++) {
    nh_step(h);
    spikes += (long)h->n_spiked;
    for (size_t i = 0; i < 2; i++) {
      double gex = 10.0 * exp(-n * dt / 0.7), gin = 40.0 * exp(-n * dt / 2.0);
      NH_CHECK(fabs(nh_var(h, "g_ex")[i] - gex) <= 1e-12 * gex,
               "neuron %zu, step %d: g_ex %.17g, exact %.17g", i, n,
               nh_var(h, "g_ex")[i], gex);
      NH_CHECK(fabs(nh_var(h, "g_in")[i] - gin) <= 1e-12 * gin,
               "neuron %zu, step %d: g_in %.17g, exact %.17g", i, n,
               nh_var(h, "g_in")[i], gin);
    }
  }
  ck_assert_int_gt(spikes, 3);
  nh_close(h);
}
END_TEST

/* While refractory, V_m is exactly V_reset for round(t_ref/dt) steps. */
START_TEST(test_refractory_clamp) {
  const double dt = 0.1;
  nh *h = nh_open("lif_cond_exp", 1, dt);
  nh_set(h, "I_e", 1000.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (int s = 0; s < 1000 && h->n_spiked == 0; s++) nh_step(h);
  ck_assert_uint_eq(h->n_spiked, 1);
  for (int k = 0; k < 20; k++) {
    ck_assert_double_eq(nh_var(h, "V_m")[0], -60.0);
    nh_in(h, "ex")[0] = 5.0;
    nh_step(h);
  }
  ck_assert_double_eq(nh_var(h, "V_m")[0], -60.0);
  nh_step(h);
  ck_assert_double_gt(nh_var(h, "V_m")[0], -60.0);
  nh_close(h);
}
END_TEST

/* The substep count follows the documented rule. */
START_TEST(test_substeps) {
  nh *h = nh_open("lif_cond_exp", 3, 0.1);
  nh_par(h, "tau_syn_ex")[1] = 2.0; /* shortest: C_m/g_L = 15 ms -> 0.1 */
  nh_par(h, "tau_syn_ex")[2] = 0.03;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  const lif_cond_exp_inst *in = h->inst;
  ck_assert_uint_eq(in->substeps[0], 5);
  ck_assert_uint_eq(in->substeps[1], 1);
  ck_assert_uint_eq(in->substeps[2], 34);
  nh_close(h);
}
END_TEST

START_TEST(test_reset_above_threshold) {
  nh *h = nh_open("lif_cond_exp", 3, 0.1);
  nh_par(h, "V_th")[0] = -61.0;
  ck_assert_int_eq(nh_prepare(h), AP_EINVAL);
  ck_assert_str_eq(h->err, "neuron 1: V_reset (-60 mV) must be below V_th "
                           "(-61 mV)");
  nh_close(h);
}
END_TEST

START_TEST(test_doc_and_descriptor) {
  nh_check_doc("lif_cond_exp");
  char err[512] = "";
  NH_CHECK(ap_plugin_validate(ap_plugin_entry(), err, sizeof err) == AP_OK,
                "%s", err);
}
END_TEST


/* ---------------------------------------------------------- noise */

static const lif_cond_exp_inst *inst_of(const nh *h) { return h->inst; }

/* The noise is off by default and costs nothing then: prepare() decides
 * once whether any neuron can carry a noise current, and the noise
 * parameters do not break the uniform fast path while there is none. */
START_TEST(test_noise_flags) {
  nh *h = nh_open("lif_cond_exp", 4, 0.1);
  nh_set(h, "tau_syn_ex", 2.0); /* one substep: the uniform path */
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  ck_assert_int_eq(inst_of(h)->noisy, 0);
  ck_assert_int_eq(inst_of(h)->uniform, 1);
  nh_par(h, "tau_noise")[2] = 5.0; /* no noise without sigma */
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  ck_assert_int_eq(inst_of(h)->noisy, 0);
  ck_assert_int_eq(inst_of(h)->uniform, 1);
  nh_par(h, "sigma")[1] = 1.0;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  ck_assert_int_eq(inst_of(h)->noisy, 1);
  /* a current set by hand must still decay (OU) or be cleared (white) */
  nh_par(h, "sigma")[1] = 0.0;
  nh_var(h, "I_noise")[2] = 100.0;
  nh_var(h, "I_noise")[3] = 100.0;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  ck_assert_int_eq(inst_of(h)->noisy, 1);
  nh_step(h);
  ck_assert_double_eq(nh_var(h, "I_noise")[2], 100.0 * exp(-0.1 / 5.0));
  ck_assert_double_eq(nh_var(h, "I_noise")[3], 0.0);
  ck_assert_double_eq(nh_var(h, "I_noise")[0], 0.0);
  /* other parameters still count */
  nh_var(h, "I_noise")[2] = 0.0;
  nh_par(h, "I_e")[0] = 1.0;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  ck_assert_int_eq(inst_of(h)->noisy, 0);
  ck_assert_int_eq(inst_of(h)->uniform, 0);
  nh_close(h);
}
END_TEST

/* Without synaptic input the membrane is linear, C_m dV/dt =
 * -g_L (V - E_L) + I, and one step of the plugin's RK4 substeps is an
 * AR(1) map V - E_L <- a (V - E_L) + c I.  a and c come from the plugin's
 * own substep function (v from 1 without current; v from 0 with unit
 * current) and are checked against the closed form of RK4 on a linear
 * equation: per substep R = 1 - z + z^2/2 - z^3/6 + z^4/24, z = h_sub
 * g_L/C_m, so a = R^K and c = (1 - a)/g_L. */
static void cond_exp_ar1(double dt, double *a, double *c) {
  nh *h = nh_open("lif_cond_exp", 1, dt);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  const lif_cond_exp_inst *in = inst_of(h);
  const double gl = 16.6667, C = 250.0, hs = in->hs[0];
  double va = 1.0, vc = 0.0;
  for (uint32_t k = 0; k < in->substeps[0]; k++) {
    va = rk4_substep(va, 0.0, 0.0, hs, in->inv_C[0], gl, 0.0, 0.0, -85.0,
                     in->Dh_ex[0], in->D_ex[0], in->Dh_in[0], in->D_in[0]);
    vc = rk4_substep(vc, 0.0, 0.0, hs, in->inv_C[0], gl, 1.0, 0.0, -85.0,
                     in->Dh_ex[0], in->D_ex[0], in->Dh_in[0], in->D_in[0]);
  }
  const double z = hs * gl / C;
  const double R = 1.0 - z + z * z / 2.0 - z * z * z / 6.0 +
                   z * z * z * z / 24.0;
  ck_assert_double_eq_tol(va, pow(R, in->substeps[0]), 1e-14);
  ck_assert_double_eq_tol(vc, (1.0 - va) / gl, 1e-14);
  *a = va;
  *c = vc;
  nh_close(h);
}

START_TEST(test_noise_white_variance) {
  const double dts[] = {0.1, 1.0};
  for (int k = 0; k < 2; k++) {
    double a, c;
    cond_exp_ar1(dts[k], &a, &c);
    nc_white_variance("lif_cond_exp", dts[k], -70.0, 500.0, a, c, NULL);
  }
}
END_TEST

START_TEST(test_noise_ou) {
  nc_ou("lif_cond_exp", 0.1, 50.0, 5.0, NULL);
  nc_ou("lif_cond_exp", 0.1, 50.0, 0.3, NULL); /* tau_noise near dt */
}
END_TEST

static const nc_inputs cond_exp_inputs = {5.0, 5.0, 1.0};

/* tau_syn_ex = 2 ms: one RK4 substep a step, the uniform fast path */
static void one_substep(nh *h) { nh_set(h, "tau_syn_ex", 2.0); }

START_TEST(test_noise_like_I_e) {
  nc_like_I_e("lif_cond_exp", NULL);
  nc_like_I_e("lif_cond_exp", one_substep);
}
END_TEST

START_TEST(test_noise_seed) {
  nc_seed("lif_cond_exp", 400.0, 2.0, &cond_exp_inputs, NULL);
}
END_TEST

START_TEST(test_noise_blocks) {
  nc_blocks("lif_cond_exp", 400.0, 2.0, &cond_exp_inputs, NULL);
  nc_blocks("lif_cond_exp", 400.0, 2.0, &cond_exp_inputs, one_substep);
}
END_TEST

START_TEST(test_noise_quiet_neurons) {
  nc_quiet_neurons("lif_cond_exp", 400.0, &cond_exp_inputs, NULL);
  nc_quiet_neurons("lif_cond_exp", 400.0, &cond_exp_inputs, one_substep);
}
END_TEST

static Suite *make_lif_cond_exp_suite(void) {
  Suite *s = suite_create("lif_cond_exp");
  TCase *tc = tcase_create("reference");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_subthreshold);
  tcase_add_test(tc, test_spiking);
  tcase_add_test(tc, test_other_parameters);
  tcase_add_test(tc, test_conductance_decay);
  tcase_add_test(tc, test_refractory_clamp);
  tcase_add_test(tc, test_rk2);
  tcase_add_test(tc, test_input_w);
  suite_add_tcase(s, tc);
  TCase *tp = tcase_create("prepare");
  tcase_add_test(tp, test_substeps);
  tcase_add_test(tp, test_reset_above_threshold);
  tcase_add_test(tp, test_doc_and_descriptor);
  suite_add_tcase(s, tp);
  TCase *tn = tcase_create("noise");
  tcase_set_timeout(tn, 120);
  tcase_add_test(tn, test_noise_flags);
  tcase_add_test(tn, test_noise_white_variance);
  tcase_add_test(tn, test_noise_ou);
  tcase_add_test(tn, test_noise_like_I_e);
  tcase_add_test(tn, test_noise_seed);
  tcase_add_test(tn, test_noise_blocks);
  tcase_add_test(tn, test_noise_quiet_neurons);
  suite_add_tcase(s, tn);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_lif_cond_exp_suite)
