/* lif_noise_checks.h -- checks of the noise current (sigma, tau_noise,
 * I_noise; see plugins/neurons/noise_current.h) that every LIF model must
 * pass.  A test includes its plugin's source, neuron_harness.h, then this
 * header, and calls the nc_* functions with the model's name and what is
 * model-specific (its propagators, the unit of its input ports).
 *
 * The statistical checks are deterministic (fixed seed), but their
 * tolerances are chosen as if they were not: each check computes the
 * standard error of its estimate and asserts that the tolerance is at
 * least 5 of them, so a correct model passes for any seed with
 * probability better than 1 - 1e-6, and an error of the size of the
 * tolerance cannot hide behind luck. */
#ifndef AP_LIF_NOISE_CHECKS_H
#define AP_LIF_NOISE_CHECKS_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neuron_harness.h"

/* Inputs that make a test population spike and integrate: a fixed
 * pseudo-random sequence (so that two runs get the same inputs). */
typedef struct nc_inputs {
  double ex_max; /* weights on ex drawn from [0, ex_max) */
  double in_max; /* weights on in: [0, in_max) times in_sign */
  double in_sign;
} nc_inputs;

static inline double nc_lcg_(uint64_t *s) {
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return (double)(*s >> 11) * (1.0 / 9007199254740992.0);
}

/* Feed neuron i (population index) of h with this step's inputs, a
 * function of (step, i + offset) only, so that a sub-population that
 * starts at `offset` gets the same inputs as the whole. */
static inline void nc_feed_(nh *h, const nc_inputs *in, size_t offset) {
  ap_real *ex = nh_in(h, "ex"), *ih = nh_in(h, "in");
  for (size_t i = 0; i < h->n; i++) {
    uint64_t s = (uint64_t)h->step * 1000003u + (uint64_t)(i + offset) * 7919u;
    double u = nc_lcg_(&s), v = nc_lcg_(&s), w = nc_lcg_(&s);
    if (u < 0.2) ex[i] = in->ex_max * v;
    if (u > 0.9) ih[i] = in->in_sign * in->in_max * w;
  }
}

/* (2a) White noise on a passive membrane: the stationary variance of V_m
 * about E is that of the AR(1) process V_{k+1} - E = a (V_k - E) + c I_k
 * with I_k ~ N(0, sigma^2) independent: c^2 sigma^2 / (1 - a^2).  The
 * estimate pools N neurons over T steps after a burn-in of B steps
 * (a^(2B) < 1e-8 of the start is left).  Its standard error, for a
 * Gaussian AR(1), is var sqrt(2 (1 + a^2) / ((1 - a^2) N T)); N and T are
 * chosen so that it is below 1%, and the tolerance is 5%.  The mean is
 * checked too: E within 5 standard errors, sqrt(var (1 + a)/((1 - a) N T)).
 * `setup` sets whatever else the model needs (e.g. a threshold out of
 * reach), after sigma and before prepare(). */
