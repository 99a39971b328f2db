/*
 * apical.h -- the public C API of libapical.
 *
 * A simulation (ap_sim) holds populations of neurons, projections between
 * them and recorders, built from plugins found in a registry and driven by
 * settings.  Calls return AP_OK or an ap_status; the message for the last
 * failure is ap_sim_error().  Indices are 0-based here; the Lua API adds 1.
 * Times are in ms.
 *
 * Under mpirun (a build with MPI) every process holds its share of the
 * network; the calls that build it, run it or read or write the whole
 * (connecting, running, phases, ap_proj_pairs, ap_proj_weights,
 * ap_proj_delays, ap_proj_save, reading neuron state after a run,
 * ap_sim_stats) are collective: every process makes them, in the same
 * order, with the same arguments, and each gets the whole network's
 * values.  Processes that do not are stopped with a message.
 */
#ifndef APICAL_H
#define APICAL_H

#include <stddef.h>
#include <stdint.h>

#include "apical_plugin.h"
#include "apical_version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define AP_API __attribute__((visibility("default")))
#else
#define AP_API
#endif

typedef struct ap_sim ap_sim;
typedef struct ap_registry ap_registry;
typedef struct ap_settings ap_settings;
typedef struct ap_recorder ap_recorder;

/* ------------------------------------------------------------- embedding */

/* A program that embeds apical makes a registry of plugins and settings,
 * then a simulation on them:
 *
 *   ap_registry *reg = ap_registry_new();
 *   ap_registry_scan_default(reg, NULL);     // the installed plugins
 *   ap_settings *set = ap_settings_new();     // dt 0.1 ms, seed 12345, cpu
 *   ap_settings_set(set, "dt", "0.1", AP_SRC_CLI, err, sizeof err);
 *   ap_sim *sim = ap_sim_new(reg, set);
 *   ... ap_sim_population, ap_sim_connect, ap_sim_record, ap_sim_run_steps
 *   ap_sim_free(sim); ap_settings_delete(set); ap_registry_free(reg);
 *
 * Link with `pkg-config --libs apical`. */

/* Levels of a setting, lowest to highest: a setting made at a level lower
 * than the one that last set it is ignored. */
typedef enum ap_source {
  AP_SRC_DEFAULT = 0,
  AP_SRC_CONFIG = 1, /* a configuration file */
  AP_SRC_SCRIPT = 2, /* the experiment (ap.setup) */
  AP_SRC_CLI = 3     /* the command line, or the embedding program */
} ap_source;

/* An empty registry; NULL on allocation failure. */
AP_API ap_registry *ap_registry_new(void);
/* Unloads every plugin: no simulation made on it may be used after. */
AP_API void ap_registry_free(ap_registry *reg);
/* Load every plugin file under `dir`; returns how many plugins it added.
 * Files that fail are recorded (ap_registry_reject), never fatal. */
AP_API size_t ap_registry_scan_dir(ap_registry *reg, const char *dir);
/* The standard search: $APICAL_PLUGIN_PATH, then `config_path` (a
 * ':'-separated list, may be NULL), then the installed plugin folder. */
AP_API void ap_registry_scan_default(ap_registry *reg,
                                     const char *config_path);
/* Plugins loaded, and files refused with the reason ("PATH: reason"). */
AP_API size_t ap_registry_count(const ap_registry *reg);
AP_API size_t ap_registry_n_rejects(const ap_registry *reg);
AP_API const char *ap_registry_reject(const ap_registry *reg, size_t i);

/* Settings at their defaults; NULL on allocation failure. */
AP_API ap_settings *ap_settings_new(void);
AP_API void ap_settings_delete(ap_settings *s);
/* Set one key (backend, threads, seed, dt, plugin_path, output_dir,
 * fashion_dir, mnist_dir; other keys go to the backend) from text at a
 * level.  Returns 0, or -1 with a message naming the key in err. */
