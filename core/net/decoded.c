/* decoded.c -- decoded connections: the Neural Engineering Framework's
 * factored weights (decoders of the pre population, encoders of the post
 * one), kept by the host and run by backends that can (ap_net_decoded in
 * backend.h explains the arithmetic). */
#include "net/sim_int.h"

void sim_decoded_free(ap_sim *sim) {
  for (size_t i = 0; i < sim->n_decs; i++) {
    decoded *d = &sim->decs[i];
    free(d->decoders), free(d->encoders), free(d->signal), free(d->x);
  }
  free(sim->decs);
  sim->decs = NULL;
  sim->n_decs = 0;
}

static double *copy_of(const double *v, size_t n) {
  double *c = malloc((n ? n : 1) * sizeof *c);
  if (c && v) memcpy(c, v, n * sizeof *c);
  else if (c) memset(c, 0, (n ? n : 1) * sizeof *c);
  return c;
}

static int all_finite(const double *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i])) return 0;
  return 1;
}

int ap_sim_decoded(ap_sim *sim, const ap_decoded_spec *s, size_t *out) {
  int rc = sim_may_grow(sim, "a decoded connection");
  if (rc) return rc;
  if (!s->dims)
    return sim_fail(sim, AP_EINVAL, "a decoded connection needs dims >= 1");
  const int from_signal = s->pre == AP_DECODED_SIGNAL;
  if (!from_signal && s->pre >= sim->n_pops)
    return sim_fail(sim, AP_EINVAL, "decoded connection: no population %zu "
                    "(there are %zu)", s->pre + 1, sim->n_pops);
  if (s->post >= sim->n_pops)
    return sim_fail(sim, AP_EINVAL, "decoded connection: no population %zu "
                    "(there are %zu)", s->post + 1, sim->n_pops);
  if (!sim->locked && (rc = sim_lock_settings(sim))) return rc;
  const pop *pp = &sim->pops[s->post];
  unsigned port = 0;
  if (!pp->d->n_ports)
    return sim_fail(sim, AP_EINVAL, "decoded connection: model %s of "
                    "population %zu has no input ports", pp->plugin->name,
                    s->post + 1);
  if (s->port) {
    int k = ap_port_index(pp->d->ports, pp->d->n_ports, s->port);
    if (k < 0)
      return sim_fail(sim, AP_EINVAL, "decoded connection: model %s has no "
                      "port '%s'", pp->plugin->name, s->port);
    port = (unsigned)k;
  }
  int rate_var = -1;
  if (s->rate_var) {
    if (from_signal)
      return sim_fail(sim, AP_EINVAL, "decoded connection: a signal has no "
                      "rate variable");
    const pop *qp = &sim->pops[s->pre];
    rate_var = ap_var_index(qp->d->vars, qp->d->n_vars, s->rate_var);
    if (rate_var < 0)
      return sim_fail(sim, AP_EINVAL, "decoded connection: model %s of "
                      "population %zu has no state variable '%s'",
                      qp->plugin->name, s->pre + 1, s->rate_var);
  }
  if (!(s->tau_ms >= 0) || !isfinite(s->tau_ms))
    return sim_fail(sim, AP_EINVAL, "decoded connection: synapse tau must "
                    "be 0 or more ms, got %g", s->tau_ms);
  const double steps = s->delay_ms / sim->dt;
  if (!(steps >= 0.5) || steps > 65535)
    return sim_fail(sim, AP_EINVAL, "decoded connection: delay %g ms must be "
                    "at least dt = %g ms", s->delay_ms, sim->dt);
  const size_t n_pre = from_signal ? 0 : sim->pops[s->pre].n;
  const size_t n_post = pp->n;
  if (!from_signal && !s->decoders)
    return sim_fail(sim, AP_EINVAL, "decoded connection: no decoders");
  if (!s->encoders)
    return sim_fail(sim, AP_EINVAL, "decoded connection: no encoders");
  if ((!from_signal && !all_finite(s->decoders, n_pre * s->dims)) ||
      !all_finite(s->encoders, n_post * s->dims))
    return sim_fail(sim, AP_EINVAL, "decoded connection: decoders and "
                    "encoders must be finite numbers");
  decoded *nd = realloc(sim->decs, (sim->n_decs + 1) * sizeof *nd);
  if (!nd) return sim_fail(sim, AP_ENOMEM, "out of memory");
  sim->decs = nd;
  decoded *d = &sim->decs[sim->n_decs];
  memset(d, 0, sizeof *d);
  d->pre = s->pre;
  d->rate_var = rate_var;
  d->post = s->post;
  d->port = port;
  d->dims = s->dims;
  d->delay = (unsigned)llround(steps);
  d->tau = s->tau_ms;
  d->decoders = from_signal ? NULL : copy_of(s->decoders, n_pre * s->dims);
  d->encoders = copy_of(s->encoders, n_post * s->dims);
  d->signal = from_signal ? copy_of(NULL, s->dims) : NULL;
  d->x = copy_of(NULL, s->dims);
  if ((!from_signal && !d->decoders) || !d->encoders ||
      (from_signal && !d->signal) || !d->x) {
    free(d->decoders), free(d->encoders), free(d->signal), free(d->x);
    return sim_fail(sim, AP_ENOMEM, "out of memory");
  }
  if (out) *out = sim->n_decs;
  sim->n_decs++;
  return AP_OK;
}

