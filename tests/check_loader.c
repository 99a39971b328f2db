/* check_loader.c -- the plugin loader: loading, validation, rejection
 * messages (part of the API: asserted verbatim), search, look-ups. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/describe.h"
#include "plugin/host.h"
#include "plugin/loader.h"
#include "tmpdir.h"
#include "base/strutil.h"

#ifndef AP_FIXTURE_DIR
#error "AP_FIXTURE_DIR must name the folder of the built fixture plugins"
#endif

#define FX AP_FIXTURE_DIR

/* ------------------------------------------------------------ helpers */

/* Path of a built fixture; fails the test when it is missing, so that a
 * broken build never passes as a skipped test. */
static void fixture(char *buf, size_t n, const char *name) {
  ap_fmt(buf, n, "%s/%s.so", FX, name);
  ck_assert_msg(access(buf, R_OK) == 0,
                "fixture %s is missing: build the fixtures first", buf);
}

static void make_tmpdir(char *buf, size_t n) {
  ck_assert_msg(ap_test_mkdtemp(buf, n, "ap_loader") == 0,
                "cannot make a temporary folder");
}

static void write_file(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  ck_assert_msg(f != NULL, "cannot create %s", path);
  ck_assert_uint_eq(fwrite(data, 1, n, f), n);
  ck_assert_int_eq(fclose(f), 0);
}

static void copy_file(const char *from, const char *to) {
  FILE *f = fopen(from, "rb");
  ck_assert_msg(f != NULL, "cannot read %s", from);
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 65536;
      buf = realloc(buf, cap);
      ck_assert_ptr_nonnull(buf);
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    if (r == 0) break;
    n += r;
  }
  fclose(f);
  write_file(to, buf, n);
  free(buf);
}

static void mkdirs(const char *root, const char *rel) {
  char path[4096];
  ap_fmt(path, sizeof path, "%s/%s", root, rel);
  for (char *s = path + strlen(root) + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    mkdir(path, 0700);
    *s = '/';
  }
  mkdir(path, 0700);
}

/* Whether `line` is among the registry's rejections. */
static int has_reject(const ap_registry *reg, const char *line) {
  for (size_t i = 0; i < ap_registry_n_rejects(reg); i++)
    if (strcmp(ap_registry_reject(reg, i), line) == 0) return 1;
  return 0;
}

static const char *const NOT_ELF =
    "this is a text file with a .so name, not a shared object; it is long "
    "enough for the dynamic linker to read a whole ELF header from it.\n";

/* ------------------------------------------- broken fixtures, one each */

typedef struct reject_case {
  const char *fixture;
  const char *reason; /* after "PATH: " */
} reject_case;

static const reject_case rejects[] = {
    {"bad_abi", "built for plugin ABI 1.5, this apical's is 2.3: rebuild "
                "it against this apical's headers"},
    {"bad_magic", "bad magic (not an apical plugin table)"},
    {"bad_minor", "plugin ABI 2.4 is newer than this apical's 2.3"},
    {"bad_range",
     "descriptor 'fixture_bad_range': parameter 'tau_m': default 0 ms "
     "outside its range (0, inf)"},
    {"bad_sizeof", "built with sizeof(ap_real)=4, this apical uses 8"},
    {"bad_unit",
     "descriptor 'fixture_bad_unit': parameter 'tau_m': unit is NULL (use "
     "\"1\" for a dimensionless value)"},
    {"dup_param",
     "descriptor 'fixture_dup_param': parameter 'tau_m' listed twice"},
    {"missing_update",
     "descriptor 'fixture_missing_update': update is NULL (required for a "
     "neuron model)"},
    {"no_entry", "no symbol ap_plugin_entry (not an apical plugin)"},
    {"null_entry", "entry returned NULL"},
    {"two_same_name",
     "descriptor 'fixture_twin': name used twice in this plugin (descriptors "
     "0 and 1)"},
};
#define N_REJECTS (int)(sizeof rejects / sizeof rejects[0])

START_TEST(test_reject_fixture) {
  const reject_case *c = &rejects[_i];
  char path[1024], want[2048];
  fixture(path, sizeof path, c->fixture);
  ap_fmt(want, sizeof want, "%s: %s", path, c->reason);
  ap_registry *reg = ap_registry_new();
  ck_assert_ptr_nonnull(reg);
  ck_assert_int_eq(ap_registry_load_file(reg, path), AP_EPLUGIN);
  ck_assert_uint_eq(ap_registry_count(reg), 0);
  ck_assert_uint_eq(ap_registry_n_rejects(reg), 1);
  ck_assert_str_eq(ap_registry_reject(reg, 0), want);
  /* A file tried twice is rejected once. */
  ck_assert_int_eq(ap_registry_load_file(reg, path), AP_EPLUGIN);
  ck_assert_uint_eq(ap_registry_n_rejects(reg), 1);
  ap_registry_free(reg);
}
END_TEST

START_TEST(test_good_fixture) {
  char path[1024];
  fixture(path, sizeof path, "good_neuron");
  ap_registry *reg = ap_registry_new();
  ck_assert_int_eq(ap_registry_load_file(reg, path), AP_OK);
  ck_assert_uint_eq(ap_registry_n_rejects(reg), 0);
  ck_assert_uint_eq(ap_registry_count(reg), 1);
  const ap_plugin *p = ap_registry_find(reg, "fixture_neuron");
  ck_assert_ptr_nonnull(p);
  ck_assert_ptr_eq(p, ap_registry_at(reg, 0));
  ck_assert_ptr_null(ap_registry_at(reg, 1));
  ck_assert_ptr_eq(ap_registry_find_kind(reg, AP_KIND_NEURON, "fixture_neuron"),
                   p);
  ck_assert_ptr_null(
      ap_registry_find_kind(reg, AP_KIND_SYNAPSE, "fixture_neuron"));
  ck_assert_ptr_null(ap_registry_find(reg, "fixture_neuro"));
  ck_assert_str_eq(p->name, "fixture_neuron");
  ck_assert_str_eq(p->path, path);
  ck_assert_int_eq(p->kind, AP_KIND_NEURON);
  ck_assert_ptr_eq(p->desc->name, p->name);
  ck_assert_str_eq(p->desc->version, "0.1");

  const ap_neuron_desc *n = p->desc->desc;
  ck_assert_int_eq(ap_param_index(n->params, n->n_params, "tau_m"), 0);
  ck_assert_int_eq(ap_param_index(n->params, n->n_params, "V_th"), 2);
  ck_assert_int_eq(ap_param_index(n->params, n->n_params, "V_m"), -1);
  ck_assert_int_eq(ap_var_index(n->vars, n->n_vars, "refr"), 1);
  ck_assert_int_eq(ap_var_index(n->vars, n->n_vars, "tau_m"), -1);
  ck_assert_int_eq(ap_port_index(n->ports, n->n_ports, "in"), 1);
  ck_assert_int_eq(ap_port_index(n->ports, n->n_ports, "dend"), -1);
  ck_assert_int_eq(ap_param_index(NULL, 0, "x"), -1);

  /* The same file again (even by another spelling) adds nothing. */
  char again[1100];
  ap_fmt(again, sizeof again, "%s/./good_neuron.so", FX);
  ck_assert_int_eq(ap_registry_load_file(reg, again), AP_OK);
  ck_assert_uint_eq(ap_registry_count(reg), 1);
  ck_assert_uint_eq(ap_registry_n_rejects(reg), 0);
  ap_registry_free(reg);
}
END_TEST

