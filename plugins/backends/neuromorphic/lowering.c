/* lowering.c -- populations and projections in the chip's integers.
 *
 * A population's neurons declare their chip form (ap_lowered, in mV and
 * per tick); this file picks the population's voltage scale (chip units
 * per mV), turns decays, bias and threshold into the chip's fields, and
 * each projection's weights into mantissas with one shared exponent, its
 * delays into ticks.  Whatever has no form on the chip is refused with a
 * line naming the population or projection, the chip and the limit. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixed.h"
#include "nm.h"

void nm_refuse(nm *m, const char *fmt, ...) {
  char line[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  size_t add = strlen(line) + 1;
  char *grown = realloc(m->why, m->why_len + add + 1);
  if (!grown) return;
  m->why = grown;
  memcpy(m->why + m->why_len, line, add - 1);
  m->why[m->why_len + add - 1] = '\n';
  m->why_len += add;
  m->why[m->why_len] = '\0';
  m->why_n++;
}

const char *nm_pop_name(const nm *m, size_t i, char *buf, size_t n) {
  snprintf(buf, n, "population %zu (%s)", i + 1, m->net->pops[i]->model);
  return buf;
}

const char *nm_proj_name(const nm *m, size_t j, char *buf, size_t n) {
  const ap_net_proj *pr = m->net->projs[j];
  const ap_neuron_desc *d = m->net->pops[pr->post]->desc;
  snprintf(buf, n, "projection %zu (population %zu -> %zu, port %s)", j + 1,
           pr->pre + 1, pr->post + 1,
           pr->port < d->n_ports ? d->ports[pr->port].name : "?");
  return buf;
}

static inline uint32_t syn_post(const ap_net_proj *pr, size_t s) {
  return pr->delay ? pr->target[s] : pr->target[s] & AP_PACK_TARGET_MASK;
}
static inline unsigned syn_delay(const ap_net_proj *pr, size_t s) {
  return pr->delay ? pr->delay[s] : pr->target[s] >> AP_PACK_TARGET_BITS;
}

static int64_t pow2(int e) { return (int64_t)1 << e; }

/* Chip units per mV for population i: the threshold at 1/headroom of the
 * v range, or the profile's fixed scale; on a chip without weight
 * exponents the largest incoming weight must also fit the weight bits. */
static double pick_scale(nm *m, size_t i) {
  const nm_chip *c = &m->chip;
  nm_pop *p = &m->pops[i];
  if (c->v_scale > 0) return c->v_scale;
  double vth = 0;
  for (size_t k = 0; k < p->n; k++)
    if (p->low[k].v_th > vth) vth = p->low[k].v_th;
  double s = ldexp(1.0, (int)c->v_bits - 1) / c->v_headroom / vth;
  double tmax = ldexp(1.0, (int)c->threshold_bits) - 1;
  if (vth * s / ldexp(1.0, (int)c->threshold_shift) > tmax)
    s = tmax * ldexp(1.0, (int)c->threshold_shift) / vth;
  if (c->weight_exp_min == 0 && c->weight_exp_max == 0 &&
      c->activation_shift == 0) {
    double wmax = 0;
    for (size_t j = 0; j < m->net->n_projs; j++) {
      const ap_net_proj *pr = m->net->projs[j];
      if (pr->post != i) continue;
      for (size_t q = 0; q < pr->n_syn; q++) {
        double w = fabs((double)pr->weight[q]) *
                   p->low[syn_post(pr, q)].gain[pr->port];
        if (w > wmax) wmax = w;
      }
    }
    double wcap = ldexp(1.0, (int)c->weight_bits) - 1;
    if (wmax > 0 && wmax * s > wcap) s = wcap / wmax;
  }
  /* the largest constant drive must fit the bias (models whose drive per
   * tick is a large part of the threshold, as the NEF's neurons) */
  double bias = 0;
  for (size_t k = 0; k < p->n; k++)
    if (fabs(p->low[k].bias) > bias) bias = fabs(p->low[k].bias);
  const double bcap = (ldexp(1.0, (int)c->bias_bits - 1) - 1) *
                      ldexp(1.0, c->bias_exp_max);
  if (bias > 0 && bias * s > bcap) s = bcap / bias;
  /* whole threshold mantissa for the largest threshold: it is exact */
  double mant = floor(vth * s / ldexp(1.0, (int)c->threshold_shift));
  if (mant < 1) mant = 1;
  return mant * ldexp(1.0, (int)c->threshold_shift) / vth;
}

