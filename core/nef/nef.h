/* nef.h -- the Neural Engineering Framework's mathematics (Eliasmith &
 * Anderson 2003), with Nengo's defaults and formulas:
 *
 *   an ensemble of n neurons represents a D-dimensional x (|x| <= radius);
 *   neuron i is driven by J_i = gain_i (e_i . x) / radius + bias_i and
 *   fires at the LIF rate
 *       G(J) = 1 / (tau_ref + tau_rc log(1 + 1 / (J - 1)))   (J > 1; else 0)
 *   a function f(x) is read out as sum_i d_i a_i, with decoders d solved
 *   from the rates A at evaluation points X by regularised least squares
 *   (Nengo's LstsqL2: (A^T A + m sigma^2 I) d = A^T f(X), sigma = reg
 *   max(A), m evaluation points), by Cholesky through LAPACK.
 *
 * Times are in seconds here (Nengo's unit; the Lua layer converts from
 * apical's ms).  Matrices are row-major. */
#ifndef AP_NEF_H
#define AP_NEF_H
#include <stddef.h>
#include <stdint.h>

#include "apical/plugin.h" /* AP_OK, AP_EINVAL, ... */

/* The LIF rate curve: rates[i] = amplitude G(J[i]) (Hz). */
void ap_nef_lif_rates(const double *J, size_t n, double tau_rc,
                      double tau_ref, double amplitude, double *rates);

/* Gains and biases that make neuron i fire at max_rates[i] at x = e_i and
 * start firing at intercepts[i] (as Nengo's LIFRate.gain_bias).  AP_EINVAL
 * with a sentence when a maximum rate is out of reach (>= 1 / tau_ref) or
 * an intercept is not below 1. */
int ap_nef_gain_bias(const double *max_rates, const double *intercepts,
                     size_t n, double tau_rc, double tau_ref, double *gain,
                     double *bias, char *err, size_t err_size);

/* n points of the D-dimensional unit ball (surface = 0) or sphere
 * (surface = 1), scattered: a quasi-random R_d sequence (Roberts 2018)
 * mapped to the sphere through the normal inverse CDF, turned by a random
 * rotation drawn from (seed, stream, sub).  out is n x D. */
void ap_nef_scattered(size_t n, size_t D, int surface, uint64_t seed,
                      uint32_t stream, uint64_t sub, double *out);

/* Uniform draws in [lo, hi) keyed by (seed, stream, id = i, sub). */
void ap_nef_uniform(size_t n, double lo, double hi, uint64_t seed,
                    uint32_t stream, uint64_t sub, double *out);

/* Nengo's default number of evaluation points for n neurons in D
 * dimensions: max(clip(500 D, 750, 2500), 2 n). */
size_t ap_nef_n_eval_points(size_t n, size_t D);

/* The LIF rate curve of a neuron that spikes and resets on a grid of
 * ticks (a chip): the refractory period rounded to whole ticks, the time
 * to threshold rounded up to whole ticks,
 *   rates[i] = amplitude / (tick (round(tau_ref / tick)
 *                                 + ceil(tau_rc log(1 + 1 / (J - 1)) / tick)))
 * (as nengo-loihi's LoihiLIF).  tick in s, > 0. */
void ap_nef_lif_rates_ticked(const double *J, size_t n, double tau_rc,
                             double tau_ref, double amplitude, double tick,
                             double *rates);

/* The rates of the ensemble at the points X (m x D): A is m x n; tick 0
 * for the exact curve, else ap_nef_lif_rates_ticked's. */
void ap_nef_activities(const double *X, size_t m, size_t D,
                       const double *encoders /* n x D */, const double *gain,
                       const double *bias, size_t n, double radius,
                       double tau_rc, double tau_ref, double amplitude,
                       double tick, double *A);

/* Decoders X (n x d) for targets Y (m x d) from rates A (m x n), Nengo's
 * LstsqL2 with regularisation reg (0.1: Nengo's default): Cholesky of the
 * smaller Gram matrix (A^T A, or A A^T when m < n) by LAPACK.  rmse, when
 * not NULL, gets the root-mean-square error of A X against Y over all m d
 * entries.  The BLAS runs on one thread while solving, so the bits do not
 * depend on the thread count.  AP_EINVAL / AP_ENOMEM with a sentence. */
int ap_nef_lstsq_l2(const double *A, size_t m, size_t n, const double *Y,
                    size_t d, double reg, double *X, double *rmse, char *err,
                    size_t err_size);
#endif
