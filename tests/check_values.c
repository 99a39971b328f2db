/* check_values.c -- scalars, arrays and distributions: draws keyed by
 * element (so any split of a range gives the same values), clipping, and
 * the messages for bad values. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "net/values.h"

static ap_value dist(int kind, double a, double b) {
  ap_value v;
  memset(&v, 0, sizeof v);
  v.kind = kind;
  v.a = a;
  v.b = b;
  return v;
}

START_TEST(fill_is_split_invariant) {
  ap_value v = dist(AP_VAL_NORMAL, -65, 5);
  double whole[100], parts[100];
  ap_value_fill(&v, whole, 100, 11, 3, 0, 99);
  ap_value_fill(&v, parts, 37, 11, 3, 0, 99);
  ap_value_fill(&v, parts + 37, 63, 11, 3, 37, 99);
  for (int i = 0; i < 100; i++) ck_assert_double_eq(whole[i], parts[i]);
  /* another sub-key (parameter name) gives other values */
  double other[100];
  ap_value_fill(&v, other, 100, 11, 3, 0, 98);
  ck_assert_double_ne(whole[0], other[0]);
}
END_TEST

START_TEST(moments_and_bounds) {
  enum { N = 50000 };
  static double x[N];
  ap_value u = dist(AP_VAL_UNIFORM, -60, -50);
  ap_value_fill(&u, x, N, 1, 1, 0, 0);
  double s = 0;
  for (int i = 0; i < N; i++) {
    ck_assert(x[i] >= -60 && x[i] < -50);
    s += x[i];
  }
  ck_assert_double_eq_tol(s / N, -55, 5 * 10 / sqrt(12.0 * N));
  /* lognormal(mu, sigma): mean exp(mu + sigma^2/2), log-mean mu */
  ap_value l = dist(AP_VAL_LOGNORMAL, log(10), 0.5);
  ap_value_fill(&l, x, N, 1, 2, 0, 0);
  double sl = 0;
  for (int i = 0; i < N; i++) sl += log(x[i]);
  ck_assert_double_eq_tol(sl / N, log(10), 5 * 0.5 / sqrt(N));
  ck_assert_double_eq_tol(ap_value_center(&l), 10 * exp(0.125), 1e-12);
  /* clip clamps */
  ap_value c = dist(AP_VAL_NORMAL, 0, 10);
  c.clipped = 1;
  c.lo = -1;
  c.hi = 2;
  ap_value_fill(&c, x, N, 1, 3, 0, 0);
  int at_lo = 0, at_hi = 0;
  for (int i = 0; i < N; i++) {
    ck_assert(x[i] >= -1 && x[i] <= 2);
    at_lo += x[i] == -1;
    at_hi += x[i] == 2;
  }
  ck_assert(at_lo > N / 3 && at_hi > N / 3);
}
END_TEST

START_TEST(arrays_and_scalars) {
  double a[3] = {1, 2, 3}, out[3];
  ap_value v = dist(AP_VAL_ARRAY, 0, 0);
  v.array = a;
  v.n = 3;
  ap_value_fill(&v, out, 3, 1, 1, 0, 0);
  ck_assert_double_eq(out[2], 3);
  ck_assert_double_eq(ap_value_center(&v), 2);
  ap_value s = ap_value_scalar(-4.5);
  ap_value_fill(&s, out, 3, 1, 1, 0, 0);
  ck_assert_double_eq(out[0], -4.5);
  ck_assert_double_eq(out[2], -4.5);
}
END_TEST

START_TEST(bad_values) {
  char err[256];
  double a[2] = {1, NAN};
  ap_value v = dist(AP_VAL_ARRAY, 0, 0);
  v.array = a;
  v.n = 2;
  ck_assert_int_eq(ap_value_check(&v, 3, "parameter 'x'", err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err, "parameter 'x': a table of 2 values was given for 3 elements");
  ck_assert_int_eq(ap_value_check(&v, 2, "parameter 'x'", err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err, "parameter 'x': entry 2 is not a finite number");
  ap_value n = dist(AP_VAL_NORMAL, 0, -1);
  ck_assert_int_eq(ap_value_check(&n, 0, "w", err, sizeof err), AP_EINVAL);
  ck_assert_str_eq(err, "w: normal(0, -1) needs a finite mean and sd >= 0");
  ap_value u = dist(AP_VAL_UNIFORM, 2, 1);
  ck_assert_int_eq(ap_value_check(&u, 0, "w", err, sizeof err), AP_EINVAL);
  ck_assert_str_eq(err, "w: uniform(2, 1) needs low <= high");
  ap_value ok = dist(AP_VAL_UNIFORM, 1, 2);
  ck_assert_int_eq(ap_value_check(&ok, 0, "w", err, sizeof err), AP_OK);
}
END_TEST

static Suite *make_values_suite(void) {
  Suite *s = suite_create("values");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, fill_is_split_invariant);
  tcase_add_test(tc, moments_and_bounds);
  tcase_add_test(tc, arrays_and_scalars);
  tcase_add_test(tc, bad_values);
  suite_add_tcase(s, tc);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_values_suite)
