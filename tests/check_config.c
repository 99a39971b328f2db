/* check_config.c -- run settings: precedence, config files, search order
 * and the exact wording of errors. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Not "config.h": automake puts -I$(top_builddir) (configure's own
 * config.h) ahead of -I$(top_srcdir)/core. */
#include "run/config.h"
#include "base/strutil.h"
#include "tmpdir.h"

/* ---- temp dir ---------------------------------------------------------- */

AP_TEST_TMPDIR_FIXTURE("check_config")

/* Write `text` to tmpdir/name; returns the path in a static buffer. */
static const char *write_file(const char *name, const char *text) {
  static char path[PATH_MAX];
  ap_fmt(path, sizeof path, "%s/%s", tmpdir, name);
  FILE *f = fopen(path, "w");
  ck_assert_msg(f != NULL, "cannot create %s", path);
  fputs(text, f);
  fclose(f);
  return path;
}

static void make_dir(const char *name) {
  char path[PATH_MAX];
  ap_fmt(path, sizeof path, "%s/%s", tmpdir, name);
  ck_assert_int_eq(mkdir(path, 0700), 0);
}

/* ---- helpers ----------------------------------------------------------- */

/* A known setting's current value as text, for table-driven tests. */
static void field_text(const ap_settings *s, const char *key, char *buf,
                       size_t n) {
  if (!strcmp(key, "backend")) ap_fmt(buf, n, "%s", s->backend);
  else if (!strcmp(key, "threads")) ap_fmt(buf, n, "%d", s->threads);
  else if (!strcmp(key, "seed")) ap_fmt(buf, n, "%llu", (unsigned long long)s->seed);
  else if (!strcmp(key, "dt")) ap_fmt(buf, n, "%g", s->dt);
  else if (!strcmp(key, "plugin_path"))
    ap_fmt(buf, n, "%s", s->plugin_path ? s->plugin_path : "(null)");
  else if (!strcmp(key, "fashion_dir")) ap_fmt(buf, n, "%s", s->fashion_dir);
  else if (!strcmp(key, "mnist_dir")) ap_fmt(buf, n, "%s", s->mnist_dir);
  else ap_fmt(buf, n, "%s", s->output_dir);
}

static int field_source(const ap_settings *s, const char *key) {
  if (!strcmp(key, "backend")) return s->src_backend;
  if (!strcmp(key, "threads")) return s->src_threads;
  if (!strcmp(key, "seed")) return s->src_seed;
  if (!strcmp(key, "dt")) return s->src_dt;
  if (!strcmp(key, "plugin_path")) return s->src_plugin_path;
  if (!strcmp(key, "fashion_dir")) return s->src_fashion_dir;
  if (!strcmp(key, "mnist_dir")) return s->src_mnist_dir;
  return s->src_output_dir;
}

/* Collects each_extra's calls as "key=value;" */
static int collect(const char *key, const char *value, void *ctx) {
  ap_append(ctx, 1024, "%s=%s;", key, value);
  return 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The effective extras as "k=v;" sorted by key: the order of the calls is
 * not part of the contract, each key coming once is. */
static void extras_of(const ap_settings *s, const char *backend, char *buf) {
  char raw[1024] = "";
  ck_assert_int_eq(ap_settings_each_extra(s, backend, collect, raw), 0);
  char *items[64];
  size_t n = 0;
  for (char *p = strtok(raw, ";"); p && n < 64; p = strtok(NULL, ";"))
    items[n++] = p;
  qsort(items, n, sizeof *items, cmp_str);
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    /* Each key once. */
    if (i) {
      size_t klen = strcspn(items[i], "=");
      ck_assert_msg(strncmp(items[i - 1], items[i], klen + 1) != 0,
                    "key twice: %s", items[i]);
    }
    ap_append(buf, 1024, "%s;", items[i]);
  }
}

/* The extra stored for (backend, key), or NULL. */
static const ap_extra *find_extra(const ap_settings *s, const char *backend,
                                  const char *key) {
  for (size_t i = 0; i < s->n_extra; i++) {
    const ap_extra *e = &s->extra[i];
    int same = backend ? e->backend && !strcmp(e->backend, backend)
                       : e->backend == NULL;
    if (same && !strcmp(e->key, key)) return e;
  }
  return NULL;
}

/* Load text as a config file; returns ap_settings_load's result. */
static int load_text(ap_settings *s, const char *text, char *err, size_t n,
                     const char **path_out) {
  const char *path = write_file("t.cfg", text);
  if (path_out) *path_out = path;
  return ap_settings_load(s, path, err, n);
}

/* ---- defaults and precedence ------------------------------------------- */

