/* check_poisson.c -- statistics and identity keying of the poisson
 * plugin.
 *
 * Tolerances: total counts within 4 standard errors of rate*T; the Fano
 * factor of per-neuron counts within 5 standard errors of 1, where the
 * standard error of a Poisson sample variance over N neurons of mean m is
 * sqrt((m + 2 m^2)/N), i.e. sqrt((2 + 1/m)/N) on the Fano factor. */
#include "poisson.c"

#include <math.h>

#include "plugin/loader.h"
#include "neuron_harness.h"

/* Spike counts per neuron over `steps` steps (multiplicities included). */
static void count(nh *h, long steps, double *counts) {
  for (size_t i = 0; i < h->n; i++) counts[i] = 0.0;
  for (long s = 0; s < steps; s++) {
    nh_step(h);
    for (size_t k = 0; k < h->n_spiked; k++)
      counts[h->spiked[k]] += h->mult[k];
  }
}

START_TEST(test_mean_and_fano) {
  enum { N = 2000 };
  const long steps = 1000;
  const double dt = 0.1, rate = 100.0;
  nh *h = nh_open("poisson", N, dt);
  nh_set(h, "rate", rate);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  static double c[N];
  count(h, steps, c);
  const double m = rate * steps * dt * 1e-3; /* per neuron: 10 */
  double sum = 0.0, sq = 0.0;
  for (size_t i = 0; i < N; i++) sum += c[i];
  double mean = sum / N;
  for (size_t i = 0; i < N; i++) sq += (c[i] - mean) * (c[i] - mean);
  double var = sq / (N - 1);
  double se_total = sqrt(m * N);
  ck_assert_msg(fabs(sum - m * N) < 4.0 * se_total,
                "total %g spikes, expected %g +- %g", sum, m * N, se_total);
  double fano = var / mean, se_fano = sqrt((2.0 + 1.0 / m) / N);
  ck_assert_msg(fabs(fano - 1.0) < 5.0 * se_fano,
                "Fano factor %g, expected 1 +- %g", fano, 5.0 * se_fano);
  nh_close(h);
}
END_TEST

/* A silent neuron stays silent among firing ones. */
START_TEST(test_zero_rate) {
  nh *h = nh_open("poisson", 3, 0.1);
  nh_par(h, "rate")[0] = 5000.0;
  nh_par(h, "rate")[2] = 5000.0;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  double c[3];
  count(h, 2000, c);
  ck_assert_double_eq(c[1], 0.0);
  ck_assert_double_gt(c[0], 0.0);
  ck_assert_double_gt(c[2], 0.0);
  nh_close(h);
}
END_TEST

static int same_log(const nh *a, const nh *b) {
  if (a->n_log != b->n_log) return 0;
  for (size_t k = 0; k < a->n_log; k++)
    if (a->log[k].step != b->log[k].step || a->log[k].idx != b->log[k].idx ||
        a->log[k].mult != b->log[k].mult)
      return 0;
  return 1;
}

/* The same seed and stream give the same trains whether the population is
 * updated as one block or as blocks of other sizes, and re-running a step
 * gives its spikes again. */
START_TEST(test_blocks_identical) {
  enum { N = 37 };
  const long steps = 300;
  nh *a = nh_open("poisson", N, 0.1), *b = nh_open("poisson", N, 0.1);
  for (size_t i = 0; i < N; i++)
    nh_par(a, "rate")[i] = nh_par(b, "rate")[i] = i % 2 ? 20000.0 : 300.0;
  a->keep_log = b->keep_log = 1;
  ck_assert_int_eq(nh_prepare(a), AP_OK);
  ck_assert_int_eq(nh_prepare(b), AP_OK);
  const size_t sizes[] = {5, 1, 13, 0, 18};
  for (long s = 0; s < steps; s++) {
    nh_step(a);
    NH_CHECK(nh_step_blocks(b, sizes, 5) == AP_OK, "update failed");
  }
  ck_assert_uint_gt(a->n_log, 1000);
  ck_assert_msg(same_log(a, b), "spikes depend on the block layout");
  /* Step 17 again, as one block. */
  size_t first = 0;
  while (a->log[first].step < 17) first++;
  a->step = 17;
  nh_step(a);
  for (size_t k = 0; k < a->n_spiked; k++) {
    ck_assert_int_eq(a->log[first + k].step, 17);
    ck_assert_uint_eq(a->log[first + k].idx, a->spiked[k]);
    ck_assert_uint_eq(a->log[first + k].mult, a->mult[k]);
  }
  nh_close(a);
  nh_close(b);
}
END_TEST

