/* check_nef.c -- the NEF's mathematics (core/nef/): gains and biases,
 * scattered points, decoders by LstsqL2, and the accuracy bar of Nengo's
 * own tests for a rate ensemble decoding the identity. */
#include <cblas.h>
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "nef/nef.h"

#define TAU_RC 0.02
#define TAU_REF 0.002

/* Nengo's defaults for an ensemble of n neurons in D dimensions. */
typedef struct ens {
  size_t n, D;
  double *enc, *gain, *bias;
} ens;

static ens make_ens(size_t n, size_t D, uint64_t seed) {
  ens e = {n, D, malloc(n * D * sizeof(double)), malloc(n * sizeof(double)),
           malloc(n * sizeof(double))};
  double *rates = malloc(n * sizeof *rates), *icpt = malloc(n * sizeof *icpt);
  ap_nef_uniform(n, 200, 400, seed, 1, 0, rates);
  ap_nef_uniform(n, -1, 0.9, seed, 1, 1, icpt);
  ap_nef_scattered(n, D, 1, seed, 1, 2, e.enc);
  char err[256];
  ck_assert_int_eq(ap_nef_gain_bias(rates, icpt, n, TAU_RC, TAU_REF, e.gain,
                                    e.bias, err, sizeof err), AP_OK);
  free(rates), free(icpt);
  return e;
}

static void free_ens(ens *e) { free(e->enc), free(e->gain), free(e->bias); }

/* Each neuron fires at its maximum rate at x = e_i and starts firing at
 * its intercept. */
START_TEST(gain_bias_hit_rate_and_intercept) {
  const double rates[4] = {200, 250, 333, 400}, icpt[4] = {-0.9, -0.2, 0, 0.8};
  double g[4], b[4], J[4], r[4];
  char err[256];
  ck_assert_int_eq(ap_nef_gain_bias(rates, icpt, 4, TAU_RC, TAU_REF, g, b, err,
                                    sizeof err), AP_OK);
  for (int i = 0; i < 4; i++) J[i] = g[i] + b[i];
  ap_nef_lif_rates(J, 4, TAU_RC, TAU_REF, 1.0, r);
  for (int i = 0; i < 4; i++) {
    ck_assert_double_eq_tol(r[i], rates[i], 1e-9 * rates[i]);
    ck_assert_double_eq_tol(g[i] * icpt[i] + b[i], 1.0, 1e-12);
  }
}
END_TEST

START_TEST(gain_bias_refuses) {
  double g[1], b[1];
  char err[256] = "";
  const double fast[1] = {600}, ok[1] = {300}, zero[1] = {0}, one[1] = {1.0};
  ck_assert_int_eq(ap_nef_gain_bias(fast, zero, 1, TAU_RC, TAU_REF, g, b, err,
                                    sizeof err), AP_EINVAL);
  ck_assert_msg(strstr(err, "max_rates") && strstr(err, "600"), "%s", err);
  ck_assert_int_eq(ap_nef_gain_bias(ok, one, 1, TAU_RC, TAU_REF, g, b, err,
                                    sizeof err), AP_EINVAL);
  ck_assert_msg(strstr(err, "intercepts"), "%s", err);
}
END_TEST

/* Surface points have length 1, ball points at most 1, and both spread
 * over the space (means near 0, second moments near 1/D or 1/(D+2)). */
START_TEST(scattered_points) {
  for (size_t D = 1; D <= 5; D++) {
    const size_t n = 2000;
    double *p = malloc(n * D * sizeof *p);
    for (int surface = 0; surface <= 1; surface++) {
      ap_nef_scattered(n, D, surface, 5, 9, 0, p);
      double mean[5] = {0}, sq = 0;
      for (size_t i = 0; i < n; i++) {
        double r2 = 0;
        for (size_t k = 0; k < D; k++) {
          r2 += p[i * D + k] * p[i * D + k];
          mean[k] += p[i * D + k] / (double)n;
        }
        if (surface) ck_assert_double_eq_tol(r2, 1.0, 1e-12);
        else ck_assert(r2 <= 1.0 + 1e-12);
        sq += p[i * D] * p[i * D] / (double)n;
      }
      for (size_t k = 0; k < D; k++)
        ck_assert_msg(fabs(mean[k]) < 0.03, "D=%zu surface=%d mean %g", D,
                      surface, mean[k]);
      /* E[x_1^2]: 1/D on the sphere, 1/(D+2) in the ball */
      const double want = surface ? 1.0 / (double)D : 1.0 / ((double)D + 2);
      ck_assert_msg(fabs(sq - want) < 0.03, "D=%zu surface=%d E[x^2] %g, want %g",
                    D, surface, sq, want);
    }
    free(p);
  }
}
END_TEST

/* reg = 0 on a consistent overdetermined system gives the exact solution,
 * in both branches (more points than neurons, and fewer). */
