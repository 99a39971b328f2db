/* segregated_dendrite.c -- the multi-compartment rate-coded spiking neurons
 * of Guerguiev, Lillicrap & Richards (2017), "Towards deep learning with
 * segregated dendrites", eLife 6:e22901.
 *
 * One plugin, two kinds of neuron chosen by the structure parameter
 * `layer`: a hidden neuron (basal, apical and somatic compartments) and an
 * output neuron (dendritic and somatic compartments, with teaching
 * conductances).  shape() gives each population its layer's compartments,
 * state variables and ports.  Both kinds are linear between input spikes:
 * the dendritic potentials are the spike trains filtered by the
 * difference-of-exponentials PSP kernel, kept as two exponential traces
 * per input port, and the soma is driven by them through conductances.
 * prepare() derives the exact one-step propagators of (soma, traces) per
 * neuron; update() is a handful of multiply-adds, then a Poisson draw from
 * the host's identity-keyed generator.
 *
 * Units are the paper's normalised ones: voltages and conductances are
 * dimensionless ("1", with the conductances read as rates per ms, as the
 * authors' code does with dt in ms), rates in Hz, times in ms. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "apical_plugin.h"
#include "../../plugin_err.h"
#include "segregated_dendrite.h"

enum { LAYER_HIDDEN = 0, LAYER_OUTPUT = 1 };

enum {
  PAR_LAYER,
  PAR_TAU_L,
  PAR_TAU_S,
  PAR_G_L,
  PAR_G_B,
  PAR_G_A,
  PAR_G_D,
  PAR_B,
  PAR_C,
  PAR_G_E,
  PAR_G_I,
  PAR_E_E,
  PAR_E_I,
  PAR_LAMBDA_MAX,
  PAR_INTEGRATE,
  N_PARAMS
};

/* Defaults: those of the authors' code (deep_learning.py): tau_s 3 ms,
 * tau_L 10 ms, g_L = 1/tau_L, g_B = g_D = 0.6, g_A 0 (0.05 with the
 * apical conductance switched on), E_E = -E_I = 8, phi_max = 0.2 spikes
 * per 1 ms step = 200 Hz. */
static const ap_param_desc params[N_PARAMS] = {
    [PAR_LAYER] = {"layer", "1",
                   "0: hidden neuron (basal, apical, soma), 1: output neuron "
                   "(dendrite, soma); fixed when the population is created",
                   AP_PT_INT, 0.0, 0.0, 1.0, AP_PARAM_STRUCTURE, NULL},
    [PAR_TAU_L] = {"tau_L", "ms", "slow (leak) time constant of the PSP kernel",
                   AP_PT_REAL, 10.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN, NULL},
    [PAR_TAU_S] = {"tau_s", "ms",
                   "fast (synaptic) time constant of the PSP kernel",
                   AP_PT_REAL, 3.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN, NULL},
    [PAR_G_L] = {"g_L", "1", "somatic leak conductance (per ms)", AP_PT_REAL,
                 0.1, 0.0, INFINITY, 0, NULL},
    [PAR_G_B] = {"g_B", "1",
                 "hidden: basal-to-soma conductance (per ms)", AP_PT_REAL,
                 0.6, 0.0, INFINITY, 0, NULL},
    [PAR_G_A] = {"g_A", "1",
                 "hidden: apical-to-soma conductance (per ms; 0: segregated)",
                 AP_PT_REAL, 0.0, 0.0, INFINITY, 0, NULL},
    [PAR_G_D] = {"g_D", "1", "output: dendrite-to-soma conductance (per ms)",
                 AP_PT_REAL, 0.6, 0.0, INFINITY, 0, NULL},
    [PAR_B] = {"b", "1", "feedforward bias added to B (hidden) or V (output)",
               AP_PT_REAL, 0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_C] = {"c", "1", "hidden: feedback bias added to A", AP_PT_REAL, 0.0,
               -INFINITY, INFINITY, 0, NULL},
    [PAR_G_E] = {"g_E", "1",
                 "output: excitatory teaching conductance (per ms; the "
                 "target phase sets it)",
                 AP_PT_REAL, 0.0, 0.0, INFINITY, 0, NULL},
    [PAR_G_I] = {"g_I", "1",
                 "output: inhibitory teaching conductance (per ms; the "
                 "target phase sets it)",
                 AP_PT_REAL, 0.0, 0.0, INFINITY, 0, NULL},
    [PAR_E_E] = {"E_E", "1", "output: excitatory reversal potential",
                 AP_PT_REAL, 8.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_E_I] = {"E_I", "1", "output: inhibitory reversal potential",
                 AP_PT_REAL, -8.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_LAMBDA_MAX] = {"lambda_max", "Hz",
                        "maximum firing rate (rate = lambda_max sigma(soma))",
                        AP_PT_REAL, 200.0, 0.0, INFINITY, AP_RANGE_MAX_OPEN,
                        NULL},
    [PAR_INTEGRATE] = {"integrate", "1",
                       "1: add this step's values to the integration sums "
                       "(the script sets it for a phase's window)",
                       AP_PT_INT, 0.0, 0.0, 1.0, 0, NULL},
};

