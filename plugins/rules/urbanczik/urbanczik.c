/* urbanczik.c -- the plasticity rule of Urbanczik & Senn (2014),
 * "Learning by the dendritic prediction of somatic spiking", Neuron
 * 81:521-528, as NEST's urbanczik_synapse, for neurons that expose the
 * dendritic prediction's error term dPI (pp_cond_exp_mc_urbanczik).
 *
 * Synapse (j -> i) changes with the error term dPI_i of its postsynaptic
 * neuron (one value per step, read from the neuron's state) times the
 * presynaptic PSP trace PSP_j, integrated and low-pass filtered:
 *
 *   w(T) = w0 + sum over steps h <= T of
 *            F_h dPI_i(h) PSP_j(t_h) (1 - exp(-(T - t_h) / tau_Delta)),
 *   PSP_j(t) = sum over spikes t_k < t of
 *            exp(-(t - t_k) / tau_L) - exp(-(t - t_k) / tau_s).
 *
 * NEST walks the neuron's dPI history at every presynaptic spike, which
 * costs every synapse one term per step.  Here the history is folded
 * into four running sums per postsynaptic neuron, weighted so that a
 * synapse can read the integral since its last spike from them in O(1):
 * inside an epoch that began at tE,
 *
 *   U_x = sum_h F_h dPI_h exp(-(t_h - tE)/tau_x)          x = L, s
 *   V_x = sum_h F_h dPI_h exp(-(t_h - tE)/tau_x) exp((t_h - tE)/tau_Delta)
 *
 * and each synapse holds its PSP traces on the epoch's scale,
 * c_x = sum_k exp((t_k - tE)/tau_x) (one more term per presynaptic
 * spike), plus two bases that absorb the sums at its last spike:
 *
 *   w = w_base + c_L U_L - c_s U_s
 *       - exp(-(t - tE)/tau_Delta) (lp_base + c_L V_L - c_s V_s).
 *
 * A step costs O(postsynaptic neurons), a presynaptic spike O(1) per
 * synapse.  The weights in these sums grow like exp((t - tE)/tau) within
 * an epoch and a difference of sums then loses that many digits, so a new
 * epoch starts (one O(synapses) pass, which re-expresses every synapse at
 * the new tE without changing its weight) before any factor exceeds
 * EPOCH_GROWTH.
 *
 * The stored weight is the unclipped w clipped to [Wmin, Wmax], as NEST
 * computes it from init_weight + F (PI_integral - PI_exp_integral) at
 * every spike: clipping never feeds back.  flush() writes the current
 * clipped weights and changes no state, so recording never changes a run.
 *
 * Concurrency (see apical_plugin.h): on_pre reads the per-neuron sums,
 * which only on_step writes, and writes its own synapses; on_step and
 * flush run alone and read the postsynaptic population (c->post). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apical_plugin.h"

enum { PAR_ETA, PAR_TAU_DELTA, PAR_WMIN, PAR_WMAX, N_PARAMS };
enum { SYN_PSP_L, SYN_PSP_S, SYN_W_BASE, SYN_LP_BASE, N_SYN_VARS };

/* The rule is meant for the dendrite's current port (dendritic_exc of
 * pp_cond_exp_mc_urbanczik), so weights are currents. */
#define WEIGHT_UNIT "pA"

/* Defaults: NEST's (urbanczik_synapse constructor). */
static const ap_param_desc params[N_PARAMS] = {
    [PAR_ETA] = {"eta", "pA mV/ms",
                 "learning rate: the weight changes by eta 15 tau_L tau_s / "
                 "(tau_L - tau_s) times the filtered integral of dPI PSP",
                 AP_PT_REAL, 0.07, -INFINITY, INFINITY, 0, NULL},
    [PAR_TAU_DELTA] = {"tau_Delta", "ms",
                       "time constant of the low-pass filter of the weight "
                       "change",
                       AP_PT_REAL, 100.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                       NULL},
    [PAR_WMIN] = {"Wmin", WEIGHT_UNIT, "minimum weight", AP_PT_REAL, 0.0,
                  -INFINITY, INFINITY, 0, NULL},
    [PAR_WMAX] = {"Wmax", WEIGHT_UNIT, "maximum weight", AP_PT_REAL, 100.0,
                  -INFINITY, INFINITY, 0, NULL},
};

