/* rng.h -- counter-based random numbers (Random123 Philox-4x32-10).
 *
 * A stream is keyed by (seed, stream, id, sub): the Philox key holds the
 * seed and the stream id, the counter holds a block number, the low 32
 * bits of id and sub, and 16 further bits of each (ids and subs below
 * 2^48 never collide).  Draws never depend on thread count or on the order
 * in which streams are used, so networks and runs are the same for any
 * parallel layout. */
#ifndef AP_RNG_H
#define AP_RNG_H
#include <stdint.h>
#include "apical/apical_plugin.h"

/* Stream ids used by the core (plugins get their population's stream). */
enum {
  AP_STREAM_POP_BASE = 0x10000000u,   /* + population index: neuron noise */
  AP_STREAM_INIT_BASE = 0x20000000u,  /* + population index: initial values */
  AP_STREAM_CONN_BASE = 0x30000000u,  /* + projection index: connectivity */
  AP_STREAM_SYN_BASE = 0x40000000u,   /* + projection index: weights, delays */
  AP_STREAM_REL_BASE = 0x50000000u,   /* + projection index: release draws */
  AP_STREAM_LESION = 0x60000000u,     /* lesions by fraction */
  AP_STREAM_RULE_BASE = 0x70000000u,  /* + projection index: rules' draws */
  AP_STREAM_NEF_BASE = 0x80000000u    /* + population index: NEF tuning */
};

void ap_rng_init(ap_rng *r, uint64_t seed, uint32_t stream, uint64_t id,
                 uint64_t sub);
uint32_t ap_rng_u32(ap_rng *r);
double ap_rng_uniform(ap_rng *r);       /* [0, 1), 53 bits */
double ap_rng_uniform_pos(ap_rng *r);   /* (0, 1] */
double ap_rng_normal(ap_rng *r);        /* standard normal */
uint64_t ap_rng_poisson(ap_rng *r, double mean);
/* Uniform integer in [0, n), n >= 1, without modulo bias. */
uint64_t ap_rng_below(ap_rng *r, uint64_t n);
#endif
