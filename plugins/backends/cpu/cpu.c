/* cpu.c -- the reference backend: runs the network on the host CPU.
 *
 * Per step: every population is advanced by its neuron plugin as one block
 * reading the input slot of that step, the slot is cleared, then the
 * spikes of the step are delivered through the compressed rows into the
 * ring buffers of their targets (slot step + delay) and reported to the
 * host.  Neuron state lives in the host's arrays, so no sync is needed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apical_plugin.h"
#include "ringbuf.h"

typedef struct cpu_pop {
  void *inst;
  ap_ring *rings;        /* one per port */
  const ap_real **input; /* per port, the current slot */
  uint32_t *spiked, *mult;
  size_t n_spiked;
  int has_mult;
  size_t *out;           /* projections leaving this population */
  size_t n_out;
} cpu_pop;

typedef struct cpu {
  const ap_net *net;
  cpu_pop *pops;
  ap_weight *wbuf;       /* transmit() output, longest row */
  size_t wbuf_len;
  ap_real **sbuf;        /* transmit() state pointers, most variables */
} cpu;

static const ap_param_desc cpu_params[] = {
    {"threads", "1",
     "worker threads requested (this backend runs on one; results never "
     "depend on the thread count)",
     AP_PT_INT, 1, 0, 4096, 0, NULL},
};

static void release_pops(cpu *c) {
  const ap_net *net = c->net;
  for (size_t i = 0; i < net->n_pops; i++) {
    cpu_pop *p = &c->pops[i];
    if (p->inst && net->pops[i].desc->release) net->pops[i].desc->release(p->inst);
    p->inst = NULL;
  }
}

static int prepare_pops(cpu *c, char *err, size_t err_size) {
  const ap_net *net = c->net;
  for (size_t i = 0; i < net->n_pops; i++) {
    const ap_net_pop *q = &net->pops[i];
    if (!q->desc->prepare) continue;
    char msg[512] = "";
    ap_neuron_pop np = {q->n,  q->gid0,   net->seed, q->stream,
                        net->dt, (const ap_real *const *)q->param,
                        q->state, q->lists, net->host, msg, sizeof msg};
    int rc = q->desc->prepare(&c->pops[i].inst, &np);
    if (rc) {
      snprintf(err, err_size, "population %zu (%s): %s", i + 1, q->model,
               msg[0] ? msg : "its parameters were refused");
      return rc;
    }
  }
  return AP_OK;
}

static void cpu_destroy(void *vc) {
  cpu *c = vc;
  if (!c) return;
  if (c->pops) {
    release_pops(c);
    for (size_t i = 0; i < c->net->n_pops; i++) {
      cpu_pop *p = &c->pops[i];
      if (p->rings)
        for (unsigned k = 0; k < c->net->pops[i].desc->n_ports; k++)
          ap_ring_free(&p->rings[k]);
      free(p->rings);
      free(p->input);
      free(p->spiked);
      free(p->mult);
      free(p->out);
    }
  }
  free(c->pops);
  free(c->wbuf);
  free(c->sbuf);
  free(c);
}

