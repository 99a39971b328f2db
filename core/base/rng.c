/* rng.c -- counter-based random numbers on Random123's Philox-4x32-10. */
#include "base/rng.h"

#include <math.h>
#include <Random123/philox.h>

void ap_rng_init(ap_rng *r, uint64_t seed, uint32_t stream, uint64_t id,
                 uint64_t sub) {
  r->key[0] = (uint32_t)seed;
  r->key[1] = stream ^ ((uint32_t)(seed >> 32) * 0x9E3779B9u);
  r->ctr[0] = 0;
  r->ctr[1] = (uint32_t)id;
  r->ctr[2] = (uint32_t)sub;
  r->ctr[3] = (uint32_t)(((id >> 32) & 0xffffu) << 16) |
              (uint32_t)((sub >> 32) & 0xffffu);
  r->pos = 4;
}

static void refill(ap_rng *r) {
  philox4x32_key_t k = {{r->key[0], r->key[1]}};
  philox4x32_ctr_t c = {{r->ctr[0], r->ctr[1], r->ctr[2], r->ctr[3]}};
  philox4x32_ctr_t o = philox4x32(c, k);
  for (int i = 0; i < 4; i++) r->buf[i] = o.v[i];
  r->ctr[0]++;
  r->pos = 0;
}

uint32_t ap_rng_u32(ap_rng *r) {
  if (r->pos >= 4) refill(r);
  return r->buf[r->pos++];
}

double ap_rng_uniform(ap_rng *r) {
  uint64_t hi = ap_rng_u32(r) >> 5; /* 27 bits */
  uint64_t lo = ap_rng_u32(r) >> 6; /* 26 bits */
  return (double)((hi << 26) | lo) * (1.0 / 9007199254740992.0);
}

double ap_rng_uniform_pos(ap_rng *r) { return 1.0 - ap_rng_uniform(r); }

/* Standard normals by the ziggurat method of Marsaglia & Tsang (2000,
 * "The ziggurat method for generating random variables", J Stat Softw
 * 5(8)), 128 layers: one 32-bit draw for about 99 % of the values, so
 * that drawing per-synapse weights and delays costs little.  The tables are
 * made once, from the method's constants. */
static uint32_t zig_k[128];
static double zig_w[128], zig_f[128];

/* Made when the library is loaded, before any thread can draw. */
__attribute__((constructor)) static void zig_init(void) {
  const double m1 = 2147483648.0, vn = 9.91256303526217e-3;
  double dn = 3.442619855899, tn = dn;
  double q = vn / exp(-0.5 * dn * dn);
  zig_k[0] = (uint32_t)((dn / q) * m1);
  zig_k[1] = 0;
  zig_w[0] = q / m1;
  zig_w[127] = dn / m1;
  zig_f[0] = 1.0;
  zig_f[127] = exp(-0.5 * dn * dn);
  for (int i = 126; i >= 1; i--) {
    dn = sqrt(-2.0 * log(vn / dn + exp(-0.5 * dn * dn)));
    zig_k[i + 1] = (uint32_t)((dn / tn) * m1);
    tn = dn;
    zig_f[i] = exp(-0.5 * dn * dn);
    zig_w[i] = dn / m1;
  }
}

double ap_rng_normal(ap_rng *r) {
  const double tail = 3.442619855899;
  for (;;) {
    int32_t hz = (int32_t)ap_rng_u32(r);
    uint32_t iz = (uint32_t)hz & 127u;
    uint32_t mag = hz < 0 ? (uint32_t)(-(int64_t)hz) : (uint32_t)hz;
    double x = hz * zig_w[iz];
    if (mag < zig_k[iz]) return x;
    if (iz == 0) {
      /* the tail beyond the base layer */
      double xt, y;
      do {
        xt = -log(ap_rng_uniform_pos(r)) / tail;
        y = -log(ap_rng_uniform_pos(r));
      } while (y + y < xt * xt);
      return hz > 0 ? tail + xt : -tail - xt;
    }
    if (zig_f[iz] + ap_rng_uniform(r) * (zig_f[iz - 1] - zig_f[iz]) <
        exp(-0.5 * x * x))
      return x;
  }
}

uint64_t ap_rng_below(ap_rng *r, uint64_t n) {
  if (n <= 1) return 0;
  if (n <= 0xffffffffu) {
    /* Lemire's multiply-shift with rejection. */
    uint32_t n32 = (uint32_t)n;
    uint64_t m = (uint64_t)ap_rng_u32(r) * n32;
    uint32_t l = (uint32_t)m;
    if (l < n32) {
      uint32_t t = (uint32_t)(-n32) % n32;
      while (l < t) {
        m = (uint64_t)ap_rng_u32(r) * n32;
        l = (uint32_t)m;
      }
    }
    return m >> 32;
  }
  uint64_t lim = UINT64_MAX - UINT64_MAX % n;
  for (;;) {
    uint64_t x = ((uint64_t)ap_rng_u32(r) << 32) | ap_rng_u32(r);
    if (x < lim) return x % n;
  }
}

/* Poisson draws: inversion by sequential search for small means, and
 * Hoermann's PTRS transformed rejection (Hoermann 1993, "The transformed
 * rejection method for generating Poisson random variables") above. */
uint64_t ap_rng_poisson(ap_rng *r, double mean) {
  if (!(mean > 0.0)) return 0;
  if (mean < 10.0) {
    double p = exp(-mean), s = p, u = ap_rng_uniform(r);
    uint64_t k = 0;
    while (u > s && k < 1000) {
      k++;
      p *= mean / (double)k;
      s += p;
    }
    return k;
  }
  double slam = sqrt(mean), loglam = log(mean);
  double b = 0.931 + 2.53 * slam;
  double a = -0.059 + 0.02483 * b;
  double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    double u = ap_rng_uniform(r) - 0.5;
    double v = ap_rng_uniform_pos(r);
    double us = 0.5 - fabs(u);
    double k = floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return (uint64_t)k;
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (log(v) + log(invalpha) - log(a / (us * us) + b) <=
        -mean + k * loglam - lgamma(k + 1.0))
      return (uint64_t)k;
  }
}
