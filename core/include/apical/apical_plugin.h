/*
 * apical_plugin.h -- the whole plugin ABI of apical in one include: the
 * part every plugin uses (plugin.h) and the headers of each kind
 * (neuron.h, lower.h, synapse.h, rule.h, backend.h).  A plugin may include
 * only the header of its kind.
 */
#ifndef APICAL_PLUGIN_H
#define APICAL_PLUGIN_H

#include "backend.h"
#include "lower.h"
#include "neuron.h"
#include "plugin.h"
#include "rule.h"
#include "synapse.h"

#endif /* APICAL_PLUGIN_H */
