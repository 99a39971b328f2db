/* config.c -- run settings: defaults, config file, script, command line.
 *
 * Every setting remembers the level (ap_source) that last set it; a set
 * from a lower level is ignored, an equal or higher one replaces it.  All
 * text values go through one validator per key, so `--set dt=...`,
 * ap.setup{ dt = ... } and `dt = ...;` in a config file accept the same
 * values and fail with the same words.
 */
#include "run/config.h"

#include <errno.h>
#include <inttypes.h>
#include <libconfig.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/strutil.h"

/* ---- known keys ------------------------------------------------------ */

enum {
  K_BACKEND, K_THREADS, K_SEED, K_DT, K_PLUGIN_PATH, K_OUTPUT_DIR,
  K_FASHION_DIR, K_MNIST_DIR, K_N
};

static const char *const known_keys[K_N] = {
    "backend", "threads", "seed", "dt", "plugin_path", "output_dir",
    "fashion_dir", "mnist_dir"};

/* What each key must be, as the end of "setting 'KEY' must be ...". */
static const char *const expected[K_N] = {
    "a non-empty identifier (letters, digits, '_') such as 'cpu'",
    "a non-negative integer (0 = all cores)",
    "a non-negative integer",
    "a positive number of ms",
    "a non-empty list of directories separated by ':'",
    "a non-empty path",
    "a folder path (empty for none)",
    "a folder path (empty for none)",
};

#define KNOWN_LIST \
  "backend, threads, seed, dt, plugin_path, output_dir, fashion_dir, " \
  "mnist_dir"

/* Data-set folders take any text: "" is how a user says "not here", the
 * built-in state of mnist_dir, and a folder that does not exist is only
 * an error when a script asks for the set (ap.dataset says which). */
static int is_dir_key(int k) { return k == K_FASHION_DIR || k == K_MNIST_DIR; }

static int is_string_key(int k) {
  return k == K_BACKEND || k == K_PLUGIN_PATH || k == K_OUTPUT_DIR ||
         is_dir_key(k);
}

static int key_index(const char *key) {
  for (int k = 0; k < K_N; k++)
    if (strcmp(key, known_keys[k]) == 0) return k;
  return -1;
}

static int *src_of(ap_settings *s, int k) {
  switch (k) {
  case K_BACKEND: return &s->src_backend;
  case K_THREADS: return &s->src_threads;
  case K_SEED: return &s->src_seed;
  case K_DT: return &s->src_dt;
  case K_PLUGIN_PATH: return &s->src_plugin_path;
  case K_FASHION_DIR: return &s->src_fashion_dir;
  case K_MNIST_DIR: return &s->src_mnist_dir;
  default: return &s->src_output_dir;
  }
}

/* [A-Za-z_][A-Za-z0-9_]* */
static int is_ident(const char *s) {
  if (!s || !*s) return 0;
  if (!(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') ||
        (s[0] >= 'a' && s[0] <= 'z')))
    return 0;
  for (const char *p = s; *p; p++)
    if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
          (*p >= '0' && *p <= '9')))
      return 0;
  return 1;
}