static inline void nc_white_variance(const char *model, double dt, double E,
                                     double sigma, double a, double c,
                                     void (*setup)(nh *)) {
  enum { N = 1000, T = 4000 };
  ck_assert(a > 0.0 && a < 1.0 && c > 0.0);
  const long B = (long)ceil(log(1e-8) / (2.0 * log(a)));
  nh *h = nh_open(model, N, dt);
  nh_set(h, "sigma", sigma);
  nh_set(h, "tau_noise", 0.0);
  nh_set(h, "V_th", 1e12); /* out of reach: a passive membrane */
  if (setup) setup(h);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (long s = 0; s < B; s++) nh_step(h);
  double sum = 0.0, sum2 = 0.0;
  const ap_real *V = nh_var(h, "V_m"), *I = nh_var(h, "I_noise");
  double isum2 = 0.0;
  for (long s = 0; s < T; s++) {
    nh_step(h);
    for (size_t i = 0; i < N; i++) {
      double d = V[i] - E;
      sum += d;
      sum2 += d * d;
      isum2 += I[i] * I[i];
    }
  }
  const double M = (double)N * T;
  const double want = c * c * sigma * sigma / (1.0 - a * a);
  const double got = sum2 / M;
  const double rel_se = sqrt(2.0 * (1.0 + a * a) / ((1.0 - a * a) * M));
  ck_assert_msg(rel_se < 0.01, "test setup: relative standard error %g of "
                "the variance is not below 1%%", rel_se);
  ck_assert_msg(fabs(got / want - 1.0) < 0.05,
                "%s: stationary var(V_m) %.6g mV^2, AR(1) predicts %.6g "
                "(a = %.12g, c = %.12g mV/pA; standard error %.2g%%)",
                model, got, want, a, c, 100.0 * rel_se);
  const double mean_se = sqrt(want * (1.0 + a) / ((1.0 - a) * M));
  ck_assert_msg(fabs(sum / M) < 5.0 * mean_se,
                "%s: mean of V_m - E is %g mV, expected 0 +- %g", model,
                sum / M, mean_se);
  /* white noise: independent draws, so var(I) has standard error
   * sqrt(2/M) relative; sd sigma within 1% is > 10 of them */
  ck_assert_msg(fabs(sqrt(isum2 / M) / sigma - 1.0) < 0.01,
                "%s: sd of white I_noise %g pA, sigma %g pA", model,
                sqrt(isum2 / M), sigma);
  nh_close(h);
}

/* (2b) Ornstein-Uhlenbeck noise: the stationary sd of I_noise is sigma
 * and its lag-k autocorrelation rho^k, rho = exp(-dt/tau_noise).  Pooled
 * over N neurons and T steps after a burn-in; standard errors for an
 * AR(1) series (Bartlett 1946): var has relative standard error
 * sqrt(2 (1 + rho^2) / ((1 - rho^2) M)), the lag-k autocorrelation
 * sqrt(((1 + rho^2)(1 - rho^2k)/(1 - rho^2) - 2 k rho^2k) / M),
 * M = N T.  Tolerances: 5% on the sd, 0.015 on each autocorrelation,
 * asserted to be at least 5 standard errors each. */
static inline void nc_ou(const char *model, double dt, double sigma,
                         double tau_noise, void (*setup)(nh *)) {
  enum { N = 1000, T = 4000, KMAX = 50, NLAG = 4 };
  const int lags[NLAG] = {1, 5, 20, KMAX};
  const double rho = exp(-dt / tau_noise);
  const long B = (long)ceil(-log(1e-8) * tau_noise / dt / 2.0);
  nh *h = nh_open(model, N, dt);
  nh_set(h, "sigma", sigma);
  nh_set(h, "tau_noise", tau_noise);
  nh_set(h, "V_th", 1e12);
  if (setup) setup(h);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (long s = 0; s < B; s++) nh_step(h);
  /* hist[k][i]: I_noise of neuron i k steps ago (a ring by step) */
  double *hist = nh_calloc_((size_t)(KMAX + 1) * N, sizeof(double));
  double s0 = 0.0, sk[NLAG] = {0};
  long n0 = 0, nk[NLAG] = {0};
  const ap_real *I = nh_var(h, "I_noise");
  for (long s = 0; s < T; s++) {
    nh_step(h);
    double *now = hist + (size_t)(s % (KMAX + 1)) * N;
    memcpy(now, I, N * sizeof(double));
    for (size_t i = 0; i < N; i++) s0 += now[i] * now[i];
    n0 += N;
    for (int l = 0; l < NLAG; l++) {
      if (s < lags[l]) continue;
      const double *then = hist + (size_t)((s - lags[l]) % (KMAX + 1)) * N;
      for (size_t i = 0; i < N; i++) sk[l] += now[i] * then[i];
      nk[l] += N;
    }
  }
  const double M = (double)N * T;
  const double var = s0 / (double)n0;
  const double var_se = sqrt(2.0 * (1.0 + rho * rho) / ((1.0 - rho * rho) * M));
  ck_assert_msg(0.05 >= 5.0 * 0.5 * var_se, "test setup: sd standard error "
                "%g too large for a 5%% tolerance", 0.5 * var_se);
  ck_assert_msg(fabs(sqrt(var) / sigma - 1.0) < 0.05,
                "%s: stationary sd of I_noise %.6g pA, sigma %.6g pA "
                "(tau_noise %g ms, standard error %.2g%%)",
                model, sqrt(var), sigma, tau_noise, 100.0 * 0.5 * var_se);
  for (int l = 0; l < NLAG; l++) {
    const int k = lags[l];
    const double r2k = pow(rho, 2.0 * k);
    const double se = sqrt(
        ((1.0 + rho * rho) * (1.0 - r2k) / (1.0 - rho * rho) - 2.0 * k * r2k) /
        M);
    ck_assert_msg(0.015 >= 5.0 * se, "test setup: standard error %g of the "
                  "lag-%d autocorrelation too large", se, k);
    const double got = (sk[l] / (double)nk[l]) / var, want = pow(rho, k);
    ck_assert_msg(fabs(got - want) < 0.015,
                  "%s: lag-%d autocorrelation of I_noise %.5f, expected "
                  "exp(-%d dt/tau_noise) = %.5f (standard error %.2g)",
                  model, k, got, k, want, se);
  }
  free(hist);
  nh_close(h);
}

