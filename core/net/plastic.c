/* plastic.c -- learning rules bound to projections (see plastic.h). */
#include "net/plastic.h"

#include <stdlib.h>
#include <string.h>

#include "plugin/host.h"
#include "base/strutil.h"

static unsigned n_rule_mods(const ap_rule_desc *d) {
  return AP_HAS_FIELD(d, ap_rule_desc, n_modulators) ? d->n_modulators : 0;
}

static ap_real **var_arrays(const ap_var_desc *v, unsigned nv, size_t n) {
  ap_real **a = calloc(nv ? nv : 1, sizeof *a);
  if (!a) return NULL;
  for (unsigned k = 0; k < nv; k++) {
    a[k] = malloc((n ? n : 1) * sizeof **a);
    if (!a[k]) {
      for (unsigned j = 0; j < k; j++) free(a[j]);
      free(a);
      return NULL;
    }
    for (size_t i = 0; i < n; i++) a[k][i] = v[k].def;
  }
  return a;
}

static void free_arrays(ap_real **a, unsigned nv) {
  if (!a) return;
  for (unsigned k = 0; k < nv; k++) free(a[k]);
  free(a);
}

ap_plastic *ap_plastic_new(const ap_plugin *rule, const char *const *keys,
                           const double *values, size_t n_keys,
                           const size_t *mods, unsigned n_mods, size_t n_syn,
                           size_t n_post, char *err, size_t err_size) {
  const ap_rule_desc *d = rule->desc->desc;
  unsigned want = n_rule_mods(d);
  const int up_to = AP_HAS_FIELD(d, ap_rule_desc, flags) &&
                    (d->flags & AP_RULE_MODULATORS_UP_TO);
  if (up_to && (n_mods < 1 || n_mods > want)) {
    ap_fmt(err, err_size, "learning rule %s reads 1 to %u modulators; name "
           "them with modulator = { m1, m2, ... } (%u given)", rule->name,
           want, n_mods);
    return NULL;
  }
  if (!up_to && n_mods != want) {
    if (want == 0)
      ap_fmt(err, err_size, "learning rule %s reads no modulator; remove "
             "'modulator' from the synapse spec", rule->name);
    else
      ap_fmt(err, err_size, "learning rule %s reads %u modulator%s; name %s "
             "with modulator = %s", rule->name, want, want == 1 ? "" : "s",
             want == 1 ? "it" : "them",
             want == 1 ? "ap.modulator(...)" : "{ m1, m2, ... }");
    return NULL;
  }
  ap_plastic *p = calloc(1, sizeof *p);
  if (!p) goto nomem;
  p->plugin = rule;
  p->d = d;
  p->ctx.size = sizeof p->ctx;
  p->n_syn = n_syn;
  p->n_post = n_post;
  p->param = calloc(d->n_params ? d->n_params : 1, sizeof *p->param);
  if (!p->param) goto nomem;
  for (unsigned k = 0; k < d->n_params; k++) p->param[k] = d->params[k].def;
  for (size_t i = 0; i < n_keys; i++) {
    int k = ap_param_index(d->params, d->n_params, keys[i]);
    if (k < 0) {
      ap_fmt(err, err_size, "learning rule %s has no parameter '%s'; "
             "parameters:", rule->name, keys[i]);
      for (unsigned j = 0; j < d->n_params; j++)
        ap_append(err, err_size, "%s %s", j ? "," : "", d->params[j].name);
      ap_plastic_free(p);
      return NULL;
    }
    if (ap_param_check(&d->params[k], rule->name, values[i], err, err_size)) {
      ap_plastic_free(p);
      return NULL;
    }
    p->param[k] = values[i];
  }
  p->syn_state = var_arrays(d->syn_vars, d->n_syn_vars, n_syn);
  p->post_state = var_arrays(d->post_vars, d->n_post_vars, n_post);
  p->mods = malloc((n_mods ? n_mods : 1) * sizeof *p->mods);
  p->mod_val = calloc(n_mods ? n_mods : 1, sizeof *p->mod_val);
  if (!p->syn_state || !p->post_state || !p->mods || !p->mod_val) goto nomem;
  if (n_mods) memcpy(p->mods, mods, n_mods * sizeof *mods);
  p->n_mods = n_mods;
  ap_rule_ctx *c = &p->ctx;
  c->param = p->param;
  c->syn_state = p->syn_state;
  c->post_state = p->post_state;
  c->modulators = p->mod_val;
  c->host = ap_host_services();
  c->n_syn = n_syn;
  c->n_post = n_post;
  c->n_modulators = n_mods;
  return p;
nomem:
  ap_fmt(err, err_size, "out of memory for the state of learning rule %s "
         "(%zu synapses)", rule->name, n_syn);
  ap_plastic_free(p);
  return NULL;
}

