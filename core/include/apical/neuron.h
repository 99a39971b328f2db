/*
 * neuron.h -- neuron models (part of the plugin ABI; see plugin.h).
 *
 * A neuron model describes its parameters, state variables, compartments
 * and input ports in tables, and advances blocks of neurons one step at a
 * time in structure-of-arrays form.
 *
 * Threads: prepare, release, shape, release_shape and lower run alone;
 * update runs on many blocks of one population at once, each call
 * touching only its block's neurons (and reading, never writing, the
 * instance prepare() made).
 */
#ifndef APICAL_NEURON_H
#define APICAL_NEURON_H

#include "lower.h"
#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A whole population as the plugin sees it in prepare() and lower(). */
typedef struct ap_neuron_pop {
  size_t size;                  /* sizeof(ap_neuron_pop) of the host */
  size_t n;                     /* neurons */
  double dt;                    /* ms (for lower(), the chip's tick) */
  uint64_t gid0;                /* network-wide id of neuron 0 */
  uint64_t seed;                /* run seed */
  uint32_t stream;              /* this population's random stream */
  const ap_real *const *param;  /* param[k][i]: parameter k of neuron i */
  const ap_list *lists;         /* lists[k] for AP_PT_LIST parameter k */
  ap_real *const *state;        /* state[v][i] */
  const ap_host *host;
} ap_neuron_pop;

/* A block of neurons to advance by one step, from t = step*dt to
 * (step+1)*dt.  Arrays are already offset to the block: state[v][0] is
 * neuron `first`.  input[p][i] is the sum of the weights arriving on port p
 * at the end of this step (spikes stamped t and sent with delay d arrive at
 * t + d).  The plugin adds them after integrating over the step, as NEST
 * does, and reports neurons whose threshold was crossed in this step; their
 * spikes are stamped (step+1)*dt. */
typedef struct ap_neuron_block {
  size_t size;                  /* sizeof(ap_neuron_block) of the host */
  /* which neurons */
  size_t first;                 /* population index of the block's neuron 0 */
  size_t n;                     /* neurons in the block */
  uint64_t gid0;                /* network-wide id of neuron `first` */
  /* when */
  int64_t step;
  double dt;                    /* ms */
  int64_t window_step;          /* -1 outside an integration window of a
                                   phase (see ap_phase_event in rule.h),
                                   else the steps since the window opened:
                                   0 at its first step */
  /* randomness: draws keyed by (seed, stream, gid, step) */
  uint64_t seed;
  uint32_t stream;
  /* the neurons, offset to the block */
  ap_real *const *state;
  const ap_real *const *param;
  const ap_real *const *input;
  const ap_list *lists;         /* population-indexed, not offset */
  void *inst;                   /* what prepare() returned */
  const ap_host *host;
  /* out: the spikes of this step */
  uint32_t *spiked;             /* block-local indices, ascending, each at
                                   most once; room for n */
  size_t n_spiked;
  uint32_t *mult;               /* optional: mult[k] spikes for spiked[k]
                                   in this step (room for n) */
  int has_mult;                 /* set to 1 when mult[] was filled; the
                                   host clears it before update() */
  /* ABI 2.3: the arrays of `input` again, writable, or NULL where the
   * caller keeps its inputs (tools, tests).  An update that zeroes
   * input_w[p][0 .. n) of every port once it has read them sets
   * inputs_cleared to 1, and the host then does not clear them itself:
   * the inputs are read and cleared in one pass over memory. */
  ap_real *const *input_w;
  int inputs_cleared;           /* the host sets it to 0 before update() */
} ap_neuron_block;

/* The layout of one population of a model with structure parameters:
 * what shape() returns in place of the descriptor's compartments, vars
 * and ports (which then describe the default shape).  The arrays stay
 * valid until release_shape(). */
typedef struct ap_neuron_shape {
  size_t size;                  /* sizeof(ap_neuron_shape) of the host */
  double dt;                    /* in: the run's step (ms), fixed once the
                                   population exists */
  const char *const *compartments; /* out */
  unsigned n_compartments;
  const ap_var_desc *vars;
  unsigned n_vars;
  const ap_port_desc *ports;
  unsigned n_ports;
  void *owner;                  /* the plugin's, for release_shape() */
} ap_neuron_shape;

typedef struct ap_neuron_desc {
  size_t size;                  /* sizeof(ap_neuron_desc) */
  /* the tables */
  const char *const *compartments; /* names; NULL means one, "soma" */
  unsigned n_compartments;
  const ap_param_desc *params;
  unsigned n_params;
  const ap_var_desc *vars;
  unsigned n_vars;
  const ap_port_desc *ports;
  unsigned n_ports;
  /* Check parameters together (e.g. V_reset < V_th) and derive what the
   * update needs from (parameters, dt); called before each run segment
   * (the first run, and after the host changed parameters).  *inst may be
   * left NULL. */
  int (*prepare)(void **inst, const ap_neuron_pop *pop, char *err,
                 size_t err_size);
  /* Advance a block by one step.  Must only touch the block's neurons. */
  int (*update)(ap_neuron_block *b, char *err, size_t err_size);
  /* Free what prepare() made (NULL allowed). */
  void (*release)(void *inst);
  /* NULL for a model of fixed shape.  The layout of a population whose
   * structure parameters (AP_PARAM_STRUCTURE) have the values
   * structure[k] (indexed like params; the other entries hold defaults).
   * The host checks it as it checks the descriptor and sizes the
   * population's state arrays by it; prepare() and update() then see the
   * shaped variables and ports. */
  int (*shape)(ap_neuron_shape *out, const ap_real *structure, char *err,
               size_t err_size);
  void (*release_shape)(ap_neuron_shape *s);
  /* NULL: the model has no chip form.  Fill *out for neuron i of a
   * prepared population (pop->dt is the chip's tick), or return
   * AP_ENOTSUP naming what has no form (a parameter and its value). */
  int (*lower)(const ap_neuron_pop *pop, size_t i, ap_lowered *out,
               char *err, size_t err_size);
} ap_neuron_desc;

#ifdef __cplusplus
}
#endif
#endif /* APICAL_NEURON_H */
