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
#include <string.h>

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
  const int refractory = ri > 0.0, over = vn >= v_th;
  *v = (refractory | over) ? v_reset : vn;
  *r = refractory ? ri - 1.0 : (over ? ref : ri);
  *fired = ((refractory == 0) & over) ? 1.0 : 0.0;
}

/* lif_threshold() without the flag, for loops that find the neurons that
 * fired afterwards by lif_collect_ref(): refractory periods of at least
 * one step only, as a neuron's r is then `ref` right after its spike
 * and at no other time (it counts down from there and stays below). */
static inline void lif_threshold_r(double vn, double ri, double v_th,
                                   double v_reset, double ref, double *v,
                                   double *r) {
  const int refractory = ri > 0.0, over = vn >= v_th;
  *v = (refractory | over) ? v_reset : vn;
  *r = refractory ? ri - 1.0 : (over ? ref : ri);
}

/* Appends base + j for every j < m with r[j] == ref (ref >= 1: the
 * neurons that fired in this step, see lif_threshold_r) to spiked[ns..]
 * and returns the new count; eight at a time, as lif_collect_at(). */
static inline size_t lif_collect_ref(const double *r, double ref, size_t m,
                                     size_t base, uint32_t *spiked,
                                     size_t ns) {
  size_t j = 0;
  for (; j + 8 <= m; j += 8) {
    int any = 0;
    for (size_t k = 0; k < 8; k++) any |= r[j + k] == ref;
    if (!any) continue;
    for (size_t k = 0; k < 8; k++)
      if (r[j + k] == ref) spiked[ns++] = (uint32_t)(base + j + k);
  }
  for (; j < m; j++)
    if (r[j] == ref) spiked[ns++] = (uint32_t)(base + j);
  return ns;
}

/* Appends base + j for every j < m with fired[j] != 0 to spiked[ns..] and
 * returns the new count.  Spikes are rare, so eight flags at a time are
 * tested at once (their bits OR-ed, which the compiler turns into one
 * vector test) and only a group with a spike is walked. */
static inline size_t lif_collect_at(const double *fired, size_t m, size_t base,
                                    uint32_t *spiked, size_t ns) {
  size_t j = 0;
  for (; j + 8 <= m; j += 8) {
    uint64_t any = 0;
    for (size_t k = 0; k < 8; k++) {
      uint64_t u;
      memcpy(&u, &fired[j + k], sizeof u);
      any |= u;
    }
    if (!any) continue;
    for (size_t k = 0; k < 8; k++)
      if (fired[j + k] != 0.0) spiked[ns++] = (uint32_t)(base + j + k);
  }
  for (; j < m; j++)
    if (fired[j] != 0.0) spiked[ns++] = (uint32_t)(base + j);
  return ns;
}

/* Neurons an update loop advances before it collects their spikes: the
 * flags of a chunk stay in L1 (2 KB on the stack) instead of streaming
 * through an array as long as the block. */
#define LIF_CHUNK 256

/* for (c0 = 0; c0 < n; c0 += LIF_CHUNK), with m the chunk's length and
 * fl[LIF_CHUNK] its flags:
 *   LIF_CHUNKS(n, c0, m, fl) { loop over j < m; ns = lif_collect_at(...); } */
#define LIF_CHUNKS(n, c0, m, fl)                                            \
  for (size_t c0 = 0, m = (n) < LIF_CHUNK ? (n) : LIF_CHUNK; c0 < (n);      \
       c0 += LIF_CHUNK, m = (n) - c0 < LIF_CHUNK ? (n) - c0 : LIF_CHUNK)    \
    for (double fl[LIF_CHUNK], *fl##_once = fl; fl##_once;                  \
         fl##_once = NULL)

/* The block-local indices of the neurons that fired, ascending. */
static inline size_t lif_collect(const double *fired, size_t n,
                                 uint32_t *spiked) {
  return lif_collect_at(fired, n, 0, spiked, 0);
}
#endif
