/* segregated_dendrite.h -- what the segregated_dendrite neurons and the
 * rules that learn on them (plugins/rules/guerguiev) must compute alike. */
#ifndef AP_SEGREGATED_DENDRITE_H
#define AP_SEGREGATED_DENDRITE_H
#include <math.h>

/* The logistic function of the rates and plateau potentials, without
 * overflow for either sign. */
static inline double sd_sigma(double x) {
  if (x >= 0.0) return 1.0 / (1.0 + exp(-x));
  const double e = exp(x);
  return e / (1.0 + e);
}
#endif
