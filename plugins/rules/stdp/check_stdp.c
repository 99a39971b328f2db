/* check_stdp.c -- the stdp rule against the analytic STDP window, the
 * all-to-all and nearest-neighbour pairings, the bounds and the
 * inhibitory mirror.
 *
 * Weights are ap_weight (single precision): a stored weight is compared
 * with the exact value to its own rounding (RH_WEIGHT_EQ), the traces,
 * which the rule keeps in double precision, to 1e-12. */
#include "stdp.c"

#include "check_main.h"
#include "rule_harness.h"

static const double DT = 0.1; /* ms */

/* Steps of times given in ms (multiples of DT): a spike of step s is
 * stamped (s+1) DT. */
static int64_t step_of(double t_ms) { return llround(t_ms / DT) - 1; }

START_TEST(test_doc) { rh_check_doc("stdp"); }
END_TEST

/* One synapse, one postsynaptic neuron, weight w0; prepared at t = 0. */
static rh *one_pair_rule(double mu, int nearest, double w0, double wmax) {
  rh *h = rh_open("stdp", 1, 1, DT);
  rh_set(h, "mu_plus", mu);
  rh_set(h, "mu_minus", mu);
  rh_set(h, "nearest", nearest);
  rh_set(h, "alpha", 1.3);
  rh_set(h, "tau_minus", 30.0);
  rh_set(h, "Wmax", wmax);
  h->w[0] = (ap_weight)w0;
  rh_prepare_ok(h, 0.0);
  return h;
}

/* The weight after one presynaptic spike at t_pre and one postsynaptic
 * spike at t_pre + d (ms); on_pre first when both fall in one step. */
static double pair(double d, double mu, int nearest, double w0, double wmax) {
  rh *h = one_pair_rule(mu, nearest, w0, wmax);
  const double t_pre = 200.0;
  int64_t sp = step_of(t_pre), sq = step_of(t_pre + d);
  if (sp <= sq) {
    rh_pre(h, sp, 0, 1);
    rh_post(h, sq, 0);
  } else {
    rh_post(h, sq, 0);
    rh_pre(h, sp, 0, 1);
  }
  rh_flush(h, sp > sq ? sp : sq); /* as the host does before it reads */
  double w = h->w[0];
  rh_close(h);
  return w;
}

/* Spikes of one step: no change by default (as NEST); same_step = 1
 * counts the pair as pre before post, -1 as post before pre, for both
 * pairings (mu 0: additive). */
START_TEST(test_same_step) {
  const double lambda = 0.01, alpha = 1.3, wmax = 100.0, w0 = 37.5;
  for (int nn = 0; nn <= 1; nn++)
    for (int same = -1; same <= 1; same++) {
      rh *h = one_pair_rule(0.0, nn, w0, wmax);
      rh_set(h, "same_step", same);
      int64_t s = step_of(200.0);
      rh_pre(h, s, 0, 1);
      rh_post(h, s, 0);
      double want = same > 0   ? w0 + lambda * wmax
                    : same < 0 ? w0 - lambda * alpha * wmax
                               : w0;
      rh_flush(h, 1000000);
      RH_WEIGHT_EQ(h->w[0], want, "same_step %d, nearest %d", same, nn);
      rh_close(h);
    }
}
END_TEST

/* The window of a single pair: d > 0 potentiates by
 * lambda (Wmax - w0)^mu Wmax^(1-mu) exp(-d / tau_plus), d < 0 depresses by
 * lambda alpha w0^mu Wmax^(1-mu) exp(d / tau_minus); the same with
 * nearest-neighbour pairing, and mirrored for inhibitory synapses. */
START_TEST(test_pair_window) {
  const double lambda = 0.01, alpha = 1.3, wmax = 100.0, w0 = 37.5;
  for (int mu = 0; mu <= 1; mu++)
    for (int d = -100; d <= 100; d++) {
      double want;
      if (d == 0) /* spikes of one step do not pair, as in NEST */
        want = w0;
      else if (d > 0)
        want = w0 + lambda * (mu ? wmax - w0 : wmax) * exp(-d / 20.0);
      else
        want = w0 - lambda * alpha * (mu ? w0 : wmax) * exp(d / 30.0);
      for (int nn = 0; nn <= 1; nn++) {
        double got = pair(d, mu, nn, w0, wmax);
        RH_WEIGHT_EQ(got, want, "mu %d, nearest %d, dt %d ms", mu, nn, d);
        double inh = pair(d, mu, nn, -w0, -wmax);
        RH_CHECK(inh == -got,
                 "inhibitory pair at dt %d ms (mu %d, nearest %d): %.9g, "
                 "excitatory %.9g",
                 d, mu, nn, inh, got);
      }
    }
}
END_TEST

