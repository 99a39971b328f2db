/* snapshot.c -- the snapshot file (see snapshot.h). */
#include "io/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/strutil.h"
#include "io/sha256.h"

static const unsigned char MAGIC[8] = {0x89, 'A', 'P', 'S', 'N', 'A', 'P', '\n'};
enum { HEAD = 8 + 4 + 4 + 8, SUM = 32, NAME_MAX_LEN = 255 };

typedef struct section {
  char *name;
  size_t off, len; /* the data, in buf */
} section;

struct ap_snap {
  unsigned char *buf; /* writing: the sections' bytes; reading: the file */
  size_t len, cap;
  section *sec;
  size_t n_sec, cap_sec;
  uint32_t version;
  /* writing: the section under way; reading: the open one and where */
  long cur;
  size_t at;
  int failed; /* writing: out of memory (reported by ap_snap_write) */
};

ap_snap *ap_snap_new(void) {
  ap_snap *s = calloc(1, sizeof *s);
  if (s) {
    s->cur = -1;
    s->version = AP_SNAP_VERSION;
  }
  return s;
}

void ap_snap_free(ap_snap *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n_sec; i++) free(s->sec[i].name);
  free(s->sec);
  free(s->buf);
  free(s);
}

static int room(ap_snap *s, size_t n) {
  if (s->len + n <= s->cap) return 0;
  size_t cap = s->cap ? s->cap : 4096;
  while (cap < s->len + n) cap *= 2;
  unsigned char *b = realloc(s->buf, cap);
  if (!b) return -1;
  s->buf = b;
  s->cap = cap;
  return 0;
}

static void le(unsigned char *p, uint64_t v, int bytes) {
  for (int k = 0; k < bytes; k++) p[k] = (unsigned char)(v >> (8 * k));
}

static uint64_t from_le(const unsigned char *p, int bytes) {
  uint64_t v = 0;
  for (int k = bytes; k-- > 0;) v = v << 8 | p[k];
  return v;
}

int ap_snap_begin(ap_snap *s, const char *name) {
  if (s->failed) return AP_ENOMEM;
  const size_t nl = strlen(name);
  if (nl == 0 || nl > NAME_MAX_LEN) return AP_EINVAL;
  for (size_t i = 0; i < s->n_sec; i++)
    if (!strcmp(s->sec[i].name, name)) return AP_EINVAL;
  if (s->n_sec == s->cap_sec) {
    size_t cap = s->cap_sec ? 2 * s->cap_sec : 16;
    section *ns = realloc(s->sec, cap * sizeof *ns);
    if (!ns) return s->failed = AP_ENOMEM;
    s->sec = ns;
    s->cap_sec = cap;
  }
  char *copy = ap_strdup(name);
  if (!copy) return s->failed = AP_ENOMEM;
  s->sec[s->n_sec] = (section){copy, s->len, 0};
  s->cur = (long)s->n_sec++;
  return AP_OK;
}

int ap_snap_put(ap_snap *s, const void *data, size_t n) {
  if (s->failed) return AP_ENOMEM;
  if (s->cur < 0) return AP_EINVAL;
  if (room(s, n)) return s->failed = AP_ENOMEM;
  if (n) memcpy(s->buf + s->len, data, n);
  s->len += n;
  s->sec[s->cur].len += n;
  return AP_OK;
}

int ap_snap_put_u64(ap_snap *s, uint64_t v) {
  unsigned char b[8];
  le(b, v, 8);
  return ap_snap_put(s, b, 8);
}

int ap_snap_put_f64(ap_snap *s, double v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  return ap_snap_put_u64(s, u);
}

static int stream_write(void *ctx, const void *data, size_t n) {
  return ap_snap_put(ctx, data, n) ? AP_EIO : AP_OK;
}

static int stream_read(void *ctx, void *data, size_t n) {
  return ap_snap_get(ctx, data, n);
}

ap_stream ap_snap_writer(ap_snap *s) {
  return (ap_stream){sizeof(ap_stream), s, stream_write, NULL};
}

ap_stream ap_snap_reader(ap_snap *s) {
  return (ap_stream){sizeof(ap_stream), s, NULL, stream_read};
}