START_TEST(test_defaults) {
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ck_assert_str_eq(s.backend, "cpu");
  ck_assert_int_eq(s.threads, 1);
  ck_assert_uint_eq(s.seed, 12345);
  ck_assert_double_eq(s.dt, 0.1);
  ck_assert_ptr_null(s.plugin_path);
  ck_assert_str_eq(s.output_dir, ".");
  ck_assert_str_eq(s.fashion_dir, "/usr/share/datasets/fashion-mnist");
  ck_assert_str_eq(s.mnist_dir, "");
  ck_assert_ptr_null(s.config_file);
  ck_assert_uint_eq(s.n_extra, 0);
  ck_assert_int_eq(s.src_seed, AP_SRC_DEFAULT);
  ap_settings_free(&s);
  ap_settings_free(&s); /* harmless twice */
}
END_TEST

static const struct {
  const char *key, *config, *script, *cli;
} prec[] = {
    {"backend", "cfgb", "scriptb", "clib"},
    {"threads", "2", "3", "4"},
    {"seed", "11", "22", "33"},
    {"dt", "0.5", "0.25", "0.125"},
    {"plugin_path", "/c", "/s:/t", "/l"},
    {"output_dir", "cfgout", "scriptout", "cliout"},
    /* "" is a value like any other: "no folder" */
    {"fashion_dir", "/c/fashion", "", "cli-fashion"},
    {"mnist_dir", "/c/mnist", "s/mnist", ""},
};

/* Each key: every level overrides the one below, and a lower level
 * coming later is ignored (returns 0, changes nothing). */
START_TEST(test_precedence_core) {
  char err[256], got[256];
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  const char *k = prec[_i].key;
  ck_assert_int_eq(ap_settings_set(&s, k, prec[_i].config, AP_SRC_CONFIG,
                                   err, sizeof err), 0);
  field_text(&s, k, got, sizeof got);
  ck_assert_str_eq(got, prec[_i].config);
  ck_assert_int_eq(field_source(&s, k), AP_SRC_CONFIG);

  ck_assert_int_eq(ap_settings_set(&s, k, prec[_i].script, AP_SRC_SCRIPT,
                                   err, sizeof err), 0);
  field_text(&s, k, got, sizeof got);
  ck_assert_str_eq(got, prec[_i].script);

  ck_assert_int_eq(ap_settings_set(&s, k, prec[_i].cli, AP_SRC_CLI, err,
                                   sizeof err), 0);
  field_text(&s, k, got, sizeof got);
  ck_assert_str_eq(got, prec[_i].cli);
  ck_assert_int_eq(field_source(&s, k), AP_SRC_CLI);

  /* Lower levels after the command line: ignored. */
  ck_assert_int_eq(ap_settings_set(&s, k, prec[_i].script, AP_SRC_SCRIPT,
                                   err, sizeof err), 0);
  ck_assert_int_eq(ap_settings_set(&s, k, prec[_i].config, AP_SRC_CONFIG,
                                   err, sizeof err), 0);
  field_text(&s, k, got, sizeof got);
  ck_assert_str_eq(got, prec[_i].cli);
  ck_assert_int_eq(field_source(&s, k), AP_SRC_CLI);

  /* The same level again replaces. */
  ck_assert_int_eq(ap_settings_set(&s, k, prec[_i].config, AP_SRC_CLI, err,
                                   sizeof err), 0);
  field_text(&s, k, got, sizeof got);
  ck_assert_str_eq(got, prec[_i].config);
  ap_settings_free(&s);
}
END_TEST

/* A config file read after the command line does not override it, but
 * does override defaults; a script overrides the file. */
START_TEST(test_precedence_file) {
  char err[512];
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ck_assert_int_eq(ap_settings_set(&s, "seed", "7", AP_SRC_CLI, err,
                                   sizeof err), 0);
  ck_assert_int_eq(load_text(&s,
                             "seed = 1;\nthreads = 8;\ndt = 0.05;\n"
                             "backend = \"gpu\";\n",
                             err, sizeof err, NULL),
                   0);
  ck_assert_uint_eq(s.seed, 7);
  ck_assert_int_eq(s.threads, 8);
  ck_assert_int_eq(s.src_threads, AP_SRC_CONFIG);
  ck_assert_double_eq(s.dt, 0.05);
  ck_assert_str_eq(s.backend, "gpu");
  ck_assert_int_eq(ap_settings_set(&s, "threads", "2", AP_SRC_SCRIPT, err,
                                   sizeof err), 0);
  ck_assert_int_eq(s.threads, 2);
  ap_settings_free(&s);
}
END_TEST

