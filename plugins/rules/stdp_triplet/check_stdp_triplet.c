/* check_stdp_triplet.c -- the triplet rule against pair and triplet
 * updates computed by hand, its traces, bounds and inhibitory mirror.
 *
 * Weights are ap_weight (single precision): a stored weight is compared
 * with the exact value to its own rounding (RH_WEIGHT_EQ), the traces to
 * 1e-12. */
#include "stdp_triplet.c"

#include "check_main.h"
#include "rule_harness.h"

static const double DT = 0.1; /* ms */
/* The time constants of the defaults. */
static const double TP = 16.8, TX = 101.0, TM = 33.7, TY = 125.0;

static int64_t step_of(double t_ms) { return llround(t_ms / DT) - 1; }

START_TEST(test_doc) { rh_check_doc("stdp_triplet"); }
END_TEST

/* One synapse into one neuron, amplitudes large enough to be seen in a
 * single-precision weight. */
static rh *triplet_rule(double w0, double wmax) {
  rh *h = rh_open("stdp_triplet", 1, 1, DT);
  rh_set(h, "Aplus", 0.5);
  rh_set(h, "Aminus", 0.7);
  rh_set(h, "Aplus_triplet", 0.9);
  rh_set(h, "Aminus_triplet", 0.3);
  rh_set(h, "Wmax", wmax);
  h->w[0] = (ap_weight)w0;
  rh_prepare_ok(h, 0.0);
  return h;
}

/* A single pair, no earlier spikes: only the pair terms act, whatever the
 * triplet amplitudes (r2(t-) and o2(t-) are 0 at the first spikes). */
START_TEST(test_pair) {
  const double w0 = 10.0;
  for (int d = -60; d <= 60; d += 3) {
    rh *h = triplet_rule(w0, 100.0);
    int64_t sp = step_of(100.0), sq = step_of(100.0 + d);
    double want;
    if (d >= 0) {
      rh_pre(h, sp, 0, 1);
      rh_post(h, sq, 0);
      /* spikes of one step do not pair, as in NEST */
      want = d == 0 ? w0 : w0 + 0.5 * exp(-d / TP);
    } else {
      rh_post(h, sq, 0);
      rh_pre(h, sp, 0, 1);
      want = w0 - 0.7 * exp(d / TM);
    }
    RH_WEIGHT_EQ(h->w[0], want, "pair at dt %d ms", d);
    rh_close(h);
  }
}
END_TEST

/* post (t1) - pre (t2) - post (t3): the second post spike adds the triplet
 * term r1(t3) Aplus_triplet o2(t3-), o2 carrying the first post spike;
 * pre (t1) - post (t2) - pre (t3): the second pre spike's depression has
 * the triplet term o1(t3) Aminus_triplet r2(t3-).  Traces to 1e-12. */
START_TEST(test_triplets) {
  const double w0 = 10.0, t1 = 50.0, t2 = 60.0, t3 = 75.0;
  rh *h = triplet_rule(w0, 100.0);
  rh_post(h, step_of(t1), 0);
  RH_WEIGHT_EQ(h->w[0], w0, "post alone");
  rh_pre(h, step_of(t2), 0, 1);
  double w = w0 - exp(-(t2 - t1) / TM) * 0.7; /* r2(t2-) = 0 */
  RH_WEIGHT_EQ(h->w[0], w, "post-pre");
  w = h->w[0];
  rh_post(h, step_of(t3), 0);
  double r1 = exp(-(t3 - t2) / TP), o2 = exp(-(t3 - t1) / TY);
  double pair_term = r1 * 0.5, triplet_term = r1 * 0.9 * o2;
  RH_WEIGHT_EQ(h->w[0], w + pair_term + triplet_term, "post-pre-post");
  ck_assert(rh_close_rel(rh_pv(h, "Kminus")[0],
                         exp(-(t3 - t1) / TM) + 1.0, 1e-12));
  ck_assert(rh_close_rel(rh_pv(h, "Kminus_triplet")[0], o2 + 1.0, 1e-12));
  ck_assert(rh_close_rel(rh_pv(h, "t_last_post")[0], t3, 1e-12));
  rh_close(h);

  h = triplet_rule(w0, 100.0);
  rh_pre(h, step_of(t1), 0, 1);
  rh_post(h, step_of(t2), 0);
  w = w0 + exp(-(t2 - t1) / TP) * 0.5; /* o2(t2-) = 0 */
  RH_WEIGHT_EQ(h->w[0], w, "pre-post");
  w = h->w[0];
  rh_pre(h, step_of(t3), 0, 1);
  double o1 = exp(-(t3 - t2) / TM), r2 = exp(-(t3 - t1) / TX);
  RH_WEIGHT_EQ(h->w[0], w - o1 * (0.7 + 0.3 * r2), "pre-post-pre");
  ck_assert(rh_close_rel(rh_sv(h, "Kplus")[0], exp(-(t3 - t1) / TP) + 1.0,
                         1e-12));
  ck_assert(rh_close_rel(rh_sv(h, "Kplus_triplet")[0], r2 + 1.0, 1e-12));
  ck_assert(rh_close_rel(rh_sv(h, "t_last")[0], t3, 1e-12));
  rh_close(h);
}
END_TEST

