/* check_nef_lif.c -- nef_lif and nef_lif_rate against closed forms: the
 * LIF rate curve (spike counts of the spiking model, the rate model's
 * output), the spike time resolved within the step, no firing at J <= 1
 * and the voltage floor, the low-pass of the spike ports, the refusal of
 * bad parameters, and the docs against the tables. */
#include "nef_lif.c"

#include <math.h>

#include "plugin/loader.h"
#include "neuron_harness.h"

/* The LIF rate of Nengo's formula, in Hz, with the times in seconds as
 * Nengo has them (the plugin works in ms). */
static double lif_rate_hz(double J, double tau_rc_ms, double tau_ref_ms,
                          double amplitude) {
  if (!(J > 1.0)) return 0.0;
  return amplitude /
         (tau_ref_ms * 1e-3 + tau_rc_ms * 1e-3 * log1p(1.0 / (J - 1.0)));
}

/* ------------------------------------------------------------ rate curve */

/* Constant J, by bias (neurons 0..6) and by the J port every step
 * (neurons 7..13), for 10 s.  The rate measured from the first to the
 * last spike, (spikes - 1) / (t_last - t_first), must be the analytic
 * LIF rate to 1 %; the stamps are on the grid, so that measure is good to
 * about dt / 10 s = 1e-4 (at dt = 1 ms) when the model is right.
 *
 * This is what resolving the spike time within the step buys.  A LIF
 * whose spikes and refractory period are quantised to the grid at
 * dt = 1 ms has an interval of tau_ref + ceil(tau_rc ln(1 + 1/(J - 1)))
 * ms: at J = 10 that is 2 + ceil(2.107) = 5 ms, 200 Hz, where the exact
 * interval is 4.107 ms, 243.47 Hz: 17.9 % low; at J = 3, 11 ms against
 * 10.109 ms, 90.9 Hz against 98.9 Hz: 8.1 % low; at J = 2, 0.86 % low. */
static void rate_curve(double dt) {
  enum { NJ = 7 };
  static const double Js[NJ] = {1.05, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0};
  const long steps = lround(10000.0 / dt); /* 10 s */
  nh *h = nh_open("nef_lif", 2 * NJ, dt);
  for (int k = 0; k < NJ; k++) nh_par(h, "bias")[k] = Js[k];
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  long first[2 * NJ], last[2 * NJ], count[2 * NJ];
  for (int k = 0; k < 2 * NJ; k++) first[k] = last[k] = -1, count[k] = 0;
  for (long s = 0; s < steps; s++) {
    for (int k = 0; k < NJ; k++) nh_in(h, "J")[NJ + k] = Js[k];
    nh_step(h);
    for (size_t q = 0; q < h->n_spiked; q++) {
      const uint32_t i = h->spiked[q];
      if (first[i] < 0) first[i] = s;
      last[i] = s;
      count[i]++;
    }
    /* bias and port give the same J, so the same spikes */
    for (int k = 0; k < NJ; k++)
      NH_CHECK(nh_spiked(h, (size_t)k) == nh_spiked(h, (size_t)(NJ + k)),
               "dt %g ms, J %g: by bias and by port differ at step %ld", dt,
               Js[k], s);
  }
  for (int k = 0; k < 2 * NJ; k++) {
    const double J = Js[k % NJ];
    const double want = lif_rate_hz(J, 20.0, 2.0, 1.0);
    NH_CHECK(count[k] > 100, "dt %g ms, J %g: only %ld spikes in 10 s", dt, J,
             count[k]);
    const double got =
        (double)(count[k] - 1) / ((double)(last[k] - first[k]) * dt * 1e-3);
    NH_CHECK(fabs(got / want - 1.0) < 1e-2,
             "dt %g ms, J %g (%s): %ld spikes, rate %.6g Hz, analytic %.6g Hz "
             "(relative error %.3g)",
             dt, J, k < NJ ? "bias" : "port", count[k], got, want,
             got / want - 1.0);
  }
  nh_close(h);
}

START_TEST(test_rate_curve_1ms) { rate_curve(1.0); }
END_TEST

START_TEST(test_rate_curve_01ms) { rate_curve(0.1); }
END_TEST

