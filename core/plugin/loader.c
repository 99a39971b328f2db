/* loader.c -- plugin discovery, loading and descriptor validation.
 *
 * Every shared object goes through the same gate: dlopen, look up the one
 * entry symbol, call it (side-effect free by contract), validate the whole
 * table, and only then keep the handle.  Whatever fails is unloaded and
 * recorded as one "PATH: reason" line; the scan goes on with the next file.
 */
#include "plugin/loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strutil.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* Deepest directory level searched below a scanned directory: enough for
 * plugins/<kind>/<name>/.libs/<name>.so in the build tree. */
#define AP_SCAN_DEPTH 4


/* ------------------------------------------------------------ registry */

/* One shared object that contributed at least one plugin. */
typedef struct ap_file {
  char *path;
  void *handle;
} ap_file;

/* Every file tried, by canonical path, so that a file reached twice (two
 * search entries naming the same folder) is neither loaded nor rejected
 * twice. */
typedef struct ap_seen {
  char *real;
  int status;
} ap_seen;

struct ap_registry {
  ap_plugin **plugins; /* each allocated alone: pointers stay valid */
  size_t n_plugins, cap_plugins;
  ap_file *files;
  size_t n_files, cap_files;
  char **rejects;
  size_t n_rejects, cap_rejects;
  char **dirs;
  size_t n_dirs, cap_dirs;
  ap_seen *seen;
  size_t n_seen, cap_seen;
};

/* `arr` with room for element n (of size `sz`): the same block, a larger
 * one (the caller stores it back), or NULL when out of memory. */
static void *grow(void *arr, size_t *cap, size_t n, size_t sz) {
  if (arr && n < *cap) return arr;
  size_t nc = *cap ? *cap * 2 : 8;
  void *p = realloc(arr, nc * sz);
  if (p) *cap = nc;
  return p;
}

/* Append a copy of s to a list of strings; -1 when out of memory. */
static int push_str(char ***arr, size_t *n, size_t *cap, const char *s) {
  char **a = grow(*arr, cap, *n, sizeof **arr);
  if (!a) return -1;
  *arr = a;
  char *d = ap_strdup(s);
  if (!d) return -1;
  a[(*n)++] = d;
  return 0;
}

ap_registry *ap_registry_new(void) {
  return calloc(1, sizeof(ap_registry));
}

void ap_registry_free(ap_registry *reg) {
  if (!reg) return;
  for (size_t i = 0; i < reg->n_plugins; i++) free(reg->plugins[i]);
  free(reg->plugins);
  /* Close in reverse load order, as the dynamic linker would. */
  for (size_t i = reg->n_files; i-- > 0;) {
    if (reg->files[i].handle) dlclose(reg->files[i].handle);
    free(reg->files[i].path);
  }
  free(reg->files);
  for (size_t i = 0; i < reg->n_rejects; i++) free(reg->rejects[i]);
  free(reg->rejects);
  for (size_t i = 0; i < reg->n_dirs; i++) free(reg->dirs[i]);
  free(reg->dirs);
  for (size_t i = 0; i < reg->n_seen; i++) free(reg->seen[i].real);
  free(reg->seen);
  free(reg);
}

