/* population.c -- populations (made, shaped by structure parameters, set,
 * reset, read) and lesions. */
#include "net/sim_int.h"

/* An array of n values on whole cache lines of its own: a backend that
 * cuts populations between threads at multiples of 8 neurons then never
 * has two threads write one line (freed with free()). */
static ap_real *line_alloc(size_t n) {
  const size_t bytes = ((n ? n : 1) * sizeof(ap_real) + 63) / 64 * 64;
  return aligned_alloc(64, bytes);
}

/* The descriptor of a population of a model with structure parameters:
 * the model's own, with the layout its shape() gives for the values of
 * keys[] (other keys are left for ap_pop_set).  *out stays NULL for a
 * model of fixed shape. */
static int shape_pop(ap_sim *sim, const ap_plugin *pl, const char *const *keys,
                     const double *values, size_t n_keys, ap_real **structure,
                     ap_neuron_desc **out, ap_neuron_shape *sh) {
  const ap_neuron_desc *d = pl->desc->desc;
  *out = NULL;
  *structure = NULL;
  if (!AP_HAS_FIELD(d, ap_neuron_desc, shape) || !d->shape) return AP_OK;
  ap_real *st = malloc((d->n_params ? d->n_params : 1) * sizeof *st);
  if (!st) return sim_fail(sim, AP_ENOMEM, "out of memory");
  for (unsigned k = 0; k < d->n_params; k++) st[k] = d->params[k].def;
  for (size_t i = 0; i < n_keys; i++) {
    int k = ap_param_index(d->params, d->n_params, keys[i]);
    if (k < 0 || !(d->params[k].range & AP_PARAM_STRUCTURE)) continue;
    if (ap_param_check(&d->params[k], pl->name, values[i], sim->err,
                       sizeof sim->err)) {
      free(st);
      return AP_EINVAL;
    }
    st[k] = values[i];
  }
  char msg[512] = "";
  memset(sh, 0, sizeof *sh);
  sh->size = sizeof *sh;
  sh->dt = sim->dt; /* fixed once populations exist (ap.setup refuses) */
  if (d->shape(sh, st, msg, sizeof msg)) {
    free(st);
    return sim_fail(sim, AP_EINVAL, "%s: %s", pl->name,
                msg[0] ? msg : "its structure parameters were refused");
  }
  int rc = ap_check_neuron_shape(pl->name, d, sh, sim->err, sizeof sim->err);
  ap_neuron_desc *dd = rc ? NULL : malloc(sizeof *dd);
  if (!dd) {
    if (d->release_shape) d->release_shape(sh);
    free(st);
    return rc ? rc : sim_fail(sim, AP_ENOMEM, "out of memory");
  }
  *dd = *d;
  dd->compartments = sh->compartments;
  dd->n_compartments = sh->n_compartments;
  dd->vars = sh->vars;
  dd->n_vars = sh->n_vars;
  dd->ports = sh->ports;
  dd->n_ports = sh->n_ports;
  *out = dd;
  *structure = st;
  return AP_OK;
}

int ap_sim_population(ap_sim *sim, const char *model, size_t n, size_t *out) {
  return ap_sim_population_with(sim, model, n, NULL, NULL, 0, out);
}

