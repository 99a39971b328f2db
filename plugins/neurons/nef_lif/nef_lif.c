/* nef_lif.c -- the dimensionless leaky integrate-and-fire neurons of the
 * Neural Engineering Framework as Nengo implements them: nef_lif (spiking,
 * nengo.LIF) and nef_lif_rate (its steady-state rate, nengo.LIFRate).
 *
 * Both share the parameter table (nef_lif_rate stops before min_voltage),
 * the input ports and the input stage: prepare() derives the filter
 * constants of the two spike ports, update() low-passes them and sums the
 * current J, then the spiking model takes Nengo's LIF step and the rate
 * model evaluates the LIF rate curve.
 *
 * Times are in ms, as everywhere in apical (parameters, dt and the state
 * variable refractory_time); Nengo's step uses seconds, but every time in
 * it is divided by another time, so it reads the same in ms.  Only the
 * spike ports, whose weights are in current x seconds, and the rate (Hz)
 * meet seconds. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apical_plugin.h"

enum {
  PAR_TAU_RC,
  PAR_TAU_REF,
  PAR_AMPLITUDE,
  PAR_GAIN,
  PAR_BIAS,
  PAR_TAU_S1,
  PAR_TAU_S2,
  PAR_MIN_VOLTAGE, /* last: nef_lif_rate has no voltage to bound */
  N_PARAMS
};
enum { N_RATE_PARAMS = PAR_MIN_VOLTAGE };

/* Variables both models have first, then each model's own. */
enum { VAR_I_S1, VAR_I_S2, VAR_J, N_COMMON_VARS };
enum { VAR_VOLTAGE = N_COMMON_VARS, VAR_REFRACTORY_TIME, N_LIF_VARS };
enum { VAR_RATE = N_COMMON_VARS, N_RATE_VARS };

enum { PORT_J, PORT_S1, PORT_S2, N_PORTS };

static const ap_param_desc params[N_PARAMS] = {
    [PAR_TAU_RC] = {"tau_rc", "ms", "membrane RC time constant", AP_PT_REAL,
                    20.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN, NULL},
    [PAR_TAU_REF] = {"tau_ref", "ms",
                     "refractory period (resolved within the step)",
                     AP_PT_REAL, 2.0, 0.0, INFINITY, 0, NULL},
    [PAR_AMPLITUDE] = {"amplitude", "1",
                       "scaling of the output (spike weight or rate), for "
                       "the decoders",
                       AP_PT_REAL, 1.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                       NULL},
    [PAR_GAIN] = {"gain", "1",
                  "gain on the encoded input (applied by the host, not here)",
                  AP_PT_REAL, 1.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_BIAS] = {"bias", "1", "constant bias current added to J", AP_PT_REAL,
                  0.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_TAU_S1] = {"tau_s1", "ms",
                    "low-pass time constant of port s1 (0: no filtering)",
                    AP_PT_REAL, 5.0, 0.0, INFINITY, 0, NULL},
    [PAR_TAU_S2] = {"tau_s2", "ms",
                    "low-pass time constant of port s2 (0: no filtering)",
                    AP_PT_REAL, 5.0, 0.0, INFINITY, 0, NULL},
    [PAR_MIN_VOLTAGE] = {"min_voltage", "1",
                         "lower bound of the voltage (<= 0, the reset)",
                         AP_PT_REAL, 0.0, -INFINITY, 0.0, 0, NULL},
};

#define COMMON_VARS                                                        \
  [VAR_I_S1] = {"I_s1", "1", "low-passed current of port s1", 0.0, NULL,   \
                0, 0},                                                     \
  [VAR_I_S2] = {"I_s2", "1", "low-passed current of port s2", 0.0, NULL,   \
                0, 0},                                                     \
  [VAR_J] = {"J", "1", "total input current of the last step", 0.0, NULL,  \
             0, 0}

static const ap_var_desc lif_vars[N_LIF_VARS] = {
    COMMON_VARS,
    [VAR_VOLTAGE] = {"voltage", "1",
                     "membrane voltage (threshold 1, reset 0)", 0.0, NULL, 0,
                     0},
    [VAR_REFRACTORY_TIME] = {"refractory_time", "ms",
                             "refractory time left (negative: none)", 0.0,
                             NULL, 0, AP_VAR_INTERNAL},
};

static const ap_var_desc rate_vars[N_RATE_VARS] = {
    COMMON_VARS,
    [VAR_RATE] = {"activity", "Hz",
                  "firing rate: amplitude times the LIF rate of J", 0.0,
                  NULL, 0, 0},
};

