/* check_connect.c -- connection rules: exact counts where the rule fixes
 * them, binomial statistics where it draws them (tolerance: 5 standard
 * deviations), autapse and multapse options, and reproducibility. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "net/connect.h"

static ap_conn_spec spec(int rule) {
  ap_conn_spec c;
  memset(&c, 0, sizeof c);
  c.rule = rule;
  c.allow_autapses = c.allow_multapses = 1;
  return c;
}

static ap_conn_geom geom(size_t npre, size_t npost, int same) {
  ap_conn_geom g = {.n_pre = npre, .n_post = npost, .same_pop = same, .threads = 1};
  return g;
}

static ap_pairs gen_ok(const ap_conn_spec *c, const ap_conn_geom *g) {
  ap_pairs p = {0};
  char err[256] = "";
  int rc = ap_connect_generate(c, g, 1234, 99, &p, err, sizeof err);
  ck_assert_msg(rc == AP_OK, "generate failed: %s", err);
  return p;
}

static size_t autapses(const ap_pairs *p, const ap_conn_geom *g) {
  size_t n = 0;
  for (size_t i = 0; i < p->n; i++)
    n += g->same_pop && p->pre[i] + g->pre_first == p->post[i] + g->post_first;
  return n;
}

static size_t multapses(const ap_pairs *p, size_t npost) {
  size_t n = 0;
  uint64_t *keys = malloc((p->n + 1) * sizeof *keys);
  for (size_t i = 0; i < p->n; i++) keys[i] = (uint64_t)p->pre[i] * npost + p->post[i];
  for (size_t i = 1; i < p->n; i++)
    for (size_t j = i; j > 0 && keys[j - 1] > keys[j]; j--) {
      uint64_t t = keys[j];
      keys[j] = keys[j - 1];
      keys[j - 1] = t;
    }
  for (size_t i = 1; i < p->n; i++) n += keys[i] == keys[i - 1];
  free(keys);
  return n;
}

START_TEST(all_to_all) {
  ap_conn_spec c = spec(AP_CONN_ALL_TO_ALL);
  ap_conn_geom g = geom(30, 20, 0);
  ap_pairs p = gen_ok(&c, &g);
  ck_assert_uint_eq(p.n, 600);
  ap_pairs_free(&p);
  g = geom(30, 30, 1);
  c.allow_autapses = 0;
  p = gen_ok(&c, &g);
  ck_assert_uint_eq(p.n, 870);
  ck_assert_uint_eq(autapses(&p, &g), 0);
  ap_pairs_free(&p);
}
END_TEST

START_TEST(one_to_one) {
  ap_conn_spec c = spec(AP_CONN_ONE_TO_ONE);
  ap_conn_geom g = geom(50, 50, 0);
  ap_pairs p = gen_ok(&c, &g);
  ck_assert_uint_eq(p.n, 50);
  for (size_t i = 0; i < p.n; i++) ck_assert_uint_eq(p.pre[i], p.post[i]);
  ap_pairs_free(&p);
  g = geom(50, 40, 0);
  char err[256];
  ck_assert_int_eq(ap_connect_generate(&c, &g, 1, 1, &p, err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err,
                   "one_to_one needs populations of the same size, got 50 and 40");
  ap_pairs_free(&p);
}
END_TEST

START_TEST(fixed_probability_statistics) {
  ap_conn_spec c = spec(AP_CONN_FIXED_PROBABILITY);
  c.p = 0.1;
  ap_conn_geom g = geom(400, 300, 0);
  ap_pairs p = gen_ok(&c, &g);
  double n = 400.0 * 300.0, mean = n * c.p, sd = sqrt(n * c.p * (1 - c.p));
  ck_assert_double_eq_tol((double)p.n, mean, 5 * sd);
  /* indegrees ~ Binomial(400, 0.1): their variance too */
  size_t *deg = calloc(300, sizeof *deg);
  for (size_t i = 0; i < p.n; i++) deg[p.post[i]]++;
  double s = 0, s2 = 0;
  for (int j = 0; j < 300; j++) {
    s += (double)deg[j];
    s2 += (double)deg[j] * (double)deg[j];
  }
  double m = s / 300, v = s2 / 300 - m * m;
  ck_assert_double_eq_tol(v, 400 * 0.1 * 0.9, 0.25 * 36);
  free(deg);
  ck_assert_uint_eq(multapses(&p, 300), 0);
  ap_pairs_free(&p);
  /* p = 0 and p = 1 */
  c.p = 0;
  p = gen_ok(&c, &g);
  ck_assert_uint_eq(p.n, 0);
  ap_pairs_free(&p);
  c.p = 1;
  p = gen_ok(&c, &g);
  ck_assert_uint_eq(p.n, 120000);
  ap_pairs_free(&p);
  c.p = 1.5;
  char err[256];
  ck_assert_int_eq(ap_connect_generate(&c, &g, 1, 1, &p, err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err, "fixed_probability: p must be in [0, 1], got 1.5");
  ap_pairs_free(&p);
}
END_TEST

