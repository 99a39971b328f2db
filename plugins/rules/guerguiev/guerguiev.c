/* guerguiev.c -- credit assignment with segregated dendrites (Guerguiev,
 * Lillicrap & Richards 2017, eLife 6:e22901), and the two rate-based
 * baselines it is measured against, `backprop` and `feedback_alignment`.
 *
 * All three are phase rules for the segregated_dendrite neurons.  The
 * script runs each example as two phases (ap.phase("forward", ...) then
 * ap.phase("target", ...)), each with an integration window; the neurons
 * sum their somatic and apical potentials over the window, and the rule
 * keeps the presynaptic PSPs (the input spike trains filtered by the
 * neurons' kernel) and their window sums itself.  At the end of the
 * forward phase a rule stores the averages; at the end of the target
 * phase it updates the weights and the biases (the post population's `b`)
 * and leaves credit for the layer below (c->pre_credit).
 *
 * The three rules differ only in a hidden layer's error:
 *   guerguiev           k_B (alpha_t - alpha_f) phi'(C_f): the difference
 *                       of apical plateau potentials (local);
 *   backprop            k_B phi'(C_f) (W^T E) of the layer above: exact
 *                       credit through the forward weights (not local);
 *   feedback_alignment  k_B phi'(C_f) (B^T E) with B fixed and random.
 * In the output layer all three use the paper's rule.  Which layer a
 * projection feeds is read from its post population (a hidden neuron has
 * the variable A, an output neuron U). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apical_plugin.h"
#include "../../plugin_err.h"
#include "../../neurons/segregated_dendrite/segregated_dendrite.h"

enum { RULE_GUERGUIEV, RULE_BACKPROP, RULE_FA };

enum { PAR_ETA, PAR_P, PAR_B_SD, PAR_B_SPARSE, PAR_LEARN_BIAS, N_PARAMS };

static const ap_param_desc params[N_PARAMS] = {
    [PAR_ETA] = {"eta", "1",
                 "learning rate of the weights and biases (the authors' "
                 "f_eta, or b_eta on a feedback projection)",
                 AP_PT_REAL, 0.21, 0.0, INFINITY, 0, NULL},
    [PAR_P] = {"P", "1",
               "error scale; 0: the authors' 20/phi_max (hidden layer) or "
               "20/phi_max^2 (output layer), phi_max = lambda_max dt",
               AP_PT_REAL, 0.0, 0.0, INFINITY, 0, NULL},
    [PAR_B_SD] = {"B_sd", "1",
                  "feedback_alignment: standard deviation of the fixed "
                  "random feedback weights B (uniform, mean 0)",
                  AP_PT_REAL, 0.1, 0.0, INFINITY, 0, NULL},
    [PAR_B_SPARSE] = {"B_sparse", "1",
                      "feedback_alignment: fraction of B set to 0, the rest "
                      "scaled by 1/(1 - B_sparse)",
                      AP_PT_REAL, 0.0, 0.0, 1.0, AP_RANGE_MAX_OPEN, NULL},
    [PAR_LEARN_BIAS] = {"learn_bias", "1",
                        "1: learn the bias of the compartment fed (b of a "
                        "forward projection, c of a feedback one), 0: leave "
                        "it",
                        AP_PT_INT, 1.0, 0.0, 1.0, 0, NULL},
};

/* Per postsynaptic neuron, readable from Lua with proj:rule_var(name). */
enum { PV_MEAN_F, PV_APICAL_F, PV_APICAL_T, PV_RATE_T, PV_E, PV_E_BP, N_PV };
static const ap_var_desc post_vars[N_PV] = {
    [PV_MEAN_F] = {"mean_f", "1",
                   "somatic potential (C or U) averaged over the forward "
                   "window", 0.0, NULL, 0, 0},
    [PV_APICAL_F] = {"alpha_f", "1",
                     "hidden: plateau potential sigma(mean A) of the forward "
                     "window", 0.0, NULL, 0, 0},
    [PV_APICAL_T] = {"alpha_t", "1",
                     "hidden: plateau potential of the target window", 0.0,
                     NULL, 0, 0},
    [PV_RATE_T] = {"rate_t", "1",
                   "output: mean rate in the target window, spikes per step",
                   0.0, NULL, 0, 0},
    [PV_E] = {"E", "1", "the error of the last update (its sign: the "
                        "direction the weights moved)", 0.0, NULL, 0, 0},
    [PV_E_BP] = {"E_bp", "1",
                 "hidden: the error backprop would have used (from the "
                 "credit of the layer above)", 0.0, NULL, 0, 0},
};

/* feedback_alignment keeps B per synapse. */
static const ap_var_desc fa_syn_vars[1] = {
    {"B", "1", "fixed random feedback weight of the synapse", 0.0, NULL, 0,
     0},
};

static inline double dsigma(double x) {
  const double s = sd_sigma(x);
  return s * (1.0 - s);
}

/* A presynaptic spike kept for the window's PSP averages: pre neuron j
 * sent `mult` spikes in step `step` (they arrive one step later). */
typedef struct gr_spike {
  int64_t step;
  uint32_t j, mult;
} gr_spike;

