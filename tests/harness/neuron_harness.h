/* neuron_harness.h -- drive one neuron plugin's prepare()/update() directly.
 *
 * A test includes the plugin's source (which defines ap_plugin_entry), then
 * this header.  The harness plays the host for one population: it owns the
 * structure-of-arrays parameter, state and input arrays, fills parameters
 * with their defaults and state with its defaults (def_from included), runs
 * prepare(), and advances the population one step at a time, either as one
 * block or as several blocks of given sizes.  Spikes of the last step are
 * kept in population indices (with multiplicities), and optionally logged
 * for the whole run.
 *
 * Every harness function asserts on misuse (unknown names, allocation
 * failures), so tests read as plain sequences of calls.  The functions
 * live in tests/harness/neuron_harness.c (the test library libharness). */
#ifndef AP_NEURON_HARNESS_H
#define AP_NEURON_HARNESS_H

#include <check.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apical_plugin.h"
#include "plugin/host.h"

AP_PLUGIN_EXPORT const ap_plugin_table *ap_plugin_entry(void);

/* Check's ck_assert records its location even when it passes (one write
 * to the runner per call), which makes asserts in loops over millions of
 * steps slow: loops test with NH_CHECK, which only calls Check on
 * failure. */
#define NH_CHECK(cond, ...)                                              \
  do {                                                                   \
    if (!(cond)) ck_abort_msg(__VA_ARGS__);                              \
  } while (0)

typedef struct nh_spike {
  int64_t step;  /* the step that emitted it (stamp (step+1)*dt) */
  uint32_t idx;  /* population index */
  uint32_t mult; /* spikes of that neuron in that step */
} nh_spike;

typedef struct nh {
  const ap_plugin_desc *plugin;
  const ap_neuron_desc *d;
  size_t n;
  double dt;
  uint64_t gid0, seed;
  uint32_t stream;
  ap_real **param;  /* [n_params][n] */
  ap_real **state;  /* [n_vars][n] */
  ap_real **input;  /* [n_ports][n], cleared after every step */
  ap_list *lists;   /* [n_params], built by nh_prepare */
  size_t **lcount;  /* per AP_PT_LIST parameter: values per neuron */
  ap_real ***lval;  /* per AP_PT_LIST parameter: values of each neuron */
  size_t **loff;    /* offsets built for ap_list */
  ap_real **lflat;  /* values built for ap_list */
  void *inst;
  int prepared, state_ready;
  int64_t step;     /* next step to run */
  int64_t window_step; /* given to the blocks: -1 (no phase window, the
                          default) or the steps since a window opened */
  /* Spikes of the last step, population indices, ascending. */
  uint32_t *spiked, *mult;
  size_t n_spiked;
  /* Run log (when keep_log is set). */
  int keep_log;
  nh_spike *log;
  size_t n_log, cap_log;
  /* Scratch for one block. */
  const ap_real **bparam;
  ap_real **bstate;
  ap_real **binput;
  /* Whether update() gets input_w (writable inputs it may clear), as the
   * cpu backend gives it; 1 after nh_open.  Either way, a step leaves
   * the inputs zeroed, and a block that says it cleared them must have. */
  int input_w;
  uint32_t *bspk, *bmult;
  char err[256];
  /* A population shaped by structure parameters (nh_open_shaped): d is
   * a copy of the plugin's descriptor with the layout of `shape`. */
  ap_neuron_desc *shaped;
  ap_neuron_shape shape;
} nh;

void *nh_calloc_(size_t n, size_t size);

/* The descriptor of the neuron plugin `name` in this binary's
 * ap_plugin_entry table. */
const ap_plugin_desc *nh_find_plugin_(const char *name);

/* A population of `n` neurons of plugin pd with the layout of d. */
nh *nh_open_desc_(const ap_plugin_desc *pd,
                  const ap_neuron_desc *d, size_t n,
                  double dt);

/* Open a population of `n` neurons of the neuron plugin `name` (found in
 * this binary's ap_plugin_entry table) at time step dt (ms), with the
 * descriptor's own layout (a shaped model's default shape). */
nh *nh_open(const char *name, size_t n, double dt);

/* Open a population of a model with structure parameters as the host
 * does: the structure parameters keys[0..nk) take values[] (the others
 * their defaults), the model's shape() gives the layout, and the
 * population's descriptor is the model's with that layout.  Returns NULL
 * when shape() refuses the values, with its message in err (when not
 * NULL).  Parameters start at their defaults, structure ones at the
 * given values. */
nh *nh_open_shaped(const char *name, size_t n, double dt,
                   const char *const *keys,
                   const double *values, size_t nk, char *err,
                   size_t err_size);

int nh_find_param(const nh *h, const char *name);

int nh_find_var(const nh *h, const char *name);

/* The per-neuron array of parameter `name`. */
ap_real *nh_par(nh *h, const char *name);

/* Set parameter `name` of every neuron. */
void nh_set(nh *h, const char *name, double value);

/* The per-neuron array of state variable `name`. */
ap_real *nh_var(nh *h, const char *name);

/* The per-neuron input array of port `name` for the next step. */
ap_real *nh_in(nh *h, const char *name);

/* Set the list parameter `name` of neuron i (values are copied). */
void nh_set_list(nh *h, const char *name, size_t i,
                 const double *values, size_t count);

/* Initial state: each variable's default, or the value of its def_from
 * parameter (as the host does when a population is created). */
void nh_init_state(nh *h);

void nh_build_lists_(nh *h);

/* Run prepare() (releasing a previous instance first); initialises the
 * state on first use.  Returns the plugin's status; the reason of a
 * failure is in h->err. */
int nh_prepare(nh *h);

/* Advance the population by one step as `nb` blocks of the given sizes
 * (which must add up to n); sizes NULL means one block.  Inputs are
 * consumed (cleared).  Returns the first non-AP_OK status of update(). */
int nh_step_blocks(nh *h, const size_t *sizes, size_t nb);

/* Advance the population by one step as one block; asserts success. */
void nh_step(nh *h);

/* Did neuron i spike in the last step? */
int nh_spiked(const nh *h, size_t i);

void nh_close(nh *h);

/* The same population run twice for `steps` steps, once given writable
 * inputs (input_w, as the cpu backend gives them: an update may clear
 * them itself) and once not, with the same inputs of up to w_max on
 * every port (a third of the neurons get one each step) and parameters
 * names[k] = values[k]; asserts the same spikes and every state variable
 * the same bit for bit at every step.  Returns the spikes seen. */
long nh_check_input_w(const char *model, size_t n, double dt, long steps,
                      double w_max, const char *const *names,
                      const double *values, size_t n_set);

/* Does `word` occur in `text` as a whole identifier (not inside a longer
 * name such as tau_m inside tau_m_ex)? */
int nh_has_word(const char *text, const char *word);

/* Is there a line in `text` whose first whitespace-separated tokens are
 * `a`, `b` and (when not NULL) `c`?  Table rows of the documentation
 * blocks read "name unit default meaning..." and "name unit meaning...". */
int nh_has_row(const char *text, const char *a, const char *b,
               const char *c);

/* The plugin's documentation block agrees with its tables: every
 * parameter has a row "name unit default", every state variable a row
 * "name unit", every port is named, and every table entry has its
 * one-line doc. */
void nh_check_doc(const char *plugin_name);

#endif /* AP_NEURON_HARNESS_H */
