/* connect.c -- connection rules. */
#include "net/connect.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/strutil.h"
#include "dist/dist.h"

static const char *const rule_names[] = {
    "all_to_all",     "one_to_one",         "fixed_probability",
    "fixed_indegree", "fixed_outdegree",    "fixed_total_number",
    "list"};

const char *ap_conn_rule_name(int rule) {
  if (rule < 0 || rule > AP_CONN_LIST) return NULL;
  return rule_names[rule];
}

int ap_conn_rule_from_name(const char *name) {
  for (int i = 0; i <= AP_CONN_LIST; i++)
    if (strcmp(name, rule_names[i]) == 0) return i;
  return -1;
}

void ap_pairs_free(ap_pairs *p) {
  free(p->pre);
  free(p->post);
  free(p->idx);
  memset(p, 0, sizeof *p);
}

static int push(ap_pairs *p, size_t i, size_t j) {
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 1024;
    uint32_t *a = realloc(p->pre, cap * sizeof *a);
    if (!a) return AP_ENOMEM;
    p->pre = a;
    uint32_t *b = realloc(p->post, cap * sizeof *b);
    if (!b) return AP_ENOMEM;
    p->post = b;
    p->cap = cap;
  }
  p->pre[p->n] = (uint32_t)i;
  p->post[p->n] = (uint32_t)j;
  p->n++;
  return AP_OK;
}

static int is_autapse(const ap_conn_geom *g, size_t i, size_t j) {
  return g->same_pop && i + g->pre_first == j + g->post_first;
}

/* Number of neurons of the other side that neuron `x` may connect to
 * without an autapse. */
static size_t choices(const ap_conn_geom *g, int from_post, size_t x,
                      int autapses) {
  size_t other = from_post ? g->n_pre : g->n_post;
  if (autapses || !g->same_pop) return other;
  /* the neuron itself is in the other slice? */
  size_t self = from_post ? x + g->post_first : x + g->pre_first;
  size_t first = from_post ? g->pre_first : g->post_first;
  return (self >= first && self < first + other) ? other - 1 : other;
}

/* Draw `k` partners for neuron `x` (a target when from_post, else a
 * source) from [0, other).  `mark` has `other` bytes, all zero on entry
 * and on return. */
static int draw_partners(const ap_conn_spec *c, const ap_conn_geom *g,
                         int from_post, size_t x, uint64_t k, ap_rng *r,
                         uint8_t *mark, ap_pairs *out) {
  size_t other = from_post ? g->n_pre : g->n_post;
  size_t start = out->n;
  for (uint64_t m = 0; m < k;) {
    size_t y = (size_t)ap_rng_below(r, other);
    size_t i = from_post ? y : x, j = from_post ? x : y;
    if (!c->allow_autapses && is_autapse(g, i, j)) continue;
    if (!c->allow_multapses) {
      if (mark[y]) continue;
      mark[y] = 1;
    }
    if (push(out, i, j)) return AP_ENOMEM;
    m++;
  }
  if (!c->allow_multapses)
    for (size_t s = start; s < out->n; s++)
      mark[from_post ? out->pre[s] : out->post[s]] = 0;
  return AP_OK;
}

/* ------------------------------------------------------------------
 * Rules generated owner by owner.  gen_owners() makes the pairs of owners
 * [x0, x1) into its own buffer; by_owners() splits the owners over
 * threads and concatenates their pairs in owner order, so the result does
 * not depend on the split. */

typedef struct owner_job {
  const ap_conn_spec *c;
  const ap_conn_geom *g;
  uint64_t seed;
  uint32_t stream;
  const uint64_t *counts; /* fixed_total_number: synapses per post */
  size_t x0, x1;
  ap_pairs out;
  int rc;
} owner_job;