static int cpu_create(void **out, const ap_net *net, const ap_real *settings,
                      const char *const *strings, char *err, size_t err_size) {
  cpu *c = calloc(1, sizeof *c);
  if (!c) return AP_ENOMEM;
  c->net = net;
  c->pops = calloc(net->n_pops ? net->n_pops : 1, sizeof *c->pops);
  if (!c->pops) goto nomem;
  unsigned len = net->max_delay + 1;
  for (size_t i = 0; i < net->n_pops; i++) {
    const ap_net_pop *q = &net->pops[i];
    cpu_pop *p = &c->pops[i];
    unsigned np = q->desc->n_ports;
    p->rings = calloc(np ? np : 1, sizeof *p->rings);
    p->input = calloc(np ? np : 1, sizeof *p->input);
    p->spiked = malloc(q->n * sizeof *p->spiked);
    p->mult = malloc(q->n * sizeof *p->mult);
    p->out = malloc((net->n_projs ? net->n_projs : 1) * sizeof *p->out);
    if (!p->rings || !p->input || !p->spiked || !p->mult || !p->out)
      goto nomem;
    for (unsigned k = 0; k < np; k++)
      if (ap_ring_init(&p->rings[k], q->n, len)) goto nomem;
    for (size_t j = 0; j < net->n_projs; j++)
      if (net->projs[j].pre == i) p->out[p->n_out++] = j;
  }
  for (size_t j = 0; j < net->n_projs; j++) {
    const ap_net_proj *pr = &net->projs[j];
    if (!pr->syn->transmit) continue;
    size_t npre = net->pops[pr->pre].n;
    for (size_t i = 0; i < npre; i++)
      if (pr->row[i + 1] - pr->row[i] > c->wbuf_len)
        c->wbuf_len = pr->row[i + 1] - pr->row[i];
  }
  unsigned max_vars = 1;
  for (size_t j = 0; j < net->n_projs; j++)
    if (net->projs[j].syn->n_vars > max_vars)
      max_vars = net->projs[j].syn->n_vars;
  c->wbuf = malloc((c->wbuf_len ? c->wbuf_len : 1) * sizeof *c->wbuf);
  c->sbuf = malloc(max_vars * sizeof *c->sbuf);
  if (!c->wbuf || !c->sbuf) goto nomem;
  int rc = prepare_pops(c, err, err_size);
  if (rc) {
    cpu_destroy(c);
    return rc;
  }
  *out = c;
  return AP_OK;
nomem:
  snprintf(err, err_size, "out of memory for the network's buffers");
  cpu_destroy(c);
  return AP_ENOMEM;
}

static int cpu_reload(void *vc, char *err, size_t err_size) {
  cpu *c = vc;
  release_pops(c);
  return prepare_pops(c, err, err_size);
}

/* Deliver the spikes of population `i` at `step` through its projections. */
static void deliver(cpu *c, size_t i, int64_t step) {
  const ap_net *net = c->net;
  cpu_pop *p = &c->pops[i];
  double t_spike = (double)(step + 1) * net->dt;
  for (size_t o = 0; o < p->n_out; o++) {
    const ap_net_proj *pr = &net->projs[p->out[o]];
    ap_ring *ring = &c->pops[pr->post].rings[pr->port];
    for (size_t k = 0; k < p->n_spiked; k++) {
      uint32_t src = p->spiked[k];
      size_t a = pr->row[src], b = pr->row[src + 1];
      if (a == b) continue;
      double m = p->has_mult ? (double)p->mult[k] : 1.0;
      const ap_weight *w = pr->weight + a;
      if (pr->syn->transmit) {
        for (unsigned v = 0; v < pr->syn->n_vars; v++)
          c->sbuf[v] = pr->syn_state[v] + a;
        ap_syn_row row = {b - a, a, w, c->sbuf, pr->syn_param, t_spike,
                          c->wbuf, NULL, net->host};
        pr->syn->transmit(&row);
        w = c->wbuf;
      }
      for (size_t s = a; s < b; s++)
        ap_ring_add(ring, step + pr->delay[s], pr->target[s], m * w[s - a]);
    }
  }
}