START_TEST(test_not_elf) {
  char dir[512], path[1024], want[2048];
  make_tmpdir(dir, sizeof dir);
  ap_fmt(path, sizeof path, "%s/not_a_plugin.so", dir);
  write_file(path, NOT_ELF, strlen(NOT_ELF));
  ap_registry *reg = ap_registry_new();
  ck_assert_int_eq(ap_registry_load_file(reg, path), AP_EPLUGIN);
  ck_assert_uint_eq(ap_registry_count(reg), 0);
  ck_assert_uint_eq(ap_registry_n_rejects(reg), 1);
  const char *r = ap_registry_reject(reg, 0);
  ap_fmt(want, sizeof want, "%s: ", path);
  ck_assert_msg(strncmp(r, want, strlen(want)) == 0, "got '%s'", r);
  ck_assert_msg(strlen(r) > strlen(want), "no reason in '%s'", r);
  /* dlerror() names the path itself: it must not appear twice. */
  ck_assert_msg(strstr(r + strlen(want), path) == NULL, "got '%s'", r);
#ifdef __GLIBC__
  ap_fmt(want, sizeof want, "%s: invalid ELF header", path);
  ck_assert_str_eq(r, want);
#endif
  ap_registry_free(reg);
  ap_test_rm_rf(dir);
}
END_TEST

START_TEST(test_missing_file) {
  char dir[512], path[1024];
  make_tmpdir(dir, sizeof dir);
  ap_fmt(path, sizeof path, "%s/absent.so", dir);
  ap_registry *reg = ap_registry_new();
  ck_assert_int_eq(ap_registry_load_file(reg, path), AP_EPLUGIN);
  ck_assert_uint_eq(ap_registry_n_rejects(reg), 1);
#ifdef __GLIBC__
  char want[2048];
  ap_fmt(want, sizeof want,
         "%s: cannot open shared object file: No such file or directory",
         path);
  ck_assert_str_eq(ap_registry_reject(reg, 0), want);
#endif
  ap_registry_free(reg);
  ap_test_rm_rf(dir);
}
END_TEST

/* ------------------------------------------------------------ scanning */

START_TEST(test_scan_fixture_dir) {
  char good[1024];
  fixture(good, sizeof good, "good_neuron");
  for (int i = 0; i < N_REJECTS; i++) {
    char path[1024];
    fixture(path, sizeof path, rejects[i].fixture);
  }
  ap_registry *reg = ap_registry_new();
  ck_assert_uint_eq(ap_registry_scan_dir(reg, FX), 1);
  ck_assert_uint_eq(ap_registry_n_dirs(reg), 1);
  ck_assert_str_eq(ap_registry_dir(reg, 0), FX);
  const ap_plugin *p = ap_registry_find_kind(reg, AP_KIND_NEURON,
                                             "fixture_neuron");
  ck_assert_ptr_nonnull(p);
  ck_assert_str_eq(p->path, good);
  for (int i = 0; i < N_REJECTS; i++) {
    char want[2048];
    ap_fmt(want, sizeof want, "%s/%s.so: %s", FX, rejects[i].fixture,
           rejects[i].reason);
    ck_assert_msg(has_reject(reg, want), "missing rejection '%s'", want);
  }
  /* Every .so in the folder was either loaded or rejected, in name order. */
  size_t n_so = 0;
  DIR *d = opendir(FX);
  ck_assert_ptr_nonnull(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t l = strlen(e->d_name);
    if (l > 3 && strcmp(e->d_name + l - 3, ".so") == 0) n_so++;
  }
  closedir(d);
  size_t files = 0;
  for (size_t i = 0; i < ap_registry_count(reg); i++)
    if (i == 0 || strcmp(ap_registry_at(reg, i)->path,
                         ap_registry_at(reg, i - 1)->path) != 0)
      files++;
  ck_assert_uint_eq(files + ap_registry_n_rejects(reg), n_so);
  for (size_t i = 1; i < ap_registry_n_rejects(reg); i++)
    ck_assert_msg(strcmp(ap_registry_reject(reg, i - 1),
                         ap_registry_reject(reg, i)) < 0,
                  "rejections out of order: '%s' before '%s'",
                  ap_registry_reject(reg, i - 1), ap_registry_reject(reg, i));
  /* Scanning the same folder again changes nothing. */
  size_t nr = ap_registry_n_rejects(reg);
  ck_assert_uint_eq(ap_registry_scan_dir(reg, FX), 0);
  ck_assert_uint_eq(ap_registry_n_rejects(reg), nr);
  ck_assert_uint_eq(ap_registry_count(reg), 1);
  ck_assert_uint_eq(ap_registry_n_dirs(reg), 1);
  ap_registry_free(reg);
}
END_TEST

START_TEST(test_scan_tree) {
  char good[1024], dir[512], path[1024], want[4096];
  fixture(good, sizeof good, "good_neuron");
  make_tmpdir(dir, sizeof dir);
  mkdirs(dir, "a/.libs");
  mkdirs(dir, "z/b/c/d/e");
  mkdirs(dir, ".git");
  ap_fmt(path, sizeof path, "%s/a/.libs/good.so", dir);
  copy_file(good, path);
  ap_fmt(path, sizeof path, "%s/z/b/c/d/shadow.so", dir);
  copy_file(good, path);
  ap_fmt(path, sizeof path, "%s/z/b/c/d/e/too_deep.so", dir);
  copy_file(good, path);
  ap_fmt(path, sizeof path, "%s/.git/hidden.so", dir);
  copy_file(good, path);
  ap_fmt(path, sizeof path, "%s/a/good.so.txt", dir);
  copy_file(good, path);
  ap_fmt(path, sizeof path, "%s/not_a_plugin.so", dir);
  write_file(path, NOT_ELF, strlen(NOT_ELF));

  ap_registry *reg = ap_registry_new();
  ck_assert_uint_eq(ap_registry_scan_dir(reg, dir), 1);
  ck_assert_uint_eq(ap_registry_count(reg), 1);
  ap_fmt(path, sizeof path, "%s/a/.libs/good.so", dir);
  ck_assert_str_eq(ap_registry_find(reg, "fixture_neuron")->path, path);
  ck_assert_uint_eq(ap_registry_n_rejects(reg), 2);
  ap_fmt(want, sizeof want, "%s/not_a_plugin.so: ", dir);
  ck_assert_msg(strncmp(ap_registry_reject(reg, 0), want, strlen(want)) == 0,
                "got '%s'", ap_registry_reject(reg, 0));
  ap_fmt(want, sizeof want,
         "%s/z/b/c/d/shadow.so: plugin 'fixture_neuron' shadowed by the one "
         "already loaded from %s",
         dir, path);
  ck_assert_str_eq(ap_registry_reject(reg, 1), want);

  /* A missing folder is searched (and listed) but is no error. */
  char missing[1024];
  ap_fmt(missing, sizeof missing, "%s/nope", dir);
  ck_assert_uint_eq(ap_registry_scan_dir(reg, missing), 0);
  ck_assert_uint_eq(ap_registry_n_rejects(reg), 2);
  ck_assert_uint_eq(ap_registry_n_dirs(reg), 2);
  ck_assert_str_eq(ap_registry_dir(reg, 1), missing);
  ap_registry_free(reg);
  ap_test_rm_rf(dir);
}
END_TEST