typedef struct gr_inst {
  int kind;       /* RULE_* */
  int hidden;     /* post layer: 1 hidden, 0 output */
  /* post population: state and parameter indices */
  int v_sum_soma, v_sum_sigma, v_sum_apical, v_n_int, p_b, p_c;
  double *k;      /* per post neuron: k_B (hidden) or k_D (output) */
  double *phimax; /* per post neuron: lambda_max dt, spikes per step */
  double *g;      /* per post neuron, scratch: eta P E */
  /* presynaptic PSPs as the post neurons see them: the kernel at ages
   * dt, 2 dt, ... (the post neurons' psp_memory; M = 0: the whole kernel,
   * kept in traces) */
  long M;
  double *Kc;     /* M > 0: Kc[a] = kappa(dt) + ... + kappa(a dt), a <= M */
  gr_spike *log;  /* M > 0: the spikes that may still reach a window */
  size_t n_log, cap_log;
  int lost;       /* a spike could not be kept (out of memory) */
  double dL, ds, inv;           /* M = 0 */
  double *xL, *xs, *pend[2];    /* M = 0: traces, spikes by step parity */
  double *sum, *psp_f;
  int64_t cnt, cnt_f;
  int dense;      /* every row reaches consecutive post neurons */
  /* pre population: does it take credit (a hidden layer)? */
  int pre_credit;
  double *terms;  /* pre_credit: one row's terms of the credit */
  /* a feedback projection (output -> hidden apical): learns Y */
  int feedback;
  double *A_f;    /* per post neuron: mean apical potential, forward */
} gr_inst;

static int var_index(const ap_pop_view *v, const char *name) {
  for (unsigned k = 0; k < v->n_vars; k++)
    if (!strcmp(v->vars[k].name, name)) return (int)k;
  return -1;
}
static int param_index(const ap_pop_view *v, const char *name) {
  for (unsigned k = 0; k < v->n_params; k++)
    if (!strcmp(v->params[k].name, name)) return (int)k;
  return -1;
}

static void release(void *p) {
  gr_inst *in = p;
  if (!in) return;
  free(in->k);
  free(in->phimax);
  free(in->g);
  free(in->Kc);
  free(in->log);
  free(in->xL);
  free(in->xs);
  free(in->pend[0]);
  free(in->pend[1]);
  free(in->sum);
  free(in->psp_f);
  free(in->A_f);
  free(in->terms);
  free(in);
}

/* The parameter `name` of every neuron of v, which must all agree; -1 and
 * a sentence when missing or not uniform. */
static int uniform_param(const ap_pop_view *v, const char *name, double *out,
                         char *err, size_t err_size) {
  int k = param_index(v, name);
  if (k < 0 || !v->param[k]) {
    set_err(err, err_size, "the post population's model %s has no "
            "parameter '%s' (the rule needs segregated_dendrite neurons)",
            v->model, name);
    return -1;
  }
  for (size_t i = 1; i < v->n; i++)
    if (v->param[k][i] != v->param[k][0]) {
      set_err(err, err_size, "%s differs between the post neurons (%g and "
              "%g): the rule keeps one PSP per input, so the kernel must be "
              "the same for all", name, v->param[k][0], v->param[k][i]);
      return -1;
    }
  *out = v->n ? v->param[k][0] : 0.0;
  return 0;
}

/* Whether every row of the projection reaches consecutive post neurons
 * in order (all_to_all and the like): the update then runs as a vector
 * loop over the row. */
static int rows_dense(const ap_rule_ctx *c) {
  for (size_t j = 0; j < c->n_pre; j++) {
    const size_t a = c->row[j], b = c->row[j + 1];
    if (a == b) continue;
    const uint32_t t0 = c->target[a] & c->target_mask;
    if (t0 + (b - a) > c->n_post) return 0;
    for (size_t s = a + 1; s < b; s++)
      if ((c->target[s] & c->target_mask) != t0 + (uint32_t)(s - a)) return 0;
  }
  return 1;
}

