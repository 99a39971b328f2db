/* check_izhikevich.c -- izhikevich against independent references:
 * forward Euler against a finely stepped RK4 integration of the same
 * equations, the published scheme against a transcription of Izhikevich's
 * code, input handling, the noise current, and prepare()'s checks.
 *
 * Tolerances:
 *   - Euler at dt = 0.001 ms against RK4 at 1e-5 ms (whose own error is
 *     far below 1e-6 ms): the first 5 spike times within EULER_TOL =
 *     0.05 ms.  Forward Euler is first order, so its spike times drift
 *     by O(dt) per unit time; 0.05 ms is 50 steps of slack over ~150 ms.
 *   - Published scheme (dt = 1 ms): bit for bit (== on doubles).
 *   - Noise: sample standard deviations within 5% of sigma (the sampling
 *     error is below 1% with the sample sizes used), lag-1 correlation
 *     within 0.01 of its exact value exp(-dt/tau_noise) (0 for white
 *     noise; its sampling error is ~0.002). */
#include "izhikevich.c"

#include <math.h>
#include <string.h>

#include "plugin/loader.h"
#include "neuron_harness.h"

#define EULER_TOL 0.05 /* ms */

/* ------------------------------------------------- RK4 reference */

typedef struct izh_par {
  double a, b, c, d, I, V_th;
} izh_par;

static void izh_f(const izh_par *p, double v, double u, double *dv,
                  double *du) {
  *dv = 0.04 * v * v + 5.0 * v + 140.0 - u + p->I;
  *du = p->a * (p->b * v - u);
}

/* Spike times (ms) of the first `n` spikes from (v, u) at time 0, RK4 at
 * step h; a spike at the first step that ends with V >= V_th, then
 * V = c, U += d. */
static void rk4_spikes(const izh_par *p, double v, double u, double h,
                       double t_max, double *times, int n) {
  int got = 0;
  for (long k = 0; got < n && k * h < t_max; k++) {
    double k1v, k1u, k2v, k2u, k3v, k3u, k4v, k4u;
    izh_f(p, v, u, &k1v, &k1u);
    izh_f(p, v + 0.5 * h * k1v, u + 0.5 * h * k1u, &k2v, &k2u);
    izh_f(p, v + 0.5 * h * k2v, u + 0.5 * h * k2u, &k3v, &k3u);
    izh_f(p, v + h * k3v, u + h * k3u, &k4v, &k4u);
    v += h / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v);
    u += h / 6.0 * (k1u + 2.0 * k2u + 2.0 * k3u + k4u);
    if (v >= p->V_th) {
      times[got++] = (k + 1) * h;
      v = p->c;
      u += p->d;
    }
  }
  ck_assert_int_eq(got, n);
}

/* Regular spiking (and, for good measure, fast spiking and chattering)
 * neurons under I_e = 10: Euler at dt = 0.001 ms against RK4. */
START_TEST(test_euler_vs_rk4) {
  enum { N = 3, SPIKES = 5 };
  const izh_par P[N] = {{0.02, 0.2, -65.0, 8.0, 10.0, 30.0},
                        {0.1, 0.2, -65.0, 2.0, 10.0, 30.0},
                        {0.02, 0.2, -50.0, 2.0, 10.0, 30.0}};
  const double dt = 0.001;
  nh *h = nh_open("izhikevich", N, dt);
  for (size_t i = 0; i < N; i++) {
    nh_par(h, "a")[i] = P[i].a;
    nh_par(h, "b")[i] = P[i].b;
    nh_par(h, "c")[i] = P[i].c;
    nh_par(h, "d")[i] = P[i].d;
    nh_par(h, "I_e")[i] = P[i].I;
  }
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  ck_assert_double_eq(nh_var(h, "V_m")[0], -65.0);
  ck_assert_double_eq(nh_var(h, "U_m")[0], -13.0);
  double got[N][SPIKES];
  int ng[N] = {0};
  for (long s = 0; s < 1000000; s++) {
    nh_step(h);
    for (size_t k = 0; k < h->n_spiked; k++) {
      uint32_t i = h->spiked[k];
      if (ng[i] < SPIKES) got[i][ng[i]++] = (s + 1) * dt;
    }
    int done = 1;
    for (size_t i = 0; i < N; i++) done &= ng[i] == SPIKES;
    if (done) break;
  }
  for (size_t i = 0; i < N; i++) {
    ck_assert_int_eq(ng[i], SPIKES);
    double ref[SPIKES];
    rk4_spikes(&P[i], -65.0, -13.0, 1e-5, 2000.0, ref, SPIKES);
    for (int k = 0; k < SPIKES; k++)
      ck_assert_msg(fabs(got[i][k] - ref[k]) <= EULER_TOL,
                    "neuron %zu spike %d: Euler %.6f ms, RK4 %.6f ms", i, k,
                    got[i][k], ref[k]);
  }
  nh_close(h);
}
END_TEST