START_TEST(test_precedence_extras) {
  char err[512], got[1024];
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ck_assert_int_eq(load_text(&s,
                             "cpu = { tol = 1; order = 2; };\n"
                             "gpu = { tol = 9; };\n",
                             err, sizeof err, NULL),
                   0);
  extras_of(&s, "cpu", got);
  ck_assert_str_eq(got, "order=2;tol=1;");
  extras_of(&s, "gpu", got);
  ck_assert_str_eq(got, "tol=9;");

  /* The script's value (any backend) beats the file's section. */
  ck_assert_int_eq(ap_settings_set(&s, "tol", "3", AP_SRC_SCRIPT, err,
                                   sizeof err), 0);
  extras_of(&s, "cpu", got);
  ck_assert_str_eq(got, "order=2;tol=3;");
  extras_of(&s, "gpu", got);
  ck_assert_str_eq(got, "tol=3;");

  /* The command line beats the script, for one backend only. */
  ck_assert_int_eq(ap_settings_set(&s, "cpu.tol", "4", AP_SRC_CLI, err,
                                   sizeof err), 0);
  extras_of(&s, "cpu", got);
  ck_assert_str_eq(got, "order=2;tol=4;");
  extras_of(&s, "gpu", got);
  ck_assert_str_eq(got, "tol=3;");

  /* Lower levels later: ignored, stored values unchanged. */
  ck_assert_int_eq(ap_settings_set(&s, "cpu.tol", "5", AP_SRC_SCRIPT, err,
                                   sizeof err), 0);
  ck_assert_int_eq(ap_settings_set(&s, "cpu.tol", "6", AP_SRC_CONFIG, err,
                                   sizeof err), 0);
  ck_assert_str_eq(find_extra(&s, "cpu", "tol")->value, "4");
  ck_assert_int_eq(find_extra(&s, "cpu", "tol")->source, AP_SRC_CLI);
  extras_of(&s, "cpu", got);
  ck_assert_str_eq(got, "order=2;tol=4;");

  /* Ties between any-backend and section values: the later wins. */
  ck_assert_int_eq(ap_settings_set(&s, "x", "a", AP_SRC_SCRIPT, err,
                                   sizeof err), 0);
  ck_assert_int_eq(ap_settings_set(&s, "cpu.x", "b", AP_SRC_SCRIPT, err,
                                   sizeof err), 0);
  extras_of(&s, "cpu", got);
  ck_assert_str_eq(got, "order=2;tol=4;x=b;");
  ck_assert_int_eq(ap_settings_set(&s, "x", "c", AP_SRC_SCRIPT, err,
                                   sizeof err), 0);
  extras_of(&s, "cpu", got);
  ck_assert_str_eq(got, "order=2;tol=4;x=c;");
  /* NULL asks for the any-backend values only. */
  extras_of(&s, NULL, got);
  ck_assert_str_eq(got, "tol=3;x=c;");
  ck_assert_ptr_null(find_extra(&s, NULL, "cpu.x"));
  ap_settings_free(&s);
}
END_TEST

static int stop_at_second(const char *key, const char *value, void *ctx) {
  int *calls = ctx;
  return ++*calls == 2 ? 42 : 0;
}

START_TEST(test_each_extra_stops) {
  char err[256];
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ap_settings_set(&s, "a", "1", AP_SRC_CLI, err, sizeof err);
  ap_settings_set(&s, "b", "2", AP_SRC_CLI, err, sizeof err);
  ap_settings_set(&s, "c", "3", AP_SRC_CLI, err, sizeof err);
  int calls = 0;
  ck_assert_int_eq(ap_settings_each_extra(&s, "cpu", stop_at_second, &calls),
                   42);
  ck_assert_int_eq(calls, 2);
  ap_settings_free(&s);
}
END_TEST

/* ---- config files ------------------------------------------------------ */

START_TEST(test_syntax_error) {
  char err[512], want[PATH_MAX + 64];
  const char *path;
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ck_assert_int_eq(load_text(&s, "seed = 1;\n\ndt = ;\n", err, sizeof err,
                             &path),
                   -1);
  ap_fmt(want, sizeof want, "%s:3: ", path);
  ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got: %s", err);
  ck_assert_msg(strlen(err) > strlen(want), "no message: %s", err);
  ck_assert_uint_eq(s.seed, 12345); /* nothing applied */
  ck_assert_ptr_null(s.config_file);
  ap_settings_free(&s);
}
END_TEST

START_TEST(test_missing_file) {
  char err[512], want[PATH_MAX + 64];
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  char path[PATH_MAX];
  ap_fmt(path, sizeof path, "%s/nope.cfg", tmpdir);
  ck_assert_int_eq(ap_settings_load(&s, path, err, sizeof err), -1);
  ap_fmt(want, sizeof want,
         "cannot read config file '%s': No such file or directory", path);
  ck_assert_str_eq(err, want);
  ck_assert_int_eq(ap_settings_load(&s, tmpdir, err, sizeof err), -1);
  ap_fmt(want, sizeof want, "cannot read config file '%s': Is a directory",
         tmpdir);
  ck_assert_str_eq(err, want);
  ap_settings_free(&s);
}
END_TEST