/* The first spike from voltage 0 under J = 1.5 crosses 1 at
 * t1 = tau_rc ln(1 + 1/(J - 1)) = 21.97 ms, inside step 21 at dt = 1 ms;
 * the refractory period starts there: refractory_time = tau_ref +
 * (t1 - 21 ms) after the step, voltage 0.  Then the voltage stays 0 while
 * refractory, and the step in which the period ends integrates only its
 * remainder. */
START_TEST(test_spike_time_in_step) {
  const double dt = 1.0, J = 1.5;
  nh *h = nh_open("nef_lif", 1, dt);
  nh_set(h, "bias", J);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  const double t1 = 20.0 * log1p(1.0 / (J - 1.0));
  const long s1 = (long)floor(t1 / dt);
  for (long s = 0; s < s1; s++) {
    nh_step(h);
    NH_CHECK(!nh_spiked(h, 0), "spike at step %ld, expected at %ld", s, s1);
  }
  nh_step(h);
  ck_assert(nh_spiked(h, 0));
  ck_assert_double_eq(nh_var(h, "voltage")[0], 0.0);
  const double r = 2.0 + (t1 - (double)s1 * dt);
  ck_assert_double_eq_tol(nh_var(h, "refractory_time")[0], r, 1e-9);
  /* the next step lies wholly inside the refractory period (r > 2 dt):
   * the voltage stays 0 */
  nh_step(h);
  ck_assert_double_eq(nh_var(h, "voltage")[0], 0.0);
  ck_assert(!nh_spiked(h, 0));
  /* in the one after, the period ends r - 2 dt into the step: the
   * voltage relaxes over the rest, 3 dt - r, only */
  nh_step(h);
  const double part = 3.0 * dt - r;
  ck_assert_double_eq_tol(nh_var(h, "voltage")[0],
                          -J * expm1(-part / 20.0), 1e-12);
  nh_close(h);
}
END_TEST

/* ------------------------------------------------- J <= 1, voltage floor */

START_TEST(test_subthreshold_and_floor) {
  enum { N = 8 };
  static const double Js[N] = {-5.0, -1.0, -0.5, 0.0, 0.5, 0.99, 1.0, -5.0};
  const double dt = 1.0;
  nh *h = nh_open("nef_lif", N, dt);
  for (int k = 0; k < N; k++) {
    nh_par(h, "bias")[k] = Js[k];
    nh_par(h, "min_voltage")[k] = k < N - 1 ? -1.0 : 0.0; /* last: default */
  }
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (long s = 0; s < 10000; s++) {
    nh_step(h);
    NH_CHECK(h->n_spiked == 0, "step %ld: neuron %u spiked at J %g", s,
             h->spiked[0], Js[h->spiked[0]]);
    for (int k = 0; k < N; k++)
      NH_CHECK(nh_var(h, "voltage")[k] >= nh_par(h, "min_voltage")[k],
               "step %ld, J %g: voltage %.17g below min_voltage %g", s, Js[k],
               nh_var(h, "voltage")[k], nh_par(h, "min_voltage")[k]);
  }
  const ap_real *v = nh_var(h, "voltage");
  ck_assert_double_eq(v[0], -1.0); /* J = -5 held at the floor -1 */
  ck_assert_double_eq_tol(v[1], -1.0, 1e-12); /* J = -1: at the floor */
  ck_assert_double_eq_tol(v[2], -0.5, 1e-12);
  ck_assert_double_eq(v[3], 0.0);
  ck_assert_double_eq_tol(v[4], 0.5, 1e-12);
  ck_assert_double_eq_tol(v[5], 0.99, 1e-12);
  ck_assert(v[6] <= 1.0 && v[6] > 1.0 - 1e-12); /* J = 1: at, not over */
  ck_assert_double_eq(v[7], 0.0); /* default floor 0 */
  nh_close(h);
}
END_TEST

/* -------------------------------------------------------- the rate model */

