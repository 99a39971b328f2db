/* check_segregated_dendrite.c -- the segregated-dendrite neurons against
 * closed forms derived here: steady states of the somata, the PSP kernel
 * on the grid (whole and with the authors' 10 ms of spike memory), the
 * soma's exact and forward-Euler responses to one PSP, the Poisson spike
 * count and its random words, the integration window's sums, and the
 * refusals.  Tests of the exact integration shape their populations with
 * psp_memory = 0 and set soma_euler = 0. */
#include "segregated_dendrite.c"

#include <math.h>

#include "plugin/loader.h"
#include "neuron_harness.h"

/* A population of n neurons of the given layer at step dt, with
 * psp_memory ms of spike memory. */
static nh *open_mem(int layer, double mem, size_t n, double dt) {
  const char *keys[2] = {"layer", "psp_memory"};
  const double v[2] = {layer, mem};
  char err[256] = "";
  nh *h = nh_open_shaped("segregated_dendrite", n, dt, keys, v, 2, err,
                         sizeof err);
  ck_assert_msg(h != NULL, "shape(layer %d, psp_memory %g) refused: %s",
                layer, mem, err);
  return h;
}

/* ... with the defaults (10 ms of memory, forward Euler). */
static nh *open_layer(int layer, size_t n, double dt) {
  return open_mem(layer, 10.0, n, dt);
}

/* ... integrated exactly with the whole kernel. */
static nh *open_exact(int layer, size_t n, double dt) {
  nh *h = open_mem(layer, 0.0, n, dt);
  nh_set(h, "soma_euler", 0.0);
  return h;
}

static double kappa_ref(double t, double tl, double ts) {
  return (exp(-t / tl) - exp(-t / ts)) / (tl - ts);
}

static double sigma_ref(double x) { return 1.0 / (1.0 + exp(-x)); }

/* ---------------------------------------------------- descriptor, shape */

