/*
 * apical_plugin.h -- the plugin ABI of apical.
 *
 * A plugin is one shared object that exports one symbol, `ap_plugin_entry`,
 * a function with no side effects that returns a pointer to a const
 * descriptor table (`ap_plugin_table`).  The host validates every descriptor
 * in the table before it calls any other plugin code.  Plugins never link
 * against the host: everything they need from it (random numbers, logging)
 * comes through the `ap_host` service table passed to their callbacks.
 *
 * Stability rules (see docs/writing-plugins.md):
 *   - AP_ABI_MAJOR changes when a field is removed or changes meaning; the
 *     host refuses a plugin built for another major.
 *   - AP_ABI_MINOR changes when fields are appended to a descriptor; each
 *     descriptor carries its own size, so a newer host reads an older plugin
 *     (appended fields count as absent) and refuses a plugin newer than it.
 *   - sizeof(ap_real) and sizeof(ap_weight) are checked as Lua checks its
 *     numeric types: a plugin built with other types is refused.
 */
#ifndef APICAL_PLUGIN_H
#define APICAL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <math.h>

#define AP_ABI_MAJOR 1
#define AP_ABI_MINOR 5

#if defined(__GNUC__)
#define AP_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define AP_PLUGIN_EXPORT
#endif

/* Put before a function with a hot, vectorisable loop: on x86-64 with GNU
 * C and ifunc support, AVX-512 and AVX2 copies are built beside the
 * baseline one and the CPU's best is picked at load time.  No copy
 * contracts a multiply and an add into an FMA (AVX-512 has FMA, so
 * contraction is turned off), and the compiler vectorises no sum whose
 * order would change, so every copy computes the same bits. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__linux__) && !defined(__SANITIZE_ADDRESS__) &&               \
    !defined(__SANITIZE_THREAD__)
#define AP_VECTOR_CLONES                                                       \
  __attribute__((target_clones("avx512f", "avx2", "default"),                \
                 optimize("fp-contract=off")))
#else
#define AP_VECTOR_CLONES
#endif

/* Name of the one symbol a plugin exports. */
#define AP_PLUGIN_ENTRY "ap_plugin_entry"

/* ---------------------------------------------------------------- types */

typedef double ap_real;  /* parameters and state variables */
typedef float ap_weight; /* synaptic weights, in the port's unit */

/* Status codes returned by plugin callbacks and by the host API. */
typedef enum ap_status {
  AP_OK = 0,
  AP_EINVAL = 1,  /* invalid argument or parameter value */
  AP_ENOMEM = 2,  /* allocation failed */
  AP_ENOTSUP = 3, /* not supported (by this plugin, backend or chip) */
  AP_EIO = 4,     /* file could not be read or written */
  AP_EPLUGIN = 5, /* plugin missing, malformed or failed */
  AP_ESTATE = 6   /* call not valid in the current state */
} ap_status;

typedef enum ap_kind {
  AP_KIND_NEURON = 1,
  AP_KIND_SYNAPSE = 2,
  AP_KIND_RULE = 3,
  AP_KIND_BACKEND = 4
} ap_kind;

/* ------------------------------------------------------------ parameters */

typedef enum ap_param_type {
  AP_PT_REAL = 0,   /* one real value per neuron (or per projection) */
  AP_PT_INT = 1,    /* integral value, stored as ap_real */
  AP_PT_LIST = 2,   /* a list of reals per neuron (e.g. spike_times) */
  AP_PT_STRING = 3  /* backend settings only: a string (e.g. chip=loihi) */
} ap_param_type;

/* Range flags: by default [min, max] is closed. */
#define AP_RANGE_MIN_OPEN 0x1u /* value must be > min */
#define AP_RANGE_MAX_OPEN 0x2u /* value must be < max */
/* ABI 1.1, also in `range`: a structure parameter (a number of
 * compartments...): given when the population is created, fixed from then
 * on, and passed to the model's shape() (see ap_neuron_desc). */
#define AP_PARAM_STRUCTURE 0x10u

/* One parameter: the same table drives config, Lua, `apical describe`
 * and the docs.  Units follow NEST: ms, mV, pA, nS, pF, Hz; "1" for a
 * dimensionless value. */
