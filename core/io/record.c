/* record.c -- spike and state recorders, their .csv/.npy files and the
 * provenance sidecars.
 *
 * Data live in growing arrays (one time per row; senders for spikes, a
 * row-major rows x width matrix for states).  Files are never seen half
 * written: ap_rec_save writes temporaries and renames them; a stream
 * writes FILE.part and renames it in ap_rec_close.
 */
#include "io/record.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "io/npy.h"
#include "io/snapshot.h"
#include "io/sha256.h"
#include "base/strutil.h"

enum { FMT_NONE = 0, FMT_CSV = 1, FMT_NPY = 2 };

#define STREAM_BUF (1u << 16)

struct ap_recorder {
  int kind;
  size_t first, width;
  char *var;        /* states only */
  char *unit;       /* of the values, NULL for none */
  double dt;        /* of the recorded times, 0 until known */
  int64_t interval; /* states; 1 for spikes */

  size_t rows, cap;
  double *times;
  uint32_t *senders; /* spikes */
  double *values;    /* states, rows x width */

  double t_start, t_end;

  /* Streaming: sf is open from creation until close or abort. */
  char *stream_path, *part_path;
  FILE *sf;
  char *sbuf;
  int sfmt;
  int stream_errno; /* first write failure, 0 if none */
};

/* The file type by extension (case-insensitive), FMT_NONE if neither. */
static int file_format(const char *path) {
  const char *dot = strrchr(path, '.');
  if (!dot || strchr(dot, '/')) return FMT_NONE;
  if (strcasecmp(dot, ".csv") == 0) return FMT_CSV;
  if (strcasecmp(dot, ".npy") == 0) return FMT_NPY;
  return FMT_NONE;
}

static size_t n_cols(const ap_recorder *r) {
  return r->kind == AP_REC_SPIKES ? 2 : 1 + r->width;
}

/* "NAME" + SUFFIX, malloc'd. */
static char *with_suffix(const char *path, const char *suffix) {
  size_t a = strlen(path), b = strlen(suffix);
  char *s = malloc(a + b + 1);
  if (!s) return NULL;
  memcpy(s, path, a);
  memcpy(s + a, suffix, b + 1);
  return s;
}

/* ---- rows on disk ------------------------------------------------------ */

static int write_header(FILE *f, const ap_recorder *r, int fmt,
                        uint64_t rows) {
  if (fmt == FMT_NPY) return ap_npy_write_header(f, rows, n_cols(r));
  if (r->kind == AP_REC_SPIKES) return fputs("time_ms,sender\n", f) < 0 ? -1 : 0;
  if (fputs("time_ms", f) < 0) return -1;
  for (size_t j = 0; j < r->width; j++)
    if (fprintf(f, ",%s_%zu", r->var, j + 1) < 0) return -1;
  return fputc('\n', f) == EOF ? -1 : 0;
}

/* Row i of the recorder. */
static int write_row(FILE *f, const ap_recorder *r, int fmt, size_t i) {
  if (r->kind == AP_REC_SPIKES) {
    if (fmt == FMT_CSV)
      return fprintf(f, "%.10g,%" PRIu32 "\n", r->times[i], r->senders[i]) <
                     0
                 ? -1
                 : 0;
    double row[2] = {r->times[i], (double)r->senders[i]};
    return ap_npy_write_values(f, row, 2);
  }
  const double *v = r->values + i * r->width;
  if (fmt == FMT_NPY) {
    if (ap_npy_write_values(f, &r->times[i], 1) != 0) return -1;
    return ap_npy_write_values(f, v, r->width);
  }
  if (fprintf(f, "%.10g", r->times[i]) < 0) return -1;
  for (size_t j = 0; j < r->width; j++)
    if (fprintf(f, ",%.17g", v[j]) < 0) return -1;
  return fputc('\n', f) == EOF ? -1 : 0;
}

/* ---- creation ---------------------------------------------------------- */

