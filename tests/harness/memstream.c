/* memstream.c -- the functions of memstream.h. */
#include "memstream.h"

#include <string.h>

static int ms_write(void *ctx, const void *p, size_t n) {
  memstream *m = ctx;
  if (m->len + n > sizeof m->data) return AP_EIO;
  memcpy(m->data + m->len, p, n);
  m->len += n;
  return AP_OK;
}

static int ms_read(void *ctx, void *p, size_t n) {
  memstream *m = ctx;
  if (m->at + n > m->len) return AP_EIO;
  memcpy(p, m->data + m->at, n);
  m->at += n;
  return AP_OK;
}

ap_stream memstream_open(memstream *m) {
  m->len = m->at = 0;
  return (ap_stream){sizeof(ap_stream), m, ms_write, ms_read};
}

void memstream_rewind(memstream *m) { m->at = 0; }

ap_stream memstream_reader(memstream *m) {
  m->at = 0;
  return (ap_stream){sizeof(ap_stream), m, ms_write, ms_read};
}