/* A population for the reproducibility checks: spiking, with inputs, and
 * noise parameters that differ by neuron (one neuron without noise).
 * Neuron i of the population is neuron i + offset of the full one. */
static inline nh *nc_open_noisy_(const char *model, size_t n, size_t offset,
                                 double I_e, double tau_noise,
                                 void (*setup)(nh *)) {
  nh *h = nh_open(model, n, 0.1);
  h->gid0 += offset;
  for (size_t i = 0; i < n; i++) {
    size_t g = i + offset;
    nh_par(h, "sigma")[i] = g == 3 ? 0.0 : 60.0 + 25.0 * (double)g;
    nh_par(h, "tau_noise")[i] = g % 2 ? tau_noise : 0.0;
    nh_par(h, "I_e")[i] = I_e;
  }
  if (setup) setup(h);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  return h;
}

/* Run `steps` steps in blocks of `sizes` (NULL: one block), logging V_m
 * and I_noise of every neuron after every step and the spike count. */
static inline void nc_trace_(nh *h, const nc_inputs *in, size_t offset,
                             long steps, const size_t *sizes, size_t nb,
                             double *V_log, double *I_log, long *spikes) {
  const ap_real *V = nh_var(h, "V_m"), *I = nh_var(h, "I_noise");
  *spikes = 0;
  for (long s = 0; s < steps; s++) {
    nc_feed_(h, in, offset);
    NH_CHECK(nh_step_blocks(h, sizes, nb) == AP_OK, "update failed");
    *spikes += (long)h->n_spiked;
    memcpy(V_log + (size_t)s * h->n, V, h->n * sizeof(double));
    memcpy(I_log + (size_t)s * h->n, I, h->n * sizeof(double));
  }
}

