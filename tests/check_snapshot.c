/* check_snapshot.c -- the snapshot file (core/io/snapshot.c): sections
 * round-trip, bytes and doubles exactly; a truncated file, a file with any
 * one byte changed, one of another format version, one that is not a
 * snapshot and a missing one are refused with a message naming the file
 * and what is wrong; a failed write leaves the last good snapshot. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strutil.h"
#include "io/sha256.h"
#include "io/snapshot.h"
#include "tmpdir.h"

AP_TEST_TMPDIR_FIXTURE("check_snapshot")

static char *tpath(char *buf, const char *name) {
  ap_fmt(buf, PATH_MAX, "%s/%s", tmpdir, name);
  return buf;
}

/* A snapshot of two sections written to `path`. */
static void write_two(const char *path) {
  ap_snap *s = ap_snap_new();
  ck_assert_ptr_nonnull(s);
  ck_assert_int_eq(ap_snap_begin(s, "neurons"), AP_OK);
  ck_assert_int_eq(ap_snap_put_u64(s, 0x0123456789abcdefull), AP_OK);
  ck_assert_int_eq(ap_snap_put_f64(s, -0.1), AP_OK);
  ck_assert_int_eq(ap_snap_put_f64(s, NAN), AP_OK);
  ck_assert_int_eq(ap_snap_begin(s, "rule 3"), AP_OK);
  ap_stream w = ap_snap_writer(s);
  const char text[] = "traces";
  ck_assert_int_eq(w.write(w.ctx, text, sizeof text), AP_OK);
  char err[512] = "";
  ck_assert_msg(ap_snap_write(s, path, err, sizeof err) == AP_OK, "%s", err);
  ap_snap_free(s);
}

static unsigned char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  unsigned char *b = malloc(1 << 16);
  *n = fread(b, 1, 1 << 16, f);
  fclose(f);
  return b;
}

static void spit(const char *path, const unsigned char *b, size_t n) {
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(b, 1, n, f), n);
  fclose(f);
}

/* Reading `path` fails with a message containing `want` and the path. */
static void refused(const char *path, const char *want) {
  char err[512] = "";
  ap_snap *s = ap_snap_read(path, err, sizeof err);
  ck_assert_msg(s == NULL, "%s was read", path);
  ck_assert_msg(strstr(err, want) != NULL, "message '%s' lacks '%s'", err,
                want);
  ck_assert_msg(strncmp(err, path, strlen(path)) == 0,
                "message '%s' does not begin with the file", err);
}

START_TEST(test_roundtrip) {
  char p[PATH_MAX];
  write_two(tpath(p, "a.snap"));
  char err[512] = "";
  ap_snap *s = ap_snap_read(p, err, sizeof err);
  ck_assert_msg(s != NULL, "%s", err);
  ck_assert_uint_eq(ap_snap_version(s), AP_SNAP_VERSION);
  ck_assert_uint_eq(ap_snap_count(s), 2);
  ck_assert_str_eq(ap_snap_name(s, 0), "neurons");
  ck_assert_str_eq(ap_snap_name(s, 1), "rule 3");
  ck_assert_ptr_null(ap_snap_name(s, 2));
  ck_assert_int_eq(ap_snap_open(s, "nope"), AP_EINVAL);
  /* sections in any order */
  ck_assert_int_eq(ap_snap_open(s, "rule 3"), AP_OK);
  ck_assert_uint_eq(ap_snap_left(s), 7);
  ap_stream r = ap_snap_reader(s);
  char text[7];
  ck_assert_int_eq(r.read(r.ctx, text, 7), AP_OK);
  ck_assert_str_eq(text, "traces");
  ck_assert_int_eq(r.read(r.ctx, text, 1), AP_EIO); /* past the end */
  ck_assert_int_eq(ap_snap_open(s, "neurons"), AP_OK);
  uint64_t u = 0;
  double a = 0, b = 0;
  ck_assert_int_eq(ap_snap_get_u64(s, &u), AP_OK);
  ck_assert_int_eq(ap_snap_get_f64(s, &a), AP_OK);
  ck_assert_int_eq(ap_snap_get_f64(s, &b), AP_OK);
  ck_assert(u == 0x0123456789abcdefull);
  ck_assert(a == -0.1); /* the same bits */
  ck_assert(isnan(b));
  ck_assert_uint_eq(ap_snap_left(s), 0);
  ck_assert_int_eq(ap_snap_get_u64(s, &u), AP_EIO);
  ap_snap_free(s);
}
END_TEST