/* Silent neurons (rate 0) draw nothing, and the others draw as they
 * would in a population where every neuron is live: the trains of the
 * live neurons equal those of a population whose silent neurons get a
 * rate too small to fire, under any block layout. */
START_TEST(test_silent_skipped) {
  enum { N = 41 };
  const long steps = 400;
  nh *a = nh_open("poisson", N, 0.1), *b = nh_open("poisson", N, 0.1);
  for (size_t i = 0; i < N; i++) {
    const int silent = i % 3 == 1 || i == 0 || i == N - 1;
    nh_par(a, "rate")[i] = silent ? 0.0 : 50.0 + 100.0 * (double)i;
    nh_par(b, "rate")[i] = silent ? 1e-30 : 50.0 + 100.0 * (double)i;
  }
  a->keep_log = b->keep_log = 1;
  ck_assert_int_eq(nh_prepare(a), AP_OK);
  ck_assert_int_eq(nh_prepare(b), AP_OK);
  const size_t sizes[] = {2, 9, 0, 17, 13};
  for (long s = 0; s < steps; s++) {
    NH_CHECK(nh_step_blocks(a, sizes, 5) == AP_OK, "update failed");
    nh_step(b);
  }
  ck_assert_uint_gt(a->n_log, 500);
  ck_assert_msg(same_log(a, b), "the live neurons' trains depend on the "
                "silent ones");
  for (size_t k = 0; k < a->n_log; k++)
    ck_assert_msg(nh_par(a, "rate")[a->log[k].idx] > 0.0,
                  "silent neuron %u spiked", a->log[k].idx);
  nh_close(a);
  nh_close(b);
}
END_TEST

/* Different neurons, seeds and streams give different trains. */
START_TEST(test_trains_differ) {
  enum { N = 20, STEPS = 1000 };
  static unsigned char train[3][N][STEPS];
  for (int run = 0; run < 3; run++) {
    nh *h = nh_open("poisson", N, 0.1);
    nh_set(h, "rate", 1000.0); /* 0.1 per step */
    if (run == 1) h->seed += 1;
    if (run == 2) h->stream += 1;
    ck_assert_int_eq(nh_prepare(h), AP_OK);
    for (int s = 0; s < STEPS; s++) {
      nh_step(h);
      for (size_t k = 0; k < h->n_spiked; k++)
        train[run][h->spiked[k]][s] = (unsigned char)h->mult[k];
    }
    nh_close(h);
  }
  for (size_t i = 0; i < N; i++) {
    for (size_t j = 0; j < i; j++)
      ck_assert_msg(memcmp(train[0][i], train[0][j], STEPS) != 0,
                    "neurons %zu and %zu have the same train", i, j);
    ck_assert_msg(memcmp(train[0][i], train[1][i], STEPS) != 0,
                  "neuron %zu: another seed gave the same train", i);
    ck_assert_msg(memcmp(train[0][i], train[2][i], STEPS) != 0,
                  "neuron %zu: another stream gave the same train", i);
  }
}
END_TEST

/* With rate*dt = 2 most spiking steps carry a multiplicity above one;
 * counts, multiplicities and empty steps follow Poisson(2). */
