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

enum { PAR_RATE, N_PARAMS };

static const ap_param_desc params[N_PARAMS] = {
    [PAR_RATE] = {"rate", "Hz", "mean firing rate of each neuron's train",
                  AP_PT_REAL, 0.0, 0.0, INFINITY, AP_RANGE_MAX_OPEN, NULL},
};

/* Nothing to derive beyond rate * dt, which is cheaper to form in the loop
 * than to load from an instance array. */
/* Derived per neuron: the expected count per step and, for the counts
 * drawn by inversion (mean below INVERSION_MAX), exp(-mean). */
#define INVERSION_MAX 10.0

/* For a population with one rate: the cumulative probabilities of the
 * counts 0..CDF_LEN-1, made by the same recurrence as the per-neuron
 * inversion, so that a table look-up gives the same count bit for bit. */
#define CDF_LEN 64

typedef struct poisson_inst {
  double *mean;
  double *emean;
  uint32_t *draw;     /* per neuron, scratch of update() */
  int uniform;        /* one rate for all, below INVERSION_MAX */
  double cdf[CDF_LEN];
  double pdf[CDF_LEN];
} poisson_inst;

/* The first 32-bit word of the host's stream (seed, stream, id, sub),
 * that is host->rng_init() then host->rng_u32(): Philox-4x32-10 (Salmon
 * et al. 2011) on the same key and counter, written out so that the loop
 * over neurons vectorises.  tests/check_poisson.c compares it with the
 * host's generator. */
static inline uint32_t philox_first(uint64_t seed, uint32_t stream,
                                    uint64_t id, uint64_t sub) {
  uint32_t k0 = (uint32_t)seed;
  uint32_t k1 = stream ^ ((uint32_t)(seed >> 32) * 0x9E3779B9u);
  uint32_t c0 = 0, c1 = (uint32_t)id, c2 = (uint32_t)sub;
  uint32_t c3 = (uint32_t)(((id >> 32) & 0xffffu) << 16) |
                (uint32_t)((sub >> 32) & 0xffffu);
  for (int r = 0; r < 10; r++) {
    if (r) {
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    uint64_t p0 = (uint64_t)0xD2511F53u * c0, p1 = (uint64_t)0xCD9E8D57u * c2;
    uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
    uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
    c1 = (uint32_t)p1;
    c3 = (uint32_t)p0;
    c0 = n0;
    c2 = n2;
  }
  return c0;
}

static void release(void *p) { free(p); }

static int prepare(void **out, const ap_neuron_pop *pop) {
  size_t n = pop->n, m = n ? n : 1;
  poisson_inst *in =
      malloc(sizeof *in + 2 * m * sizeof(double) + m * sizeof(uint32_t));
  if (!in) {
    if (pop->err && pop->err_size)
      snprintf(pop->err, pop->err_size, "out of memory for %zu neurons", n);
    return AP_ENOMEM;
  }
  in->mean = (double *)(in + 1);
  in->emean = in->mean + m;
  in->draw = (uint32_t *)(in->emean + m);
  in->uniform = n > 0;
  for (size_t i = 0; i < n; i++) {
    double mu = pop->param[PAR_RATE][i] * pop->dt * 1e-3; /* Hz * ms */
    in->mean[i] = mu;
    in->emean[i] = exp(-mu);
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

AP_VECTOR_CLONES
static int update(ap_neuron_block *b) {
  const ap_host *host = b->host;
  const poisson_inst *in = b->inst;
  const double *restrict mean = in->mean + b->first;
  const double *restrict emean = in->emean + b->first;
  uint32_t *restrict draw = in->draw + b->first;
  const uint64_t gid0 = b->gid0, step = (uint64_t)b->step, seed = b->seed;
  const uint32_t stream = b->stream;
  /* First the one draw most neurons need, for all of them at once. */
#pragma GCC ivdep
  for (size_t i = 0; i < b->n; i++)
    draw[i] = philox_first(seed, stream, gid0 + i, step);
  size_t ns = 0;
  int multi = 0;
  if (in->uniform) {
    /* One rate: the count is the number of table entries below the
     * uniform, without branches (counts of 8 and more, rare below
     * INVERSION_MAX, go on by the recurrence). */
    const double *cdf = in->cdf;
#pragma GCC ivdep
    for (size_t i = 0; i < b->n; i++) {
      const double u = ((double)draw[i] + 0.5) * (1.0 / 4294967296.0);
      uint32_t k = 0;
      for (int j = 0; j < 8; j++) k += u > cdf[j];
      draw[i] = k;
    }
    for (size_t i = 0; i < b->n; i++) {
      uint64_t k = draw[i];
      if (k == 0) continue;
      if (k == 8) {
        /* redraw the uniform: this neuron's first word again */
        uint32_t w = philox_first(seed, stream, gid0 + i, step);
        double u = ((double)w + 0.5) * (1.0 / 4294967296.0);
        k = 7;
        while (k + 1 < CDF_LEN && u > in->cdf[k]) k++;
        double p = in->pdf[k], s = in->cdf[k];
        while (u > s && k < 1000) {
          k++;
          p *= mean[i] / (double)k;
          s += p;
        }
      }
      if (k > 1) {
        if (!b->mult) return AP_EINVAL;
        multi = 1;
      }
      if (b->mult) b->mult[ns] = k > UINT32_MAX ? UINT32_MAX : (uint32_t)k;
      b->spiked[ns++] = (uint32_t)i;
    }
    b->n_spiked = ns;
    if (multi) b->has_mult = 1;
    return AP_OK;
  }
  for (size_t i = 0; i < b->n; i++) {
    const double mu = mean[i];
    if (!(mu > 0.0)) continue;
    uint64_t k;
    if (mu < INVERSION_MAX) {
      /* Inversion from one 32-bit uniform in (0, 1). */
      double u = ((double)draw[i] + 0.5) * (1.0 / 4294967296.0);
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
    if (k == 0) continue;
    if (k > 1) {
      /* The ABI gives room for n multiplicities; without it a count
       * above one cannot be reported faithfully. */
      if (!b->mult) return AP_EINVAL;
      multi = 1;
    }
    if (b->mult) b->mult[ns] = k > UINT32_MAX ? UINT32_MAX : (uint32_t)k;
    b->spiked[ns++] = (uint32_t)i;
  }
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
