/* check_adex.c -- adex against an independent reference and closed forms.
 *
 * The reference integrates the same equations (V clamped at V_peak where
 * the equations read it, as NEST does) with classical RK4 at a fixed
 * step of 1e-4 ms, with the plugin's reset rules: a spike at the first
 * fine step that ends with V >= V_peak (V_th when Delta_T = 0), then
 * V = V_reset, w += b, and V held at V_reset until the end of the
 * simulation step of the spike plus round(t_ref/dt) steps.
 *
 * Tolerances:
 *   - spike times: the plugin stamps a spike with the end of its step of
 *     dt = 0.1 ms, so a spike time agrees with the reference's to within
 *     SPIKE_TOL = 0.1 ms (one step) when it lands in the right step; the
 *     test asserts that for the first 10 spikes, and that the stamp is
 *     the first grid point at or after the reference time (GRID_SLACK =
 *     2e-3 ms of slack for the reference's 1e-4 ms resolution and the
 *     plugin's substep resolution near the spike).
 *   - Delta_T = 0 (the integrate-and-fire limit), sub-threshold V_m
 *     against its closed form: V_TOL = 1e-4 mV (the integrator's
 *     tolerance is 1e-6 relative to |V| ~ 70 mV per substep). */
#include "adex.c"

#include <math.h>
#include <string.h>

#include "plugin/loader.h"
#include "neuron_harness.h"

#define SPIKE_TOL 0.1   /* ms */
#define GRID_SLACK 2e-3 /* ms */
#define V_TOL 1e-4      /* mV */

typedef struct apar {
  double C_m, g_L, E_L, V_th, Delta_T, tau_w, a, b, V_reset, t_ref, V_peak,
      I_e;
} apar;

/* NEST's defaults with a given I_e. */
static apar nest_defaults(double I_e) {
  return (apar){281.0, 30.0, -70.6, -50.4, 2.0, 144.0, 4.0, 80.5, -60.0,
                0.0,   0.0,  I_e};
}

static void set_params(nh *h, size_t i, const apar *p) {
  nh_par(h, "C_m")[i] = p->C_m;
  nh_par(h, "g_L")[i] = p->g_L;
  nh_par(h, "E_L")[i] = p->E_L;
  nh_par(h, "V_th")[i] = p->V_th;
  nh_par(h, "Delta_T")[i] = p->Delta_T;
  nh_par(h, "tau_w")[i] = p->tau_w;
  nh_par(h, "a")[i] = p->a;
  nh_par(h, "b")[i] = p->b;
  nh_par(h, "V_reset")[i] = p->V_reset;
  nh_par(h, "t_ref")[i] = p->t_ref;
  nh_par(h, "V_peak")[i] = p->V_peak;
  nh_par(h, "I_e")[i] = p->I_e;
}

/* ------------------------------------------------- RK4 reference */

static void ref_f(const apar *p, int refr, double V, double w, double *dV,
                  double *dw) {
  if (refr) V = p->V_reset;
  else if (V > p->V_peak) V = p->V_peak;
  double I_spike = 0.0;
  if (p->Delta_T > 0.0)
    I_spike = p->g_L * p->Delta_T * exp((V - p->V_th) / p->Delta_T);
  *dV = refr ? 0.0 : (-p->g_L * (V - p->E_L) + I_spike - w + p->I_e) / p->C_m;
  *dw = (p->a * (V - p->E_L) - w) / p->tau_w;
}

/* The first n spike times (ms) from V = E_L, w = 0 at time 0, RK4 at step
 * h; dt is the simulation step that sets the refractory grid. */