ap_recorder *ap_rec_new(int kind, size_t first, size_t count,
                        const char *var, int64_t interval,
                        const char *stream_file, char *err, size_t n) {
  if (kind != AP_REC_SPIKES && kind != AP_REC_STATE) {
    ap_fmt(err, n, "unknown recorder kind %d", kind);
    return NULL;
  }
  if (first + count < first) {
    ap_fmt(err, n, "recorded neurons %zu..+%zu out of range", first, count);
    return NULL;
  }
  if (kind == AP_REC_SPIKES && count > UINT32_MAX) {
    ap_fmt(err, n, "cannot record spikes of more than %" PRIu32 " neurons",
           UINT32_MAX);
    return NULL;
  }
  if (kind == AP_REC_STATE) {
    if (!var || !*var) {
      ap_fmt(err, n, "a state recorder needs a variable name");
      return NULL;
    }
    if (strpbrk(var, ",\"\r\n")) {
      ap_fmt(err, n, "state variable name '%s' cannot name a column", var);
      return NULL;
    }
    if (interval < 1) {
      ap_fmt(err, n,
             "recording interval must be at least 1 step, got %" PRId64,
             interval);
      return NULL;
    }
  }
  int sfmt = FMT_NONE;
  if (stream_file) {
    sfmt = file_format(stream_file);
    if (sfmt == FMT_NONE) {
      ap_fmt(err, n,
             "cannot stream to '%s': unknown file type (use .csv or .npy)",
             stream_file);
      return NULL;
    }
  }

  ap_recorder *r = calloc(1, sizeof *r);
  if (!r) goto oom;
  r->kind = kind;
  r->first = first;
  r->width = count;
  r->interval = kind == AP_REC_STATE ? interval : 1;
  if (kind == AP_REC_STATE && !(r->var = ap_strdup(var))) goto oom;
  if (!stream_file || !ap_writes_process()) return r;

  r->sfmt = sfmt;
  r->stream_path = ap_strdup(stream_file);
  r->part_path = with_suffix(stream_file, ".part");
  r->sbuf = malloc(STREAM_BUF);
  if (!r->stream_path || !r->part_path || !r->sbuf) goto oom;
  r->sf = fopen(r->part_path, "wb");
  if (!r->sf) {
    ap_fmt(err, n, "cannot create '%s': %s", r->part_path, strerror(errno));
    ap_rec_free(r);
    return NULL;
  }
  setvbuf(r->sf, r->sbuf, _IOFBF, STREAM_BUF);
  if (write_header(r->sf, r, sfmt, 0) != 0 || fflush(r->sf) != 0) {
    ap_fmt(err, n, "cannot write '%s': %s", r->part_path, strerror(errno));
    ap_rec_abort(r);
    ap_rec_free(r);
    return NULL;
  }
  return r;
oom:
  ap_fmt(err, n, "out of memory");
  ap_rec_free(r);
  return NULL;
}

void ap_rec_free(ap_recorder *r) {
  if (!r) return;
  if (r->sf) fclose(r->sf);
  free(r->sbuf);
  free(r->stream_path);
  free(r->part_path);
  free(r->var);
  free(r->unit);
  free(r->times);
  free(r->senders);
  free(r->values);
  free(r);
}

int ap_rec_kind_of(const ap_recorder *r) { return r->kind; }
size_t ap_rec_first(const ap_recorder *r) { return r->first; }
size_t ap_rec_width(const ap_recorder *r) { return r->width; }
const char *ap_rec_var(const ap_recorder *r) { return r->var; }
int64_t ap_rec_interval(const ap_recorder *r) { return r->interval; }

int ap_rec_set_unit(ap_recorder *r, const char *unit) {
  char *u = NULL;
  if (unit && !(u = ap_strdup(unit))) return -1;
  free(r->unit);
  r->unit = u;
  return 0;
}

const char *ap_rec_unit(const ap_recorder *r) { return r->unit; }
double ap_rec_dt(const ap_recorder *r) { return r->dt; }

/* ---- recording --------------------------------------------------------- */

/* Room for one more row. */
static int grow_to(ap_recorder *r, size_t need) {
  if (need <= r->cap) return 0;
  size_t cap = r->cap ? r->cap * 2 : 64;
  if (cap < need) cap = need;
  size_t per = r->kind == AP_REC_STATE ? r->width : 1;
  if (cap < r->cap || (per && cap > SIZE_MAX / sizeof(double) / per)) {
    errno = ENOMEM;
    return -1;
  }
  double *t = realloc(r->times, cap * sizeof *t);
  if (!t) return -1;
  r->times = t;
  if (r->kind == AP_REC_SPIKES) {
    uint32_t *s = realloc(r->senders, cap * sizeof *s);
    if (!s) return -1;
    r->senders = s;
  } else if (per) {
    double *v = realloc(r->values, cap * per * sizeof *v);
    if (!v) return -1;
    r->values = v;
  }
  r->cap = cap;
  return 0;
}

