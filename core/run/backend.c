/* backend.c -- the bridge to the backend that owns execution: the view of
 * the network it is given, its start and rebuild, the spikes and step
 * ends it reports, and the run loop. */
#include "net/sim_int.h"

#include <limits.h>

#include "dist/dist.h"

int ap_sim_report(ap_sim *sim, ap_report *out) {
  memset(out, 0, sizeof *out);
  if (!sim->binst || !AP_HAS_FIELD(sim->bd, ap_backend_desc, report) ||
      !sim->bd->report)
    return AP_ENOTSUP;
  char err[512] = "";
  int rc = sim->bd->report(sim->binst, out, err, sizeof err);
  if (rc && rc != AP_ENOTSUP)
    return sim_fail(sim, rc, "backend %s: %s", sim->bp->name,
                    err[0] ? err : "no report");
  return rc;
}

/* ------------------------------------------------------ backend callbacks */

/* Spikes (with multiplicities) of the ascending list idx inside r. */
static uint64_t count_in(const uint32_t *idx, const uint32_t *mult, size_t n,
                         ap_ref r) {
  uint64_t c = 0;
  for (size_t k = 0; k < n; k++)
    if (idx[k] >= r.first && idx[k] - r.first < r.count)
      c += mult ? mult[k] : 1;
  return c;
}

/* The window step of `step` (see ap_neuron_block.window_step). */
static int64_t window_step(const ap_sim *sim, int64_t step) {
  return sim->window_start >= 0 && step >= sim->window_start
             ? step - sim->window_start
             : -1;
}

/* A weight recorder's sample in a run of several processes: each process
 * gives the chosen synapses it holds. */
static void record_shared(ap_sim *sim, const proj *pr, rec *r) {
  size_t held = 0;
  for (size_t k = 0; k < r->n_syn; k++) held += r->lsyn[k] != SIZE_MAX;
  uint64_t *pos = malloc((held ? held : 1) * sizeof *pos);
  double *val = malloc((held ? held : 1) * sizeof *val);
  if (!pos || !val) ap_dist_fail("out of memory recording weights", 1);
  size_t h = 0;
  for (size_t k = 0; k < r->n_syn; k++)
    if (r->lsyn[k] != SIZE_MAX) {
      pos[h] = k;
      val[h++] = pr->weight[r->lsyn[k]];
    }
  ap_dist_enter(AP_DIST_OP_RECORD, 0);
  if (ap_dist_gather_placed(pos, val, held, sizeof *val, r->buf, r->n_syn))
    ap_dist_fail("out of memory recording weights", 1);
  free(pos);
  free(val);
}

static void on_spikes(void *ctx, size_t pi, int64_t step, const uint32_t *idx,
                      const uint32_t *mult, size_t n) {
  ap_sim *sim = ctx;
  pop *p = &sim->pops[pi];
  uint64_t spikes = 0, events = 0;
  if (!mult) {
    spikes = n;
  } else {
    for (size_t k = 0; k < n; k++) spikes += mult[k];
  }
  if (!sim_backend_counts_events(sim))
    for (size_t k = 0; k < n; k++)
      events += (mult ? mult[k] : 1) * p->outdeg[idx[k]];
  sim->stats.spikes += spikes;
  sim->stats.events += events;
  if (sim->npops[pi].spikes_local) { /* the others count their own */
    sim->spikes_home += spikes;
    return;
  }
  /* Rules that watch their presynaptic population's spikes. */
  for (size_t j = 0; j < sim->n_projs; j++) {
    proj *pr = &sim->projs[j];
    if (pr->rule && pr->pre.pop == pi)
      ap_plastic_spikes(pr->rule, step, window_step(sim, step), idx, mult, n);
  }
  /* Modulators driven by this population, and rate recorders of it: each
   * counts the spikes of its slice. */
  for (size_t i = 0; i < sim->n_drives; i++) {
    const mod_drive *d = &sim->drives[i];
    if (d->pre.pop != pi) continue;
    if (d->each) { /* a weight per neuron, in spike order */
      double sum = 0;
      for (size_t k = 0; k < n; k++)
        if (idx[k] >= d->pre.first && idx[k] - d->pre.first < d->pre.count)
          sum += d->each[idx[k] - d->pre.first] * (mult ? mult[k] : 1);
      sim->mods[d->mod].pending += sum;
      continue;
    }
    uint64_t c = count_in(idx, mult, n, d->pre);
    if (c) sim->mods[d->mod].pending += d->weight * (double)c;
  }
  for (size_t i = 0; i < sim->n_recs; i++)
    if (sim->recs[i].kind == REC_RATE && sim->recs[i].ref.pop == pi)
      sim->recs[i].count += count_in(idx, mult, n, sim->recs[i].ref);
  const uint32_t *list = idx;
  size_t len = n;
  int recorded = 0;
  for (size_t i = 0; i < sim->n_recs && !recorded; i++)
    recorded = sim->recs[i].kind == REC_SPIKES && sim->recs[i].ref.pop == pi;
  if (!recorded) return;
  if (mult && spikes != n) {
    /* Recorders see one entry per spike. */
    if (sim->expand_cap < spikes) {
      uint32_t *e = realloc(sim->expand, spikes * sizeof *e);
      if (!e) {
        sim->failed = sim_fail(sim, AP_ENOMEM, "out of memory recording spikes");
        return;
      }
      sim->expand = e;
      sim->expand_cap = spikes;
    }
    len = 0;
    for (size_t k = 0; k < n; k++)
      for (uint32_t m = 0; m < mult[k]; m++) sim->expand[len++] = idx[k];
    list = sim->expand;
  }
  for (size_t i = 0; i < sim->n_recs; i++) {
    rec *r = &sim->recs[i];
    if (r->kind != REC_SPIKES || r->ref.pop != pi) continue;
    if (ap_rec_spikes(r->r, step, sim->dt, list, len) && !sim->failed)
      sim->failed = sim_fail(sim, AP_EIO, "recording spikes failed (out of memory "
                         "or the streamed file could not be written)");
  }
}