static const ap_port_desc ports[N_PORTS] = {
    [PORT_J] = {"J", "direct current, added to J for this step only",
                AP_PORT_CURRENT, 0, 0},
    [PORT_S1] = {"s1",
                 "spikes (weights in current x s), low-passed with tau_s1",
                 AP_PORT_CURRENT, 0, +1},
    [PORT_S2] = {"s2",
                 "spikes (weights in current x s), low-passed with tau_s2",
                 AP_PORT_CURRENT, 0, 0},
};

/* Derived values, population-indexed (every parameter is per neuron). */
typedef struct nef_inst {
  size_t n;
  double inv_dt; /* 1/s: a weight w on s1, s2 is the input w*inv_dt */
  double *a1;    /* exp(-dt/tau_s1), 0 for tau_s1 = 0 */
  double *b1;    /* 1 - a1, computed as -expm1(-dt/tau_s1) */
  double *a2, *b2;
  double *em1;   /* expm1(-dt/tau_rc): a full step of the membrane */
} nef_inst;

static void release(void *p) { free(p); }

static void set_err(char *err, size_t err_size, const char *fmt, ...) {
  if (!err || !err_size) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, err_size, fmt, ap);
  va_end(ap);
}

/* Every parameter of neuron i finite and inside its range: the host
 * checks the ranges too, but prepare() is the contract, and a test or a
 * backend may call it with values no host looked at. */
static int check_params(const ap_neuron_pop *pop, unsigned np, char *err,
                        size_t err_size) {
  for (size_t i = 0; i < pop->n; i++)
    for (unsigned k = 0; k < np; k++) {
      const ap_param_desc *q = &params[k];
      const double x = pop->param[k][i];
      const int unitless = strcmp(q->unit, "1") == 0;
      const char *sp = unitless ? "" : " ", *u = unitless ? "" : q->unit;
      const int lo_open = (q->range & AP_RANGE_MIN_OPEN) != 0;
      const int hi_open = (q->range & AP_RANGE_MAX_OPEN) != 0;
      if (!isfinite(x)) {
        set_err(err, err_size, "neuron %zu: %s must be finite, got %g%s%s",
                i + 1, q->name, x, sp, u);
        return AP_EINVAL;
      }
      if (lo_open ? !(x > q->min) : !(x >= q->min)) {
        set_err(err, err_size, "neuron %zu: %s must be %s %g%s%s, got %g%s%s",
                i + 1, q->name, lo_open ? ">" : ">=", q->min, sp, u, x, sp,
                u);
        return AP_EINVAL;
      }
      if (hi_open ? !(x < q->max) : !(x <= q->max)) {
        set_err(err, err_size, "neuron %zu: %s must be %s %g%s%s, got %g%s%s",
                i + 1, q->name, hi_open ? "<" : "<=", q->max, sp, u, x, sp,
                u);
        return AP_EINVAL;
      }
    }
  return AP_OK;
}

/* The zero-order-hold low-pass of Nengo's Lowpass synapse over one step
 * of h ms: y <- a y + (1 - a) u. */
static void lowpass(double tau, double h, double *a, double *b) {
  if (tau > 0.0) {
    *a = exp(-h / tau);
    *b = -expm1(-h / tau);
  } else { /* no filter: the step's input passes through */
    *a = 0.0;
    *b = 1.0;
  }
}

static int prepare_common(void **out, const ap_neuron_pop *pop, unsigned np,
                          char *err, size_t err_size) {
  const size_t n = pop->n;
  const double h = pop->dt;
  const ap_real *const *par = pop->param;
  *out = NULL;
  if (!(h > 0.0)) {
    set_err(err, err_size, "dt must be > 0 ms, got %g ms", h);
    return AP_EINVAL;
  }
  if (check_params(pop, np, err, err_size)) return AP_EINVAL;
  nef_inst *in = malloc(sizeof *in + 5 * (n ? n : 1) * sizeof(double));
  if (!in) {
    set_err(err, err_size, "out of memory for the constants of %zu neurons",
            n);
    return AP_ENOMEM;
  }
  double *a = (double *)(in + 1);
  in->n = n;
  in->inv_dt = 1000.0 / h;
  in->a1 = a;
  in->b1 = a + n;
  in->a2 = a + 2 * n;
  in->b2 = a + 3 * n;
  in->em1 = a + 4 * n;
  for (size_t i = 0; i < n; i++) {
    lowpass(par[PAR_TAU_S1][i], h, &in->a1[i], &in->b1[i]);
    lowpass(par[PAR_TAU_S2][i], h, &in->a2[i], &in->b2[i]);
    in->em1[i] = expm1(-h / par[PAR_TAU_RC][i]);
  }
  *out = in;
  return AP_OK;
}

