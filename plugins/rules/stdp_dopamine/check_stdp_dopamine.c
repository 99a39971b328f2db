/* check_stdp_dopamine.c -- the lazy dopamine-modulated STDP rule against an
 * eager step-by-step reference computed here: c decays by exp(-dt/tau_c)
 * every step, w += dt c (n - b) every step, spikes make c jump.
 *
 * The rule keeps each weight in double precision (w_raw + c_hat (G - g0),
 * see the plugin), which is compared with the reference to 1e-9; the
 * stored single-precision weights after flush() to their own rounding. */
#include "stdp_dopamine.c"

#include "check_main.h"
#include "memstream.h"
#include "rule_harness.h"

START_TEST(test_doc) { rh_check_doc("stdp_dopamine"); }
END_TEST

/* ---------------------------------------------------- eager reference */

typedef struct ref {
  size_t n_syn, n_post;
  double dt, a_plus, a_minus, tau_plus, tau_minus, tau_c, b;
  double *c, *w, *kplus, *t_last; /* per synapse */
  double *kminus, *t_post;        /* per postsynaptic neuron */
  const uint32_t *target;
} ref;

static ref *ref_open(rh *h) {
  ref *r = rh_calloc_(1, sizeof *r);
  r->n_syn = h->n_syn;
  r->n_post = h->n_post;
  r->dt = h->dt;
  r->a_plus = h->param[PAR_A_PLUS];
  r->a_minus = h->param[PAR_A_MINUS];
  r->tau_plus = h->param[PAR_TAU_PLUS];
  r->tau_minus = h->param[PAR_TAU_MINUS];
  r->tau_c = h->param[PAR_TAU_C];
  r->b = h->param[PAR_B];
  r->c = rh_calloc_(r->n_syn, sizeof(double));
  r->w = rh_calloc_(r->n_syn, sizeof(double));
  r->kplus = rh_calloc_(r->n_syn, sizeof(double));
  r->t_last = rh_calloc_(r->n_syn, sizeof(double));
  r->kminus = rh_calloc_(r->n_post, sizeof(double));
  r->t_post = rh_calloc_(r->n_post, sizeof(double));
  for (size_t s = 0; s < r->n_syn; s++) {
    r->w[s] = h->w[s];
    r->t_last[s] = -INFINITY;
  }
  for (size_t j = 0; j < r->n_post; j++) r->t_post[j] = -INFINITY;
  r->target = h->target;
  return r;
}

static void ref_close(ref *r) {
  free(r->c);
  free(r->w);
  free(r->kplus);
  free(r->t_last);
  free(r->kminus);
  free(r->t_post);
  free(r);
}

/* Step s with level n at its end, before its spikes. */
static void ref_step(ref *r, double n) {
  const double f = exp(-r->dt / r->tau_c);
  for (size_t s = 0; s < r->n_syn; s++) {
    r->c[s] *= f;
    r->w[s] += r->dt * r->c[s] * (n - r->b);
  }
}

static void ref_pre(ref *r, double t, size_t first, size_t n) {
  for (size_t s = first; s < first + n; s++) {
    size_t j = r->target[s] & AP_PACK_TARGET_MASK;
    r->c[s] -=
        r->a_minus * r->kminus[j] * exp(-(t - r->t_post[j]) / r->tau_minus);
    r->kplus[s] = r->kplus[s] * exp(-(t - r->t_last[s]) / r->tau_plus) + 1.0;
    r->t_last[s] = t;
  }
}

static void ref_post(ref *r, double t, size_t j) {
  for (size_t s = 0; s < r->n_syn; s++)
    if ((r->target[s] & AP_PACK_TARGET_MASK) == j)
      /* a presynaptic spike of the same step does not pair (as NEST) */
      r->c[s] += r->a_plus *
                 (r->kplus[s] * exp(-(t - r->t_last[s]) / r->tau_plus) -
                  (r->t_last[s] == t ? 1.0 : 0.0));
  r->kminus[j] = r->kminus[j] * exp(-(t - r->t_post[j]) / r->tau_minus) + 1.0;
  r->t_post[j] = t;
}

/* ------------------------------------------------------------ helpers */

