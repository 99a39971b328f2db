/* share.c -- a run of several processes: the share of each projection a
 * process holds, and the host's reads and writes of whole projections.
 *
 * Process r of P owns neurons [n r / P, n (r + 1) / P) of every
 * population of n (ap_dist_share) and builds only the synapses into
 * them (net/projection.c), with the same generation indices, weights and
 * delays that a run of one process gives them.  Its rows keep every
 * presynaptic neuron; within a row the targets ascend, so the whole
 * projection's row j is the processes' segments of row j in rank order.
 * row_id[j] numbers the first synapse of this process's segment in the
 * whole projection's storage order, which is all the host needs to
 * gather a projection's values into the order of one process, to write
 * them back, and to find a synapse by its index. */
#include "net/sim_int.h"

#include "dist/dist.h"

int sim_share_rows(ap_sim *sim, proj *pr, pop *pre, const size_t *row) {
  const size_t npre = pre->n;
  if (ap_dist_size() < 2) {
    for (size_t j = 0; j < npre; j++) pre->outdeg[j] += row[j + 1] - row[j];
    pr->row_id = NULL;
    return AP_OK;
  }
  uint64_t *all = malloc((npre ? npre : 1) * sizeof *all);
  uint64_t *before = malloc((npre ? npre : 1) * sizeof *before);
  size_t *id = malloc((npre ? npre : 1) * sizeof *id);
  if (!all || !before || !id) /* the others would wait in vain */
    ap_dist_fail("out of memory numbering the synapses", 1);
  for (size_t j = 0; j < npre; j++) all[j] = before[j] = row[j + 1] - row[j];
  ap_dist_sum_u64(all, npre);
  ap_dist_exscan_u64(before, npre);
  size_t start = 0, lo, hi;
  unsigned away = 0; /* a synapse of one of this process's neurons elsewhere */
  ap_dist_share(npre, &lo, &hi);
  for (size_t j = 0; j < npre; j++) {
    id[j] = start + (size_t)before[j];
    start += (size_t)all[j];
    pre->outdeg[j] += all[j];
    if (j >= lo && j < hi && all[j] != row[j + 1] - row[j]) away = 1;
  }
  pr->stays = !ap_dist_max_u(away);
  free(all);
  free(before);
  pr->row_id = id;
  (void)sim;
  return AP_OK;
}

/* The whole projection's index of each synapse held here. */
static uint64_t *positions(const ap_sim *sim, const proj *pr) {
  const size_t npre = sim->pops[pr->pre.pop].n;
  uint64_t *pos = malloc((pr->n_syn ? pr->n_syn : 1) * sizeof *pos);
  if (!pos) return NULL;
  for (size_t j = 0; j < npre; j++)
    for (size_t s = pr->row[j]; s < pr->row[j + 1]; s++)
      pos[s] = s - pr->row[j] + pr->row_id[j];
  return pos;
}

int sim_share_gather(ap_sim *sim, const proj *pr, const void *local,
                     size_t elem, void *whole) {
  if (!pr->row_id) {
    if (pr->n_syn) memcpy(whole, local, pr->n_syn * elem);
    return AP_OK;
  }
  uint64_t *pos = positions(sim, pr);
  if (!pos) ap_dist_fail("out of memory gathering a projection", 1);
  int rc = ap_dist_gather_placed(pos, local, pr->n_syn, elem, whole,
                                 pr->n_all);
  free(pos);
  if (rc) return sim_fail(sim, AP_ENOMEM, "out of memory gathering the %zu "
                          "synapses of a projection", pr->n_all);
  return AP_OK;
}

void sim_share_scatter(const ap_sim *sim, const proj *pr, const void *whole,
                       size_t elem, void *local) {
  if (!pr->row_id) {
    if (pr->n_syn) memcpy(local, whole, pr->n_syn * elem);
    return;
  }
  const size_t npre = sim->pops[pr->pre.pop].n;
  for (size_t j = 0; j < npre; j++)
    for (size_t s = pr->row[j]; s < pr->row[j + 1]; s++)
      memcpy((char *)local + s * elem,
             (const char *)whole + (s - pr->row[j] + pr->row_id[j]) * elem,
             elem);
}