START_TEST(test_descriptor_and_shape) {
  nh_check_doc("segregated_dendrite");
  char err[512] = "";
  NH_CHECK(ap_plugin_validate(ap_plugin_entry(), err, sizeof err) == AP_OK,
           "%s", err);
  ap_real st[N_PARAMS];
  for (int k = 0; k < N_PARAMS; k++) st[k] = params[k].def;
  for (int layer = 0; layer <= 1; layer++) {
    st[PAR_LAYER] = layer;
    ap_neuron_shape sh;
    memset(&sh, 0, sizeof sh);
    ck_assert_int_eq(shape(&sh, st, err, sizeof err), AP_OK);
    NH_CHECK(ap_check_neuron_shape("segregated_dendrite", &neuron, &sh, err,
                                   sizeof err) == AP_OK,
             "layer %d: %s", layer, err);
    /* every variable of the layer has its row in the documentation */
    for (unsigned v = 0; v < sh.n_vars; v++)
      NH_CHECK(nh_has_row(doc_long, sh.vars[v].name, sh.vars[v].unit, NULL),
               "doc_long lacks a row for %s", sh.vars[v].name);
    ck_assert_str_eq(sh.ports[0].name, "basal");
    if (layer == 0) {
      ck_assert_uint_eq(sh.n_compartments, 3);
      ck_assert_str_eq(sh.compartments[2], "soma");
      ck_assert_uint_eq(sh.n_ports, 2);
      ck_assert_str_eq(sh.ports[1].name, "apical");
      ck_assert_uint_eq(sh.ports[1].compartment, 1);
      /* the descriptor's own tables are the hidden layout at the
       * defaults with dt = 1 ms (10 ring entries per port) */
      ck_assert_uint_eq(sh.n_vars, neuron.n_vars);
      for (unsigned v = 0; v < sh.n_vars; v++)
        ck_assert_str_eq(sh.vars[v].name, neuron.vars[v].name);
      ck_assert_str_eq(sh.vars[HV_N + 9].name, "ring_basal_9");
      ck_assert_str_eq(sh.vars[HV_N + 10].name, "ring_apical_0");
      ck_assert_ptr_eq(sh.ports, neuron.ports);
    } else {
      ck_assert_uint_eq(sh.n_compartments, 2);
      ck_assert_str_eq(sh.compartments[0], "dendrite");
      ck_assert_uint_eq(sh.n_ports, 1);
      ck_assert_str_eq(sh.vars[OV_U].name, "U");
      ck_assert_str_eq(sh.vars[OV_SUM_SIGMA_U].name, "sum_sigma_U");
      ck_assert_uint_eq(sh.n_vars, OV_N + 10);
    }
    release_shape(&sh);
  }
  /* the ring holds psp_memory / dt entries per port: 40 at dt = 0.25 ms,
   * none for the whole kernel; a memory of no whole number of steps is
   * refused with the step */
  st[PAR_LAYER] = 0;
  const double dts[3] = {0.25, 1.0, 0.3};
  const double mems[3] = {10.0, 0.0, 10.0};
  const unsigned want[2] = {HV_N + 80, HV_N};
  for (int j = 0; j < 3; j++) {
    ap_neuron_shape sh;
    memset(&sh, 0, sizeof sh);
    sh.dt = dts[j];
    st[PAR_PSP_MEMORY] = mems[j];
    err[0] = '\0';
    const int rc = shape(&sh, st, err, sizeof err);
    if (j < 2) {
      ck_assert_int_eq(rc, AP_OK);
      ck_assert_uint_eq(sh.n_vars, want[j]);
      NH_CHECK(ap_check_neuron_shape("segregated_dendrite", &neuron, &sh, err,
                                     sizeof err) == AP_OK, "%s", err);
      release_shape(&sh);
    } else {
      ck_assert_int_eq(rc, AP_EINVAL);
      NH_CHECK(strstr(err, "psp_memory must be a whole number of steps of "
                           "dt = 0.3 ms") != NULL, "%s", err);
    }
  }
  /* layers other than 0 and 1: the host's range check and shape() */
  const double bad[] = {2.0, -1.0, 0.5, NAN};
  for (size_t j = 0; j < sizeof bad / sizeof bad[0]; j++) {
    err[0] = '\0';
    ck_assert_int_eq(ap_param_check(&params[PAR_LAYER], "segregated_dendrite",
                                    bad[j], err, sizeof err),
                     AP_EINVAL);
    st[PAR_LAYER] = bad[j];
    ap_neuron_shape sh;
    memset(&sh, 0, sizeof sh);
    err[0] = '\0';
    ck_assert_int_eq(shape(&sh, st, err, sizeof err), AP_EINVAL);
    NH_CHECK(strstr(err, "layer must be 0 (hidden) or 1 (output)") != NULL,
             "%s", err);
  }
}
END_TEST

/* ------------------------------------------------ (1) hidden steady state */

/* Constant B and A through the biases b and c (the traces stay 0): C
 * relaxes to (g_B B + g_A A)/(g_L + g_B + g_A), for several conductances
 * and step sizes; neurons start away from it. */