/* The traces after spikes, to 1e-12: Kplus, Kminus and their times. */
START_TEST(test_traces) {
  for (int nn = 0; nn <= 1; nn++) {
    rh *h = rh_open("stdp", 2, 1, DT);
    rh_set(h, "nearest", nn);
    h->w[0] = h->w[1] = 50.0f;
    rh_prepare_ok(h, 0.0);
    rh_pre(h, step_of(10.0), 0, 2);
    rh_pre(h, step_of(25.0), 0, 1); /* synapse 0 only */
    rh_post(h, step_of(30.0), 0);
    rh_post(h, step_of(32.0), 0);
    double kp0 = nn ? 1.0 : exp(-15.0 / 20.0) + 1.0;
    ck_assert(rh_close_rel(rh_sv(h, "Kplus")[0], kp0, 1e-12));
    ck_assert(rh_close_rel(rh_sv(h, "Kplus")[1], 1.0, 1e-12));
    ck_assert(rh_close_rel(rh_sv(h, "t_last")[0], 25.0, 1e-12));
    ck_assert(rh_close_rel(rh_sv(h, "t_last")[1], 10.0, 1e-12));
    double km = nn ? 1.0 : exp(-2.0 / 20.0) + 1.0;
    ck_assert(rh_close_rel(rh_pv(h, "Kminus")[0], km, 1e-12));
    ck_assert(rh_close_rel(rh_pv(h, "t_last_post")[0], 32.0, 1e-12));
    rh_close(h);
  }
}
END_TEST

/* Where all-to-all and nearest-neighbour pairing differ, additive rule:
 *  - two presynaptic spikes, then a postsynaptic one: all-to-all pairs the
 *    post spike with both (Kplus = e1 + e2), nearest only with the last;
 *  - two postsynaptic spikes, then a presynaptic one: likewise for
 *    depression;
 * and where they agree: one presynaptic spike, then two postsynaptic ones
 * (each post spike pairs with the one pre spike either way). */
START_TEST(test_nearest_vs_all) {
  const double lambda = 0.01, wmax = 100.0, w0 = 50.0;
  for (int nn = 0; nn <= 1; nn++) {
    /* pre 10, pre 20, post 30 */
    rh *h = one_pair_rule(0.0, nn, w0, wmax);
    rh_pre(h, step_of(10.0), 0, 1);
    rh_pre(h, step_of(20.0), 0, 1);
    rh_post(h, step_of(30.0), 0);
    double kp = exp(-10.0 / 20.0) + (nn ? 0.0 : exp(-20.0 / 20.0));
    rh_flush(h, 1000000);
    RH_WEIGHT_EQ(h->w[0], w0 + lambda * wmax * kp, "pre pre post, nearest %d",
                 nn);
    rh_close(h);

    /* post 10, post 20, pre 30 (alpha 1.3, tau_minus 30) */
    h = one_pair_rule(0.0, nn, w0, wmax);
    rh_post(h, step_of(10.0), 0);
    rh_post(h, step_of(20.0), 0);
    rh_pre(h, step_of(30.0), 0, 1);
    double km = exp(-10.0 / 30.0) + (nn ? 0.0 : exp(-20.0 / 30.0));
    rh_flush(h, 1000000);
    RH_WEIGHT_EQ(h->w[0], w0 - lambda * 1.3 * wmax * km,
                 "post post pre, nearest %d", nn);
    rh_close(h);

    /* pre 10, post 20, post 30: the same for both pairings */
    h = one_pair_rule(0.0, nn, w0, wmax);
    rh_pre(h, step_of(10.0), 0, 1);
    rh_post(h, step_of(20.0), 0);
    rh_post(h, step_of(30.0), 0);
    double want = w0 + lambda * wmax * (exp(-10.0 / 20.0) + exp(-20.0 / 20.0));
    rh_flush(h, 1000000);
    RH_WEIGHT_EQ(h->w[0], want, "pre post post, nearest %d", nn);
    rh_close(h);
  }
}
END_TEST

/* Potentiation stops at Wmax and depression at 0, exactly, and the
 * inhibitory projection mirrors the excitatory one step by step. */
