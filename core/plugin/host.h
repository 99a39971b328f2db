/* host.h -- the service table the host hands to plugins. */
#ifndef AP_HOST_H
#define AP_HOST_H
#include "apical/apical_plugin.h"

/* The credit of one population's neurons (see rule.h): sum[i] for
 * neuron i of n. */
struct ap_credit {
  double *sum;
  size_t n;
  /* A run of several processes (logging set): each
   * call's terms are kept, as (neuron, count, terms...) in doubles, and
   * summed with the other processes' segments of the same rows by the
   * host (net/share.c, sim_share_credit). */
  int logging;
  double *log;
  size_t log_n, log_cap;
};

/* The process-wide, immutable host service table. */
const ap_host *ap_host_services(void);
/* Verbosity of the log service: AP_LOG_* (default AP_LOG_WARN). */
void ap_host_set_log_level(int level);
#endif