static const struct {
  const char *text, *msg; /* msg follows "FILE:LINE: " */
  int line;
} semantic[] = {
    {"seed = 1;\n\ndt = -1;\n",
     "setting 'dt' must be a positive number of ms, got -1", 3},
    {"dt = 0;\n", "setting 'dt' must be a positive number of ms, got 0", 1},
    {"dt = -0.5;\n",
     "setting 'dt' must be a positive number of ms, got -0.5", 1},
    {"dt = \"0.1\";\n",
     "setting 'dt' must be a positive number of ms, got \"0.1\"", 1},
    {"threads = -2;\n",
     "setting 'threads' must be a non-negative integer (0 = all cores), "
     "got -2",
     1},
    {"threads = 2.5;\n",
     "setting 'threads' must be a non-negative integer (0 = all cores), "
     "got 2.5",
     1},
    {"threads = true;\n",
     "setting 'threads' must be a non-negative integer (0 = all cores), "
     "got true",
     1},
    {"seed = -1;\n", "setting 'seed' must be a non-negative integer, got -1",
     1},
    {"\nbackend = 3;\n",
     "setting 'backend' must be a string, a non-empty identifier (letters, "
     "digits, '_') such as 'cpu', got 3",
     2},
    {"backend = \"my gpu\";\n",
     "setting 'backend' must be a non-empty identifier (letters, digits, "
     "'_') such as 'cpu', got \"my gpu\"",
     1},
    {"output_dir = \"\";\n",
     "setting 'output_dir' must be a non-empty path, got \"\"", 1},
    {"output_dir = { a = 1; };\n",
     "setting 'output_dir' must be a string, a non-empty path, got a group",
     1},
    {"plugin_path = 5;\n",
     "setting 'plugin_path' must be a string or a list of strings, got 5", 1},
    {"fashion_dir = 5;\n",
     "setting 'fashion_dir' must be a string, a folder path (empty for "
     "none), got 5",
     1},
    {"plugin_path = [];\n",
     "setting 'plugin_path' must be a non-empty list of directories "
     "separated by ':', got an empty list",
     1},
    {"plugin_path = (\"/a\",\n  7);\n",
     "setting 'plugin_path' must be a string or a list of non-empty "
     "strings, got 7 as element 2",
     2},
    {"cpu = {\n  tol = 1;\n  sub = { x = 1; };\n};\n",
     "setting 'cpu.sub' must be a number, string or boolean, got a group", 3},
    {"cpu = { v = [1, 2]; };\n",
     "setting 'cpu.v' must be a number, string or boolean, got an array", 1},
    {"my-gpu = { v = 1; };\n",
     "group 'my-gpu' cannot name a backend (use letters, digits and '_')", 1},
};

START_TEST(test_semantic_errors) {
  char err[512], want[PATH_MAX + 512];
  const char *path;
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ck_assert_int_eq(load_text(&s, semantic[_i].text, err, sizeof err, &path),
                   -1);
  ap_fmt(want, sizeof want, "%s:%d: %s", path, semantic[_i].line,
         semantic[_i].msg);
  ck_assert_str_eq(err, want);
  ap_settings_free(&s);
}
END_TEST

/* The wording users see for ./apical.cfg. */
START_TEST(test_relative_name) {
  char err[512], cwd[PATH_MAX];
  ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
  write_file("apical.cfg", "threads = 2;\nseed = 5;\ndt = -1;\n");
  ck_assert_int_eq(chdir(tmpdir), 0);
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  int r = ap_settings_load(&s, "apical.cfg", err, sizeof err);
  ck_assert_int_eq(chdir(cwd), 0);
  ck_assert_int_eq(r, -1);
  ck_assert_str_eq(err, "apical.cfg:3: setting 'dt' must be a positive "
                        "number of ms, got -1");
  /* Checked before anything is applied. */
  ck_assert_int_eq(s.threads, 1);
  ck_assert_uint_eq(s.seed, 12345);
  ap_settings_free(&s);
}
END_TEST

/* The data-set folders: any string, "" (no folder) included. */
START_TEST(test_dataset_dirs) {
  char err[512];
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ck_assert_int_eq(load_text(&s,
                             "fashion_dir = \"\";\n"
                             "mnist_dir = \"/data/mnist\";\n",
                             err, sizeof err, NULL),
                   0);
  ck_assert_str_eq(s.fashion_dir, "");
  ck_assert_str_eq(s.mnist_dir, "/data/mnist");
  ck_assert_int_eq(s.src_mnist_dir, AP_SRC_CONFIG);
  ck_assert_uint_eq(s.n_extra, 0);
  ap_settings_free(&s);
}
END_TEST

START_TEST(test_autoconvert) {
  char err[512];
  const char *path;
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ck_assert_int_eq(load_text(&s,
                             "dt = 1;\nthreads = 4.0;\n"
                             "seed = 10000000000L;\n",
                             err, sizeof err, &path),
                   0);
  ck_assert_double_eq(s.dt, 1.0);
  ck_assert_int_eq(s.src_dt, AP_SRC_CONFIG);
  ck_assert_int_eq(s.threads, 4);
  ck_assert_uint_eq(s.seed, 10000000000ULL);
  ck_assert_str_eq(s.config_file, path);
  ap_settings_free(&s);
}
END_TEST