/* ---------------------------------------------------------------- layouts */

/* Hidden neuron: compartments basal (0), apical (1), soma (2). */
enum {
  HV_B,
  HV_A,
  HV_C,
  HV_SB_L,
  HV_SB_S,
  HV_SA_L,
  HV_SA_S,
  HV_SUM_C,
  HV_SUM_A,
  HV_N_INT,
  HV_N
};
enum { HP_BASAL, HP_APICAL, HP_N };

/* Output neuron: compartments dendrite (0), soma (1). */
enum { OV_V, OV_U, OV_SB_L, OV_SB_S, OV_SUM_U, OV_SUM_SIGMA_U, OV_N_INT, OV_N };
enum { OP_BASAL, OP_N };

#define DOC_TRACE_L "trace of the input weights decaying with tau_L"
#define DOC_TRACE_S "trace of the input weights decaying with tau_s"
#define DOC_N_INT "steps accumulated in the sums while integrate = 1"

static const char *const hidden_compartments[3] = {"basal", "apical", "soma"};
static const ap_var_desc hidden_vars[HV_N] = {
    [HV_B] = {"B", "1", "basal potential: b + sum of w kappa * input", 0.0,
              NULL, 0, 0},
    [HV_A] = {"A", "1", "apical potential: c + sum of y kappa * feedback",
              0.0, NULL, 1, 0},
    [HV_C] = {"C", "1", "somatic potential", 0.0, NULL, 2, 0},
    [HV_SB_L] = {"s_basal_L", "1", "basal " DOC_TRACE_L, 0.0, NULL, 0,
                 AP_VAR_INTERNAL},
    [HV_SB_S] = {"s_basal_s", "1", "basal " DOC_TRACE_S, 0.0, NULL, 0,
                 AP_VAR_INTERNAL},
    [HV_SA_L] = {"s_apical_L", "1", "apical " DOC_TRACE_L, 0.0, NULL, 1,
                 AP_VAR_INTERNAL},
    [HV_SA_S] = {"s_apical_s", "1", "apical " DOC_TRACE_S, 0.0, NULL, 1,
                 AP_VAR_INTERNAL},
    [HV_SUM_C] = {"sum_C", "1", "sum of C over the integration window", 0.0,
                  NULL, 2, 0},
    [HV_SUM_A] = {"sum_A", "1", "sum of A over the integration window", 0.0,
                  NULL, 1, 0},
    [HV_N_INT] = {"n_int", "1", DOC_N_INT, 0.0, NULL, 2, 0},
};
/* Feedforward weights have both signs in the model; the basal port is the
 * default for non-negative ones only because the ABI's sign rule has no
 * "either" (a projection of negative weights names its port). */
static const ap_port_desc hidden_ports[HP_N] = {
    [HP_BASAL] = {"basal",
                  "feedforward input (weights W in the model's normalised "
                  "units, sign kept)",
                  AP_PORT_CURRENT, 0, +1},
    [HP_APICAL] = {"apical",
                   "feedback input (weights Y in the model's normalised "
                   "units, sign kept)",
                   AP_PORT_CURRENT, 1, 0},
};