static int prepare_kind(void **out, const ap_rule_ctx *c, char *err,
                        size_t err_size, int kind) {
  *out = NULL;
  if (!c->post || !c->pre || !c->row) {
    set_err(err, err_size, "the host gives no population views (it needs "
            "ABI 1.2)");
    return AP_EINVAL;
  }
  const ap_pop_view *post = c->post;
  gr_inst *in = calloc(1, sizeof *in);
  if (!in) return AP_ENOMEM;
  in->kind = kind;
  int vA = var_index(post, "sum_A"), vC = var_index(post, "sum_C");
  int vU = var_index(post, "sum_U"), vS = var_index(post, "sum_sigma_U");
  in->v_n_int = var_index(post, "n_int");
  in->p_b = param_index(post, "b");
  in->p_c = param_index(post, "c");
  if (vA >= 0 && vC >= 0) {
    in->hidden = 1;
    in->v_sum_soma = vC;
    in->v_sum_apical = vA;
  } else if (vU >= 0 && vS >= 0) {
    in->hidden = 0;
    in->v_sum_soma = vU;
    in->v_sum_sigma = vS;
  } else {
    set_err(err, err_size, "the post population's model %s has neither "
            "sum_A/sum_C (a hidden neuron) nor sum_U/sum_sigma_U (an output "
            "neuron): the rule needs segregated_dendrite neurons",
            post->model);
    release(in);
    return AP_EINVAL;
  }
  if (in->v_n_int < 0 || in->p_b < 0 || !post->param[in->p_b] ||
      in->p_c < 0 || !post->param[in->p_c]) {
    set_err(err, err_size, "the post population's model %s lacks n_int or "
            "the biases b and c", post->model);
    release(in);
    return AP_EINVAL;
  }
  double tl, ts, mem;
  if (uniform_param(post, "tau_L", &tl, err, err_size) ||
      uniform_param(post, "tau_s", &ts, err, err_size) ||
      uniform_param(post, "psp_memory", &mem, err, err_size)) {
    release(in);
    return AP_EINVAL;
  }
  in->M = sd_memory_steps(mem, c->dt);
  if (in->M < 0) {
    set_err(err, err_size, "the post neurons' psp_memory %g ms is not a "
            "whole number of steps of dt = %g ms", mem, c->dt);
    release(in);
    return AP_EINVAL;
  }
  in->dL = exp(-c->dt / tl);
  in->ds = exp(-c->dt / ts);
  in->inv = 1.0 / (tl - ts);
  const size_t n = post->n, np = c->n_pre;
  const size_t n1 = n ? n : 1, np1 = np ? np : 1;
  in->k = calloc(n1, sizeof *in->k);
  in->phimax = calloc(n1, sizeof *in->phimax);
  in->g = calloc(n1, sizeof *in->g);
  in->sum = calloc(np1, sizeof *in->sum);
  in->psp_f = calloc(np1, sizeof *in->psp_f);
  int ok = in->k && in->phimax && in->g && in->sum && in->psp_f;
  if (ok && in->M > 0) {
    in->Kc = calloc((size_t)in->M + 1, sizeof *in->Kc);
    ok = in->Kc != NULL;
    for (long a = 1; ok && a <= in->M; a++)
      in->Kc[a] = in->Kc[a - 1] + sd_kappa((double)a * c->dt, tl, ts);
  } else if (ok) {
    in->xL = calloc(np1, sizeof *in->xL);
    in->xs = calloc(np1, sizeof *in->xs);
    in->pend[0] = calloc(np1, sizeof *in->pend[0]);
    in->pend[1] = calloc(np1, sizeof *in->pend[1]);
    ok = in->xL && in->xs && in->pend[0] && in->pend[1];
  }
  if (!ok) {
    release(in);
    return AP_ENOMEM;
  }
  const int gL = param_index(post, "g_L"), gB = param_index(post, "g_B");
  const int gA = param_index(post, "g_A"), gD = param_index(post, "g_D");
  const int lm = param_index(post, "lambda_max");
  if (gL < 0 || gB < 0 || gA < 0 || gD < 0 || lm < 0) {
    set_err(err, err_size, "the post population's model %s lacks g_L, g_B, "
            "g_A, g_D or lambda_max", post->model);
    release(in);
    return AP_EINVAL;
  }
  for (size_t i = 0; i < n; i++) {
    const double l = post->param[gL][i];
    in->k[i] = in->hidden
                   ? post->param[gB][i] /
                         (l + post->param[gB][i] + post->param[gA][i])
                   : post->param[gD][i] / (l + post->param[gD][i]);
    if (!isfinite(in->k[i])) in->k[i] = 0.0;
    in->phimax[i] = post->param[lm][i] * c->dt * 1e-3;
  }
  in->dense = rows_dense(c);
  in->pre_credit = var_index(c->pre, "sum_A") >= 0 && c->pre_credit;
  if (in->pre_credit) {
    size_t longest = 1;
    for (size_t j = 0; j < c->n_pre; j++)
      if (c->row[j + 1] - c->row[j] > longest)
        longest = c->row[j + 1] - c->row[j];
    if (!(in->terms = malloc(longest * sizeof *in->terms))) {
      release(in);
      return AP_ENOMEM;
    }
  }
  /* From output neurons into hidden ones: the feedback weights Y. */
  in->feedback = in->hidden && var_index(c->pre, "sum_sigma_U") >= 0;
  if (in->feedback && kind != RULE_GUERGUIEV) {
    set_err(err, err_size, "%s runs on forward projections only; this one "
            "goes from output neurons (%s) to hidden ones",
            kind == RULE_BACKPROP ? "backprop" : "feedback_alignment",
            c->pre->model);
    release(in);
    return AP_EINVAL;
  }
  if (in->feedback && !(in->A_f = calloc(n1, sizeof *in->A_f))) {
    release(in);
    return AP_ENOMEM;
  }
  if (kind == RULE_FA) {
    /* B: uniform with standard deviation B_sd (width sqrt(12) B_sd, as
     * the authors draw their feedback weights), a fraction B_sparse of
     * them 0 and the rest scaled up, drawn once per synapse from the
     * rule's stream. */
    const double sd = c->param[PAR_B_SD], sp = c->param[PAR_B_SPARSE];
    const double width = sqrt(12.0) * sd, scale = 1.0 / (1.0 - sp);
    /* keyed by the synapse's index in the whole projection (row_id:
     * this process may hold a share of it) */
    const size_t *id = AP_HAS_FIELD(c, ap_rule_ctx, row_id) ? c->row_id : NULL;
    for (size_t j = 0; j < c->n_pre; j++)
      for (size_t s = c->row[j]; s < c->row[j + 1]; s++) {
        ap_rng r;
        c->host->rng_init(&r, c->seed, c->stream,
                          id ? s - c->row[j] + id[j] : s, 0);
        const double keep = c->host->rng_uniform(&r);
        const double u = c->host->rng_uniform(&r);
        c->syn_state[0][s] = keep < sp ? 0.0 : scale * width * (u - 0.5);
      }
  }
  *out = in;
  return AP_OK;
}