/* The chip's keep factor 2^bits - d for a fraction kept per tick, with
 * the profile's offset (the Loihi current decays by d + 1). */
static int64_t keep_of(const nm_chip *c, double keep, int offset) {
  const int64_t one = pow2((int)c->decay_bits);
  int64_t d = nm_round((double)one * (1.0 - keep)) - offset;
  if (d < 0) d = 0;
  if (d > one - 1) d = one - 1; /* a field of decay_bits bits */
  return one - d - offset;
}

static double tau_of(double keep, double tick) {
  return keep >= 1.0 ? INFINITY : keep <= 0.0 ? 0.0 : -tick / log(keep);
}

static int alloc_pop(nm *m, nm_pop *p) {
  const size_t n = p->n ? p->n : 1;
  int64_t **a[] = {&p->v, &p->ref, &p->keep_v, &p->bias, &p->vth,
                   &p->ref_steps};
  for (size_t k = 0; k < sizeof a / sizeof a[0]; k++)
    if (!*a[k] && !(*a[k] = calloc(n, sizeof(int64_t)))) return -1;
  if (!p->noise_sd && !(p->noise_sd = calloc(n, sizeof(double)))) return -1;
  if (!p->noise_shift && !(p->noise_shift = calloc(n, sizeof(int64_t))))
    return -1;
  for (unsigned q = 0; q < p->n_ports; q++) {
    if (!p->u[q] && !(p->u[q] = calloc(n, sizeof(int64_t)))) return -1;
    if (!p->keep_u[q] && !(p->keep_u[q] = calloc(n, sizeof(int64_t))))
      return -1;
  }
  return 0;
}

