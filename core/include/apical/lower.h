/*
 * lower.h -- the chip form of a neuron model (part of the plugin ABI; see
 * plugin.h): what a model's lower() hook fills so that a neuromorphic
 * backend can run it, and what such a backend reads.
 */
#ifndef APICAL_LOWER_H
#define APICAL_LOWER_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How a neuron model runs on a neuromorphic chip: the
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

#ifdef __cplusplus
}
#endif
#endif /* APICAL_LOWER_H */
