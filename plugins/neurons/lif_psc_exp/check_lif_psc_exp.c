/* check_lif_psc_exp.c -- lif_psc_exp against closed-form solutions.
 *
 * Exact integration makes every comparison here a closed form: spike
 * steps must match exactly and voltages to 1e-9 mV.  The noise current
 * is checked against the statistics it must have
 * (tests/lif_noise_checks.h). */
#include "lif_psc_exp.c"

#include <float.h>
#include <math.h>

#include "plugin/loader.h"
#include "neuron_harness.h"
#include "lif_noise_checks.h"

/* Steps from V0 to the threshold under constant drive (V_inf > V_th):
 * the crossing is at t* = tau_m ln((V0 - V_inf)/(V_th - V_inf)), the spike
 * at the first grid point at or after it.  Asserts that t* is not so close
 * to a grid point that rounding could decide. */
static long steps_to_threshold(double V0, double V_inf, double V_th,
                               double tau_m, double dt) {
  double x = tau_m * log((V0 - V_inf) / (V_th - V_inf)) / dt;
  double frac = x - floor(x);
  NH_CHECK(frac > 1e-6 && frac < 1.0 - 1e-6,
                "test setup: crossing %.12g steps too close to the grid", x);
  return (long)ceil(x);
}

/* (a) Constant current: spike steps as predicted, 20 spikes, two dt, three
 * refractory periods, several neurons with their own I_e and V_reset. */
static void firing_grid(double dt, double t_ref) {
  enum { N = 4, SPIKES = 20 };
  const double I_e[N] = {400.0, 500.0, 1000.0, 2000.0};
  const double V_reset[N] = {-70.0, -65.0, -60.0, -72.5};
  nh *h = nh_open("lif_psc_exp", N, dt);
  nh_set(h, "t_ref", t_ref);
  for (size_t i = 0; i < N; i++) {
    nh_par(h, "I_e")[i] = I_e[i];
    nh_par(h, "V_reset")[i] = V_reset[i];
  }
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  const long R = lround(t_ref / dt);
  long expect[N][SPIKES];
  for (size_t i = 0; i < N; i++) {
    double V_inf = -70.0 + I_e[i] * 10.0 / 250.0;
    long first = steps_to_threshold(-70.0, V_inf, -55.0, 10.0, dt);
    long period = steps_to_threshold(V_reset[i], V_inf, -55.0, 10.0, dt);
    expect[i][0] = first - 1;
    for (int k = 1; k < SPIKES; k++)
      expect[i][k] = expect[i][k - 1] + R + period;
  }
  size_t got[N] = {0};
  long last = 0;
  for (size_t i = 0; i < N; i++)
    if (expect[i][SPIKES - 1] > last) last = expect[i][SPIKES - 1];
  for (long s = 0; s <= last; s++) {
    nh_step(h);
    for (size_t i = 0; i < N; i++) {
      if (got[i] == SPIKES) continue; /* checked its first 20 spikes */
      int want = expect[i][got[i]] == s;
      int have = nh_spiked(h, i);
      NH_CHECK(want == have,
                    "dt %g, t_ref %g, neuron %zu: spike %zu expected at step "
                    "%ld, got %s at step %ld",
                    dt, t_ref, i, got[i], expect[i][got[i]],
                    have ? "a spike" : "none", s);
      if (have) got[i]++;
    }
  }
  for (size_t i = 0; i < N; i++) ck_assert_uint_eq(got[i], SPIKES);
  nh_close(h);
}

START_TEST(test_firing_grid) {
  const double dts[] = {0.1, 0.01};
  const double refs[] = {0.0, 2.0, 1.3};
  for (size_t a = 0; a < 2; a++)
    for (size_t b = 0; b < 3; b++) firing_grid(dts[a], refs[b]);
}
END_TEST

/* (b) Sub-threshold relaxation under constant current, from a start away
 * from rest, for neurons with different E_L, C_m, tau_m and I_e. */
