/* sim_int.h -- the simulator's internal structures, shared by the files
 * that make it (as Lua's lstate.h): net/sim.c (life cycle, accessors),
 * net/population.c (populations, lesions), net/projection.c (projections,
 * mirrors), net/modulator.c, run/record.c (recorders of the network),
 * run/backend.c (the backend bridge and the run loop) and run/phase.c.
 * Nothing outside them includes it. */
#ifndef AP_SIM_INT_H
#define AP_SIM_INT_H

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/rng.h"
#include "base/strutil.h"
#include "io/record.h"
#include "net/connect.h"
#include "net/plastic.h"
#include "net/sim.h"
#include "net/synbuild.h"
#include "net/values.h"
#include "plugin/host.h"

#define ERR_SIZE 2048

typedef struct pop {
  const ap_plugin *plugin;
  const ap_neuron_desc *d;
  size_t n;
  uint64_t gid0;
  uint32_t stream;
  ap_real **param;  /* d->n_params arrays (NULL for list parameters) */
  ap_real **state;  /* d->n_vars arrays */
  ap_list *lists;   /* d->n_params entries, used for list parameters */
  size_t **list_off;
  ap_real **list_val;
  unsigned char *state_set; /* state v set explicitly (no def_from follow) */
  uint64_t *outdeg; /* synapses leaving each neuron, all projections */
  unsigned char *silenced; /* lesioned neurons (NULL: none) */
  size_t n_silenced;
  ap_neuron_desc *shaped; /* d, for a model shaped by structure parameters */
  ap_neuron_shape shape;
} pop;

typedef struct proj {
  ap_ref pre, post;
  unsigned port;
  const ap_plugin *syn;
  ap_real *syn_param;
  ap_real **syn_state;
  size_t *row;
  uint32_t *target;
  ap_weight *weight;
  uint16_t *delay;
  size_t n_syn;     /* held here */
  ap_plastic *rule; /* NULL: static weights */
  double p_release;
  /* A run of several processes: each holds the synapses into its own
   * neurons (net/share.c).  n_all is the whole projection's count;
   * row_id[j] the index in the whole projection (storage order) of the
   * first synapse held here of row j, NULL when the whole is held. */
  size_t n_all;
  size_t *row_id;
  int stays;        /* every synapse is held by its source's process */
} proj;

/* A neuromodulator and what drives it. */
typedef struct mod {
  char *name;
  double tau, baseline;
  double pending; /* released by spikes during the current step */
} mod;

typedef struct mod_drive { /* each spike of `pre` releases `weight` */
  ap_ref pre;
  size_t mod;
  double weight;
  double *each; /* NULL, or a weight per neuron of the slice */
} mod_drive;

typedef struct modulation { /* param = base (1 + gain (level - baseline)) */
  ap_ref r;
  int param;
  size_t mod;
  double gain;
  double *base; /* r.count values */
} modulation;

enum { REC_SPIKES = 0, REC_STATE = 1, REC_WEIGHT = 2, REC_RATE = 3 };

typedef struct rec {
  ap_recorder *r;
  ap_ref ref;
  int var; /* state variable, -1 for spikes (and weight and rate) */
  int kind; /* REC_* */
  double t_start;
  int closed;
  size_t proj;   /* REC_WEIGHT: the projection ... */
  size_t *syn;   /* ... and its chosen synapses (storage order) */
  size_t *lsyn;  /* several processes: where each is held here (or
                    SIZE_MAX), else NULL */
  double *buf;   /* REC_WEIGHT: gathered weights */
  size_t n_syn;
  uint64_t count; /* REC_RATE: spikes in the current bin */
} rec;

/* A projection whose weights follow another's, transposed: dst synapse m
 * takes the weight of src synapse map[m]. */
typedef struct mirror {
  size_t dst, src;
  size_t *map;
} mirror;

/* A decoded connection (net/decoded.c; ap_net_decoded in backend.h). */
typedef struct decoded {
  size_t pre;       /* population, or AP_DECODED_SIGNAL */
  int rate_var;     /* -1: spikes */
  size_t post;
  unsigned port, dims, delay;
  double tau;       /* ms */
  double *decoders; /* n_pre x dims (NULL for a signal) */
  double *encoders; /* n_post x dims */
  double *signal;   /* dims (a signal only) */
  double *x;        /* dims: the filtered value */
} decoded;

