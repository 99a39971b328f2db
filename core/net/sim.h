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
/* Snapshots: a hook that adds the embedding's sections (the Lua state)
 * to a snapshot being written (restoring 0), or reads them back when the
 * state is restored (restoring 1).  0, or -1 with a message in err. */
struct ap_snap;
typedef int (*ap_sim_snap_hook)(void *ctx, struct ap_snap *s, int restoring,
                                char *err, size_t n);
void ap_sim_set_snap_hook(ap_sim *sim, ap_sim_snap_hook fn, void *ctx);
/* While a restore waits for its step: its snapshot (for sections the
 * embedding reads at once), else NULL. */
struct ap_snap *ap_sim_resuming(ap_sim *sim);
/* The program resumes from its own saved position: the clock moves to
 * the start of the run call under way when the snapshot was written (or
 * to its step, written between calls).  AP_OK, or AP_ESTATE when the
 * clock is already past it. */
int ap_sim_resume_here(ap_sim *sim);
/* The signal that stopped the run (0: none). */
int ap_sim_stop_signal(void);
#endif
