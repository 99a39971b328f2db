/* check_urbanczik.c -- the lazy Urbanczik-Senn rule against closed forms
 * and two references computed here:
 *   - an eager one that advances every synapse every step (PSP traces
 *     decay, I1 += F dPI PSP, I2 = I2 exp(-dt/tau_Delta) + F dPI PSP);
 *   - NEST's urbanczik_synapse::send() transcribed: at each presynaptic
 *     spike, walk the neuron's dPI history since the last one.
 * The rule keeps each weight in double precision (see the plugin), which
 * is compared with the references to 1e-9 of its scale; the stored
 * single-precision weights to their own rounding.
 *
 * The rule reads the postsynaptic neurons through the ABI 1.2 view
 * c->post; the tests build one here (a model with the names of
 * pp_cond_exp_mc_urbanczik's dendrite) and write dPI into it before each
 * on_step, as the neuron does at the end of its step. */
#include "urbanczik.c"

#include "check_main.h"
#include "memstream.h"
#include "rule_harness.h"

/* ------------------------------------------------- postsynaptic view */

/* The dendrite of pp_cond_exp_mc_urbanczik as the rule sees it (names,
 * units and defaults of the neuron's tables). */
static const ap_param_desc uz_params[] = {
    {"E_L_p", "mV", "dendritic leak reversal potential", AP_PT_REAL, -70.0,
     -INFINITY, INFINITY, 0, NULL},
    {"C_m_p", "pF", "dendritic membrane capacitance", AP_PT_REAL, 300.0, 0.0,
     INFINITY, AP_RANGE_MIN_OPEN, NULL},
    {"g_L_p", "nS", "dendritic leak conductance", AP_PT_REAL, 30.0, 0.0,
     INFINITY, 0, NULL},
    {"tau_syn_ex_p", "ms", "dendritic excitatory decay", AP_PT_REAL, 3.0,
     0.0, INFINITY, AP_RANGE_MIN_OPEN, NULL},
    {"tau_syn_in_p", "ms", "dendritic inhibitory decay", AP_PT_REAL, 3.0,
     0.0, INFINITY, AP_RANGE_MIN_OPEN, NULL},
};
static const ap_var_desc uz_vars[] = {
    {"V_m_p", "mV", "dendritic membrane potential", -70.0, NULL, 1, 0},
    {"V_w_star", "mV", "dendritic prediction", -70.0, NULL, 1, 0},
    {"dPI", "1/mV", "error term of the step", 0.0, NULL, 1, 0},
};
#define N_UZ_PARAMS (sizeof uz_params / sizeof uz_params[0])
#define N_UZ_VARS (sizeof uz_vars / sizeof uz_vars[0])

typedef struct view {
  ap_pop_view v;
  ap_real **param, **state;
} view;

/* A view of h->n_post neurons of model `model` with the given tables,
 * each value at its default, handed to the rule as c->post. */
static view *view_open(rh *h, const char *model, const ap_param_desc *pd,
                       unsigned np, const ap_var_desc *vd, unsigned nv) {
  view *w = rh_calloc_(1, sizeof *w);
  const size_t n = h->n_post;
  w->param = rh_calloc_(np, sizeof *w->param);
  w->state = rh_calloc_(nv, sizeof *w->state);
  for (unsigned k = 0; k < np; k++) {
    w->param[k] = rh_calloc_(n, sizeof(ap_real));
    for (size_t i = 0; i < n; i++) w->param[k][i] = pd[k].def;
  }
  for (unsigned k = 0; k < nv; k++) {
    w->state[k] = rh_calloc_(n, sizeof(ap_real));
    for (size_t i = 0; i < n; i++) w->state[k][i] = vd[k].def;
  }
  w->v = (ap_pop_view){.size = sizeof(ap_pop_view),
                       .n = n,
                       .model = model,
                       .params = pd,
                       .n_params = np,
                       .vars = vd,
                       .n_vars = nv,
                       .param = w->param,
                       .state = w->state};
  h->c.post = &w->v;
  return w;
}

static view *uz_view(rh *h) {
  return view_open(h, "pp_cond_exp_mc_urbanczik", uz_params, N_UZ_PARAMS,
                   uz_vars, N_UZ_VARS);
}

static void view_close(view *w) {
  if (!w) return;
  for (unsigned k = 0; k < w->v.n_params; k++) free(w->param[k]);
  for (unsigned k = 0; k < w->v.n_vars; k++) free(w->state[k]);
  free(w->param);
  free(w->state);
  free(w);
}

static ap_real *vparam(view *w, const char *name) {
  for (unsigned k = 0; k < w->v.n_params; k++)
    if (strcmp(w->v.params[k].name, name) == 0) return w->param[k];
  ck_abort_msg("view: no parameter %s", name);
  return NULL;
}

static ap_real *vstate(view *w, const char *name) {
  for (unsigned k = 0; k < w->v.n_vars; k++)
    if (strcmp(w->v.vars[k].name, name) == 0) return w->state[k];
  ck_abort_msg("view: no variable %s", name);
  return NULL;
}

/* ------------------------------------------------------------ helpers */

