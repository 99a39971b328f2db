/* dataset.c -- IDX image and label files (MNIST, Fashion-MNIST), plain or
 * gzip-compressed, read whole into memory.
 *
 * zlib's gz* functions read a plain file as it is and a gzip stream
 * decompressed, deciding from the first bytes, so the one reader below
 * serves both and a renamed file (x.gz that is plain, x that is gzip) is
 * read correctly.  The file is opened with open(2) and handed to gzdopen
 * so that a missing file reports errno's reason, which gzopen does not
 * promise.
 */
#include "io/dataset.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/strutil.h"

#define IDX_IMAGES 0x00000803u /* unsigned bytes, 3 dimensions */
#define IDX_LABELS 0x00000801u /* unsigned bytes, 1 dimension */

struct ap_dataset {
  uint8_t *pixels; /* count * rows * cols */
  uint8_t *labels; /* count, or NULL */
  size_t count, rows, cols;
  char *images_path, *labels_path;
};

/* One IDX file being read: what it should be, and what it says. */
typedef struct idx_read {
  const char *path;
  int images;        /* 1: image file, 0: label file */
  uint32_t dims[3];  /* count, rows, cols (labels: count only) */
  uint8_t *data;     /* malloc'd, `want` bytes */
  size_t want;
} idx_read;

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         (uint32_t)p[3];
}

/* Read up to len bytes; returns the bytes read, short only at the end of
 * the data or on an error (then *failed is set). */
static size_t read_some(gzFile gz, uint8_t *buf, size_t len, int *failed) {
  size_t got = 0;
  *failed = 0;
  while (got < len) {
    /* gzread takes an unsigned and returns an int: keep chunks small. */
    size_t chunk = len - got < (1u << 30) ? len - got : (1u << 30);
    int r = gzread(gz, buf + got, (unsigned)chunk);
    if (r < 0) {
      *failed = 1;
      break;
    }
    if (r == 0) break;
    got += (size_t)r;
  }
  return got;
}

/* What the header announces, for messages: "60000 images of 28x28". */
static void announced(const idx_read *f, char *buf, size_t n) {
  if (f->images)
    ap_fmt(buf, n, "%lu images of %lux%lu", (unsigned long)f->dims[0],
           (unsigned long)f->dims[1], (unsigned long)f->dims[2]);
  else
    ap_fmt(buf, n, "%lu labels", (unsigned long)f->dims[0]);
}

/* A gzip error other than "the stream stops early" (Z_BUF_ERROR), which
 * callers report as truncation. */
static int gz_failed(gzFile gz, const char *path, char *err, size_t n) {
  int code = Z_OK;
  const char *msg = gzerror(gz, &code);
  if (code == Z_OK || code == Z_BUF_ERROR) return 0;
  /* zlib prefixes its messages with the name it knows, "<fd:4>" after
   * gzdopen; the path goes in front instead. */
  const char *colon = strncmp(msg, "<fd:", 4) == 0 ? strstr(msg, ": ") : NULL;
  if (colon) msg = colon + 2;
  if (code == Z_ERRNO)
    ap_fmt(err, n, "cannot read '%s': %s", path, strerror(errno));
  else
    ap_fmt(err, n, "%s: corrupt gzip data (%s)", path, msg);
  return 1;
}

static int read_body(gzFile gz, idx_read *f, char *err, size_t n) {
  const char *kind = f->images ? "image" : "label";
  uint8_t head[16];
  size_t head_len = f->images ? 16 : 8;
  int failed;
  size_t got = read_some(gz, head, head_len, &failed);
  if (failed && gz_failed(gz, f->path, err, n)) return -1;
  uint32_t want_magic = f->images ? IDX_IMAGES : IDX_LABELS;
  if (got >= 4 && be32(head) != want_magic) {
    uint32_t m = be32(head);
    const char *hint = m == IDX_LABELS   ? ", which marks a label file"
                       : m == IDX_IMAGES ? ", which marks an image file"
                                         : "";
    ap_fmt(err, n, "%s: not an IDX %s file (magic 0x%08lx%s; expected "
           "0x%08lx)", f->path, kind, (unsigned long)m, hint,
           (unsigned long)want_magic);
    return -1;
  }
  if (got < head_len) {
    ap_fmt(err, n, "%s: truncated: the file holds %zu bytes, less than the "
           "%zu-byte header of an IDX %s file", f->path, got, head_len, kind);
    return -1;
  }
  f->dims[0] = be32(head + 4);
  f->dims[1] = f->images ? be32(head + 8) : 1;
  f->dims[2] = f->images ? be32(head + 12) : 1;
  char what[96];
  announced(f, what, sizeof what);
  if (f->images && (f->dims[1] == 0 || f->dims[2] == 0)) {
    ap_fmt(err, n, "%s: header says %s: images need at least one pixel",
           f->path, what);
    return -1;
  }
  /* The product of three 32-bit numbers can overflow size_t. */
  if (f->dims[1] > SIZE_MAX / f->dims[2] ||
      (f->dims[0] &&
       (size_t)f->dims[1] * f->dims[2] > SIZE_MAX / f->dims[0])) {
    ap_fmt(err, n, "%s: header says %s, more than memory can hold", f->path,
           what);
    return -1;
  }
  f->want = (size_t)f->dims[0] * f->dims[1] * f->dims[2];

  /* Grow the buffer as data arrive rather than trusting the header with
   * one large allocation: a damaged header should fail as truncated, not
   * as out of memory. */
  size_t cap = f->want < ((size_t)1 << 20) ? f->want : (size_t)1 << 20;
  f->data = malloc(cap ? cap : 1);
  if (!f->data) goto oom;
  got = 0;
  for (;;) {
    size_t r = read_some(gz, f->data + got, cap - got, &failed);
    got += r;
    if (failed && gz_failed(gz, f->path, err, n)) return -1;
    if (got < cap || cap == f->want) break;
    size_t grown = cap > f->want / 2 ? f->want : 2 * cap;
    uint8_t *p = realloc(f->data, grown);
    if (!p) goto oom;
    f->data = p;
    cap = grown;
  }
  if (got < f->want) {
    ap_fmt(err, n, "%s: truncated: header says %s, file holds %zu bytes of "
           "%s", f->path, what, got, f->images ? "pixels" : "labels");
    return -1;
  }
  /* Anything after the data means the header's count is wrong. */
  uint8_t extra;
  if (read_some(gz, &extra, 1, &failed) == 1) {
    ap_fmt(err, n, "%s: more data than the header says (%s)", f->path, what);
    return -1;
  }
  if (failed && gz_failed(gz, f->path, err, n)) return -1;
  int code = Z_OK;
  gzerror(gz, &code);
  if (code == Z_BUF_ERROR) {
    /* All the data, but the gzip trailer (its checksum) is missing. */
    ap_fmt(err, n, "%s: truncated: the gzip stream ends before its "
           "checksum", f->path);
    return -1;
  }
  return 0;
oom:
  ap_fmt(err, n, "%s: out of memory for %s", f->path, what);
  return -1;
}

