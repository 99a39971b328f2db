/* schedule.c -- the scheduler: callbacks at given steps or every so many
 * steps, called between steps in the order they were made, and the run
 * that stops for them (ap_sim_run_steps) and the phase around such a run
 * (ap_sim_phase).  The Lua bindings' ap.at, ap.every, ap.run and ap.phase
 * are these; a program that embeds libapical schedules its own C
 * functions the same way. */
#include "net/sim_int.h"

static int add_callback(ap_sim *sim, int64_t next, int64_t period,
                        ap_sim_callback fn, void *ctx) {
  if (!fn) return sim_fail(sim, AP_EINVAL, "a callback needs a function");
  if (sim->n_cbs == sim->cap_cbs) {
    size_t cap = sim->cap_cbs ? 2 * sim->cap_cbs : 8;
    sim_cb *c = realloc(sim->cbs, cap * sizeof *c);
    if (!c) return sim_fail(sim, AP_ENOMEM, "out of memory");
    sim->cbs = c;
    sim->cap_cbs = cap;
  }
  sim->cbs[sim->n_cbs++] = (sim_cb){next, period, fn, ctx, 0};
  return AP_OK;
}

int ap_sim_at_step(ap_sim *sim, int64_t step, ap_sim_callback fn,
                   void *ctx) {
  if (step < sim->step)
    return sim_fail(sim, AP_EINVAL, "a callback at t = %g ms is in the past "
                    "(now %g ms)", (double)step * ap_sim_dt(sim),
                    (double)sim->step * ap_sim_dt(sim));
  return add_callback(sim, step, 0, fn, ctx);
}

int ap_sim_every_steps(ap_sim *sim, int64_t period, ap_sim_callback fn,
                       void *ctx) {
  if (period < 1)
    return sim_fail(sim, AP_EINVAL, "a callback's period must be at least "
                    "one step (dt)");
  return add_callback(sim, sim->step + period, period, fn, ctx);
}

int ap_sim_in_callback(const ap_sim *sim) { return sim->in_callback > 0; }

/* The steps from `now` to `end`, stopping for the callbacks due on the
 * way and for snapshots (run/checkpoint.c). */
static int run_loop(ap_sim *sim, int64_t now, int64_t end) {
  for (;;) {
    int64_t next = end;
    for (size_t i = 0; i < sim->n_cbs; i++)
      if (!sim->cbs[i].done && sim->cbs[i].next < next)
        next = sim->cbs[i].next;
    const int64_t snap = sim_snap_next(sim, now);
    if (snap < next) next = snap;
    if (next > now) {
      int rc = sim_advance(sim, next - now);
      if (rc) return rc;
      now = next;
    }
    /* Callbacks due now, in the order they were made (one made by a
     * callback is seen from the next step on, or now if it is due now
     * and comes later in the list). */
    for (size_t i = 0; i < sim->n_cbs; i++) {
      sim_cb *c = &sim->cbs[i];
      if (c->done || c->next != now) continue;
      if (c->period) c->next += c->period;
      else c->done = 1;
      ap_sim_callback fn = c->fn;
      void *ctx = c->ctx;
      sim->in_callback++;
      int rc = fn(sim, now, ctx);
      sim->in_callback--;
      if (rc) return rc;
    }
    /* then a snapshot that falls due, or the stop a signal asked for */
    int rc = sim_snap_due(sim, now);
    if (rc) return rc;
    if (now >= end) break;
  }
  return AP_OK;
}

/* A run call of kind SIM_CALL_* from now to end. */
static int run_call(ap_sim *sim, int64_t end, int kind) {
  const int64_t first = sim->call_kind ? sim->call_first : sim->step;
  if (!sim->call_kind) {
    sim->call_kind = kind;
    sim->call_first = first;
    sim->call_end = end;
  }
  int rc = run_loop(sim, sim->step, end);
  if (sim->call_kind == kind && sim->call_first == first)
    sim->call_kind = SIM_CALL_NONE;
  return rc;
}

int ap_sim_run_steps(ap_sim *sim, int64_t steps) {
  if (sim->in_callback)
    return sim_fail(sim, AP_ESTATE, "a callback cannot run the simulation; "
                    "it runs between steps of the run that called it");
  if (steps < 0) return sim_fail(sim, AP_EINVAL, "cannot run a negative time");
  const int64_t end = sim->step + steps;
  if (sim->resume) {
    int rc = sim_resume_call(sim, steps, SIM_CALL_RUN);
    if (rc) return rc == SIM_SKIPPED ? AP_OK : rc;
  }
  if (steps == 0 && !sim->n_cbs && !sim->snap_path) return sim_advance(sim, 0);
  return run_call(sim, end, SIM_CALL_RUN);
}

int ap_sim_phase(ap_sim *sim, const char *name, int64_t steps,
                 int64_t window_from) {
  if (sim->in_callback)
    return sim_fail(sim, AP_ESTATE, "a callback cannot run a phase; it runs "
                    "between steps of the run that called it");
  const int64_t first = sim->step, end = first + steps;
  int rc, inside = 0;
  if (sim->resume) {
    /* replayed: skipped, or restored (inside the phase, or at its start) */
    if ((rc = sim_resume_call(sim, steps, SIM_CALL_PHASE)))
      return rc == SIM_SKIPPED ? AP_OK : rc;
    inside = sim->phase.kind != 0;
  }
  if (!inside && (rc = ap_sim_phase_begin(sim, name, steps, window_from)))
    return rc;
  sim->call_kind = SIM_CALL_PHASE;
  sim->call_first = first;
  sim->call_end = end;
  rc = run_call(sim, end, SIM_CALL_PHASE);
  sim->call_kind = SIM_CALL_NONE;
  if (rc) {
    /* Cut short (a callback stopped it, or the run failed): closed
     * without its end, so that a cut phase teaches nothing. */
    char keep[sizeof sim->err];
    memcpy(keep, sim->err, sizeof keep);
    ap_sim_phase_end(sim);
    memcpy(sim->err, keep, sizeof keep);
    return rc;
  }
  return ap_sim_phase_end(sim);
}
