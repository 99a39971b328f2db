/* neuromorphic.c -- runs the network on an emulated neuromorphic chip.
 *
 * The chip is a profile (chips/NAME.cfg, `--set chip=NAME`).  Before the
 * run every population and projection is lowered to the chip's integers
 * (lowering.c) and placed on cores (mapping.c); what the chip cannot do is
 * refused then, all reasons at once.  The run is integer arithmetic, one
 * thread, deterministic.  A chip tick spans k = tick / dt steps of the
 * run (k = 1 where the profile's tick is 0, as on Loihi); per tick:
 *
 *   1. every neuron on the chip: for each current port p
 *        u_p <- fit(decay(u_p, keep_u) + input of port p, u_bits)
 *      then, unless refractory,
 *        v <- fit(decay(v, keep_v) + sum_p u_p + delta input + bias, v_bits)
 *      spike when v > vth (>= on chips that say so): v = 0, refractory;
 *   2. its spikes go to the host (stamped at the tick's end) and through
 *      the synapses into the input rings, slot tick + delay (+ 1 for a
 *      current port, so that the chip's u-then-v order reproduces the
 *      exact integration of the cpu backend);
 *   3. learning: on_pre before a row is delivered, on_post after, as on
 *      cpu; each weight a rule touches is put back on the chip's grid
 *      (stochastic rounding), and the rule sees that weight.
 * Spike sources run on the host every step and inject their spikes.
 * Counters (synaptic ops, neuron updates, spikes, routes, learning
 * updates) give the energy and the chip time in the report. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixed.h"
#include "nm.h"

enum { SET_CHIP, SET_CHIP_PATH, N_SETTINGS };

static const ap_param_desc settings[N_SETTINGS] = {
    [SET_CHIP] = {"chip", "1",
                  "chip profile: loihi, truenorth, spinnaker, or a .cfg file",
                  AP_PT_STRING, 0, 0, 0, 0, "loihi"},
    [SET_CHIP_PATH] = {"chip_path", "1",
                       "':'-separated folders searched first for NAME.cfg",
                       AP_PT_STRING, 0, 0, 0, 0, ""},
};

static void free_pops(nm *m) {
  const ap_net *net = m->net;
  for (size_t i = 0; m->pops && i < net->n_pops; i++) {
    nm_pop *p = &m->pops[i];
    if (p->inst && net->pops[i]->desc->release)
      net->pops[i]->desc->release(p->inst);
    free(p->low), free(p->v), free(p->ref), free(p->keep_v), free(p->bias);
    free(p->vth), free(p->ref_steps), free(p->spk), free(p->mult);
    free(p->noise_sd), free(p->noise_shift);
    free(p->core), free(p->dest), free(p->far), free(p->away);
    free(p->route_j);
    free(p->route_s);
    for (unsigned q = 0; q < AP_LOWER_MAX_PORTS; q++)
      free(p->u[q]), free(p->keep_u[q]), free(p->acc[q]);
  }
  free(m->pops);
  for (size_t j = 0; m->projs && j < net->n_projs; j++) {
    nm_proj *pj = &m->projs[j];
    free(pj->w), free(pj->off), free(pj->tgt), free(pj->col_off);
    free(pj->col);
  }
  free(m->projs);
}

static void nm_destroy(void *vm) {
  nm *m = vm;
  if (!m) return;
  free_pops(m);
  free(m->core_busy), free(m->core_comp), free(m->core_syn);
  free(m->core_in), free(m->core_out);
  for (size_t k = 0; k < m->n_strs; k++) free(m->strs[k]);
  free(m->strs), free(m->items), free(m->text), free(m->why);
  free(m->decs);
  free(m);
}

/* Decoded connections: only those from a host signal (node inputs) run
 * here, into a population on the chip; the others are refused. */
static int setup_decoded(nm *m) {
  const ap_net *net = m->net;
  if (!AP_HAS_FIELD(net, ap_net, decoded) || !net->n_decoded) return 0;
  m->decs = calloc(net->n_decoded, sizeof *m->decs);
  if (!m->decs) return -1;
  m->n_decs = net->n_decoded;
  for (size_t k = 0; k < m->n_decs; k++) {
    const ap_net_decoded *d = net->decoded[k];
    char name[96];
    nm_dec *e = &m->decs[k];
    e->x = d;
    e->keep = d->tau > 0 ? exp(-net->dt / d->tau) : 0.0;
    e->delay_ticks = (unsigned)nm_round((double)d->delay / m->k);
    if (e->delay_ticks < 1) e->delay_ticks = 1;
    if (e->delay_ticks + 1 > m->min_slots) m->min_slots = e->delay_ticks + 1;
    if (d->pre != AP_DECODED_SIGNAL)
      nm_refuse(m, "decoded connection %zu (population %zu -> %s): a chip "
                "decodes nothing; solve it into weights (weights = true)",
                k + 1, d->pre + 1, nm_pop_name(m, d->post, name, sizeof name));
    else if (m->pops[d->post].form != AP_LOWER_LIF)
      nm_refuse(m, "decoded connection %zu: %s does not run on the chip",
                k + 1, nm_pop_name(m, d->post, name, sizeof name));
  }
  return 0;
}