typedef struct ap_param_desc {
  const char *name;    /* identifier, [A-Za-z_][A-Za-z0-9_]* */
  const char *unit;    /* never NULL */
  const char *doc;     /* one line, never NULL or empty */
  int type;            /* ap_param_type */
  double def;          /* default (AP_PT_REAL, AP_PT_INT) */
  double min, max;     /* allowed range; -INFINITY / INFINITY for none */
  unsigned range;      /* AP_RANGE_* flags */
  const char *def_str; /* default of an AP_PT_STRING setting */
} ap_param_desc;

/* A state variable: evolves during the run, recordable, snapshotted. */
#define AP_VAR_INTERNAL 0x1u /* bookkeeping (refractory counter...), not
                                listed for recording by default */
typedef struct ap_var_desc {
  const char *name;
  const char *unit;
  const char *doc;
  double def;               /* initial value ... */
  const char *def_from;     /* ... or the value of this parameter (NULL: def) */
  unsigned compartment;     /* index into the neuron's compartments */
  unsigned flags;           /* AP_VAR_* */
} ap_var_desc;

/* An input port of a neuron: projections target it by name. */
typedef enum ap_port_type {
  AP_PORT_CURRENT = 1,     /* weights in pA */
  AP_PORT_CONDUCTANCE = 2, /* weights in nS, must be >= 0 */
  AP_PORT_VOLTAGE = 3      /* weights in mV (delta synapses) */
} ap_port_type;

typedef struct ap_port_desc {
  const char *name;     /* e.g. "ex", "in", "apical" */
  const char *doc;
  int type;             /* ap_port_type */
  unsigned compartment; /* compartment the port feeds */
  int sign;             /* +1: default port of non-negative weights,
                           -1: of negative weights, 0: never a default */
} ap_port_desc;

/* Per-neuron lists (AP_PT_LIST): values of neuron i (population index)
 * are value[offset[i]] .. value[offset[i+1]-1]. */
typedef struct ap_list {
  const size_t *offset; /* n+1 entries */
  const ap_real *value;
} ap_list;

/* ------------------------------------------------------- host services */

/* Counter-based random stream (Philox-4x32-10).  A stream is fully
 * determined by (seed, stream, id, sub): the same draws come out whatever
 * the thread count, process count or call order. */
typedef struct ap_rng {
  uint32_t key[2];
  uint32_t ctr[4];
  uint32_t buf[4];
  unsigned pos;
} ap_rng;

enum { AP_LOG_ERROR = 0, AP_LOG_WARN = 1, AP_LOG_INFO = 2, AP_LOG_DEBUG = 3 };

typedef struct ap_host {
  size_t size; /* sizeof(ap_host) of the host: test before using a field
                  appended after ABI 1.0 */
  unsigned abi_major, abi_minor;
  void (*log)(int level, const char *plugin, const char *fmt, ...);
  /* Random numbers keyed by identity.  `stream` tells purposes apart
   * (a population's stream id, a projection's...), `id` is the object
   * (neuron, synapse), `sub` a further key such as the step. */
  void (*rng_init)(ap_rng *r, uint64_t seed, uint32_t stream, uint64_t id,
                   uint64_t sub);
  uint32_t (*rng_u32)(ap_rng *r);
  double (*rng_uniform)(ap_rng *r);           /* [0, 1) */
  double (*rng_normal)(ap_rng *r);            /* mean 0, sd 1 */
  uint64_t (*rng_poisson)(ap_rng *r, double mean);
} ap_host;

/* --------------------------------------------------------------- neurons */

/* A whole population as the plugin sees it in prepare(). */
typedef struct ap_neuron_pop {
  size_t n;                     /* neurons */
  uint64_t gid0;                /* network-wide id of neuron 0 */
  uint64_t seed;                /* run seed */
  uint32_t stream;              /* this population's random stream */
  double dt;                    /* ms */
  const ap_real *const *param;  /* param[k][i]: parameter k of neuron i */
  ap_real *const *state;        /* state[v][i] */
  const ap_list *lists;         /* lists[k] for AP_PT_LIST parameter k */
  const ap_host *host;
  char *err;                    /* prepare() writes a reason here */
  size_t err_size;
} ap_neuron_pop;

