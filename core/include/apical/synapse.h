/*
 * synapse.h -- synapse models (part of the plugin ABI; see plugin.h).
 *
 * Per-projection parameters, per-synapse state, and a transmit() that
 * turns a presynaptic spike into the weights delivered.  weight and delay
 * are owned by the host for every synapse model; a model with transmit ==
 * NULL delivers its stored weights unchanged (static).
 *
 * Threads: transmit runs for many rows at once, each call touching only
 * its row's synapses.
 */
#ifndef APICAL_SYNAPSE_H
#define APICAL_SYNAPSE_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ap_syn_row {
  size_t size;              /* sizeof(ap_syn_row) of the host */
  size_t first;             /* index of the row's first synapse */
  size_t n;                 /* synapses of the spiking neuron */
  double t_spike;           /* ms */
  const ap_weight *weight;  /* stored weights of the row */
  ap_real *const *state;    /* state[v] offset to the row */
  const ap_real *param;     /* per-projection parameters */
  void *inst;
  const ap_host *host;
  ap_weight *out;           /* out: weights to deliver */
} ap_syn_row;

typedef struct ap_synapse_desc {
  size_t size;
  const ap_param_desc *params;  /* "weight" and "delay" first, for docs */
  unsigned n_params;
  const ap_var_desc *vars;      /* per-synapse state */
  unsigned n_vars;
  void (*transmit)(ap_syn_row *row);
} ap_synapse_desc;

#ifdef __cplusplus
}
#endif
#endif /* APICAL_SYNAPSE_H */
