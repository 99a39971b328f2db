/* plotfile.c -- `apical plot FILE`: read a file that a recorder or
 * proj:save wrote, tell from its columns what it holds, and draw it.
 *
 * The columns come from the CSV header or, for .npy files (plain
 * matrices), from the sidecar FILE.json; the sidecar also gives the unit,
 * the recorded span and a description for the title.  A CSV without its
 * sidecar still plots (its header says what it holds), with no unit.
 */
#include "plot/plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/npy.h"
#include "base/strutil.h"

/* ---- reading whole files ----------------------------------------------- */

/* The file's bytes, NUL-terminated, or NULL with errno set. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *p = malloc(cap);
  while (p) {
    n += fread(p + n, 1, cap - n - 1, f);
    if (ferror(f)) {
      int e = errno ? errno : EIO;
      free(p);
      fclose(f);
      errno = e;
      return NULL;
    }
    if (feof(f)) break;
    char *q = cap <= SIZE_MAX / 2 ? realloc(p, cap * 2) : NULL;
    if (!q) {
      free(p);
      p = NULL;
      errno = ENOMEM;
      break;
    }
    p = q;
    cap *= 2;
  }
  fclose(f);
  if (!p) return NULL;
  p[n] = '\0';
  if (len) *len = n;
  return p;
}

/* ---- the sidecar ------------------------------------------------------- */

/* What a sidecar tells: only the fields a plot uses. */
typedef struct sidecar {
  int present;
  char **columns; /* NULL when absent */
  size_t n_columns;
  char *unit, *contents; /* NULL when null or absent */
  double t_start, t_end, dt; /* NAN when null or absent */
} sidecar;

static void sidecar_free(sidecar *sc) {
  for (size_t i = 0; i < sc->n_columns; i++) free(sc->columns[i]);
  free(sc->columns);
  free(sc->unit);
  free(sc->contents);
}

/* A small JSON reader: enough to walk any JSON value and to take out
 * strings and numbers. */
typedef struct json {
  const char *s, *p;
  int bad;
} json;

static void ws(json *j) {
  while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
    j->p++;
}