void ap_plastic_free(ap_plastic *p) {
  if (!p) return;
  if (p->prepared && AP_HAS_FIELD(p->d, ap_rule_desc, release) &&
      p->d->release && p->ctx.inst)
    p->d->release(p->ctx.inst);
  free(p->param);
  free_arrays(p->syn_state, p->d->n_syn_vars);
  free_arrays(p->post_state, p->d->n_post_vars);
  free(p->mods);
  free(p->mod_val);
  free(p);
}

void ap_plastic_bind(ap_plastic *p, ap_weight *weight, const uint32_t *target,
                     uint32_t target_mask, double dt) {
  p->ctx.weight = weight;
  p->ctx.target = target;
  p->ctx.target_mask = target_mask;
  p->ctx.dt = dt;
}

int ap_plastic_prepare(ap_plastic *p, double t, char *err, size_t err_size) {
  if (p->prepared) return AP_OK;
  p->ctx.t = t;
  if (AP_HAS_FIELD(p->d, ap_rule_desc, prepare) && p->d->prepare) {
    char msg[512] = "";
    void *inst = NULL;
    int rc = p->d->prepare(&inst, &p->ctx, msg, sizeof msg);
    if (rc) {
      ap_fmt(err, err_size, "learning rule %s: %s", p->plugin->name,
             msg[0] ? msg : "its parameters were refused");
      return rc;
    }
    p->ctx.inst = inst;
  }
  p->prepared = 1;
  return AP_OK;
}

void ap_plastic_step(ap_plastic *p, int64_t step, const double *levels,
                     int64_t window_step) {
  if (!p->d->on_step) return;
  for (unsigned k = 0; k < p->n_mods; k++) p->mod_val[k] = levels[p->mods[k]];
  p->ctx.step = step;
  p->ctx.window_step = window_step;
  p->ctx.t = (double)(step + 1) * p->ctx.dt;
  p->d->on_step(&p->ctx);
}

void ap_plastic_flush(ap_plastic *p, double t) {
  if (!p->prepared || !AP_HAS_FIELD(p->d, ap_rule_desc, flush) ||
      !p->d->flush)
    return;
  p->ctx.t = t;
  p->d->flush(&p->ctx);
}

size_t ap_plastic_bytes(const ap_plastic *p) {
  return p->d->n_syn_vars * sizeof(ap_real);
}

void ap_plastic_spikes(ap_plastic *p, int64_t step, int64_t window_step,
                       const uint32_t *idx, const uint32_t *mult, size_t n) {
  if (!AP_HAS_FIELD(p->d, ap_rule_desc, on_spikes) || !p->d->on_spikes)
    return;
  p->ctx.step = step;
  p->ctx.t = (double)(step + 1) * p->ctx.dt;
  p->ctx.window_step = window_step;
  p->d->on_spikes(&p->ctx, idx, mult, n);
}

void ap_plastic_phase(ap_plastic *p, const ap_phase_event *e) {
  p->ctx.phase = e;
  if (!AP_HAS_FIELD(p->d, ap_rule_desc, on_phase) || !p->d->on_phase) return;
  p->ctx.step = e->first_step + e->steps - 1;
  p->ctx.t = (double)(e->kind == AP_PHASE_BEGIN ? e->first_step
                                                 : e->first_step + e->steps) *
             p->ctx.dt;
  p->ctx.window_step = -1;
  p->d->on_phase(&p->ctx, e);
}
