/* check_guerguiev.c -- the three phase rules of the guerguiev plugin
 * (guerguiev, backprop, feedback_alignment) against values computed here
 * from the equations of their doc strings.
 *
 * The test plays the host itself (not through rule_harness.h, which knows
 * neither population views nor phases): a small fixture below builds the
 * ap_rule_ctx of one all-to-all projection by hand, with population views
 * that mimic segregated_dendrite (hidden: B, A, C, sum_C, sum_A, n_int;
 * output: V, U, sum_U, sum_sigma_U, n_int; parameters tau_L, tau_s, g_L,
 * g_B, g_A, g_D, b, lambda_max per neuron), and drives the hooks as
 * apical_plugin.h says: BEGIN of a phase (credits zeroed), then per step s
 * on_spikes (the pre spikes of step s) and on_step with window_step, then
 * END.  The neurons' window sums are set by hand before each END.
 *
 * The hand computations never call the plugin's helpers: kappa is the
 * closed form (exp(-t/tau_L) - exp(-t/tau_s)) / (tau_L - tau_s), summed
 * spike by spike, where the rule keeps recursive traces.
 *
 * Tolerances: values the rule computes in double (errors, rule variables,
 * biases, credit) to 1e-9 relative; float weights to 1e-6 relative on the
 * change plus one float ulp (2^-23 relative) of the stored weight;
 * statistics of the random B to 4 standard errors. */
#include "guerguiev.c"

#include <float.h>

#include "check_main.h"
#include "memstream.h"
#include "plugin/host.h"

/* The neurons' parameters (per neuron, all alike unless a test says). */
#define TAU_L 10.0
#define TAU_S 3.0
#define G_L 0.1
#define G_B 0.6
#define G_A 0.0
#define G_D 0.6
#define LAMBDA_MAX 200.0 /* Hz */
#define DT 1.0           /* ms */
/* phi_max = lambda_max dt, in spikes per step */
#define PHI_MAX (LAMBDA_MAX * DT * 1e-3)

#define REL_D 1e-9 /* double-precision results */
#define REL_W 1e-6 /* float weights */

/* ------------------------------------------------ hand computations */

static double t_sig(double x) { return 1.0 / (1.0 + exp(-x)); }
static double t_dsig(double x) { return t_sig(x) * (1.0 - t_sig(x)); }
static double t_kappa(double t) {
  return (exp(-t / TAU_L) - exp(-t / TAU_S)) / (TAU_L - TAU_S);
}

/* A presynaptic spike train: times of sending (steps) and multiplicities. */
typedef struct t_spike {
  int64_t step;
  uint32_t pre;
  uint32_t mult;
} t_spike;

/* The post neurons' spike memory (ms; 0: the whole kernel), as the
 * views below give it; tests of the whole kernel set it to 0. */
static double t_psp_memory = 10.0;

/* Window average of pre neuron j's PSP: a spike sent in step s0 reaches
 * the neurons one step later, in step s0 + 1, and counts from that step's
 * start: it adds kappa((s - s0) dt) in step s > s0, for as long as the
 * memory lasts (s - s0 <= psp_memory / dt), summed over the window's steps
 * [w0, w0 + wn). */
static double psp_avg(const t_spike *sp, size_t n, uint32_t j, int64_t w0,
                      int64_t wn) {
  const double M = t_psp_memory / DT;
  double acc = 0.0;
  for (int64_t s = w0; s < w0 + wn; s++)
    for (size_t k = 0; k < n; k++)
      if (sp[k].pre == j && sp[k].step < s &&
          (M == 0.0 || (double)(s - sp[k].step) <= M))
        acc += (double)sp[k].mult * t_kappa((double)(s - sp[k].step) * DT);
  return acc / (double)wn;
}

static int close_rel(double got, double want, double rel, double abs_tol) {
  return fabs(got - want) <= rel * fabs(want) + abs_tol;
}

#define CHECK_REL(got, want, rel, ...)                                    \
  do {                                                                    \
    const double g_ = (got), w_ = (want);                                 \
    if (!close_rel(g_, w_, (rel), 1e-300))                                \
      ck_abort_msg(__VA_ARGS__);                                          \
  } while (0)

/* --------------------------------------------------- population views */

enum { POP_INPUT, POP_HIDDEN, POP_OUTPUT, POP_BARE, POP_ONLY_SUM_A };
#define T_MAXV 10

typedef struct t_pop {
  ap_pop_view v;
  ap_var_desc vars[T_MAXV];
  ap_param_desc prm[T_MAXV];
  ap_real *state[T_MAXV];
  ap_real *param[T_MAXV];
} t_pop;

static void *t_calloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  ck_assert_ptr_nonnull(p);
  return p;
}

static void pop_init(t_pop *p, int kind, size_t n) {
  static const char *const hidden[] = {"B", "A", "C", "sum_C", "sum_A",
                                       "n_int"};
  static const char *const output[] = {"V", "U", "sum_U", "sum_sigma_U",
                                       "n_int"};
  /* not segregated_dendrite: sums of another model */
  static const char *const bare[] = {"V", "U", "sum_U", "n_int"};
  static const char *const only_a[] = {"B", "A", "C", "sum_A", "n_int"};
  static const char *const pnames[] = {"tau_L", "tau_s",      "g_L",
                                       "g_B",   "g_A",        "g_D",
                                       "b",     "lambda_max", "c",
                                       "psp_memory"};
  const double pdefs[] = {TAU_L, TAU_S, G_L,        G_B, G_A,
                          G_D,   0.0,   LAMBDA_MAX, 0.0, t_psp_memory};
  const char *const *vn = NULL;
  unsigned nv = 0, np = 0;
  const char *model = "spike_source";
  switch (kind) {
  case POP_INPUT: break;
  case POP_HIDDEN: vn = hidden, nv = 6, np = 10; break;
  case POP_OUTPUT: vn = output, nv = 5, np = 10; break;
  case POP_BARE: vn = bare, nv = 4, np = 10; break;
  case POP_ONLY_SUM_A: vn = only_a, nv = 5, np = 10; break;
  default: ck_abort_msg("bad population kind %d", kind);
  }
  if (kind != POP_INPUT)
    model = kind == POP_BARE ? "lif_like" : "segregated_dendrite";
  memset(p, 0, sizeof *p);
  for (unsigned k = 0; k < nv; k++) {
    p->vars[k] = (ap_var_desc){vn[k], "1", "test variable", 0.0, NULL, 0, 0};
    p->state[k] = t_calloc(n, sizeof(ap_real));
  }
  for (unsigned k = 0; k < np; k++) {
    p->prm[k] = (ap_param_desc){pnames[k], "1",        "test parameter",
                                AP_PT_REAL, pdefs[k],  -INFINITY,
                                INFINITY,   0,         NULL};
    p->param[k] = t_calloc(n, sizeof(ap_real));
    for (size_t i = 0; i < n; i++) p->param[k][i] = pdefs[k];
  }
  p->v.size = sizeof p->v;
  p->v.n = n;
  p->v.model = model;
  p->v.params = p->prm;
  p->v.n_params = np;
  p->v.vars = p->vars;
  p->v.n_vars = nv;
  p->v.param = p->param;
  p->v.state = p->state;
}

static void pop_free(t_pop *p) {
  for (unsigned k = 0; k < T_MAXV; k++) {
    free(p->state[k]);
    free(p->param[k]);
  }
}

