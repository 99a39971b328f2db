/* tuning.c -- LIF tuning curves, gains and biases, scattered points and
 * the ensemble's rates (see nef.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "nef/nef.h"

void ap_nef_lif_rates(const double *J, size_t n, double tau_rc,
                      double tau_ref, double amplitude, double *rates) {
  for (size_t i = 0; i < n; i++) {
    const double j = J[i] - 1.0;
    rates[i] = j > 0 ? amplitude / (tau_ref + tau_rc * log1p(1.0 / j)) : 0.0;
  }
}

void ap_nef_lif_rates_ticked(const double *J, size_t n, double tau_rc,
                             double tau_ref, double amplitude, double tick,
                             double *rates) {
  const double ref = round(tau_ref / tick);
  for (size_t i = 0; i < n; i++) {
    const double j = J[i] - 1.0;
    rates[i] = j > 0 ? amplitude /
                           (tick * (ref + ceil(tau_rc * log1p(1.0 / j) / tick)))
                     : 0.0;
  }
}

int ap_nef_gain_bias(const double *max_rates, const double *intercepts,
                     size_t n, double tau_rc, double tau_ref, double *gain,
                     double *bias, char *err, size_t err_size) {
  for (size_t i = 0; i < n; i++) {
    const double r = max_rates[i], c = intercepts[i];
    if (!(r > 0) || (tau_ref > 0 && r >= 1.0 / tau_ref)) {
      snprintf(err, err_size, "max_rates: neuron %zu has %g Hz, which a LIF "
               "neuron with tau_ref = %g ms cannot reach (it must lie in "
               "(0, %g) Hz)", i + 1, r, tau_ref * 1e3,
               tau_ref > 0 ? 1.0 / tau_ref : INFINITY);
      return AP_EINVAL;
    }
    if (!(c < 1.0)) {
      snprintf(err, err_size, "intercepts: neuron %zu has %g; intercepts "
               "must be below 1 (the edge of the represented range)", i + 1, c);
      return AP_EINVAL;
    }
    /* the J at which G(J) = r, then the line through (c, 1) and (1, x) */
    const double x = 1.0 / (1.0 - exp((tau_ref - 1.0 / r) / tau_rc));
    gain[i] = (1.0 - x) / (c - 1.0);
    bias[i] = 1.0 - gain[i] * c;
  }
  return AP_OK;
}

size_t ap_nef_n_eval_points(size_t n, size_t D) {
  size_t k = 500 * D;
  if (k < 750) k = 750;
  if (k > 2500) k = 2500;
  return k > 2 * n ? k : 2 * n;
}

/* The normal distribution's inverse CDF: Acklam's rational approximation
 * (relative error 1.2e-9), refined by one Halley step with erfc. */