/* A burst of post spikes after one pre spike: each post spike's triplet
 * term counts the post spikes before it (all-to-all), computed by hand. */
START_TEST(test_burst) {
  const double w0 = 20.0;
  rh *h = triplet_rule(w0, 100.0);
  rh_pre(h, step_of(10.0), 0, 1);
  const double post_t[4] = {15.0, 20.0, 25.0, 30.0};
  double w = w0;
  for (int k = 0; k < 4; k++) {
    rh_post(h, step_of(post_t[k]), 0);
    double o2 = 0.0;
    for (int j = 0; j < k; j++) o2 += exp(-(post_t[k] - post_t[j]) / TY);
    w += exp(-(post_t[k] - 10.0) / TP) * (0.5 + 0.9 * o2);
    RH_WEIGHT_EQ(h->w[0], w, "post spike %d of the burst", k);
    w = h->w[0];
  }
  rh_close(h);
}
END_TEST

/* |w| stays in [0, |Wmax|], reaching both bounds exactly, and an
 * inhibitory projection mirrors an excitatory one exactly. */
START_TEST(test_bounds_and_mirror) {
  rh *h[2];
  for (int k = 0; k < 2; k++) {
    double sign = k ? -1.0 : 1.0;
    h[k] = triplet_rule(sign * 50.0, sign * 60.0);
  }
  for (int64_t c = 0; c < 60; c++)
    for (int k = 0; k < 2; k++) {
      rh_pre(h[k], 200 * c, 0, 1);
      rh_post(h[k], 200 * c + 20, 0);
      rh_post(h[k], 200 * c + 40, 0);
    }
  ck_assert_double_eq(h[0]->w[0], 60.0);
  ck_assert_double_eq(h[1]->w[0], -60.0);
  for (int64_t c = 60; c < 200; c++)
    for (int k = 0; k < 2; k++) {
      rh_post(h[k], 200 * c, 0);
      rh_pre(h[k], 200 * c + 20, 0, 1);
      rh_pre(h[k], 200 * c + 40, 0, 1);
      RH_CHECK(h[k]->w[0] * (k ? -1.0f : 1.0f) >= 0.0f &&
                   h[k]->w[0] * (k ? -1.0f : 1.0f) <= 60.0f,
               "weight %g outside the bounds", (double)h[k]->w[0]);
      RH_CHECK(h[1]->w[0] == -h[0]->w[0] || k == 0,
               "inhibitory %.9g, excitatory %.9g", (double)h[1]->w[0],
               (double)h[0]->w[0]);
    }
  ck_assert_double_eq(h[0]->w[0], 0.0);
  ck_assert_double_eq(h[1]->w[0], 0.0);
  rh_close(h[0]);
  rh_close(h[1]);
}
END_TEST

/* Several synapses per neuron, rows in segments: on_post updates every
 * synapse into the spiking neuron and the neuron's traces once. */
