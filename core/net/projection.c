/* projection.c -- projections (connected, read, written, their rules'
 * variables) and mirrors: projections whose weights follow another's,
 * transposed. */
#include "net/sim_int.h"

#include "dist/dist.h"

/* Threads that build connections: the threads setting, 0 = all cores.
 * The network built does not depend on it. */
static unsigned build_threads(const ap_sim *sim) {
  int t = sim->set->threads;
  if (t <= 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    t = n > 0 ? (int)n : 1;
  }
  return (unsigned)t;
}

/* Pick the target port: by name, or by the sign of the weight. */
static int pick_port(ap_sim *sim, const pop *post, const ap_syn_spec *s,
                     unsigned *port) {
  const ap_neuron_desc *d = post->d;
  if (d->n_ports == 0)
    return sim_fail(sim, AP_EINVAL,
                "%s has no input ports: it cannot be the target of a "
                "projection", post->plugin->name);
  if (s->port) {
    int k = ap_port_index(d->ports, d->n_ports, s->port);
    if (k < 0) {
      ap_fmt(sim->err, sizeof sim->err, "%s has no input port '%s'; ports:",
             post->plugin->name, s->port);
      for (unsigned i = 0; i < d->n_ports; i++)
        ap_append(sim->err, sizeof sim->err, "%s %s", i ? "," : "",
                  d->ports[i].name);
      return AP_EINVAL;
    }
    *port = (unsigned)k;
    return AP_OK;
  }
  int want = ap_value_center(&s->weight) < 0 ? -1 : 1;
  for (unsigned i = 0; i < d->n_ports; i++)
    if (d->ports[i].sign == want) {
      *port = i;
      return AP_OK;
    }
  return sim_fail(sim, AP_EINVAL,
              "%s has no default port for %s weights: name one with port = "
              "\"...\"", post->plugin->name, want < 0 ? "negative" : "positive");
}

/* A run of several processes: the status every process takes, with the
 * message of the failing process with the smallest key (see
 * ap_dist_agree), so that all report the same error. */
static int agree(ap_sim *sim, int shared, int rc, uint64_t key) {
  return shared ? ap_dist_agree(rc, key, sim->err, sizeof sim->err) : rc;
}