static void reject(ap_registry *reg, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void reject(ap_registry *reg, const char *path, const char *fmt, ...) {
  char why[1024];
  va_list ap;
  va_start(ap, fmt);
  ap_vfmt(why, sizeof why, fmt, ap);
  va_end(ap);
  size_t len = strlen(path) + 2 + strlen(why) + 1;
  char *line = malloc(len);
  if (!line) return;
  snprintf(line, len, "%s: %s", path, why);
  char **r = grow(reg->rejects, &reg->cap_rejects, reg->n_rejects,
                  sizeof *reg->rejects);
  if (!r) {
    free(line);
    return;
  }
  reg->rejects = r;
  reg->rejects[reg->n_rejects++] = line;
}

const ap_plugin *ap_registry_find(const ap_registry *reg, const char *name) {
  if (!reg || !name) return NULL;
  for (size_t i = 0; i < reg->n_plugins; i++)
    if (strcmp(reg->plugins[i]->name, name) == 0) return reg->plugins[i];
  return NULL;
}

const ap_plugin *ap_registry_find_kind(const ap_registry *reg, int kind,
                                       const char *name) {
  const ap_plugin *p = ap_registry_find(reg, name);
  return p && p->kind == kind ? p : NULL;
}

size_t ap_registry_count(const ap_registry *reg) {
  return reg ? reg->n_plugins : 0;
}

const ap_plugin *ap_registry_at(const ap_registry *reg, size_t i) {
  return reg && i < reg->n_plugins ? reg->plugins[i] : NULL;
}

size_t ap_registry_n_rejects(const ap_registry *reg) {
  return reg ? reg->n_rejects : 0;
}

const char *ap_registry_reject(const ap_registry *reg, size_t i) {
  return reg && i < reg->n_rejects ? reg->rejects[i] : NULL;
}

size_t ap_registry_n_dirs(const ap_registry *reg) {
  return reg ? reg->n_dirs : 0;
}

const char *ap_registry_dir(const ap_registry *reg, size_t i) {
  return reg && i < reg->n_dirs ? reg->dirs[i] : NULL;
}

const char *ap_kind_name(int kind) {
  switch (kind) {
  case AP_KIND_NEURON: return "neuron";
  case AP_KIND_SYNAPSE: return "synapse";
  case AP_KIND_RULE: return "rule";
  case AP_KIND_BACKEND: return "backend";
  default: return NULL;
  }
}

/* The noun users see for a kind, singular and plural. */
static const char *kind_noun(int kind, int plural) {
  switch (kind) {
  case AP_KIND_NEURON: return plural ? "neuron models" : "neuron model";
  case AP_KIND_SYNAPSE: return plural ? "synapse models" : "synapse model";
  case AP_KIND_RULE: return plural ? "learning rules" : "learning rule";
  case AP_KIND_BACKEND: return plural ? "backends" : "backend";
  default: return plural ? "plugins" : "plugin";
  }
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void ap_registry_unknown(const ap_registry *reg, int kind, const char *name,
                         char *buf, size_t n) {
  if (!buf || n == 0) return;
  if (!name) name = "";
  const ap_plugin *other = ap_registry_find(reg, name);
  if (other && other->kind != kind) {
    /* Every noun starts with a consonant: "a" fits all of them. */
    ap_fmt(buf, n, "'%s' is a %s, not a %s", name, kind_noun(other->kind, 0),
           kind_noun(kind, 0));
    return;
  }
  size_t count = 0;
  for (size_t i = 0; reg && i < reg->n_plugins; i++)
    if (reg->plugins[i]->kind == kind) count++;
  const char **names = count ? malloc(count * sizeof *names) : NULL;
  if (count && !names) count = 0;
  size_t k = 0;
  for (size_t i = 0; names && i < reg->n_plugins; i++)
    if (reg->plugins[i]->kind == kind) names[k++] = reg->plugins[i]->name;
  if (count) qsort(names, count, sizeof *names, cmp_str);

  ap_fmt(buf, n, "unknown %s '%s'", kind_noun(kind, 0), name);
  const char *near = count ? ap_closest(name, names, count) : NULL;
  if (near) ap_append(buf, n, " (did you mean '%s'?)", near);
  if (count) {
    ap_append(buf, n, "; available %s: ", kind_noun(kind, 1));
    for (size_t i = 0; i < count; i++)
      ap_append(buf, n, "%s%s", i ? ", " : "", names[i]);
  } else {
    ap_append(buf, n, "; no %s found", kind_noun(kind, 1));
    if (reg && reg->n_dirs) {
      ap_append(buf, n, " (searched: ");
      for (size_t i = 0; i < reg->n_dirs; i++)
        ap_append(buf, n, "%s%s", i ? ", " : "", reg->dirs[i]);
      ap_append(buf, n, ")");
    } else {
      ap_append(buf, n, " (no directories searched)");
    }
  }
  free(names);
}

/* ------------------------------------------------------------ loading */

/* dlerror() text usually starts with the path given to dlopen; the
 * rejection line names the path already. */
static const char *strip_path(const char *msg, const char *path) {
  if (!msg) return "dlopen failed";
  size_t len = strlen(path);
  if (strncmp(msg, path, len) == 0 && msg[len] == ':' && msg[len + 1] == ' ')
    return msg + len + 2;
  return msg;
}

/* Status of a file already tried, or -1. */
static int seen_status(const ap_registry *reg, const char *real) {
  for (size_t i = 0; i < reg->n_seen; i++)
    if (strcmp(reg->seen[i].real, real) == 0) return reg->seen[i].status;
  return -1;
}

static void mark_seen(ap_registry *reg, const char *real, int status) {
  if (!real) return;
  ap_seen *sn = grow(reg->seen, &reg->cap_seen, reg->n_seen, sizeof *sn);
  if (!sn) return;
  reg->seen = sn;
  char *d = ap_strdup(real);
  if (!d) return;
  reg->seen[reg->n_seen].real = d;
  reg->seen[reg->n_seen].status = status;
  reg->n_seen++;
}

/* Open, validate and register; returns the status to remember. */
static int load_file(ap_registry *reg, const char *path) {
  /* A name without a slash would send dlopen through the library search
   * path instead of to this file. */
  char dlpath[PATH_MAX + 3];
  if (strchr(path, '/'))
    ap_fmt(dlpath, sizeof dlpath, "%s", path);
  else
    ap_fmt(dlpath, sizeof dlpath, "./%s", path);

  dlerror();
  void *h = dlopen(dlpath, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    reject(reg, path, "%s", strip_path(dlerror(), dlpath));
    return AP_EPLUGIN;
  }
  dlerror();
  void *sym = dlsym(h, AP_PLUGIN_ENTRY);
  if (!sym) {
    reject(reg, path, "no symbol %s (not an apical plugin)", AP_PLUGIN_ENTRY);
    dlclose(h);
    return AP_EPLUGIN;
  }
  ap_plugin_entry_fn entry;
  /* POSIX guarantees a data pointer from dlsym converts to a function
   * pointer; copying the bytes keeps -Wpedantic quiet about it. */
  memcpy(&entry, &sym, sizeof entry);
  const ap_plugin_table *t = entry();
  char err[512];
  if (ap_plugin_validate(t, err, sizeof err) != AP_OK) {
    reject(reg, path, "%s", err);
    dlclose(h);
    return AP_EPLUGIN;
  }

  ap_file *files = grow(reg->files, &reg->cap_files, reg->n_files,
                        sizeof *files);
  if (!files) {
    dlclose(h);
    return AP_ENOMEM;
  }
  reg->files = files;
  char *owned = ap_strdup(path);
  if (!owned) {
    dlclose(h);
    return AP_ENOMEM;
  }
  size_t added = 0;
  int status = AP_OK;
  for (size_t i = 0; i < t->n; i++) {
    const ap_plugin_desc *d = ap_plugin_at(t, i);
    const ap_plugin *prev = ap_registry_find(reg, d->name);
    if (prev) {
      reject(reg, path, "plugin '%s' shadowed by the one already loaded from %s",
             d->name, prev->path);
      continue;
    }
    ap_plugin **list = grow(reg->plugins, &reg->cap_plugins, reg->n_plugins,
                            sizeof *list);
    ap_plugin *p = list ? malloc(sizeof *p) : NULL;
    if (list) reg->plugins = list;
    if (!p) {
      status = AP_ENOMEM;
      break;
    }
    p->desc = d;
    p->name = d->name;
    p->kind = d->kind;
    p->path = owned;
    reg->plugins[reg->n_plugins++] = p;
    added++;
  }
  if (added == 0) {
    /* Everything it carries is shadowed: keep nothing of it. */
    free(owned);
    dlclose(h);
    return status == AP_OK ? AP_EPLUGIN : status;
  }
  reg->files[reg->n_files].path = owned;
  reg->files[reg->n_files].handle = h;
  reg->n_files++;
  return status;
}

int ap_registry_load_file(ap_registry *reg, const char *path) {
  if (!reg || !path) return AP_EINVAL;
  char real[PATH_MAX];
  const char *key = realpath(path, real) ? real : NULL;
  if (key) {
    int st = seen_status(reg, key);
    if (st >= 0) return st;
  }
  int st = load_file(reg, path);
  mark_seen(reg, key, st);
  return st;
}

static int has_so_suffix(const char *name) {
  size_t len = strlen(name);
  return len > 3 && strcmp(name + len - 3, ".so") == 0;
}

static size_t scan(ap_registry *reg, const char *dir, int depth) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    const char *nm = e->d_name;
    if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0) continue;
    if (push_str(&names, &n, &cap, nm) != 0) break;
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, cmp_str);

  size_t added = 0;
  size_t dlen = strlen(dir);
  for (size_t i = 0; i < n; i++) {
    char path[PATH_MAX];
    int w = snprintf(path, sizeof path, "%s%s%s", dir,
                     dlen && dir[dlen - 1] == '/' ? "" : "/", names[i]);
    if (w < 0 || (size_t)w >= sizeof path) continue;
    struct stat st;
    if (stat(path, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      /* Hidden folders (.git, .deps) hold no plugins, except libtool's
       * .libs, where uninstalled modules live. */
      if (names[i][0] == '.' && strcmp(names[i], ".libs") != 0) continue;
      if (depth < AP_SCAN_DEPTH) added += scan(reg, path, depth + 1);
    } else if (S_ISREG(st.st_mode) && has_so_suffix(names[i])) {
      size_t before = reg->n_plugins;
      ap_registry_load_file(reg, path);
      added += reg->n_plugins - before;
    }
  }
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  return added;
}