static const ap_var_desc syn_vars[N_SYN_VARS] = {
    [SYN_PSP_L] = {"psp_L", "1",
                   "presynaptic trace of tau_L on the epoch's scale: sum "
                   "over spikes of exp((t_k - tE) / tau_L)",
                   0.0, NULL, 0, AP_VAR_INTERNAL},
    [SYN_PSP_S] = {"psp_s", "1",
                   "presynaptic trace of tau_s on the epoch's scale: sum "
                   "over spikes of exp((t_k - tE) / tau_s)",
                   0.0, NULL, 0, AP_VAR_INTERNAL},
    [SYN_W_BASE] = {"w_base", WEIGHT_UNIT,
                    "base of the unclipped weight (initial weight, learnt "
                    "change, minus the neuron's sums at the last spike)",
                    0.0, NULL, 0, AP_VAR_INTERNAL},
    [SYN_LP_BASE] = {"lp_base", WEIGHT_UNIT,
                     "base of the part of the change still in the low-pass "
                     "filter, on the epoch's scale",
                     0.0, NULL, 0, AP_VAR_INTERNAL},
};

/* What the rule reads of the postsynaptic model, by name. */
static const char *const need_vars[] = {"V_w_star", "dPI"};
static const char *const need_params[] = {"C_m_p", "g_L_p", "tau_syn_ex_p"};
enum { NV_V_W_STAR, NV_DPI };
enum { NP_C_M, NP_G_L, NP_TAU_S };

/* A new epoch starts before any growth factor exp((t - tE)/tau) exceeds
 * this: a weight change is then exact to about DBL_EPSILON * EPOCH_GROWTH
 * of the natural scale F |dPI| of one step's term (the test against the
 * step-by-step reference in check_urbanczik.c holds to 1e-9).  With the
 * defaults (tau_s = 3 ms, dt = 0.1 ms) an epoch lasts 276 steps. */
#define EPOCH_GROWTH 1e4

/* Per postsynaptic neuron, what on_pre reads (written by on_step only). */
typedef struct uz_sums {
  double UL, Us, VL, Vs; /* the sums of the file comment */
  double gL, gs;         /* exp((t - tE)/tau_x) at the last on_step */
} uz_sums;

/* Per postsynaptic neuron, the rest. */
typedef struct uz_post {
  double dL, ds;          /* exp(-(t - tE)/tau_x) at the last on_step */
  double aL, as, bL, bs;  /* exp(-dt/tau_x), exp(dt/tau_x) */
  double rL, rs;          /* 1/tau_L = g_L_p/C_m_p, 1/tau_s (1/ms) */
  double F;               /* 15 eta tau_s / (1 - tau_s/tau_L) */
  double C_m, g_L, tau_s; /* the parameters they come from */
} uz_post;

typedef struct uz {
  double eta, tau_delta, wmin, wmax, dt;
  double tE;     /* start of the epoch (ms) */
  double t;      /* time the sums are at: the last on_step (ms) */
  double gD, dD; /* exp(+-(t - tE)/tau_Delta) */
  double aD;     /* exp(dt/tau_Delta) */
  int64_t k;     /* steps of the epoch so far */
  int64_t kmax;  /* steps an epoch may last */
  int flushed;   /* flush() wrote weights since the last on_step */
  int warned;    /* a bad parameter change was reported */
  unsigned v_dpi;
  unsigned p[3]; /* indices of need_params in the post model's table */
  size_t n_syn, n_post;
  uz_sums *sum;
  uz_post *post;
  ap_weight *shown; /* the weights flush() last wrote */
} uz;

static void release(void *inst) {
  uz *u = inst;
  if (!u) return;
  free(u->sum);
  free(u->post);
  free(u->shown);
  free(u);
}

static int find_var(const ap_pop_view *v, const char *name) {
  for (unsigned k = 0; k < v->n_vars; k++)
    if (strcmp(v->vars[k].name, name) == 0) return (int)k;
  return -1;
}

static int find_param(const ap_pop_view *v, const char *name) {
  for (unsigned k = 0; k < v->n_params; k++)
    if (strcmp(v->params[k].name, name) == 0) return (int)k;
  return -1;
}

/* The PSP kernel and the factor F of postsynaptic neuron i from its
 * parameters; 0, or -1 with a sentence in err. */
