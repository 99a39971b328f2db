/* conform.h -- `apical check-plugin`: a conformance check that any plugin
 * author can run on a built plugin file.
 *
 * The file goes through the loader first (its validation is the first
 * check); then every descriptor in it is checked by kind: descriptor
 * sanity for all (names, units, one-line docs, defaults, version, a long
 * doc naming every parameter), and runs at the defaults that must stay
 * finite and come out the same twice: a neuron model as a small
 * population with and without random input on its ports (each port must
 * change something), a synapse model's transmit() on a small row, a
 * learning rule on a small all-to-all projection driven by a fixed spike
 * pattern, a backend on a small network.  Random input comes from the
 * host's counter-based generator with a fixed seed, so a report is the
 * same on every machine. */
#ifndef AP_CONFORM_H
#define AP_CONFORM_H
#include <stdio.h>

#include "plugin/loader.h"

/* The sizes of the runs (docs/writing-plugins.md quotes them). */
#define AP_CONFORM_DT 0.1        /* ms */
#define AP_CONFORM_STEPS 10000   /* steps of every neuron and rule run */
#define AP_CONFORM_NEURONS 10    /* neurons of a population */
#define AP_CONFORM_RULE_PRE 8    /* a rule's projection: 8 x 8 all-to-all */
#define AP_CONFORM_RULE_POST 8
#define AP_CONFORM_SYN_ROW 8     /* synapses of a synapse model's row */
#define AP_CONFORM_SYN_SPIKES 2000
#define AP_CONFORM_BACKEND_STEPS 1000

/* Check the plugin file `path` and write the report to `report`: one line
 * per check, "PASS|FAIL|SKIP KIND NAME: CHECK: DETAIL" ("FAIL load: ..."
 * with the loader's message for a refused file), then one summary line.
 * A SKIP is a check that could not be made (said why), never a pass.
 * `models` (may be NULL) lends neuron models to the rule and backend runs
 * beside those of the file itself.  Returns the number of failed checks:
 * 0 when the plugin conforms. */
int ap_check_plugin(const char *path, const ap_registry *models,
                    FILE *report);

/* `apical check-plugin ARG...`: each ARG is a plugin file (a path with a
 * '/' or ending in ".so") or the name of a plugin found in `reg`, whose
 * file is then checked (every plugin in it).  Reports go to `out`, one
 * after another, errors to standard error; `reg` also lends its neuron
 * models.  Returns the exit status: 0 when every file conforms, 1 when
 * one does not or a name is unknown, 2 without arguments. */
int ap_check_plugin_command(const ap_registry *reg, int n, char **args,
                            FILE *out);
#endif
