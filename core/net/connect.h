/* connect.h -- connection rules: which (pre, post) pairs a projection has.
 *
 * Every rule draws from streams keyed by the projection and by the neuron
 * that owns the draw (the target for all_to_all, fixed_probability and
 * fixed_indegree, fixed_total_number; the source for fixed_outdegree), so
 * the network built is the same however the work is split.  Owners are
 * split over threads in contiguous ranges and their pairs concatenated in
 * owner order.  Pairs come out in generation order; the simulator sorts
 * them into compressed rows. */
#ifndef AP_CONNECT_H
#define AP_CONNECT_H
#include <stddef.h>
#include <stdint.h>
#include "apical/apical.h"

typedef struct ap_pairs {
  uint32_t *pre, *post; /* slice-relative, 0-based */
  size_t n, cap;
  int by_post;          /* set when the pairs come ordered by post (then
                           by pre within a post, multapses in draw order) */
  /* A share (ap_conn_geom.share): the pairs into the owned targets, in
   * generation order.  Their generation indices (the positions they have
   * among the pairs of the whole rule, which key their weights and
   * delays) are idx[k], or, where idx is NULL, a contiguous run whose
   * start the caller learns from the processes before it. */
  uint64_t *idx;
} ap_pairs;

/* Slices of the pre and post populations: n_pre, n_post neurons; when they
 * share a population, pre index i and post index j are the same neuron if
 * i + pre_first == j + post_first (same_pop != 0). */
typedef struct ap_conn_geom {
  size_t n_pre, n_post;
  int same_pop;
  size_t pre_first, post_first;
  unsigned threads; /* split the owners over this many threads (0, 1: none);
                       the pairs do not depend on it */
  int share;        /* nonzero: generate only the pairs whose post index
                       is in [own_lo, own_hi) (this process's targets) */
  size_t own_lo, own_hi;
} ap_conn_geom;

/* Generate the pairs of rule `c`.  Returns AP_OK or AP_EINVAL/AP_ENOMEM
 * with a message ("fixed_indegree: indegree 120 exceeds the 99 possible
 * sources without multapses"). */
int ap_connect_generate(const ap_conn_spec *c, const ap_conn_geom *g,
                        uint64_t seed, uint32_t stream, ap_pairs *out,
                        char *err, size_t n);
void ap_pairs_free(ap_pairs *p);
/* Name of a rule ("fixed_indegree"), NULL if invalid; and back. */
const char *ap_conn_rule_name(int rule);
int ap_conn_rule_from_name(const char *name);
#endif
