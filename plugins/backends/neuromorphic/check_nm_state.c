/* check_nm_state.c -- the neuromorphic backend's save and load hooks.
 *
 * A chip run is stopped at a step (mid-tick where a tick spans several
 * steps), its state saved, and the run goes on.  A fresh instance made
 * from the host's arrays as they were at the stop, reloaded and given the
 * saved state, must then give the same spikes, the same host arrays and
 * the same chip state (saved again, byte for byte) as the run that went
 * on.  A fresh instance that is not given the saved state must not: the
 * host's doubles do not give the chip's integers, nor the spikes in
 * flight, back.  Truncated and foreign states are refused with a
 * sentence and leave the instance as it was.
 *
 * The network: Poisson inputs into lif_psc_exp neurons through an STDP
 * projection (learning on the chip, weights on its grid) and a recurrent
 * projection with a delay of several ticks (inputs in the rings at the
 * stop). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "memstream.h"
#include "net/sim_int.h"

enum { N_IN = 40, N_OUT = 20 };

/* --------------------------------------------------------- spike log */

typedef struct spike_log {
  uint64_t *key; /* step << 32 | pop << 24 | neuron */
  size_t n, cap;
} spike_log;

static void log_spikes(void *ctx, size_t pi, int64_t step,
                       const uint32_t *idx, const uint32_t *mult, size_t n) {
  spike_log *l = ctx;
  (void)mult;
  for (size_t k = 0; k < n; k++) {
    if (l->n == l->cap) {
      l->cap = l->cap ? 2 * l->cap : 1024;
      l->key = realloc(l->key, l->cap * sizeof *l->key);
      ck_assert_ptr_nonnull(l->key);
    }
    l->key[l->n++] = (uint64_t)step << 32 | (uint64_t)pi << 24 | idx[k];
  }
}

static void step_done(void *ctx, int64_t step) { (void)ctx, (void)step; }

/* ------------------------------------------- the host's arrays, copied */

typedef struct host_copy {
  unsigned char *bytes;
  size_t n;
} host_copy;

typedef void (*visit_fn)(void *at, size_t bytes, void *ctx);

/* Every array of the host that a run changes, in a fixed order. */
static void each_array(ap_sim *sim, visit_fn f, void *ctx) {
  for (size_t i = 0; i < sim->n_pops; i++) {
    const pop *p = &sim->pops[i];
    for (unsigned v = 0; v < p->d->n_vars; v++)
      f(p->state[v], p->n * sizeof(ap_real), ctx);
  }
  for (size_t j = 0; j < sim->n_projs; j++) {
    const proj *pr = &sim->projs[j];
    f(pr->weight, pr->n_syn * sizeof(ap_weight), ctx);
    if (!pr->rule) continue;
    for (unsigned v = 0; v < pr->rule->d->n_syn_vars; v++)
      f(pr->rule->syn_state[v], pr->rule->n_syn * sizeof(ap_real), ctx);
    for (unsigned v = 0; v < pr->rule->d->n_post_vars; v++)
      f(pr->rule->post_state[v], pr->rule->n_post * sizeof(ap_real), ctx);
  }
}

static void copy_out(void *at, size_t bytes, void *ctx) {
  host_copy *h = ctx;
  h->bytes = realloc(h->bytes, h->n + bytes + 1);
  ck_assert_ptr_nonnull(h->bytes);
  memcpy(h->bytes + h->n, at, bytes);
  h->n += bytes;
}

static void copy_in(void *at, size_t bytes, void *ctx) {
  host_copy *h = ctx;
  memcpy(at, h->bytes + h->n, bytes);
  h->n += bytes;
}

/* Lazy rules (stdp pairs postsynaptic spikes at the next presynaptic
 * one) settle what they owe, as the host has them do before a snapshot:
 * the host's arrays then hold the whole state, and the rules' own is
 * empty. */
static void flush_rules(ap_sim *sim) {
  for (size_t j = 0; j < sim->n_projs; j++) sim_flush_rule(sim, &sim->projs[j]);
}