START_TEST(fixed_probability_no_autapses) {
  ap_conn_spec c = spec(AP_CONN_FIXED_PROBABILITY);
  c.p = 0.5;
  c.allow_autapses = 0;
  ap_conn_geom g = geom(200, 200, 1);
  ap_pairs p = gen_ok(&c, &g);
  ck_assert_uint_eq(autapses(&p, &g), 0);
  double n = 200.0 * 199.0;
  ck_assert_double_eq_tol((double)p.n, n * 0.5, 5 * sqrt(n * 0.25));
  ap_pairs_free(&p);
}
END_TEST

START_TEST(fixed_indegree_exact) {
  ap_conn_spec c = spec(AP_CONN_FIXED_INDEGREE);
  c.k = 25;
  c.allow_autapses = 0;
  c.allow_multapses = 0;
  ap_conn_geom g = geom(100, 100, 1);
  ap_pairs p = gen_ok(&c, &g);
  ck_assert_uint_eq(p.n, 2500);
  size_t deg[100] = {0};
  for (size_t i = 0; i < p.n; i++) deg[p.post[i]]++;
  for (int j = 0; j < 100; j++) ck_assert_uint_eq(deg[j], 25);
  ck_assert_uint_eq(autapses(&p, &g), 0);
  ck_assert_uint_eq(multapses(&p, 100), 0);
  /* sources are uniform: each presynaptic neuron's outdegree ~ 25 */
  size_t out[100] = {0};
  for (size_t i = 0; i < p.n; i++) out[p.pre[i]]++;
  double s2 = 0;
  for (int i = 0; i < 100; i++) s2 += ((double)out[i] - 25) * ((double)out[i] - 25);
  ck_assert_double_eq_tol(s2 / 100, 25 * (1 - 25.0 / 99), 10);
  ap_pairs_free(&p);
  c.k = 100; /* only 99 sources without autapses */
  char err[256];
  ck_assert_int_eq(ap_connect_generate(&c, &g, 1, 1, &p, err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err, "fixed_indegree: indegree 100 exceeds the 99 possible "
                        "sources without multapses");
  ap_pairs_free(&p);
}
END_TEST

START_TEST(fixed_outdegree_exact) {
  ap_conn_spec c = spec(AP_CONN_FIXED_OUTDEGREE);
  c.k = 7;
  ap_conn_geom g = geom(60, 10, 0);
  ap_pairs p = gen_ok(&c, &g);
  ck_assert_uint_eq(p.n, 420);
  size_t deg[60] = {0};
  for (size_t i = 0; i < p.n; i++) deg[p.pre[i]]++;
  for (int i = 0; i < 60; i++) ck_assert_uint_eq(deg[i], 7);
  ap_pairs_free(&p);
}
END_TEST

START_TEST(fixed_total_number_exact) {
  ap_conn_spec c = spec(AP_CONN_FIXED_TOTAL_NUMBER);
  c.k = 1000;
  c.allow_multapses = 0;
  ap_conn_geom g = geom(40, 30, 0);
  ap_pairs p = gen_ok(&c, &g);
  ck_assert_uint_eq(p.n, 1000);
  ck_assert_uint_eq(multapses(&p, 30), 0);
  ap_pairs_free(&p);
  c.k = 1201;
  char err[256];
  ck_assert_int_eq(ap_connect_generate(&c, &g, 1, 1, &p, err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err, "fixed_total_number: N = 1201 exceeds the 1200 "
                        "possible pairs without multapses");
  ap_pairs_free(&p);
}
END_TEST

START_TEST(list_rule) {
  ap_conn_spec c = spec(AP_CONN_LIST);
  uint32_t pre[] = {0, 4, 2}, post[] = {1, 1, 3};
  c.pre = pre;
  c.post = post;
  c.n_list = 3;
  ap_conn_geom g = geom(5, 4, 0);
  ap_pairs p = gen_ok(&c, &g);
  ck_assert_uint_eq(p.n, 3);
  ck_assert_uint_eq(p.pre[1], 4);
  ck_assert_uint_eq(p.post[2], 3);
  ap_pairs_free(&p);
  post[2] = 4;
  char err[256];
  ck_assert_int_eq(ap_connect_generate(&c, &g, 1, 1, &p, err, sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err, "connection list entry 3: pre 3 / post 5 outside 1..5 / 1..4");
  ap_pairs_free(&p);
}
END_TEST

START_TEST(reproducible_and_seeded) {
  ap_conn_spec c = spec(AP_CONN_FIXED_INDEGREE);
  c.k = 10;
  ap_conn_geom g = geom(1000, 50, 0);
  ap_pairs a = {0}, b = {0}, d = {0};
  char err[256];
  ck_assert_int_eq(ap_connect_generate(&c, &g, 5, 1, &a, err, sizeof err), 0);
  ck_assert_int_eq(ap_connect_generate(&c, &g, 5, 1, &b, err, sizeof err), 0);
  ck_assert_int_eq(ap_connect_generate(&c, &g, 6, 1, &d, err, sizeof err), 0);
  ck_assert_uint_eq(a.n, b.n);
  ck_assert_int_eq(memcmp(a.pre, b.pre, a.n * sizeof *a.pre), 0);
  ck_assert_int_ne(memcmp(a.pre, d.pre, a.n * sizeof *a.pre), 0);
  /* Keyed by target: the sources of target j do not depend on how many
   * targets there are. */
  ap_conn_geom g2 = geom(1000, 20, 0);
  ap_pairs e = {0};
  ck_assert_int_eq(ap_connect_generate(&c, &g2, 5, 1, &e, err, sizeof err), 0);
  ck_assert_int_eq(memcmp(a.pre, e.pre, e.n * sizeof *e.pre), 0);
  ap_pairs_free(&a);
  ap_pairs_free(&b);
  ap_pairs_free(&d);
  ap_pairs_free(&e);
}
END_TEST

/* Every rule gives the same pairs, in the same order, for any number of
 * threads. */
START_TEST(thread_count_invariant) {
  const int rules[] = {AP_CONN_ALL_TO_ALL, AP_CONN_FIXED_PROBABILITY,
                       AP_CONN_FIXED_INDEGREE, AP_CONN_FIXED_OUTDEGREE,
                       AP_CONN_FIXED_TOTAL_NUMBER};
  for (int r = 0; r < 5; r++) {
    ap_conn_spec c = spec(rules[r]);
    c.p = 0.1;
    c.k = rules[r] == AP_CONN_FIXED_TOTAL_NUMBER ? 5000 : 12;
    c.allow_autapses = 0;
    ap_pairs ref = {0};
    for (unsigned t = 1; t <= 4; t++) {
      ap_conn_geom g = {.n_pre = 97, .n_post = 101, .same_pop = 1, .threads = t};
      ap_pairs p = {0};
      char err[256];
      ck_assert_int_eq(ap_connect_generate(&c, &g, 9, 2, &p, err, sizeof err), 0);
      ck_assert_uint_eq(autapses(&p, &g), 0);
      if (t == 1) {
        ref = p;
        continue;
      }
      ck_assert_uint_eq(p.n, ref.n);
      ck_assert_int_eq(memcmp(p.pre, ref.pre, p.n * sizeof *p.pre), 0);
      ck_assert_int_eq(memcmp(p.post, ref.post, p.n * sizeof *p.post), 0);
      ck_assert_int_eq(p.by_post, rules[r] != AP_CONN_FIXED_OUTDEGREE &&
                                      rules[r] != AP_CONN_FIXED_TOTAL_NUMBER);
      ap_pairs_free(&p);
    }
    ap_pairs_free(&ref);
  }
}
END_TEST

/* A share (the pairs into a range of targets, as a process of a
 * distributed run builds them) is the whole rule's pairs into that range,
 * in the same order, with their generation indices: explicit, or a
 * contiguous run.  Every rule, with and without autapses and multapses,
 * for shares of a slice cut in three. */
START_TEST(shares_are_the_whole) {
  const int rules[] = {AP_CONN_ALL_TO_ALL,         AP_CONN_ONE_TO_ONE,
                       AP_CONN_FIXED_PROBABILITY,  AP_CONN_FIXED_INDEGREE,
                       AP_CONN_FIXED_OUTDEGREE,    AP_CONN_FIXED_TOTAL_NUMBER,
                       AP_CONN_LIST};
  uint32_t lp[] = {3, 5, 5, 80, 1, 3}, lq[] = {7, 2, 2, 9, 50, 7};
  for (int r = 0; r < 7; r++)
    for (int mult = 0; mult < 2; mult++)
      for (int aut = 0; aut < 2; aut++) {
        ap_conn_spec c = spec(rules[r]);
        c.p = 0.1;
        c.k = rules[r] == AP_CONN_FIXED_TOTAL_NUMBER ? 3000 : 12;
        c.allow_autapses = aut;
        c.allow_multapses = mult;
        c.pre = lp;
        c.post = lq;
        c.n_list = 6;
        const size_t n = rules[r] == AP_CONN_ONE_TO_ONE ? 90 : 97;
        ap_conn_geom g = {.n_pre = 90, .n_post = n, .same_pop = 1,
                          .threads = 2};
        ap_pairs whole = {0};
        char err[256];
        ck_assert_int_eq(ap_connect_generate(&c, &g, 4, 3, &whole, err,
                                             sizeof err), 0);
        size_t seen = 0;
        const size_t cut[] = {0, 30, 31, n};
        for (int k = 0; k < 3; k++) {
          ap_conn_geom h = g;
          h.share = 1;
          h.own_lo = cut[k];
          h.own_hi = cut[k + 1];
          ap_pairs p = {0};
          ck_assert_int_eq(ap_connect_generate(&c, &h, 4, 3, &p, err,
                                               sizeof err), 0);
          /* the whole's pairs into [lo, hi), in order */
          size_t m = 0, first = SIZE_MAX;
          for (size_t i = 0; i < whole.n; i++) {
            if (whole.post[i] < h.own_lo || whole.post[i] >= h.own_hi) continue;
            ck_assert_msg(m < p.n, "rule %d: share %d is short", rules[r], k);
            ck_assert_uint_eq(p.pre[m], whole.pre[i]);
            ck_assert_uint_eq(p.post[m], whole.post[i]);
            if (p.idx) ck_assert_uint_eq(p.idx[m], i);
            else if (first == SIZE_MAX) first = i;
            else ck_assert_uint_eq(i, first + m); /* a contiguous run */
            m++;
          }
          ck_assert_uint_eq(m, p.n);
          seen += p.n;
          ap_pairs_free(&p);
        }
        ck_assert_uint_eq(seen, whole.n);
        ap_pairs_free(&whole);
      }
}
END_TEST

/* fixed_total_number with multapses: exactly N synapses, spread over the
 * targets multinomially (counts per target: mean N/n, variance
 * N (1/n)(1 - 1/n)); tolerance 5 standard errors. */
/* Overlapping slices without autapses: a target whose only possible
 * source is itself gets no synapse (and the rule ends). */
START_TEST(fixed_total_number_no_autapses_overlap) {
  ap_conn_spec c = spec(AP_CONN_FIXED_TOTAL_NUMBER);
  c.k = 50;
  c.allow_autapses = 0;
  ap_conn_geom g = {.n_pre = 1, .n_post = 2, .same_pop = 1, .threads = 2}; /* pre {0}, post {0, 1} */
  ap_pairs p = gen_ok(&c, &g);
  ck_assert_uint_eq(p.n, 50);
  for (size_t i = 0; i < p.n; i++) ck_assert_uint_eq(p.post[i], 1);
  ap_pairs_free(&p);
}
END_TEST

START_TEST(fixed_total_number_multinomial) {
  ap_conn_spec c = spec(AP_CONN_FIXED_TOTAL_NUMBER);
  c.k = 200000;
  ap_conn_geom g = geom(300, 400, 0);
  ap_pairs p = gen_ok(&c, &g);
  ck_assert_uint_eq(p.n, 200000);
  ck_assert(p.by_post);
  size_t *deg = calloc(400, sizeof *deg), *out = calloc(300, sizeof *out);
  for (size_t i = 0; i < p.n; i++) {
    deg[p.post[i]]++;
    out[p.pre[i]]++;
    if (i) ck_assert_uint_le(p.post[i - 1], p.post[i]);
  }
  double m = 500, var_expect = 200000.0 * (1.0 / 400) * (1 - 1.0 / 400);
  double s2 = 0;
  for (int j = 0; j < 400; j++) s2 += ((double)deg[j] - m) * ((double)deg[j] - m);
  ck_assert_double_eq_tol(s2 / 400, var_expect, 5 * var_expect * sqrt(2.0 / 400));
  /* sources uniform too */
  double o2 = 0, om = 200000.0 / 300;
  for (int i = 0; i < 300; i++) o2 += ((double)out[i] - om) * ((double)out[i] - om);
  double ov = 200000.0 * (1.0 / 300) * (1 - 1.0 / 300);
  ck_assert_double_eq_tol(o2 / 300, ov, 5 * ov * sqrt(2.0 / 300));
  free(deg);
  free(out);
  ap_pairs_free(&p);
}
END_TEST

static Suite *make_connect_suite(void) {
  Suite *s = suite_create("connect");
  TCase *tc = tcase_create("rules");
  tcase_add_test(tc, all_to_all);
  tcase_add_test(tc, one_to_one);
  tcase_add_test(tc, fixed_probability_statistics);
  tcase_add_test(tc, fixed_probability_no_autapses);
  tcase_add_test(tc, fixed_indegree_exact);
  tcase_add_test(tc, fixed_outdegree_exact);
  tcase_add_test(tc, fixed_total_number_exact);
  tcase_add_test(tc, list_rule);
  tcase_add_test(tc, reproducible_and_seeded);
  tcase_add_test(tc, thread_count_invariant);
  tcase_add_test(tc, shares_are_the_whole);
  tcase_add_test(tc, fixed_total_number_multinomial);
  tcase_add_test(tc, fixed_total_number_no_autapses_overlap);
  suite_add_tcase(s, tc);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_connect_suite)
