/* chip.h -- a chip profile: what one neuromorphic chip can hold and do,
 * and what each operation costs.  Profiles are libconfig files
 * (chips/NAME.cfg); docs/neuromorphic.md lists every key. */
#ifndef AP_NM_CHIP_H
#define AP_NM_CHIP_H
#include <stddef.h>

enum { NM_NOISE_NONE = 0,      /* no random numbers for neurons */
       NM_NOISE_UNIFORM = 1,   /* uniform integers of noise_bits bits, shifted
                                  (Loihi's noise into v) */
       NM_NOISE_GAUSSIAN = 2 };/* normal draws in software (SpiNNaker) */

enum { NM_LEARN_NONE = 0,   /* no on-chip learning */
       NM_LEARN_TRACES = 1, /* a learning engine for local trace rules */
       NM_LEARN_SOFTWARE = 2 }; /* rules run as software on the cores */

typedef struct nm_chip {
  char name[64];
  char path[4096];
  char doc[512];
  /* structure */
  double tick_ms;          /* 0: one tick per step of the run's dt */
  long cores_per_chip;
  long cores_per_tile;     /* cores sharing a router */
  long mesh_x;             /* tiles per row of a chip's mesh */
  long compartments_per_core;
  long fanin_per_core;     /* distinct presynaptic neurons (input axons) */
  long fanout_per_core;    /* (neuron, destination core) routes */
  long fanout_per_neuron;  /* destination cores of one neuron */
  long synapse_bits_per_core;
  long synapse_bits;       /* bits one synapse takes */
  long max_delay;          /* ticks */
  int learning;            /* NM_LEARN_* */
  /* neuron arithmetic */
  int currents;            /* distinct synaptic current decays a neuron may
                              have; 0: none */
  int compartment_per_current; /* each decay takes a compartment (Loihi) */
  int voltage_decay;       /* 0: v only leaks linearly (bias) */
  unsigned decay_bits;
  int decay_round;         /* NM_ROUND_* */
  int current_offset;      /* added to the current's decay constant */
  unsigned u_bits, v_bits;
  int u_overflow, v_overflow; /* NM_OVF_* */
  unsigned threshold_bits, threshold_shift;
  unsigned bias_bits;      /* signed mantissa bits, sign included */
  int bias_exp_max;
  unsigned weight_bits;    /* magnitude bits */
  int weight_exp_min, weight_exp_max;
  unsigned activation_shift;
  int mixed_sign_loses_bit;
  int weight_types;        /* distinct weights per neuron; 0: any */
  double v_headroom;       /* threshold at 1/headroom of the v range */
  double v_scale;          /* fixed units per mV; 0: chosen per population */
  int spike_strict;        /* spike when v > threshold (else >=) */
  int noise;               /* NM_NOISE_* */
  unsigned noise_bits;
  /* energy per operation, J */
  double e_synop, e_active, e_inactive, e_learn, e_spike, e_hop_x, e_hop_y;
  /* time per operation, s (tick_ms > 0: the tick sets the pace) */
  double t_synop, t_active, t_inactive, t_learn, t_spike, t_hop_x, t_hop_y,
      t_barrier;
} nm_chip;

/* Find the profile `name` (a name looked up as NAME.cfg in `search`, a
 * ':'-separated list, then $APICAL_CHIP_PATH, the source tree and the
 * installed chips folder; or a path ending in .cfg) and read it.  Returns
 * 0, or -1 with a sentence in err naming the file and line at fault, or
 * the profiles that exist. */
int nm_chip_load(nm_chip *c, const char *name, const char *search, char *err,
                 size_t err_size);
#endif