static int prepare_guerguiev(void **out, const ap_rule_ctx *c, char *err,
                             size_t err_size) {
  return prepare_kind(out, c, err, err_size, RULE_GUERGUIEV);
}
static int prepare_backprop(void **out, const ap_rule_ctx *c, char *err,
                            size_t err_size) {
  return prepare_kind(out, c, err, err_size, RULE_BACKPROP);
}
static int prepare_fa(void **out, const ap_rule_ctx *c, char *err,
                      size_t err_size) {
  return prepare_kind(out, c, err, err_size, RULE_FA);
}

/* ------------------------------------------------------- presynaptic PSPs */

/* Spikes sent in step s reach the post neurons in step s + 1 (the delay
 * of dt the rule requires) and count in their PSP from then on, at age dt
 * at the end of that step, as the neurons count them.
 *
 * With a finite memory of M steps a spike matters only to the windows
 * within M steps of its arrival, so the rule keeps the spikes that may
 * still reach a window, and at a phase's end adds each one's kernel over
 * the window at once: no work per step.  With the
 * whole kernel (M = 0) it keeps exponential traces per input and sums
 * them at every step of the window. */
/* Room for n more spikes in the log: first drop the spikes that can no
 * longer reach a window (those whose last step of memory, arrival + M -
 * 1, lies before the window under way, or before the next step when no
 * window is ahead in this phase), then grow it.  0, or -1 when out of
 * memory. */
static int keep_log(const ap_rule_ctx *c, gr_inst *in, size_t n) {
  const ap_phase_event *ph = c->phase;
  int64_t from = c->step + 1;
  if (ph && ph->window_steps && ph->window_first < from) from = ph->window_first;
  size_t kept = 0;
  for (size_t k = 0; k < in->n_log; k++)
    if (in->log[k].step + in->M >= from) in->log[kept++] = in->log[k];
  in->n_log = kept;
  if (kept + n <= in->cap_log / 2) return 0; /* compacting paid off */
  size_t cap = in->cap_log ? in->cap_log : 4096;
  while (cap < 2 * (kept + n)) cap *= 2;
  gr_spike *g = realloc(in->log, cap * sizeof *g);
  if (!g) return -1;
  in->log = g;
  in->cap_log = cap;
  return 0;
}

static void on_spikes(ap_rule_ctx *c, const uint32_t *pre,
                      const uint32_t *mult, size_t n) {
  gr_inst *in = c->inst;
  if (in->M == 0) {
    double *pend = in->pend[c->step & 1];
    for (size_t k = 0; k < n; k++) pend[pre[k]] += mult ? mult[k] : 1.0;
    return;
  }
  if (in->n_log + n > in->cap_log && keep_log(c, in, n)) {
    in->lost = 1; /* reported, and the update skipped, at the phase end */
    return;
  }
  for (size_t k = 0; k < n; k++)
    in->log[in->n_log++] = (gr_spike){c->step, pre[k], mult ? mult[k] : 1u};
}

/* M = 0, once per step: the traces take the spikes that arrive in this
 * step (sent in the step before) and decay over it; in a window the PSPs
 * are added to the sums. */
static void on_step(ap_rule_ctx *c) {
  gr_inst *in = c->inst;
  if (in->M != 0) return;
  const size_t np = c->n_pre;
  double *xL = in->xL, *xs = in->xs, *sum = in->sum;
  double *pend = in->pend[(c->step - 1) & 1];
  const double dL = in->dL, ds = in->ds;
  for (size_t j = 0; j < np; j++) {
    xL[j] = (xL[j] + pend[j]) * dL;
    xs[j] = (xs[j] + pend[j]) * ds;
    pend[j] = 0.0;
  }
  if (c->window_step == 0) {
    memset(sum, 0, np * sizeof *sum);
    in->cnt = 0;
  }
  if (c->window_step >= 0) {
    for (size_t j = 0; j < np; j++) sum[j] += in->inv * (xL[j] - xs[j]);
    in->cnt++;
  }
}

/* M > 0, at the end of a phase: the window sums of the PSPs from the
 * spikes kept.  A spike that arrives in step a adds kappa((t - a + 1) dt)
 * in each step t from a to a + M - 1; the window is [w0, w1]. */
static void window_sums(gr_inst *in, const ap_phase_event *e, size_t np) {
  double *sum = in->sum;
  memset(sum, 0, np * sizeof *sum);
  const int64_t w0 = e->window_first, w1 = e->window_first + e->window_steps - 1;
  const int64_t M = in->M;
  for (size_t k = 0; k < in->n_log; k++) {
    const gr_spike *s = &in->log[k];
    const int64_t a = s->step + 1;
    const int64_t lo = a > w0 ? a : w0, hi = a + M - 1 < w1 ? a + M - 1 : w1;
    if (lo > hi) continue;
    sum[s->j] += (double)s->mult * (in->Kc[hi - a + 1] - in->Kc[lo - a]);
  }
  in->cnt = e->window_steps;
}

