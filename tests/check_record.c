/* check_record.c -- recorders, their .csv/.npy files and sidecars,
 * streaming, and the SHA-256 used for script checksums. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/npy.h"
#include "io/record.h"
#include "io/sha256.h"
#include "base/strutil.h"
#include "tmpdir.h"

/* ---- temp dir ---------------------------------------------------------- */

AP_TEST_TMPDIR_FIXTURE("check_record")

/* tmpdir/name in buf. */
static char *tpath(char *buf, const char *name) {
  ap_fmt(buf, PATH_MAX, "%s/%s", tmpdir, name);
  return buf;
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* A whole file, malloc'd and terminated; *len its size. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)size + 1);
  ck_assert_ptr_nonnull(s);
  ck_assert_uint_eq(fread(s, 1, (size_t)size, f), (size_t)size);
  s[size] = '\0';
  fclose(f);
  if (len) *len = (size_t)size;
  return s;
}

/* Number of entries in a directory, "." and ".." aside. */
static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  ck_assert_ptr_nonnull(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

static const ap_provenance prov = {
    "0.1.0", 4242, 0.1, "cpu", 2, "net.lua",
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "spikes of population 1 (lif) 1..5", NULL};

/* Spikes of a 20-neuron population, slice 10..14, over a few steps. */
static ap_recorder *spike_fixture(const char *stream) {
  char err[512];
  ap_recorder *r =
      ap_rec_new(AP_REC_SPIKES, 10, 5, NULL, 1, stream, err, sizeof err);
  ck_assert_msg(r != NULL, "%s", err);
  const uint32_t s0[] = {3, 10, 12, 14, 15, 19};
  const uint32_t s2[] = {11};
  const uint32_t s122[] = {9, 14};
  ck_assert_int_eq(ap_rec_spikes(r, 0, 0.1, s0, 6), 0);
  ck_assert_int_eq(ap_rec_spikes(r, 1, 0.1, NULL, 0), 0);
  ck_assert_int_eq(ap_rec_spikes(r, 2, 0.1, s2, 1), 0);
  ck_assert_int_eq(ap_rec_spikes(r, 122, 0.1, s122, 2), 0);
  return r;
}

/* V_m of a 4-neuron population, neurons 1..2 (0-based), every 2 steps. */
static ap_recorder *state_fixture(const char *stream) {
  char err[512];
  ap_recorder *r =
      ap_rec_new(AP_REC_STATE, 1, 2, "V_m", 2, stream, err, sizeof err);
  ck_assert_msg(r != NULL, "%s", err);
  for (int64_t step = 0; step < 6; step++) {
    double v[4] = {-70 - step, -65.5 + step, 0.1 * (double)step, 1e300};
    if (ap_rec_due(r, step))
      ck_assert_int_eq(ap_rec_sample(r, step, 0.1, v), 0);
  }
  return r;
}

/* ---- recording --------------------------------------------------------- */

START_TEST(test_spikes_slice) {
  ap_recorder *r = spike_fixture(NULL);
  ck_assert_int_eq(ap_rec_kind_of(r), AP_REC_SPIKES);
  ck_assert_uint_eq(ap_rec_first(r), 10);
  ck_assert_uint_eq(ap_rec_width(r), 5);
  ck_assert_ptr_null(ap_rec_var(r));
  ck_assert_ptr_null(ap_rec_values(r));
  ck_assert_uint_eq(ap_rec_count(r), 5);
  const double *t = ap_rec_times(r);
  const uint32_t *s = ap_rec_senders(r);
  /* 10, 12, 14 at step 0; 11 at step 2; 14 at step 122. */
  const uint32_t want_s[] = {1, 3, 5, 2, 5};
  const double want_t[] = {1 * 0.1, 1 * 0.1, 1 * 0.1, 3 * 0.1, 123 * 0.1};
  for (int i = 0; i < 5; i++) {
    ck_assert_uint_eq(s[i], want_s[i]);
    ck_assert_double_eq(t[i], want_t[i]);
  }
  /* Every step is due for spikes. */
  ck_assert_int_eq(ap_rec_due(r, 0), 1);
  ck_assert_int_eq(ap_rec_due(r, 7), 1);
  /* Wrong kind of data. */
  double v[20] = {0};
  ck_assert_int_eq(ap_rec_sample(r, 0, 0.1, v), -1);
  ap_rec_free(r);
}
END_TEST

START_TEST(test_due_and_sample) {
  char err[256];
  ap_recorder *r =
      ap_rec_new(AP_REC_STATE, 0, 1, "g_ex", 3, NULL, err, sizeof err);
  ck_assert_ptr_nonnull(r);
  ck_assert_int_eq(ap_rec_interval(r), 3);
  ck_assert_str_eq(ap_rec_var(r), "g_ex");
  for (int64_t step = 0; step < 10; step++)
    ck_assert_int_eq(ap_rec_due(r, step), step == 2 || step == 5 ||
                                              step == 8);
  ck_assert_int_eq(ap_rec_due(r, -1), 0);
  uint32_t idx[1] = {0};
  ck_assert_int_eq(ap_rec_spikes(r, 0, 0.1, idx, 1), -1);
  ap_rec_free(r);

  r = state_fixture(NULL);
  ck_assert_uint_eq(ap_rec_count(r), 3);
  ck_assert_uint_eq(ap_rec_width(r), 2);
  ck_assert_ptr_null(ap_rec_senders(r));
  const double *t = ap_rec_times(r);
  const double *v = ap_rec_values(r);
  for (int i = 0; i < 3; i++) {
    int64_t step = 2 * i + 1; /* steps 1, 3, 5 */
    ck_assert_double_eq(t[i], (double)(step + 1) * 0.1);
    ck_assert_double_eq(v[2 * i], -65.5 + (double)step);
    ck_assert_double_eq(v[2 * i + 1], 0.1 * (double)step);
  }
  ap_rec_free(r);
}
END_TEST

START_TEST(test_new_errors) {
  char err[512], p[PATH_MAX], want[PATH_MAX + 128];
  ck_assert_ptr_null(ap_rec_new(7, 0, 1, NULL, 1, NULL, err, sizeof err));
  ck_assert_str_eq(err, "unknown recorder kind 7");
  ck_assert_ptr_null(
      ap_rec_new(AP_REC_STATE, 0, 1, NULL, 1, NULL, err, sizeof err));
  ck_assert_str_eq(err, "a state recorder needs a variable name");
  ck_assert_ptr_null(
      ap_rec_new(AP_REC_STATE, 0, 1, "V_m", 0, NULL, err, sizeof err));
  ck_assert_str_eq(err, "recording interval must be at least 1 step, got 0");
  ck_assert_ptr_null(
      ap_rec_new(AP_REC_STATE, 0, 1, "a,b", 1, NULL, err, sizeof err));
  ck_assert_str_eq(err, "state variable name 'a,b' cannot name a column");
  ck_assert_ptr_null(ap_rec_new(AP_REC_SPIKES, 0, 1, NULL, 1,
                                tpath(p, "x.txt"), err, sizeof err));
  ap_fmt(want, sizeof want,
         "cannot stream to '%s': unknown file type (use .csv or .npy)", p);
  ck_assert_str_eq(err, want);
  ck_assert_ptr_null(ap_rec_new(AP_REC_SPIKES, 0, 1, NULL, 1,
                                tpath(p, "missing/x.npy"), err, sizeof err));
  ap_fmt(want, sizeof want,
         "cannot create '%s.part': No such file or directory", p);
  ck_assert_str_eq(err, want);
  ck_assert_int_eq(count_entries(tmpdir), 0);
}
END_TEST

START_TEST(test_rate) {
  char err[256];
  ap_recorder *r =
      ap_rec_new(AP_REC_SPIKES, 0, 5, NULL, 1, NULL, err, sizeof err);
  ck_assert_double_eq(ap_rec_rate(r), 0.0); /* no span yet */
  uint32_t all[5] = {0, 1, 2, 3, 4};
  for (int64_t step = 0; step < 6; step++)
    ck_assert_int_eq(ap_rec_spikes(r, step, 0.1, all, 5), 0);
  /* 30 spikes, 5 neurons, 500 ms: 12 Hz. */
  ap_rec_set_span(r, 100.0, 600.0);
  ck_assert_double_eq_tol(ap_rec_rate(r), 12.0, 1e-12);
  ap_rec_set_span(r, 100.0, 100.0);
  ck_assert_double_eq(ap_rec_rate(r), 0.0);
  ap_rec_free(r);

  r = ap_rec_new(AP_REC_SPIKES, 0, 0, NULL, 1, NULL, err, sizeof err);
  ap_rec_set_span(r, 0.0, 1000.0);
  ck_assert_double_eq(ap_rec_rate(r), 0.0); /* no neurons */
  ap_rec_free(r);
}
END_TEST

/* ---- files ------------------------------------------------------------- */

START_TEST(test_csv_exact) {
  char err[512], p[PATH_MAX];
  ap_recorder *r = spike_fixture(NULL);
  ck_assert_msg(ap_rec_save(r, tpath(p, "s.csv"), &prov, err, sizeof err) ==
                    0,
                "%s", err);
  char *text = slurp(p, NULL);
  ck_assert_str_eq(text, "time_ms,sender\n"
                         "0.1,1\n"
                         "0.1,3\n"
                         "0.1,5\n"
                         "0.3,2\n"
                         "12.3,5\n");
  free(text);
  ap_rec_free(r);

  r = state_fixture(NULL);
  ck_assert_int_eq(ap_rec_save(r, tpath(p, "v.csv"), &prov, err, sizeof err),
                   0);
  text = slurp(p, NULL);
  ck_assert_str_eq(text, "time_ms,V_m_1,V_m_2\n"
                         "0.2,-64.5,0.10000000000000001\n"
                         "0.4,-62.5,0.30000000000000004\n"
                         "0.6,-60.5,0.5\n");
  free(text);
  ap_rec_free(r);
}
END_TEST

START_TEST(test_npy_roundtrip) {
  char err[512], p[PATH_MAX];
  uint64_t rows, cols;
  double *d;

  ap_recorder *r = spike_fixture(NULL);
  ck_assert_int_eq(ap_rec_save(r, tpath(p, "s.npy"), &prov, err, sizeof err),
                   0);
  ck_assert_msg(ap_npy_read(p, &rows, &cols, &d, err, sizeof err) == 0, "%s",
                err);
  ck_assert_uint_eq(rows, 5);
  ck_assert_uint_eq(cols, 2);
  for (size_t i = 0; i < 5; i++) {
    ck_assert_double_eq(d[2 * i], ap_rec_times(r)[i]);
    ck_assert_double_eq(d[2 * i + 1], (double)ap_rec_senders(r)[i]);
  }
  free(d);
  size_t len;
  char *raw = slurp(p, &len);
  ck_assert_uint_eq(len, ap_npy_header_size(2) + 5 * 2 * 8);
  ck_assert_uint_eq(ap_npy_header_size(2) % 64, 0);
  ck_assert_int_eq(memcmp(raw, "\x93NUMPY\x01\x00", 8), 0);
  ck_assert_int_eq(raw[ap_npy_header_size(2) - 1], '\n');
  ck_assert_ptr_nonnull(strstr(raw + 10, "'descr': '<f8', 'fortran_order': "
                                         "False, 'shape': (5, 2), }"));
  free(raw);
  ap_rec_free(r);

  r = state_fixture(NULL);
  ck_assert_int_eq(ap_rec_save(r, tpath(p, "v.npy"), NULL, err, sizeof err),
                   0);
  ck_assert_int_eq(ap_npy_read(p, &rows, &cols, &d, err, sizeof err), 0);
  ck_assert_uint_eq(rows, 3);
  ck_assert_uint_eq(cols, 3);
  for (size_t i = 0; i < 3; i++) {
    ck_assert_double_eq(d[3 * i], ap_rec_times(r)[i]);
    ck_assert_double_eq(d[3 * i + 1], ap_rec_values(r)[2 * i]);
    ck_assert_double_eq(d[3 * i + 2], ap_rec_values(r)[2 * i + 1]);
  }
  free(d);
  ap_rec_free(r);

  /* Nothing recorded: a 0 x 2 array. */
  r = ap_rec_new(AP_REC_SPIKES, 0, 3, NULL, 1, NULL, err, sizeof err);
  ck_assert_int_eq(ap_rec_save(r, tpath(p, "e.npy"), NULL, err, sizeof err),
                   0);
  ck_assert_int_eq(ap_npy_read(p, &rows, &cols, &d, err, sizeof err), 0);
  ck_assert_uint_eq(rows, 0);
  ck_assert_uint_eq(cols, 2);
  ck_assert_ptr_null(d);
  ap_rec_free(r);
}
END_TEST

/* The header has room for any row count: rewriting it in place with the
 * largest keeps its size. */
START_TEST(test_npy_header_rewrite) {
  char err[512], p[PATH_MAX];
  FILE *f = fopen(tpath(p, "h.npy"), "wb+");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(ap_npy_write_header(f, 0, 3), 0);
  ck_assert_int_eq(ftell(f), (long)ap_npy_header_size(3));
  const double v[6] = {1, 2, 3, 4.5, -5, 1e-300};
  ck_assert_int_eq(ap_npy_write_values(f, v, 6), 0);
  ck_assert_int_eq(ap_npy_rewrite_header(f, AP_NPY_MAX_DIM, 3), 0);
  ck_assert_int_eq(ftell(f), (long)(ap_npy_header_size(3) + 48));
  fflush(f);
  size_t len;
  char *raw = slurp(p, &len);
  ck_assert_ptr_nonnull(strstr(raw + 10, "(9223372036854775807, 3), }"));
  ck_assert_int_eq(raw[ap_npy_header_size(3) - 1], '\n');
  free(raw);
  ck_assert_int_eq(ap_npy_rewrite_header(f, 2, 3), 0);
  ck_assert_int_eq(ap_npy_write_header(f, AP_NPY_MAX_DIM + 1, 3), -1);
  ck_assert_int_eq(errno, EINVAL);
  fclose(f);

  uint64_t rows, cols;
  double *d;
  ck_assert_int_eq(ap_npy_read(p, &rows, &cols, &d, err, sizeof err), 0);
  ck_assert_uint_eq(rows, 2);
  ck_assert_uint_eq(cols, 3);
  ck_assert_int_eq(memcmp(d, v, sizeof v), 0);
  free(d);

  /* The reader refuses what it cannot read. */
  FILE *g = fopen(tpath(p, "bad.npy"), "wb");
  fputs("hello, world", g);
  fclose(g);
  ck_assert_int_eq(ap_npy_read(p, &rows, &cols, &d, err, sizeof err), -1);
  char want[PATH_MAX + 64];
  ap_fmt(want, sizeof want, "%s: not a .npy file", p);
  ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_sidecar) {
  char err[512], p[PATH_MAX], j[PATH_MAX];
  ap_recorder *r = spike_fixture(NULL);
  ap_provenance pv = prov;
  pv.what = "spikes of \"exc\"\n\\ 1..5";
  pv.script_sha256 = NULL;
  ck_assert_int_eq(ap_rec_save(r, tpath(p, "s.npy"), &pv, err, sizeof err),
                   0);
  ck_assert(exists(tpath(j, "s.npy.json")));
  char *json = slurp(j, NULL);
  static const char *const want[] = {
      "{\n",
      "\"apical_version\": \"0.1.0\"",
      "\"seed\": 4242,",
      "\"dt_ms\": 0.1,",
      "\"backend\": \"cpu\"",
      "\"threads\": 2,",
      "\"script\": \"net.lua\"",
      "\"script_sha256\": null",
      "\"contents\": \"spikes of \\\"exc\\\"\\n\\\\ 1..5\"",
      "\"unit\": null,",
      "\"t_start_ms\": 0,",
      "\"t_end_ms\": 0,",
      "\"columns\": [\"time_ms\", \"sender\"]",
      "\"rows\": 5,",
      "\"created\": \"20",
      "Z\"\n}\n",
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++)
    ck_assert_msg(strstr(json, want[i]) != NULL, "no %s in %s", want[i],
                  json);
  free(json);
  ap_rec_free(r);

  /* State columns, unit and span; no provenance gives nulls. */
  r = state_fixture(NULL);
  ck_assert_int_eq(ap_rec_set_unit(r, "mV"), 0);
  ck_assert_str_eq(ap_rec_unit(r), "mV");
  ck_assert_double_eq(ap_rec_dt(r), 0.1);
  ap_rec_set_span(r, 0.5, 12.25);
  ck_assert_int_eq(ap_rec_save(r, tpath(p, "v.csv"), NULL, err, sizeof err),
                   0);
  json = slurp(tpath(j, "v.csv.json"), NULL);
  ck_assert_ptr_nonnull(strstr(json, "\"unit\": \"mV\",\n"));
  ck_assert_ptr_nonnull(strstr(json, "\"t_start_ms\": 0.5,\n"));
  ck_assert_ptr_nonnull(strstr(json, "\"t_end_ms\": 12.25,\n"));
  ck_assert_ptr_nonnull(
      strstr(json, "\"columns\": [\"time_ms\", \"V_m_1\", \"V_m_2\"]"));
  ck_assert_ptr_nonnull(strstr(json, "\"seed\": null"));
  ck_assert_ptr_nonnull(strstr(json, "\"apical_version\": null"));
  ck_assert_ptr_nonnull(strstr(json, "\"rows\": 3,"));
  free(json);
  ap_rec_free(r);
}
END_TEST

START_TEST(test_save_atomic) {
  char err[512], p[PATH_MAX], want[PATH_MAX + 128];
  ap_recorder *r = spike_fixture(NULL);
  /* Missing directory: fails naming the file, nothing is left. */
  ck_assert_int_eq(
      ap_rec_save(r, tpath(p, "missing/s.npy"), &prov, err, sizeof err), -1);
  ap_fmt(want, sizeof want, "cannot write '%s': No such file or directory",
         p);
  ck_assert_str_eq(err, want);
  ck_assert_int_eq(count_entries(tmpdir), 0);

  /* Failing at the last step (the name is a directory): the sidecar and
   * the temporary file are gone again. */
  ck_assert_int_eq(mkdir(tpath(p, "d.csv"), 0700), 0);
  ck_assert_int_eq(ap_rec_save(r, p, &prov, err, sizeof err), -1);
  ap_fmt(want, sizeof want, "cannot write '%s': ", p);
  ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
  ck_assert_int_eq(count_entries(tmpdir), 1);
  ck_assert_int_eq(rmdir(p), 0);

  /* Unknown file type. */
  ck_assert_int_eq(ap_rec_save(r, "x.txt", &prov, err, sizeof err), -1);
  ck_assert_str_eq(err,
                   "cannot save 'x.txt': unknown file type (use .csv or .npy)");
  ck_assert_int_eq(ap_rec_save(r, "csv", &prov, err, sizeof err), -1);
  ck_assert_str_eq(err,
                   "cannot save 'csv': unknown file type (use .csv or .npy)");
  ck_assert_int_eq(count_entries(tmpdir), 0);

  /* Overwriting an existing file is fine. */
  ck_assert_int_eq(ap_rec_save(r, tpath(p, "o.csv"), &prov, err, sizeof err),
                   0);
  ck_assert_int_eq(ap_rec_save(r, p, &prov, err, sizeof err), 0);
  ck_assert_int_eq(count_entries(tmpdir), 2);
  ap_rec_free(r);
}
END_TEST

/* ---- streams ----------------------------------------------------------- */

static void same_bytes(const char *a, const char *b) {
  size_t la, lb;
  char *x = slurp(a, &la), *y = slurp(b, &lb);
  ck_assert_uint_eq(la, lb);
  ck_assert_msg(memcmp(x, y, la) == 0, "%s and %s differ", a, b);
  free(x);
  free(y);
}

START_TEST(test_stream_equals_save) {
  static const char *const ext[] = {"npy", "csv"};
  char err[512], s[PATH_MAX], part[PATH_MAX], saved[PATH_MAX], j[PATH_MAX],
      name[64];
  for (int kind = AP_REC_SPIKES; kind <= AP_REC_STATE; kind++)
    for (int e = 0; e < 2; e++) {
      ap_fmt(name, sizeof name, "k%d.%s", kind, ext[e]);
      tpath(s, name);
      ap_fmt(part, sizeof part, "%s.part", s);
      ap_recorder *r =
          kind == AP_REC_SPIKES ? spike_fixture(s) : state_fixture(s);
      ck_assert(exists(part));
      ck_assert(!exists(s));
      ap_fmt(name, sizeof name, "saved%d.%s", kind, ext[e]);
      ck_assert_int_eq(
          ap_rec_save(r, tpath(saved, name), &prov, err, sizeof err), 0);
      ck_assert_msg(ap_rec_close(r, &prov, err, sizeof err) == 0, "%s", err);
      ck_assert(!exists(part));
      ck_assert(exists(s));
      ap_fmt(j, sizeof j, "%s.json", s);
      ck_assert(exists(j));
      same_bytes(s, saved);
      /* Closing again does nothing; the data stay in memory. */
      ck_assert_int_eq(ap_rec_close(r, &prov, err, sizeof err), 0);
      ck_assert_uint_eq(ap_rec_count(r),
                        kind == AP_REC_SPIKES ? (size_t)5 : (size_t)3);
      ap_rec_free(r);
    }
  /* A stream with no rows is a valid empty file. */
  ap_recorder *r = ap_rec_new(AP_REC_STATE, 0, 2, "V_m", 1,
                              tpath(s, "none.npy"), err, sizeof err);
  ck_assert_int_eq(ap_rec_close(r, NULL, err, sizeof err), 0);
  uint64_t rows, cols;
  double *d;
  ck_assert_int_eq(ap_npy_read(s, &rows, &cols, &d, err, sizeof err), 0);
  ck_assert_uint_eq(rows, 0);
  ck_assert_uint_eq(cols, 3);
  ap_rec_free(r);
}
END_TEST

START_TEST(test_stream_abort) {
  char err[512], s[PATH_MAX], part[PATH_MAX];
  tpath(s, "a.npy");
  ap_fmt(part, sizeof part, "%s.part", s);
  ap_recorder *r = spike_fixture(s);
  ck_assert(exists(part));
  ap_rec_abort(r);
  ck_assert(!exists(part));
  ck_assert(!exists(s));
  /* After an abort, close has nothing to finish. */
  ck_assert_int_eq(ap_rec_close(r, &prov, err, sizeof err), 0);
  ck_assert(!exists(s));
  ck_assert_uint_eq(ap_rec_count(r), 5);
  ap_rec_free(r);
  ck_assert_int_eq(count_entries(tmpdir), 0);

  /* Freed without close or abort: the unfinished .part stays. */
  r = spike_fixture(s);
  ap_rec_free(r);
  ck_assert(exists(part));
  ck_assert(!exists(s));
  unlink(part);
  /* Not streaming: abort and close are no-ops. */
  r = spike_fixture(NULL);
  ap_rec_abort(r);
  ck_assert_int_eq(ap_rec_close(r, &prov, err, sizeof err), 0);
  ap_rec_free(r);
  ck_assert_int_eq(count_entries(tmpdir), 0);
}
END_TEST

/* ---- SHA-256 ----------------------------------------------------------- */

static void digest_hex(const void *data, size_t n, char out[65]) {
  ap_sha256 c;
  unsigned char d[32];
  ap_sha256_init(&c);
  ap_sha256_update(&c, data, n);
  ap_sha256_final(&c, d);
  ap_sha256_hex(d, out);
}

/* FIPS 180-4 examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf"). */
static const struct {
  const char *msg, *hex;
} vectors[] = {
    {"abc",
     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmn"
     "opjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

START_TEST(test_sha256_vectors) {
  char hex[65];
  const char *m = vectors[_i].msg;
  size_t n = strlen(m);
  digest_hex(m, n, hex);
  ck_assert_str_eq(hex, vectors[_i].hex);
  /* Fed a byte at a time: same digest. */
  ap_sha256 c;
  unsigned char d[32];
  ap_sha256_init(&c);
  for (size_t i = 0; i < n; i++) ap_sha256_update(&c, m + i, 1);
  ap_sha256_final(&c, d);
  ap_sha256_hex(d, hex);
  ck_assert_str_eq(hex, vectors[_i].hex);
}
END_TEST

START_TEST(test_sha256_million_a) {
  char hex[65];
  ap_sha256 c;
  unsigned char d[32], chunk[1000];
  memset(chunk, 'a', sizeof chunk);
  ap_sha256_init(&c);
  for (int i = 0; i < 1000; i++) ap_sha256_update(&c, chunk, sizeof chunk);
  ap_sha256_final(&c, d);
  ap_sha256_hex(d, hex);
  ck_assert_str_eq(
      hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  /* Every length around the padding boundaries agrees with one shot. */
  char a[130], b[65];
  memset(a, 'x', sizeof a);
  for (size_t n = 50; n < sizeof a; n++) {
    digest_hex(a, n, b);
    ap_sha256_init(&c);
    ap_sha256_update(&c, a, n / 3);
    ap_sha256_update(&c, a + n / 3, n - n / 3);
    ap_sha256_final(&c, d);
    ap_sha256_hex(d, hex);
    ck_assert_str_eq(hex, b);
  }
}
END_TEST

START_TEST(test_sha256_file) {
  char p[PATH_MAX], hex[65];
  FILE *f = fopen(tpath(p, "script.lua"), "wb");
  fputs("abc", f);
  fclose(f);
  ck_assert_int_eq(ap_sha256_file(p, hex), 0);
  ck_assert_str_eq(hex, vectors[0].hex);
  ck_assert_int_eq(ap_sha256_file(tpath(p, "nope.lua"), hex), -1);
  ck_assert_int_eq(errno, ENOENT);
  unlink(tpath(p, "script.lua"));
}
END_TEST

Suite *make_record_suite(void);
Suite *make_record_suite(void) {
  Suite *s = suite_create("record");
  TCase *tc = tcase_create("memory");
  tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
  tcase_add_test(tc, test_spikes_slice);
  tcase_add_test(tc, test_due_and_sample);
  tcase_add_test(tc, test_new_errors);
  tcase_add_test(tc, test_rate);
  suite_add_tcase(s, tc);

  /* One dir per test: some count the entries of theirs. */
  const struct {
    const char *name;
    const TTest *test;
  } file_tests[] = {
      {"csv", test_csv_exact},         {"npy", test_npy_roundtrip},
      {"npy_header", test_npy_header_rewrite},
      {"sidecar", test_sidecar},       {"atomic", test_save_atomic},
      {"stream", test_stream_equals_save},
      {"abort", test_stream_abort},
  };
  for (size_t i = 0; i < sizeof file_tests / sizeof *file_tests; i++) {
    tc = tcase_create(file_tests[i].name);
    tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
    tcase_add_test(tc, file_tests[i].test);
    suite_add_tcase(s, tc);
  }

  tc = tcase_create("sha256");
  tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
  tcase_add_loop_test(tc, test_sha256_vectors, 0,
                      (int)(sizeof vectors / sizeof *vectors));
  tcase_add_test(tc, test_sha256_million_a);
  tcase_add_test(tc, test_sha256_file);
  suite_add_tcase(s, tc);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_record_suite)