/* The rule's unclipped weight of synapse s now, in double precision. */
static double exact_w(rh *h, size_t s) {
  const uz *u = h->c.inst;
  return raw(u, h->syn, s, &u->sum[h->target[s] & AP_PACK_TARGET_MASK]);
}

/* NEST's factor of a dendrite (C_m, g_L, tau_s), as NEST writes it. */
static double nest_F(double eta, double cm, double gl, double ts) {
  const double tau_L = cm / gl;
  return 15.0 * cm * ts * eta / (gl * (tau_L - ts));
}

/* sum_{j=1}^{m} a^j */
static double geo(double a, int m) { return a * (1.0 - pow(a, m)) / (1.0 - a); }

static rh *uz_rule(size_t n_pre, size_t n_post, double dt, double w0) {
  rh *h = rh_open("urbanczik", n_pre * n_post, n_post, dt);
  for (size_t s = 0; s < h->n_syn; s++) h->w[s] = (ap_weight)w0;
  return h;
}

/* ---------------------------------------------------- eager reference */

typedef struct ref {
  size_t n_syn, n_post;
  double dt, eta, tau_delta, wmin, wmax;
  double *aL, *as, *w0, *i1, *i2; /* per synapse */
  const uint32_t *target;
  view *v;
} ref;

static ref *ref_open(rh *h, view *v) {
  ref *r = rh_calloc_(1, sizeof *r);
  r->n_syn = h->n_syn;
  r->n_post = h->n_post;
  r->dt = h->dt;
  r->eta = h->param[PAR_ETA];
  r->tau_delta = h->param[PAR_TAU_DELTA];
  r->wmin = h->param[PAR_WMIN];
  r->wmax = h->param[PAR_WMAX];
  r->aL = rh_calloc_(r->n_syn, sizeof(double));
  r->as = rh_calloc_(r->n_syn, sizeof(double));
  r->w0 = rh_calloc_(r->n_syn, sizeof(double));
  r->i1 = rh_calloc_(r->n_syn, sizeof(double));
  r->i2 = rh_calloc_(r->n_syn, sizeof(double));
  for (size_t s = 0; s < r->n_syn; s++) r->w0[s] = h->w[s];
  r->target = h->target;
  r->v = v;
  return r;
}

static void ref_close(ref *r) {
  free(r->aL);
  free(r->as);
  free(r->w0);
  free(r->i1);
  free(r->i2);
  free(r);
}

/* Step ending at t_h with the dPI and the parameters now in the view. */
static void ref_step(ref *r) {
  const ap_real *cm = vparam(r->v, "C_m_p"), *gl = vparam(r->v, "g_L_p");
  const ap_real *ts = vparam(r->v, "tau_syn_ex_p");
  const ap_real *dpi = vstate(r->v, "dPI");
  const double fd = exp(-r->dt / r->tau_delta);
  for (size_t s = 0; s < r->n_syn; s++) {
    const size_t i = r->target[s] & AP_PACK_TARGET_MASK;
    r->aL[s] *= exp(-r->dt * gl[i] / cm[i]);
    r->as[s] *= exp(-r->dt / ts[i]);
    const double pi = 15.0 * r->eta * ts[i] / (1.0 - ts[i] * gl[i] / cm[i]) *
                      dpi[i] * (r->aL[s] - r->as[s]);
    r->i1[s] += pi;
    r->i2[s] = r->i2[s] * fd + pi;
  }
}

static void ref_pre(ref *r, size_t first, size_t n) {
  for (size_t s = first; s < first + n; s++) {
    r->aL[s] += 1.0;
    r->as[s] += 1.0;
  }
}

static double ref_w(const ref *r, size_t s) {
  return r->w0[s] + r->i1[s] - r->i2[s];
}

static double ref_clip(const ref *r, double w) {
  return w < r->wmin ? r->wmin : w > r->wmax ? r->wmax : w;
}

static void check_against(rh *h, ref *r, double rel, const char *what) {
  for (size_t s = 0; s < h->n_syn; s++) {
    double got = exact_w(h, s), want = ref_w(r, s);
    double scale = fabs(want) > 1.0 ? fabs(want) : 1.0;
    RH_CHECK(fabs(got - want) <= rel * scale,
             "%s, synapse %zu: weight %.15g, reference %.15g (diff %.3g)",
             what, s, got, want, got - want);
  }
}

/* ------------------------------------------------ NEST's send() */

/* urbanczik_synapse::send() of NEST with the delay taken as 0 (apical
 * pairs spikes at their emission times), for constant parameters: the
 * neuron's history is (t_h, dPI_h), one entry per step. */
typedef struct nest_syn {
  double weight, init_weight, pi_integral, pi_exp_integral;
  double tau_L_trace, tau_s_trace, t_lastspike;
  size_t next; /* first history entry after t_lastspike (NEST prunes) */
} nest_syn;

typedef struct nest_hist {
  double *t, *dpi;
  size_t n, cap;
} nest_hist;