/* ----------------------------------------------------------------- updates */

/* End of the forward phase: keep the averages the update will use. */
static void end_forward(ap_rule_ctx *c, gr_inst *in) {
  const ap_pop_view *post = c->post;
  const size_t np = c->n_pre;
  in->cnt_f = in->cnt;
  for (size_t j = 0; j < np; j++)
    in->psp_f[j] = in->cnt ? in->sum[j] / (double)in->cnt : 0.0;
  const ap_real *ni = post->state[in->v_n_int];
  for (size_t i = 0; i < post->n; i++) {
    const double m = ni[i] > 0 ? 1.0 / ni[i] : 0.0;
    c->post_state[PV_MEAN_F][i] = post->state[in->v_sum_soma][i] * m;
    if (in->hidden) {
      const double a = post->state[in->v_sum_apical][i] * m;
      c->post_state[PV_APICAL_F][i] = sd_sigma(a);
      if (in->A_f) in->A_f[i] = a;
    }
  }
}

/* W_ij += g_i x_j for every synapse of pre neuron j with x_j != 0. */
AP_VECTOR_CLONES
static void add_outer(ap_rule_ctx *c, const gr_inst *in, const double *x) {
  const uint32_t mask = c->target_mask;
  const double *g = in->g;
  for (size_t j = 0; j < c->n_pre; j++) {
    const double xj = x[j];
    const size_t a = c->row[j], b = c->row[j + 1];
    if (xj == 0.0 || a == b) continue;
    ap_weight *restrict w = c->weight + a;
    if (in->dense) {
      const double *restrict gi = g + (c->target[a] & mask);
      for (size_t s = 0; s < b - a; s++) w[s] += (ap_weight)(gi[s] * xj);
    } else {
      for (size_t s = a; s < b; s++)
        c->weight[s] += (ap_weight)(g[c->target[s] & mask] * xj);
    }
  }
}

/* A feedback projection at the end of the target phase: the authors'
 * update of Y (update_Y), which moves the forward plateau potential
 * towards the somatic rate, with the forward phase's averages:
 *   E_i = (phi(C_f,i) - alpha_f,i) sigma'(A_f,i)
 *   Y_ik += eta E_i PSP_f,k     c_i += eta E_i  (learn_bias = 1)
 * (PSP_k: output neuron k's spikes through the kernel; no P). */
static void learn_feedback(ap_rule_ctx *c, gr_inst *in) {
  const double eta = c->param[PAR_ETA];
  ap_real *E = c->post_state[PV_E];
  for (size_t i = 0; i < c->post->n; i++) {
    const double pm = in->phimax[i], cf = c->post_state[PV_MEAN_F][i];
    E[i] = (pm * sd_sigma(cf) - c->post_state[PV_APICAL_F][i]) *
           dsigma(in->A_f[i]);
    in->g[i] = eta * E[i];
  }
  add_outer(c, in, in->psp_f);
  if (c->param[PAR_LEARN_BIAS] != 0.0) {
    ap_real *cb = c->post->param[in->p_c];
    for (size_t i = 0; i < c->post->n; i++) cb[i] += in->g[i];
  }
}

/* End of the target phase: the errors, the update of weights and biases,
 * then the credit left for the layer below, with the weights after the
 * update as the authors' code computes backprop's error (the layer above
 * is updated first). */
static void end_target(ap_rule_ctx *c, gr_inst *in) {
  const ap_pop_view *post = c->post;
  const size_t n = post->n, np = c->n_pre;
  const ap_real *ni = post->state[in->v_n_int];
  ap_real *E = c->post_state[PV_E];
  if (!in->cnt_f) return; /* no forward window seen: nothing to learn */
  if (in->feedback) {
    learn_feedback(c, in);
    return;
  }
  const double P = c->param[PAR_P], eta = c->param[PAR_ETA];
  for (size_t i = 0; i < n; i++) {
    const double m = ni[i] > 0 ? 1.0 / ni[i] : 0.0;
    const double pm = in->phimax[i], mf = c->post_state[PV_MEAN_F][i];
    const double dphi = pm * dsigma(mf); /* phi'(mean_f) */
    if (in->hidden) {
      const double at = sd_sigma(post->state[in->v_sum_apical][i] * m);
      c->post_state[PV_APICAL_T][i] = at;
      const double bp = in->k[i] * dphi * c->post_credit[i];
      c->post_state[PV_E_BP][i] = bp;
      E[i] = in->kind == RULE_GUERGUIEV
                 ? in->k[i] * (at - c->post_state[PV_APICAL_F][i]) * dphi
                 : bp;
    } else {
      const double rt = pm * post->state[in->v_sum_sigma][i] * m;
      c->post_state[PV_RATE_T][i] = rt;
      E[i] = in->k[i] * (rt - pm * sd_sigma(mf)) * dphi;
    }
    const double Pi = P > 0 ? P : in->hidden ? 20.0 / pm : 20.0 / (pm * pm);
    in->g[i] = eta * Pi * E[i];
  }
  add_outer(c, in, in->psp_f);
  if (c->param[PAR_LEARN_BIAS] != 0.0) {
    ap_real *b = post->param[in->p_b];
    for (size_t i = 0; i < n; i++) b[i] += in->g[i];
  }
  if (in->pre_credit) {
    /* Credit for the layer below: W^T E (guerguiev and backprop; the
     * guerguiev rule below reads it only to log E_bp) or B^T E. */
    const uint32_t mask = c->target_mask;
    const int fa = in->kind == RULE_FA;
    double *t = in->terms;
    for (size_t j = 0; j < np; j++) {
      const size_t a = c->row[j], b = c->row[j + 1];
      for (size_t s = a; s < b; s++)
        t[s - a] = (fa ? c->syn_state[0][s] : (double)c->weight[s]) *
                   E[c->target[s] & mask];
      c->host->credit_add(c->pre_credit, j, t, b - a);
    }
  }
}