AP_API int ap_settings_set(ap_settings *s, const char *key,
                           const char *value, int source, char *err,
                           size_t n);
/* Read a libconfig file ("FILE:LINE: message" in err on failure). */
AP_API int ap_settings_load(ap_settings *s, const char *path, char *err,
                            size_t n);

/* ---------------------------------------------------------------- values */

/* A value for a parameter, initial state, weight or delay: a scalar, one
 * value per element (array), or a distribution, optionally clipped
 * (clamped) to [lo, hi]. */
typedef enum ap_value_kind {
  AP_VAL_SCALAR = 0,
  AP_VAL_ARRAY = 1,
  AP_VAL_UNIFORM = 2,   /* a = low, b = high */
  AP_VAL_NORMAL = 3,    /* a = mean, b = standard deviation */
  AP_VAL_LOGNORMAL = 4  /* a = mu, b = sigma of the underlying normal */
} ap_value_kind;

typedef struct ap_value {
  int kind;
  double a, b;
  int clipped;
  double lo, hi;
  const double *array; /* AP_VAL_ARRAY: borrowed, n entries */
  size_t n;
} ap_value;

/* -------------------------------------------------------------- network */

/* A population or a slice of one: neurons [first, first + count). */
typedef struct ap_ref {
  size_t pop;
  size_t first, count;
} ap_ref;

typedef enum ap_conn_rule {
  AP_CONN_ALL_TO_ALL = 0,
  AP_CONN_ONE_TO_ONE = 1,
  AP_CONN_FIXED_PROBABILITY = 2, /* p */
  AP_CONN_FIXED_INDEGREE = 3,    /* k = indegree */
  AP_CONN_FIXED_OUTDEGREE = 4,   /* k = outdegree */
  AP_CONN_FIXED_TOTAL_NUMBER = 5,/* k = N */
  AP_CONN_LIST = 6               /* pre[i] -> post[i], slice-relative */
} ap_conn_rule;

typedef struct ap_conn_spec {
  int rule;
  double p;
  uint64_t k;
  int allow_autapses;  /* default 1, as NEST */
  int allow_multapses; /* default 1, as NEST */
  const uint32_t *pre, *post; /* AP_CONN_LIST, 0-based within the slices */
  size_t n_list;
} ap_conn_spec;

typedef struct ap_syn_spec {
  ap_value weight;          /* in the port's unit (pA, nS or mV) */
  ap_value delay;           /* ms, rounded to the dt grid, >= dt */
  const char *port;         /* NULL: the sign of the weight picks it */
  const char *synapse;      /* synapse model, NULL for "static" */
  const char *const *keys;  /* synapse model parameters */
  const double *values;
  size_t n_keys;
  const char *rule;         /* learning rule, NULL for none */
  const char *const *rule_keys; /* its parameters */
  const double *rule_values;
  size_t n_rule_keys;
  const size_t *modulators; /* modulators the rule reads, as it orders them */
  size_t n_modulators;
  int has_p_release;        /* 0: every spike crosses every synapse */
  double p_release;         /* probability that it does, in [0, 1] */
} ap_syn_spec;

/* Run statistics. */
typedef struct ap_stats {
  double t_ms;          /* biological time simulated */
  double wall_s;        /* wall time spent in runs */
  uint64_t spikes;      /* spikes emitted */
  uint64_t events;      /* synaptic events delivered */
  uint64_t synapses;
  double synapse_bytes; /* backend memory per synapse, 0 when unknown */
} ap_stats;

/* ------------------------------------------------------------------ API */

AP_API const char *ap_version(void);

/* A new simulation using the plugins of `reg` and the settings `s`; both
 * are borrowed and must outlive it.  NULL on allocation failure. */
AP_API ap_sim *ap_sim_new(ap_registry *reg, ap_settings *s);
AP_API void ap_sim_free(ap_sim *sim);
/* Message of the last failure (never NULL). */
AP_API const char *ap_sim_error(const ap_sim *sim);
/* Settings in force; change them with ap_settings_set() before the first
 * population is created (dt, seed) or the first run (backend). */
