/* synbuild.h -- turn a projection's pairs into compressed rows.
 *
 * Rows are by presynaptic neuron (population index); within a row the
 * targets ascend, ties (multapses) in generation order.  Weights and
 * delays are drawn per synapse from streams keyed by the synapse's index
 * in generation order, so the rows do not depend on how many threads build
 * them: each thread owns a range of rows and writes only those. */
#ifndef AP_SYNBUILD_H
#define AP_SYNBUILD_H
#include <stddef.h>
#include <stdint.h>
#include "apical/apical.h"
#include "net/connect.h"

enum { AP_SYN_BAD_NONE = 0, AP_SYN_BAD_WEIGHT = 1, AP_SYN_BAD_DELAY = 2 };

typedef struct ap_synbuild {
  /* in */
  const ap_pairs *pairs;
  size_t pre_first, post_first; /* slice offsets in the populations */
  size_t npre;                  /* neurons of the pre population */
  const ap_value *weight, *delay;
  uint64_t seed;
  uint32_t stream;
  double dt;                    /* ms */
  int negate;                   /* store -weight (sign rule, conductances) */
  int nonnegative;              /* weights must be >= 0 (conductance port) */
  unsigned threads;
  /* a share of the projection (ap_pairs.idx): pair k has generation
   * index pairs->idx[k], or gen_base + k where idx is NULL */
  uint64_t gen_base;
  /* out: allocated by the caller (row: npre + 1; the others: pairs->n) */
  size_t *row;
  uint32_t *target;
  ap_weight *w;
  uint16_t *d;
  /* out: the first bad synapse (its generation index), if any */
  int bad;                      /* AP_SYN_BAD_* */
  size_t bad_index;
  double bad_value;
} ap_synbuild;

/* Fill row/target/w/d.  Returns AP_OK, AP_EINVAL with bad* set, or
 * AP_ENOMEM. */
int ap_synbuild_run(ap_synbuild *b);
#endif