START_TEST(test_rate_model) {
  enum { N = 14 };
  static const double Js[N] = {-3.0, 0.0, 0.5,  1.0,  1.0 + 1e-9, 1.05, 1.2,
                               1.5,  2.0, 3.0, 5.0, 10.0, 100.0, 1e6};
  nh *h = nh_open("nef_lif_rate", N, 1.0);
  for (int k = 0; k < N; k++) {
    nh_par(h, "bias")[k] = Js[k];
    if (k % 3 == 1) { /* other parameters on some neurons */
      nh_par(h, "amplitude")[k] = 0.25;
      nh_par(h, "tau_rc")[k] = 35.0;
      nh_par(h, "tau_ref")[k] = k % 2 ? 0.0 : 1.5;
    }
  }
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (int s = 0; s < 3; s++) {
    nh_step(h);
    ck_assert_uint_eq(h->n_spiked, 0);
    for (int k = 0; k < N; k++) {
      const double want =
          lif_rate_hz(Js[k], nh_par(h, "tau_rc")[k], nh_par(h, "tau_ref")[k],
                      nh_par(h, "amplitude")[k]);
      const double got = nh_var(h, "activity")[k];
      if (Js[k] <= 1.0)
        ck_assert_msg(got == 0.0, "J %g: rate %g, want 0", Js[k], got);
      else
        ck_assert_msg(want > 0.0 && fabs(got - want) <= 1e-12 * want,
                      "J %.17g: rate %.17g Hz, want %.17g Hz", Js[k], got,
                      want);
      ck_assert_double_eq(nh_var(h, "J")[k], Js[k]);
    }
  }
  /* the J port adds to bias for its step only */
  nh_in(h, "J")[3] = 1.0; /* J = 2 */
  nh_step(h);
  ck_assert_double_eq_tol(nh_var(h, "activity")[3],
                          lif_rate_hz(2.0, 20.0, 2.0, 1.0), 1e-12 * 63.04);
  nh_step(h);
  ck_assert_double_eq(nh_var(h, "activity")[3], 0.0);
  nh_close(h);
}
END_TEST

/* ------------------------------------------------------ the spike ports */

/* One weight w on s1 (nef_lif) or s2 (nef_lif_rate) at step 0, dt = 1 ms:
 * with tau_s = 10 ms, after k steps I = (1 - a) a^(k-1) w / dt_s,
 * a = exp(-0.1); with tau_s = 0, I = w / dt_s for step 0 only.  J is
 * bias plus the filtered currents. */
static void port_filter(const char *model, const char *port, const char *tau,
                        const char *var, const char *other) {
  const double dt = 1.0, w = 0.5, a = exp(-dt / 10.0);
  nh *h = nh_open(model, 2, dt);
  nh_par(h, tau)[0] = 10.0;
  nh_par(h, tau)[1] = 0.0;
  nh_set(h, "bias", 0.25);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  nh_in(h, port)[0] = w;
  nh_in(h, port)[1] = w;
  for (int k = 1; k <= 60; k++) {
    nh_step(h);
    const double want = (1.0 - a) * pow(a, k - 1) * w / (dt * 1e-3);
    const double got = nh_var(h, var)[0];
    ck_assert_msg(fabs(got - want) <= 1e-12 * want,
                  "%s, %s: after %d steps %s = %.17g, want %.17g", model, port,
                  k, var, got, want);
    ck_assert_double_eq_tol(nh_var(h, "J")[0], 0.25 + want, 1e-12 * want);
    ck_assert_double_eq(nh_var(h, other)[0], 0.0);
    const double pass = k == 1 ? w / (dt * 1e-3) : 0.0;
    ck_assert_msg(fabs(nh_var(h, var)[1] - pass) <= 1e-12 * pass,
                  "%s, %s with tau 0: after %d steps %s = %.17g, want %.17g",
                  model, port, k, var, nh_var(h, var)[1], pass);
  }
  nh_close(h);
}

START_TEST(test_port_filter) {
  port_filter("nef_lif", "s1", "tau_s1", "I_s1", "I_s2");
  port_filter("nef_lif_rate", "s2", "tau_s2", "I_s2", "I_s1");
}
END_TEST

/* Blocks see their neurons' constants: a population with per-neuron
 * parameters run as one block and as three gives the same bits. */
