/* plastic.h -- a learning rule bound to one projection: its parameters,
 * its per-synapse and per-postsynaptic-neuron state, its instance, and
 * the context its hooks receive.  The host owns all of it; backends get
 * the context through ap_net_proj_ext and call on_pre/on_post, the host
 * calls on_step (after the modulators moved) and flush (before it reads
 * weights). */
#ifndef AP_PLASTIC_H
#define AP_PLASTIC_H
#include <stddef.h>
#include <stdint.h>

#include "apical/apical_plugin.h"
#include "plugin/loader.h"

typedef struct ap_plastic {
  const ap_plugin *plugin;
  const ap_rule_desc *d;
  ap_real *param;       /* d->n_params */
  ap_real **syn_state;  /* d->n_syn_vars arrays of n_syn */
  ap_real **post_state; /* d->n_post_vars arrays of n_post */
  size_t n_syn, n_post;
  size_t *mods;         /* modulator indices, as the projection names them */
  unsigned n_mods;
  double *mod_val;      /* their levels, refreshed every step */
  int prepared;
  ap_rule_ctx ctx;      /* param, states, weight, target, inst, sizes */
} ap_plastic;

/* Make a binding of `rule` for a projection of n_syn synapses into a
 * population of n_post neurons: defaults, then keys[i] = values[i]
 * (checked against the rule's table), and the modulators.  Returns NULL
 * with a message in err. */
ap_plastic *ap_plastic_new(const ap_plugin *rule, const char *const *keys,
                           const double *values, size_t n_keys,
                           const size_t *mods, unsigned n_mods, size_t n_syn,
                           size_t n_post, char *err, size_t err_size);
void ap_plastic_free(ap_plastic *p);

/* Point the context at the projection's weights and targets. */
void ap_plastic_bind(ap_plastic *p, ap_weight *weight, const uint32_t *target,
                     uint32_t target_mask, double dt);
/* Call the rule's prepare() once (at the first run). */
int ap_plastic_prepare(ap_plastic *p, double t, char *err, size_t err_size);
/* on_step with the levels `levels` (indexed by modulator). */
void ap_plastic_step(ap_plastic *p, int64_t step, const double *levels,
                     int64_t window_step);
/* on_spikes with spikes of the presynaptic population in `step`. */
void ap_plastic_spikes(ap_plastic *p, int64_t step, int64_t window_step,
                       const uint32_t *idx, const uint32_t *mult, size_t n);
/* on_phase for the event e (the context's phase pointer is set to it). */
void ap_plastic_phase(ap_plastic *p, const ap_phase_event *e);
/* Make every weight current at time t. */
void ap_plastic_flush(ap_plastic *p, double t);
/* Bytes held per synapse for the rule's state. */
size_t ap_plastic_bytes(const ap_plastic *p);
#endif