/* Whether on_spikes() and on_step_done() will read only the spike lists
 * and the host's data in the coming run: no recorder of state or weights,
 * and every rule they call declares that it touches only its own state
 * (ap_net.concurrent_callbacks). */
int sim_callbacks_local(const ap_sim *sim) {
  for (size_t i = 0; i < sim->n_recs; i++)
    if (sim->recs[i].kind == REC_STATE || sim->recs[i].kind == REC_WEIGHT)
      return 0;
  for (size_t j = 0; j < sim->n_projs; j++) {
    const ap_plastic *r = sim->projs[j].rule;
    if (!r) continue;
    const ap_rule_desc *d = r->d;
    const int spk = AP_HAS_FIELD(d, ap_rule_desc, on_spikes) && d->on_spikes;
    if (!spk && !d->on_step) continue;
    if (!AP_HAS_FIELD(d, ap_rule_desc, flags) ||
        !(d->flags & AP_RULE_LOCAL_CALLBACKS))
      return 0;
  }
  return 1;
}

/* Whether the host's per-step calls read no neuron state and write
 * nothing an update reads (ap_net.state_free_callbacks), but at the last
 * step of a run() call: state recorders then end the calls at their
 * samples (see the run loop). */
int sim_callbacks_state_free(const ap_sim *sim) {
  for (size_t j = 0; j < sim->n_projs; j++) {
    const ap_plastic *r = sim->projs[j].rule;
    if (!r) continue;
    const ap_rule_desc *d = r->d;
    const unsigned f = AP_HAS_FIELD(d, ap_rule_desc, flags) ? d->flags : 0;
    if (f & AP_RULE_NO_NEURON_STATE) continue;
    const int spk = AP_HAS_FIELD(d, ap_rule_desc, on_spikes) && d->on_spikes;
    if (d->on_pre || d->on_post) return 0;
    if ((spk || d->on_step) && !(f & AP_RULE_LOCAL_CALLBACKS)) return 0;
  }
  return 1;
}

/* End of a step, called by the backend with no worker running: the
 * modulators decay over the step and take this step's releases, the rules
 * see the new levels, then the recorders that are due sample. */
