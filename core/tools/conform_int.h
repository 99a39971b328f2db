/* conform_int.h -- what the files of the conformance checker share:
 * the report (conform_report.c) and the runs of each kind
 * (conform_run.c, conform_rule.c), which conform.c dispatches to. */
#ifndef AP_CONFORM_INT_H
#define AP_CONFORM_INT_H
#include <stddef.h>
#include <stdio.h>

#include "apical/apical_plugin.h"

enum { CF_PASS = 0, CF_FAIL = 1, CF_SKIP = 2 };

/* The report under way: the descriptor being checked (kind NULL for the
 * file as a whole) and the count of lines by status. */
typedef struct cf_report {
  FILE *out;
  const char *kind;
  const char *name;
  unsigned count[3];
} cf_report;

/* conform_report.c: one line: "PASS KIND NAME: CHECK: DETAIL" (newlines in the detail
 * become blanks). */
void cf_say(cf_report *r, int status, const char *check, const char *fmt,
            ...) __attribute__((format(printf, 4, 5)));
/* x as "%.9g", NaN as "NaN"; returns buf. */
const char *cf_num(char *buf, size_t n, double x);
/* "s" unless n is 1. */
const char *cf_plural(unsigned long long n);

/* Neuron models a rule or backend run may use, the file's own first. */
typedef struct cf_models {
  const ap_plugin_desc **d;
  size_t n;
} cf_models;

/* The runs of each kind (conform_run.c). */
void cf_check_neuron(cf_report *r, const ap_plugin_desc *pd);
void cf_check_synapse(cf_report *r, const ap_plugin_desc *pd);
void cf_check_rule(cf_report *r, const ap_plugin_desc *pd,
                   const cf_models *m);
void cf_check_backend(cf_report *r, const ap_plugin_desc *pd,
                      const cf_models *m);
#endif
