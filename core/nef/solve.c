/* solve.c -- decoders by regularised least squares (Nengo's LstsqL2 with
 * its Cholesky solver), through BLAS and LAPACK (see nef.h). */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apical/plugin.h"
#include "nef/nef.h"

int ap_nef_lstsq_l2(const double *A, size_t m, size_t n, const double *Y,
                    size_t d, double reg, double *X, double *rmse, char *err,
                    size_t err_size) {
  if (!m || !n || !d) {
    snprintf(err, err_size, "no evaluation points, neurons or dimensions to "
             "solve for");
    return AP_EINVAL;
  }
  if (!(reg >= 0)) {
    snprintf(err, err_size, "reg must be 0 or more, not %g", reg);
    return AP_EINVAL;
  }
  double amax = 0;
  for (size_t k = 0; k < m * n; k++)
    if (A[k] > amax) amax = A[k];
  const double sigma = reg * amax, lambda = (double)m * sigma * sigma;
  const int wide = m < n; /* solve in the smaller space */
  const size_t k = wide ? m : n;
  double *G = malloc(k * k * sizeof *G);
  double *B = malloc(k * d * sizeof *B);
  if (!G || !B) {
    free(G), free(B);
    snprintf(err, err_size, "out of memory for a %zu x %zu Gram matrix", k, k);
    return AP_ENOMEM;
  }
  /* One BLAS thread: the same bits whatever the machine's threads. */
  const int threads = openblas_get_num_threads();
  openblas_set_num_threads(1);
  const int M = (int)m, N = (int)n, Dd = (int)d, K = (int)k;
  if (wide) { /* G = A A^T, B = Y */
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, K, N, 1.0, A, N, 0.0,
                G, K);
    memcpy(B, Y, m * d * sizeof *B);
  } else { /* G = A^T A, B = A^T Y */
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, K, M, 1.0, A, N, 0.0, G,
                K);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, Dd, M, 1.0, A, N,
                Y, Dd, 0.0, B, Dd);
  }
  for (size_t i = 0; i < k; i++) G[i * k + i] += lambda;
  const lapack_int info =
      LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', K, Dd, G, K, B, Dd);
  int rc = AP_OK;
  if (info != 0) {
    snprintf(err, err_size, "the Gram matrix of the rates is not positive "
             "definite (LAPACK dposv: %d); raise reg above %g, or check "
             "that the neurons fire at the evaluation points", (int)info, reg);
    rc = AP_EINVAL;
  } else if (wide) { /* X = A^T B */
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, Dd, M, 1.0, A, N,
                B, Dd, 0.0, X, Dd);
  } else {
    memcpy(X, B, n * d * sizeof *X);
  }
  if (!rc && rmse) {
    double s = 0;
    for (size_t p = 0; p < m; p++)
      for (size_t c = 0; c < d; c++) {
        double y = 0;
        for (size_t i = 0; i < n; i++) y += A[p * n + i] * X[i * d + c];
        s += (y - Y[p * d + c]) * (y - Y[p * d + c]);
      }
    *rmse = sqrt(s / (double)(m * d));
  }
  openblas_set_num_threads(threads);
  free(G), free(B);
  return rc;
}