/* Check and convert population i (form already read into p->low). */
static int lower_lif(nm *m, size_t i) {
  const nm_chip *c = &m->chip;
  nm_pop *p = &m->pops[i];
  char nb[128];
  nm_pop_name(m, i, nb, sizeof nb);
  const ap_lowered *l0 = &p->low[0];
  p->n_ports = l0->n_ports;
  if (p->n_ports > AP_LOWER_MAX_PORTS) {
    nm_refuse(m, "%s: its chip form has %u ports, more than %d", nb,
              p->n_ports, AP_LOWER_MAX_PORTS);
    return 0;
  }
  for (unsigned q = 0; q < p->n_ports; q++) p->port_kind[q] = l0->port_kind[q];
  int ok = 1;
  p->n_currents = 0;
  for (size_t k = 0; k < p->n && ok; k++) {
    const ap_lowered *l = &p->low[k];
    double seen[AP_LOWER_MAX_PORTS];
    unsigned distinct = 0;
    for (unsigned q = 0; q < p->n_ports; q++) {
      if (l->port_kind[q] != AP_LOWER_PORT_CURRENT) continue;
      if (c->currents == 0) {
        nm_refuse(m, "%s: port '%s' carries a synaptic current (%.4g of it "
                  "kept per tick); %s neurons have no synaptic current: input "
                  "goes straight into V", nb,
                  m->net->pops[i]->desc->ports[q].name, l->u_keep[q], c->name);
        ok = 0;
        break;
      }
      unsigned d = 0;
      while (d < distinct && seen[d] != l->u_keep[q]) d++;
      if (d == distinct) seen[distinct++] = l->u_keep[q];
    }
    if (!ok) break;
    if (distinct > p->n_currents) p->n_currents = distinct;
    if ((int)distinct > c->currents) {
      nm_refuse(m, "%s: neuron %zu needs %u synaptic current decays; %s "
                "gives a neuron at most %d", nb, k + 1, distinct, c->name,
                c->currents);
      ok = 0;
    } else if (!c->voltage_decay &&
               (1.0 - l->v_keep) * ldexp(1.0, (int)c->decay_bits) >= 0.5) {
      /* a leak below half a step of the decay field counts as none */
      nm_refuse(m, "%s: neuron %zu's membrane decays (tau_m = %.4g ms); %s "
                "neurons leak linearly, so only a non-leaky membrane has a "
                "form", nb, k + 1, tau_of(l->v_keep, m->tick), c->name);
      ok = 0;
    } else if (l->noise_sd > 0 && c->noise == NM_NOISE_NONE) {
      nm_refuse(m, "%s: neuron %zu has white noise (%.4g mV per tick); %s "
                "draws no random numbers for its neurons", nb, k + 1,
                l->noise_sd, c->name);
      ok = 0;
    } else if (!(l->v_th > 0)) {
      nm_refuse(m, "%s: neuron %zu's threshold is not above its reset", nb,
                k + 1);
      ok = 0;
    }
  }
  if (!ok) return 0;
  if (alloc_pop(m, p)) return -1;
  p->scale = pick_scale(m, i);
  const double s = p->scale;
  const int64_t tmax = pow2((int)c->threshold_bits) - 1;
  const int64_t bmax = pow2((int)c->bias_bits - 1) - 1;
  const double dpow = ldexp(1.0, (int)c->decay_bits);
  p->th_err_max = p->bias_err_max = p->tau_m_err_max = p->tau_s_err_max = 0;
  p->noise_err_max = 0;
  p->noisy = 0;
  for (size_t k = 0; k < p->n; k++) {
    const ap_lowered *l = &p->low[k];
    int64_t mant = nm_round(l->v_th * s / ldexp(1.0, (int)c->threshold_shift));
    if (mant > tmax) mant = tmax;
    if (mant < 1) mant = 1;
    p->vth[k] = mant << c->threshold_shift;
    double e = fabs((double)p->vth[k] / s - l->v_th);
    if (e > p->th_err_max) p->th_err_max = e;
    double b = l->bias * s;
    int be = 0;
    while (be < c->bias_exp_max && fabs(b) / ldexp(1.0, be) > (double)bmax)
      be++;
    int64_t bm = nm_round(b / ldexp(1.0, be));
    if (bm > bmax || bm < -bmax - 1) {
      nm_refuse(m, "%s: neuron %zu's constant drive (%.4g mV per tick) is "
                "beyond %s's bias (%u-bit mantissa, exponent up to %d)", nb,
                k + 1, l->bias, c->name, c->bias_bits, c->bias_exp_max);
      return 0;
    }
    p->bias[k] = bm * pow2(be);
    e = fabs((double)p->bias[k] / s - l->bias);
    if (e > p->bias_err_max) p->bias_err_max = e;
    p->keep_v[k] = c->voltage_decay ? keep_of(c, l->v_keep, 0)
                                    : pow2((int)c->decay_bits);
    if (l->v_keep < 1.0) {
      double t0 = tau_of(l->v_keep, m->tick);
      double t1 = tau_of((double)p->keep_v[k] / dpow, m->tick);
      if (fabs(t1 - t0) > p->tau_m_err_max) p->tau_m_err_max = fabs(t1 - t0);
    }
    for (unsigned q = 0; q < p->n_ports; q++) {
      if (l->port_kind[q] != AP_LOWER_PORT_CURRENT) continue;
      p->keep_u[q][k] = keep_of(c, l->u_keep[q], c->current_offset);
      double t0 = tau_of(l->u_keep[q], m->tick);
      double t1 = tau_of((double)p->keep_u[q][k] / dpow, m->tick);
      if (fabs(t1 - t0) > p->tau_s_err_max) p->tau_s_err_max = fabs(t1 - t0);
    }
    p->ref_steps[k] = (int64_t)l->ref_steps;
    /* noise: a normal draw scaled to the sd (software), or uniform
     * integers of noise_bits bits shifted to the nearest power of two of
     * the sd (the variance of 2^b equally likely integers is
     * (4^b - 1)/12) */
    p->noise_sd[k] = l->noise_sd * s;
    p->noise_shift[k] = 0;
    if (l->noise_sd > 0) {
      p->noisy = 1;
      double got = p->noise_sd[k];
      if (c->noise == NM_NOISE_UNIFORM) {
        const double sd_r =
            sqrt((ldexp(1.0, 2 * (int)c->noise_bits) - 1) / 12.0);
        p->noise_shift[k] = (int64_t)nm_round(log2(p->noise_sd[k] / sd_r));
        if (p->noise_shift[k] < -30) p->noise_shift[k] = -30;
        got = sd_r * ldexp(1.0, (int)p->noise_shift[k]);
      }
      e = fabs(got / p->noise_sd[k] - 1);
      if (e > p->noise_err_max) p->noise_err_max = e;
    }
  }
  p->uniform = 1;
  for (size_t k = 1; k < p->n && p->uniform; k++) {
    p->uniform = p->keep_v[k] == p->keep_v[0] && p->bias[k] == p->bias[0] &&
                 p->vth[k] == p->vth[0] &&
                 p->ref_steps[k] == p->ref_steps[0] &&
                 p->noise_sd[k] == p->noise_sd[0] &&
                 p->noise_shift[k] == p->noise_shift[0];
    for (unsigned q = 0; q < p->n_ports && p->uniform; q++)
      p->uniform = p->port_kind[q] != AP_LOWER_PORT_CURRENT ||
                   p->keep_u[q][k] == p->keep_u[q][0];
  }
  return 0;
}

