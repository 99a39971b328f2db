/* check_tsodyks_markram.c -- the tsodyks_markram synapse against the
 * recursion of its model (Maass & Markram 2002, as NEST's
 * tsodyks2_synapse), driving transmit() directly as the cpu backend does:
 * once per presynaptic spike for the row of the spiking neuron, with the
 * spike's stamp as t_spike.
 *
 * Delivered weights are single precision (ap_weight), so out[] is checked
 * to be the rounding of weight * u_n x_n to float (half a float ulp);
 * the amplitudes u_n x_n themselves are checked to 1e-12 relative from the
 * double state the synapse keeps (u_n, and x_n (1 - u_n) after the
 * release). */
#include "tsodyks_markram.c"

#include <check.h>
#include <math.h>
#include <string.h>

#include "plugin/host.h"
#include "plugin/loader.h"
#include "neuron_harness.h" /* nh_has_row, nh_has_word, NH_CHECK */

enum { NSYN = 3 };

/* A row of NSYN synapses of one projection, state as the host makes it:
 * every variable at its descriptor default. */
typedef struct row3 {
  ap_real par[N_PARAMS];
  ap_real st[N_VARS][NSYN];
  ap_real *sp[N_VARS];
  ap_weight w[NSYN], out[NSYN];
} row3;

static void row_init(row3 *r, double U, double tau_rec, double tau_fac) {
  memset(r, 0, sizeof *r);
  for (int k = 0; k < N_PARAMS; k++) r->par[k] = params[k].def;
  r->par[PAR_U] = U;
  r->par[PAR_TAU_REC] = tau_rec;
  r->par[PAR_TAU_FAC] = tau_fac;
  for (int v = 0; v < N_VARS; v++) {
    r->sp[v] = r->st[v];
    for (int i = 0; i < NSYN; i++) r->st[v][i] = vars[v].def;
  }
  const ap_weight w[NSYN] = {1.0f, 2.5f, -40.0f};
  memcpy(r->w, w, sizeof w);
}

static void spike(row3 *r, double t) {
  ap_syn_row row = {.size = sizeof row, .first = 0, .n = NSYN,
                    .t_spike = t, .weight = r->w, .state = r->sp,
                    .param = r->par, .inst = NULL,
                    .host = ap_host_services(), .out = r->out};
  synapse.transmit(&row);
}

/* u_n x_n, the fraction released by the last spike, from synapse i's
 * state: u is the u_n used, x is x_n (1 - u_n). */
static double amplitude(const row3 *r, int i) {
  const double u = r->st[VAR_U][i];
  return u * (r->st[VAR_X][i] / (1.0 - u));
}

/* out[i] is weight * a rounded to float. */
static void check_out(const row3 *r, double a, const char *what, int n) {
  for (int i = 0; i < NSYN; i++) {
    const double want = (double)r->w[i] * a;
    NH_CHECK(fabs((double)r->out[i] - want) <= ldexp(fabs(want), -24),
             "%s, spike %d, synapse %d: delivered %.9g, expected %.9g", what,
             n, i, (double)r->out[i], want);
  }
}

/* The model's recursion for spikes at intervals h (Maass & Markram 2002,
 * eqs. as in NEST's tsodyks2_synapse), in long double:
 *   u_1 = U, x_1 = 1, A_n = u_n x_n,
 *   u_{n+1} = U + u_n (1 - U) exp(-h/tau_fac)   (U when tau_fac = 0),
 *   x_{n+1} = 1 + (x_n - u_n x_n - 1) exp(-h/tau_rec). */
static void recursion(double U, double tau_rec, double tau_fac, double h,
                      int n, double *A) {
  long double u = U, x = 1.0L;
  const long double dr = expl(-(long double)h / tau_rec);
  const long double df = tau_fac > 0.0 ? expl(-(long double)h / tau_fac) : 0.0L;
  for (int k = 0; k < n; k++) {
    A[k] = (double)(u * x);
    x = 1.0L + (x - u * x - 1.0L) * dr;
    u = U + u * (1.0L - U) * df;
  }
}

/* A regular 20 Hz train of 10 spikes, stamped as the host stamps them
 * ((step + 1) dt, dt = 0.1 ms, from t = 100 ms): the relative amplitudes
 * A_n / A_1 follow the recursion to 1e-12, A_1 = U, and every synapse of
 * the row delivers its own weight times A_n. */
