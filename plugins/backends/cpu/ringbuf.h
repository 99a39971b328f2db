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
  double *buf;
  size_t n;      /* neurons */
  unsigned len;  /* slots */
} ap_ring;

/* Returns 0, or -1 on allocation failure. */
int ap_ring_init(ap_ring *r, size_t n, unsigned len);
void ap_ring_free(ap_ring *r);

static inline double *ap_ring_slot(const ap_ring *r, int64_t step) {
  return r->buf + (size_t)(step % r->len) * r->n;
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