static int prepare_lif(void **out, const ap_neuron_pop *pop, char *err,
                       size_t err_size) {
  return prepare_common(out, pop, N_PARAMS, err, err_size);
}

static int prepare_rate(void **out, const ap_neuron_pop *pop, char *err,
                        size_t err_size) {
  return prepare_common(out, pop, N_RATE_PARAMS, err, err_size);
}

/* The input stage of both models: this step's weights on s1 and s2 become
 * the inputs u = w/dt (dt in s) of the two low-passes, and
 * J = bias + (weights on J) + I_s1 + I_s2 holds over the whole step. */
AP_VECTOR_CLONES
static void drive(const nef_inst *in, ap_neuron_block *b) {
  const size_t o = b->first;
  const double inv_dt = in->inv_dt;
  const double *restrict a1 = in->a1 + o, *restrict b1 = in->b1 + o;
  const double *restrict a2 = in->a2 + o, *restrict b2 = in->b2 + o;
  const ap_real *restrict bias = b->param[PAR_BIAS];
  const ap_real *restrict w_J = b->input[PORT_J];
  const ap_real *restrict w_1 = b->input[PORT_S1];
  const ap_real *restrict w_2 = b->input[PORT_S2];
  ap_real *restrict I1 = b->state[VAR_I_S1];
  ap_real *restrict I2 = b->state[VAR_I_S2];
  ap_real *restrict J = b->state[VAR_J];
  for (size_t i = 0; i < b->n; i++) {
    I1[i] = a1[i] * I1[i] + b1[i] * (w_1[i] * inv_dt);
    I2[i] = a2[i] * I2[i] + b2[i] * (w_2[i] * inv_dt);
    J[i] = bias[i] + w_J[i] + I1[i] + I2[i];
  }
}

/* Nengo's LIF step (nengo/neurons.py, LIF.step), in its order:
 *   refractory_time -= dt
 *   delta_t = clip(dt - refractory_time, 0, dt)
 *   voltage -= (J - voltage) * expm1(-delta_t / tau_rc)
 *   spiked = voltage > 1
 *   t_spike = dt + tau_rc * log1p(-(voltage - 1) / (J - 1))   (spiked)
 *   voltage = max(voltage, min_voltage); voltage = 0 where spiked
 *   refractory_time = tau_ref + t_spike                        (spiked)
 * The membrane integrates exactly over the part delta_t of the step left
 * after the refractory period, and t_spike is the exact time within the
 * step at which the voltage crossed 1, so that the refractory period (and
 * the next interval) starts there and not at the grid point: the rate
 * under constant J is the analytic one whatever dt.  The clamp comes
 * before the reset as in Nengo; since min_voltage <= 0 < 1 a spiking
 * neuron is never clamped, so one branch does both.
 *
 * One departure, for states Nengo's own never reach: a voltage that was
 * already at or above max(J, 1) before the step (set by hand) crossed 1
 * before the step began; Nengo's log1p argument is then <= -1 (or -inf at
 * J = 1) and its refractory_time -inf or NaN, which would poison the
 * neuron for good.  Such a spike is taken at the start of the step
 * (t_spike = 0). */
static int update_lif(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  const nef_inst *in = b->inst;
  drive(in, b);
  const size_t o = b->first;
  const double dt = b->dt;
  const double *restrict em1_full = in->em1 + o;
  const ap_real *restrict tau_rc = b->param[PAR_TAU_RC];
  const ap_real *restrict tau_ref = b->param[PAR_TAU_REF];
  const ap_real *restrict v_min = b->param[PAR_MIN_VOLTAGE];
  const ap_real *restrict J = b->state[VAR_J];
  ap_real *restrict V = b->state[VAR_VOLTAGE];
  ap_real *restrict R = b->state[VAR_REFRACTORY_TIME];
  size_t ns = 0;
  for (size_t i = 0; i < b->n; i++) {
    const double r = R[i] - dt;
    double delta_t = dt - r;
    delta_t = delta_t < 0.0 ? 0.0 : (delta_t > dt ? dt : delta_t);
    /* A full step (delta_t == dt, the common case) uses the expm1 that
     * prepare() made from the same operands: the same bits, no call. */
    const double em1 =
        delta_t == dt ? em1_full[i] : expm1(-delta_t / tau_rc[i]);
    double v = V[i] - (J[i] - V[i]) * em1;
    if (v > 1.0) {
      const double x = -(v - 1.0) / (J[i] - 1.0);
      const double t_spike = x > -1.0 ? dt + tau_rc[i] * log1p(x) : 0.0;
      V[i] = 0.0;
      R[i] = tau_ref[i] + t_spike;
      b->spiked[ns++] = (uint32_t)i;
    } else {
      V[i] = v < v_min[i] ? v_min[i] : v;
      R[i] = r;
    }
  }
  b->n_spiked = ns;
  return AP_OK;
}