AP_API ap_settings *ap_sim_settings(ap_sim *sim);

/* Create a population of `n` neurons of a neuron model.  Parameters and
 * states start at their defaults. */
AP_API int ap_sim_population(ap_sim *sim, const char *model, size_t n,
                             size_t *out);
/* The same, with values for the model's structure parameters
 * (AP_PARAM_STRUCTURE: they shape the population and are fixed from
 * then on); other keys are ignored here (set them with ap_pop_set). */
AP_API int ap_sim_population_with(ap_sim *sim, const char *model, size_t n,
                                  const char *const *keys,
                                  const double *values, size_t n_keys,
                                  size_t *out);
AP_API size_t ap_sim_n_pops(const ap_sim *sim);
AP_API size_t ap_pop_size(const ap_sim *sim, size_t pop);
AP_API const char *ap_pop_model(const ap_sim *sim, size_t pop);
/* Set a parameter or a state variable of the neurons of `r`. */
AP_API int ap_pop_set(ap_sim *sim, ap_ref r, const char *name,
                      const ap_value *v);
/* Put every state variable of the neurons of `r` back to its initial
 * value (its default, or the parameter it starts at), as before the first
 * run; parameters and spikes already sent are left alone. */
AP_API int ap_pop_reset(ap_sim *sim, ap_ref r);
/* Set a list parameter: neuron first+i gets values[off[i]..off[i+1]). */
AP_API int ap_pop_set_list(ap_sim *sim, ap_ref r, const char *name,
                           const double *values, const size_t *off);
/* Read a parameter or state variable into out[0..r.count). */
AP_API int ap_pop_get(ap_sim *sim, ap_ref r, const char *name, double *out);

/* Connect `pre` to `post`.  Returns the projection index in *out. */
AP_API int ap_sim_connect(ap_sim *sim, ap_ref pre, ap_ref post,
                          const ap_conn_spec *c, const ap_syn_spec *s,
                          size_t *out);
AP_API size_t ap_proj_size(const ap_sim *sim, size_t proj);
/* Name of the input port the projection targets, and its synapse model. */
AP_API const char *ap_proj_port(const ap_sim *sim, size_t proj);
AP_API const char *ap_proj_synapse(const ap_sim *sim, size_t proj);
/* Pairs in pairs() order: by presynaptic neuron, then postsynaptic, then
 * creation; indices within the connected slices, 0-based. */
AP_API int ap_proj_pairs(ap_sim *sim, size_t proj, uint32_t *pre,
                         uint32_t *post);
/* Weights in pairs() order (made current first when a rule updates them
 * lazily), and new weights for every synapse, checked against the port. */
AP_API int ap_proj_weights(ap_sim *sim, size_t proj, double *w);
AP_API int ap_proj_set_weights(ap_sim *sim, size_t proj, const double *w);
AP_API int ap_proj_delays(ap_sim *sim, size_t proj, double *d_ms);
/* The learning rule's name, NULL when the weights are static. */
AP_API const char *ap_proj_rule(const ap_sim *sim, size_t proj);
/* Save pre, post (1-based), weight and delay of every synapse to a .csv or
 * .npy file with a provenance sidecar; atomic. */
AP_API int ap_proj_save(ap_sim *sim, size_t proj, const char *path);

/* Decoded connections (the NEF's factored form, see ap_net_decoded in
 * backend.h): the spikes of `pre` (or, with pre = AP_DECODED_SIGNAL, a
 * signal the caller writes) decoded into `dims` values, low-pass filtered
 * with tau_ms, and encoded into port `port` of every neuron of `post`.
 * decoders: n_pre x dims, encoders: n_post x dims (row-major; copied).
 * rate_var: NULL, or the pre model's state variable that holds a rate in
 * Hz (rate neurons).  Runs only on a backend that can (ap_sim_backend_can
 * "decoded"); the others refuse it at the run, saying so. */