static void on_phase(ap_rule_ctx *c, const ap_phase_event *e) {
  gr_inst *in = c->inst;
  if (e->kind == AP_PHASE_BEGIN) { /* averages only of this phase's window */
    in->cnt = 0;
    return;
  }
  if (in->lost) {
    /* the PSP averages would be wrong: no update from this example */
    c->host->log(AP_LOG_ERROR, "guerguiev", "out of memory for the "
                 "presynaptic spikes of phase '%s': its update is skipped",
                 e->name);
    in->lost = 0;
    in->cnt = in->cnt_f = 0;
    return;
  }
  const int fwd = !strcmp(e->name, "forward"), tgt = !strcmp(e->name, "target");
  if (in->M > 0 && (fwd || tgt) && e->window_steps)
    window_sums(in, e, c->n_pre);
  if (fwd) end_forward(c, in);
  else if (tgt) end_target(c, in);
}

/* ---------------------------------------------------- saving the state */

/* What the instance evolves, for checkpoints: the window sums and the
 * forward averages of the PSPs, their counts, and the PSPs' history (the
 * traces for M = 0, the log of spikes that may still reach a window for
 * M > 0), and a feedback projection's forward apical means.  The rest of
 * the instance is derived by prepare() from the parameters. */
#define GR_SAVE_MAGIC 0x47525331u /* "GRS1" */

static int put(const ap_stream *o, const void *p, size_t n, char *err,
               size_t err_size) {
  if (o->write(o->ctx, p, n) == AP_OK) return 0;
  snprintf(err, err_size, "could not write the rule's state");
  return -1;
}
static int get(const ap_stream *i, void *p, size_t n, char *err,
               size_t err_size) {
  if (i->read(i->ctx, p, n) == AP_OK) return 0;
  snprintf(err, err_size, "the saved state of the rule ends early");
  return -1;
}

static int save_state(const ap_rule_ctx *c, const ap_stream *o, char *err,
                      size_t err_size) {
  const gr_inst *in = c->inst;
  const size_t np = c->n_pre, n1 = c->n_post;
  const uint32_t magic = GR_SAVE_MAGIC;
  const int64_t head[6] = {in->M, (int64_t)np, (int64_t)n1, in->cnt,
                           in->cnt_f, in->lost};
  if (put(o, &magic, sizeof magic, err, err_size) ||
      put(o, head, sizeof head, err, err_size) ||
      put(o, in->sum, np * sizeof *in->sum, err, err_size) ||
      put(o, in->psp_f, np * sizeof *in->psp_f, err, err_size))
    return AP_EIO;
  if (in->M == 0) {
    if (put(o, in->xL, np * sizeof *in->xL, err, err_size) ||
        put(o, in->xs, np * sizeof *in->xs, err, err_size) ||
        put(o, in->pend[0], np * sizeof *in->pend[0], err, err_size) ||
        put(o, in->pend[1], np * sizeof *in->pend[1], err, err_size))
      return AP_EIO;
  } else {
    const uint64_t nl = in->n_log;
    if (put(o, &nl, sizeof nl, err, err_size) ||
        put(o, in->log, in->n_log * sizeof *in->log, err, err_size))
      return AP_EIO;
  }
  if (in->A_f && put(o, in->A_f, n1 * sizeof *in->A_f, err, err_size))
    return AP_EIO;
  return AP_OK;
}

