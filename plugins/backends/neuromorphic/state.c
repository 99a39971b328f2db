/* state.c -- the chip's own state for checkpoints (the backend's save and
 * load hooks).
 *
 * The host's arrays hold the network in doubles; the chip holds it in
 * integers that the doubles do not give back exactly.  So the hooks write
 * what the chip evolves, in its own integers: per population the voltages,
 * refractory counters and currents, and the input rings (spikes in flight,
 * already weighted); per plastic projection its weights on the chip's
 * grid with their exponent; and the counters behind the report (ticks,
 * operations, energy, chip time).  Everything else (the lowered
 * constants, the mapping) follows from the network and the profile and
 * is made again by create and reload.
 *
 * The layout (host byte order; the host's checkpoint records it):
 *   "apNM", version, populations, projections, ticks of the ring, k,
 *   ticks so far, the counters, per core its busy time this tick, then
 *   per population and per projection a block that starts with the
 *   sizes it was saved with, so that a different network is refused
 *   before anything is overwritten. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm.h"

#define NM_STATE_MAGIC 0x4d4e7061u /* "apNM" read as little-endian */
#define NM_STATE_VERSION 1u

typedef struct wr {
  const ap_stream *s;
  int rc;
} wr;

static void put(wr *w, const void *p, size_t n) {
  if (!w->rc && n) w->rc = w->s->write(w->s->ctx, p, n);
}
static void put_u64(wr *w, uint64_t v) { put(w, &v, sizeof v); }

typedef struct rd {
  const ap_stream *s;
  int rc;
} rd;

static void get(rd *r, void *p, size_t n) {
  if (!r->rc && n) r->rc = r->s->read(r->s->ctx, p, n);
}
static uint64_t get_u64(rd *r) {
  uint64_t v = 0;
  get(r, &v, sizeof v);
  return v;
}

/* The counters, in one fixed order for save and load. */
#define NM_COUNTERS(X)                                                      \
  X(synops) X(upd_active) X(upd_inactive) X(spikes) X(injected) X(learn)   \
  X(routed) X(crossings_core) X(crossings_chip) X(ticks)

static int has_state(const nm_pop *p) {
  return p->form == AP_LOWER_LIF && p->v;
}

int nm_save(void *vm, const ap_stream *out, char *err, size_t err_size) {
  nm *m = vm;
  const ap_net *net = m->net;
  wr w = {out, AP_OK};
  const uint32_t head[2] = {NM_STATE_MAGIC, NM_STATE_VERSION};
  put(&w, head, sizeof head);
  put_u64(&w, net->n_pops);
  put_u64(&w, net->n_projs);
  put_u64(&w, m->slots);
  put_u64(&w, m->k);
#define PUT_COUNTER(f) put_u64(&w, m->f);
  NM_COUNTERS(PUT_COUNTER)
#undef PUT_COUNTER
  put(&w, &m->e_route, sizeof m->e_route);
  put(&w, &m->chip_time, sizeof m->chip_time);
  put_u64(&w, m->n_cores);
  put(&w, m->core_busy, m->n_cores * sizeof *m->core_busy);
  for (size_t i = 0; i < net->n_pops; i++) {
    const nm_pop *p = &m->pops[i];
    const int st = has_state(p);
    put_u64(&w, st ? p->n : 0);
    put_u64(&w, st ? p->n_ports : 0);
    if (!st) continue;
    put(&w, p->v, p->n * sizeof *p->v);
    put(&w, p->ref, p->n * sizeof *p->ref);
    for (unsigned q = 0; q < p->n_ports; q++) {
      put(&w, p->u[q], p->n * sizeof *p->u[q]);
      put(&w, p->acc[q], p->n * m->slots * sizeof *p->acc[q]);
    }
  }
  for (size_t j = 0; j < net->n_projs; j++) {
    const nm_proj *pj = &m->projs[j];
    const size_t n = pj->plastic && pj->w ? net->projs[j]->n_syn : 0;
    put_u64(&w, n);
    if (!n) continue;
    const int64_t e = pj->exp;
    put(&w, &e, sizeof e);
    put_u64(&w, pj->mag_bits);
    put(&w, &pj->unit, sizeof pj->unit);
    put(&w, pj->w, n * sizeof *pj->w);
  }
  if (w.rc) {
    snprintf(err, err_size, "could not write the chip's state");
    return AP_EIO;
  }
  return AP_OK;
}

/* Check one saved size against this instance's; a sentence when they
 * differ. */
static int same(rd *r, uint64_t want, const char *what, size_t at,
                char *err, size_t err_size) {
  const uint64_t got = get_u64(r);
  if (r->rc || got == want) return 0;
  if (at)
    snprintf(err, err_size, "the chip's state was saved for a different "
             "network: %s %zu had %llu, this one has %llu", what, at,
             (unsigned long long)got, (unsigned long long)want);
  else
    snprintf(err, err_size, "the chip's state was saved for a different "
             "network: it had %llu %s, this one has %llu",
             (unsigned long long)got, what, (unsigned long long)want);
  return 1;
}

/* Everything is read into scratch first and checked; the instance
 * changes only once the whole state has been read, so a short or foreign
 * stream leaves it as it was. */
