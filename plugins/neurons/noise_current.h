/* noise_current.h -- the noise current that the in-tree neuron models
 * share (the LIF family, izhikevich, adex): parameters sigma (pA) and tau_noise (ms), state I_noise
 * (pA).
 *
 * Each step every neuron's I_noise is renewed once,
 *   I_noise <- decay I_noise + amp N(0, 1),
 * and then enters the membrane like I_e, held constant over the step.
 * tau_noise = 0 gives white noise (decay 0, amp sigma): a new independent
 * current each step, like NEST's noise_generator with its interval equal
 * to dt.  tau_noise > 0 gives an Ornstein-Uhlenbeck current with
 * stationary sd sigma, advanced by its exact update (Gillespie 1996):
 * decay = exp(-dt/tau_noise), amp = sigma sqrt(1 - exp(-2 dt/tau_noise)).
 *
 * The normal draw of neuron gid at step s comes from the host's
 * counter-based generator keyed by (seed, population stream, gid, s).
 * The population's stream is its own ("neuron noise", see core/rng.h) and
 * these models draw nothing else from it, so the key needs no further
 * sub-key: the currents are the same whatever the thread count, block
 * layout or order of updates.
 *
 * A model decides once per population, in prepare(), whether any neuron
 * can have a non-zero I_noise (noise_active); when none can, its
 * update() takes its noiseless paths, which read neither sigma nor
 * I_noise.
 *
 * Gillespie DT (1996). Exact numerical simulation of the
 *   Ornstein-Uhlenbeck process and its integral. Physical Review E
 *   54:2084-2091. */
#ifndef AP_NOISE_CURRENT_H
#define AP_NOISE_CURRENT_H
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "apical_plugin.h"

/* For each model's update_noisy(): kept out of update(), so that the
 * noiseless loops there compile exactly as they would without it
 * (inlined, the noisy loop would change their register allocation). */
#if defined(__GNUC__)
#define NOISY_PATH __attribute__((noinline))
#else
#define NOISY_PATH
#endif

/* The descriptor entries, identical in every model that uses them. */
#define NOISE_PARAM_SIGMA                                               \
  {"sigma", "pA",                                                          \
   "standard deviation of the noise current (0: no noise)", AP_PT_REAL,    \
   0.0, 0.0, INFINITY, 0, NULL}
#define NOISE_PARAM_TAU                                                 \
  {"tau_noise", "ms",                                                      \
   "correlation time of the noise current (0: white, a new draw each "     \
   "step)",                                                                \
   AP_PT_REAL, 0.0, 0.0, INFINITY, 0, NULL}
#define NOISE_VAR                                                       \
  {"I_noise", "pA", "noise current applied during the last step", 0.0,     \
   NULL, 0, 0}

/* decay and amp of one neuron for step h (ms). */
static inline void noise_derive(double sigma, double tau_noise, double h,
                                    double *decay, double *amp) {
  if (tau_noise > 0.0) {
    *decay = exp(-h / tau_noise);
    /* expm1 keeps 1 - exp(-x) accurate when h << tau_noise */
    *amp = sigma * sqrt(-expm1(-2.0 * h / tau_noise));
  } else {
    *decay = 0.0;
    *amp = sigma;
  }
}

/* Whether any neuron of the population can carry a noise current: one
 * with sigma > 0, or one whose I_noise was set to a non-zero value (it
 * must still decay or be cleared).  When none can, every I_noise stays 0
 * and the noiseless update is exact. */
static inline int noise_active(const ap_neuron_pop *pop, int par_sigma,
                                   int var_noise) {
  const ap_real *sigma = pop->param[par_sigma];
  const ap_real *I_n = pop->state[var_noise];
  for (size_t i = 0; i < pop->n; i++)
    if (sigma[i] > 0.0 || I_n[i] != 0.0) return 1;
  return 0;
}

/* Renew the block's noise currents for this step; decay and amp are
 * offset to the block.  A neuron with amp 0 draws nothing (its draws are
 * its own, so skipping them changes no other neuron's).  `uniform`
 * (offset to the block, or NULL) picks, per neuron, a uniform draw on
 * [-sqrt(3), sqrt(3)] (variance 1, as the normal one) instead of a
 * normal one: the bounded "random thalamic input" of Izhikevich's
 * network models. */
static inline void noise_step_shaped(const ap_neuron_block *b,
                                     const double *restrict decay,
                                     const double *restrict amp,
                                     const ap_real *restrict uniform,
                                     ap_real *restrict I_n) {
  const ap_host *host = b->host;
  const uint64_t step = (uint64_t)b->step;
  for (size_t i = 0; i < b->n; i++) {
    double x = I_n[i] * decay[i];
    if (amp[i] != 0.0) {
      ap_rng r;
      host->rng_init(&r, b->seed, b->stream, b->gid0 + i, step);
      double z = uniform && uniform[i] != 0.0
                     ? (2.0 * host->rng_uniform(&r) - 1.0) * 1.7320508075688772
                     : host->rng_normal(&r);
      x += amp[i] * z;
    }
    I_n[i] = x;
  }
}

static inline void noise_step(const ap_neuron_block *b,
                              const double *restrict decay,
                              const double *restrict amp,
                              ap_real *restrict I_n) {
  noise_step_shaped(b, decay, amp, NULL, I_n);
}
#endif
