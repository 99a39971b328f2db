/* static.c -- the static synapse: fixed weight and delay, no plasticity.
 *
 * Weight, delay and target port are owned by the host for every synapse
 * model, so this descriptor only declares them (for documentation and
 * validation) and has no transmit(): the host delivers stored weights
 * unchanged. */
#include <math.h>

#include "apical_plugin.h"

static const ap_param_desc params[] = {
    {"weight", "pA, nS or mV (the port's)",
     "synaptic weight in the unit of the target port (pA, nS or mV)",
     AP_PT_REAL, 1.0, -INFINITY, INFINITY, 0, NULL},
    {"delay", "ms",
     "transmission delay, rounded to whole steps (at least dt)", AP_PT_REAL,
     1.0, 0.0, INFINITY, AP_RANGE_MIN_OPEN | AP_RANGE_MAX_OPEN, NULL},
};

static const ap_synapse_desc synapse = {
    .size = sizeof(ap_synapse_desc),
    .params = params,
    .n_params = sizeof params / sizeof params[0],
    .vars = NULL,
    .n_vars = 0,
    .transmit = NULL,
};

static const char doc_long[] =
    "static -- synapse with a fixed weight and delay\n"
    "\n"
    "Description\n"
    "  A spike of the presynaptic neuron at time t reaches the target port\n"
    "  of the postsynaptic neuron at t + delay with the synapse's stored\n"
    "  weight, unchanged for the whole run (no plasticity).  Like NEST's\n"
    "  static_synapse.\n"
    "\n"
    "  For every synapse model, weight, delay and the target port are kept\n"
    "  and handled by the host: it stores one weight and one delay per\n"
    "  synapse, rounds delays to whole steps (they must be at least dt),\n"
    "  routes a projection to the port it names or, when none is named, to\n"
    "  the target model's default port for the sign of the weights, and\n"
    "  delivers the sum of the weights arriving at a neuron in a step as\n"
    "  that step's input on the port.  A synapse model only adds its own\n"
    "  parameters, per-synapse state and a transmit() that changes what is\n"
    "  delivered; this one has none of these, so the stored weights are\n"
    "  delivered as they are.\n"
    "\n"
    "Parameters\n"
    "  name    unit                       default  meaning\n"
    "  weight  pA, nS or mV (the port's)  1        weight in the unit of the\n"
    "                                              target port: pA (current),\n"
    "                                              nS (conductance, >= 0) or\n"
    "                                              mV (voltage jump)\n"
    "  delay   ms                         1        transmission delay (>= dt,\n"
    "                                              rounded to whole steps)\n"
    "\n"
    "State\n"
    "  none\n"
    "\n"
    "References\n"
    "  Gewaltig M-O, Diesmann M (2007). NEST (NEural Simulation Tool).\n"
    "    Scholarpedia 2(4):1430.\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_SYNAPSE,
    .name = "static",
    .version = "1.0",
    .doc = "synapse with a fixed weight and delay",
    .doc_long = doc_long,
    .desc = &synapse,
}};

AP_PLUGIN(plugins)
