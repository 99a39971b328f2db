/* fixed.h -- the integer arithmetic of the emulated chips.
 *
 * Everything a chip computes per tick goes through these functions, so
 * that tests/check_neuromorphic_fixed.c can hold them to the chips'
 * published rules with hand-computed cases. */
#ifndef AP_NM_FIXED_H
#define AP_NM_FIXED_H
#include <stdint.h>

/* How a product is brought back by its shift. */
enum { NM_ROUND_ZERO = 0,    /* toward zero (Loihi) */
       NM_ROUND_FLOOR = 1 }; /* toward minus infinity: an arithmetic shift
                                (SpiNNaker's u0.32 decay) */

/* How a register of `bits` signed bits takes a value beyond its range. */
enum { NM_OVF_WRAP = 0,      /* two's complement wrap (Loihi's current) */
       NM_OVF_CLIP = 1 };    /* saturate at +-(2^(bits-1) - 1) (Loihi's
                                voltage, TrueNorth's, SpiNNaker's) */

/* x * keep >> bits, with keep = 2^bits - decay, rounded as `round`.
 * Loihi: bits 12, keep = 4096 - (du + 1) for the current (the chip's
 * offset of one), 4096 - dv for the voltage; rounding toward zero. */
static inline int64_t nm_decay(int64_t x, int64_t keep, unsigned bits,
                               int round) {
  /* toward zero: a negative product is raised by 2^bits - 1 before the
   * arithmetic shift (which alone rounds toward minus infinity) */
  if (bits < 32) { /* a register of up to 32 bits: the product fits */
    int64_t p = x * keep;
    if (round == NM_ROUND_ZERO) p += (p >> 63) & (((int64_t)1 << bits) - 1);
    return p >> bits;
  }
  /* in 128 bits: a 32-bit register times a 32-bit fraction fits */
  __int128 p = (__int128)x * keep;
  if (round == NM_ROUND_ZERO && p < 0) p += ((__int128)1 << bits) - 1;
  return (int64_t)(p >> bits);
}

/* x in a register of `bits` signed bits. */
static inline int64_t nm_fit(int64_t x, unsigned bits, int ovf) {
  const int64_t half = (int64_t)1 << (bits - 1);
  if (ovf == NM_OVF_WRAP) {
    /* as Loihi: above 2^(bits-1) wraps down by 2^bits, at or below
     * -2^(bits-1) up by 2^bits, so the range is (-2^(bits-1), 2^(bits-1)] */
    if (x <= half && x > -half) return x; /* the common case */
    const int64_t span = half * 2, y = x + half - 1;
    return ((y % span) + span) % span - half + 1;
  }
  if (x > half - 1) return half - 1;
  if (x < -(half - 1)) return -(half - 1);
  return x;
}

/* round(x) to the nearest integer, halves away from zero. */
static inline int64_t nm_round(double x) {
  return (int64_t)(x < 0 ? x - 0.5 : x + 0.5);
}
#endif