/* Step s of the host: each signal through its filter, encoded into the
 * post neurons' port in chip units, spread over the tick (the chip holds
 * a tick's input constant), arriving delay_ticks later. */
static void inject_decoded(nm *m, int64_t s) {
  const int64_t T = s / (int64_t)m->k;
  for (size_t k = 0; k < m->n_decs; k++) {
    const nm_dec *e = &m->decs[k];
    const ap_net_decoded *d = e->x;
    for (unsigned q = 0; q < d->dims; q++)
      d->x[q] = e->keep * d->x[q] + (1.0 - e->keep) * d->signal[q];
    nm_pop *p = &m->pops[d->post];
    int64_t *acc = p->acc[d->port] +
                   (size_t)((T + e->delay_ticks) % m->slots) * p->n;
    const double per = p->scale / (double)m->k;
    for (size_t i = 0; i < p->n; i++) {
      double in = 0;
      for (unsigned q = 0; q < d->dims; q++)
        in += d->encoders[i * d->dims + q] * d->x[q];
      const int64_t units = nm_round(in * p->low[i].gain[d->port] * per);
      acc[i] += units;
      m->injected += units != 0;
    }
  }
}

/* Synapses into each post neuron, for on_post. */
static int build_cols(nm *m, size_t j) {
  const ap_net_proj *pr = m->net->projs[j];
  nm_proj *pj = &m->projs[j];
  if (!pj->plastic || !pj->rule->on_post) return 0;
  const size_t np = m->net->pops[pr->post]->n;
  pj->col_off = calloc(np + 1, sizeof *pj->col_off);
  pj->col = malloc((pr->n_syn ? pr->n_syn : 1) * sizeof *pj->col);
  size_t *fill = malloc((np ? np : 1) * sizeof *fill);
  if (!pj->col_off || !pj->col || !fill) {
    free(fill);
    return -1;
  }
  for (size_t q = 0; q < pr->n_syn; q++) pj->col_off[pj->tgt[q] + 1]++;
  for (size_t k = 0; k < np; k++) pj->col_off[k + 1] += pj->col_off[k];
  memcpy(fill, pj->col_off, np * sizeof *fill);
  for (size_t q = 0; q < pr->n_syn; q++) pj->col[fill[pj->tgt[q]]++] = q;
  free(fill);
  return 0;
}

static int nm_create(void **inst, const ap_net *net, const ap_real *set,
                     const char *const *str, char *err, size_t err_size) {
  (void)set;
  *inst = NULL;
  nm *m = calloc(1, sizeof *m);
  if (!m) goto oom;
  m->net = net;
  if (nm_chip_load(&m->chip, str[SET_CHIP] ? str[SET_CHIP] : "loihi",
                   str[SET_CHIP_PATH], err, err_size)) {
    nm_destroy(m);
    return AP_EINVAL;
  }
  const nm_chip *c = &m->chip;
  m->tick = c->tick_ms > 0 ? c->tick_ms : net->dt;
  double kr = m->tick / net->dt;
  m->k = (unsigned)nm_round(kr);
  if (m->k < 1 || fabs(kr - m->k) > 1e-9 * kr) {
    snprintf(err, err_size, "%s runs ticks of %g ms, which is not a whole "
             "number of steps of dt = %g ms (set dt to %g ms or a divisor "
             "of it)", c->name, m->tick, net->dt, m->tick);
    nm_destroy(m);
    return AP_EINVAL;
  }
  m->pops = calloc(net->n_pops ? net->n_pops : 1, sizeof *m->pops);
  m->projs = calloc(net->n_projs ? net->n_projs : 1, sizeof *m->projs);
  if (!m->pops || !m->projs) goto oom;
  int rc = nm_lower_pops(m, err, err_size);
  if (rc) {
    nm_destroy(m);
    return rc;
  }
  if (nm_lower_projs(m) || nm_map(m) || setup_decoded(m)) goto oom;
  if (!m->why_n && nm_alloc_rings(m)) goto oom;
  if (m->why_n) {
    snprintf(err, err_size, "%zu thing%s cannot run on %s (%s):\n%s",
             m->why_n, m->why_n > 1 ? "s" : "", c->name, c->path, m->why);
    size_t l = strlen(err);
    if (l && err[l - 1] == '\n') err[l - 1] = '\0';
    nm_destroy(m);
    return AP_ENOTSUP;
  }
  for (size_t i = 0; i < net->n_pops; i++) {
    nm_pop *p = &m->pops[i];
    p->spk = malloc((p->n ? p->n : 1) * sizeof *p->spk);
    p->mult = malloc((p->n ? p->n : 1) * sizeof *p->mult);
    if (!p->spk || !p->mult) goto oom;
  }
  for (size_t j = 0; j < net->n_projs; j++)
    if (build_cols(m, j)) goto oom;
  nm_state_in(m);
  *inst = m;
  return AP_OK;
oom:
  snprintf(err, err_size, "out of memory for the chip's tables");
  nm_destroy(m);
  return AP_ENOMEM;
}