static void train(double U, double tau_rec, double tau_fac, const char *what,
                  row3 *r, double *A) {
  enum { N = 10 };
  double want[N];
  recursion(U, tau_rec, tau_fac, 50.0, N, want);
  row_init(r, U, tau_rec, tau_fac);
  for (int n = 0; n < N; n++) {
    spike(r, (double)(1000 + 500 * n) * 0.1);
    A[n] = amplitude(r, 0);
    for (int i = 1; i < NSYN; i++)
      NH_CHECK(amplitude(r, i) == A[n], "%s: synapses of a row differ", what);
    check_out(r, want[n], what, n + 1);
    NH_CHECK(fabs(A[n] / A[0] - want[n] / want[0]) <= 1e-12 * want[n] / want[0],
             "%s, spike %d: relative amplitude %.17g, recursion %.17g", what,
             n + 1, A[n] / A[0], want[n] / want[0]);
  }
  ck_assert_double_eq_tol(A[0], U, 1e-15);
}

START_TEST(test_depressing_train) {
  row3 r;
  double A[10];
  const double U = 0.5, tau_rec = 800.0;
  train(U, tau_rec, 0.0, "depressing", &r, A);
  /* and the closed form of pure depression: x_n relaxes geometrically,
   * x_n = x_inf + (1 - x_inf) ((1 - U) e)^(n-1), e = exp(-h/tau_rec),
   * x_inf = (1 - e) / (1 - (1 - U) e), A_n = U x_n */
  const double e = exp(-50.0 / tau_rec), q = (1.0 - U) * e;
  const double x_inf = (1.0 - e) / (1.0 - q);
  for (int n = 0; n < 10; n++) {
    const double x_n = x_inf + (1.0 - x_inf) * pow(q, n);
    ck_assert_double_eq_tol(A[n] / (U * x_n), 1.0, 1e-12);
  }
  ck_assert_double_lt(A[9], 0.2 * A[0]); /* strongly depressed */
}
END_TEST

START_TEST(test_facilitating_train) {
  row3 r;
  double A[10];
  train(0.1, 100.0, 1000.0, "facilitating", &r, A);
  ck_assert_double_gt(A[1], A[0]); /* the second PSC is larger */
  ck_assert_double_gt(A[4], 1.5 * A[0]);
}
END_TEST

/* The first spike of a fresh synapse delivers weight * U, whatever u and
 * x hold (the host may leave u at the descriptor's 0.5 for any U). */
START_TEST(test_first_spike) {
  row3 r;
  const double Us[] = {0.5, 0.1, 1.0, 0.037};
  for (int k = 0; k < 4; k++) {
    row_init(&r, Us[k], 800.0, k % 2 ? 1000.0 : 0.0);
    r.st[VAR_U][1] = 0.9;
    r.st[VAR_X][2] = 0.25;
    spike(&r, 0.1); /* the earliest possible stamp */
    for (int i = 0; i < NSYN; i++) {
      ck_assert_float_eq(r.out[i], (ap_weight)((double)r.w[i] * Us[k]));
      ck_assert_double_eq(r.st[VAR_U][i], Us[k]);
      ck_assert_double_eq(r.st[VAR_X][i], 1.0 - Us[k]);
      ck_assert_double_eq(r.st[VAR_T_LAST][i], 0.1);
    }
  }
}
END_TEST

/* After a pause long against tau_rec and tau_fac the synapse is back at
 * rest: the next spike delivers weight * U again (to e^-30 of the
 * depression or facilitation left), and the recovery follows the exact
 * solution from the state after the train. */