int ap_sim_connect(ap_sim *sim, ap_ref pre, ap_ref post, const ap_conn_spec *c,
                   const ap_syn_spec *s, size_t *out) {
  int rc = sim_may_grow(sim, "connecting");
  if (rc) return rc;
  if ((rc = sim_check_ref(sim, pre)) || (rc = sim_check_ref(sim, post))) return rc;
  pop *pp = &sim->pops[post.pop], *qp = &sim->pops[pre.pop];
  unsigned port = 0;
  if ((rc = pick_port(sim, pp, s, &port))) return rc;
  ap_dist_enter(AP_DIST_OP_CONNECT, 0);
  const ap_port_desc *pd = &pp->d->ports[port];
  const char *sname = s->synapse ? s->synapse : "static";
  const ap_plugin *spl =
      ap_registry_find_kind(sim->reg, AP_KIND_SYNAPSE, sname);
  if (!spl) {
    ap_registry_unknown(sim->reg, AP_KIND_SYNAPSE, sname, sim->err,
                        sizeof sim->err);
    return AP_EINVAL;
  }
  const ap_synapse_desc *sd = spl->desc->desc;
  if ((rc = ap_value_check(&s->weight, 0, "synapse parameter 'weight'",
                           sim->err, sizeof sim->err)) ||
      (rc = ap_value_check(&s->delay, 0, "synapse parameter 'delay'", sim->err,
                           sizeof sim->err)))
    return rc;
  /* Model parameters of the synapse, validated before anything is built. */
  ap_real *sparam = calloc(sd->n_params ? sd->n_params : 1, sizeof *sparam);
  if (!sparam) return sim_fail(sim, AP_ENOMEM, "out of memory");
  for (unsigned k = 0; k < sd->n_params; k++) sparam[k] = sd->params[k].def;
  for (size_t i = 0; i < s->n_keys; i++) {
    int k = ap_param_index(sd->params, sd->n_params, s->keys[i]);
    if (k < 0 || !strcmp(s->keys[i], "weight") || !strcmp(s->keys[i], "delay")) {
      ap_fmt(sim->err, sizeof sim->err,
             "synapse model %s has no parameter '%s'; parameters:", spl->name,
             s->keys[i]);
      for (unsigned j = 0; j < sd->n_params; j++)
        ap_append(sim->err, sizeof sim->err, "%s %s", j ? "," : "",
                  sd->params[j].name);
      free(sparam);
      return AP_EINVAL;
    }
    if ((rc = ap_param_check(&sd->params[k], spl->name, s->values[i], sim->err,
                             sizeof sim->err))) {
      free(sparam);
      return rc;
    }
    sparam[k] = s->values[i];
  }

  const ap_plugin *rpl = NULL;
  if (s->rule) {
    rpl = ap_registry_find_kind(sim->reg, AP_KIND_RULE, s->rule);
    if (!rpl) {
      ap_registry_unknown(sim->reg, AP_KIND_RULE, s->rule, sim->err,
                          sizeof sim->err);
      free(sparam);
      return AP_EINVAL;
    }
  } else if (s->n_modulators) {
    free(sparam);
    return sim_fail(sim, AP_EINVAL, "synapse spec: 'modulator' needs a learning "
                "rule that reads it");
  }
  for (size_t i = 0; i < s->n_modulators; i++)
    if (s->modulators[i] >= sim->n_mods) {
      free(sparam);
      return sim_fail(sim, AP_EINVAL, "no modulator %zu", s->modulators[i] + 1);
    }
  if (s->has_p_release && !(s->p_release >= 0 && s->p_release <= 1)) {
    free(sparam);
    return sim_fail(sim, AP_EINVAL, "synapse parameter 'p_release' must be in "
                "[0, 1], got %g", s->p_release);
  }

  ap_conn_geom g = {pre.count, post.count, pre.pop == post.pop, pre.first,
                    post.first, build_threads(sim), 0, 0, post.count};
  /* Several processes: each builds the synapses into its own neurons. */
  const int shared = ap_dist_size() > 1;
  if (shared) {
    size_t lo, hi;
    ap_dist_share(pp->n, &lo, &hi);
    g.share = 1;
    g.own_lo = lo > post.first ? lo - post.first : 0;
    g.own_hi = hi > post.first ? hi - post.first : 0;
    if (g.own_hi > post.count) g.own_hi = post.count;
    if (g.own_lo > g.own_hi) g.own_lo = g.own_hi;
  }
  ap_pairs pairs = {0};
  uint32_t pid = (uint32_t)sim->n_projs;
  rc = ap_connect_generate(c, &g, sim->seed, AP_STREAM_CONN_BASE + pid,
                           &pairs, sim->err, sizeof sim->err);
  if (rc == AP_ENOMEM) sim_fail(sim, rc, "out of memory connecting");
  rc = agree(sim, shared, rc, 0);
  if (rc) {
    ap_pairs_free(&pairs);
    free(sparam);
    return rc;
  }
  /* the whole projection's count, and where this share starts */
  uint64_t n_all = pairs.n, gen_base = pairs.n;
  if (shared) {
    ap_dist_sum_u64(&n_all, 1);
    ap_dist_exscan_u64(&gen_base, 1);
  } else {
    gen_base = 0;
  }
  if (s->weight.kind == AP_VAL_ARRAY && s->weight.n != n_all) {
    rc = sim_fail(sim, AP_EINVAL, "synapse parameter 'weight': a table of %zu "
              "values was given for %zu synapses", s->weight.n, (size_t)n_all);
  } else if (s->delay.kind == AP_VAL_ARRAY && s->delay.n != n_all) {
    rc = sim_fail(sim, AP_EINVAL, "synapse parameter 'delay': a table of %zu "
              "values was given for %zu synapses", s->delay.n, (size_t)n_all);
  }
  size_t n = pairs.n, npre = qp->n;
  size_t *row = NULL;
  proj pr = {0};
  if (!rc) {
    row = calloc(npre + 1, sizeof *row);
    pr.target = malloc((n ? n : 1) * sizeof *pr.target);
    pr.weight = malloc((n ? n : 1) * sizeof *pr.weight);
    pr.delay = malloc((n ? n : 1) * sizeof *pr.delay);
    pr.syn_state = calloc(sd->n_vars ? sd->n_vars : 1, sizeof *pr.syn_state);
    if (!row || !pr.target || !pr.weight || !pr.delay || !pr.syn_state)
      rc = sim_fail(sim, AP_ENOMEM, "out of memory for %zu synapses", n);
    for (unsigned v = 0; !rc && v < sd->n_vars; v++) {
      pr.syn_state[v] = malloc((n ? n : 1) * sizeof **pr.syn_state);
      /* a variable that starts at a parameter's value (u at U) */
      double init = sd->vars[v].def;
      int from = sd->vars[v].def_from
                     ? ap_param_index(sd->params, sd->n_params,
                                      sd->vars[v].def_from)
                     : -1;
      if (from >= 0) init = sparam[from];
      if (!pr.syn_state[v]) rc = sim_fail(sim, AP_ENOMEM, "out of memory");
      else
        for (size_t i = 0; i < n; i++) pr.syn_state[v][i] = init;
    }
  }
  rc = agree(sim, shared, rc, 0);
  if (!rc) {
    /* Compressed rows by presynaptic neuron, weights and delays drawn per
     * synapse in generation order (see synbuild.h). */
    int negate = pd->type == AP_PORT_CONDUCTANCE && !s->port &&
                 ap_value_center(&s->weight) < 0;
    ap_synbuild b = {&pairs, pre.first, post.first, npre, &s->weight,
                     &s->delay, sim->seed, AP_STREAM_SYN_BASE + pid, sim->dt,
                     negate, pd->type == AP_PORT_CONDUCTANCE, g.threads,
                     gen_base, row, pr.target, pr.weight, pr.delay, 0, 0, 0};
    rc = ap_synbuild_run(&b);
    if (rc == AP_ENOMEM) {
      sim_fail(sim, rc, "out of memory for %zu synapses", n);
    } else if (b.bad == AP_SYN_BAD_WEIGHT) {
      sim_fail(sim, AP_EINVAL,
           "synapse parameter 'weight' on conductance port '%s' of %s must "
           "be >= 0 nS, got %g (synapse %zu)%s", pd->name, pp->plugin->name,
           b.bad_value, b.bad_index + 1,
           s->port ? "" : ": weights of mixed sign need one projection per "
                          "port");
    } else if (b.bad == AP_SYN_BAD_DELAY) {
      double dt = sim->dt;
      sim_fail(sim, AP_EINVAL,
           "synapse parameter 'delay' must be in [%g, %g] ms (dt to 65535 "
           "dt), got %g (synapse %zu)", dt, 65535.0 * dt, b.bad_value,
           b.bad_index + 1);
    }
    /* every process reports the first bad synapse of the whole */
    rc = agree(sim, shared, rc, rc == AP_ENOMEM || !b.bad ? 0 : b.bad_index);
    if (!rc) rc = sim_share_rows(sim, &pr, qp, row);
    /* 8 bytes a synapse where the delays and the targets fit a word
     * (decided alike on every process). */
    uint16_t dmax = 0;
    for (size_t m = 0; !rc && m < n; m++)
      if (pr.delay[m] > dmax) dmax = pr.delay[m];
    if (shared && !rc) dmax = (uint16_t)ap_dist_max_u(dmax);
    if (!rc && dmax < (1u << AP_PACK_DELAY_BITS) &&
        pp->n <= AP_PACK_TARGET_MASK + (size_t)1) {
      for (size_t m = 0; m < n; m++)
        pr.target[m] |= (uint32_t)pr.delay[m] << AP_PACK_TARGET_BITS;
      free(pr.delay);
      pr.delay = NULL;
    }
  }
  ap_pairs_free(&pairs);
  if (!rc && rpl) {
    pr.rule = ap_plastic_new(rpl, s->rule_keys, s->rule_values,
                             s->n_rule_keys, s->modulators,
                             (unsigned)s->n_modulators, n, pp->n, sim->err,
                             sizeof sim->err);
    if (!pr.rule) rc = AP_EINVAL;
  }
  proj *np = NULL;
  if (!rc) {
    np = realloc(sim->projs, (sim->n_projs + 1) * sizeof *np);
    if (!np) rc = sim_fail(sim, AP_ENOMEM, "out of memory");
    else sim->projs = np;
  }
  rc = agree(sim, shared, rc, 0);
  if (rc) {
    free(row);
    free(pr.row_id);
    free(sparam);
    free(pr.target);
    free(pr.weight);
    free(pr.delay);
    if (pr.syn_state)
      for (unsigned v = 0; v < sd->n_vars; v++) free(pr.syn_state[v]);
    free(pr.syn_state);
    ap_plastic_free(pr.rule);
    return rc;
  }
  pr.pre = pre;
  pr.post = post;
  pr.port = port;
  pr.syn = spl;
  pr.syn_param = sparam;
  pr.row = row;
  pr.n_syn = n;
  pr.n_all = (size_t)n_all;
  pr.p_release = s->has_p_release ? s->p_release : 1.0;
  if (pr.rule)
    ap_plastic_bind(pr.rule, pr.weight, pr.target,
                    pr.delay ? 0xffffffffu : AP_PACK_TARGET_MASK, sim->dt);
  sim->projs[sim->n_projs] = pr;
  *out = sim->n_projs++;
  return AP_OK;
}

