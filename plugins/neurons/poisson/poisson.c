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

typedef struct poisson_inst {
  double *mean;
  double *emean;
} poisson_inst;

static void release(void *p) { free(p); }

static int prepare(void **out, const ap_neuron_pop *pop) {
  size_t n = pop->n, m = n ? n : 1;
  poisson_inst *in = malloc(sizeof *in + 2 * m * sizeof(double));
  if (!in) {
    if (pop->err && pop->err_size)
      snprintf(pop->err, pop->err_size, "out of memory for %zu neurons", n);
    return AP_ENOMEM;
  }
  in->mean = (double *)(in + 1);
  in->emean = in->mean + m;
  for (size_t i = 0; i < n; i++) {
    double mu = pop->param[PAR_RATE][i] * pop->dt * 1e-3; /* Hz * ms */
    in->mean[i] = mu;
    in->emean[i] = exp(-mu);
  }
  *out = in;
  return AP_OK;
}

static int update(ap_neuron_block *b) {
  const ap_host *host = b->host;
  const poisson_inst *in = b->inst;
  const double *restrict mean = in->mean + b->first;
  const double *restrict emean = in->emean + b->first;
  size_t ns = 0;
  int multi = 0;
  for (size_t i = 0; i < b->n; i++) {
    const double mu = mean[i];
    if (!(mu > 0.0)) continue;
    ap_rng r;
    host->rng_init(&r, b->seed, b->stream, b->gid0 + i, (uint64_t)b->step);
    uint64_t k;
    if (mu < INVERSION_MAX) {
      /* Inversion from one 32-bit uniform in (0, 1): most steps cost one
       * draw and a comparison. */
      double u = ((double)host->rng_u32(&r) + 0.5) * (1.0 / 4294967296.0);
      double p = emean[i], s = p;
      k = 0;
      while (u > s && k < 1000) {
        k++;
        p *= mu / (double)k;
        s += p;
      }
    } else {
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