/* The rule's weight of synapse s in double precision, unclipped. */
static double exact_w(rh *h, size_t s) {
  const dopa *d = h->c.inst;
  return rh_sv(h, "w_raw")[s] +
         rh_sv(h, "c_hat")[s] * (d->G - rh_sv(h, "g0")[s]);
}

/* The rule's eligibility of synapse s at the time of the last on_step. */
static double elig(rh *h, size_t s, int64_t step) {
  const dopa *d = h->c.inst;
  return rh_sv(h, "c_hat")[s] * exp(-(rh_time(h, step) - d->tE) / d->tau_c);
}

static rh *dopa_rule(size_t n_pre, size_t n_post, double dt, double w0) {
  rh *h = rh_open("stdp_dopamine", n_pre * n_post, n_post, dt);
  for (size_t s = 0; s < h->n_syn; s++) h->w[s] = (ap_weight)w0;
  return h;
}

/* Both the rule and the reference: on_step of `step`, then the spikes of
 * that step (presynaptic neuron i's row is [i*n_post, (i+1)*n_post), given
 * in two segments), then the postsynaptic spikes. */
static void both_step(rh *h, ref *r, int64_t step, double level) {
  rh_step(h, step, level);
  ref_step(r, level);
}

static void both_pre(rh *h, ref *r, int64_t step, size_t i) {
  size_t first = i * h->n_post, n = h->n_post;
  rh_pre(h, step, first, 1);
  if (n > 1) rh_pre(h, step, first + 1, n - 1);
  ref_pre(r, rh_time(h, step), first, n);
}

static void both_post(rh *h, ref *r, int64_t step, uint32_t j) {
  rh_post(h, step, j);
  ref_post(r, rh_time(h, step), j);
}

static void check_against(rh *h, ref *r, double rel, const char *what) {
  for (size_t s = 0; s < h->n_syn; s++) {
    double got = exact_w(h, s), want = r->w[s];
    double scale = fabs(want) > 1.0 ? fabs(want) : 1.0;
    RH_CHECK(fabs(got - want) <= rel * scale,
             "%s, synapse %zu: weight %.15g, reference %.15g (diff %.3g)",
             what, s, got, want, got - want);
  }
}

/* --------------------------------------------------------------- tests */

/* With the dopamine level at the baseline b, pairings build eligibility
 * but never change a weight, exactly. */
START_TEST(test_baseline) {
  const double dt = 0.1;
  rh *h = dopa_rule(3, 2, dt, 50.0);
  rh_set(h, "b", 0.25);
  rh_prepare_ok(h, 0.0);
  uint32_t x = 7u;
  for (int64_t s = 0; s < 20000; s++) {
    rh_step(h, s, 0.25);
    for (size_t i = 0; i < 3; i++) {
      x = x * 1664525u + 1013904223u;
      if ((x >> 24) < 2) rh_pre(h, s, i * 2, 2);
    }
    for (uint32_t j = 0; j < 2; j++) {
      x = x * 1664525u + 1013904223u;
      if ((x >> 24) < 2) rh_post(h, s, j);
    }
  }
  rh_flush(h, 19999);
  int eligible = 0;
  for (size_t s = 0; s < h->n_syn; s++) {
    ck_assert_double_eq(h->w[s], 50.0);
    ck_assert_double_eq(exact_w(h, s), 50.0);
    eligible += rh_sv(h, "c_hat")[s] != 0.0;
  }
  ck_assert_int_gt(eligible, 0);
  rh_close(h);
}
END_TEST

/* One pairing (pre at step p, post at step q), then the dopamine level
 * n > b over steps [on, off), n = b otherwise: returns the final weight
 * and checks the lazy rule against the reference all along. */