/* A block of neurons to advance by one step, from t = step*dt to
 * (step+1)*dt.  Arrays are already offset to the block: state[v][0] is
 * neuron `first`.  input[p][i] is the sum of the weights arriving on port p
 * at the end of this step (spikes stamped t and sent with delay d arrive at
 * t + d).  The plugin adds them after integrating over the step, as NEST
 * does, and reports neurons whose threshold was crossed in this step; their
 * spikes are stamped (step+1)*dt. */
typedef struct ap_neuron_block {
  size_t first;                 /* population index of the block's neuron 0 */
  size_t n;                     /* neurons in the block */
  int64_t step;
  double dt;                    /* ms */
  uint64_t gid0;                /* network-wide id of neuron `first` */
  uint64_t seed;
  uint32_t stream;
  ap_real *const *state;
  const ap_real *const *param;
  const ap_real *const *input;
  const ap_list *lists;         /* population-indexed, not offset */
  void *inst;                   /* what prepare() returned */
  const ap_host *host;
  uint32_t *spiked;             /* out: block-local indices, ascending,
                                   each at most once; room for n */
  size_t n_spiked;              /* out */
  uint32_t *mult;               /* out, optional: mult[k] spikes for
                                   spiked[k] in this step (room for n) */
  int has_mult;                 /* out: set to 1 when mult[] was filled;
                                   the host clears it before update() */
  /* ABI 1.2 */
  int64_t window_step;          /* -1 outside an integration window of a
                                   phase (see ap_phase_event), else the
                                   steps since the window opened: 0 at
                                   its first step */
} ap_neuron_block;

/* The layout of one population of a model with structure parameters:
 * what shape() returns in place of the descriptor's compartments, vars
 * and ports (which then describe the default shape).  The arrays stay
 * valid until release_shape(). */
typedef struct ap_neuron_shape {
  const char *const *compartments;
  unsigned n_compartments;
  const ap_var_desc *vars;
  unsigned n_vars;
  const ap_port_desc *ports;
  unsigned n_ports;
  void *owner;                  /* the plugin's, for release_shape() */
  /* ABI 1.4, an input: the host sets it before it calls shape() */
  double dt;                    /* the run's step (ms), fixed once the
                                   population exists; 0 from an older
                                   host */
} ap_neuron_shape;

/* ABI 1.3: lowering.  How a neuron model runs on a neuromorphic chip: the
 * model maps the parameters of neuron i onto one common integrate-and-fire
 * form (below) that a chip backend turns into the chip's own integers;
 * a spike source says so and keeps running on the host.  A model without
 * a lower() hook cannot run on a chip. */
#define AP_LOWER_MAX_PORTS 4

typedef enum ap_lower_form {
  AP_LOWER_LIF = 1,    /* the form below */
  AP_LOWER_SOURCE = 2  /* a spike generator: its update() runs on the
                          host and its spikes are injected into the chip */
} ap_lower_form;

typedef enum ap_lower_port {
  AP_LOWER_PORT_DELTA = 1,   /* weights jump v in the step they arrive */
  AP_LOWER_PORT_CURRENT = 2  /* weights jump a current u_p that decays */
} ap_lower_port;

/* With v = V_m - V_reset in mV (so that a reset sets v to 0), one step:
 *   u_p <- u_keep[p] u_p + (weights that arrived on current port p
 *                           at the end of the step before)
 *   v   <- v_keep v + sum_p gain[p] u_p + sum_q gain[q] (weights that
 *          arrive on delta port q in this step) + bias + noise_sd z
 *   v >= v_th: spike, v = 0 and held there for ref_steps steps (a
 *   refractory neuron integrates no v and discards delta input; its
 *   currents go on).
 * This is exact integration of a current-based LIF neuron (the gains are
 * the propagators from current to voltage).  The state variables named
 * below let the backend read and write the host's state: V_m = v + v_off,
 * the current of port p = u_p (in the port's unit). */
