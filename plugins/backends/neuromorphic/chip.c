/* chip.c -- read a chip profile (libconfig) and check it. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr */
#endif
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chip.h"
#include "fixed.h"

#ifndef AP_CHIP_DIR
#define AP_CHIP_DIR "/usr/local/share/apical/chips"
#endif
#ifndef AP_SRC_DIR
#define AP_SRC_DIR "."
#endif
#define AP_CHIP_SRC AP_SRC_DIR "/plugins/backends/neuromorphic/chips"

/* One numeric key: its path in the file, where it goes, whether it must
 * be there, its range and, for integers, that it is whole. */
typedef struct key {
  const char *path;
  size_t off;
  int type; /* 0 double, 1 long, 2 int, 3 unsigned */
  int required;
  double def, min, max;
} key;

#define D(p, f, req, d, lo, hi) {p, offsetof(nm_chip, f), 0, req, d, lo, hi}
#define L(p, f, req, d, lo, hi) {p, offsetof(nm_chip, f), 1, req, d, lo, hi}
#define I(p, f, req, d, lo, hi) {p, offsetof(nm_chip, f), 2, req, d, lo, hi}
#define U(p, f, req, d, lo, hi) {p, offsetof(nm_chip, f), 3, req, d, lo, hi}

static const key keys[] = {
    D("chip.tick_ms", tick_ms, 1, 0, 0, 1000),
    L("chip.cores_per_chip", cores_per_chip, 1, 0, 1, 1e9),
    L("chip.cores_per_tile", cores_per_tile, 0, 1, 1, 1e6),
    L("chip.mesh_x", mesh_x, 0, 1, 1, 1e6),
    L("chip.compartments_per_core", compartments_per_core, 1, 0, 1, 1e9),
    L("chip.fanin_per_core", fanin_per_core, 1, 0, 1, 1e12),
    L("chip.fanout_per_core", fanout_per_core, 0, 1e12, 1, 1e12),
    L("chip.fanout_per_neuron", fanout_per_neuron, 0, 1e12, 1, 1e12),
    L("chip.synapse_bits_per_core", synapse_bits_per_core, 1, 0, 1, 1e15),
    L("chip.synapse_bits", synapse_bits, 1, 0, 1, 4096),
    L("chip.max_delay", max_delay, 1, 0, 1, 65535),
    I("neuron.currents", currents, 1, 0, 0, 4),
    I("neuron.compartment_per_current", compartment_per_current, 0, 0, 0, 1),
    I("neuron.voltage_decay", voltage_decay, 1, 0, 0, 1),
    U("neuron.decay_bits", decay_bits, 0, 12, 1, 32),
    I("neuron.current_offset", current_offset, 0, 0, 0, 1),
    U("neuron.u_bits", u_bits, 0, 32, 2, 32),
    U("neuron.v_bits", v_bits, 1, 0, 2, 32),
    U("neuron.threshold_bits", threshold_bits, 1, 0, 1, 62),
    U("neuron.threshold_shift", threshold_shift, 0, 0, 0, 30),
    U("neuron.bias_bits", bias_bits, 1, 0, 2, 62),
    I("neuron.bias_exp_max", bias_exp_max, 0, 0, 0, 30),
    U("synapse.weight_bits", weight_bits, 1, 0, 1, 30),
    I("synapse.weight_exp_min", weight_exp_min, 0, 0, -30, 30),
    I("synapse.weight_exp_max", weight_exp_max, 0, 0, -30, 30),
    U("synapse.activation_shift", activation_shift, 0, 0, 0, 30),
    I("synapse.mixed_sign_loses_bit", mixed_sign_loses_bit, 0, 0, 0, 1),
    I("synapse.weight_types", weight_types, 0, 0, 0, 64),
    D("neuron.v_headroom", v_headroom, 0, 8, 1, 1e6),
    D("neuron.v_scale", v_scale, 0, 0, 0, 1e12),
    I("neuron.spike_strict", spike_strict, 0, 0, 0, 1),
    U("neuron.noise_bits", noise_bits, 0, 8, 1, 31),
    D("energy.synop_pj", e_synop, 1, 0, 0, 1e9),
    D("energy.neuron_active_pj", e_active, 0, 0, 0, 1e9),
    D("energy.neuron_inactive_pj", e_inactive, 0, 0, 0, 1e9),
    D("energy.learning_pj", e_learn, 0, 0, 0, 1e9),
    D("energy.spike_pj", e_spike, 0, 0, 0, 1e9),
    D("energy.hop_x_pj", e_hop_x, 0, 0, 0, 1e9),
    D("energy.hop_y_pj", e_hop_y, 0, 0, 0, 1e9),
    D("timing.synop_ns", t_synop, 0, 0, 0, 1e9),
    D("timing.neuron_active_ns", t_active, 0, 0, 0, 1e9),
    D("timing.neuron_inactive_ns", t_inactive, 0, 0, 0, 1e9),
    D("timing.learning_ns", t_learn, 0, 0, 0, 1e9),
    D("timing.spike_ns", t_spike, 0, 0, 0, 1e9),
    D("timing.hop_x_ns", t_hop_x, 0, 0, 0, 1e9),
    D("timing.hop_y_ns", t_hop_y, 0, 0, 0, 1e9),
    D("timing.barrier_ns", t_barrier, 0, 0, 0, 1e9),
};