START_TEST(test_subthreshold_exact) {
  enum { N = 3 };
  const double E_L[N] = {-70.0, -65.0, -80.0};
  const double C_m[N] = {250.0, 100.0, 500.0};
  const double tau_m[N] = {10.0, 3.3, 27.0};
  const double I_e[N] = {300.0, -150.0, 123.4};
  const double V0[N] = {-70.0, -60.0, -90.0};
  const double dt = 0.1;
  nh *h = nh_open("lif_psc_exp", N, dt);
  for (size_t i = 0; i < N; i++) {
    nh_par(h, "E_L")[i] = E_L[i];
    nh_par(h, "C_m")[i] = C_m[i];
    nh_par(h, "tau_m")[i] = tau_m[i];
    nh_par(h, "I_e")[i] = I_e[i];
    nh_par(h, "V_reset")[i] = -100.0;
  }
  nh_init_state(h);
  for (size_t i = 0; i < N; i++) nh_var(h, "V_m")[i] = V0[i];
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  double worst = 0.0;
  for (int s = 0; s < 1000; s++) {
    nh_step(h);
    NH_CHECK(h->n_spiked == 0, "spike at step %d", s);
    double t = (s + 1) * dt;
    for (size_t i = 0; i < N; i++) {
      double V_inf = E_L[i] + I_e[i] * tau_m[i] / C_m[i];
      double ref = V_inf + (V0[i] - V_inf) * exp(-t / tau_m[i]);
      double err = fabs(nh_var(h, "V_m")[i] - ref);
      if (err > worst) worst = err;
      NH_CHECK(err <= 1e-9, "neuron %zu, step %d: V_m %.15g, exact %.15g",
                    i, s, nh_var(h, "V_m")[i], ref);
    }
  }
  ck_assert_double_le(worst, 1e-9);
  nh_close(h);
}
END_TEST

/* Exact PSP (mV) u ms after an exponential current of amplitude w (pA)
 * started, for tau_syn != tau_m, computed naively in long double. */
static long double psp_naive(long double w, long double C, long double tau_m,
                             long double tau_s, long double u) {
  return w / C * tau_s * tau_m / (tau_m - tau_s) *
         (expl(-u / tau_m) - expl(-u / tau_s));
}

/* ... and its limit for tau_syn == tau_m. */
static double psp_equal(double w, double C, double tau, double u) {
  return w / C * u * exp(-u / tau);
}

/* (c) One input spike: V_m unchanged at the end of the arrival step, the
 * current equal to the weight, then the closed-form PSP.  Neuron 0..3
 * take the input on ex with tau_syn_ex = 2, 10 (= tau_m), 10 (1 + 1e-6)
 * and 10 (1 + 1e-12); neuron 4 takes a negative weight on in. */
START_TEST(test_single_psp) {
  enum { N = 5 };
  const double tau_syn[N] = {2.0, 10.0, 10.0 * (1.0 + 1e-6),
                             10.0 * (1.0 + 1e-12), 3.0};
  const double w[N] = {1000.0, 500.0, 500.0, 500.0, -800.0};
  const double dt = 0.1, C = 250.0, tau_m = 10.0, E_L = -70.0;
  const int s_in = 5;
  nh *h = nh_open("lif_psc_exp", N, dt);
  nh_set(h, "V_th", 1e9); /* never fire */
  for (size_t i = 0; i < N; i++) {
    nh_par(h, "tau_syn_ex")[i] = tau_syn[i];
    nh_par(h, "tau_syn_in")[i] = tau_syn[i];
  }
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (int s = 0; s < 600; s++) {
    if (s == s_in) {
      for (size_t i = 0; i < 4; i++) nh_in(h, "ex")[i] = w[i];
      nh_in(h, "in")[4] = w[4];
    }
    nh_step(h);
    for (size_t i = 0; i < N; i++) {
      double V = nh_var(h, "V_m")[i];
      if (s <= s_in) {
        NH_CHECK(V == E_L, "V_m moved before the input took effect");
        continue;
      }
      double u = (s - s_in) * dt, expect;
      if (i == 1 || i == 3)
        expect = E_L + psp_equal(w[i], C, tau_m, u);
      else if (i == 2 && LDBL_MANT_DIG < 64)
        continue; /* no wider type for the naive formula here */
      else
        expect = E_L + (double)psp_naive(w[i], C, tau_m, tau_syn[i], u);
      NH_CHECK(fabs(V - expect) <= 1e-9,
                    "neuron %zu, %g ms after the input: V_m %.15g, exact %.15g",
                    i, u, V, expect);
    }
    if (s == s_in) {
      for (size_t i = 0; i < 4; i++) {
        ck_assert_double_eq(nh_var(h, "I_syn_ex")[i], w[i]);
        ck_assert_double_eq(nh_var(h, "I_syn_in")[i], 0.0);
      }
      ck_assert_double_eq(nh_var(h, "I_syn_in")[4], w[4]);
    }
  }
  /* The currents decayed exactly. */
  double u = (600 - 1 - s_in) * dt;
  ck_assert_double_eq_tol(nh_var(h, "I_syn_ex")[0], w[0] * exp(-u / 2.0),
                          1e-12 * w[0]);
  nh_close(h);
}
END_TEST

