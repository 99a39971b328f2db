/* conform_pop.c -- one neuron population driven directly for the
 * conformance runs (see conform_pop.h).  It plays the host's part as
 * sim.c and a backend play it together: shape() at the default
 * structure, checked as the host checks it, parameters and state from
 * the tables, prepare(), then one block per step. */
#include "tools/conform_pop.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tools/conform_int.h"
#include "plugin/host.h"
#include "plugin/loader.h"
#include "base/rng.h"
#include "base/strutil.h"

uint64_t cf_hash(uint64_t h, const void *data, size_t n) {
  const unsigned char *b = data;
  for (size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

void cf_arrays_free(ap_real **a, unsigned k) {
  if (!a) return;
  for (unsigned j = 0; j < k; j++) free(a[j]);
  free(a);
}

ap_real **cf_arrays_new(unsigned k, size_t n) {
  ap_real **a = calloc(k ? k : 1, sizeof *a);
  if (!a) return NULL;
  for (unsigned j = 0; j < k; j++)
    if (!(a[j] = calloc(n ? n : 1, sizeof **a))) {
      cf_arrays_free(a, j);
      return NULL;
    }
  return a;
}

void cf_pop_close(cf_pop *p) {
  if (!p->pd) return;
  const ap_neuron_desc *base = p->pd->desc;
  if (p->prepared && p->d->release) p->d->release(p->inst);
  unsigned np = p->d->n_params, nv = p->d->n_vars, nq = p->d->n_ports;
  cf_arrays_free(p->param, np);
  cf_arrays_free(p->state, nv);
  cf_arrays_free(p->init, nv);
  cf_arrays_free(p->input, nq);
  free(p->lists);
  free(p->loff);
  free(p->spk);
  free(p->mult);
  if (p->has_shape && base->release_shape) base->release_shape(&p->shape);
  memset(p, 0, sizeof *p);
}

/* The layout of shape() at the default structure, checked as the host
 * checks a shape. */
static int open_shape(cf_pop *p, const ap_neuron_desc *d, char *err,
                      size_t err_size) {
  ap_real *st = calloc(d->n_params ? d->n_params : 1, sizeof *st);
  if (!st) {
    ap_fmt(err, err_size, "out of memory");
    return AP_ENOMEM;
  }
  for (unsigned k = 0; k < d->n_params; k++) st[k] = d->params[k].def;
  char msg[512] = "";
  memset(&p->shape, 0, sizeof p->shape);
  p->shape.size = sizeof p->shape;
  p->shape.dt = p->dt;
  int rc = d->shape(&p->shape, st, msg, sizeof msg);
  free(st);
  if (rc) {
    ap_fmt(err, err_size, "shape() refuses the default structure: %s",
           msg[0] ? msg : "(it gives no reason)");
    return rc;
  }
  p->has_shape = 1;
  rc = ap_check_neuron_shape(p->pd->name, d, &p->shape, err, err_size);
  if (rc) return rc;
  p->shaped = *d;
  p->shaped.compartments = p->shape.compartments;
  p->shaped.n_compartments = p->shape.n_compartments;
  p->shaped.vars = p->shape.vars;
  p->shaped.n_vars = p->shape.n_vars;
  p->shaped.ports = p->shape.ports;
  p->shaped.n_ports = p->shape.n_ports;
  p->d = &p->shaped;
  return AP_OK;
}

int cf_pop_open(cf_pop *p, const ap_plugin_desc *pd, size_t n, double dt,
                char *err, size_t err_size) {
  memset(p, 0, sizeof *p);
  const ap_neuron_desc *d = pd->desc;
  p->pd = pd;
  p->d = d;
  p->n = n;
  p->dt = dt;
  p->hash = CF_HASH0;
  if (AP_HAS_FIELD(d, ap_neuron_desc, shape) && d->shape) {
    int rc = open_shape(p, d, err, err_size);
    if (rc) {
      cf_pop_close(p);
      return rc;
    }
    d = p->d;
  }
  p->param = cf_arrays_new(d->n_params, n);
  p->state = cf_arrays_new(d->n_vars, n);
  p->init = cf_arrays_new(d->n_vars, n);
  p->input = cf_arrays_new(d->n_ports, n);
  p->lists = calloc(d->n_params ? d->n_params : 1, sizeof *p->lists);
  p->loff = calloc(n + 1, sizeof *p->loff);
  p->spk = calloc(n ? n : 1, sizeof *p->spk);
  p->mult = calloc(n ? n : 1, sizeof *p->mult);
  if (!p->param || !p->state || !p->init || !p->input || !p->lists ||
      !p->loff || !p->spk || !p->mult) {
    cf_pop_close(p);
    ap_fmt(err, err_size, "out of memory for %zu neurons", n);
    return AP_ENOMEM;
  }
  for (unsigned k = 0; k < d->n_params; k++) {
    const ap_param_desc *q = &d->params[k];
    for (size_t i = 0; i < n; i++)
      p->param[k][i] = q->type == AP_PT_LIST ? 0.0 : q->def;
    if (q->type == AP_PT_LIST) {
      p->lists[k].offset = p->loff;
      p->lists[k].value = &p->lnone;
    }
  }
  for (unsigned v = 0; v < d->n_vars; v++) {
    const ap_var_desc *vd = &d->vars[v];
    int k = vd->def_from ? ap_param_index(d->params, d->n_params,
                                          vd->def_from)
                         : -1;
    for (size_t i = 0; i < n; i++)
      p->state[v][i] = p->init[v][i] = k >= 0 ? p->param[k][i] : vd->def;
  }
  return AP_OK;
}

int cf_pop_prepare(cf_pop *p) {
  if (p->prepared && p->d->release) p->d->release(p->inst);
  p->inst = NULL;
  p->prepared = 0;
  p->err[0] = '\0';
  if (!p->d->prepare) {
    p->prepared = 1;
    return AP_OK;
  }
  ap_neuron_pop pop = {
      .size = sizeof(ap_neuron_pop),
      .n = p->n,
      .gid0 = 0,
      .seed = CF_SEED,
      .stream = CF_STREAM_POP,
      .dt = p->dt,
      .param = (const ap_real *const *)p->param,
      .state = p->state,
      .lists = p->lists,
      .host = ap_host_services(),
  };
  void *inst = NULL;
  int rc = p->d->prepare(&inst, &pop, p->err, sizeof p->err);
  if (rc) {
    if (!p->err[0])
      ap_fmt(p->err, sizeof p->err,
             "prepare() returned status %d without a reason", rc);
    return rc;
  }
  p->inst = inst;
  p->prepared = 1;
  return AP_OK;
}

int cf_pop_step(cf_pop *p, int64_t step, int64_t window_step) {
  const ap_neuron_desc *d = p->d;
  ap_neuron_block b = {
      .size = sizeof(ap_neuron_block),
      .first = 0,
      .n = p->n,
      .step = step,
      .dt = p->dt,
      .gid0 = 0,
      .seed = CF_SEED,
      .stream = CF_STREAM_POP,
      .state = p->state,
      .param = (const ap_real *const *)p->param,
      .input = (const ap_real *const *)p->input,
      .lists = p->lists,
      .inst = p->inst,
      .host = ap_host_services(),
      .spiked = p->spk,
      .n_spiked = 0,
      .mult = p->mult,
      .has_mult = 0,
      .window_step = window_step,
  };
  p->n_spk = 0;
  p->has_mult = 0;
  char why[512] = "";
  int rc = d->update(&b, why, sizeof why);
  for (unsigned q = 0; q < d->n_ports; q++)
    memset(p->input[q], 0, p->n * sizeof **p->input);
  if (rc) {
    ap_fmt(p->err, sizeof p->err, "update() returned status %d in step %lld: "
           "%s", rc, (long long)step + 1, why[0] ? why : "no reason given");
    return rc;
  }
  if (b.n_spiked > p->n) {
    ap_fmt(p->err, sizeof p->err,
           "update() reported %zu spikes of %zu neurons in step %lld",
           b.n_spiked, p->n, (long long)step + 1);
    return AP_EPLUGIN;
  }
  for (size_t k = 0; k < b.n_spiked; k++) {
    if (p->spk[k] >= p->n || (k && p->spk[k] <= p->spk[k - 1])) {
      ap_fmt(p->err, sizeof p->err,
             "update() reported spiked[%zu] = %u in step %lld (indices must "
             "ascend, each below %zu)",
             k, p->spk[k], (long long)step + 1, p->n);
      return AP_EPLUGIN;
    }
    if (b.has_mult && p->mult[k] == 0) {
      ap_fmt(p->err, sizeof p->err,
             "update() reported mult[%zu] = 0 in step %lld", k,
             (long long)step + 1);
      return AP_EPLUGIN;
    }
    uint32_t rec[3] = {(uint32_t)step, p->spk[k], b.has_mult ? p->mult[k] : 1};
    p->spikes += rec[2];
    p->hash = cf_hash(p->hash, rec, sizeof rec);
  }
  p->n_spk = b.n_spiked;
  p->has_mult = b.has_mult;
  return AP_OK;
}

/* A weight for a port of this type and sign, from x uniform in [0, 1).
 * Inhibitory ports (sign -1) get a quarter of the amplitude, so that
 * excitation wins and the neurons spike (reset and refractory paths run
 * too) rather than sit where balanced input holds them. */
static double port_weight(const ap_port_desc *q, double x) {
  double a = q->type == AP_PORT_CONDUCTANCE ? CF_AMP_CONDUCTANCE
             : q->type == AP_PORT_VOLTAGE   ? CF_AMP_VOLTAGE
                                            : CF_AMP_CURRENT;
  if (q->sign < 0) a *= CF_INHIBITORY;
  if (q->type == AP_PORT_CONDUCTANCE || q->sign > 0) return a * x;
  if (q->sign < 0) return -a * x;
  return a * (2.0 * x - 1.0); /* a port of either sign */
}

void cf_pop_input(cf_pop *p, unsigned port, int64_t step) {
  static const double scale[4] = {10.0, 1.0, 0.1, 0.01};
  const double k = scale[(step / CF_SCALE_STEPS) % 4];
  const ap_port_desc *q = &p->d->ports[port];
  for (size_t i = 0; i < p->n; i++) {
    ap_rng r;
    ap_rng_init(&r, CF_SEED, CF_STREAM_INPUT + port, i, (uint64_t)step);
    if (ap_rng_uniform(&r) < CF_P_INPUT)
      p->input[port][i] += k * port_weight(q, ap_rng_uniform(&r));
  }
}

int cf_pop_bad(const cf_pop *p, int64_t steps, char *why, size_t n) {
  for (unsigned v = 0; v < p->d->n_vars; v++)
    for (size_t i = 0; i < p->n; i++) {
      double x = p->state[v][i];
      if (isnan(x) || (isinf(x) && x != p->init[v][i])) {
        char a[32];
        ap_fmt(why, n, "state variable '%s' of neuron %zu is %s after %lld "
               "step%s", p->d->vars[v].name, i + 1, cf_num(a, sizeof a, x),
               (long long)steps, steps == 1 ? "" : "s");
        return 1;
      }
    }
  return 0;
}

int cf_pop_differ(const cf_pop *a, const cf_pop *b, char *why, size_t n) {
  for (unsigned v = 0; v < a->d->n_vars; v++)
    for (size_t i = 0; i < a->n; i++)
      if (memcmp(&a->state[v][i], &b->state[v][i], sizeof(ap_real))) {
        char x[32], y[32];
        ap_fmt(why, n, "state variable '%s' of neuron %zu: %s vs %s",
               a->d->vars[v].name, i + 1,
               cf_num(x, sizeof x, a->state[v][i]),
               cf_num(y, sizeof y, b->state[v][i]));
        return 1;
      }
  return 0;
}