int ap_sim_population_with(ap_sim *sim, const char *model, size_t n,
                           const char *const *keys, const double *values,
                           size_t n_keys, size_t *out) {
  int rc = sim_may_grow(sim, "creating a population");
  if (rc) return rc;
  if ((rc = sim_lock_settings(sim))) return rc;
  const ap_plugin *pl = ap_registry_find_kind(sim->reg, AP_KIND_NEURON, model);
  if (!pl) {
    ap_registry_unknown(sim->reg, AP_KIND_NEURON, model, sim->err,
                        sizeof sim->err);
    return AP_EINVAL;
  }
  if (n == 0 || n > UINT32_MAX)
    return sim_fail(sim, AP_EINVAL, "population size must be in 1..%u, got %zu",
                (unsigned)UINT32_MAX, n);
  ap_real *structure = NULL;
  ap_neuron_desc *shaped = NULL;
  ap_neuron_shape sh;
  if ((rc = shape_pop(sim, pl, keys, values, n_keys, &structure, &shaped,
                      &sh)))
    return rc;
  pop *ps = realloc(sim->pops, (sim->n_pops + 1) * sizeof *ps);
  if (!ps) {
    if (shaped) {
      const ap_neuron_desc *base = pl->desc->desc;
      if (base->release_shape) base->release_shape(&sh);
      free(shaped);
    }
    free(structure);
    return sim_fail(sim, AP_ENOMEM, "out of memory");
  }
  sim->pops = ps;
  pop *p = &ps[sim->n_pops];
  memset(p, 0, sizeof *p);
  p->plugin = pl;
  p->d = shaped ? shaped : pl->desc->desc;
  p->shaped = shaped;
  if (shaped) p->shape = sh;
  p->n = n;
  p->gid0 = sim->n_neurons;
  p->stream = AP_STREAM_POP_BASE + (uint32_t)sim->n_pops;
  const ap_neuron_desc *d = p->d;
  size_t np = d->n_params ? d->n_params : 1, nv = d->n_vars ? d->n_vars : 1;
  p->param = calloc(np, sizeof *p->param);
  p->lists = calloc(np, sizeof *p->lists);
  p->list_off = calloc(np, sizeof *p->list_off);
  p->list_val = calloc(np, sizeof *p->list_val);
  p->state = calloc(nv, sizeof *p->state);
  p->state_set = calloc(nv, 1);
  p->outdeg = calloc(n, sizeof *p->outdeg);
  int ok = p->param && p->lists && p->list_off && p->list_val && p->state &&
           p->state_set && p->outdeg;
  for (unsigned k = 0; ok && k < d->n_params; k++) {
    if (d->params[k].type == AP_PT_LIST) {
      p->list_off[k] = calloc(n + 1, sizeof **p->list_off);
      p->list_val[k] = malloc(sizeof **p->list_val);
      ok = p->list_off[k] && p->list_val[k];
      p->lists[k].offset = p->list_off[k];
      p->lists[k].value = p->list_val[k];
      continue;
    }
    p->param[k] = line_alloc(n);
    if (!(ok = p->param[k] != NULL)) break;
    double v0 = structure ? structure[k] : d->params[k].def;
    for (size_t i = 0; i < n; i++) p->param[k][i] = v0;
  }
  free(structure);
  for (unsigned v = 0; ok && v < d->n_vars; v++) {
    p->state[v] = line_alloc(n);
    if (!(ok = p->state[v] != NULL)) break;
    int from = d->vars[v].def_from
                   ? ap_param_index(d->params, d->n_params, d->vars[v].def_from)
                   : -1;
    for (size_t i = 0; i < n; i++)
      p->state[v][i] = from >= 0 && p->param[from] ? p->param[from][i]
                                                    : d->vars[v].def;
  }
  if (!ok) {
    sim_pop_free(p);
    return sim_fail(sim, AP_ENOMEM, "out of memory for %zu %s neurons", n, model);
  }
  sim->n_neurons += n;
  *out = sim->n_pops++;
  return AP_OK;
}