START_TEST(test_multiplicity) {
  enum { N = 100 };
  const long steps = 200;
  nh *h = nh_open("poisson", N, 0.1);
  nh_set(h, "rate", 20000.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  double total = 0.0;
  long empty = 0, multi = 0;
  uint32_t max_mult = 0;
  for (long s = 0; s < steps; s++) {
    nh_step(h);
    empty += (long)(N - h->n_spiked);
    for (size_t k = 0; k < h->n_spiked; k++) {
      total += h->mult[k];
      if (h->mult[k] > 1) multi++;
      if (h->mult[k] > max_mult) max_mult = h->mult[k];
    }
  }
  const double draws = (double)N * steps, mean = 2.0 * draws;
  ck_assert_msg(fabs(total - mean) < 4.0 * sqrt(mean), "total %g, expected %g",
                total, mean);
  /* P(k = 0) = e^-2, P(k > 1) = 1 - 3 e^-2; binomial standard errors. */
  double p0 = exp(-2.0), p2 = 1.0 - 3.0 * exp(-2.0);
  ck_assert_msg(fabs(empty - p0 * draws) < 4.0 * sqrt(draws * p0 * (1 - p0)),
                "%ld empty draws, expected %g", empty, p0 * draws);
  ck_assert_msg(fabs(multi - p2 * draws) < 4.0 * sqrt(draws * p2 * (1 - p2)),
                "%ld draws above one, expected %g", multi, p2 * draws);
  ck_assert_uint_ge(max_mult, 5);
  nh_close(h);
}
END_TEST

START_TEST(test_doc_and_descriptor) {
  nh_check_doc("poisson");
  char err[512] = "";
  ck_assert_msg(ap_plugin_validate(ap_plugin_entry(), err, sizeof err) == AP_OK,
                "%s", err);
}
END_TEST

/* A population with one rate (table look-up, counts of 8 and more by the
 * recurrence) gives the same trains as the general per-neuron inversion:
 * the same neurons with one rate differing elsewhere in the population. */
START_TEST(test_uniform_path_is_general_path) {
  enum { N = 41 };
  nh *a = nh_open("poisson", N, 0.1), *b = nh_open("poisson", N + 1, 0.1);
  for (size_t i = 0; i < N; i++)
    nh_par(a, "rate")[i] = nh_par(b, "rate")[i] = 60000.0; /* mean 6 */
  nh_par(b, "rate")[N] = 10.0; /* b is not uniform */
  a->keep_log = b->keep_log = 1;
  ck_assert_int_eq(nh_prepare(a), AP_OK);
  ck_assert_int_eq(nh_prepare(b), AP_OK);
  size_t big = 0;
  for (long s = 0; s < 200; s++) {
    nh_step(a);
    nh_step(b);
  }
  /* b's log without its last neuron equals a's */
  size_t kb = 0;
  for (size_t ka = 0; ka < a->n_log; ka++) {
    while (kb < b->n_log && b->log[kb].idx == N) kb++;
    ck_assert_uint_lt(kb, b->n_log);
    ck_assert_int_eq(a->log[ka].step, b->log[kb].step);
    ck_assert_uint_eq(a->log[ka].idx, b->log[kb].idx);
    ck_assert_uint_eq(a->log[ka].mult, b->log[kb].mult);
    big += a->log[ka].mult >= 8;
    kb++;
  }
  ck_assert_uint_gt(big, 100); /* the counts of 8 and more were exercised */
  nh_close(a);
  nh_close(b);
}
END_TEST

/* The inline Philox of the update draws exactly the host's stream. */
START_TEST(test_inline_philox_is_the_hosts) {
  const ap_host *host = ap_host_services();
  const uint64_t seeds[] = {0, 1, 12345, 0xfedcba9876543210ull};
  const uint64_t ids[] = {0, 7, 4000000000ull, 0x0000ffff12345678ull};
  const uint64_t subs[] = {0, 1, 99999, 0x00001234abcdef01ull};
  for (int a = 0; a < 4; a++)
    for (int b = 0; b < 4; b++)
      for (int c = 0; c < 4; c++) {
        ap_rng r;
        host->rng_init(&r, seeds[a], 0x10000003u, ids[b], subs[c]);
        ck_assert_uint_eq(philox_first(seeds[a], 0x10000003u, ids[b], subs[c]),
                          host->rng_u32(&r));
        /* the whole block: the host's first four words */
        uint32_t blk[4];
        philox_block(seeds[a], 0x10000003u, ids[b], subs[c], blk);
        ap_rng r4;
        host->rng_init(&r4, seeds[a], 0x10000003u, ids[b], subs[c]);
        for (int k = 0; k < 4; k++) ck_assert_uint_eq(blk[k], host->rng_u32(&r4));
      }
}
END_TEST

static Suite *make_poisson_suite(void) {
  Suite *s = suite_create("poisson");
  TCase *tc = tcase_create("poisson");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, test_mean_and_fano);
  tcase_add_test(tc, test_zero_rate);
  tcase_add_test(tc, test_silent_skipped);
  tcase_add_test(tc, test_blocks_identical);
  tcase_add_test(tc, test_trains_differ);
  tcase_add_test(tc, test_multiplicity);
  tcase_add_test(tc, test_doc_and_descriptor);
  tcase_add_test(tc, test_inline_philox_is_the_hosts);
  tcase_add_test(tc, test_uniform_path_is_general_path);
  suite_add_tcase(s, tc);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_poisson_suite)