static const char *const output_compartments[2] = {"dendrite", "soma"};
static const ap_var_desc output_vars[OV_N] = {
    [OV_V] = {"V", "1", "dendritic potential: b + sum of w kappa * input",
              0.0, NULL, 0, 0},
    [OV_U] = {"U", "1", "somatic potential", 0.0, NULL, 1, 0},
    [OV_SB_L] = {"s_basal_L", "1", "dendritic " DOC_TRACE_L, 0.0, NULL, 0,
                 AP_VAR_INTERNAL},
    [OV_SB_S] = {"s_basal_s", "1", "dendritic " DOC_TRACE_S, 0.0, NULL, 0,
                 AP_VAR_INTERNAL},
    [OV_SUM_U] = {"sum_U", "1", "sum of U over the integration window", 0.0,
                  NULL, 1, 0},
    [OV_SUM_SIGMA_U] = {"sum_sigma_U", "1",
                        "sum of sigma(U) over the integration window", 0.0,
                        NULL, 1, 0},
    [OV_N_INT] = {"n_int", "1", DOC_N_INT, 0.0, NULL, 1, 0},
};
static const ap_port_desc output_ports[OP_N] = {
    [OP_BASAL] = {"basal",
                  "feedforward input from the hidden layer into the dendrite "
                  "(weights in normalised units, sign kept)",
                  AP_PORT_CURRENT, 0, +1},
};

/* ------------------------------------------------------------------ shape */


/* The layer as LAYER_*, or -1 when not 0 or 1. */
static int layer_of(double v) {
  if (v == 0.0) return LAYER_HIDDEN;
  if (v == 1.0) return LAYER_OUTPUT;
  return -1;
}

/* The layouts are fixed tables, so shape() allocates nothing: owner stays
 * NULL and release_shape() has nothing to free. */
static int shape(ap_neuron_shape *out, const ap_real *structure, char *err,
                 size_t err_size) {
  const int layer = layer_of(structure[PAR_LAYER]);
  if (layer < 0) {
    set_err(err, err_size,
            "layer must be 0 (hidden) or 1 (output), got %g",
            structure[PAR_LAYER]);
    return AP_EINVAL;
  }
  if (layer == LAYER_HIDDEN) {
    out->compartments = hidden_compartments;
    out->n_compartments = 3;
    out->vars = hidden_vars;
    out->n_vars = HV_N;
    out->ports = hidden_ports;
    out->n_ports = HP_N;
  } else {
    out->compartments = output_compartments;
    out->n_compartments = 2;
    out->vars = output_vars;
    out->n_vars = OV_N;
    out->ports = output_ports;
    out->n_ports = OP_N;
  }
  out->owner = NULL;
  return AP_OK;
}

static void release_shape(ap_neuron_shape *s) {
  if (s) s->owner = NULL;
}

/* ------------------------------------------------------------- prepare */

/* (1 - exp(-y))/y, accurate for small |y|, 1 at y = 0. */
static double phi1(double y) { return y != 0.0 ? -expm1(-y) / y : 1.0; }

/* Integral over [0, h] of exp(-g (h - s)) exp(-r s) ds: the soma's (rate
 * g) response after h to a unit drive decaying at rate r (r = 0: constant
 * drive), written so that it stays accurate when g and r are close or
 * equal and never overflows. */
static double response(double g, double r, double h) {
  const double lo = g < r ? g : r;
  return h * exp(-lo * h) * phi1(fabs(g - r) * h);
}

/* What update() needs of one neuron, from its parameters and dt. */
typedef struct sd_kern {
  double P;      /* exp(-G h): decay of the soma over the step */
  double K0;     /* response to a constant drive */
  double KL, Ks; /* responses to drives decaying with tau_L, tau_s, divided
                    by (tau_L - tau_s) (the kernel's normalisation) */
  double dL, ds; /* decay of the traces over the step */
  double inv;    /* 1 / (tau_L - tau_s) */
  double mu;     /* lambda_max dt: expected spikes per step at sigma = 1 */
} sd_kern;

typedef struct sd_inst {
  int layer;
  sd_kern *k; /* per neuron (population index) */
} sd_inst;

static void release(void *p) {
  sd_inst *in = p;
  if (!in) return;
  free(in->k);
  free(in);
}

