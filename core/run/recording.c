/* recording.c -- what a run records: spikes, state, weights and rates of
 * the network, into recorders (io/record.c), with their provenance. */
#include "net/sim_int.h"

#include "dist/dist.h"

static void prov_fill(const ap_sim *sim, const char *what,
                      ap_provenance *pv);

void sim_provenance(const ap_sim *sim, const rec *r, char *what, size_t n,
                       ap_provenance *pv) {
  const pop *p = &sim->pops[r->ref.pop];
  if (r->kind == REC_WEIGHT)
    ap_fmt(what, n, "weights of %zu synapses of projection %zu (%s)",
           r->n_syn, r->proj + 1,
           sim->projs[r->proj].rule ? sim->projs[r->proj].rule->plugin->name
                                    : "static");
  else
    ap_fmt(what, n, "%s of population %zu (%s), neurons %zu..%zu",
           r->kind == REC_RATE     ? "mean rate (Hz)"
           : r->kind == REC_SPIKES ? "spikes"
                                   : p->d->vars[r->var].name,
           r->ref.pop + 1, p->plugin->name, r->ref.first + 1,
           r->ref.first + r->ref.count);
  prov_fill(sim, what, pv);
}

static void prov_fill(const ap_sim *sim, const char *what,
                      ap_provenance *pv) {
  pv->version = AP_VERSION;
  pv->seed = sim->locked ? sim->seed : sim->set->seed;
  pv->dt = ap_sim_dt(sim);
  pv->backend = sim->set->backend;
  pv->threads = sim->set->threads;
  pv->script = sim->script;
  pv->script_sha256 = sim->script_sha[0] ? sim->script_sha : NULL;
  pv->what = what;
  pv->unit = NULL;
}

int ap_sim_record(ap_sim *sim, ap_ref r, const char *what, double interval_ms,
                  const char *file, size_t *out) {
  int rc = sim_check_ref(sim, r);
  if (rc) return rc;
  pop *p = &sim->pops[r.pop];
  int var = -1;
  int64_t interval = 1;
  if (strcmp(what, "spikes") != 0) {
    var = ap_var_index(p->d->vars, p->d->n_vars, what);
    if (var < 0) {
      ap_fmt(sim->err, sizeof sim->err,
             "%s has no state variable '%s' to record; recordable: spikes",
             p->plugin->name, what);
      for (unsigned v = 0; v < p->d->n_vars; v++)
        if (!(p->d->vars[v].flags & AP_VAR_INTERNAL))
          ap_append(sim->err, sizeof sim->err, ", %s", p->d->vars[v].name);
      return AP_EINVAL;
    }
    double dt = ap_sim_dt(sim);
    double q = interval_ms / dt;
    interval = llround(q);
    if (!(interval_ms > 0) || interval < 1 || fabs(q - (double)interval) > 1e-6)
      return sim_fail(sim, AP_EINVAL,
                  "recording interval must be a positive multiple of dt = %g "
                  "ms, got %g", dt, interval_ms);
  }
  rec *nr = realloc(sim->recs, (sim->n_recs + 1) * sizeof *nr);
  if (!nr) return sim_fail(sim, AP_ENOMEM, "out of memory");
  sim->recs = nr;
  ap_recorder *ar = ap_rec_new(var < 0 ? AP_REC_SPIKES : AP_REC_STATE, r.first,
                               r.count, var < 0 ? NULL : what, interval, file,
                               sim->err, sizeof sim->err);
  if (!ar) return AP_EIO;
  if (var >= 0 && ap_rec_set_unit(ar, p->d->vars[var].unit) != 0) {
    ap_rec_abort(ar);
    ap_rec_free(ar);
    return sim_fail(sim, AP_ENOMEM, "out of memory");
  }
  rec *x = &sim->recs[sim->n_recs];
  x->r = ar;
  x->ref = r;
  x->var = var;
  x->kind = var < 0 ? REC_SPIKES : REC_STATE;
  x->syn = NULL;
  x->lsyn = NULL;
  x->buf = NULL;
  x->n_syn = 0;
  x->count = 0;
  x->t_start = (double)sim->step * ap_sim_dt(sim);
  x->closed = file ? 0 : 1;
  ap_rec_set_span(ar, x->t_start, x->t_start);
  *out = sim->n_recs++;
  return AP_OK;
}