static void unknown_name(ap_sim *sim, const pop *p, const char *name) {
  const ap_neuron_desc *d = p->d;
  const char *cand[256];
  size_t nc = 0;
  for (unsigned k = 0; k < d->n_params && nc < 256; k++)
    cand[nc++] = d->params[k].name;
  for (unsigned v = 0; v < d->n_vars && nc < 256; v++)
    cand[nc++] = d->vars[v].name;
  const char *close = ap_closest(name, cand, nc);
  ap_fmt(sim->err, sizeof sim->err, "%s has no parameter or state '%s'",
         p->plugin->name, name);
  if (close) ap_append(sim->err, sizeof sim->err, " (did you mean '%s'?)", close);
  ap_append(sim->err, sizeof sim->err, "; parameters:");
  for (unsigned k = 0; k < d->n_params; k++)
    ap_append(sim->err, sizeof sim->err, "%s %s", k ? "," : "",
              d->params[k].name);
  ap_append(sim->err, sizeof sim->err, "; state:");
  int first = 1;
  for (unsigned v = 0; v < d->n_vars; v++)
    if (!(d->vars[v].flags & AP_VAR_INTERNAL)) {
      ap_append(sim->err, sizeof sim->err, "%s %s", first ? "" : ",",
                d->vars[v].name);
      first = 0;
    }
}

int ap_pop_set(ap_sim *sim, ap_ref r, const char *name, const ap_value *v) {
  int rc = sim_check_ref(sim, r);
  if (rc) return rc;
  pop *p = &sim->pops[r.pop];
  const ap_neuron_desc *d = p->d;
  int k = ap_param_index(d->params, d->n_params, name);
  int s = k < 0 ? ap_var_index(d->vars, d->n_vars, name) : -1;
  if (k < 0 && s < 0) {
    unknown_name(sim, p, name);
    return AP_EINVAL;
  }
  sim_backend_sync(sim);
  if (k >= 0 && d->params[k].type == AP_PT_LIST)
    return sim_fail(sim, AP_EINVAL,
                "parameter '%s' of %s is a list per neuron: give a list of "
                "values (or one list per neuron)", name, p->plugin->name);
  char what[160];
  ap_fmt(what, sizeof what, "%s '%s' of %s", k >= 0 ? "parameter" : "state",
         name, p->plugin->name);
  if ((rc = ap_value_check(v, r.count, what, sim->err, sizeof sim->err)))
    return rc;
  double *tmp = malloc(r.count * sizeof *tmp);
  if (!tmp) return sim_fail(sim, AP_ENOMEM, "out of memory");
  ap_value_fill(v, tmp, r.count, sim->seed, AP_STREAM_INIT_BASE + (uint32_t)r.pop,
                r.first, ap_name_hash(name));
  /* Validate the whole assignment on a copy before committing it. */
  for (size_t i = 0; i < r.count; i++) {
    if (k >= 0) {
      if ((rc = ap_param_check(&d->params[k], p->plugin->name, tmp[i],
                               sim->err, sizeof sim->err))) {
        if (r.count > 1)
          ap_append(sim->err, sizeof sim->err, " (neuron %zu)", r.first + i + 1);
        free(tmp);
        return rc;
      }
    } else if (!isfinite(tmp[i])) {
      free(tmp);
      return sim_fail(sim, AP_EINVAL, "%s must be finite (neuron %zu)", what,
                  r.first + i + 1);
    }
  }
  if (k >= 0 && (d->params[k].range & AP_PARAM_STRUCTURE)) {
    for (size_t i = 0; i < r.count; i++)
      if (tmp[i] != p->param[k][r.first + i]) {
        double was = p->param[k][r.first + i];
        free(tmp);
        return sim_fail(sim, AP_EINVAL, "parameter '%s' of %s shapes the "
                    "population: give it to ap.population, as one number "
                    "(it is %g here)",
                    name, p->plugin->name, was);
      }
  }
  if (k >= 0) {
    memcpy(p->param[k] + r.first, tmp, r.count * sizeof *tmp);
    /* A modulated parameter: the new value is the unmodulated one. */
    for (size_t i = 0; i < sim->n_modulations; i++) {
      modulation *o = &sim->modulations[i];
      if (o->r.pop != r.pop || o->param != k) continue;
      for (size_t j = 0; j < r.count; j++) {
        size_t at = r.first + j;
        if (at >= o->r.first && at - o->r.first < o->r.count)
          o->base[at - o->r.first] = tmp[j];
      }
    }
    /* Before the first run, states that start at this parameter's value
     * (V_m at E_L) follow it unless set explicitly. */
    if (!sim->binst)
      for (unsigned u = 0; u < d->n_vars; u++)
        if (!p->state_set[u] && d->vars[u].def_from &&
            strcmp(d->vars[u].def_from, name) == 0)
          memcpy(p->state[u] + r.first, tmp, r.count * sizeof *tmp);
  } else {
    memcpy(p->state[s] + r.first, tmp, r.count * sizeof *tmp);
    p->state_set[s] = 1;
  }
  free(tmp);
  sim->dirty |= k >= 0 ? AP_CHANGED_PARAMS : AP_CHANGED_STATE;
  return AP_OK;
}