static ap_real *pop_var(t_pop *p, const char *name) {
  for (unsigned k = 0; k < p->v.n_vars; k++)
    if (!strcmp(p->vars[k].name, name)) return p->state[k];
  ck_abort_msg("the test view has no variable %s", name);
  return NULL;
}

static ap_real *pop_par(t_pop *p, const char *name) {
  for (unsigned k = 0; k < p->v.n_params; k++)
    if (!strcmp(p->prm[k].name, name)) return p->param[k];
  ck_abort_msg("the test view has no parameter %s", name);
  return NULL;
}

/* ------------------------------------------------------------ fixture */

typedef struct fx {
  const ap_rule_desc *rule;
  t_pop pre, post;
  size_t n_pre, n_post, n_syn;
  size_t *row;
  uint32_t *target;
  ap_weight *w;
  ap_real *param;
  ap_real **syn;  /* [n_syn_vars][n_syn] */
  ap_real **pst;  /* [n_post_vars][n_post] */
  double *pre_credit, *post_credit;
  ap_credit pre_sums; /* the host's view of pre_credit */
  ap_phase_event ph;
  int in_phase;
  unsigned n_names;
  int64_t step;   /* the next step to run */
  ap_rule_ctx c;
  char err[512];
} fx;

static const ap_rule_desc *find_rule(const char *name) {
  const ap_plugin_table *t = ap_plugin_entry();
  for (size_t k = 0; k < t->n; k++)
    if (!strcmp(t->plugins[k].name, name)) {
      ck_assert_int_eq(t->plugins[k].kind, AP_KIND_RULE);
      return t->plugins[k].desc;
    }
  ck_abort_msg("the plugin has no rule %s", name);
  return NULL;
}

/* An all-to-all projection pre -> post, synapse s = j n_post + i, weights
 * 0, the rule's parameters at their defaults; not yet prepared. */
static fx *fx_open(const char *rule, int pre_kind, size_t n_pre,
                   int post_kind, size_t n_post) {
  fx *f = t_calloc(1, sizeof *f);
  f->rule = find_rule(rule);
  pop_init(&f->pre, pre_kind, n_pre);
  pop_init(&f->post, post_kind, n_post);
  f->n_pre = n_pre;
  f->n_post = n_post;
  f->n_syn = n_pre * n_post;
  f->row = t_calloc(n_pre + 1, sizeof *f->row);
  f->target = t_calloc(f->n_syn, sizeof *f->target);
  f->w = t_calloc(f->n_syn, sizeof *f->w);
  for (size_t j = 0; j < n_pre; j++) {
    f->row[j] = j * n_post;
    for (size_t i = 0; i < n_post; i++)
      /* a delay of one step packed above the post index, as the host
       * packs it: a rule that forgets target_mask reads far outside */
      f->target[j * n_post + i] =
          (uint32_t)i | (1u << AP_PACK_TARGET_BITS);
  }
  f->row[n_pre] = f->n_syn;
  f->param = t_calloc(f->rule->n_params, sizeof *f->param);
  for (unsigned k = 0; k < f->rule->n_params; k++)
    f->param[k] = f->rule->params[k].def;
  f->syn = t_calloc(f->rule->n_syn_vars + 1, sizeof *f->syn);
  for (unsigned v = 0; v < f->rule->n_syn_vars; v++) {
    f->syn[v] = t_calloc(f->n_syn, sizeof(ap_real));
    for (size_t s = 0; s < f->n_syn; s++)
      f->syn[v][s] = f->rule->syn_vars[v].def;
  }
  f->pst = t_calloc(f->rule->n_post_vars + 1, sizeof *f->pst);
  for (unsigned v = 0; v < f->rule->n_post_vars; v++) {
    f->pst[v] = t_calloc(n_post, sizeof(ap_real));
    for (size_t i = 0; i < n_post; i++)
      f->pst[v][i] = f->rule->post_vars[v].def;
  }
  f->pre_credit = t_calloc(n_pre, sizeof(double));
  f->post_credit = t_calloc(n_post, sizeof(double));
  ap_rule_ctx *c = &f->c;
  c->size = sizeof *c;
  c->param = f->param;
  c->syn_state = f->syn;
  c->post_state = f->pst;
  c->weight = f->w;
  c->target = f->target;
  c->t = 0.0;
  c->dt = DT;
  c->host = ap_host_services();
  c->n_syn = f->n_syn;
  c->n_post = n_post;
  c->target_mask = AP_PACK_TARGET_MASK;
  c->pre = &f->pre.v;
  c->post = &f->post.v;
  f->pre_sums = (ap_credit){.sum = f->pre_credit, .n = n_pre};
  c->pre_credit = &f->pre_sums;
  c->post_credit = f->post_credit;
  c->window_step = -1;
  c->row = f->row;
  c->n_pre = n_pre;
  c->seed = 12345;
  c->stream = 77;
  return f;
}

static void fx_close(fx *f) {
  if (f->c.inst && f->rule->release) f->rule->release(f->c.inst);
  for (unsigned v = 0; v < f->rule->n_syn_vars; v++) free(f->syn[v]);
  for (unsigned v = 0; v < f->rule->n_post_vars; v++) free(f->pst[v]);
  free(f->syn);
  free(f->pst);
  free(f->param);
  free(f->row);
  free(f->target);
  free(f->w);
  free(f->pre_credit);
  free(f->post_credit);
  pop_free(&f->pre);
  pop_free(&f->post);
  free(f);
}

/* prepare(): the status; the message in f->err. */
static int fx_try_prepare(fx *f) {
  void *inst = (void *)&f; /* must be overwritten */
  f->err[0] = '\0';
  f->c.inst = NULL;
  const int st = f->rule->prepare(&inst, &f->c, f->err, sizeof f->err);
  if (st != AP_OK) {
    ck_assert_msg(inst == NULL, "a failed prepare() left an instance");
    ck_assert_msg(f->err[0] != '\0', "a failed prepare() gave no message");
    return st;
  }
  f->c.inst = inst;
  return st;
}

static void fx_prepare(fx *f) {
  const int st = fx_try_prepare(f);
  ck_assert_msg(st == AP_OK, "prepare() failed (%d): %s", st, f->err);
  ck_assert_ptr_nonnull(f->c.inst);
}

/* The rule variable `name` (per post neuron). */
static ap_real *fx_rv(fx *f, const char *name) {
  for (unsigned v = 0; v < f->rule->n_post_vars; v++)
    if (!strcmp(f->rule->post_vars[v].name, name)) return f->pst[v];
  ck_abort_msg("the rule has no post variable %s", name);
  return NULL;
}

/* A phase of `steps` steps from the next step, its window opening
 * `win_off` steps after its start for `win_steps` steps (0: none), with
 * the spikes `sp` (absolute steps, in order of step then pre): BEGIN
 * (credits zeroed, as the host does), then on_spikes and on_step per step.
 * The caller sets the neurons' sums, then calls fx_end(). */
