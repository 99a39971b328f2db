/* check_rng.c -- the counter-based generator: reproducible, keyed by
 * identity (independent of draw order), and with the right moments. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "base/rng.h"

START_TEST(same_key_same_numbers) {
  ap_rng a, b;
  ap_rng_init(&a, 42, 7, 1000, 3);
  ap_rng_init(&b, 42, 7, 1000, 3);
  for (int i = 0; i < 1000; i++) ck_assert_uint_eq(ap_rng_u32(&a), ap_rng_u32(&b));
}
END_TEST

START_TEST(keys_differ) {
  /* Changing any part of the key gives another stream. */
  const uint64_t keys[][4] = {{42, 7, 1000, 3}, {43, 7, 1000, 3},
                              {42, 8, 1000, 3}, {42, 7, 1001, 3},
                              {42, 7, 1000, 4}, {42, 7, 1000ull << 33, 3},
                              {42ull << 32, 7, 1000, 3}};
  uint32_t first[7];
  for (int k = 0; k < 7; k++) {
    ap_rng r;
    ap_rng_init(&r, keys[k][0], (uint32_t)keys[k][1], keys[k][2], keys[k][3]);
    first[k] = ap_rng_u32(&r);
  }
  for (int i = 0; i < 7; i++)
    for (int j = i + 1; j < 7; j++) ck_assert_uint_ne(first[i], first[j]);
}
END_TEST

START_TEST(order_independent) {
  /* Drawing stream B before or after stream A leaves both unchanged. */
  ap_rng a, b;
  uint32_t a1[16], b1[16], a2[16], b2[16];
  ap_rng_init(&a, 1, 2, 3, 4);
  for (int i = 0; i < 16; i++) a1[i] = ap_rng_u32(&a);
  ap_rng_init(&b, 1, 2, 5, 4);
  for (int i = 0; i < 16; i++) b1[i] = ap_rng_u32(&b);
  ap_rng_init(&b, 1, 2, 5, 4);
  for (int i = 0; i < 16; i++) b2[i] = ap_rng_u32(&b);
  ap_rng_init(&a, 1, 2, 3, 4);
  for (int i = 0; i < 16; i++) a2[i] = ap_rng_u32(&a);
  for (int i = 0; i < 16; i++) {
    ck_assert_uint_eq(a1[i], a2[i]);
    ck_assert_uint_eq(b1[i], b2[i]);
  }
}
END_TEST

/* Moments over n draws, tolerances at 5 standard errors. */
START_TEST(uniform_moments) {
  ap_rng r;
  ap_rng_init(&r, 9, 1, 0, 0);
  const int n = 200000;
  double s = 0, s2 = 0, lo = 1, hi = 0;
  for (int i = 0; i < n; i++) {
    double u = ap_rng_uniform(&r);
    ck_assert(u >= 0.0 && u < 1.0);
    s += u;
    s2 += u * u;
    if (u < lo) lo = u;
    if (u > hi) hi = u;
  }
  double m = s / n, v = s2 / n - m * m;
  ck_assert_double_eq_tol(m, 0.5, 5 * sqrt(1.0 / 12 / n));
  ck_assert_double_eq_tol(v, 1.0 / 12, 0.002);
  ck_assert(lo < 1e-4 && hi > 1 - 1e-4);
}
END_TEST

START_TEST(normal_moments) {
  ap_rng r;
  ap_rng_init(&r, 9, 2, 0, 0);
  const int n = 200000;
  double s = 0, s2 = 0, s4 = 0;
  for (int i = 0; i < n; i++) {
    double x = ap_rng_normal(&r);
    s += x;
    s2 += x * x;
    s4 += x * x * x * x;
  }
  ck_assert_double_eq_tol(s / n, 0.0, 5 / sqrt(n));
  ck_assert_double_eq_tol(s2 / n, 1.0, 5 * sqrt(2.0 / n));
  ck_assert_double_eq_tol(s4 / n, 3.0, 5 * sqrt(96.0 / n));
}
END_TEST

/* The normal's distribution function at points across the ziggurat's
 * layers and its tail: the fraction below x within 5 binomial standard
 * errors of Phi(x). */
START_TEST(normal_cdf) {
  const double xs[] = {-3.6, -3.0, -2.0, -1.0, -0.3, 0.0, 0.5, 1.5, 2.5, 3.44};
  enum { NX = sizeof xs / sizeof xs[0], N = 400000 };
  int below[NX] = {0};
  ap_rng r;
  ap_rng_init(&r, 17, 3, 0, 0);
  for (int i = 0; i < N; i++) {
    double x = ap_rng_normal(&r);
    for (int k = 0; k < NX; k++) below[k] += x < xs[k];
  }
  for (int k = 0; k < NX; k++) {
    double p = 0.5 * erfc(-xs[k] / sqrt(2.0));
    double se = sqrt(p * (1 - p) / N);
    ck_assert_msg(fabs((double)below[k] / N - p) <= 5 * se + 1e-12,
                  "P(x < %g) = %g, want %g", xs[k], (double)below[k] / N, p);
  }
}
END_TEST

START_TEST(poisson_moments) {
  const double means[] = {0.05, 1.5, 9.9, 10.0, 37.0, 1000.0};
  for (int k = 0; k < 6; k++) {
    ap_rng r;
    ap_rng_init(&r, 3, 4, (uint64_t)k, 0);
    const int n = 100000;
    double s = 0, s2 = 0, mu = means[k];
    for (int i = 0; i < n; i++) {
      double x = (double)ap_rng_poisson(&r, mu);
      s += x;
      s2 += x * x;
    }
    double m = s / n, v = s2 / n - m * m;
    ck_assert_double_eq_tol(m, mu, 5 * sqrt(mu / n));
    /* variance of the sample variance ~ (mu + 2 mu^2) / n */
    ck_assert_double_eq_tol(v, mu, 5 * sqrt((mu + 2 * mu * mu) / n));
  }
}
END_TEST

START_TEST(below_is_uniform) {
  ap_rng r;
  ap_rng_init(&r, 5, 5, 5, 5);
  int count[7] = {0};
  const int n = 70000;
  for (int i = 0; i < n; i++) {
    uint64_t x = ap_rng_below(&r, 7);
    ck_assert_uint_lt(x, 7);
    count[x]++;
  }
  for (int i = 0; i < 7; i++)
    ck_assert_int_lt(abs(count[i] - n / 7), 5 * (int)sqrt(n / 7.0));
  ck_assert_uint_eq(ap_rng_below(&r, 1), 0);
  ck_assert_uint_lt(ap_rng_below(&r, 1ull << 40), 1ull << 40);
}
END_TEST

static Suite *make_rng_suite(void) {
  Suite *s = suite_create("rng");
  TCase *tc = tcase_create("streams");
  tcase_add_test(tc, same_key_same_numbers);
  tcase_add_test(tc, keys_differ);
  tcase_add_test(tc, order_independent);
  suite_add_tcase(s, tc);
  tc = tcase_create("distributions");
  tcase_add_test(tc, uniform_moments);
  tcase_add_test(tc, normal_moments);
  tcase_add_test(tc, normal_cdf);
  tcase_add_test(tc, poisson_moments);
  tcase_add_test(tc, below_is_uniform);
  suite_add_tcase(s, tc);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_rng_suite)