typedef struct ap_decoded_spec {
  size_t pre, post;
  const char *rate_var;
  const char *port;         /* NULL: the post model's first port */
  unsigned dims;
  const double *decoders, *encoders;
  double tau_ms;            /* >= 0 (0: no filter) */
  double delay_ms;          /* rounded to the dt grid, >= dt */
} ap_decoded_spec;
AP_API int ap_sim_decoded(ap_sim *sim, const ap_decoded_spec *spec,
                          size_t *out);
AP_API size_t ap_sim_n_decoded(const ap_sim *sim);
/* The signal of a decoded connection from AP_DECODED_SIGNAL (dims values,
 * read for step s once step s - 1 is done: write it in a callback), NULL
 * for another; its filtered value x (dims values, current after a run);
 * and its decoders, to change between runs (learning). */
AP_API double *ap_decoded_signal(ap_sim *sim, size_t dec);
AP_API const double *ap_decoded_value(ap_sim *sim, size_t dec);
AP_API double *ap_decoded_decoders(ap_sim *sim, size_t dec);
AP_API unsigned ap_decoded_dims(const ap_sim *sim, size_t dec);
/* Neurons of the pre population (0 for a signal). */
AP_API size_t ap_decoded_pre_size(const ap_sim *sim, size_t dec);
/* Whether the backend the settings name can run `what`: "decoded" (all
 * decoded connections) or "decoded_signal" (those from a signal). */
AP_API int ap_sim_backend_can(ap_sim *sim, const char *what);

/* Neuromodulators: a concentration that decays to `baseline` with time
 * constant tau_ms, raised by releases (from the API, or by the spikes of a
 * population: each spike of `pre` releases `weight`). */
AP_API int ap_sim_modulator(ap_sim *sim, const char *name, double tau_ms,
                            double baseline, size_t *out);
AP_API size_t ap_sim_n_mods(const ap_sim *sim);
AP_API const char *ap_mod_name(const ap_sim *sim, size_t mod);
AP_API double ap_mod_level(const ap_sim *sim, size_t mod);
AP_API int ap_mod_release(ap_sim *sim, size_t mod, double amount);
AP_API int ap_mod_connect(ap_sim *sim, ap_ref pre, size_t mod, double weight);
/* The same with a weight per neuron of `pre` (weights[i] for neuron
 * pre.first + i; copied): a decoded signal as a level (the NEF's error
 * for PES). */
AP_API int ap_mod_connect_each(ap_sim *sim, ap_ref pre, size_t mod,
                               const double *weights);
/* Scale parameter `param` of the neurons of r by the modulator: at every
 * min-delay interval, p = p0 (1 + gain (level - baseline)), p0 being the
 * value set before (or later through ap_pop_set). */
AP_API int ap_pop_modulate(ap_sim *sim, ap_ref r, const char *param,
                           size_t mod, double gain);
/* Silence neurons (their spikes are dropped from then on): idx within r,
 * or a fraction of r chosen at random (keyed by the seed). */
AP_API int ap_pop_lesion(ap_sim *sim, ap_ref r, const uint32_t *idx,
                         size_t n);
AP_API int ap_pop_lesion_fraction(ap_sim *sim, ap_ref r, double fraction,
                                  size_t *n_silenced);
AP_API size_t ap_pop_n_silenced(const ap_sim *sim, size_t pop);

/* Record "spikes" or a state variable of `r` every interval_ms (states
 * only).  `file` (may be NULL) streams the data to that file. */
AP_API int ap_sim_record(ap_sim *sim, ap_ref r, const char *what,
                         double interval_ms, const char *file, size_t *out);