static void hist_push(nest_hist *hs, double t, double dpi) {
  if (hs->n == hs->cap) {
    hs->cap = hs->cap ? 2 * hs->cap : 1024;
    hs->t = realloc(hs->t, hs->cap * sizeof *hs->t);
    hs->dpi = realloc(hs->dpi, hs->cap * sizeof *hs->dpi);
    RH_CHECK(hs->t && hs->dpi, "out of memory");
  }
  hs->t[hs->n] = t;
  hs->dpi[hs->n++] = dpi;
}

/* The weight NEST computes at a spike at t_spike, before it adds the
 * spike to the traces (returned unclipped in *raw_w); add = 0 leaves the
 * synapse as it was (a weight read at t_spike). */
static double nest_send(nest_syn *y, const nest_hist *hs, double t_spike,
                        double eta, double tau_delta, double wmin,
                        double wmax, double cm, double gl, double tau_s,
                        int add, double *raw_w) {
  const double tau_L = cm / gl;
  nest_syn z = *y;
  double dpi_exp_integral = 0.0;
  size_t k = z.next;
  /* entries in (t_last, t_spike], as get_urbanczik_history's 1e-6 */
  while (k < hs->n && hs->t[k] - 1.0e-6 < z.t_lastspike) k++;
  for (; k < hs->n && hs->t[k] - 1.0e-6 < t_spike; k++) {
    const double t_up = hs->t[k];
    const double minus_delta_t_up = z.t_lastspike - t_up;
    const double minus_t_down = t_up - t_spike;
    const double pi = (z.tau_L_trace * exp(minus_delta_t_up / tau_L) -
                       z.tau_s_trace * exp(minus_delta_t_up / tau_s)) *
                      hs->dpi[k];
    z.pi_integral += pi;
    dpi_exp_integral += exp(minus_t_down / tau_delta) * pi;
  }
  z.pi_exp_integral =
      exp((z.t_lastspike - t_spike) / tau_delta) * z.pi_exp_integral +
      dpi_exp_integral;
  double w = z.pi_integral - z.pi_exp_integral;
  w = z.init_weight + w * 15.0 * cm * tau_s * eta / (gl * (tau_L - tau_s));
  *raw_w = w;
  if (w > wmax)
    w = wmax;
  else if (w < wmin)
    w = wmin;
  z.weight = w;
  if (add) {
    z.tau_L_trace = z.tau_L_trace * exp((z.t_lastspike - t_spike) / tau_L) +
                    1.0;
    z.tau_s_trace = z.tau_s_trace * exp((z.t_lastspike - t_spike) / tau_s) +
                    1.0;
    z.t_lastspike = t_spike;
    z.next = k;
    *y = z;
  }
  return w;
}

/* --------------------------------------------------------------- tests */

START_TEST(test_doc) { rh_check_doc("urbanczik"); }
END_TEST

/* One presynaptic spike at step p, then dPI = D for the m steps after it
 * (before and at the spike, dPI does not count: the PSP is 0 there):
 * the weight at step p + n is, in closed form,
 *   w0 + F D [G(aL, m) - G(as, m)
 *             - exp(-n dt/tau_Delta) (G(aL bD, m) - G(as bD, m))],
 * G(a, m) = sum_{j=1}^m a^j, a_x = exp(-dt/tau_x), bD = exp(dt/tau_Delta).
 * Checked at every step up to 3000 (many epochs), in double precision
 * and as flushed. */
START_TEST(test_one_spike_closed_form) {
  const double dt = 0.1, w0 = 20.0, D = 0.8, eta = 0.5;
  const int64_t p = 40, m = 120, end = 3000;
  rh *h = uz_rule(1, 1, dt, w0);
  rh_set(h, "eta", eta);
  rh_set(h, "Wmax", 1e6);
  view *v = uz_view(h);
  ap_real *dpi = vstate(v, "dPI");
  rh_prepare_ok(h, 0.0);
  const double tau_L = 300.0 / 30.0, tau_s = 3.0, tau_d = 100.0;
  const double F = nest_F(eta, 300.0, 30.0, 3.0);
  ck_assert_double_eq_tol(F, 15.0 * eta * tau_L * tau_s / (tau_L - tau_s),
                          1e-12);
  const double aL = exp(-dt / tau_L), as = exp(-dt / tau_s);
  const double bD = exp(dt / tau_d);
  for (int64_t s = 0; s <= end; s++) {
    dpi[0] = s <= p ? -3.0 : s <= p + m ? D : 0.0;
    rh_step(h, s, 0.0);
    if (s == p) {
      rh_pre(h, s, 0, 1);
      ck_assert_float_eq(h->w[0], (float)w0); /* delivered: no change yet */
    }
    const int64_t n = s - p;
    const int mm = (int)(n < 0 ? 0 : n < m ? n : m);
    const double want =
        w0 + F * D *
                 (geo(aL, mm) - geo(as, mm) -
                  exp(-(double)(n > 0 ? n : 0) * dt / tau_d) *
                      (geo(aL * bD, mm) - geo(as * bD, mm)));
    const double got = exact_w(h, 0);
    RH_CHECK(fabs(got - want) <= 1e-11 * fabs(want),
             "step %lld: weight %.15g, closed form %.15g", (long long)s, got,
             want);
    if (s % 250 == 0 || s == end) {
      rh_flush(h, s);
      RH_WEIGHT_EQ(h->w[0], want, "flushed at step %lld", (long long)s);
    }
  }
  /* the change is well above rounding: about F D (tau_L - tau_s)/dt */
  ck_assert_msg(exact_w(h, 0) > w0 + 100.0, "weight %g", exact_w(h, 0));
  ck_assert_int_gt(((const uz *)h->c.inst)->k, 0);
  view_close(v);
  rh_close(h);
}
END_TEST

