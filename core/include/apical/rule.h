/*
 * rule.h -- learning rules (part of the plugin ABI; see plugin.h).
 *
 * A rule has per-projection parameters, per-synapse state and
 * per-postsynaptic-neuron state (traces), and hooks called on
 * presynaptic spikes (a segment of the spiking neuron's row), on
 * postsynaptic spikes (the synapses into the neuron), once per step with
 * the levels of the modulators the projection names, on the spikes of
 * the presynaptic population, and when a phase begins or ends.  Arrays
 * are whole-projection.
 *
 * When the hooks run (every backend keeps this contract):
 *   - Both spikes of a pair are seen at their emission times, the times
 *     they are stamped with: a spike of step s has t = (s+1) dt.  The
 *     delay only postpones delivery; pairing uses t_post - t_pre.
 *   - on_pre(c, first, n) runs for the synapses [first, first+n) of a
 *     spiking neuron's row before their weights are delivered, so the
 *     delivered weight is the one on_pre leaves.  A row may come in
 *     several segments (one per thread), each exactly once.
 *   - on_post(c, post, syn, n) runs after every on_pre of the same step,
 *     with the synapses into `post` in ascending order.  In-tree rules
 *     follow NEST and let spikes of the same step (dt = 0) not pair:
 *     on_post leaves out a presynaptic spike stamped c->t.
 *   - on_spikes(c, pre, mult, n) gets the presynaptic population's spikes
 *     of step c->step, possibly in several calls, before that step's
 *     on_step; on_step(c) runs once per step, before that step's
 *     on_pre/on_post, with c->modulators holding the levels at the end of
 *     the step.
 *   - on_phase(c, e): phase beginnings go to the rules in the order their
 *     projections were made, ends in the reverse order, so that rules
 *     nearer the output can leave credit for the layers below them.
 *   - flush(c) makes every weight current at time c->t; the host calls it
 *     before it reads or writes weights (recording, Lua, saving).
 *
 * Threads and what a hook may touch:
 *   - on_pre and on_post of different threads run at once on different
 *     synapses and postsynaptic neurons: a hook touches only the synapses
 *     it is given and the post_state of their targets.  on_step,
 *     on_spikes, on_phase, flush, prepare and release run alone (or, with
 *     AP_RULE_LOCAL_CALLBACKS, beside delivery: see below).
 *   - Neurons (c->pre, c->post): on_post reads the state of its own
 *     `post` neuron; on_step, on_spikes, on_phase and flush read all of
 *     both populations; on_pre reads neither (other threads are advancing
 *     them).  Only on_phase writes them, parameters included (a bias it
 *     learns); the host passes such changes on to the backend before the
 *     next step.
 *   - Credit: on_phase hands the host, through host->credit_add, what
 *     the layer below needs (one sum per presynaptic neuron, shared by
 *     every rule and zeroed when a phase begins), and reads post_credit,
 *     left by the rules of the projections out of its post population.
 *     The rule gives the terms; the host sums them (see ap_credit).
 */
#ifndef APICAL_RULE_H
#define APICAL_RULE_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A whole population as a rule sees it, in its own shape.  A rule looks
 * its variables and parameters up by name in prepare(). */
typedef struct ap_pop_view {
  size_t size;                  /* sizeof(ap_pop_view) of the host */
  size_t n;
  const char *model;            /* neuron plugin name */
  const ap_param_desc *params;
  unsigned n_params;
  const ap_var_desc *vars;
  unsigned n_vars;
  ap_real *const *param;        /* param[k][i] (NULL for list parameters) */
  ap_real *const *state;        /* state[v][i] */
} ap_pop_view;

/* Phases.  A script runs the network in named phases (ap.phase(name,
 * duration, { window = ... }) in Lua); each phase may open an integration
 * window some time after its start and keep it open to its end.  Rules
 * hear of a phase's beginning and end through on_phase; neurons and rules
 * see the window through window_step. */
typedef enum ap_phase_kind {
  AP_PHASE_BEGIN = 1,
  AP_PHASE_END = 2
} ap_phase_kind;