static void ref_spikes(const apar *p, double h, double dt, double *times,
                       int n) {
  const double V_spike = p->Delta_T > 0.0 ? p->V_peak : p->V_th;
  const long R = lround(p->t_ref / dt);
  double V = p->E_L, w = 0.0, t_free = 0.0;
  int got = 0;
  for (long k = 0; got < n && k < 100000000L; k++) {
    const double t = k * h;
    const int refr = t < t_free - 1e-9;
    double k1V, k1w, k2V, k2w, k3V, k3w, k4V, k4w;
    ref_f(p, refr, V, w, &k1V, &k1w);
    ref_f(p, refr, V + 0.5 * h * k1V, w + 0.5 * h * k1w, &k2V, &k2w);
    ref_f(p, refr, V + 0.5 * h * k2V, w + 0.5 * h * k2w, &k3V, &k3w);
    ref_f(p, refr, V + h * k3V, w + h * k3w, &k4V, &k4w);
    V += h / 6.0 * (k1V + 2.0 * k2V + 2.0 * k3V + k4V);
    w += h / 6.0 * (k1w + 2.0 * k2w + 2.0 * k3w + k4w);
    if (refr) {
      V = p->V_reset;
    } else if (V >= V_spike) {
      const double ts = (k + 1) * h;
      times[got++] = ts;
      V = p->V_reset;
      w += p->b;
      if (R > 0) t_free = (ceil(ts / dt - 1e-9) + (double)R) * dt;
    }
  }
  ck_assert_int_eq(got, n);
}

/* Spike stamps (ms) of the first n spikes of each neuron of h. */
static void plugin_spikes(nh *h, int n, double *times /* [h->n][n] */) {
  int *got = calloc(h->n, sizeof *got);
  ck_assert_ptr_nonnull(got);
  for (long s = 0; s < 1000000; s++) {
    nh_step(h);
    for (size_t k = 0; k < h->n_spiked; k++) {
      const uint32_t i = h->spiked[k];
      for (uint32_t m = 0; m < h->mult[k] && got[i] < n; m++)
        times[i * (size_t)n + got[i]++] = (s + 1) * h->dt;
    }
    int done = 1;
    for (size_t i = 0; i < h->n; i++) done &= got[i] == n;
    if (done) break;
  }
  for (size_t i = 0; i < h->n; i++) ck_assert_int_eq(got[i], n);
  free(got);
}

enum { NCASE = 5, NSPIKE = 10 };

static apar reference_case(int c) {
  apar p = nest_defaults(800.0);
  switch (c) {
    case 0: /* NEST defaults, adapting */
      break;
    case 1: /* tonic spiking (Naud et al. 2008, table 1) */
      p = (apar){200.0, 10.0, -70.0, -50.0, 2.0, 30.0, 2.0, 0.0, -58.0,
                 0.0,   0.0,  500.0};
      break;
    case 2: /* refractory period */
      p.I_e = 1000.0;
      p.t_ref = 2.0;
      break;
    case 3: /* the integrate-and-fire limit, with adaptation */
      p.Delta_T = 0.0;
      break;
    case 4: /* initial burst then adapting (Naud et al. 2008) */
      p = (apar){200.0, 12.0, -70.0, -50.0, 2.0, 300.0, 2.0, 60.0, -46.0,
                 0.0,   0.0,  500.0};
      break;
  }
  return p;
}

START_TEST(test_spike_times_vs_rk4) {
  const double dt = 0.1;
  nh *h = nh_open("adex", NCASE, dt);
  apar P[NCASE];
  for (int c = 0; c < NCASE; c++) {
    P[c] = reference_case(c);
    set_params(h, (size_t)c, &P[c]);
  }
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  static double got[NCASE * NSPIKE];
  plugin_spikes(h, NSPIKE, got);
  for (int c = 0; c < NCASE; c++) {
    double ref[NSPIKE];
    ref_spikes(&P[c], 1e-4, dt, ref, NSPIKE);
    for (int k = 0; k < NSPIKE; k++) {
      const double t = got[c * NSPIKE + k];
      ck_assert_msg(fabs(t - ref[k]) <= SPIKE_TOL + 1e-9,
                    "case %d spike %d: plugin %.4f ms, reference %.6f ms", c,
                    k, t, ref[k]);
      ck_assert_msg(t >= ref[k] - GRID_SLACK && t < ref[k] + dt + GRID_SLACK,
                    "case %d spike %d: stamped %.4f ms, not the end of the "
                    "step of the reference's %.6f ms",
                    c, k, t, ref[k]);
    }
  }
  nh_close(h);
}
END_TEST

/* NEST's defaults under a constant current adapt: the inter-spike
 * intervals grow. */