/* Check neuron i's parameters; 0 or -1 with a sentence in pop->err. */
static int check_params(const ap_neuron_pop *pop, size_t i, int layer) {
  const ap_real *const *q = pop->param;
  const double tl = q[PAR_TAU_L][i], ts = q[PAR_TAU_S][i];
  if (!(tl > 0.0) || !isfinite(tl)) {
    set_err(pop->err, pop->err_size,
            "neuron %zu: tau_L must be > 0 ms and finite, got %g ms", i + 1,
            tl);
    return -1;
  }
  if (!(ts > 0.0) || !isfinite(ts)) {
    set_err(pop->err, pop->err_size,
            "neuron %zu: tau_s must be > 0 ms and finite, got %g ms", i + 1,
            ts);
    return -1;
  }
  if (tl == ts) {
    set_err(pop->err, pop->err_size,
            "neuron %zu: tau_L and tau_s must differ (the PSP kernel "
            "divides by tau_L - tau_s), both are %g ms", i + 1, tl);
    return -1;
  }
  const double lm = q[PAR_LAMBDA_MAX][i];
  if (!(lm >= 0.0) || !isfinite(lm)) {
    set_err(pop->err, pop->err_size,
            "neuron %zu: lambda_max must be >= 0 Hz and finite, got %g Hz",
            i + 1, lm);
    return -1;
  }
  /* Only the conductances the layer uses are checked: an output
   * population need not care about g_A's value, and the reverse. */
  static const int hidden_g[] = {PAR_G_L, PAR_G_B, PAR_G_A};
  static const int output_g[] = {PAR_G_L, PAR_G_D, PAR_G_E, PAR_G_I};
  const int *g = layer == LAYER_HIDDEN ? hidden_g : output_g;
  const int ng = layer == LAYER_HIDDEN ? 3 : 4;
  for (int j = 0; j < ng; j++) {
    const double v = q[g[j]][i];
    if (!(v >= 0.0) || !isfinite(v)) {
      set_err(pop->err, pop->err_size,
              "neuron %zu: %s must be >= 0 (per ms) and finite, got %g",
              i + 1, params[g[j]].name, v);
      return -1;
    }
  }
  static const int hidden_v[] = {PAR_B, PAR_C};
  static const int output_v[] = {PAR_B, PAR_E_E, PAR_E_I};
  const int *v = layer == LAYER_HIDDEN ? hidden_v : output_v;
  const int nv = layer == LAYER_HIDDEN ? 2 : 3;
  for (int j = 0; j < nv; j++)
    if (!isfinite(q[v[j]][i])) {
      set_err(pop->err, pop->err_size, "neuron %zu: %s must be finite, got %g",
              i + 1, params[v[j]].name, q[v[j]][i]);
      return -1;
    }
  const double it = q[PAR_INTEGRATE][i];
  if (it != 0.0 && it != 1.0) {
    set_err(pop->err, pop->err_size,
            "neuron %zu: integrate must be 0 or 1, got %g", i + 1, it);
    return -1;
  }
  return 0;
}

static int prepare(void **out, const ap_neuron_pop *pop) {
  const size_t n = pop->n;
  *out = NULL;
  /* The layer sized the state arrays when the population was shaped, so a
   * neuron of another layer here is a host error, not a user one. */
  const int layer = n ? layer_of(pop->param[PAR_LAYER][0]) : LAYER_HIDDEN;
  for (size_t i = 0; i < n; i++)
    if (layer < 0 || layer_of(pop->param[PAR_LAYER][i]) != layer) {
      set_err(pop->err, pop->err_size,
              "neuron %zu: layer %g differs from the population's shape "
              "(layer must be 0 or 1, the same for all)",
              i + 1, pop->param[PAR_LAYER][i]);
      return AP_EINVAL;
    }
  for (size_t i = 0; i < n; i++)
    if (check_params(pop, i, layer)) return AP_EINVAL;
  sd_inst *in = calloc(1, sizeof *in);
  if (in) in->k = malloc((n ? n : 1) * sizeof *in->k);
  if (!in || !in->k) {
    set_err(pop->err, pop->err_size, "out of memory for %zu neurons", n);
    release(in);
    return AP_ENOMEM;
  }
  in->layer = layer;
  const double h = pop->dt;
  for (size_t i = 0; i < n; i++) {
    const ap_real *const *q = pop->param;
    const double tl = q[PAR_TAU_L][i], ts = q[PAR_TAU_S][i];
    const double G =
        layer == LAYER_HIDDEN
            ? q[PAR_G_L][i] + q[PAR_G_B][i] + q[PAR_G_A][i]
            : q[PAR_G_L][i] + q[PAR_G_D][i] + q[PAR_G_E][i] + q[PAR_G_I][i];
    sd_kern *k = &in->k[i];
    k->inv = 1.0 / (tl - ts);
    k->P = exp(-G * h);
    k->K0 = response(G, 0.0, h);
    k->KL = response(G, 1.0 / tl, h) * k->inv;
    k->Ks = response(G, 1.0 / ts, h) * k->inv;
    k->dL = exp(-h / tl);
    k->ds = exp(-h / ts);
    k->mu = q[PAR_LAMBDA_MAX][i] * h * 1e-3; /* Hz * ms */
  }
  *out = in;
  return AP_OK;
}