/* Names of backend settings: libconfig's own name rule minus '*'. */
static int is_name(const char *s) {
  if (!s || !*s) return 0;
  for (const char *p = s; *p; p++)
    if (!(*p == '_' || *p == '-' || (*p >= 'A' && *p <= 'Z') ||
          (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
      return 0;
  return 1;
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

/* Decimal digits only, surrounding blanks allowed; no sign. */
static int parse_u64(const char *text, uint64_t *out) {
  const char *p = text;
  while (is_space(*p)) p++;
  if (!(*p >= '0' && *p <= '9')) return -1;
  uint64_t v = 0;
  for (; *p >= '0' && *p <= '9'; p++) {
    unsigned d = (unsigned)(*p - '0');
    if (v > (UINT64_MAX - d) / 10) return -1;
    v = v * 10 + d;
  }
  while (is_space(*p)) p++;
  if (*p) return -1;
  *out = v;
  return 0;
}

static int parse_double(const char *text, double *out) {
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (end == text || errno == ERANGE) return -1;
  while (is_space(*end)) end++;
  if (*end) return -1;
  *out = v;
  return 0;
}

typedef struct value {
  char *str; /* the string keys (is_string_key): malloc'd */
  int i;
  uint64_t u;
  double d;
} value;

/* Validate the text of known key k.  `shown` is the value as messages
 * show it ("'abc'" for command-line text, "-1" for a config number).
 * Returns 0, or -1 with err; *out->str is malloc'd on success. */
static int parse_known(int k, const char *text, const char *shown, value *out,
                       char *err, size_t n) {
  memset(out, 0, sizeof *out);
  int ok = 0;
  switch (k) {
  case K_BACKEND: ok = is_ident(text); break;
  case K_THREADS: {
    uint64_t u;
    ok = parse_u64(text, &u) == 0 && u <= INT_MAX;
    if (ok) out->i = (int)u;
    break;
  }
  case K_SEED: ok = parse_u64(text, &out->u) == 0; break;
  case K_DT:
    ok = parse_double(text, &out->d) == 0 && isfinite(out->d) && out->d > 0;
    break;
  case K_FASHION_DIR:
  case K_MNIST_DIR: ok = 1; break;
  default: ok = text[0] != '\0'; break;
  }
  if (!ok) {
    ap_fmt(err, n, "setting '%s' must be %s, got %s", known_keys[k],
           expected[k], shown);
    return -1;
  }
  if (is_string_key(k)) {
    out->str = ap_strdup(text);
    if (!out->str) {
      ap_fmt(err, n, "out of memory");
      return -1;
    }
  }
  return 0;
}

/* Store a validated value unless a higher level already set the key.
 * Takes ownership of v->str. */
static void apply_known(ap_settings *s, int k, value *v, int source) {
  int *src = src_of(s, k);
  if (source < *src) {
    free(v->str);
    return;
  }
  *src = source;
  switch (k) {
  case K_BACKEND: free(s->backend); s->backend = v->str; break;
  case K_THREADS: s->threads = v->i; break;
  case K_SEED: s->seed = v->u; break;
  case K_DT: s->dt = v->d; break;
  case K_PLUGIN_PATH: free(s->plugin_path); s->plugin_path = v->str; break;
  case K_FASHION_DIR: free(s->fashion_dir); s->fashion_dir = v->str; break;
  case K_MNIST_DIR: free(s->mnist_dir); s->mnist_dir = v->str; break;
  default: free(s->output_dir); s->output_dir = v->str; break;
  }
}

/* ---- extras ----------------------------------------------------------- */

static int same_backend(const char *a, const char *b) {
  if (!a || !b) return a == b;
  return strcmp(a, b) == 0;
}

/* Keep one entry per (backend, key): the highest level, and of equal
 * levels the latest, which moves to the end so that the array's order is
 * the order of the values in force. */
static int add_extra(ap_settings *s, const char *backend, const char *key,
                     const char *val, int source) {
  size_t at = s->n_extra;
  for (size_t i = 0; i < s->n_extra; i++)
    if (same_backend(s->extra[i].backend, backend) &&
        strcmp(s->extra[i].key, key) == 0) {
      at = i;
      break;
    }
  if (at < s->n_extra && source < s->extra[at].source) return 0;

  ap_extra e = {NULL, NULL, NULL, source};
  e.key = ap_strdup(key);
  e.value = ap_strdup(val);
  if (backend) e.backend = ap_strdup(backend);
  if (!e.key || !e.value || (backend && !e.backend)) goto oom;

  if (at < s->n_extra) {
    free(s->extra[at].backend);
    free(s->extra[at].key);
    free(s->extra[at].value);
    memmove(s->extra + at, s->extra + at + 1,
            (s->n_extra - at - 1) * sizeof *s->extra);
    s->extra[s->n_extra - 1] = e;
    return 0;
  }
  ap_extra *grown = realloc(s->extra, (s->n_extra + 1) * sizeof *grown);
  if (!grown) goto oom;
  s->extra = grown;
  s->extra[s->n_extra++] = e;
  return 0;
oom:
  free(e.backend);
  free(e.key);
  free(e.value);
  return -1;
}

static int extra_applies(const ap_extra *e, const char *backend) {
  return !e->backend || (backend && strcmp(e->backend, backend) == 0);
}

int ap_settings_each_extra(const ap_settings *s, const char *backend,
                           int (*fn)(const char *key, const char *value,
                                     void *ctx),
                           void *ctx) {
  for (size_t i = 0; i < s->n_extra; i++) {
    const ap_extra *e = &s->extra[i];
    if (!extra_applies(e, backend)) continue;
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++)
      seen = extra_applies(&s->extra[j], backend) &&
             strcmp(s->extra[j].key, e->key) == 0;
    if (seen) continue;
    const ap_extra *best = e;
    for (size_t j = i + 1; j < s->n_extra; j++) {
      const ap_extra *o = &s->extra[j];
      if (extra_applies(o, backend) && strcmp(o->key, e->key) == 0 &&
          o->source >= best->source)
        best = o;
    }
    int r = fn(best->key, best->value, ctx);
    if (r) return r;
  }
  return 0;
}

/* ---- defaults and text settings ---------------------------------------- */

int ap_settings_init(ap_settings *s) {
  memset(s, 0, sizeof *s);
  s->threads = 1;
  s->seed = 12345;
  s->dt = 0.1;
  s->backend = ap_strdup("cpu");
  s->output_dir = ap_strdup(".");
  s->fashion_dir = ap_strdup(AP_FASHION_DIR_DEFAULT);
  s->mnist_dir = ap_strdup("");
  if (!s->backend || !s->output_dir || !s->fashion_dir || !s->mnist_dir) {
    ap_settings_free(s);
    return -1;
  }
  return 0;
}

void ap_settings_free(ap_settings *s) {
  if (!s) return;
  free(s->backend);
  free(s->plugin_path);
  free(s->output_dir);
  free(s->fashion_dir);
  free(s->mnist_dir);
  free(s->config_file);
  for (size_t i = 0; i < s->n_extra; i++) {
    free(s->extra[i].backend);
    free(s->extra[i].key);
    free(s->extra[i].value);
  }
  free(s->extra);
  memset(s, 0, sizeof *s);
}

ap_settings *ap_settings_new(void) {
  ap_settings *s = malloc(sizeof *s);
  if (s && ap_settings_init(s) != 0) {
    ap_settings_free(s);
    free(s);
    return NULL;
  }
  return s;
}

void ap_settings_delete(ap_settings *s) {
  ap_settings_free(s);
  free(s);
}

void ap_settings_drop_extras(ap_settings *s, const char *keep) {
  size_t kept = 0;
  for (size_t i = 0; i < s->n_extra; i++) {
    ap_extra *e = &s->extra[i];
    if (keep && e->backend && strcmp(e->backend, keep) == 0) {
      s->extra[kept++] = *e;
      continue;
    }
    free(e->backend);
    free(e->key);
    free(e->value);
  }
  s->n_extra = kept;
  if (!kept) {
    free(s->extra);
    s->extra = NULL;
  }
}

int ap_settings_set(ap_settings *s, const char *key, const char *val,
                    int source, char *err, size_t n) {
  if (!key || !*key) {
    ap_fmt(err, n, "empty setting name");
    return -1;
  }
  if (!val) {
    ap_fmt(err, n, "setting '%s' has no value", key);
    return -1;
  }
  if (source < AP_SRC_DEFAULT || source > AP_SRC_CLI) {
    ap_fmt(err, n, "setting '%s': invalid source level %d", key, source);
    return -1;
  }
  int k = key_index(key);
  if (k >= 0) {
    size_t len = strlen(val) + 3;
    char *shown = malloc(len);
    if (!shown) {
      ap_fmt(err, n, "out of memory");
      return -1;
    }
    snprintf(shown, len, "'%s'", val);
    value v;
    int r = parse_known(k, val, shown, &v, err, n);
    free(shown);
    if (r) return -1;
    apply_known(s, k, &v, source);
    return 0;
  }

  /* An unknown key is the backend's; "SECTION.KEY" names the section. */
  const char *dot = strchr(key, '.');
  char *section = NULL;
  const char *name = key;
  if (dot) {
    section = malloc((size_t)(dot - key) + 1);
    if (!section) {
      ap_fmt(err, n, "out of memory");
      return -1;
    }
    memcpy(section, key, (size_t)(dot - key));
    section[dot - key] = '\0';
    name = dot + 1;
  }
  int r = 0;
  if ((section && !is_ident(section)) || !is_name(name)) {
    ap_fmt(err, n,
           "invalid setting name '%s' (use letters, digits, '_' and '-', "
           "optionally after a backend name and '.')",
           key);
    r = -1;
  } else if (add_extra(s, section, name, val, source) != 0) {
    ap_fmt(err, n, "out of memory");
    r = -1;
  }
  free(section);
  return r;
}

/* ---- config files ------------------------------------------------------ */

/* Shortest %g form that reads back as the same double, for messages. */
static void fmt_short(char *buf, size_t n, double d) {
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, n, "%.*g", prec, d);
    if (strtod(buf, NULL) == d) return;
  }
}

/* A scalar setting as text (extras: ints %lld, floats %.17g, booleans
 * true/false, strings as they are), and as messages show it. */
static void scalar_text(const config_setting_t *st, const char **text,
                        char *num, size_t nn, char *shown, size_t sn) {
  switch (config_setting_type(st)) {
  case CONFIG_TYPE_INT:
  case CONFIG_TYPE_INT64:
    snprintf(num, nn, "%lld", config_setting_get_int64(st));
    *text = num;
    ap_fmt(shown, sn, "%s", num);
    break;
  case CONFIG_TYPE_FLOAT: {
    double d = config_setting_get_float(st);
    snprintf(num, nn, "%.17g", d);
    *text = num;
    fmt_short(shown, sn, d);
    break;
  }
  case CONFIG_TYPE_BOOL:
    *text = config_setting_get_bool(st) ? "true" : "false";
    ap_fmt(shown, sn, "%s", *text);
    break;
  case CONFIG_TYPE_STRING:
    *text = config_setting_get_string(st);
    ap_fmt(shown, sn, "\"%s\"", *text);
    break;
  case CONFIG_TYPE_GROUP:
    *text = NULL;
    ap_fmt(shown, sn, "a group");
    break;
  case CONFIG_TYPE_ARRAY:
    *text = NULL;
    ap_fmt(shown, sn, "an array");
    break;
  default:
    *text = NULL;
    ap_fmt(shown, sn, "a list");
    break;
  }
}

static void where(char *buf, size_t n, const config_setting_t *st,
                  const char *path) {
  const char *file = config_setting_source_file(st);
  ap_fmt(buf, n, "%s:%u", file ? file : path,
         (unsigned)config_setting_source_line(st));
}

/* The text of known key k from the file, type-checked, or NULL with err.
 * plugin_path lists are joined into *joined (malloc'd). */
static const char *known_text(int k, const config_setting_t *st,
                              const char *path, char *num, size_t nn,
                              char *shown, size_t sn, char **joined,
                              char *err, size_t n) {
  char loc[512];
  const char *text;
  int type = config_setting_type(st);
  *joined = NULL;
  scalar_text(st, &text, num, nn, shown, sn);

  if (k == K_PLUGIN_PATH &&
      (type == CONFIG_TYPE_LIST || type == CONFIG_TYPE_ARRAY)) {
    int len = config_setting_length(st);
    size_t total = 1;
    for (int i = 0; i < len; i++) {
      const config_setting_t *el = config_setting_get_elem(st, (unsigned)i);
      const char *str = config_setting_type(el) == CONFIG_TYPE_STRING
                            ? config_setting_get_string(el)
                            : NULL;
      if (!str || !*str) {
        char elshown[256];
        const char *eltext;
        scalar_text(el, &eltext, num, nn, elshown, sizeof elshown);
        where(loc, sizeof loc, el, path);
        ap_fmt(err, n,
               "%s: setting 'plugin_path' must be a string or a list of "
               "non-empty strings, got %s as element %d",
               loc, elshown, i + 1);
        return NULL;
      }
      total += strlen(str) + 1;
    }
    *joined = malloc(total);
    if (!*joined) {
      ap_fmt(err, n, "out of memory");
      return NULL;
    }
    (*joined)[0] = '\0';
    for (int i = 0; i < len; i++) {
      if (i) strcat(*joined, ":");
      strcat(*joined, config_setting_get_string(
                          config_setting_get_elem(st, (unsigned)i)));
    }
    ap_fmt(shown, sn, "an empty list");
    return *joined;
  }

  int want_string = is_string_key(k);
  int is_number = type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64 ||
                  type == CONFIG_TYPE_FLOAT;
  if (want_string ? type != CONFIG_TYPE_STRING : !is_number) {
    where(loc, sizeof loc, st, path);
    if (k == K_PLUGIN_PATH)
      ap_fmt(err, n,
             "%s: setting 'plugin_path' must be a string or a list of "
             "strings, got %s",
             loc, shown);
    else
      ap_fmt(err, n, "%s: setting '%s' must be %s%s, got %s", loc,
             known_keys[k], want_string ? "a string, " : "",
             expected[k], shown);
    return NULL;
  }
  return text;
}

/* Walk the file's settings.  The first pass (apply == 0) only checks, so
 * a file with an error changes nothing; the second stores. */
static int walk(ap_settings *s, const config_setting_t *root,
                const char *path, int apply, char *err, size_t n) {
  char loc[512], num[64], shown[512];
  int count = config_setting_length(root);
  for (int i = 0; i < count; i++) {
    const config_setting_t *st = config_setting_get_elem(root, (unsigned)i);
    const char *name = config_setting_name(st);
    int k = key_index(name);
    if (k >= 0) {
      char *joined;
      const char *text = known_text(k, st, path, num, sizeof num, shown,
                                    sizeof shown, &joined, err, n);
      if (!text) return -1;
      value v;
      char msg[512];
      int r = parse_known(k, text, shown, &v, msg, sizeof msg);
      free(joined);
      if (r) {
        where(loc, sizeof loc, st, path);
        ap_fmt(err, n, "%s: %s", loc, msg);
        return -1;
      }
      if (apply)
        apply_known(s, k, &v, AP_SRC_CONFIG);
      else
        free(v.str);
      continue;
    }
    if (config_setting_type(st) != CONFIG_TYPE_GROUP) {
      const char *hint = ap_closest(name, known_keys, K_N);
      where(loc, sizeof loc, st, path);
      ap_fmt(err, n, "%s: unknown setting '%s'", loc, name);
      if (hint) ap_append(err, n, " (did you mean '%s'?)", hint);
      ap_append(err, n,
                "; known settings: " KNOWN_LIST
                "; a backend's own settings go in a group named after it, "
                "e.g. cpu = { ... };");
      return -1;
    }
    if (!is_ident(name)) {
      where(loc, sizeof loc, st, path);
      ap_fmt(err, n,
             "%s: group '%s' cannot name a backend (use letters, digits "
             "and '_')",
             loc, name);
      return -1;
    }
    int m = config_setting_length(st);
    for (int j = 0; j < m; j++) {
      const config_setting_t *el = config_setting_get_elem(st, (unsigned)j);
      const char *text;
      scalar_text(el, &text, num, sizeof num, shown, sizeof shown);
      if (!text) {
        where(loc, sizeof loc, el, path);
        ap_fmt(err, n,
               "%s: setting '%s.%s' must be a number, string or boolean, "
               "got %s",
               loc, name, config_setting_name(el), shown);
        return -1;
      }
      if (apply && add_extra(s, name, config_setting_name(el), text,
                             AP_SRC_CONFIG) != 0) {
        ap_fmt(err, n, "out of memory");
        return -1;
      }
    }
  }
  return 0;
}

int ap_settings_load(ap_settings *s, const char *path, char *err, size_t n) {
  /* libconfig says only "file I/O error"; find the reason first. */
  struct stat sb;
  FILE *probe = NULL;
  if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
    errno = EISDIR;
  } else {
    probe = fopen(path, "r");
  }
  if (!probe) {
    ap_fmt(err, n, "cannot read config file '%s': %s", path,
           strerror(errno));
    return -1;
  }
  fclose(probe);

  config_t c;
  config_init(&c);
  config_set_options(&c, config_get_options(&c) | CONFIG_OPTION_AUTOCONVERT);
  /* @include "x.cfg" is relative to the including file, not to the
   * working directory. */
  char *dir = ap_strdup(path);
  if (!dir) {
    config_destroy(&c);
    ap_fmt(err, n, "out of memory");
    return -1;
  }
  char *slash = strrchr(dir, '/');
  if (slash)
    slash[slash == dir ? 1 : 0] = '\0';
  else
    strcpy(dir, ".");
  config_set_include_dir(&c, dir);
  free(dir);

  int r = -1;
  if (config_read_file(&c, path) != CONFIG_TRUE) {
    if (config_error_type(&c) == CONFIG_ERR_FILE_IO)
      ap_fmt(err, n, "cannot read config file '%s': %s", path,
             config_error_text(&c));
    else
      ap_fmt(err, n, "%s:%d: %s",
             config_error_file(&c) ? config_error_file(&c) : path,
             config_error_line(&c), config_error_text(&c));
    goto out;
  }
  const config_setting_t *root = config_root_setting(&c);
  if (walk(s, root, path, 0, err, n) != 0) goto out;
  char *name = ap_strdup(path);
  if (!name) {
    ap_fmt(err, n, "out of memory");
    goto out;
  }
  if (walk(s, root, path, 1, err, n) != 0) {
    free(name);
    goto out;
  }
  free(s->config_file);
  s->config_file = name;
  r = 0;
out:
  config_destroy(&c);
  return r;
}