int ap_pop_reset(ap_sim *sim, ap_ref r) {
  int rc = sim_check_ref(sim, r);
  if (rc) return rc;
  pop *p = &sim->pops[r.pop];
  const ap_neuron_desc *d = p->d;
  sim_backend_sync(sim);
  for (unsigned v = 0; v < d->n_vars; v++) {
    int from = d->vars[v].def_from
                   ? ap_param_index(d->params, d->n_params, d->vars[v].def_from)
                   : -1;
    for (size_t i = r.first; i < r.first + r.count; i++)
      p->state[v][i] = from >= 0 && p->param[from] ? p->param[from][i]
                                                    : d->vars[v].def;
  }
  sim->dirty |= AP_CHANGED_STATE;
  return AP_OK;
}

int ap_pop_set_list(ap_sim *sim, ap_ref r, const char *name,
                    const double *values, const size_t *off) {
  int rc = sim_check_ref(sim, r);
  if (rc) return rc;
  sim_backend_sync(sim);
  pop *p = &sim->pops[r.pop];
  int k = ap_param_index(p->d->params, p->d->n_params, name);
  if (k < 0) {
    unknown_name(sim, p, name);
    return AP_EINVAL;
  }
  if (p->d->params[k].type != AP_PT_LIST)
    return sim_fail(sim, AP_EINVAL, "parameter '%s' of %s takes one value per "
                "neuron, not a list", name, p->plugin->name);
  for (size_t j = 0; j < r.count; j++)
    for (size_t i = off[j]; i < off[j + 1]; i++)
      if (ap_param_check(&p->d->params[k], p->plugin->name, values[i],
                         sim->err, sizeof sim->err)) {
        ap_append(sim->err, sizeof sim->err, " (neuron %zu)", r.first + j + 1);
        return AP_EINVAL;
      }
  /* Rebuild the population's list: neurons outside r keep theirs. */
  size_t *old_off = p->list_off[k];
  ap_real *old_val = p->list_val[k];
  size_t total = 0;
  for (size_t i = 0; i < p->n; i++)
    total += (i >= r.first && i < r.first + r.count)
                 ? off[i - r.first + 1] - off[i - r.first]
                 : old_off[i + 1] - old_off[i];
  size_t *no = malloc((p->n + 1) * sizeof *no);
  ap_real *nv = malloc((total ? total : 1) * sizeof *nv);
  if (!no || !nv) {
    free(no);
    free(nv);
    return sim_fail(sim, AP_ENOMEM, "out of memory");
  }
  size_t at = 0;
  for (size_t i = 0; i < p->n; i++) {
    no[i] = at;
    if (i >= r.first && i < r.first + r.count) {
      size_t a = off[i - r.first], b = off[i - r.first + 1];
      memcpy(nv + at, values + a, (b - a) * sizeof *nv);
      at += b - a;
    } else {
      size_t a = old_off[i], b = old_off[i + 1];
      memcpy(nv + at, old_val + a, (b - a) * sizeof *nv);
      at += b - a;
    }
  }
  no[p->n] = at;
  free(old_off);
  free(old_val);
  p->list_off[k] = no;
  p->list_val[k] = nv;
  p->lists[k].offset = no;
  p->lists[k].value = nv;
  sim->dirty |= AP_CHANGED_PARAMS;
  return AP_OK;
}