static void fx_phase(fx *f, const char *name, int64_t steps, int64_t win_off,
                     int64_t win_steps, const t_spike *sp, size_t n_sp) {
  ck_assert_msg(!f->in_phase, "phase %s begun inside another", name);
  f->ph = (ap_phase_event){.size = sizeof(ap_phase_event),
                           .kind = AP_PHASE_BEGIN,
                           .name = name,
                           .index = 1,
                           .first_step = f->step,
                           .steps = steps,
                           .window_first = f->step + win_off,
                           .window_steps = win_steps};
  f->in_phase = 1;
  f->c.phase = &f->ph;
  memset(f->pre_credit, 0, f->n_pre * sizeof(double));
  memset(f->post_credit, 0, f->n_post * sizeof(double));
  f->c.t = (double)f->step * DT;
  if (f->rule->on_phase) f->rule->on_phase(&f->c, &f->ph);
  uint32_t idx[64], mult[64];
  for (int64_t s = f->step; s < f->step + steps; s++) {
    size_t n = 0;
    int multi = 0;
    for (size_t k = 0; k < n_sp; k++)
      if (sp[k].step == s) {
        ck_assert_uint_lt(n, 64);
        idx[n] = sp[k].pre;
        mult[n] = sp[k].mult;
        multi |= sp[k].mult != 1;
        n++;
      }
    f->c.step = s;
    f->c.t = (double)(s + 1) * DT;
    f->c.window_step = win_steps > 0 && s >= f->ph.window_first &&
                               s < f->ph.window_first + win_steps
                           ? s - f->ph.window_first
                           : -1;
    if (n) f->rule->on_spikes(&f->c, idx, multi ? mult : NULL, n);
    f->rule->on_step(&f->c);
  }
  f->step += steps;
  f->c.window_step = -1;
}

static void fx_end(fx *f) {
  ck_assert_msg(f->in_phase, "no phase to end");
  f->ph.kind = AP_PHASE_END;
  f->rule->on_phase(&f->c, &f->ph);
  f->in_phase = 0;
  f->c.phase = NULL;
}

/* Window sums of a hidden neuron i as the neuron leaves them: means C, A
 * over n steps. */
static void set_hidden(fx *f, size_t i, double C, double A, double n) {
  pop_var(&f->post, "sum_C")[i] = C * n;
  pop_var(&f->post, "sum_A")[i] = A * n;
  pop_var(&f->post, "n_int")[i] = n;
}

/* ... of an output neuron: means U and sigma(U) over n steps. */
static void set_output(fx *f, size_t i, double U, double sU, double n) {
  pop_var(&f->post, "sum_U")[i] = U * n;
  pop_var(&f->post, "sum_sigma_U")[i] = sU * n;
  pop_var(&f->post, "n_int")[i] = n;
}

static size_t syn_of(const fx *f, size_t j, size_t i) {
  return j * f->n_post + i;
}

/* Weight of synapse s moved from w0 by dw (computed here in double):
 * 1e-6 relative on the change plus one float ulp of the stored weight. */
static void check_weight(const fx *f, size_t s, double w0, double dw,
                         const char *what) {
  const double got = (double)f->w[s];
  const double tol =
      REL_W * fabs(dw) + FLT_EPSILON * (fabs(got) + fabs(w0));
  ck_assert_msg(fabs(got - (w0 + dw)) <= tol,
                "%s, synapse %zu: weight %.9g, want %.9g + %.9g = %.9g "
                "(diff %.3g, tol %.3g)",
                what, s, got, w0, dw, w0 + dw, got - (w0 + dw), tol);
}

static ap_weight *copy_w(const fx *f) {
  ap_weight *w = t_calloc(f->n_syn, sizeof *w);
  memcpy(w, f->w, f->n_syn * sizeof *w);
  return w;
}

/* --------------------------------------- 0. the finite spike memory */

/* The rule's PSP averages against the hand sums of psp_avg() with the
 * authors' memory of 10 steps and with the whole kernel: spikes at ages
 * inside and beyond the memory at the window, spikes sent in the phase
 * before (the window opens 3 steps into its phase, within the memory of
 * the previous phase's last spikes), and a spike sent in the window's
 * last step (it arrives after the window and counts for nothing). */
START_TEST(test_psp_memory) {
  const double mems[2] = {10.0, 0.0};
  for (int q = 0; q < 2; q++) {
    t_psp_memory = mems[q];
    fx *f = fx_open("guerguiev", POP_INPUT, 4, POP_OUTPUT, 1);
    fx_prepare(f);
    /* phase 1 (a test phase: no learning) at steps 0..19, then the
     * forward phase at steps 20..39 with its window at 23..37 */
    const t_spike sp[] = {{2, 0, 1},  {15, 1, 1}, {18, 2, 3}, {19, 0, 1},
                          {25, 3, 1}, {30, 1, 2}, {37, 2, 1}};
    const size_t nsp = sizeof sp / sizeof sp[0];
    fx_phase(f, "test", 20, 0, 0, sp, nsp);
    fx_end(f);
    fx_phase(f, "forward", 20, 3, 15, sp, nsp);
    const double Uf = -0.4;
    set_output(f, 0, Uf, 0.3, 15);
    fx_end(f);
    fx_phase(f, "target", 20, 3, 15, NULL, 0);
    set_output(f, 0, 1.0, 0.9, 15);
    fx_end(f);
    const double kD = G_D / (G_L + G_D);
    const double E = kD * (PHI_MAX * 0.9 - PHI_MAX * t_sig(Uf)) * PHI_MAX *
                     t_dsig(Uf);
    const double P = 20.0 / (PHI_MAX * PHI_MAX), eta = 0.21;
    double x[4];
    for (uint32_t j = 0; j < 4; j++) {
      x[j] = psp_avg(sp, nsp, j, 23, 15);
      check_weight(f, j, 0.0, eta * P * E * x[j], "memory");
    }
    /* the memory matters here: pre 0's spike of step 2 is 21 and more
     * steps old in the window, forgotten with 10 steps of memory, so only
     * its spike of step 19 counts (steps 23..29, ages 4..10); the whole
     * kernel keeps both */
    double only19 = 0.0, both = 0.0;
    for (int s = 23; s <= 37; s++) {
      if (s <= 29) only19 += t_kappa(s - 19.0);
      both += t_kappa(s - 19.0) + t_kappa(s - 2.0);
    }
    CHECK_REL(x[0], (mems[q] > 0.0 ? only19 : both) / 15.0, 1e-12,
              "pre 0 by hand, memory %g: %.15g", mems[q], x[0]);
    /* the hand sum by spike, for pre 2 with 10 steps of memory: the 3
     * spikes of step 18 count at ages 5..10 (steps 23..28), the one of
     * step 37 arrives after the window */
    if (mems[q] > 0.0) {
      double want = 0.0;
      for (int s = 23; s <= 28; s++) want += 3.0 * t_kappa(s - 18.0);
      CHECK_REL(x[2], want / 15.0, 1e-12, "pre 2 by hand: %.15g, %.15g",
                x[2], want / 15.0);
    }
    fx_close(f);
  }
  t_psp_memory = 10.0;
}
END_TEST

/* ----------------------------------------------- saving the rule's state */

/* The scenario of test_psp_memory up to the end of the forward phase,
 * whose spikes (step 37) still reach the target phase's window. */
static const t_spike sv_sp[] = {{2, 0, 1},  {15, 1, 1}, {18, 2, 3},
                                {19, 0, 1}, {25, 3, 1}, {30, 1, 2},
                                {37, 2, 1}};
static fx *sv_forward(void) {
  fx *f = fx_open("guerguiev", POP_INPUT, 4, POP_OUTPUT, 1);
  fx_prepare(f);
  const size_t nsp = sizeof sv_sp / sizeof sv_sp[0];
  fx_phase(f, "test", 20, 0, 0, sv_sp, nsp);
  fx_end(f);
  fx_phase(f, "forward", 20, 3, 15, sv_sp, nsp);
  set_output(f, 0, -0.4, 0.3, 15);
  fx_end(f);
  return f;
}
static void sv_target(fx *f) {
  fx_phase(f, "target", 20, 3, 15, NULL, 0);
  set_output(f, 0, 1.0, 0.9, 15);
  fx_end(f);
}