START_TEST(test_bounds) {
  for (int sign = 1; sign >= -1; sign -= 2) {
    for (int mu = 0; mu <= 1; mu++) {
      rh *h = rh_open("stdp", 1, 1, DT);
      /* multiplicative updates reach a bound only with lambda > 1 */
      rh_set(h, "lambda", mu ? 1.5 : 0.3);
      rh_set(h, "mu_plus", mu);
      rh_set(h, "mu_minus", mu);
      rh_set(h, "Wmax", sign * 100.0);
      h->w[0] = (ap_weight)(sign * 60.0);
      rh_prepare_ok(h, 0.0);
      for (int k = 0; k < 40; k++) {
        rh_pre(h, 100 * k, 0, 1);
        rh_post(h, 100 * k + 5, 0);
        rh_flush(h, 100 * k + 5);
        double w = sign * (double)h->w[0];
        RH_CHECK(w >= 0.0 && w <= 100.0, "weight %g outside [0, Wmax]",
                 (double)h->w[0]);
      }
      ck_assert_double_eq(h->w[0], sign * 100.0);
      for (int k = 40; k < 120; k++) {
        rh_post(h, 100 * k, 0);
        rh_pre(h, 100 * k + 5, 0, 1);
        rh_flush(h, 100 * k + 5);
        double w = sign * (double)h->w[0];
        RH_CHECK(w >= 0.0 && w <= 100.0, "weight %g outside [0, Wmax]",
                 (double)h->w[0]);
      }
      ck_assert_double_eq(h->w[0], 0.0);
      rh_close(h);
    }
  }
}
END_TEST

/* An irregular spike pattern through a small projection (several
 * synapses per neuron, rows in segments): the inhibitory projection's
 * weights are exactly the negatives of the excitatory one's, for both
 * pairings and a non-integer exponent. */
START_TEST(test_inhibitory_mirror) {
  enum { PRE = 4, POST = 3, NS = PRE * POST };
  for (int nn = 0; nn <= 1; nn++) {
    rh *h[2];
    for (int k = 0; k < 2; k++) {
      double sign = k ? -1.0 : 1.0;
      h[k] = rh_open("stdp", NS, POST, DT);
      rh_set(h[k], "mu_plus", 0.4);
      rh_set(h[k], "mu_minus", 0.7);
      rh_set(h[k], "lambda", 0.05);
      rh_set(h[k], "nearest", nn);
      rh_set(h[k], "Wmax", sign * 80.0);
      for (size_t s = 0; s < NS; s++) {
        rh_target(h[k], s, (uint32_t)(s % POST)); /* row of pre s / POST */
        h[k]->w[s] = (ap_weight)(sign * (10.0 + 5.0 * (double)s));
      }
      rh_prepare_ok(h[k], 0.0);
    }
    uint32_t x = 12345u;
    for (int64_t step = 0; step < 20000; step++) {
      for (int pre = 0; pre < PRE; pre++) {
        x = x * 1664525u + 1013904223u;
        if ((x >> 24) < 3) /* about 12 Hz at dt = 0.1 ms */
          for (int k = 0; k < 2; k++) {
            /* the row in two segments, as two threads would */
            rh_pre(h[k], step, (size_t)pre * POST, 1);
            rh_pre(h[k], step, (size_t)pre * POST + 1, POST - 1);
          }
      }
      for (uint32_t j = 0; j < POST; j++) {
        x = x * 1664525u + 1013904223u;
        if ((x >> 24) < 3)
          for (int k = 0; k < 2; k++) rh_post(h[k], step, j);
      }
    }
    rh_flush(h[0], 20000);
    rh_flush(h[1], 20000);
    for (size_t s = 0; s < NS; s++) {
      RH_CHECK(h[1]->w[s] == -h[0]->w[s],
               "nearest %d, synapse %zu: inhibitory %.9g, excitatory %.9g", nn,
               s, (double)h[1]->w[s], (double)h[0]->w[s]);
      RH_CHECK(isfinite(h[0]->w[s]) && h[0]->w[s] >= 0.0f &&
                   h[0]->w[s] <= 80.0f,
               "synapse %zu: weight %g", s, (double)h[0]->w[s]);
    }
    /* the pattern did change the weights */
    int changed = 0;
    for (size_t s = 0; s < NS; s++)
      changed += h[0]->w[s] != (ap_weight)(10.0 + 5.0 * (double)s);
    ck_assert_int_gt(changed, NS / 2);
    rh_close(h[0]);
    rh_close(h[1]);
  }
}
END_TEST

/* Potentiation waits for the next presynaptic spike (or flush): with one
 * input silent while its neuron fires 40 times, the history fills (16
 * entries), the column is paired at once, and the weight ends exactly
 * where pairing every postsynaptic spike as it comes leaves it: the
 * same operands, the weight rounded to single precision after each. */
