/* lower.h -- what the in-tree neuron models share in their chip forms
 * (ABI 1.3, ap_neuron_desc.lower): the spike-source form and the refusal
 * of a noise current, which no chip profile here can draw. */
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

/* The start of a LIF form, or AP_ENOTSUP when neuron i carries a noise
 * current (parameter `sigma`, pA). */
static inline int lower_lif_begin(const ap_neuron_pop *pop, size_t i,
                                  int par_sigma, ap_lowered *out, char *err,
                                  size_t err_size) {
  memset(out, 0, sizeof *out);
  if (pop->param[par_sigma][i] > 0.0) {
    snprintf(err, err_size,
             "neuron %zu: sigma = %g pA: the noise current has no chip form",
             i + 1, pop->param[par_sigma][i]);
    return AP_ENOTSUP;
  }
  out->form = AP_LOWER_LIF;
  for (unsigned p = 0; p < AP_LOWER_MAX_PORTS; p++) out->u_var[p] = -1;
  return AP_OK;
}
#endif