static int derive(const uz *u, const ap_pop_view *v, size_t i, uz_post *q,
                  char *err, size_t err_size) {
  const double cm = v->param[u->p[NP_C_M]][i];
  const double gl = v->param[u->p[NP_G_L]][i];
  const double ts = v->param[u->p[NP_TAU_S]][i];
  if (!(cm > 0.0) || !isfinite(cm) || !(gl >= 0.0) || !isfinite(gl) ||
      !(ts > 0.0) || !isfinite(ts)) {
    snprintf(err, err_size,
             "postsynaptic neuron %zu: the PSP kernel needs C_m_p > 0 pF, "
             "g_L_p >= 0 nS and tau_syn_ex_p > 0 ms, got %g pF, %g nS, "
             "%g ms",
             i + 1, cm, gl, ts);
    return -1;
  }
  /* NEST divides by tau_L - tau_s, where both exponentials of the
   * kernel cancel. */
  const double den = 1.0 - ts * gl / cm;
  if (den == 0.0 || cm == gl * ts) {
    snprintf(err, err_size,
             "postsynaptic neuron %zu: tau_L = C_m_p / g_L_p = %g ms equals "
             "tau_syn_ex_p = %g ms; the PSP kernel exp(-t/tau_L) - "
             "exp(-t/tau_s) vanishes and its factor divides by tau_L - tau_s",
             i + 1, cm / gl, ts);
    return -1;
  }
  q->C_m = cm;
  q->g_L = gl;
  q->tau_s = ts;
  q->rL = gl / cm;
  q->rs = 1.0 / ts;
  q->aL = exp(-u->dt * q->rL);
  q->as = exp(-u->dt * q->rs);
  q->bL = exp(u->dt * q->rL);
  q->bs = exp(u->dt * q->rs);
  /* NEST: 15 C_m tau_s eta / (g_L (tau_L - tau_s)), written so that a
   * dendrite without leak (g_L_p = 0, tau_L infinite) gives its limit. */
  q->F = 15.0 * u->eta * ts / den;
  return 0;
}

/* Steps an epoch may last: until the fastest growth factor reaches
 * EPOCH_GROWTH (at least one). */
static void set_kmax(uz *u) {
  double rmax = 1.0 / u->tau_delta;
  for (size_t i = 0; i < u->n_post; i++) {
    if (u->post[i].rL > rmax) rmax = u->post[i].rL;
    if (u->post[i].rs > rmax) rmax = u->post[i].rs;
  }
  double k = floor(log(EPOCH_GROWTH) / (rmax * u->dt));
  u->kmax = k >= 1.0 ? (k < 1e9 ? (int64_t)k : (int64_t)1e9) : 1;
}

static inline double clip(const uz *u, double w) {
  return w < u->wmin ? u->wmin : w > u->wmax ? u->wmax : w;
}

/* The unclipped weight of synapse s into neuron i, at u->t. */
static inline double raw(const uz *u, ap_real *const *st, size_t s,
                         const uz_sums *m) {
  const double cl = st[SYN_PSP_L][s], cs = st[SYN_PSP_S][s];
  return st[SYN_W_BASE][s] + cl * m->UL - cs * m->Us -
         u->dD * (st[SYN_LP_BASE][s] + cl * m->VL - cs * m->Vs);
}

static inline uint32_t post_of(const ap_rule_ctx *c, size_t s) {
  return c->target[s] & c->target_mask;
}