static double norm_inv(double p) {
  static const double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02,
                              -2.759285104469687e+02, 1.383577518672690e+02,
                              -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02,
                              -1.556989798598866e+02, 6.680131188771972e+01,
                              -1.328068155288572e+01};
  static const double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01,
                              -2.400758277161838e+00, -2.549732539343734e+00,
                              4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[4] = {7.784695709041462e-03, 3.224671290700398e-01,
                              2.445134137142996e+00, 3.754408661907416e+00};
  double x;
  if (p < 0.02425) {
    const double q = sqrt(-2 * log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    const double q = sqrt(-2 * log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) *
        q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const double e = 0.5 * erfc(-x / sqrt(2.0)) - p;
  const double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

/* alpha_k = g^-k (k = 1..d), g the positive root of g^(d+1) = g + 1. */
static void rd_alpha(size_t d, double *alpha) {
  double g = 1.5;
  for (int it = 0; it < 60; it++)
    g -= (pow(g, (double)d + 1) - g - 1) / (((double)d + 1) * pow(g, (double)d) - 1);
  double p = 1.0;
  for (size_t k = 0; k < d; k++) {
    p /= g;
    alpha[k] = p;
  }
}

/* A random rotation of R^D: Gram-Schmidt on normal draws (rows of R). */
static void random_rotation(size_t D, uint64_t seed, uint32_t stream,
                            uint64_t sub, double *R) {
  ap_rng r;
  ap_rng_init(&r, seed, stream, UINT64_C(0xffffffffffff), sub);
  for (;;) {
    for (size_t k = 0; k < D * D; k++) R[k] = ap_rng_normal(&r);
    int ok = 1;
    for (size_t i = 0; i < D && ok; i++) {
      double *ri = R + i * D;
      for (size_t j = 0; j < i; j++) {
        const double *rj = R + j * D;
        double dot = 0;
        for (size_t k = 0; k < D; k++) dot += ri[k] * rj[k];
        for (size_t k = 0; k < D; k++) ri[k] -= dot * rj[k];
      }
      double norm = 0;
      for (size_t k = 0; k < D; k++) norm += ri[k] * ri[k];
      norm = sqrt(norm);
      if (norm < 1e-6) ok = 0; /* degenerate draw: draw again */
      else
        for (size_t k = 0; k < D; k++) ri[k] /= norm;
    }
    if (ok) return;
  }
}

void ap_nef_scattered(size_t n, size_t D, int surface, uint64_t seed,
                      uint32_t stream, uint64_t sub, double *out) {
  if (!n || !D) return;
  const size_t dd = surface ? D : D + 1; /* the ball needs a radius too */
  double *alpha = malloc(dd * sizeof *alpha);
  double *R = malloc(D * D * sizeof *R);
  double *g = malloc(D * sizeof *g);
  if (!alpha || !R || !g) {
    free(alpha), free(R), free(g);
    memset(out, 0, n * D * sizeof *out);
    return;
  }
  rd_alpha(dd, alpha);
  random_rotation(D, seed, stream, sub, R);
  for (size_t i = 0; i < n; i++) {
    double norm = 0;
    for (size_t k = 0; k < D; k++) {
      double z = fmod(0.5 + (double)(i + 1) * alpha[k], 1.0);
      if (z <= 0) z = 0.5; /* not reached: alpha is irrational */
      g[k] = norm_inv(z);
      norm += g[k] * g[k];
    }
    norm = sqrt(norm);
    double scale = norm > 0 ? 1.0 / norm : 0.0;
    if (!surface)
      scale *= pow(fmod(0.5 + (double)(i + 1) * alpha[D], 1.0), 1.0 / (double)D);
    double *o = out + i * D;
    for (size_t k = 0; k < D; k++) {
      double s = 0;
      for (size_t j = 0; j < D; j++) s += R[k * D + j] * g[j];
      o[k] = s * scale;
    }
  }
  free(alpha), free(R), free(g);
}

void ap_nef_uniform(size_t n, double lo, double hi, uint64_t seed,
                    uint32_t stream, uint64_t sub, double *out) {
  for (size_t i = 0; i < n; i++) {
    ap_rng r;
    ap_rng_init(&r, seed, stream, i, sub);
    out[i] = lo + (hi - lo) * ap_rng_uniform(&r);
  }
}

void ap_nef_activities(const double *X, size_t m, size_t D,
                       const double *encoders, const double *gain,
                       const double *bias, size_t n, double radius,
                       double tau_rc, double tau_ref, double amplitude,
                       double tick, double *A) {
  for (size_t p = 0; p < m; p++) {
    double *row = A + p * n;
    for (size_t i = 0; i < n; i++) {
      double dot = 0;
      for (size_t k = 0; k < D; k++) dot += encoders[i * D + k] * X[p * D + k];
      row[i] = gain[i] * dot / radius + bias[i];
    }
    if (tick > 0)
      ap_nef_lif_rates_ticked(row, n, tau_rc, tau_ref, amplitude, tick, row);
    else
      ap_nef_lif_rates(row, n, tau_rc, tau_ref, amplitude, row);
  }
}