/* A second spike delivers the weight of the closed form at its time, and
 * the first spike's PSP keeps counting after it (traces add up). */
START_TEST(test_two_spikes) {
  const double dt = 0.1, w0 = 10.0, D = -0.2, eta = 1.0;
  rh *h = uz_rule(1, 1, dt, w0);
  rh_set(h, "eta", eta);
  rh_set(h, "Wmin", -1e6);
  view *v = uz_view(h);
  ap_real *dpi = vstate(v, "dPI");
  rh_prepare_ok(h, 0.0);
  const double F = nest_F(eta, 300.0, 30.0, 3.0);
  const double aL = exp(-dt / 10.0), as = exp(-dt / 3.0);
  const double bD = exp(dt / 100.0);
  /* spikes at steps 0 and 50; dPI = D at steps 1..100 */
  for (int64_t s = 0; s <= 100; s++) {
    dpi[0] = s >= 1 ? D : 0.0;
    rh_step(h, s, 0.0);
    if (s == 0 || s == 50) rh_pre(h, s, 0, 1);
    if (s == 50) {
      const double want =
          w0 + F * D *
                   (geo(aL, 50) - geo(as, 50) -
                    exp(-50 * dt / 100.0) *
                        (geo(aL * bD, 50) - geo(as * bD, 50)));
      RH_WEIGHT_EQ(h->w[0], want, "delivered at the second spike");
    }
  }
  /* at step 100: the first spike's kernel over steps 1..100 plus the
   * second's over 51..100 (j = 1..50 after it) */
  double want = w0;
  for (int j = 1; j <= 100; j++) {
    double psp = pow(aL, j) - pow(as, j);
    if (j > 50) psp += pow(aL, j - 50) - pow(as, j - 50);
    want += F * D * psp * (1.0 - exp(-(100 - j) * dt / 100.0));
  }
  ck_assert_double_eq_tol(exact_w(h, 0), want, 1e-11 * fabs(want));
  ck_assert(exact_w(h, 0) < w0);
  view_close(v);
  rh_close(h);
}
END_TEST

/* Saved mid-epoch and loaded into a fresh instance (the host's arrays
 * copied over), the rule goes on exactly as the uninterrupted one, and
 * not without the load; a state of another projection is refused. */
static void uz_drive(rh *h, view *v, int64_t s0, int64_t s1) {
  ap_real *dpi = vstate(v, "dPI");
  for (int64_t s = s0; s < s1; s++) {
    for (size_t i = 0; i < h->n_post; i++)
      dpi[i] = 0.3 * sin(0.01 * (double)(s + 7 * (int64_t)i));
    rh_step(h, s, 0.0);
    for (size_t j = 0; j < 3; j++)
      if ((s + 11 * (int64_t)j) % 37 == 0) rh_pre(h, s, j * h->n_post,
                                                  h->n_post);
  }
}

START_TEST(test_save_load) {
  rh *h[3];
  view *v[3];
  for (int k = 0; k < 3; k++) {
    h[k] = uz_rule(3, 2, 0.1, 5.0);
    v[k] = uz_view(h[k]);
    rh_prepare_ok(h[k], 0.0);
  }
  uz_drive(h[0], v[0], 0, 700);
  rh_flush(h[0], 699); /* the weights shown, then more steps */
  uz_drive(h[0], v[0], 700, 777);
  static memstream b;
  ap_stream st = memstream_open(&b);
  ck_assert_int_eq(h[0]->d->save(&h[0]->c, &st, h[0]->err, sizeof h[0]->err),
                   AP_OK);
  for (int k = 1; k < 3; k++) {
    memcpy(h[k]->w, h[0]->w, h[0]->n_syn * sizeof *h[0]->w);
    for (unsigned q = 0; q < h[0]->d->n_syn_vars; q++)
      memcpy(h[k]->syn[q], h[0]->syn[q], h[0]->n_syn * sizeof(ap_real));
    for (unsigned q = 0; q < v[0]->v.n_vars; q++)
      memcpy(v[k]->state[q], v[0]->state[q], h[0]->n_post * sizeof(ap_real));
  }
  ck_assert_int_eq(h[1]->d->load(&h[1]->c, &st, h[1]->err, sizeof h[1]->err),
                   AP_OK);
  for (int k = 0; k < 3; k++) {
    uz_drive(h[k], v[k], 777, 2500);
    rh_flush(h[k], 2499);
  }
  int differs = 0;
  for (size_t s = 0; s < h[0]->n_syn; s++) {
    RH_CHECK(h[1]->w[s] == h[0]->w[s], "synapse %zu after the load", s);
    differs |= h[2]->w[s] != h[0]->w[s];
  }
  ck_assert_msg(differs, "without the load the rule learned the same");
  rh *o = uz_rule(2, 2, 0.1, 5.0);
  view *ov = uz_view(o);
  rh_prepare_ok(o, 0.0);
  memstream_rewind(&b);
  ck_assert_int_eq(o->d->load(&o->c, &st, o->err, sizeof o->err), AP_EINVAL);
  ck_assert_str_eq(o->err, "the state was saved for a projection of 6 "
                   "synapses into 2 neurons, this one has 4 into 2");
  view_close(ov);
  rh_close(o);
  for (int k = 0; k < 3; k++) {
    view_close(v[k]);
    rh_close(h[k]);
  }
}
END_TEST