/* Saved after the forward phase and loaded into a fresh instance, the
 * rule learns in the target phase exactly what the uninterrupted one
 * does (with 10 steps of memory: its log of spikes; with the whole
 * kernel: its traces); without the load it learns something else.  A
 * state saved for another projection is refused. */
START_TEST(test_save_load) {
  const double mems[2] = {10.0, 0.0};
  for (int q = 0; q < 2; q++) {
    t_psp_memory = mems[q];
    fx *a = sv_forward();
    static memstream mb;
    ap_stream out = memstream_open(&mb);
    ck_assert_ptr_nonnull(a->rule->save);
    ck_assert_int_eq(a->rule->save(&a->c, &out, a->err, sizeof a->err),
                     AP_OK);
    ck_assert_uint_gt(mb.len, 16);
    /* b: a fresh instance in the same place; the host's arrays as a's */
    fx *b = fx_open("guerguiev", POP_INPUT, 4, POP_OUTPUT, 1);
    fx *fresh = fx_open("guerguiev", POP_INPUT, 4, POP_OUTPUT, 1);
    fx_prepare(b);
    fx_prepare(fresh);
    /* the host's arrays (weights, the rule's per-neuron variables, the
     * neurons) come over as they are; the instance's state by load */
    for (fx *g = b; g; g = g == b ? fresh : NULL) {
      g->step = a->step;
      memcpy(g->w, a->w, a->n_syn * sizeof *a->w);
      for (unsigned v = 0; v < a->rule->n_post_vars; v++)
        memcpy(g->pst[v], a->pst[v], a->n_post * sizeof(ap_real));
      for (unsigned v = 0; v < a->post.v.n_vars; v++)
        memcpy(g->post.state[v], a->post.state[v], a->n_post * sizeof(ap_real));
      for (unsigned k = 0; k < a->post.v.n_params; k++)
        if (a->post.param[k])
          memcpy(g->post.param[k], a->post.param[k],
                 a->n_post * sizeof(ap_real));
    }
    ap_stream in = out;
    ck_assert_int_eq(b->rule->load(&b->c, &in, b->err, sizeof b->err),
                     AP_OK);
    ck_assert_uint_eq(mb.at, mb.len); /* read to the end */
    sv_target(a);
    sv_target(b);
    sv_target(fresh);
    ck_assert_msg(!memcmp(a->w, b->w, a->n_syn * sizeof *a->w),
                  "memory %g: the loaded rule learned differently",
                  mems[q]);
    ck_assert_msg(memcmp(a->w, fresh->w, a->n_syn * sizeof *a->w) != 0,
                  "memory %g: a rule without the saved state learned the "
                  "same (the test would not see a lost state)", mems[q]);
    /* refused: the state of a projection of another size */
    fx *c = fx_open("guerguiev", POP_INPUT, 3, POP_OUTPUT, 1);
    fx_prepare(c);
    memstream_rewind(&mb);
    ck_assert_int_eq(c->rule->load(&c->c, &in, c->err, sizeof c->err),
                     AP_EINVAL);
    ck_assert_msg(strstr(c->err, "saved for another projection") != NULL,
                  "%s", c->err);
    fx_close(a);
    fx_close(b);
    fx_close(fresh);
    fx_close(c);
  }
  t_psp_memory = 10.0;
}
END_TEST

/* ------------------------------------------- 1. PSP averaging (output) */

/* A spike of pre 0 in step 0 (of pre 1 with multiplicity 2), the forward
 * window opening in step 2 for 3 steps: the spike arrives in step 1 at
 * age dt, so the rule's forward PSP average, seen through dW = eta P E
 * PSP_f, is (kappa(2) + kappa(3) + kappa(4))/3 (twice that for pre 1, 0
 * for the silent pre 2). */
START_TEST(test_psp_average) {
  fx *f = fx_open("guerguiev", POP_INPUT, 3, POP_OUTPUT, 1);
  fx_prepare(f);
  const t_spike sp[] = {{0, 0, 1}, {0, 1, 2}};
  fx_phase(f, "forward", 5, 2, 3, sp, 2);
  const double Uf = 0.5, st = 0.8;
  set_output(f, 0, Uf, 0.3, 3);
  fx_end(f);
  fx_phase(f, "target", 5, 2, 3, NULL, 0);
  set_output(f, 0, 1.0, st, 3);
  fx_end(f);

  const double psp =
      (t_kappa(2.0) + t_kappa(3.0) + t_kappa(4.0)) / 3.0;
  /* the same from the generic helper, so the other tests' PSPs agree */
  CHECK_REL(psp_avg(sp, 2, 0, 2, 3), psp, 1e-12, "psp_avg helper");
  const double kD = G_D / (G_L + G_D);
  const double E = kD * (PHI_MAX * st - PHI_MAX * t_sig(Uf)) * PHI_MAX *
                   t_dsig(Uf);
  const double P = 20.0 / (PHI_MAX * PHI_MAX), eta = 0.21;
  check_weight(f, 0, 0.0, eta * P * E * psp, "pre 0 (one spike)");
  check_weight(f, 1, 0.0, eta * P * E * 2.0 * psp, "pre 1 (two spikes)");
  ck_assert_msg(f->w[2] == 0.0f, "silent pre 2 moved to %g", (double)f->w[2]);
  /* the PSP itself, recovered from the weight */
  CHECK_REL((double)f->w[0] / (eta * P * E), psp, REL_W,
            "forward PSP average %.9g, want (k2+k3+k4)/3 = %.9g",
            (double)f->w[0] / (eta * P * E), psp);
  fx_close(f);
}
END_TEST

/* ---------------------------------------- 2. guerguiev, hidden layer */

static const t_spike hid_sp[] = {
    {0, 0, 1}, {1, 1, 1}, {2, 1, 1}, {3, 0, 1}, {7, 0, 1}, {8, 1, 1}};
#define HID_NSP (sizeof hid_sp / sizeof hid_sp[0])

/* Forward phase 6 steps, window from step 2 for 4; target 6 steps,
 * window from 8 for 4.  Hidden neurons: forward C_f, A_f; target A_t;
 * credit from the layer above set by hand before the target END. */
static const double hid_Cf[3] = {0.4, -1.2, 2.0};
static const double hid_Af[3] = {0.3, -0.5, 1.0};
static const double hid_At[3] = {1.1, -0.9, 1.0};
static const double hid_cr[3] = {0.3, -0.5, 1.2};
static const double hid_b0[3] = {0.1, -0.2, 0.3};

static fx *run_hidden(const char *rule, double gA) {
  fx *f = fx_open(rule, POP_INPUT, 2, POP_HIDDEN, 3);
  for (size_t i = 0; i < 3; i++) {
    pop_par(&f->post, "g_A")[i] = gA;
    pop_par(&f->post, "b")[i] = hid_b0[i];
  }
  for (size_t s = 0; s < f->n_syn; s++) f->w[s] = 0.1f + 0.05f * (float)s;
  fx_prepare(f);
  fx_phase(f, "forward", 6, 2, 4, hid_sp, HID_NSP);
  for (size_t i = 0; i < 3; i++) set_hidden(f, i, hid_Cf[i], hid_Af[i], 4);
  fx_end(f);
  fx_phase(f, "target", 6, 2, 4, hid_sp, HID_NSP);
  /* the somatic sums of the target window do not enter the update */
  for (size_t i = 0; i < 3; i++) set_hidden(f, i, 5.0, hid_At[i], 4);
  for (size_t i = 0; i < 3; i++) f->post_credit[i] = hid_cr[i];
  return f;
}