START_TEST(test_plugin_path_forms) {
  static const char *const forms[] = {
      "plugin_path = \"/a:/b\";\n",
      "plugin_path = [\"/a\", \"/b\"];\n",
      "plugin_path = (\"/a\", \"/b\");\n",
  };
  char err[512];
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
    ap_settings s;
    ck_assert_int_eq(ap_settings_init(&s), 0);
    ck_assert_int_eq(load_text(&s, forms[i], err, sizeof err, NULL), 0);
    ck_assert_str_eq(s.plugin_path, "/a:/b");
    ck_assert_int_eq(s.src_plugin_path, AP_SRC_CONFIG);
    ap_settings_free(&s);
  }
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ck_assert_int_eq(load_text(&s, "plugin_path = [\"/only\"];\n", err,
                             sizeof err, NULL),
                   0);
  ck_assert_str_eq(s.plugin_path, "/only");
  ap_settings_free(&s);
}
END_TEST

START_TEST(test_backend_sections) {
  char err[512];
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ck_assert_int_eq(load_text(&s,
                             "backend = \"cpu\";\n"
                             "cpu = {\n"
                             "  order = 3;\n"
                             "  big = 10000000000L;\n"
                             "  tol = 0.5;\n"
                             "  eps = 0.1;\n"
                             "  exact = true;\n"
                             "  lazy = false;\n"
                             "  method = \"rk4\";\n"
                             "};\n"
                             "any_name_42 = { fast = true; };\n",
                             err, sizeof err, NULL),
                   0);
  static const char *const want[][3] = {
      {"cpu", "order", "3"},          {"cpu", "big", "10000000000"},
      {"cpu", "tol", "0.5"},          {"cpu", "eps", "0.10000000000000001"},
      {"cpu", "exact", "true"},       {"cpu", "lazy", "false"},
      {"cpu", "method", "rk4"},       {"any_name_42", "fast", "true"},
  };
  ck_assert_uint_eq(s.n_extra, sizeof want / sizeof *want);
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    const ap_extra *e = find_extra(&s, want[i][0], want[i][1]);
    ck_assert_msg(e != NULL, "no extra %s.%s", want[i][0], want[i][1]);
    ck_assert_str_eq(e->value, want[i][2]);
    ck_assert_int_eq(e->source, AP_SRC_CONFIG);
  }
  char got[1024];
  extras_of(&s, "any_name_42", got);
  ck_assert_str_eq(got, "fast=true;");
  ap_settings_free(&s);
}
END_TEST

START_TEST(test_unknown_key) {
  char err[1024], want[PATH_MAX + 512];
  const char *path;
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ck_assert_int_eq(load_text(&s, "threads = 2;\nsead = 3;\n", err,
                             sizeof err, &path),
                   -1);
  ap_fmt(want, sizeof want,
         "%s:2: unknown setting 'sead' (did you mean 'seed'?); known "
         "settings: backend, threads, seed, dt, plugin_path, output_dir, "
         "fashion_dir, mnist_dir; a backend's own settings go in a group "
         "named after it, e.g. cpu = { ... };",
         path);
  ck_assert_str_eq(err, want);
  ck_assert_int_eq(s.threads, 1);

  /* No hint when nothing is close; lists are not sections either. */
  ck_assert_int_eq(load_text(&s, "zzzzzz = (1, 2);\n", err, sizeof err,
                             &path),
                   -1);
  ap_fmt(want, sizeof want, "%s:1: unknown setting 'zzzzzz'; known", path);
  ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got: %s", err);
  ap_settings_free(&s);
}
END_TEST

/* @include is relative to the including file, wherever we run. */
START_TEST(test_include_relative) {
  char err[512];
  make_dir("inc");
  write_file("inc/more.cfg", "seed = 99;\n");
  const char *path = write_file("inc/main.cfg", "@include \"more.cfg\"\n"
                                                "threads = 3;\n");
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ck_assert_msg(ap_settings_load(&s, path, err, sizeof err) == 0, "%s", err);
  ck_assert_uint_eq(s.seed, 99);
  ck_assert_int_eq(s.threads, 3);
  ap_settings_free(&s);
}
END_TEST

START_TEST(test_empty_file) {
  char err[512];
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ck_assert_int_eq(load_text(&s, "", err, sizeof err, NULL), 0);
  ck_assert_int_eq(ap_settings_load(&s, "/dev/null", err, sizeof err), 0);
  ck_assert_uint_eq(s.seed, 12345);
  ck_assert_int_eq(s.src_seed, AP_SRC_DEFAULT);
  ap_settings_free(&s);
}
END_TEST

/* ---- --set values ------------------------------------------------------ */

