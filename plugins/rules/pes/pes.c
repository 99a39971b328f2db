/* pes.c -- the Prescribed Error Sensitivity rule (MacNeil & Eliasmith
 * 2011), the NEF's online learning rule, as Nengo's PES builds it for a
 * connection solved into synaptic weights.
 *
 * The error E (one value per represented dimension, k < c->n_modulators)
 * arrives as modulator levels: the host decodes an error ensemble into
 * them (ap.nef connects one).  Each postsynaptic neuron i turns it into a
 * local error through its scaled encoder alpha_i (gain e_i / radius, the
 * post variables alpha1..alpha8), and every synapse from pre neuron j
 * moves by
 *     dW_ij = -(learning_rate dt / n_pre) (alpha_i . E) abar_j
 * per step (dt in seconds, as Nengo's learning rate is per second),
 * abar_j being pre neuron j's activity (spikes as impulses of area 1)
 * through a low-pass of pre_synapse.  This is Nengo's decoder update
 * -(kappa dt / n) E abar_j seen through the post neurons' encoders.
 *
 * Each synapse keeps its weight in double precision (w_raw): a step's
 * change is far below single precision's resolution of the stored
 * weight.  A weight the host writes is taken over at the next step (a
 * chip writes back the weight it stores after each tick, rounded
 * stochastically to its grid, as Loihi's learning engine does), and
 * Wmin, Wmax bound it (a chip needs the range). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apical_plugin.h"

enum { PAR_RATE, PAR_PRE_SYNAPSE, PAR_WMIN, PAR_WMAX, N_PARAMS };
enum { SYN_W_RAW, N_SYN_VARS };
#define MAX_DIMS AP_RULE_MAX_MODULATORS

static const ap_param_desc params[N_PARAMS] = {
    [PAR_RATE] = {"learning_rate", "1",
                  "kappa: Nengo's learning rate (per second of error and "
                  "activity)",
                  AP_PT_REAL, 1e-4, 0.0, INFINITY, 0, NULL},
    [PAR_PRE_SYNAPSE] = {"pre_synapse", "ms",
                         "time constant of the low-pass on the presynaptic "
                         "activity (0: none)",
                         AP_PT_REAL, 5.0, 0.0, INFINITY, 0, NULL},
    [PAR_WMIN] = {"Wmin", "the port's",
                  "lower bound of the weights, <= 0 (0: none; a chip keeps "
                  "room down to it)",
                  AP_PT_REAL, 0.0, -INFINITY, 0.0, 0, NULL},
    [PAR_WMAX] = {"Wmax", "the port's",
                  "upper bound of the weights, >= 0 (0: none; a chip keeps "
                  "room up to it)",
                  AP_PT_REAL, 0.0, 0.0, INFINITY, 0, NULL},
};

static const ap_var_desc syn_vars[N_SYN_VARS] = {
    [SYN_W_RAW] = {"w_raw", "the port's",
                   "the weight in double precision (the stored weight is "
                   "it, rounded)",
                   0.0, NULL, 0, AP_VAR_INTERNAL},
};

static const ap_var_desc post_vars[MAX_DIMS] = {
    {"alpha1", "1", "scaled encoder of the post neuron, dimension 1", 0.0,
     NULL, 0, 0},
    {"alpha2", "1", "dimension 2", 0.0, NULL, 0, 0},
    {"alpha3", "1", "dimension 3", 0.0, NULL, 0, 0},
    {"alpha4", "1", "dimension 4", 0.0, NULL, 0, 0},
    {"alpha5", "1", "dimension 5", 0.0, NULL, 0, 0},
    {"alpha6", "1", "dimension 6", 0.0, NULL, 0, 0},
    {"alpha7", "1", "dimension 7", 0.0, NULL, 0, 0},
    {"alpha8", "1", "dimension 8", 0.0, NULL, 0, 0},
};

typedef struct pes {
  size_t n_pre, n_post, n_syn;
  double keep;      /* exp(-dt / pre_synapse), 0 for none */
  double *abar;     /* per pre neuron: the filtered activity (Hz) */
  double *pend;     /* per pre neuron: spikes of the step (on_spikes) */
  double *L;        /* per post neuron: the local error (scratch) */
} pes;

static void release(void *p) {
  pes *s = p;
  if (!s) return;
  free(s->abar), free(s->pend), free(s->L), free(s);
}

static int prepare(void **out, const ap_rule_ctx *c, char *err,
                   size_t err_size) {
  pes *s = calloc(1, sizeof *s);
  if (!s) return AP_ENOMEM;
  s->n_pre = c->n_pre;
  s->n_post = c->n_post;
  s->n_syn = c->n_syn;
  const double tau = c->param[PAR_PRE_SYNAPSE];
  s->keep = tau > 0 ? exp(-c->dt / tau) : 0.0;
  s->abar = calloc(c->n_pre ? c->n_pre : 1, sizeof *s->abar);
  s->pend = calloc(c->n_pre ? c->n_pre : 1, sizeof *s->pend);
  s->L = calloc(c->n_post ? c->n_post : 1, sizeof *s->L);
  if (!s->abar || !s->pend || !s->L) {
    release(s);
    snprintf(err, err_size, "out of memory for the traces");
    return AP_ENOMEM;
  }
  for (size_t k = 0; k < c->n_syn; k++)
    c->syn_state[SYN_W_RAW][k] = (double)c->weight[k];
  *out = s;
  return AP_OK;
}

static void on_spikes(ap_rule_ctx *c, const uint32_t *pre,
                      const uint32_t *mult, size_t n) {
  pes *s = c->inst;
  for (size_t k = 0; k < n; k++) s->pend[pre[k]] += mult ? mult[k] : 1.0;
}