/* ------------------------------------------------------------- the run */

/* Deliver n spikes (population indices idx, multiplicities mult or NULL)
 * of population i in tick T. */
static void deliver(nm *m, size_t i, int64_t T, const uint32_t *idx,
                    const uint32_t *mult, size_t n) {
  const ap_net *net = m->net;
  nm_pop *p = &m->pops[i];
  for (size_t k = 0; k < n; k++) {
    const uint32_t a = idx[k];
    const uint64_t mm = mult ? mult[k] : 1;
    if (p->form == AP_LOWER_LIF) m->spikes += mm;
    else m->injected += mm;
    m->routed += mm * p->dest[a];
    m->crossings_chip += mm * p->far[a];
    m->crossings_core += mm * p->away[a];
    m->e_route += (double)mm * p->route_j[a];
    if (p->form == AP_LOWER_LIF)
      m->core_busy[p->core[a]] += (double)mm * p->route_s[a];
  }
  for (size_t j = 0; j < net->n_projs; j++) {
    const ap_net_proj *pr = net->projs[j];
    if (pr->pre != i) continue;
    nm_proj *pj = &m->projs[j];
    nm_pop *post = &m->pops[pr->post];
    int64_t *acc = post->acc[pr->port];
    const size_t nn = post->n;
    if (pj->plastic && pj->rule->on_pre) {
      pj->rc.step = (T + 1) * (int64_t)m->k - 1;
      pj->rc.t = (double)(T + 1) * m->tick;
    }
    for (size_t k = 0; k < n; k++) {
      const uint32_t a = idx[k];
      const int64_t mm = mult ? mult[k] : 1;
      size_t s0 = pr->row[a], s1 = pr->row[a + 1];
      if (s0 == s1) continue;
      if (pj->plastic && pj->rule->on_pre) {
        pj->rule->on_pre(&pj->rc, s0, s1 - s0);
        nm_quantise(m, j, s0, s1, 1, T);
        m->learn += s1 - s0;
        for (size_t q = s0; q < s1; q++)
          m->core_busy[post->core[pj->tgt[q]]] += m->chip.t_learn;
      }
      m->synops += (uint64_t)mm * (s1 - s0);
      /* slot of T + off without a division: off < slots */
      const unsigned base = (unsigned)(T % m->slots), len = m->slots;
      for (size_t q = s0; q < s1; q++) {
        const uint32_t t = pj->tgt[q];
        unsigned slot = base + pj->off[q];
        slot -= slot >= len ? len : 0;
        acc[(size_t)slot * nn + t] += mm * pj->w[q];
      }
      if (m->chip.t_synop > 0) /* per-core work sets an async chip's pace */
        for (size_t q = s0; q < s1; q++)
          m->core_busy[post->core[pj->tgt[q]]] += (double)mm * m->chip.t_synop;
    }
  }
}

/* on_post for the plastic projections into population i. */
static void post_rules(nm *m, size_t i, int64_t T) {
  const ap_net *net = m->net;
  const nm_pop *p = &m->pops[i];
  for (size_t j = 0; j < net->n_projs; j++) {
    const ap_net_proj *pr = net->projs[j];
    nm_proj *pj = &m->projs[j];
    if (pr->post != i || !pj->col_off) continue;
    pj->rc.step = (T + 1) * (int64_t)m->k - 1;
    pj->rc.t = (double)(T + 1) * m->tick;
    int any = 0;
    for (size_t k = 0; k < p->n_spk; k++) {
      const uint32_t a = p->spk[k];
      size_t s0 = pj->col_off[a], s1 = pj->col_off[a + 1];
      if (s0 == s1) continue;
      pj->rule->on_post(&pj->rc, a, pj->col + s0, s1 - s0);
      any = 1;
    }
    /* A rule that defers its work to the next presynaptic spike (stdp)
     * settles it now: the chip learns at the tick of the spike, and
     * every weight a rule changed is put on the chip's grid at once. */
    if (any && AP_HAS_FIELD(pj->rule, ap_rule_desc, flush) &&
        pj->rule->flush)
      pj->rule->flush(&pj->rc);
    for (size_t k = 0; k < p->n_spk; k++) {
      const uint32_t a = p->spk[k];
      size_t s0 = pj->col_off[a], s1 = pj->col_off[a + 1];
      if (s0 == s1) continue;
      for (size_t q = s0; q < s1; q++)
        nm_quantise(m, j, pj->col[q], pj->col[q] + 1, 1, T);
      m->learn += s1 - s0;
      m->core_busy[p->core[a]] += (double)(s1 - s0) * m->chip.t_learn;
    }
  }
}