size_t ap_proj_size(const ap_sim *sim, size_t p) {
  if (p >= sim->n_projs)
    return sim_bad_index(sim, __func__, "projection", p, sim->n_projs), 0;
  return sim->projs[p].n_all;
}

const char *ap_proj_port(const ap_sim *sim, size_t p) {
  if (p >= sim->n_projs)
    return sim_bad_index(sim, __func__, "projection", p, sim->n_projs), NULL;
  const proj *pr = &sim->projs[p];
  return sim->pops[pr->post.pop].d->ports[pr->port].name;
}

const char *ap_proj_synapse(const ap_sim *sim, size_t p) {
  if (p >= sim->n_projs)
    return sim_bad_index(sim, __func__, "projection", p, sim->n_projs), NULL;
  return sim->projs[p].syn->name;
}

/* Post index and delay (steps) of synapse m, packed or not. */
uint32_t sim_syn_target(const proj *pr, size_t m) {
  return pr->delay ? pr->target[m] : pr->target[m] & AP_PACK_TARGET_MASK;
}
unsigned sim_syn_delay(const proj *pr, size_t m) {
  return pr->delay ? pr->delay[m] : pr->target[m] >> AP_PACK_TARGET_BITS;
}

int ap_proj_pairs(ap_sim *sim, size_t p, uint32_t *pre, uint32_t *post) {
  if (p >= sim->n_projs)
    return sim_bad_index(sim, __func__, "projection", p, sim->n_projs);
  const proj *pr = &sim->projs[p];
  const size_t npre = sim->pops[pr->pre.pop].n, n = pr->n_syn;
  uint32_t *a = pre, *b = post;
  if (pr->row_id) { /* this process's, then the whole */
    ap_dist_enter(AP_DIST_OP_WEIGHTS, (int)p);
    a = malloc((n ? n : 1) * sizeof *a);
    b = malloc((n ? n : 1) * sizeof *b);
    if (!a || !b) ap_dist_fail("out of memory reading a projection", 1);
  }
  for (size_t i = 0; i < npre; i++)
    for (size_t m = pr->row[i]; m < pr->row[i + 1]; m++) {
      if (a) a[m] = (uint32_t)(i - pr->pre.first);
      if (b) b[m] = (uint32_t)(sim_syn_target(pr, m) - pr->post.first);
    }
  if (!pr->row_id) return AP_OK;
  /* every process gathers both, whichever it asked for */
  int rc = sim_share_gather(sim, pr, a, sizeof *a, pre);
  if (!rc) rc = sim_share_gather(sim, pr, b, sizeof *b, post);
  free(a);
  free(b);
  return rc;
}