START_TEST(test_shadow_first_wins) {
  char good[1024], dir[512], copy[1024], want[4096];
  fixture(good, sizeof good, "good_neuron");
  make_tmpdir(dir, sizeof dir);
  ap_fmt(copy, sizeof copy, "%s/copy.so", dir);
  copy_file(good, copy);
  ap_registry *reg = ap_registry_new();
  ck_assert_int_eq(ap_registry_load_file(reg, good), AP_OK);
  ck_assert_int_eq(ap_registry_load_file(reg, copy), AP_EPLUGIN);
  ck_assert_uint_eq(ap_registry_count(reg), 1);
  ck_assert_str_eq(ap_registry_at(reg, 0)->path, good);
  ap_fmt(want, sizeof want,
         "%s: plugin 'fixture_neuron' shadowed by the one already loaded "
         "from %s",
         copy, good);
  ck_assert_uint_eq(ap_registry_n_rejects(reg), 1);
  ck_assert_str_eq(ap_registry_reject(reg, 0), want);
  ap_registry_free(reg);
  ap_test_rm_rf(dir);
}
END_TEST

START_TEST(test_scan_path) {
  char good[1024], dir[512], sub[1024], copy[1024];
  fixture(good, sizeof good, "good_neuron");
  make_tmpdir(dir, sizeof dir);
  ap_fmt(sub, sizeof sub, "%s/later", dir);
  mkdir(sub, 0700);
  ap_fmt(copy, sizeof copy, "%s/copy.so", sub);
  copy_file(good, copy);
  char list[4096];
  /* Empty entries are skipped; the first folder listed wins. */
  ap_fmt(list, sizeof list, ":%s/nope::%s:%s:", dir, sub, FX);
  ap_registry *reg = ap_registry_new();
  ck_assert_uint_eq(ap_registry_scan_path(reg, list), 1);
  ck_assert_uint_eq(ap_registry_n_dirs(reg), 3);
  ck_assert_str_eq(ap_registry_dir(reg, 2), FX);
  ck_assert_str_eq(ap_registry_find(reg, "fixture_neuron")->path, copy);
  char want[4096];
  ap_fmt(want, sizeof want,
         "%s: plugin 'fixture_neuron' shadowed by the one already loaded "
         "from %s",
         good, copy);
  ck_assert_msg(has_reject(reg, want), "missing rejection '%s'", want);
  ap_registry_free(reg);
  ap_test_rm_rf(dir);
}
END_TEST

START_TEST(test_scan_default) {
  char good[1024], dir[512];
  fixture(good, sizeof good, "good_neuron");
  make_tmpdir(dir, sizeof dir);
  ck_assert_int_eq(setenv("APICAL_PLUGIN_PATH", FX, 1), 0);
  ap_registry *reg = ap_registry_new();
  ap_registry_scan_default(reg, dir);
  ck_assert_uint_ge(ap_registry_n_dirs(reg), 2);
  ck_assert_str_eq(ap_registry_dir(reg, 0), FX);
  ck_assert_str_eq(ap_registry_dir(reg, 1), dir);
  ck_assert_str_eq(ap_registry_find(reg, "fixture_neuron")->path, good);
  ap_registry_free(reg);
  unsetenv("APICAL_PLUGIN_PATH");
  ap_test_rm_rf(dir);
}
END_TEST

/* ------------------------------------------------- unknown-name hints */

START_TEST(test_unknown) {
  char good[1024], buf[2048], want[2048];
  fixture(good, sizeof good, "good_neuron");
  ap_registry *reg = ap_registry_new();

  ap_registry_unknown(reg, AP_KIND_BACKEND, "cpu", buf, sizeof buf);
  ck_assert_str_eq(buf,
                   "unknown backend 'cpu'; no backends found (no directories "
                   "searched)");

  ck_assert_uint_eq(ap_registry_scan_dir(reg, FX), 1);
  ap_registry_unknown(reg, AP_KIND_NEURON, "fixture_neuro", buf, sizeof buf);
  ck_assert_str_eq(buf,
                   "unknown neuron model 'fixture_neuro' (did you mean "
                   "'fixture_neuron'?); available neuron models: "
                   "fixture_neuron");
  ap_registry_unknown(reg, AP_KIND_NEURON, "iaf", buf, sizeof buf);
  ck_assert_str_eq(buf,
                   "unknown neuron model 'iaf'; available neuron models: "
                   "fixture_neuron");
  ap_registry_unknown(reg, AP_KIND_SYNAPSE, "fixture_neuron", buf, sizeof buf);
  ck_assert_str_eq(buf,
                   "'fixture_neuron' is a neuron model, not a synapse model");
  ap_registry_unknown(reg, AP_KIND_RULE, "stdp", buf, sizeof buf);
  ap_fmt(want, sizeof want,
         "unknown learning rule 'stdp'; no learning rules found (searched: "
         "%s)",
         FX);
  ck_assert_str_eq(buf, want);
  ap_registry_scan_dir(reg, "/nonexistent/apical");
  ap_registry_unknown(reg, AP_KIND_BACKEND, "cpu", buf, sizeof buf);
  ap_fmt(want, sizeof want,
         "unknown backend 'cpu'; no backends found (searched: %s, "
         "/nonexistent/apical)",
         FX);
  ck_assert_str_eq(buf, want);
  /* Truncation is silent and terminated. */
  ap_registry_unknown(reg, AP_KIND_NEURON, "fixture_neuro", buf, 10);
  ck_assert_str_eq(buf, "unknown n");
  ap_registry_free(reg);
}
END_TEST

START_TEST(test_kind_name) {
  ck_assert_str_eq(ap_kind_name(AP_KIND_NEURON), "neuron");
  ck_assert_str_eq(ap_kind_name(AP_KIND_SYNAPSE), "synapse");
  ck_assert_str_eq(ap_kind_name(AP_KIND_RULE), "rule");
  ck_assert_str_eq(ap_kind_name(AP_KIND_BACKEND), "backend");
  ck_assert_ptr_null(ap_kind_name(0));
  ck_assert_ptr_null(ap_kind_name(5));
}
END_TEST

/* ---------------------------------------------------- ap_param_check */

