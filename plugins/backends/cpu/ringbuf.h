/* ringbuf.h -- spike input ring buffers of the cpu backend.
 *
 * One buffer per (population, input port): `len` slots of `n` summed
 * weights, slot s % len collecting what arrives at step s.  len is the
 * maximum delay + 1, so a delivery made during step s (delay d in
 * 1..max_delay) never lands in the slot being read. */
#ifndef AP_RINGBUF_H
#define AP_RINGBUF_H
#include <stddef.h>
#include <stdint.h>

typedef struct ap_ring {
  double *buf;   /* 64-byte aligned */
  size_t n;      /* neurons */
  size_t stride; /* doubles from one slot to the next: n rounded up to a
                    whole cache line, so that threads owning neighbouring
                    ranges (cut at multiples of AP_RING_LINE neurons:
                    the cpu backend cuts at 16)
                    never write one line */
  unsigned len;  /* slots */
} ap_ring;

/* Doubles in a cache line of 64 bytes. */
#define AP_RING_LINE 8

/* Returns 0, or -1 on allocation failure. */
int ap_ring_init(ap_ring *r, size_t n, unsigned len);
void ap_ring_free(ap_ring *r);

static inline double *ap_ring_slot(const ap_ring *r, int64_t step) {
  return r->buf + (size_t)(step % r->len) * r->stride;
}
static inline void ap_ring_add(ap_ring *r, int64_t step, uint32_t i,
                               double w) {
  ap_ring_slot(r, step)[i] += w;
}
/* Zero the slot of `step` once it has been read. */
void ap_ring_clear(ap_ring *r, int64_t step);
/* Zero neurons [first, first + n) of the slot of `step` (one thread's
 * share of the slot). */
void ap_ring_clear_range(ap_ring *r, int64_t step, size_t first, size_t n);
#endif