/* A key that takes one of a few words; the first is the default. */
typedef struct word {
  const char *path;
  size_t off;
  const char *name[3];
  int value[3];
} word;

static const word words[] = {
    {"chip.learning", offsetof(nm_chip, learning),
     {"none", "traces", "software"},
     {NM_LEARN_NONE, NM_LEARN_TRACES, NM_LEARN_SOFTWARE}},
    {"neuron.decay_round", offsetof(nm_chip, decay_round), {"zero", "floor"},
     {NM_ROUND_ZERO, NM_ROUND_FLOOR}},
    {"neuron.noise", offsetof(nm_chip, noise), {"none", "uniform", "gaussian"},
     {NM_NOISE_NONE, NM_NOISE_UNIFORM, NM_NOISE_GAUSSIAN}},
    {"neuron.u_overflow", offsetof(nm_chip, u_overflow), {"clip", "wrap"},
     {NM_OVF_CLIP, NM_OVF_WRAP}},
    {"neuron.v_overflow", offsetof(nm_chip, v_overflow), {"clip", "wrap"},
     {NM_OVF_CLIP, NM_OVF_WRAP}},
};

static int exists(const char *p) { return access(p, R_OK) == 0; }

/* The profiles of the source tree serve a plugin loaded from the build
 * tree (as the host loads plugins from it only when run from it); an
 * installed plugin reads the installed profiles. */
static const char *src_chips(void) {
#ifdef AP_BUILD_DIR
  Dl_info info;
  char real[PATH_MAX];
  if (!dladdr((void *)src_chips, &info) || !info.dli_fname) return NULL;
  const char *roots[2] = {AP_BUILD_DIR, realpath(AP_BUILD_DIR, real)};
  for (int i = 0; i < 2; i++) {
    size_t rl = roots[i] ? strlen(roots[i]) : 0;
    if (rl && !strncmp(info.dli_fname, roots[i], rl) &&
        info.dli_fname[rl] == '/')
      return AP_CHIP_SRC;
  }
#endif
  return NULL;
}

/* Look for NAME.cfg in the folders of a ':'-separated list. */
static int find_in(const char *list, const char *name, char *out, size_t n) {
  if (!list) return 0;
  const char *s = list;
  while (*s) {
    size_t len = strcspn(s, ":");
    if (len) {
      snprintf(out, n, "%.*s/%s.cfg", (int)len, s, name);
      if (exists(out)) return 1;
    }
    s += len;
    if (*s == ':') s++;
  }
  return 0;
}

/* The profiles in the folders of `list`, appended to err. */
static void list_profiles(const char *list, char *err, size_t n, int *count) {
  const char *s = list;
  while (s && *s) {
    size_t len = strcspn(s, ":");
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", (int)len, s);
    DIR *d = len ? opendir(dir) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d))) {
      size_t l = strlen(e->d_name);
      if (l > 4 && !strcmp(e->d_name + l - 4, ".cfg")) {
        size_t at = strlen(err);
        snprintf(err + at, n - at, "%s%.*s", (*count)++ ? ", " : "",
                 (int)(l - 4), e->d_name);
      }
    }
    if (d) closedir(d);
    s += len;
    if (*s == ':') s++;
  }
}