double sim_now_ms(const ap_sim *sim) {
  return (double)sim->step * ap_sim_dt(sim);
}

/* Weights of a plastic projection, current at the present time (those
 * held here: a lazy rule settles what it owes). */
void sim_flush_rule(ap_sim *sim, proj *pr) {
  if (!pr->rule) return;
  ap_plastic_flush(pr->rule, sim_now_ms(sim));
}

int ap_proj_weights(ap_sim *sim, size_t p, double *w) {
  if (p >= sim->n_projs)
    return sim_bad_index(sim, __func__, "projection", p, sim->n_projs);
  proj *pr = &sim->projs[p];
  ap_dist_enter(AP_DIST_OP_WEIGHTS, (int)p);
  sim_flush_rule(sim, pr);
  if (!pr->row_id) {
    for (size_t m = 0; m < pr->n_syn; m++) w[m] = pr->weight[m];
    return AP_OK;
  }
  double *mine = malloc((pr->n_syn ? pr->n_syn : 1) * sizeof *mine);
  if (!mine) ap_dist_fail("out of memory reading weights", 1);
  for (size_t m = 0; m < pr->n_syn; m++) mine[m] = pr->weight[m];
  int rc = sim_share_gather(sim, pr, mine, sizeof *mine, w);
  free(mine);
  return rc;
}