int nm_lower_pops(nm *m, char *err, size_t err_size) {
  const ap_net *net = m->net;
  for (size_t i = 0; i < net->n_pops; i++) {
    const ap_net_pop *q = net->pops[i];
    nm_pop *p = &m->pops[i];
    char nb[128];
    nm_pop_name(m, i, nb, sizeof nb);
    p->n = q->n;
    if (p->inst && q->desc->release) q->desc->release(p->inst);
    p->inst = NULL;
    /* the model's own checks first, at the run's dt */
    if (q->desc->prepare) {
      char msg[512] = "";
      ap_neuron_pop np = ap_net_pop_view(net, q, net->dt);
      int rc = q->desc->prepare(&p->inst, &np, msg, sizeof msg);
      if (rc) {
        snprintf(err, err_size, "%s: %s", nb,
                 msg[0] ? msg : "its parameters were refused");
        return rc;
      }
    }
    if (!AP_HAS_FIELD(q->desc, ap_neuron_desc, lower) || !q->desc->lower) {
      nm_refuse(m, "%s: the model has no chip form (its plugin declares no "
                "lowering), so %s cannot run it", nb, m->chip.name);
      continue;
    }
    if (!p->low && !(p->low = calloc(q->n ? q->n : 1, sizeof *p->low)))
      return AP_ENOMEM;
    ap_neuron_pop np = ap_net_pop_view(net, q, m->tick);
    int form = 0, bad = 0;
    for (size_t k = 0; k < q->n && !bad; k++) {
      char msg[512] = "";
      int rc = q->desc->lower(&np, k, &p->low[k], msg, sizeof msg);
      if (rc) {
        nm_refuse(m, "%s: %s (on %s)", nb,
                  msg[0] ? msg : "no chip form for these parameters",
                  m->chip.name);
        bad = 1;
      } else if (k && p->low[k].form != form) {
        nm_refuse(m, "%s: its neurons declare different chip forms", nb);
        bad = 1;
      }
      form = p->low[k].form;
    }
    if (bad) continue;
    /* White noise is drawn once per step of dt on the host: a tick of k
     * steps adds k draws, each decayed by the steps after it, so its sd
     * per tick is sd_dt sqrt(sum_{j<k} keep_dt^(2j)) (the model is lowered
     * again at dt for sd_dt and keep_dt). */
    if (form == AP_LOWER_LIF && m->k > 1)
      for (size_t k = 0; k < q->n; k++) {
        if (!(p->low[k].noise_sd > 0)) continue;
        ap_lowered at_dt;
        char msg[512] = "";
        np.dt = net->dt;
        int rc = q->desc->lower(&np, k, &at_dt, msg, sizeof msg);
        np.dt = m->tick;
        if (rc) {
          nm_refuse(m, "%s: %s (on %s)", nb, msg, m->chip.name);
          break;
        }
        double sum = 0, f = 1;
        for (unsigned j = 0; j < m->k; j++, f *= at_dt.v_keep * at_dt.v_keep)
          sum += f;
        p->low[k].noise_sd = at_dt.noise_sd * sqrt(sum);
      }
    p->form = form;
    if (form == AP_LOWER_SOURCE) continue;
    if (p->inst && q->desc->release) q->desc->release(p->inst);
    p->inst = NULL;
    if (form != AP_LOWER_LIF) {
      nm_refuse(m, "%s: unknown chip form %d", nb, form);
      continue;
    }
    if (lower_lif(m, i)) return AP_ENOMEM;
  }
  return AP_OK;
}

/* A rule that changes weights every step from the host (on_step): the
 * chip takes them over after each tick. */
static int step_weights(const ap_rule_desc *r) {
  return AP_HAS_FIELD(r, ap_rule_desc, flags) &&
         (r->flags & AP_RULE_STEP_WEIGHTS);
}

