/* phase.c -- phases: named spans of a run with an integration window,
 * whose ends the learning rules see. */
#include "net/sim_int.h"

/* The index (1-based) of a phase name, added at its first use. */
static int phase_index(ap_sim *sim, const char *name, unsigned *out) {
  for (size_t i = 0; i < sim->n_phase_names; i++)
    if (!strcmp(sim->phase_names[i], name)) {
      *out = (unsigned)i + 1;
      return AP_OK;
    }
  char **nn = realloc(sim->phase_names,
                      (sim->n_phase_names + 1) * sizeof *nn);
  if (!nn) return sim_fail(sim, AP_ENOMEM, "out of memory");
  sim->phase_names = nn;
  if (!(nn[sim->n_phase_names] = ap_strdup(name)))
    return sim_fail(sim, AP_ENOMEM, "out of memory");
  *out = (unsigned)++sim->n_phase_names;
  return AP_OK;
}

int ap_sim_phase_begin(ap_sim *sim, const char *name, int64_t steps,
                       int64_t window_from) {
  if (sim->failed) return sim->failed;
  if (!name || !*name) return sim_fail(sim, AP_EINVAL, "a phase needs a name");
  if (sim->phase.kind)
    return sim_fail(sim, AP_EINVAL, "phase '%s' begins inside phase '%s' (phases "
                "do not nest)", name, sim->phase.name);
  if (steps < 1)
    return sim_fail(sim, AP_EINVAL, "phase '%s' must last at least one step (dt)",
                name);
  if (window_from < 0 || window_from > steps)
    return sim_fail(sim, AP_EINVAL, "phase '%s': its window must open between 0 "
                "and its length, %g ms, got %g ms", name,
                (double)steps * sim->dt, (double)window_from * sim->dt);
  unsigned idx = 0;
  int rc = phase_index(sim, name, &idx);
  if (rc) return rc;
  /* Start (or rebuild) the backend so that the rules are prepared. */
  if ((rc = sim_advance(sim, 0))) return rc;
  ap_phase_event *e = &sim->phase;
  e->size = sizeof *e;
  e->kind = AP_PHASE_BEGIN;
  e->name = sim->phase_names[idx - 1];
  e->index = idx;
  e->first_step = sim->step;
  e->steps = steps;
  e->window_first = sim->step + window_from;
  e->window_steps = steps - window_from;
  for (size_t i = 0; i < sim->n_pops; i++)
    memset(sim->credit[i].sum, 0, sim->pops[i].n * sizeof *sim->credit[i].sum);
  sim_backend_sync(sim); /* on_phase reads the neurons */
  for (size_t j = 0; j < sim->n_projs; j++)
    if (sim->projs[j].rule) ap_plastic_phase(sim->projs[j].rule, e);
  return AP_OK;
}

int ap_sim_phase_end(ap_sim *sim) {
  ap_phase_event *e = &sim->phase;
  if (!e->kind) return sim_fail(sim, AP_EINVAL, "no phase is under way");
  int rc = sim->failed;
  if (!rc && sim->step != e->first_step + e->steps)
    rc = sim_fail(sim, AP_EINVAL, "phase '%s' ends at t = %g ms, not at t = %g "
              "ms", e->name, (double)(e->first_step + e->steps) * sim->dt,
              (double)sim->step * sim->dt);
  sim->window_start = -1;
  if (!rc) {
    e->kind = AP_PHASE_END;
    sim_backend_sync(sim);
    /* the layer above first; several processes sum each rule's credit
     * before the next rule reads it */
    for (size_t j = sim->n_projs; j-- > 0 && !rc;)
      if (sim->projs[j].rule) {
        ap_plastic_phase(sim->projs[j].rule, e);
        rc = sim_share_credit(sim);
      }
    sim_refresh_mirrors(sim);
    /* on_phase may have changed parameters or state (a learned bias). */
    sim->dirty |= AP_CHANGED_PARAMS | AP_CHANGED_STATE | AP_CHANGED_WEIGHTS;
  }
  for (size_t j = 0; j < sim->n_projs; j++)
    if (sim->projs[j].rule) sim->projs[j].rule->ctx.phase = NULL;
  memset(e, 0, sizeof *e);
  return rc;
}

const char *ap_sim_phase_name(const ap_sim *sim) {
  return sim->phase.kind ? sim->phase.name : NULL;
}