/* (3) The same seed gives bit-identical traces; another seed others. */
static inline void nc_seed(const char *model, double I_e, double tau_noise,
                           const nc_inputs *in, void (*setup)(nh *)) {
  enum { N = 10, STEPS = 2000 };
  double *V[3], *I[3];
  long spikes[3];
  for (int r = 0; r < 3; r++) {
    V[r] = nh_calloc_((size_t)N * STEPS, sizeof(double));
    I[r] = nh_calloc_((size_t)N * STEPS, sizeof(double));
    nh *h = nc_open_noisy_(model, N, 0, I_e, tau_noise, setup);
    if (r == 2) {
      h->seed += 1;
      ck_assert_int_eq(nh_prepare(h), AP_OK);
    }
    nc_trace_(h, in, 0, STEPS, NULL, 0, V[r], I[r], &spikes[r]);
    nh_close(h);
  }
  ck_assert_msg(spikes[0] > 20, "%s: test setup: only %ld spikes", model,
                spikes[0]);
  ck_assert_msg(memcmp(V[0], V[1], (size_t)N * STEPS * sizeof(double)) == 0,
                "%s: same seed, different V_m traces", model);
  ck_assert_msg(memcmp(I[0], I[1], (size_t)N * STEPS * sizeof(double)) == 0,
                "%s: same seed, different I_noise traces", model);
  ck_assert_int_eq(spikes[0], spikes[1]);
  /* another seed: every noisy neuron's current differs at every step
   * (equal normals would be a 2^-32 event), the quiet one's is 0 */
  for (long s = 0; s < STEPS; s++)
    for (size_t i = 0; i < N; i++) {
      size_t k = (size_t)s * N + i;
      if (i == 3)
        NH_CHECK(I[0][k] == 0.0 && I[2][k] == 0.0,
                 "%s: neuron without noise has I_noise %g", model, I[2][k]);
      else
        NH_CHECK(I[0][k] != I[2][k],
                 "%s: seeds %llu and %llu give the same I_noise at step %ld",
                 model, 12345ull, 12346ull, s);
    }
  ck_assert_msg(memcmp(V[0], V[2], (size_t)N * STEPS * sizeof(double)) != 0,
                "%s: another seed, same V_m traces", model);
  for (int r = 0; r < 3; r++) {
    free(V[r]);
    free(I[r]);
  }
}

/* (4) The draws depend on (gid, step) only: a population of 10 run as one
 * block, as blocks of 3+7 and 1+4+5, and its neurons 5..9 run on their
 * own as a population of 5 whose gid0 is 5 higher, give bit-identical
 * V_m and I_noise. */
static inline void nc_blocks(const char *model, double I_e, double tau_noise,
                             const nc_inputs *in, void (*setup)(nh *)) {
  enum { N = 10, STEPS = 2000, OFF = 5 };
  const size_t split2[] = {3, 7}, split3[] = {1, 4, 5};
  const size_t *splits[3] = {NULL, split2, split3};
  const size_t nsplit[3] = {0, 2, 3};
  double *V[4], *I[4];
  long spikes[4];
  for (int r = 0; r < 4; r++) {
    V[r] = nh_calloc_((size_t)N * STEPS, sizeof(double));
    I[r] = nh_calloc_((size_t)N * STEPS, sizeof(double));
  }
  for (int r = 0; r < 3; r++) {
    nh *h = nc_open_noisy_(model, N, 0, I_e, tau_noise, setup);
    nc_trace_(h, in, 0, STEPS, splits[r], nsplit[r], V[r], I[r], &spikes[r]);
    nh_close(h);
  }
  nh *h = nc_open_noisy_(model, N - OFF, OFF, I_e, tau_noise, setup);
  nc_trace_(h, in, OFF, STEPS, NULL, 0, V[3], I[3], &spikes[3]);
  nh_close(h);
  ck_assert_msg(spikes[0] > 20, "%s: test setup: only %ld spikes", model,
                spikes[0]);
  for (int r = 1; r < 3; r++) {
    ck_assert_msg(memcmp(V[0], V[r], (size_t)N * STEPS * sizeof(double)) == 0,
                  "%s: V_m depends on the block layout (%zu blocks)", model,
                  nsplit[r]);
    ck_assert_msg(memcmp(I[0], I[r], (size_t)N * STEPS * sizeof(double)) == 0,
                  "%s: I_noise depends on the block layout", model);
  }
  for (long s = 0; s < STEPS; s++)
    for (size_t i = OFF; i < N; i++) {
      size_t full = (size_t)s * N + i, part = (size_t)s * (N - OFF) + i - OFF;
      NH_CHECK(V[0][full] == V[3][part] && I[0][full] == I[3][part],
               "%s: neuron %zu run from gid0 + %d differs at step %ld", model,
               i, OFF, s);
    }
  for (int r = 0; r < 4; r++) {
    free(V[r]);
    free(I[r]);
  }
}