/* Check dW_ij = eta P E_i PSP_f,j, db_i = eta P E_i (P = 20/phi_max). */
static void check_hidden_update(fx *f, const ap_weight *w0, const double *E,
                                const char *what) {
  const double eta = 0.21, P = 20.0 / PHI_MAX;
  for (size_t j = 0; j < 2; j++) {
    const double x = psp_avg(hid_sp, HID_NSP, (uint32_t)j, 2, 4);
    ck_assert_msg(x > 0.0, "pre %zu has no forward PSP", j);
    for (size_t i = 0; i < 3; i++)
      check_weight(f, syn_of(f, j, i), (double)w0[syn_of(f, j, i)],
                   eta * P * E[i] * x, what);
  }
  const ap_real *b = pop_par(&f->post, "b");
  for (size_t i = 0; i < 3; i++)
    CHECK_REL(b[i], hid_b0[i] + eta * P * E[i], REL_D,
              "%s, neuron %zu: b %.15g, want %.15g", what, i, b[i],
              hid_b0[i] + eta * P * E[i]);
}

START_TEST(test_guerguiev_hidden) {
  /* g_A = 0 as the experiment; g_A = 0.2 tells k_B from k_D */
  const double gAs[2] = {G_A, 0.2};
  for (int r = 0; r < 2; r++) {
    const double gA = gAs[r];
    fx *f = run_hidden("guerguiev", gA);
    ap_weight *w0 = copy_w(f);
    fx_end(f);
    const double kB = G_B / (G_L + G_B + gA);
    double E[3];
    for (size_t i = 0; i < 3; i++) {
      const double dphi = PHI_MAX * t_dsig(hid_Cf[i]);
      E[i] = kB * (t_sig(hid_At[i]) - t_sig(hid_Af[i])) * dphi;
      CHECK_REL(fx_rv(f, "E")[i], E[i], REL_D,
                "g_A %g, neuron %zu: E %.15g, want %.15g", gA, i,
                fx_rv(f, "E")[i], E[i]);
      CHECK_REL(fx_rv(f, "E_bp")[i], kB * dphi * hid_cr[i], REL_D,
                "g_A %g, neuron %zu: E_bp %.15g, want %.15g", gA, i,
                fx_rv(f, "E_bp")[i], kB * dphi * hid_cr[i]);
      CHECK_REL(fx_rv(f, "mean_f")[i], hid_Cf[i], REL_D, "mean_f %zu", i);
      CHECK_REL(fx_rv(f, "alpha_f")[i], t_sig(hid_Af[i]), REL_D,
                "alpha_f %zu", i);
      CHECK_REL(fx_rv(f, "alpha_t")[i], t_sig(hid_At[i]), REL_D,
                "alpha_t %zu", i);
    }
    /* neuron 2 has A_t = A_f: no error, its weights stay */
    ck_assert_msg(E[2] == 0.0 && fx_rv(f, "E")[2] == 0.0,
                  "E of a neuron with alpha_t = alpha_f: %g",
                  fx_rv(f, "E")[2]);
    check_hidden_update(f, w0, E, r ? "guerguiev, g_A 0.2" : "guerguiev");
    /* the pre population (input) takes no credit */
    for (size_t j = 0; j < 2; j++)
      ck_assert_msg(f->pre_credit[j] == 0.0, "input %zu got credit %g", j,
                    f->pre_credit[j]);
    free(w0);
    fx_close(f);
  }
}
END_TEST

/* ------------------------------------------------ 3. the output layer */

static const t_spike out_sp[] = {{0, 0, 1}, {0, 2, 1}, {1, 1, 1},
                                 {3, 2, 1}, {4, 0, 1}};
#define OUT_NSP (sizeof out_sp / sizeof out_sp[0])
static const double out_Uf[2] = {0.5, -0.3};
static const double out_sU[2] = {0.8, 0.2}; /* mean sigma(U), target */
static const double out_cr0[3] = {0.01, -0.02, 0.03};

/* Pre (n 3) -> output (n 2).  Forward: 6 steps, window from 2 for 3
 * (n_int 3); target: 6 steps, window from 2 for 4 (n_int 4), so each
 * average divides by its own window's n_int. */
static fx *run_output(const char *rule, int pre_kind, ap_weight *w0,
                      double *E) {
  fx *f = fx_open(rule, pre_kind, 3, POP_OUTPUT, 2);
  for (size_t s = 0; s < f->n_syn; s++)
    f->w[s] = (float)(0.3 - 0.11 * (double)s);
  pop_par(&f->post, "b")[0] = 0.05;
  pop_par(&f->post, "b")[1] = -0.05;
  fx_prepare(f);
  fx_phase(f, "forward", 6, 2, 3, out_sp, OUT_NSP);
  for (size_t i = 0; i < 2; i++) set_output(f, i, out_Uf[i], 0.9, 3);
  fx_end(f);
  fx_phase(f, "target", 6, 2, 4, NULL, 0);
  for (size_t i = 0; i < 2; i++) set_output(f, i, 2.0, out_sU[i], 4);
  /* credit another rule left for the pre layer before this END */
  for (size_t j = 0; j < 3; j++) f->pre_credit[j] = out_cr0[j];
  memcpy(w0, f->w, f->n_syn * sizeof *w0);
  fx_end(f);
  const double kD = G_D / (G_L + G_D);
  for (size_t i = 0; i < 2; i++) {
    const double rt = PHI_MAX * out_sU[i];
    E[i] = kD * (rt - PHI_MAX * t_sig(out_Uf[i])) * PHI_MAX *
           t_dsig(out_Uf[i]);
    CHECK_REL(fx_rv(f, "rate_t")[i], rt, REL_D, "%s: rate_t %zu", rule, i);
    CHECK_REL(fx_rv(f, "mean_f")[i], out_Uf[i], REL_D, "%s: mean_f %zu",
              rule, i);
    CHECK_REL(fx_rv(f, "E")[i], E[i], REL_D,
              "%s, output %zu: E %.15g, want %.15g", rule, i,
              fx_rv(f, "E")[i], E[i]);
  }
  const double eta = 0.21, P = 20.0 / (PHI_MAX * PHI_MAX);
  for (size_t j = 0; j < 3; j++) {
    const double x = psp_avg(out_sp, OUT_NSP, (uint32_t)j, 2, 3);
    ck_assert_msg(x > 0.0, "pre %zu has no forward PSP", j);
    for (size_t i = 0; i < 2; i++)
      check_weight(f, syn_of(f, j, i), (double)w0[syn_of(f, j, i)],
                   eta * P * E[i] * x, rule);
  }
  const double b0[2] = {0.05, -0.05};
  for (size_t i = 0; i < 2; i++)
    CHECK_REL(pop_par(&f->post, "b")[i], b0[i] + eta * P * E[i], REL_D,
              "%s, output %zu: b %.15g, want %.15g", rule, i,
              pop_par(&f->post, "b")[i], b0[i] + eta * P * E[i]);
  return f;
}