static host_copy take(ap_sim *sim) {
  host_copy h = {NULL, 0};
  each_array(sim, copy_out, &h);
  return h;
}

static void put_back(ap_sim *sim, host_copy *h) {
  size_t n = h->n;
  h->n = 0;
  each_array(sim, copy_in, h);
  ck_assert_uint_eq(h->n, n);
}

/* ----------------------------------------------------------- the net */

static ap_registry *reg;

static ap_sim *make_net(ap_settings **set, const char *chip, const char *dt,
                        size_t n_out) {
  char err[512];
  *set = ap_settings_new();
  ck_assert_int_eq(ap_settings_set(*set, "dt", dt, AP_SRC_CLI, err, sizeof err), 0);
  ck_assert_int_eq(ap_settings_set(*set, "seed", "7", AP_SRC_CLI, err, sizeof err), 0);
  ck_assert_int_eq(ap_settings_set(*set, "backend", "neuromorphic", AP_SRC_CLI,
                                   err, sizeof err), 0);
  ck_assert_msg(ap_settings_set(*set, "chip", chip, AP_SRC_CLI, err,
                                sizeof err) == 0, "chip: %s", err);
  ap_sim *sim = ap_sim_new(reg, *set);
  size_t in, out, pj;
  ck_assert_int_eq(ap_sim_population(sim, "poisson", N_IN, &in), AP_OK);
  ap_value rate = {.kind = AP_VAL_SCALAR, .a = 40.0};
  ck_assert_int_eq(ap_pop_set(sim, (ap_ref){in, 0, N_IN}, "rate", &rate), AP_OK);
  ck_assert_int_eq(ap_sim_population(sim, "lif_psc_exp", n_out, &out), AP_OK);
  ap_ref ri = {in, 0, N_IN}, ro = {out, 0, n_out};
  ap_conn_spec all = {0};
  all.rule = AP_CONN_ALL_TO_ALL;
  all.allow_multapses = 1;
  ap_syn_spec s = {0};
  s.weight.kind = AP_VAL_SCALAR;
  s.weight.a = 120.0; /* pA */
  s.delay.kind = AP_VAL_SCALAR;
  s.delay.a = 1.0;
  s.rule = "stdp";
  const char *keys[2] = {"Wmax", "lambda"};
  const double vals[2] = {300.0, 0.05};
  s.rule_keys = keys;
  s.rule_values = vals;
  s.n_rule_keys = 2;
  ck_assert_msg(ap_sim_connect(sim, ri, ro, &all, &s, &pj) == AP_OK, "%s",
                ap_sim_error(sim));
  ap_syn_spec r = {0};
  r.weight.kind = AP_VAL_SCALAR;
  r.weight.a = 60.0;
  r.delay.kind = AP_VAL_SCALAR;
  r.delay.a = 4.0; /* several ticks in the rings */
  ck_assert_msg(ap_sim_connect(sim, ro, ro, &all, &r, &pj) == AP_OK, "%s",
                ap_sim_error(sim));
  /* the host's own instance: the network view and the settings */
  ck_assert_msg(ap_sim_run_steps(sim, 0) == AP_OK, "%s", ap_sim_error(sim));
  ck_assert_ptr_nonnull(sim->binst);
  return sim;
}

/* A backend instance of its own over the host's network, its spikes into
 * `log`. */
typedef struct inst {
  ap_net net;
  spike_log log;
  void *b;
} inst;

static void open_inst(ap_sim *sim, inst *x) {
  char err[1024] = "";
  memset(x, 0, sizeof *x);
  x->net = sim->net;
  x->net.ctx = &x->log;
  x->net.spikes = log_spikes;
  x->net.step_done = step_done;
  ck_assert_msg(sim->bd->create(&x->b, &x->net, sim->bset,
                                (const char *const *)sim->bstr, err,
                                sizeof err) == AP_OK, "create: %s", err);
}