static int get_number(const config_t *cf, const char *path, double *v,
                      int *found) {
  const config_setting_t *s = config_lookup(cf, path);
  *found = s != NULL;
  if (!s) return 0;
  int t = config_setting_type(s);
  if (t == CONFIG_TYPE_INT) *v = config_setting_get_int(s);
  else if (t == CONFIG_TYPE_INT64) *v = (double)config_setting_get_int64(s);
  else if (t == CONFIG_TYPE_FLOAT) *v = config_setting_get_float(s);
  else if (t == CONFIG_TYPE_BOOL) *v = config_setting_get_bool(s);
  else return -1;
  return 0;
}

static int line_of(const config_t *cf, const char *path) {
  const config_setting_t *s = config_lookup(cf, path);
  return s ? (int)config_setting_source_line(s) : 0;
}

static int read_profile(nm_chip *c, const char *path, char *err, size_t n) {
  config_t cf;
  config_init(&cf);
  if (!config_read_file(&cf, path)) {
    if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
      snprintf(err, n, "chip profile %s: cannot read it", path);
    else
      snprintf(err, n, "%s:%d: %s", path, config_error_line(&cf),
               config_error_text(&cf));
    config_destroy(&cf);
    return -1;
  }
  int rc = -1;
  const char *s;
  char *real = realpath(path, NULL);
  snprintf(c->path, sizeof c->path, "%s", real ? real : path);
  free(real);
  if (!config_lookup_string(&cf, "chip.name", &s)) {
    snprintf(err, n, "%s: missing 'chip.name' (a string)", path);
    goto out;
  }
  snprintf(c->name, sizeof c->name, "%s", s);
  if (config_lookup_string(&cf, "chip.doc", &s))
    snprintf(c->doc, sizeof c->doc, "%s", s);
  for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
    const word *w = &words[k];
    int *f = (int *)(void *)((char *)c + w->off);
    *f = w->value[0];
    if (!config_lookup_string(&cf, w->path, &s)) continue;
    int j = 0;
    while (j < 3 && w->name[j] && strcmp(w->name[j], s)) j++;
    if (j == 3 || !w->name[j]) {
      snprintf(err, n, "%s:%d: %s must be one of \"%s\", \"%s\"%s%s%s; "
               "got \"%s\"", path, line_of(&cf, w->path), w->path,
               w->name[0], w->name[1], w->name[2] ? ", \"" : "",
               w->name[2] ? w->name[2] : "", w->name[2] ? "\"" : "", s);
      goto out;
    }
    *f = w->value[j];
  }
  for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
    const key *q = &keys[k];
    double v = q->def;
    int found;
    if (get_number(&cf, q->path, &v, &found)) {
      snprintf(err, n, "%s:%d: %s must be a number", path,
               line_of(&cf, q->path), q->path);
      goto out;
    }
    if (!found && q->required) {
      snprintf(err, n, "%s: missing '%s' (a number)", path, q->path);
      goto out;
    }
    if (!(v >= q->min && v <= q->max) ||
        (q->type && found && v != floor(v))) {
      snprintf(err, n, "%s:%d: %s = %g is out of range (%s%g .. %g)", path,
               line_of(&cf, q->path), q->path, v,
               q->type ? "a whole number, " : "", q->min, q->max);
      goto out;
    }
    char *f = (char *)c + q->off;
    if (q->type == 0) *(double *)f = v;
    else if (q->type == 1) *(long *)f = (long)v;
    else if (q->type == 2) *(int *)f = (int)v;
    else *(unsigned *)f = (unsigned)v;
  }
  /* every key must be one of ours: a misspelt key would silently keep
   * its default */
  static const char *const groups[] = {"chip", "neuron", "synapse", "energy",
                                       "timing"};
  static const char *const strkeys[] = {"chip.name", "chip.doc"};
  const config_setting_t *root = config_root_setting(&cf);
  for (int g = 0; g < config_setting_length(root); g++) {
    const config_setting_t *grp = config_setting_get_elem(root, (unsigned)g);
    const char *gn = config_setting_name(grp);
    size_t k = 0;
    while (k < sizeof groups / sizeof groups[0] && strcmp(groups[k], gn)) k++;
    if (k == sizeof groups / sizeof groups[0] ||
        config_setting_type(grp) != CONFIG_TYPE_GROUP) {
      snprintf(err, n, "%s:%d: unknown group '%s' (groups: chip, neuron, "
               "synapse, energy, timing)", path,
               (int)config_setting_source_line(grp), gn);
      goto out;
    }
    for (int e = 0; e < config_setting_length(grp); e++) {
      const config_setting_t *it = config_setting_get_elem(grp, (unsigned)e);
      char full[160];
      snprintf(full, sizeof full, "%s.%s", gn, config_setting_name(it));
      int known = 0;
      for (size_t q = 0; q < sizeof keys / sizeof keys[0] && !known; q++)
        known = !strcmp(keys[q].path, full);
      for (size_t q = 0; q < sizeof strkeys / sizeof strkeys[0] && !known;
           q++)
        known = !strcmp(strkeys[q], full);
      for (size_t q = 0; q < sizeof words / sizeof words[0] && !known; q++)
        known = !strcmp(words[q].path, full);
      if (!known) {
        snprintf(err, n, "%s:%d: unknown key '%s' (docs/neuromorphic.md "
                 "lists the keys)", path,
                 (int)config_setting_source_line(it), full);
        goto out;
      }
    }
  }
  if (c->weight_exp_min > c->weight_exp_max) {
    snprintf(err, n, "%s:%d: synapse.weight_exp_min (%d) is above "
             "weight_exp_max (%d)", path,
             line_of(&cf, "synapse.weight_exp_min"), c->weight_exp_min,
             c->weight_exp_max);
    goto out;
  }
  if (c->cores_per_chip % c->cores_per_tile) {
    snprintf(err, n, "%s:%d: chip.cores_per_chip (%ld) is not a multiple of "
             "cores_per_tile (%ld)", path,
             line_of(&cf, "chip.cores_per_chip"), c->cores_per_chip,
             c->cores_per_tile);
    goto out;
  }
  /* picojoules and nanoseconds in the file, SI units inside */
  double *e[] = {&c->e_synop, &c->e_active, &c->e_inactive, &c->e_learn,
                 &c->e_spike, &c->e_hop_x, &c->e_hop_y};
  for (size_t k = 0; k < sizeof e / sizeof e[0]; k++) *e[k] *= 1e-12;
  double *t[] = {&c->t_synop, &c->t_active, &c->t_inactive, &c->t_learn,
                 &c->t_spike, &c->t_hop_x, &c->t_hop_y, &c->t_barrier};
  for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) *t[k] *= 1e-9;
  rc = 0;
