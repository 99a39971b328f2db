/* lif_threshold.h -- the threshold and refractory step that the in-tree
 * integrate-and-fire models share, written without branches so that their
 * update loops vectorise.
 *
 * vn is the membrane potential after the step's integration, ri the
 * refractory steps left before it.  A refractory neuron is held at
 * V_reset and cannot fire; otherwise it fires when vn reaches V_th, and
 * is reset and made refractory for `ref` steps.  fired[i] records it for
 * lif_collect(). */
#ifndef AP_LIF_THRESHOLD_H
#define AP_LIF_THRESHOLD_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "apical_plugin.h"

/* The check every model with a threshold makes in prepare(): parameter
 * `lo` (V_reset, V_min) below parameter `hi` (V_th), both in mV, for
 * every neuron.  AP_OK, or AP_EINVAL with the first neuron at fault. */
static inline int lif_check_below(const ap_neuron_pop *pop, char *err,
                                  size_t err_size, int lo,
                                  const char *lo_name, int hi,
                                  const char *hi_name) {
  const ap_real *a = pop->param[lo], *b = pop->param[hi];
  for (size_t i = 0; i < pop->n; i++)
    if (!(a[i] < b[i])) {
      if (err && err_size)
        snprintf(err, err_size,
                 "neuron %zu: %s (%.10g mV) must be below %s (%.10g mV)",
                 i + 1, lo_name, a[i], hi_name, b[i]);
      return AP_EINVAL;
    }
  return AP_OK;
}

static inline void lif_threshold(double vn, double ri, double v_th,
                                 double v_reset, double ref, double *v,
                                 double *r, double *fired) {
  const int refractory = ri > 0.0;
  const int spike = (ri <= 0.0) && (vn >= v_th);
  *v = (refractory || spike) ? v_reset : vn;
  *r = spike ? ref : (refractory ? ri - 1.0 : ri);
  *fired = spike ? 1.0 : 0.0;
}

/* The block-local indices of the neurons that fired, ascending. */
static inline size_t lif_collect(const double *fired, size_t n,
                                 uint32_t *spiked) {
  size_t ns = 0;
  for (size_t i = 0; i < n; i++)
    if (fired[i] != 0.0) spiked[ns++] = (uint32_t)i;
  return ns;
}
#endif