/* --------------------------------- published scheme, transcribed */

/* One step of the code published with Izhikevich (2003), in NEST's order
 * (integrate, then test the cut-off): v takes two half steps with the
 * input I (synaptic input included), then u one step with the new v. */
static int published_step(double *v, double *u, double a, double b, double c,
                          double d, double I) {
  *v = *v + 0.5 * (0.04 * (*v * *v) + 5 * *v + 140 - *u + I);
  *v = *v + 0.5 * (0.04 * (*v * *v) + 5 * *v + 140 - *u + I);
  *u = *u + a * (b * *v - *u);
  if (*v >= 30) {
    *v = c;
    *u = *u + d;
    return 1;
  }
  return 0;
}

START_TEST(test_published_scheme_bitwise) {
  enum { N = 4 };
  const double a[N] = {0.02, 0.1, 0.02, 0.02}, b[N] = {0.2, 0.2, 0.2, 0.25},
               c[N] = {-65, -65, -50, -65}, d[N] = {8, 2, 2, 2},
               I[N] = {10, 10, 10, 0.6};
  nh *h = nh_open("izhikevich", N, 1.0);
  nh_set(h, "consistent_integration", 0.0);
  for (size_t i = 0; i < N; i++) {
    nh_par(h, "a")[i] = a[i];
    nh_par(h, "b")[i] = b[i];
    nh_par(h, "c")[i] = c[i];
    nh_par(h, "d")[i] = d[i];
    nh_par(h, "I_e")[i] = I[i];
  }
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  double v[N], u[N];
  for (size_t i = 0; i < N; i++) {
    v[i] = -65.0;
    u[i] = -13.0;
    nh_var(h, "U_m")[i] = u[i];
  }
  long spikes = 0;
  for (int s = 0; s < 1000; s++) {
    /* neuron 3 also gets synaptic input now and then */
    double w = (s % 37 == 5) ? 4.5 : 0.0;
    nh_in(h, w >= 0 ? "ex" : "in")[3] = w;
    nh_step(h);
    for (size_t i = 0; i < N; i++) {
      int fired = published_step(&v[i], &u[i], a[i], b[i], c[i], d[i],
                                 I[i] + (i == 3 ? w : 0.0));
      spikes += fired;
      NH_CHECK(fired == nh_spiked(h, i), "step %d neuron %zu: spike %d vs %d",
               s, i, fired, nh_spiked(h, i));
      NH_CHECK(v[i] == nh_var(h, "V_m")[i] && u[i] == nh_var(h, "U_m")[i],
               "step %d neuron %zu: V %.17g/%.17g U %.17g/%.17g", s, i,
               nh_var(h, "V_m")[i], v[i], nh_var(h, "U_m")[i], u[i]);
    }
  }
  ck_assert_int_gt(spikes, 50);
  nh_close(h);
}
END_TEST

/* ---------------------------------------------------------- inputs */