/* eta = 0: nothing moves, exactly, whatever the spikes and dPI. */
START_TEST(test_eta_zero) {
  rh *h = uz_rule(3, 2, 0.1, 42.5);
  rh_set(h, "eta", 0.0);
  view *v = uz_view(h);
  ap_real *dpi = vstate(v, "dPI");
  rh_prepare_ok(h, 0.0);
  uint32_t x = 5u;
  for (int64_t s = 0; s < 5000; s++) {
    for (size_t i = 0; i < 2; i++) {
      x = x * 1664525u + 1013904223u;
      dpi[i] = ((double)(x >> 8) / 16777216.0 - 0.3) * 4.0;
    }
    rh_step(h, s, 0.0);
    for (size_t i = 0; i < 3; i++) {
      x = x * 1664525u + 1013904223u;
      if ((x >> 24) < 8) rh_pre(h, s, i * 2, 2);
    }
    if (s % 700 == 0) rh_flush(h, s);
  }
  rh_flush(h, 4999);
  for (size_t s = 0; s < h->n_syn; s++) {
    ck_assert_float_eq(h->w[s], 42.5f);
    ck_assert_double_eq(exact_w(h, s), 42.5);
  }
  view_close(v);
  rh_close(h);
}
END_TEST

/* Clipping never feeds back (as NEST): the weight shows Wmax while w is
 * above it and leaves Wmax only when w comes back below, and the same at
 * Wmin.  dPI = +0.5, then -0.5, then +0.5 drive w (in closed form the
 * eager reference) above Wmax, below Wmin and back up through both. */
START_TEST(test_clip) {
  const double dt = 0.1;
  rh *h = uz_rule(1, 1, dt, 20.0);
  rh_set(h, "eta", 0.01);
  rh_set(h, "Wmax", 25.0);
  rh_set(h, "Wmin", 15.0);
  view *v = uz_view(h);
  ap_real *dpi = vstate(v, "dPI");
  rh_prepare_ok(h, 0.0);
  ref *r = ref_open(h, v);
  int above = 0, below = 0, left_max = 0, left_min = 0;
  float prev = 20.0f;
  for (int64_t s = 0; s < 3000; s++) {
    dpi[0] = s < 300 ? 0.5 : s < 1000 ? -0.5 : 0.5;
    rh_step(h, s, 0.0);
    ref_step(r);
    if (s % 20 == 0) { /* a regular input, so the PSP is never 0 */
      rh_pre(h, s, 0, 1);
      ref_pre(r, 0, 1);
      RH_WEIGHT_EQ(h->w[0], ref_clip(r, ref_w(r, 0)), "delivered, step %lld",
                   (long long)s);
    }
    rh_flush(h, s);
    const double w = ref_w(r, 0);
    RH_WEIGHT_EQ(h->w[0], ref_clip(r, w), "flushed, step %lld", (long long)s);
    above += w > 25.0;
    below += w < 15.0;
    if (prev == 25.0f && h->w[0] < 25.0f) {
      left_max++;
      RH_CHECK(w < 25.0 && exact_w(h, 0) < 25.0, "left Wmax with w = %g", w);
    }
    if (prev == 15.0f && h->w[0] > 15.0f) {
      left_min++;
      RH_CHECK(w > 15.0 && exact_w(h, 0) > 15.0, "left Wmin with w = %g", w);
    }
    prev = h->w[0];
  }
  ck_assert_int_gt(above, 100);
  ck_assert_int_gt(below, 100);
  ck_assert_int_eq(left_max, 1);
  ck_assert_int_eq(left_min, 1);
  ck_assert_float_eq(h->w[0], 25.0f); /* above again at the end */
  check_against(h, r, 1e-9, "clip run");
  ref_close(r);
  view_close(v);
  rh_close(h);
}
END_TEST

/* 20,000 steps through a 4 x 3 projection, neurons with different
 * dendrites (tau_L 10, 4 and infinite, tau_s 3, 2 and 5 ms), irregular
 * presynaptic spikes and a dPI like the neuron's (rare spikes, a small
 * negative drift): the lazy weights match the eager reference all along
 * and the weights NEST's send() delivers at every spike.  A twin flushed
 * after every step (as weight recording does) ends in the same state. */
