/* tsodyks_markram.c -- short-term depression and facilitation after
 * Tsodyks & Markram (1997) and Tsodyks, Pawelzik & Markram (1998), in the
 * form of NEST's tsodyks2_synapse (Maass & Markram 2002): each synapse
 * scales its stored weight by u x, the release probability times the
 * fraction of resources available, at every presynaptic spike.
 *
 * Between spikes x recovers towards 1 with tau_rec and u decays towards 0
 * with tau_fac; both are solved exactly from the time of the last spike,
 * so the synapse needs no work at all while its neuron is silent.  The
 * state kept is the state just after the last spike (t_last). */
#include <math.h>

#include "apical_plugin.h"

enum { PAR_WEIGHT, PAR_DELAY, PAR_U, PAR_TAU_REC, PAR_TAU_FAC, N_PARAMS };
enum { VAR_U, VAR_X, VAR_T_LAST, N_VARS };

static const ap_param_desc params[N_PARAMS] = {
    /* weight and delay are the host's (see static.c); listed for docs */
    [PAR_WEIGHT] = {"weight", "pA, nS or mV (the port's)",
                    "synaptic weight in the unit of the target port (pA, nS "
                    "or mV): the PSC of a release of all resources (u x = 1)",
                    AP_PT_REAL, 1.0, -INFINITY, INFINITY, 0, NULL},
    [PAR_DELAY] = {"delay", "ms",
                   "transmission delay, rounded to whole steps (at least dt)",
                   AP_PT_REAL, 1.0, 0.0, INFINITY,
                   AP_RANGE_MIN_OPEN | AP_RANGE_MAX_OPEN, NULL},
    [PAR_U] = {"U", "1",
               "release probability at rest, and its increment at each spike",
               AP_PT_REAL, 0.5, 0.0, 1.0, AP_RANGE_MIN_OPEN, NULL},
    [PAR_TAU_REC] = {"tau_rec", "ms",
                     "time constant of the recovery of the resources x",
                     AP_PT_REAL, 800.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN,
                     NULL},
    [PAR_TAU_FAC] = {"tau_fac", "ms",
                     "time constant of facilitation, the decay of u (0: no "
                     "facilitation, u = U at every spike)",
                     AP_PT_REAL, 0.0, 0.0, INFINITY, 0, NULL},
};

/* u starts at U (def_from; the host may store the fixed default instead)
 * and x at 1, but neither is read before the first spike: t_last = -inf
 * makes the time since the last spike infinite, so the first spike finds
 * the synapse fully recovered, u = U and x = 1, whatever they hold. */
static const ap_var_desc vars[N_VARS] = {
    [VAR_U] = {"u", "1", "release probability used at the last spike", 0.5,
               "U", 0, 0},
    [VAR_X] = {"x", "1",
               "fraction of resources available just after the last spike",
               1.0, NULL, 0, 0},
    [VAR_T_LAST] = {"t_last", "ms",
                    "time of the last presynaptic spike (-inf: none yet)",
                    -INFINITY, NULL, 0, AP_VAR_INTERNAL},
};

/* One presynaptic spike at t_spike through every synapse of the row, in
 * the order of NEST's tsodyks2_synapse: with h the time since the
 * synapse's last spike,
 *   x <- 1 + (x - 1) exp(-h/tau_rec)        resources recover
 *   u <- U + u (1 - U) exp(-h/tau_fac)      facilitation decays, then u
 *                                           jumps by U (1 - u)
 *   out = weight u x                        the PSC uses them
 *   x <- x - u x                            the release uses up u x
 * (u keeps the value used.)  The decay factors depend on h only, and the
 * synapses of a row normally share their last spike, so they are
 * computed once per distinct h. */
static void transmit(ap_syn_row *row) {
  const ap_real *par = row->param;
  const double U = par[PAR_U], tau_rec = par[PAR_TAU_REC],
               tau_fac = par[PAR_TAU_FAC], t = row->t_spike;
  ap_real *restrict u = row->state[VAR_U];
  ap_real *restrict x = row->state[VAR_X];
  ap_real *restrict t_last = row->state[VAR_T_LAST];
  const ap_weight *restrict w = row->weight;
  ap_weight *restrict out = row->out;
  double h_seen = NAN, dec_x = 0.0, dec_u = 0.0;
  for (size_t k = 0; k < row->n; k++) {
    const double h = t - t_last[k]; /* +inf before the first spike */
    if (!(h == h_seen)) {
      h_seen = h;
      dec_x = exp(-h / tau_rec);
      /* tau_fac = 0 turns facilitation off (also for h = 0, where the
       * quotient would be NaN) */
      dec_u = tau_fac > 0.0 ? exp(-h / tau_fac) : 0.0;
    }
    const double xs = 1.0 + (x[k] - 1.0) * dec_x;
    const double us = U + u[k] * (1.0 - U) * dec_u;
    out[k] = (ap_weight)((double)w[k] * us * xs);
    x[k] = xs - us * xs;
    u[k] = us;
    t_last[k] = t;
  }
}