static int prepare(void **inst, const ap_rule_ctx *c, char *err,
                   size_t err_size) {
  const ap_real *p = c->param;
  *inst = NULL;
  if (!(p[PAR_TAU_DELTA] > 0.0) || !isfinite(p[PAR_TAU_DELTA])) {
    snprintf(err, err_size, "tau_Delta must be > 0 ms and finite, got %g ms",
             p[PAR_TAU_DELTA]);
    return AP_EINVAL;
  }
  if (!isfinite(p[PAR_ETA])) {
    snprintf(err, err_size, "eta must be finite, got %g pA mV/ms",
             p[PAR_ETA]);
    return AP_EINVAL;
  }
  if (!(p[PAR_WMIN] <= p[PAR_WMAX])) {
    snprintf(err, err_size,
             "Wmin (%g pA) must not be greater than Wmax (%g pA): the "
             "weights are kept in [Wmin, Wmax]",
             p[PAR_WMIN], p[PAR_WMAX]);
    return AP_EINVAL;
  }
  if (!(c->dt > 0.0)) {
    snprintf(err, err_size, "the time step must be > 0 ms, got %g", c->dt);
    return AP_EINVAL;
  }
  if (c->n_syn > 0 && !c->weight) {
    snprintf(err, err_size, "the projection's weights are not bound");
    return AP_EINVAL;
  }
  const ap_pop_view *v = c->post;
  if (!v) {
    snprintf(err, err_size,
             "the host gives the rule no view of the postsynaptic neurons "
             "(it needs their dPI; ABI 1.2)");
    return AP_EINVAL;
  }
  /* Name everything the model lacks in one sentence. */
  char missing[256] = "";
  size_t len = 0;
  unsigned n_missing = 0;
  int vi[2], pi[3];
  for (int k = 0; k < 2; k++)
    if ((vi[k] = find_var(v, need_vars[k])) < 0 && len < sizeof missing) {
      len += (size_t)snprintf(missing + len, sizeof missing - len, "%s%s",
                              n_missing++ ? ", " : "", need_vars[k]);
    }
  if (n_missing) {
    snprintf(err, err_size,
             "the postsynaptic model %s lacks the state variable%s %s: the "
             "rule learns from the dendritic prediction of a model such as "
             "pp_cond_exp_mc_urbanczik (V_w_star and its error term dPI)",
             v->model ? v->model : "(unnamed)", n_missing > 1 ? "s" : "",
             missing);
    return AP_EINVAL;
  }
  for (int k = 0; k < 3; k++)
    if ((pi[k] = find_param(v, need_params[k])) < 0 ||
        !v->param[pi[k]]) {
      if (len < sizeof missing)
        len += (size_t)snprintf(missing + len, sizeof missing - len, "%s%s",
                                n_missing++ ? ", " : "", need_params[k]);
    }
  if (n_missing) {
    snprintf(err, err_size,
             "the postsynaptic model %s lacks the parameter%s %s: the PSP "
             "kernel of the rule takes tau_L = C_m_p / g_L_p and tau_s = "
             "tau_syn_ex_p from the dendrite",
             v->model ? v->model : "(unnamed)", n_missing > 1 ? "s" : "",
             missing);
    return AP_EINVAL;
  }
  if (v->n != c->n_post) {
    snprintf(err, err_size,
             "the postsynaptic view has %zu neurons, the projection %zu", v->n,
             c->n_post);
    return AP_EINVAL;
  }
  uz *u = calloc(1, sizeof *u);
  if (u) {
    u->sum = calloc(c->n_post ? c->n_post : 1, sizeof *u->sum);
    u->post = calloc(c->n_post ? c->n_post : 1, sizeof *u->post);
  }
  if (!u || !u->sum || !u->post) {
    snprintf(err, err_size,
             "out of memory for the sums of %zu postsynaptic neurons",
             c->n_post);
    release(u);
    return AP_ENOMEM;
  }
  u->eta = p[PAR_ETA];
  u->tau_delta = p[PAR_TAU_DELTA];
  u->wmin = p[PAR_WMIN];
  u->wmax = p[PAR_WMAX];
  u->dt = c->dt;
  u->tE = u->t = c->t;
  u->gD = u->dD = 1.0;
  u->aD = exp(c->dt / u->tau_delta);
  u->v_dpi = (unsigned)vi[NV_DPI];
  for (int k = 0; k < 3; k++) u->p[k] = (unsigned)pi[k];
  u->n_syn = c->n_syn;
  u->n_post = c->n_post;
  for (size_t i = 0; i < c->n_post; i++) {
    if (derive(u, v, i, &u->post[i], err, err_size)) {
      release(u);
      return AP_EINVAL;
    }
    u->post[i].dL = u->post[i].ds = 1.0;
    u->sum[i] = (uz_sums){0.0, 0.0, 0.0, 0.0, 1.0, 1.0};
  }
  set_kmax(u);
  /* The weights as the host holds them now (it may have set them since
   * the projection was made) are NEST's init_weight. */
  ap_real *const *st = c->syn_state;
  for (size_t s = 0; s < c->n_syn; s++) {
    st[SYN_PSP_L][s] = st[SYN_PSP_S][s] = 0.0;
    st[SYN_W_BASE][s] = (double)c->weight[s];
    st[SYN_LP_BASE][s] = 0.0;
  }
  *inst = u;
  return AP_OK;
}

/* Start a new epoch at u->t: re-express every synapse there (same
 * weight, traces as they are now, no pending sums) and reset the sums. */
static void new_epoch(uz *u, ap_rule_ctx *c) {
  ap_real *const *st = c->syn_state;
  ap_real *cl = st[SYN_PSP_L], *cs = st[SYN_PSP_S];
  ap_real *wb = st[SYN_W_BASE], *lb = st[SYN_LP_BASE];
  for (size_t s = 0; s < u->n_syn; s++) {
    const uint32_t i = post_of(c, s);
    const uz_sums *m = &u->sum[i];
    const uz_post *q = &u->post[i];
    const double w1 = wb[s] + cl[s] * m->UL - cs[s] * m->Us;
    const double w2 = u->dD * (lb[s] + cl[s] * m->VL - cs[s] * m->Vs);
    wb[s] = w1;
    lb[s] = w2;
    cl[s] *= q->dL;
    cs[s] *= q->ds;
  }
  for (size_t i = 0; i < u->n_post; i++) {
    u->sum[i] = (uz_sums){0.0, 0.0, 0.0, 0.0, 1.0, 1.0};
    u->post[i].dL = u->post[i].ds = 1.0;
  }
  u->tE = u->t;
  u->gD = u->dD = 1.0;
  u->k = 0;
}

