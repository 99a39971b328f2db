/* philox_first.h -- the first 32-bit word of the host's random stream
 * (seed, stream, id, sub), that is host->rng_init() then host->rng_u32():
 * Philox-4x32-10 (Salmon et al. 2011, "Parallel random numbers: as easy as
 * 1, 2, 3", SC'11) on the same key and counter, written out in plain
 * integer arithmetic so that a loop over neurons vectorises and every lane
 * computes the bits the host would.  Shared by the neuron plugins that
 * draw one number per neuron and step (poisson, segregated_dendrite);
 * tests/check_poisson.c and check_segregated_dendrite.c compare it with
 * the host's generator. */
#ifndef AP_PHILOX_FIRST_H
#define AP_PHILOX_FIRST_H
#include <stdint.h>

/* All four words of that first block: out[k] is the host's (k+1)-th
 * rng_u32() draw of the stream. */
static inline void philox_block(uint64_t seed, uint32_t stream, uint64_t id,
                                uint64_t sub, uint32_t out[4]) {
  uint32_t k0 = (uint32_t)seed;
  uint32_t k1 = stream ^ ((uint32_t)(seed >> 32) * 0x9E3779B9u);
  uint32_t c0 = 0, c1 = (uint32_t)id, c2 = (uint32_t)sub;
  uint32_t c3 = (uint32_t)(((id >> 32) & 0xffffu) << 16) |
                (uint32_t)((sub >> 32) & 0xffffu);
#pragma GCC unroll 10
  for (int r = 0; r < 10; r++) {
    if (r) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;
    uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
    uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
    c1 = (uint32_t)p1;
    c3 = (uint32_t)p0;
    c0 = n0;
    c2 = n2;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

static inline uint32_t philox_first(uint64_t seed, uint32_t stream,
                                    uint64_t id, uint64_t sub) {
  uint32_t w[4];
  philox_block(seed, stream, id, sub, w);
  return w[0];
}

/* The word as a uniform number in (0, 1), never 0 or 1: (w + 0.5) /
 * 2^32, formed through a signed conversion (exact, and one vector
 * instruction where the unsigned one is not). */
static inline double philox_open01(uint32_t w) {
  const double s = (double)(int32_t)(w ^ 0x80000000u);
  return (s + 2147483648.5) * (1.0 / 4294967296.0);
}
#endif