int ap_proj_set_weights(ap_sim *sim, size_t p, const double *w) {
  if (p >= sim->n_projs)
    return sim_bad_index(sim, __func__, "projection", p, sim->n_projs);
  proj *pr = &sim->projs[p];
  const pop *post = &sim->pops[pr->post.pop];
  const ap_port_desc *pd = &post->d->ports[pr->port];
  for (size_t m = 0; m < pr->n_all; m++) {
    if (!isfinite(w[m]))
      return sim_fail(sim, AP_EINVAL, "weight %zu is not a finite number", m + 1);
    if (pd->type == AP_PORT_CONDUCTANCE && w[m] < 0)
      return sim_fail(sim, AP_EINVAL, "weight %zu is %g nS: weights on "
                  "conductance port '%s' of %s must be >= 0", m + 1, w[m],
                  pd->name, post->plugin->name);
  }
  /* A lazy rule first settles what it owes the old weights. */
  sim_flush_rule(sim, pr);
  if (!pr->row_id) {
    for (size_t m = 0; m < pr->n_syn; m++) pr->weight[m] = (ap_weight)w[m];
    return AP_OK;
  }
  const size_t npre = sim->pops[pr->pre.pop].n;
  for (size_t j = 0; j < npre; j++)
    for (size_t m = pr->row[j]; m < pr->row[j + 1]; m++)
      pr->weight[m] = (ap_weight)w[m - pr->row[j] + pr->row_id[j]];
  return AP_OK;
}

const char *ap_proj_rule(const ap_sim *sim, size_t p) {
  if (p >= sim->n_projs)
    return sim_bad_index(sim, __func__, "projection", p, sim->n_projs), NULL;
  const proj *pr = &sim->projs[p];
  return pr->rule ? pr->rule->plugin->name : NULL;
}

int ap_proj_delays(ap_sim *sim, size_t p, double *d) {
  if (p >= sim->n_projs)
    return sim_bad_index(sim, __func__, "projection", p, sim->n_projs);
  const proj *pr = &sim->projs[p];
  if (!pr->row_id) {
    for (size_t m = 0; m < pr->n_syn; m++) d[m] = sim_syn_delay(pr, m) * sim->dt;
    return AP_OK;
  }
  ap_dist_enter(AP_DIST_OP_WEIGHTS, (int)p);
  double *mine = malloc((pr->n_syn ? pr->n_syn : 1) * sizeof *mine);
  if (!mine) ap_dist_fail("out of memory reading delays", 1);
  for (size_t m = 0; m < pr->n_syn; m++) mine[m] = sim_syn_delay(pr, m) * sim->dt;
  int rc = sim_share_gather(sim, pr, mine, sizeof *mine, d);
  free(mine);
  return rc;
}

/* Copy each mirror's source weights, transposed, into its destination
 * (several processes: the source's whole weights, gathered). */
void sim_refresh_mirrors(ap_sim *sim) {
  for (size_t i = 0; i < sim->n_mirrors; i++) {
    const mirror *m = &sim->mirrors[i];
    proj *src = &sim->projs[m->src], *dst = &sim->projs[m->dst];
    sim_flush_rule(sim, src);
    sim_flush_rule(sim, dst);
    const ap_weight *ws = src->weight;
    ap_weight *whole = NULL;
    if (src->row_id) {
      whole = malloc((src->n_all ? src->n_all : 1) * sizeof *whole);
      if (!whole || sim_share_gather(sim, src, src->weight, sizeof *whole, whole))
        ap_dist_fail("out of memory refreshing a mirror", 1);
      ws = whole;
    }
    for (size_t k = 0; k < dst->n_syn; k++) dst->weight[k] = ws[m->map[k]];
    free(whole);
  }
}

