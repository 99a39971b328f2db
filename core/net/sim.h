/* sim.h -- internal accessors of the simulator for the Lua bindings and
 * the program (not part of the installed API). */
#ifndef AP_SIM_H
#define AP_SIM_H
#include "apical/apical.h"
#include "plugin/loader.h"
#include "run/config.h"

const ap_plugin *ap_sim_pop_plugin(const ap_sim *sim, size_t pop);
struct ap_registry *ap_sim_registry(ap_sim *sim);
size_t ap_sim_n_projs(const ap_sim *sim);
size_t ap_sim_n_recs(const ap_sim *sim);
/* Whether the network is frozen (a run has started). */
int ap_sim_started(const ap_sim *sim);
/* Population and slice a recorder reads, and its population's model. */
ap_ref ap_sim_rec_ref(const ap_sim *sim, size_t rec);
/* Abort streamed recorders (remove their partial files). */
void ap_sim_abort(ap_sim *sim);
#endif
