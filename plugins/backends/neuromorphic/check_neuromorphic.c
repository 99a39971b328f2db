/* check_neuromorphic.c -- the integer rules of the emulated chips
 * (plugins/backends/neuromorphic/fixed.h, the decay constants of
 * lowering.c) on hand-computed cases, and the shipped chip profiles as
 * the loader reads them (chip.c).
 *
 * Every expected value below is worked out by hand in the comment beside
 * it from the rules the chips publish (Loihi: Davies et al. 2018 and
 * Lava's bit-accurate models; SpiNNaker: sPyNNaker's u0.32 decays). */
#define _GNU_SOURCE /* chip.c, included below, uses dladdr */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "chip.c"
#include "lowering.c"

/* Loihi's current: u (4096 - (du + 1)) >> 12, toward zero. */
START_TEST(loihi_current_decay) {
  /* du = 100: 1000 * 3995 = 3,995,000; / 4096 = 975.34 -> 975 */
  ck_assert_int_eq(nm_decay(1000, 4096 - 101, 12, NM_ROUND_ZERO), 975);
  /* toward zero for negatives: -975, where a floor would give -976 */
  ck_assert_int_eq(nm_decay(-1000, 4096 - 101, 12, NM_ROUND_ZERO), -975);
  /* du = 4095 empties the current in one tick (the offset of one) */
  ck_assert_int_eq(nm_decay(8000000, 4096 - 4096, 12, NM_ROUND_ZERO), 0);
  /* a three-tick trajectory, input 100 << 6 = 6400 at tick 1 only, du =
   * 410 (keep 3685), dv = 205 (keep 3891), no bias:
   *   u1 = 6400                 v1 = 0 + 6400 = 6400
   *   u2 = 6400*3685>>12 = 5757 v2 = 6400*3891>>12 + 5757
   *                                = 6079 + 5757 = 11836
   *   u3 = 5757*3685>>12 = 5179 v3 = 11836*3891>>12 + 5179
   *                                = 11243 + 5179 = 16422 */
  int64_t u = 0, v = 0;
  for (int t = 1; t <= 3; t++) {
    u = nm_fit(nm_decay(u, 3685, 12, NM_ROUND_ZERO) + (t == 1 ? 100 << 6 : 0),
               24, NM_OVF_WRAP);
    v = nm_fit(nm_decay(v, 3891, 12, NM_ROUND_ZERO) + u, 24, NM_OVF_CLIP);
  }
  ck_assert_int_eq(u, 5179);
  ck_assert_int_eq(v, 16422);
}
END_TEST

/* Loihi's 24-bit current wraps: above 2^23 down by 2^24, at or below
 * -2^23 up by 2^24; the voltage clips at +-(2^23 - 1). */
START_TEST(loihi_wrap_and_clip) {
  ck_assert_int_eq(nm_fit(8388608, 24, NM_OVF_WRAP), 8388608);   /* 2^23 */
  ck_assert_int_eq(nm_fit(8388609, 24, NM_OVF_WRAP), -8388607);
  ck_assert_int_eq(nm_fit(-8388608, 24, NM_OVF_WRAP), 8388608);
  ck_assert_int_eq(nm_fit(-8388607, 24, NM_OVF_WRAP), -8388607);
  ck_assert_int_eq(nm_fit(16777216 + 5, 24, NM_OVF_WRAP), 5);
  ck_assert_int_eq(nm_fit(3 * 16777216 - 7, 24, NM_OVF_WRAP), -7);
  ck_assert_int_eq(nm_fit(8388608, 24, NM_OVF_CLIP), 8388607);
  ck_assert_int_eq(nm_fit(-16777216, 24, NM_OVF_CLIP), -8388607);
  ck_assert_int_eq(nm_fit(1234, 24, NM_OVF_CLIP), 1234);
  /* TrueNorth's 20-bit V */
  ck_assert_int_eq(nm_fit(600000, 20, NM_OVF_CLIP), 524287);
}
END_TEST

/* SpiNNaker's decay: (x * d) >> 32 with d a u0.32 fraction, an
 * arithmetic shift, so negatives round down. */
START_TEST(spinnaker_floor_decay) {
  const int64_t half = (int64_t)1 << 31; /* 0.5 */
  ck_assert_int_eq(nm_decay(1001, half, 32, NM_ROUND_FLOOR), 500);
  ck_assert_int_eq(nm_decay(-1001, half, 32, NM_ROUND_FLOOR), -501);
  ck_assert_int_eq(nm_decay(-1001, half, 32, NM_ROUND_ZERO), -500);
  /* exp(-1/20) of 1 mV in s16.15: 32768 * 0.951229... = 31169.88 -> 31169 */
  const int64_t d = (int64_t)floor(exp(-1.0 / 20.0) * 4294967296.0 + 0.5);
  ck_assert_int_eq(nm_decay(32768, d, 32, NM_ROUND_FLOOR), 31169);
}
END_TEST

