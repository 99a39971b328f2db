/* conform_report.c -- the report of `apical check-plugin`: one line per
 * check ("PASS KIND NAME: CHECK: DETAIL") and the counts by status.  The
 * other conform files call it; it calls none of them. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "base/strutil.h"
#include "tools/conform_int.h"

void cf_say(cf_report *r, int status, const char *check, const char *fmt,
            ...) {
  static const char *const word[3] = {"PASS", "FAIL", "SKIP"};
  char detail[3072];
  va_list ap;
  va_start(ap, fmt);
  ap_vfmt(detail, sizeof detail, fmt, ap);
  va_end(ap);
  /* One line per check: plugin messages may span lines (a backend
   * listing what it cannot run). */
  for (char *c = detail; *c; c++)
    if (*c == '\n' || *c == '\r') *c = ' ';
  if (r->kind)
    fprintf(r->out, "%s %s %s: %s: %s\n", word[status], r->kind, r->name,
            check, detail);
  else
    fprintf(r->out, "%s %s: %s\n", word[status], check, detail);
  r->count[status]++;
}

/* A value as the report writes it: NaN without the sign glibc may print,
 * so that a line is the same whatever bits the NaN has. */
const char *cf_num(char *buf, size_t n, double x) {
  if (isnan(x))
    ap_fmt(buf, n, "NaN");
  else
    ap_fmt(buf, n, "%.9g", x);
  return buf;
}

const char *cf_plural(unsigned long long n) { return n == 1 ? "" : "s"; }