static int grow(ap_recorder *r) { return grow_to(r, r->rows + 1); }

/* Append the last row to the stream, remembering the first failure. */
static int stream_row(ap_recorder *r) {
  if (!r->sf) return 0;
  if (r->stream_errno) {
    errno = r->stream_errno;
    return -1;
  }
  errno = 0;
  if (write_row(r->sf, r, r->sfmt, r->rows - 1) != 0 || ferror(r->sf)) {
    r->stream_errno = errno ? errno : EIO;
    errno = r->stream_errno;
    return -1;
  }
  return 0;
}

int ap_rec_spikes(ap_recorder *r, int64_t step, double dt,
                  const uint32_t *idx, size_t n) {
  if (r->kind != AP_REC_SPIKES) {
    errno = EINVAL;
    return -1;
  }
  double t = (double)(step + 1) * dt;
  int rc = 0;
  r->dt = dt;
  for (size_t i = 0; i < n; i++) {
    if (idx[i] < r->first || idx[i] - r->first >= r->width) continue;
    if (grow(r) != 0) return -1;
    r->times[r->rows] = t;
    r->senders[r->rows] = (uint32_t)(idx[i] - r->first + 1);
    r->rows++;
    if (stream_row(r) != 0) rc = -1;
  }
  return rc;
}

int ap_rec_sample(ap_recorder *r, int64_t step, double dt,
                  const double *values) {
  if (r->kind != AP_REC_STATE) {
    errno = EINVAL;
    return -1;
  }
  if (grow(r) != 0) return -1;
  r->dt = dt;
  r->times[r->rows] = (double)(step + 1) * dt;
  if (r->width)
    memcpy(r->values + r->rows * r->width, values + r->first,
           r->width * sizeof *values);
  r->rows++;
  return stream_row(r);
}

int ap_rec_due(const ap_recorder *r, int64_t step) {
  if (step < 0) return 0;
  return (step + 1) % r->interval == 0;
}

size_t ap_rec_count(const ap_recorder *r) { return r->rows; }
const double *ap_rec_times(const ap_recorder *r) { return r->times; }
const uint32_t *ap_rec_senders(const ap_recorder *r) { return r->senders; }
const double *ap_rec_values(const ap_recorder *r) { return r->values; }

void ap_rec_set_span(ap_recorder *r, double t_start_ms, double t_end_ms) {
  r->t_start = t_start_ms;
  r->t_end = t_end_ms;
}

void ap_rec_span(const ap_recorder *r, double *t_start_ms, double *t_end_ms) {
  *t_start_ms = r->t_start;
  *t_end_ms = r->t_end;
}

double ap_rec_rate(const ap_recorder *r) {
  double span = r->t_end - r->t_start;
  if (r->kind != AP_REC_SPIKES || r->width == 0 || !(span > 0)) return 0.0;
  return (double)r->rows / (double)r->width / (span / 1000.0);
}

/* ---- sidecar ----------------------------------------------------------- */

typedef struct sbuf {
  char *s;
  size_t len, cap;
  int oom;
} sbuf;

static void sb_raw(sbuf *b, const char *p, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
      b->oom = 1;
      return;
    }
    b->s = s;
    b->cap = cap;
  }
  memcpy(b->s + b->len, p, n);
  b->len += n;
  b->s[b->len] = '\0';
}

