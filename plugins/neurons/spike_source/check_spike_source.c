/* check_spike_source.c -- spike_source emits exactly the listed times and
 * refuses lists that are off the grid, unsorted or not after 0. */
#include "spike_source.c"

#include "plugin/loader.h"
#include "neuron_harness.h"

typedef struct want {
  int64_t step;
  uint32_t idx, mult;
} want;

/* Four neurons: two plain lists (one with a repeated time), an empty one,
 * and one whose first time is 0.1 + 0.2 (not exactly 0.3). */
static nh *open_four(double dt) {
  static const double t0[] = {0.1, 0.5, 0.5, 1.0};
  static const double t1[] = {0.3, 2.0};
  static const double t3[] = {0.1 + 0.2, 0.7};
  nh *h = nh_open("spike_source", 4, dt);
  nh_set_list(h, "spike_times", 0, t0, 4);
  nh_set_list(h, "spike_times", 1, t1, 2);
  nh_set_list(h, "spike_times", 3, t3, 2);
  h->keep_log = 1;
  return h;
}

static void check_log(const nh *h, const want *w, size_t n, int64_t scale) {
  ck_assert_uint_eq(h->n_log, n);
  for (size_t k = 0; k < n; k++) {
    int64_t step = (w[k].step + 1) * scale - 1;
    ck_assert_msg(h->log[k].step == step && h->log[k].idx == w[k].idx &&
                      h->log[k].mult == w[k].mult,
                  "spike %zu: got neuron %u x%u at step %lld, expected neuron "
                  "%u x%u at step %lld",
                  k, h->log[k].idx, h->log[k].mult, (long long)h->log[k].step,
                  w[k].idx, w[k].mult, (long long)step);
  }
}

/* Expected at dt = 0.1: the step that ends at each time. */
static const want expect[] = {
    {0, 0, 1}, {2, 1, 1}, {2, 3, 1}, {4, 0, 2},
    {6, 3, 1}, {9, 0, 1}, {19, 1, 1},
};

START_TEST(test_emits_listed_times) {
  nh *h = open_four(0.1);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (int s = 0; s < 40; s++) nh_step(h);
  check_log(h, expect, sizeof expect / sizeof expect[0], 1);
  nh_close(h);
}
END_TEST

START_TEST(test_finer_dt) {
  nh *h = open_four(0.01);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (int s = 0; s < 400; s++) nh_step(h);
  check_log(h, expect, sizeof expect / sizeof expect[0], 10);
  nh_close(h);
}
END_TEST

START_TEST(test_blocks) {
  nh *h = open_four(0.1);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  const size_t sizes[] = {1, 2, 0, 1};
  for (int s = 0; s < 40; s++)
    ck_assert_int_eq(nh_step_blocks(h, sizes, 4), AP_OK);
  check_log(h, expect, sizeof expect / sizeof expect[0], 1);
  nh_close(h);
}
END_TEST

/* No bookkeeping: any step can be run (again), e.g. after a restore, and
 * late times far from the start are found. */
START_TEST(test_any_step) {
  static const double late[] = {0.5, 123456.7, 123456.7, 123456.7};
  nh *h = nh_open("spike_source", 2, 0.1);
  nh_set_list(h, "spike_times", 1, late, 4);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  h->step = 4;
  nh_step(h);
  ck_assert_uint_eq(h->n_spiked, 1);
  ck_assert_uint_eq(h->spiked[0], 1);
  ck_assert_uint_eq(h->mult[0], 1);
  h->step = 1234565;
  nh_step(h);
  ck_assert_uint_eq(h->n_spiked, 0);
  nh_step(h); /* step 1234566 ends at 123456.7 ms */
  ck_assert_uint_eq(h->n_spiked, 1);
  ck_assert_uint_eq(h->mult[0], 3);
  nh_step(h);
  ck_assert_uint_eq(h->n_spiked, 0);
  h->step = 4;
  nh_step(h);
  ck_assert_uint_eq(h->n_spiked, 1);
  nh_close(h);
}
END_TEST

static void refused(const double *t, size_t n, size_t who, double dt,
                    const char *msg) {
  nh *h = nh_open("spike_source", 3, dt);
  nh_set_list(h, "spike_times", who, t, n);
  ck_assert_int_eq(nh_prepare(h), AP_EINVAL);
  ck_assert_str_eq(h->err, msg);
  nh_close(h);
}

START_TEST(test_refusals) {
  const double off[] = {0.2, 0.25};
  refused(off, 2, 1, 0.1,
          "spike_times of neuron 2: 0.25 ms is not a multiple of dt = 0.1 ms");
  const double off2[] = {1.00001};
  refused(off2, 1, 2, 0.1,
          "spike_times of neuron 3: 1.00001 ms is not a multiple of dt = "
          "0.1 ms");
  const double unsorted[] = {0.5, 0.3};
  refused(unsorted, 2, 0, 0.1,
          "spike_times of neuron 1: 0.3 ms comes after 0.5 ms; times must be "
          "in ascending order");
  const double zero[] = {0.0, 1.0};
  refused(zero, 2, 2, 0.1,
          "spike_times of neuron 3: 0 ms is not after 0 ms; the earliest "
          "time is dt = 0.1 ms");
  const double neg[] = {-0.5};
  refused(neg, 1, 0, 0.25,
          "spike_times of neuron 1: -0.5 ms is not after 0 ms; the earliest "
          "time is dt = 0.25 ms");
  /* Within 1e-9 dt of the grid is on it. */
  const double near[] = {0.3 + 1e-12, 0.4 - 1e-12};
  nh *h = nh_open("spike_source", 1, 0.1);
  nh_set_list(h, "spike_times", 0, near, 2);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  nh_close(h);
}
END_TEST

START_TEST(test_empty_population) {
  nh *h = nh_open("spike_source", 0, 0.1);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  nh_step(h);
  ck_assert_uint_eq(h->n_spiked, 0);
  nh_close(h);
}
END_TEST

START_TEST(test_doc_and_descriptor) {
  nh_check_doc("spike_source");
  char err[512] = "";
  ck_assert_msg(ap_plugin_validate(ap_plugin_entry(), err, sizeof err) == AP_OK,
                "%s", err);
}
END_TEST

static Suite *make_spike_source_suite(void) {
  Suite *s = suite_create("spike_source");
  TCase *tc = tcase_create("spike_source");
  tcase_add_test(tc, test_emits_listed_times);
  tcase_add_test(tc, test_finer_dt);
  tcase_add_test(tc, test_blocks);
  tcase_add_test(tc, test_any_step);
  tcase_add_test(tc, test_refusals);
  tcase_add_test(tc, test_empty_population);
  tcase_add_test(tc, test_doc_and_descriptor);
  suite_add_tcase(s, tc);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_spike_source_suite)