/* Weights the host wrote since the last flush() are where the rule goes
 * on from: the unclipped weight becomes the written one. */
static void take_over(uz *u, ap_rule_ctx *c) {
  ap_real *const *st = c->syn_state;
  for (size_t s = 0; s < u->n_syn; s++)
    if (c->weight[s] != u->shown[s])
      st[SYN_W_BASE][s] +=
          (double)c->weight[s] - raw(u, st, s, &u->sum[post_of(c, s)]);
}

/* Parameters of the dendrites set between runs take effect from this
 * step: the epoch restarts at the last step with the old constants (so
 * the traces hold their values there), then the changed neurons get new
 * ones.  A change the kernel cannot take is reported once and ignored. */
static void reparam(uz *u, ap_rule_ctx *c) {
  const ap_pop_view *v = c->post;
  int changed = 0;
  for (size_t i = 0; i < u->n_post && !changed; i++) {
    const uz_post *q = &u->post[i];
    changed = v->param[u->p[NP_C_M]][i] != q->C_m ||
              v->param[u->p[NP_G_L]][i] != q->g_L ||
              v->param[u->p[NP_TAU_S]][i] != q->tau_s;
  }
  if (!changed) return;
  new_epoch(u, c);
  for (size_t i = 0; i < u->n_post; i++) {
    uz_post *q = &u->post[i];
    if (v->param[u->p[NP_C_M]][i] == q->C_m &&
        v->param[u->p[NP_G_L]][i] == q->g_L &&
        v->param[u->p[NP_TAU_S]][i] == q->tau_s)
      continue;
    uz_post nq = *q;
    char msg[256];
    if (derive(u, v, i, &nq, msg, sizeof msg) == 0) {
      *q = nq;
    } else {
      /* keep the old kernel, and stop comparing with these values */
      q->C_m = v->param[u->p[NP_C_M]][i];
      q->g_L = v->param[u->p[NP_G_L]][i];
      q->tau_s = v->param[u->p[NP_TAU_S]][i];
      if (!u->warned && c->host && c->host->log)
        c->host->log(AP_LOG_WARN, "urbanczik",
                     "%s; the rule keeps the neuron's previous kernel", msg);
      u->warned = 1;
    }
  }
  set_kmax(u);
}

/* on_step comes once a step (the host's contract); should the time have
 * moved by other than one step since the last, the steps between count
 * with dPI = 0: settle at the last step, let the traces and the filter
 * decay to the step before this one and start the epoch there. */
static void skip(uz *u, ap_rule_ctx *c) {
  new_epoch(u, c);
  const double gap = c->t - u->dt - u->t;
  ap_real *const *st = c->syn_state;
  const double fD = exp(-gap / u->tau_delta);
  for (size_t s = 0; s < u->n_syn; s++) {
    const uz_post *q = &u->post[post_of(c, s)];
    st[SYN_PSP_L][s] *= exp(-gap * q->rL);
    st[SYN_PSP_S][s] *= exp(-gap * q->rs);
    st[SYN_LP_BASE][s] *= fD;
  }
  u->t = u->tE = c->t - u->dt;
}

/* Once per step, with c->t the end of the step and the neurons' dPI of
 * the step in c->post, before the step's presynaptic spikes: add the
 * step's terms to the sums. */
static void on_step(ap_rule_ctx *c) {
  uz *u = c->inst;
  if (u->flushed) {
    take_over(u, c);
    u->flushed = 0;
  }
  reparam(u, c);
  if (fabs((c->t - u->t) / u->dt - 1.0) > 1e-6) skip(u, c);
  if (u->k >= u->kmax) new_epoch(u, c);
  u->gD *= u->aD;
  u->dD = 1.0 / u->gD;
  const ap_real *dpi = c->post->state[u->v_dpi];
  const double gD = u->gD;
  for (size_t i = 0; i < u->n_post; i++) {
    uz_post *q = &u->post[i];
    uz_sums *m = &u->sum[i];
    q->dL *= q->aL;
    q->ds *= q->as;
    m->gL *= q->bL;
    m->gs *= q->bs;
    const double x = q->F * dpi[i];
    if (x != 0.0) {
      const double xl = x * q->dL, xs = x * q->ds;
      m->UL += xl;
      m->Us += xs;
      m->VL += xl * gD;
      m->Vs += xs * gD;
    }
  }
  u->t = c->t;
  u->k++;
}

