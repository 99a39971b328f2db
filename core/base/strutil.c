/* strutil.c -- small string helpers shared by the core. */
#include "base/strutil.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void ap_vfmt(char *buf, size_t n, const char *fmt, va_list ap) {
  if (!buf || n == 0) return;
  int r = vsnprintf(buf, n, fmt, ap);
  if (r < 0) buf[0] = '\0';
}

void ap_fmt(char *buf, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ap_vfmt(buf, n, fmt, ap);
  va_end(ap);
}

void ap_append(char *buf, size_t n, const char *fmt, ...) {
  if (!buf || n == 0) return;
  size_t len = strnlen(buf, n);
  if (len >= n - 1) return;
  va_list ap;
  va_start(ap, fmt);
  ap_vfmt(buf + len, n - len, fmt, ap);
  va_end(ap);
}

size_t ap_edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  size_t *row = malloc((lb + 1) * sizeof *row);
  if (!row) return (size_t)-1;
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = diag + cost;
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  size_t d = row[lb];
  free(row);
  return d;
}

const char *ap_closest(const char *name, const char *const *cand, size_t n) {
  size_t limit = strlen(name) / 3;
  if (limit < 1) limit = 1;
  const char *best = NULL;
  size_t best_d = limit + 1;
  for (size_t i = 0; i < n; i++) {
    size_t d = ap_edit_distance(name, cand[i]);
    if (d < best_d) {
      best_d = d;
      best = cand[i];
    }
  }
  return best;
}

char *ap_strdup(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static int writes_on = 1, replaying = 0;
int ap_writes_enabled(void) { return writes_on && !replaying; }
int ap_writes_process(void) { return writes_on; }
void ap_set_writes_enabled(int on) { writes_on = on != 0; }
void ap_set_replaying(int on) { replaying = on != 0; }

int ap_write_atomic(const char *path, const void *data, size_t n) {
  if (!ap_writes_enabled()) return 0;
  size_t len = strlen(path) + 16;
  char *tmp = malloc(len);
  if (!tmp) return -1;
  snprintf(tmp, len, "%s.tmp%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  if (!f) {
    free(tmp);
    return -1;
  }
  int ok = fwrite(data, 1, n, f) == n;
  if (fclose(f) != 0) ok = 0;
  if (!ok || rename(tmp, path) != 0) {
    int e = errno;
    remove(tmp);
    free(tmp);
    errno = e;
    return -1;
  }
  free(tmp);
  return 0;
}

size_t ap_utf8_len(const unsigned char *p) {
  if (p[0] < 0x80) return 1;
  size_t n;
  uint32_t min, c;
  if ((p[0] & 0xe0) == 0xc0) n = 2, min = 0x80, c = p[0] & 0x1f;
  else if ((p[0] & 0xf0) == 0xe0) n = 3, min = 0x800, c = p[0] & 0x0f;
  else if ((p[0] & 0xf8) == 0xf0) n = 4, min = 0x10000, c = p[0] & 0x07;
  else return 0;
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    c = c << 6 | (p[i] & 0x3f);
  }
  if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return 0;
  return n;
}