static void sb_add(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void sb_add(sbuf *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (len < 0 || (size_t)len >= sizeof tmp) {
    b->oom = 1;
    return;
  }
  sb_raw(b, tmp, (size_t)len);
}


/* A JSON string, or null for NULL.  Bytes that are not UTF-8 (paths may
 * hold any) become U+FFFD, so the sidecar stays valid JSON. */
static void sb_json_str(sbuf *b, const char *s) {
  if (!s) {
    sb_raw(b, "null", 4);
    return;
  }
  sb_raw(b, "\"", 1);
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    if (*p == '"' || *p == '\\') {
      char esc[2] = {'\\', (char)*p};
      sb_raw(b, esc, 2);
      p++;
    } else if (*p < 0x20) {
      switch (*p) {
      case '\n': sb_raw(b, "\\n", 2); break;
      case '\t': sb_raw(b, "\\t", 2); break;
      case '\r': sb_raw(b, "\\r", 2); break;
      case '\b': sb_raw(b, "\\b", 2); break;
      case '\f': sb_raw(b, "\\f", 2); break;
      default: sb_add(b, "\\u%04x", *p); break;
      }
      p++;
    } else {
      size_t n = ap_utf8_len(p);
      if (n) {
        sb_raw(b, (const char *)p, n);
        p += n;
      } else {
        sb_raw(b, "\\ufffd", 6);
        p++;
      }
    }
  }
  sb_raw(b, "\"", 1);
}

/* Shortest %g that reads back as d; JSON has no inf or nan. */
static void sb_json_num(sbuf *b, double d) {
  if (!isfinite(d)) {
    sb_raw(b, "null", 4);
    return;
  }
  char buf[40];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, d);
    if (strtod(buf, NULL) == d) break;
  }
  sb_add(b, "%s", buf);
}

/* The sidecar text (malloc'd) or NULL when out of memory. */
static char *sidecar(const ap_recorder *r, const ap_provenance *p) {
  sbuf b = {NULL, 0, 0, 0};
  sb_add(&b, "{\n  \"apical_version\": ");
  sb_json_str(&b, p ? p->version : NULL);
  if (p)
    sb_add(&b, ",\n  \"seed\": %" PRIu64 ",\n  \"dt_ms\": ", p->seed);
  else
    sb_add(&b, ",\n  \"seed\": null,\n  \"dt_ms\": ");
  if (p)
    sb_json_num(&b, p->dt);
  else
    sb_add(&b, "null");
  sb_add(&b, ",\n  \"backend\": ");
  sb_json_str(&b, p ? p->backend : NULL);
  if (p)
    sb_add(&b, ",\n  \"threads\": %d", p->threads);
  else
    sb_add(&b, ",\n  \"threads\": null");
  sb_add(&b, ",\n  \"script\": ");
  sb_json_str(&b, p ? p->script : NULL);
  sb_add(&b, ",\n  \"script_sha256\": ");
  sb_json_str(&b, p ? p->script_sha256 : NULL);
  sb_add(&b, ",\n  \"contents\": ");
  sb_json_str(&b, p ? p->what : NULL);
  sb_add(&b, ",\n  \"unit\": ");
  sb_json_str(&b, r->unit);
  sb_add(&b, ",\n  \"t_start_ms\": ");
  sb_json_num(&b, r->t_start);
  sb_add(&b, ",\n  \"t_end_ms\": ");
  sb_json_num(&b, r->t_end);
  sb_add(&b, ",\n  \"columns\": [\"time_ms\"");
  if (r->kind == AP_REC_SPIKES) {
    sb_add(&b, ", \"sender\"");
  } else {
    /* "V_m_1", ...: the escaped name without its closing quote, then the
     * index. */
    sbuf name = {NULL, 0, 0, 0};
    sb_json_str(&name, r->var);
    if (name.oom) b.oom = 1;
    for (size_t j = 0; j < r->width && !b.oom; j++) {
      sb_raw(&b, ", ", 2);
      sb_raw(&b, name.s, name.len - 1);
      sb_add(&b, "_%zu\"", j + 1);
    }
    free(name.s);
  }
  sb_add(&b, "],\n  \"rows\": %zu,\n  \"created\": ", r->rows);
  char when[32] = "";
  time_t now = time(NULL);
  struct tm tm;
  if (gmtime_r(&now, &tm))
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  sb_json_str(&b, when[0] ? when : NULL);
  sb_add(&b, "\n}\n");
  if (b.oom) {
    free(b.s);
    return NULL;
  }
  return b.s;
}