/* Nengo's LIFRate step: amplitude / (tau_ref + tau_rc log1p(1/(J - 1)))
 * for J > 1, else 0; in ms, so times 1000 for Hz. */
static int update_rate(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  const nef_inst *in = b->inst;
  drive(in, b);
  const ap_real *restrict tau_rc = b->param[PAR_TAU_RC];
  const ap_real *restrict tau_ref = b->param[PAR_TAU_REF];
  const ap_real *restrict amp = b->param[PAR_AMPLITUDE];
  const ap_real *restrict J = b->state[VAR_J];
  ap_real *restrict rate = b->state[VAR_RATE];
  for (size_t i = 0; i < b->n; i++) {
    const double j = J[i] - 1.0;
    rate[i] = j > 0.0 ? 1000.0 * amp[i] /
                            (tau_ref[i] + tau_rc[i] * log1p(1.0 / j))
                      : 0.0;
  }
  b->n_spiked = 0;
  return AP_OK;
}

/* The chip form (lower.h) of nef_lif, with the tick h as its step:
 *   v <- k v + (1 - k) J,  k = exp(-h / tau_rc),
 *   J = bias + (port J) + I_s1 + I_s2;
 * port J is a delta port of gain 1 - k; a spike port holds the raw sum
 * of its weights, u <- a u + w (a = exp(-h / tau_s)), whose current is
 * I = (1 - a) u / h_s, hence a current port of gain (1 - k)(1 - a) / h_s.
 * Threshold 1, reset 0, refractory round(tau_ref / h) ticks.  What a chip
 * cannot do: the spike time within the tick (reset and refractory period
 * fall on whole ticks, so rates above a few tens of Hz come out lower),
 * min_voltage (no floor), and the chip takes a tick's input in the next
 * tick.  The ports' currents are the chip's own (no host variable). */
static int lower(const ap_neuron_pop *pop, size_t i, ap_lowered *out,
                 char *err, size_t err_size) {
  const ap_real *const *par = pop->param;
  const double h = pop->dt, h_s = h * 1e-3;
  char why[160];
  if (check_params(pop, N_PARAMS, why, sizeof why)) {
    set_err(err, err_size, "%s", why);
    return AP_EINVAL;
  }
  memset(out, 0, sizeof *out);
  out->form = AP_LOWER_LIF;
  const double one_k = -expm1(-h / par[PAR_TAU_RC][i]);
  out->v_keep = 1.0 - one_k;
  out->bias = one_k * par[PAR_BIAS][i];
  out->v_th = 1.0;
  out->v_off = 0.0;
  out->ref_steps = round(par[PAR_TAU_REF][i] / h);
  out->n_ports = N_PORTS;
  out->port_kind[PORT_J] = AP_LOWER_PORT_DELTA;
  out->gain[PORT_J] = one_k;
  const int tau_par[2] = {PAR_TAU_S1, PAR_TAU_S2};
  for (int q = 0; q < 2; q++) {
    const double tau = par[tau_par[q]][i];
    const double one_a = tau > 0 ? -expm1(-h / tau) : 1.0;
    out->port_kind[PORT_S1 + q] = AP_LOWER_PORT_CURRENT;
    out->u_keep[PORT_S1 + q] = 1.0 - one_a;
    out->gain[PORT_S1 + q] = one_k * one_a / h_s;
  }
  out->v_var = VAR_VOLTAGE;
  out->ref_var = -1;
  for (unsigned p = 0; p < AP_LOWER_MAX_PORTS; p++) out->u_var[p] = -1;
  return AP_OK;
}