/* A restore waiting for the script to reach the snapshot's step
 * (run/checkpoint.c). */
typedef struct sim_resume sim_resume;

/* A callback of the scheduler (run/schedule.c). */
typedef struct sim_cb {
  int64_t next;   /* step at which it falls due next */
  int64_t period; /* steps, 0 for a one-shot */
  ap_sim_callback fn;
  void *ctx;
  int done;
} sim_cb;

struct ap_sim {
  ap_registry *reg;
  ap_settings *set;
  char err[ERR_SIZE];
  int locked; /* dt and seed fixed */
  double dt;
  uint64_t seed;
  pop *pops;
  size_t n_pops;
  uint64_t n_neurons;
  proj *projs;
  size_t n_projs;
  rec *recs;
  size_t n_recs;
  mod *mods;
  double *levels; /* modulator levels, by index */
  size_t n_mods;
  mod_drive *drives;
  size_t n_drives;
  modulation *modulations;
  size_t n_modulations;
  int64_t step;
  uint64_t spikes_home; /* spikes seen of populations that stay local */
  /* backend */
  const ap_plugin *bp;
  const ap_backend_desc *bd;
  void *binst;
  ap_net net;
  ap_net_pop *npops;
  ap_net_proj *nprojs;
  ap_net_pop **npop_at;   /* the pointer arrays of ap_net */
  ap_net_proj **nproj_at;
  ap_real *bset;
  char **bstr;
  int dirty; /* what changed since the backend read it (AP_CHANGED_*) */
  int grow;  /* populations or projections added since it was built */
  int failed;
  /* per-run statistics and helpers */
  ap_stats stats;
  uint32_t *expand; /* spikes with multiplicity, expanded for recorders */
  size_t expand_cap;
  char *script;
  char script_sha[65];
  void (*progress)(void *ctx, int64_t step);
  void *progress_ctx;
  /* phases (ABI 1.2) */
  ap_pop_view *views;    /* per population, for rules */
  ap_credit *credit;     /* per population: the rules' credit */
  size_t n_credit;       /* populations when credit was made */
  int64_t window_start;  /* step the integration window opened, or -1 */
  int concurrent;        /* ap_net.concurrent_callbacks (ABI 1.5) */
  int state_free;        /* ap_net.state_free_callbacks (ABI 2.2) */
  char **phase_names;    /* by index - 1 */
  size_t n_phase_names;
  ap_phase_event phase;  /* the phase under way (kind 0: none) */
  mirror *mirrors;
  size_t n_mirrors;
  /* the scheduler (run/schedule.c) */
  sim_cb *cbs;
  size_t n_cbs, cap_cbs;
  int in_callback;
  /* step current generators (net/current.c) */
  struct current **currents;
  size_t n_currents;
  /* decoded connections (net/decoded.c) and their view for the backend */
  decoded *decs;
  size_t n_decs;
  ap_net_decoded *ndecs;
  ap_net_decoded **ndec_at;
  /* snapshots (run/checkpoint.c) */
  sim_resume *resume;       /* NULL: none pending */
  int64_t call_first, call_end; /* the run call under way (call_kind) */
  int call_kind;            /* SIM_CALL_* */
  char *snap_path;          /* periodic and final snapshots, or NULL */
  double snap_every_ms;     /* 0: only on a signal */
  int64_t snap_last;        /* step of the last one written */
  ap_sim_snap_hook snap_hook;
  void *snap_ctx;
};

enum { SIM_CALL_NONE = 0, SIM_CALL_RUN = 1, SIM_CALL_PHASE = 2 };

/* Shared by the files of the simulator (net/ and run/). */
/* Set the message of ap_sim_error and return code (the public
 * ap_sim_set_error, under the name the core's files use). */
#define sim_fail ap_sim_set_error
void sim_pop_free(pop *p);
void sim_backend_destroy(ap_sim *sim);
/* Bring the host's state arrays up to date from a backend that keeps its
 * own state, before the host reads or changes them. */
