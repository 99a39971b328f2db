/* modulator.c -- neuromodulators: levels that decay to a baseline, are
 * released by spikes or by the script, and scale parameters. */
#include "net/sim_int.h"

int ap_sim_modulator(ap_sim *sim, const char *name, double tau_ms,
                     double baseline, size_t *out) {
  if (!name || !*name)
    return sim_fail(sim, AP_EINVAL, "a modulator needs a name");
  for (size_t i = 0; i < sim->n_mods; i++)
    if (!strcmp(sim->mods[i].name, name))
      return sim_fail(sim, AP_EINVAL, "modulator '%s' exists already", name);
  if (!(tau_ms > 0) || !isfinite(tau_ms))
    return sim_fail(sim, AP_EINVAL, "modulator '%s': tau must be > 0 ms, got %g",
                name, tau_ms);
  if (!isfinite(baseline))
    return sim_fail(sim, AP_EINVAL, "modulator '%s': baseline must be a finite "
                "number", name);
  mod *m = realloc(sim->mods, (sim->n_mods + 1) * sizeof *m);
  if (!m) return sim_fail(sim, AP_ENOMEM, "out of memory");
  sim->mods = m;
  double *l = realloc(sim->levels, (sim->n_mods + 1) * sizeof *l);
  if (!l) return sim_fail(sim, AP_ENOMEM, "out of memory");
  sim->levels = l;
  char *nm = ap_strdup(name);
  if (!nm) return sim_fail(sim, AP_ENOMEM, "out of memory");
  m[sim->n_mods] = (mod){nm, tau_ms, baseline, 0};
  l[sim->n_mods] = baseline;
  *out = sim->n_mods++;
  return AP_OK;
}

size_t ap_sim_n_mods(const ap_sim *sim) { return sim->n_mods; }
const char *ap_mod_name(const ap_sim *sim, size_t m) {
  if (m >= sim->n_mods)
    return sim_bad_index(sim, __func__, "modulator", m, sim->n_mods), NULL;
  return sim->mods[m].name;
}
double ap_mod_level(const ap_sim *sim, size_t m) {
  if (m >= sim->n_mods)
    return sim_bad_index(sim, __func__, "modulator", m, sim->n_mods), NAN;
  return sim->levels[m];
}

int ap_mod_release(ap_sim *sim, size_t m, double amount) {
  if (m >= sim->n_mods) return sim_fail(sim, AP_EINVAL, "no modulator %zu", m + 1);
  if (!isfinite(amount))
    return sim_fail(sim, AP_EINVAL, "modulator '%s': the amount released must be "
                "a finite number", sim->mods[m].name);
  sim->levels[m] += amount;
  return AP_OK;
}

int ap_mod_connect(ap_sim *sim, ap_ref pre, size_t m, double weight) {
  int rc = sim_check_ref(sim, pre);
  if (rc) return rc;
  if (m >= sim->n_mods) return sim_fail(sim, AP_EINVAL, "no modulator %zu", m + 1);
  if (!isfinite(weight))
    return sim_fail(sim, AP_EINVAL, "modulator '%s': weight must be a finite "
                "number", sim->mods[m].name);
  mod_drive *d = realloc(sim->drives, (sim->n_drives + 1) * sizeof *d);
  if (!d) return sim_fail(sim, AP_ENOMEM, "out of memory");
  sim->drives = d;
  d[sim->n_drives++] = (mod_drive){pre, m, weight, NULL};
  return AP_OK;
}

int ap_mod_connect_each(ap_sim *sim, ap_ref pre, size_t m,
                        const double *weights) {
  int rc = sim_check_ref(sim, pre);
  if (rc) return rc;
  if (m >= sim->n_mods) return sim_fail(sim, AP_EINVAL, "no modulator %zu", m + 1);
  for (size_t i = 0; i < pre.count; i++)
    if (!isfinite(weights[i]))
      return sim_fail(sim, AP_EINVAL, "modulator '%s': weight %zu must be a "
                      "finite number", sim->mods[m].name, i + 1);
  double *each = malloc((pre.count ? pre.count : 1) * sizeof *each);
  if (!each) return sim_fail(sim, AP_ENOMEM, "out of memory");
  memcpy(each, weights, pre.count * sizeof *each);
  mod_drive *d = realloc(sim->drives, (sim->n_drives + 1) * sizeof *d);
  if (!d) {
    free(each);
    return sim_fail(sim, AP_ENOMEM, "out of memory");
  }
  sim->drives = d;
  d[sim->n_drives++] = (mod_drive){pre, m, 0.0, each};
  return AP_OK;
}

int ap_pop_modulate(ap_sim *sim, ap_ref r, const char *param, size_t m,
                    double gain) {
  int rc = sim_check_ref(sim, r);
  if (rc) return rc;
  if (m >= sim->n_mods) return sim_fail(sim, AP_EINVAL, "no modulator %zu", m + 1);
  pop *p = &sim->pops[r.pop];
  int k = ap_param_index(p->d->params, p->d->n_params, param);
  if (k < 0 || p->d->params[k].type != AP_PT_REAL) {
    ap_fmt(sim->err, sizeof sim->err, "%s has no real parameter '%s' to "
           "modulate; parameters:", p->plugin->name, param);
    for (unsigned j = 0; j < p->d->n_params; j++)
      if (p->d->params[j].type == AP_PT_REAL)
        ap_append(sim->err, sizeof sim->err, " %s", p->d->params[j].name);
    return AP_EINVAL;
  }
  if (!isfinite(gain))
    return sim_fail(sim, AP_EINVAL, "modulation gain must be a finite number");
  for (size_t i = 0; i < sim->n_modulations; i++) {
    const modulation *o = &sim->modulations[i];
    if (o->r.pop == r.pop && o->param == k && o->r.first < r.first + r.count &&
        r.first < o->r.first + o->r.count)
      return sim_fail(sim, AP_EINVAL, "parameter '%s' of neurons %zu..%zu of "
                  "population %zu is modulated already", param, r.first + 1,
                  r.first + r.count, r.pop + 1);
  }
  modulation *mm =
      realloc(sim->modulations, (sim->n_modulations + 1) * sizeof *mm);
  if (!mm) return sim_fail(sim, AP_ENOMEM, "out of memory");
  sim->modulations = mm;
  double *base = malloc(r.count * sizeof *base);
  if (!base) return sim_fail(sim, AP_ENOMEM, "out of memory");
  memcpy(base, p->param[k] + r.first, r.count * sizeof *base);
  mm[sim->n_modulations++] = (modulation){r, k, m, gain, base};
  return AP_OK;
}

/* Scale the modulated parameters by the modulators' present levels.
 * Returns whether anything changed (the backend must then reload). */
int sim_apply_modulations(ap_sim *sim) {
  int changed = 0;
  for (size_t i = 0; i < sim->n_modulations; i++) {
    const modulation *o = &sim->modulations[i];
    double f = 1.0 + o->gain * (sim->levels[o->mod] - sim->mods[o->mod].baseline);
    ap_real *v = sim->pops[o->r.pop].param[o->param] + o->r.first;
    for (size_t j = 0; j < o->r.count; j++) {
      double x = o->base[j] * f;
      if (v[j] != x) {
        v[j] = x;
        changed = 1;
      }
    }
  }
  return changed;
}