/* Decay constants from a fraction kept per tick: Loihi's current has
 * the offset of one (keep = 4096 - du - 1), its voltage none. */
START_TEST(decay_constants) {
  nm_chip c;
  memset(&c, 0, sizeof c);
  c.decay_bits = 12;
  /* keep 15/16: dv = 4096/16 = 256, keep 3840 */
  ck_assert_int_eq(keep_of(&c, 15.0 / 16.0, 0), 3840);
  /* the current: du = 256 - 1 = 255, keep 4096 - 255 - 1 = 3840 too */
  ck_assert_int_eq(keep_of(&c, 15.0 / 16.0, 1), 3840);
  /* exp(-1/4) = 0.7788: 4096 * 0.2212 = 906.0 -> du = 905, keep 3190 */
  ck_assert_int_eq(keep_of(&c, exp(-0.25), 1), 3190);
  /* nothing kept: du = 4095 (the largest), keep 0 */
  ck_assert_int_eq(keep_of(&c, 0.0, 1), 0);
  /* all kept: the voltage can (dv = 0), the current keeps 4095/4096 */
  ck_assert_int_eq(keep_of(&c, 1.0, 0), 4096);
  ck_assert_int_eq(keep_of(&c, 1.0, 1), 4095);
}
END_TEST

/* The shipped profiles, read from the source tree: the figures of the
 * papers they cite.  A missing profile fails here (no silent pass). */
START_TEST(shipped_profiles) {
  nm_chip c;
  char err[1024];
  int rc = nm_chip_load(&c, AP_SRC_DIR
                        "/plugins/backends/neuromorphic/chips/loihi.cfg",
                        NULL, err, sizeof err);
  ck_assert_msg(rc == 0, "loihi.cfg: %s", err);
  ck_assert_str_eq(c.name, "loihi");
  ck_assert_int_eq(c.cores_per_chip, 128);
  ck_assert_int_eq(c.compartments_per_core, 1024);
  ck_assert_int_eq(c.u_bits, 24);
  ck_assert_int_eq(c.u_overflow, NM_OVF_WRAP);
  ck_assert_int_eq(c.v_overflow, NM_OVF_CLIP);
  ck_assert_int_eq(c.threshold_shift, 6);
  ck_assert_int_eq(c.current_offset, 1);
  ck_assert_int_eq(c.learning, NM_LEARN_TRACES);
  ck_assert_double_eq_tol(c.e_synop, 23.6e-12, 1e-20);
  ck_assert_double_eq_tol(c.e_active, 81e-12, 1e-20);
  ck_assert_double_eq_tol(c.e_inactive, 52e-12, 1e-20);
  ck_assert_double_eq_tol(c.e_learn, 120e-12, 1e-20);
  ck_assert_double_eq_tol(c.e_spike, 1.7e-12, 1e-20);
  rc = nm_chip_load(&c, "truenorth", AP_SRC_DIR
                    "/plugins/backends/neuromorphic/chips", err, sizeof err);
  ck_assert_msg(rc == 0, "truenorth: %s", err);
  ck_assert_int_eq(c.cores_per_chip, 4096);
  ck_assert_int_eq(c.fanin_per_core, 256);
  ck_assert_int_eq(c.weight_types, 4);
  ck_assert_int_eq(c.learning, NM_LEARN_NONE);
  ck_assert_double_eq_tol(c.tick_ms, 1.0, 1e-12);
  ck_assert_double_eq_tol(c.e_synop, 26e-12, 1e-20);
  rc = nm_chip_load(&c, "spinnaker", AP_SRC_DIR
                    "/plugins/backends/neuromorphic/chips", err, sizeof err);
  ck_assert_msg(rc == 0, "spinnaker: %s", err);
  ck_assert_double_eq_tol(c.e_synop, 13.3e-9, 1e-17);
  ck_assert_double_eq_tol(c.e_active, 26e-9, 1e-17);
  ck_assert_int_eq(c.decay_round, NM_ROUND_FLOOR);
  ck_assert_int_eq(c.learning, NM_LEARN_SOFTWARE);
}
END_TEST

static Suite *make_neuromorphic_suite(void) {
  Suite *s = suite_create("neuromorphic");
  TCase *tc = tcase_create("fixed");
  tcase_add_test(tc, loihi_current_decay);
  tcase_add_test(tc, loihi_wrap_and_clip);
  tcase_add_test(tc, spinnaker_floor_decay);
  tcase_add_test(tc, decay_constants);
  tcase_add_test(tc, shipped_profiles);
  suite_add_tcase(s, tc);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_neuromorphic_suite)