/* The rule's parameter named `name`, or NAN. */
static double rule_param(const ap_rule_desc *r, const ap_rule_ctx *c,
                         const char *name) {
  for (unsigned k = 0; k < r->n_params; k++)
    if (!strcmp(r->params[k].name, name)) return c->param[k];
  return NAN;
}

void nm_quantise(nm *m, size_t j, size_t a, size_t b, int stochastic,
                 int64_t tick) {
  const ap_net_proj *pr = m->net->projs[j];
  nm_proj *pj = &m->projs[j];
  const nm_pop *post = &m->pops[pr->post];
  const int64_t mmax = pow2((int)pj->mag_bits) - 1;
  ap_weight *wr = pr->weight;
  const ap_host *h = m->net->host;
  for (size_t q = a; q < b; q++) {
    const double g = post->low[pj->tgt[q]].gain[pr->port] * post->scale;
    const double x = (double)pr->weight[q] * g / pj->unit;
    int64_t mt;
    if (stochastic) {
      ap_rng r;
      h->rng_init(&r, m->net->seed, pj->rc.stream, q, (uint64_t)tick);
      mt = (int64_t)floor(x + h->rng_uniform(&r));
    } else {
      mt = nm_round(x);
    }
    if (mt > mmax) mt = mmax;
    if (mt < -mmax) mt = -mmax;
    pj->w[q] = (int32_t)(mt * (int64_t)pj->unit);
    /* a learning chip stores the weight it has: the rule sees it */
    if (pj->plastic && wr && g != 0) wr[q] = (ap_weight)((double)pj->w[q] / g);
  }
}

