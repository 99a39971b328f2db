/* host.h -- the service table the host hands to plugins. */
#ifndef AP_HOST_H
#define AP_HOST_H
#include "apical/apical_plugin.h"

/* The credit of one population's neurons (see rule.h): sum[i] for
 * neuron i of n. */
struct ap_credit {
  double *sum;
  size_t n;
};

/* The process-wide, immutable host service table. */
const ap_host *ap_host_services(void);
/* Verbosity of the log service: AP_LOG_* (default AP_LOG_WARN). */
void ap_host_set_log_level(int level);
#endif