static const struct {
  const char *key, *value, *msg;
} bad_set[] = {
    {"dt", "abc", "setting 'dt' must be a positive number of ms, got 'abc'"},
    {"dt", "-1", "setting 'dt' must be a positive number of ms, got '-1'"},
    {"dt", "0", "setting 'dt' must be a positive number of ms, got '0'"},
    {"dt", "inf", "setting 'dt' must be a positive number of ms, got 'inf'"},
    {"dt", "nan", "setting 'dt' must be a positive number of ms, got 'nan'"},
    {"dt", "0.1ms",
     "setting 'dt' must be a positive number of ms, got '0.1ms'"},
    {"dt", "", "setting 'dt' must be a positive number of ms, got ''"},
    {"dt", "1e999",
     "setting 'dt' must be a positive number of ms, got '1e999'"},
    {"threads", "-1",
     "setting 'threads' must be a non-negative integer (0 = all cores), got "
     "'-1'"},
    {"threads", "1.5",
     "setting 'threads' must be a non-negative integer (0 = all cores), got "
     "'1.5'"},
    {"threads", "99999999999",
     "setting 'threads' must be a non-negative integer (0 = all cores), got "
     "'99999999999'"},
    {"seed", "-1", "setting 'seed' must be a non-negative integer, got '-1'"},
    {"seed", "18446744073709551616",
     "setting 'seed' must be a non-negative integer, got "
     "'18446744073709551616'"},
    {"seed", "12abc",
     "setting 'seed' must be a non-negative integer, got '12abc'"},
    {"backend", "",
     "setting 'backend' must be a non-empty identifier (letters, digits, "
     "'_') such as 'cpu', got ''"},
    {"backend", "my gpu",
     "setting 'backend' must be a non-empty identifier (letters, digits, "
     "'_') such as 'cpu', got 'my gpu'"},
    {"backend", "1cpu",
     "setting 'backend' must be a non-empty identifier (letters, digits, "
     "'_') such as 'cpu', got '1cpu'"},
    {"output_dir", "", "setting 'output_dir' must be a non-empty path, got ''"},
    {"plugin_path", "",
     "setting 'plugin_path' must be a non-empty list of directories "
     "separated by ':', got ''"},
    {"", "1", "empty setting name"},
    {"a b", "1",
     "invalid setting name 'a b' (use letters, digits, '_' and '-', "
     "optionally after a backend name and '.')"},
    {".tol", "1",
     "invalid setting name '.tol' (use letters, digits, '_' and '-', "
     "optionally after a backend name and '.')"},
    {"cpu.", "1",
     "invalid setting name 'cpu.' (use letters, digits, '_' and '-', "
     "optionally after a backend name and '.')"},
};

START_TEST(test_bad_set) {
  char err[512] = "";
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ck_assert_int_eq(ap_settings_set(&s, bad_set[_i].key, bad_set[_i].value,
                                   AP_SRC_CLI, err, sizeof err),
                   -1);
  ck_assert_str_eq(err, bad_set[_i].msg);
  /* Nothing changed. */
  ck_assert_str_eq(s.backend, "cpu");
  ck_assert_int_eq(s.threads, 1);
  ck_assert_uint_eq(s.seed, 12345);
  ck_assert_double_eq(s.dt, 0.1);
  ck_assert_str_eq(s.output_dir, ".");
  ck_assert_uint_eq(s.n_extra, 0);
  ck_assert_int_eq(s.src_dt + s.src_seed + s.src_threads + s.src_backend,
                   0);
  ap_settings_free(&s);
}
END_TEST

START_TEST(test_good_set) {
  char err[512];
  ap_settings s;
  ck_assert_int_eq(ap_settings_init(&s), 0);
  ck_assert_int_eq(ap_settings_set(&s, "seed", "18446744073709551615",
                                   AP_SRC_CLI, err, sizeof err), 0);
  ck_assert_uint_eq(s.seed, UINT64_MAX);
  ck_assert_int_eq(ap_settings_set(&s, "threads", "0", AP_SRC_CLI, err,
                                   sizeof err), 0);
  ck_assert_int_eq(s.threads, 0);
  ck_assert_int_eq(ap_settings_set(&s, "dt", "1e-3", AP_SRC_CLI, err,
                                   sizeof err), 0);
  ck_assert_double_eq(s.dt, 1e-3);
  ck_assert_int_eq(ap_settings_set(&s, "dt", " 0.25 ", AP_SRC_CLI, err,
                                   sizeof err), 0);
  ck_assert_double_eq(s.dt, 0.25);
  ck_assert_int_eq(ap_settings_set(&s, "backend", "cuda_2", AP_SRC_CLI, err,
                                   sizeof err), 0);
  ck_assert_str_eq(s.backend, "cuda_2");
  ck_assert_int_eq(ap_settings_set(&s, "max-iter", "", AP_SRC_CLI, err,
                                   sizeof err), 0);
  ck_assert_str_eq(find_extra(&s, NULL, "max-iter")->value, "");
  ck_assert_int_eq(ap_settings_set(&s, "seed", "1", 7, err, sizeof err), -1);
  ck_assert_str_eq(err, "setting 'seed': invalid source level 7");
  ap_settings_free(&s);
}
END_TEST