static void put_utf8(char *o, size_t *k, unsigned c) {
  if (c < 0x80) {
    o[(*k)++] = (char)c;
  } else if (c < 0x800) {
    o[(*k)++] = (char)(0xc0 | c >> 6);
    o[(*k)++] = (char)(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    o[(*k)++] = (char)(0xe0 | c >> 12);
    o[(*k)++] = (char)(0x80 | ((c >> 6) & 0x3f));
    o[(*k)++] = (char)(0x80 | (c & 0x3f));
  } else {
    o[(*k)++] = (char)(0xf0 | c >> 18);
    o[(*k)++] = (char)(0x80 | ((c >> 12) & 0x3f));
    o[(*k)++] = (char)(0x80 | ((c >> 6) & 0x3f));
    o[(*k)++] = (char)(0x80 | (c & 0x3f));
  }
}

static int hex4(const char *p, unsigned *c) {
  *c = 0;
  for (int i = 0; i < 4; i++) {
    int h = p[i];
    *c <<= 4;
    if (h >= '0' && h <= '9') *c |= (unsigned)(h - '0');
    else if (h >= 'a' && h <= 'f') *c |= (unsigned)(h - 'a' + 10);
    else if (h >= 'A' && h <= 'F') *c |= (unsigned)(h - 'A' + 10);
    else return -1;
  }
  return 0;
}

/* A string at j->p (the opening quote), malloc'd (NULL on error: j->bad). */
static char *json_string(json *j) {
  if (*j->p != '"') {
    j->bad = 1;
    return NULL;
  }
  const char *q = ++j->p;
  size_t n = 0;
  while (*q && *q != '"') {
    if (*q == '\\' && q[1]) q++;
    q++, n++;
  }
  char *o = malloc(n * 4 + 1); /* a \uXXXX pair may take 4 bytes */
  if (!o) {
    j->bad = 1;
    return NULL;
  }
  size_t k = 0;
  while (*j->p && *j->p != '"') {
    char c = *j->p++;
    if ((unsigned char)c < 0x20) goto bad;
    if (c != '\\') {
      o[k++] = c;
      continue;
    }
    c = *j->p;
    if (!c) goto bad;
    j->p++;
    switch (c) {
    case '"': case '\\': case '/': o[k++] = c; break;
    case 'b': o[k++] = '\b'; break;
    case 'f': o[k++] = '\f'; break;
    case 'n': o[k++] = '\n'; break;
    case 'r': o[k++] = '\r'; break;
    case 't': o[k++] = '\t'; break;
    case 'u': {
      unsigned u, lo;
      if (hex4(j->p, &u) != 0) goto bad;
      j->p += 4;
      if (u >= 0xd800 && u < 0xdc00 && j->p[0] == '\\' && j->p[1] == 'u' &&
          hex4(j->p + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
        u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
        j->p += 6;
      } else if (u >= 0xd800 && u < 0xe000) {
        u = 0xfffd;
      }
      if (u == 0) u = 0xfffd; /* no NUL inside C strings */
      put_utf8(o, &k, u);
      break;
    }
    default: goto bad;
    }
  }
  if (*j->p != '"') goto bad;
  j->p++;
  o[k] = '\0';
  return o;
bad:
  free(o);
  j->bad = 1;
  return NULL;
}

static double json_number(json *j) {
  char *end;
  errno = 0;
  double d = strtod(j->p, &end);
  if (end == j->p) {
    j->bad = 1;
    return NAN;
  }
  j->p = end;
  return d;
}

static int lit(json *j, const char *w) {
  size_t n = strlen(w);
  if (strncmp(j->p, w, n) != 0) return 0;
  j->p += n;
  return 1;
}

/* Skip any value (depth-limited, so a hostile file cannot overflow the
 * stack). */
static void skip_value(json *j, int depth) {
  ws(j);
  if (depth > 64) {
    j->bad = 1;
    return;
  }
  if (*j->p == '"') {
    free(json_string(j));
  } else if (*j->p == '{' || *j->p == '[') {
    char close = *j->p == '{' ? '}' : ']';
    int obj = close == '}';
    j->p++;
    ws(j);
    if (*j->p == close) {
      j->p++;
      return;
    }
    while (!j->bad) {
      if (obj) {
        ws(j);
        free(json_string(j));
        ws(j);
        if (j->bad || *j->p != ':') {
          j->bad = 1;
          return;
        }
        j->p++;
      }
      skip_value(j, depth + 1);
      ws(j);
      if (*j->p == ',') j->p++;
      else if (*j->p == close) {
        j->p++;
        return;
      } else {
        j->bad = 1;
      }
    }
  } else if (!lit(j, "null") && !lit(j, "true") && !lit(j, "false")) {
    json_number(j);
  }
}

/* A string or null (NULL). */
static char *string_or_null(json *j) {
  ws(j);
  if (lit(j, "null")) return NULL;
  return json_string(j);
}

static double number_or_null(json *j) {
  ws(j);
  if (lit(j, "null")) return NAN;
  return json_number(j);
}

static void read_columns(json *j, sidecar *sc) {
  ws(j);
  if (*j->p != '[') {
    j->bad = 1;
    return;
  }
  j->p++;
  size_t cap = 0;
  for (;;) {
    ws(j);
    if (*j->p == ']' && sc->n_columns == 0) {
      j->p++;
      break;
    }
    char *c = json_string(j);
    if (!c) return;
    if (sc->n_columns == cap) {
      cap = cap ? cap * 2 : 16;
      char **nc = realloc(sc->columns, cap * sizeof *nc);
      if (!nc) {
        free(c);
        j->bad = 1;
        return;
      }
      sc->columns = nc;
    }
    sc->columns[sc->n_columns++] = c;
    ws(j);
    if (*j->p == ',') {
      j->p++;
    } else if (*j->p == ']') {
      j->p++;
      break;
    } else {
      j->bad = 1;
      return;
    }
  }
  if (!sc->columns) sc->columns = calloc(1, sizeof *sc->columns);
}

/* Read PATH.json when there is one.  Returns 0 (sc->present tells), or -1
 * with err for one that cannot be read or is not a JSON object. */
static int read_sidecar(const char *path, sidecar *sc, char *err, size_t n) {
  memset(sc, 0, sizeof *sc);
  sc->t_start = sc->t_end = sc->dt = NAN;
  char jpath[4200];
  ap_fmt(jpath, sizeof jpath, "%s.json", path);
  char *text = slurp(jpath, NULL);
  if (!text) {
    if (errno == ENOENT) return 0;
    ap_fmt(err, n, "cannot read '%s': %s", jpath, strerror(errno));
    return -1;
  }
  sc->present = 1;
  json j = {text, text, 0};
  ws(&j);
  if (*j.p != '{') j.bad = 1;
  else j.p++;
  ws(&j);
  if (*j.p == '}') j.p++;
  else
    while (!j.bad) {
      ws(&j);
      char *key = json_string(&j);
      ws(&j);
      if (!key || *j.p != ':') {
        free(key);
        j.bad = 1;
        break;
      }
      j.p++;
      if (!strcmp(key, "columns") && !sc->columns) {
        read_columns(&j, sc);
      } else if (!strcmp(key, "unit") && !sc->unit) {
        sc->unit = string_or_null(&j);
      } else if (!strcmp(key, "contents") && !sc->contents) {
        sc->contents = string_or_null(&j);
      } else if (!strcmp(key, "t_start_ms")) {
        sc->t_start = number_or_null(&j);
      } else if (!strcmp(key, "t_end_ms")) {
        sc->t_end = number_or_null(&j);
      } else if (!strcmp(key, "dt_ms")) {
        sc->dt = number_or_null(&j);
      } else {
        skip_value(&j, 0);
      }
      free(key);
      ws(&j);
      if (*j.p == ',') {
        j.p++;
      } else if (*j.p == '}') {
        j.p++;
        break;
      } else {
        j.bad = 1;
      }
    }
  if (!j.bad) {
    ws(&j);
    if (*j.p) j.bad = 1;
  }
  if (j.bad) {
    ap_fmt(err, n, "cannot read '%s': not valid JSON (at byte %zu)", jpath,
           (size_t)(j.p - j.s));
    free(text);
    return -1;
  }
  free(text);
  return 0;
}

/* ---- the data ----------------------------------------------------------- */

typedef struct table {
  char **cols;
  size_t n_cols;
  double *v; /* rows x n_cols */
  size_t rows;
} table;

static void table_free(table *t) {
  for (size_t i = 0; i < t->n_cols; i++) free(t->cols[i]);
  free(t->cols);
  free(t->v);
}

/* Split a CSV header line into names. */
static int csv_header(const char *line, size_t len, table *t) {
  size_t n = 1;
  for (size_t i = 0; i < len; i++) n += line[i] == ',';
  t->cols = calloc(n, sizeof *t->cols);
  if (!t->cols) return -1;
  const char *a = line, *end = line + len;
  for (;;) {
    const char *b = memchr(a, ',', (size_t)(end - a));
    if (!b) b = end;
    size_t k = (size_t)(b - a);
    while (k && (a[k - 1] == ' ' || a[k - 1] == '\r')) k--;
    while (k && *a == ' ') a++, k--;
    char *c = malloc(k + 1);
    if (!c) return -1;
    memcpy(c, a, k);
    c[k] = '\0';
    t->cols[t->n_cols++] = c;
    if (b == end) break;
    a = b + 1;
  }
  return 0;
}

static int read_csv(const char *path, table *t, char *err, size_t n) {
  size_t len;
  char *text = slurp(path, &len);
  if (!text) {
    ap_fmt(err, n, "cannot read '%s': %s", path, strerror(errno));
    return -1;
  }
  char *nl = strchr(text, '\n');
  size_t hl = nl ? (size_t)(nl - text) : len;
  if (hl == 0 || memchr(text, '\0', len)) {
    ap_fmt(err, n, "cannot plot '%s': %s", path,
           hl == 0 ? "no header line" : "not a text file");
    free(text);
    return -1;
  }
  if (csv_header(text, hl, t) != 0) goto oom;
  size_t lines = 0;
  for (char *p = nl; p; p = strchr(p + 1, '\n')) lines++;
  if (t->n_cols && lines > SIZE_MAX / sizeof(double) / t->n_cols) goto oom;
  t->v = malloc((lines ? lines : 1) * t->n_cols * sizeof *t->v);
  if (!t->v) goto oom;
  char *p = nl ? nl + 1 : text + len;
  size_t line = 1;
  while (*p) {
    line++;
    char *eol = strchr(p, '\n');
    if (!eol) eol = p + strlen(p);
    char *q = p;
    while (q < eol && (*q == ' ' || *q == '\r')) q++;
    if (q == eol) { /* blank lines are allowed (a final one, mostly) */
      p = *eol ? eol + 1 : eol;
      continue;
    }
    double *row = t->v + t->rows * t->n_cols;
    size_t k = 0;
    q = p;
    for (;;) {
      char *end = q;
      /* strtod skips white space, newlines included: an empty field must
       * not read the next line's number */
      double d = q < eol ? strtod(q, &end) : 0;
      while (end < eol && (*end == ' ' || *end == '\r')) end++;
      if (end == q || end > eol || (end < eol && *end != ',')) {
        size_t w = (size_t)(eol - p);
        ap_fmt(err, n, "cannot plot '%s': line %zu is not %zu numbers: "
               "'%.*s'", path, line, t->n_cols, (int)(w > 60 ? 60 : w), p);
        free(text);
        return -1;
      }
      if (k < t->n_cols) row[k] = d;
      k++;
      if (end == eol) break;
      q = end + 1;
    }
    if (k != t->n_cols) {
      ap_fmt(err, n, "cannot plot '%s': line %zu has %zu values, the header "
             "names %zu columns", path, line, k, t->n_cols);
      free(text);
      return -1;
    }
    t->rows++;
    p = *eol ? eol + 1 : eol;
  }
  free(text);
  return 0;
oom:
  ap_fmt(err, n, "out of memory");
  free(text);
  return -1;
}

static int read_npy(const char *path, const sidecar *sc, table *t, char *err,
                    size_t n) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    ap_fmt(err, n, "cannot read '%s': %s", path, strerror(errno));
    return -1;
  }
  fclose(f);
  if (!sc->present || !sc->columns) {
    ap_fmt(err, n, "cannot plot '%s': %s '%s.json' to name its columns",
           path, sc->present ? "no column names in" : "no sidecar", path);
    return -1;
  }
  uint64_t rows, cols;
  if (ap_npy_read(path, &rows, &cols, &t->v, err, n) != 0) return -1;
  if (cols != sc->n_columns) {
    ap_fmt(err, n, "cannot plot '%s': it has %llu columns, its sidecar "
           "'%s.json' names %zu", path, (unsigned long long)cols, path,
           sc->n_columns);
    return -1;
  }
  t->rows = (size_t)rows;
  t->cols = calloc(cols ? cols : 1, sizeof *t->cols);
  if (!t->cols) {
    ap_fmt(err, n, "out of memory");
    return -1;
  }
  for (size_t i = 0; i < cols; i++) {
    if (!(t->cols[i] = ap_strdup(sc->columns[i]))) {
      ap_fmt(err, n, "out of memory");
      return -1;
    }
    t->n_cols++;
  }
  return 0;
}