static int gen_owners(owner_job *j) {
  const ap_conn_spec *c = j->c;
  const ap_conn_geom *g = j->g;
  int from_post = c->rule != AP_CONN_FIXED_OUTDEGREE;
  size_t other = from_post ? g->n_pre : g->n_post;
  uint8_t *mark = NULL;
  if (!c->allow_multapses && (c->rule == AP_CONN_FIXED_INDEGREE ||
                              c->rule == AP_CONN_FIXED_OUTDEGREE)) {
    mark = calloc(other ? other : 1, 1);
    if (!mark) return AP_ENOMEM;
  }
  double lq = c->p > 0.0 && c->p < 1.0 ? log1p(-c->p) : 0.0;
  int rc = AP_OK;
  for (size_t x = j->x0; x < j->x1 && rc == AP_OK; x++) {
    ap_rng r;
    ap_rng_init(&r, j->seed, j->stream, x, 0);
    switch (c->rule) {
      case AP_CONN_ALL_TO_ALL:
        for (size_t i = 0; i < g->n_pre && rc == AP_OK; i++)
          if (c->allow_autapses || !is_autapse(g, i, x))
            rc = push(&j->out, i, x);
        break;
      case AP_CONN_FIXED_PROBABILITY: {
        if (c->p <= 0.0) break;
        /* Geometric skips between successes: one draw per synapse, not
         * one per candidate pair. */
        size_t i = 0;
        while (i < g->n_pre && rc == AP_OK) {
          if (c->p < 1.0) {
            double u = ap_rng_uniform_pos(&r);
            double skip = floor(log(u) / lq);
            if (skip >= (double)(g->n_pre - i)) break;
            i += (size_t)skip;
          }
          if (c->allow_autapses || !is_autapse(g, i, x))
            rc = push(&j->out, i, x);
          i++;
        }
        break;
      }
      case AP_CONN_FIXED_INDEGREE:
      case AP_CONN_FIXED_OUTDEGREE:
        rc = draw_partners(c, g, from_post, x, c->k, &r, mark, &j->out);
        break;
      case AP_CONN_FIXED_TOTAL_NUMBER:
        rc = draw_partners(c, g, 1, x, j->counts[x], &r, NULL, &j->out);
        break;
      default:
        rc = AP_EINVAL;
    }
  }
  free(mark);
  return rc;
}

static void *owner_thread(void *p) {
  owner_job *j = p;
  j->rc = gen_owners(j);
  return NULL;
}

static int append(ap_pairs *out, const ap_pairs *in) {
  if (out->n + in->n > out->cap) {
    size_t cap = out->n + in->n;
    uint32_t *a = realloc(out->pre, cap * sizeof *a);
    if (!a) return AP_ENOMEM;
    out->pre = a;
    uint32_t *b = realloc(out->post, cap * sizeof *b);
    if (!b) return AP_ENOMEM;
    out->post = b;
    out->cap = cap;
  }
  if (in->n) {
    memcpy(out->pre + out->n, in->pre, in->n * sizeof *in->pre);
    memcpy(out->post + out->n, in->post, in->n * sizeof *in->post);
  }
  out->n += in->n;
  return AP_OK;
}

/* Run fn over jobs[0..t), on threads when there are several; the caller
 * is the first thread, and a thread that cannot start runs inline. */
static void run_jobs(void *(*fn)(void *), void *jobs, size_t size,
                     unsigned t) {
  pthread_t *tid = t > 1 ? calloc(t, sizeof *tid) : NULL;
  unsigned started = 1;
  if (tid)
    for (; started < t; started++)
      if (pthread_create(&tid[started], NULL, fn,
                         (char *)jobs + started * size) != 0)
        break;
  fn(jobs);
  for (unsigned k = 1; k < started; k++) pthread_join(tid[k], NULL);
  for (unsigned k = started; k < t; k++) fn((char *)jobs + k * size);
  free(tid);
}

