/* describe.h -- human-readable listings for `apical plugins` and
 * `apical describe NAME`, written from the descriptor tables. */
#ifndef AP_DESCRIBE_H
#define AP_DESCRIBE_H
#include <stdio.h>
#include "plugin/loader.h"

/* Every plugin found, grouped by kind, with the file it came from; then
 * the directories searched and any rejected files. */
void ap_describe_list(FILE *out, const ap_registry *reg);
/* Parameters (unit, default, range, doc), state variables, ports,
 * compartments and the long doc of one plugin. */
void ap_describe_plugin(FILE *out, const ap_plugin *p);
#endif
