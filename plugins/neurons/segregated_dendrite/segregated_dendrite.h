/* segregated_dendrite.h -- what the segregated_dendrite neurons and the
 * rules that learn on them (plugins/rules/guerguiev) must compute alike:
 * the logistic function and the PSP kernel with the authors' finite
 * spike memory. */
#ifndef AP_SEGREGATED_DENDRITE_H
#define AP_SEGREGATED_DENDRITE_H
#include <math.h>
#include <stdint.h>
#include <string.h>

/* e^x to within about 1 ulp for |x| <= 700 (clamped beyond), in plain
 * arithmetic: a loop of it vectorises, and every lane computes the bits
 * the scalar code does, so results never depend on how a population is
 * cut into blocks.  x = k ln 2 + r with |r| <= ln 2 / 2, e^r by its Taylor
 * series to r^13 (truncation below 1e-17), times 2^k built in the
 * exponent bits.  The clamp keeps e^x and what is made of it (a rate
 * times sigma) well inside the normal range: a subnormal result costs a
 * microcode assist, and compilers evaluate the clamped branch in every
 * vector iteration. */
static inline double sd_exp(double x) {
  x = x < -700.0 ? -700.0 : x;
  x = x > 700.0 ? 700.0 : x;
  const double shift = 0x1.8p52; /* adding it rounds to an integer */
  double kd = x * 0x1.71547652b82fep0 + shift;
  kd -= shift;
  /* ln 2 in two parts (fdlibm's): the first has trailing zero bits, so
   * kd times it is exact for |k| < 2^20 */
  const double r = (x - kd * 6.93147180369123816490e-01) -
                   kd * 1.90821492927058770002e-10;
  double p = 1.0 / 6227020800.0; /* 1/13! */
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  /* 2^k in the exponent field (the conversion through 32 bits is one
   * vector instruction; |k| <= 1010) */
  const uint64_t bits = (uint64_t)((int64_t)(int32_t)kd + 1023) << 52;
  double scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

/* The logistic function of the rates and plateau potentials, without
 * overflow for either sign (e^-x is clamped at e^700). */
static inline double sd_sigma(double x) { return 1.0 / (1.0 + sd_exp(-x)); }

/* The PSP kernel at age t (ms), normalised as the paper's:
 * kappa(t) = (e^{-t/tau_L} - e^{-t/tau_s}) / (tau_L - tau_s). */
static inline double sd_kappa(double t, double tau_L, double tau_s) {
  return (exp(-t / tau_L) - exp(-t / tau_s)) / (tau_L - tau_s);
}

/* Steps of spike memory for psp_memory ms at step dt ms: 0 for the whole
 * kernel, -1 when psp_memory is negative, not finite or not a whole
 * number of steps (to 1e-9 of a step). */
static inline long sd_memory_steps(double psp_memory, double dt) {
  if (!(psp_memory >= 0.0) || !isfinite(psp_memory) || !(dt > 0.0))
    return -1;
  const double q = psp_memory / dt, r = floor(q + 0.5);
  if (fabs(q - r) > 1e-9 * (q > 1.0 ? q : 1.0) || r > 1e6) return -1;
  return (long)r;
}
#endif