typedef struct ap_lowered {
  int form;                     /* ap_lower_form */
  double v_keep;                /* fraction of v kept per step, in (0, 1] */
  double bias;                  /* mV per step */
  double v_th;                  /* mV above V_reset, > 0 */
  double v_off;                 /* mV: V_m = v + v_off (V_reset) */
  double ref_steps;             /* whole steps */
  unsigned n_ports;             /* the model's ports, <= AP_LOWER_MAX_PORTS */
  int port_kind[AP_LOWER_MAX_PORTS];  /* ap_lower_port */
  double u_keep[AP_LOWER_MAX_PORTS];  /* current ports: fraction kept */
  double gain[AP_LOWER_MAX_PORTS];    /* mV of v per unit of weight (delta)
                                         or of current per step (current) */
  int v_var;                    /* state variable of V_m */
  int ref_var;                  /* refractory steps left, or -1 */
  int u_var[AP_LOWER_MAX_PORTS];/* state variable of port p's current, or
                                   -1; ports with one u_keep may share one */
  double noise_sd;              /* mV: white noise, a fresh draw of mean 0
                                   and this standard deviation added to v
                                   every step it integrates (0: none);
                                   the host's draw for neuron gid in step
                                   s is keyed by (seed, the population's
                                   stream, gid, s) */
} ap_lowered;

typedef struct ap_neuron_desc {
  size_t size;                  /* sizeof(ap_neuron_desc) */
  const char *const *compartments; /* names; NULL means one, "soma" */
  unsigned n_compartments;
  const ap_param_desc *params;
  unsigned n_params;
  const ap_var_desc *vars;
  unsigned n_vars;
  const ap_port_desc *ports;
  unsigned n_ports;
  /* Check parameters together (e.g. V_reset < V_th) and derive what the
   * update needs from (parameters, dt); called before each run segment.
   * *inst may be left NULL.  On failure write a sentence to pop->err. */
  int (*prepare)(void **inst, const ap_neuron_pop *pop);
  /* Advance a block by one step.  Must only touch the block's neurons. */
  int (*update)(ap_neuron_block *b);
  /* Free what prepare() made (NULL allowed). */
  void (*release)(void *inst);
  /* ABI 1.1 (test `size`; NULL for a model of fixed shape).  The layout
   * of a population whose structure parameters (AP_PARAM_STRUCTURE) have
   * the values structure[k] (indexed like params; the other entries hold
   * defaults).  The host checks it as it checks the descriptor and sizes
   * the population's state arrays by it; prepare() and update() then see
   * the shaped variables and ports.  On failure write a sentence to err. */
  int (*shape)(ap_neuron_shape *out, const ap_real *structure, char *err,
               size_t err_size);
  void (*release_shape)(ap_neuron_shape *s);
  /* ABI 1.3 (test `size`; NULL: the model has no chip form).  Fill *out
   * for neuron i of a prepared population (pop->dt is the chip's tick),
   * or return AP_ENOTSUP with a sentence in err naming what has no form
   * (a parameter and its value). */
  int (*lower)(const ap_neuron_pop *pop, size_t i, ap_lowered *out,
               char *err, size_t err_size);
} ap_neuron_desc;

/* -------------------------------------------------------------- synapses */

/* Synapse models: per-projection parameters, per-synapse state, and a
 * transmit() that turns a presynaptic spike into the weights delivered.
 * weight and delay are owned by the host for every synapse model; a model
 * with transmit == NULL delivers its stored weights unchanged (static). */
typedef struct ap_syn_row {
  size_t n;                 /* synapses of the spiking neuron */
  size_t first;             /* index of the row's first synapse */
  const ap_weight *weight;  /* stored weights of the row */
  ap_real *const *state;    /* state[v] offset to the row */
  const ap_real *param;     /* per-projection parameters */
  double t_spike;           /* ms */
  ap_weight *out;           /* out: weights to deliver */
  void *inst;
  const ap_host *host;
} ap_syn_row;

