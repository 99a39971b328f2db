/* npy.c -- NumPy .npy writer for 2-D float64 arrays, and a small reader.
 *
 * Format (NumPy NEP 1 / numpy.lib.format): "\x93NUMPY", major 1, minor 0,
 * a little-endian uint16 header length, then an ASCII Python dict literal
 * padded with spaces and ended by '\n' so that the data starts at a
 * multiple of 64 bytes.  NumPy reads spaces inside the dict, so the shape
 * is followed by enough spaces for the longest row count.
 */
#include "io/npy.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/strutil.h"

#define PREAMBLE 10 /* magic (6), version (2), header length (2) */

static const char magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

/* The dict without its padding; snprintf's return value is its length. */
static int dict_text(char *buf, size_t n, uint64_t rows, uint64_t cols) {
  return snprintf(buf, n,
                  "{'descr': '<f8', 'fortran_order': False, 'shape': "
                  "(%" PRIu64 ", %" PRIu64 "), }",
                  rows, cols);
}

size_t ap_npy_header_size(uint64_t cols) {
  char buf[160];
  /* Room for the widest row count, plus the final '\n'. */
  size_t len = (size_t)dict_text(buf, sizeof buf, AP_NPY_MAX_DIM, cols) + 1;
  return (PREAMBLE + len + 63) / 64 * 64;
}

static int build_header(unsigned char *out, size_t total, uint64_t rows,
                        uint64_t cols) {
  char dict[160];
  int len = dict_text(dict, sizeof dict, rows, cols);
  size_t hlen = total - PREAMBLE;
  memcpy(out, magic, 6);
  out[6] = 1;
  out[7] = 0;
  out[8] = (unsigned char)(hlen & 0xff);
  out[9] = (unsigned char)(hlen >> 8);
  memset(out + PREAMBLE, ' ', hlen);
  memcpy(out + PREAMBLE, dict, (size_t)len);
  out[total - 1] = '\n';
  return 0;
}

int ap_npy_write_header(FILE *f, uint64_t rows, uint64_t cols) {
  if (rows > AP_NPY_MAX_DIM || cols > AP_NPY_MAX_DIM) {
    errno = EINVAL;
    return -1;
  }
  unsigned char hdr[192];
  size_t total = ap_npy_header_size(cols);
  build_header(hdr, total, rows, cols);
  if (fwrite(hdr, 1, total, f) != total) {
    if (!errno) errno = EIO;
    return -1;
  }
  return 0;
}

int ap_npy_rewrite_header(FILE *f, uint64_t rows, uint64_t cols) {
  if (fflush(f) != 0 || fseeko(f, 0, SEEK_SET) != 0) return -1;
  if (ap_npy_write_header(f, rows, cols) != 0) return -1;
  if (fflush(f) != 0 || fseeko(f, 0, SEEK_END) != 0) return -1;
  return 0;
}

static int host_is_little(void) {
  const uint16_t one = 1;
  unsigned char b;
  memcpy(&b, &one, 1);
  return b == 1;
}

int ap_npy_write_values(FILE *f, const double *v, size_t n) {
  if (n == 0) return 0;
  if (host_is_little()) {
    if (fwrite(v, sizeof *v, n, f) != n) {
      if (!errno) errno = EIO;
      return -1;
    }
    return 0;
  }
  for (size_t i = 0; i < n; i++) {
    unsigned char b[8], le[8];
    memcpy(b, &v[i], 8);
    for (int j = 0; j < 8; j++) le[j] = b[7 - j];
    if (fwrite(le, 1, 8, f) != 8) {
      if (!errno) errno = EIO;
      return -1;
    }
  }
  return 0;
}

/* ---- reader ------------------------------------------------------------ */

/* The text after "'key':" in the dict, or NULL. */
static const char *dict_value(const char *dict, const char *key) {
  char pat[32];
  ap_fmt(pat, sizeof pat, "'%s':", key);
  const char *p = strstr(dict, pat);
  if (!p) return NULL;
  p += strlen(pat);
  while (*p == ' ') p++;
  return p;
}

static int parse_dim(const char **pp, uint64_t *out) {
  const char *p = *pp;
  while (*p == ' ') p++;
  if (!(*p >= '0' && *p <= '9')) return -1;
  uint64_t v = 0;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (v > (AP_NPY_MAX_DIM - (uint64_t)(*p - '0')) / 10) return -1;
    v = v * 10 + (uint64_t)(*p - '0');
  }
  while (*p == ' ') p++;
  *pp = p;
  *out = v;
  return 0;
}

int ap_npy_read(const char *path, uint64_t *rows, uint64_t *cols,
                double **data, char *err, size_t n) {
  *data = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) {
    ap_fmt(err, n, "cannot read '%s': %s", path, strerror(errno));
    return -1;
  }
  unsigned char pre[12];
  char *dict = NULL;
  double *vals = NULL;
  const char *why = "not a .npy file";
  if (fread(pre, 1, 10, f) != 10 || memcmp(pre, magic, 6) != 0) goto bad;
  size_t hlen;
  if (pre[6] == 1) {
    hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
  } else if (pre[6] == 2 || pre[6] == 3) {
    if (fread(pre + 10, 1, 2, f) != 2) goto bad;
    hlen = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 |
           (size_t)pre[11] << 24;
  } else {
    why = "unsupported .npy version";
    goto bad;
  }
  dict = malloc(hlen + 1);
  if (!dict) {
    why = "out of memory";
    goto bad;
  }
  if (fread(dict, 1, hlen, f) != hlen) {
    why = "truncated header";
    goto bad;
  }
  dict[hlen] = '\0';

  const char *d = dict_value(dict, "descr");
  const char *fo = dict_value(dict, "fortran_order");
  const char *sh = dict_value(dict, "shape");
  if (!d || !fo || !sh) {
    why = "malformed header";
    goto bad;
  }
  if (strncmp(d, "'<f8'", 5) != 0) {
    why = "not float64 ('<f8')";
    goto bad;
  }
  if (strncmp(fo, "False", 5) != 0) {
    why = "not C order";
    goto bad;
  }
  uint64_t r, c;
  if (*sh++ != '(' || parse_dim(&sh, &r) != 0 || *sh++ != ',' ||
      parse_dim(&sh, &c) != 0 || *sh != ')') {
    why = "not a 2-D shape";
    goto bad;
  }
  if (c != 0 && r > SIZE_MAX / sizeof(double) / c) {
    why = "too large";
    goto bad;
  }
  size_t count = (size_t)(r * c);
  if (count) {
    vals = malloc(count * sizeof *vals);
    if (!vals) {
      why = "out of memory";
      goto bad;
    }
    unsigned char b[8];
    for (size_t i = 0; i < count; i++) {
      if (fread(b, 1, 8, f) != 8) {
        why = "truncated data";
        goto bad;
      }
      if (!host_is_little())
        for (int j = 0; j < 4; j++) {
          unsigned char t = b[j];
          b[j] = b[7 - j];
          b[7 - j] = t;
        }
      memcpy(&vals[i], b, 8);
    }
  }
  if (fgetc(f) != EOF) {
    why = "data longer than its shape";
    goto bad;
  }
  fclose(f);
  free(dict);
  *rows = r;
  *cols = c;
  *data = vals;
  return 0;
bad:
  ap_fmt(err, n, "%s: %s", path, why);
  fclose(f);
  free(dict);
  free(vals);
  return -1;
}