START_TEST(test_adaptation) {
  nh *h = nh_open("adex", 1, 0.1);
  nh_set(h, "I_e", 800.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  double t[NSPIKE];
  plugin_spikes(h, NSPIKE, t);
  double first = t[1] - t[0], last = t[NSPIKE - 1] - t[NSPIKE - 2];
  for (int k = 2; k < 6; k++)
    ck_assert_msg(t[k] - t[k - 1] > t[k - 1] - t[k - 2],
                  "ISI %d (%.1f ms) not longer than ISI %d (%.1f ms)", k,
                  t[k] - t[k - 1], k - 1, t[k - 1] - t[k - 2]);
  ck_assert_msg(last > 2.0 * first, "ISIs %.1f -> %.1f ms", first, last);
  ck_assert_double_gt(nh_var(h, "w")[0], 0.0);
  nh_close(h);
}
END_TEST

/* Delta_T = 0, a = b = 0: a leaky integrate-and-fire neuron with threshold
 * V_th.  Below threshold V_m follows the closed form; the first spikes
 * fall in the steps of the closed-form crossings. */
START_TEST(test_if_limit) {
  const double dt = 0.1;
  nh *h = nh_open("adex", 1, dt);
  apar p = nest_defaults(800.0);
  p.Delta_T = 0.0;
  p.a = 0.0;
  p.b = 0.0;
  set_params(h, 0, &p);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  const double tau = p.C_m / p.g_L, V_inf = p.E_L + p.I_e / p.g_L;
  const double t1 = tau * log((p.E_L - V_inf) / (p.V_th - V_inf));
  const double isi = tau * log((p.V_reset - V_inf) / (p.V_th - V_inf));
  const long s1 = (long)ceil(t1 / dt) - 1, s2 = (long)ceil((t1 + isi) / dt) - 1;
  for (long s = 0; s <= s2; s++) {
    nh_step(h);
    const double V = nh_var(h, "V_m")[0];
    NH_CHECK(isfinite(V), "V_m not finite");
    if (s < s1) {
      double exact = V_inf + (p.E_L - V_inf) * exp(-(s + 1) * dt / tau);
      NH_CHECK(fabs(V - exact) <= V_TOL, "step %ld: V_m %.9f, exact %.9f", s,
               V, exact);
    }
    NH_CHECK(nh_spiked(h, 0) == (s == s1 || s == s2),
             "step %ld: spike %d (closed form: steps %ld, %ld)", s,
             nh_spiked(h, 0), s1, s2);
  }
  nh_close(h);
}
END_TEST

/* As Delta_T shrinks (with V_peak = V_th + 400 Delta_T, so that the
 * exponential stays finite), the spikes approach those of Delta_T = 0
 * from above: past V_th the exponential needs a time of about
 * Delta_T ln(I_net/(g_L Delta_T)) / (dV/dt) to take off (~0.4 ms for
 * Delta_T = 0.05 mV with these parameters, ~0.05 ms for 0.005 mV), and
 * each delay shifts the later spikes (the more so the longer the
 * interval: near rheobase a small shift of w moves the next spike a lot).
 * The first 5 spike times order with Delta_T, and at Delta_T = 0.0005 mV
 * the first 3 fall within 0.1 ms of the integrate-and-fire limit's. */
START_TEST(test_if_limit_continuity) {
  enum { M = 5, K = 5 };
  const double dt = 0.1;
  const double DT[M] = {0.0, 0.0005, 0.005, 0.05, 0.5};
  nh *h = nh_open("adex", M, dt);
  for (size_t i = 0; i < M; i++) {
    apar p = nest_defaults(800.0);
    p.Delta_T = DT[i];
    p.V_peak = p.V_th + (DT[i] > 0.0 ? 400.0 * DT[i] : 1.0);
    set_params(h, i, &p);
  }
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  double t[M * K];
  plugin_spikes(h, K, t);
  for (int k = 0; k < K; k++) {
    if (k < 3)
      ck_assert_msg(fabs(t[K + k] - t[k]) <= 0.1 + 1e-9,
                    "spike %d: Delta_T 0.0005: %.1f ms, Delta_T 0: %.1f ms",
                    k, t[K + k], t[k]);
    for (int i = 1; i < M; i++)
      ck_assert_msg(t[i * K + k] >= t[(i - 1) * K + k] - 1e-9,
                    "spike %d: Delta_T %g fires at %.1f ms, before Delta_T "
                    "%g (%.1f ms)",
                    k, DT[i], t[i * K + k], DT[i - 1], t[(i - 1) * K + k]);
  }
  nh_close(h);
}
END_TEST

/* -------------------------------------------------------- inputs */

/* Conductance jumps arrive at the end of the step and decay exactly;
 * V_m feels them from the next step on. */
START_TEST(test_conductance_input) {
  const double dt = 0.1;
  nh *h = nh_open("adex", 3, dt);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  nh_step(h);
  nh_in(h, "ex")[0] = 5.0;
  nh_in(h, "in")[1] = 7.0;
  nh_step(h);
  ck_assert_double_eq(nh_var(h, "g_ex")[0], 5.0);
  ck_assert_double_eq(nh_var(h, "g_in")[1], 7.0);
  ck_assert_double_eq(nh_var(h, "V_m")[0], nh_var(h, "V_m")[2]);
  nh_step(h);
  ck_assert_double_eq_tol(nh_var(h, "g_ex")[0], 5.0 * exp(-dt / 0.2), 1e-12);
  ck_assert_double_eq_tol(nh_var(h, "g_in")[1], 7.0 * exp(-dt / 2.0), 1e-12);
  ck_assert_double_gt(nh_var(h, "V_m")[0], nh_var(h, "V_m")[2]);
  ck_assert_double_lt(nh_var(h, "V_m")[1], nh_var(h, "V_m")[2]);
  /* a current on port current drives the following step */
  nh_in(h, "current")[2] = 100.0;
  nh_step(h);
  ck_assert_double_eq(nh_var(h, "I_stim")[2], 100.0);
  nh_close(h);
}
END_TEST

/* Huge inputs (g_ex, g_in jumps of 1e4 nS, alone and together, with and
 * without a refractory period) leave every state variable finite, V_m
 * below V_peak at the end of every step, and do not hang the
 * integrator. */
START_TEST(test_huge_input) {
  enum { N = 6 };
  nh *h = nh_open("adex", N, 0.1);
  for (size_t i = 3; i < N; i++) nh_par(h, "t_ref")[i] = 2.0;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  long spikes[N] = {0};
  for (int s = 0; s < 500; s++) {
    if (s == 10 || s == 300) {
      for (size_t i = 0; i < N; i += 3) {
        nh_in(h, "ex")[i] = 1e4;
        nh_in(h, "in")[i + 1] = 1e4;
        nh_in(h, "ex")[i + 2] = 1e4;
        nh_in(h, "in")[i + 2] = 1e4;
      }
    }
    nh_step(h);
    for (size_t k = 0; k < h->n_spiked; k++) spikes[h->spiked[k]] += h->mult[k];
    for (size_t i = 0; i < N; i++) {
      const double V = nh_var(h, "V_m")[i], w = nh_var(h, "w")[i];
      NH_CHECK(isfinite(V) && isfinite(w) && isfinite(nh_var(h, "g_ex")[i]) &&
                   isfinite(nh_var(h, "g_in")[i]),
               "step %d neuron %zu: V_m %g, w %g not finite", s, i, V, w);
      NH_CHECK(V < 0.0, "step %d neuron %zu: V_m %g at or above V_peak", s, i,
               V);
    }
  }
  ck_assert_int_gt(spikes[0], 0); /* the excitatory kick fires */
  ck_assert_int_eq(spikes[1], 0); /* the inhibitory one does not */
  ck_assert_int_gt(spikes[3], 0);
  ck_assert_int_eq(spikes[4], 0);
  nh_close(h);
}
END_TEST

/* A steep upswing: (V_peak - V_th)/Delta_T close to the overflow limit
 * (about 664) makes dV/dt near V_peak reach ~1e280 mV/ms, far beyond what
 * the smallest substep resolves.  The neuron still fires regularly,
 * every variable stays finite, and w stays of the order of b. */
START_TEST(test_stiff_upswing) {
  enum { N = 3 };
  const double arg[N] = {200.0, 450.0, 660.0};
  nh *h = nh_open("adex", N, 0.1);
  nh_set(h, "I_e", 800.0);
  for (size_t i = 0; i < N; i++)
    nh_par(h, "V_peak")[i] = -50.4 + 2.0 * arg[i];
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  long spikes[N] = {0};
  for (int s = 0; s < 5000; s++) {
    nh_step(h);
    for (size_t k = 0; k < h->n_spiked; k++) spikes[h->spiked[k]]++;
    for (size_t i = 0; i < N; i++) {
      const double V = nh_var(h, "V_m")[i], w = nh_var(h, "w")[i];
      NH_CHECK(isfinite(V) && V > -100.0 && fabs(w) < 1000.0,
               "step %d neuron %zu: V_m %g, w %g", s, i, V, w);
    }
  }
  for (size_t i = 0; i < N; i++) ck_assert_int_ge(spikes[i], 5);
  nh_close(h);
}
END_TEST

/* During the refractory period V_m stays at V_reset, for round(t_ref/dt)
 * steps after the step of the spike. */
START_TEST(test_refractory_clamp) {
  const double dt = 0.1;
  nh *h = nh_open("adex", 1, dt);
  nh_set(h, "I_e", 1500.0);
  nh_set(h, "t_ref", 2.0);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  long last = -1000, n = 0;
  for (long s = 0; s < 5000; s++) {
    nh_step(h);
    const double V = nh_var(h, "V_m")[0];
    if (s - last <= 20)
      NH_CHECK(V == -60.0 && !nh_spiked(h, 0),
               "step %ld, %ld after a spike: V_m %g", s, s - last, V);
    else if (s - last == 21)
      NH_CHECK(V > -60.0, "step %ld: V_m %g still clamped", s, V);
    if (nh_spiked(h, 0)) {
      last = s;
      n++;
    }
  }
  ck_assert_int_gt(n, 5);
  nh_close(h);
}
END_TEST

/* ---------------------------------------------------------- noise */

static void noisy_run(uint64_t seed, const size_t *blocks, size_t nb,
                      double *out, size_t n) {
  nh *h = nh_open("adex", n, 0.1);
  h->seed = seed;
  h->keep_log = 1;
  nh_set(h, "I_e", 800.0);
  nh_set(h, "sigma", 200.0);
  for (size_t i = 0; i < n; i++)
    nh_par(h, "tau_noise")[i] = (i % 2) ? 5.0 : 0.0;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (int s = 0; s < 3000; s++)
    NH_CHECK(nh_step_blocks(h, blocks, nb) == AP_OK, "update failed");
  for (size_t i = 0; i < n; i++) {
    out[3 * i] = nh_var(h, "V_m")[i];
    out[3 * i + 1] = nh_var(h, "w")[i];
    out[3 * i + 2] = nh_var(h, "I_noise")[i];
  }
  out[3 * n] = (double)h->n_log;
  double sum = 0.0;
  for (size_t k = 0; k < h->n_log; k++)
    sum += (double)h->log[k].step * (h->log[k].idx + 1);
  out[3 * n + 1] = sum;
  nh_close(h);
}

START_TEST(test_noise_reproducible) {
  enum { N = 6, M = 3 * N + 2 };
  double x[M], y[M], z[M], blk[M];
  const size_t blocks[3] = {1, 3, 2};
  noisy_run(11, NULL, 0, x, N);
  noisy_run(11, NULL, 0, y, N);
  noisy_run(12, NULL, 0, z, N);
  noisy_run(11, blocks, 3, blk, N);
  ck_assert_int_eq(memcmp(x, y, sizeof x), 0);
  ck_assert_int_eq(memcmp(x, blk, sizeof x), 0);
  ck_assert_double_gt(x[3 * N], 10.0);
  int differ = 0;
  for (size_t i = 0; i < N; i++) differ += x[3 * i + 2] != z[3 * i + 2];
  ck_assert_int_eq(differ, N);
  ck_assert(x[3 * N] != z[3 * N] || x[3 * N + 1] != z[3 * N + 1]);
}
END_TEST

/* OU noise keeps its stationary standard deviation (5%). */
START_TEST(test_noise_ou_sd) {
  enum { N = 400 };
  const double sigma = 50.0, tau = 5.0, dt = 0.1;
  nh *h = nh_open("adex", N, dt);
  nh_set(h, "sigma", sigma);
  nh_set(h, "tau_noise", tau);
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  for (int s = 0; s < 500; s++) nh_step(h);
  double s1 = 0, s2 = 0;
  long cnt = 0;
  for (int s = 0; s < 1000; s++) {
    nh_step(h);
    for (size_t i = 0; i < N; i++) {
      const double x = nh_var(h, "I_noise")[i];
      s1 += x;
      s2 += x * x;
      cnt++;
    }
  }
  const double m = s1 / cnt, sd = sqrt(s2 / cnt - m * m);
  ck_assert_msg(fabs(sd / sigma - 1.0) <= 0.05, "sd %g pA, sigma %g pA", sd,
                sigma);
  nh_close(h);
}
END_TEST

/* -------------------------------------------------------- prepare */

static void expect_refusal(void (*setup)(nh *), const char *msg,
                           int exact) {
  nh *h = nh_open("adex", 1, 0.1);
  setup(h);
  ck_assert_int_eq(nh_prepare(h), AP_EINVAL);
  if (exact)
    ck_assert_str_eq(h->err, msg);
  else
    ck_assert_msg(strstr(h->err, msg) != NULL, "'%s' lacks '%s'", h->err,
                  msg);
  nh_close(h);
}

static void reset_at_peak(nh *h) { nh_set(h, "V_reset", 0.0); }
static void peak_below_th(nh *h) { nh_set(h, "V_peak", -55.0); }
static void exp_overflow(nh *h) { nh_set(h, "Delta_T", 0.01); }
static void if_reset_above(nh *h) {
  nh_set(h, "Delta_T", 0.0);
  nh_set(h, "V_reset", -50.0);
}

START_TEST(test_bad_parameters) {
  expect_refusal(reset_at_peak,
                 "neuron 1: V_reset (0 mV) must be below V_peak (0 mV)", 1);
  expect_refusal(peak_below_th,
                 "neuron 1: V_peak (-55 mV) must be at or above V_th "
                 "(-50.4 mV)",
                 1);
  expect_refusal(exp_overflow,
                 "(V_peak - V_th)/Delta_T = (0 mV - -50.4 mV)/0.01 mV would "
                 "overflow the exponential",
                 0);
  expect_refusal(if_reset_above,
                 "neuron 1: with Delta_T = 0, V_reset (-50 mV) must be below "
                 "V_th (-50.4 mV), the threshold",
                 1);
  char err[256];
  ck_assert_int_eq(ap_param_check(&params[PAR_ERROR_TOL], "adex", 0.0, err,
                                  sizeof err),
                   AP_EINVAL);
  ck_assert_int_eq(ap_param_check(&params[PAR_DELTA_T], "adex", -1.0, err,
                                  sizeof err),
                   AP_EINVAL);
  ck_assert_str_eq(err, "parameter 'Delta_T' of adex must be in [0, inf) mV, "
                        "got -1");
  ck_assert_int_eq(ap_param_check(&params[PAR_SIGMA], "adex", -1.0, err,
                                  sizeof err),
                   AP_EINVAL);
  /* defaults are fine, and so is Delta_T = 0 with them */
  nh *h = nh_open("adex", 2, 0.1);
  nh_par(h, "Delta_T")[1] = 0.0;
  ck_assert_int_eq(nh_prepare(h), AP_OK);
  nh_close(h);
}
END_TEST

START_TEST(test_doc_and_descriptor) {
  nh_check_doc("adex");
  char err[512] = "";
  NH_CHECK(ap_plugin_validate(ap_plugin_entry(), err, sizeof err) == AP_OK,
           "%s", err);
}
END_TEST

static Suite *make_adex_suite(void) {
  Suite *s = suite_create("adex");
  TCase *tr = tcase_create("reference");
  tcase_set_timeout(tr, 120);
  tcase_add_test(tr, test_spike_times_vs_rk4);
  tcase_add_test(tr, test_adaptation);
  tcase_add_test(tr, test_if_limit);
  tcase_add_test(tr, test_if_limit_continuity);
  suite_add_tcase(s, tr);
  TCase *ti = tcase_create("inputs");
  tcase_set_timeout(ti, 60);
  tcase_add_test(ti, test_conductance_input);
  tcase_add_test(ti, test_huge_input);
  tcase_add_test(ti, test_stiff_upswing);
  tcase_add_test(ti, test_refractory_clamp);
  suite_add_tcase(s, ti);
  TCase *tn = tcase_create("noise");
  tcase_set_timeout(tn, 60);
  tcase_add_test(tn, test_noise_reproducible);
  tcase_add_test(tn, test_noise_ou_sd);
  suite_add_tcase(s, tn);
  TCase *tp = tcase_create("prepare");
  tcase_add_test(tp, test_bad_parameters);
  tcase_add_test(tp, test_doc_and_descriptor);
  suite_add_tcase(s, tp);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_adex_suite)