/* ---- what a file holds ------------------------------------------------- */

enum { HOLDS_UNKNOWN, HOLDS_SPIKES, HOLDS_STATE, HOLDS_WEIGHTS, HOLDS_SYNAPSES };

/* Whether columns 1.. are VAR_1, VAR_2, ... for one VAR (put in var). */
static int numbered_columns(const table *t, char *var, size_t n) {
  if (t->n_cols < 2) return 0;
  const char *c = t->cols[1];
  const char *us = strrchr(c, '_');
  if (!us || us == c || strcmp(us, "_1") != 0) return 0;
  size_t vl = (size_t)(us - c);
  if (vl + 1 > n) return 0;
  memcpy(var, c, vl);
  var[vl] = '\0';
  for (size_t j = 1; j < t->n_cols; j++) {
    char want[32];
    ap_fmt(want, sizeof want, "_%zu", j);
    const char *cj = t->cols[j];
    if (strncmp(cj, var, vl) != 0 || strcmp(cj + vl, want) != 0) return 0;
  }
  return 1;
}

static int holds(const table *t, char *var, size_t n) {
  static const char *const syn[] = {"pre", "post", "weight", "delay_ms"};
  if (t->n_cols == 0) return HOLDS_UNKNOWN;
  if (t->n_cols == 2 && !strcmp(t->cols[0], "time_ms") &&
      !strcmp(t->cols[1], "sender"))
    return HOLDS_SPIKES;
  if (t->n_cols == 4) {
    int same = 1;
    for (int i = 0; i < 4; i++) same &= !strcmp(t->cols[i], syn[i]);
    if (same) return HOLDS_SYNAPSES;
  }
  if (!strcmp(t->cols[0], "time_ms") && numbered_columns(t, var, n))
    return strcmp(var, "weight") == 0 ? HOLDS_WEIGHTS : HOLDS_STATE;
  return HOLDS_UNKNOWN;
}

