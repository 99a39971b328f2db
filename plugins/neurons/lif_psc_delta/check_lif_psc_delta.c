/* check_lif_psc_delta.c -- lif_psc_delta against closed-form solutions:
 * firing grid under constant current, voltage jumps, inputs dropped while
 * refractory; and its noise current against the statistics it must have
 * (tests/lif_noise_checks.h). */
#include "lif_psc_delta.c"

#include <math.h>

#include "plugin/loader.h"
#include "neuron_harness.h"
#include "lif_noise_checks.h"

/* Steps from V0 to the threshold under constant drive (V_inf > V_th);
 * asserts that the crossing is not so close to a grid point that rounding
 * could decide. */
static long steps_to_threshold(double V0, double V_inf, double V_th,
                               double tau_m, double dt) {
  double x = tau_m * log((V0 - V_inf) / (V_th - V_inf)) / dt;
  double frac = x - floor(x);
  NH_CHECK(frac > 1e-6 && frac < 1.0 - 1e-6,
                "test setup: crossing %.12g steps too close to the grid", x);
  return (long)ceil(x);
}

static void firing_grid(double dt, double t_ref) {
  enum { N = 3, SPIKES = 20 };
  const double I_e[N] = {400.0, 750.0, 2000.0};
  const double V_reset[N] = {-70.0, -62.0, -71.0};
  nh *h = nh_open("lif_psc_delta", N, dt);
  nh_set(h, "t_ref", t_ref);
  for (size_t i = 0; i < N; i++) {
    nh_par(h, "I_e")[i] = I_e[i];
    nh_par(h, "V_reset")[i] = V_reset[i];
  }
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  const long R = lround(t_ref / dt);
  long expect[N][SPIKES], last = 0;
  for (size_t i = 0; i < N; i++) {
    double V_inf = -70.0 + I_e[i] * 10.0 / 250.0;
    expect[i][0] = steps_to_threshold(-70.0, V_inf, -55.0, 10.0, dt) - 1;
    long period = steps_to_threshold(V_reset[i], V_inf, -55.0, 10.0, dt);
    for (int k = 1; k < SPIKES; k++)
      expect[i][k] = expect[i][k - 1] + R + period;
    if (expect[i][SPIKES - 1] > last) last = expect[i][SPIKES - 1];
  }
  size_t got[N] = {0};
  for (long s = 0; s <= last; s++) {
    nh_step(h);
    for (size_t i = 0; i < N; i++) {
      if (got[i] == SPIKES) continue;
      int want = expect[i][got[i]] == s, have = nh_spiked(h, i);
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
  firing_grid(0.1, 0.0);
  firing_grid(0.1, 2.0);
  firing_grid(0.01, 0.0);
  firing_grid(0.01, 2.0);
}
END_TEST

/* Sub-threshold relaxation is the closed form to 1e-9 mV. */
START_TEST(test_subthreshold_exact) {
  const double dt = 0.1;
  nh *h = nh_open("lif_psc_delta", 1, dt);
  nh_set(h, "I_e", 200.0);
  nh_set(h, "tau_m", 7.0);
  nh_init_state(h);
  nh_var(h, "V_m")[0] = -75.0;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  const double V_inf = -70.0 + 200.0 * 7.0 / 250.0;
  for (int s = 0; s < 1000; s++) {
    nh_step(h);
    double t = (s + 1) * dt;
    double exact = V_inf + (-75.0 - V_inf) * exp(-t / 7.0);
    NH_CHECK(fabs(nh_var(h, "V_m")[0] - exact) <= 1e-9,
             "step %d: V_m %.15g, exact %.15g", s, nh_var(h, "V_m")[0], exact);
  }
  nh_close(h);
}
END_TEST

/* A jump of w moves V_m by w at the end of the step it arrives in: from
 * rest exactly E_L + w; away from rest, by w compared with a twin neuron
 * that gets no input; ex and in add up. */
START_TEST(test_jump) {
  nh *h = nh_open("lif_psc_delta", 4, 0.1);
  nh_par(h, "I_e")[2] = nh_par(h, "I_e")[3] = 250.0;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (int s = 0; s < 30; s++) nh_step(h); /* neurons 2, 3 leave rest */
  ck_assert_double_eq(nh_var(h, "V_m")[0], -70.0);
  ck_assert_double_eq(nh_var(h, "V_m")[2], nh_var(h, "V_m")[3]);
  nh_in(h, "ex")[0] = 3.25;
  nh_in(h, "ex")[1] = 4.0;
  nh_in(h, "in")[1] = -1.5;
  nh_in(h, "ex")[2] = 2.0;
  nh_step(h);
  ck_assert_double_eq(nh_var(h, "V_m")[0], -70.0 + 3.25);
  ck_assert_double_eq(nh_var(h, "V_m")[1], -70.0 + 2.5);
  ck_assert_double_eq_tol(nh_var(h, "V_m")[2] - nh_var(h, "V_m")[3], 2.0,
                          1e-12);
  /* The jumps then relax with tau_m. */
  nh_step(h);
  ck_assert_double_eq_tol(nh_var(h, "V_m")[0], -70.0 + 3.25 * exp(-0.1 / 10.0),
                          1e-12);
  nh_close(h);
}
END_TEST

/* A jump past the threshold fires in the step it arrives in; jumps during
 * the refractory period are dropped; afterwards they count again. */
START_TEST(test_refractory_drops_input) {
  const double dt = 0.1;
  nh *h = nh_open("lif_psc_delta", 1, dt);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  nh_step(h);
  nh_in(h, "ex")[0] = 16.0; /* -70 + 16 = -54 >= -55 */
  nh_step(h);
  ck_assert_uint_eq(h->n_spiked, 1);
  ck_assert_double_eq(nh_var(h, "V_m")[0], -70.0);
  const long R = lround(2.0 / dt);
  for (long k = 1; k <= R; k++) {
    nh_in(h, "ex")[0] = 5.0;
    nh_in(h, "in")[0] = -1.0;
    nh_step(h);
    ck_assert_uint_eq(h->n_spiked, 0);
    ck_assert_double_eq(nh_var(h, "V_m")[0], -70.0);
  }
  nh_step(h); /* nothing of the dropped jumps is left */
  ck_assert_double_eq(nh_var(h, "V_m")[0], -70.0);
  nh_in(h, "ex")[0] = 5.0;
  nh_step(h);
  ck_assert_double_eq(nh_var(h, "V_m")[0], -65.0);
  nh_close(h);
}
END_TEST

START_TEST(test_reset_above_threshold) {
  nh *h = nh_open("lif_psc_delta", 2, 0.1);
  nh_par(h, "V_reset")[1] = -40.0;
  ck_assert_int_eq(nh_prepare(h), AP_EINVAL);
  ck_assert_str_eq(h->err, "neuron 2: V_reset (-40 mV) must be below V_th "
                           "(-55 mV)");
  nh_close(h);
}
END_TEST

START_TEST(test_doc_and_descriptor) {
  nh_check_doc("lif_psc_delta");
  char err[512] = "";
  NH_CHECK(ap_plugin_validate(ap_plugin_entry(), err, sizeof err) == AP_OK,
                "%s", err);
}
END_TEST


/* ---------------------------------------------------------- noise */

/* The noise is off by default and costs nothing then: prepare() decides
 * once whether any neuron can carry a noise current. */
START_TEST(test_noise_flags) {
  nh *h = nh_open("lif_psc_delta", 4, 0.1);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  ck_assert_int_eq(((const lif_psc_delta_inst *)h->inst)->noisy, 0);
  nh_par(h, "tau_noise")[2] = 5.0; /* no noise without sigma */
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  ck_assert_int_eq(((const lif_psc_delta_inst *)h->inst)->noisy, 0);
  nh_par(h, "sigma")[1] = 1.0;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  ck_assert_int_eq(((const lif_psc_delta_inst *)h->inst)->noisy, 1);
  /* a current set by hand must still decay (OU) or be cleared (white) */
  nh_par(h, "sigma")[1] = 0.0;
  nh_var(h, "I_noise")[2] = 100.0;
  nh_var(h, "I_noise")[3] = 100.0;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  ck_assert_int_eq(((const lif_psc_delta_inst *)h->inst)->noisy, 1);
  nh_step(h);
  ck_assert_double_eq(nh_var(h, "I_noise")[2], 100.0 * exp(-0.1 / 5.0));
  ck_assert_double_eq(nh_var(h, "I_noise")[3], 0.0);
  ck_assert_double_eq(nh_var(h, "I_noise")[0], 0.0);
  nh_close(h);
}
END_TEST

/* a = P33, c = P30 of the plugin, checked against their closed forms. */
static void psc_delta_ar1(double dt, double *a, double *c) {
  nh *h = nh_open("lif_psc_delta", 1, dt);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  const lif_psc_delta_inst *in = h->inst;
  *a = in->P33[0];
  *c = in->P30[0];
  ck_assert_double_eq_tol(*a, exp(-dt / 10.0), 1e-15);
  ck_assert_double_eq_tol(*c, 10.0 / 250.0 * (1.0 - exp(-dt / 10.0)), 1e-15);
  nh_close(h);
}

START_TEST(test_noise_white_variance) {
  const double dts[] = {0.1, 1.0};
  for (int k = 0; k < 2; k++) {
    double a, c;
    psc_delta_ar1(dts[k], &a, &c);
    nc_white_variance("lif_psc_delta", dts[k], -70.0, 500.0, a, c, NULL);
  }
}
END_TEST

START_TEST(test_noise_ou) {
  nc_ou("lif_psc_delta", 0.1, 50.0, 5.0, NULL);
  nc_ou("lif_psc_delta", 0.1, 50.0, 0.3, NULL); /* tau_noise near dt */
}
END_TEST

static const nc_inputs psc_delta_inputs = {2.0, 2.0, -1.0};

START_TEST(test_noise_like_I_e) { nc_like_I_e("lif_psc_delta", NULL); }
END_TEST

START_TEST(test_noise_seed) {
  nc_seed("lif_psc_delta", 400.0, 2.0, &psc_delta_inputs, NULL);
}
END_TEST

START_TEST(test_noise_blocks) {
  nc_blocks("lif_psc_delta", 400.0, 2.0, &psc_delta_inputs, NULL);
}
END_TEST

START_TEST(test_noise_quiet_neurons) {
  nc_quiet_neurons("lif_psc_delta", 400.0, &psc_delta_inputs, NULL);
}
END_TEST

static Suite *make_lif_psc_delta_suite(void) {
  Suite *s = suite_create("lif_psc_delta");
  TCase *tc = tcase_create("closed_form");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, test_firing_grid);
  tcase_add_test(tc, test_subthreshold_exact);
  tcase_add_test(tc, test_jump);
  tcase_add_test(tc, test_refractory_drops_input);
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
AP_CHECK_MAIN(make_lif_psc_delta_suite)
