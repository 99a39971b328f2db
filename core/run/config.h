/* config.h -- run settings and where they come from.
 *
 * Precedence, lowest to highest: built-in defaults < config file <
 * the script's ap.setup{} < command line.  A setting made at a level
 * lower than the one that last set it is ignored, so a script's
 * ap.setup{ seed = 1 } does not override `--seed 7`.
 *
 * Config file search order: --config FILE, $APICAL_CONFIG, ./apical.cfg,
 * $XDG_CONFIG_HOME/apical/apical.cfg (default ~/.config/apical/apical.cfg),
 * then SYSCONFDIR/apical.cfg.  The first that exists is read; only an
 * explicitly named file (--config, $APICAL_CONFIG) must exist.
 * APICAL_CONFIG=/dev/null (or an empty file) means "no settings".
 */
#ifndef AP_CONFIG_H
#define AP_CONFIG_H
#include <stddef.h>
#include <stdint.h>

#include "apical/apical.h" /* ap_source, and the exported functions below */

/* A setting the core does not know: it goes to the backend. */
typedef struct ap_extra {
  char *backend; /* section it came from, or NULL: applies to any backend */
  char *key;
  char *value;   /* as text; the backend's parameter table converts it */
  int source;    /* ap_source */
} ap_extra;

/* Where Debian's package dataset-fashion-mnist puts the four files. */
#define AP_FASHION_DIR_DEFAULT "/usr/share/datasets/fashion-mnist"

struct ap_settings {
  char *backend;      /* default "cpu" */
  int threads;        /* default 1; 0 = all cores */
  uint64_t seed;      /* default 12345 */
  double dt;          /* ms, default 0.1 */
  char *plugin_path;  /* ':'-separated, NULL when unset */
  char *output_dir;   /* where relative output paths go, default "." */
  char *config_file;  /* the file read, NULL when none */
  char *fashion_dir;  /* folder of ap.dataset("fashion", ...), default
                         AP_FASHION_DIR_DEFAULT; "" when not configured */
  char *mnist_dir;    /* folder of ap.dataset("mnist", ...), default "" */
  int src_backend, src_threads, src_seed, src_dt, src_plugin_path,
      src_output_dir, src_fashion_dir, src_mnist_dir;
  ap_extra *extra;
  size_t n_extra;
};

/* Defaults in a caller's structure (ap_settings_new allocates one);
 * returns 0 or -1 on allocation failure.  ap_settings_free releases what
 * the structure holds, not the structure. */
int ap_settings_init(ap_settings *s);
void ap_settings_free(ap_settings *s);

/* Set one key from text at a level.  Known keys: backend, threads, seed,
 * dt, plugin_path, output_dir, fashion_dir, mnist_dir (the last two take
 * any text, "" meaning "not configured"); others become extras for the
 * backend (in section `backend`, NULL for any).  Errors name the key and
 * the expected form: "setting 'dt' must be a positive number of ms, got
 * 'abc'".
 * Returns 0 or -1 with err filled. */
int ap_settings_set(ap_settings *s, const char *key, const char *value,
                    int source, char *err, size_t n);

/* Forget the backend settings (extras) except those of the section
 * `keep` (NULL: forget all): what a run on another backend (apical run
 * --compare) keeps of the settings. */
void ap_settings_drop_extras(ap_settings *s, const char *keep);

/* Find the config file as above.  Writes the path into buf and returns 1,
 * returns 0 when there is none, -1 (with err) when an explicitly named
 * file does not exist. */
int ap_settings_find(const char *cli_path, char *buf, size_t n, char *err,
                     size_t errn);
/* Read a libconfig file at AP_SRC_CONFIG level.  Top-level keys are the
 * settings above (plugin_path may also be a list of strings); a group
 * named after a backend (e.g. `cpu = { ... };`) holds that backend's
 * settings.  Errors give "FILE:LINE: message".  Returns 0 or -1. */
int ap_settings_load(ap_settings *s, const char *path, char *err, size_t n);

/* The extras that apply to `backend`, highest precedence last wins:
 * calls fn(key, value, ctx) for each effective key once.  Returns the
 * first non-zero return of fn, or 0. */
int ap_settings_each_extra(const ap_settings *s, const char *backend,
                           int (*fn)(const char *key, const char *value,
                                     void *ctx),
                           void *ctx);
#endif