/* -------------------------------------------------------------- update */


/* Below this mean the count is drawn by inversion from one uniform (as
 * the poisson plugin); above it by the host's Poisson sampler. */
#define INVERSION_MAX 10.0

/* Spikes of one neuron in one step: Poisson of mean m, drawn from the
 * stream (seed, stream, gid, step), so the draw does not depend on the
 * block layout or thread count. */
static uint64_t draw_count(const ap_neuron_block *b, size_t i, double m) {
  if (!(m > 0.0)) return 0;
  ap_rng r;
  b->host->rng_init(&r, b->seed, b->stream, b->gid0 + i, (uint64_t)b->step);
  if (m >= INVERSION_MAX) return b->host->rng_poisson(&r, m);
  const double u = b->host->rng_uniform(&r);
  double p = exp(-m), s = p;
  uint64_t k = 0;
  while (u > s && k < 1000) {
    k++;
    p *= m / (double)k;
    s += p;
  }
  return k;
}

/* Report k spikes of block neuron i; AP_EINVAL when k > 1 cannot be
 * reported (no multiplicity array). */
static int emit(ap_neuron_block *b, size_t i, uint64_t k, size_t *ns) {
  if (k == 0) return AP_OK;
  if (k > 1) {
    if (!b->mult) return AP_EINVAL;
    b->has_mult = 1;
  }
  if (b->mult) b->mult[*ns] = k > UINT32_MAX ? UINT32_MAX : (uint32_t)k;
  b->spiked[(*ns)++] = (uint32_t)i;
  return AP_OK;
}

/* One step of a hidden neuron, in NEST's order: the soma over the step
 * with B and A as the kernel makes them (traces decaying from their values
 * at the start of the step), then decay the traces and add this step's
 * weights, then the dendritic potentials, the sums and the spike draw. */
static int update_hidden(ap_neuron_block *b, const sd_inst *in) {
  ap_real *const *st = b->state;
  const ap_real *const *q = b->param;
  const ap_real *inB = b->input[HP_BASAL], *inA = b->input[HP_APICAL];
  size_t ns = 0;
  int rc = AP_OK;
  for (size_t i = 0; i < b->n; i++) {
    const sd_kern *k = &in->k[b->first + i];
    const double gB = q[PAR_G_B][i], gA = q[PAR_G_A][i];
    const double bias = q[PAR_B][i], cbias = q[PAR_C][i];
    double sBL = st[HV_SB_L][i], sBs = st[HV_SB_S][i];
    double sAL = st[HV_SA_L][i], sAs = st[HV_SA_S][i];
    const double C = k->P * st[HV_C][i] + k->K0 * (gB * bias + gA * cbias) +
                     k->KL * (gB * sBL + gA * sAL) -
                     k->Ks * (gB * sBs + gA * sAs);
    sBL = sBL * k->dL + inB[i];
    sBs = sBs * k->ds + inB[i];
    sAL = sAL * k->dL + inA[i];
    sAs = sAs * k->ds + inA[i];
    const double B = bias + k->inv * (sBL - sBs);
    const double A = cbias + k->inv * (sAL - sAs);
    st[HV_SB_L][i] = sBL;
    st[HV_SB_S][i] = sBs;
    st[HV_SA_L][i] = sAL;
    st[HV_SA_S][i] = sAs;
    st[HV_B][i] = B;
    st[HV_A][i] = A;
    st[HV_C][i] = C;
    if (b->window_step == 0) { /* a phase's window opens: new sums */
      st[HV_SUM_C][i] = 0.0;
      st[HV_SUM_A][i] = 0.0;
      st[HV_N_INT][i] = 0.0;
    }
    if (b->window_step >= 0 || q[PAR_INTEGRATE][i] != 0.0) {
      st[HV_SUM_C][i] += C;
      st[HV_SUM_A][i] += A;
      st[HV_N_INT][i] += 1.0;
    }
    if (emit(b, i, draw_count(b, i, k->mu * sd_sigma(C)), &ns)) rc = AP_EINVAL;
  }
  b->n_spiked = ns;
  return rc;
}

/* One step of an output neuron, in the same order; the teaching
 * conductances enter the soma's rate G and its constant drive. */
