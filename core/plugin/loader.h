/* loader.h -- plugin discovery, loading and descriptor validation.
 *
 * Plugins are found in directories (searched recursively, libtool's .libs
 * folders included, so that the build tree works uninstalled), loaded
 * with dlopen(RTLD_NOW | RTLD_LOCAL), and validated before any plugin code
 * other than the side-effect-free entry function runs.  A file that fails
 * is recorded as a rejection ("PATH: reason") and never stops the others.
 */
#ifndef AP_LOADER_H
#define AP_LOADER_H
#include <stddef.h>
#include "apical/apical.h" /* the exported registry functions */

typedef struct ap_plugin {
  const ap_plugin_desc *desc; /* validated descriptor */
  const char *name;           /* desc->name */
  int kind;                   /* desc->kind */
  const char *path;           /* file it came from */
} ap_plugin;

typedef struct ap_registry ap_registry;

ap_registry *ap_registry_new(void);
/* Unloads every plugin: no descriptor may be used afterwards. */
void ap_registry_free(ap_registry *reg);

/* Load one shared object.  Returns AP_OK or AP_EPLUGIN; on failure a
 * rejection naming the path and the reason is recorded. */
int ap_registry_load_file(ap_registry *reg, const char *path);
/* Load every *.so under `dir` (recursively, depth <= 4).  A missing dir is
 * not an error.  Returns the number of plugins added. */
size_t ap_registry_scan_dir(ap_registry *reg, const char *dir);
/* Scan each directory of a ':'-separated list, in order. */
size_t ap_registry_scan_path(ap_registry *reg, const char *list);
/* The standard search: $APICAL_PLUGIN_PATH, then `config_path` (the config
 * file's plugin_path, ':'-separated, may be NULL), then the build tree when
 * this program runs from it, then the install dir.  When a name is found
 * twice, the first found wins and the later file is recorded as shadowed. */
void ap_registry_scan_default(ap_registry *reg, const char *config_path);

const ap_plugin *ap_registry_find(const ap_registry *reg, const char *name);
/* NULL when absent or of another kind. */
const ap_plugin *ap_registry_find_kind(const ap_registry *reg, int kind,
                                       const char *name);
size_t ap_registry_count(const ap_registry *reg);
const ap_plugin *ap_registry_at(const ap_registry *reg, size_t i);
size_t ap_registry_n_rejects(const ap_registry *reg);
const char *ap_registry_reject(const ap_registry *reg, size_t i);
/* Directories searched, in order, for `apical plugins`. */
size_t ap_registry_n_dirs(const ap_registry *reg);
const char *ap_registry_dir(const ap_registry *reg, size_t i);

/* "unknown neuron model 'lif_psc_ex' (did you mean 'lif_psc_exp'?);
 *  available neuron models: lif_cond_exp, lif_psc_exp, ..." */
void ap_registry_unknown(const ap_registry *reg, int kind, const char *name,
                         char *buf, size_t n);

/* "neuron", "synapse", "rule", "backend" (NULL when invalid). */
const char *ap_kind_name(int kind);

/* Validate a descriptor table as returned by an entry function.  Writes
 * the first problem found to err ("descriptor 'x': parameter 'tau_m':
 * default 0 ms outside its range (0, inf)") and returns AP_EPLUGIN. */
int ap_plugin_validate(const ap_plugin_table *t, char *err, size_t n);
/* Descriptor i of a table, stepped through by the size its descriptors
 * state (valid after ap_plugin_validate, or for i = 0 when n > 0). */
const ap_plugin_desc *ap_plugin_at(const ap_plugin_table *t, size_t i);

/* Index of a parameter / state variable / port by name, or -1. */
int ap_param_index(const ap_param_desc *p, unsigned n, const char *name);
int ap_var_index(const ap_var_desc *v, unsigned n, const char *name);
int ap_port_index(const ap_port_desc *p, unsigned n, const char *name);
/* Check a value against a parameter's range; on failure writes
 * "parameter 'tau_m' of lif_psc_exp must be in (0, inf) ms, got -1". */
int ap_param_check(const ap_param_desc *p, const char *plugin, double v,
                   char *err, size_t n);
/* Check the compartments, state variables and ports that a model's
 * shape() returned (against its parameters), as the loader checks the
 * descriptor's own.  AP_OK, or AP_EPLUGIN with a message. */
int ap_check_neuron_shape(const char *plugin, const ap_neuron_desc *d,
                          const ap_neuron_shape *s, char *err, size_t n);
#endif