static void on_step_done(void *ctx, int64_t step) {
  ap_sim *sim = ctx;
  for (size_t i = 0; i < sim->n_mods; i++) {
    mod *m = &sim->mods[i];
    sim->levels[i] = m->baseline + (sim->levels[i] - m->baseline) *
                                       exp(-sim->dt / m->tau) + m->pending;
    m->pending = 0;
  }
  for (size_t j = 0; j < sim->n_projs; j++)
    if (sim->projs[j].rule)
      ap_plastic_step(sim->projs[j].rule, step, sim->levels,
                      window_step(sim, step));
  int synced = 0;
  for (size_t i = 0; i < sim->n_recs; i++) {
    rec *r = &sim->recs[i];
    if (r->kind == REC_SPIKES || !ap_rec_due(r->r, step)) continue;
    if (r->kind != REC_STATE) {
      const double *vals = r->buf;
      double rate;
      if (r->kind == REC_WEIGHT) {
        proj *pr = &sim->projs[r->proj];
        if (pr->rule) ap_plastic_flush(pr->rule, (double)(step + 1) * sim->dt);
        if (r->lsyn) /* several processes: each gives those it holds */
          record_shared(sim, pr, r);
        else
          for (size_t k = 0; k < r->n_syn; k++) r->buf[k] = pr->weight[r->syn[k]];
      } else {
        double bin_s = (double)ap_rec_interval(r->r) * sim->dt * 1e-3;
        rate = (double)r->count / ((double)r->ref.count * bin_s);
        r->count = 0;
        vals = &rate;
      }
      if (ap_rec_sample(r->r, step, sim->dt, vals) && !sim->failed)
        sim->failed = sim_fail(sim, AP_EIO, "recording %s failed (out of memory "
                           "or the streamed file could not be written)",
                           ap_rec_var(r->r));
      continue;
    }
    if (!synced && sim->bd->sync) sim_backend_sync_now(sim);
    synced = 1;
    if (ap_rec_sample(r->r, step, sim->dt,
                      sim->pops[r->ref.pop].state[r->var]) &&
        !sim->failed)
      sim->failed = sim_fail(sim, AP_EIO, "recording %s failed (out of memory or "
                         "the streamed file could not be written)",
                         ap_rec_var(r->r));
  }
}

/* ---------------------------------------------------------------- backend */

typedef struct setting_ctx {
  ap_sim *sim;
  int rc;
} setting_ctx;

static int apply_setting(const char *key, const char *value, void *vctx) {
  setting_ctx *c = vctx;
  ap_sim *sim = c->sim;
  const ap_backend_desc *bd = sim->bd;
  int k = ap_param_index(bd->params, bd->n_params, key);
  if (k < 0) {
    ap_fmt(sim->err, sizeof sim->err,
           "unknown setting '%s' for backend %s; its settings:", key,
           sim->bp->name);
    if (bd->n_params == 0) ap_append(sim->err, sizeof sim->err, " none");
    for (unsigned j = 0; j < bd->n_params; j++)
      ap_append(sim->err, sizeof sim->err, "%s %s", j ? "," : "",
                bd->params[j].name);
    ap_append(sim->err, sizeof sim->err,
              " (core settings: backend, threads, seed, dt, plugin_path, "
              "output_dir, fashion_dir, mnist_dir)");
    return c->rc = AP_EINVAL;
  }
  const ap_param_desc *pd = &bd->params[k];
  if (pd->type == AP_PT_STRING) {
    free(sim->bstr[k]);
    sim->bstr[k] = ap_strdup(value);
    return AP_OK;
  }
  char *end;
  errno = 0;
  double v = strtod(value, &end);
  if (end == value || *end || errno) {
    ap_fmt(sim->err, sizeof sim->err,
           "setting '%s' of backend %s must be a number%s%s, got '%s'", key,
           sim->bp->name, strcmp(pd->unit, "1") ? " in " : "",
           strcmp(pd->unit, "1") ? pd->unit : "", value);
    return c->rc = AP_EINVAL;
  }
  if (ap_param_check(pd, sim->bp->name, v, sim->err, sizeof sim->err))
    return c->rc = AP_EINVAL;
  sim->bset[k] = v;
  return AP_OK;
}