static int by_owners(const ap_conn_spec *c, const ap_conn_geom *g,
                     uint64_t seed, uint32_t stream, const uint64_t *counts,
                     ap_pairs *out) {
  const int by_post = c->rule != AP_CONN_FIXED_OUTDEGREE;
  size_t x_lo = 0, owners = by_post ? g->n_post : g->n_pre;
  if (g->share && by_post) { /* this process's targets only */
    x_lo = g->own_lo;
    owners = g->own_hi - g->own_lo;
  }
  unsigned t = g->threads > 1 ? g->threads : 1;
  if (t > owners) t = owners ? (unsigned)owners : 1;
  owner_job *jobs = calloc(t, sizeof *jobs);
  if (!jobs) return AP_ENOMEM;
  for (unsigned k = 0; k < t; k++) {
    jobs[k] = (owner_job){c, g, seed, stream, counts, x_lo + owners * k / t,
                          x_lo + owners * (k + 1) / t, {0}, AP_OK};
    /* Where the count is known, room for it at once (no regrowth). */
    size_t want = 0;
    if (counts)
      for (size_t x = jobs[k].x0; x < jobs[k].x1; x++) want += counts[x];
    else if (c->rule == AP_CONN_FIXED_INDEGREE ||
             c->rule == AP_CONN_FIXED_OUTDEGREE)
      want = (jobs[k].x1 - jobs[k].x0) * c->k;
    if (want) {
      jobs[k].out.pre = malloc(want * sizeof *jobs[k].out.pre);
      jobs[k].out.post = malloc(want * sizeof *jobs[k].out.post);
      if (jobs[k].out.pre && jobs[k].out.post) {
        jobs[k].out.cap = want;
      } else {
        free(jobs[k].out.pre);
        free(jobs[k].out.post);
        jobs[k].out.pre = jobs[k].out.post = NULL;
      }
    }
  }
  run_jobs(owner_thread, jobs, sizeof *jobs, t);
  int rc = AP_OK;
  for (unsigned k = 0; k < t; k++) {
    if (rc == AP_OK) rc = jobs[k].rc;
    if (rc == AP_OK) {
      if (out->n == 0 && out->cap == 0) {
        *out = jobs[k].out; /* the first block becomes the result */
        jobs[k].out = (ap_pairs){0};
      } else {
        rc = append(out, &jobs[k].out);
      }
    }
    ap_pairs_free(&jobs[k].out);
  }
  free(jobs);
  return rc;
}

static int fixed_degree(const ap_conn_spec *c, const ap_conn_geom *g,
                        int from_post, uint64_t seed, uint32_t stream,
                        ap_pairs *out, char *err, size_t n) {
  const char *what = from_post ? "indegree" : "outdegree";
  size_t owners = from_post ? g->n_post : g->n_pre;
  if (c->k == 0) return AP_OK;
  for (size_t x = 0; x < owners; x++) {
    size_t avail = choices(g, from_post, x, c->allow_autapses);
    if (avail == 0 || (!c->allow_multapses && c->k > avail)) {
      ap_fmt(err, n,
             "fixed_%s: %s %llu exceeds the %zu possible %s%s", what, what,
             (unsigned long long)c->k, avail,
             from_post ? "sources" : "targets",
             c->allow_multapses ? "" : " without multapses");
      return AP_EINVAL;
    }
  }
  return by_owners(c, g, seed, stream, NULL, out);
}

/* fixed_total_number with multapses: the N synapses fall on the posts
 * multinomially (N uniform draws of a post, in chunks keyed by chunk
 * number, so that the counts do not depend on the thread count); each
 * post then draws its sources as fixed_indegree does. */
enum { TOTAL_CHUNK = 1 << 20 };

typedef struct count_job {
  const ap_conn_geom *g;
  uint64_t seed, n_total;
  uint32_t stream;
  uint64_t c0, c1; /* chunks */
  uint64_t *counts;
} count_job;

static void *count_thread(void *p) {
  count_job *j = p;
  for (uint64_t ch = j->c0; ch < j->c1; ch++) {
    ap_rng r;
    ap_rng_init(&r, j->seed, j->stream, ch, 1);
    uint64_t a = ch * TOTAL_CHUNK, b = a + TOTAL_CHUNK;
    if (b > j->n_total) b = j->n_total;
    for (uint64_t m = a; m < b; m++)
      j->counts[ap_rng_below(&r, j->g->n_post)]++;
  }
  return NULL;
}

