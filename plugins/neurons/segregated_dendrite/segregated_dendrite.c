/* segregated_dendrite.c -- the multi-compartment rate-coded spiking neurons
 * of Guerguiev, Lillicrap & Richards (2017), "Towards deep learning with
 * segregated dendrites", eLife 6:e22901.
 *
 * One plugin, two kinds of neuron chosen by the structure parameter
 * `layer`: a hidden neuron (basal, apical and somatic compartments) and an
 * output neuron (dendritic and somatic compartments, with teaching
 * conductances).  Dendritic potentials are the input spike trains filtered
 * by the difference-of-exponentials PSP kernel.  By default the kernel
 * sees only the last psp_memory = 10 ms of input and the soma is stepped
 * by forward Euler, as the authors' code does (deep_learning.py at commit
 * 5aab52d of jordan-g/Segregated-Dendrite-Deep-Learning: `mem`, update_C);
 * psp_memory = 0 keeps the whole kernel and soma_euler = 0 integrates the
 * soma exactly.
 *
 * The kernel is kept as two exponential traces per input port.  A finite
 * memory of M steps subtracts each input again, decayed, M steps after it
 * arrived; the inputs of the last M steps wait for that in a ring of M
 * state variables per port (ring_<port>_K), sized by shape() from
 * psp_memory and dt.  update() is a handful of multiply-adds per neuron,
 * then one Poisson draw keyed by identity, in loops that vectorise.
 *
 * Units are the paper's normalised ones: voltages and conductances are
 * dimensionless ("1", with the conductances read as rates per ms, as the
 * authors' code does with dt in ms), rates in Hz, times in ms. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apical_plugin.h"
#include "../../plugin_err.h"
#include "../philox_first.h"
#include "segregated_dendrite.h"

enum { LAYER_HIDDEN = 0, LAYER_OUTPUT = 1 };

enum {
  PAR_LAYER,
  PAR_PSP_MEMORY,
  PAR_SOMA_EULER,
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

/* Defaults: those of the authors' code (deep_learning.py): 10 ms of spike
 * memory, forward Euler, tau_s 3 ms, tau_L 10 ms, g_L = 1/tau_L,
 * g_B = g_D = 0.6, g_A 0 (0.05 with the apical conductance switched on),
 * E_E = -E_I = 8, phi_max = 0.2 spikes per 1 ms step = 200 Hz. */