/* (d) After a spike V_m is exactly V_reset for round(t_ref/dt) further
 * steps, inputs arriving meanwhile still charge the current, and then
 * V_m evolves again. */
START_TEST(test_refractory_clamp) {
  const double refs[] = {2.0, 0.26, 0.0};
  for (size_t c = 0; c < 3; c++) {
    const double dt = 0.1;
    const long R = lround(refs[c] / dt);
    nh *h = nh_open("lif_psc_exp", 1, dt);
    nh_set(h, "I_e", 1000.0);
    nh_set(h, "t_ref", refs[c]);
    nh_set(h, "V_reset", -68.0);
    ck_assert_int_eq(nh_prepare(h), AP_OK);
    for (int s = 0; s < 1000 && h->n_spiked == 0; s++) nh_step(h);
    ck_assert_uint_eq(h->n_spiked, 1);
    ck_assert_double_eq(nh_var(h, "V_m")[0], -68.0);
    ck_assert_double_eq(nh_var(h, "r_ref")[0], (double)R);
    for (long k = 1; k <= R; k++) {
      nh_in(h, "ex")[0] = 10.0;
      nh_step(h);
      NH_CHECK(nh_var(h, "V_m")[0] == -68.0,
                    "t_ref %g: V_m %.15g left V_reset %ld steps after the "
                    "spike",
                    refs[c], nh_var(h, "V_m")[0], k);
      ck_assert_double_eq(nh_var(h, "r_ref")[0], (double)(R - k));
    }
    double i_syn = nh_var(h, "I_syn_ex")[0];
    if (R > 0) ck_assert_double_gt(i_syn, 10.0);
    nh_step(h);
    ck_assert_double_gt(nh_var(h, "V_m")[0], -68.0);
    ck_assert_uint_eq(h->n_spiked, 0);
    nh_close(h);
  }
}
END_TEST

/* Splitting the population into blocks changes nothing (derived arrays
 * are indexed from the block's first neuron). */
START_TEST(test_blocks) {
  enum { N = 9 };
  nh *a = nh_open("lif_psc_exp", N, 0.1), *b = nh_open("lif_psc_exp", N, 0.1);
  for (size_t i = 0; i < N; i++) {
    double I = 300.0 + 60.0 * (double)i, tau = 5.0 + (double)i;
    nh_par(a, "I_e")[i] = nh_par(b, "I_e")[i] = I;
    nh_par(a, "tau_m")[i] = nh_par(b, "tau_m")[i] = tau;
    nh_par(a, "tau_syn_ex")[i] = nh_par(b, "tau_syn_ex")[i] = 0.5 + 0.3 * (double)i;
  }
  ck_assert_int_eq(nh_prepare(a), AP_OK);
  ck_assert_int_eq(nh_prepare(b), AP_OK);
  const size_t sizes[] = {2, 0, 4, 1, 2};
  for (int s = 0; s < 2000; s++) {
    if (s % 37 == 0)
      for (size_t i = 0; i < N; i++)
        nh_in(a, "ex")[i] = nh_in(b, "ex")[i] = 50.0 * (double)(i + 1);
    nh_step(a);
    NH_CHECK(nh_step_blocks(b, sizes, 5) == AP_OK, "update failed");
    NH_CHECK(a->n_spiked == b->n_spiked, "step %d: spike counts differ", s);
    for (size_t k = 0; k < a->n_spiked; k++)
      NH_CHECK(a->spiked[k] == b->spiked[k], "step %d: spikes differ", s);
    for (size_t i = 0; i < N; i++)
      NH_CHECK(nh_var(a, "V_m")[i] == nh_var(b, "V_m")[i],
               "step %d, neuron %zu: V_m differs between block layouts", s,
               i);
  }
  nh_close(a);
  nh_close(b);
}
END_TEST

/* (e) prepare() refuses V_reset >= V_th with a sentence naming both. */
/* Inputs read and cleared in one pass (input_w) or left to the host: the
 * same bits. */