/* Interval in steps for a recording period, or 0 with a message. */
static int64_t rec_steps(ap_sim *sim, double ms, const char *what) {
  double dt = ap_sim_dt(sim), q = ms / dt;
  int64_t k = llround(q);
  if (!(ms > 0) || k < 1 || fabs(q - (double)k) > 1e-6) {
    sim_fail(sim, AP_EINVAL, "%s must be a positive multiple of dt = %g ms, got "
         "%g", what, dt, ms);
    return 0;
  }
  return k;
}

/* The unit of a projection's weights: that of its target port. */
static const char *port_unit(const ap_sim *sim, const proj *pr) {
  switch (sim->pops[pr->post.pop].d->ports[pr->port].type) {
  case AP_PORT_CURRENT: return "pA";
  case AP_PORT_CONDUCTANCE: return "nS";
  case AP_PORT_VOLTAGE: return "mV";
  default: return NULL;
  }
}

static rec *new_rec(ap_sim *sim) {
  rec *nr = realloc(sim->recs, (sim->n_recs + 1) * sizeof *nr);
  if (!nr) {
    sim_fail(sim, AP_ENOMEM, "out of memory");
    return NULL;
  }
  sim->recs = nr;
  rec *x = &nr[sim->n_recs];
  memset(x, 0, sizeof *x);
  x->var = -1;
  x->t_start = sim_now_ms(sim);
  return x;
}

