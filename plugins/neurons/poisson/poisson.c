/* poisson.c -- independent Poisson spike trains, one per neuron.
 *
 * Each neuron draws its spike count for a step from the host's
 * counter-based generator keyed by (seed, population stream, neuron id,
 * step): no state is carried from step to step, and the trains are the
 * same whatever the block layout, thread count or order of updates. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

#include "apical_plugin.h"
#include "../lower.h"
#include "../philox_first.h"

enum { PAR_RATE, N_PARAMS };

static const ap_param_desc params[N_PARAMS] = {
    [PAR_RATE] = {"rate", "Hz", "mean firing rate of each neuron's train",
                  AP_PT_REAL, 0.0, 0.0, INFINITY, AP_RANGE_MAX_OPEN, NULL},
};

/* Derived per neuron: the expected count per step and, for the counts
 * drawn by inversion (mean below INVERSION_MAX), exp(-mean). */
#define INVERSION_MAX 10.0

/* For a population with one rate: the cumulative probabilities of the
 * counts 0..CDF_LEN-1, made by the same recurrence as the per-neuron
 * inversion, so that a table look-up gives the same count bit for bit. */
#define CDF_LEN 64

/* Neurons drawn at a time (the scratch of update() is on the stack). */
#define CHUNK 256

typedef struct poisson_inst {
  double *mean;
  double *emean;
  uint32_t *live;     /* population indices of the neurons of rate > 0,
                         ascending: only they draw (an image as input
                         leaves most pixels, and so most neurons, silent) */
  size_t n_live;
  int uniform;        /* one rate for all, below INVERSION_MAX */
  double cdf[CDF_LEN];
  double pdf[CDF_LEN];
} poisson_inst;

static void release(void *p) { free(p); }

static int prepare(void **out, const ap_neuron_pop *pop, char *err,
                   size_t err_size) {
  size_t n = pop->n, m = n ? n : 1;
  poisson_inst *in =
      malloc(sizeof *in + 2 * m * sizeof(double) + m * sizeof(uint32_t));
  if (!in) {
    if (err && err_size)
      snprintf(err, err_size, "out of memory for %zu neurons", n);
    return AP_ENOMEM;
  }
  in->mean = (double *)(in + 1);
  in->emean = in->mean + m;
  in->live = (uint32_t *)(in->emean + m);
  in->n_live = 0;
  in->uniform = n > 0;
  for (size_t i = 0; i < n; i++) {
    double mu = pop->param[PAR_RATE][i] * pop->dt * 1e-3; /* Hz * ms */
    in->mean[i] = mu;
    /* exp() only where a count is drawn by inversion from it */
    in->emean[i] = mu > 0.0 ? exp(-mu) : 1.0;
    if (mu > 0.0) in->live[in->n_live++] = (uint32_t)i;
    if (pop->param[PAR_RATE][i] != pop->param[PAR_RATE][0]) in->uniform = 0;
  }
  if (in->uniform && in->mean[0] > 0.0 && in->mean[0] < INVERSION_MAX) {
    double mu = in->mean[0], p = in->emean[0], sum = p;
    in->pdf[0] = p;
    in->cdf[0] = sum;
    for (int k = 1; k < CDF_LEN; k++) {
      p *= mu / (double)k;
      sum += p;
      in->pdf[k] = p;
      in->cdf[k] = sum;
    }
  } else {
    in->uniform = 0;
  }
  *out = in;
  return AP_OK;
}

