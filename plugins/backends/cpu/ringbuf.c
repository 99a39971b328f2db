/* ringbuf.c -- spike input ring buffers of the cpu backend. */
#include "ringbuf.h"

#include <stdlib.h>
#include <string.h>

int ap_ring_init(ap_ring *r, size_t n, unsigned len) {
  r->n = n;
  r->stride = (n + AP_RING_LINE - 1) / AP_RING_LINE * AP_RING_LINE;
  if (!r->stride) r->stride = AP_RING_LINE;
  r->len = len ? len : 1;
  const size_t bytes = r->stride * r->len * sizeof *r->buf;
  r->buf = aligned_alloc(64, bytes); /* bytes: a multiple of 64 */
  if (r->buf) memset(r->buf, 0, bytes);
  return r->buf ? 0 : -1;
}

void ap_ring_free(ap_ring *r) {
  free(r->buf);
  r->buf = NULL;
}

void ap_ring_clear(ap_ring *r, int64_t step) {
  memset(ap_ring_slot(r, step), 0, r->n * sizeof *r->buf);
}

void ap_ring_clear_range(ap_ring *r, int64_t step, size_t first, size_t n) {
  memset(ap_ring_slot(r, step) + first, 0, n * sizeof *r->buf);
}