/* ---- finding the file -------------------------------------------------- */

/* 1: usable file, 0: absent, -1: present but not a file (err). */
static int probe_file(const char *path, int named, const char *why,
                      char *err, size_t n) {
  struct stat st;
  if (stat(path, &st) != 0) {
    if (!named) return 0;
    if (errno == ENOENT || errno == ENOTDIR)
      ap_fmt(err, n, "config file '%s' not found%s", path, why);
    else
      ap_fmt(err, n, "cannot access config file '%s'%s: %s", path, why,
             strerror(errno));
    return -1;
  }
  if (S_ISDIR(st.st_mode)) {
    if (!named) return 0;
    ap_fmt(err, n, "config file '%s'%s is a directory", path, why);
    return -1;
  }
  return 1;
}

static int found(const char *path, char *buf, size_t n, char *err,
                 size_t errn) {
  if (strlen(path) >= n) {
    ap_fmt(err, errn, "config file path '%s' is too long", path);
    return -1;
  }
  memcpy(buf, path, strlen(path) + 1);
  return 1;
}

/* An explicitly named file: "" and /dev/null mean "no config file". */
static int named_file(const char *path, const char *why, char *buf, size_t n,
                      char *err, size_t errn) {
  if (!*path || strcmp(path, "/dev/null") == 0) return 0;
  int r = probe_file(path, 1, why, err, errn);
  return r < 0 ? -1 : found(path, buf, n, err, errn);
}