static int cpu_run(void *vc, int64_t step0, int64_t n, char *err,
                   size_t err_size) {
  cpu *c = vc;
  const ap_net *net = c->net;
  for (int64_t step = step0; step < step0 + n; step++) {
    for (size_t i = 0; i < net->n_pops; i++) {
      const ap_net_pop *q = &net->pops[i];
      cpu_pop *p = &c->pops[i];
      for (unsigned k = 0; k < q->desc->n_ports; k++)
        p->input[k] = ap_ring_slot(&p->rings[k], step);
      ap_neuron_block b = {0, q->n, step, net->dt, q->gid0, net->seed,
                           q->stream, q->state,
                           (const ap_real *const *)q->param,
                           (const ap_real *const *)p->input, q->lists,
                           p->inst, net->host, p->spiked, 0, p->mult, 0};
      int rc = q->desc->update(&b);
      if (rc) {
        snprintf(err, err_size, "population %zu (%s) failed at t = %g ms "
                 "(status %d)", i + 1, q->model, (double)step * net->dt, rc);
        return rc;
      }
      if (b.n_spiked > q->n) {
        snprintf(err, err_size, "population %zu (%s) reported %zu spikes "
                 "from %zu neurons at t = %g ms", i + 1, q->model, b.n_spiked,
                 q->n, (double)step * net->dt);
        return AP_EPLUGIN;
      }
      p->n_spiked = b.n_spiked;
      p->has_mult = b.has_mult;
      for (unsigned k = 0; k < q->desc->n_ports; k++)
        ap_ring_clear(&p->rings[k], step);
    }
    for (size_t i = 0; i < net->n_pops; i++) {
      cpu_pop *p = &c->pops[i];
      if (!p->n_spiked) continue;
      deliver(c, i, step);
      net->spikes(net->ctx, i, step, p->spiked, p->has_mult ? p->mult : NULL,
                  p->n_spiked);
    }
    net->step_done(net->ctx, step);
  }
  return AP_OK;
}

static size_t cpu_synapse_bytes(void *vc) {
  cpu *c = vc;
  size_t bytes = 0;
  for (size_t j = 0; j < c->net->n_projs; j++) {
    const ap_net_proj *pr = &c->net->projs[j];
    bytes += pr->n_syn * (sizeof *pr->target + sizeof *pr->weight +
                          sizeof *pr->delay);
    bytes += (c->net->pops[pr->pre].n + 1) * sizeof *pr->row;
  }
  return bytes;
}

static int pending(cpu *c, size_t pop, unsigned port, int64_t step) {
  const ap_net *net = c->net;
  if (pop >= net->n_pops || port >= net->pops[pop].desc->n_ports || step < 0)
    return AP_EINVAL;
  return AP_OK;
}

static int cpu_pending_get(void *vc, size_t pop, unsigned port, int64_t step,
                           double *out) {
  cpu *c = vc;
  int rc = pending(c, pop, port, step);
  if (rc) return rc;
  memcpy(out, ap_ring_slot(&c->pops[pop].rings[port], step),
         c->net->pops[pop].n * sizeof *out);
  return AP_OK;
}

static int cpu_pending_add(void *vc, size_t pop, unsigned port, int64_t step,
                           const double *in) {
  cpu *c = vc;
  int rc = pending(c, pop, port, step);
  if (rc) return rc;
  double *slot = ap_ring_slot(&c->pops[pop].rings[port], step);
  for (size_t i = 0; i < c->net->pops[pop].n; i++) slot[i] += in[i];
  return AP_OK;
}

static const ap_backend_desc cpu_desc = {
    sizeof(ap_backend_desc), cpu_params,      1,
    cpu_create,              cpu_run,         NULL,
    cpu_reload,              cpu_synapse_bytes, cpu_destroy,
    cpu_pending_get,         cpu_pending_add};

static const ap_plugin_desc plugins[] = {
    {sizeof(ap_plugin_desc), AP_KIND_BACKEND, "cpu", "1.0",
     "reference backend: double-precision state, exact delays, on the host CPU",
     "cpu -- the reference backend.\n"
     "\n"
     "Each step of dt advances every population with its neuron plugin,\n"
     "then delivers the step's spikes through compressed synapse rows into\n"
     "per-port ring buffers (one slot per step of delay).  A spike stamped\n"
     "t and sent with delay d takes effect at t + d.  Random numbers are\n"
     "keyed by seed and identity, so results are reproducible exactly.\n"
     "\n"
     "Settings: threads (accepted; this version runs on one thread).\n",
     &cpu_desc},
};

AP_PLUGIN(plugins)