int ap_sim_record_weights(ap_sim *sim, size_t p, const size_t *syn, size_t n,
                          double interval_ms, const char *file, size_t *out) {
  if (p >= sim->n_projs)
    return sim_fail(sim, AP_EINVAL, "no projection %zu", p + 1);
  proj *pr = &sim->projs[p];
  if (n == 0)
    return sim_fail(sim, AP_EINVAL, "no synapses chosen to record (projection "
                "%zu has %zu)", p + 1, pr->n_all);
  for (size_t k = 0; k < n; k++)
    if (syn[k] >= pr->n_all)
      return sim_fail(sim, AP_EINVAL, "projection %zu has no synapse %zu (it has "
                  "%zu)", p + 1, syn[k] + 1, pr->n_all);
  int64_t iv = rec_steps(sim, interval_ms, "weight recording interval");
  if (!iv) return AP_EINVAL;
  size_t *copy = malloc(n * sizeof *copy);
  double *buf = malloc(n * sizeof *buf);
  rec *x = copy && buf ? new_rec(sim) : NULL;
  ap_recorder *ar = x ? ap_rec_new(AP_REC_STATE, 0, n, "weight", iv, file,
                                   sim->err, sizeof sim->err)
                      : NULL;
  if (ar && ap_rec_set_unit(ar, port_unit(sim, pr)) != 0) {
    ap_rec_abort(ar);
    ap_rec_free(ar);
    free(copy);
    free(buf);
    return sim_fail(sim, AP_ENOMEM, "out of memory");
  }
  if (!ar) {
    free(copy);
    free(buf);
    return x ? AP_EIO : sim_fail(sim, AP_ENOMEM, "out of memory");
  }
  memcpy(copy, syn, n * sizeof *copy);
  if (pr->row_id) { /* the chosen synapses held here */
    x->lsyn = malloc(n * sizeof *x->lsyn);
    if (!x->lsyn) {
      ap_rec_abort(ar);
      ap_rec_free(ar);
      free(copy);
      free(buf);
      return sim_fail(sim, AP_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < n; k++) x->lsyn[k] = sim_share_local(sim, pr, syn[k]);
  }
  x->r = ar;
  x->ref = pr->post;
  x->kind = REC_WEIGHT;
  x->proj = p;
  x->syn = copy;
  x->buf = buf;
  x->n_syn = n;
  x->closed = file ? 0 : 1;
  ap_rec_set_span(ar, x->t_start, x->t_start);
  *out = sim->n_recs++;
  return AP_OK;
}

int ap_sim_record_rate(ap_sim *sim, ap_ref r, double bin_ms, const char *file,
                       size_t *out) {
  int rc = sim_check_ref(sim, r);
  if (rc) return rc;
  int64_t iv = rec_steps(sim, bin_ms, "rate bin");
  if (!iv) return AP_EINVAL;
  rec *x = new_rec(sim);
  if (!x) return AP_ENOMEM;
  ap_recorder *ar = ap_rec_new(AP_REC_STATE, 0, 1, "rate", iv, file, sim->err,
                               sizeof sim->err);
  if (!ar) return AP_EIO;
  if (ap_rec_set_unit(ar, "Hz") != 0) {
    ap_rec_abort(ar);
    ap_rec_free(ar);
    return sim_fail(sim, AP_ENOMEM, "out of memory");
  }
  x->r = ar;
  x->ref = r;
  x->kind = REC_RATE;
  x->closed = file ? 0 : 1;
  ap_rec_set_span(ar, x->t_start, x->t_start);
  *out = sim->n_recs++;
  return AP_OK;
}

int ap_proj_save(ap_sim *sim, size_t p, const char *path) {
  if (p >= sim->n_projs)
    return sim_bad_index(sim, __func__, "projection", p, sim->n_projs);
  proj *pr = &sim->projs[p];
  size_t n = pr->n_all; /* the whole projection, gathered */
  double *v = malloc((n ? n : 1) * 4 * sizeof *v);
  uint32_t *pre = malloc((n ? n : 1) * sizeof *pre);
  uint32_t *post = malloc((n ? n : 1) * sizeof *post);
  double *w = malloc((n ? n : 1) * sizeof *w);
  double *d = malloc((n ? n : 1) * sizeof *d);
  int rc = AP_OK;
  if (!v || !pre || !post || !w || !d) {
    /* the other processes would wait for this one's part in vain */
    if (pr->row_id) ap_dist_fail("out of memory saving a projection", 1);
    rc = sim_fail(sim, AP_ENOMEM, "out of memory");
  } else {
    ap_proj_pairs(sim, p, pre, post);
    ap_proj_weights(sim, p, w);
    ap_proj_delays(sim, p, d);
    for (size_t m = 0; m < n; m++) {
      v[4 * m] = pre[m] + 1.0;
      v[4 * m + 1] = post[m] + 1.0;
      v[4 * m + 2] = w[m];
      v[4 * m + 3] = d[m];
    }
    static const char *const cols[] = {"pre", "post", "weight", "delay_ms"};
    char what[160];
    ap_fmt(what, sizeof what, "synapses of projection %zu (%s), at t = %g ms",
           p + 1, pr->rule ? pr->rule->plugin->name : "static", sim_now_ms(sim));
    ap_provenance pv;
    prov_fill(sim, what, &pv);
    pv.unit = port_unit(sim, pr);
    if (ap_table_save(path, cols, 4, v, n, &pv, sim->err, sizeof sim->err))
      rc = AP_EIO;
  }
  free(v);
  free(pre);
  free(post);
  free(w);
  free(d);
  return rc;
}

int ap_sim_save(ap_sim *sim, size_t r, const char *path) {
  if (r >= sim->n_recs)
    return sim_bad_index(sim, __func__, "recorder", r, sim->n_recs);
  char what[256];
  ap_provenance pv;
  sim_provenance(sim, &sim->recs[r], what, sizeof what, &pv);
  if (ap_rec_save(sim->recs[r].r, path, &pv, sim->err, sizeof sim->err))
    return AP_EIO;
  return AP_OK;
}

int ap_sim_finish(ap_sim *sim) {
  int rc = AP_OK;
  if (sim->resume) {
    rc = sim_fail(sim, AP_EINVAL, "the script ended at t = %g ms, before the "
                  "snapshot's step: nothing was restored", sim_now_ms(sim));
    sim_resume_free(sim);
    return rc;
  }
  for (size_t i = 0; i < sim->n_recs; i++) {
    rec *r = &sim->recs[i];
    if (r->closed) continue;
    char what[256];
    ap_provenance pv;
    sim_provenance(sim, r, what, sizeof what, &pv);
    r->closed = 1;
    if (ap_rec_close(r->r, &pv, sim->err, sizeof sim->err)) rc = AP_EIO;
  }
  return rc;
}