AP_API ap_recorder *ap_sim_recorder(ap_sim *sim, size_t rec);
/* What a recorder holds so far.  Spikes: count, times (ms) and senders
 * (1-based within the recorded slice).  States: count of samples, their
 * times, and the values row-major, count x width. */
AP_API size_t ap_rec_count(const ap_recorder *r);
AP_API const double *ap_rec_times(const ap_recorder *r);
AP_API const uint32_t *ap_rec_senders(const ap_recorder *r);
AP_API const double *ap_rec_values(const ap_recorder *r);
AP_API size_t ap_rec_width(const ap_recorder *r); /* recorded neurons */
AP_API const char *ap_rec_var(const ap_recorder *r); /* "V_m"; NULL: spikes */
/* Record the weights of synapses syn[0..n) (pairs() order, 0-based) of a
 * projection every interval_ms. */
AP_API int ap_sim_record_weights(ap_sim *sim, size_t proj, const size_t *syn,
                                 size_t n, double interval_ms,
                                 const char *file, size_t *out);
/* Record the mean rate (Hz) of the neurons of r in bins of bin_ms. */
AP_API int ap_sim_record_rate(ap_sim *sim, ap_ref r, double bin_ms,
                              const char *file, size_t *out);
/* Save a recorder to a file (.csv/.npy) with its provenance sidecar. */
AP_API int ap_sim_save(ap_sim *sim, size_t rec, const char *path);
/* Script path recorded in provenance sidecars. */
AP_API void ap_sim_set_script(ap_sim *sim, const char *path);

/* Run a named phase of `steps` steps (see ap_phase_event in
 * apical_plugin.h), callbacks included: rules hear of its beginning, its
 * integration window opens `window_from` steps in and stays open to its
 * end, then rules hear of its end (in reverse projection order) and
 * mirrors are refreshed.  A phase cut short by a callback's status or a
 * failure is closed without its end (rules learn nothing from it). */
AP_API int ap_sim_phase(ap_sim *sim, const char *name, int64_t steps,
                        int64_t window_from);
/* The same in two calls, for a caller that runs the phase's steps itself
 * (ap_sim_run_steps refuses to run past the phase's end). */
AP_API int ap_sim_phase_begin(ap_sim *sim, const char *name, int64_t steps,
                              int64_t window_from);
AP_API int ap_sim_phase_end(ap_sim *sim);
/* The phase under way, NULL outside one. */
AP_API const char *ap_sim_phase_name(const ap_sim *sim);
/* Make projection dst's weights follow projection src's, transposed
 * (dst runs the other way): copied now and after every phase. */
AP_API int ap_proj_mirror(ap_sim *sim, size_t dst, size_t src);
/* A learning rule's per-postsynaptic-neuron variable: *n values into out
 * (out may be NULL to ask for n). */
AP_API int ap_proj_rule_var(ap_sim *sim, size_t proj, const char *name,
                            double *out, size_t *n);
/* Set it: one value per postsynaptic neuron (between runs). */
AP_API int ap_proj_set_rule_var(ap_sim *sim, size_t proj, const char *name,
                                const double *values);

/* Simulate `steps` steps, calling the callbacks that fall due on the way
 * (below).  The first call starts the backend; later calls continue in
 * time.  Between calls, parameters (lists included), states and recorders
 * may change, and populations and projections may be added where the
 * backend can hand over its spikes in flight (it is then rebuilt); dt,
 * seed and the backend are fixed from the first call. */
AP_API int ap_sim_run_steps(ap_sim *sim, int64_t steps);

/* A step current generator (NEST's step_current_generator): from
 * times_ms[i] on, amps_pA[i] is added to the current parameter `param`
 * (NULL: "I_e"; it must be in pA) of the neurons of r, until the next
 * time; comp (0-based) picks the compartment of a parameter that has one
 * value per compartment, -1 otherwise.  Times are on the dt grid, not in
 * the past and increasing.  The amplitude applies from the step at its
 * time (NEST delivers its generators' current one connection delay
 * later). */