/* Write all of data to fd. */
static int write_all(int fd, const unsigned char *p, size_t n) {
  while (n) {
    ssize_t k = write(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

/* Write bytes to fd and into the checksum. */
static int emit(int fd, ap_sha256 *h, const unsigned char *p, size_t n) {
  ap_sha256_update(h, p, n);
  return write_all(fd, p, n);
}

/* The file: header, sections with their names, checksum, written as it
 * is summed (no second copy of the data in memory). */
static int write_file(const ap_snap *s, int fd) {
  size_t body = 0;
  for (size_t i = 0; i < s->n_sec; i++)
    body += 2 + strlen(s->sec[i].name) + 8 + s->sec[i].len;
  unsigned char head[HEAD], sum[SUM];
  memcpy(head, MAGIC, 8);
  le(head + 8, s->version, 4);
  le(head + 12, s->n_sec, 4);
  le(head + 16, body, 8);
  ap_sha256 h;
  ap_sha256_init(&h);
  if (emit(fd, &h, head, HEAD)) return -1;
  for (size_t i = 0; i < s->n_sec; i++) {
    const section *c = &s->sec[i];
    unsigned char name[2 + NAME_MAX_LEN + 8];
    const size_t nl = strlen(c->name);
    le(name, nl, 2);
    memcpy(name + 2, c->name, nl);
    le(name + 2 + nl, c->len, 8);
    if (emit(fd, &h, name, 2 + nl + 8) ||
        (c->len && emit(fd, &h, s->buf + c->off, c->len)))
      return -1;
  }
  ap_sha256_final(&h, sum);
  return write_all(fd, sum, SUM);
}

int ap_snap_write(ap_snap *s, const char *path, char *err, size_t n) {
  if (s->failed) {
    ap_fmt(err, n, "%s: out of memory making the snapshot", path);
    return AP_ENOMEM;
  }
  if (!ap_writes_enabled()) return AP_OK; /* another process writes it */
  /* beside the target (same file system, so that rename is atomic) */
  const size_t tl = strlen(path) + 32;
  char *tmp = malloc(tl);
  if (!tmp) {
    ap_fmt(err, n, "%s: out of memory", path);
    return AP_ENOMEM;
  }
  snprintf(tmp, tl, "%s.part%ld", path, (long)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int rc = AP_OK;
  if (fd < 0 || write_file(s, fd) || fsync(fd)) {
    ap_fmt(err, n, "%s: cannot write the snapshot (%s)", path,
           strerror(errno));
    rc = AP_EIO;
  }
  if (fd >= 0 && close(fd) && !rc) {
    ap_fmt(err, n, "%s: cannot write the snapshot (%s)", path,
           strerror(errno));
    rc = AP_EIO;
  }
  if (!rc && rename(tmp, path)) {
    ap_fmt(err, n, "%s: cannot put the snapshot in place (%s)", path,
           strerror(errno));
    rc = AP_EIO;
  }
  if (rc) {
    remove(tmp);
  } else {
    /* the rename itself, on the disk */
    char *dir = ap_strdup(path);
    if (dir) {
      char *slash = strrchr(dir, '/');
      if (slash) *(slash == dir ? slash + 1 : slash) = '\0';
      int dfd = open(slash ? dir : ".", O_RDONLY);
      if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
      }
      free(dir);
    }
  }
  free(tmp);
  return rc;
}

/* The sections of a checked file, each within the body: NULL, or what is
 * wrong. */
static const char *split(ap_snap *s) {
  const unsigned char *b = s->buf;
  const size_t end = s->len - SUM, count = (size_t)from_le(b + 12, 4);
  static const char *const past = "corrupted: a section runs past the end";
  size_t at = HEAD;
  for (size_t i = 0; i < count; i++) {
    if (end - at < 2) return past;
    const size_t nl = (size_t)from_le(b + at, 2);
    if (nl == 0 || end - at - 2 < nl + 8) return past;
    const uint64_t dl = from_le(b + at + 2 + nl, 8);
    if (dl > end - at - 2 - nl - 8) return past;
    if (s->n_sec == s->cap_sec) {
      size_t cap = s->cap_sec ? 2 * s->cap_sec : 16;
      section *ns = realloc(s->sec, cap * sizeof *ns);
      if (!ns) return "out of memory";
      s->sec = ns;
      s->cap_sec = cap;
    }
    char *name = malloc(nl + 1);
    if (!name) return "out of memory";
    memcpy(name, b + at + 2, nl);
    name[nl] = '\0';
    at += 2 + nl + 8;
    s->sec[s->n_sec++] = (section){name, at, (size_t)dl};
    at += (size_t)dl;
  }
  return at == end ? NULL : "corrupted: bytes after its last section";
}

ap_snap *ap_snap_read(const char *path, char *err, size_t n) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    ap_fmt(err, n, "%s: cannot open the snapshot (%s)", path, strerror(errno));
    return NULL;
  }
  ap_snap *s = ap_snap_new();
  size_t cap = 1 << 16, len = 0;
  unsigned char *b = s ? malloc(cap) : NULL;
  int oom = !b;
  while (!oom) {
    if (len == cap) {
      unsigned char *nb = realloc(b, cap * 2);
      if (!nb) {
        oom = 1;
        break;
      }
      b = nb;
      cap *= 2;
    }
    size_t k = fread(b + len, 1, cap - len, fp);
    len += k;
    if (k == 0) break;
  }
  const int rerr = ferror(fp);
  fclose(fp);
  if (oom || rerr) {
    ap_fmt(err, n, oom ? "%s: out of memory reading the snapshot"
                       : "%s: cannot read the snapshot", path);
    free(b);
    ap_snap_free(s);
    return NULL;
  }
  s->buf = b;
  s->len = s->cap = len;
  const char *why = NULL;
  if (len < 8 || memcmp(b, MAGIC, 8)) {
    why = "not an apical snapshot (its first bytes are not a snapshot's)";
  } else if (len < HEAD) {
    why = "truncated: it ends inside its header";
  } else if ((s->version = (uint32_t)from_le(b + 8, 4)) != AP_SNAP_VERSION) {
    ap_fmt(err, n, "%s: snapshot format version %u, this apical reads "
           "version %u: make it again with this apical", path,
           (unsigned)s->version, AP_SNAP_VERSION);
    ap_snap_free(s);
    return NULL;
  } else {
    const uint64_t body = from_le(b + 16, 8);
    if (body > len || len - HEAD - SUM != body || len < HEAD + SUM) {
      ap_fmt(err, n, "%s: %s: %zu bytes, its header says %llu", path,
             len < HEAD + SUM || body > len - HEAD - SUM
                 ? "truncated" : "longer than written",
             len, (unsigned long long)(body + HEAD + SUM));
      ap_snap_free(s);
      return NULL;
    }
    ap_sha256 h;
    unsigned char d[32];
    ap_sha256_init(&h);
    ap_sha256_update(&h, b, len - SUM);
    ap_sha256_final(&h, d);
    if (memcmp(d, b + len - SUM, SUM))
      why = "corrupted: its checksum does not match its contents";
  }
  if (!why) why = split(s);
  if (why) {
    ap_fmt(err, n, "%s: %s", path, why);
    ap_snap_free(s);
    return NULL;
  }
  return s;
}

uint32_t ap_snap_version(const ap_snap *s) { return s->version; }
size_t ap_snap_count(const ap_snap *s) { return s->n_sec; }

const char *ap_snap_name(const ap_snap *s, size_t i) {
  return i < s->n_sec ? s->sec[i].name : NULL;
}

int ap_snap_open(ap_snap *s, const char *name) {
  for (size_t i = 0; i < s->n_sec; i++)
    if (!strcmp(s->sec[i].name, name)) {
      s->cur = (long)i;
      s->at = 0;
      return AP_OK;
    }
  return AP_EINVAL;
}

size_t ap_snap_left(const ap_snap *s) {
  return s->cur < 0 ? 0 : s->sec[s->cur].len - s->at;
}

int ap_snap_get(ap_snap *s, void *data, size_t n) {
  if (n > ap_snap_left(s)) return AP_EIO;
  if (n) memcpy(data, s->buf + s->sec[s->cur].off + s->at, n);
  s->at += n;
  return AP_OK;
}

int ap_snap_get_u64(ap_snap *s, uint64_t *v) {
  unsigned char b[8];
  int rc = ap_snap_get(s, b, 8);
  if (!rc) *v = from_le(b, 8);
  return rc;
}

int ap_snap_get_f64(ap_snap *s, double *v) {
  uint64_t u;
  int rc = ap_snap_get_u64(s, &u);
  if (!rc) memcpy(v, &u, sizeof *v);
  return rc;
}