static void close_inst(ap_sim *sim, inst *x) {
  sim->bd->destroy(x->b);
  free(x->log.key);
}

static void run(ap_sim *sim, inst *x, int64_t from, int64_t n) {
  char err[1024] = "";
  ck_assert_msg(sim->bd->run(x->b, from, n, err, sizeof err) == AP_OK,
                "run: %s", err);
  ck_assert_int_eq(sim->bd->sync(x->b, err, sizeof err), AP_OK);
}

static void save(ap_sim *sim, inst *x, memstream *m) {
  char err[512] = "";
  ap_stream s = memstream_open(m);
  ck_assert_msg(sim->bd->save(x->b, &s, err, sizeof err) == AP_OK,
                "save: %s", err);
}

/* Stop at step `stop`, go on for `more` steps (in two runs, the first of
 * `soon` steps); again from the stop in a fresh instance with the saved
 * state, and in one without it. */
static void stop_and_go_on(const char *chip, const char *dt, int64_t stop,
                           int64_t soon, int64_t more) {
  ap_settings *set;
  ap_sim *sim = make_net(&set, chip, dt, N_OUT);
  char err[1024] = "";
  ck_assert_ptr_nonnull(sim->bd->save);
  ck_assert_ptr_nonnull(sim->bd->load);

  inst a;
  open_inst(sim, &a);
  run(sim, &a, 0, stop);
  static memstream at_stop, end_a, end_b;
  save(sim, &a, &at_stop);
  flush_rules(sim);
  host_copy h = take(sim);
  size_t before = a.log.n;
  run(sim, &a, stop, soon);
  host_copy ha_soon = take(sim);
  run(sim, &a, stop + soon, more - soon);
  save(sim, &a, &end_a);
  host_copy ha = take(sim);

  /* from the stop, with the saved state (the rules' own state emptied
   * first, as a restored run's fresh rules start) */
  flush_rules(sim);
  put_back(sim, &h);
  inst b;
  open_inst(sim, &b);
  ck_assert_int_eq(sim->bd->reload(b.b, 0xfu, err, sizeof err), AP_OK);
  ap_stream in = memstream_reader(&at_stop);
  ck_assert_msg(sim->bd->load(b.b, &in, err, sizeof err) == AP_OK, "load: %s",
                err);
  run(sim, &b, stop, soon);
  host_copy hb_soon = take(sim);
  ck_assert_msg(memcmp(hb_soon.bytes, ha_soon.bytes, ha_soon.n) == 0,
                "%s: the host's arrays differ %lld steps after the restore",
                chip, (long long)soon);
  run(sim, &b, stop + soon, more - soon);
  save(sim, &b, &end_b);
  host_copy hb = take(sim);

  size_t after = a.log.n - before, outs = 0;
  for (size_t k = before; k < a.log.n; k++) outs += (a.log.key[k] >> 24 & 0xff) == 1;
  ck_assert_msg(outs > 50, "%s: only %zu spikes of the chip's neurons after "
                "the stop", chip, outs);
  ck_assert_uint_eq(b.log.n, after);
  ck_assert_msg(memcmp(b.log.key, a.log.key + before,
                       after * sizeof *b.log.key) == 0,
                "%s: the spikes after the restore differ", chip);
  ck_assert_uint_eq(hb.n, ha.n);
  ck_assert_msg(memcmp(hb.bytes, ha.bytes, ha.n) == 0,
                "%s: the host's arrays differ after the restore", chip);
  ck_assert_uint_eq(end_b.len, end_a.len);
  ck_assert_msg(memcmp(end_b.data, end_a.data, end_a.len) == 0,
                "%s: the chip's state differs after the restore", chip);

  /* from the stop without the saved state: the inputs in flight are lost
   * (a reset may later erase the difference, so look soon after) */
  put_back(sim, &h);
  inst c;
  open_inst(sim, &c);
  ck_assert_int_eq(sim->bd->reload(c.b, 0xfu, err, sizeof err), AP_OK);
  run(sim, &c, stop, soon);
  host_copy hc = take(sim);
  ck_assert_msg(memcmp(hc.bytes, ha_soon.bytes, ha_soon.n) != 0,
                "%s: a run without the saved state came out the same: the "
                "test shows nothing", chip);

  free(h.bytes), free(ha.bytes), free(hb.bytes), free(hc.bytes);
  free(ha_soon.bytes), free(hb_soon.bytes);
  close_inst(sim, &a), close_inst(sim, &b), close_inst(sim, &c);
  ap_sim_free(sim);
  ap_settings_delete(set);
}