typedef struct ap_synapse_desc {
  size_t size;
  const ap_param_desc *params;  /* "weight" and "delay" first, for docs */
  unsigned n_params;
  const ap_var_desc *vars;      /* per-synapse state */
  unsigned n_vars;
  void (*transmit)(ap_syn_row *row);
} ap_synapse_desc;

/* ---------------------------------------------------------------- rules */

/* Learning rules: per-projection parameters, per-synapse state and
 * per-postsynaptic-neuron state (traces), and hooks called on presynaptic
 * spikes (a segment of the spiking neuron's row), on postsynaptic spikes
 * (the synapses into the neuron) and once per step with the levels of the
 * modulators the projection names.  Arrays are whole-projection.
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
 *   - on_step(c) runs once per step, before that step's on_pre/on_post,
 *     with c->modulators holding the levels at the end of the step.
 *   - Hooks of different threads run at once on different synapses and
 *     postsynaptic neurons: a hook touches only the synapses it is given
 *     and the post_state of their targets; on_step, on_spikes, on_phase
 *     and flush run alone.
 *   - What a hook may read of the neurons (ABI 1.2, c->pre and c->post):
 *     on_post the state of its own `post` neuron; on_step, on_spikes,
 *     on_phase and flush all of both populations.  on_pre reads neither
 *     (other threads are advancing them).  Only on_phase may write them,
 *     parameters included (a bias it learns); the host passes such
 *     changes on to the backend before the next step.
 *   - flush(c) makes every weight current at time c->t; the host calls it
 *     before it reads or writes weights (recording, Lua, saving). */
/* ABI 1.2: a whole population as a rule sees it, in its own shape.  A
 * rule looks its variables and parameters up by name in prepare(). */
typedef struct ap_pop_view {
  size_t n;
  const char *model;            /* neuron plugin name */
  const ap_param_desc *params;
  unsigned n_params;
  const ap_var_desc *vars;
  unsigned n_vars;
  ap_real *const *param;        /* param[k][i] (NULL for list parameters) */
  ap_real *const *state;        /* state[v][i] */
} ap_pop_view;

/* ABI 1.2: phases.  A script runs the network in named phases
 * (ap.phase(name, duration, { window = ... }) in Lua); each phase may
 * open an integration window some time after its start and keep it open
 * to its end.  Rules hear of a phase's beginning and end through
 * on_phase; neurons and rules see the window through window_step. */
typedef enum ap_phase_kind {
  AP_PHASE_BEGIN = 1,
  AP_PHASE_END = 2
} ap_phase_kind;

typedef struct ap_phase_event {
  int kind;                     /* ap_phase_kind */
  const char *name;             /* the script's name for the phase */
  unsigned index;               /* 1, 2, ... by first use of the name */
  int64_t first_step;           /* the phase's first step */
  int64_t steps;                /* its length in steps */
  int64_t window_first;         /* the window's first step */
  int64_t window_steps;         /* steps in the window (0: none) */
} ap_phase_event;

typedef struct ap_rule_ctx {
  const ap_real *param;         /* per-projection parameters */
  ap_real *const *syn_state;    /* syn_state[v][synapse] */
  ap_real *const *post_state;   /* post_state[v][post neuron] */
  ap_weight *weight;            /* weight[synapse] */
  const uint32_t *target;       /* target[synapse] (see AP_PACK_*: mask
                                   with target_mask for the post index) */
  double t;                     /* ms, time of the event */
  double dt;
  const double *modulators;     /* levels, in the order the projection
                                   names them */
  void *inst;                   /* what prepare() returned */
  const ap_host *host;
  /* ABI 1.1 */
  size_t n_syn;                 /* synapses of the projection */
  size_t n_post;                /* neurons of the post population */
  uint32_t target_mask;         /* post index = target[s] & target_mask */
  unsigned n_modulators;
  int64_t step;                 /* the step whose spikes are handled */
  /* ABI 1.2 */
  const ap_pop_view *pre;       /* the presynaptic population */
  const ap_pop_view *post;      /* the postsynaptic population */
  double *pre_credit;           /* credit (error) signals, one per neuron */
  double *post_credit;          /* of the pre and post populations, shared
                                   by every rule; zeroed when a phase
                                   begins */
  int64_t window_step;          /* as ap_neuron_block.window_step, for the
                                   step c->step (on_step, on_spikes) */
  const ap_phase_event *phase;  /* the phase under way, or NULL */
  const size_t *row;            /* n_pre + 1 offsets: the synapses of pre
                                   neuron j are [row[j], row[j+1]) */
  size_t n_pre;                 /* neurons of the pre population */
  uint64_t seed;                /* run seed and the rule's own random */
  uint32_t stream;              /* stream, for host->rng_init */
} ap_rule_ctx;