typedef struct ap_phase_event {
  size_t size;                  /* sizeof(ap_phase_event) of the host */
  int kind;                     /* ap_phase_kind */
  const char *name;             /* the script's name for the phase */
  unsigned index;               /* 1, 2, ... by first use of the name */
  int64_t first_step;           /* the phase's first step */
  int64_t steps;                /* its length in steps */
  int64_t window_first;         /* the window's first step */
  int64_t window_steps;         /* steps in the window (0: none) */
} ap_phase_event;

/* What every hook of a rule sees of its projection.  The host fills it;
 * a backend keeps a copy per thread (AP_COPY_SIZED) and sets the time
 * fields (t, step, window_step) and the modulator levels. */
typedef struct ap_rule_ctx {
  size_t size;                  /* sizeof(ap_rule_ctx) of the host or of
                                   the backend's copy */
  /* the projection */
  const ap_real *param;         /* per-projection parameters */
  size_t n_syn;                 /* synapses */
  size_t n_pre, n_post;         /* neurons of the pre and post populations */
  const size_t *row;            /* n_pre + 1 offsets: the synapses of pre
                                   neuron j are [row[j], row[j+1]) */
  const uint32_t *target;       /* target[synapse] (see AP_PACK_* in
                                   backend.h: mask with target_mask for
                                   the post index) */
  uint32_t target_mask;         /* post index = target[s] & target_mask */
  ap_weight *weight;            /* weight[synapse] */
  ap_real *const *syn_state;    /* syn_state[v][synapse] */
  ap_real *const *post_state;   /* post_state[v][post neuron] */
  /* the populations, and the credit passed between layers */
  const ap_pop_view *pre;
  const ap_pop_view *post;
  ap_credit *pre_credit;        /* the host's sums for the pre neurons,
                                   for host->credit_add */
  const double *post_credit;    /* one value per post neuron: the credit
                                   the layer above left, summed */
  /* time */
  double t;                     /* ms, time of the event */
  double dt;
  int64_t step;                 /* the step whose spikes are handled */
  int64_t window_step;          /* as ap_neuron_block.window_step, for the
                                   step c->step (on_step, on_spikes) */
  const ap_phase_event *phase;  /* the phase under way, or NULL */
  /* modulators */
  const double *modulators;     /* levels, in the order the projection
                                   names them */
  unsigned n_modulators;
  /* the rule's own */
  void *inst;                   /* what prepare() returned */
  uint64_t seed;                /* run seed and the rule's own random */
  uint32_t stream;              /* stream, for host->rng_init */
  const ap_host *host;
  /* ABI 2.2: the synapses' identity, as ap_net_proj.row_id: NULL when
   * this process holds the whole projection; else synapse s of row j is
   * synapse s - row[j] + row_id[j] of the whole projection.  A rule that
   * draws random numbers per synapse keys them by that identity. */
  const size_t *row_id;
} ap_rule_ctx;

#define AP_RULE_MAX_MODULATORS 8

/* Credit is a reduction across neurons (a presynaptic neuron's credit
 * sums terms from postsynaptic neurons that another process may own), so
 * the host does it: a rule calls
 *     c->host->credit_add(c->pre_credit, j, terms, n)
 * from on_phase with the terms for presynaptic neuron j (e.g. w_s e_post
 * for the synapses of its row, in row order).  The host sums the terms
 * and adds the sum to neuron j's credit; it chooses how to sum (over the
 * processes of a distributed run too) so that post_credit comes out the
 * same whatever the layout, and hands the total to the rules of the
 * layer below as their post_credit.  A rule never sums credit itself.
 * In a run of several processes each holds a segment of each row (the
 * synapses into its neurons), and the host adds the segments' terms in
 * the order of the whole row: a rule calls credit_add once for every
 * row j, in ascending j, empty segments (n = 0) included. */

/* on_spikes and on_step read and write only the instance prepare() made
 * and the context's scalars: no weights, synapse or post variables, no
 * neuron state.  The host may then call them while a backend delivers
 * spikes and updates neurons (see ap_net.concurrent_callbacks). */