/* Delays in ticks, weights in mantissas: projection j. */
static int lower_proj(nm *m, size_t j) {
  const ap_net *net = m->net;
  const nm_chip *c = &m->chip;
  const ap_net_proj *pr = net->projs[j];
  const ap_net_proj *x = pr;
  nm_proj *pj = &m->projs[j];
  nm_pop *post = &m->pops[pr->post];
  char nb[160];
  nm_proj_name(m, j, nb, sizeof nb);
  int ok = 1;
  if (pr->syn->transmit || pr->syn->n_vars) {
    nm_refuse(m, "%s: its synapse model changes the weight it delivers "
              "spike by spike; only static synapses have a form on %s", nb,
              c->name);
    ok = 0;
  }
  if (x && x->p_release < 1) {
    nm_refuse(m, "%s: release probability %g has no form on %s", nb,
              x->p_release, c->name);
    ok = 0;
  }
  if (x && x->rule) {
    const ap_rule_desc *r = x->rule;
    unsigned need = AP_HAS_FIELD(r, ap_rule_desc, chip_learning)
                        ? r->chip_learning : 0;
    if (c->learning == NM_LEARN_NONE) {
      nm_refuse(m, "%s: learning rule '%s' is plastic, and %s has no "
                "on-chip learning", nb, x->rule_name, c->name);
      ok = 0;
    } else if (c->learning == NM_LEARN_TRACES &&
               !(need & AP_CHIP_RULE_LOCAL_TRACES)) {
      nm_refuse(m, "%s: learning rule '%s' is not a local trace rule; %s's "
                "learning engine runs only those", nb, x->rule_name, c->name);
      ok = 0;
    } else if (r->on_pre || r->on_post || step_weights(r)) {
      pj->plastic = 1;
      pj->step_weights = step_weights(r);
      pj->rule = r;
      AP_COPY_SIZED(&pj->rc, x->rule_ctx);
    }
  }
  if (!ok || post->form != AP_LOWER_LIF || !post->low) return 0;
  const size_t ns = pr->n_syn ? pr->n_syn : 1;
  if (!pj->w && !(pj->w = malloc(ns * sizeof *pj->w))) return -1;
  if (!pj->off && !(pj->off = malloc(ns * sizeof *pj->off))) return -1;
  if (!pj->tgt && !(pj->tgt = malloc(ns * sizeof *pj->tgt))) return -1;
  /* delays */
  const int extra = post->port_kind[pr->port] == AP_LOWER_PORT_CURRENT;
  double dsum = 0;
  pj->d_max = 0;
  long worst = 0;
  for (size_t q = 0; q < pr->n_syn; q++) {
    pj->tgt[q] = syn_post(pr, q);
    double d_ms = syn_delay(pr, q) * net->dt;
    long D = (long)nm_round(d_ms / m->tick);
    if (D < 1) D = 1;
    double e = fabs((double)D * m->tick - d_ms);
    dsum += e;
    if (e > pj->d_max) pj->d_max = e;
    if (D + extra > worst) worst = D + extra;
    pj->off[q] = (uint16_t)(D + extra < 65535 ? D + extra : 65535);
  }
  pj->d_mean = pr->n_syn ? dsum / (double)pr->n_syn : 0;
  if (worst > c->max_delay) {
    nm_refuse(m, "%s: a delay of %ld ticks of %g ms%s is beyond %s's "
              "maximum of %ld", nb, worst, m->tick,
              extra ? " (one more for current input)" : "", c->name,
              c->max_delay);
    return 0;
  }
  /* weights: one exponent for the projection */
  int pos = 0, neg = 0;
  double big = 0, ref2 = 0;
  for (size_t q = 0; q < pr->n_syn; q++) {
    double w = (double)pr->weight[q];
    pos |= w > 0, neg |= w < 0;
    double v = fabs(w) * post->low[pj->tgt[q]].gain[pr->port] * post->scale;
    if (v > big) big = v;
    ref2 += w * w;
  }
  if (pj->plastic) { /* room for the weights the rule may reach */
    double wmax = rule_param(pj->rule, &pj->rc, "Wmax");
    if (isfinite(wmax)) {
      pos |= wmax > 0;
      double g = 0;
      for (size_t k = 0; k < post->n; k++)
        if (post->low[k].gain[pr->port] > g) g = post->low[k].gain[pr->port];
      if (fabs(wmax) * g * post->scale > big) big = fabs(wmax) * g * post->scale;
    }
    /* a rule with bounds of both signs may change a weight's sign */
    double wmin = rule_param(pj->rule, &pj->rc, "Wmin");
    if (isfinite(wmax) && wmax < 0) neg = 1;
    if (isfinite(wmin) && wmin < 0) neg = 1;
    if (isfinite(wmin) && wmin > 0) pos = 1;
  }
  pj->mag_bits = c->weight_bits - (pos && neg && c->mixed_sign_loses_bit);
  const double mmax = ldexp(1.0, (int)pj->mag_bits) - 1;
  int e = c->weight_exp_min;
  const int lost = (int)c->weight_bits - (int)pj->mag_bits;
  while ((int)c->activation_shift + e + lost < 0) e++;
  while (e < c->weight_exp_max &&
         big > mmax * ldexp(1.0, (int)c->activation_shift + e + lost))
    e++;
  pj->exp = e;
  pj->unit = ldexp(1.0, (int)c->activation_shift + e + lost);
  nm_quantise(m, j, 0, pr->n_syn, 0, 0);
  double e2 = 0;
  pj->w_max = 0;
  pj->w_zeroed = 0;
  for (size_t q = 0; q < pr->n_syn; q++) {
    double g = post->low[pj->tgt[q]].gain[pr->port] * post->scale;
    double back = g != 0 ? (double)pj->w[q] / g : 0;
    double d = back - (double)pr->weight[q];
    e2 += d * d;
    if (fabs(d) > pj->w_max) pj->w_max = fabs(d);
    if (pj->w[q] == 0 && pr->weight[q] != 0) pj->w_zeroed++;
  }
  pj->w_rms = pr->n_syn ? sqrt(e2 / (double)pr->n_syn) : 0;
  pj->w_ref = pr->n_syn ? sqrt(ref2 / (double)pr->n_syn) : 0;
  return 0;
}

int nm_alloc_rings(nm *m) {
  unsigned longest = 1;
  for (size_t j = 0; j < m->net->n_projs; j++) {
    const nm_proj *pj = &m->projs[j];
    for (size_t q = 0; pj->off && q < m->net->projs[j]->n_syn; q++)
      if (pj->off[q] > longest) longest = pj->off[q];
  }
  /* the ring spans the longest delay the network uses, not the chip's
   * longest: the slots a tick touches then stay in cache */
  m->slots = longest + 1;
  if (m->slots < m->min_slots) m->slots = m->min_slots;
  for (size_t i = 0; i < m->net->n_pops; i++) {
    nm_pop *p = &m->pops[i];
    if (p->form != AP_LOWER_LIF || !p->v) continue;
    for (unsigned q = 0; q < p->n_ports; q++)
      if (!p->acc[q] &&
          !(p->acc[q] = calloc((p->n ? p->n : 1) * m->slots, sizeof(int64_t))))
        return -1;
  }
  return 0;
}