static int start_backend(ap_sim *sim) {
  const char *name = sim->set->backend;
  const ap_plugin *bp = ap_registry_find_kind(sim->reg, AP_KIND_BACKEND, name);
  if (!bp) {
    ap_registry_unknown(sim->reg, AP_KIND_BACKEND, name, sim->err,
                        sizeof sim->err);
    return AP_EINVAL;
  }
  if (!sim->locked) {
    int rc = sim_lock_settings(sim);
    if (rc) return rc;
  }
  sim->bp = bp;
  sim->bd = bp->desc->desc;
  const ap_backend_desc *bd = sim->bd;
  if (ap_dist_size() > 1 &&
      !(AP_HAS_FIELD(bd, ap_backend_desc, flags) &&
        (bd->flags & AP_BACKEND_PROCESSES)))
    return sim_fail(sim, AP_ENOTSUP, "backend %s runs on one process: run "
                    "it without mpirun (the cpu backend shares a run "
                    "between processes)", bp->name);
  unsigned nb = bd->n_params ? bd->n_params : 1;
  sim->bset = calloc(nb, sizeof *sim->bset);
  sim->bstr = calloc(nb, sizeof *sim->bstr);
  sim->npops = calloc(sim->n_pops ? sim->n_pops : 1, sizeof *sim->npops);
  sim->nprojs = calloc(sim->n_projs ? sim->n_projs : 1, sizeof *sim->nprojs);
  sim->npop_at = calloc(sim->n_pops ? sim->n_pops : 1, sizeof *sim->npop_at);
  sim->nproj_at =
      calloc(sim->n_projs ? sim->n_projs : 1, sizeof *sim->nproj_at);
  sim->views = calloc(sim->n_pops ? sim->n_pops : 1, sizeof *sim->views);
  sim->credit = calloc(sim->n_pops ? sim->n_pops : 1, sizeof *sim->credit);
  if (!sim->bset || !sim->bstr || !sim->npops || !sim->nprojs ||
      !sim->npop_at || !sim->nproj_at || !sim->views || !sim->credit)
    return sim_fail(sim, AP_ENOMEM, "out of memory");
  sim->n_credit = sim->n_pops;
  for (size_t i = 0; i < sim->n_pops; i++) {
    const pop *p = &sim->pops[i];
    ap_pop_view *v = &sim->views[i];
    v->size = sizeof *v;
    v->n = p->n;
    v->model = p->plugin->name;
    v->params = p->d->params;
    v->n_params = p->d->n_params;
    v->vars = p->d->vars;
    v->n_vars = p->d->n_vars;
    v->param = p->param;
    v->state = p->state;
    sim->credit[i].n = p->n;
    sim->credit[i].logging = ap_dist_size() > 1; /* summed in rank order */
    sim->credit[i].sum = calloc(p->n ? p->n : 1, sizeof *sim->credit[i].sum);
    if (!sim->credit[i].sum) return sim_fail(sim, AP_ENOMEM, "out of memory");
  }
  for (unsigned k = 0; k < bd->n_params; k++) {
    sim->bset[k] = bd->params[k].def;
    if (bd->params[k].type == AP_PT_STRING && bd->params[k].def_str)
      sim->bstr[k] = ap_strdup(bd->params[k].def_str);
    if (!strcmp(bd->params[k].name, "threads"))
      sim->bset[k] = sim->set->threads;
  }
  setting_ctx sc = {sim, AP_OK};
  ap_settings_each_extra(sim->set, name, apply_setting, &sc);
  if (sc.rc) return sc.rc;

  unsigned min_d = 0, max_d = 1;
  for (size_t i = 0; i < sim->n_pops; i++) {
    pop *p = &sim->pops[i];
    ap_net_pop *q = &sim->npops[i];
    q->size = sizeof *q;
    q->model = p->plugin->name;
    q->desc = p->d;
    q->n = p->n;
    q->gid0 = p->gid0;
    q->stream = p->stream;
    q->param = p->param;
    q->lists = p->lists;
    q->state = p->state;
    q->silenced = p->silenced;
    sim->npop_at[i] = q;
  }
  for (size_t i = 0; i < sim->n_projs; i++) {
    proj *p = &sim->projs[i];
    ap_net_proj *q = &sim->nprojs[i];
    sim->nproj_at[i] = q;
    q->size = sizeof *q;
    q->pre = p->pre.pop;
    q->post = p->post.pop;
    q->port = p->port;
    q->row = p->row;
    q->target = p->target;
    q->weight = p->weight;
    q->delay = p->delay;
    q->n_syn = p->n_syn;
    q->syn = p->syn->desc->desc;
    q->syn_param = p->syn_param;
    q->syn_state = p->syn_state;
    q->stream = AP_STREAM_REL_BASE + (uint32_t)i;
    q->p_release = p->p_release;
    q->row_id = p->row_id;
    if (p->rule) {
      char msg[768];
      ap_rule_ctx *rc_ = &p->rule->ctx;
      rc_->pre = &sim->views[p->pre.pop];
      rc_->post = &sim->views[p->post.pop];
      rc_->pre_credit = &sim->credit[p->pre.pop];
      rc_->post_credit = sim->credit[p->post.pop].sum;
      rc_->window_step = -1;
      rc_->phase = sim->phase.kind ? &sim->phase : NULL;
      rc_->row = p->row;
      rc_->row_id = p->row_id;
      rc_->n_pre = sim->pops[p->pre.pop].n;
      rc_->seed = sim->seed;
      rc_->stream = AP_STREAM_RULE_BASE + (uint32_t)i;
      int rc = ap_plastic_prepare(p->rule, sim_now_ms(sim), msg, sizeof msg);
      if (rc) return sim_fail(sim, rc, "projection %zu: %s", i + 1, msg);
      q->rule = p->rule->d;
      q->rule_name = p->rule->plugin->name;
      q->rule_ctx = &p->rule->ctx;
    }
    for (size_t m = 0; m < p->n_syn; m++) {
      unsigned d = sim_syn_delay(p, m);
      if (!min_d || d < min_d) min_d = d;
      if (d > max_d) max_d = d;
    }
  }
  int drc = sim_decoded_view(sim, &min_d, &max_d);
  if (drc) return drc;
  if (ap_dist_size() > 1) { /* the whole network's, on every process */
    min_d = ap_dist_min_u(min_d ? min_d : UINT_MAX);
    if (min_d == UINT_MAX) min_d = 0;
    max_d = ap_dist_max_u(max_d);
  }
  ap_net *net = &sim->net;
  memset(net, 0, sizeof *net);
  net->size = sizeof *net;
  net->dt = sim->dt;
  net->seed = sim->seed;
  net->min_delay = min_d ? min_d : 1;
  net->max_delay = max_d;
  net->n_pops = sim->n_pops;
  net->pops = (const ap_net_pop *const *)sim->npop_at;
  net->n_projs = sim->n_projs;
  net->projs = (const ap_net_proj *const *)sim->nproj_at;
  net->host = ap_host_services();
  net->ctx = sim;
  net->spikes = on_spikes;
  net->step_done = on_step_done;
  net->window_start = &sim->window_start;
  net->concurrent_callbacks = &sim->concurrent;
  net->state_free_callbacks = &sim->state_free;
  net->n_decoded = sim->n_decs;
  net->decoded = (const ap_net_decoded *const *)sim->ndec_at;
  char err[1024] = "";
  int rc = bd->create(&sim->binst, net, sim->bset,
                      (const char *const *)sim->bstr, err, sizeof err);
  if (rc) {
    sim->binst = NULL;
    return sim_fail(sim, rc, "backend %s: %s", bp->name,
                err[0] ? err : "could not start");
  }
  sim->dirty = 0;
  return AP_OK;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Rebuild the backend for a grown network, carrying over the input in
 * flight to the populations it already had. */
static int rebuild_backend(ap_sim *sim) {
  const ap_backend_desc *bd = sim->bd;
  size_t n_pops = sim->net.n_pops, total = 0;
  unsigned ahead = sim->net.max_delay + 1;
  for (size_t i = 0; i < n_pops; i++)
    total += sim->pops[i].d->n_ports * ahead * sim->pops[i].n;
  double *saved = malloc((total ? total : 1) * sizeof *saved);
  if (!saved) return sim_fail(sim, AP_ENOMEM, "out of memory");
  double *at = saved;
  for (size_t i = 0; i < n_pops; i++)
    for (unsigned k = 0; k < sim->pops[i].d->n_ports; k++)
      for (unsigned a = 0; a < ahead; a++, at += sim->pops[i].n)
        if (bd->pending_get(sim->binst, i, k, sim->step + a, at, sim->err,
                            sizeof sim->err)) {
          free(saved);
          return sim_fail(sim, AP_EPLUGIN, "backend %s: could not hand over the "
                      "spikes in flight", sim->bp->name);
        }
  if (sim_backend_counts_events(sim)) sim->stats.events += bd->events(sim->binst);
  sim_backend_destroy(sim);
  int rc = start_backend(sim);
  at = saved;
  for (size_t i = 0; !rc && i < n_pops; i++)
    for (unsigned k = 0; !rc && k < sim->pops[i].d->n_ports; k++)
      for (unsigned a = 0; !rc && a < ahead; a++, at += sim->pops[i].n)
        if (sim->bd->pending_add(sim->binst, i, k, sim->step + a, at,
                                 sim->err, sizeof sim->err))
          rc = sim_fail(sim, AP_EPLUGIN, "backend %s: could not take over the "
                    "spikes in flight", sim->bp->name);
  free(saved);
  sim->grow = 0;
  return rc;
}

int sim_advance(ap_sim *sim, int64_t steps) {
  if (steps < 0) return sim_fail(sim, AP_EINVAL, "cannot run a negative time");
  if (sim->failed) return sim->failed;
  int rc;
  const ap_phase_event *ph = &sim->phase;
  if (ph->kind && steps) {
    /* Within a phase: not past its end, and split where the window
     * opens, which the backend learns between run() calls. */
    if (sim->step + steps > ph->first_step + ph->steps)
      return sim_fail(sim, AP_EINVAL, "phase '%s' ends at t = %g ms: running "
                  "to t = %g ms would overrun it", ph->name,
                  (double)(ph->first_step + ph->steps) * sim->dt,
                  (double)(sim->step + steps) * sim->dt);
    if (sim->step < ph->window_first && sim->step + steps > ph->window_first) {
      int64_t before = ph->window_first - sim->step;
      if ((rc = sim_advance(sim, before))) return rc;
      return sim_advance(sim, steps - before);
    }
    sim->window_start =
        ph->window_steps && sim->step >= ph->window_first ? ph->window_first
                                                           : -1;
  }
  if (!sim->binst) {
    if ((rc = start_backend(sim))) return rc;
  } else if (sim->grow) {
    if ((rc = rebuild_backend(sim))) return sim->failed = rc;
  } else if (sim->dirty && sim->bd->reload) {
    /* the changes are in the host's arrays (synced before they were
     * made, see backend_sync) */
    char err[1024] = "";
    if ((rc = sim->bd->reload(sim->binst, (unsigned)sim->dirty, err,
                              sizeof err)))
      return sim_fail(sim, rc, "backend %s: %s", sim->bp->name, err);
    sim->dirty = 0;
  }
  sim->concurrent = sim_callbacks_local(sim);
  sim->state_free = sim_callbacks_state_free(sim);
  sim_share_spikes_local(sim);
  double t0 = now_s();
  /* Modulated parameters change once per min-delay interval, so then the
   * backend runs one interval at a time; otherwise in chunks of many
   * intervals (a call costs a threaded backend a hand-over to its pool
   * and a barrier), short enough for progress reports. */
  int64_t chunk = sim->net.min_delay;
  if (!sim->n_modulations && chunk > 0)
    chunk *= (1024 + chunk - 1) / chunk;
  while (steps > 0) {
    /* Spikes sent in one min-delay interval arrive in a later one, so a
     * backend may exchange them once per interval (within a call). */
    int64_t n = steps < chunk ? steps : chunk;
    if (sim->state_free && ap_dist_size() > 1) /* end at the next sample */
      for (size_t i = 0; i < sim->n_recs; i++)
        if (sim->recs[i].kind == REC_STATE) {
          const int64_t iv = ap_rec_interval(sim->recs[i].r);
          const int64_t due = (sim->step + iv) / iv * iv - 1; /* >= step */
          if (due - sim->step + 1 < n) n = due - sim->step + 1;
        }
    char err[1024] = "";
    int changed = sim->n_modulations && sim_apply_modulations(sim);
    if (changed) sim_backend_sync(sim); /* the state, for reload() */
    if (changed && sim->bd->reload &&
        (rc = sim->bd->reload(sim->binst, AP_CHANGED_PARAMS, err,
                              sizeof err))) {
      sim->stats.wall_s += now_s() - t0;
      return sim->failed = sim_fail(sim, rc, "backend %s: %s", sim->bp->name, err);
    }
    rc = sim->bd->run(sim->binst, sim->step, n, err, sizeof err);
    if (rc) {
      sim->stats.wall_s += now_s() - t0;
      return sim->failed = sim_fail(sim, rc, "backend %s: %s", sim->bp->name, err);
    }
    sim->step += n;
    steps -= n;
    if (sim->failed) break;
    if (sim->progress) sim->progress(sim->progress_ctx, sim->step);
  }
  sim->stats.wall_s += now_s() - t0;
  double t = (double)sim->step * sim->dt;
  for (size_t i = 0; i < sim->n_recs; i++)
    ap_rec_set_span(sim->recs[i].r, sim->recs[i].t_start, t);
  return sim->failed;
}
