/* nm.h -- the parts of the neuromorphic backend and what they share.
 *
 *   chip.c         reads a chip profile (chips/NAME.cfg)
 *   lowering.c     turns populations and projections into the chip's
 *                  integers, and refuses what the chip cannot run
 *   mapping.c      places neurons on cores and chips, builds the routes
 *   neuromorphic.c the backend: ticks in integer arithmetic, counters,
 *                  the report
 *   state.c        the chip's state for checkpoints (save, load)
 *   fixed.h        the integer arithmetic itself */
#ifndef AP_NM_H
#define AP_NM_H
#include <stddef.h>
#include <stdint.h>

#include "apical_plugin.h"
#include "chip.h"

typedef struct nm_pop {
  int form;                     /* ap_lower_form */
  void *inst;                   /* what prepare() made (sources) */
  size_t n;
  double scale;                 /* chip units per mV of v */
  unsigned n_ports;
  int port_kind[AP_LOWER_MAX_PORTS];
  unsigned n_currents;          /* distinct current decays: compartments */
  ap_lowered *low;              /* per neuron, as the model declared it */
  /* integer state and constants, per neuron */
  int64_t *v, *ref;
  int64_t *u[AP_LOWER_MAX_PORTS];
  int64_t *keep_v, *bias, *vth, *ref_steps;
  int noisy;                    /* some neuron has noise */
  int uniform;                  /* every neuron has the constants of
                                   neuron 0 (decays, bias, threshold,
                                   refractory steps, noise) */
  double *noise_sd;             /* per neuron, chip units (gaussian) */
  int64_t *noise_shift;         /* per neuron, uniform draws << shift */
  int64_t *keep_u[AP_LOWER_MAX_PORTS];
  int64_t *acc[AP_LOWER_MAX_PORTS]; /* ring: slots x n input sums */
  uint32_t *spk, *mult;         /* this tick's (or step's) spikes */
  size_t n_spk;
  int has_mult;
  /* where it runs */
  uint32_t *core;               /* per neuron: global core index */
  size_t core0, n_cores;        /* its cores are [core0, core0 + n_cores) */
  size_t per_core;              /* at most this many neurons per core (0:
                                   no limit beyond the core's resources) */
  /* what each spike of neuron i costs in routing (see mapping.c) */
  uint32_t *dest;               /* destination cores */
  uint32_t *far;                /* of them on another chip */
  uint32_t *away;               /* of them not the neuron's own core */
  double *route_j, *route_s;    /* energy (J) and time (s) per spike */
  /* quantisation report */
  double th_err_max, bias_err_max, tau_m_err_max, tau_s_err_max;
  double noise_err_max;         /* relative error of the noise's sd */
} nm_pop;

typedef struct nm_proj {
  int32_t *w;                   /* chip weight per synapse (chip units) */
  uint16_t *off;                /* ring offset in ticks per synapse */
  uint32_t *tgt;                /* post index per synapse */
  int exp;                      /* shared weight exponent */
  unsigned mag_bits;            /* magnitude bits used */
  double unit;                  /* chip units per mantissa step */
  int plastic;
  int step_weights;             /* the rule writes weights in on_step */
  const ap_rule_desc *rule;
  ap_rule_ctx rc;
  size_t *col_off, *col;        /* on_post: synapses into each post */
  /* quantisation report */
  double w_rms, w_max, w_ref;   /* rms and max error, rms of weights */
  size_t w_zeroed;              /* nonzero weights that became 0 */
  double d_mean, d_max;         /* delay error, ms */
  int distinct;                 /* distinct chip weights (axon types) */
} nm_proj;

/* A decoded connection from a host signal (the NEF's node inputs): the
 * host's values, filtered here, enter the post neurons' port as chip
 * units each step (see neuromorphic.c). */
typedef struct nm_dec {
  const ap_net_decoded *x;
  double keep;                  /* exp(-dt / tau) per host step */
  unsigned delay_ticks;
} nm_dec;

typedef struct nm {
  const ap_net *net;
  nm_dec *decs;
  size_t n_decs;
  unsigned min_slots;           /* the rings span at least this many ticks */
  nm_chip chip;
  unsigned k;                   /* host steps per tick */
  double tick;                  /* ms */
  unsigned slots;               /* ring length in ticks */
  nm_pop *pops;
  nm_proj *projs;
  size_t n_cores, n_chips;
  double *core_busy;            /* per core: seconds of work this tick */
  uint32_t *core_comp;          /* per core: compartments used */
  uint64_t *core_syn;           /* per core: synapses held */
  uint32_t *core_in;            /* per core: input axons used */
  uint32_t *core_out;           /* per core: output routes used */
  /* counters */
  uint64_t synops, upd_active, upd_inactive, spikes, injected, learn;
  uint64_t routed, crossings_core, crossings_chip, ticks;
  double e_route, chip_time;
  /* report storage */
  ap_report_item *items;
  size_t n_items, cap_items;
  char *text;
  char **strs;
  size_t n_strs;
  /* refusals collected while lowering and mapping */
  char *why;
  size_t why_len, why_n;
} nm;

/* Add a refusal line (printf-style). */
void nm_refuse(nm *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "population 2 (lif_psc_exp)" / "projection 3 (population 1 -> 2, port
 * ex)" into buf. */
const char *nm_pop_name(const nm *m, size_t i, char *buf, size_t n);
const char *nm_proj_name(const nm *m, size_t j, char *buf, size_t n);

/* lowering.c: the chip form of every population and projection, or
 * refusals (nm_refuse).  -1 when out of memory. */
int nm_lower_pops(nm *m, char *err, size_t err_size);
int nm_lower_projs(nm *m);
/* The input rings, as long as the network's longest delay in ticks.
 * -1 when out of memory. */
int nm_alloc_rings(nm *m);
/* Quantise synapses [a, b) of projection j from the host's weights. */
void nm_quantise(nm *m, size_t j, size_t a, size_t b, int stochastic,
                 int64_t tick);
/* The host's state into the chip's (after create and reload), and back
 * (sync). */
void nm_state_in(nm *m);
void nm_state_out(nm *m);

/* mapping.c: cores and chips, routes; refusals for what does not fit.
 * -1 when out of memory. */
int nm_map(nm *m);

/* state.c: the backend's save and load hooks (see backend.h). */
int nm_save(void *vm, const ap_stream *out, char *err, size_t err_size);
int nm_load(void *vm, const ap_stream *in, char *err, size_t err_size);
#endif