START_TEST(lstsq_exact) {
  enum { M = 7, N = 3, D = 2 };
  double A[M * N], X[N * D], Y[M * D], got[N * D];
  for (int i = 0; i < M * N; i++) A[i] = sin(1.0 + i) + (i % N == i / N % N);
  for (int i = 0; i < N * D; i++) X[i] = cos(2.0 * i);
  for (int p = 0; p < M; p++)
    for (int c = 0; c < D; c++) {
      Y[p * D + c] = 0;
      for (int i = 0; i < N; i++) Y[p * D + c] += A[p * N + i] * X[i * D + c];
    }
  char err[256];
  double rmse = -1;
  ck_assert_int_eq(ap_nef_lstsq_l2(A, M, N, Y, D, 0.0, got, &rmse, err,
                                   sizeof err), AP_OK);
  for (int i = 0; i < N * D; i++) ck_assert_double_eq_tol(got[i], X[i], 1e-9);
  ck_assert(rmse >= 0 && rmse < 1e-9);
  /* fewer points than neurons: the minimum-norm fit reproduces Y */
  double At[N * M], Yt[N * D], Xt[M * D];
  for (int p = 0; p < N; p++)
    for (int i = 0; i < M; i++) At[p * M + i] = A[(i * N + p) % (M * N)] + (p == i);
  for (int i = 0; i < N * D; i++) Yt[i] = sin(3.0 * i);
  ck_assert_int_eq(ap_nef_lstsq_l2(At, N, M, Yt, D, 0.0, Xt, &rmse, err,
                                   sizeof err), AP_OK);
  ck_assert_msg(rmse < 1e-9, "rmse %g", rmse);
}
END_TEST

/* Nengo's bar (test_solvers): 100 LIF rate neurons in 1-D with the
 * default tuning decode the identity with a relative RMS error below
 * 0.02 on 1,000 test points. */
START_TEST(rate_ensemble_decodes_identity) {
  const size_t n = 100, D = 1, m = ap_nef_n_eval_points(n, D), t = 1000;
  ck_assert_uint_eq(m, 750);
  ens e = make_ens(n, D, 11);
  double *X = malloc(m * sizeof *X), *A = malloc(m * n * sizeof *A);
  double *dec = malloc(n * sizeof *dec);
  ap_nef_scattered(m, D, 0, 11, 2, 0, X);
  ap_nef_activities(X, m, D, e.enc, e.gain, e.bias, n, 1.0, TAU_RC, TAU_REF,
                    1.0, 0.0, A);
  char err[256];
  ck_assert_int_eq(ap_nef_lstsq_l2(A, m, n, X, D, 0.1, dec, NULL, err,
                                   sizeof err), AP_OK);
  double *T = malloc(t * sizeof *T), *At = malloc(t * n * sizeof *At);
  for (size_t p = 0; p < t; p++) T[p] = -1.0 + 2.0 * (double)p / (double)(t - 1);
  ap_nef_activities(T, t, D, e.enc, e.gain, e.bias, n, 1.0, TAU_RC, TAU_REF,
                    1.0, 0.0, At);
  double se = 0, ss = 0;
  for (size_t p = 0; p < t; p++) {
    double y = 0;
    for (size_t i = 0; i < n; i++) y += At[p * n + i] * dec[i];
    se += (y - T[p]) * (y - T[p]);
    ss += T[p] * T[p];
  }
  const double rel = sqrt(se / ss);
  fprintf(stderr, "rate ensemble, 100 neurons, identity: relative RMSE %.5f\n",
          rel);
  ck_assert_msg(rel < 0.02, "relative RMSE %g (Nengo's bar: 0.02)", rel);
  ck_assert_msg(rel > 1e-4, "relative RMSE %g: too good to be a fit", rel);
  free(X), free(A), free(dec), free(T), free(At);
  free_ens(&e);
}
END_TEST

/* The decoders are the same bits whatever OpenBLAS's thread count was. */
START_TEST(decoders_same_bits_for_any_blas_threads) {
  const size_t n = 300, D = 3, m = ap_nef_n_eval_points(n, D);
  ens e = make_ens(n, D, 4);
  double *X = malloc(m * D * sizeof *X), *A = malloc(m * n * sizeof *A);
  double *d1 = malloc(n * D * sizeof *d1), *d2 = malloc(n * D * sizeof *d2);
  ap_nef_scattered(m, D, 0, 4, 2, 0, X);
  ap_nef_activities(X, m, D, e.enc, e.gain, e.bias, n, 1.0, TAU_RC, TAU_REF,
                    1.0, 0.0, A);
  char err[256];
  openblas_set_num_threads(1);
  ck_assert_int_eq(ap_nef_lstsq_l2(A, m, n, X, D, 0.1, d1, NULL, err,
                                   sizeof err), AP_OK);
  openblas_set_num_threads(4);
  ck_assert_int_eq(ap_nef_lstsq_l2(A, m, n, X, D, 0.1, d2, NULL, err,
                                   sizeof err), AP_OK);
  ck_assert_int_eq(openblas_get_num_threads(), 4); /* put back */
  ck_assert(memcmp(d1, d2, n * D * sizeof *d1) == 0);
  free(X), free(A), free(d1), free(d2);
  free_ens(&e);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("nef");
  TCase *tc = tcase_create("math");
  tcase_add_test(tc, gain_bias_hit_rate_and_intercept);
  tcase_add_test(tc, gain_bias_refuses);
  tcase_add_test(tc, scattered_points);
  tcase_add_test(tc, lstsq_exact);
  tcase_add_test(tc, rate_ensemble_decodes_identity);
  tcase_add_test(tc, decoders_same_bits_for_any_blas_threads);
  suite_add_tcase(s, tc);
  return s;
}

AP_CHECK_MAIN(suite)
