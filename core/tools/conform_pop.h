/* conform_pop.h -- one neuron population driven directly, as a backend
 * would drive it, for the conformance runs (conform_run.c): parameters
 * at their defaults, the layout of shape() at the default structure,
 * state from the variables' initial values, empty lists, one block per
 * step, random input from the host's counter-based generator.  Internal
 * to the core. */
#ifndef AP_CONFORM_POP_H
#define AP_CONFORM_POP_H
#include <stddef.h>
#include <stdint.h>

#include "apical/apical_plugin.h"

/* Keys of the checker's random draws: a fixed seed, one stream per
 * purpose, so that every report is the same on every machine. */
#define CF_SEED 20140521u
enum {
  CF_STREAM_POP = 0x0c000000u,    /* the population's own (plugins' noise) */
  CF_STREAM_INPUT = 0x0c100000u,  /* + port: random input */
  CF_STREAM_PRE = 0x0c200000u,    /* a rule's presynaptic spikes */
  CF_STREAM_POST = 0x0c300000u,   /* a rule's postsynaptic spikes */
  CF_STREAM_WEIGHT = 0x0c400000u, /* initial weights */
  CF_STREAM_RULE = 0x0c500000u,   /* a rule's own stream */
  CF_STREAM_SPIKE = 0x0c600000u   /* a synapse model's spike times */
};

/* Random input: each neuron gets a weight on a port in this fraction of
 * steps, uniform up to the amplitude of the port's type times a scale
 * that sweeps four decades, 10, 1, 0.1, 0.01, a block of steps each, in
 * turn: ports carry weights in units the descriptor does not scale (a
 * model's "normalised units"), so no one amplitude suits every model,
 * and a sweep drives each through strong and weak input alike. */
#define CF_P_INPUT 0.2
#define CF_AMP_CURRENT 50.0     /* pA */
#define CF_AMP_CONDUCTANCE 5.0  /* nS */
#define CF_AMP_VOLTAGE 1.0      /* mV */
#define CF_SCALE_STEPS 1000     /* steps of one scale */
#define CF_INHIBITORY 0.25      /* of the amplitude, on ports of sign -1 */

typedef struct cf_pop {
  const ap_plugin_desc *pd;
  const ap_neuron_desc *d;      /* the layout in use */
  ap_neuron_desc shaped;        /* the plugin's, with shape()'s layout */
  ap_neuron_shape shape;
  int has_shape;
  size_t n;
  double dt;
  ap_real **param, **state, **input;
  ap_real **init;               /* the state as it started */
  ap_list *lists;
  size_t *loff;                 /* n + 1 zeros: every list empty */
  ap_real lnone;
  void *inst;
  int prepared;
  uint32_t *spk, *mult;         /* the last step's spikes */
  size_t n_spk;
  int has_mult;
  uint64_t spikes;              /* since open */
  uint64_t hash;                /* of the spike train */
  char err[768];
} cf_pop;

/* Open a population of n neurons of the neuron plugin pd at time step
 * dt (ms).  AP_OK, or a status with the reason in err (shape() refused
 * its defaults, the shape is malformed, out of memory); p is then closed
 * already.  cf_pop_close() is safe on a closed or zeroed population. */
int cf_pop_open(cf_pop *p, const ap_plugin_desc *pd, size_t n, double dt,
                char *err, size_t err_size);
void cf_pop_close(cf_pop *p);
/* (Re)run prepare(); AP_OK or its status, the reason in p->err. */
int cf_pop_prepare(cf_pop *p);
/* Advance by one step as one block, then clear the input.  AP_OK, or a
 * status with the reason in p->err (update() failed or reported spikes
 * out of the contract). */
int cf_pop_step(cf_pop *p, int64_t step, int64_t window_step);
/* Add random input for `step` on `port` (keyed by port, neuron and step
 * alone, so a run with input on one port sees the same input there as a
 * run with input on all). */
void cf_pop_input(cf_pop *p, unsigned port, int64_t step);
/* Whether a state variable is NaN, or infinite and not the value it
 * started with (an initial -inf means "never yet" and may stay); then
 * the reason, naming the variable, the neuron and `steps` (steps run). */
int cf_pop_bad(const cf_pop *p, int64_t steps, char *why, size_t n);
/* The first state variable in which a and b differ, as "state variable
 * 'V_m' of neuron 3: A vs B", or 0 when the states agree bit for bit. */
int cf_pop_differ(const cf_pop *a, const cf_pop *b, char *why, size_t n);
/* k arrays of n zeros each (never NULL arrays, so that empty tables need
 * no special case); NULL when out of memory.  Free with cf_arrays_free. */
ap_real **cf_arrays_new(unsigned k, size_t n);
void cf_arrays_free(ap_real **a, unsigned k);
/* FNV-1a over bytes, to fingerprint spike trains and weights. */
uint64_t cf_hash(uint64_t h, const void *data, size_t n);
#define CF_HASH0 0xcbf29ce484222325ull
#endif