/* Write PATH.json atomically. */
static int write_sidecar(const ap_recorder *r, const char *path,
                         const ap_provenance *prov, char *err, size_t n) {
  char *json_path = with_suffix(path, ".json");
  char *text = sidecar(r, prov);
  if (!json_path || !text) {
    ap_fmt(err, n, "out of memory");
    free(json_path);
    free(text);
    return -1;
  }
  int rc = 0;
  if (ap_write_atomic(json_path, text, strlen(text)) != 0) {
    ap_fmt(err, n, "cannot write '%s': %s", json_path, strerror(errno));
    rc = -1;
  }
  free(json_path);
  free(text);
  return rc;
}

static void remove_sidecar(const char *path) {
  char *json_path = with_suffix(path, ".json");
  if (json_path) remove(json_path);
  free(json_path);
}

/* ---- saving ------------------------------------------------------------ */

int ap_rec_save(const ap_recorder *r, const char *path,
                const ap_provenance *prov, char *err, size_t n) {
  int fmt = file_format(path);
  if (fmt == FMT_NONE) {
    ap_fmt(err, n, "cannot save '%s': unknown file type (use .csv or .npy)",
           path);
    return -1;
  }
  if (!ap_writes_enabled()) return 0;
  char suffix[32];
  ap_fmt(suffix, sizeof suffix, ".tmp%ld", (long)getpid());
  char *tmp = with_suffix(path, suffix);
  if (!tmp) {
    ap_fmt(err, n, "out of memory");
    return -1;
  }
  FILE *f = fopen(tmp, "wb");
  if (!f) {
    ap_fmt(err, n, "cannot write '%s': %s", path, strerror(errno));
    free(tmp);
    return -1;
  }
  errno = 0;
  int ok = write_header(f, r, fmt, r->rows) == 0;
  for (size_t i = 0; ok && i < r->rows; i++) ok = write_row(f, r, fmt, i) == 0;
  if (ferror(f)) ok = 0;
  int e = errno ? errno : EIO;
  if (fclose(f) != 0 && ok) {
    ok = 0;
    e = errno ? errno : EIO;
  }
  if (!ok) {
    ap_fmt(err, n, "cannot write '%s': %s", path, strerror(e));
    remove(tmp);
    free(tmp);
    return -1;
  }
  if (write_sidecar(r, path, prov, err, n) != 0) {
    remove(tmp);
    free(tmp);
    return -1;
  }
  if (rename(tmp, path) != 0) {
    ap_fmt(err, n, "cannot write '%s': %s", path, strerror(errno));
    remove(tmp);
    remove_sidecar(path);
    free(tmp);
    return -1;
  }
  free(tmp);
  return 0;
}

/* ---- tables ------------------------------------------------------------ */

