/* host.c -- the service table handed to plugins. */
#include "plugin/host.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"

static int log_level = AP_LOG_WARN;

void ap_host_set_log_level(int level) { log_level = level; }

static void host_log(int level, const char *plugin, const char *fmt, ...) {
  static const char *const names[] = {"error", "warning", "info", "debug"};
  if (level > log_level || level < 0 || level > AP_LOG_DEBUG) return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "apical: %s: %s: ", plugin ? plugin : "?", names[level]);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* In order, from 0, then into the neuron's sum: with one process, the
 * sums a rule would make itself.  A distributed run sums each process's
 * part here and then across processes, as the host decides. */
static void host_credit_add(ap_credit *to, size_t pre, const double *terms,
                            size_t n) {
  if (!to || pre >= to->n) {
    host_log(AP_LOG_ERROR, NULL, "credit_add: neuron %zu of %zu", pre,
             to ? to->n : 0);
    return;
  }
  if (to->logging) {
    if (to->log_n + n + 2 > to->log_cap) {
      size_t cap = to->log_cap ? to->log_cap : 1024;
      while (cap < to->log_n + n + 2) cap *= 2;
      double *nl = realloc(to->log, cap * sizeof *nl);
      if (!nl) {
        host_log(AP_LOG_ERROR, NULL, "credit_add: out of memory");
        to->logging = -1; /* seen by the host when it sums */
        return;
      }
      to->log = nl;
      to->log_cap = cap;
    }
    to->log[to->log_n++] = (double)pre;
    to->log[to->log_n++] = (double)n;
    memcpy(to->log + to->log_n, terms, n * sizeof *terms);
    to->log_n += n;
    return;
  }
  double acc = 0.0;
  for (size_t k = 0; k < n; k++) acc += terms[k];
  to->sum[pre] += acc;
}

static const ap_host host = {
    sizeof(ap_host), AP_ABI_MAJOR,   AP_ABI_MINOR,   host_log,
    ap_rng_init,     ap_rng_u32,     ap_rng_uniform, ap_rng_normal,
    ap_rng_poisson,  host_credit_add,
};

const ap_host *ap_host_services(void) { return &host; }