START_TEST(test_output) {
  const char *const rules[2] = {"guerguiev", "backprop"};
  for (int r = 0; r < 2; r++) {
    ap_weight w0[6];
    double E[2];
    /* a hidden pre layer takes credit sum_k W_kj E_k with W after the
     * update, as the authors' code computes backprop's error */
    fx *f = run_output(rules[r], POP_HIDDEN, w0, E);
    for (size_t j = 0; j < 3; j++) {
      double before = out_cr0[j], want = out_cr0[j];
      for (size_t i = 0; i < 2; i++) {
        before += (double)w0[syn_of(f, j, i)] * E[i];
        want += (double)f->w[syn_of(f, j, i)] * E[i];
      }
      /* the test tells the weights before from those after */
      ck_assert_msg(!close_rel(before, want, REL_D, 1e-15),
                    "weights hardly moved: the credit test is blind");
      CHECK_REL(f->pre_credit[j], want, REL_D,
                "%s, pre %zu: credit %.15g, want %.15g (with the weights "
                "before the update %.15g)",
                rules[r], j, f->pre_credit[j], want, before);
    }
    fx_close(f);
    /* a plain input layer takes none */
    f = run_output(rules[r], POP_INPUT, w0, E);
    for (size_t j = 0; j < 3; j++)
      ck_assert_msg(f->pre_credit[j] == out_cr0[j],
                    "%s: input %zu's credit changed to %g", rules[r], j,
                    f->pre_credit[j]);
    fx_close(f);
  }
}
END_TEST

/* ------------------------------------------------- 4. backprop, hidden */

START_TEST(test_backprop_hidden) {
  fx *f = run_hidden("backprop", G_A);
  ap_weight *w0 = copy_w(f);
  fx_end(f);
  const double kB = G_B / (G_L + G_B + G_A);
  double E[3];
  for (size_t i = 0; i < 3; i++) {
    E[i] = kB * PHI_MAX * t_dsig(hid_Cf[i]) * hid_cr[i];
    CHECK_REL(fx_rv(f, "E")[i], E[i], REL_D,
              "backprop, neuron %zu: E %.15g, want %.15g", i,
              fx_rv(f, "E")[i], E[i]);
    CHECK_REL(fx_rv(f, "E_bp")[i], E[i], REL_D, "E_bp %zu", i);
  }
  /* neuron 2 (alpha_t = alpha_f, which guerguiev would leave) learns */
  ck_assert_msg(fabs(E[2]) > 1e-3, "E[2] %g", E[2]);
  check_hidden_update(f, w0, E, "backprop");
  free(w0);
  fx_close(f);
}
END_TEST

/* --------------------------------------------- 5. feedback_alignment */

typedef struct bstats {
  double mean, sd, zero_frac, sd_nonzero, max_abs;
} bstats;

static bstats b_stats(const ap_real *B, size_t n) {
  bstats r = {0, 0, 0, 0, 0};
  double s1 = 0, s2 = 0;
  size_t nz = 0;
  for (size_t s = 0; s < n; s++) {
    s1 += B[s];
    s2 += B[s] * B[s];
    if (B[s] == 0.0) nz++;
    if (fabs(B[s]) > r.max_abs) r.max_abs = fabs(B[s]);
  }
  r.mean = s1 / (double)n;
  r.sd = sqrt(s2 / (double)n - r.mean * r.mean);
  r.zero_frac = (double)nz / (double)n;
  r.sd_nonzero = n > nz ? sqrt(s2 / (double)(n - nz)) : 0.0;
  return r;
}

START_TEST(test_fa_draw) {
  const size_t N = 200 * 100; /* synapses */
  const double sd = 0.1;      /* B_sd's default */
  fx *f = fx_open("feedback_alignment", POP_INPUT, 200, POP_HIDDEN, 100);
  ck_assert_double_eq(f->param[PAR_B_SD], sd);
  fx_prepare(f);
  bstats st = b_stats(f->syn[0], N);
  /* uniform, mean 0, sd B_sd: the mean's standard error is sd/sqrt(N)
   * (7.1e-4), the sd's sqrt(0.8/N)/2 sd (E[x^4] = 9/5 sd^4), 0.32 %;
   * 4 standard errors each.  The support is [-sqrt(3) sd, sqrt(3) sd]. */
  ck_assert_msg(fabs(st.mean) <= 4.0 * sd / sqrt((double)N),
                "mean of B %g, want 0 +- %g", st.mean,
                4.0 * sd / sqrt((double)N));
  ck_assert_msg(fabs(st.sd - sd) <= 4.0 * 0.5 * sqrt(0.8 / (double)N) * sd,
                "sd of B %g, want %g +- %g", st.sd, sd,
                4.0 * 0.5 * sqrt(0.8 / (double)N) * sd);
  ck_assert_msg(st.max_abs <= sqrt(3.0) * sd * (1 + 1e-12),
                "|B| up to %g, beyond the uniform's sqrt(3) sd = %g",
                st.max_abs, sqrt(3.0) * sd);
  ck_assert_msg(st.max_abs >= 0.99 * sqrt(3.0) * sd,
                "|B| only up to %g of %g", st.max_abs, sqrt(3.0) * sd);
  ck_assert_msg(st.zero_frac < 1e-3, "B has %g zeros with B_sparse 0",
                st.zero_frac);
  /* drawn from (seed, stream, synapse): again the same, another stream
   * another */
  ap_real *B1 = t_calloc(N, sizeof *B1);
  memcpy(B1, f->syn[0], N * sizeof *B1);
  f->rule->release(f->c.inst);
  fx_prepare(f);
  ck_assert_msg(!memcmp(B1, f->syn[0], N * sizeof *B1),
                "B differs between two prepares of the same seed");
  f->rule->release(f->c.inst);
  f->c.stream++;
  fx_prepare(f);
  size_t same = 0;
  for (size_t s = 0; s < N; s++) same += B1[s] == f->syn[0][s];
  ck_assert_msg(same < N / 100, "%zu of %zu B equal on another stream", same,
                N);
  free(B1);
  fx_close(f);

  /* B_sparse 0.8: a fraction 0.8 zero (standard error sqrt(.16/N) =
   * 2.8e-3), the rest uniform with sd B_sd/(1 - 0.8) = 5 B_sd (standard
   * error sqrt(0.8/4000)/2, 0.71 %); 4 standard errors each. */
  f = fx_open("feedback_alignment", POP_INPUT, 200, POP_HIDDEN, 100);
  f->param[PAR_B_SPARSE] = 0.8;
  fx_prepare(f);
  st = b_stats(f->syn[0], N);
  ck_assert_msg(fabs(st.zero_frac - 0.8) <= 4.0 * sqrt(0.16 / (double)N),
                "zero fraction %g, want 0.8 +- %g", st.zero_frac,
                4.0 * sqrt(0.16 / (double)N));
  const double n_nz = 0.2 * (double)N;
  ck_assert_msg(fabs(st.sd_nonzero - 5.0 * sd) <=
                    4.0 * 0.5 * sqrt(0.8 / n_nz) * 5.0 * sd,
                "sd of the nonzero B %g, want %g +- %g", st.sd_nonzero,
                5.0 * sd, 4.0 * 0.5 * sqrt(0.8 / n_nz) * 5.0 * sd);
  ck_assert_msg(st.max_abs <= 5.0 * sqrt(3.0) * sd * (1 + 1e-12) &&
                    st.max_abs >= 0.99 * 5.0 * sqrt(3.0) * sd,
                "|B| up to %g, want close below %g", st.max_abs,
                5.0 * sqrt(3.0) * sd);
  ck_assert_msg(fabs(st.mean) <= 4.0 * sqrt(5.0) * sd / sqrt((double)N),
                "mean of sparse B %g", st.mean);
  fx_close(f);
}
END_TEST

