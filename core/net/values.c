/* values.c -- scalars, per-element arrays and distributions. */
#include "net/values.h"

#include <math.h>

#include "base/strutil.h"

ap_value ap_value_scalar(double x) {
  ap_value v = {0};
  v.kind = AP_VAL_SCALAR;
  v.a = x;
  return v;
}

int ap_value_check(const ap_value *v, size_t n_needed, const char *what,
                   char *err, size_t n) {
  switch (v->kind) {
    case AP_VAL_SCALAR:
      if (!isfinite(v->a)) {
        ap_fmt(err, n, "%s must be a finite number, got %g", what, v->a);
        return AP_EINVAL;
      }
      break;
    case AP_VAL_ARRAY:
      if (n_needed && v->n != n_needed) {
        ap_fmt(err, n, "%s: a table of %zu values was given for %zu elements",
               what, v->n, n_needed);
        return AP_EINVAL;
      }
      for (size_t i = 0; i < v->n; i++)
        if (!isfinite(v->array[i])) {
          ap_fmt(err, n, "%s: entry %zu is not a finite number", what, i + 1);
          return AP_EINVAL;
        }
      break;
    case AP_VAL_UNIFORM:
      if (!(v->a <= v->b) || !isfinite(v->a) || !isfinite(v->b)) {
        ap_fmt(err, n, "%s: uniform(%g, %g) needs low <= high", what, v->a,
               v->b);
        return AP_EINVAL;
      }
      break;
    case AP_VAL_NORMAL:
    case AP_VAL_LOGNORMAL:
      if (!(v->b >= 0) || !isfinite(v->a) || !isfinite(v->b)) {
        ap_fmt(err, n, "%s: %s(%g, %g) needs a finite mean and sd >= 0", what,
               v->kind == AP_VAL_NORMAL ? "normal" : "lognormal", v->a, v->b);
        return AP_EINVAL;
      }
      break;
    default:
      ap_fmt(err, n, "%s: unknown kind of value", what);
      return AP_EINVAL;
  }
  if (v->clipped && !(v->lo <= v->hi)) {
    ap_fmt(err, n, "%s: clip(%g, %g) needs low <= high", what, v->lo, v->hi);
    return AP_EINVAL;
  }
  return AP_OK;
}

double ap_value_draw(const ap_value *v, size_t i, ap_rng *r) {
  double x;
  switch (v->kind) {
    case AP_VAL_ARRAY: x = v->array[i]; break;
    case AP_VAL_UNIFORM: x = v->a + (v->b - v->a) * ap_rng_uniform(r); break;
    case AP_VAL_NORMAL: x = v->a + v->b * ap_rng_normal(r); break;
    case AP_VAL_LOGNORMAL: x = exp(v->a + v->b * ap_rng_normal(r)); break;
    default: x = v->a; break;
  }
  if (v->clipped) {
    if (x < v->lo) x = v->lo;
    if (x > v->hi) x = v->hi;
  }
  return x;
}

int ap_value_is_random(const ap_value *v) {
  return v->kind == AP_VAL_UNIFORM || v->kind == AP_VAL_NORMAL ||
         v->kind == AP_VAL_LOGNORMAL;
}

double ap_value_center(const ap_value *v) {
  double c;
  switch (v->kind) {
    case AP_VAL_ARRAY: {
      double s = 0;
      for (size_t i = 0; i < v->n; i++) s += v->array[i];
      c = v->n ? s / (double)v->n : 0.0;
      break;
    }
    case AP_VAL_UNIFORM: c = 0.5 * (v->a + v->b); break;
    case AP_VAL_LOGNORMAL: c = exp(v->a + 0.5 * v->b * v->b); break;
    default: c = v->a; break;
  }
  if (v->clipped) {
    if (c < v->lo) c = v->lo;
    if (c > v->hi) c = v->hi;
  }
  return c;
}

void ap_value_fill(const ap_value *v, double *out, size_t n, uint64_t seed,
                   uint32_t stream, uint64_t id0, uint64_t sub) {
  ap_rng r;
  int random = ap_value_is_random(v);
  for (size_t i = 0; i < n; i++) {
    if (random) ap_rng_init(&r, seed, stream, id0 + i, sub);
    out[i] = ap_value_draw(v, i, &r);
  }
}

uint32_t ap_name_hash(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
  return h;
}