out:
  config_destroy(&cf);
  return rc;
}

int nm_chip_load(nm_chip *c, const char *name, const char *search, char *err,
                 size_t err_size) {
  memset(c, 0, sizeof *c);
  char path[4096];
  size_t len = strlen(name);
  if (len > 4 && !strcmp(name + len - 4, ".cfg"))
    return read_profile(c, name, err, err_size);
  if (!len || strchr(name, '/')) {
    snprintf(err, err_size, "chip '%s': give a profile name such as loihi, "
             "or a path ending in .cfg", name);
    return -1;
  }
  const char *env = getenv("APICAL_CHIP_PATH");
  const char *src = src_chips();
  if (find_in(search, name, path, sizeof path) ||
      find_in(env, name, path, sizeof path) ||
      find_in(src, name, path, sizeof path) ||
      find_in(AP_CHIP_DIR, name, path, sizeof path))
    return read_profile(c, path, err, err_size);
  snprintf(err, err_size, "no chip profile named '%s' (known: ", name);
  int count = 0;
  list_profiles(search, err, err_size, &count);
  list_profiles(env, err, err_size, &count);
  list_profiles(src ? src : AP_CHIP_DIR, err, err_size, &count);
  size_t at = strlen(err);
  snprintf(err + at, err_size - at, "%s; searched chip_path, "
           "$APICAL_CHIP_PATH and %s)", count ? "" : "none",
           src ? src : AP_CHIP_DIR);
  return -1;
}