/* Read a whole IDX file into f (f->path and f->images set by the caller).
 * On failure f->data may hold a buffer; the caller frees it. */
static int read_idx(idx_read *f, char *err, size_t n) {
  int fd = open(f->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ap_fmt(err, n, "cannot open '%s': %s", f->path, strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    ap_fmt(err, n, "cannot open '%s': %s", f->path, strerror(EISDIR));
    return -1;
  }
  gzFile gz = gzdopen(fd, "rb");
  if (!gz) {
    close(fd);
    ap_fmt(err, n, "cannot open '%s': out of memory", f->path);
    return -1;
  }
  gzbuffer(gz, 256 * 1024); /* fewer read calls on 47 MB of pixels */
  int r = read_body(gz, f, err, n);
  gzclose(gz); /* closes fd */
  return r;
}

ap_dataset *ap_dataset_open(const char *images, const char *labels,
                            char *err, size_t n) {
  if (!images) {
    ap_fmt(err, n, "no image file given");
    return NULL;
  }
  ap_dataset *ds = calloc(1, sizeof *ds);
  idx_read img = {.path = images, .images = 1};
  idx_read lab = {.path = labels, .images = 0};
  if (!ds) {
    ap_fmt(err, n, "out of memory");
    return NULL;
  }
  ds->images_path = ap_strdup(images);
  ds->labels_path = labels ? ap_strdup(labels) : NULL;
  if (!ds->images_path || (labels && !ds->labels_path)) {
    ap_fmt(err, n, "out of memory");
    goto fail;
  }
  if (read_idx(&img, err, n)) goto fail;
  ds->pixels = img.data;
  img.data = NULL;
  ds->count = img.dims[0];
  ds->rows = img.dims[1];
  ds->cols = img.dims[2];
  if (labels) {
    if (read_idx(&lab, err, n)) goto fail;
    ds->labels = lab.data;
    lab.data = NULL;
    if (lab.dims[0] != ds->count) {
      ap_fmt(err, n, "%s holds %lu labels but %s holds %zu images", labels,
             (unsigned long)lab.dims[0], images, ds->count);
      goto fail;
    }
  }
  return ds;
fail:
  free(img.data);
  free(lab.data);
  ap_dataset_free(ds);
  return NULL;
}

void ap_dataset_free(ap_dataset *ds) {
  if (!ds) return;
  free(ds->pixels);
  free(ds->labels);
  free(ds->images_path);
  free(ds->labels_path);
  free(ds);
}

size_t ap_dataset_count(const ap_dataset *ds) { return ds->count; }
size_t ap_dataset_rows(const ap_dataset *ds) { return ds->rows; }
size_t ap_dataset_cols(const ap_dataset *ds) { return ds->cols; }

const uint8_t *ap_dataset_image(const ap_dataset *ds, size_t i) {
  return ds->pixels + i * ds->rows * ds->cols;
}

int ap_dataset_has_labels(const ap_dataset *ds) { return ds->labels != NULL; }

int ap_dataset_label(const ap_dataset *ds, size_t i) {
  return ds->labels ? ds->labels[i] : -1;
}

const char *ap_dataset_images_path(const ap_dataset *ds) {
  return ds->images_path;
}
const char *ap_dataset_labels_path(const ap_dataset *ds) {
  return ds->labels_path;
}