/* The number of recorded neurons from a sidecar's contents ("..., neurons
 * 1..3200"), 0 when it does not say. */
static size_t neurons_of(const char *contents) {
  const char *p = contents ? strstr(contents, "neurons ") : NULL;
  unsigned long long a, b;
  if (!p || sscanf(p, "neurons %llu..%llu", &a, &b) != 2 || b < a) return 0;
  return (size_t)(b - a + 1);
}

static int draw(const char *in, const char *out, const table *t,
                const sidecar *sc, char *err, size_t n) {
  char var[256];
  int what = holds(t, var, sizeof var);
  ap_plot_opts o = {0};
  /* the sidecar's description, else the file's name */
  const char *base = strrchr(in, '/');
  o.title = sc->contents ? sc->contents : base ? base + 1 : in;
  const char *unit = sc->unit;
  switch (what) {
  case HOLDS_SPIKES: {
    uint32_t *snd = malloc((t->rows ? t->rows : 1) * sizeof *snd);
    double *tm = malloc((t->rows ? t->rows : 1) * sizeof *tm);
    if (!snd || !tm) {
      free(snd);
      free(tm);
      ap_fmt(err, n, "out of memory");
      return -1;
    }
    for (size_t i = 0; i < t->rows; i++) {
      double s = t->v[2 * i + 1];
      tm[i] = t->v[2 * i];
      if (!(s >= 1 && s <= UINT32_MAX) || s != floor(s)) {
        ap_fmt(err, n, "cannot plot '%s': row %zu: sender %g is not a "
               "1-based neuron number", in, i + 1, s);
        free(snd);
        free(tm);
        return -1;
      }
      snd[i] = (uint32_t)s;
    }
    ap_plot_spikes s = {tm, snd, t->rows, neurons_of(sc->contents),
                        isfinite(sc->t_start) ? sc->t_start : 0,
                        isfinite(sc->t_end) ? sc->t_end : 0,
                        isfinite(sc->dt) ? sc->dt : 0, 0};
    int rc = ap_plot_raster(out, &o, &s, err, n);
    free(snd);
    free(tm);
    return rc;
  }
  case HOLDS_STATE:
  case HOLDS_WEIGHTS: {
    /* the values without the time column, row-major */
    size_t w = t->n_cols - 1;
    double *tm = malloc((t->rows ? t->rows : 1) * sizeof *tm);
    double *v = malloc((t->rows ? t->rows : 1) * w * sizeof *v);
    if (!tm || !v) {
      free(tm);
      free(v);
      ap_fmt(err, n, "out of memory");
      return -1;
    }
    for (size_t i = 0; i < t->rows; i++) {
      tm[i] = t->v[i * t->n_cols];
      memcpy(v + i * w, t->v + i * t->n_cols + 1, w * sizeof *v);
    }
    ap_plot_series s = {.t = tm, .v = v, .rows = t->rows, .cols = w,
                        .var = var, .unit = unit};
    int rc = what == HOLDS_WEIGHTS ? ap_plot_weights(out, &o, &s, err, n)
                                   : ap_plot_traces(out, &o, &s, err, n);
    free(tm);
    free(v);
    return rc;
  }
  case HOLDS_SYNAPSES: {
    double *w = malloc((t->rows ? t->rows : 1) * sizeof *w);
    if (!w) {
      ap_fmt(err, n, "out of memory");
      return -1;
    }
    for (size_t i = 0; i < t->rows; i++) w[i] = t->v[4 * i + 2];
    int rc = ap_plot_hist(out, &o, w, t->rows, 0, "weight", unit, err, n);
    free(w);
    return rc;
  }
  default: {
    char cols[200] = "";
    for (size_t j = 0; j < t->n_cols && j < 6; j++)
      ap_append(cols, sizeof cols, "%s%s", j ? "," : "", t->cols[j]);
    if (t->n_cols > 6) ap_append(cols, sizeof cols, ",...");
    ap_fmt(err, n, "cannot plot '%s': unknown content (columns %s); apical "
           "plot draws files saved by recorders and by proj:save", in, cols);
    return -1;
  }
  }
}