/* The noise current enters the membrane exactly like I_e over the step,
 * with the value drawn for that step: a neuron with I_e = x and noise
 * that drew I_noise = y ends the step with the bits of a neuron without
 * noise whose I_e is x + y, for white and for OU noise, from rest and
 * from a state away from it. */
static inline void nc_like_I_e(const char *model, void (*setup)(nh *)) {
  const double taus[2] = {0.0, 4.0};
  for (int t = 0; t < 2; t++) {
    nh *a = nh_open(model, 2, 0.1), *b = nh_open(model, 2, 0.1);
    nh_set(a, "sigma", 300.0);
    nh_set(a, "tau_noise", taus[t]);
    nh_set(a, "I_e", 100.0);
    if (setup) {
      setup(a);
      setup(b);
    }
    nh_init_state(a);
    nh_init_state(b);
    nh_var(a, "V_m")[1] = nh_var(b, "V_m")[1] = -62.5;
    nh_var(a, "I_noise")[1] = 40.0; /* an OU current under way */
    ck_assert_int_eq(nh_prepare(a), AP_OK);
    nh_step(a);
    for (size_t i = 0; i < 2; i++)
      nh_par(b, "I_e")[i] = 100.0 + nh_var(a, "I_noise")[i];
    ck_assert_int_eq(nh_prepare(b), AP_OK);
    nh_step(b);
    for (size_t i = 0; i < 2; i++)
      ck_assert_msg(nh_var(a, "V_m")[i] == nh_var(b, "V_m")[i],
                    "%s, tau_noise %g, neuron %zu: V_m %.17g with I_noise "
                    "%.17g, %.17g with the same current as I_e",
                    model, taus[t], i, nh_var(a, "V_m")[i],
                    nh_var(a, "I_noise")[i], nh_var(b, "V_m")[i]);
    nh_close(a);
    nh_close(b);
  }
}

/* (1') Neurons without noise in a population that takes the noisy path
 * (because one neuron has sigma > 0) get the bits of a population without
 * noise, which takes the noiseless paths (the uniform fast path, where
 * the model has one and the parameters allow). */
static inline void nc_quiet_neurons(const char *model, double I_e,
                                    const nc_inputs *in, void (*setup)(nh *)) {
  enum { N = 8, STEPS = 3000 };
  double *V[2], *I[2];
  long spikes[2];
  for (int r = 0; r < 2; r++) {
    V[r] = nh_calloc_((size_t)N * STEPS, sizeof(double));
    I[r] = nh_calloc_((size_t)N * STEPS, sizeof(double));
    nh *h = nh_open(model, N, 0.1);
    nh_set(h, "I_e", I_e);
    nh_set(h, "tau_noise", 3.0); /* no effect without sigma */
    if (r == 1) nh_par(h, "sigma")[0] = 80.0;
    if (setup) setup(h);
    ck_assert_int_eq(nh_prepare(h), AP_OK);
    nc_trace_(h, in, 0, STEPS, NULL, 0, V[r], I[r], &spikes[r]);
    nh_close(h);
  }
  ck_assert_msg(spikes[0] > 20, "%s: test setup: only %ld spikes", model,
                spikes[0]);
  int differs = 0;
  for (long s = 0; s < STEPS; s++) {
    for (size_t i = 1; i < N; i++) {
      size_t k = (size_t)s * N + i;
      NH_CHECK(V[0][k] == V[1][k] && I[1][k] == 0.0,
               "%s: neuron %zu without noise differs at step %ld (V_m %.17g "
               "vs %.17g)",
               model, i, s, V[1][k], V[0][k]);
    }
    if (V[0][(size_t)s * N] != V[1][(size_t)s * N]) differs = 1;
    NH_CHECK(I[0][(size_t)s * N] == 0.0, "%s: I_noise without sigma", model);
  }
  ck_assert_msg(differs, "%s: the noisy neuron's V_m is unchanged", model);
  for (int r = 0; r < 2; r++) {
    free(V[r]);
    free(I[r]);
  }
}

#endif /* AP_LIF_NOISE_CHECKS_H */