START_TEST(test_hidden_steady_state) {
  const double gA[] = {0.0, 0.05, 0.3};
  const double dts[] = {0.1, 1.0};
  for (int d = 0; d < 2; d++)
    for (int j = 0; j < 3; j++) {
      nh *h = d ? open_layer(0, 3, dts[d]) : open_exact(0, 3, dts[d]);
      nh_set(h, "g_A", gA[j]);
      nh_set(h, "b", 1.7);
      nh_set(h, "c", -2.3);
      nh_set(h, "lambda_max", 0.0); /* no spikes needed here */
      nh_init_state(h);
      nh_var(h, "C")[1] = 5.0;
      nh_var(h, "C")[2] = -4.0;
      ck_assert_int_eq(nh_prepare(h), AP_OK);
      const double want =
          (0.6 * 1.7 + gA[j] * -2.3) / (0.1 + 0.6 + gA[j]);
      const long steps = lround(400.0 / dts[d]);
      for (long s = 0; s < steps; s++) nh_step(h);
      for (size_t i = 0; i < 3; i++) {
        NH_CHECK(fabs(nh_var(h, "C")[i] - want) <= 1e-9,
                 "dt %g, g_A %g, neuron %zu: C %.15g, C* %.15g", dts[d],
                 gA[j], i, nh_var(h, "C")[i], want);
        ck_assert_double_eq_tol(nh_var(h, "B")[i], 1.7, 1e-15);
        ck_assert_double_eq_tol(nh_var(h, "A")[i], -2.3, 1e-15);
      }
      nh_close(h);
    }
  /* and under a steady train on both ports: every step the same weights,
   * so B and A are periodic on the grid, constant; C then settles at
   * C* of those values, since the traces are at their fixed points */
  nh *h = open_exact(0, 1, 0.5);
  nh_set(h, "g_A", 0.05);
  nh_set(h, "lambda_max", 0.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (int s = 0; s < 4000; s++) {
    nh_in(h, "basal")[0] = 0.4;
    nh_in(h, "apical")[0] = 0.9;
    nh_step(h);
  }
  /* steady traces at a step's start (this step's weight in): z = w / (1 -
   * e^{-h/tau}); at its end z e^{-h/tau}, so B = (zL e^{-h/tau_L} - zs
   * e^{-h/tau_s})/(tau_L - tau_s); within the step B(t) is not constant,
   * so C's value at the grid points follows the exact solution of the
   * periodic drive: compare with the step map's fixed point computed here
   * from the closed-form integrals (sLB etc. below are the z) */
  const double hh = 0.5, tl = 10.0, ts = 3.0, G = 0.1 + 0.6 + 0.05;
  const double sLB = 0.4 / (1.0 - exp(-hh / tl)),
               ssB = 0.4 / (1.0 - exp(-hh / ts));
  const double sLA = 0.9 / (1.0 - exp(-hh / tl)),
               ssA = 0.9 / (1.0 - exp(-hh / ts));
  const double eL = exp(-hh / tl), es = exp(-hh / ts);
  ck_assert_double_eq_tol(nh_var(h, "B")[0], (sLB * eL - ssB * es) / (tl - ts),
                          1e-12);
  ck_assert_double_eq_tol(nh_var(h, "A")[0], (sLA * eL - ssA * es) / (tl - ts),
                          1e-12);
  /* integral over [0, h] of e^{-G(h-s)} e^{-s/tau} ds */
  const double IL = (exp(-hh / tl) - exp(-G * hh)) / (G - 1.0 / tl);
  const double Is = (exp(-hh / ts) - exp(-G * hh)) / (G - 1.0 / ts);
  const double drive =
      (IL * (0.6 * sLB + 0.05 * sLA) - Is * (0.6 * ssB + 0.05 * ssA)) /
      (tl - ts);
  const double fixed = drive / (1.0 - exp(-G * hh));
  NH_CHECK(fabs(nh_var(h, "C")[0] - fixed) <= 1e-9, "C %.15g, fixed %.15g",
           nh_var(h, "C")[0], fixed);
  nh_close(h);
}
END_TEST

/* ----------------------------------------------------- (2) the PSP kernel */

/* One spike of weight w on basal (and one on apical) arriving in step 0,
 * whole kernel, exact soma: the input counts from the step's start, so
 * after k further steps B = w kappa((k+1) dt), to 1e-12 relative; and C
 * follows the exact solution of dC/dt = -G C + g_B w kappa(t). */
START_TEST(test_psp_kernel) {
  const double dt = 0.1, tl = 10.0, ts = 3.0, w = 0.37, y = -1.3;
  nh *h = open_exact(0, 1, dt);
  nh_set(h, "lambda_max", 0.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  nh_in(h, "basal")[0] = w;
  nh_in(h, "apical")[0] = y;
  const double G = 0.1 + 0.6, gB = 0.6;
  for (int k = 0; k <= 1000; k++) {
    nh_step(h);
    const double t = (k + 1) * dt;
    const double want = w * kappa_ref(t, tl, ts);
    NH_CHECK(fabs(nh_var(h, "B")[0] - want) <= 1e-12 * fabs(want),
             "step %d: B %.17g, w kappa %.17g", k, nh_var(h, "B")[0], want);
    const double wantA = y * kappa_ref(t, tl, ts);
    NH_CHECK(fabs(nh_var(h, "A")[0] - wantA) <= 1e-12 * fabs(wantA),
             "step %d: A %.17g, y kappa %.17g", k, nh_var(h, "A")[0], wantA);
    /* g_A = 0: the apical input leaves the soma alone */
    const double Cw = gB * w / (tl - ts) *
                      ((exp(-t / tl) - exp(-G * t)) / (G - 1.0 / tl) -
                       (exp(-t / ts) - exp(-G * t)) / (G - 1.0 / ts));
    NH_CHECK(fabs(nh_var(h, "C")[0] - Cw) <= 1e-12 * fabs(Cw) + 1e-15,
             "step %d: C %.17g, exact %.17g", k, nh_var(h, "C")[0], Cw);
  }
  nh_close(h);
}
END_TEST

/* The authors' finite spike memory (deep_learning.py: mem = 10 steps of
 * 1 ms, PSP = history . kappa(1..10)): one spike of weight w in step 0
 * gives B = b + w kappa(k+1) in steps k = 0..9 and b from step 10 on, so
 * its PSP sums to w (kappa(1) + ... + kappa(10)) = w x 0.510; the whole
 * kernel (psp_memory = 0) sums to w x 0.997.  Both within 1e-6 of the
 * sums computed here and of the authors' three decimals; and the same at
 * dt = 0.5 ms (20 steps of memory).  The soma follows forward Euler with
 * the step's B, C_k = C_{k-1} + dt (-g_L C + g_B (B_k - C)), to 1e-12. */
START_TEST(test_psp_memory) {
  const double w = 0.8, bias = 0.25;
  const double mems[2] = {10.0, 0.0};
  const double authors[2] = {0.510, 0.997};
  for (int q = 0; q < 2; q++) {
    for (int d = 0; d < 2; d++) {
      const double dt = d ? 0.5 : 1.0;
      nh *h = open_mem(0, mems[q], 1, dt);
      nh_set(h, "lambda_max", 0.0);
      nh_set(h, "b", bias);
      ck_assert_int_eq(nh_prepare(h), AP_OK);
      nh_in(h, "basal")[0] = w;
      double sum = 0.0, want_sum = 0.0, C = 0.0;
      const long M = lround(mems[q] / dt);
      for (long k = 0; k < 4000; k++) {
        nh_step(h);
        const double B = nh_var(h, "B")[0];
        const double kb = (M == 0 || k < M) ? kappa_ref((k + 1) * dt, 10, 3)
                                            : 0.0;
        NH_CHECK(fabs(B - (bias + w * kb)) <= 1e-12,
                 "psp_memory %g, dt %g, step %ld: B %.17g, want %.17g",
                 mems[q], dt, k, B, bias + w * kb);
        C += dt * (-0.1 * C + 0.6 * (B - C));
        NH_CHECK(fabs(nh_var(h, "C")[0] - C) <= 1e-12,
                 "Euler soma, step %ld: C %.17g, want %.17g", k,
                 nh_var(h, "C")[0], C);
        sum += (B - bias) * dt;
        want_sum += w * kb * dt;
      }
      NH_CHECK(fabs(sum - want_sum) <= 1e-6 * w,
               "psp_memory %g, dt %g: PSP sum %.9g, want %.9g", mems[q], dt,
               sum / w, want_sum / w);
      if (d == 0)
        NH_CHECK(fabs(sum / w - authors[q]) <= 5e-4,
                 "psp_memory %g: PSP sum %.6f, the authors' %.3f", mems[q],
                 sum / w, authors[q]);
      nh_close(h);
    }
  }
}
END_TEST

/* ---------------------------------------------------- (3) Poisson spikes */

static uint64_t count_spikes(nh *h, int steps) {
  uint64_t n = 0;
  for (int s = 0; s < steps; s++) {
    nh_step(h);
    for (size_t k = 0; k < h->n_spiked; k++) n += h->mult[k];
  }
  return n;
}

/* The soma held at its steady state C* (bias only): the count over N
 * neurons and S steps is Poisson of mean N S lambda_max sigma(C*) dt, so
 * it must lie within 3 standard errors (sqrt of the mean) of it.  The
 * same seed gives the same spikes, split into blocks or not; another
 * seed other spikes. */
START_TEST(test_spike_statistics) {
  const size_t N = 1000;
  const int S = 2000;
  const double dt = 0.1, bias = 1.0;
  const double Cs = 0.6 * bias / 0.7;
  nh *h = open_layer(0, N, dt);
  nh_set(h, "b", bias);
  nh_init_state(h);
  for (size_t i = 0; i < N; i++) nh_var(h, "C")[i] = Cs;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  h->keep_log = 1;
  const uint64_t n = count_spikes(h, S);
  const double mean = (double)N * S * 200.0 * sigma_ref(Cs) * dt * 1e-3;
  const double se = sqrt(mean);
  ck_assert_msg(mean > 10000.0 && n > 0, "too few spikes for the test");
  NH_CHECK(fabs((double)n - mean) <= 3.0 * se,
           "%llu spikes, expected %.1f +- %.1f (3 SE)",
           (unsigned long long)n, mean, 3.0 * se);
  /* the same run in blocks of uneven sizes: the same log */
  nh *g = open_layer(0, N, dt);
  nh_set(g, "b", bias);
  nh_init_state(g);
  for (size_t i = 0; i < N; i++) nh_var(g, "C")[i] = Cs;
  ck_assert_int_eq(nh_prepare(g), AP_OK);
  g->keep_log = 1;
  const size_t sizes[3] = {1, 400, N - 401};
  for (int s = 0; s < S; s++)
    NH_CHECK(nh_step_blocks(g, sizes, 3) == AP_OK, "update failed");
  ck_assert_uint_eq(g->n_log, h->n_log);
  for (size_t k = 0; k < h->n_log; k++)
    NH_CHECK(g->log[k].step == h->log[k].step &&
                 g->log[k].idx == h->log[k].idx &&
                 g->log[k].mult == h->log[k].mult,
             "spike %zu differs between block layouts", k);
  nh_close(g);
  /* another seed: another train */
  nh *o = open_layer(0, N, dt);
  o->seed = h->seed + 1;
  nh_set(o, "b", bias);
  nh_init_state(o);
  for (size_t i = 0; i < N; i++) nh_var(o, "C")[i] = Cs;
  ck_assert_int_eq(nh_prepare(o), AP_OK);
  o->keep_log = 1;
  count_spikes(o, S);
  int differ = o->n_log != h->n_log;
  for (size_t k = 0; !differ && k < h->n_log; k++)
    differ = o->log[k].step != h->log[k].step || o->log[k].idx != h->log[k].idx;
  ck_assert_msg(differ, "another seed gave the same spikes");
  nh_close(o);
  nh_close(h);
  /* the output neuron spikes by sigma(U) likewise (U* = g_D b/(g_L+g_D)) */
  nh *u = open_layer(1, N, dt);
  nh_set(u, "b", -2.0);
  const double Us = 0.6 * -2.0 / 0.7;
  nh_init_state(u);
  for (size_t i = 0; i < N; i++) nh_var(u, "U")[i] = Us;
  ck_assert_int_eq(nh_prepare(u), AP_OK);
  const uint64_t nu = count_spikes(u, S);
  const double mu = (double)N * S * 200.0 * sigma_ref(Us) * dt * 1e-3;
  NH_CHECK(fabs((double)nu - mu) <= 3.0 * sqrt(mu),
           "output: %llu spikes, expected %.1f +- %.1f (3 SE)",
           (unsigned long long)nu, mu, 3.0 * sqrt(mu));
  nh_close(u);
}
END_TEST

/* ---------------------------------------- (4) output neuron, teaching */

START_TEST(test_output_teaching) {
  const double gE[] = {0.0, 1.0, 0.3, 0.0};
  const double gI[] = {0.0, 0.0, 0.7, 1.0};
  const double V = 1.25;
  for (int j = 0; j < 4; j++) {
    nh *h = open_exact(1, 2, 0.1);
    nh_set(h, "b", V);
    nh_set(h, "g_E", gE[j]);
    nh_set(h, "g_I", gI[j]);
    nh_set(h, "lambda_max", 0.0);
    nh_init_state(h);
    nh_var(h, "U")[1] = 3.0;
    ck_assert_int_eq(nh_prepare(h), AP_OK);
    for (int s = 0; s < 4000; s++) nh_step(h);
    const double want = (0.6 * V + gE[j] * 8.0 + gI[j] * -8.0) /
                        (0.1 + 0.6 + gE[j] + gI[j]);
    for (size_t i = 0; i < 2; i++) {
      NH_CHECK(fabs(nh_var(h, "U")[i] - want) <= 1e-9,
               "g_E %g, g_I %g: U %.15g, U* %.15g", gE[j], gI[j],
               nh_var(h, "U")[i], want);
      ck_assert_double_eq_tol(nh_var(h, "V")[i], V, 1e-15);
    }
    nh_close(h);
  }
  /* the dendrite sees its input through the kernel, as the hidden basal */
  nh *h = open_exact(1, 1, 0.25);
  nh_set(h, "lambda_max", 0.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  nh_in(h, "basal")[0] = 2.0;
  for (int k = 0; k <= 200; k++) {
    nh_step(h);
    const double want = 2.0 * kappa_ref((k + 1) * 0.25, 10.0, 3.0);
    NH_CHECK(fabs(nh_var(h, "V")[0] - want) <= 1e-12 * want,
             "step %d: V %.17g, w kappa %.17g", k, nh_var(h, "V")[0], want);
  }
  nh_close(h);
}
END_TEST

/* --------------------------------------- (5) the integration window */

/* The core's phase windows (ABI 1.2, window_step): sums restart at a
 * window's first step, grow at each step of it and rest outside it, in
 * both layers, with integrate = 0. */
START_TEST(test_window_sums) {
  for (int layer = 0; layer <= 1; layer++) {
    nh *h = open_layer(layer, 3, 0.1);
    nh_set(h, "b", 0.8);
    ck_assert_int_eq(nh_prepare(h), AP_OK);
    const char *soma = layer ? "U" : "C", *sum_soma = layer ? "sum_U" : "sum_C";
    for (int s = 0; s < 100; s++) nh_step(h); /* no window: nothing summed */
    for (size_t i = 0; i < 3; i++) {
      ck_assert_double_eq(nh_var(h, sum_soma)[i], 0.0);
      ck_assert_double_eq(nh_var(h, "n_int")[i], 0.0);
    }
    double acc[3] = {0};
    for (int s = 0; s < 10; s++) {
      h->window_step = s;
      nh_step(h);
      for (size_t i = 0; i < 3; i++) acc[i] += nh_var(h, soma)[i];
    }
    h->window_step = -1;
    for (int s = 0; s < 5; s++) nh_step(h); /* window closed: sums rest */
    for (size_t i = 0; i < 3; i++) {
      ck_assert_double_eq(nh_var(h, "n_int")[i], 10.0);
      ck_assert_double_eq_tol(nh_var(h, sum_soma)[i], acc[i], 1e-12);
      ck_assert(acc[i] != 0.0);
    }
    h->window_step = 0; /* a new window: the old sums are gone */
    nh_step(h);
    for (size_t i = 0; i < 3; i++) {
      ck_assert_double_eq(nh_var(h, "n_int")[i], 1.0);
      ck_assert_double_eq(nh_var(h, sum_soma)[i], nh_var(h, soma)[i]);
    }
    nh_close(h);
  }
}
END_TEST

START_TEST(test_integration_sums) {
  for (int layer = 0; layer <= 1; layer++) {
    nh *h = open_layer(layer, 4, 0.1);
    nh_set(h, "b", 0.8);
    ck_assert_int_eq(nh_prepare(h), AP_OK);
    const char *soma = layer ? "U" : "C", *sum_soma = layer ? "sum_U" : "sum_C";
    const char *other = layer ? NULL : "A", *sum_other = layer ? NULL : "sum_A";
    double acc[4] = {0}, acc2[4] = {0};
    /* forward phase before the window: no sums */
    for (int s = 0; s < 300; s++) {
      nh_in(h, layer ? "basal" : "apical")[s % 4] = 0.5;
      nh_step(h);
    }
    for (size_t i = 0; i < 4; i++) {
      ck_assert_double_eq(nh_var(h, sum_soma)[i], 0.0);
      ck_assert_double_eq(nh_var(h, "n_int")[i], 0.0);
    }
    nh_set(h, "integrate", 1.0);
    ck_assert_int_eq(nh_prepare(h), AP_OK); /* as the host after a set */
    for (int s = 0; s < 200; s++) {
      nh_in(h, layer ? "basal" : "apical")[s % 4] = 0.5;
      nh_step(h);
      for (size_t i = 0; i < 4; i++) {
        acc[i] += nh_var(h, soma)[i];
        acc2[i] += layer ? sigma_ref(nh_var(h, "U")[i]) : nh_var(h, other)[i];
      }
    }
    nh_set(h, "integrate", 0.0);
    ck_assert_int_eq(nh_prepare(h), AP_OK);
    for (int s = 0; s < 100; s++) nh_step(h);
    for (size_t i = 0; i < 4; i++) {
      ck_assert_double_eq(nh_var(h, "n_int")[i], 200.0);
      ck_assert_double_eq_tol(nh_var(h, sum_soma)[i], acc[i],
                              1e-12 * fabs(acc[i]));
      const double got =
          nh_var(h, layer ? "sum_sigma_U" : sum_other)[i];
      ck_assert_double_eq_tol(got, acc2[i], 1e-12 * fabs(acc2[i]) + 1e-15);
    }
    /* zeroed by setting the state, as a script does */
    for (size_t i = 0; i < 4; i++) {
      nh_var(h, sum_soma)[i] = 0.0;
      nh_var(h, "n_int")[i] = 0.0;
    }
    nh_set(h, "integrate", 1.0);
    ck_assert_int_eq(nh_prepare(h), AP_OK);
    nh_step(h);
    for (size_t i = 0; i < 4; i++) {
      ck_assert_double_eq(nh_var(h, "n_int")[i], 1.0);
      ck_assert_double_eq(nh_var(h, sum_soma)[i], nh_var(h, soma)[i]);
    }
    nh_close(h);
  }
}
END_TEST

/* ---------------------------------------------------- (6) refusals */

static void expect_refusal(nh *h, const char *name, double bad,
                           const char *fragment) {
  const double keep = nh_par(h, name)[1];
  nh_par(h, name)[1] = bad;
  int rc = nh_prepare(h);
  NH_CHECK(rc == AP_EINVAL, "prepare accepted %s = %g (wanted '%s')", name,
           bad, fragment);
  NH_CHECK(strstr(h->err, fragment) != NULL, "message lacks '%s': %s",
           fragment, h->err);
  nh_par(h, name)[1] = keep;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
}

START_TEST(test_refusals) {
  nh *h = open_layer(0, 2, 0.1);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  expect_refusal(h, "tau_L", 0.0,
                 "neuron 2: tau_L must be > 0 ms and finite, got 0 ms");
  expect_refusal(h, "tau_s", -1.0,
                 "neuron 2: tau_s must be > 0 ms and finite, got -1 ms");
  expect_refusal(h, "tau_s", NAN, "tau_s must be > 0 ms");
  expect_refusal(h, "tau_s", 10.0,
                 "neuron 2: tau_L and tau_s must differ (the PSP kernel "
                 "divides by tau_L - tau_s), both are 10 ms");
  expect_refusal(h, "lambda_max", -5.0,
                 "neuron 2: lambda_max must be >= 0 Hz and finite, got -5 Hz");
  expect_refusal(h, "lambda_max", INFINITY, "lambda_max must be >= 0 Hz");
  expect_refusal(h, "g_L", -0.1,
                 "neuron 2: g_L must be >= 0 (per ms) and finite, got -0.1");
  expect_refusal(h, "g_B", -1.0, "neuron 2: g_B must be >= 0");
  expect_refusal(h, "g_A", NAN, "neuron 2: g_A must be >= 0");
  expect_refusal(h, "b", INFINITY, "neuron 2: b must be finite, got inf");
  expect_refusal(h, "integrate", 0.5,
                 "neuron 2: integrate must be 0 or 1, got 0.5");
  expect_refusal(h, "layer", 1.0, "neuron 2: layer 1 and psp_memory 10 ms "
                 "differ from the population's shape");
  expect_refusal(h, "psp_memory", 5.0, "neuron 2: layer 0 and psp_memory 5 "
                 "ms differ");
  expect_refusal(h, "soma_euler", 0.5,
                 "neuron 2: soma_euler must be 0 or 1, got 0.5");
  expect_refusal(h, "soma_euler", 0.0,
                 "neuron 2: soma_euler must be the same for every neuron");
  /* an output neuron checks its own conductances, not g_A */
  nh_close(h);
  h = open_layer(1, 2, 0.1);
  nh_set(h, "g_A", -1.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  expect_refusal(h, "g_E", -0.5, "neuron 2: g_E must be >= 0");
  expect_refusal(h, "g_I", -0.5, "neuron 2: g_I must be >= 0");
  expect_refusal(h, "g_D", -0.5, "neuron 2: g_D must be >= 0");
  expect_refusal(h, "E_E", NAN, "neuron 2: E_E must be finite");
  nh_close(h);
  /* the host refuses out-of-range values before any run */
  char err[256] = "";
  ck_assert_int_eq(ap_param_check(&params[PAR_TAU_L], "segregated_dendrite",
                                  0.0, err, sizeof err),
                   AP_EINVAL);
  ck_assert_int_eq(ap_param_check(&params[PAR_G_B], "segregated_dendrite",
                                  -1.0, err, sizeof err),
                   AP_EINVAL);
}
END_TEST

static Suite *make_segregated_dendrite_suite(void) {
  Suite *s = suite_create("segregated_dendrite");
  TCase *tc = tcase_create("dynamics");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_hidden_steady_state);
  tcase_add_test(tc, test_psp_kernel);
  tcase_add_test(tc, test_psp_memory);
  tcase_add_test(tc, test_spike_statistics);
  tcase_add_test(tc, test_output_teaching);
  tcase_add_test(tc, test_integration_sums);
  tcase_add_test(tc, test_window_sums);
  suite_add_tcase(s, tc);
  TCase *tp = tcase_create("descriptor");
  tcase_add_test(tp, test_descriptor_and_shape);
  tcase_add_test(tp, test_refusals);
  suite_add_tcase(s, tp);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_segregated_dendrite_suite)