/* ---- the command -------------------------------------------------------- */

static const char plot_usage[] = "usage: apical plot FILE [-o OUT.png|OUT.svg]";

/* FILE with its extension replaced by .png (added when it has none). */
static char *default_output(const char *in) {
  const char *dot = strrchr(in, '.');
  const char *slash = strrchr(in, '/');
  size_t keep = dot && (!slash || dot > slash + 1) ? (size_t)(dot - in)
                                                    : strlen(in);
  char *out = malloc(keep + 5);
  if (!out) return NULL;
  memcpy(out, in, keep);
  memcpy(out + keep, ".png", 5);
  return out;
}

int ap_plot_command(int argc, char **argv) {
  const char *in = NULL, *out = NULL;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "apical: %s needs a file name (.png or .svg)\n", a);
        return 2;
      }
      out = argv[++i];
    } else if (!strncmp(a, "--output=", 9)) {
      out = a + 9;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "apical: unknown option '%s' for plot; %s\n", a,
              plot_usage);
      return 2;
    } else if (!in) {
      in = a;
    } else {
      fprintf(stderr, "apical: plot takes one file, got '%s' and '%s'; %s\n",
              in, a, plot_usage);
      return 2;
    }
  }
  if (!in) {
    fprintf(stderr, "apical: plot needs a file; %s\n", plot_usage);
    return 2;
  }
  char err[4096];
  char *def = out ? NULL : default_output(in);
  if (!out && !def) {
    fprintf(stderr, "apical: out of memory\n");
    return 1;
  }
  if (!out) out = def;
  int rc = 1;
  table t = {0};
  sidecar sc;
  memset(&sc, 0, sizeof sc);
  const char *dot = strrchr(in, '.');
  int is_csv = dot && !strchr(dot, '/') && !strcasecmp(dot, ".csv");
  int is_npy = dot && !strchr(dot, '/') && !strcasecmp(dot, ".npy");
  if (ap_plot_format(out) == AP_PLOT_NONE) {
    ap_plot_format_error(out, err, sizeof err);
  } else if (!is_csv && !is_npy) {
    ap_fmt(err, sizeof err, "cannot plot '%s': unknown file type (use the "
           ".csv or .npy file of a recorder or of proj:save)", in);
  } else if (read_sidecar(in, &sc, err, sizeof err) == 0 &&
             (is_csv ? read_csv(in, &t, err, sizeof err)
                     : read_npy(in, &sc, &t, err, sizeof err)) == 0 &&
             draw(in, out, &t, &sc, err, sizeof err) == 0) {
    rc = 0;
  }
  if (rc) fprintf(stderr, "apical: %s\n", err);
  table_free(&t);
  sidecar_free(&sc);
  free(def);
  return rc;
}
