/* synbuild.c -- turn a projection's pairs into compressed rows. */
#include "net/synbuild.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "net/values.h"

typedef struct job {
  ap_synbuild *b;
  int phase;     /* 0: count, 1: fill, 2: sort */
  size_t i0, i1; /* synapses (generation order) this thread fills */
  size_t p0, p1; /* rows this thread sorts */
  size_t *at;    /* per row: this thread's count, then its next position */
  int bad;
  size_t bad_index;
  double bad_value;
  int rc;
} job;

/* The weight and delay of synapse i (generation order); 0 or AP_SYN_BAD_*. */
static int draw(const ap_synbuild *b, size_t i, float *w, uint16_t *d,
                double *bad_value) {
  /* One stream per synapse: its weight's draws, then its delay's. */
  ap_rng r;
  if (ap_value_is_random(b->weight) || ap_value_is_random(b->delay))
    ap_rng_init(&r, b->seed, b->stream, i, 0);
  double wi = ap_value_draw(b->weight, i, &r);
  double di = ap_value_draw(b->delay, i, &r);
  if (b->negate) wi = -wi;
  if (b->nonnegative && wi < 0) {
    *bad_value = b->negate ? -wi : wi;
    return AP_SYN_BAD_WEIGHT;
  }
  double dt = b->dt;
  if (!(di >= dt * (1 - 1e-9) && di <= 65535.0 * dt)) {
    *bad_value = di;
    return AP_SYN_BAD_DELAY;
  }
  *w = (float)wi;
  /* Nearest step; the slack makes 0.15 ms at dt 0.1 two steps, as its
   * decimal value says, although 0.15 / 0.1 is 1.4999999999999998. */
  long steps = (long)floor(di / dt + 0.5 + 1e-9);
  *d = (uint16_t)(steps < 1 ? 1 : steps);
  return AP_SYN_BAD_NONE;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Order a row by target, ties in generation (= fill) order. */
static int sort_row(ap_synbuild *b, size_t a, size_t e, uint64_t **keys,
                    size_t *cap, float **tw, uint16_t **td) {
  size_t k = e - a;
  if (k < 2) return AP_OK;
  int sorted = 1;
  for (size_t m = a + 1; m < e && sorted; m++)
    sorted = b->target[m - 1] <= b->target[m];
  if (sorted) return AP_OK;
  if (k > *cap) {
    uint64_t *nk = realloc(*keys, k * sizeof *nk);
    float *nw = nk ? realloc(*tw, k * sizeof *nw) : NULL;
    uint16_t *nd = nw ? realloc(*td, k * sizeof *nd) : NULL;
    if (nk) *keys = nk;
    if (nw) *tw = nw;
    if (!nd) return AP_ENOMEM;
    *td = nd;
    *cap = k;
  }
  for (size_t m = 0; m < k; m++)
    (*keys)[m] = ((uint64_t)b->target[a + m] << 32) | m;
  qsort(*keys, k, sizeof **keys, cmp_u64);
  memcpy(*tw, b->w + a, k * sizeof **tw);
  memcpy(*td, b->d + a, k * sizeof **td);
  for (size_t m = 0; m < k; m++) {
    uint32_t from = (uint32_t)((*keys)[m] & 0xffffffffu);
    b->target[a + m] = (uint32_t)((*keys)[m] >> 32);
    b->w[a + m] = (*tw)[from];
    b->d[a + m] = (*td)[from];
  }
  return AP_OK;
}

/* Phase 0 counts the thread's synapses per row; phase 1 writes them, in
 * generation order, from the row positions the threads before it leave
 * free; phase 2 sorts rows whose rule did not generate them in target
 * order.  Each thread reads only its own share of the pairs. */
static void *work(void *p) {
  job *j = p;
  ap_synbuild *b = j->b;
  const ap_pairs *pr = b->pairs;
  if (j->phase == 0) {
    for (size_t i = j->i0; i < j->i1; i++) j->at[b->pre_first + pr->pre[i]]++;
  } else if (j->phase == 1) {
    for (size_t i = j->i0; i < j->i1; i++) {
      size_t pos = j->at[b->pre_first + pr->pre[i]]++;
      b->target[pos] = (uint32_t)(b->post_first + pr->post[i]);
      double v;
      const size_t g = pr->idx ? (size_t)pr->idx[i] : (size_t)b->gen_base + i;
      int bad = draw(b, g, &b->w[pos], &b->d[pos], &v);
      if (bad) {
        j->bad = bad;
        j->bad_index = g;
        j->bad_value = v;
        break; /* this thread's first bad synapse is its smallest */
      }
    }
  } else {
    uint64_t *keys = NULL;
    float *tw = NULL;
    uint16_t *td = NULL;
    size_t cap = 0;
    for (size_t src = j->p0; src < j->p1 && !j->rc; src++)
      j->rc = sort_row(b, b->row[src], b->row[src + 1], &keys, &cap, &tw, &td);
    free(keys);
    free(tw);
    free(td);
  }
  return NULL;
}

static void run_phase(job *jobs, unsigned t, int phase) {
  pthread_t *tid = t > 1 ? calloc(t, sizeof *tid) : NULL;
  for (unsigned k = 0; k < t; k++) jobs[k].phase = phase;
  unsigned started = 1;
  if (tid)
    for (; started < t; started++)
      if (pthread_create(&tid[started], NULL, work, &jobs[started]) != 0)
        break;
  work(&jobs[0]);
  for (unsigned k = 1; k < started; k++) pthread_join(tid[k], NULL);
  for (unsigned k = started; k < t; k++) work(&jobs[k]);
  free(tid);
}

int ap_synbuild_run(ap_synbuild *b) {
  const ap_pairs *pr = b->pairs;
  const size_t npre = b->npre;
  b->bad = AP_SYN_BAD_NONE;
  unsigned t = b->threads > 1 ? b->threads : 1;
  if (pr->n < (size_t)t * 4096) t = 1; /* not worth the threads */
  job *jobs = calloc(t, sizeof *jobs);
  size_t *at = calloc((size_t)t * (npre + 1), sizeof *at);
  if (!jobs || !at) {
    free(jobs);
    free(at);
    return AP_ENOMEM;
  }
  for (unsigned k = 0; k < t; k++) {
    jobs[k].b = b;
    jobs[k].i0 = pr->n / t * k;
    jobs[k].i1 = k + 1 == t ? pr->n : pr->n / t * (k + 1);
    jobs[k].at = at + (size_t)k * (npre + 1);
  }
  run_phase(jobs, t, 0);
  /* rows, and where each thread starts in each row */
  b->row[0] = 0;
  for (size_t q = 0; q < npre; q++) {
    size_t pos = b->row[q];
    for (unsigned k = 0; k < t; k++) {
      size_t c = jobs[k].at[q];
      jobs[k].at[q] = pos;
      pos += c;
    }
    b->row[q + 1] = pos;
  }
  run_phase(jobs, t, 1);
  int rc = AP_OK;
  for (unsigned k = 0; k < t; k++)
    if (jobs[k].bad && (!b->bad || jobs[k].bad_index < b->bad_index)) {
      b->bad = jobs[k].bad;
      b->bad_index = jobs[k].bad_index;
      b->bad_value = jobs[k].bad_value;
    }
  if (!b->bad && !pr->by_post) {
    /* rows split so that each thread sorts about as many synapses */
    size_t q = 0;
    for (unsigned k = 0; k < t; k++) {
      jobs[k].p0 = q;
      size_t goal = pr->n / t * (k + 1);
      if (k + 1 == t) q = npre;
      else
        while (q < npre && b->row[q + 1] <= goal) q++;
      jobs[k].p1 = q;
    }
    run_phase(jobs, t, 2);
    for (unsigned k = 0; k < t; k++)
      if (jobs[k].rc && !rc) rc = jobs[k].rc;
  }
  free(jobs);
  free(at);
  if (!rc && b->bad) rc = AP_EINVAL;
  return rc;
}