/* One tick of population i's neurons (step 1 of the file comment).  The
 * profile's arithmetic comes in as arguments: tick_pop() calls this with
 * Loihi's as constants, so that the compiler builds a loop for them
 * (fixed shifts, no tests of the rounding or overflow mode), and with the
 * profile's values otherwise. */
static inline __attribute__((always_inline)) void
tick_body(nm *m, size_t i, int64_t T, unsigned db, unsigned ub, unsigned vb,
          int rnd, int uo, int vo, int strict) {
  const nm_chip *c = &m->chip;
  nm_pop *p = &m->pops[i];
  const size_t n = p->n, slot = (size_t)(T % m->slots) * n;
  const unsigned np = p->n_ports;
  const long cpn = c->compartment_per_current && p->n_currents > 1
                       ? (long)p->n_currents : 1;
  const double t_act = (double)cpn * c->t_active,
               t_ina = (double)cpn * c->t_inactive;
  const unsigned char *sil = m->net->pops[i]->silenced;
  int cur[AP_LOWER_MAX_PORTS];
  int64_t *acc[AP_LOWER_MAX_PORTS], *u[AP_LOWER_MAX_PORTS];
  const int64_t *ku[AP_LOWER_MAX_PORTS];
  for (unsigned q = 0; q < np; q++) {
    cur[q] = p->port_kind[q] == AP_LOWER_PORT_CURRENT;
    acc[q] = p->acc[q] + slot;
    u[q] = p->u[q];
    ku[q] = p->keep_u[q];
  }
  int64_t *restrict v = p->v, *restrict ref = p->ref;
  const int64_t *kv = p->keep_v, *bias = p->bias, *vth = p->vth,
                *rs = p->ref_steps;
  const uint32_t *core = p->core;
  /* one parameter set for all (the common case): every constant is
   * read from entry 0, so only the state streams through memory */
  const size_t um = p->uniform ? 0 : SIZE_MAX;
  const ap_net_pop *np_ = m->net->pops[i];
  const ap_host *h = m->net->host;
  /* the host's key of this tick's draws: its last step */
  const uint64_t draw_step = (uint64_t)((T + 1) * (int64_t)m->k - 1);
  const int noise = p->noisy ? c->noise : NM_NOISE_NONE;
  const unsigned nb = c->noise_bits;
  p->n_spk = 0;
  uint64_t active = 0, run_active = 0, run_n = 0;
  uint32_t run_core = n ? core[0] : 0;
  for (size_t k = 0; k < n; k++) {
    if (core[k] != run_core) { /* cores hold runs of neurons */
      m->core_busy[run_core] +=
          (double)run_active * t_act + (double)(run_n - run_active) * t_ina;
      run_core = core[k];
      run_active = run_n = 0;
    }
    int64_t in = 0;
    int busy = 0;
    for (unsigned q = 0; q < np; q++) {
      const int64_t a = acc[q][k];
      acc[q][k] = 0;
      busy |= a != 0;
      if (cur[q]) {
        int64_t x = nm_fit(nm_decay(u[q][k], ku[q][k & um], db, rnd) + a, ub, uo);
        u[q][k] = x;
        in += x;
        busy |= x != 0;
      } else {
        in += a;
      }
    }
    if (ref[k] > 0) {
      ref[k]--;
      v[k] = 0;
    } else {
      if (noise && p->noise_sd[k & um] > 0) {
        ap_rng r;
        h->rng_init(&r, m->net->seed, np_->stream, np_->gid0 + k, draw_step);
        if (noise == NM_NOISE_GAUSSIAN) {
          in += nm_round(h->rng_normal(&r) * p->noise_sd[k & um]);
        } else {
          const int64_t z =
              (int64_t)(h->rng_u32(&r) >> (32 - nb)) - ((int64_t)1 << (nb - 1));
          const int64_t sh = p->noise_shift[k & um];
          in += sh >= 0 ? z * ((int64_t)1 << sh) : z >> -sh;
        }
      }
      int64_t x = nm_fit(nm_decay(v[k], kv[k & um], db, rnd) + in + bias[k & um], vb,
                         vo);
      busy |= x != 0;
      if (strict ? x > vth[k & um] : x >= vth[k & um]) {
        x = 0;
        ref[k] = rs[k & um];
        if (!sil || !sil[k]) p->spk[p->n_spk++] = (uint32_t)k;
      }
      v[k] = x;
    }
    active += (uint64_t)busy;
    run_active += (uint64_t)busy;
    run_n++;
  }
  if (n)
    m->core_busy[run_core] +=
        (double)run_active * t_act + (double)(run_n - run_active) * t_ina;
  m->upd_active += active * (uint64_t)cpn;
  m->upd_inactive += (n - active) * (uint64_t)cpn;
}

