/* spike_source.c -- neurons that fire at given times, one list per neuron.
 *
 * prepare() checks every time and converts it to the step that emits it;
 * update() finds the current step in each neuron's sorted step list by
 * binary search.
 *
 * Why a search rather than a cursor kept as a state variable: the emitted
 * spikes are then a pure function of (spike_times, dt, step).  A cursor
 * would be a second copy of "where we are" that must agree with the step
 * counter: a snapshot restored into a run at another step, a rerun of a
 * segment, spike_times edited between runs or state written from Lua
 * would all leave it stale and silently drop or repeat spikes.  The search
 * costs O(log m) per neuron and step for m times; a neuron whose list is
 * exhausted or not yet due is skipped after comparing with its first and
 * last step, so long runs of mostly idle sources stay cheap. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "apical_plugin.h"
#include "../lower.h"

enum { PAR_SPIKE_TIMES, N_PARAMS };

static const ap_param_desc params[N_PARAMS] = {
    [PAR_SPIKE_TIMES] = {"spike_times", "ms",
                         "times at which the neuron fires, ascending, on the "
                         "dt grid",
                         AP_PT_LIST, 0.0, 0.0, INFINITY,
                         AP_RANGE_MIN_OPEN | AP_RANGE_MAX_OPEN, NULL},
};

/* Derived: the emitting step of every listed time, laid out like the
 * list (population-indexed offsets copied, so update() does not depend on
 * the host keeping the list arrays unchanged). */
typedef struct spike_source_inst {
  size_t n;
  size_t *offset; /* n + 1 */
  int64_t *step;  /* offset[n] entries, non-decreasing per neuron */
} spike_source_inst;

static void release(void *p) { free(p); }

/* Write the reason for refusing neuron i's time t (formats take i, t, x). */
#define REFUSE(fmt, i, t, x)                                             \
  do {                                                                   \
    if (err && err_size)                                       \
      snprintf(err, err_size, fmt, i, t, x);                   \
    free(in);                                                            \
    return AP_EINVAL;                                                    \
  } while (0)

static int prepare(void **out, const ap_neuron_pop *pop, char *err,
                   size_t err_size) {
  const size_t n = pop->n;
  const double dt = pop->dt;
  static const ap_list none = {NULL, NULL};
  const ap_list *list = pop->lists ? &pop->lists[PAR_SPIKE_TIMES] : &none;
  *out = NULL;
  const size_t total = (n && list->offset) ? list->offset[n] : 0;
  spike_source_inst *in =
      malloc(sizeof *in + (total ? total : 1) * sizeof(int64_t) +
             (n + 1) * sizeof(size_t));
  if (!in) {
    if (err && err_size)
      snprintf(err, err_size,
               "out of memory for the spike times of %zu neurons", n);
    return AP_ENOMEM;
  }
  in->n = n;
  in->step = (int64_t *)(in + 1);
  in->offset = (size_t *)(in->step + (total ? total : 1));
  for (size_t i = 0; i <= n; i++)
    in->offset[i] = list->offset ? list->offset[i] : 0;
  /* A time t is sent by the step that ends at t: step round(t/dt) - 1.
   * Times must lie on the grid to within 1e-9 dt (plus the rounding of
   * t/dt itself, which matters only after ~1e7 steps), so that no
   * rounding decides which step a spike falls in. */
  for (size_t i = 0; i < n; i++) {
    for (size_t k = in->offset[i]; k < in->offset[i + 1]; k++) {
      const double t = list->value[k];
      const double x = t / dt, r = round(x);
      if (!(t > 0.0))
        REFUSE("spike_times of neuron %zu: %.10g ms is not after 0 ms; the "
               "earliest time is dt = %.10g ms",
               i + 1, t, dt);
      if (!(r < 9.0e15))
        REFUSE("spike_times of neuron %zu: %.10g ms is too late for steps "
               "of dt = %.10g ms",
               i + 1, t, dt);
      if (fabs(x - r) > 1e-9 + 8.0 * DBL_EPSILON * x)
        REFUSE("spike_times of neuron %zu: %.10g ms is not a multiple of "
               "dt = %.10g ms",
               i + 1, t, dt);
      in->step[k] = (int64_t)r - 1;
      if (k > in->offset[i] && in->step[k] < in->step[k - 1])
        REFUSE("spike_times of neuron %zu: %.10g ms comes after %.10g ms; "
               "times must be in ascending order",
               i + 1, t, list->value[k - 1]);
    }
  }
  *out = in;
  return AP_OK;
}

#undef REFUSE

/* First index in [lo, hi) whose step is >= s. */
static size_t lower_bound(const int64_t *step, size_t lo, size_t hi,
                          int64_t s) {
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (step[mid] < s)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static int update(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  const spike_source_inst *in = b->inst;
  const size_t *off = in->offset + b->first;
  const int64_t *step = in->step, s = b->step;
  size_t ns = 0;
  int multi = 0;
  for (size_t i = 0; i < b->n; i++) {
    const size_t lo = off[i], hi = off[i + 1];
    if (lo == hi || step[lo] > s || step[hi - 1] < s) continue;
    const size_t k = lower_bound(step, lo, hi, s);
    size_t e = k;
    while (e < hi && step[e] == s) e++;
    if (e == k) continue;
    if (e - k > 1) {
      if (!b->mult) return AP_EINVAL; /* the ABI gives room for n */
      multi = 1;
    }
    if (b->mult) b->mult[ns] = (uint32_t)(e - k);
    b->spiked[ns++] = (uint32_t)i;
  }
  b->n_spiked = ns;
  if (multi) b->has_mult = 1;
  return AP_OK;
}

static const ap_neuron_desc neuron = {
    .size = sizeof(ap_neuron_desc),
    .compartments = NULL,
    .n_compartments = 1,
    .params = params,
    .n_params = N_PARAMS,
    .vars = NULL,
    .n_vars = 0,
    .ports = NULL,
    .n_ports = 0,
    .prepare = prepare,
    .update = update,
    .release = release,
    .lower = lower_source,
};

static const char doc_long[] =
    "spike_source -- neurons that fire at given times\n"
    "\n"
    "Description\n"
    "  Each neuron of the population fires at the times of its own list,\n"
    "  spike_times (ms).  A time t is emitted by the step that ends at t,\n"
    "  so the spike is stamped exactly t: the step round(t/dt) - 1.  Times\n"
    "  must be after 0, lie on the dt grid (to within 1e-9 dt) and be in\n"
    "  ascending order; a time listed k times is one spike of multiplicity\n"
    "  k.  prepare() refuses a list that breaks these rules with a sentence\n"
    "  naming the neuron and the time.  Like NEST's spike_generator with\n"
    "  times on the grid, except that each neuron here has its own list.\n"
    "  The population has no input ports and no state variables: the\n"
    "  spikes of a step follow from spike_times, dt and the step alone, so\n"
    "  snapshots, resumed runs and edited lists need no bookkeeping.\n"
    "\n"
    "Parameters\n"
    "  name         unit  default  meaning\n"
    "  spike_times  ms    (empty)  per-neuron list of firing times\n"
    "\n"
    "State\n"
    "  none\n"
    "\n"
    "References\n"
    "  Gewaltig M-O, Diesmann M (2007). NEST (NEural Simulation Tool).\n"
    "    Scholarpedia 2(4):1430.\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_NEURON,
    .name = "spike_source",
    .version = "1.0",
    .doc = "neurons that fire at given times (one list per neuron)",
    .doc_long = doc_long,
    .desc = &neuron,
}};

AP_PLUGIN(plugins)