START_TEST(test_param_check) {
  const ap_param_desc tau = {.name = "tau_m", .unit = "ms", .doc = "d",
                             .type = AP_PT_REAL, .def = 10, .min = 0,
                             .max = INFINITY,
                             .range = AP_RANGE_MIN_OPEN | AP_RANGE_MAX_OPEN};
  const ap_param_desc nb = {.name = "n", .unit = "1", .doc = "d",
                            .type = AP_PT_INT, .def = 1, .min = 0, .max = 10};
  const ap_param_desc el = {.name = "E_L", .unit = "mV", .doc = "d",
                            .type = AP_PT_REAL, .min = -INFINITY, .max = 0,
                            .range = AP_RANGE_MIN_OPEN};
  const ap_param_desc p = {.name = "p", .unit = "", .doc = "d",
                           .type = AP_PT_REAL, .min = 0, .max = 1,
                           .range = AP_RANGE_MAX_OPEN};
  const ap_param_desc chip = {.name = "chip", .unit = "", .doc = "d",
                              .type = AP_PT_STRING, .def_str = "x"};
  char err[256] = "untouched";

  ck_assert_int_eq(ap_param_check(&tau, "lif_psc_exp", 10, err, sizeof err),
                   AP_OK);
  ck_assert_int_eq(ap_param_check(&tau, "lif_psc_exp", -1, err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err,
                   "parameter 'tau_m' of lif_psc_exp must be in (0, inf) ms, "
                   "got -1");
  ck_assert_int_eq(ap_param_check(&tau, "lif_psc_exp", 0, err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err,
                   "parameter 'tau_m' of lif_psc_exp must be in (0, inf) ms, "
                   "got 0");
  ck_assert_int_eq(ap_param_check(&tau, "lif_psc_exp", NAN, err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err,
                   "parameter 'tau_m' of lif_psc_exp must be in (0, inf) ms, "
                   "got nan");
  ck_assert_int_eq(
      ap_param_check(&tau, "lif_psc_exp", INFINITY, err, sizeof err),
      AP_EINVAL);
  ck_assert_str_eq(err,
                   "parameter 'tau_m' of lif_psc_exp must be in (0, inf) ms, "
                   "got inf");

  ck_assert_int_eq(ap_param_check(&nb, "X", 0, err, sizeof err), AP_OK);
  ck_assert_int_eq(ap_param_check(&nb, "X", 10, err, sizeof err), AP_OK);
  ck_assert_int_eq(ap_param_check(&nb, "X", 1.5, err, sizeof err), AP_EINVAL);
  ck_assert_str_eq(err, "parameter 'n' of X must be an integer, got 1.5");
  ck_assert_int_eq(ap_param_check(&nb, "X", 11, err, sizeof err), AP_EINVAL);
  ck_assert_str_eq(err, "parameter 'n' of X must be in [0, 10], got 11");

  ck_assert_int_eq(ap_param_check(&el, "Y", -70, err, sizeof err), AP_OK);
  ck_assert_int_eq(ap_param_check(&el, "Y", 0, err, sizeof err), AP_OK);
  ck_assert_int_eq(ap_param_check(&el, "Y", 0.5, err, sizeof err), AP_EINVAL);
  ck_assert_str_eq(err, "parameter 'E_L' of Y must be in (-inf, 0] mV, got 0.5");
  ck_assert_int_eq(ap_param_check(&el, "Y", -INFINITY, err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err,
                   "parameter 'E_L' of Y must be in (-inf, 0] mV, got -inf");

  ck_assert_int_eq(ap_param_check(&p, "Z", 0, err, sizeof err), AP_OK);
  ck_assert_int_eq(ap_param_check(&p, "Z", 1, err, sizeof err), AP_EINVAL);
  ck_assert_str_eq(err, "parameter 'p' of Z must be in [0, 1), got 1");
  ck_assert_int_eq(ap_param_check(&p, "Z", 1e-300, err, sizeof err), AP_OK);

  /* An infinite bound is open even when the flags leave it closed. */
  const ap_param_desc tref = {.name = "t_ref", .unit = "ms", .doc = "d",
                              .type = AP_PT_REAL, .def = 2, .min = 0,
                              .max = INFINITY};
  const ap_param_desc any = {.name = "I_e", .unit = "pA", .doc = "d",
                             .type = AP_PT_REAL, .min = -INFINITY,
                             .max = INFINITY};
  ck_assert_int_eq(ap_param_check(&tref, "W", 0, err, sizeof err), AP_OK);
  ck_assert_int_eq(ap_param_check(&tref, "W", 1e308, err, sizeof err), AP_OK);
  ck_assert_int_eq(ap_param_check(&tref, "W", INFINITY, err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err, "parameter 't_ref' of W must be in [0, inf) ms, got inf");
  ck_assert_int_eq(ap_param_check(&any, "W", -1e308, err, sizeof err), AP_OK);
  ck_assert_int_eq(ap_param_check(&any, "W", -INFINITY, err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err,
                   "parameter 'I_e' of W must be in (-inf, inf) pA, got -inf");
  ck_assert_int_eq(ap_param_check(&any, "W", NAN, err, sizeof err), AP_EINVAL);
  ck_assert_str_eq(err,
                   "parameter 'I_e' of W must be in (-inf, inf) pA, got nan");

  ck_assert_int_eq(ap_param_check(&chip, "cpu", 1, err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err, "parameter 'chip' of cpu is a string, not a number");
}
END_TEST

/* ------------------------------------------ in-memory malformed tables */

static int mem_update(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  b->n_spiked = 0;
  return AP_OK;
}
static void mem_on_pre(ap_rule_ctx *c, size_t first, size_t n) {
  (void)c;
  (void)first;
  (void)n;
}
static int mem_create(void **inst, const ap_net *net, const ap_real *settings,
                      const char *const *strings, char *err, size_t n) {
  (void)net;
  (void)settings;
  (void)strings;
  (void)err;
  (void)n;
  *inst = NULL;
  return AP_OK;
}
static int mem_run(void *inst, int64_t step, int64_t n, char *err,
                   size_t err_size) {
  (void)inst;
  (void)step;
  (void)n;
  (void)err;
  (void)err_size;
  return AP_OK;
}
static void mem_destroy(void *inst) { (void)inst; }

/* A valid table with one plugin of each kind; each case breaks one field. */
typedef struct mem {
  ap_param_desc np[3];
  ap_var_desc nv[2];
  ap_port_desc ports[2];
  const char *comps[2];
  ap_neuron_desc neuron;
  ap_param_desc sp[2];
  ap_var_desc sv[1];
  ap_synapse_desc syn;
  ap_param_desc rp[1];
  ap_var_desc rsv[1], rpv[1];
  ap_rule_desc rule;
  ap_param_desc bp[2];
  ap_backend_desc backend;
  ap_plugin_desc d[4];
  ap_plugin_table t;
} mem;

static void mem_init(mem *m) {
  memset(m, 0, sizeof *m);
  m->np[0] = (ap_param_desc){.name = "tau_m", .unit = "ms",
                             .doc = "membrane time constant",
                             .type = AP_PT_REAL, .def = 10, .min = 0,
                             .max = INFINITY,
                             .range = AP_RANGE_MIN_OPEN | AP_RANGE_MAX_OPEN};
  m->np[1] = (ap_param_desc){.name = "E_L", .unit = "mV", .doc = "rest",
                             .type = AP_PT_REAL, .def = -70,
                             .min = -INFINITY, .max = INFINITY};
  m->np[2] = (ap_param_desc){.name = "n_bins", .unit = "1", .doc = "bins",
                             .type = AP_PT_INT, .def = 2, .min = 0,
                             .max = 10};
  m->nv[0] = (ap_var_desc){.name = "V_m", .unit = "mV", .doc = "potential",
                           .def_from = "E_L"};
  m->nv[1] = (ap_var_desc){.name = "g", .unit = "nS", .doc = "conductance",
                           .compartment = 1, .flags = AP_VAR_INTERNAL};
  m->ports[0] = (ap_port_desc){.name = "ex", .doc = "excitatory",
                               .type = AP_PORT_CURRENT, .sign = 1};
  m->ports[1] = (ap_port_desc){.name = "dend", .doc = "dendritic",
                               .type = AP_PORT_CONDUCTANCE,
                               .compartment = 1};
  m->comps[0] = "soma";
  m->comps[1] = "dend";
  m->neuron = (ap_neuron_desc){.size = sizeof(ap_neuron_desc),
                               .compartments = m->comps, .n_compartments = 2,
                               .params = m->np, .n_params = 3,
                               .vars = m->nv, .n_vars = 2,
                               .ports = m->ports, .n_ports = 2,
                               .update = mem_update};
  m->sp[0] = (ap_param_desc){.name = "weight", .unit = "pA", .doc = "w",
                             .type = AP_PT_REAL, .min = -INFINITY,
                             .max = INFINITY};
  m->sp[1] = (ap_param_desc){.name = "delay", .unit = "ms", .doc = "d",
                             .type = AP_PT_REAL, .def = 1, .min = 0,
                             .max = INFINITY, .range = AP_RANGE_MIN_OPEN};
  m->sv[0] = (ap_var_desc){.name = "x", .unit = "1", .doc = "resources",
                           .def = 1};
  m->syn = (ap_synapse_desc){.size = sizeof(ap_synapse_desc),
                             .params = m->sp, .n_params = 2,
                             .vars = m->sv, .n_vars = 1};
  m->rp[0] = (ap_param_desc){.name = "tau_plus", .unit = "ms", .doc = "t",
                             .type = AP_PT_REAL, .def = 20, .min = 0,
                             .max = INFINITY, .range = AP_RANGE_MIN_OPEN};
  m->rsv[0] = (ap_var_desc){.name = "x", .unit = "1", .doc = "pre trace"};
  m->rpv[0] = (ap_var_desc){.name = "y", .unit = "1", .doc = "post trace"};
  m->rule = (ap_rule_desc){.size = sizeof(ap_rule_desc), .params = m->rp,
                           .n_params = 1, .syn_vars = m->rsv,
                           .n_syn_vars = 1, .post_vars = m->rpv,
                           .n_post_vars = 1, .on_pre = mem_on_pre};
  m->bp[0] = (ap_param_desc){.name = "threads", .unit = "1", .doc = "t",
                             .type = AP_PT_INT, .def = 0, .min = 0,
                             .max = 4096};
  /* A string setting has no numeric range: min > max is not checked. */
  m->bp[1] = (ap_param_desc){.name = "chip", .unit = "", .doc = "target",
                             .type = AP_PT_STRING, .def_str = "loihi",
                             .min = 1, .max = 0};
  m->backend = (ap_backend_desc){.size = sizeof(ap_backend_desc),
                                 .params = m->bp, .n_params = 2,
                                 .create = mem_create, .run = mem_run,
                                 .destroy = mem_destroy};
  const char *names[4] = {"mem_neuron", "mem_synapse", "mem_rule",
                          "mem_backend"};
  const int kinds[4] = {AP_KIND_NEURON, AP_KIND_SYNAPSE, AP_KIND_RULE,
                        AP_KIND_BACKEND};
  const void *descs[4] = {&m->neuron, &m->syn, &m->rule, &m->backend};
  for (int i = 0; i < 4; i++)
    m->d[i] = (ap_plugin_desc){.size = sizeof(ap_plugin_desc),
                               .kind = kinds[i], .name = names[i],
                               .version = "1.0", .doc = "in-memory test",
                               .desc = descs[i]};
  m->t = (ap_plugin_table)AP_PLUGIN_TABLE_INIT(m->d);
}

#define LONG_NAME \
  "a123456789b123456789c123456789d123456789e123456789f123456789g12"
#define IDENT_RULE "([A-Za-z_][A-Za-z0-9_]*, at most 63 characters)"
#define DN "descriptor 'mem_neuron': "

typedef struct bad_case {
  void (*mutate)(mem *m);
  const char *expect; /* may hold one %zu: the ABI 2.0 size at stake */
  size_t arg;
} bad_case;

#define MUT(name, body) \
  static void name(mem *m) { body; }

MUT(m_magic, m->t.magic = 0)
MUT(m_major, m->t.abi_major = 1; m->t.abi_minor = 5)
MUT(m_minor, m->t.abi_minor = AP_ABI_MINOR + 1)
MUT(m_real, m->t.sizeof_real = 4)
MUT(m_weight, m->t.sizeof_weight = 8)
MUT(m_tsize, m->t.size = 8)
MUT(m_n0, m->t.n = 0)
MUT(m_nullp, m->t.plugins = NULL)
MUT(m_dsize, m->d[0].size = 8)
MUT(m_name_null, m->d[1].name = NULL)
MUT(m_name_digit, m->d[0].name = "9lives")
MUT(m_name_long, m->d[0].name = LONG_NAME "4")
MUT(m_name_dash, m->d[2].name = "stdp-like")
MUT(m_kind, m->d[0].kind = 7)
MUT(m_version, m->d[0].version = "")
MUT(m_version_null, m->d[0].version = NULL)
MUT(m_doc, m->d[0].doc = NULL)
MUT(m_desc, m->d[0].desc = NULL)
MUT(m_desc_b, m->d[3].desc = NULL)
MUT(m_dup_name, m->d[3].name = "mem_neuron")
MUT(m_nsize, m->neuron.size = 8)
MUT(m_params_null, m->neuron.params = NULL)
MUT(m_pname, m->np[0].name = "tau-m")
MUT(m_pname_null, m->np[1].name = NULL)
MUT(m_pdup, m->np[1].name = "tau_m")
MUT(m_punit, m->np[0].unit = NULL)
MUT(m_pdoc, m->np[0].doc = "")
MUT(m_ptype, m->np[0].type = 9)
MUT(m_pstring, m->np[0].type = AP_PT_STRING)
MUT(m_pminmax, m->np[0].min = 5; m->np[0].max = 1)
MUT(m_pdef, m->np[0].def = 0)
MUT(m_pdef_nan, m->np[0].def = NAN)
MUT(m_pdef_inf, m->np[1].def = -INFINITY)
MUT(m_pdef_int_range, m->np[2].def = 11)
MUT(m_pdef_int, m->np[2].def = 1.5)
MUT(m_pdef_maxopen, m->np[2].def = 10; m->np[2].range = AP_RANGE_MAX_OPEN)
MUT(m_vars_null, m->neuron.vars = NULL)
MUT(m_vname, m->nv[1].name = "")
MUT(m_vdup, m->nv[1].name = "V_m")
MUT(m_vparam, m->nv[0].name = "E_L")
MUT(m_vunit, m->nv[0].unit = NULL)
MUT(m_vdoc, m->nv[0].doc = NULL)
MUT(m_vdef_from, m->nv[0].def_from = "E_X")
MUT(m_vdef_from_list, m->np[1].type = AP_PT_LIST)
MUT(m_vcomp, m->nv[1].compartment = 2)
MUT(m_vcomp_soma, m->neuron.compartments = NULL)
MUT(m_vcomp_zero, m->neuron.n_compartments = 0)
MUT(m_cdup, m->comps[1] = "soma")
MUT(m_cname, m->comps[1] = "")
MUT(m_cnull, m->comps[0] = NULL)
MUT(m_ports_null, m->neuron.ports = NULL)
MUT(m_portdup, m->ports[1].name = "ex")
MUT(m_porttype, m->ports[0].type = 0)
MUT(m_portcomp, m->ports[1].compartment = 5)
MUT(m_portsign, m->ports[0].sign = 2)
MUT(m_update, m->neuron.update = NULL)
MUT(m_ssize, m->syn.size = 8)
MUT(m_svcomp, m->sv[0].compartment = 1)
MUT(m_sparam_dup, m->sv[0].name = "delay")
MUT(m_rsize, m->rule.size = 8)
MUT(m_rhooks, m->rule.on_pre = NULL)
MUT(m_rsyn_null, m->rule.syn_vars = NULL)
MUT(m_rpost_clash, m->rpv[0].name = "x")
MUT(m_rpost_param, m->rpv[0].name = "tau_plus")
MUT(m_rstring, m->rp[0].type = AP_PT_STRING)
MUT(m_rflags, m->rule.flags = AP_RULE_LOCAL_CALLBACKS | 0x40u)
MUT(m_bsize, m->backend.size = 8)
MUT(m_bcreate, m->backend.create = NULL)
MUT(m_brun, m->backend.run = NULL)
MUT(m_bdestroy, m->backend.destroy = NULL)
MUT(m_bparam, m->bp[0].def = -1)

static const bad_case bad[] = {
    {m_magic, "bad magic (not an apical plugin table)", 0},
    {m_major, "built for plugin ABI 1.5, this apical's is 2.3: rebuild it "
              "against this apical's headers", 0},
    {m_minor, "plugin ABI 2.4 is newer than this apical's 2.3", 0},
    {m_real, "built with sizeof(ap_real)=4, this apical uses 8", 0},
    {m_weight, "built with sizeof(ap_weight)=8, this apical uses 4", 0},
    {m_tsize, "plugin table size 8 is smaller than the ABI 2.0 size %zu",
     sizeof(ap_plugin_table)},
    {m_n0, "plugin table has no descriptors (n = 0)", 0},
    {m_nullp, "plugin table has n = 4 but plugins is NULL", 0},
    {m_dsize, "descriptor 0: size 8 is smaller than the ABI 2.0 size %zu",
     sizeof(ap_plugin_desc)},
    {m_name_null, "descriptor 1: name is NULL", 0},
    {m_name_digit,
     "descriptor 0: name '9lives' is not a valid identifier " IDENT_RULE, 0},
    {m_name_long,
     "descriptor 0: name '" LONG_NAME "4' is not a valid identifier "
     IDENT_RULE, 0},
    {m_name_dash,
     "descriptor 2: name 'stdp-like' is not a valid identifier " IDENT_RULE,
     0},
    {m_kind,
     DN "kind 7 is not valid (AP_KIND_NEURON, AP_KIND_SYNAPSE, AP_KIND_RULE "
        "or AP_KIND_BACKEND)", 0},
    {m_version, DN "version is missing", 0},
    {m_version_null, DN "version is missing", 0},
    {m_doc, DN "doc is missing", 0},
    {m_desc, DN "desc is NULL (needs an ap_neuron_desc)", 0},
    {m_desc_b, "descriptor 'mem_backend': desc is NULL (needs an "
               "ap_backend_desc)", 0},
    {m_dup_name,
     DN "name used twice in this plugin (descriptors 0 and 3)", 0},
    {m_nsize, DN "ap_neuron_desc size 8 is smaller than the ABI 2.0 size %zu",
     sizeof(ap_neuron_desc)},
    {m_params_null, DN "n_params = 3 but params is NULL", 0},
    {m_pname,
     DN "parameter 0: name 'tau-m' is not a valid identifier " IDENT_RULE, 0},
    {m_pname_null, DN "parameter 1: name is NULL", 0},
    {m_pdup, DN "parameter 'tau_m' listed twice", 0},
    {m_punit,
     DN "parameter 'tau_m': unit is NULL (use \"1\" for a dimensionless "
        "value)", 0},
    {m_pdoc, DN "parameter 'tau_m': doc is missing", 0},
    {m_ptype, DN "parameter 'tau_m': type 9 is not a valid ap_param_type", 0},
    {m_pstring,
     DN "parameter 'tau_m': type AP_PT_STRING is allowed only for backend "
        "settings", 0},
    {m_pminmax, DN "parameter 'tau_m': min 5 is greater than max 1", 0},
    {m_pdef, DN "parameter 'tau_m': default 0 ms outside its range (0, inf)",
     0},
    {m_pdef_nan,
     DN "parameter 'tau_m': default nan ms outside its range (0, inf)", 0},
    {m_pdef_inf,
     DN "parameter 'E_L': default -inf mV outside its range (-inf, inf)", 0},
    {m_pdef_int_range,
     DN "parameter 'n_bins': default 11 outside its range [0, 10]", 0},
    {m_pdef_int, DN "parameter 'n_bins': default 1.5 is not an integer", 0},
    {m_pdef_maxopen,
     DN "parameter 'n_bins': default 10 outside its range [0, 10)", 0},
    {m_vars_null, DN "n_vars = 2 but vars is NULL", 0},
    {m_vname,
     DN "state variable 1: name '' is not a valid identifier " IDENT_RULE, 0},
    {m_vdup, DN "state variable 'V_m' listed twice", 0},
    {m_vparam, DN "state variable 'E_L' has the name of a parameter", 0},
    {m_vunit,
     DN "state variable 'V_m': unit is NULL (use \"1\" for a dimensionless "
        "value)", 0},
    {m_vdoc, DN "state variable 'V_m': doc is missing", 0},
    {m_vdef_from, DN "state variable 'V_m': def_from 'E_X' is not a parameter",
     0},
    {m_vdef_from_list,
     DN "state variable 'V_m': def_from 'E_L' is not a numeric parameter", 0},
    {m_vcomp,
     DN "state variable 'g': compartment 2 out of range (2 compartments)", 0},
    {m_vcomp_soma,
     DN "state variable 'g': compartment 1 out of range (1 compartment)", 0},
    {m_vcomp_zero,
     DN "state variable 'g': compartment 1 out of range (1 compartment)", 0},
    {m_cdup, DN "compartment 'soma' listed twice", 0},
    {m_cname,
     DN "compartment 1: name '' is not a valid identifier " IDENT_RULE, 0},
    {m_cnull, DN "compartment 0: name is NULL", 0},
    {m_ports_null, DN "n_ports = 2 but ports is NULL", 0},
    {m_portdup, DN "port 'ex' listed twice", 0},
    {m_porttype,
     DN "port 'ex': type 0 is not one of AP_PORT_CURRENT, "
        "AP_PORT_CONDUCTANCE, AP_PORT_VOLTAGE", 0},
    {m_portcomp,
     DN "port 'dend': compartment 5 out of range (2 compartments)", 0},
    {m_portsign, DN "port 'ex': sign 2 is not -1, 0 or +1", 0},
    {m_update, DN "update is NULL (required for a neuron model)", 0},
    {m_ssize,
     "descriptor 'mem_synapse': ap_synapse_desc size 8 is smaller than the "
     "ABI 2.0 size %zu",
     sizeof(ap_synapse_desc)},
    {m_svcomp,
     "descriptor 'mem_synapse': state variable 'x': compartment 1 out of "
     "range (1 compartment)", 0},
    {m_sparam_dup,
     "descriptor 'mem_synapse': state variable 'delay' has the name of a "
     "parameter", 0},
    {m_rsize,
     "descriptor 'mem_rule': ap_rule_desc size 8 is smaller than the ABI 2.0 "
     "size %zu",
     sizeof(ap_rule_desc)},
    {m_rhooks,
     "descriptor 'mem_rule': on_pre, on_post, on_spikes, on_step and "
     "on_phase are all NULL (a learning rule needs at least one)", 0},
    {m_rsyn_null, "descriptor 'mem_rule': n_syn_vars = 1 but syn_vars is NULL",
     0},
    {m_rpost_clash,
     "descriptor 'mem_rule': postsynaptic variable 'x' has the name of "
     "another variable", 0},
    {m_rpost_param,
     "descriptor 'mem_rule': postsynaptic variable 'tau_plus' has the name "
     "of a parameter", 0},
    {m_rstring,
     "descriptor 'mem_rule': parameter 'tau_plus': type AP_PT_STRING is "
     "allowed only for backend settings", 0},
    {m_rflags,
     "descriptor 'mem_rule': flags 0x41 has bits this host does not know "
     "(known: AP_RULE_LOCAL_CALLBACKS, AP_RULE_MODULATORS_UP_TO, "
     "AP_RULE_STEP_WEIGHTS, AP_RULE_NO_NEURON_STATE)", 0},
    {m_bsize,
     "descriptor 'mem_backend': ap_backend_desc size 8 is smaller than the "
     "ABI 2.0 size %zu",
     offsetof(ap_backend_desc, load) + sizeof(void (*)(void))},
    {m_bcreate, "descriptor 'mem_backend': create is NULL (required for a "
                "backend)", 0},
    {m_brun, "descriptor 'mem_backend': run is NULL (required for a backend)",
     0},
    {m_bdestroy, "descriptor 'mem_backend': destroy is NULL (required for a "
                 "backend)", 0},
    {m_bparam,
     "descriptor 'mem_backend': parameter 'threads': default -1 outside its "
     "range [0, 4096]", 0},
};
#define N_BAD (int)(sizeof bad / sizeof bad[0])

START_TEST(test_validate_good) {
  mem m;
  mem_init(&m);
  char err[512] = "untouched";
  ck_assert_int_eq(ap_plugin_validate(&m.t, err, sizeof err), AP_OK);
  ck_assert_str_eq(err, "");
  /* Optional pieces may be absent. */
  m.neuron.compartments = NULL;
  m.neuron.n_compartments = 0;
  m.nv[1].compartment = 0;
  m.ports[1].compartment = 0;
  m.syn.transmit = NULL;
  m.syn.vars = NULL;
  m.syn.n_vars = 0;
  m.rule.on_pre = NULL;
  m.rule.on_post = NULL;
  m.rule.on_step = NULL;
  ck_assert_int_eq(ap_plugin_validate(&m.t, err, sizeof err), AP_EPLUGIN);
  m.rule.on_pre = mem_on_pre; /* one hook is enough */
  m.neuron.params = NULL; /* allowed: no parameters at all */
  m.neuron.n_params = 0;
  m.nv[0].def_from = NULL;
  /* A list parameter's default is not range-checked. */
  m.sp[0].type = AP_PT_LIST;
  m.sp[0].min = 0;
  m.sp[0].def = -5;
  /* A name of exactly 63 characters is fine. */
  m.d[1].name = LONG_NAME;
  ck_assert_int_eq(ap_plugin_validate(&m.t, err, sizeof err), AP_OK);
  ck_assert_str_eq(err, "");
}
END_TEST

START_TEST(test_validate_bad) {
  const bad_case *c = &bad[_i];
  mem m;
  mem_init(&m);
  char err[512], want[512];
  ck_assert_int_eq(ap_plugin_validate(&m.t, err, sizeof err), AP_OK);
  c->mutate(&m);
  ap_fmt(want, sizeof want, c->expect, c->arg);
  ck_assert_int_eq(ap_plugin_validate(&m.t, err, sizeof err), AP_EPLUGIN);
  ck_assert_str_eq(err, want);
}
END_TEST

/* The host steps through a table by the size its descriptors state: a
 * table of larger descriptors (fields appended by a later minor) reads
 * right, and one whose descriptors disagree on their size is refused. */
typedef struct wide_desc {
  ap_plugin_desc d;
  char appended[24];
} wide_desc;

START_TEST(test_validate_stride) {
  mem m;
  mem_init(&m);
  wide_desc w[4];
  memset(w, 0, sizeof w);
  for (int i = 0; i < 4; i++) {
    w[i].d = m.d[i];
    w[i].d.size = sizeof(wide_desc);
  }
  m.t.plugins = &w[0].d;
  char err[512], want[512];
  ck_assert_int_eq(ap_plugin_validate(&m.t, err, sizeof err), AP_OK);
  for (size_t i = 0; i < 4; i++)
    ck_assert_str_eq(ap_plugin_at(&m.t, i)->name, m.d[i].name);
  w[2].d.size = sizeof(ap_plugin_desc) + 8;
  ck_assert_int_eq(ap_plugin_validate(&m.t, err, sizeof err), AP_EPLUGIN);
  ap_fmt(want, sizeof want, "descriptor 2: size %zu differs from descriptor "
         "0's %zu (the descriptors of a table are of one type)",
         sizeof(ap_plugin_desc) + 8, sizeof(wide_desc));
  ck_assert_str_eq(err, want);
}
END_TEST

/* A plugin written in C++ loads as any other (the headers are extern "C"
 * and AP_PLUGIN gives its entry point C linkage), and runs. */
START_TEST(test_cxx_plugin) {
  char path[4096];
  ap_fmt(path, sizeof path, "%s/../cxx/.libs/cxx_neuron.so", FX);
  ck_assert_msg(access(path, R_OK) == 0, "fixture %s is missing", path);
  ap_registry *reg = ap_registry_new();
  ck_assert_int_eq(ap_registry_load_file(reg, path), AP_OK);
  ck_assert_uint_eq(ap_registry_n_rejects(reg), 0);
  const ap_plugin *p = ap_registry_find_kind(reg, AP_KIND_NEURON, "cxx_neuron");
  ck_assert_ptr_nonnull(p);
  const ap_neuron_desc *d = p->desc->desc;
  /* one neuron driven to threshold: V += dt (I_e - V/tau) */
  ap_real tau = 10, drive = 1, th = 0.5, v = 0, in = 0;
  ap_real *param[3] = {&tau, &drive, &th}, *state[1] = {&v};
  const ap_real *input[1] = {&in};
  ap_neuron_pop pop = {.size = sizeof pop, .n = 1, .dt = 0.1,
                       .param = (const ap_real *const *)param,
                       .state = state, .host = ap_host_services()};
  char err[128] = "";
  void *inst = NULL;
  ck_assert_int_eq(d->prepare(&inst, &pop, err, sizeof err), AP_OK);
  uint32_t spk[1];
  int fired = -1;
  for (int s = 0; s < 100 && fired < 0; s++) {
    ap_neuron_block b = {.size = sizeof b, .n = 1, .step = s, .dt = 0.1,
                         .window_step = -1, .state = state,
                         .param = (const ap_real *const *)param,
                         .input = input, .inst = inst,
                         .host = ap_host_services(), .spiked = spk};
    ck_assert_int_eq(d->update(&b, err, sizeof err), AP_OK);
    if (b.n_spiked) fired = s;
  }
  /* V_k = 10 (1 - 0.99^k) reaches 0.5 at k = 6 (after step 5) */
  ck_assert_int_eq(fired, 5);
  ap_registry_free(reg);
}
END_TEST

START_TEST(test_validate_null) {
  char err[64];
  ck_assert_int_eq(ap_plugin_validate(NULL, err, sizeof err), AP_EPLUGIN);
  ck_assert_str_eq(err, "entry returned NULL");
  /* No room for a message is no crash. */
  ck_assert_int_eq(ap_plugin_validate(NULL, NULL, 0), AP_EPLUGIN);
}
END_TEST

/* --------------------------------------------------------- describe */

static char *capture_list(const ap_registry *reg) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  ck_assert_ptr_nonnull(f);
  ap_describe_list(f, reg);
  fclose(f);
  return buf;
}

static char *capture_plugin(const ap_plugin *p) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  ck_assert_ptr_nonnull(f);
  ap_describe_plugin(f, p);
  fclose(f);
  return buf;
}

START_TEST(test_describe) {
  char good[1024], line[4096];
  fixture(good, sizeof good, "good_neuron");
  ap_registry *reg = ap_registry_new();
  ap_registry_scan_dir(reg, FX);
  char *out = capture_list(reg);
  ap_fmt(line, sizeof line,
         "neuron models:\n  fixture_neuron  0.1  minimal valid neuron for "
         "the loader tests  (from %s)\nsynapse models:\n  (none)\n"
         "learning rules:\n  (none)\nbackends:\n  (none)\nsearched: %s\n"
         "rejected files:\n",
         good, FX);
  ck_assert_msg(strncmp(out, line, strlen(line)) == 0, "got:\n%s", out);
  for (int i = 0; i < N_REJECTS; i++) {
    ap_fmt(line, sizeof line, "\n  %s/%s.so: %s\n", FX, rejects[i].fixture,
           rejects[i].reason);
    ck_assert_msg(strstr(out, line) != NULL, "no '%s' in:\n%s", line, out);
  }
  free(out);

  out = capture_plugin(ap_registry_find(reg, "fixture_neuron"));
  const char *want[] = {
      "fixture_neuron  (neuron model, version 0.1)\n",
      "file: ",
      "  Does nothing: the membrane potential stays where it is.\n",
      "\nparameters:\n"
      "  name         unit  default  range                   doc\n"
      "  tau_m        ms    10       (0, inf)                membrane time "
      "constant\n",
      "  t_ref_steps  1     2        [0, 1000] integer       refractory "
      "period in steps\n",
      "  spike_times  ms    []       list, each in [0, inf)  extra forced "
      "spikes\n",
      "  V_m   mV    = E_L    membrane potential\n",
      "  refr  1     0        refractory steps left (internal)\n",
      "compartments: soma\n",
      "  ex    current (pA)  soma         weights >= 0  excitatory input\n",
      "  in    current (pA)  soma         weights < 0   inhibitory input\n",
  };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    ck_assert_msg(strstr(out, want[i]) != NULL, "no '%s' in:\n%s", want[i],
                  out);
  free(out);
  ap_registry_free(reg);

  /* An empty registry says so. */
  reg = ap_registry_new();
  out = capture_list(reg);
  ck_assert_str_eq(out,
                   "neuron models:\n  (none)\nsynapse models:\n  (none)\n"
                   "learning rules:\n  (none)\nbackends:\n  (none)\n"
                   "searched: (no directories)\n");
  free(out);
  ap_registry_free(reg);
}
END_TEST

START_TEST(test_describe_kinds) {
  mem m;
  mem_init(&m);
  const char *want[4][3] = {
      {"mem_neuron  (neuron model, version 1.0)\n",
       "compartments: soma, dend\n",
       "  g     nS    0        dend         conductance (internal)\n"},
      {"mem_synapse  (synapse model, version 1.0)\n",
       "parameters (per projection):\n",
       "transmit: stored weights, unchanged\n"},
      {"mem_rule  (learning rule, version 1.0)\n",
       "state variables (per postsynaptic neuron):\n",
       "acts on: presynaptic spikes\n"},
      {"mem_backend  (backend, version 1.0)\n",
       "settings (--set key=value):\n",
       "  chip     -     \"loihi\"  text               target\n"},
  };
  for (int k = 0; k < 4; k++) {
    ap_plugin p = {.desc = &m.d[k], .name = m.d[k].name, .kind = m.d[k].kind,
                   .path = "/mem"};
    char *out = capture_plugin(&p);
    for (int j = 0; j < 3; j++)
      ck_assert_msg(strstr(out, want[k][j]) != NULL, "no '%s' in:\n%s",
                    want[k][j], out);
    free(out);
  }
}
END_TEST

Suite *make_loader_suite(void);
Suite *make_loader_suite(void) {
  Suite *s = suite_create("loader");
  TCase *tc = tcase_create("fixtures");
  tcase_add_loop_test(tc, test_reject_fixture, 0, N_REJECTS);
  tcase_add_test(tc, test_good_fixture);
  tcase_add_test(tc, test_not_elf);
  tcase_add_test(tc, test_missing_file);
  suite_add_tcase(s, tc);

  tc = tcase_create("search");
  tcase_add_test(tc, test_scan_fixture_dir);
  tcase_add_test(tc, test_scan_tree);
  tcase_add_test(tc, test_shadow_first_wins);
  tcase_add_test(tc, test_scan_path);
  tcase_add_test(tc, test_scan_default);
  tcase_add_test(tc, test_unknown);
  tcase_add_test(tc, test_kind_name);
  suite_add_tcase(s, tc);

  tc = tcase_create("validate");
  tcase_add_test(tc, test_validate_good);
  tcase_add_loop_test(tc, test_validate_bad, 0, N_BAD);
  tcase_add_test(tc, test_validate_null);
  tcase_add_test(tc, test_validate_stride);
  tcase_add_test(tc, test_cxx_plugin);
  tcase_add_test(tc, test_param_check);
  suite_add_tcase(s, tc);

  tc = tcase_create("describe");
  tcase_add_test(tc, test_describe);
  tcase_add_test(tc, test_describe_kinds);
  suite_add_tcase(s, tc);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_loader_suite)