/* ---- finding the file -------------------------------------------------- */

/* Environment and cwd are restored so that the test also holds with
 * CK_FORK=no. */
typedef struct saved_env {
  char cwd[PATH_MAX];
  char *vars[3];
} saved_env;

static const char *const env_names[3] = {"APICAL_CONFIG", "XDG_CONFIG_HOME",
                                         "HOME"};

static void save_env(saved_env *e) {
  ck_assert_ptr_nonnull(getcwd(e->cwd, sizeof e->cwd));
  for (int i = 0; i < 3; i++) {
    const char *v = getenv(env_names[i]);
    e->vars[i] = v ? ap_strdup(v) : NULL;
  }
}

static void restore_env(saved_env *e) {
  ck_assert_int_eq(chdir(e->cwd), 0);
  for (int i = 0; i < 3; i++) {
    if (e->vars[i])
      setenv(env_names[i], e->vars[i], 1);
    else
      unsetenv(env_names[i]);
    free(e->vars[i]);
  }
}

/* What ap_settings_find gives when none of the user's places has a file:
 * the system file if this machine happens to have one. */
static int sysconf_expect(char *path, size_t n) {
#ifdef AP_SYSCONF_DIR
  struct stat st;
  ap_fmt(path, n, "%s/apical.cfg", AP_SYSCONF_DIR);
  if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) return 1;
#endif
  path[0] = '\0';
  return 0;
}

START_TEST(test_find_order) {
  saved_env env;
  save_env(&env);
  char buf[PATH_MAX], err[PATH_MAX + 128];
  char named[PATH_MAX], envfile[PATH_MAX], xdg[PATH_MAX], home[PATH_MAX];
  make_dir("work");
  make_dir("xdg");
  make_dir("xdg/apical");
  make_dir("home");
  make_dir("home/.config");
  make_dir("home/.config/apical");
  make_dir("emptyxdg");
  ap_fmt(named, sizeof named, "%s", write_file("named.cfg", ""));
  ap_fmt(envfile, sizeof envfile, "%s", write_file("env.cfg", ""));
  write_file("work/apical.cfg", "");
  ap_fmt(xdg, sizeof xdg, "%s", write_file("xdg/apical/apical.cfg", ""));
  ap_fmt(home, sizeof home, "%s",
         write_file("home/.config/apical/apical.cfg", ""));
  char dir[PATH_MAX];
  ap_fmt(dir, sizeof dir, "%s/work", tmpdir);
  ck_assert_int_eq(chdir(dir), 0);
  ap_fmt(dir, sizeof dir, "%s/xdg", tmpdir);
  setenv("XDG_CONFIG_HOME", dir, 1);
  ap_fmt(dir, sizeof dir, "%s/home", tmpdir);
  setenv("HOME", dir, 1);
  setenv("APICAL_CONFIG", envfile, 1);

  /* 1. --config beats everything. */
  ck_assert_int_eq(ap_settings_find(named, buf, sizeof buf, err, sizeof err),
                   1);
  ck_assert_str_eq(buf, named);
  /* 2. then $APICAL_CONFIG. */
  ck_assert_int_eq(ap_settings_find(NULL, buf, sizeof buf, err, sizeof err),
                   1);
  ck_assert_str_eq(buf, envfile);
  /* 3. then ./apical.cfg. */
  unsetenv("APICAL_CONFIG");
  ck_assert_int_eq(ap_settings_find(NULL, buf, sizeof buf, err, sizeof err),
                   1);
  ck_assert_str_eq(buf, "apical.cfg");
  /* 4. then $XDG_CONFIG_HOME/apical/apical.cfg. */
  ck_assert_int_eq(unlink("apical.cfg"), 0);
  ck_assert_int_eq(ap_settings_find(NULL, buf, sizeof buf, err, sizeof err),
                   1);
  ck_assert_str_eq(buf, xdg);
  /* 5. ~/.config/apical/apical.cfg when XDG_CONFIG_HOME is unset... */
  unsetenv("XDG_CONFIG_HOME");
  ck_assert_int_eq(ap_settings_find(NULL, buf, sizeof buf, err, sizeof err),
                   1);
  ck_assert_str_eq(buf, home);
  /* ...or relative (invalid by the XDG spec)... */
  setenv("XDG_CONFIG_HOME", "xdg", 1);
  ck_assert_int_eq(ap_settings_find(NULL, buf, sizeof buf, err, sizeof err),
                   1);
  ck_assert_str_eq(buf, home);
  /* ...but not when XDG_CONFIG_HOME names a dir without the file. */
  ap_fmt(dir, sizeof dir, "%s/emptyxdg", tmpdir);
  setenv("XDG_CONFIG_HOME", dir, 1);
  char sys[PATH_MAX];
  int has_sys = sysconf_expect(sys, sizeof sys);
  ck_assert_int_eq(ap_settings_find(NULL, buf, sizeof buf, err, sizeof err),
                   has_sys);
  if (has_sys) ck_assert_str_eq(buf, sys);
  /* 6. nothing anywhere. */
  unsetenv("XDG_CONFIG_HOME");
  ck_assert_int_eq(unlink(home), 0);
  ck_assert_int_eq(ap_settings_find(NULL, buf, sizeof buf, err, sizeof err),
                   has_sys);
  restore_env(&env);
}
END_TEST