#define AP_RULE_LOCAL_CALLBACKS 0x1u

/* ABI 2.1: n_modulators is the most the rule reads; a projection names
 * from 1 to that many, and c->n_modulators says how many (the NEF's PES
 * rule reads one error signal per dimension). */
#define AP_RULE_MODULATORS_UP_TO 0x2u

/* ABI 2.1: on_step writes weights (every step, from the host's thread).
 * A backend that computes in the host's weight array needs nothing more;
 * one that keeps its own copy (a chip) takes the weights over after
 * on_step (the neuromorphic backend: at each tick's end, rounded to its
 * grid), or refuses the rule. */
#define AP_RULE_STEP_WEIGHTS 0x4u

/* ABI 2.2: none of the rule's hooks that run during a run (on_spikes,
 * on_step, on_pre, on_post) reads or writes neuron state or parameters
 * (the c->pre and c->post views): they keep to the synapses, the rule's
 * own variables and instance, the time and the modulators.  In a run of
 * several processes the host may then let the neurons run ahead of its
 * per-step calls by up to a min-delay interval, so that spikes cross
 * processes once per interval (see ap_net.state_free_callbacks). */
#define AP_RULE_NO_NEURON_STATE 0x8u

/* The rule changes a synapse from traces of its own pre- and
 * postsynaptic spikes, its weight, its own variables and modulator levels
 * only: the sum-of-products form of learning engines such as Loihi's. */
#define AP_CHIP_RULE_LOCAL_TRACES 0x1u

typedef struct ap_rule_desc {
  size_t size;
  unsigned flags;               /* AP_RULE_* properties (0: none) */
  /* the tables */
  const ap_param_desc *params;
  unsigned n_params;
  const ap_var_desc *syn_vars;  /* per synapse */
  unsigned n_syn_vars;
  const ap_var_desc *post_vars; /* per postsynaptic neuron */
  unsigned n_post_vars;
  /* Modulators the rule reads (0: none; the projection must name this
   * many with `modulator = ...`), at most AP_RULE_MAX_MODULATORS. */
  unsigned n_modulators;
  /* What on-chip learning the rule needs (AP_CHIP_RULE_*; 0: none, the
   * rule runs only where learning is software). */
  unsigned chip_learning;
  /* Check the parameters together and make the per-projection instance
   * (c->inst is NULL; c->t is the current time).  NULL allowed. */
  int (*prepare)(void **inst, const ap_rule_ctx *c, char *err,
                 size_t err_size);
  void (*release)(void *inst);
  /* The hooks (see above; each may be NULL, but not all of on_pre,
   * on_post, on_spikes, on_step and on_phase). */
  void (*on_pre)(ap_rule_ctx *c, size_t syn_first, size_t n);
  void (*on_post)(ap_rule_ctx *c, uint32_t post, const size_t *syn, size_t n);
  void (*on_spikes)(ap_rule_ctx *c, const uint32_t *pre,
                    const uint32_t *mult, size_t n);
  void (*on_step)(ap_rule_ctx *c);
  void (*on_phase)(ap_rule_ctx *c, const ap_phase_event *e);
  /* Bring every weight up to time c->t (rules that update lazily). */
  void (*flush)(ap_rule_ctx *c);
  /* NULL for a rule whose evolving state all lives in the host's arrays
   * (weights, syn_state, post_state); else both.  save writes the state
   * the instance evolves (traces, averages, logs of spikes) to out;
   * load, on an instance prepare() made for the same projection, reads
   * it back, after which the rule goes on as the saved one would have.
   * They run alone. */
  int (*save)(const ap_rule_ctx *c, const ap_stream *out, char *err,
              size_t err_size);
  int (*load)(ap_rule_ctx *c, const ap_stream *in, char *err,
              size_t err_size);
} ap_rule_desc;

#ifdef __cplusplus
}
#endif
#endif /* APICAL_RULE_H */
