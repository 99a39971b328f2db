/* help.h -- `apical help TOPIC`: the reference pages of the program,
 * the same sections as its manual page (docs/apical.1). */
#ifndef AP_HELP_H
#define AP_HELP_H
#include <stdio.h>

/* Print the page of `topic` to out, or with topic NULL the list of
 * topics.  Returns 0, or 1 after a message on stderr naming the closest
 * topic when there is no such page. */
int ap_help(FILE *out, const char *topic);
#endif