/* Loihi: one tick per step. */
START_TEST(restore_loihi) { stop_and_go_on("loihi", "1.0", 237, 2, 300); }
END_TEST

/* SpiNNaker: ticks of 1 ms, steps of 0.25 ms; the stop falls mid-tick. */
START_TEST(restore_spinnaker_mid_tick) {
  stop_and_go_on("spinnaker", "0.25", 4 * 237 + 2, 2 + 4, 4 * 300);
}
END_TEST

/* A short state, and one saved for another network, are refused with a
 * sentence; the instance keeps its own. */
START_TEST(refuses_short_and_foreign) {
  ap_settings *set, *set2;
  ap_sim *sim = make_net(&set, "loihi", "1.0", N_OUT);
  ap_sim *other = make_net(&set2, "loihi", "1.0", N_OUT + 1);
  char err[1024] = "";
  inst a, b, o;
  open_inst(sim, &a);
  run(sim, &a, 0, 100);
  static memstream st, mine, mine2;
  save(sim, &a, &st);

  open_inst(sim, &b);
  save(sim, &b, &mine);
  /* cut short */
  for (size_t cut = 0; cut < st.len; cut += st.len / 7 + 1) {
    static memstream m;
    m = st;
    m.len = cut;
    ap_stream in = memstream_reader(&m);
    err[0] = '\0';
    int rc = sim->bd->load(b.b, &in, err, sizeof err);
    ck_assert_msg(rc != AP_OK, "a state cut at byte %zu was taken", cut);
    ck_assert_msg(strstr(err, "ends early") || strstr(err, "not the state"),
                  "cut at %zu: '%s'", cut, err);
  }
  /* one byte too many */
  {
    static memstream m;
    m = st;
    m.data[m.len++] = 0;
    ap_stream in = memstream_reader(&m);
    ck_assert_int_ne(sim->bd->load(b.b, &in, err, sizeof err), AP_OK);
    ck_assert_msg(strstr(err, "past its end"), "'%s'", err);
  }
  save(sim, &b, &mine2);
  ck_assert_uint_eq(mine2.len, mine.len);
  ck_assert_msg(memcmp(mine.data, mine2.data, mine.len) == 0,
                "a refused state changed the instance");

  /* another network: 21 neurons where the state has 20 */
  open_inst(other, &o);
  ap_stream in = memstream_reader(&st);
  ck_assert_int_eq(other->bd->load(o.b, &in, err, sizeof err), AP_EINVAL);
  ck_assert_msg(strstr(err, "different network") && strstr(err, "21") &&
                    strstr(err, "20"),
                "'%s'", err);

  close_inst(sim, &a), close_inst(sim, &b), close_inst(other, &o);
  ap_sim_free(sim), ap_sim_free(other);
  ap_settings_delete(set), ap_settings_delete(set2);
}
END_TEST

static void setup(void) {
  reg = ap_registry_new();
  ap_registry_scan_default(reg, NULL);
}
static void teardown(void) { ap_registry_free(reg); }

static Suite *suite(void) {
  Suite *s = suite_create("neuromorphic state");
  TCase *tc = tcase_create("save and load");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, restore_loihi);
  tcase_add_test(tc, restore_spinnaker_mid_tick);
  tcase_add_test(tc, refuses_short_and_foreign);
  suite_add_tcase(s, tc);
  return s;
}

AP_CHECK_MAIN(suite)