static double reward(int64_t p, int64_t q, double level, int64_t on,
                     int64_t off, double w0, double wmax, int clipped) {
  const double dt = 0.1;
  rh *h = dopa_rule(1, 1, dt, w0);
  rh_set(h, "b", 0.1);
  rh_set(h, "Wmax", wmax);
  rh_prepare_ok(h, 0.0);
  ref *r = ref_open(h);
  const int64_t steps = 40000;
  for (int64_t s = 0; s < steps; s++) {
    both_step(h, r, s, s >= on && s < off ? 0.1 + level : 0.1);
    if (s == p) both_pre(h, r, s, 0);
    if (s == q) both_post(h, r, s, 0);
    /* lazy: the stored weight moves only at the synapse's spikes */
    if (s > p && s > q)
      RH_CHECK(h->w[0] == (ap_weight)w0 || clipped,
               "stored weight moved before a flush (step %lld)",
               (long long)s);
    if (!clipped && s % 97 == 0) {
      check_against(h, r, 1e-9, "reward run");
      RH_CHECK(rh_close_rel(elig(h, 0, s), r->c[0], 1e-9) ||
                   fabs(r->c[0]) < 1e-300,
               "eligibility %.15g, reference %.15g at step %lld",
               elig(h, 0, s), r->c[0], (long long)s);
    }
  }
  rh_flush(h, steps - 1);
  double w = h->w[0];
  if (!clipped) {
    check_against(h, r, 1e-9, "reward run, end");
    RH_WEIGHT_EQ(w, r->w[0], "flushed weight");
  }
  ref_close(r);
  rh_close(h);
  return w;
}

/* pre-before-post, then dopamine: potentiation, as the reference. */
START_TEST(test_reward_potentiates) {
  double w = reward(100, 150, 0.5, 300, 800, 50.0, 200.0, 0);
  ck_assert_msg(w > 50.5, "weight %g", w);
  /* dopamine before the pairing does nothing */
  w = reward(1000, 1050, 0.5, 300, 800, 50.0, 200.0, 0);
  ck_assert_double_eq(w, 50.0);
}
END_TEST

/* post-before-pre, then dopamine: depression, as the reference. */
START_TEST(test_punish_depresses) {
  double w = reward(150, 100, 0.5, 300, 800, 50.0, 200.0, 0);
  ck_assert_msg(w < 49.5, "weight %g", w);
}
END_TEST

/* Spikes of one step: no eligibility by default (as NEST); same_step = 1
 * adds A_plus, -1 removes A_minus (daspnet.m's order). */
START_TEST(test_same_step) {
  for (int same = -1; same <= 1; same++) {
    rh *h = dopa_rule(1, 1, 1.0, 2.0);
    rh_set(h, "A_plus", 0.1);
    rh_set(h, "A_minus", 0.15);
    rh_set(h, "same_step", same);
    rh_prepare_ok(h, 0.0);
    rh_step(h, 0, 0.0);
    rh_step(h, 1, 0.0);
    rh_pre(h, 1, 0, 1);
    rh_post(h, 1, 0);
    double want = same > 0 ? 0.1 : same < 0 ? -0.15 : 0.0;
    double got = elig(h, 0, 1);
    ck_assert_msg(fabs(got - want) <= 1e-12, "same_step %d: eligibility %.15g, "
                  "want %g", same, got, want);
    rh_close(h);
  }
}
END_TEST

/* Strong reward drives the weight to Wmax exactly, and no further: the
 * flushed weight is Wmax, and the synapse's next spike clips w_raw. */
START_TEST(test_clip) {
  double w = reward(100, 150, 200.0, 300, 20000, 50.0, 80.0, 1);
  ck_assert_double_eq(w, 80.0);
  w = reward(150, 100, 200.0, 300, 20000, 50.0, 80.0, 1);
  ck_assert_double_eq(w, 0.0);

  const double dt = 0.1;
  rh *h = dopa_rule(1, 1, dt, 50.0);
  rh_set(h, "Wmax", 80.0);
  rh_prepare_ok(h, 0.0);
  rh_step(h, 0, 0.0);
  rh_pre(h, 0, 0, 1);
  rh_step(h, 1, 0.0);
  rh_post(h, 1, 0);
  for (int64_t s = 2; s < 5000; s++) rh_step(h, s, 100.0);
  ck_assert(exact_w(h, 0) > 80.0); /* runs past the bound unclipped ... */
  rh_flush(h, 4999);
  ck_assert_double_eq(h->w[0], 80.0); /* ... is shown clipped ... */
  rh_step(h, 5000, 100.0);
  rh_pre(h, 5000, 0, 1);
  ck_assert_double_eq(rh_sv(h, "w_raw")[0], 80.0); /* ... clipped at a spike */
  ck_assert_double_eq(h->w[0], 80.0);
  rh_close(h);
}
END_TEST