AP_API int ap_sim_step_current(ap_sim *sim, ap_ref r, const char *param,
                               int comp, const double *times_ms,
                               const double *amps_pA, size_t n);

/* ------------------------------------------------------------- scheduler */

/* A function the scheduler calls between steps: `step` is the time it
 * fell due (the steps before it have run).  It may read and change the
 * network (parameters, states, weights, recorders), but not run it
 * (ap_sim_run_steps and ap_sim_phase refuse, AP_ESTATE).  It returns
 * AP_OK, or a status that stops the run: ap_sim_run_steps returns that
 * status, with the message the callback set with ap_sim_set_error. */
typedef int (*ap_sim_callback)(ap_sim *sim, int64_t step, void *ctx);
/* Call fn once, at `step` (not in the past). */
AP_API int ap_sim_at_step(ap_sim *sim, int64_t step, ap_sim_callback fn,
                          void *ctx);
/* Call fn every `period` steps (>= 1), the first time `period` steps from
 * now.  Callbacks due at the same step are called in the order they were
 * made. */
AP_API int ap_sim_every_steps(ap_sim *sim, int64_t period,
                              ap_sim_callback fn, void *ctx);
/* Whether a callback is running. */
AP_API int ap_sim_in_callback(const ap_sim *sim);
/* Set the message of ap_sim_error (for a callback that stops the run);
 * returns code. */
AP_API int ap_sim_set_error(ap_sim *sim, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
AP_API int64_t ap_sim_step(const ap_sim *sim);
/* Start the clock at `step` instead of 0, before the first run: a run
 * resumed from saved weights continues the random draws (keyed by step)
 * where the interrupted one stopped. */
AP_API int ap_sim_start_at(ap_sim *sim, int64_t step);
AP_API double ap_sim_dt(const ap_sim *sim);

/* ------------------------------------------------------------- snapshots
 * (docs/reliability.md).  A snapshot holds everything that evolves in the
 * simulation; one written by a run of any number of processes and
 * threads restores on any other, bit-exactly.  These are collective in a
 * run of several processes. */
/* Write the state now to `path`, atomically. */
AP_API int ap_sim_snapshot(ap_sim *sim, const char *path);
/* Read `path` (refused now, naming the file, when it is not a whole
 * snapshot of this format) and restore it when the program's run calls
 * reach its step: the calls before it are replayed without running (the
 * clock moves on), and the call under way when it was written goes on
 * from its step.  The network is compared with the snapshot's first and
 * refused, naming what differs. */
AP_API int ap_sim_restore(ap_sim *sim, const char *path);
/* Write a snapshot to `path` every `every_ms` of simulated time (0:
 * none; rounded to whole steps; each replaces the last) and, after
 * ap_sim_signal_stop, a final one, after which the run call returns
 * AP_ESTOPPED.  path NULL: neither. */
AP_API int ap_sim_snapshot_every(ap_sim *sim, const char *path,
                                 double every_ms);
/* Ask the runs to stop at their next stopping point (at most 1000 steps
 * away; in a run of several processes, the same step on every one) with
 * a final snapshot.  Async-signal-safe: for a SIGTERM or SIGINT handler. */
AP_API void ap_sim_signal_stop(int sig);
/* Close streamed recorders (renaming their files into place). */
AP_API int ap_sim_finish(ap_sim *sim);
AP_API void ap_sim_stats(const ap_sim *sim, ap_stats *st);
/* The backend's report of the run so far (a chip backend: mapping,
 * quantisation, energy).  AP_ENOTSUP when the backend keeps none or has
 * not started; the report stays valid until the next call or the end. */
AP_API int ap_sim_report(ap_sim *sim, ap_report *out);
/* Called during long runs with the fraction done (for progress lines). */
AP_API void ap_sim_set_progress(ap_sim *sim,
                                void (*fn)(void *ctx, int64_t step),
                                void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* APICAL_H */