START_TEST(test_recovery) {
  const struct {
    double U, tau_rec, tau_fac;
  } cases[2] = {{0.5, 800.0, 0.0}, {0.1, 100.0, 1000.0}};
  for (int c = 0; c < 2; c++) {
    row3 r;
    double A[10];
    const double U = cases[c].U, tr = cases[c].tau_rec, tf = cases[c].tau_fac;
    train(U, tr, tf, "recovery", &r, A);
    const double t9 = r.st[VAR_T_LAST][0], x9 = r.st[VAR_X][0],
                 u9 = r.st[VAR_U][0];
    const double pause = 30.0 * (tr > tf ? tr : tf);
    spike(&r, t9 + pause);
    const double x = 1.0 + (x9 - 1.0) * exp(-pause / tr);
    const double u = U + u9 * (1.0 - U) * (tf > 0.0 ? exp(-pause / tf) : 0.0);
    ck_assert_double_eq_tol(amplitude(&r, 0) / (u * x), 1.0, 1e-12);
    ck_assert_double_eq_tol(amplitude(&r, 0) / U, 1.0, 1e-8);
    check_out(&r, u * x, "recovery", 11);
    if (tf > 0.0) continue;
    /* depression: a pause longer than the spike interval leaves the
     * synapse less depressed than a spike at the interval did */
    spike(&r, t9 + pause + 50.0);
    spike(&r, t9 + pause + 100.0);
    const double mid = amplitude(&r, 0);
    spike(&r, t9 + pause + 100.0 + 0.3 * tr);
    ck_assert_double_gt(amplitude(&r, 0), mid);
    ck_assert_double_lt(amplitude(&r, 0), U);
  }
}
END_TEST

/* Synapses of one row with different histories (one made later, as when
 * a network grows) each follow their own; two spikes in one step of a
 * non-facilitating synapse give u = U, not NaN. */
START_TEST(test_own_history) {
  row3 r;
  row_init(&r, 0.5, 800.0, 0.0);
  spike(&r, 10.0);
  spike(&r, 20.0);
  r.st[VAR_U][1] = 0.5; /* synapse 1 made anew */
  r.st[VAR_X][1] = 1.0;
  r.st[VAR_T_LAST][1] = -INFINITY;
  spike(&r, 30.0);
  ck_assert_float_eq(r.out[1], (ap_weight)((double)r.w[1] * 0.5));
  ck_assert_double_lt(amplitude(&r, 0), 0.5 * 0.9);
  ck_assert_double_eq(amplitude(&r, 2), amplitude(&r, 0));
  const double x_before = r.st[VAR_X][0];
  spike(&r, 30.0); /* h = 0: no recovery, u stays U */
  ck_assert_double_eq(r.st[VAR_U][0], 0.5);
  ck_assert_double_eq_tol(amplitude(&r, 0), 0.5 * x_before, 1e-15);
  ck_assert(isfinite((double)r.out[0]));
}
END_TEST

/* The descriptor passes the host's checks and the documentation block
 * has a row "name unit default" per model parameter, "name unit" per
 * state variable, and names weight and delay. */
START_TEST(test_doc_and_descriptor) {
  char err[512] = "";
  NH_CHECK(ap_plugin_validate(ap_plugin_entry(), err, sizeof err) == AP_OK,
           "%s", err);
  const ap_plugin_desc *pd = &ap_plugin_entry()->plugins[0];
  ck_assert_str_eq(pd->name, "tsodyks_markram");
  ck_assert_int_eq(pd->kind, AP_KIND_SYNAPSE);
  ck_assert_str_eq(params[0].name, "weight");
  ck_assert_str_eq(params[1].name, "delay");
  for (int k = 0; k < N_PARAMS; k++) {
    char def[64];
    snprintf(def, sizeof def, "%g", params[k].def);
    ck_assert_msg(nh_has_word(pd->doc_long, params[k].name),
                  "doc_long lacks %s", params[k].name);
    if (k >= PAR_U)
      ck_assert_msg(nh_has_row(pd->doc_long, params[k].name, params[k].unit,
                               def),
                    "doc_long has no row \"%s %s %s\"", params[k].name,
                    params[k].unit, def);
  }
  for (int v = 0; v < N_VARS; v++)
    ck_assert_msg(nh_has_row(pd->doc_long, vars[v].name, vars[v].unit, NULL),
                  "doc_long has no row \"%s %s\"", vars[v].name, vars[v].unit);
}
END_TEST

static Suite *make_tsodyks_markram_suite(void) {
  Suite *s = suite_create("tsodyks_markram");
  TCase *tc = tcase_create("recursion");
  tcase_add_test(tc, test_depressing_train);
  tcase_add_test(tc, test_facilitating_train);
  tcase_add_test(tc, test_first_spike);
  tcase_add_test(tc, test_recovery);
  tcase_add_test(tc, test_own_history);
  suite_add_tcase(s, tc);
  TCase *td = tcase_create("descriptor");
  tcase_add_test(td, test_doc_and_descriptor);
  suite_add_tcase(s, td);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_tsodyks_markram_suite)