static int update_output(ap_neuron_block *b, const sd_inst *in) {
  ap_real *const *st = b->state;
  const ap_real *const *q = b->param;
  const ap_real *inV = b->input[OP_BASAL];
  size_t ns = 0;
  int rc = AP_OK;
  for (size_t i = 0; i < b->n; i++) {
    const sd_kern *k = &in->k[b->first + i];
    const double gD = q[PAR_G_D][i], bias = q[PAR_B][i];
    const double drive =
        gD * bias + q[PAR_G_E][i] * q[PAR_E_E][i] + q[PAR_G_I][i] * q[PAR_E_I][i];
    double sL = st[OV_SB_L][i], ss = st[OV_SB_S][i];
    const double U =
        k->P * st[OV_U][i] + k->K0 * drive + gD * (k->KL * sL - k->Ks * ss);
    sL = sL * k->dL + inV[i];
    ss = ss * k->ds + inV[i];
    st[OV_SB_L][i] = sL;
    st[OV_SB_S][i] = ss;
    st[OV_V][i] = bias + k->inv * (sL - ss);
    st[OV_U][i] = U;
    const double sg = sd_sigma(U);
    if (b->window_step == 0) {
      st[OV_SUM_U][i] = 0.0;
      st[OV_SUM_SIGMA_U][i] = 0.0;
      st[OV_N_INT][i] = 0.0;
    }
    if (b->window_step >= 0 || q[PAR_INTEGRATE][i] != 0.0) {
      st[OV_SUM_U][i] += U;
      st[OV_SUM_SIGMA_U][i] += sg;
      st[OV_N_INT][i] += 1.0;
    }
    if (emit(b, i, draw_count(b, i, k->mu * sg), &ns)) rc = AP_EINVAL;
  }
  b->n_spiked = ns;
  return rc;
}

static int update(ap_neuron_block *b) {
  const sd_inst *in = b->inst;
  return in->layer == LAYER_HIDDEN ? update_hidden(b, in)
                                   : update_output(b, in);
}

static const ap_neuron_desc neuron = {
    .size = sizeof(ap_neuron_desc),
    .compartments = hidden_compartments,
    .n_compartments = 3,
    .params = params,
    .n_params = N_PARAMS,
    .vars = hidden_vars,
    .n_vars = HV_N,
    .ports = hidden_ports,
    .n_ports = HP_N,
    .prepare = prepare,
    .update = update,
    .release = release,
    .shape = shape,
    .release_shape = release_shape,
};

