/* memstream.h -- an ap_stream in memory, for the tests of plugins' save
 * and load hooks: what is written can be read back from the start. */
#ifndef AP_MEMSTREAM_H
#define AP_MEMSTREAM_H
#include <stddef.h>

#include "apical_plugin.h"

typedef struct memstream {
  unsigned char data[1 << 16];
  size_t len, at;
} memstream;

/* An empty buffer and the stream over it. */
ap_stream memstream_open(memstream *m);
/* Read again from the start. */
void memstream_rewind(memstream *m);
/* The stream over what m holds, read from the start (nothing is
 * emptied). */
ap_stream memstream_reader(memstream *m);
#endif