int ap_pop_get(ap_sim *sim, ap_ref r, const char *name, double *out) {
  int rc = sim_check_ref(sim, r);
  if (rc) return rc;
  pop *p = &sim->pops[r.pop];
  int k = ap_param_index(p->d->params, p->d->n_params, name);
  int s = k < 0 ? ap_var_index(p->d->vars, p->d->n_vars, name) : -1;
  if ((k < 0 && s < 0)) {
    unknown_name(sim, p, name);
    return AP_EINVAL;
  }
  if (k >= 0 && p->d->params[k].type == AP_PT_LIST)
    return sim_fail(sim, AP_EINVAL, "parameter '%s' of %s is a list per neuron "
                "and cannot be read back with get()", name, p->plugin->name);
  if (s >= 0) sim_backend_sync(sim);
  const ap_real *src = k >= 0 ? p->param[k] : p->state[s];
  memcpy(out, src + r.first, r.count * sizeof *out);
  return AP_OK;
}

static int silence(ap_sim *sim, pop *p, size_t pi, size_t idx) {
  if (!p->silenced) {
    p->silenced = calloc(p->n, 1);
    if (!p->silenced) return sim_fail(sim, AP_ENOMEM, "out of memory");
    if (sim->npops) sim->npops[pi].silenced = p->silenced;
  }
  if (!p->silenced[idx]) {
    p->silenced[idx] = 1;
    p->n_silenced++;
  }
  return AP_OK;
}

int ap_pop_lesion(ap_sim *sim, ap_ref r, const uint32_t *idx, size_t n) {
  int rc = sim_check_ref(sim, r);
  if (rc) return rc;
  pop *p = &sim->pops[r.pop];
  for (size_t k = 0; k < n; k++)
    if (idx[k] >= r.count)
      return sim_fail(sim, AP_EINVAL, "lesion: neuron %u is outside the %zu "
                  "neurons given", idx[k] + 1, r.count);
  for (size_t k = 0; k < n; k++)
    if ((rc = silence(sim, p, r.pop, r.first + idx[k]))) return rc;
  return AP_OK;
}

int ap_pop_lesion_fraction(ap_sim *sim, ap_ref r, double fraction,
                           size_t *n_out) {
  int rc = sim_check_ref(sim, r);
  if (rc) return rc;
  if (!(fraction >= 0 && fraction <= 1))
    return sim_fail(sim, AP_EINVAL, "lesion: the fraction must be in [0, 1], got "
                "%g", fraction);
  size_t k = (size_t)llround(fraction * (double)r.count);
  uint32_t *perm = malloc(r.count * sizeof *perm);
  if (!perm) return sim_fail(sim, AP_ENOMEM, "out of memory");
  for (size_t i = 0; i < r.count; i++) perm[i] = (uint32_t)i;
  /* The first k of a keyed shuffle: the same neurons for a given seed,
   * population and call count, whatever else the script does. */
  pop *p = &sim->pops[r.pop];
  ap_rng g;
  ap_rng_init(&g, sim->seed, AP_STREAM_LESION, r.pop, p->n_silenced);
  for (size_t i = 0; i < k; i++) {
    size_t j = i + (size_t)ap_rng_below(&g, r.count - i);
    uint32_t t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  rc = ap_pop_lesion(sim, r, perm, k);
  free(perm);
  if (!rc && n_out) *n_out = k;
  return rc;
}

size_t ap_pop_n_silenced(const ap_sim *sim, size_t pi) {
  if (pi >= sim->n_pops)
    return sim_bad_index(sim, __func__, "population", pi, sim->n_pops), 0;
  return sim->pops[pi].n_silenced;
}