/* The stored weights stay as they were until flush() makes them current
 * (and then equal the reference); flush changes no state. */
START_TEST(test_flush) {
  const double dt = 0.1;
  rh *h = dopa_rule(2, 2, dt, 30.0);
  rh_prepare_ok(h, 0.0);
  ref *r = ref_open(h);
  for (int64_t s = 0; s < 3000; s++) {
    both_step(h, r, s, s >= 500 && s < 900 ? 0.8 : 0.0);
    if (s == 10) both_pre(h, r, s, 0);
    if (s == 20) both_pre(h, r, s, 1);
    if (s == 60) both_post(h, r, s, 0);
    if (s == 90) both_post(h, r, s, 1);
  }
  for (size_t s = 0; s < h->n_syn; s++) ck_assert_double_eq(h->w[s], 30.0);
  double before[3][4];
  for (size_t s = 0; s < 4; s++) {
    before[0][s] = rh_sv(h, "w_raw")[s];
    before[1][s] = rh_sv(h, "c_hat")[s];
    before[2][s] = rh_sv(h, "g0")[s];
  }
  rh_flush(h, 2999);
  for (size_t s = 0; s < h->n_syn; s++) {
    RH_WEIGHT_EQ(h->w[s], r->w[s], "synapse %zu after flush", s);
    ck_assert(h->w[s] != 30.0f);
    ck_assert(rh_sv(h, "w_raw")[s] == before[0][s]);
    ck_assert(rh_sv(h, "c_hat")[s] == before[1][s]);
    ck_assert(rh_sv(h, "g0")[s] == before[2][s]);
  }
  ref_close(r);
  rh_close(h);
}
END_TEST

/* A weight the host writes after a flush is where the rule goes on from. */
START_TEST(test_host_writes) {
  const double dt = 0.1;
  rh *h = dopa_rule(1, 2, dt, 30.0);
  rh_prepare_ok(h, 0.0);
  ref *r = ref_open(h);
  int64_t s = 0;
  for (; s < 2000; s++) {
    both_step(h, r, s, s >= 300 ? 0.5 : 0.0);
    if (s == 10) both_pre(h, r, s, 0);
    if (s == 40) both_post(h, r, s, 0);
    if (s == 50) both_post(h, r, s, 1);
  }
  rh_flush(h, s - 1);
  h->w[1] = 12.0f; /* the host sets synapse 1 */
  r->w[1] = 12.0;
  for (; s < 4000; s++) both_step(h, r, s, 0.5);
  check_against(h, r, 1e-9, "after the host's write");
  rh_flush(h, s - 1);
  for (size_t k = 0; k < 2; k++)
    RH_WEIGHT_EQ(h->w[k], r->w[k], "synapse %zu", k);
  ref_close(r);
  rh_close(h);
}
END_TEST

/* tau_c = 10 ms, 100,000 steps of 0.1 ms: many epochs (one every
 * ln(1/EPOCH_MIN) tau_c), irregular pairings through a 4 x 3 projection,
 * a dopamine level that goes above and below b: the lazy weights match
 * the eager reference to 1e-9 all along.  A second copy of the rule that
 * is flushed after every step (as recording would) ends in exactly the
 * same state. */