int nm_lower_projs(nm *m) {
  const ap_net *net = m->net;
  for (size_t j = 0; j < net->n_projs; j++)
    if (lower_proj(m, j)) return -1;
  /* axon types: distinct weights reaching one population */
  if (m->chip.weight_types > 0)
    for (size_t i = 0; i < net->n_pops; i++) {
      int32_t seen[64];
      int n = 0, over = 0;
      size_t at = 0;
      for (size_t j = 0; j < net->n_projs && !over; j++) {
        const ap_net_proj *pr = net->projs[j];
        if (pr->post != i || !m->projs[j].w) continue;
        for (size_t q = 0; q < pr->n_syn && !over; q++) {
          int32_t w = m->projs[j].w[q];
          if (!w) continue;
          int k = 0;
          while (k < n && seen[k] != w) k++;
          if (k < n) continue;
          if (n == m->chip.weight_types) {
            over = 1;
            at = j;
          } else {
            seen[n++] = w;
          }
        }
      }
      if (over) {
        char nb[128], jb[160];
        nm_refuse(m, "%s: more than %d distinct weights reach it (one too "
                  "many in %s); a %s neuron has %d axon types",
                  nm_pop_name(m, i, nb, sizeof nb), m->chip.weight_types,
                  nm_proj_name(m, at, jb, sizeof jb), m->chip.name,
                  m->chip.weight_types);
      }
    }
  return 0;
}

/* ------------------------------------------------------------ state */

/* A current port's u after tick t stands for the host's current one step
 * earlier (the input enters u a tick late, see neuromorphic.c), so the
 * host's current at the end of tick t is keep u + the input waiting for
 * tick t + 1, and back. */
static double next_input(const nm *m, const nm_pop *p, unsigned q,
                         size_t k) {
  return (double)p->acc[q][(size_t)(m->ticks % m->slots) * p->n + k];
}

void nm_state_in(nm *m) {
  const ap_net *net = m->net;
  const nm_chip *c = &m->chip;
  const double one = ldexp(1.0, (int)c->decay_bits);
  for (size_t i = 0; i < net->n_pops; i++) {
    nm_pop *p = &m->pops[i];
    if (p->form != AP_LOWER_LIF || !p->v) continue;
    ap_real *const *st = net->pops[i]->state;
    for (size_t k = 0; k < p->n; k++) {
      const ap_lowered *l = &p->low[k];
      p->v[k] = nm_fit(nm_round((st[l->v_var][k] - l->v_off) * p->scale),
                       c->v_bits, NM_OVF_CLIP);
      p->ref[k] = l->ref_var >= 0 ? (int64_t)st[l->ref_var][k] : 0;
      for (unsigned q = 0; q < p->n_ports; q++) {
        const double keep = (double)p->keep_u[q][k] / one;
        p->u[q][k] =
            l->u_var[q] >= 0 && keep > 0
                ? nm_fit(nm_round((st[l->u_var[q]][k] * l->gain[q] * p->scale -
                                   next_input(m, p, q, k)) / keep),
                         c->u_bits ? c->u_bits : 32, NM_OVF_CLIP)
                : 0;
      }
    }
  }
}

void nm_state_out(nm *m) {
  const ap_net *net = m->net;
  const double one = ldexp(1.0, (int)m->chip.decay_bits);
  for (size_t i = 0; i < net->n_pops; i++) {
    nm_pop *p = &m->pops[i];
    if (p->form != AP_LOWER_LIF || !p->v) continue;
    ap_real *const *st = net->pops[i]->state;
    for (size_t k = 0; k < p->n; k++) {
      const ap_lowered *l = &p->low[k];
      st[l->v_var][k] = (double)p->v[k] / p->scale + l->v_off;
      if (l->ref_var >= 0) st[l->ref_var][k] = (double)p->ref[k];
      for (unsigned q = 0; q < p->n_ports; q++)
        if (l->u_var[q] >= 0 && l->gain[q] != 0)
          st[l->u_var[q]][k] =
              ((double)p->u[q][k] * (double)p->keep_u[q][k] / one +
               next_input(m, p, q, k)) / (l->gain[q] * p->scale);
    }
  }
}