static void on_step(ap_rule_ctx *c) {
  pes *s = c->inst;
  const double per_s = 1000.0 / c->dt, dt_s = c->dt * 1e-3;
  for (size_t j = 0; j < s->n_pre; j++) { /* Nengo's low-pass of a */
    s->abar[j] = s->keep * s->abar[j] + (1.0 - s->keep) * s->pend[j] * per_s;
    s->pend[j] = 0.0;
  }
  const unsigned D = c->n_modulators < MAX_DIMS ? c->n_modulators : MAX_DIMS;
  int any = 0;
  for (size_t i = 0; i < s->n_post; i++) {
    double l = 0;
    for (unsigned k = 0; k < D; k++) l += c->post_state[k][i] * c->modulators[k];
    s->L[i] = l;
    any |= l != 0.0;
  }
  ap_real *w_raw = c->syn_state[SYN_W_RAW];
  const double scale = -c->param[PAR_RATE] * dt_s / (double)s->n_pre;
  const double lo = c->param[PAR_WMIN] < 0 ? c->param[PAR_WMIN] : -INFINITY;
  const double hi = c->param[PAR_WMAX] > 0 ? c->param[PAR_WMAX] : INFINITY;
  for (size_t j = 0; j < s->n_pre; j++) {
    const double coef = scale * s->abar[j];
    for (size_t k = c->row[j]; k < c->row[j + 1]; k++) {
      if (c->weight[k] != (ap_weight)w_raw[k]) w_raw[k] = c->weight[k];
      if (any && coef != 0.0) {
        double w = w_raw[k] + coef * s->L[c->target[k] & c->target_mask];
        w_raw[k] = w < lo ? lo : w > hi ? hi : w;
        c->weight[k] = (ap_weight)w_raw[k];
      }
    }
  }
}

/* The traces: abar and the step's pending spikes. */
static int save(const ap_rule_ctx *c, const ap_stream *out, char *err,
                size_t err_size) {
  const pes *s = c->inst;
  const uint64_t n = s->n_pre;
  if (out->write(out->ctx, &n, sizeof n) ||
      out->write(out->ctx, s->abar, s->n_pre * sizeof *s->abar) ||
      out->write(out->ctx, s->pend, s->n_pre * sizeof *s->pend)) {
    snprintf(err, err_size, "could not write the rule's state");
    return AP_EIO;
  }
  return AP_OK;
}

static int load(ap_rule_ctx *c, const ap_stream *in, char *err,
                size_t err_size) {
  pes *s = c->inst;
  uint64_t n = 0;
  if (in->read(in->ctx, &n, sizeof n)) goto early;
  if (n != s->n_pre) {
    snprintf(err, err_size, "the state was saved for %llu presynaptic "
             "neurons, this projection has %zu", (unsigned long long)n,
             s->n_pre);
    return AP_EINVAL;
  }
  if (in->read(in->ctx, s->abar, s->n_pre * sizeof *s->abar) ||
      in->read(in->ctx, s->pend, s->n_pre * sizeof *s->pend))
    goto early;
  return AP_OK;
early:
  snprintf(err, err_size, "the saved state of the rule ends early");
  return AP_EIO;
}

static const ap_rule_desc rule = {
    .size = sizeof(ap_rule_desc),
    .flags = AP_RULE_MODULATORS_UP_TO | AP_RULE_STEP_WEIGHTS,
    /* the change of a synapse is a product of its presynaptic trace and
     * its post neuron's variables times the modulator levels: local */
    .chip_learning = AP_CHIP_RULE_LOCAL_TRACES,
    .params = params,
    .n_params = N_PARAMS,
    .syn_vars = syn_vars,
    .n_syn_vars = N_SYN_VARS,
    .post_vars = post_vars,
    .n_post_vars = MAX_DIMS,
    .n_modulators = MAX_DIMS,
    .prepare = prepare,
    .release = release,
    .on_spikes = on_spikes,
    .on_step = on_step,
    .save = save,
    .load = load,
};

static const char doc_long[] =
    "pes -- Prescribed Error Sensitivity (MacNeil & Eliasmith 2011)\n"
    "\n"
    "Description\n"
    "  The Neural Engineering Framework's online learning rule for a\n"
    "  connection solved into weights, as Nengo's PES: with the error E\n"
    "  of each dimension read from a modulator (1 to 8 of them) and each\n"
    "  post neuron's scaled encoder alpha_i (post variables alpha1..),\n"
    "    dW_ij = -(learning_rate dt / n_pre) (alpha_i . E) abar_j\n"
    "  per step, dt in s, abar_j the presynaptic activity (Hz) through a\n"
    "  low-pass of pre_synapse.  ap.nef sets it up: nef.connect(pre, post,\n"
    "  { learning = nef.pes{ learning_rate = ... } }) and an error\n"
    "  connection nef.connect(error, conn).\n"
    "\n"
    "Parameters\n"
    "  learning_rate  kappa (default 1e-4, Nengo's)\n"
    "  pre_synapse    ms, the low-pass on the activity (default 5)\n"
    "  Wmin, Wmax     bounds of the weights, <= 0 and >= 0 (default 0:\n"
    "                 none; on a chip the weights' range)\n"
    "\n"
    "References\n"
    "  MacNeil D, Eliasmith C (2011) Fine-tuning and the stability of\n"
    "  recurrent neural networks. PLoS ONE 6:e22885.\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_RULE,
    .name = "pes",
    .version = "1.0",
    .doc = "the NEF's error-driven learning (PES, Nengo's), on weights",
    .doc_long = doc_long,
    .desc = &rule,
}};

AP_PLUGIN(plugins)