static int same_dir(const char *a, const char *b) {
  if (strcmp(a, b) == 0) return 1;
  char ra[PATH_MAX], rb[PATH_MAX];
  return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

size_t ap_registry_scan_dir(ap_registry *reg, const char *dir) {
  if (!reg || !dir || !*dir) return 0;
  for (size_t i = 0; i < reg->n_dirs; i++)
    if (same_dir(reg->dirs[i], dir)) return 0;
  push_str(&reg->dirs, &reg->n_dirs, &reg->cap_dirs, dir);
  return scan(reg, dir, 0);
}

size_t ap_registry_scan_path(ap_registry *reg, const char *list) {
  if (!reg || !list) return 0;
  size_t added = 0;
  const char *s = list;
  for (;;) {
    const char *colon = strchr(s, ':');
    size_t len = colon ? (size_t)(colon - s) : strlen(s);
    if (len > 0 && len < PATH_MAX) {
      char dir[PATH_MAX];
      memcpy(dir, s, len);
      dir[len] = '\0';
      added += ap_registry_scan_dir(reg, dir);
    }
    if (!colon) break;
    s = colon + 1;
  }
  return added;
}

#ifdef AP_BUILD_DIR
/* Whether this program is a build-tree executable (libtool runs those
 * from core/.libs or tests/.libs), so that uninstalled plugins are found
 * without installing anything. */
static int running_from_build_tree(void) {
  char exe[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len <= 0) return 0;
  exe[len] = '\0';
  char real[PATH_MAX];
  const char *roots[2] = {AP_BUILD_DIR, realpath(AP_BUILD_DIR, real)};
  for (int i = 0; i < 2; i++) {
    const char *r = roots[i];
    if (!r || !*r) continue;
    size_t rl = strlen(r);
    while (rl > 1 && r[rl - 1] == '/') rl--;
    if (strncmp(exe, r, rl) == 0 && exe[rl] == '/') return 1;
  }
  return 0;
}
#endif

void ap_registry_scan_default(ap_registry *reg, const char *config_path) {
  if (!reg) return;
  const char *env = getenv("APICAL_PLUGIN_PATH");
  if (env) ap_registry_scan_path(reg, env);
  if (config_path) ap_registry_scan_path(reg, config_path);
#ifdef AP_BUILD_DIR
  if (running_from_build_tree())
    ap_registry_scan_dir(reg, AP_BUILD_DIR "/plugins");
#endif
#ifdef AP_PLUGIN_DIR
  ap_registry_scan_dir(reg, AP_PLUGIN_DIR);
#endif
}