int ap_table_save(const char *path, const char *const *cols, size_t n_cols_,
                  const double *v, size_t rows, const ap_provenance *prov,
                  char *err, size_t n) {
  int fmt = file_format(path);
  if (fmt == FMT_NONE) {
    ap_fmt(err, n, "cannot save '%s': unknown file type (use .csv or .npy)",
           path);
    return -1;
  }
  if (!ap_writes_enabled()) return 0;
  char suffix[32];
  ap_fmt(suffix, sizeof suffix, ".tmp%ld", (long)getpid());
  char *tmp = with_suffix(path, suffix);
  char *json_path = with_suffix(path, ".json");
  sbuf b = {NULL, 0, 0, 0};
  if (!tmp || !json_path) goto nomem;
  FILE *f = fopen(tmp, "wb");
  if (!f) {
    ap_fmt(err, n, "cannot write '%s': %s", path, strerror(errno));
    goto fail;
  }
  errno = 0;
  int ok = 1;
  if (fmt == FMT_NPY) {
    ok = ap_npy_write_header(f, rows, n_cols_) == 0 &&
         ap_npy_write_values(f, v, rows * n_cols_) == 0;
  } else {
    for (size_t j = 0; ok && j < n_cols_; j++)
      ok = fprintf(f, "%s%s", j ? "," : "", cols[j]) >= 0;
    ok = ok && fputc('\n', f) != EOF;
    for (size_t i = 0; ok && i < rows; i++) {
      for (size_t j = 0; ok && j < n_cols_; j++)
        ok = fprintf(f, "%s%.17g", j ? "," : "", v[i * n_cols_ + j]) >= 0;
      ok = ok && fputc('\n', f) != EOF;
    }
  }
  if (ferror(f)) ok = 0;
  int e = errno ? errno : EIO;
  if (fclose(f) != 0 && ok) {
    ok = 0;
    e = errno ? errno : EIO;
  }
  if (!ok) {
    ap_fmt(err, n, "cannot write '%s': %s", path, strerror(e));
    remove(tmp);
    goto fail;
  }
  sb_add(&b, "{\n  \"apical_version\": ");
  sb_json_str(&b, prov ? prov->version : NULL);
  if (prov) {
    sb_add(&b, ",\n  \"seed\": %" PRIu64 ",\n  \"dt_ms\": ", prov->seed);
    sb_json_num(&b, prov->dt);
  }
  sb_add(&b, ",\n  \"script\": ");
  sb_json_str(&b, prov ? prov->script : NULL);
  sb_add(&b, ",\n  \"script_sha256\": ");
  sb_json_str(&b, prov ? prov->script_sha256 : NULL);
  sb_add(&b, ",\n  \"contents\": ");
  sb_json_str(&b, prov ? prov->what : NULL);
  sb_add(&b, ",\n  \"unit\": ");
  sb_json_str(&b, prov ? prov->unit : NULL);
  sb_add(&b, ",\n  \"columns\": [");
  for (size_t j = 0; j < n_cols_; j++) {
    if (j) sb_raw(&b, ", ", 2);
    sb_json_str(&b, cols[j]);
  }
  sb_add(&b, "],\n  \"rows\": %zu\n}\n", rows);
  if (b.oom) {
    remove(tmp);
    goto nomem;
  }
  if (ap_write_atomic(json_path, b.s, b.len) != 0) {
    ap_fmt(err, n, "cannot write '%s': %s", json_path, strerror(errno));
    remove(tmp);
    goto fail;
  }
  if (rename(tmp, path) != 0) {
    ap_fmt(err, n, "cannot write '%s': %s", path, strerror(errno));
    remove(tmp);
    remove(json_path);
    goto fail;
  }
  free(tmp);
  free(json_path);
  free(b.s);
  return 0;
nomem:
  ap_fmt(err, n, "out of memory");
fail:
  free(tmp);
  free(json_path);
  free(b.s);
  return -1;
}

/* ---- streams ----------------------------------------------------------- */

/* Close the stream file and drop the partial file. */
static void drop_stream(ap_recorder *r) {
  if (!r->sf) return;
  fclose(r->sf);
  r->sf = NULL;
  remove(r->part_path);
}

int ap_rec_close(ap_recorder *r, const ap_provenance *prov, char *err,
                 size_t n) {
  if (!r->sf || !ap_writes_enabled()) return 0; /* replaying: later */
  errno = 0;
  int e = r->stream_errno;
  if (!e && r->sfmt == FMT_NPY &&
      ap_npy_rewrite_header(r->sf, r->rows, n_cols(r)) != 0)
    e = errno ? errno : EIO;
  if (!e && (fflush(r->sf) != 0 || ferror(r->sf))) e = errno ? errno : EIO;
  if (e) {
    ap_fmt(err, n, "cannot write '%s': %s", r->part_path, strerror(e));
    drop_stream(r);
    return -1;
  }
  FILE *f = r->sf;
  r->sf = NULL;
  if (fclose(f) != 0) {
    ap_fmt(err, n, "cannot write '%s': %s", r->part_path, strerror(errno));
    remove(r->part_path);
    return -1;
  }
  if (write_sidecar(r, r->stream_path, prov, err, n) != 0) {
    remove(r->part_path);
    return -1;
  }
  if (rename(r->part_path, r->stream_path) != 0) {
    ap_fmt(err, n, "cannot write '%s': %s", r->stream_path, strerror(errno));
    remove(r->part_path);
    remove_sidecar(r->stream_path);
    return -1;
  }
  return 0;
}

void ap_rec_abort(ap_recorder *r) {
  if (r) drop_stream(r);
}

/* ---- checksums --------------------------------------------------------- */

