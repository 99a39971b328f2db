/*
 * backend.h -- backends (part of the plugin ABI; see plugin.h).
 *
 * A backend owns execution: the host builds the network in its own
 * arrays and hands the backend a view of them (ap_net); the backend
 * advances it, calls the neuron, synapse and rule plugins' hooks as their
 * headers say, and reports spikes back to the host.
 *
 * Calls and threads:
 *   - The host calls create, run, reload, pending_get, pending_add,
 *     report, synapse_bytes, events and destroy from one thread, one at a
 *     time and never while run is active.
 *   - sync may be called while run is active: from the host's callbacks
 *     (spikes, step_done) during run, which the backend makes between
 *     steps; it makes the host's state arrays current as of the last
 *     completed step.  Outside run it may come at any time.
 *   - Within run, the backend may use as many threads as it likes; it
 *     calls spikes() and step_done() from one thread at a time, in step
 *     order (see concurrent_callbacks for whether they may overlap with
 *     its own work).
 */
#ifndef APICAL_BACKEND_H
#define APICAL_BACKEND_H

#include <string.h>

#include "neuron.h"
#include "plugin.h"
#include "rule.h"
#include "synapse.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A population as a backend sees it. */
typedef struct ap_net_pop {
  size_t size;                  /* sizeof(ap_net_pop) of the host */
  const char *model;            /* neuron plugin name */
  const ap_neuron_desc *desc;
  size_t n;
  uint64_t gid0;
  uint32_t stream;
  ap_real *const *param;
  const ap_list *lists;
  ap_real *const *state;
  /* NULL, or 1 byte per neuron, nonzero for a lesioned (silenced)
   * neuron, whose spikes the backend drops.  The host changes it only
   * between run() calls. */
  const unsigned char *silenced;
  /* ABI 2.2, a run of several processes: nonzero when no other process
   * needs this population's spikes (every synapse from each of its
   * neurons is held by the neuron's own process, and the host reads
   * them only to count them): a backend that shares a run out need not
   * send them (a Poisson background wired one to one stays at home). */
  int spikes_local;
} ap_net_pop;

/* Packed synapses: when a projection's `delay` array is NULL, each
 * target word holds the delay in steps in its top AP_PACK_DELAY_BITS bits
 * and the post index below; with the weight that is 8 bytes a synapse.
 * The host packs a projection whose delays fit and whose post population
 * has fewer than 2^AP_PACK_TARGET_BITS neurons. */
#define AP_PACK_TARGET_BITS 24
#define AP_PACK_TARGET_MASK ((1u << AP_PACK_TARGET_BITS) - 1u)
#define AP_PACK_DELAY_BITS 8

/* A projection: synapses in compressed rows by presynaptic neuron
 * (population index of the pre population), targets and weights in
 * parallel arrays; within a row, synapses are ordered by target. */
typedef struct ap_net_proj {
  size_t size;                  /* sizeof(ap_net_proj) of the host */
  size_t pre, post;             /* population indices */
  unsigned port;                /* index into the post model's ports */
  uint32_t stream;              /* the projection's random stream */
  /* the synapses */
  size_t n_syn;
  const size_t *row;            /* n_pre + 1 offsets */
  const uint32_t *target;       /* post population index (packed with the
                                   delay when `delay` is NULL, see above) */
  ap_weight *weight;            /* written only by the rule's hooks */
  const uint16_t *delay;        /* in steps, >= 1; NULL when packed */
  double p_release;             /* probability that a spike crosses a
                                   synapse (1: always), drawn per synapse
                                   and step from (seed, stream, synapse,
                                   step) */
  /* the synapse model */
  const ap_synapse_desc *syn;
  const ap_real *syn_param;
  ap_real *const *syn_state;
  /* the learning rule, or NULL */
  const ap_rule_desc *rule;
  const char *rule_name;
  const ap_rule_ctx *rule_ctx;  /* filled by the host (param, states,
                                   weight, target, inst, ...): a backend
                                   copies it per thread (AP_COPY_SIZED)
                                   and sets t, step, window_step and
                                   modulators */
  /* ABI 2.2: the synapses' identity.  NULL when this process holds the
   * whole projection (synapse s is synapse s of the projection).  In a
   * run of several processes each holds the synapses into its own
   * neurons: synapse s of row j here is synapse s - row[j] + row_id[j]
   * of the whole projection (the index a run of one process gives it,
   * which keys its release draws). */
  const size_t *row_id;
} ap_net_proj;