/* Presynaptic spikes at c->t (the time of the step's on_step) through the
 * row segment [first, first+n): deliver the weight as it is now, then add
 * the spike to the traces.  The kernel is 0 at the spike, so the weight
 * does not jump: the bases absorb the new trace terms. */
static void on_pre(ap_rule_ctx *c, size_t first, size_t n) {
  const uz *u = c->inst;
  ap_real *const *st = c->syn_state;
  ap_real *cl = st[SYN_PSP_L], *cs = st[SYN_PSP_S];
  ap_real *wb = st[SYN_W_BASE], *lb = st[SYN_LP_BASE];
  for (size_t s = first; s < first + n; s++) {
    const uz_sums *m = &u->sum[post_of(c, s)];
    c->weight[s] = (ap_weight)clip(u, raw(u, st, s, m));
    wb[s] -= m->gL * m->UL - m->gs * m->Us;
    lb[s] -= m->gL * m->VL - m->gs * m->Vs;
    cl[s] += m->gL;
    cs[s] += m->gs;
  }
}

/* Write every current weight; changes no state (see the file comment). */
static void flush(ap_rule_ctx *c) {
  uz *u = c->inst;
  if (!u) return;
  if (!u->shown && u->n_syn) {
    u->shown = malloc(u->n_syn * sizeof *u->shown);
    if (!u->shown) { /* then write nothing rather than lose host writes */
      if (c->host && c->host->log)
        c->host->log(AP_LOG_ERROR, "urbanczik",
                     "out of memory flushing %zu weights", u->n_syn);
      return;
    }
  }
  for (size_t s = 0; s < u->n_syn; s++) {
    const ap_weight w =
        (ap_weight)clip(u, raw(u, c->syn_state, s, &u->sum[post_of(c, s)]));
    c->weight[s] = w;
    u->shown[s] = w;
  }
  u->flushed = 1;
}

/* ---------------------------------------------------- saving the state */

/* What the instance evolves, for checkpoints: the epoch (its start, the
 * time the sums are at, its exponentials and step count), the per-neuron
 * sums and exponentials, and the weights flush() last wrote.  Written
 * and read field by field in this order. */
#define UZ_SAVE_MAGIC 0x555a5331u /* "UZS1" */

static int uz_io(const ap_stream *st, int writing, void *p, size_t n) {
  return writing ? st->write(st->ctx, p, n) : st->read(st->ctx, p, n);
}

static int uz_state(uz *u, const ap_stream *st, int writing, char *err,
                    size_t err_size) {
  uint64_t head[4] = {UZ_SAVE_MAGIC, u->n_syn, u->n_post,
                      u->shown != NULL};
  double sc[5] = {u->tE, u->t, u->gD, u->dD, (double)u->warned};
  int64_t ki[2] = {u->k, u->flushed};
  if (uz_io(st, writing, head, sizeof head) != AP_OK) goto short_io;
  if (!writing) {
    if (head[0] != UZ_SAVE_MAGIC) {
      snprintf(err, err_size, "the saved state is not this rule's");
      return AP_EINVAL;
    }
    if (head[1] != u->n_syn || head[2] != u->n_post) {
      snprintf(err, err_size, "the state was saved for a projection of "
               "%llu synapses into %llu neurons, this one has %zu into %zu",
               (unsigned long long)head[1], (unsigned long long)head[2],
               u->n_syn, u->n_post);
      return AP_EINVAL;
    }
    if (head[3] && !u->shown && u->n_syn &&
        !(u->shown = malloc(u->n_syn * sizeof *u->shown))) {
      snprintf(err, err_size, "out of memory");
      return AP_ENOMEM;
    }
  }
  if (uz_io(st, writing, sc, sizeof sc) != AP_OK ||
      uz_io(st, writing, ki, sizeof ki) != AP_OK ||
      uz_io(st, writing, u->sum, u->n_post * sizeof *u->sum) != AP_OK ||
      uz_io(st, writing, u->post, u->n_post * sizeof *u->post) != AP_OK ||
      (head[3] &&
       uz_io(st, writing, u->shown, u->n_syn * sizeof *u->shown) != AP_OK))
    goto short_io;
  if (!writing) {
    u->tE = sc[0], u->t = sc[1], u->gD = sc[2], u->dD = sc[3];
    u->warned = sc[4] != 0.0;
    u->k = ki[0];
    u->flushed = (int)ki[1];
  }
  return AP_OK;
short_io:
  snprintf(err, err_size, writing ? "could not write the rule's state"
                                  : "the saved state of the rule ends early");
  return AP_EIO;
}

