/* check_ringbuf.c -- the cpu backend's spike input ring buffers. */
#include <check.h>

#include "../plugins/backends/cpu/ringbuf.h"

START_TEST(delivery_lands_at_its_step) {
  ap_ring r;
  ck_assert_int_eq(ap_ring_init(&r, 3, 5), 0); /* max delay 4 */
  /* During step 10, deliver with delays 1..4 to neuron 2. */
  for (int d = 1; d <= 4; d++) ap_ring_add(&r, 10 + d, 2, (double)d);
  ap_ring_add(&r, 10 + 1, 2, 0.5); /* sums */
  for (int64_t s = 11; s <= 14; s++) {
    const double *slot = ap_ring_slot(&r, s);
    double want = (double)(s - 10) + (s == 11 ? 0.5 : 0.0);
    ck_assert_double_eq(slot[2], want);
    ck_assert_double_eq(slot[0], 0.0);
    ck_assert_double_eq(slot[1], 0.0);
    ap_ring_clear(&r, s);
    ck_assert_double_eq(ap_ring_slot(&r, s)[2], 0.0);
  }
  /* Wrapped around: step 15 reuses the slot of step 10, still empty. */
  ck_assert_double_eq(ap_ring_slot(&r, 15)[2], 0.0);
  ck_assert_ptr_eq(ap_ring_slot(&r, 15), ap_ring_slot(&r, 10));
  ap_ring_free(&r);
}
END_TEST

START_TEST(max_delay_never_hits_current_slot) {
  ap_ring r;
  ck_assert_int_eq(ap_ring_init(&r, 1, 8), 0);
  for (int64_t s = 0; s < 100; s++)
    for (int d = 1; d <= 7; d++)
      ck_assert_ptr_ne(ap_ring_slot(&r, s + d), ap_ring_slot(&r, s));
  ap_ring_free(&r);
}
END_TEST

static Suite *make_ringbuf_suite(void) {
  Suite *s = suite_create("ringbuf");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, delivery_lands_at_its_step);
  tcase_add_test(tc, max_delay_never_hits_current_slot);
  suite_add_tcase(s, tc);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_ringbuf_suite)