/* A decoded connection (ABI 2.1): the Neural Engineering Framework's
 * factored form of a connection between ensembles, a low-rank weight
 * matrix W = E D^T applied as two thin products instead of n_pre x
 * n_post synapses.  In step s the spikes of the pre population (or the
 * host's signal) are decoded into `dims` values, low-pass filtered, and
 * encoded into the input of `port` of the post population, arriving at
 * step s + delay:
 *     u_k  = sum over the step's spikes j of decoders[j dims + k] m_j / dt_s
 *            (m_j the multiplicity, dt_s = dt / 1000: spikes as impulses of
 *            area 1, Nengo's convention), or with rate_var >= 0 the sum
 *            over all pre neurons of decoders[j dims + k] state[rate_var][j]
 *            (rate neurons, Hz), or signal[k] (pre == AP_DECODED_SIGNAL)
 *     x_k <- a x_k + (1 - a) u_k,  a = exp(-dt / tau)   (tau = 0: x_k = u_k)
 *     in_i += sum_k encoders[i dims + k] x_k      (every post neuron i)
 * Decoders fold in the connection's function and transform; encoders fold
 * in the post neurons' gains and radius.  The host owns every array: x
 * is state (checkpoints read it), and the host may change decoders and
 * encoders between run() calls (learning rules such as PES) and the
 * signal in step_done(): a backend reads the signal of step s after its
 * step_done(s - 1) call, i.e. the host writes the signal for step s when
 * step s - 1 is done (or before the run, for its first step).  Each
 * post neuron's sum runs over k ascending, after every synaptic input of
 * the step, so the result does not depend on the thread count. */
#define AP_DECODED_SIGNAL ((size_t)-1)
typedef struct ap_net_decoded {
  size_t size;                  /* sizeof(ap_net_decoded) of the host */
  size_t pre;                   /* population index, or AP_DECODED_SIGNAL */
  int rate_var;                 /* -1: spikes; else the pre model's state
                                   variable holding a rate in Hz */
  size_t post;                  /* population index */
  unsigned port;                /* index into the post model's ports */
  unsigned dims;
  unsigned delay;               /* steps, >= 1 */
  double tau;                   /* ms, >= 0 */
  const double *decoders;       /* n_pre x dims (NULL for a signal) */
  const double *signal;         /* dims (pre == AP_DECODED_SIGNAL) */
  const double *encoders;       /* n_post x dims */
  double *x;                    /* dims: the filtered decoded value */
} ap_net_decoded;

typedef struct ap_net {
  size_t size;                  /* sizeof(ap_net) of the host */
  double dt;                    /* ms */
  uint64_t seed;
  unsigned min_delay, max_delay; /* steps */
  /* the network: arrays of pointers, fixed for the life of the backend
   * instance (a network that grows between runs gets a new instance) */
  size_t n_pops;
  const ap_net_pop *const *pops;
  size_t n_projs;
  const ap_net_proj *const *projs;
  /* the host */
  const ap_host *host;
  void *ctx;                    /* for the callbacks below */
  /* The backend reports the spikes of each population at each step
   * (population indices, ascending; a population's spikes may come in
   * several calls, in ascending order), then calls step_done(). */
  void (*spikes)(void *ctx, size_t pop, int64_t step, const uint32_t *idx,
                 const uint32_t *mult, size_t n); /* mult may be NULL */
  void (*step_done)(void *ctx, int64_t step);
  /* The step at which the current integration window opened, or -1 (see
   * ap_phase_event); the host changes it only between run() calls.  A
   * backend passes step - *window_start (or -1) to neurons as
   * window_step. */
  const int64_t *window_start;
  /* Nonzero while spikes() and step_done() read only the spike lists
   * they are given and the host's own data (no neuron state, weights or
   * synapse state, and they call no rule that touches them; see
   * AP_RULE_LOCAL_CALLBACKS).  A backend may then call them for step s
   * while it delivers step s and updates step s + 1, in one call at a
   * time and in step order as always.  The host changes it only between
   * run() calls. */
  const int *concurrent_callbacks;
  /* ABI 2.1: decoded connections (see ap_net_decoded), for backends that
   * set AP_BACKEND_DECODED; the host gives none to the others. */
  size_t n_decoded;
  const ap_net_decoded *const *decoded;
  /* ABI 2.2: nonzero while spikes() and step_done() read no neuron state
   * and write nothing a neuron's update reads, whatever else they read or
   * write (every rule AP_RULE_NO_NEURON_STATE or, without spike hooks on
   * synapses, AP_RULE_LOCAL_CALLBACKS), except in the last step of each
   * run() call (state recorders sample there: in a run of several
   * processes the host ends its calls at their samples).  A backend may
   * then update steps s .. s + k - 1 before it makes the host's calls of
   * step s, with k up to the min delay and s + k - 1 at most the call's
   * last step (calls and deliveries still in step order): a run of
   * several processes exchanges spikes once per such interval.  The host
   * changes it only between run() calls. */
  const int *state_free_callbacks;
} ap_net;

/* Population q of net as its model's prepare() (and a chip's lower())
 * sees it, with the step dt (the run's, or a chip's tick). */
static inline ap_neuron_pop ap_net_pop_view(const ap_net *net,
                                            const ap_net_pop *q, double dt) {
  ap_neuron_pop v;
  memset(&v, 0, sizeof v); /* fields a later minor appends: zero */
  v.size = sizeof v;
  v.n = q->n;
  v.dt = dt;
  v.gid0 = q->gid0;
  v.seed = net->seed;
  v.stream = q->stream;
  v.param = (const ap_real *const *)q->param;
  v.lists = q->lists;
  v.state = q->state;
  v.host = net->host;
  return v;
}