static void tick_pop(nm *m, size_t i, int64_t T) {
  const nm_chip *c = &m->chip;
  const unsigned ub = c->u_bits ? c->u_bits : 32;
  if (c->decay_bits == 12 && ub == 24 && c->v_bits == 24 &&
      c->decay_round == NM_ROUND_ZERO && c->u_overflow == NM_OVF_WRAP &&
      c->v_overflow == NM_OVF_CLIP && c->spike_strict)
    tick_body(m, i, T, 12, 24, 24, NM_ROUND_ZERO, NM_OVF_WRAP, NM_OVF_CLIP,
              1);
  else
    tick_body(m, i, T, c->decay_bits, ub, c->v_bits, c->decay_round,
              c->u_overflow, c->v_overflow, c->spike_strict);
}

/* Host step s of a spike source (population i). */
static int step_source(nm *m, size_t i, int64_t s, char *err, size_t n) {
  const ap_net *net = m->net;
  const ap_net_pop *q = net->pops[i];
  nm_pop *p = &m->pops[i];
  ap_real *state[64];
  const ap_real *param[64];
  if (q->desc->n_vars > 64 || q->desc->n_params > 64) {
    snprintf(n ? err : NULL, n, "population %zu (%s): too many variables",
             i + 1, q->model);
    return AP_EPLUGIN;
  }
  for (unsigned v = 0; v < q->desc->n_vars; v++) state[v] = q->state[v];
  for (unsigned k = 0; k < q->desc->n_params; k++) param[k] = q->param[k];
  ap_neuron_block b = {.size = sizeof b,
                       .first = 0,
                       .n = q->n,
                       .gid0 = q->gid0,
                       .step = s,
                       .dt = net->dt,
                       .window_step = -1,
                       .seed = net->seed,
                       .stream = q->stream,
                       .state = state,
                       .param = param,
                       .input = NULL,
                       .lists = q->lists,
                       .inst = p->inst,
                       .host = net->host,
                       .spiked = p->spk,
                       .n_spiked = 0,
                       .mult = p->mult,
                       .has_mult = 0};
  char why[256] = "";
  int rc = q->desc->update(&b, why, sizeof why);
  if (rc || b.n_spiked > q->n) {
    snprintf(err, n, "population %zu (%s) failed at t = %g ms%s%s", i + 1,
             q->model, (double)s * net->dt, why[0] ? ": " : "", why);
    return rc ? rc : AP_EPLUGIN;
  }
  const unsigned char *sil = net->pops[i]->silenced;
  size_t kept = 0;
  for (size_t k = 0; k < b.n_spiked; k++) {
    if (sil && sil[p->spk[k]]) continue;
    p->mult[kept] = b.has_mult ? p->mult[k] : 1;
    p->spk[kept++] = p->spk[k];
  }
  if (!kept) return AP_OK;
  net->spikes(net->ctx, i, s, p->spk, b.has_mult ? p->mult : NULL, kept);
  deliver(m, i, s / (int64_t)m->k, p->spk, b.has_mult ? p->mult : NULL,
          kept);
  return AP_OK;
}

static int nm_run(void *vm, int64_t step, int64_t n, char *err,
                  size_t err_size) {
  nm *m = vm;
  const ap_net *net = m->net;
  for (int64_t s = step; s < step + n; s++) {
    if (m->n_decs) inject_decoded(m, s);
    for (size_t i = 0; i < net->n_pops; i++)
      if (m->pops[i].form == AP_LOWER_SOURCE) {
        int rc = step_source(m, i, s, err, err_size);
        if (rc) return rc;
      }
    if ((s + 1) % (int64_t)m->k == 0) {
      const int64_t T = s / (int64_t)m->k;
      for (size_t i = 0; i < net->n_pops; i++)
        if (m->pops[i].form == AP_LOWER_LIF) tick_pop(m, i, T);
      for (size_t i = 0; i < net->n_pops; i++) {
        nm_pop *p = &m->pops[i];
        if (p->form != AP_LOWER_LIF || !p->n_spk) continue;
        net->spikes(net->ctx, i, s, p->spk, NULL, p->n_spk);
        deliver(m, i, T, p->spk, NULL, p->n_spk);
      }
      for (size_t i = 0; i < net->n_pops; i++)
        if (m->pops[i].form == AP_LOWER_LIF && m->pops[i].n_spk)
          post_rules(m, i, T);
      /* the slowest core sets the pace of an asynchronous chip */
      double slow = 0;
      for (size_t k = 0; k < m->n_cores; k++) {
        if (m->core_busy[k] > slow) slow = m->core_busy[k];
        m->core_busy[k] = 0;
      }
      m->chip_time += m->chip.tick_ms > 0 ? m->chip.tick_ms * 1e-3
                                          : slow + m->chip.t_barrier;
      m->ticks++;
    }
    net->step_done(net->ctx, s);
    /* rules that change every weight in on_step (the host's, in
     * step_done): the chip takes the weights over at the tick's end,
     * rounded stochastically to its grid as a learning engine does */
    if ((s + 1) % (int64_t)m->k == 0)
      for (size_t j = 0; j < net->n_projs; j++)
        if (m->projs[j].step_weights) {
          nm_quantise(m, j, 0, net->projs[j]->n_syn, 1, s / (int64_t)m->k);
          m->learn += net->projs[j]->n_syn;
        }
  }
  return AP_OK;
}