/* A projection's rows as one process holds them: its own arrays, or
 * (several processes) the whole projection's, gathered. */
typedef struct rows {
  size_t *row;      /* npre + 1 */
  uint32_t *target; /* post population indices */
  int owned;        /* row and target are allocated here */
} rows;

static int whole_rows(ap_sim *sim, const proj *pr, rows *w) {
  const size_t npre = sim->pops[pr->pre.pop].n;
  if (!pr->row_id) {
    w->owned = 0;
    w->row = pr->row;
    w->target = NULL;
    return AP_OK;
  }
  w->owned = 1;
  uint32_t *pre = malloc((pr->n_all ? pr->n_all : 1) * sizeof *pre);
  w->target = malloc((pr->n_all ? pr->n_all : 1) * sizeof *w->target);
  w->row = calloc(npre + 1, sizeof *w->row);
  if (!pre || !w->target || !w->row)
    ap_dist_fail("out of memory reading a projection", 1);
  int rc = ap_proj_pairs(sim, (size_t)(pr - sim->projs), pre, w->target);
  for (size_t m = 0; !rc && m < pr->n_all; m++) {
    w->target[m] += (uint32_t)pr->post.first;
    w->row[pre[m] + pr->pre.first + 1]++;
  }
  for (size_t j = 0; j < npre; j++) w->row[j + 1] += w->row[j];
  free(pre);
  return rc;
}

static uint32_t rows_target(const proj *pr, const rows *w, size_t m) {
  return w->target ? w->target[m] : sim_syn_target(pr, m);
}

/* Synapse of pr from pre neuron i (population index) to post neuron k, or
 * SIZE_MAX: rows ascend by target, so a binary search. */
static size_t find_syn(const proj *pr, const rows *w, size_t i, uint32_t k) {
  size_t lo = w->row[i], hi = w->row[i + 1];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    uint32_t t = rows_target(pr, w, mid);
    if (t < k) lo = mid + 1;
    else hi = mid;
  }
  return lo < w->row[i + 1] && rows_target(pr, w, lo) == k ? lo : SIZE_MAX;
}

int ap_proj_mirror(ap_sim *sim, size_t dst, size_t src) {
  if (dst >= sim->n_projs)
    return sim_bad_index(sim, __func__, "projection", dst, sim->n_projs);
  if (src >= sim->n_projs)
    return sim_bad_index(sim, __func__, "projection", src, sim->n_projs);
  if (dst == src)
    return sim_fail(sim, AP_EINVAL, "projection %zu cannot mirror itself",
                dst + 1);
  proj *d = &sim->projs[dst], *s = &sim->projs[src];
  if (d->pre.pop != s->post.pop || d->post.pop != s->pre.pop)
    return sim_fail(sim, AP_EINVAL, "projection %zu cannot mirror projection "
                "%zu: it must run the other way, from the populations %zu "
                "to %zu", dst + 1, src + 1, s->post.pop + 1, s->pre.pop + 1);
  if (d->rule)
    return sim_fail(sim, AP_EINVAL, "projection %zu has a learning rule (%s): a "
                "mirror's weights are its source's", dst + 1,
                d->rule->plugin->name);
  for (size_t i = 0; i < sim->n_mirrors; i++)
    if (sim->mirrors[i].dst == dst)
      return sim_fail(sim, AP_EINVAL, "projection %zu already mirrors projection "
                  "%zu", dst + 1, sim->mirrors[i].src + 1);
  size_t *map = malloc((d->n_syn ? d->n_syn : 1) * sizeof *map);
  rows ws;
  int rc = map ? whole_rows(sim, s, &ws) : AP_ENOMEM;
  if (rc) {
    free(map);
    return rc == AP_ENOMEM ? sim_fail(sim, AP_ENOMEM, "out of memory") : rc;
  }
  /* each process checks the synapses it holds; the first missing one
   * (in the whole projection's order) is reported by all */
  const size_t npre = sim->pops[d->pre.pop].n;
  size_t bad = SIZE_MAX;
  for (size_t i = 0; i < npre && bad == SIZE_MAX; i++)
    for (size_t m = d->row[i]; m < d->row[i + 1]; m++) {
      uint32_t k = sim_syn_target(d, m);
      size_t at = find_syn(s, &ws, k, (uint32_t)i);
      if (at == SIZE_MAX) {
        sim_fail(sim, AP_EINVAL, "projection %zu cannot mirror projection "
                 "%zu: it has a synapse from neuron %zu to %u, and "
                 "projection %zu none from %u to %zu", dst + 1, src + 1,
                 i + 1, k + 1, src + 1, k + 1, i + 1);
        bad = d->row_id ? m - d->row[i] + d->row_id[i] : m;
        break;
      }
      map[m] = at;
    }
  if (ws.owned) {
    free(ws.row);
    free(ws.target);
  }
  rc = bad != SIZE_MAX ? AP_EINVAL : AP_OK;
  if (d->row_id) rc = ap_dist_agree(rc, bad, sim->err, sizeof sim->err);
  mirror *nm = rc ? NULL : realloc(sim->mirrors, (sim->n_mirrors + 1) * sizeof *nm);
  if (!nm) {
    free(map);
    return rc ? rc : sim_fail(sim, AP_ENOMEM, "out of memory");
  }
  sim->mirrors = nm;
  nm[sim->n_mirrors++] = (mirror){dst, src, map};
  sim_refresh_mirrors(sim);
  sim->dirty |= AP_CHANGED_WEIGHTS;
  return AP_OK;
}