#define AP_RULE_MAX_MODULATORS 8

typedef struct ap_rule_desc {
  size_t size;
  const ap_param_desc *params;
  unsigned n_params;
  const ap_var_desc *syn_vars;  /* per synapse */
  unsigned n_syn_vars;
  const ap_var_desc *post_vars; /* per postsynaptic neuron */
  unsigned n_post_vars;
  void (*on_pre)(ap_rule_ctx *c, size_t syn_first, size_t n);
  void (*on_post)(ap_rule_ctx *c, uint32_t post, const size_t *syn, size_t n);
  void (*on_step)(ap_rule_ctx *c);  /* NULL when not modulated */
  /* ABI 1.1 (test `size`; each may be NULL) */
  /* Modulators the rule reads (0: none; the projection must name this
   * many with `modulator = ...`). */
  unsigned n_modulators;         /* at most AP_RULE_MAX_MODULATORS */
  /* Check the parameters together and make the per-projection instance
   * (c->inst is NULL; c->t is the current time).  On failure write a
   * sentence to err. */
  int (*prepare)(void **inst, const ap_rule_ctx *c, char *err,
                 size_t err_size);
  void (*release)(void *inst);
  /* Bring every weight up to time c->t (rules that update lazily). */
  void (*flush)(ap_rule_ctx *c);
  /* ABI 1.2 (test `size`; each may be NULL) */
  /* The spikes of the presynaptic population in step c->step
   * (population indices, ascending; mult[k] spikes for pre[k], mult NULL
   * for one each), possibly in several calls, before that step's
   * on_step. */
  void (*on_spikes)(ap_rule_ctx *c, const uint32_t *pre,
                    const uint32_t *mult, size_t n);
  /* A phase begins or ends (see ap_phase_event).  Beginnings go to the
   * rules in the order their projections were made, ends in the reverse
   * order, so that rules nearer the output can leave credit for the
   * layers below them. */
  void (*on_phase)(ap_rule_ctx *c, const ap_phase_event *e);
  /* ABI 1.3: what on-chip learning the rule needs (AP_CHIP_RULE_*; 0:
   * none, the rule runs only where learning is software). */
  unsigned chip_learning;
  /* ABI 1.5: AP_RULE_* properties (0: none). */
  unsigned flags;
} ap_rule_desc;

/* on_spikes and on_step read and write only the instance prepare() made
 * and the context's scalars: no weights, synapse or post variables, no
 * neuron state.  The host may then call them while a backend delivers
 * spikes and updates neurons (see ap_net.concurrent_callbacks). */
#define AP_RULE_LOCAL_CALLBACKS 0x1u

/* The rule changes a synapse from traces of its own pre- and
 * postsynaptic spikes, its weight, its own variables and modulator levels
 * only: the sum-of-products form of learning engines such as Loihi's. */
#define AP_CHIP_RULE_LOCAL_TRACES 0x1u

/* -------------------------------------------------------------- backends */

/* The network as a backend sees it.  Populations and projections are
 * fixed for the life of the backend instance (a network that grows
 * between runs gets a new instance). */
typedef struct ap_net_pop {
  const char *model;            /* neuron plugin name */
  const ap_neuron_desc *desc;
  size_t n;
  uint64_t gid0;
  uint32_t stream;
  ap_real *const *param;
  ap_real *const *state;
  const ap_list *lists;
} ap_net_pop;

/* Packed synapses: when a projection's `delay` array is NULL, each
 * target word holds the delay in steps in its top AP_PACK_DELAY_BITS bits
 * and the post index below; with the weight that is 8 bytes a synapse.
 * The host packs a projection whose delays fit and whose post population
 * has fewer than 2^AP_PACK_TARGET_BITS neurons. */