void sim_backend_sync(ap_sim *sim);
/* The same, unconditionally (the host's arrays are clean): while a run
 * is active, from its callbacks. */
void sim_backend_sync_now(ap_sim *sim);
/* Whether the backend counts delivered events itself. */
int sim_backend_counts_events(const ap_sim *sim);
/* dt and seed, read from the settings when the first population is made
 * and fixed from then on. */
int sim_lock_settings(ap_sim *sim);
int sim_check_ref(ap_sim *sim, ap_ref r);
/* An index of a public accessor out of range: sets the message (through
 * a const handle too) and returns AP_EINVAL. */
int sim_bad_index(const ap_sim *sim, const char *fn, const char *what,
                  size_t i, size_t n);
/* Whether the network may grow now (between runs, with a backend that can
 * hand over the spikes in flight); marks it for a rebuild. */
int sim_may_grow(ap_sim *sim, const char *what);
uint32_t sim_syn_target(const proj *pr, size_t m);
unsigned sim_syn_delay(const proj *pr, size_t m);
double sim_now_ms(const ap_sim *sim);
void sim_flush_rule(ap_sim *sim, proj *pr);
void sim_provenance(const ap_sim *sim, const rec *r, char *what, size_t n,
                    ap_provenance *pv);
int sim_apply_modulations(ap_sim *sim);
int sim_callbacks_local(const ap_sim *sim);
int sim_callbacks_state_free(const ap_sim *sim);
void sim_currents_free(ap_sim *sim);
/* A step current generator's progress into, and back from, a snapshot's
 * open section: 0, or -1. */
struct ap_snap;
int sim_current_save(const struct current *c, struct ap_snap *s);
int sim_current_load(struct current *c, struct ap_snap *s);
void sim_decoded_free(ap_sim *sim);
/* The backend's view of the decoded connections (run/backend.c, at the
 * start); min and max delay widened to theirs. */
int sim_decoded_view(ap_sim *sim, unsigned *min_d, unsigned *max_d);
/* Advance `steps` steps, starting or rebuilding the backend first (no
 * callbacks: run/schedule.c calls them around it). */
int sim_advance(ap_sim *sim, int64_t steps);
/* Mirrors take their sources' weights. */
void sim_refresh_mirrors(ap_sim *sim);

/* A run of several processes (net/share.c).  Number the rows of a
 * projection just built (pr->row_id) and add its out-degrees to pre's;
 * collective. */
int sim_share_rows(ap_sim *sim, proj *pr, pop *pre, const size_t *row);
/* The whole projection's values (n_all of `elem` bytes, in the order of
 * one process) from each process's (n_syn, held here); collective. */
int sim_share_gather(ap_sim *sim, const proj *pr, const void *local,
                     size_t elem, void *whole);
/* The values held here, from the whole projection's. */
void sim_share_scatter(const ap_sim *sim, const proj *pr, const void *whole,
                       size_t elem, void *local);
/* Where synapse g of the whole projection is held here, or SIZE_MAX. */
size_t sim_share_local(const ap_sim *sim, const proj *pr, size_t g);
/* Sum the credit the rules left (host->credit_add) over the processes,
 * in the order of one process; collective. */
int sim_share_credit(ap_sim *sim);
/* Mark the populations whose spikes no other process needs
 * (ap_net_pop.spikes_local), before each run. */
void sim_share_spikes_local(ap_sim *sim);

/* Snapshots (run/checkpoint.c).  A run call of `steps` (kind SIM_CALL_*)
 * while a restore is pending: SIM_SKIPPED when it lies before the
 * snapshot and is skipped (the clock moves on), 0 when the state is now
 * restored (the call goes on from the snapshot's step to its end), or an
 * error. */
#define SIM_SKIPPED (-1)
int sim_resume_call(ap_sim *sim, int64_t steps, int kind);
/* Between steps of a run call: the next step at which the scheduler must
 * stop for a periodic snapshot or to look for a stop signal (INT64_MAX:
 * none), and what to do there (0, or AP_ESTOPPED after the final
 * snapshot of a signal). */
int64_t sim_snap_next(const ap_sim *sim, int64_t now);
int sim_snap_due(ap_sim *sim, int64_t now);
void sim_resume_free(ap_sim *sim);

#endif