size_t sim_share_local(const ap_sim *sim, const proj *pr, size_t g) {
  if (!pr->row_id) return g < pr->n_syn ? g : SIZE_MAX;
  const size_t npre = sim->pops[pr->pre.pop].n;
  /* the last row whose first synapse here is numbered <= g: earlier rows'
   * segments end at or before it */
  size_t lo = 0, hi = npre;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (pr->row_id[mid] <= g) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return SIZE_MAX;
  const size_t j = lo - 1, k = g - pr->row_id[j];
  return k < pr->row[j + 1] - pr->row[j] ? pr->row[j] + k : SIZE_MAX;
}

/* The credit the rules left in this phase: every process's segments of
 * each call, in rank order, summed from 0 and added to the neuron's sum,
 * as one process would. */
int sim_share_credit(ap_sim *sim) {
  if (ap_dist_size() < 2 || !sim->credit) return AP_OK;
  /* one message: per population, its log's length, then the log */
  size_t total = 0;
  int oom = 0;
  for (size_t i = 0; i < sim->n_credit; i++) {
    total += 1 + sim->credit[i].log_n;
    oom |= sim->credit[i].logging < 0;
  }
  double *mine = malloc((total ? total : 1) * sizeof *mine);
  if (!mine || oom) ap_dist_fail("out of memory summing the credit", 1);
  size_t at = 0;
  for (size_t i = 0; i < sim->n_credit; i++) {
    ap_credit *c = &sim->credit[i];
    mine[at++] = (double)c->log_n;
    if (c->log_n) memcpy(mine + at, c->log, c->log_n * sizeof *mine);
    at += c->log_n;
    c->log_n = 0;
  }
  void *all = NULL;
  const int P = ap_dist_size();
  size_t *len = malloc((size_t)P * sizeof *len);
  const double **in = malloc((size_t)P * sizeof *in);
  const double **end = malloc((size_t)P * sizeof *end);
  if (!len || !in || !end ||
      ap_dist_gather_bytes(mine, total * sizeof *mine, &all, len))
    ap_dist_fail("out of memory summing the credit", 1);
  free(mine);
  const double *p = all;
  for (int r = 0; r < P; r++) {
    in[r] = p;
    p += len[r] / sizeof *p;
  }
  int rc = AP_OK;
  for (size_t i = 0; i < sim->n_credit && !rc; i++) {
    ap_credit *c = &sim->credit[i];
    for (int r = 0; r < P; r++) {
      const size_t k = (size_t)*in[r]++;
      end[r] = in[r] + k;
    }
    while (in[0] < end[0] && !rc) {
      const double j = in[0][0];
      double acc = 0.0;
      for (int r = 0; r < P; r++) {
        if (in[r] >= end[r] || in[r][0] != j) {
          rc = sim_fail(sim, AP_EPLUGIN, "a learning rule's credit_add calls "
                        "differ between processes (population %zu): a rule "
                        "must call it for every row, in order", i + 1);
          break;
        }
        const size_t n = (size_t)in[r][1];
        for (size_t t = 0; t < n; t++) acc += in[r][2 + t];
        in[r] += 2 + n;
      }
      if (!rc) c->sum[(size_t)j] += acc;
    }
    for (int r = 0; r < P && !rc; r++)
      if (in[r] != end[r])
        rc = sim_fail(sim, AP_EPLUGIN, "a learning rule's credit_add calls "
                      "differ between processes (population %zu): a rule "
                      "must call it for every row, in order", i + 1);
    for (int r = 0; r < P; r++) in[r] = end[r];
  }
  free(all);
  free(len);
  free(in);
  free(end);
  return rc;
}

void sim_share_spikes_local(ap_sim *sim) {
  const int shared = ap_dist_size() > 1;
  for (size_t i = 0; i < sim->n_pops; i++) {
    int local = shared;
    for (size_t j = 0; j < sim->n_projs && local; j++) {
      const proj *pr = &sim->projs[j];
      if (pr->pre.pop == i && (!pr->stays || pr->rule)) local = 0;
    }
    for (size_t k = 0; k < sim->n_recs && local; k++)
      if ((sim->recs[k].kind == REC_SPIKES || sim->recs[k].kind == REC_RATE) &&
          sim->recs[k].ref.pop == i)
        local = 0;
    for (size_t k = 0; k < sim->n_drives && local; k++)
      if (sim->drives[k].pre.pop == i) local = 0;
    for (size_t k = 0; k < sim->n_decs && local; k++)
      if (sim->decs[k].pre == i) local = 0;
    sim->npops[i].spikes_local = local;
  }
}
