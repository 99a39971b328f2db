/* check_ringbuf.c -- the cpu backend's spike input ring buffers, and the
 * backend itself on a hand-built network (threads, transmit()). */
#include <check.h>
#include <string.h>

#include "ringbuf.h"
/* The backend's statics, to drive it without the host. */
#include "cpu.c"

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

/* A neuron that integrates a constant drive and its input, spiking (and
 * subtracting 1) when V >= 1: the fractional part keeps every rounding. */
static int acc_update(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  size_t ns = 0;
  for (size_t i = 0; i < b->n; i++) {
    ap_real *V = b->state[0];
    V[i] += b->param[0][i] + b->input[0][i];
    if (V[i] >= 1.0) {
      V[i] -= 1.0;
      b->spiked[ns++] = (uint32_t)i;
    }
  }
  b->n_spiked = ns;
  return AP_OK;
}
static const ap_neuron_desc acc = {.size = sizeof(ap_neuron_desc),
                                   .n_compartments = 1, .n_params = 1,
                                   .n_vars = 1, .n_ports = 1,
                                   .update = acc_update};

/* A depressing synapse with per-synapse state u. */
static void dep_transmit(ap_syn_row *r) {
  for (size_t k = 0; k < r->n; k++) {
    r->out[k] = (ap_weight)(r->weight[k] * r->state[0][k]);
    r->state[0][k] = 0.5 * r->state[0][k] + 0.6;
  }
}
static const ap_synapse_desc dep = {sizeof(ap_synapse_desc), NULL, 0, NULL,
                                    1, dep_transmit};
static const ap_synapse_desc stat = {sizeof(ap_synapse_desc), NULL, 0, NULL,
                                     0, NULL};

/* 130 neurons: split among 2, 3 and 4 threads (the backend gives a
 * thread at least 32), at cuts that do not divide evenly. */
enum { NN = 130, STEPS = 300, MAXSPK = NN * STEPS };
typedef struct trace {
  uint32_t spk[MAXSPK];
  int64_t when[MAXSPK];
  size_t n;
  int64_t done;
} trace;

static void on_spikes(void *ctx, size_t pop, int64_t step, const uint32_t *idx,
                      const uint32_t *mult, size_t n) {
  trace *t = ctx;
  ck_assert_uint_eq(pop, 0);
  ck_assert_ptr_null(mult);
  for (size_t k = 0; k < n; k++) {
    if (k) ck_assert_uint_gt(idx[k], idx[k - 1]);
    ck_assert_uint_lt(t->n, MAXSPK);
    t->spk[t->n] = idx[k];
    t->when[t->n++] = step;
  }
}
static void on_done(void *ctx, int64_t step) {
  trace *t = ctx;
  ck_assert_int_eq(step, t->done++);
}

/* Run the network with `threads`; V and u out, spikes in *tr.  With
 * `concurrent` only the projection without transmit() is made and the
 * host declares its calls concurrent (ap_net.concurrent_callbacks), so
 * the backend makes them beside its delivery. */