static int nm_sync(void *vm, char *err, size_t err_size) {
  (void)err, (void)err_size;
  nm_state_out(vm);
  return AP_OK;
}

/* The chip's registers are its own: whatever changed, the populations and
 * projections are lowered again from the host's arrays. */
static int nm_reload(void *vm, unsigned changed, char *err, size_t err_size) {
  nm *m = vm;
  (void)changed;
  m->why_n = 0;
  m->why_len = 0;
  int rc = nm_lower_pops(m, err, err_size);
  if (rc) return rc;
  if (nm_lower_projs(m)) {
    snprintf(err, err_size, "out of memory for the chip's tables");
    return AP_ENOMEM;
  }
  if (m->why_n) {
    snprintf(err, err_size, "after the change, %s cannot run it:\n%s",
             m->chip.name, m->why);
    size_t l = strlen(err);
    if (l && err[l - 1] == '\n') err[l - 1] = '\0';
    return AP_ENOTSUP;
  }
  nm_state_in(m);
  return AP_OK;
}

static size_t nm_synapse_bytes(void *vm) {
  nm *m = vm;
  size_t b = 0;
  for (size_t j = 0; j < m->net->n_projs; j++)
    if (m->projs[j].w)
      b += m->net->projs[j]->n_syn * (sizeof(int32_t) + sizeof(uint16_t) +
                                     sizeof(uint32_t));
  return b;
}

static uint64_t nm_events(void *vm) { return ((nm *)vm)->synops; }

/* ----------------------------------------------------------- the report */

static const char *keep_str(nm *m, const char *s) {
  char **g = realloc(m->strs, (m->n_strs + 1) * sizeof *g);
  if (!g) return "";
  m->strs = g;
  char *d = malloc(strlen(s) + 1);
  if (!d) return "";
  strcpy(d, s);
  return m->strs[m->n_strs++] = d;
}

static void item(nm *m, const char *key, double v, const char *unit,
                 const char *text) {
  if (m->n_items == m->cap_items) {
    size_t nc = m->cap_items ? m->cap_items * 2 : 64;
    ap_report_item *g = realloc(m->items, nc * sizeof *g);
    if (!g) return;
    m->items = g;
    m->cap_items = nc;
  }
  ap_report_item *it = &m->items[m->n_items++];
  it->key = keep_str(m, key);
  it->value = v;
  it->unit = unit;
  it->text = text ? keep_str(m, text) : NULL;
}

static void out(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void out(char **buf, size_t *len, size_t *cap, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(*buf ? *buf + *len : NULL, *buf ? *cap - *len : 0, fmt,
                      ap);
    va_end(ap);
    if (w < 0) return;
    if (*buf && *len + (size_t)w < *cap) {
      *len += (size_t)w;
      return;
    }
    size_t nc = (*cap + (size_t)w + 1) * 2;
    char *g = realloc(*buf, nc);
    if (!g) return;
    *buf = g;
    *cap = nc;
  }
}