START_TEST(test_input_w) {
  const char *names[] = {"I_e"};
  const double values[] = {300.0};
  ck_assert_int_gt(
      nh_check_input_w("lif_psc_exp", 37, 0.1, 2000, 300.0, names, values, 1),
      20);
}
END_TEST

START_TEST(test_reset_above_threshold) {
  nh *h = nh_open("lif_psc_exp", 4, 0.1);
  nh_par(h, "V_reset")[2] = -50.0;
  ck_assert_int_eq(nh_prepare(h), AP_EINVAL);
  ck_assert_str_eq(h->err, "neuron 3: V_reset (-50 mV) must be below V_th "
                           "(-55 mV)");
  nh_par(h, "V_reset")[2] = -55.0;
  ck_assert_int_eq(nh_prepare(h), AP_EINVAL);
  ck_assert_str_eq(h->err, "neuron 3: V_reset (-55 mV) must be below V_th "
                           "(-55 mV)");
  nh_par(h, "V_reset")[2] = -55.5;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  nh_close(h);
}
END_TEST

/* (f) The documentation block agrees with the tables, and the host's
 * descriptor validation accepts the plugin. */
START_TEST(test_doc_and_descriptor) {
  nh_check_doc("lif_psc_exp");
  char err[512] = "";
  NH_CHECK(ap_plugin_validate(ap_plugin_entry(), err, sizeof err) == AP_OK,
                "%s", err);
}
END_TEST


/* ---------------------------------------------------------- noise */

static const lif_psc_exp_inst *inst_of(const nh *h) { return h->inst; }

/* The noise is off by default and costs nothing then: prepare() decides
 * once whether any neuron can carry a noise current, and the noise
 * parameters do not break the uniform fast path while there is none. */
START_TEST(test_noise_flags) {
  nh *h = nh_open("lif_psc_exp", 4, 0.1);
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

/* Without synaptic input the membrane is the AR(1) process of
 * lif_noise_checks.h with a = P22, c = P20 of the plugin, checked against
 * their closed forms. */
static void psc_exp_ar1(double dt, double *a, double *c) {
  nh *h = nh_open("lif_psc_exp", 1, dt);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  *a = inst_of(h)->P22[0];
  *c = inst_of(h)->P20[0];
  ck_assert_double_eq_tol(*a, exp(-dt / 10.0), 1e-15);
  ck_assert_double_eq_tol(*c, 10.0 / 250.0 * (1.0 - exp(-dt / 10.0)), 1e-15);
  nh_close(h);
}

START_TEST(test_noise_white_variance) {
  const double dts[] = {0.1, 1.0};
  for (int k = 0; k < 2; k++) {
    double a, c;
    psc_exp_ar1(dts[k], &a, &c);
    nc_white_variance("lif_psc_exp", dts[k], -70.0, 500.0, a, c, NULL);
  }
}
END_TEST

START_TEST(test_noise_ou) {
  nc_ou("lif_psc_exp", 0.1, 50.0, 5.0, NULL);
  nc_ou("lif_psc_exp", 0.1, 50.0, 0.3, NULL); /* tau_noise near dt */
}
END_TEST

static const nc_inputs psc_exp_inputs = {200.0, 200.0, -1.0};

START_TEST(test_noise_like_I_e) { nc_like_I_e("lif_psc_exp", NULL); }
END_TEST

START_TEST(test_noise_seed) {
  nc_seed("lif_psc_exp", 400.0, 2.0, &psc_exp_inputs, NULL);
}
END_TEST

START_TEST(test_noise_blocks) {
  nc_blocks("lif_psc_exp", 400.0, 2.0, &psc_exp_inputs, NULL);
}
END_TEST

START_TEST(test_noise_quiet_neurons) {
  nc_quiet_neurons("lif_psc_exp", 400.0, &psc_exp_inputs, NULL);
}
END_TEST

static Suite *make_lif_psc_exp_suite(void) {
  Suite *s = suite_create("lif_psc_exp");
  TCase *tc = tcase_create("closed_form");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, test_firing_grid);
  tcase_add_test(tc, test_subthreshold_exact);
  tcase_add_test(tc, test_single_psp);
  tcase_add_test(tc, test_refractory_clamp);
  tcase_add_test(tc, test_blocks);
  tcase_add_test(tc, test_input_w);
  suite_add_tcase(s, tc);
  TCase *tp = tcase_create("prepare");
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
AP_CHECK_MAIN(make_lif_psc_exp_suite)