#define AP_PACK_TARGET_BITS 24
#define AP_PACK_TARGET_MASK ((1u << AP_PACK_TARGET_BITS) - 1u)
#define AP_PACK_DELAY_BITS 8

/* Synapses of a projection in compressed rows by presynaptic neuron
 * (population index of the pre population), targets and weights in
 * parallel arrays.  Within a row, synapses are ordered by target. */
typedef struct ap_net_proj {
  size_t pre, post;             /* population indices */
  unsigned port;                /* index into the post model's ports */
  const size_t *row;            /* n_pre + 1 offsets */
  const uint32_t *target;       /* post population index (packed with the
                                   delay when `delay` is NULL, see above) */
  const ap_weight *weight;
  const uint16_t *delay;        /* in steps, >= 1; NULL when packed */
  size_t n_syn;
  const ap_synapse_desc *syn;
  const ap_real *syn_param;
  ap_real *const *syn_state;
} ap_net_proj;

/* What ABI 1.1 adds to a projection (parallel to ap_net.projs). */
typedef struct ap_net_proj_ext {
  uint32_t stream;              /* the projection's random stream */
  double p_release;             /* probability that a spike crosses a
                                   synapse (1: always), drawn per synapse
                                   and step from (seed, stream, synapse,
                                   step) */
  const ap_rule_desc *rule;     /* learning rule, or NULL */
  const char *rule_name;
  ap_rule_ctx rule_ctx;         /* filled by the host: param, states,
                                   weight, target, inst, n_syn, ...; a
                                   backend copies it per thread and sets
                                   t, step and modulators */
  ap_weight *weight;            /* writable alias of the projection's
                                   weights (for rules) */
} ap_net_proj_ext;

typedef struct ap_net {
  size_t size;                  /* sizeof(ap_net) */
  double dt;                    /* ms */
  uint64_t seed;
  unsigned min_delay, max_delay; /* steps */
  size_t n_pops;
  const ap_net_pop *pops;
  size_t n_projs;
  const ap_net_proj *projs;
  const ap_host *host;
  void *ctx;                    /* host context for the callbacks below */
  /* The backend reports the spikes of each population at each step
   * (population indices, ascending; a population's spikes may come in
   * several calls, in ascending order), then calls step_done(). */
  void (*spikes)(void *ctx, size_t pop, int64_t step, const uint32_t *idx,
                 const uint32_t *mult, size_t n); /* mult may be NULL */
  void (*step_done)(void *ctx, int64_t step);
  /* ABI 1.1 (test `size`) */
  const struct ap_net_proj_ext *proj_ext; /* n_projs entries */
  /* Lesions: silenced[i] is NULL or 1 byte per neuron of population i,
   * nonzero for a silenced neuron, whose spikes the backend drops.  The
   * host changes them only between run() calls. */
  const unsigned char *const *silenced;
  /* ABI 1.2 */
  /* The step at which the current integration window opened, or -1 (see
   * ap_phase_event); the host changes it only between run() calls.  A
   * backend passes step - *window_start (or -1) to neurons as
   * window_step. */
  const int64_t *window_start;
  /* ABI 1.5 */
  /* Nonzero while spikes() and step_done() read only the spike lists
   * they are given and the host's own data (no neuron state, weights or
   * synapse state, and they call no rule that touches them; see
   * AP_RULE_LOCAL_CALLBACKS).  A backend may then call them for step s
   * while it delivers step s and updates step s + 1, in one call at a
   * time and in step order as always.  The host changes it only between
   * run() calls. */
  const int *concurrent_callbacks;
} ap_net;