static const ap_neuron_desc lif_neuron = {
    .size = sizeof(ap_neuron_desc),
    .compartments = NULL,
    .n_compartments = 1,
    .params = params,
    .n_params = N_PARAMS,
    .vars = lif_vars,
    .n_vars = N_LIF_VARS,
    .ports = ports,
    .n_ports = N_PORTS,
    .prepare = prepare_lif,
    .update = update_lif,
    .release = release,
    .lower = lower,
};

static const ap_neuron_desc rate_neuron = {
    .size = sizeof(ap_neuron_desc),
    .compartments = NULL,
    .n_compartments = 1,
    .params = params,
    .n_params = N_RATE_PARAMS,
    .vars = rate_vars,
    .n_vars = N_RATE_VARS,
    .ports = ports,
    .n_ports = N_PORTS,
    .prepare = prepare_rate,
    .update = update_rate,
    .release = release,
};

/* ------------------------------------------------------------- the docs */

#define DOC_NEF                                                            \
  "  The neuron of the Neural Engineering Framework (Eliasmith & Anderson\n" \
  "  2003) in Nengo's dimensionless form: the voltage relaxes towards the\n" \
  "  input current J with time constant tau_rc, the threshold is 1 and\n"  \
  "  the reset 0, so that the neuron fires for J > 1 only.  An ensemble's\n" \
  "  encoders, gain and bias turn the represented value x into\n"          \
  "  J = gain x + bias; in apical the host applies gain when it computes\n" \
  "  the encoded input it delivers, so the neuron keeps gain for the\n"    \
  "  host (and for the decoders' solvers) and adds only bias itself.\n"

#define DOC_INPUT                                                          \
  "Input\n"                                                                \
  "  Weights on a port are summed over the step they arrive in, and act\n" \
  "  in that same step:\n"                                                 \
  "    J  port:  a current, added to J for this step only (the host's\n"   \
  "              decoded connections filter their signal themselves and\n" \
  "              deliver the result here every step)\n"                    \
  "    s1, s2:   spikes, weights in current x seconds; the step's input\n" \
  "              u = w / dt (dt in s) goes through Nengo's zero-order-hold\n" \
  "              low-pass: I_s <- a I_s + (1 - a) u, a = exp(-dt/tau_s)\n" \
  "              (tau_s = 0: I_s = u, this step only)\n"                   \
  "    J = bias + (weights on J) + I_s1 + I_s2\n"                          \
  "  A spike of weight w on s1 thus adds w to the integral of I_s1, as a\n" \
  "  Nengo spike of height 1/dt through a Lowpass(tau_s1) synapse does.\n"

#define DOC_PARAMS_COMMON                                                  \
  "  name         unit  default  meaning\n"                                \
  "  tau_rc       ms    20       membrane RC time constant (> 0)\n"        \
  "  tau_ref      ms    2        refractory period (>= 0)\n"               \
  "  amplitude    1     1        scaling of the output (> 0)\n"            \
  "  gain         1     1        gain of the encoded input, applied by the\n" \
  "                              host\n"                                   \
  "  bias         1     0        bias current, part of J\n"                \
  "  tau_s1       ms    5        low-pass of port s1 (>= 0; 0: none)\n"    \
  "  tau_s2       ms    5        low-pass of port s2 (>= 0; 0: none)\n"

#define DOC_STATE_COMMON                                                   \
  "  I_s1             1   low-passed current of port s1 (initially 0)\n"   \
  "  I_s2             1   low-passed current of port s2 (initially 0)\n"   \
  "  J                1   total input current of the last step\n"

#define DOC_PORTS                                                          \
  "Ports (type current, but in the model's dimensionless units, not pA)\n" \
  "  J   current  direct input for one step (never a default port)\n"     \
  "  s1  current  spikes, weights in current x s (the default port)\n"    \
  "  s2  current  spikes, weights in current x s (never a default port)\n"

#define DOC_REFS                                                           \
  "References\n"                                                           \
  "  Eliasmith C, Anderson CH (2003). Neural Engineering: Computation,\n"  \
  "    Representation, and Dynamics in Neurobiological Systems. MIT\n"     \
  "    Press, Cambridge MA.\n"                                             \
  "  Bekolay T, Bergstra J, Hunsberger E, DeWolf T, Stewart TC,\n"         \
  "    Rasmussen D, Choo X, Voelker AR, Eliasmith C (2014). Nengo: a\n"    \
  "    Python tool for building large-scale functional brain models.\n"    \
  "    Frontiers in Neuroinformatics 7:48.\n"                              \
  "  Nengo, nengo/neurons.py: the classes LIF and LIFRate.\n"

