/* lower.h -- what the in-tree neuron models share in their chip forms
 * (ABI 1.3, ap_neuron_desc.lower): the spike-source form, and the noise
 * current (noise_current.h): white noise has a form, an Ornstein-Uhlenbeck
 * current, which carries state from step to step, has none. */
#ifndef AP_NEURONS_LOWER_H
#define AP_NEURONS_LOWER_H
#include <stdio.h>
#include <string.h>

#include "apical_plugin.h"

/* A spike generator: its update() keeps running on the host. */
static inline int lower_source(const ap_neuron_pop *pop, size_t i,
                               ap_lowered *out, char *err, size_t err_size) {
  (void)pop, (void)i, (void)err, (void)err_size;
  memset(out, 0, sizeof *out);
  out->form = AP_LOWER_SOURCE;
  return AP_OK;
}

/* The start of a LIF form, with the noise of neuron i (parameters
 * `sigma`, pA, and `tau_noise`, ms) as the voltage noise it causes:
 * p20 (mV per pA in a step) times sigma.  AP_ENOTSUP for a coloured
 * noise current. */
static inline int lower_lif_begin(const ap_neuron_pop *pop, size_t i,
                                  int par_sigma, int par_tau_noise,
                                  double p20, ap_lowered *out, char *err,
                                  size_t err_size) {
  memset(out, 0, sizeof *out);
  const double sigma = pop->param[par_sigma][i];
  if (sigma > 0.0 && pop->param[par_tau_noise][i] > 0.0) {
    snprintf(err, err_size,
             "neuron %zu: tau_noise = %g ms: a correlated noise current has "
             "no chip form (white noise, tau_noise = 0, has)",
             i + 1, pop->param[par_tau_noise][i]);
    return AP_ENOTSUP;
  }
  out->noise_sd = sigma > 0.0 ? p20 * sigma : 0.0;
  out->form = AP_LOWER_LIF;
  for (unsigned p = 0; p < AP_LOWER_MAX_PORTS; p++) out->u_var[p] = -1;
  return AP_OK;
}
#endif