START_TEST(test_epochs) {
  enum { PRE = 4, POST = 3 };
  const double dt = 0.1;
  rh *h = dopa_rule(PRE, POST, dt, 50.0);
  rh *hf = dopa_rule(PRE, POST, dt, 50.0);
  rh *hs[2] = {h, hf};
  for (int k = 0; k < 2; k++) {
    rh_set(hs[k], "tau_c", 10.0);
    rh_set(hs[k], "b", 0.2);
    rh_set(hs[k], "Wmin", -1e6);
    rh_set(hs[k], "Wmax", 1e6);
    rh_prepare_ok(hs[k], 0.0);
  }
  ref *r = ref_open(h);
  uint32_t x = 99u;
  int epochs = 0;
  double tE = ((const dopa *)h->c.inst)->tE;
  for (int64_t s = 0; s < 100000; s++) {
    /* pulses of 1.0 for 2 ms every 50 ms, 0.15 (below b) otherwise */
    double level = (s % 500) < 20 ? 1.0 : 0.15;
    both_step(h, r, s, level);
    rh_step(hf, s, level);
    for (size_t i = 0; i < PRE; i++) {
      x = x * 1664525u + 1013904223u;
      if ((x >> 24) < 2) { /* about 8 Hz */
        both_pre(h, r, s, i);
        rh_pre(hf, s, i * POST, POST);
      }
    }
    for (uint32_t j = 0; j < POST; j++) {
      x = x * 1664525u + 1013904223u;
      if ((x >> 24) < 2) {
        both_post(h, r, s, j);
        rh_post(hf, s, j);
      }
    }
    rh_flush(hf, s);
    if (((const dopa *)h->c.inst)->tE != tE) {
      tE = ((const dopa *)h->c.inst)->tE;
      epochs++;
    }
    if (s % 1000 == 999) check_against(h, r, 1e-9, "epoch run");
  }
  ck_assert_int_gt(epochs, 50);
  rh_flush(h, 99999);
  double moved = 0.0;
  for (size_t s = 0; s < h->n_syn; s++) {
    RH_WEIGHT_EQ(h->w[s], r->w[s], "synapse %zu at the end", s);
    moved += fabs(r->w[s] - 50.0);
    RH_CHECK(h->w[s] == hf->w[s], "flushing every step changed synapse %zu",
             s);
    for (unsigned v = 0; v < N_SYN_VARS; v++)
      RH_CHECK(h->syn[v][s] == hf->syn[v][s],
               "flushing every step changed %s of synapse %zu",
               h->d->syn_vars[v].name, s);
  }
  ck_assert_msg(moved > 10.0, "the weights hardly moved (%g)", moved);
  ref_close(r);
  rh_close(h);
  rh_close(hf);
}
END_TEST

/* Saved mid-run and loaded into a fresh instance (the host's arrays
 * copied over), the rule goes on exactly as the uninterrupted one; one
 * left without the load (its epoch and dopamine integral lost) does
 * not. */
static void drive(rh *h, int64_t s0, int64_t s1, uint32_t *x) {
  for (int64_t s = s0; s < s1; s++) {
    rh_step(h, s, (s % 500) < 20 ? 1.0 : 0.15);
    for (size_t i = 0; i < 4; i++) {
      *x = *x * 1664525u + 1013904223u;
      if ((*x >> 24) < 4) rh_pre(h, s, i * 3, 3);
    }
    for (uint32_t j = 0; j < 3; j++) {
      *x = *x * 1664525u + 1013904223u;
      if ((*x >> 24) < 4) rh_post(h, s, j);
    }
  }
}

START_TEST(test_save_load) {
  rh *h[3];
  for (int k = 0; k < 3; k++) {
    h[k] = dopa_rule(4, 3, 0.1, 50.0);
    rh_set(h[k], "tau_c", 10.0);
    rh_set(h[k], "b", 0.2);
    rh_prepare_ok(h[k], 0.0);
  }
  uint32_t x = 7u;
  drive(h[0], 0, 1234, &x); /* mid-epoch: the integral is under way */
  static memstream b;
  ap_stream st = memstream_open(&b);
  ck_assert_int_eq(h[0]->d->save(&h[0]->c, &st, h[0]->err, sizeof h[0]->err),
                   AP_OK);
  for (int k = 1; k < 3; k++) {
    memcpy(h[k]->w, h[0]->w, h[0]->n_syn * sizeof *h[0]->w);
    for (unsigned v = 0; v < h[0]->d->n_syn_vars; v++)
      memcpy(h[k]->syn[v], h[0]->syn[v], h[0]->n_syn * sizeof(ap_real));
    for (unsigned v = 0; v < h[0]->d->n_post_vars; v++)
      memcpy(h[k]->post[v], h[0]->post[v], h[0]->n_post * sizeof(ap_real));
  }
  ck_assert_int_eq(h[1]->d->load(&h[1]->c, &st, h[1]->err, sizeof h[1]->err),
                   AP_OK);
  for (int k = 0; k < 3; k++) {
    uint32_t y = x;
    drive(h[k], 1234, 3000, &y);
    rh_flush(h[k], 2999);
  }
  int differs = 0;
  for (size_t s = 0; s < h[0]->n_syn; s++) {
    RH_CHECK(h[1]->w[s] == h[0]->w[s], "synapse %zu after the load", s);
    differs |= h[2]->w[s] != h[0]->w[s];
  }
  ck_assert_msg(differs, "without the load the rule learned the same (the "
                "test would not see a lost state)");
  /* a state cut short is refused */
  rh *o = dopa_rule(2, 3, 0.1, 50.0);
  rh_prepare_ok(o, 0.0);
  memstream_rewind(&b);
  b.len = 2 * sizeof(double);
  ck_assert_int_eq(o->d->load(&o->c, &st, o->err, sizeof o->err), AP_EIO);
  ck_assert_str_eq(o->err, "the saved state of the rule ends early");
  rh_close(o);
  for (int k = 0; k < 3; k++) rh_close(h[k]);
}
END_TEST