START_TEST(test_projection) {
  enum { PRE = 3, POST = 2, NS = PRE * POST };
  rh *h = rh_open("stdp_triplet", NS, POST, DT);
  rh_set(h, "Aplus", 0.5);
  rh_set(h, "Aplus_triplet", 0.9);
  for (size_t s = 0; s < NS; s++) h->w[s] = 10.0f;
  rh_prepare_ok(h, 0.0);
  for (int pre = 0; pre < PRE; pre++) {
    rh_pre(h, step_of(10.0 + pre), (size_t)pre * POST, 1);
    rh_pre(h, step_of(10.0 + pre), (size_t)pre * POST + 1, POST - 1);
  }
  rh_post(h, step_of(20.0), 1);
  rh_post(h, step_of(30.0), 1);
  for (size_t s = 0; s < NS; s++) {
    double tp = 10.0 + (double)(s / POST);
    double want = 10.0;
    if (s % POST == 1) {
      want += exp(-(20.0 - tp) / TP) * 0.5;
      want = (ap_weight)want;
      want += exp(-(30.0 - tp) / TP) * (0.5 + 0.9 * exp(-10.0 / TY));
    }
    RH_WEIGHT_EQ(h->w[s], want, "synapse %zu", s);
  }
  ck_assert(rh_pv(h, "Kminus")[0] == 0.0);
  ck_assert(rh_close_rel(rh_pv(h, "Kminus_triplet")[1], exp(-10.0 / TY) + 1.0,
                         1e-12));
  rh_close(h);
}
END_TEST

/* Hooks run by 3 threads (rows in segments, post spikes split by neuron)
 * leave exactly the state one thread leaves. */
START_TEST(test_threads) {
  enum { PRE = 6, POST = 5 };
  rh *h[2];
  for (int k = 0; k < 2; k++) {
    h[k] = rh_open("stdp_triplet", PRE * POST, POST, DT);
    rh_set(h[k], "Aplus", 0.01);
    for (size_t s = 0; s < PRE * POST; s++) h[k]->w[s] = 50.0f;
    rh_prepare_ok(h[k], 0.0);
  }
  rh_pattern pat = rh_pattern_default();
  pat.steps = 5000;
  rh_thread_run(h[0], &pat, 1);
  rh_thread_run(h[1], &pat, 3);
  rh_assert_same(h[0], h[1]);
  int changed = 0;
  for (size_t s = 0; s < PRE * POST; s++) changed += h[0]->w[s] != 50.0f;
  ck_assert_int_gt(changed, PRE * POST / 2);
  rh_close(h[0]);
  rh_close(h[1]);
}
END_TEST

START_TEST(test_prepare_refuses) {
  rh *h = rh_open("stdp_triplet", 1, 1, DT);
  rh_set(h, "Wmax", 0.0);
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_msg(strstr(h->err, "Wmax must be a nonzero number"), "%s",
                h->err);
  rh_close(h);
  h = rh_open("stdp_triplet", 1, 1, DT);
  rh_set(h, "Wmax", -5.0);
  h->w[0] = 1.0f;
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_msg(strstr(h->err, "synapse 1 has weight 1 but Wmax is -5"), "%s",
                h->err);
  rh_close(h);
  h = rh_open("stdp_triplet", 1, 1, DT);
  rh_set(h, "tau_minus_triplet", -1.0);
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_str_eq(h->err, "tau_minus_triplet must be > 0 ms, got -1 ms");
  rh_close(h);
}
END_TEST

static Suite *make_stdp_triplet_suite(void) {
  Suite *s = suite_create("stdp_triplet");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_doc);
  tcase_add_test(tc, test_pair);
  tcase_add_test(tc, test_triplets);
  tcase_add_test(tc, test_burst);
  tcase_add_test(tc, test_bounds_and_mirror);
  tcase_add_test(tc, test_projection);
  tcase_add_test(tc, test_threads);
  tcase_add_test(tc, test_prepare_refuses);
  suite_add_tcase(s, tc);
  return s;
}

AP_CHECK_MAIN(make_stdp_triplet_suite)