int nm_load(void *vm, const ap_stream *in, char *err, size_t err_size) {
  nm *m = vm;
  const ap_net *net = m->net;
  rd r = {in, AP_OK};
  uint32_t head[2] = {0, 0};
  get(&r, head, sizeof head);
  if (!r.rc && head[0] != NM_STATE_MAGIC) {
    snprintf(err, err_size, "not the state of a neuromorphic backend");
    return AP_EINVAL;
  }
  if (!r.rc && head[1] != NM_STATE_VERSION) {
    snprintf(err, err_size, "the chip's state has version %u; this "
             "backend reads version %u", (unsigned)head[1], NM_STATE_VERSION);
    return AP_EINVAL;
  }
  if (same(&r, net->n_pops, "populations", 0, err, err_size) ||
      same(&r, net->n_projs, "projections", 0, err, err_size) ||
      same(&r, m->slots, "ticks of input ring", 0, err, err_size) ||
      same(&r, m->k, "steps per tick", 0, err, err_size))
    return AP_EINVAL;
  nm saved = *m; /* the scalars, read into a copy */
#define GET_COUNTER(f) saved.f = get_u64(&r);
  NM_COUNTERS(GET_COUNTER)
#undef GET_COUNTER
  get(&r, &saved.e_route, sizeof saved.e_route);
  get(&r, &saved.chip_time, sizeof saved.chip_time);
  if (same(&r, m->n_cores, "cores", 0, err, err_size)) return AP_EINVAL;
  /* The arrays: one scratch block as long as all of them together. */
  size_t bytes = m->n_cores * sizeof(double);
  for (size_t i = 0; i < net->n_pops; i++) {
    const nm_pop *p = &m->pops[i];
    if (has_state(p))
      bytes += p->n * sizeof(int64_t) * (2 + p->n_ports * (1 + m->slots));
  }
  for (size_t j = 0; j < net->n_projs; j++)
    if (m->projs[j].plastic && m->projs[j].w)
      bytes += net->projs[j]->n_syn * sizeof(int32_t);
  unsigned char *buf = malloc(bytes ? bytes : 1), *at = buf;
  if (!buf) {
    snprintf(err, err_size, "out of memory reading the chip's state");
    return AP_ENOMEM;
  }
  typedef struct plastic_head {
    int64_t exp;
    uint64_t mag_bits;
    double unit;
  } plastic_head;
  plastic_head *ph = calloc(net->n_projs ? net->n_projs : 1, sizeof *ph);
  if (!ph) {
    free(buf);
    snprintf(err, err_size, "out of memory reading the chip's state");
    return AP_ENOMEM;
  }
  int bad = 0;
  get(&r, at, m->n_cores * sizeof(double));
  at += m->n_cores * sizeof(double);
  for (size_t i = 0; i < net->n_pops && !bad && !r.rc; i++) {
    const nm_pop *p = &m->pops[i];
    const int st = has_state(p);
    bad = same(&r, st ? p->n : 0, "neurons on the chip in population", i + 1,
               err, err_size) ||
          same(&r, st ? p->n_ports : 0, "input ports in population", i + 1,
               err, err_size);
    if (bad || !st) continue;
    const size_t b = p->n * sizeof(int64_t) * (2 + p->n_ports * (1 + m->slots));
    get(&r, at, b);
    at += b;
  }
  for (size_t j = 0; j < net->n_projs && !bad && !r.rc; j++) {
    const nm_proj *pj = &m->projs[j];
    const size_t n = pj->plastic && pj->w ? net->projs[j]->n_syn : 0;
    bad = same(&r, n, "plastic synapses on the chip in projection", j + 1,
               err, err_size);
    if (bad || !n) continue;
    get(&r, &ph[j].exp, sizeof ph[j].exp);
    ph[j].mag_bits = get_u64(&r);
    get(&r, &ph[j].unit, sizeof ph[j].unit);
    get(&r, at, n * sizeof(int32_t));
    at += n * sizeof(int32_t);
  }
  if (!bad && !r.rc) { /* nothing may follow */
    unsigned char extra;
    if (in->read(in->ctx, &extra, 1) == AP_OK) {
      snprintf(err, err_size, "the chip's state goes on past its end "
               "(saved by another backend or version?)");
      bad = 1;
    }
  }
  if (bad || r.rc) {
    if (!bad) snprintf(err, err_size, "the chip's state ends early");
    free(buf);
    free(ph);
    return bad ? AP_EINVAL : AP_EIO;
  }
  /* All read: now the instance takes it. */
#define SET_COUNTER(f) m->f = saved.f;
  NM_COUNTERS(SET_COUNTER)
#undef SET_COUNTER
  m->e_route = saved.e_route;
  m->chip_time = saved.chip_time;
  at = buf;
  memcpy(m->core_busy, at, m->n_cores * sizeof(double));
  at += m->n_cores * sizeof(double);
  for (size_t i = 0; i < net->n_pops; i++) {
    nm_pop *p = &m->pops[i];
    if (!has_state(p)) continue;
    memcpy(p->v, at, p->n * sizeof *p->v);
    at += p->n * sizeof *p->v;
    memcpy(p->ref, at, p->n * sizeof *p->ref);
    at += p->n * sizeof *p->ref;
    for (unsigned q = 0; q < p->n_ports; q++) {
      memcpy(p->u[q], at, p->n * sizeof *p->u[q]);
      at += p->n * sizeof *p->u[q];
      memcpy(p->acc[q], at, p->n * m->slots * sizeof *p->acc[q]);
      at += p->n * m->slots * sizeof *p->acc[q];
    }
  }
  for (size_t j = 0; j < net->n_projs; j++) {
    nm_proj *pj = &m->projs[j];
    if (!pj->plastic || !pj->w) continue;
    const size_t n = net->projs[j]->n_syn;
    pj->exp = (int)ph[j].exp;
    pj->mag_bits = (unsigned)ph[j].mag_bits;
    pj->unit = ph[j].unit;
    memcpy(pj->w, at, n * sizeof *pj->w);
    at += n * sizeof *pj->w;
  }
  free(buf);
  free(ph);
  return AP_OK;
}