START_TEST(test_blocks) {
  enum { N = 14 };
  static const char *const models[] = {"nef_lif", "nef_lif_rate"};
  const size_t sizes[] = {3, 5, 6};
  for (int m = 0; m < 2; m++) {
    nh *h[2];
    for (int c = 0; c < 2; c++) {
      h[c] = nh_open(models[m], N, 0.5);
      for (size_t i = 0; i < N; i++) {
        nh_par(h[c], "tau_rc")[i] = 10.0 + 3.0 * (double)i;
        nh_par(h[c], "tau_s1")[i] = (double)(i % 4) * 2.0;
        nh_par(h[c], "tau_s2")[i] = (double)(i % 3) * 7.0;
        nh_par(h[c], "bias")[i] = 0.5 + 0.2 * (double)i;
      }
      ck_assert_int_eq(nh_prepare(h[c]), AP_OK);
    }
    for (int s = 0; s < 2000; s++) {
      for (int c = 0; c < 2; c++) {
        for (size_t i = 0; i < N; i++) {
          if ((s + (int)i) % 7 == 0) nh_in(h[c], "s1")[i] = 0.01 * (double)i;
          if ((s + 2 * (int)i) % 11 == 0) nh_in(h[c], "s2")[i] = -0.004;
          if (s % 5 == 0) nh_in(h[c], "J")[i] = 0.3;
        }
        ck_assert_int_eq(nh_step_blocks(h[c], c ? sizes : NULL, c ? 3 : 1),
                         AP_OK);
      }
      ck_assert_uint_eq(h[0]->n_spiked, h[1]->n_spiked);
      for (size_t q = 0; q < h[0]->n_spiked; q++)
        ck_assert_uint_eq(h[0]->spiked[q], h[1]->spiked[q]);
      for (unsigned v = 0; v < h[0]->d->n_vars; v++)
        ck_assert_mem_eq(h[0]->state[v], h[1]->state[v],
                         N * sizeof(ap_real));
    }
    nh_close(h[0]);
    nh_close(h[1]);
  }
}
END_TEST

/* ------------------------------------------------------------- prepare */

static void refused(const char *model, const char *par, size_t i, double x,
                    const char *msg) {
  nh *h = nh_open(model, 3, 1.0);
  nh_par(h, par)[i] = x;
  ck_assert_int_eq(nh_prepare(h), AP_EINVAL);
  ck_assert_str_eq(h->err, msg);
  nh_close(h);
}

START_TEST(test_bad_params) {
  static const char *const models[] = {"nef_lif", "nef_lif_rate"};
  for (int m = 0; m < 2; m++) {
    refused(models[m], "tau_rc", 1, 0.0,
            "neuron 2: tau_rc must be > 0 ms, got 0 ms");
    refused(models[m], "tau_rc", 0, -3.0,
            "neuron 1: tau_rc must be > 0 ms, got -3 ms");
    refused(models[m], "tau_ref", 2, -1.0,
            "neuron 3: tau_ref must be >= 0 ms, got -1 ms");
    refused(models[m], "tau_s2", 0, -0.5,
            "neuron 1: tau_s2 must be >= 0 ms, got -0.5 ms");
    refused(models[m], "amplitude", 0, 0.0,
            "neuron 1: amplitude must be > 0, got 0");
    refused(models[m], "bias", 1, NAN,
            "neuron 2: bias must be finite, got nan");
  }
  refused("nef_lif", "min_voltage", 0, 0.5,
          "neuron 1: min_voltage must be <= 0, got 0.5");
  /* the defaults and the edges of the ranges are accepted */
  nh *h = nh_open("nef_lif", 1, 1.0);
  nh_set(h, "tau_ref", 0.0);
  nh_set(h, "tau_s1", 0.0);
  nh_set(h, "min_voltage", -2.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  nh_close(h);
}
END_TEST

START_TEST(test_doc_and_descriptor) {
  nh_check_doc("nef_lif");
  nh_check_doc("nef_lif_rate");
  char err[512] = "";
  NH_CHECK(ap_plugin_validate(ap_plugin_entry(), err, sizeof err) == AP_OK,
           "%s", err);
}
END_TEST

static Suite *make_nef_lif_suite(void) {
  Suite *s = suite_create("nef_lif");
  TCase *tc = tcase_create("closed_form");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_rate_curve_1ms);
  tcase_add_test(tc, test_rate_curve_01ms);
  tcase_add_test(tc, test_spike_time_in_step);
  tcase_add_test(tc, test_subthreshold_and_floor);
  tcase_add_test(tc, test_rate_model);
  tcase_add_test(tc, test_port_filter);
  tcase_add_test(tc, test_blocks);
  suite_add_tcase(s, tc);
  TCase *tp = tcase_create("prepare");
  tcase_add_test(tp, test_bad_params);
  tcase_add_test(tp, test_doc_and_descriptor);
  suite_add_tcase(s, tp);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_nef_lif_suite)