static int total_multinomial(const ap_conn_spec *c, const ap_conn_geom *g,
                             uint64_t seed, uint32_t stream, ap_pairs *out) {
  uint64_t chunks = (c->k + TOTAL_CHUNK - 1) / TOTAL_CHUNK;
  /* processes draw chunks [ch0, ch1) and add their counts (integers) */
  uint64_t ch0 = 0, ch1 = chunks;
  if (g->share) {
    size_t lo, hi;
    ap_dist_share((size_t)chunks, &lo, &hi);
    ch0 = lo, ch1 = hi;
  }
  unsigned t = g->threads > 1 ? g->threads : 1;
  if (t > ch1 - ch0) t = ch1 > ch0 ? (unsigned)(ch1 - ch0) : 1;
  count_job *jobs = calloc(t, sizeof *jobs);
  uint64_t *counts = calloc((size_t)t * g->n_post, sizeof *counts);
  int rc = jobs && counts ? AP_OK : AP_ENOMEM;
  if (rc == AP_OK) {
    for (unsigned k = 0; k < t; k++)
      jobs[k] = (count_job){g,          seed, c->k, stream,
                            ch0 + (ch1 - ch0) * k / t,
                            ch0 + (ch1 - ch0) * (k + 1) / t,
                            counts + (size_t)k * g->n_post};
    run_jobs(count_thread, jobs, sizeof *jobs, t);
    for (unsigned k = 1; k < t; k++)
      for (size_t x = 0; x < g->n_post; x++)
        counts[x] += counts[(size_t)k * g->n_post + x];
    if (g->share) ap_dist_sum_u64(counts, g->n_post);
    rc = by_owners(c, g, seed, stream, counts, out);
  }
  free(counts);
  free(jobs);
  return rc;
}

/* Open-addressing set of 64-bit keys, for fixed_total_number without
 * multapses. */
static int total_number(const ap_conn_spec *c, const ap_conn_geom *g,
                        uint64_t seed, uint32_t stream, ap_pairs *out,
                        char *err, size_t n) {
  double possible = (double)g->n_pre * (double)g->n_post;
  if (!c->allow_autapses && g->same_pop) {
    size_t lo = g->pre_first > g->post_first ? g->pre_first : g->post_first;
    size_t hi_a = g->pre_first + g->n_pre, hi_b = g->post_first + g->n_post;
    size_t hi = hi_a < hi_b ? hi_a : hi_b;
    if (hi > lo) possible -= (double)(hi - lo);
  }
  if (c->k > 0 && (possible <= 0 ||
                   (!c->allow_multapses && (double)c->k > possible))) {
    ap_fmt(err, n,
           "fixed_total_number: N = %llu exceeds the %.0f possible pairs%s",
           (unsigned long long)c->k, possible < 0 ? 0 : possible,
           c->allow_multapses ? "" : " without multapses");
    return AP_EINVAL;
  }
  /* With every target choosing among the same sources, the pairs fall on
   * the targets multinomially with equal probabilities; excluded autapses
   * would make those unequal, so that case draws pairs from one stream. */
  if (c->allow_multapses && (c->allow_autapses || !g->same_pop))
    return total_multinomial(c, g, seed, stream, out);
  size_t cap = 0;
  uint64_t *set = NULL;
  if (!c->allow_multapses) {
    cap = 16;
    while (cap < 2 * c->k) cap *= 2;
    set = malloc(cap * sizeof *set);
    if (!set) return AP_ENOMEM;
    memset(set, 0xff, cap * sizeof *set);
  }
  ap_rng r;
  ap_rng_init(&r, seed, stream, 0, 0);
  for (uint64_t m = 0; m < c->k;) {
    size_t i = (size_t)ap_rng_below(&r, g->n_pre);
    size_t j = (size_t)ap_rng_below(&r, g->n_post);
    if (!c->allow_autapses && is_autapse(g, i, j)) continue;
    if (set) {
      uint64_t key = (uint64_t)i * g->n_post + j;
      size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
      int dup = 0;
      while (set[h] != UINT64_MAX) {
        if (set[h] == key) {
          dup = 1;
          break;
        }
        h = (h + 1) & (cap - 1);
      }
      if (dup) continue;
      set[h] = key;
    }
    if (push(out, i, j)) {
      free(set);
      return AP_ENOMEM;
    }
    m++;
  }
  free(set);
  return AP_OK;
}