size_t ap_sim_n_decoded(const ap_sim *sim) { return sim->n_decs; }


static int bad(const ap_sim *sim, size_t dec, const char *fn) {
  return dec >= sim->n_decs &&
         sim_bad_index(sim, fn, "decoded connection", dec, sim->n_decs);
}

double *ap_decoded_signal(ap_sim *sim, size_t dec) {
  return bad(sim, dec, "ap_decoded_signal") ? NULL : sim->decs[dec].signal;
}
const double *ap_decoded_value(ap_sim *sim, size_t dec) {
  if (bad(sim, dec, "ap_decoded_value")) return NULL;
  sim_backend_sync(sim);
  return sim->decs[dec].x;
}
double *ap_decoded_decoders(ap_sim *sim, size_t dec) {
  if (bad(sim, dec, "ap_decoded_decoders")) return NULL;
  sim->dirty |= AP_CHANGED_WEIGHTS;
  return sim->decs[dec].decoders;
}
size_t ap_decoded_pre_size(const ap_sim *sim, size_t dec) {
  if (bad(sim, dec, "ap_decoded_pre_size")) return 0;
  const decoded *d = &sim->decs[dec];
  return d->pre == AP_DECODED_SIGNAL ? 0 : sim->pops[d->pre].n;
}
unsigned ap_decoded_dims(const ap_sim *sim, size_t dec) {
  return bad(sim, dec, "ap_decoded_dims") ? 0 : sim->decs[dec].dims;
}

/* The flags of a backend descriptor, 0 for one built before ABI 2.1. */
static unsigned backend_flags(const ap_backend_desc *bd) {
  return AP_HAS_FIELD(bd, ap_backend_desc, flags) ? bd->flags : 0;
}

int ap_sim_backend_can(ap_sim *sim, const char *what) {
  const ap_plugin *bp = ap_registry_find_kind(sim->reg, AP_KIND_BACKEND,
                                              sim->set->backend);
  if (!bp || !what) return 0;
  const unsigned f = backend_flags(bp->desc->desc);
  if (!strcmp(what, "decoded")) return (f & AP_BACKEND_DECODED) != 0;
  if (!strcmp(what, "decoded_signal"))
    return (f & (AP_BACKEND_DECODED | AP_BACKEND_DECODED_SIGNAL)) != 0;
  return 0;
}

int sim_decoded_view(ap_sim *sim, unsigned *min_d, unsigned *max_d) {
  free(sim->ndecs);
  free(sim->ndec_at);
  sim->ndecs = NULL;
  sim->ndec_at = NULL;
  if (!sim->n_decs) return AP_OK;
  const unsigned flags = backend_flags(sim->bd);
  size_t from_pops = 0;
  for (size_t i = 0; i < sim->n_decs; i++)
    from_pops += sim->decs[i].pre != AP_DECODED_SIGNAL;
  if (!(flags & AP_BACKEND_DECODED) &&
      (from_pops || !(flags & AP_BACKEND_DECODED_SIGNAL)))
    return sim_fail(sim, AP_ENOTSUP, "backend %s cannot run decoded "
                    "connections%s (%zu in this network): connect with "
                    "weights = true to make them synapses, or run on the "
                    "cpu backend", sim->bp->name,
                    flags & AP_BACKEND_DECODED_SIGNAL ? " from populations"
                                                      : "",
                    from_pops ? from_pops : sim->n_decs);
  sim->ndecs = calloc(sim->n_decs, sizeof *sim->ndecs);
  sim->ndec_at = calloc(sim->n_decs, sizeof *sim->ndec_at);
  if (!sim->ndecs || !sim->ndec_at)
    return sim_fail(sim, AP_ENOMEM, "out of memory");
  for (size_t i = 0; i < sim->n_decs; i++) {
    const decoded *d = &sim->decs[i];
    ap_net_decoded *q = &sim->ndecs[i];
    q->size = sizeof *q;
    q->pre = d->pre;
    q->rate_var = d->rate_var;
    q->post = d->post;
    q->port = d->port;
    q->dims = d->dims;
    q->delay = d->delay;
    q->tau = d->tau;
    q->decoders = d->decoders;
    q->signal = d->signal;
    q->encoders = d->encoders;
    q->x = d->x;
    sim->ndec_at[i] = q;
    if (!*min_d || d->delay < *min_d) *min_d = d->delay;
    if (d->delay > *max_d) *max_d = d->delay;
  }
  return AP_OK;
}
