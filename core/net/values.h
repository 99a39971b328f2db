/* values.h -- scalars, per-element arrays and distributions (ap_value). */
#ifndef AP_VALUES_H
#define AP_VALUES_H
#include <stddef.h>
#include "apical/apical.h"
#include "base/rng.h"

ap_value ap_value_scalar(double x);
/* Check a value before use: array length n_needed (0: any), sd >= 0,
 * low <= high, clip bounds ordered.  `what` names it in the message. */
int ap_value_check(const ap_value *v, size_t n_needed, const char *what,
                   char *err, size_t n);
/* Element i: the array's i-th entry, the scalar, or one draw from r. */
double ap_value_draw(const ap_value *v, size_t i, ap_rng *r);
int ap_value_is_random(const ap_value *v);
/* Central value (mean of the distribution or array), for sign rules. */
double ap_value_center(const ap_value *v);
/* out[i] = element i, drawing element i from the stream keyed by
 * (seed, stream, id0 + i, sub): independent of how the range is split. */
void ap_value_fill(const ap_value *v, double *out, size_t n, uint64_t seed,
                   uint32_t stream, uint64_t id0, uint64_t sub);
/* 32-bit FNV-1a of a name, to key random streams by parameter. */
uint32_t ap_name_hash(const char *s);
#endif