START_TEST(test_references) {
  enum { PRE = 4, POST = 3 };
  const double dt = 0.1, eta = 0.05;
  rh *h = uz_rule(PRE, POST, dt, 50.0);
  rh *hf = uz_rule(PRE, POST, dt, 50.0);
  view *v = uz_view(h), *vf = uz_view(hf);
  const double cm[POST] = {300.0, 200.0, 250.0};
  const double gl[POST] = {30.0, 50.0, 0.0};
  const double ts[POST] = {3.0, 2.0, 5.0};
  for (int k = 0; k < 2; k++) {
    rh *hk = k ? hf : h;
    view *vk = k ? vf : v;
    rh_set(hk, "eta", eta);
    rh_set(hk, "tau_Delta", 30.0);
    rh_set(hk, "Wmin", -1e6);
    rh_set(hk, "Wmax", 1e6);
    for (size_t i = 0; i < POST; i++) {
      vparam(vk, "C_m_p")[i] = cm[i];
      vparam(vk, "g_L_p")[i] = gl[i];
      vparam(vk, "tau_syn_ex_p")[i] = ts[i];
    }
    rh_prepare_ok(hk, 0.0);
  }
  ap_real *dpi = vstate(v, "dPI"), *dpif = vstate(vf, "dPI");
  ref *r = ref_open(h, v);
  nest_syn ns[PRE * POST];
  nest_hist hist[POST];
  memset(hist, 0, sizeof hist);
  for (size_t s = 0; s < PRE * POST; s++)
    ns[s] = (nest_syn){50.0, 50.0, 0.0, 0.0, 0.0, 0.0, -1.0, 0};
  uint32_t x = 2024u;
  int epochs = 0, spikes = 0;
  double tE = ((const uz *)h->c.inst)->tE;
  for (int64_t s = 0; s < 20000; s++) {
    const double t = rh_time(h, s);
    for (size_t i = 0; i < POST; i++) {
      x = x * 1664525u + 1013904223u;
      const double hv = 1.0 + 4.0 * (double)(x >> 8) / 16777216.0;
      x = x * 1664525u + 1013904223u;
      const int spike = (x >> 8) % 1000 < 2; /* 20 Hz */
      dpi[i] = dpif[i] = ((spike ? 1.0 : 0.0) - 0.002) * hv;
      hist_push(&hist[i], t, dpi[i]);
    }
    rh_step(h, s, 0.0);
    rh_step(hf, s, 0.0);
    ref_step(r);
    for (size_t i = 0; i < PRE; i++) {
      x = x * 1664525u + 1013904223u;
      if ((x >> 8) % 1000 >= 5) continue; /* 50 Hz */
      spikes++;
      /* the row in two segments, as threads may give it */
      double nest_raw[POST];
      for (size_t j = 0; j < POST; j++) {
        const size_t q = i * POST + j;
        if (gl[j] > 0.0)
          nest_send(&ns[q], &hist[j], t, eta, 30.0, -1e6, 1e6, cm[j], gl[j],
                    ts[j], 1, &nest_raw[j]);
        RH_CHECK(fabs(exact_w(h, q) - ref_w(r, q)) <=
                     1e-9 * fmax(1.0, fabs(ref_w(r, q))),
                 "before spike, synapse %zu: %.15g vs %.15g", q,
                 exact_w(h, q), ref_w(r, q));
      }
      rh_pre(h, s, i * POST, 1);
      rh_pre(h, s, i * POST + 1, POST - 1);
      rh_pre(hf, s, i * POST, POST);
      ref_pre(r, i * POST, POST);
      for (size_t j = 0; j < POST; j++) {
        const size_t q = i * POST + j;
        if (gl[j] > 0.0) { /* NEST cannot take g_L = 0 */
          RH_CHECK(fabs(nest_raw[j] - ref_w(r, q)) <=
                       1e-9 * fmax(1.0, fabs(nest_raw[j])),
                   "NEST's send, synapse %zu at %g ms: %.15g, eager %.15g", q,
                   t, nest_raw[j], ref_w(r, q));
          RH_WEIGHT_EQ(h->w[q], nest_raw[j], "delivered, synapse %zu", q);
        }
      }
    }
    rh_flush(hf, s);
    if (((const uz *)h->c.inst)->tE != tE) {
      tE = ((const uz *)h->c.inst)->tE;
      epochs++;
    }
    if (s % 1000 == 999) check_against(h, r, 1e-9, "reference run");
  }
  ck_assert_int_gt(epochs, 50);
  ck_assert_int_gt(spikes, 300);
  rh_flush(h, 19999);
  double moved = 0.0;
  for (size_t s = 0; s < h->n_syn; s++) {
    RH_WEIGHT_EQ(h->w[s], ref_w(r, s), "synapse %zu at the end", s);
    moved += fabs(ref_w(r, s) - 50.0);
  }
  rh_assert_same(h, hf);
  ck_assert_msg(moved > 10.0, "the weights hardly moved (%g)", moved);
  for (size_t i = 0; i < POST; i++) {
    free(hist[i].t);
    free(hist[i].dpi);
  }
  ref_close(r);
  view_close(v);
  view_close(vf);
  rh_close(h);
  rh_close(hf);
}
END_TEST