/* ABI 1.3: a backend's report.  Keys are dotted paths ("energy.total",
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

typedef struct ap_backend_desc {
  size_t size;
  const ap_param_desc *params;  /* backend settings (--set key=value) */
  unsigned n_params;
  /* settings[k] for numeric settings, strings[k] for AP_PT_STRING ones. */
  int (*create)(void **inst, const ap_net *net, const ap_real *settings,
                const char *const *strings, char *err, size_t err_size);
  /* Simulate steps [step, step + n).  Return AP_OK or a status with a
   * message in err. */
  int (*run)(void *inst, int64_t step, int64_t n, char *err, size_t err_size);
  /* Make the host-visible state arrays current (for recording, snapshots,
   * Lua reads).  NULL when the backend computes in the host's arrays. */
  int (*sync)(void *inst);
  /* Called after the host changed parameters or state between runs. */
  int (*reload)(void *inst, char *err, size_t err_size);
  /* Bytes of memory held for synapses (reported per synapse). */
  size_t (*synapse_bytes)(void *inst);
  void (*destroy)(void *inst);
  /* Optional (test `size` before use; NULL allowed).  Input in flight:
   * the summed weights that arrive on `port` of population `pop` at the
   * end of `step`, for steps from the next one to run up to max_delay
   * beyond it.  get copies the population's n values out, add adds n
   * values in.  With them the host carries spikes in flight across a
   * rebuild of the backend (when the network grows between runs) and
   * takes snapshots.  A backend without them cannot grow a network after
   * its first run. */
  int (*pending_get)(void *inst, size_t pop, unsigned port, int64_t step,
                     double *out);
  int (*pending_add)(void *inst, size_t pop, unsigned port, int64_t step,
                     const double *in);
  /* Optional (test `size`; NULL allowed): synaptic events delivered so
   * far (a spike of multiplicity m through r synapses counts m * r).  When
   * the backend counts them, the host need not look at every spike. */
  uint64_t (*events)(void *inst);
  /* ABI 1.3 (test `size`; NULL allowed): what the backend has to say
   * about the run so far (a chip backend: mapping, quantisation, energy).
   * The items and text stay valid until the next call or destroy(). */
  int (*report)(void *inst, struct ap_report *out);
} ap_backend_desc;

/* Whether a descriptor of size d->size has the (appended) field f. */
#define AP_HAS_FIELD(d, type, f)                                            \
  ((d)->size >= offsetof(type, f) + sizeof(((type *)0)->f))

/* ----------------------------------------------------- the entry point */

typedef struct ap_plugin_desc {
  size_t size;                  /* sizeof(ap_plugin_desc) */
  int kind;                     /* ap_kind */
  const char *name;             /* unique across all kinds */
  const char *version;          /* the plugin's own version */
  const char *doc;              /* one line */
  const char *doc_long;         /* equations and references (may be NULL) */
  const void *desc;             /* ap_neuron_desc, ap_synapse_desc, ... */
} ap_plugin_desc;

typedef struct ap_plugin_table {
  uint32_t magic;               /* AP_PLUGIN_MAGIC */
  uint16_t abi_major, abi_minor;
  uint16_t sizeof_real, sizeof_weight;
  size_t size;                  /* sizeof(ap_plugin_table) */
  size_t n;                     /* descriptors in `plugins` */
  const ap_plugin_desc *plugins;
} ap_plugin_table;

#define AP_PLUGIN_MAGIC 0x4150434cu /* "APCL" */

/* Fill the header fields of a plugin table. */
#define AP_PLUGIN_TABLE_INIT(list)                                         \
  { AP_PLUGIN_MAGIC, AP_ABI_MAJOR, AP_ABI_MINOR, sizeof(ap_real),          \
    sizeof(ap_weight), sizeof(ap_plugin_table),                            \
    sizeof(list) / sizeof((list)[0]), (list) }

typedef const ap_plugin_table *(*ap_plugin_entry_fn)(void);

/* Define the entry point of a plugin that carries the descriptors `list`. */
#define AP_PLUGIN(list)                                                    \
  static const ap_plugin_table ap_plugin_table_ = AP_PLUGIN_TABLE_INIT(list); \
  AP_PLUGIN_EXPORT const ap_plugin_table *ap_plugin_entry(void);           \
  AP_PLUGIN_EXPORT const ap_plugin_table *ap_plugin_entry(void) {          \
    return &ap_plugin_table_;                                              \
  }

#endif /* APICAL_PLUGIN_H */