static void run_net(unsigned threads, int concurrent, trace *tr, ap_real *V,
                    ap_real *u, size_t *n_u) {
  static ap_real drive[NN];
  ap_real *param[1] = {drive}, *state[1] = {V};
  for (size_t i = 0; i < NN; i++) {
    drive[i] = 0.05 + 0.031 * (double)(i % 10);
    V[i] = 0.0;
  }
  ap_net_pop pop = {.size = sizeof pop, .model = "acc", .desc = &acc,
                    .n = NN, .param = param, .state = state};
  const ap_net_pop *pops[1] = {&pop};
  /* two projections from the population onto itself, one with transmit */
  static size_t row[2][NN + 1];
  static uint32_t target[2][NN * NN];
  static ap_weight weight[2][NN * NN];
  static uint16_t delay[2][NN * NN];
  ap_real *ustate[1] = {u};
  ap_net_proj proj[2];
  const ap_net_proj *projs[2] = {&proj[0], &proj[1]};
  for (int j = 0; j < 2; j++) {
    size_t ns = 0;
    for (size_t i = 0; i < NN; i++) {
      row[j][i] = ns;
      for (size_t k = 0; k < NN; k++) {
        if ((i * 7 + k * 3 + (size_t)j) % 4 == 0) continue;
        target[j][ns] = (uint32_t)k;
        weight[j][ns] = (ap_weight)((0.1 * (double)((i + k) % 5) - 0.15) *
                                    10.0 / NN);
        delay[j][ns++] = (uint16_t)(1 + (i + k + (size_t)j) % 3);
      }
    }
    row[j][NN] = ns;
    proj[j] = (ap_net_proj){.size = sizeof(ap_net_proj),
                            .n_syn = ns,
                            .row = row[j],
                            .target = target[j],
                            .weight = weight[j],
                            .delay = delay[j],
                            .p_release = 1.0,
                            .syn = j ? &dep : &stat,
                            .syn_state = j ? ustate : NULL};
    if (j) {
      *n_u = ns;
      for (size_t s = 0; s < ns; s++) u[s] = 1.0;
    }
  }
  memset(tr, 0, sizeof *tr);
  ap_net net = {.size = sizeof(ap_net),
                .dt = 0.1,
                .seed = 1,
                .min_delay = 1,
                .max_delay = 3,
                .n_pops = 1,
                .pops = pops,
                .n_projs = concurrent ? 1 : 2,
                .projs = projs,
                .host = NULL,
                .ctx = tr,
                .spikes = on_spikes,
                .step_done = on_done,
                .window_start = NULL,
                .concurrent_callbacks = &concurrent};
  void *inst = NULL;
  char err[256] = "";
  ap_real settings[2] = {(ap_real)threads, 0}; /* threads, profile */
  ck_assert_int_eq(cpu_create(&inst, &net, settings, NULL, err, sizeof err),
                   AP_OK);
  for (int64_t s = 0; s < STEPS; s += 7) /* uneven chunks */
    ck_assert_int_eq(cpu_run(inst, s, s + 7 > STEPS ? STEPS - s : 7, err,
                             sizeof err), AP_OK);
  cpu_destroy(inst);
}

START_TEST(threads_give_identical_results) {
  static trace t1, tn;
  static ap_real V1[NN], Vn[NN], u1[NN * NN], un[NN * NN];
  size_t nu;
  run_net(1, 0, &t1, V1, u1, &nu);
  ck_assert_int_eq(t1.done, STEPS);
  ck_assert_uint_gt(t1.n, 200);
  int changed = 0;
  for (size_t s = 0; s < nu; s++) changed |= u1[s] != 1.0;
  ck_assert(changed); /* transmit() ran */
  for (unsigned th = 2; th <= 4; th++) {
    run_net(th, 0, &tn, Vn, un, &nu);
    ck_assert_uint_eq(tn.n, t1.n);
    ck_assert_mem_eq(tn.spk, t1.spk, t1.n * sizeof *t1.spk);
    ck_assert_mem_eq(tn.when, t1.when, t1.n * sizeof *t1.when);
    ck_assert_mem_eq(Vn, V1, sizeof V1);
    ck_assert_mem_eq(un, u1, nu * sizeof *u1);
  }
}
END_TEST

/* The same with the host's calls made beside delivery: the spikes, their
 * order and steps, and V are those of one thread. */
START_TEST(concurrent_callbacks_give_identical_results) {
  static trace t1, tn;
  static ap_real V1[NN], Vn[NN], u[NN * NN];
  size_t nu;
  run_net(1, 1, &t1, V1, u, &nu);
  ck_assert_int_eq(t1.done, STEPS);
  ck_assert_uint_gt(t1.n, 200);
  for (unsigned th = 2; th <= 4; th++) {
    run_net(th, 1, &tn, Vn, u, &nu);
    ck_assert_int_eq(tn.done, STEPS);
    ck_assert_uint_eq(tn.n, t1.n);
    ck_assert_mem_eq(tn.spk, t1.spk, t1.n * sizeof *t1.spk);
    ck_assert_mem_eq(tn.when, t1.when, t1.n * sizeof *t1.when);
    ck_assert_mem_eq(Vn, V1, sizeof V1);
  }
}
END_TEST

static Suite *make_ringbuf_suite(void) {
  Suite *s = suite_create("ringbuf");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, delivery_lands_at_its_step);
  tcase_add_test(tc, max_delay_never_hits_current_slot);
  suite_add_tcase(s, tc);
  TCase *tb = tcase_create("backend");
  /* Threads spin, then yield, at barriers: on a loaded machine with more
   * threads than cores this takes longer than Check's default 4 s. */
  tcase_set_timeout(tb, 60);
  tcase_add_test(tb, threads_give_identical_results);
  tcase_add_test(tb, concurrent_callbacks_give_identical_results);
  suite_add_tcase(s, tb);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_ringbuf_suite)