int ap_settings_find(const char *cli_path, char *buf, size_t n, char *err,
                     size_t errn) {
  if (cli_path) return named_file(cli_path, "", buf, n, err, errn);
  const char *env = getenv("APICAL_CONFIG");
  if (env)
    return named_file(env, " (named by $APICAL_CONFIG)", buf, n, err, errn);

  if (probe_file("apical.cfg", 0, "", err, errn) == 1)
    return found("apical.cfg", buf, n, err, errn);

  /* XDG base directories: a relative $XDG_CONFIG_HOME is to be ignored. */
  char path[4096];
  const char *xdg = getenv("XDG_CONFIG_HOME");
  const char *home = getenv("HOME");
  path[0] = '\0';
  if (xdg && xdg[0] == '/')
    ap_fmt(path, sizeof path, "%s/apical/apical.cfg", xdg);
  else if (home && *home)
    ap_fmt(path, sizeof path, "%s/.config/apical/apical.cfg", home);
  if (path[0] && probe_file(path, 0, "", err, errn) == 1)
    return found(path, buf, n, err, errn);

#ifdef AP_SYSCONF_DIR
  ap_fmt(path, sizeof path, "%s/apical.cfg", AP_SYSCONF_DIR);
  if (probe_file(path, 0, "", err, errn) == 1)
    return found(path, buf, n, err, errn);
#endif
  return 0;
}