static int nm_report(void *vm, ap_report *r, char *err, size_t err_size) {
  nm *m = vm;
  (void)err, (void)err_size;
  const nm_chip *c = &m->chip;
  const ap_net *net = m->net;
  for (size_t k = 0; k < m->n_strs; k++) free(m->strs[k]);
  m->n_strs = 0;
  m->n_items = 0;
  const uint64_t updates = m->upd_active + m->upd_inactive;
  const double e_syn = (double)m->synops * c->e_synop;
  const double e_neu = (double)m->upd_active * c->e_active +
                       (double)m->upd_inactive * c->e_inactive;
  const double e_learn = (double)m->learn * c->e_learn;
  const double e_tot = e_syn + e_neu + m->e_route + e_learn;
  uint64_t comp = 0;
  for (size_t k = 0; k < m->n_cores; k++) comp += m->core_comp[k];
  const double util =
      m->n_cores ? (double)comp / ((double)m->n_cores *
                                   (double)c->compartments_per_core) : 0;
  const uint64_t spikes = m->spikes + m->injected;
  item(m, "chip", 0, "1", c->name);
  item(m, "profile", 0, "1", c->path);
  item(m, "tick_ms", m->tick, "ms", NULL);
  item(m, "ticks", (double)m->ticks, "1", NULL);
  item(m, "energy_j", e_tot, "J", NULL);
  item(m, "synops", (double)m->synops, "1", NULL);
  item(m, "neuron_updates", (double)updates, "1", NULL);
  item(m, "neuron_updates_active", (double)m->upd_active, "1", NULL);
  item(m, "spikes", (double)spikes, "1", NULL);
  item(m, "spikes_injected", (double)m->injected, "1", NULL);
  item(m, "learning_updates", (double)m->learn, "1", NULL);
  item(m, "chips", (double)m->n_chips, "1", NULL);
  item(m, "cores", (double)m->n_cores, "1", NULL);
  item(m, "utilisation", util, "1", NULL);
  item(m, "core_deliveries", (double)m->routed, "1", NULL);
  item(m, "core_crossings", (double)m->crossings_core, "1", NULL);
  item(m, "chip_crossings", (double)m->crossings_chip, "1", NULL);
  item(m, "energy.synops_j", e_syn, "J", NULL);
  item(m, "energy.neurons_j", e_neu, "J", NULL);
  item(m, "energy.spikes_j", m->e_route, "J", NULL);
  item(m, "energy.learning_j", e_learn, "J", NULL);
  item(m, "energy.total_j", e_tot, "J", NULL);
  item(m, "energy.per_synop_j", m->synops ? e_tot / (double)m->synops : 0,
       "J", NULL);
  item(m, "time.chip_s", m->chip_time, "s", NULL);
  item(m, "time.per_tick_s", m->ticks ? m->chip_time / (double)m->ticks : 0,
       "s", NULL);
  char key[96];
  for (size_t i = 0; i < net->n_pops; i++) {
    const nm_pop *p = &m->pops[i];
    snprintf(key, sizeof key, "populations.%zu.form", i + 1);
    item(m, key, 0, "1", p->form == AP_LOWER_LIF ? "chip" : "host source");
    if (p->form != AP_LOWER_LIF) continue;
#define PI(name, v, u)                                                     \
  snprintf(key, sizeof key, "populations.%zu." name, i + 1);               \
  item(m, key, v, u, NULL)
    PI("cores", (double)p->n_cores, "1");
    PI("first_core", (double)p->core0 + 1, "1");
    PI("compartments_per_neuron",
       c->compartment_per_current && p->n_currents > 1 ? p->n_currents : 1,
       "1");
    PI("scale", p->scale, "1/mV");
    PI("threshold_error", p->th_err_max, "mV");
    PI("bias_error", p->bias_err_max, "mV");
    PI("tau_m_error", p->tau_m_err_max, "ms");
    PI("tau_syn_error", p->tau_s_err_max, "ms");
    PI("noise_sd_error", p->noise_err_max, "1");
#undef PI
  }
  for (size_t j = 0; j < net->n_projs; j++) {
    const nm_proj *pj = &m->projs[j];
    if (!pj->w) continue;
    const ap_net_proj *pr = net->projs[j];
    const int pt = net->pops[pr->post]->desc->ports[pr->port].type;
    const char *wu = pt == AP_PORT_CURRENT ? "pA"
                     : pt == AP_PORT_CONDUCTANCE ? "nS" : "mV";
#define PJ(name, v, u)                                                     \
  snprintf(key, sizeof key, "projections.%zu." name, j + 1);               \
  item(m, key, v, u, NULL)
    PJ("weight_exp", pj->exp, "1");
    PJ("weight_bits", pj->mag_bits, "1");
    PJ("weight_rms_error", pj->w_rms, wu);
    PJ("weight_rms", pj->w_ref, wu);
    PJ("weight_max_error", pj->w_max, wu);
    PJ("weights_zeroed", (double)pj->w_zeroed, "1");
    PJ("delay_mean_error", pj->d_mean, "ms");
    PJ("delay_max_error", pj->d_max, "ms");
#undef PJ
  }
  /* the text for standard error */
  char *t = NULL;
  size_t len = 0, cap = 0;
  out(&t, &len, &cap, "neuromorphic: chip %s (%s), tick %g ms, %llu ticks\n",
      c->name, c->path, m->tick, (unsigned long long)m->ticks);
  out(&t, &len, &cap, "  mapping: %zu core%s on %zu chip%s, %.1f %% of their "
      "compartments; spikes sent to %llu cores, %llu of them crossing "
      "cores, %llu crossing chips\n", m->n_cores,
      m->n_cores == 1 ? "" : "s", m->n_chips, m->n_chips == 1 ? "" : "s",
      100 * util, (unsigned long long)m->routed,
      (unsigned long long)m->crossings_core,
      (unsigned long long)m->crossings_chip);
  for (size_t i = 0; i < net->n_pops; i++) {
    const nm_pop *p = &m->pops[i];
    char nb[128];
    nm_pop_name(m, i, nb, sizeof nb);
    if (p->form == AP_LOWER_SOURCE) {
      out(&t, &len, &cap, "    %s: %zu neurons on the host, spikes "
          "injected\n", nb, p->n);
      continue;
    }
    char cores[64];
    if (p->n_cores == 1) snprintf(cores, sizeof cores, "core %zu", p->core0 + 1);
    else snprintf(cores, sizeof cores, "cores %zu-%zu", p->core0 + 1,
                  p->core0 + p->n_cores);
    out(&t, &len, &cap, "    %s: %zu neurons on %s; threshold "
        "error %.3g mV, bias %.3g mV/tick, tau_m %.3g ms, tau_syn %.3g ms\n",
        nb, p->n, cores, p->th_err_max, p->bias_err_max, p->tau_m_err_max,
        p->tau_s_err_max);
  }
  for (size_t j = 0; j < net->n_projs; j++) {
    const nm_proj *pj = &m->projs[j];
    if (!pj->w) continue;
    char nb[160];
    nm_proj_name(m, j, nb, sizeof nb);
    out(&t, &len, &cap, "    %s: weights %u bits, exponent %d, rms error "
        "%.3g %% (max %.3g), %zu zeroed; delays off by %.3g ms mean, %.3g "
        "ms max\n", nb, pj->mag_bits, pj->exp,
        pj->w_ref > 0 ? 100 * pj->w_rms / pj->w_ref : 0.0, pj->w_max,
        pj->w_zeroed, pj->d_mean, pj->d_max);
  }
  out(&t, &len, &cap, "  energy: %.4g J = synaptic ops %.4g + neuron updates "
      "%.4g + spikes %.4g + learning %.4g; %.4g J per synaptic event\n",
      e_tot, e_syn, e_neu, m->e_route, e_learn,
      m->synops ? e_tot / (double)m->synops : 0.0);
  out(&t, &len, &cap, "  chip time: %.4g s, %.4g s per tick%s\n",
      m->chip_time, m->ticks ? m->chip_time / (double)m->ticks : 0.0,
      c->tick_ms > 0 ? " (the chip's fixed tick)" : "");
  out(&t, &len, &cap, "energy_j=%.6g synops=%llu neuron_updates=%llu "
      "spikes=%llu chips=%zu cores=%zu\n", e_tot,
      (unsigned long long)m->synops, (unsigned long long)updates,
      (unsigned long long)spikes, m->n_chips, m->n_cores);
  free(m->text);
  m->text = t;
  r->items = m->items;
  r->n = m->n_items;
  r->text = m->text;
  return AP_OK;
}