static int generate(const ap_conn_spec *c, const ap_conn_geom *g,
                    uint64_t seed, uint32_t stream, ap_pairs *out, char *err,
                    size_t n) {
  switch (c->rule) {
    case AP_CONN_ALL_TO_ALL:
      return by_owners(c, g, seed, stream, NULL, out);
    case AP_CONN_ONE_TO_ONE:
      if (g->n_pre != g->n_post) {
        ap_fmt(err, n,
               "one_to_one needs populations of the same size, got %zu and %zu",
               g->n_pre, g->n_post);
        return AP_EINVAL;
      }
      for (size_t i = 0; i < g->n_pre; i++)
        if (c->allow_autapses || !is_autapse(g, i, i))
          if (push(out, i, i)) return AP_ENOMEM;
      return AP_OK;
    case AP_CONN_FIXED_PROBABILITY:
      if (!(c->p >= 0.0 && c->p <= 1.0)) {
        ap_fmt(err, n, "fixed_probability: p must be in [0, 1], got %g", c->p);
        return AP_EINVAL;
      }
      return by_owners(c, g, seed, stream, NULL, out);
    case AP_CONN_FIXED_INDEGREE:
      return fixed_degree(c, g, 1, seed, stream, out, err, n);
    case AP_CONN_FIXED_OUTDEGREE:
      return fixed_degree(c, g, 0, seed, stream, out, err, n);
    case AP_CONN_FIXED_TOTAL_NUMBER:
      return total_number(c, g, seed, stream, out, err, n);
    case AP_CONN_LIST:
      for (size_t s = 0; s < c->n_list; s++) {
        if (c->pre[s] >= g->n_pre || c->post[s] >= g->n_post) {
          ap_fmt(err, n,
                 "connection list entry %zu: pre %llu / post %llu outside "
                 "1..%zu / 1..%zu",
                 s + 1, (unsigned long long)c->pre[s] + 1,
                 (unsigned long long)c->post[s] + 1, g->n_pre, g->n_post);
          return AP_EINVAL;
        }
        if (!c->allow_autapses && is_autapse(g, c->pre[s], c->post[s]))
          continue;
        if (push(out, c->pre[s], c->post[s])) return AP_ENOMEM;
      }
      return AP_OK;
    default:
      ap_fmt(err, n, "unknown connection rule %d", c->rule);
      return AP_EINVAL;
  }
}

/* Whether rule c generates owner by owner with the targets as owners, so
 * that a share is a contiguous run of generation indices. */
static int owned_by_post(const ap_conn_spec *c, const ap_conn_geom *g) {
  switch (c->rule) {
    case AP_CONN_ALL_TO_ALL:
    case AP_CONN_FIXED_PROBABILITY:
    case AP_CONN_FIXED_INDEGREE:
      return 1;
    case AP_CONN_FIXED_TOTAL_NUMBER:
      return c->allow_multapses && (c->allow_autapses || !g->same_pop);
    default:
      return 0;
  }
}

/* Keep the pairs into [own_lo, own_hi), with their generation indices. */
static int keep_share(const ap_conn_geom *g, ap_pairs *p) {
  size_t kept = 0;
  for (size_t m = 0; m < p->n; m++)
    kept += p->post[m] >= g->own_lo && p->post[m] < g->own_hi;
  uint64_t *idx = malloc((kept ? kept : 1) * sizeof *idx);
  if (!idx) return AP_ENOMEM;
  size_t k = 0;
  for (size_t m = 0; m < p->n; m++)
    if (p->post[m] >= g->own_lo && p->post[m] < g->own_hi) {
      p->pre[k] = p->pre[m];
      p->post[k] = p->post[m];
      idx[k++] = m;
    }
  p->n = kept;
  p->idx = idx;
  return AP_OK;
}

int ap_connect_generate(const ap_conn_spec *c, const ap_conn_geom *g,
                        uint64_t seed, uint32_t stream, ap_pairs *out,
                        char *err, size_t n) {
  int rc;
  if (g->share && !owned_by_post(c, g)) {
    /* keyed otherwise: every process draws the whole rule and keeps its
     * targets' pairs */
    ap_conn_geom whole = *g;
    whole.share = 0;
    rc = generate(c, &whole, seed, stream, out, err, n);
    if (!rc) rc = keep_share(g, out);
  } else {
    rc = generate(c, g, seed, stream, out, err, n);
  }
  out->by_post = c->rule != AP_CONN_FIXED_OUTDEGREE && c->rule != AP_CONN_LIST &&
                 !(c->rule == AP_CONN_FIXED_TOTAL_NUMBER &&
                   !(c->allow_multapses && (c->allow_autapses || !g->same_pop)));
  return rc;
}
