/* strutil.h -- small string helpers shared by the core. */
#ifndef AP_STRUTIL_H
#define AP_STRUTIL_H
#include <stddef.h>
#include <stdarg.h>

/* snprintf that always terminates and never fails on truncation. */
void ap_fmt(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ap_vfmt(char *buf, size_t n, const char *fmt, va_list ap);
/* Append to a terminated buffer, truncating silently. */
void ap_append(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Levenshtein distance, for "did you mean" hints. */
size_t ap_edit_distance(const char *a, const char *b);
/* Of `n` candidates, the closest to `name` if it is close enough to be a
 * plausible typo (distance <= max(1, len/3)), else NULL. */
const char *ap_closest(const char *name, const char *const *cand, size_t n);

/* Length of the valid UTF-8 sequence (shortest form, no surrogates) that
 * starts at p, or 0 when there is none. */
size_t ap_utf8_len(const unsigned char *p);
/* malloc'd copy, NULL on allocation failure. */
char *ap_strdup(const char *s);
/* Write `data` to `path` via a temporary file and rename, so that a
 * reader never sees a half-written file.  Returns 0 or -1 (errno set). */
int ap_write_atomic(const char *path, const void *data, size_t n);
/* Whether this process writes the run's files (default yes; in a run of
 * several processes only rank 0 does: the others' writes succeed without
 * touching the disk). */
int ap_writes_enabled(void);
void ap_set_writes_enabled(int on);
/* While a restored run replays its script up to the snapshot's step
 * (run/checkpoint.c), the script's saves are not repeated: the run that
 * wrote the snapshot made them.  ap_writes_enabled() is then false;
 * ap_writes_process() says only whether this process writes at all
 * (streamed recorders open their files either way). */
void ap_set_replaying(int on);
int ap_writes_process(void);
#endif