/* A weight the host writes after a flush is where the rule goes on from;
 * a dendrite's parameters changed between runs act from the next step
 * (as the eager reference, which uses each step's parameters); a change
 * that makes tau_L = tau_s keeps the old kernel. */
START_TEST(test_host_changes) {
  const double dt = 0.1;
  rh *h = uz_rule(2, 2, dt, 30.0);
  rh_set(h, "eta", 0.2);
  rh_set(h, "Wmin", -1e6);
  rh_set(h, "Wmax", 1e6);
  view *v = uz_view(h);
  ap_real *dpi = vstate(v, "dPI");
  rh_prepare_ok(h, 0.0);
  ref *r = ref_open(h, v);
  uint32_t x = 77u;
  for (int64_t s = 0; s < 6000; s++) {
    if (s == 2000) { /* between runs: flush, then the host writes */
      rh_flush(h, s - 1);
      h->w[1] = 12.0f;
      r->w0[1] += 12.0 - ref_w(r, 1);
      h->w[2] = 99.0f;
      r->w0[2] += 99.0 - ref_w(r, 2);
    }
    if (s == 3000) vparam(v, "tau_syn_ex_p")[1] = 1.5;
    if (s == 3500) vparam(v, "g_L_p")[0] = 15.0;
    if (s == 4000) { /* tau_L = 300/100 = 3 ms = tau_s: refused, kept */
      vparam(v, "g_L_p")[0] = 100.0;
      check_against(h, r, 1e-9, "before the bad change");
    }
    for (size_t i = 0; i < 2; i++) {
      x = x * 1664525u + 1013904223u;
      dpi[i] = ((x >> 24) < 6 ? 4.0 : -0.01);
    }
    rh_step(h, s, 0.0);
    if (s == 4000) { /* the reference keeps the old kernel too */
      vparam(v, "g_L_p")[0] = 15.0;
      ref_step(r);
      vparam(v, "g_L_p")[0] = 100.0;
    } else if (s > 4000) {
      vparam(v, "g_L_p")[0] = 15.0;
      ref_step(r);
      vparam(v, "g_L_p")[0] = 100.0;
    } else {
      ref_step(r);
    }
    for (size_t i = 0; i < 2; i++) {
      x = x * 1664525u + 1013904223u;
      if ((x >> 24) < 4) {
        rh_pre(h, s, i * 2, 2);
        ref_pre(r, i * 2, 2);
      }
    }
    if (s % 500 == 499) check_against(h, r, 1e-9, "host changes");
  }
  ck_assert_int_eq(((const uz *)h->c.inst)->warned, 1);
  rh_flush(h, 5999);
  for (size_t s = 0; s < 4; s++)
    RH_WEIGHT_EQ(h->w[s], ref_w(r, s), "synapse %zu", s);
  ref_close(r);
  view_close(v);
  rh_close(h);
}
END_TEST

/* Prepared at t = 5 ms (a later first run), then steps that skip 300
 * steps (the host's contract never does; the rule counts them with
 * dPI = 0): still the eager reference. */
START_TEST(test_gap) {
  const double dt = 0.1;
  rh *h = uz_rule(2, 2, dt, 10.0);
  rh_set(h, "eta", 0.3);
  rh_set(h, "Wmin", -1e6);
  rh_set(h, "Wmax", 1e6);
  view *v = uz_view(h);
  ap_real *dpi = vstate(v, "dPI");
  rh_prepare_ok(h, rh_time(h, 49));
  ref *r = ref_open(h, v);
  uint32_t x = 3u;
  for (int64_t s = 50; s < 3000; s++) {
    const int skipped = s >= 1000 && s < 1300;
    for (size_t i = 0; i < 2; i++) {
      x = x * 1664525u + 1013904223u;
      dpi[i] = skipped ? 0.0 : ((x >> 24) < 6 ? 4.0 : -0.01);
    }
    if (!skipped) rh_step(h, s, 0.0);
    ref_step(r);
    if (skipped) continue;
    for (size_t i = 0; i < 2; i++) {
      x = x * 1664525u + 1013904223u;
      if ((x >> 24) < 8) {
        rh_pre(h, s, i * 2, 2);
        ref_pre(r, i * 2, 2);
      }
    }
    if (s % 100 == 0) check_against(h, r, 1e-9, "gap run");
  }
  rh_flush(h, 2999);
  for (size_t s = 0; s < 4; s++)
    RH_WEIGHT_EQ(h->w[s], ref_w(r, s), "synapse %zu", s);
  ref_close(r);
  view_close(v);
  rh_close(h);
}
END_TEST

/* Hooks run by 3 threads (rows in segments, on_step on the host's thread
 * alone) leave exactly the state one thread leaves.  The pattern's level
 * callback, called on the host's thread just before on_step, writes the
 * step's dPI into the view, as the neurons would. */
static ap_real *thread_dpi;
static size_t thread_n_post;
static double thread_level(int64_t step) {
  for (size_t i = 0; i < thread_n_post; i++) {
    uint32_t y = rh_hash_((uint64_t)step * 7919u + i);
    thread_dpi[i] = (y % 40 == 0 ? 4.0 : 0.0) - 0.01 * (double)(y % 7);
  }
  return 0.0;
}
static int no_post(int64_t step, uint32_t j) { return 0; }