static const ap_backend_desc backend = {
    .size = sizeof(ap_backend_desc),
    .params = settings,
    .n_params = N_SETTINGS,
    .create = nm_create,
    .run = nm_run,
    .sync = nm_sync,
    .reload = nm_reload,
    .synapse_bytes = nm_synapse_bytes,
    .destroy = nm_destroy,
    .pending_get = NULL,
    .pending_add = NULL,
    .events = nm_events,
    .report = nm_report,
    .save = nm_save,
    .load = nm_load,
    .flags = AP_BACKEND_DECODED_SIGNAL,
};

static const char doc_long[] =
    "neuromorphic -- the network on an emulated neuromorphic chip\n"
    "\n"
    "Description\n"
    "  Runs the network in the integer arithmetic of a chip profile\n"
    "  (--set chip=loihi|truenorth|spinnaker or a .cfg file): populations\n"
    "  are lowered to the chip's neuron form, weights quantised per\n"
    "  projection, delays rounded to the chip's tick, neurons placed on\n"
    "  cores.  What the chip cannot run is refused before the run.  At the\n"
    "  end it reports mapping, quantisation, operation counts, energy and\n"
    "  chip time (ap.report() in Lua).  See docs/neuromorphic.md.\n"
    "\n"
    "Settings\n"
    "  chip       profile name or path (default loihi)\n"
    "  chip_path  folders searched first for NAME.cfg, then\n"
    "             $APICAL_CHIP_PATH and the installed chips folder\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_BACKEND,
    .name = "neuromorphic",
    .version = "1.0",
    .doc = "the network on an emulated neuromorphic chip (Loihi, TrueNorth, "
           "SpiNNaker profiles): integer arithmetic, mapping, energy",
    .doc_long = doc_long,
    .desc = &backend,
}};

AP_PLUGIN(plugins)