static const char doc_long[] =
    "segregated_dendrite -- hidden and output neurons of Guerguiev et al.\n"
    "(2017), deep learning with segregated dendrites\n"
    "\n"
    "Description\n"
    "  Rate-coded spiking neurons with electrotonically segregated\n"
    "  dendrites.  The structure parameter `layer` picks the kind, fixed\n"
    "  when the population is created (one population is one kind):\n"
    "    layer = 0  hidden neuron: compartments basal (B), apical (A) and\n"
    "               soma (C); feedforward input on port basal, feedback\n"
    "               input on port apical.  With g_A = 0 (the default) the\n"
    "               apical compartment is segregated: it does not drive the\n"
    "               soma, and only the learning rule reads it.\n"
    "    layer = 1  output neuron: compartments dendrite (V) and soma (U);\n"
    "               input from the hidden layer on port basal (named as the\n"
    "               hidden neuron's feedforward port, so one connect call\n"
    "               serves both layers); teaching conductances g_E, g_I.\n"
    "  Dendritic potentials are the input spike trains filtered by the PSP\n"
    "  kernel kappa and weighted, plus a bias.  The soma integrates them\n"
    "  through conductances and spikes as a Poisson process of rate\n"
    "  lambda_max sigma(soma).  All quantities are in the paper's normalised\n"
    "  units: voltages and conductances dimensionless (conductances are\n"
    "  rates per ms, as in the authors' code), rates in Hz, times in ms.\n"
    "  Ports are of the current type because the ABI has no unit-free\n"
    "  port; their weights (W, Y in the paper) are in the normalised units\n"
    "  nonetheless, not in pA.\n"
    "\n"
    "Equations (hidden neuron)\n"
    "  kappa(t) = (exp(-t/tau_L) - exp(-t/tau_s)) / (tau_L - tau_s)\n"
    "  B(t) = b + sum_j w_j (kappa * S_j)(t)     (port basal)\n"
    "  A(t) = c + sum_k y_k (kappa * S_k)(t)     (port apical)\n"
    "  dC/dt = -g_L C + g_B (B - C) + g_A (A - C)\n"
    "  steady state for constant B, A: C* = (g_B B + g_A A)/(g_L+g_B+g_A)\n"
    "  spikes: Poisson of rate lambda_max sigma(C), sigma(x) = 1/(1+e^-x)\n"
    "Equations (output neuron)\n"
    "  V(t) = b + sum_j w_j (kappa * S_j)(t)     (port basal)\n"
    "  dU/dt = -g_L U + g_D (V - U) + I,\n"
    "  I = g_E (E_E - U) + g_I (E_I - U)\n"
    "  steady state: U* = (g_D V + g_E E_E + g_I E_I)/(g_L+g_D+g_E+g_I)\n"
    "  spikes: Poisson of rate lambda_max sigma(U)\n"
    "  The kernel is normalised as in the paper and the authors' code (no\n"
    "  further factor): a spike of weight w adds w kappa(t) to B, whose\n"
    "  integral over t is w; kappa(0) = 0, and with the defaults it peaks\n"
    "  at about 0.060/ms, 5.2 ms after the arrival.\n"
    "\n"
    "Integration\n"
    "  Exact on the grid, kernel included.  Each input port keeps two\n"
    "  traces per neuron (s_<port>_L, s_<port>_s); the weights arriving on\n"
    "  the port in a step jump both at the end of that step, and they decay\n"
    "  with tau_L and tau_s, so B = b + (s_basal_L - s_basal_s)/(tau_L -\n"
    "  tau_s) equals b + w kappa(t) on the grid, t counted from the end of\n"
    "  the arrival step.  The soma is linear in the traces, so one step of\n"
    "  length h = dt is\n"
    "    C <- exp(-G h) C + K0 (g_B b + g_A c)\n"
    "         + (K_L (g_B s_BL + g_A s_AL) - K_s (g_B s_Bs + g_A s_As))\n"
    "           / (tau_L - tau_s)\n"
    "  with G = g_L + g_B + g_A and K_r the exact response of the soma to\n"
    "  a unit drive decaying at rate r over the step (K0: constant drive);\n"
    "  likewise for U with G = g_L + g_D + g_E + g_I.  The authors' code\n"
    "  steps C by forward Euler with dt = 1 ms and B held over the step:\n"
    "  results agree with it as dt -> 0, not bit for bit.\n"
    "\n"
    "Order within a step (as NEST)\n"
    "  1. propagate the soma over the step (traces from the step's start)\n"
    "  2. decay the traces, add this step's weights; set B, A (or V)\n"
    "  3. in a window (or integrate = 1): add C and A (or U and sigma(U))\n"
    "     to the sums (a window restarts them at its first step),\n"
    "     n_int += 1\n"
    "  4. draw the spike count from the soma's value at the step's end\n"
    "\n"
    "Spikes and random numbers\n"
    "  In each step the neuron emits k ~ Poisson(lambda_max sigma(C) dt)\n"
    "  spikes (one event of multiplicity k), as the authors' code draws\n"
    "  np.random.poisson per step: the neuron fires in a step with\n"
    "  probability 1 - exp(-lambda_max sigma(C) dt) and the mean count is\n"
    "  exactly lambda_max sigma(C) dt.  The count comes from the host's\n"
    "  counter-based generator keyed by (run seed, population stream,\n"
    "  neuron id, step): it does not depend on threads or block layout.\n"
    "\n"
    "Phases and the integration window\n"
    "  Phases are the script's, scheduled by the core: ap.phase(\"forward\",\n"
    "  50, { window = 30 }) runs 50 ms whose integration window opens 30 ms\n"
    "  in.  The script sets the teaching conductances for the target phase\n"
    "  (pop:set{ g_E = ..., g_I = ... } on the output population; the\n"
    "  authors use g_E = target, g_I = 1 - target) and zeroes them after.\n"
    "  At the first step of a window the sums restart from 0; every step\n"
    "  of the window adds to them.  Outside phases, integrate = 1 adds to\n"
    "  the sums as well (a script then zeroes them itself with pop:set{\n"
    "  sum_C = 0, sum_A = 0, n_int = 0 }).  A rule (guerguiev) reads the\n"
    "  averages as sum / n_int at the end of the phase:\n"
    "    hidden: mean C = sum_C/n_int; plateau alpha = sigma(sum_A/n_int),\n"
    "            the sigmoid of the mean apical potential, as the paper's\n"
    "            plateau potentials and the authors' code (not the mean\n"
    "            of sigma(A));\n"
    "    output: mean U = sum_U/n_int; mean rate\n"
    "            lambda_max sum_sigma_U/n_int (the target-phase rate).\n"
    "  The averaged presynaptic PSPs (one per input) are the rule's to\n"
    "  keep: they are per synapse or per presynaptic neuron, not per\n"
    "  neuron here.\n"
    "\n"
    "Parameters (unused ones are ignored by the other layer)\n"
    "  name        unit  default  meaning\n"
    "  layer       1     0        0 hidden, 1 output (structure)\n"
    "  tau_L       ms    10       slow kernel time constant (> 0)\n"
    "  tau_s       ms    3        fast kernel time constant (> 0,\n"
    "                             != tau_L)\n"
    "  g_L         1     0.1      somatic leak conductance (>= 0; 1/tau_L)\n"
    "  g_B         1     0.6      hidden: basal conductance (>= 0)\n"
    "  g_A         1     0        hidden: apical conductance (>= 0; 0.05\n"
    "                             in the authors' attenuated variant)\n"
    "  g_D         1     0.6      output: dendritic conductance (>= 0)\n"
    "  b           1     0        feedforward bias (B or V)\n"
    "  c           1     0        hidden: feedback bias (A)\n"
    "  g_E         1     0        output: excitatory teaching conductance\n"
    "  g_I         1     0        output: inhibitory teaching conductance\n"
    "  E_E         1     8        output: excitatory reversal potential\n"
    "  E_I         1     -8       output: inhibitory reversal potential\n"
    "  lambda_max  Hz    200      maximum rate (>= 0, finite)\n"
    "  integrate   1     0        1: accumulate the sums this step\n"
    "\n"
    "State, hidden neuron (layer = 0)\n"
    "  B           1  basal potential (compartment basal)\n"
    "  A           1  apical potential (compartment apical)\n"
    "  C           1  somatic potential (compartment soma)\n"
    "  s_basal_L   1  basal trace, tau_L (internal)\n"
    "  s_basal_s   1  basal trace, tau_s (internal)\n"
    "  s_apical_L  1  apical trace, tau_L (internal)\n"
    "  s_apical_s  1  apical trace, tau_s (internal)\n"
    "  sum_C       1  sum of C over the integration window\n"
    "  sum_A       1  sum of A over the integration window\n"
    "  n_int       1  steps accumulated\n"
    "State, output neuron (layer = 1)\n"
    "  V            1  dendritic potential (compartment dendrite)\n"
    "  U            1  somatic potential (compartment soma)\n"
    "  s_basal_L    1  dendritic trace, tau_L (internal)\n"
    "  s_basal_s    1  dendritic trace, tau_s (internal)\n"
    "  sum_U        1  sum of U over the integration window\n"
    "  sum_sigma_U  1  sum of sigma(U) over the integration window\n"
    "  n_int        1  steps accumulated\n"
    "  Everything starts at 0.\n"
    "\n"
    "Ports\n"
    "  basal   current (normalised units): hidden, feedforward into basal;\n"
    "          output, from the hidden layer into the dendrite; default\n"
    "          for non-negative weights\n"
    "  apical  current (normalised units): hidden only, feedback into\n"
    "          apical; name it: ap.connect(out, hid, \"all_to_all\",\n"
    "          { weight = 0.5, port = \"apical\" })\n"
    "\n"
    "References\n"
    "  Guerguiev J, Lillicrap TP, Richards BA (2017). Towards deep learning\n"
    "    with segregated dendrites. eLife 6:e22901.\n"
    "    doi:10.7554/eLife.22901 (model, defaults from the authors' code)\n"
    "  Urbanczik R, Senn W (2014). Learning by the dendritic prediction of\n"
    "    somatic spiking. Neuron 81:521-528. (dendritic prediction, the\n"
    "    conductance-based teaching of the output soma)\n"
    "  Rotter S, Diesmann M (1999). Exact digital simulation of\n"
    "    time-invariant linear systems with applications to neuronal\n"
    "    modeling. Biological Cybernetics 81:381-402.\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_NEURON,
    .name = "segregated_dendrite",
    .version = "1.0",
    .doc = "hidden (basal/apical/soma) and output (dendrite/soma) neurons of "
           "Guerguiev et al. 2017, Poisson spiking",
    .doc_long = doc_long,
    .desc = &neuron,
}};

AP_PLUGIN(plugins)