static int save(const ap_rule_ctx *c, const ap_stream *out, char *err,
                size_t err_size) {
  return uz_state(c->inst, out, 1, err, err_size);
}

static int load(ap_rule_ctx *c, const ap_stream *in, char *err,
                size_t err_size) {
  return uz_state(c->inst, in, 0, err, err_size);
}

static const ap_rule_desc rule = {
    .size = sizeof(ap_rule_desc),
    .params = params,
    .n_params = N_PARAMS,
    .syn_vars = syn_vars,
    .n_syn_vars = N_SYN_VARS,
    .post_vars = NULL,
    .n_post_vars = 0,
    .on_pre = on_pre,
    .on_post = NULL,
    .on_step = on_step,
    .n_modulators = 0,
    .prepare = prepare,
    .release = release,
    .flush = flush,
    .save = save,
    .load = load,
};

static const char doc_long[] =
    "urbanczik -- dendritic prediction learning (Urbanczik & Senn 2014)\n"
    "\n"
    "Description\n"
    "  The plasticity rule of Urbanczik & Senn (2014), as NEST's\n"
    "  urbanczik_synapse, for synapses onto the dendrite of\n"
    "  pp_cond_exp_mc_urbanczik (port dendritic_exc).  The dendrite\n"
    "  predicts the somatic potential (V_w_star); the soma, driven also by\n"
    "  other (teaching) input, spikes as a Poisson process of rate\n"
    "  phi(U).  Each step the neuron computes the error term\n"
    "    dPI = (n_spikes - phi(V_w_star) dt) h(V_w_star)\n"
    "  (see `apical describe pp_cond_exp_mc_urbanczik`), and each synapse\n"
    "  changes with dPI times its presynaptic PSP, low-pass filtered: a\n"
    "  synapse grows when the soma spikes more than the dendrite predicts\n"
    "  while its input is active, and shrinks when it spikes less, so\n"
    "  that the dendritic prediction learns to match the somatic rate.\n"
    "\n"
    "  The rule refuses (at the first run) a postsynaptic model without\n"
    "  the state variables V_w_star and dPI, or without the parameters\n"
    "  C_m_p, g_L_p and tau_syn_ex_p of the dendrite, from which it takes\n"
    "  the PSP kernel as NEST does: tau_L = C_m_p / g_L_p and tau_s =\n"
    "  tau_syn_ex_p, per postsynaptic neuron.  tau_L = tau_s is refused\n"
    "  (NEST divides by tau_L - tau_s); g_L_p = 0 (no dendritic leak)\n"
    "  takes the limit tau_L -> infinity.\n"
    "\n"
    "Equations\n"
    "  For the synapse from j to i, with presynaptic spikes t_k and the\n"
    "  steps h of neuron i ending at t_h (dPI_h its error term there):\n"
    "    kappa(u)  = exp(-u / tau_L) - exp(-u / tau_s)            (u >= 0)\n"
    "    PSP_j(t)  = sum over t_k < t of kappa(t - t_k)\n"
    "    PI_h      = dPI_h PSP_j(t_h)\n"
    "    I1(T)     = sum over t_h <= T of PI_h\n"
    "    I2(T)     = sum over t_h <= T of PI_h exp(-(T - t_h) / tau_Delta)\n"
    "    F         = 15 eta C_m_p tau_s / (g_L_p (tau_L - tau_s))\n"
    "              = 15 eta tau_L tau_s / (tau_L - tau_s)\n"
    "    w(T)      = w0 + F (I1(T) - I2(T))\n"
    "    weight    = w clipped to [Wmin, Wmax]\n"
    "  I1 and I2 are NEST's PI_integral and PI_exp_integral, w0 its\n"
    "  init_weight (here the weight when the rule starts).  In continuous\n"
    "  time, w(T) - w0 = F * integral to T of PIbar, where PIbar is\n"
    "  dPI PSP filtered by exp(-t / tau_Delta) / tau_Delta: the paper's\n"
    "  dw/dt = eta PIbar up to NEST's factor F / eta.  The clipping never\n"
    "  feeds back (as in NEST): w is integrated without bounds and the\n"
    "  weight is w clipped, so a weight leaves a bound only once w has\n"
    "  come back inside.  F is the one of the step whose dPI it scales.\n"
    "\n"
    "  Timing (as every rule of apical, unlike NEST): spikes count at\n"
    "  their emission times, so the PSP of a spike at t_k pairs with the\n"
    "  dPI of steps ending after t_k whatever the delay.  NEST counts the\n"
    "  whole delay d as dendritic and pairs dPI at t with PSP(t + d); the\n"
    "  two differ by a shift of d.  A spike of multiplicity m counts once\n"
    "  in PSP_j, as in NEST.\n"
    "\n"
    "  The weight is computed lazily and exactly: a step costs the rule\n"
    "  O(postsynaptic neurons), a presynaptic spike O(1) per synapse\n"
    "  (NEST walks the dPI history at every spike).  Delivered weights are\n"
    "  the clipped w at the spike, as in NEST; reading or recording the\n"
    "  weights shows the clipped w of the current time and changes\n"
    "  nothing.  A weight the host sets (proj:set_weights) becomes the\n"
    "  new w, from which the rule goes on.\n"
    "\n"
    "  Differences from NEST: the kernel always takes tau_syn_ex_p (the\n"
    "  port dendritic_exc, which takes weights of either sign); NEST takes\n"
    "  tau_syn_in for a synapse whose weight is <= 0, which with the\n"
    "  defaults (both 3 ms) is the same.  NEST requires the weight to have\n"
    "  the sign of Wmax; here any weight in any [Wmin, Wmax] is accepted.\n"
    "  Parameters of the dendrite changed between runs act from the next\n"
    "  step on (the PSP traces keep their values and decay with the new\n"
    "  time constants); NEST applies the new ones to the whole history.\n"
    "\n"
    "Parameters\n"
    "  name       unit      default  meaning\n"
    "  eta        pA mV/ms  0.07     learning rate (any sign; the weight\n"
    "                                changes by F = 15 eta tau_L tau_s /\n"
    "                                (tau_L - tau_s) per unit of the\n"
    "                                filtered integral of dPI PSP, which\n"
    "                                has the unit ms/mV)\n"
    "  tau_Delta  ms        100      time constant of the low-pass filter\n"
    "                                of the weight change (> 0)\n"
    "  Wmin       pA        0        minimum weight\n"
    "  Wmax       pA        100      maximum weight (>= Wmin)\n"
    "  NEST gives eta no unit; with weights in pA it is pA mV/ms.\n"
    "\n"
    "State\n"
    "  per synapse (all internal):\n"
    "  name     unit  default  meaning\n"
    "  psp_L    1     0        sum over the presynaptic spikes t_k of\n"
    "                          exp((t_k - tE) / tau_L)\n"
    "  psp_s    1     0        the same for tau_s\n"
    "  w_base   pA    0        base of w (set to the weight at the first\n"
    "                          run)\n"
    "  lp_base  pA    0        base of the part of the change still in\n"
    "                          the low-pass filter\n"
    "  The rule keeps per postsynaptic neuron, since the start tE of the\n"
    "  current epoch, U_x = sum over steps of F dPI_h exp(-(t_h - tE)/tau_x)\n"
    "  and V_x = the same times exp((t_h - tE)/tau_Delta), for x = L, s;\n"
    "  then\n"
    "    w = w_base + psp_L U_L - psp_s U_s\n"
    "        - exp(-(t - tE)/tau_Delta) (lp_base + psp_L V_L - psp_s V_s).\n"
    "  A new epoch (an O(synapses) pass that keeps every w) starts before\n"
    "  exp((t - tE)/tau) exceeds 1e4 for any of tau_L, tau_s, tau_Delta:\n"
    "  every 276 steps with the defaults at dt = 0.1 ms.\n"
    "\n"
    "References\n"
    "  Urbanczik R, Senn W (2014). Learning by the dendritic prediction of\n"
    "    somatic spiking. Neuron 81(3):521-528.\n"
    "    doi:10.1016/j.neuron.2013.11.030\n"
    "  NEST models/urbanczik_synapse.h and\n"
    "    nestkernel/urbanczik_archiving_node (the weight update, the PSP\n"
    "    kernel from the dendrite's C_m, g_L and tau_syn_ex, defaults)\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_RULE,
    .name = "urbanczik",
    .version = "1.0",
    .doc = "dendritic prediction learning of Urbanczik & Senn 2014 (NEST's "
           "urbanczik_synapse)",
    .doc_long = doc_long,
    .desc = &rule,
}};

AP_PLUGIN(plugins)
