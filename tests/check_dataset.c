/* check_dataset.c -- the IDX reader (core/dataset.c) on files this suite
 * writes itself, plain and gzip-compressed: contents, the gzip detection
 * by magic bytes rather than by name, and the exact message of every
 * error.  Nothing here needs a real data set; tests/e2e/dataset.sh reads
 * one when the machine has it. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "io/dataset.h"
#include "base/strutil.h"
#include "tmpdir.h"

AP_TEST_TMPDIR_FIXTURE("check_dataset")

/* ---- writing IDX files -------------------------------------------------- */

enum { PLAIN, GZIP };

/* tmpdir/name, in one of a few rotating static buffers so that a test can
 * hold an image path and a label path at once. */
static const char *path_of(const char *name) {
  static char paths[4][PATH_MAX];
  static int next;
  char *p = paths[next++ % 4];
  ap_fmt(p, PATH_MAX, "%s/%s", tmpdir, name);
  return p;
}

/* Write bytes as a plain or a gzip file; returns its path. */
static const char *write_bytes(const char *name, const uint8_t *b, size_t n,
                               int how) {
  const char *path = path_of(name);
  if (how == GZIP) {
    gzFile gz = gzopen(path, "wb");
    ck_assert_msg(gz != NULL, "cannot create %s", path);
    if (n) ck_assert_int_eq(gzwrite(gz, b, (unsigned)n), (int)n);
    ck_assert_int_eq(gzclose(gz), Z_OK);
  } else {
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot create %s", path);
    if (n) ck_assert_uint_eq(fwrite(b, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
  }
  return path;
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* The pixel at (image k, offset j) of the test images: every value 0..255
 * turns up, and no two images are alike. */
static uint8_t pixel(size_t k, size_t j) { return (uint8_t)(k * 37 + j * 11); }

/* An image file of `count` images of rows x cols whose header says
 * `claimed` images; `extra` bytes more than it says follow. */
static const char *write_images(const char *name, uint32_t claimed,
                                size_t count, uint32_t rows, uint32_t cols,
                                size_t extra, int how) {
  size_t n = 16 + count * rows * cols + extra;
  uint8_t *b = malloc(n);
  ck_assert_ptr_nonnull(b);
  put32(b, 0x00000803);
  put32(b + 4, claimed);
  put32(b + 8, rows);
  put32(b + 12, cols);
  for (size_t k = 0; k < count; k++)
    for (size_t j = 0; j < (size_t)rows * cols; j++)
      b[16 + k * rows * cols + j] = pixel(k, j);
  memset(b + 16 + count * rows * cols, 0, extra);
  const char *path = write_bytes(name, b, n, how);
  free(b);
  return path;
}

static const char *write_labels(const char *name, uint32_t count, int how) {
  uint8_t *b = malloc(8 + count);
  ck_assert_ptr_nonnull(b);
  put32(b, 0x00000801);
  put32(b + 4, count);
  for (uint32_t k = 0; k < count; k++) b[8 + k] = (uint8_t)(k % 10);
  const char *path = write_bytes(name, b, 8 + count, how);
  free(b);
  return path;
}

static void check_contents(const ap_dataset *ds, size_t count, size_t rows,
                           size_t cols) {
  ck_assert_uint_eq(ap_dataset_count(ds), count);
  ck_assert_uint_eq(ap_dataset_rows(ds), rows);
  ck_assert_uint_eq(ap_dataset_cols(ds), cols);
  /* One assertion per image: ck_assert is too slow to call per pixel of
   * a large file. */
  for (size_t k = 0; k < count; k++) {
    const uint8_t *img = ap_dataset_image(ds, k);
    size_t bad = rows * cols;
    for (size_t j = 0; j < rows * cols && bad == rows * cols; j++)
      if (img[j] != pixel(k, j)) bad = j;
    ck_assert_msg(bad == rows * cols, "image %zu pixel %zu: %u, expected %u",
                  k, bad, bad < rows * cols ? img[bad] : 0,
                  bad < rows * cols ? pixel(k, bad) : 0);
  }
}

/* ---- reading ------------------------------------------------------------ */

/* _i: 0 plain, 1 gzip. */
START_TEST(reads_images_and_labels) {
  char err[512] = "";
  const char *img = write_images("img", 5, 5, 3, 4, 0, _i);
  const char *lab = write_labels("lab", 5, _i);
  ap_dataset *ds = ap_dataset_open(img, lab, err, sizeof err);
  ck_assert_msg(ds != NULL, "%s", err);
  check_contents(ds, 5, 3, 4);
  ck_assert_int_eq(ap_dataset_has_labels(ds), 1);
  for (size_t k = 0; k < 5; k++)
    ck_assert_int_eq(ap_dataset_label(ds, k), (int)(k % 10));
  ck_assert_str_eq(ap_dataset_images_path(ds), img);
  ck_assert_str_eq(ap_dataset_labels_path(ds), lab);
  ap_dataset_free(ds);
}
END_TEST

START_TEST(labels_are_optional) {
  char err[512] = "";
  const char *img = write_images("img.gz", 2, 2, 28, 28, 0, GZIP);
  ap_dataset *ds = ap_dataset_open(img, NULL, err, sizeof err);
  ck_assert_msg(ds != NULL, "%s", err);
  check_contents(ds, 2, 28, 28);
  ck_assert_int_eq(ap_dataset_has_labels(ds), 0);
  ck_assert_int_eq(ap_dataset_label(ds, 0), -1);
  ck_assert_ptr_null(ap_dataset_labels_path(ds));
  ap_dataset_free(ds);
  ap_dataset_free(NULL);
}
END_TEST

/* gzip is told from the first bytes: a gzip file without .gz and a plain
 * file with .gz both read. */
START_TEST(gzip_by_magic_not_name) {
  char err[512] = "";
  const char *img = write_images("images-plain.gz", 3, 3, 2, 2, 0, PLAIN);
  const char *lab = write_labels("labels-gzip", 3, GZIP);
  FILE *f = fopen(lab, "rb");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(fgetc(f), 0x1f);
  ck_assert_int_eq(fgetc(f), 0x8b);
  fclose(f);
  ap_dataset *ds = ap_dataset_open(img, lab, err, sizeof err);
  ck_assert_msg(ds != NULL, "%s", err);
  check_contents(ds, 3, 2, 2);
  ck_assert_int_eq(ap_dataset_label(ds, 2), 2);
  ap_dataset_free(ds);
}
END_TEST

/* Large enough (2.4 MB) that the buffer grows while reading. */
START_TEST(reads_a_large_file) {
  char err[512] = "";
  const char *img = write_images("big.gz", 3000, 3000, 28, 28, 0, GZIP);
  ap_dataset *ds = ap_dataset_open(img, NULL, err, sizeof err);
  ck_assert_msg(ds != NULL, "%s", err);
  check_contents(ds, 3000, 28, 28);
  ap_dataset_free(ds);
}
END_TEST

START_TEST(empty_set) {
  char err[512] = "";
  const char *img = write_images("none", 0, 0, 28, 28, 0, PLAIN);
  const char *lab = write_labels("none-labels", 0, PLAIN);
  ap_dataset *ds = ap_dataset_open(img, lab, err, sizeof err);
  ck_assert_msg(ds != NULL, "%s", err);
  ck_assert_uint_eq(ap_dataset_count(ds), 0);
  ap_dataset_free(ds);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

/* Opening must fail with exactly `want` (with "DIR" standing for the
 * temp folder). */
static void expect_error(const char *img, const char *lab,
                         const char *want_fmt) {
  char err[1024] = "", want[1024];
  /* want_fmt has one %s per mention of the folder, at most three. */
  ap_fmt(want, sizeof want, want_fmt, tmpdir, tmpdir, tmpdir);
  ap_dataset *ds = ap_dataset_open(img, lab, err, sizeof err);
  ck_assert_ptr_null(ds);
  ck_assert_str_eq(err, want);
}

START_TEST(missing_files) {
  expect_error(path_of("absent.gz"), NULL,
               "cannot open '%s/absent.gz': No such file or directory");
  const char *img = write_images("img", 1, 1, 2, 2, 0, PLAIN);
  expect_error(img, path_of("absent-labels"),
               "cannot open '%s/absent-labels': No such file or directory");
  expect_error(tmpdir, NULL, "cannot open '%s': Is a directory");
}
END_TEST

START_TEST(bad_magic) {
  const char *lab = write_labels("labels.gz", 4, GZIP);
  expect_error(lab, NULL,
               "%s/labels.gz: not an IDX image file (magic 0x00000801, "
               "which marks a label file; expected 0x00000803)");
  const char *img = write_images("images", 4, 4, 2, 2, 0, PLAIN);
  expect_error(img, img,
               "%s/images: not an IDX label file (magic 0x00000803, which "
               "marks an image file; expected 0x00000801)");
  const uint8_t text[] = "hello, world\n";
  const char *txt = write_bytes("notes.txt", text, sizeof text - 1, PLAIN);
  expect_error(txt, NULL,
               "%s/notes.txt: not an IDX image file (magic 0x68656c6c; "
               "expected 0x00000803)");
}
END_TEST

START_TEST(truncated_header) {
  const uint8_t head[] = {0, 0, 8, 3, 0, 0, 0, 1, 0, 0};
  const char *img = write_bytes("short.gz", head, sizeof head, GZIP);
  expect_error(img, NULL,
               "%s/short.gz: truncated: the file holds 10 bytes, less than "
               "the 16-byte header of an IDX image file");
  const char *empty = write_bytes("empty", head, 0, PLAIN);
  expect_error(empty, NULL,
               "%s/empty: truncated: the file holds 0 bytes, less than the "
               "16-byte header of an IDX image file");
  const char *good = write_images("good", 1, 1, 2, 2, 0, PLAIN);
  const uint8_t lhead[] = {0, 0, 8, 1, 0, 0};
  const char *lab = write_bytes("short-labels", lhead, sizeof lhead, PLAIN);
  expect_error(good, lab,
               "%s/short-labels: truncated: the file holds 6 bytes, less "
               "than the 8-byte header of an IDX label file");
}
END_TEST

/* _i: 0 plain, 1 gzip. */
START_TEST(truncated_pixels) {
  const char *img = write_images("cut", 60000, 1, 28, 28, 450, _i);
  expect_error(img, NULL,
               "%s/cut: truncated: header says 60000 images of 28x28, file "
               "holds 1234 bytes of pixels");
  const char *good = write_images("good", 7, 7, 2, 2, 0, PLAIN);
  uint8_t lb[8 + 3] = {0, 0, 8, 1, 0, 0, 0, 7, 1, 2, 3};
  const char *lab = write_bytes("cut-labels", lb, sizeof lb, _i);
  expect_error(good, lab,
               "%s/cut-labels: truncated: header says 7 labels, file holds "
               "3 bytes of labels");
}
END_TEST

START_TEST(data_beyond_header) {
  const char *img = write_images("long", 2, 2, 2, 2, 1, PLAIN);
  expect_error(img, NULL,
               "%s/long: more data than the header says (2 images of 2x2)");
}
END_TEST

/* A gzip stream cut short: every pixel is there, the trailer is not; and
 * one cut in the middle of the pixels. */
START_TEST(truncated_gzip) {
  const char *img = write_images("whole.gz", 50, 50, 28, 28, 0, GZIP);
  FILE *f = fopen(img, "rb");
  ck_assert_ptr_nonnull(f);
  static uint8_t buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  ck_assert_uint_gt(n, 100);
  /* The last 8 bytes are the CRC-32 and length of the gzip trailer. */
  const char *cut = write_bytes("no-trailer.gz", buf, n - 8, PLAIN);
  expect_error(cut, NULL,
               "%s/no-trailer.gz: truncated: the gzip stream ends before its "
               "checksum");
  const char *half = write_bytes("half.gz", buf, n / 2, PLAIN);
  char err[512];
  ck_assert_ptr_null(ap_dataset_open(half, NULL, err, sizeof err));
  char want[PATH_MAX + 64];
  ap_fmt(want, sizeof want,
         "%s/half.gz: truncated: header says 50 images of 28x28, file holds ",
         tmpdir);
  ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got: %s", err);
  /* A damaged byte in the compressed data. */
  buf[n - 8] ^= 0xff; /* the CRC */
  const char *bad = write_bytes("bad-crc.gz", buf, n, PLAIN);
  expect_error(bad, NULL,
               "%s/bad-crc.gz: corrupt gzip data (incorrect data check)");
}
END_TEST

START_TEST(count_mismatch) {
  const char *img = write_images("img", 5, 5, 2, 2, 0, PLAIN);
  const char *lab = write_labels("lab.gz", 4, GZIP);
  expect_error(img, lab,
               "%s/lab.gz holds 4 labels but %s/img holds 5 images");
}
END_TEST

START_TEST(impossible_sizes) {
  const char *zero = write_images("zero", 3, 0, 0, 28, 0, PLAIN);
  expect_error(zero, NULL,
               "%s/zero: header says 3 images of 0x28: images need at least "
               "one pixel");
  /* A header no memory could hold fails before anything is allocated
   * (size_t of 64 bits: 2^32-1 cubed overflows it). */
  uint8_t head[16];
  put32(head, 0x00000803);
  put32(head + 4, 0xffffffffu);
  put32(head + 8, 0xffffffffu);
  put32(head + 12, 0xffffffffu);
  const char *huge = write_bytes("huge", head, sizeof head, PLAIN);
  expect_error(huge, NULL,
               "%s/huge: header says 4294967295 images of "
               "4294967295x4294967295, more than memory can hold");
  /* Large but representable: truncated, not out of memory. */
  if (sizeof(size_t) < 8) return;
  put32(head + 4, 100000000u);
  put32(head + 8, 1000u);
  put32(head + 12, 1000u);
  const char *big = write_bytes("big", head, sizeof head, PLAIN);
  expect_error(big, NULL,
               "%s/big: truncated: header says 100000000 images of "
               "1000x1000, file holds 0 bytes of pixels");
}
END_TEST

static Suite *make_dataset_suite(void) {
  Suite *s = suite_create("dataset");
  TCase *tc = tcase_create("read");
  tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
  tcase_add_loop_test(tc, reads_images_and_labels, PLAIN, GZIP + 1);
  tcase_add_test(tc, labels_are_optional);
  tcase_add_test(tc, gzip_by_magic_not_name);
  tcase_add_test(tc, reads_a_large_file);
  tcase_add_test(tc, empty_set);
  suite_add_tcase(s, tc);
  tc = tcase_create("errors");
  tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
  tcase_add_test(tc, missing_files);
  tcase_add_test(tc, bad_magic);
  tcase_add_test(tc, truncated_header);
  tcase_add_loop_test(tc, truncated_pixels, PLAIN, GZIP + 1);
  tcase_add_test(tc, data_beyond_header);
  tcase_add_test(tc, truncated_gzip);
  tcase_add_test(tc, count_mismatch);
  tcase_add_test(tc, impossible_sizes);
  suite_add_tcase(s, tc);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_dataset_suite)