/* V_min bounds V_m from below, inputs included. */
START_TEST(test_v_min) {
  nh *h = nh_open("izhikevich", 2, 0.1);
  nh_set(h, "V_min", -70.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  nh_in(h, "in")[0] = -50.0;
  nh_in(h, "in")[1] = -2.0;
  nh_step(h);
  ck_assert_double_eq(nh_var(h, "V_m")[0], -70.0);
  ck_assert_double_gt(nh_var(h, "V_m")[1], -70.0);
  for (int s = 0; s < 100; s++) {
    nh_in(h, "in")[0] = -5.0;
    nh_step(h);
    NH_CHECK(nh_var(h, "V_m")[0] >= -70.0, "V_m %g below V_min",
             nh_var(h, "V_m")[0]);
  }
  nh_close(h);
}
END_TEST

/* A voltage input of w mV moves V_m by w (compared with a twin neuron
 * without input), on either port; U_m is not touched in that step. */
START_TEST(test_voltage_jump) {
  nh *h = nh_open("izhikevich", 4, 0.1);
  nh_set(h, "I_e", 4.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (int s = 0; s < 50; s++) nh_step(h);
  nh_in(h, "ex")[0] = 3.25;
  nh_in(h, "in")[2] = -1.5;
  nh_step(h);
  ck_assert_double_eq_tol(nh_var(h, "V_m")[0] - nh_var(h, "V_m")[1], 3.25,
                          1e-12);
  ck_assert_double_eq_tol(nh_var(h, "V_m")[2] - nh_var(h, "V_m")[3], -1.5,
                          1e-12);
  ck_assert_double_eq(nh_var(h, "U_m")[0], nh_var(h, "U_m")[1]);
  /* a jump past V_th fires in the step it arrives in */
  nh_in(h, "ex")[1] = 200.0;
  nh_step(h);
  ck_assert(nh_spiked(h, 1));
  ck_assert_double_eq(nh_var(h, "V_m")[1], -65.0);
  nh_close(h);
}
END_TEST

/* A current on port current drives the following step: I_stim holds it,
 * and the twin neuron without it differs by dt * I in that step. */
START_TEST(test_current_port) {
  const double dt = 0.1;
  nh *h = nh_open("izhikevich", 2, dt);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (int s = 0; s < 20; s++) nh_step(h);
  nh_in(h, "current")[0] = 7.0;
  nh_step(h);
  ck_assert_double_eq(nh_var(h, "V_m")[0], nh_var(h, "V_m")[1]);
  ck_assert_double_eq(nh_var(h, "I_stim")[0], 7.0);
  nh_step(h);
  ck_assert_double_eq_tol(nh_var(h, "V_m")[0] - nh_var(h, "V_m")[1],
                          dt * 7.0, 1e-12);
  ck_assert_double_eq(nh_var(h, "I_stim")[0], 0.0);
  nh_close(h);
}
END_TEST

/* ----------------------------------------------------------- noise */

/* Runs `steps` steps of a noisy population and returns a checksum of the
 * final V_m, U_m, I_noise and of the spike log. */
static void noisy_run(uint64_t seed, const size_t *blocks, size_t nb,
                      double *out, size_t n) {
  nh *h = nh_open("izhikevich", n, 0.1);
  h->seed = seed;
  h->keep_log = 1;
  nh_set(h, "I_e", 3.0);
  nh_set(h, "sigma", 6.0);
  for (size_t i = 0; i < n; i++)
    nh_par(h, "tau_noise")[i] = (i % 2) ? 5.0 : 0.0;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (int s = 0; s < 3000; s++)
    NH_CHECK(nh_step_blocks(h, blocks, nb) == AP_OK, "update failed");
  for (size_t i = 0; i < n; i++) {
    out[3 * i] = nh_var(h, "V_m")[i];
    out[3 * i + 1] = nh_var(h, "U_m")[i];
    out[3 * i + 2] = nh_var(h, "I_noise")[i];
  }
  out[3 * n] = (double)h->n_log;
  double sum = 0.0;
  for (size_t k = 0; k < h->n_log; k++)
    sum += (double)h->log[k].step * (h->log[k].idx + 1);
  out[3 * n + 1] = sum;
  nh_close(h);
}

START_TEST(test_noise_reproducible) {
  enum { N = 10, M = 3 * N + 2 };
  double x[M], y[M], z[M], blk[M];
  const size_t blocks[3] = {3, 4, 3};
  noisy_run(7, NULL, 0, x, N);
  noisy_run(7, NULL, 0, y, N);
  noisy_run(8, NULL, 0, z, N);
  noisy_run(7, blocks, 3, blk, N);
  ck_assert_int_eq(memcmp(x, y, sizeof x), 0);
  ck_assert_int_eq(memcmp(x, blk, sizeof x), 0); /* block layout */
  ck_assert_double_gt(x[3 * N], 10.0);           /* it fires */
  int differ = 0;
  for (size_t i = 0; i < N; i++) differ += x[3 * i + 2] != z[3 * i + 2];
  ck_assert_int_eq(differ, N);
  ck_assert(x[3 * N] != z[3 * N] || x[3 * N + 1] != z[3 * N + 1]);
}
END_TEST

/* Sample sd and lag-1 correlation of I_noise over neurons and steps. */
static void noise_stats(double tau, double *sd, double *rho, double *mean) {
  enum { N = 1000 };
  const double dt = 0.1, sigma = 5.0;
  const int burn = tau > 0 ? (int)(10 * tau / dt) : 1, steps = 2000;
  nh *h = nh_open("izhikevich", N, dt);
  nh_set(h, "sigma", sigma);
  nh_set(h, "tau_noise", tau);
  nh_set(h, "V_min", -100.0); /* keep the neurons tame, noise matters */
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (int s = 0; s < burn; s++) nh_step(h);
  static double prev[N];
  double s1 = 0, s2 = 0, sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
  long cnt = 0, pairs = 0;
  memcpy(prev, nh_var(h, "I_noise"), sizeof prev);
  for (int s = 0; s < steps; s++) {
    nh_step(h);
    const double *x = nh_var(h, "I_noise");
    for (size_t i = 0; i < N; i++) {
      s1 += x[i];
      s2 += x[i] * x[i];
      cnt++;
      sx += prev[i];
      sy += x[i];
      sxx += prev[i] * prev[i];
      syy += x[i] * x[i];
      sxy += prev[i] * x[i];
      pairs++;
      prev[i] = x[i];
    }
  }
  *mean = s1 / cnt;
  *sd = sqrt(s2 / cnt - *mean * *mean) / sigma;
  double mx = sx / pairs, my = sy / pairs;
  *rho = (sxy / pairs - mx * my) /
         sqrt((sxx / pairs - mx * mx) * (syy / pairs - my * my));
  nh_close(h);
}

START_TEST(test_noise_ou_stats) {
  double sd, rho, mean;
  noise_stats(10.0, &sd, &rho, &mean);
  ck_assert_msg(fabs(sd - 1.0) <= 0.05, "OU sd / sigma = %g", sd);
  ck_assert_msg(fabs(rho - exp(-0.1 / 10.0)) <= 0.01,
                "OU lag-1 correlation %g, expected %g", rho,
                exp(-0.1 / 10.0));
  ck_assert_msg(fabs(mean) <= 0.1, "OU mean %g pA", mean);
}
END_TEST

START_TEST(test_noise_white_stats) {
  double sd, rho, mean;
  noise_stats(0.0, &sd, &rho, &mean);
  ck_assert_msg(fabs(sd - 1.0) <= 0.05, "white sd / sigma = %g", sd);
  ck_assert_msg(fabs(rho) <= 0.01, "white lag-1 correlation %g", rho);
  ck_assert_msg(fabs(mean) <= 0.05, "white mean %g pA", mean);
}
END_TEST

/* noise_uniform = 1: white draws on [-sqrt(3) sigma, sqrt(3) sigma], with
 * sd sigma (5 %, as above) and filling the interval (the extremes of
 * 100,000 uniform draws lie within 0.1 % of its ends). */
START_TEST(test_noise_uniform) {
  enum { N = 1000 };
  const double dt = 1.0, sigma = 13.0 / sqrt(12.0), half = 6.5;
  nh *h = nh_open("izhikevich", N, dt);
  nh_set(h, "sigma", sigma);
  nh_set(h, "noise_uniform", 1);
  nh_set(h, "V_min", -100.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  double lo = 0, hi = 0, s2 = 0;
  long cnt = 0;
  for (int s = 0; s < 100; s++) {
    nh_step(h);
    const double *x = nh_var(h, "I_noise");
    for (size_t i = 0; i < N; i++) {
      lo = x[i] < lo ? x[i] : lo;
      hi = x[i] > hi ? x[i] : hi;
      s2 += x[i] * x[i];
      cnt++;
    }
  }
  ck_assert_msg(lo >= -half - 1e-9 && hi <= half + 1e-9,
                "uniform draws outside [-6.5, 6.5]: %g .. %g", lo, hi);
  ck_assert_msg(lo < -half * 0.999 && hi > half * 0.999,
                "uniform draws do not fill [-6.5, 6.5]: %g .. %g", lo, hi);
  double sd = sqrt(s2 / cnt);
  ck_assert_msg(fabs(sd / sigma - 1.0) <= 0.05, "uniform sd / sigma = %g",
                sd / sigma);
  nh_close(h);
}
END_TEST

/* A host whose generator counts its use, to see which neurons draw. */
static long rng_inits, rng_normals;
static uint64_t last_id;
static void count_init(ap_rng *r, uint64_t seed, uint32_t stream, uint64_t id,
                       uint64_t sub) {
  rng_inits++;
  last_id = id;
  ap_host_services()->rng_init(r, seed, stream, id, sub);
}
static double count_normal(ap_rng *r) {
  rng_normals++;
  return ap_host_services()->rng_normal(r);
}

static void step_counting(nh *h) {
  ap_host host = *ap_host_services();
  host.rng_init = count_init;
  host.rng_normal = count_normal;
  ap_neuron_block b = {
      .size = sizeof(ap_neuron_block),
      .first = 0,
      .n = h->n,
      .step = h->step,
      .dt = h->dt,
      .gid0 = h->gid0,
      .seed = h->seed,
      .stream = h->stream,
      .state = h->state,
      .param = (const ap_real *const *)h->param,
      .input = (const ap_real *const *)h->input,
      .lists = h->lists,
      .inst = h->inst,
      .host = &host,
      .spiked = h->bspk,
      .mult = h->bmult,
  };
  char why[128] = "";
  ck_assert_int_eq(h->d->update(&b, why, sizeof why), AP_OK);
  h->step++;
}

START_TEST(test_no_draws_without_noise) {
  nh *h = nh_open("izhikevich", 5, 0.1);
  nh_set(h, "I_e", 5.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  rng_inits = rng_normals = 0;
  for (int s = 0; s < 100; s++) step_counting(h);
  ck_assert_int_eq(rng_inits, 0);
  ck_assert_int_eq(rng_normals, 0);
  /* only the neuron with sigma > 0 draws, once per step */
  nh_par(h, "sigma")[3] = 1.0;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (int s = 0; s < 100; s++) step_counting(h);
  ck_assert_int_eq(rng_inits, 100);
  ck_assert_int_eq(rng_normals, 100);
  ck_assert_uint_eq(last_id, h->gid0 + 3);
  nh_close(h);
}
END_TEST

/* --------------------------------------------------------- prepare */

START_TEST(test_bad_parameters) {
  nh *h = nh_open("izhikevich", 2, 0.1);
  nh_par(h, "V_min")[1] = 40.0;
  ck_assert_int_eq(nh_prepare(h), AP_EINVAL);
  ck_assert_str_eq(h->err,
                   "neuron 2: V_min (40 mV) must be below V_th (30 mV)");
  nh_close(h);
  /* single-parameter ranges are the host's, from the table */
  char err[256];
  const ap_neuron_desc *d = &neuron;
  ck_assert_int_eq(ap_param_check(&d->params[PAR_SIGMA], "izhikevich", -1.0,
                                  err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err, "parameter 'sigma' of izhikevich must be in [0, inf) "
                        "pA, got -1");
  ck_assert_int_eq(ap_param_check(&d->params[PAR_CONSISTENT], "izhikevich",
                                  0.5, err, sizeof err),
                   AP_EINVAL);
  ck_assert_int_eq(ap_param_check(&d->params[PAR_TAU_NOISE], "izhikevich",
                                  -2.0, err, sizeof err),
                   AP_EINVAL);
}
END_TEST

START_TEST(test_doc_and_descriptor) {
  nh_check_doc("izhikevich");
  char err[512] = "";
  NH_CHECK(ap_plugin_validate(ap_plugin_entry(), err, sizeof err) == AP_OK,
           "%s", err);
}
END_TEST

static Suite *make_izhikevich_suite(void) {
  Suite *s = suite_create("izhikevich");
  TCase *tr = tcase_create("reference");
  tcase_set_timeout(tr, 60);
  tcase_add_test(tr, test_euler_vs_rk4);
  tcase_add_test(tr, test_published_scheme_bitwise);
  suite_add_tcase(s, tr);
  TCase *ti = tcase_create("inputs");
  tcase_add_test(ti, test_v_min);
  tcase_add_test(ti, test_voltage_jump);
  tcase_add_test(ti, test_current_port);
  suite_add_tcase(s, ti);
  TCase *tn = tcase_create("noise");
  tcase_set_timeout(tn, 60);
  tcase_add_test(tn, test_noise_reproducible);
  tcase_add_test(tn, test_noise_ou_stats);
  tcase_add_test(tn, test_noise_white_stats);
  tcase_add_test(tn, test_noise_uniform);
  tcase_add_test(tn, test_no_draws_without_noise);
  suite_add_tcase(s, tn);
  TCase *tp = tcase_create("prepare");
  tcase_add_test(tp, test_bad_parameters);
  tcase_add_test(tp, test_doc_and_descriptor);
  suite_add_tcase(s, tp);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_izhikevich_suite)