START_TEST(test_names) {
  ap_snap *s = ap_snap_new();
  ck_assert_int_eq(ap_snap_put(s, "x", 1), AP_EINVAL); /* no section */
  ck_assert_int_eq(ap_snap_begin(s, ""), AP_EINVAL);
  char long_name[300];
  memset(long_name, 'n', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  ck_assert_int_eq(ap_snap_begin(s, long_name), AP_EINVAL);
  ck_assert_int_eq(ap_snap_begin(s, "a"), AP_OK);
  ck_assert_int_eq(ap_snap_begin(s, "a"), AP_EINVAL); /* once */
  ap_snap_free(s);
}
END_TEST

/* Every truncation and every changed byte is refused. */
START_TEST(test_damage) {
  char p[PATH_MAX], q[PATH_MAX];
  write_two(tpath(p, "good.snap"));
  size_t n = 0;
  unsigned char *b = slurp(p, &n);
  ck_assert_uint_gt(n, 60);
  tpath(q, "bad.snap");
  for (size_t k = 0; k < n; k++) {
    spit(q, b, k);
    refused(q, k < 8 ? "not an apical snapshot" : "truncated");
  }
  for (size_t k = 0; k < n; k++) {
    b[k] ^= 0x10;
    spit(q, b, n);
    /* the magic, the version, the length or the checksum says it */
    char err[512] = "";
    ap_snap *s = ap_snap_read(q, err, sizeof err);
    ck_assert_msg(s == NULL, "a snapshot with byte %zu changed was read", k);
    ck_assert_msg(strncmp(err, q, strlen(q)) == 0, "%s", err);
    b[k] ^= 0x10;
  }
  /* one byte more */
  unsigned char *c = malloc(n + 1);
  memcpy(c, b, n);
  c[n] = 0;
  spit(q, c, n + 1);
  refused(q, "longer than written");
  free(c);
  free(b);
}
END_TEST

/* Another format version is named, even with a valid checksum. */
START_TEST(test_version) {
  char p[PATH_MAX];
  write_two(tpath(p, "v.snap"));
  size_t n = 0;
  unsigned char *b = slurp(p, &n);
  b[8] = (unsigned char)(AP_SNAP_VERSION + 1);
  ap_sha256 h;
  ap_sha256_init(&h);
  ap_sha256_update(&h, b, n - 32);
  ap_sha256_final(&h, b + n - 32);
  spit(p, b, n);
  char want[128];
  snprintf(want, sizeof want, "snapshot format version %u, this apical reads "
           "version %u", AP_SNAP_VERSION + 1, AP_SNAP_VERSION);
  refused(p, want);
  free(b);
}
END_TEST

START_TEST(test_not_there) {
  char p[PATH_MAX];
  refused(tpath(p, "missing.snap"), "cannot open the snapshot");
  spit(p, (const unsigned char *)"t,v\n0,1\n", 8);
  refused(p, "not an apical snapshot");
}
END_TEST

/* A write that fails (no room: the folder is gone) leaves nothing half
 * written, and a good snapshot stays where it was when the next fails. */
START_TEST(test_atomic) {
  char p[PATH_MAX], d[PATH_MAX], q[PATH_MAX];
  write_two(tpath(p, "keep.snap"));
  ap_snap *s = ap_snap_new();
  ck_assert_int_eq(ap_snap_begin(s, "x"), AP_OK);
  ck_assert_int_eq(ap_snap_put_u64(s, 7), AP_OK);
  char err[512] = "";
  ap_fmt(q, sizeof q, "%s/no/such/folder/x.snap", tmpdir);
  ck_assert_int_eq(ap_snap_write(s, q, err, sizeof err), AP_EIO);
  ck_assert_msg(strstr(err, q) != NULL, "%s", err);
  /* a directory in the way of the rename: the old file is untouched */
  ck_assert_int_eq(mkdir(tpath(d, "dir.snap"), 0755), 0);
  ck_assert_int_eq(ap_snap_write(s, d, err, sizeof err), AP_EIO);
  ck_assert_msg(strstr(err, "cannot put the snapshot in place") != NULL, "%s",
                err);
  ap_snap *t = ap_snap_read(p, err, sizeof err);
  ck_assert_msg(t != NULL, "%s", err);
  ap_snap_free(t);
  /* no temporary left */
  char cmd[PATH_MAX + 64];
  snprintf(cmd, sizeof cmd, "ls %s | grep -q part", tmpdir);
  ck_assert_int_ne(system(cmd), 0);
  ap_snap_free(s);
}
END_TEST

static Suite *make_snapshot_suite(void) {
  Suite *s = suite_create("snapshot");
  TCase *tc = tcase_create("file");
  tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
  tcase_add_test(tc, test_roundtrip);
  tcase_add_test(tc, test_names);
  tcase_add_test(tc, test_damage);
  tcase_add_test(tc, test_version);
  tcase_add_test(tc, test_not_there);
  tcase_add_test(tc, test_atomic);
  suite_add_tcase(s, tc);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_snapshot_suite)