/* The first index k of live[0..n) with live[k] >= v. */
static size_t live_from(const uint32_t *live, size_t n, size_t v) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (live[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Report k spikes of block neuron i (the k > 1 case needs mult). */
static int emit(ap_neuron_block *b, size_t *ns, int *multi, uint32_t i,
                uint64_t k) {
  if (k > 1) {
    /* The ABI gives room for n multiplicities; without it a count above
     * one cannot be reported faithfully. */
    if (!b->mult) return AP_EINVAL;
    *multi = 1;
  }
  if (b->mult) b->mult[*ns] = k > UINT32_MAX ? UINT32_MAX : (uint32_t)k;
  b->spiked[(*ns)++] = i;
  return AP_OK;
}

/* Counts of block neurons [c0, c1) of a population with one rate, into
 * the spike list.  `draw` is scratch for c1 - c0 <= CHUNK words, on the
 * caller's stack: a shared array would have threads writing one cache
 * line where their blocks meet. */
AP_VECTOR_CLONES
static int uniform_chunk(ap_neuron_block *b, const poisson_inst *in,
                         size_t c0, size_t c1, uint32_t *restrict draw,
                         size_t *ns, int *multi) {
  const double *restrict mean = in->mean + b->first;
  const uint64_t gid0 = b->gid0, step = (uint64_t)b->step, seed = b->seed;
  const uint32_t stream = b->stream;
  /* First the one draw most neurons need, for the chunk at once. */
#pragma GCC ivdep
  for (size_t i = c0; i < c1; i++)
    draw[i - c0] = philox_first(seed, stream, gid0 + i, step);
  /* One rate: the count is the number of table entries below the
   * uniform, without branches (counts of 8 and more, rare below
   * INVERSION_MAX, go on by the recurrence). */
  const double *cdf = in->cdf;
#pragma GCC ivdep
  for (size_t i = 0; i < c1 - c0; i++) {
    const double u = philox_open01(draw[i]);
    uint32_t k = 0;
    for (int j = 0; j < 8; j++) k += u > cdf[j];
    draw[i] = k;
  }
  for (size_t i = c0; i < c1; i++) {
    uint64_t k = draw[i - c0];
    if (k == 0) continue;
    if (k == 8) {
      /* redraw the uniform: this neuron's first word again */
      double u = philox_open01(philox_first(seed, stream, gid0 + i, step));
      k = 7;
      while (k + 1 < CDF_LEN && u > in->cdf[k]) k++;
      double p = in->pdf[k], s = in->cdf[k];
      while (u > s && k < 1000) {
        k++;
        p *= mean[i] / (double)k;
        s += p;
      }
    }
    if (emit(b, ns, multi, (uint32_t)i, k)) return AP_EINVAL;
  }
  return AP_OK;
}

/* Rates differ: only the neurons of rate > 0 draw, each its own first
 * word (the same word as in a population where all of them are live);
 * here entries [c0, c1) of the live list, c1 - c0 <= CHUNK. */
AP_VECTOR_CLONES
static int live_chunk(ap_neuron_block *b, const poisson_inst *in, size_t c0,
                      size_t c1, uint32_t *restrict draw, size_t *ns,
                      int *multi) {
  const ap_host *host = b->host;
  const double *restrict mean = in->mean + b->first;
  const double *restrict emean = in->emean + b->first;
  const uint64_t gid0 = b->gid0, step = (uint64_t)b->step, seed = b->seed;
  const uint32_t stream = b->stream;
  const uint32_t *restrict live = in->live + c0;
  const size_t nl = c1 - c0;
  const uint64_t base = gid0 - b->first; /* gid of population index 0 */
#pragma GCC ivdep
  for (size_t k = 0; k < nl; k++)
    draw[k] = philox_first(seed, stream, base + live[k], step);
  for (size_t j = 0; j < nl; j++) {
    const size_t i = live[j] - b->first;
    const double mu = mean[i];
    uint64_t k;
    if (mu < INVERSION_MAX) {
      /* Inversion from one 32-bit uniform in (0, 1). */
      double u = philox_open01(draw[j]);
      double p = emean[i], s = p;
      k = 0;
      while (u > s && k < 1000) {
        k++;
        p *= mu / (double)k;
        s += p;
      }
    } else {
      ap_rng r;
      host->rng_init(&r, seed, stream, gid0 + i, step);
      k = host->rng_poisson(&r, mu);
    }
    if (k && emit(b, ns, multi, (uint32_t)i, k)) return AP_EINVAL;
  }
  return AP_OK;
}

static int update(ap_neuron_block *b, char *err, size_t err_size) {
  (void)err, (void)err_size;
  const poisson_inst *in = b->inst;
  uint32_t draw[CHUNK];
  size_t ns = 0;
  int multi = 0, rc = AP_OK;
  if (in->uniform) {
    for (size_t c0 = 0; c0 < b->n && !rc; c0 += CHUNK)
      rc = uniform_chunk(b, in, c0, b->n - c0 < CHUNK ? b->n : c0 + CHUNK,
                         draw, &ns, &multi);
  } else {
    const size_t lo = live_from(in->live, in->n_live, b->first);
    const size_t hi = live_from(in->live, in->n_live, b->first + b->n);
    for (size_t c0 = lo; c0 < hi && !rc; c0 += CHUNK)
      rc = live_chunk(b, in, c0, hi - c0 < CHUNK ? hi : c0 + CHUNK, draw, &ns,
                      &multi);
  }
  if (rc) return rc;
  b->n_spiked = ns;
  if (multi) b->has_mult = 1;
  return AP_OK;
}

static const ap_neuron_desc neuron = {
    .size = sizeof(ap_neuron_desc),
    .compartments = NULL,
    .n_compartments = 1,
    .params = params,
    .n_params = N_PARAMS,
    .vars = NULL,
    .n_vars = 0,
    .ports = NULL,
    .n_ports = 0,
    .prepare = prepare,
    .update = update,
    .release = release,
    .lower = lower_source,
};

static const char doc_long[] =
    "poisson -- independent Poisson spike trains, one per neuron\n"
    "\n"
    "Description\n"
    "  Each neuron of the population emits its own Poisson spike train of\n"
    "  mean rate `rate`.  In every step the neuron draws a spike count k\n"
    "  from a Poisson distribution of mean rate*dt; k >= 1 emits the neuron\n"
    "  once with multiplicity k (k spikes, all stamped with the end of the\n"
    "  step), so the count over any window is exactly Poisson, even when\n"
    "  rate*dt is not small.  The trains of different neurons are\n"
    "  independent.  Like NEST's poisson_generator, except that NEST sends\n"
    "  one train to each target while here each neuron is one train and\n"
    "  projections fan it out.  The population has no input ports and no\n"
    "  state variables.\n"
    "\n"
    "Equations\n"
    "  k(i, step) ~ Poisson(rate_i * dt), rate in Hz, dt in ms (x 1e-3)\n"
    "\n"
    "Random numbers\n"
    "  The count of neuron i in step s comes from the host's counter-based\n"
    "  generator (Philox-4x32-10) keyed by (run seed, the population's\n"
    "  stream, network-wide id of i, s).  The trains therefore do not depend\n"
    "  on how the population is split into blocks or threads, nor on the\n"
    "  order of updates, and a run can be resumed from any step.\n"
    "\n"
    "Parameters\n"
    "  name  unit  default  meaning\n"
    "  rate  Hz    0        mean rate of each neuron's train (>= 0, finite)\n"
    "\n"
    "State\n"
    "  none\n"
    "\n"
    "References\n"
    "  Salmon JK, Moraes MA, Dror RO, Shaw DE (2011). Parallel random\n"
    "    numbers: as easy as 1, 2, 3. Proceedings of the International\n"
    "    Conference for High Performance Computing, Networking, Storage\n"
    "    and Analysis (SC11), article 16.\n";

static const ap_plugin_desc plugins[] = {{
    .size = sizeof(ap_plugin_desc),
    .kind = AP_KIND_NEURON,
    .name = "poisson",
    .version = "1.0",
    .doc = "independent Poisson spike trains, one per neuron",
    .doc_long = doc_long,
    .desc = &neuron,
}};

AP_PLUGIN(plugins)
