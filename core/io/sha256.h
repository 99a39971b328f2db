/* sha256.h -- SHA-256 (FIPS 180-4), for the script checksums in the
 * provenance sidecars.  ap_sha256_file() is declared in record.h. */
#ifndef AP_SHA256_H
#define AP_SHA256_H
#include <stddef.h>
#include <stdint.h>

typedef struct ap_sha256 {
  uint32_t h[8];
  uint64_t bytes;         /* message length so far */
  unsigned char buf[64];  /* a partial block */
  size_t nbuf;
} ap_sha256;

void ap_sha256_init(ap_sha256 *c);
void ap_sha256_update(ap_sha256 *c, const void *data, size_t n);
/* The digest; c must be initialised again before reuse. */
void ap_sha256_final(ap_sha256 *c, unsigned char out[32]);
/* 64 lowercase hex digits and a terminating NUL. */
void ap_sha256_hex(const unsigned char digest[32], char out[65]);
#endif