static int load_state(ap_rule_ctx *c, const ap_stream *i, char *err,
                      size_t err_size) {
  gr_inst *in = c->inst;
  const size_t np = c->n_pre, n1 = c->n_post;
  uint32_t magic = 0;
  int64_t head[6];
  if (get(i, &magic, sizeof magic, err, err_size) ||
      get(i, head, sizeof head, err, err_size))
    return AP_EIO;
  if (magic != GR_SAVE_MAGIC) {
    snprintf(err, err_size, "the saved state is not this rule's");
    return AP_EINVAL;
  }
  if (head[0] != in->M || head[1] != (int64_t)np || head[2] != (int64_t)n1) {
    snprintf(err, err_size, "the state was saved for another projection "
             "(%lld pre and %lld post neurons, memory %lld steps; this one "
             "has %zu, %zu, %ld)", (long long)head[1], (long long)head[2],
             (long long)head[0], np, n1, in->M);
    return AP_EINVAL;
  }
  in->cnt = head[3];
  in->cnt_f = head[4];
  in->lost = (int)head[5];
  if (get(i, in->sum, np * sizeof *in->sum, err, err_size) ||
      get(i, in->psp_f, np * sizeof *in->psp_f, err, err_size))
    return AP_EIO;
  if (in->M == 0) {
    if (get(i, in->xL, np * sizeof *in->xL, err, err_size) ||
        get(i, in->xs, np * sizeof *in->xs, err, err_size) ||
        get(i, in->pend[0], np * sizeof *in->pend[0], err, err_size) ||
        get(i, in->pend[1], np * sizeof *in->pend[1], err, err_size))
      return AP_EIO;
  } else {
    uint64_t nl = 0;
    if (get(i, &nl, sizeof nl, err, err_size)) return AP_EIO;
    if (nl > in->cap_log) {
      gr_spike *g = realloc(in->log, nl * sizeof *g);
      if (!g) {
        snprintf(err, err_size, "out of memory for %llu logged spikes",
                 (unsigned long long)nl);
        return AP_ENOMEM;
      }
      in->log = g;
      in->cap_log = nl;
    }
    in->n_log = nl;
    if (get(i, in->log, nl * sizeof *in->log, err, err_size)) return AP_EIO;
  }
  if (in->A_f && get(i, in->A_f, n1 * sizeof *in->A_f, err, err_size))
    return AP_EIO;
  return AP_OK;
}

#define RULE_DESC(NAME, PREP, SYNV, NSYNV)                                  \
  static const ap_rule_desc NAME = {                                       \
      .size = sizeof(ap_rule_desc),                                        \
      .params = params,                                                    \
      .n_params = N_PARAMS,                                                \
      .syn_vars = SYNV,                                                    \
      .n_syn_vars = NSYNV,                                                 \
      .post_vars = post_vars,                                              \
      .n_post_vars = N_PV,                                                 \
      .on_step = on_step,                                                  \
      .prepare = PREP,                                                     \
      .release = release,                                                  \
      .on_spikes = on_spikes,                                              \
      .on_phase = on_phase,                                                \
      .save = save_state,                                                  \
      .load = load_state,                                                  \
      .flags = AP_RULE_LOCAL_CALLBACKS,                                    \
  }

RULE_DESC(guerguiev_rule, prepare_guerguiev, NULL, 0);
RULE_DESC(backprop_rule, prepare_backprop, NULL, 0);
RULE_DESC(fa_rule, prepare_fa, fa_syn_vars, 1);

#define COMMON_DOC                                                          \
  "Phases\n"                                                                \
  "  The script runs each training example as two phases of the core's\n" \
  "  scheduler, named \"forward\" (input only) and \"target\" (the output\n" \
  "  neurons' teaching conductances g_E, g_I on), each with an\n"          \
  "  integration window (the authors: 50 ms plus a Wald-distributed\n"     \
  "  extra, the window over its last 20 ms):\n"                            \
  "    ap.phase(\"forward\", 52, { window = 32 })\n"                        \
  "    ap.phase(\"target\", 51, { window = 31 })\n"                         \
  "  Phases of other names (a test phase) change nothing.  At the end of\n" \
  "  the forward phase the rule keeps the window averages; at the end of\n" \
  "  the target phase it updates the weights and the post neurons' bias\n" \
  "  b.  Ends run from the last projection made to the first, so the\n"    \
  "  output layer's rule leaves its credit before the hidden layer's\n"    \
  "  rule runs: make the projections in forward order.\n"                  \
  "\n"                                                                      \
  "Averages (over a phase's window, f: forward, t: target)\n"             \
  "  PSP_j   input j's spike train filtered by the neurons' kernel\n"      \
  "          kappa (tau_L, tau_s, psp_memory of the post neurons), kept\n"\
  "          by the rule: a spike sent in step s arrives in step s + 1\n" \
  "          and adds kappa((t - s) dt) in step t while the memory\n"     \
  "          lasts, as the neurons count it\n"                            \
  "  C, U    somatic potential of a hidden / output neuron (the\n"         \
  "          neuron's sums)\n"                                              \
  "  alpha   sigma(mean apical potential A): the plateau potential\n"      \
  "  phi(x) = phi_max sigma(x), phi_max = lambda_max dt (spikes/step)\n"   \
  "  rate_t  mean of phi(U) over the target window\n"                      \
  "\n"                                                                      \
  "Updates at the end of the target phase (Guerguiev et al. 2017,\n"      \
  "Methods; signs as the authors' code)\n"                                  \
  "  output:  E_k = k_D (rate_t,k - phi(U_f,k)) phi'(U_f,k),\n"           \
  "           k_D = g_D/(g_L + g_D)\n"                                      \
  "  hidden:  E_i (below), k_B = g_B/(g_L + g_B + g_A)\n"                  \
  "  both:    W_ij += eta P E_i PSP_f,j     b_i += eta P E_i\n"            \
  "           P = 20/phi_max (hidden), 20/phi_max^2 (output) unless set\n" \
  "  credit:  when the pre population is a hidden layer, the rule adds\n"  \
  "           sum_i W_ij E_i (B_ij E_i for feedback_alignment) to its\n"   \
  "           credit, with the weights after the update (the authors'\n"  \
  "           code updates the layer above first)\n"                       \
  "\n"                                                                      \
  "Per-neuron variables (proj:rule_var(name))\n"                           \
  "  mean_f  C_f or U_f;  alpha_f, alpha_t  plateau potentials (hidden)\n" \
  "  rate_t  output rate in the target window;  E  the last error;\n"      \
  "  E_bp    hidden: the error backprop would use (from the credit)\n"     \
  "\n"                                                                      \
  "Parameters\n"                                                            \
  "  name      unit  default  meaning\n"                                    \
  "  eta       1     0.21     learning rate (the authors' f_eta)\n"         \
  "  P         1     0        error scale; 0: the authors' (above)\n"       \
  "  B_sd      1     0.1      feedback_alignment: sd of B (uniform)\n"      \
  "  learn_bias 1    1        1: learn b (c on a feedback projection)\n"   \
  "  B_sparse  1     0        feedback_alignment: fraction of B zeroed,\n"  \
  "                           the rest scaled by 1/(1 - B_sparse)\n"        \
  "\n"                                                                      \
  "Requirements\n"                                                          \
  "  The post population is segregated_dendrite (layer 0 or 1) with one\n" \
  "  kernel (tau_L, tau_s) for all its neurons; delays of dt (the rule\n"  \
  "  lets a spike enter its PSP one step after it was sent, as the\n"      \
  "  neurons see it with a delay of one step).\n"                           \
  "\n"                                                                      \
  "References\n"                                                            \
  "  Guerguiev J, Lillicrap TP, Richards BA (2017). Towards deep learning\n" \
  "    with segregated dendrites. eLife 6:e22901. (rules, constants)\n"    \
  "  Lillicrap TP, Cownden D, Tweed DB, Akerman CJ (2016). Random\n"       \
  "    synaptic feedback weights support error backpropagation for deep\n" \
  "    learning. Nature Communications 7:13276. (feedback alignment)\n"