START_TEST(test_find_named) {
  saved_env env;
  save_env(&env);
  char buf[PATH_MAX], err[PATH_MAX + 128], want[PATH_MAX + 128];
  char missing[PATH_MAX];
  make_dir("w");
  write_file("w/apical.cfg", "");
  char dir[PATH_MAX];
  ap_fmt(dir, sizeof dir, "%s/w", tmpdir);
  ck_assert_int_eq(chdir(dir), 0);
  ap_fmt(missing, sizeof missing, "%s/missing.cfg", tmpdir);

  /* A named file must exist. */
  unsetenv("APICAL_CONFIG");
  ck_assert_int_eq(
      ap_settings_find(missing, buf, sizeof buf, err, sizeof err), -1);
  ap_fmt(want, sizeof want, "config file '%s' not found", missing);
  ck_assert_str_eq(err, want);
  ck_assert_int_eq(ap_settings_find(tmpdir, buf, sizeof buf, err, sizeof err),
                   -1);
  ap_fmt(want, sizeof want, "config file '%s' is a directory", tmpdir);
  ck_assert_str_eq(err, want);

  setenv("APICAL_CONFIG", missing, 1);
  ck_assert_int_eq(ap_settings_find(NULL, buf, sizeof buf, err, sizeof err),
                   -1);
  ap_fmt(want, sizeof want,
         "config file '%s' not found (named by $APICAL_CONFIG)", missing);
  ck_assert_str_eq(err, want);

  /* /dev/null and "" mean none, even with ./apical.cfg present. */
  setenv("APICAL_CONFIG", "/dev/null", 1);
  ck_assert_int_eq(ap_settings_find(NULL, buf, sizeof buf, err, sizeof err),
                   0);
  setenv("APICAL_CONFIG", "", 1);
  ck_assert_int_eq(ap_settings_find(NULL, buf, sizeof buf, err, sizeof err),
                   0);
  /* --config beats $APICAL_CONFIG, even a missing one. */
  setenv("APICAL_CONFIG", missing, 1);
  const char *named = write_file("named.cfg", "");
  ck_assert_int_eq(ap_settings_find(named, buf, sizeof buf, err, sizeof err),
                   1);
  /* A path that does not fit the buffer is an error, not a truncation. */
  char small[8];
  ck_assert_int_eq(
      ap_settings_find(named, small, sizeof small, err, sizeof err), -1);
  ap_fmt(want, sizeof want, "config file path '%s' is too long", named);
  ck_assert_str_eq(err, want);
  restore_env(&env);
}
END_TEST

Suite *make_config_suite(void);
Suite *make_config_suite(void) {
  Suite *s = suite_create("config");
  TCase *tc = tcase_create("settings");
  tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
  tcase_add_test(tc, test_defaults);
  tcase_add_loop_test(tc, test_precedence_core, 0,
                      (int)(sizeof prec / sizeof *prec));
  tcase_add_test(tc, test_precedence_file);
  tcase_add_test(tc, test_precedence_extras);
  tcase_add_test(tc, test_each_extra_stops);
  tcase_add_loop_test(tc, test_bad_set, 0,
                      (int)(sizeof bad_set / sizeof *bad_set));
  tcase_add_test(tc, test_good_set);
  suite_add_tcase(s, tc);

  tc = tcase_create("file");
  tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
  tcase_add_test(tc, test_syntax_error);
  tcase_add_test(tc, test_missing_file);
  tcase_add_loop_test(tc, test_semantic_errors, 0,
                      (int)(sizeof semantic / sizeof *semantic));
  tcase_add_test(tc, test_relative_name);
  tcase_add_test(tc, test_dataset_dirs);
  tcase_add_test(tc, test_autoconvert);
  tcase_add_test(tc, test_plugin_path_forms);
  tcase_add_test(tc, test_backend_sections);
  tcase_add_test(tc, test_unknown_key);
  tcase_add_test(tc, test_include_relative);
  tcase_add_test(tc, test_empty_file);
  suite_add_tcase(s, tc);

  tc = tcase_create("find");
  tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
  tcase_add_test(tc, test_find_order);
  tcase_add_test(tc, test_find_named);
  suite_add_tcase(s, tc);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_config_suite)