static const ap_synapse_desc synapse = {
    .size = sizeof(ap_synapse_desc),
    .params = params,
    .n_params = N_PARAMS,
    .vars = vars,
    .n_vars = N_VARS,
    .transmit = transmit,
};

static const char doc_long[] =
    "tsodyks_markram -- synapse with short-term depression and "
    "facilitation\n"
    "\n"
    "Description\n"
    "  A synapse whose efficacy depends on the recent spikes of its\n"
    "  presynaptic neuron (Tsodyks & Markram 1997; Tsodyks, Pawelzik &\n"
    "  Markram 1998).  A spike releases a fraction u of the resources x\n"
    "  still available, and the synapse delivers weight * u * x to the\n"
    "  target port (pA, nS or mV, whatever the port takes: the model only\n"
    "  scales the weight, so it works with current, conductance and\n"
    "  voltage-jump ports alike).  The resources recover towards 1 with\n"
    "  tau_rec (depression); with tau_fac > 0 each spike also raises u,\n"
    "  which decays back with tau_fac (facilitation).  The model is NEST's\n"
    "  tsodyks2_synapse (Maass & Markram 2002), including its handling of\n"
    "  the first spike (delivered as weight * U, the synapse taken as\n"
    "  fully recovered), with the same parameter names and defaults.\n"
    "\n"
    "Equations\n"
    "  Between spikes:  dx/dt = (1 - x)/tau_rec,   du/dt = -u/tau_fac\n"
    "  At a spike at time t, h = t - t_last (infinite at the first spike):\n"
    "    x <- 1 + (x - 1) exp(-h/tau_rec)\n"
    "    u <- U + u (1 - U) exp(-h/tau_fac)     (u <- U when tau_fac = 0)\n"
    "    delivered weight = weight * u * x\n"
    "    x <- x - u x,  t_last <- t\n"
    "  so for spikes n = 1, 2, ... at intervals h_n (Maass & Markram 2002):\n"
    "    u_1 = U, x_1 = 1,\n"
    "    u_{n+1} = U + u_n (1 - U) exp(-h_n/tau_fac),\n"
    "    x_{n+1} = 1 + (x_n - u_n x_n - 1) exp(-h_n/tau_rec),\n"
    "    PSC_n = weight * u_n * x_n.\n"
    "  The updates are the exact solutions between spikes: no time step\n"
    "  enters, only the spike times.  Spike times are the presynaptic\n"
    "  stamps (end of the step the spike was emitted in); the delay only\n"
    "  postpones delivery.  A neuron that emits several spikes in one step\n"
    "  (a multiplicity, e.g. a poisson neuron) causes one update, and the\n"
    "  host multiplies the delivered weight by the multiplicity.\n"
    "  Delivered weights are rounded to single precision like all weights.\n"
    "\n"
    "Parameters (per projection, as synapse = { \"tsodyks_markram\", ... })\n"
    "  name     unit                       default  meaning\n"
    "  weight   pA, nS or mV (the port's)  1        PSC of a full release\n"
    "                                               (u x = 1); set in the\n"
    "                                               synapse spec\n"
    "  delay    ms                         1        transmission delay (at\n"
    "                                               least dt, rounded to\n"
    "                                               whole steps)\n"
    "  U        1                          0.5      rest value of u and its\n"
    "                                               increment per spike,\n"
    "                                               in (0, 1]\n"
    "  tau_rec  ms                         800      recovery of x (> 0)\n"
    "  tau_fac  ms                         0        decay of u (>= 0; 0: no\n"
    "                                               facilitation)\n"
    "\n"
    "State (per synapse)\n"
    "  u       1   release probability used at the last spike (initially U)\n"
    "  x       1   resources available just after the last spike\n"
    "              (initially 1)\n"
    "  t_last  ms  time of the last spike (internal, initially -inf: none)\n"
    "\n"
    "References\n"
    "  Tsodyks MV, Markram H (1997). The neural code between neocortical\n"
    "    pyramidal neurons depends on neurotransmitter release\n"
    "    probability. PNAS 94:719-723.\n"
    "  Tsodyks M, Pawelzik K, Markram H (1998). Neural networks with\n"
    "    dynamic synapses. Neural Computation 10:821-835.\n"
    "  Maass W, Markram H (2002). Synapses as dynamic memory buffers.\n"
    "    Neural Networks 15:155-161.\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_SYNAPSE,
    .name = "tsodyks_markram",
    .version = "1.0",
    .doc = "synapse with short-term depression and facilitation (Tsodyks & "
           "Markram, as NEST's tsodyks2_synapse)",
    .doc_long = doc_long,
    .desc = &synapse,
}};

AP_PLUGIN(plugins)