static const ap_param_desc params[N_PARAMS] = {
    [PAR_LAYER] = {"layer", "1",
                   "0: hidden neuron (basal, apical, soma), 1: output neuron "
                   "(dendrite, soma); fixed when the population is created",
                   AP_PT_INT, 0.0, 0.0, 1.0, AP_PARAM_STRUCTURE, NULL},
    [PAR_PSP_MEMORY] = {"psp_memory", "ms",
                        "spike memory of the PSP kernel: input older than "
                        "this is forgotten (0: the whole kernel); fixed when "
                        "the population is created",
                        AP_PT_REAL, 10.0, 0.0, 1000.0, AP_PARAM_STRUCTURE,
                        NULL},
    [PAR_SOMA_EULER] = {"soma_euler", "1",
                        "1: soma stepped by forward Euler as the authors' "
                        "code, 0: integrated exactly",
                        AP_PT_INT, 1.0, 0.0, 1.0, 0, NULL},
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

/* Hidden neuron: compartments basal (0), apical (1), soma (2); then the
 * rings: ring_basal_0..M-1 at HV_N, ring_apical_0..M-1 at HV_N + M. */
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

/* Output neuron: compartments dendrite (0), soma (1); then
 * ring_basal_0..M-1 at OV_N. */
enum { OV_V, OV_U, OV_SB_L, OV_SB_S, OV_SUM_U, OV_SUM_SIGMA_U, OV_N_INT, OV_N };
enum { OP_BASAL, OP_N };

/* The descriptor's own tables are the hidden layout at the defaults with
 * dt = 1 ms: M = 10 ring entries per port. */
#define DEF_M 10
#define MAX_M 100000

#define DOC_TRACE_L "trace of the input weights decaying with tau_L"
#define DOC_TRACE_S "trace of the input weights decaying with tau_s"
#define DOC_N_INT "steps accumulated in the sums while integrate = 1"
#define DOC_RING "input that arrived on port %s in the last step t with " \
                 "t mod M = %u (psp_memory = M dt)"

static const char *const hidden_compartments[3] = {"basal", "apical", "soma"};
/* The descriptor's own variables: the hidden layout with M = DEF_M. */
#define RING_VAR(PORT, K, COMP)                                           \
  {"ring_" PORT "_" #K, "1",                                              \
   "input that arrived on port " PORT " in the last step t with t mod M " \
   "= " #K " (psp_memory = M dt)", 0.0, NULL, COMP, AP_VAR_INTERNAL}
static const ap_var_desc hidden_vars_default[HV_N + 2 * DEF_M] = {
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
    RING_VAR("basal", 0, 0),
    RING_VAR("basal", 1, 0),
    RING_VAR("basal", 2, 0),
    RING_VAR("basal", 3, 0),
    RING_VAR("basal", 4, 0),
    RING_VAR("basal", 5, 0),
    RING_VAR("basal", 6, 0),
    RING_VAR("basal", 7, 0),
    RING_VAR("basal", 8, 0),
    RING_VAR("basal", 9, 0),
    RING_VAR("apical", 0, 1),
    RING_VAR("apical", 1, 1),
    RING_VAR("apical", 2, 1),
    RING_VAR("apical", 3, 1),
    RING_VAR("apical", 4, 1),
    RING_VAR("apical", 5, 1),
    RING_VAR("apical", 6, 1),
    RING_VAR("apical", 7, 1),
    RING_VAR("apical", 8, 1),
    RING_VAR("apical", 9, 1),
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

/* One layout: the layer's fixed variables, then the rings, with their
 * names and docs beside them in the same allocation. */
#define RING_NAME_LEN 24
#define RING_DOC_LEN 96
typedef struct shape_mem {
  ap_var_desc *vars;
  char (*name)[RING_NAME_LEN];
  char (*doc)[RING_DOC_LEN];
} shape_mem;

/* The layout of a layer with M ring entries per port (M = 0: none). */
static int make_layout(ap_neuron_shape *out, int layer, unsigned M,
                       char *err, size_t err_size) {
  /* the hidden layer's fixed variables head the descriptor's table */
  const ap_var_desc *fixed =
      layer == LAYER_HIDDEN ? hidden_vars_default : output_vars;
  const unsigned nf = layer == LAYER_HIDDEN ? HV_N : OV_N;
  const unsigned np = layer == LAYER_HIDDEN ? HP_N : OP_N;
  const ap_port_desc *ports = layer == LAYER_HIDDEN ? hidden_ports : output_ports;
  const size_t nr = (size_t)np * M, nv = nf + nr;
  shape_mem *s = calloc(1, sizeof *s + nv * sizeof *s->vars +
                               nr * (RING_NAME_LEN + RING_DOC_LEN));
  if (!s) {
    set_err(err, err_size, "out of memory for a layout of %zu variables", nv);
    return AP_ENOMEM;
  }
  s->vars = (ap_var_desc *)(s + 1);
  s->name = (char (*)[RING_NAME_LEN])(s->vars + nv);
  s->doc = (char (*)[RING_DOC_LEN])(s->name + nr);
  memcpy(s->vars, fixed, nf * sizeof *fixed);
  for (unsigned p = 0; p < np; p++)
    for (unsigned k = 0; k < M; k++) {
      const size_t r = (size_t)p * M + k;
      snprintf(s->name[r], RING_NAME_LEN, "ring_%s_%u", ports[p].name, k);
      snprintf(s->doc[r], RING_DOC_LEN, DOC_RING, ports[p].name, k);
      s->vars[nf + r] = (ap_var_desc){s->name[r], "1", s->doc[r], 0.0, NULL,
                                      ports[p].compartment, AP_VAR_INTERNAL};
    }
  out->compartments =
      layer == LAYER_HIDDEN ? hidden_compartments : output_compartments;
  out->n_compartments = layer == LAYER_HIDDEN ? 3 : 2;
  out->vars = s->vars;
  out->n_vars = (unsigned)nv;
  out->ports = ports;
  out->n_ports = np;
  out->owner = s;
  return AP_OK;
}

static int shape(ap_neuron_shape *out, const ap_real *structure, char *err,
                 size_t err_size) {
  const int layer = layer_of(structure[PAR_LAYER]);
  if (layer < 0) {
    set_err(err, err_size,
            "layer must be 0 (hidden) or 1 (output), got %g",
            structure[PAR_LAYER]);
    return AP_EINVAL;
  }
  /* ABI 1.4 gives the run's step; an older host, none: dt = 1 ms, the
   * step the model is made for */
  const double dt = out->dt > 0.0 ? out->dt : 1.0;
  const long M = sd_memory_steps(structure[PAR_PSP_MEMORY], dt);
  if (M < 0 || M > MAX_M) {
    set_err(err, err_size,
            "psp_memory must be a whole number of steps of dt = %g ms "
            "(0 to %d steps), got %g ms", dt, MAX_M,
            structure[PAR_PSP_MEMORY]);
    return AP_EINVAL;
  }
  return make_layout(out, layer, (unsigned)M, err, err_size);
}

static void release_shape(ap_neuron_shape *s) {
  if (!s) return;
  free(s->owner);
  s->owner = NULL;
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

/* What update() needs, per neuron (population index), one array each so
 * that the loops stream them. */
typedef struct sd_inst {
  size_t n;       /* neurons in the population */
  int layer;
  int euler;      /* every neuron has soma_euler = 1 */
  int uniform;    /* the neurons share kernel, conductances and rate: the
                     arrays' element 0 serves all */
  int no_integrate; /* integrate = 0 for every neuron */
  unsigned M;     /* ring entries per port: psp_memory / dt */
  double *P;      /* exp(-G h): decay of the soma over the step (exact) */
  double *K0;     /* response to a constant drive (exact) */
  double *KL, *Ks;/* responses to drives decaying with tau_L, tau_s,
                     divided by (tau_L - tau_s) (exact) */
  double *dL, *ds;/* decay of the traces over the step */
  double *cL, *cs;/* dL^M, ds^M: an input's trace M steps on (0 if M = 0) */
  double *inv;    /* 1 / (tau_L - tau_s) */
  double *mu;     /* lambda_max dt: expected spikes per step at sigma = 1 */
  double *m;      /* scratch of update(): expected spikes this step */
  double *spare;  /* M = 0: two arrays that stand in for the rings (their
                     entries are read times cL = cs = 0) */
  uint32_t *draw; /* scratch of update(): each neuron's uniform word */
} sd_inst;

enum { N_ARRAYS = 13, /* of n doubles each: the 10 constants P .. mu, m,
                        and spare's two */
       N_CONSTS = 10 };

static void release(void *p) {
  sd_inst *in = p;
  if (!in) return;
  free(in->P);
  free(in->draw);
  free(in);
}

/* Check neuron i's parameters; 0 or -1 with a sentence in err. */
static int check_params(const ap_neuron_pop *pop, size_t i, int layer,
                        char *err, size_t err_size) {
  const ap_real *const *q = pop->param;
  const double tl = q[PAR_TAU_L][i], ts = q[PAR_TAU_S][i];
  if (!(tl > 0.0) || !isfinite(tl)) {
    set_err(err, err_size,
            "neuron %zu: tau_L must be > 0 ms and finite, got %g ms", i + 1,
            tl);
    return -1;
  }
  if (!(ts > 0.0) || !isfinite(ts)) {
    set_err(err, err_size,
            "neuron %zu: tau_s must be > 0 ms and finite, got %g ms", i + 1,
            ts);
    return -1;
  }
  if (tl == ts) {
    set_err(err, err_size,
            "neuron %zu: tau_L and tau_s must differ (the PSP kernel "
            "divides by tau_L - tau_s), both are %g ms", i + 1, tl);
    return -1;
  }
  const double lm = q[PAR_LAMBDA_MAX][i];
  if (!(lm >= 0.0) || !isfinite(lm)) {
    set_err(err, err_size,
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
      set_err(err, err_size,
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
      set_err(err, err_size, "neuron %zu: %s must be finite, got %g",
              i + 1, params[v[j]].name, q[v[j]][i]);
      return -1;
    }
  static const int flags[] = {PAR_INTEGRATE, PAR_SOMA_EULER};
  for (int j = 0; j < 2; j++) {
    const double f = q[flags[j]][i];
    if (f != 0.0 && f != 1.0) {
      set_err(err, err_size, "neuron %zu: %s must be 0 or 1, got %g",
              i + 1, params[flags[j]].name, f);
      return -1;
    }
  }
  return 0;
}

static int prepare(void **out, const ap_neuron_pop *pop, char *err,
                   size_t err_size) {
  /* m: the arrays' length, whole multiples of 16 neurons, each array on
   * a cache line of its own: update() writes m and draw every step, and
   * threads whose blocks begin at multiples of 16 then never write one
   * line (16 words, or two lines of doubles) */
  const size_t n = pop->n, m = n ? (n + 15) / 16 * 16 : 16;
  *out = NULL;
  /* The layer and the spike memory sized the state arrays when the
   * population was shaped, so a neuron that disagrees is a host error. */
  const int layer = n ? layer_of(pop->param[PAR_LAYER][0]) : LAYER_HIDDEN;
  const double mem = n ? pop->param[PAR_PSP_MEMORY][0] : 0.0;
  for (size_t i = 0; i < n; i++)
    if (layer < 0 || layer_of(pop->param[PAR_LAYER][i]) != layer ||
        pop->param[PAR_PSP_MEMORY][i] != mem) {
      set_err(err, err_size,
              "neuron %zu: layer %g and psp_memory %g ms differ from the "
              "population's shape (layer 0 or 1 and one psp_memory for all)",
              i + 1, pop->param[PAR_LAYER][i],
              pop->param[PAR_PSP_MEMORY][i]);
      return AP_EINVAL;
    }
  const long M = sd_memory_steps(mem, pop->dt);
  if (M < 0 || M > MAX_M) {
    set_err(err, err_size,
            "psp_memory %g ms is not a whole number of steps of dt = %g ms",
            mem, pop->dt);
    return AP_EINVAL;
  }
  for (size_t i = 0; i < n; i++)
    if (check_params(pop, i, layer, err, err_size)) return AP_EINVAL;
  sd_inst *in = calloc(1, sizeof *in);
  if (in) {
    in->P = aligned_alloc(64, N_ARRAYS * m * sizeof(double));
    in->draw = aligned_alloc(64, m * sizeof *in->draw);
  }
  if (!in || !in->P || !in->draw) {
    set_err(err, err_size, "out of memory for %zu neurons", n);
    release(in);
    return AP_ENOMEM;
  }
  double **arr[N_ARRAYS - 1] = {&in->P,  &in->K0, &in->KL, &in->Ks,
                                &in->dL, &in->ds, &in->cL, &in->cs,
                                &in->inv, &in->mu, &in->m, &in->spare};
  for (int a = 1; a < N_ARRAYS - 1; a++) *arr[a] = in->P + (size_t)a * m;
  if (!M) memset(in->spare, 0, 2 * m * sizeof *in->spare);
  in->n = n;
  in->layer = layer;
  in->M = (unsigned)M;
  in->euler = 1;
  const double h = pop->dt;
  const ap_real *const *q = pop->param;
  /* What the constants depend on, by layer: a neuron whose values equal
   * the previous one's copies its constants (the usual case: prepare()
   * runs whenever the script sets a parameter, and exp() is dear). */
  static const int hidden_dep[] = {PAR_TAU_L, PAR_TAU_S, PAR_G_L, PAR_G_B,
                                   PAR_G_A, PAR_LAMBDA_MAX};
  static const int output_dep[] = {PAR_TAU_L, PAR_TAU_S, PAR_G_L, PAR_G_D,
                                   PAR_G_E, PAR_G_I, PAR_LAMBDA_MAX};
  const int *dep = layer == LAYER_HIDDEN ? hidden_dep : output_dep;
  const size_t ndep = layer == LAYER_HIDDEN ? 6 : 7;
  for (size_t i = 0; i < n; i++) {
    if (q[PAR_SOMA_EULER][i] == 0.0) in->euler = 0;
    int same = i > 0;
    for (size_t j = 0; same && j < ndep; j++)
      same = q[dep[j]][i] == q[dep[j]][i - 1];
    if (same) {
      for (int a = 0; a < N_CONSTS; a++) (*arr[a])[i] = (*arr[a])[i - 1];
      continue;
    }
    const double tl = q[PAR_TAU_L][i], ts = q[PAR_TAU_S][i];
    const double G =
        layer == LAYER_HIDDEN
            ? q[PAR_G_L][i] + q[PAR_G_B][i] + q[PAR_G_A][i]
            : q[PAR_G_L][i] + q[PAR_G_D][i] + q[PAR_G_E][i] + q[PAR_G_I][i];
    in->inv[i] = 1.0 / (tl - ts);
    in->P[i] = exp(-G * h);
    in->K0[i] = response(G, 0.0, h);
    in->KL[i] = response(G, 1.0 / tl, h) * in->inv[i];
    in->Ks[i] = response(G, 1.0 / ts, h) * in->inv[i];
    in->dL[i] = exp(-h / tl);
    in->ds[i] = exp(-h / ts);
    in->cL[i] = M ? exp(-(double)M * h / tl) : 0.0;
    in->cs[i] = M ? exp(-(double)M * h / ts) : 0.0;
    in->mu[i] = q[PAR_LAMBDA_MAX][i] * h * 1e-3; /* Hz * ms */
  }
  /* Shared constants: what hidden_body reads at index 0 when uniform. */
  static const int shared[] = {PAR_TAU_L, PAR_TAU_S, PAR_G_L, PAR_G_B,
                               PAR_G_A, PAR_LAMBDA_MAX};
  in->uniform = 1;
  in->no_integrate = 1;
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < sizeof shared / sizeof shared[0]; j++)
      if (pop->param[shared[j]][i] != pop->param[shared[j]][0]) in->uniform = 0;
    if (pop->param[PAR_INTEGRATE][i] != 0.0) in->no_integrate = 0;
  }
  for (size_t i = 1; i < n; i++)
    if (pop->param[PAR_SOMA_EULER][i] != pop->param[PAR_SOMA_EULER][0]) {
      set_err(err, err_size,
              "neuron %zu: soma_euler must be the same for every neuron of "
              "a population (neuron 1 has %g, this one %g)", i + 1,
              pop->param[PAR_SOMA_EULER][0], pop->param[PAR_SOMA_EULER][i]);
      release(in);
      return AP_EINVAL;
    }
  *out = in;
  return AP_OK;
}

/* -------------------------------------------------------------- update */

/* Below this mean the count is drawn by inversion from the neuron's one
 * uniform word; above it by the host's Poisson sampler. */
#define INVERSION_MAX 10.0

/* Spikes of block neuron i in one step: Poisson of mean m, from the
 * neuron's word w of the stream (seed, stream, gid, step), so the draw
 * does not depend on the block layout or thread count. */
static uint64_t count_of(const ap_neuron_block *b, size_t i, double m,
                         uint32_t w) {
  if (m >= INVERSION_MAX) {
    ap_rng r;
    b->host->rng_init(&r, b->seed, b->stream, b->gid0 + i, (uint64_t)b->step);
    return b->host->rng_poisson(&r, m);
  }
  const double u = philox_open01(w);
  double p = sd_exp(-m), s = p;
  uint64_t k = 0;
  while (u > s && k < 1000) {
    k++;
    p = p * (m / (double)k);
    s = s + p;
  }
  return k;
}

/* Neurons whose words are drawn at a time (a stack buffer). */
#define CHUNK 256

/* The spikes of the step.  Neuron g's uniform word is word g mod 4 of the
 * first Philox block of the stream (seed, population stream, g div 4,
 * step): one block serves four neurons.  A vector loop draws the blocks,
 * another runs the first two steps of the inversion (the count is 0, 1,
 * or "2 or more" for nearly every neuron, whose mean is at most
 * lambda_max dt); the rare rest go on in count_of(), by the same
 * operations from the start, so the count is the one the plain inversion
 * gives. */
AP_VECTOR_CLONES
static int spikes(ap_neuron_block *b, const sd_inst *in) {
  const uint64_t seed = b->seed, step = (uint64_t)b->step;
  const uint32_t stream = b->stream;
  uint32_t *restrict w = in->draw + b->first;
  uint32_t words[CHUNK + 8];
  for (size_t c0 = 0; c0 < b->n; c0 += CHUNK) {
    const size_t nc = b->n - c0 < CHUNK ? b->n - c0 : CHUNK;
    const uint64_t g0 = b->gid0 + c0, q0 = g0 >> 2;
    const size_t ng = (size_t)(((g0 + nc - 1) >> 2) - q0 + 1);
    const double *restrict m = in->m + b->first + c0;
#pragma GCC ivdep
    for (size_t q = 0; q < ng; q++)
      philox_block(seed, stream, q0 + q, step, words + 4 * q);
    const uint32_t *restrict wd = words + (g0 & 3);
#pragma GCC ivdep
    for (size_t i = 0; i < nc; i++) {
      const double u = philox_open01(wd[i]);
      const double mi = m[i] < INVERSION_MAX ? m[i] : 0.0;
      const double p0 = sd_exp(-mi), p1 = p0 * (mi / 1.0), s1 = p0 + p1;
      const double s2 = s1 + p1 * (mi / 2.0);
      const uint32_t big = m[i] >= INVERSION_MAX;
      w[c0 + i] = big ? 3u : (uint32_t)(u > p0) + (uint32_t)(u > s1) +
                                 (uint32_t)(u > s2);
    }
  }
  /* the spiking neurons' indices and counts (packed in place at the
   * front of w), without a branch per neuron: whether a neuron spikes is
   * a coin toss the branch predictor cannot learn */
  uint32_t *restrict spk = b->spiked;
  size_t ns = 0;
  uint32_t most = 0;
  for (size_t i = 0; i < b->n; i++) {
    const uint32_t k = w[i];
    spk[ns] = (uint32_t)i;
    w[ns] = k;
    ns += k != 0;
    most = k > most ? k : most;
  }
  b->n_spiked = ns;
  if (most <= 1) return AP_OK;
  if (!b->mult) return AP_EINVAL;
  b->has_mult = 1;
  uint32_t *restrict cnt = b->mult;
  for (size_t k = 0; k < ns; k++) cnt[k] = w[k];
  /* counts of 2 are final; "3 or more" goes on in count_of() */
  const double *m = in->m + b->first;
  for (size_t k = 0; k < ns; k++) {
    if (cnt[k] < 3) continue;
    const size_t i = spk[k];
    const uint64_t g = b->gid0 + i;
    uint32_t blk[4];
    philox_block(seed, stream, g >> 2, step, blk);
    const uint64_t c = count_of(b, i, m[i], blk[g & 3]);
    cnt[k] = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
  }
  return AP_OK;
}

/* The slot of the ring that holds the input of M steps ago, where this
 * step's input goes. */
static unsigned ring_slot(const ap_neuron_block *b, unsigned M) {
  return M ? (unsigned)((uint64_t)b->step % M) : 0;
}

/* One step of a hidden neuron.  Input that arrives in a step counts from
 * the step's start (it is at age dt at its end, as in the authors' code,
 * where a spike adds kappa(dt) to the potential of the step it arrives
 * in), and input M steps old leaves the traces:
 *   z = s + in - dL^M in(t - M)            (the traces at the step's start)
 *   exact:  C <- P C + K0 (g_B b + g_A c) + KL (g_B zBL + g_A zAL)
 *                                         - Ks (g_B zBs + g_A zAs)
 *   s = z e^{-h/tau};  B = b + (s_L - s_s)/(tau_L - tau_s), A likewise
 *   euler:  C <- C + h (-g_L C + g_B (B - C) + g_A (A - C))
 * then the window sums and the expected spike count mu sigma(C).
 *
 * One body for every case: `u` (0 when the neurons share their kernel,
 * conductances and rate, so that element 0 serves all and stays in a
 * register; 1 otherwise), `euler` and `sums` (the window sums are
 * touched) are constants at each call site, folded by the compiler. */
static inline __attribute__((always_inline)) void
hidden_body(ap_neuron_block *b, const sd_inst *in, const size_t u,
            const int euler, const int sums) {
  ap_real *const *st = b->state;
  const ap_real *const *q = b->param;
  const size_t n = b->n, f = b->first;
  const unsigned M = in->M, slot = ring_slot(b, M);
  const double h = b->dt;
  const ap_real *restrict inB = b->input[HP_BASAL];
  const ap_real *restrict inA = b->input[HP_APICAL];
  ap_real *restrict rB = M ? st[HV_N + slot] : in->spare + f;
  ap_real *restrict rA = M ? st[HV_N + M + slot] : in->spare + in->n + f;
  ap_real *restrict sBL = st[HV_SB_L], *restrict sBs = st[HV_SB_S];
  ap_real *restrict sAL = st[HV_SA_L], *restrict sAs = st[HV_SA_S];
  ap_real *restrict vB = st[HV_B], *restrict vA = st[HV_A];
  ap_real *restrict vC = st[HV_C];
  ap_real *restrict sumC = st[HV_SUM_C], *restrict sumA = st[HV_SUM_A];
  ap_real *restrict nint = st[HV_N_INT];
  const ap_real *restrict gL = q[PAR_G_L], *restrict gB = q[PAR_G_B];
  const ap_real *restrict gA = q[PAR_G_A], *restrict bb = q[PAR_B];
  const ap_real *restrict cc = q[PAR_C], *restrict integ = q[PAR_INTEGRATE];
  const double *restrict P = in->P + f, *restrict K0 = in->K0 + f;
  const double *restrict KL = in->KL + f, *restrict Ks = in->Ks + f;
  const double *restrict dL = in->dL + f, *restrict ds = in->ds + f;
  const double *restrict cL = in->cL + f, *restrict cs = in->cs + f;
  const double *restrict inv = in->inv + f, *restrict mu = in->mu + f;
  double *restrict m = in->m + f;
  /* a window's first step restarts the sums (keep = 0) */
  const double keep = b->window_step == 0 ? 0.0 : 1.0;
  const double window = b->window_step >= 0 ? 1.0 : 0.0;
#pragma GCC ivdep
  for (size_t i = 0; i < n; i++) {
    const size_t k = i * u; /* per-neuron constants: i, or 0 if shared */
    const double xB = inB[i], xA = inA[i];
    const double oB = rB[i], oA = rA[i];
    rB[i] = xB;
    rA[i] = xA;
    const double zBL = sBL[i] + xB - cL[k] * oB, zBs = sBs[i] + xB - cs[k] * oB;
    const double zAL = sAL[i] + xA - cL[k] * oA, zAs = sAs[i] + xA - cs[k] * oA;
    const double C0 = vC[i];
    const double sbl = zBL * dL[k], sbs = zBs * ds[k];
    const double sal = zAL * dL[k], sas = zAs * ds[k];
    sBL[i] = sbl;
    sBs[i] = sbs;
    sAL[i] = sal;
    sAs[i] = sas;
    const double B = bb[i] + inv[k] * (sbl - sbs);
    const double A = cc[i] + inv[k] * (sal - sas);
    vB[i] = B;
    vA[i] = A;
    double C;
    if (euler)
      C = C0 + h * (-gL[k] * C0 + gB[k] * (B - C0) + gA[k] * (A - C0));
    else
      C = P[k] * C0 + K0[k] * (gB[k] * bb[i] + gA[k] * cc[i]) +
          KL[k] * (gB[k] * zBL + gA[k] * zAL) -
          Ks[k] * (gB[k] * zBs + gA[k] * zAs);
    vC[i] = C;
    if (sums) {
      const double add = window + (double)(integ[i] != 0.0) > 0.0 ? 1.0 : 0.0;
      sumC[i] = keep * sumC[i] + add * C;
      sumA[i] = keep * sumA[i] + add * A;
      nint[i] = keep * nint[i] + add;
    }
    m[i] = C;
  }
  /* the rates in a loop of their own: it vectorises with the exp inline */
#pragma GCC ivdep
  for (size_t i = 0; i < n; i++) m[i] = mu[i * u] * sd_sigma(m[i]);
}

AP_VECTOR_CLONES
static void step_hidden(ap_neuron_block *b, const sd_inst *in) {
  const int sums = b->window_step >= 0 || !in->no_integrate;
  const int e = in->euler;
  if (in->uniform) {
    if (e && sums) hidden_body(b, in, 0, 1, 1);
    else if (e) hidden_body(b, in, 0, 1, 0);
    else if (sums) hidden_body(b, in, 0, 0, 1);
    else hidden_body(b, in, 0, 0, 0);
  } else {
    if (e && sums) hidden_body(b, in, 1, 1, 1);
    else if (e) hidden_body(b, in, 1, 1, 0);
    else if (sums) hidden_body(b, in, 1, 0, 1);
    else hidden_body(b, in, 1, 0, 0);
  }
}

/* One step of an output neuron, in the same order; the teaching
 * conductances enter the soma (a population of 10: one general loop):
 *   euler:  U <- U + h (-g_L U + g_D (V - U) + g_E (E_E - U) + g_I (E_I - U))
 *   exact:  G = g_L + g_D + g_E + g_I, drive g_D b + g_E E_E + g_I E_I. */
AP_VECTOR_CLONES
static void step_output(ap_neuron_block *b, const sd_inst *in) {
  ap_real *const *st = b->state;
  const ap_real *const *q = b->param;
  const size_t n = b->n, f = b->first;
  const unsigned M = in->M, slot = ring_slot(b, M);
  const int euler = in->euler;
  const double h = b->dt;
  const ap_real *restrict inV = b->input[OP_BASAL];
  ap_real *restrict rV = M ? st[OV_N + slot] : in->spare + f;
  ap_real *restrict sL = st[OV_SB_L], *restrict sS = st[OV_SB_S];
  ap_real *restrict vV = st[OV_V], *restrict vU = st[OV_U];
  ap_real *restrict sumU = st[OV_SUM_U], *restrict sumS = st[OV_SUM_SIGMA_U];
  ap_real *restrict nint = st[OV_N_INT];
  const ap_real *restrict gL = q[PAR_G_L], *restrict gD = q[PAR_G_D];
  const ap_real *restrict gE = q[PAR_G_E], *restrict gI = q[PAR_G_I];
  const ap_real *restrict EE = q[PAR_E_E], *restrict EI = q[PAR_E_I];
  const ap_real *restrict bb = q[PAR_B], *restrict integ = q[PAR_INTEGRATE];
  const double *restrict P = in->P + f, *restrict K0 = in->K0 + f;
  const double *restrict KL = in->KL + f, *restrict Ks = in->Ks + f;
  const double *restrict dL = in->dL + f, *restrict ds = in->ds + f;
  const double *restrict cL = in->cL + f, *restrict cs = in->cs + f;
  const double *restrict inv = in->inv + f, *restrict mu = in->mu + f;
  double *restrict m = in->m + f;
  const double keep = b->window_step == 0 ? 0.0 : 1.0;
  const double window = b->window_step >= 0 ? 1.0 : 0.0;
#pragma GCC ivdep
  for (size_t i = 0; i < n; i++) {
    const double x = inV[i], o = rV[i];
    rV[i] = x;
    const double zL = sL[i] + x - cL[i] * o, zs = sS[i] + x - cs[i] * o;
    const double U0 = vU[i];
    const double drive = gD[i] * bb[i] + gE[i] * EE[i] + gI[i] * EI[i];
    const double Ux =
        P[i] * U0 + K0[i] * drive + gD[i] * (KL[i] * zL - Ks[i] * zs);
    sL[i] = zL * dL[i];
    sS[i] = zs * ds[i];
    const double V = bb[i] + inv[i] * (sL[i] - sS[i]);
    vV[i] = V;
    const double Ue = U0 + h * (-gL[i] * U0 + gD[i] * (V - U0) +
                                gE[i] * (EE[i] - U0) + gI[i] * (EI[i] - U0));
    const double U = euler ? Ue : Ux;
    vU[i] = U;
    const double sg = sd_sigma(U);
    const double add = window + (double)(integ[i] != 0.0) > 0.0 ? 1.0 : 0.0;
    sumU[i] = keep * sumU[i] + add * U;
    sumS[i] = keep * sumS[i] + add * sg;
    nint[i] = keep * nint[i] + add;
    m[i] = mu[i] * sg;
  }
}

static int update(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  const sd_inst *in = b->inst;
  if (in->layer == LAYER_HIDDEN) step_hidden(b, in);
  else step_output(b, in);
  return spikes(b, in);
}

static const ap_neuron_desc neuron = {
    .size = sizeof(ap_neuron_desc),
    .compartments = hidden_compartments,
    .n_compartments = 3,
    .params = params,
    .n_params = N_PARAMS,
    .vars = hidden_vars_default,
    .n_vars = HV_N + 2 * DEF_M,
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
    "  kernel kappa and weighted, plus a bias; by default the kernel\n"
    "  remembers only the last psp_memory = 10 ms of input, as the\n"
    "  authors' code does.  The soma integrates them\n"
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
    "Spike memory (psp_memory) and time alignment\n"
    "  Input that arrives in a step counts from the step's start: at the\n"
    "  end of the step it is at age dt, so the k-th value of B after an\n"
    "  arrival (k = 0 in the arrival step) is b + w kappa((k+1) dt), as the\n"
    "  authors' code adds kappa(1) for the spikes of the current step.\n"
    "  With psp_memory = M dt > 0 (a structure parameter, a whole number\n"
    "  of steps) an input is forgotten after M steps:\n"
    "    B(t) = b + sum_{k=0}^{M-1} kappa((k+1) dt) in(t - k)\n"
    "  (the authors' `mem`, 10 steps of 1 ms: one spike's B sums to\n"
    "  w x 0.510 over time, against w x 0.997 for the whole kernel,\n"
    "  psp_memory = 0).  The traces keep the whole kernel and drop each\n"
    "  input again M steps later, decayed by e^{-M dt/tau}; the inputs wait\n"
    "  for that in a ring of M state variables per port, ring_<port>_K\n"
    "  (K = 0..M-1; the tables of `apical describe` show M = 10, dt = 1\n"
    "  ms).\n"
    "\n"
    "Integration\n"
    "  Each input port keeps two traces per neuron (s_<port>_L,\n"
    "  s_<port>_s).  In a step of length h = dt the traces at its start are\n"
    "  z = s + in - e^{-M h/tau} in(t - M) (the last term only with a\n"
    "  finite memory), then s = z e^{-h/tau} and\n"
    "  B = b + (s_basal_L - s_basal_s)/(tau_L - tau_s).  The soma:\n"
    "  soma_euler = 1 (default; the authors' update_C): one forward Euler\n"
    "  step with this step's B and A,\n"
    "    C <- C + h (-g_L C + g_B (B - C) + g_A (A - C))\n"
    "    U <- U + h (-g_L U + g_D (V - U) + g_E (E_E - U) + g_I (E_I - U))\n"
    "  soma_euler = 0: exact, the soma being linear in the traces:\n"
    "    C <- exp(-G h) C + K0 (g_B b + g_A c)\n"
    "         + (K_L (g_B z_BL + g_A z_AL) - K_s (g_B z_Bs + g_A z_As))\n"
    "           / (tau_L - tau_s)\n"
    "  with G = g_L + g_B + g_A and K_r the exact response of the soma to\n"
    "  a unit drive decaying at rate r over the step (K0: constant drive);\n"
    "  likewise for U with G = g_L + g_D + g_E + g_I.  The two agree as\n"
    "  dt -> 0; at dt = 1 ms Euler's step e^{-G h} -> 1 - G h overshoots\n"
    "  (1 - G h = -0.7 for the output soma in the target phase).\n"
    "\n"
    "Order within a step\n"
    "  1. add this step's weights to the traces (and drop those of M\n"
    "     steps ago); exact: propagate the soma over the step\n"
    "  2. decay the traces; set B, A (or V); Euler: step the soma\n"
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
    "  exactly lambda_max sigma(C) dt.  The count is drawn by inversion\n"
    "  from the first 32-bit word of the host's counter-based generator\n"
    "  keyed by (run seed, population stream, neuron id, step) (the host's\n"
    "  Poisson sampler above a mean of 10): it does not depend on threads\n"
    "  or block layout.\n"
    "\n"
    "Phases and the integration window\n"
    "  Phases are the script's, scheduled by the core: ap.phase(\"forward\",\n"
    "  50, { window = 30 }) runs 50 ms whose integration window opens 30 ms\n"
    "  in.  The script sets the teaching conductances for the target phase\n"
    "  (pop:set{ g_E = ..., g_I = ... } on the output population; the\n"
    "  authors use g_E = target, g_I = 1 - target) and zeroes them after.\n"
    "  (The authors' training phases average the last 20 steps of each\n"
    "  phase, their tests the last 220 of 250: a script gets either by\n"
    "  the window's opening.)\n"
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
    "  psp_memory  ms    10       spike memory of the kernel, a whole\n"
    "                             number of steps (structure; 0: whole\n"
    "                             kernel)\n"
    "  soma_euler  1     1        1: forward Euler soma (authors' code),\n"
    "                             0: exact\n"
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
    "  ring_basal_K and ring_apical_K (internal, K = 0..M-1, M =\n"
    "  psp_memory/dt): the input of the last step t with t mod M = K on\n"
    "  each port; with the defaults at dt = 1 ms:\n"
    "  ring_basal_0  1  input of the last step t with t mod M = 0\n"
    "  ring_basal_1  1  input of the last step t with t mod M = 1\n"
    "  ring_basal_2  1  input of the last step t with t mod M = 2\n"
    "  ring_basal_3  1  input of the last step t with t mod M = 3\n"
    "  ring_basal_4  1  input of the last step t with t mod M = 4\n"
    "  ring_basal_5  1  input of the last step t with t mod M = 5\n"
    "  ring_basal_6  1  input of the last step t with t mod M = 6\n"
    "  ring_basal_7  1  input of the last step t with t mod M = 7\n"
    "  ring_basal_8  1  input of the last step t with t mod M = 8\n"
    "  ring_basal_9  1  input of the last step t with t mod M = 9\n"
    "  ring_apical_0 1  input of the last step t with t mod M = 0\n"
    "  ring_apical_1 1  input of the last step t with t mod M = 1\n"
    "  ring_apical_2 1  input of the last step t with t mod M = 2\n"
    "  ring_apical_3 1  input of the last step t with t mod M = 3\n"
    "  ring_apical_4 1  input of the last step t with t mod M = 4\n"
    "  ring_apical_5 1  input of the last step t with t mod M = 5\n"
    "  ring_apical_6 1  input of the last step t with t mod M = 6\n"
    "  ring_apical_7 1  input of the last step t with t mod M = 7\n"
    "  ring_apical_8 1  input of the last step t with t mod M = 8\n"
    "  ring_apical_9 1  input of the last step t with t mod M = 9\n"

    "State, output neuron (layer = 1)\n"
    "  V            1  dendritic potential (compartment dendrite)\n"
    "  U            1  somatic potential (compartment soma)\n"
    "  s_basal_L    1  dendritic trace, tau_L (internal)\n"
    "  s_basal_s    1  dendritic trace, tau_s (internal)\n"
    "  sum_U        1  sum of U over the integration window\n"
    "  sum_sigma_U  1  sum of sigma(U) over the integration window\n"
    "  n_int        1  steps accumulated\n"
    "  ring_basal_K 1  input of the last step t with t mod M = K\n"
    "  Everything starts at 0; pop:reset() puts it back there.\n"
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
    "    doi:10.7554/eLife.22901 (model; defaults, the 10 ms spike memory\n"
    "    and the Euler soma from the authors' deep_learning.py, commit\n"
    "    5aab52d of github.com/jordan-g/Segregated-Dendrite-Deep-Learning)\n"
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
    .version = "2.0",
    .doc = "hidden (basal/apical/soma) and output (dendrite/soma) neurons of "
           "Guerguiev et al. 2017, Poisson spiking",
    .doc_long = doc_long,
    .desc = &neuron,
}};

AP_PLUGIN(plugins)