/* The output layer's credit through B: sum_k B_kj E_k, not W. */
START_TEST(test_fa_credit) {
  ap_weight w0[6];
  double E[2];
  fx *f = run_output("feedback_alignment", POP_HIDDEN, w0, E);
  for (size_t j = 0; j < 3; j++) {
    double BtE = 0.0, WtE = 0.0;
    for (size_t i = 0; i < 2; i++) {
      ck_assert_msg(f->syn[0][syn_of(f, j, i)] != 0.0, "B is 0");
      BtE += f->syn[0][syn_of(f, j, i)] * E[i];
      WtE += (double)w0[syn_of(f, j, i)] * E[i];
    }
    /* far beyond the tolerance below (1e-6) */
    ck_assert_msg(!close_rel(WtE, BtE, 1e-3, 0.0),
                  "B^T E %g too close to W^T E %g: the test is blind", BtE,
                  WtE);
    /* the credit started at out_cr0[j] (another rule's) */
    CHECK_REL(f->pre_credit[j] - out_cr0[j], BtE, 1e-6,
              "feedback_alignment, pre %zu: credit gained %.15g, want B^T E "
              "%.15g (W^T E would be %.15g)",
              j, f->pre_credit[j] - out_cr0[j], BtE, WtE);
  }
  fx_close(f);
}
END_TEST

/* ------------------------------------------ 6. feedback weights Y */

/* Output neurons (pre, with sum_sigma_U) -> hidden ones: guerguiev learns
 * Y_ik += eta (phi(C_f,i) - alpha_f,i) phi'(A_f,i) PSP_f,k (no P) at the
 * end of the target phase, and leaves b alone. */
START_TEST(test_feedback_y) {
  /* the authors' update_Y, computed here by hand:
   *   E_i = (phi_max sigma(C_f,i) - sigma(A_f,i)) sigma'(A_f,i)
   *   Y_ik += eta E_i PSP_f,k,  c_i += eta E_i  (learn_bias = 1)
   * with no P and no further phi_max (a phi_max too many would make the
   * steps 5 times too small) */
  for (int learn_c = 1; learn_c >= 0; learn_c--) {
    fx *f = fx_open("guerguiev", POP_OUTPUT, 2, POP_HIDDEN, 3);
    for (size_t s = 0; s < f->n_syn; s++) f->w[s] = 0.2f - 0.07f * (float)s;
    f->param[PAR_P] = 7.0; /* the doc: no P in this update */
    f->param[PAR_LEARN_BIAS] = learn_c;
    const double c0[3] = {0.3, -0.1, 0.0};
    for (size_t i = 0; i < 3; i++) {
      pop_par(&f->post, "b")[i] = hid_b0[i];
      pop_par(&f->post, "c")[i] = c0[i];
    }
    fx_prepare(f);
    fx_phase(f, "forward", 6, 2, 4, hid_sp, HID_NSP);
    for (size_t i = 0; i < 3; i++) set_hidden(f, i, hid_Cf[i], hid_Af[i], 4);
    fx_end(f);
    fx_phase(f, "target", 6, 2, 4, hid_sp, HID_NSP);
    for (size_t i = 0; i < 3; i++) set_hidden(f, i, -3.0, hid_At[i], 4);
    ap_weight *w0 = copy_w(f);
    fx_end(f);
    const double eta = 0.21;
    for (size_t i = 0; i < 3; i++) {
      const double e = (PHI_MAX * t_sig(hid_Cf[i]) - t_sig(hid_Af[i])) *
                       t_dsig(hid_Af[i]);
      for (size_t k = 0; k < 2; k++) {
        const double x = psp_avg(hid_sp, HID_NSP, (uint32_t)k, 2, 4);
        ck_assert_msg(x > 0.0, "output %zu has no forward PSP", k);
        check_weight(f, syn_of(f, k, i), (double)w0[syn_of(f, k, i)],
                     eta * e * x, "feedback Y");
      }
      ck_assert_msg(pop_par(&f->post, "b")[i] == hid_b0[i],
                    "a feedback projection moved b[%zu] to %g", i,
                    pop_par(&f->post, "b")[i]);
      const double want_c = c0[i] + (learn_c ? eta * e : 0.0);
      CHECK_REL(pop_par(&f->post, "c")[i], want_c, REL_D,
                "learn_bias %d, c[%zu] %.15g, want %.15g", learn_c, i,
                pop_par(&f->post, "c")[i], want_c);
      if (learn_c)
        ck_assert_msg(fabs(eta * e) > 1e-6, "c hardly moved: blind test");
    }
    free(w0);
    fx_close(f);
  }

  /* backprop and feedback_alignment refuse it */
  const char *const rules[2] = {"backprop", "feedback_alignment"};
  for (int r = 0; r < 2; r++) {
    fx *f = fx_open(rules[r], POP_OUTPUT, 2, POP_HIDDEN, 3);
    ck_assert_int_ne(fx_try_prepare(f), AP_OK);
    ck_assert_msg(strstr(f->err, "forward projections only") != NULL,
                  "%s: message '%s'", rules[r], f->err);
    fx_close(f);
  }
}
END_TEST

/* ------------------------------------------------------ 7. refusals */

START_TEST(test_refuse) {
  const char *const rules[3] = {"guerguiev", "backprop",
                                "feedback_alignment"};
  for (int r = 0; r < 3; r++) {
    /* no sum_A/sum_C nor sum_U/sum_sigma_U (sum_U alone, sum_A alone) */
    const int kinds[2] = {POP_BARE, POP_ONLY_SUM_A};
    for (int k = 0; k < 2; k++) {
      fx *f = fx_open(rules[r], POP_INPUT, 2, kinds[k], 3);
      ck_assert_int_ne(fx_try_prepare(f), AP_OK);
      ck_assert_msg(strstr(f->err, "needs segregated_dendrite") != NULL,
                    "%s: message '%s'", rules[r], f->err);
      fx_close(f);
    }
    /* one kernel per input: tau_L (tau_s) alike in every post neuron */
    const char *const taus[2] = {"tau_L", "tau_s"};
    for (int k = 0; k < 2; k++) {
      fx *f = fx_open(rules[r], POP_INPUT, 2, k ? POP_OUTPUT : POP_HIDDEN, 3);
      pop_par(&f->post, taus[k])[2] += 1.0;
      ck_assert_int_ne(fx_try_prepare(f), AP_OK);
      ck_assert_msg(strstr(f->err, "differs between the post neurons") &&
                        strstr(f->err, taus[k]),
                    "%s, %s: message '%s'", rules[r], taus[k], f->err);
      fx_close(f);
    }
    /* and the same views, unaltered, are accepted */
    fx *f = fx_open(rules[r], POP_INPUT, 2, POP_OUTPUT, 3);
    fx_prepare(f);
    fx_close(f);
  }
}
END_TEST

/* ---------------------------------------- 8. phases that change nothing */

typedef struct snap {
  ap_weight w[6];
  double b[3], rv[N_PV][3], credit[2];
} snap;

static void take(fx *f, snap *s) {
  memcpy(s->w, f->w, sizeof s->w);
  memcpy(s->b, pop_par(&f->post, "b"), sizeof s->b);
  for (int v = 0; v < N_PV; v++) memcpy(s->rv[v], f->pst[v], sizeof s->rv[v]);
  memcpy(s->credit, f->pre_credit, sizeof s->credit);
}

