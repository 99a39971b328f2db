/* host.c -- the service table handed to plugins. */
#include "plugin/host.h"

#include <stdarg.h>
#include <stdio.h>

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

static const ap_host host = {
    sizeof(ap_host), AP_ABI_MAJOR,   AP_ABI_MINOR,   host_log,
    ap_rng_init,     ap_rng_u32,     ap_rng_uniform, ap_rng_normal,
    ap_rng_poisson,
};

const ap_host *ap_host_services(void) { return &host; }