/* A backend's report.  Keys are dotted paths ("energy.total",
 * "projections.2.weight_rms"); a numeric component is a 1-based index.
 * An item holds a number or, when text is not NULL, text. */
typedef struct ap_report_item {
  const char *key;
  double value;
  const char *unit;             /* "J", "1", "ms", ... never NULL */
  const char *text;
} ap_report_item;

typedef struct ap_report {
  const ap_report_item *items;
  size_t n;
  const char *text;             /* lines for standard error, each ending in
                                   a newline (may be NULL) */
} ap_report;

/* What changed between runs, for reload(). */
#define AP_CHANGED_PARAMS 0x1u  /* neuron parameters (models re-prepare) */
#define AP_CHANGED_STATE 0x2u   /* neuron state variables */
#define AP_CHANGED_WEIGHTS 0x4u /* weights, synapse or rule state */
#define AP_CHANGED_OTHER 0x8u   /* lesions, rule or synapse parameters */

/* What a backend can run beyond populations and projections (ABI 2.1,
 * ap_backend_desc.flags). */
#define AP_BACKEND_DECODED 0x1u /* decoded connections (ap_net_decoded) */
#define AP_BACKEND_DECODED_SIGNAL 0x2u /* only those from a host signal
                                          (inputs computed on the host) */
#define AP_BACKEND_PROCESSES 0x4u /* shares the work between the processes
                                     of an MPI run (the host refuses a run
                                     of several processes on the others) */
/* Such a backend holds, on each process, the synapses into that
 * process's neurons (ap_net_proj.row_id numbers them in the whole
 * projection), owns neurons [n r / P, n (r + 1) / P) of every
 * population of n on process r of P, and opens its spike exchange, as
 * the host opens each of its collective operations, with one
 * MPI_Allgather of two ints: AP_DIST_OP_EXCHANGE and its record count.
 * Processes caught in different operations then meet in that call and
 * the host ends the run with a message instead of a hang. */
#define AP_DIST_OP_EXCHANGE 1

typedef struct ap_backend_desc {
  size_t size;
  const ap_param_desc *params;  /* backend settings (--set key=value) */
  unsigned n_params;
  /* settings[k] for numeric settings, strings[k] for AP_PT_STRING ones. */
  int (*create)(void **inst, const ap_net *net, const ap_real *settings,
                const char *const *strings, char *err, size_t err_size);
  void (*destroy)(void *inst);
  /* Simulate steps [step, step + n). */
  int (*run)(void *inst, int64_t step, int64_t n, char *err,
             size_t err_size);
  /* Make the host-visible state arrays current (for recording, snapshots,
   * Lua reads; see above for when).  NULL when the backend computes in
   * the host's arrays. */
  int (*sync)(void *inst, char *err, size_t err_size);
  /* Called before a run after the host changed what `changed` says
   * (AP_CHANGED_*) in its arrays, which then hold the whole truth: a
   * backend re-reads only what changed. */
  int (*reload)(void *inst, unsigned changed, char *err, size_t err_size);
  /* NULL allowed.  Input in flight: the summed weights that arrive on
   * `port` of population `pop` at the end of `step`, for steps from the
   * next one to run up to max_delay beyond it.  get copies the
   * population's n values out, add adds n values in.  With them the host
   * carries spikes in flight across a rebuild of the backend (when the
   * network grows between runs).  A backend without them cannot grow a
   * network after its first run. */
  int (*pending_get)(void *inst, size_t pop, unsigned port, int64_t step,
                     double *out, char *err, size_t err_size);
  int (*pending_add)(void *inst, size_t pop, unsigned port, int64_t step,
                     const double *in, char *err, size_t err_size);
  /* NULL allowed: bytes of memory held for synapses (reported per
   * synapse), and synaptic events delivered so far (a spike of
   * multiplicity m through r synapses counts m * r; when the backend
   * counts them, the host need not look at every spike). */
  size_t (*synapse_bytes)(void *inst);
  uint64_t (*events)(void *inst);
  /* NULL allowed: what the backend has to say about the run so far (a
   * chip backend: mapping, quantisation, energy); AP_ENOTSUP when it has
   * nothing.  The items and text stay valid until the next call or
   * destroy(). */
  int (*report)(void *inst, ap_report *out, char *err, size_t err_size);
  /* NULL for a backend whose evolving state is all in the host's arrays
   * or reachable through sync and pending_get/pending_add (the cpu
   * backend: neuron state in the host's arrays, spikes in flight through
   * pending_*); else both: save writes the rest (a chip's registers),
   * load reads it back into an instance made for the same network, after
   * a reload of everything. */
  int (*save)(void *inst, const ap_stream *out, char *err, size_t err_size);
  int (*load)(void *inst, const ap_stream *in, char *err, size_t err_size);
  /* ABI 2.1: AP_BACKEND_* capabilities (absent in a 2.0 backend: none). */
  unsigned flags;
} ap_backend_desc;

#ifdef __cplusplus
}
#endif
#endif /* APICAL_BACKEND_H */