START_TEST(test_deferred_exact) {
  for (int flush_mid = 0; flush_mid <= 1; flush_mid++) {
    rh *h = rh_open("stdp", 2, 1, DT);
    rh_set(h, "mu_plus", 0.0);
    rh_set(h, "mu_minus", 0.0);
    rh_set(h, "lambda", 0.004);
    rh_set(h, "Wmax", 100.0);
    h->w[0] = h->w[1] = 20.0f;
    rh_prepare_ok(h, 0.0);
    rh_pre(h, 10, 0, 1); /* synapse 0: once, then silent */
    const double inv_dt = 1.0 / DT, t0 = rh_time(h, 10);
    float want = 20.0f;
    for (int k = 0; k < 40; k++) {
      const int64_t step = 40 + 30 * k;
      if (k % 2) rh_pre(h, step - 5, 1, 1); /* synapse 1 keeps spiking */
      rh_post(h, step, 0);
      if (flush_mid && k == 25) rh_flush(h, step);
      /* the eager pairing of synapse 0 with this spike */
      const double age = (rh_time(h, step) - t0) * inv_dt;
      const double kp = 1.0 * exp(-(double)(size_t)(age + 0.5) * DT / 20.0);
      double x = (double)want / 100.0;
      x += 0.004 * 1.0 * kp;
      want = (float)((x < 1.0 ? x : 1.0) * 100.0);
    }
    rh_flush(h, 40 + 30 * 40);
    ck_assert_msg(h->w[0] == want, "flush_mid %d: weight %.9g, eager %.9g",
                  flush_mid, (double)h->w[0], (double)want);
    ck_assert_float_gt(h->w[0], 20.0f);
    rh_close(h);
  }
}
END_TEST

/* No spike yet on the other side: nothing changes, nothing is NaN
 * (the times start at -inf). */
START_TEST(test_first_spikes) {
  for (int nn = 0; nn <= 1; nn++) {
    rh *h = one_pair_rule(0.5, nn, 40.0, 100.0);
    rh_post(h, 10, 0);
    ck_assert_double_eq(h->w[0], 40.0);
    rh_close(h);
    h = one_pair_rule(0.5, nn, 40.0, 100.0);
    rh_pre(h, 10, 0, 1);
    ck_assert_double_eq(h->w[0], 40.0);
    ck_assert(rh_sv(h, "Kplus")[0] == 1.0);
    rh_close(h);
  }
}
END_TEST

/* Hooks run by 3 threads (rows in segments, post spikes split by neuron)
 * leave exactly the state one thread leaves. */
START_TEST(test_threads) {
  enum { PRE = 6, POST = 5 };
  for (int nn = 0; nn <= 1; nn++) {
    rh *h[2];
    for (int k = 0; k < 2; k++) {
      h[k] = rh_open("stdp", PRE * POST, POST, DT);
      rh_set(h[k], "nearest", nn);
      rh_set(h[k], "mu_plus", 0.3);
      for (size_t s = 0; s < PRE * POST; s++) h[k]->w[s] = 50.0f;
      rh_prepare_ok(h[k], 0.0);
    }
    rh_pattern pat = rh_pattern_default();
    pat.steps = 5000;
    rh_thread_run(h[0], &pat, 1);
    rh_thread_run(h[1], &pat, 3);
    rh_flush(h[0], pat.steps);
    rh_flush(h[1], pat.steps);
    rh_assert_same(h[0], h[1]);
    int changed = 0;
    for (size_t s = 0; s < PRE * POST; s++) changed += h[0]->w[s] != 50.0f;
    ck_assert_int_gt(changed, PRE * POST / 2);
    rh_close(h[0]);
    rh_close(h[1]);
  }
}
END_TEST

START_TEST(test_prepare_refuses) {
  rh *h = rh_open("stdp", 2, 1, DT);
  rh_set(h, "Wmax", 0.0);
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_msg(strstr(h->err, "Wmax must be a nonzero number"), "%s",
                h->err);
  rh_close(h);

  h = rh_open("stdp", 2, 1, DT);
  h->w[0] = 3.0f;
  h->w[1] = -2.0f;
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_str_eq(h->err,
                   "synapse 2 has weight -2 but Wmax is 100: weights and "
                   "Wmax must have the same sign (give inhibitory synapses "
                   "a negative Wmax)");
  rh_close(h);

  h = rh_open("stdp", 2, 1, DT);
  rh_set(h, "tau_plus", 0.0);
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_str_eq(h->err, "tau_plus must be > 0 ms, got 0 ms");
  rh_close(h);
}
END_TEST

static Suite *make_stdp_suite(void) {
  Suite *s = suite_create("stdp");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_doc);
  tcase_add_test(tc, test_pair_window);
  tcase_add_test(tc, test_same_step);
  tcase_add_test(tc, test_traces);
  tcase_add_test(tc, test_nearest_vs_all);
  tcase_add_test(tc, test_bounds);
  tcase_add_test(tc, test_inhibitory_mirror);
  tcase_add_test(tc, test_first_spikes);
  tcase_add_test(tc, test_deferred_exact);
  tcase_add_test(tc, test_threads);
  tcase_add_test(tc, test_prepare_refuses);
  suite_add_tcase(s, tc);
  return s;
}

AP_CHECK_MAIN(make_stdp_suite)