static void same(const snap *a, const snap *b, const char *what) {
  ck_assert_msg(!memcmp(a->w, b->w, sizeof a->w), "%s: weights changed",
                what);
  ck_assert_msg(!memcmp(a->b, b->b, sizeof a->b), "%s: b changed", what);
  ck_assert_msg(!memcmp(a->rv, b->rv, sizeof a->rv),
                "%s: rule variables changed", what);
  ck_assert_msg(!memcmp(a->credit, b->credit, sizeof a->credit),
                "%s: the pre layer's credit changed", what);
}

static fx *fx_hidden_pre(const char *rule) {
  /* hidden -> hidden, so that credit could flow */
  fx *f = fx_open(rule, POP_HIDDEN, 2, POP_HIDDEN, 3);
  for (size_t s = 0; s < f->n_syn; s++) f->w[s] = 0.1f + 0.05f * (float)s;
  for (size_t i = 0; i < 3; i++) pop_par(&f->post, "b")[i] = hid_b0[i];
  fx_prepare(f);
  return f;
}

START_TEST(test_other_phases) {
  const char *const rules[3] = {"guerguiev", "backprop",
                                "feedback_alignment"};
  for (int r = 0; r < 3; r++) {
    fx *f = fx_hidden_pre(rules[r]);
    snap a, b;
    /* a forward example, then a "test" phase between it and the target */
    fx_phase(f, "forward", 6, 2, 4, hid_sp, HID_NSP);
    for (size_t i = 0; i < 3; i++) set_hidden(f, i, hid_Cf[i], hid_Af[i], 4);
    fx_end(f);
    take(f, &a);
    fx_phase(f, "test", 6, 1, 5, hid_sp, HID_NSP);
    for (size_t i = 0; i < 3; i++) set_hidden(f, i, 1.5, 2.5, 5);
    for (size_t i = 0; i < 3; i++) f->post_credit[i] = 1.0;
    fx_end(f);
    take(f, &b);
    same(&a, &b, rules[r]);
    /* the "test" phase did not replace the forward averages either: the
     * target END learns from the forward window */
    fx_phase(f, "target", 6, 2, 4, NULL, 0);
    for (size_t i = 0; i < 3; i++) set_hidden(f, i, 5.0, hid_At[i], 4);
    for (size_t i = 0; i < 3; i++) f->post_credit[i] = hid_cr[i];
    fx_end(f);
    const double kB = G_B / (G_L + G_B + G_A);
    const double eta = 0.21, P = 20.0 / PHI_MAX;
    for (size_t i = 0; i < 3; i++) {
      const double dphi = PHI_MAX * t_dsig(hid_Cf[i]);
      const double E = r == 0 ? kB * (t_sig(hid_At[i]) - t_sig(hid_Af[i])) *
                                    dphi
                              : kB * dphi * hid_cr[i];
      CHECK_REL(fx_rv(f, "E")[i], E, REL_D,
                "%s after a test phase, neuron %zu: E %.15g, want %.15g",
                rules[r], i, fx_rv(f, "E")[i], E);
      for (size_t j = 0; j < 2; j++)
        check_weight(f, syn_of(f, j, i), (double)a.w[syn_of(f, j, i)],
                     eta * P * E * psp_avg(hid_sp, HID_NSP, (uint32_t)j, 2, 4),
                     "target after a test phase");
    }
    fx_close(f);
  }
}
END_TEST

/* A target phase with no forward window before it changes nothing: no
 * forward phase at all, or one without a window. */
START_TEST(test_target_without_forward) {
  const char *const rules[3] = {"guerguiev", "backprop",
                                "feedback_alignment"};
  for (int r = 0; r < 3; r++) {
    for (int variant = 0; variant < 2; variant++) {
      fx *f = fx_hidden_pre(rules[r]);
      snap a, b;
      if (variant == 1) { /* a forward phase without a window */
        fx_phase(f, "forward", 6, 0, 0, hid_sp, HID_NSP);
        fx_end(f);
      }
      fx_phase(f, "target", 6, 2, 4, hid_sp, HID_NSP);
      for (size_t i = 0; i < 3; i++) set_hidden(f, i, 0.7, hid_At[i], 4);
      for (size_t i = 0; i < 3; i++) f->post_credit[i] = hid_cr[i];
      for (size_t j = 0; j < 2; j++) f->pre_credit[j] = 0.5;
      take(f, &a);
      fx_end(f);
      take(f, &b);
      same(&a, &b, variant ? "target after a windowless forward"
                           : "target with no forward");
      fx_close(f);
    }
  }
}
END_TEST

/* The second example's forward phase has no window: its END must not
 * take the previous target window's sums as forward averages, so the
 * target END after it changes nothing. */
START_TEST(test_stale_forward) {
  const char *const rules[3] = {"guerguiev", "backprop",
                                "feedback_alignment"};
  char msg[1024] = "";
  size_t len = 0;
  for (int r = 0; r < 3; r++) {
    fx *f = fx_hidden_pre(rules[r]);
    snap a, b;
    fx_phase(f, "forward", 6, 2, 4, hid_sp, HID_NSP);
    for (size_t i = 0; i < 3; i++) set_hidden(f, i, hid_Cf[i], hid_Af[i], 4);
    fx_end(f);
    fx_phase(f, "target", 6, 2, 4, hid_sp, HID_NSP);
    for (size_t i = 0; i < 3; i++) set_hidden(f, i, 5.0, hid_At[i], 4);
    for (size_t i = 0; i < 3; i++) f->post_credit[i] = hid_cr[i];
    fx_end(f);
    /* example 2: forward without a window (the neurons keep the target
     * window's sums, as segregated_dendrite resets them only when a
     * window opens) */
    fx_phase(f, "forward", 6, 0, 0, hid_sp, HID_NSP);
    fx_end(f);
    fx_phase(f, "target", 6, 2, 4, hid_sp, HID_NSP);
    for (size_t i = 0; i < 3; i++) set_hidden(f, i, 0.7, -hid_At[i], 4);
    for (size_t i = 0; i < 3; i++) f->post_credit[i] = hid_cr[i];
    take(f, &a);
    fx_end(f);
    take(f, &b);
    if (memcmp(a.w, b.w, sizeof a.w) || memcmp(a.b, b.b, sizeof a.b))
      len += (size_t)snprintf(msg + len, sizeof msg - len,
                              "%s%s: w[0] %.9g -> %.9g, b[0] %.9g -> %.9g",
                              len ? "; " : "", rules[r], (double)a.w[0],
                              (double)b.w[0], a.b[0], b.b[0]);
    fx_close(f);
  }
  ck_assert_msg(len == 0,
                "a target END after a forward phase without a window "
                "learned from the previous example's sums: %s",
                msg);
}
END_TEST

static Suite *make_guerguiev_suite(void) {
  Suite *s = suite_create("guerguiev");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_psp_memory);
  tcase_add_test(tc, test_save_load);
  tcase_add_test(tc, test_psp_average);
  tcase_add_test(tc, test_guerguiev_hidden);
  tcase_add_test(tc, test_output);
  tcase_add_test(tc, test_backprop_hidden);
  tcase_add_test(tc, test_fa_draw);
  tcase_add_test(tc, test_fa_credit);
  tcase_add_test(tc, test_feedback_y);
  tcase_add_test(tc, test_refuse);
  tcase_add_test(tc, test_other_phases);
  tcase_add_test(tc, test_target_without_forward);
  tcase_add_test(tc, test_stale_forward);
  suite_add_tcase(s, tc);
  return s;
}

AP_CHECK_MAIN(make_guerguiev_suite)