/* The index of the rule's per-neuron variable `name`, or -1 with the
 * message set. */
static int rule_post_var(ap_sim *sim, size_t p, const char *name,
                         const char *fn) {
  if (p >= sim->n_projs)
    return sim_bad_index(sim, fn, "projection", p, sim->n_projs), -1;
  proj *pr = &sim->projs[p];
  if (!pr->rule)
    return sim_fail(sim, AP_EINVAL, "projection %zu has no learning rule",
                    p + 1), -1;
  const ap_rule_desc *d = pr->rule->d;
  for (unsigned v = 0; v < d->n_post_vars; v++)
    if (!strcmp(d->post_vars[v].name, name)) return (int)v;
  char names[512] = "";
  size_t at = 0;
  for (unsigned v = 0; v < d->n_post_vars && at + 2 < sizeof names; v++)
    at += (size_t)snprintf(names + at, sizeof names - at, "%s%s",
                           v ? ", " : "", d->post_vars[v].name);
  sim_fail(sim, AP_EINVAL, "learning rule %s has no per-neuron variable "
           "'%s' (%s%s)", pr->rule->plugin->name, name,
           d->n_post_vars ? "it has: " : "it has none",
           d->n_post_vars ? names : "");
  return -1;
}

int ap_proj_rule_var(ap_sim *sim, size_t p, const char *name, double *out,
                     size_t *n) {
  const int v = rule_post_var(sim, p, name, __func__);
  if (v < 0) return AP_EINVAL;
  const ap_plastic *r = sim->projs[p].rule;
  *n = r->n_post;
  if (out) sim_backend_sync(sim); /* held by the processes of their neurons */
  if (out)
    for (size_t i = 0; i < r->n_post; i++) out[i] = r->post_state[v][i];
  return AP_OK;
}

int ap_proj_set_rule_var(ap_sim *sim, size_t p, const char *name,
                         const double *values) {
  const int v = rule_post_var(sim, p, name, __func__);
  if (v < 0) return AP_EINVAL;
  ap_plastic *r = sim->projs[p].rule;
  for (size_t i = 0; i < r->n_post; i++)
    if (!isfinite(values[i]))
      return sim_fail(sim, AP_EINVAL, "rule variable '%s': value %zu is not "
                      "a finite number", name, i + 1);
  sim_backend_sync(sim);
  for (size_t i = 0; i < r->n_post; i++) r->post_state[v][i] = values[i];
  sim->dirty |= AP_CHANGED_WEIGHTS;
  return AP_OK;
}