/* Hooks run by 3 threads (rows in segments, post spikes split by neuron,
 * on_step on the host's thread alone) leave exactly the state one thread
 * leaves. */
START_TEST(test_threads) {
  enum { PRE = 6, POST = 5 };
  rh *h[2];
  for (int k = 0; k < 2; k++) {
    h[k] = dopa_rule(PRE, POST, 0.1, 50.0);
    rh_set(h[k], "tau_c", 20.0);
    rh_set(h[k], "b", 0.2);
    rh_prepare_ok(h[k], 0.0);
  }
  rh_pattern pat = rh_pattern_default();
  pat.steps = 5000;
  rh_thread_run(h[0], &pat, 1);
  rh_thread_run(h[1], &pat, 3);
  for (int k = 0; k < 2; k++) rh_flush(h[k], pat.steps - 1);
  rh_assert_same(h[0], h[1]);
  int changed = 0;
  for (size_t s = 0; s < PRE * POST; s++) changed += h[0]->w[s] != 50.0f;
  ck_assert_int_gt(changed, PRE * POST / 2);
  rh_close(h[0]);
  rh_close(h[1]);
}
END_TEST

START_TEST(test_prepare_refuses) {
  rh *h = rh_open("stdp_dopamine", 1, 1, 0.1);
  rh_set(h, "Wmin", 5.0);
  rh_set(h, "Wmax", 4.0);
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_str_eq(h->err,
                   "Wmin (5) must not be greater than Wmax (4): the weights "
                   "are kept in [Wmin, Wmax]");
  rh_close(h);
  h = rh_open("stdp_dopamine", 1, 1, 0.1);
  rh_set(h, "tau_c", 0.0);
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_str_eq(h->err, "tau_c must be > 0 ms, got 0 ms");
  rh_close(h);
  h = rh_open("stdp_dopamine", 1, 1, 0.1);
  h->c.n_modulators = 0;
  ck_assert_int_eq(rh_prepare(h, 0.0), AP_EINVAL);
  ck_assert_msg(strstr(h->err, "one modulator"), "%s", h->err);
  rh_close(h);
}
END_TEST

static Suite *make_stdp_dopamine_suite(void) {
  Suite *s = suite_create("stdp_dopamine");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_doc);
  tcase_add_test(tc, test_baseline);
  tcase_add_test(tc, test_reward_potentiates);
  tcase_add_test(tc, test_punish_depresses);
  tcase_add_test(tc, test_same_step);
  tcase_add_test(tc, test_clip);
  tcase_add_test(tc, test_flush);
  tcase_add_test(tc, test_host_writes);
  tcase_add_test(tc, test_epochs);
  tcase_add_test(tc, test_save_load);
  tcase_add_test(tc, test_threads);
  tcase_add_test(tc, test_prepare_refuses);
  suite_add_tcase(s, tc);
  return s;
}

AP_CHECK_MAIN(make_stdp_dopamine_suite)
