/* current.c -- step current generators (NEST's step_current_generator):
 * a current that steps to amplitude_values[i] pA at amplitude_times[i] ms
 * and holds it, added to a current parameter of the neurons of a slice
 * (I_e, or another parameter in pA; for a list parameter with one value
 * per compartment, the value of one compartment).  Each step is a
 * callback of the scheduler (run/schedule.c) at its time: the new
 * amplitude applies from that step on. */
#include "net/sim_int.h"

#include "io/snapshot.h"

typedef struct current {
  ap_ref r;
  int param;    /* index in the model's parameter table */
  int comp;     /* list parameters: the element (compartment), else -1 */
  int64_t *steps;
  double *amps;
  size_t n, next;
  double applied; /* amplitude in force, pA */
} current;

void sim_currents_free(ap_sim *sim) {
  for (size_t i = 0; i < sim->n_currents; i++) {
    current *c = sim->currents[i];
    free(c->steps);
    free(c->amps);
    free(c);
  }
  free(sim->currents);
  sim->currents = NULL;
  sim->n_currents = 0;
}

/* A generator's progress, for snapshots (run/checkpoint.c). */
int sim_current_save(const struct current *c, struct ap_snap *s) {
  return ap_snap_put_u64(s, c->next) || ap_snap_put_f64(s, c->applied);
}

int sim_current_load(struct current *c, struct ap_snap *s) {
  uint64_t next;
  if (ap_snap_get_u64(s, &next) || next > c->n ||
      ap_snap_get_f64(s, &c->applied))
    return -1;
  c->next = (size_t)next;
  return 0;
}

/* The next amplitude of generator ctx, due now. */
static int step_to(ap_sim *sim, int64_t step, void *ctx) {
  current *c = ctx;
  (void)step;
  const double delta = c->amps[c->next] - c->applied;
  c->applied = c->amps[c->next++];
  sim_backend_sync(sim);
  pop *p = &sim->pops[c->r.pop];
  for (size_t i = c->r.first; i < c->r.first + c->r.count; i++) {
    if (c->comp < 0)
      p->param[c->param][i] += delta;
    else
      p->list_val[c->param][p->list_off[c->param][i] + (size_t)c->comp] +=
          delta;
  }
  sim->dirty |= AP_CHANGED_PARAMS;
  return AP_OK;
}

int ap_sim_step_current(ap_sim *sim, ap_ref r, const char *param, int comp,
                        const double *times_ms, const double *amps_pA,
                        size_t n) {
  int rc = sim_check_ref(sim, r);
  if (rc) return rc;
  pop *p = &sim->pops[r.pop];
  const ap_neuron_desc *d = p->d;
  const char *model = p->plugin->name;
  int k = ap_param_index(d->params, d->n_params, param ? param : "I_e");
  if (k < 0)
    return sim_fail(sim, AP_EINVAL, "step current: %s has no parameter '%s' "
                    "(a current in pA; `apical describe %s` lists them)",
                    model, param ? param : "I_e", model);
  const ap_param_desc *pd = &d->params[k];
  if (!pd->unit || strcmp(pd->unit, "pA") != 0)
    return sim_fail(sim, AP_EINVAL, "step current: parameter '%s' of %s is "
                    "in %s, not a current in pA", pd->name, model,
                    pd->unit && *pd->unit ? pd->unit : "no unit");
  const int list = pd->type == AP_PT_LIST;
  if (list && comp < 0)
    return sim_fail(sim, AP_EINVAL, "step current: '%s' of %s has one value "
                    "per compartment: name the compartment", pd->name, model);
  if (!list && comp >= 0)
    return sim_fail(sim, AP_EINVAL, "step current: '%s' of %s has one value "
                    "per neuron, not per compartment", pd->name, model);
  if (list)
    for (size_t i = r.first; i < r.first + r.count; i++) {
      size_t len = p->list_off[k][i + 1] - p->list_off[k][i];
      if ((size_t)comp >= len)
        return sim_fail(sim, AP_EINVAL, "step current: neuron %zu of %s has "
                        "%zu value%s of '%s', none for compartment %d (set "
                        "one per compartment first)", i + 1, model, len,
                        len == 1 ? "" : "s", pd->name, comp + 1);
    }
  if (n == 0)
    return sim_fail(sim, AP_EINVAL, "step current: no amplitude_times");
  const double dt = ap_sim_dt(sim);
  current *c = calloc(1, sizeof *c);
  current **grown = realloc(sim->currents,
                            (sim->n_currents + 1) * sizeof *grown);
  if (grown) sim->currents = grown;
  if (c) {
    c->steps = malloc(n * sizeof *c->steps);
    c->amps = malloc(n * sizeof *c->amps);
  }
  if (!c || !grown || !c->steps || !c->amps) {
    if (c) free(c->steps), free(c->amps);
    free(c);
    return sim_fail(sim, AP_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    const double q = times_ms[i] / dt, s = floor(q + 0.5);
    const char *bad = NULL;
    if (!isfinite(times_ms[i]) || fabs(q - s) > 1e-9 * (q > 1 ? q : 1))
      bad = "is not a multiple of dt";
    else if ((int64_t)s < sim->step)
      bad = "is in the past";
    else if (i > 0 && (int64_t)s <= c->steps[i - 1])
      bad = "does not follow the time before it";
    else if (!isfinite(amps_pA[i]))
      bad = "has an amplitude that is not finite";
    if (bad) {
      free(c->steps);
      free(c->amps);
      free(c);
      return sim_fail(sim, AP_EINVAL, "step current: amplitude_times[%zu] = "
                      "%g ms %s (dt = %g ms, now %g ms)", i + 1, times_ms[i],
                      bad, dt, (double)sim->step * dt);
    }
    c->steps[i] = (int64_t)s;
    c->amps[i] = amps_pA[i];
  }
  c->r = r;
  c->param = k;
  c->comp = list ? comp : -1;
  c->n = n;
  sim->currents[sim->n_currents++] = c;
  for (size_t i = 0; i < n; i++)
    if ((rc = ap_sim_at_step(sim, c->steps[i], step_to, c))) return rc;
  return AP_OK;
}
