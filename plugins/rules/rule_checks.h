/* rule_checks.h -- parameter checks that the in-tree learning rules share
 * (included by their sources; each rule is its own shared object). */
#ifndef AP_RULE_CHECKS_H
#define AP_RULE_CHECKS_H
#include <math.h>
#include <stdio.h>

#include "apical_plugin.h"

/* Wmax is nonzero and finite, and every weight of the projection has its
 * sign: as NEST, the rule moves |w| within [0, |Wmax|] and keeps the sign
 * of Wmax, so inhibitory synapses take a negative Wmax. */
static inline int rule_check_wmax(const ap_rule_ctx *c, double wmax,
                                  char *err, size_t err_size) {
  if (wmax == 0.0 || !isfinite(wmax)) {
    snprintf(err, err_size,
             "Wmax must be a nonzero number with the sign of the weights "
             "(positive for excitatory, negative for inhibitory synapses), "
             "got %g",
             wmax);
    return AP_EINVAL;
  }
  if (c->weight)
    for (size_t s = 0; s < c->n_syn; s++)
      if ((double)c->weight[s] * wmax < 0.0) {
        snprintf(err, err_size,
                 "synapse %zu has weight %g but Wmax is %g: weights and Wmax "
                 "must have the same sign (give inhibitory synapses a "
                 "negative Wmax)",
                 s + 1, (double)c->weight[s], wmax);
        return AP_EINVAL;
      }
  return AP_OK;
}
#endif