static const char doc_guerguiev[] =
    "guerguiev -- credit assignment through segregated apical dendrites\n"
    "(Guerguiev, Lillicrap & Richards 2017)\n"
    "\n"
    "Description\n"
    "  A hidden neuron learns from the difference between its apical\n"
    "  plateau potentials in the target and the forward phase: feedback\n"
    "  from the output layer reaches the apical compartment through fixed\n"
    "  weights Y (a projection on port apical), and nothing is carried\n"
    "  back through the forward weights.  The output layer learns to move\n"
    "  its forward-phase rate towards its target-phase rate.\n"
    "  hidden:  E_i = k_B (alpha_t,i - alpha_f,i) phi'(C_f,i)\n"
    "  On a feedback projection (from output to hidden neurons) the rule\n"
    "  learns Y instead, as the authors' update_Y: at the end of the\n"
    "  target phase, with the forward phase's averages,\n"
    "    E_i = (phi(C_f,i) - alpha_f,i) sigma'(A_f,i)\n"
    "    Y_ik += eta E_i PSP_f,k      c_i += eta E_i (learn_bias = 1)\n"
    "  (no P; PSP_k: output neuron k's spikes through the kernel; A_f the\n"
    "  mean apical potential), which moves the forward plateau potential\n"
    "  towards the somatic rate.\n"
    "\n" COMMON_DOC;

static const char doc_backprop[] =
    "backprop -- rate-based backpropagation on the segregated-dendrite\n"
    "network (a non-biological baseline)\n"
    "\n"
    "Description\n"
    "  The same phases, averages and output rule as guerguiev, but a\n"
    "  hidden neuron's error is the exact gradient of the output loss,\n"
    "  carried back through the transposed forward weights of the layer\n"
    "  above (the authors' use_backprop option):\n"
    "  hidden:  E_i = k_B phi'(C_f,i) sum_k W_ki E_k\n"
    "  Use it on every forward projection of the network.\n"
    "\n" COMMON_DOC;

static const char doc_fa[] =
    "feedback_alignment -- rate-based feedback alignment on the\n"
    "segregated-dendrite network (a non-biological baseline)\n"
    "\n"
    "Description\n"
    "  As backprop, but the error is carried back through fixed random\n"
    "  weights B (one per synapse, drawn once from the run seed) instead\n"
    "  of the forward weights (Lillicrap et al. 2016):\n"
    "  hidden:  E_i = k_B phi'(C_f,i) sum_k B_ki E_k\n"
    "  Use it on every forward projection of the network.\n"
    "\n" COMMON_DOC;

static const ap_plugin_desc plugins[] = {
    {sizeof(ap_plugin_desc), AP_KIND_RULE, "guerguiev", "2.0",
     "segregated-dendrite credit assignment (Guerguiev et al. 2017): "
     "apical plateau potentials, phases",
     doc_guerguiev, &guerguiev_rule},
    {sizeof(ap_plugin_desc), AP_KIND_RULE, "backprop", "2.0",
     "rate-based backprop baseline for the segregated-dendrite network",
     doc_backprop, &backprop_rule},
    {sizeof(ap_plugin_desc), AP_KIND_RULE, "feedback_alignment", "2.0",
     "rate-based feedback-alignment baseline for the segregated-dendrite "
     "network",
     doc_fa, &fa_rule},
};

AP_PLUGIN(plugins)