int ap_sha256_file(const char *path, char out_hex[65]) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  ap_sha256 c;
  ap_sha256_init(&c);
  unsigned char buf[1 << 14];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, f)) > 0) ap_sha256_update(&c, buf, got);
  if (ferror(f)) {
    int e = errno ? errno : EIO;
    fclose(f);
    errno = e;
    return -1;
  }
  fclose(f);
  unsigned char d[32];
  ap_sha256_final(&c, d);
  ap_sha256_hex(d, out_hex);
  return 0;
}

/* ---- snapshots --------------------------------------------------------- */

int ap_rec_dump(const ap_recorder *r, struct ap_snap *s) {
  const size_t per = r->kind == AP_REC_SPIKES ? 1 : r->width;
  int rc = ap_snap_put_u64(s, (uint64_t)r->kind) ||
           ap_snap_put_u64(s, r->first) || ap_snap_put_u64(s, r->width) ||
           ap_snap_put_u64(s, r->rows) || ap_snap_put_f64(s, r->dt) ||
           ap_snap_put_f64(s, r->t_start) || ap_snap_put_f64(s, r->t_end) ||
           ap_snap_put(s, r->times, r->rows * sizeof *r->times);
  if (!rc && r->kind == AP_REC_SPIKES)
    rc = ap_snap_put(s, r->senders, r->rows * sizeof *r->senders);
  else if (!rc && per)
    rc = ap_snap_put(s, r->values, r->rows * per * sizeof *r->values);
  return rc ? -1 : 0;
}

int ap_rec_load(ap_recorder *r, struct ap_snap *s, char *err, size_t n) {
  uint64_t kind, first, width, rows;
  double dt, t0, t1;
  if (ap_snap_get_u64(s, &kind) || ap_snap_get_u64(s, &first) ||
      ap_snap_get_u64(s, &width) || ap_snap_get_u64(s, &rows) ||
      ap_snap_get_f64(s, &dt) || ap_snap_get_f64(s, &t0) ||
      ap_snap_get_f64(s, &t1)) {
    ap_fmt(err, n, "the recorder's section ends early");
    return -1;
  }
  if (kind != (uint64_t)r->kind || first != r->first || width != r->width) {
    ap_fmt(err, n, "the snapshot's recorder records %s of neurons %llu..%llu, "
           "this one %s of %zu..%zu",
           kind == AP_REC_SPIKES ? "spikes" : "a state",
           (unsigned long long)first + 1, (unsigned long long)(first + width),
           r->kind == AP_REC_SPIKES ? "spikes" : "a state", r->first + 1,
           r->first + r->width);
    return -1;
  }
  const size_t per = r->kind == AP_REC_SPIKES ? 1 : r->width;
  const size_t each = sizeof(double) +
                      (r->kind == AP_REC_SPIKES ? sizeof(uint32_t)
                                                : per * sizeof(double));
  if (rows > ap_snap_left(s) / each) {
    ap_fmt(err, n, "the recorder's section ends early");
    return -1;
  }
  r->rows = 0;
  while (r->cap < rows)
    if (grow_to(r, (size_t)rows) != 0) {
      ap_fmt(err, n, "out of memory restoring a recorder");
      return -1;
    }
  if (rows && (ap_snap_get(s, r->times, rows * sizeof *r->times) ||
      (r->kind == AP_REC_SPIKES
           ? ap_snap_get(s, r->senders, rows * sizeof *r->senders)
           : ap_snap_get(s, r->values, rows * per * sizeof *r->values)))) {
    ap_fmt(err, n, "the recorder's section ends early");
    return -1;
  }
  r->rows = (size_t)rows;
  r->dt = dt;
  r->t_start = t0;
  r->t_end = t1;
  if (!r->sf) return 0;
  /* the stream again from its start, with the restored rows */
  errno = 0;
  int bad = fflush(r->sf) != 0 || ftruncate(fileno(r->sf), 0) != 0 ||
            fseek(r->sf, 0, SEEK_SET) != 0 ||
            write_header(r->sf, r, r->sfmt, 0) != 0;
  for (size_t i = 0; !bad && i < r->rows; i++)
    bad = write_row(r->sf, r, r->sfmt, i) != 0;
  if (bad || fflush(r->sf) != 0) {
    ap_fmt(err, n, "cannot write '%s': %s", r->part_path,
           strerror(errno ? errno : EIO));
    return -1;
  }
  r->stream_errno = 0;
  return 0;
}