START_TEST(test_threads) {
  enum { PRE = 6, POST = 5 };
  rh *h[2];
  view *v[2];
  rh_pattern pat = rh_pattern_default();
  pat.steps = 5000;
  pat.level = thread_level;
  pat.post = no_post;
  for (int k = 0; k < 2; k++) {
    h[k] = uz_rule(PRE, POST, 0.1, 50.0);
    rh_set(h[k], "eta", 0.5);
    rh_set(h[k], "Wmin", -1e3);
    rh_set(h[k], "Wmax", 1e3);
    v[k] = uz_view(h[k]);
    rh_prepare_ok(h[k], 0.0);
    thread_dpi = vstate(v[k], "dPI");
    thread_n_post = POST;
    rh_thread_run(h[k], &pat, k ? 3 : 1);
  }
  for (int k = 0; k < 2; k++) rh_flush(h[k], pat.steps - 1);
  rh_assert_same(h[0], h[1]);
  int changed = 0;
  for (size_t s = 0; s < PRE * POST; s++) changed += h[0]->w[s] != 50.0f;
  ck_assert_int_gt(changed, PRE * POST / 2);
  for (int k = 0; k < 2; k++) {
    view_close(v[k]);
    rh_close(h[k]);
  }
}
END_TEST

/* What prepare() refuses, each with its sentence. */
START_TEST(test_prepare_refuses) {
  rh *h = uz_rule(1, 1, 0.1, 1.0);
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_msg(strstr(h->err, "no view of the postsynaptic neurons"), "%s",
                h->err);
  rh_close(h);

  /* a model without the Urbanczik-Senn variables */
  static const ap_var_desc lif_vars[] = {
      {"V_m", "mV", "membrane potential", -70.0, NULL, 0, 0}};
  h = uz_rule(1, 1, 0.1, 1.0);
  view *v = view_open(h, "lif_psc_exp", uz_params, N_UZ_PARAMS, lif_vars, 1);
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_str_eq(h->err,
                   "the postsynaptic model lif_psc_exp lacks the state "
                   "variables V_w_star, dPI: the rule learns from the "
                   "dendritic prediction of a model such as "
                   "pp_cond_exp_mc_urbanczik (V_w_star and its error term "
                   "dPI)");
  view_close(v);
  rh_close(h);

  /* only dPI missing */
  h = uz_rule(1, 1, 0.1, 1.0);
  v = view_open(h, "half", uz_params, N_UZ_PARAMS, uz_vars, 2);
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_msg(strstr(h->err, "model half lacks the state variable dPI:"),
                "%s", h->err);
  view_close(v);
  rh_close(h);

  /* the variables but not the dendrite's parameters */
  h = uz_rule(1, 1, 0.1, 1.0);
  v = view_open(h, "nodend", uz_params, 2, uz_vars, N_UZ_VARS);
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_msg(strstr(h->err, "model nodend lacks the parameters g_L_p, "
                               "tau_syn_ex_p: the PSP kernel"),
                "%s", h->err);
  view_close(v);
  rh_close(h);

  /* tau_L = tau_s */
  h = uz_rule(1, 2, 0.1, 1.0);
  v = uz_view(h);
  vparam(v, "g_L_p")[1] = 100.0;
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_str_eq(h->err,
                   "postsynaptic neuron 2: tau_L = C_m_p / g_L_p = 3 ms "
                   "equals tau_syn_ex_p = 3 ms; the PSP kernel "
                   "exp(-t/tau_L) - exp(-t/tau_s) vanishes and its factor "
                   "divides by tau_L - tau_s");
  view_close(v);
  rh_close(h);

  h = uz_rule(1, 1, 0.1, 1.0);
  v = uz_view(h);
  rh_set(h, "Wmin", 5.0);
  rh_set(h, "Wmax", 4.0);
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_str_eq(h->err, "Wmin (5 pA) must not be greater than Wmax (4 "
                           "pA): the weights are kept in [Wmin, Wmax]");
  view_close(v);
  rh_close(h);

  h = uz_rule(1, 1, 0.1, 1.0);
  v = uz_view(h);
  rh_set(h, "tau_Delta", 0.0);
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_str_eq(h->err, "tau_Delta must be > 0 ms and finite, got 0 ms");
  view_close(v);
  rh_close(h);
}
END_TEST

static Suite *make_urbanczik_suite(void) {
  Suite *s = suite_create("urbanczik");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_doc);
  tcase_add_test(tc, test_one_spike_closed_form);
  tcase_add_test(tc, test_two_spikes);
  tcase_add_test(tc, test_save_load);
  tcase_add_test(tc, test_eta_zero);
  tcase_add_test(tc, test_clip);
  tcase_add_test(tc, test_references);
  tcase_add_test(tc, test_host_changes);
  tcase_add_test(tc, test_gap);
  tcase_add_test(tc, test_threads);
  tcase_add_test(tc, test_prepare_refuses);
  suite_add_tcase(s, tc);
  return s;
}

AP_CHECK_MAIN(make_urbanczik_suite)