static const char lif_doc_long[] =
    "nef_lif -- the spiking LIF neuron of the NEF (Nengo's nengo.LIF)\n"
    "\n"
    "Description\n" DOC_NEF
    "  Each spike is reported with multiplicity 1; Nengo's output for it\n"
    "  is amplitude/dt, and apical's decoders weight it by amplitude.\n"
    "\n"
    "Equations\n"
    "  tau_rc dv/dt = J - v      (v: voltage, J held over the step)\n"
    "  v > 1: spike; v = 0 for tau_ref; v never below min_voltage\n"
    "  Under constant J > 1 the neuron fires at the LIF rate\n"
    "    r(J) = 1 / (tau_ref + tau_rc ln(1 + 1/(J - 1)))\n"
    "  (times in s for a rate in Hz).\n"
    "\n"
    "Integration (Nengo's, exact for J constant over a step)\n"
    "  With dt and all times in ms, one step is\n"
    "    refractory_time -= dt\n"
    "    delta_t = min(max(dt - refractory_time, 0), dt)\n"
    "    voltage -= (J - voltage) expm1(-delta_t/tau_rc)\n"
    "    voltage > 1: spike; t_spike = dt + tau_rc log1p(-(voltage - 1)/\n"
    "                 (J - 1)), the time in the step of the crossing;\n"
    "                 voltage = 0, refractory_time = tau_ref + t_spike\n"
    "    else: voltage = max(voltage, min_voltage)\n"
    "  The membrane integrates only over the part of the step after the\n"
    "  refractory period, which starts at the crossing itself, not at the\n"
    "  grid point: the rate is r(J) whatever dt (a spike is still stamped\n"
    "  at the end of its step).  A voltage set by hand at or above\n"
    "  max(J, 1) fires with t_spike = 0 where Nengo's formula breaks down.\n"
    "\n" DOC_INPUT
    "\n"
    "Parameters\n" DOC_PARAMS_COMMON
    "  min_voltage  1     0        lower bound of the voltage (<= 0)\n"
    "\n"
    "State\n"
    "  voltage          1   membrane voltage (initially 0; threshold 1)\n"
    "  refractory_time  ms  refractory time left; negative when none\n"
    "                       (internal, initially 0)\n" DOC_STATE_COMMON
    "\n" DOC_PORTS
    "\n" DOC_REFS;

static const char rate_doc_long[] =
    "nef_lif_rate -- the rate LIF neuron of the NEF (Nengo's nengo.LIFRate)\n"
    "\n"
    "Description\n" DOC_NEF
    "  In place of spikes the neuron outputs, every step, the steady-state\n"
    "  firing rate of the spiking LIF (nef_lif) under the step's J, scaled\n"
    "  by amplitude.  It emits no spikes: the host reads `activity` (the\n"
    "  name `rate` is the recorders' spike rate).\n"
    "\n"
    "Equations\n"
    "  activity = amplitude / (tau_ref + tau_rc ln(1 + 1/(J - 1)))  J > 1\n"
    "  activity = 0                                                 J <= 1\n"
    "  with tau_ref and tau_rc in s (rate in Hz); computed with log1p.\n"
    "\n" DOC_INPUT
    "\n"
    "Parameters\n" DOC_PARAMS_COMMON
    "\n"
    "State\n"
    "  activity         Hz  output rate of the last step (initially 0)\n"
    DOC_STATE_COMMON
    "\n" DOC_PORTS
    "\n" DOC_REFS;

static const ap_plugin_desc plugins[] = {
    {
        .size = sizeof(ap_plugin_desc),
        .kind = AP_KIND_NEURON,
        .name = "nef_lif",
        .version = "1.0",
        .doc = "dimensionless spiking LIF neuron of the NEF (Nengo's LIF), "
               "spike times resolved within the step",
        .doc_long = lif_doc_long,
        .desc = &lif_neuron,
    },
    {
        .size = sizeof(ap_plugin_desc),
        .kind = AP_KIND_NEURON,
        .name = "nef_lif_rate",
        .version = "1.0",
        .doc = "dimensionless rate LIF neuron of the NEF (Nengo's LIFRate)",
        .doc_long = rate_doc_long,
        .desc = &rate_neuron,
    },
};

AP_PLUGIN(plugins)
