/* cpu.c -- the reference backend: runs the network on the host CPU.
 *
 * Per step: every population is advanced by its neuron plugin reading the
 * input slot of that step, the slot is cleared, the step's spikes are
 * reported to the host, then delivered through the compressed rows into
 * the ring buffers of their targets (slot step + delay).  Neuron state
 * lives in the host's arrays, so no sync is needed.
 *
 * Threads.  Work is owned by target neuron: each population is cut into
 * `threads` contiguous ranges, thread t owning range t of every
 * population.  A thread advances its ranges as blocks and delivers only
 * into ring-buffer entries of neurons it owns.  Within a row of a
 * projection the targets ascend, so the synapses of a row that reach one
 * thread's range form a contiguous segment of the row; a thread's "rows"
 * are these segments, kept as per-thread row offsets into the host's
 * arrays (no copy of targets, weights or delays).  Every target thus
 * receives its inputs in one order -- populations, projections, spiking
 * sources ascending, synapses in row order -- whatever the thread count,
 * and floating-point sums come out bit-identical.
 *
 * One step in the pool (thread 0 is the caller of run()):
 *   all:      update own blocks, turn their spike lists into population
 *             indices, clear own part of the slot
 *   barrier
 *   thread 0: check errors, call transmit() for rows with synapse state,
 *             hand each block's spike list to the host (block order =
 *             ascending, no copy) and call step_done(); no worker runs
 *             meanwhile
 *   barrier
 *   all:      deliver the step's spikes into own targets
 * Delivery needs no barrier before the next update: delays are >= 1 step
 * and a thread reads and writes only its own targets.  One more barrier
 * ends each run(), so nothing is in flight between runs.
 *
 * When the host says its calls read only the spike lists and its own data
 * (ap_net.concurrent_callbacks) and no projection has transmit() or an
 * on_pre/on_post rule, the second barrier goes: after the first, every
 * thread checks the update flags itself, thread 0 makes the host calls
 * and then delivers, while the others deliver and go on to the next
 * update.  The spike lists and update flags are kept by step parity, and
 * the next step's barrier comes before anyone writes the same parity
 * again.
 *
 * transmit() may change per-synapse state of the whole row, so it is
 * called once per spiking row by thread 0 in the serial phase (in the
 * order the single-threaded loop used), writing the weights to deliver
 * into a per-projection buffer indexed by synapse; the threads then read
 * their segments of it.  No two threads ever write one synapse's state.
 *
 * Decoded connections (ap_net_decoded): thread 0 decodes and filters each
 * one's value in the serial phase, before the host's calls (which may
 * write the next step's signal); every thread then encodes it into the
 * neurons it owns, after their synaptic input, so that each neuron's sum
 * is made in one order whatever the thread count.  The host's calls then
 * never run beside delivery.
 *
 * Processes (MPI).  Process r owns neurons [n r / P, n (r + 1) / P) of
 * every population and holds the synapses into them; its threads are
 * workers r nt .. r nt + nt - 1 of P nt, each owning a block of that
 * share.  Thread 0 exchanges the spike lists of the step in the serial
 * phase (exchange()), or, where the host's calls read no neuron state,
 * those of a min-delay interval at once (run_batched), so that every
 * process delivers every spike to its own targets in one process's
 * order; the host's reads gather the neurons' state (cpu_sync). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#endif
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

#include "apical_plugin.h"
#include "ringbuf.h"
#ifdef AP_HAVE_MPI
#include <mpi.h>
#endif

/* Spike lists are kept per step slot: step s in slot s mod ns, with ns
 * >= 2 (a thread may update step s + 1 while another still delivers step
 * s) and ns >= the steps of an exchange interval (all of whose lists are
 * held until the interval's exchange), at most XMAX. */
enum { XMAX = 16 };
#define SLOT(c, step) ((size_t)((uint64_t)(step) % (c)->ns))

typedef struct cpu_pop {
  void *inst;
  ap_ring *rings;        /* one per port */
  size_t *cut;           /* threads + 1: thread t owns [cut[t], cut[t+1]) */
  uint32_t *spiked, *mult; /* block outputs, block t's at cut[t],
                               population indices once the update is done;
                               two buffers of `buf`, by step parity */
  size_t buf;
  size_t *out;           /* projections leaving this population */
  size_t n_out;
} cpu_pop;

typedef struct cpu_proj {
  const size_t **lo;     /* threads + 1: thread t's row of source i is
                            synapses [lo[t][i], lo[t+1][i]) */
  size_t *split;         /* storage of lo[1 .. threads-1] */
  ap_weight *wout;       /* transmit() output by synapse, or NULL */
  const ap_net_proj *x;  /* the projection (its rule and release) */
  const ap_rule_desc *rule; /* with on_pre or on_post, else NULL */
  size_t *col_off;       /* on_post: synapses into post neuron i are */
  size_t *col;           /* col[col_off[i] .. col_off[i+1]), ascending */
  uint32_t p_cut;        /* p_release as a 32-bit threshold ... */
  int failures;          /* ... when it is below 1 */
  int dense;             /* every row reaches consecutive targets with one
                            delay (all_to_all and the like) */
  int one_delay;         /* every synapse has the delay delay0 (steps) */
  unsigned delay0;
} cpu_proj;

/* A decoded connection: its filter's constants. */
typedef struct cpu_dec {
  const ap_net_decoded *x;
  double keep;           /* exp(-dt / tau), 0 for tau = 0 */
  double *u;             /* dims: this step's decoded input */
} cpu_dec;

typedef struct cpu cpu;

/* Parts of a step timed with profile = 1. */
enum { PART_UPDATE, PART_HOST, PART_DELIVER, PART_WAIT, N_PARTS };

/* One per thread, each on cache lines of its own (aligned and padded to
 * 64 bytes): the counters a thread bumps for every row it delivers must
 * not share a line with another thread's. */
typedef struct cpu_worker {
  _Alignas(64) cpu *c;
  unsigned id;
  unsigned wi;           /* worker index: rank * threads + id */
  unsigned sense;        /* barrier sense, private to the thread */
  pthread_t tid;
  int rc[XMAX];          /* failure of the update, by step slot */
  size_t fail_pop, bad_spikes, bad_n;
  char why[256];         /* the message of a failed update */
  uint64_t events;       /* synaptic events this thread delivered */
  ap_rule_ctx *rctx;     /* per projection: this thread's rule contexts */
  double part_s[N_PARTS]; /* profile = 1: seconds in each part */
  ap_real **state;       /* block pointer arrays, rebuilt per block */
  const ap_real **param;
  ap_real **input;           /* writable: ap_neuron_block.input_w */
} cpu_worker;

struct cpu {
  const ap_net *net;
  int any_post;          /* some projection has an on_post rule */
  int can_overlap;       /* no transmit() and no on_pre/on_post rule: the
                            host's calls may run beside delivery */
  int overlap;           /* for this run: they do (see run_chunk) */
  int profile;           /* the setting */
  uint64_t prof_steps;   /* steps timed */
  char *prof_text;       /* the report's text, items and their keys */
  ap_report_item *prof_items;
  char *prof_keys;
  unsigned nt;           /* threads */
  /* Processes (MPI): rank of size; population blocks are cut for
   * nw = size x nt workers, this process's threads being the workers
   * rank nt .. rank nt + nt - 1.  Spike counts and multiplicity flags by
   * step parity, population and worker (every worker's, after the
   * exchange). */
  int rank, size;
  unsigned nw;
  unsigned ns;           /* spike-list slots (SLOT) */
  unsigned xmax;         /* steps per exchange at most: the min delay (up
                            to XMAX), 1 with one process */
  int batch;             /* for this run: exchange once per interval */
  int batch_ok;          /* no decoded connection reading rate neurons:
                            decoding reads no neuron state */
  size_t *cnt;           /* each worker's counts on cache lines of their
                            own: worker b's at b * cstride */
  int *cmul;
  size_t cstride, mstride;
  uint32_t *xbuf;        /* exchange buffers (size > 1) */
  size_t xcap;
  double x_s;            /* seconds in the exchange (waiting included) */
  uint64_t x_bytes, x_count; /* bytes received, exchanges made */
  uint64_t x_spikes;     /* spike records received (every process's) */
  unsigned x_pops;       /* populations that travel */
  cpu_pop *pops;
  cpu_proj *projs;
  cpu_dec *decs;
  size_t n_decs;
  cpu_worker *w;
  ap_real **sbuf;        /* transmit() state pointers, most variables */
  unsigned n_started;    /* worker threads running */
  /* the job of the pool: written by thread 0 before it is posted */
  int64_t job_step, job_n;
  char *err;
  size_t err_size;
  int stop, rc;          /* written by thread 0 between barriers */
  /* Barrier and job posting.  Barrier waits spin a while, then yield;
   * workers waiting for the next run() end up asleep on `cv`. */
  char pad0[64];         /* keep the spun-on words off other data's lines */
  atomic_uint bar_count;
  char pad1[64];
  atomic_uint bar_sense;
  char pad2[64];
  atomic_uint gen;
  atomic_uint sleepers;
  unsigned spin;         /* SPIN, or 0 with more threads than cores */
  unsigned yields;       /* YIELDS, or 0 likewise */
  atomic_uint bar_sleepers; /* threads asleep in a barrier */
  atomic_int quit;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int sync_ok;           /* mu and cv initialised */
};

/* Waits spin `spin` rounds of a pause (some 100 microseconds: a step's
 * barrier completes well within that, while waking a sleeper costs tens
 * of microseconds, more than a step), then sleep (a futex on
 * Linux); a worker idle between runs then yields YIELDS times before it
 * sleeps.  With more threads than cores a spinning or yielding thread
 * would hold the core the others need: then it sleeps at once. */
enum { SPIN = 2000, YIELDS = 20000 };

/* The fewest neurons of a population a thread is given, and the multiple
 * of neurons at which populations are cut between threads: 16 neurons
 * are a cache line of 4-byte values and two of doubles, so that where
 * per-neuron arrays begin on a line (the host's state and parameters,
 * the ring rows, the models' scratch), no two threads write one line
 * (see cpu_create). */
enum { MIN_SHARE = 32, CUT = 16 };

/* The spike count and multiplicity flag of worker b's block of population
 * i in step slot par. */
#define CNT(c, par, i, b) \
  ((c)->cnt[(size_t)(b) * (c)->cstride + (par) * (c)->net->n_pops + (i)])
#define CMUL(c, par, i, b) \
  ((c)->cmul[(size_t)(b) * (c)->mstride + (par) * (c)->net->n_pops + (i)])

static const ap_param_desc cpu_params[] = {
    {"threads", "1",
     "worker threads: 0 uses every online core, 1 runs on the calling "
     "thread alone; results are bit-identical for every thread count",
     AP_PT_INT, 1, 0, 4096, 0, NULL},
    {"profile", "1",
     "1: time each part of every step per thread (the update, the host's "
     "calls, delivery, waiting at barriers) and report the sums (apical "
     "run prints them, ap.report() returns them); a clock read per part",
     AP_PT_INT, 0, 0, 1, 0, NULL},
};


static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/* The cores this process may run on (its affinity mask, which a
 * container's cpuset narrows), at least 1. */
static long cores_available(void) {
#ifdef CPU_COUNT
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return CPU_COUNT(&set);
#endif
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? n : 1;
}

/* Zeroed memory on cache lines of its own, for what one thread writes
 * every step and others read (freed with free()). */
static void *line_calloc(size_t bytes) {
  bytes = (bytes + 63) / 64 * 64;
  void *p = aligned_alloc(64, bytes ? bytes : 64);
  if (p) memset(p, 0, bytes ? bytes : 64);
  return p;
}

/* Sleep while *a holds v (or return at once if it no longer does). */
static void sleep_while(atomic_uint *a, unsigned v) {
#ifdef __linux__
  syscall(SYS_futex, (unsigned *)a, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
#else
  (void)a;
  (void)v;
  sched_yield();
#endif
}

static void wake_all(atomic_uint *a) {
#ifdef __linux__
  syscall(SYS_futex, (unsigned *)a, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL,
          0);
#else
  (void)a;
#endif
}

/* Sense-reversing barrier of the nt threads of the pool.  A waiter that
 * has spun its rounds counts itself a sleeper, checks the sense again and
 * sleeps; the last arrival flips the sense, then wakes any sleeper.  The
 * operations on bar_sense and bar_sleepers are sequentially consistent,
 * so either the waiter sees the flip or the last arrival sees it
 * sleeping. */
static void barrier(cpu *c, cpu_worker *w) {
  if (c->nt == 1) return;
  unsigned s = w->sense ^= 1u;
  if (atomic_fetch_add_explicit(&c->bar_count, 1, memory_order_acq_rel) ==
      c->nt - 1) {
    atomic_store_explicit(&c->bar_count, 0, memory_order_relaxed);
    atomic_store(&c->bar_sense, s);
    if (atomic_load(&c->bar_sleepers)) wake_all(&c->bar_sense);
    return;
  }
  unsigned spins = 0;
  while (atomic_load_explicit(&c->bar_sense, memory_order_acquire) != s) {
    if (spins < c->spin) {
      spins++;
      relax();
      continue;
    }
    atomic_fetch_add(&c->bar_sleepers, 1);
    if (atomic_load(&c->bar_sense) != s) sleep_while(&c->bar_sense, s ^ 1u);
    atomic_fetch_sub(&c->bar_sleepers, 1);
  }
}

/* Start the job written in c on every worker. */
static void post(cpu *c) {
  atomic_fetch_add(&c->gen, 1);
  if (atomic_load(&c->sleepers)) {
    pthread_mutex_lock(&c->mu);
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
  }
}

/* Wait until a job newer than *seen is posted. */
static void wait_job(cpu *c, unsigned *seen) {
  unsigned spins = 0;
  for (;;) {
    unsigned g = atomic_load_explicit(&c->gen, memory_order_acquire);
    if (g != *seen) {
      *seen = g;
      return;
    }
    if (spins < c->spin) {
      relax();
    } else if (spins < c->spin + c->yields) {
      sched_yield();
    } else {
      /* Idle between runs: sleep.  sleepers and gen are sequentially
       * consistent, so post() sees a sleeper or the sleeper sees gen. */
      pthread_mutex_lock(&c->mu);
      atomic_fetch_add(&c->sleepers, 1);
      while (atomic_load(&c->gen) == *seen)
        pthread_cond_wait(&c->cv, &c->mu);
      atomic_fetch_sub(&c->sleepers, 1);
      pthread_mutex_unlock(&c->mu);
      spins = 0;
      continue;
    }
    spins++;
  }
}

static void release_pops(cpu *c) {
  const ap_net *net = c->net;
  for (size_t i = 0; i < net->n_pops; i++) {
    cpu_pop *p = &c->pops[i];
    if (p->inst && net->pops[i]->desc->release) net->pops[i]->desc->release(p->inst);
    p->inst = NULL;
  }
}

static int prepare_pops(cpu *c, char *err, size_t err_size) {
  const ap_net *net = c->net;
  for (size_t i = 0; i < net->n_pops; i++) {
    const ap_net_pop *q = net->pops[i];
    if (!q->desc->prepare) continue;
    char msg[512] = "";
    ap_neuron_pop np = ap_net_pop_view(net, q, net->dt);
    int rc = q->desc->prepare(&c->pops[i].inst, &np, msg, sizeof msg);
    if (rc) {
      snprintf(err, err_size, "population %zu (%s): %s", i + 1, q->model,
               msg[0] ? msg : "its parameters were refused");
      return rc;
    }
  }
  return AP_OK;
}

/* Advance this thread's block of every population by one step. */
static void update_blocks(cpu *c, cpu_worker *w, int64_t step) {
  const ap_net *net = c->net;
  const unsigned t = w->wi;
  const size_t par = SLOT(c, step);
  w->rc[par] = AP_OK;
  for (size_t i = 0; i < net->n_pops; i++) {
    const ap_net_pop *q = net->pops[i];
    const ap_neuron_desc *d = q->desc;
    cpu_pop *p = &c->pops[i];
    const size_t first = p->cut[t], nb = p->cut[t + 1] - first;
    const size_t slot = par * net->n_pops + i;
    uint32_t *spk = p->spiked + par * p->buf, *mlt = p->mult + par * p->buf;
    CNT(c, par, i, t) = 0;
    CMUL(c, par, i, t) = 0;
    (void)slot;
    if (!nb) continue;
    for (unsigned v = 0; v < d->n_vars; v++)
      w->state[v] = q->state[v] ? q->state[v] + first : NULL;
    for (unsigned k = 0; k < d->n_params; k++)
      w->param[k] = q->param[k] ? q->param[k] + first : NULL;
    for (unsigned k = 0; k < d->n_ports; k++)
      w->input[k] = ap_ring_slot(&p->rings[k], step) + first;
    ap_neuron_block b = {.size = sizeof b,
                         .first = first,
                         .n = nb,
                         .gid0 = q->gid0 + first,
                         .step = step,
                         .dt = net->dt,
                         .window_step = -1,
                         .seed = net->seed,
                         .stream = q->stream,
                         .state = w->state,
                         .param = w->param,
                         .input = (const ap_real *const *)w->input,
                         .lists = q->lists,
                         .inst = p->inst,
                         .host = net->host,
                         .spiked = spk + first,
                         .n_spiked = 0,
                         .mult = mlt + first,
                         .has_mult = 0,
                         .input_w = w->input,
                         .inputs_cleared = 0};
    if (net->window_start && *net->window_start >= 0 &&
        step >= *net->window_start)
      b.window_step = step - *net->window_start;
    w->why[0] = '\0';
    int rc = d->update(&b, w->why, sizeof w->why);
    if (rc || b.n_spiked > nb) {
      w->rc[par] = rc ? rc : AP_EPLUGIN;
      w->fail_pop = i;
      w->bad_spikes = rc ? 0 : b.n_spiked;
      w->bad_n = nb;
      return;
    }
    const unsigned char *sil = q->silenced;
    if (sil) { /* lesioned neurons: their spikes go nowhere */
      size_t kept = 0;
      for (size_t k = 0; k < b.n_spiked; k++) {
        if (sil[first + spk[first + k]]) continue;
        mlt[first + kept] = mlt[first + k];
        spk[first + kept++] = spk[first + k];
      }
      b.n_spiked = kept;
    }
    CNT(c, par, i, t) = b.n_spiked;
    CMUL(c, par, i, t) = b.has_mult;
    /* population indices, so that the blocks' lists read in thread order
     * are the population's spikes in ascending order */
    if (first)
      for (size_t k = 0; k < b.n_spiked; k++)
        spk[first + k] += (uint32_t)first;
    if (!b.inputs_cleared)
      for (unsigned k = 0; k < d->n_ports; k++)
        ap_ring_clear_range(&p->rings[k], step, first, nb);
  }
}

/* Thread 0, serial phase: the value of every decoded connection in
 * `step`, from the step's spikes of its pre population (in thread order:
 * ascending), the rates of rate neurons, or the host's signal, then
 * filtered (Nengo's zero-order-hold low-pass). */
/* Several processes: every process's share of state variable `v` of
 * population i (its neurons' values of this step), into the whole. */
static void gather_var(cpu *c, size_t i, ap_real *v) {
#ifdef AP_HAVE_MPI
  const cpu_pop *p = &c->pops[i];
  int *len = malloc(2 * (size_t)c->size * sizeof *len);
  if (!len) { /* every process takes part: MPI ends the run */
    fprintf(stderr, "apical: cpu: out of memory gathering rates\n");
    MPI_Abort(MPI_COMM_WORLD, 1);
    return;
  }
  int *disp = len + c->size;
  for (int r = 0; r < c->size; r++) {
    disp[r] = (int)p->cut[(size_t)r * c->nt];
    len[r] = (int)(p->cut[(size_t)(r + 1) * c->nt] - p->cut[(size_t)r * c->nt]);
  }
  MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, v, len, disp, MPI_DOUBLE,
                 MPI_COMM_WORLD);
  free(len);
#else
  (void)c, (void)i, (void)v;
#endif
}

static void decode(cpu *c, int64_t step) {
  const ap_net *net = c->net;
  const size_t par = SLOT(c, step);
  const double per_s = 1000.0 / net->dt; /* a spike: area 1, height 1/dt */
  for (size_t k = 0; k < c->n_decs; k++) {
    const cpu_dec *cd = &c->decs[k];
    const ap_net_decoded *d = cd->x;
    const unsigned D = d->dims;
    double *u = cd->u;
    if (d->pre == AP_DECODED_SIGNAL) {
      memcpy(u, d->signal, D * sizeof *u);
    } else if (d->rate_var >= 0) {
      const ap_real *r = net->pops[d->pre]->state[d->rate_var];
      if (c->size > 1) gather_var(c, d->pre, net->pops[d->pre]->state[d->rate_var]);
      memset(u, 0, D * sizeof *u);
      for (size_t j = 0; j < net->pops[d->pre]->n; j++) {
        if (r[j] == 0) continue;
        const double *dj = d->decoders + j * D;
        for (unsigned q = 0; q < D; q++) u[q] += dj[q] * r[j];
      }
    } else {
      const cpu_pop *p = &c->pops[d->pre];
      memset(u, 0, D * sizeof *u);
      for (unsigned bt = 0; bt < c->nw; bt++) {
        const size_t ns = CNT(c, par, d->pre, bt);
        const size_t at = par * p->buf + p->cut[bt];
        const uint32_t *idx = p->spiked + at;
        const uint32_t *m = CMUL(c, par, d->pre, bt) ? p->mult + at : NULL;
        for (size_t s = 0; s < ns; s++) {
          const double *dj = d->decoders + (size_t)idx[s] * D;
          const double w = m ? (double)m[s] : 1.0;
          for (unsigned q = 0; q < D; q++) u[q] += dj[q] * w;
        }
      }
      for (unsigned q = 0; q < D; q++) u[q] *= per_s;
    }
    double *x = d->x;
    for (unsigned q = 0; q < D; q++)
      x[q] = cd->keep * x[q] + (1.0 - cd->keep) * u[q];
  }
}

/* Each thread: the decoded connections into the neurons it owns. */
static void encode(cpu *c, cpu_worker *w, int64_t step) {
  const unsigned t = w->wi;
  for (size_t k = 0; k < c->n_decs; k++) {
    const ap_net_decoded *d = c->decs[k].x;
    const cpu_pop *p = &c->pops[d->post];
    const unsigned D = d->dims;
    double *slot = ap_ring_slot(&p->rings[d->port], step + d->delay);
    for (size_t i = p->cut[t]; i < p->cut[t + 1]; i++) {
      const double *e = d->encoders + i * D;
      double in = 0;
      for (unsigned q = 0; q < D; q++) in += e[q] * d->x[q];
      slot[i] += in;
    }
  }
}

#ifdef AP_HAVE_MPI
/* Room for n words in the exchange buffer. */
static int xroom(cpu *c, size_t n) {
  if (n <= c->xcap) return 0;
  uint32_t *b = realloc(c->xbuf, n * sizeof *b);
  if (!b) return -1;
  c->xbuf = b;
  c->xcap = n;
  return 0;
}
#endif

/* Processes: every process's spike lists of steps [step, step + nd) (one
 * step, or a min-delay interval), into the blocks of their workers, so
 * that each process delivers every population's spikes to the neurons it
 * owns in the order of a run of one process.  Each process sends, per
 * step: a word saying whether its update failed, then per population
 * that travels (not spikes_local) and own worker: its count, its
 * multiplicity flag, the spikes, the multiplicities if any.  Returns
 * nonzero to stop the run. */
static int exchange_step(cpu *c, int64_t step, int64_t nd);
static double clock_s(void);

#ifdef AP_HAVE_MPI
/* Whether no other process needs population q's spikes (ABI 2.2). */
static int stays(const ap_net_pop *q) {
  return AP_HAS_FIELD(q, ap_net_pop, spikes_local) && q->spikes_local;
}
#endif

/* The exchange of steps [step, step + nd), timed (the report's
 * exchange.* items). */
static int exchange(cpu *c, int64_t step, int64_t nd) {
  const double t0 = clock_s();
  const int rc = exchange_step(c, step, nd);
  c->x_s += clock_s() - t0;
  c->x_count++;
  return rc;
}

static int exchange_step(cpu *c, int64_t step, int64_t nd) {
#ifdef AP_HAVE_MPI
  const ap_net *net = c->net;
  const unsigned w0 = (unsigned)c->rank * c->nt;
  size_t n = 0;
  for (int64_t d = 0; d < nd; d++) {
    const size_t par = SLOT(c, step + d);
    n++;
    for (size_t i = 0; i < net->n_pops; i++)
      if (!stays(net->pops[i]))
        for (unsigned b = w0; b < w0 + c->nt; b++)
          n += 2 + CNT(c, par, i, b) * (CMUL(c, par, i, b) ? 2 : 1);
  }
  int *counts = malloc(4 * (size_t)c->size * sizeof *counts);
  if (!counts || xroom(c, n)) {
    free(counts);
    snprintf(c->err, c->err_size, "out of memory for the spike exchange");
    c->rc = AP_ENOMEM;
    return 1;
  }
  int failed = 0;
  uint32_t *o = c->xbuf;
  for (int64_t d = 0; d < nd; d++) {
    const size_t par = SLOT(c, step + d);
    int f = 0;
    for (unsigned t = 0; t < c->nt; t++) f |= c->w[t].rc[par] != AP_OK;
    failed |= f;
    *o++ = (uint32_t)f;
    for (size_t i = 0; i < net->n_pops; i++) {
      const cpu_pop *p = &c->pops[i];
      if (stays(net->pops[i])) continue;
      for (unsigned b = w0; b < w0 + c->nt; b++) {
        const size_t k = CNT(c, par, i, b), at = par * p->buf + p->cut[b];
        *o++ = (uint32_t)k;
        *o++ = (uint32_t)CMUL(c, par, i, b);
        memcpy(o, p->spiked + at, k * sizeof *o);
        o += k;
        if (CMUL(c, par, i, b)) {
          memcpy(o, p->mult + at, k * sizeof *o);
          o += k;
        }
      }
    }
  }
  /* the opening of every collective operation of the run (see
   * AP_DIST_OP_EXCHANGE): the operation, then this process's length */
  int mine[2] = {AP_DIST_OP_EXCHANGE, (int)n};
  int *len = counts, *disp = counts + c->size, *head = counts + 2 * c->size;
  MPI_Allgather(mine, 2, MPI_INT, head, 2, MPI_INT, MPI_COMM_WORLD);
  for (int r = 0; r < c->size; r++) {
    if (head[2 * r] != AP_DIST_OP_EXCHANGE) {
      snprintf(c->err, c->err_size, "the processes are out of step: process "
               "%d is running the simulation (t = %g ms) while process %d "
               "is not: collective calls (getters such as pop:get and "
               "proj:weights, ap.run, ap.stats) must be made on every "
               "process, with the same arguments, not under `if ap.rank() "
               "== ...`", c->rank, (double)step * net->dt, r);
      free(counts);
      c->rc = AP_EINVAL;
      return 1;
    }
    len[r] = head[2 * r + 1];
  }
  size_t total = 0;
  for (int r = 0; r < c->size; r++) {
    disp[r] = (int)total;
    total += (size_t)len[r];
  }
  c->x_bytes += total * sizeof(uint32_t);
  uint32_t *all = malloc(total * sizeof *all);
  if (!all) {
    free(counts);
    snprintf(c->err, c->err_size, "out of memory for the spike exchange");
    c->rc = AP_ENOMEM;
    return 1; /* the others wait for this process in vain: MPI ends them */
  }
  MPI_Allgatherv(c->xbuf, (int)n, MPI_UINT32_T, all, len, disp, MPI_UINT32_T,
                 MPI_COMM_WORLD);
  int other_failed = -1;
  int64_t failed_at = step;
  c->x_pops = 0;
  for (int r = 0; r < c->size; r++) {
    const uint32_t *in = all + disp[r];
    for (int64_t d = 0; d < nd; d++) {
      const size_t par = SLOT(c, step + d);
      if (*in++ && r != c->rank && other_failed < 0) {
        other_failed = r;
        failed_at = step + d;
      }
      for (size_t i = 0; i < net->n_pops; i++) {
        cpu_pop *p = &c->pops[i];
        if (stays(net->pops[i])) { /* not sent: none of the others' here */
          if (r != c->rank)
            for (unsigned b = (unsigned)r * c->nt; b < (unsigned)(r + 1) * c->nt; b++)
              CNT(c, par, i, b) = 0;
          continue;
        }
        if (r == 0 && d == 0) c->x_pops++;
        for (unsigned b = (unsigned)r * c->nt; b < (unsigned)(r + 1) * c->nt; b++) {
          const size_t k = *in++, at = par * p->buf + p->cut[b];
          const int m = (int)*in++;
          c->x_spikes += k;
          if (r != c->rank) {
            CNT(c, par, i, b) = k;
            CMUL(c, par, i, b) = m;
            memcpy(p->spiked + at, in, k * sizeof *in);
          }
          in += k;
          if (m) {
            if (r != c->rank) memcpy(p->mult + at, in, k * sizeof *in);
            in += k;
          }
        }
      }
    }
  }
  free(all);
  free(counts);
  if (other_failed >= 0 && !failed) {
    snprintf(c->err, c->err_size, "process %d failed at t = %g ms (its "
             "message is its own)", other_failed, (double)failed_at * net->dt);
    c->rc = AP_EPLUGIN;
    return 1;
  }
  return 0;
#else
  (void)c, (void)step, (void)nd;
  return 0;
#endif
}

/* Thread 0 between the barriers: errors, spikes, transmit, host calls.
 * Returns nonzero to stop the run. */
static int serial(cpu *c, int64_t step) {
  const ap_net *net = c->net;
  const cpu_worker *bad = NULL;
  const size_t par = SLOT(c, step);
  if (c->size > 1 && !c->batch && exchange(c, step, 1)) return 1;
  for (unsigned t = 0; t < c->nt; t++)
    if (c->w[t].rc[par] && (!bad || c->w[t].fail_pop < bad->fail_pop))
      bad = &c->w[t];
  if (bad) {
    size_t i = bad->fail_pop;
    const ap_net_pop *q = net->pops[i];
    if (bad->bad_spikes)
      snprintf(c->err, c->err_size, "population %zu (%s) reported %zu "
               "spikes from %zu neurons at t = %g ms", i + 1, q->model,
               bad->bad_spikes, bad->bad_n, (double)step * net->dt);
    else
      snprintf(c->err, c->err_size, "population %zu (%s) failed at t = %g "
               "ms (status %d): %s", i + 1, q->model, (double)step * net->dt,
               bad->rc[par], bad->why[0] ? bad->why : "no reason given");
    c->rc = bad->rc[par];
    return 1;
  }
  /* Each population's spikes are its blocks' lists in thread order
   * (ascending, population indices), handed over without a copy. */
  double t_spike = (double)(step + 1) * net->dt;
  for (size_t i = 0; i < net->n_pops; i++) {
    cpu_pop *p = &c->pops[i];
    for (unsigned bt = 0; bt < c->nw; bt++) {
      const size_t ns = CNT(c, par, i, bt);
      if (!ns) continue;
      const uint32_t *idx = p->spiked + par * p->buf + p->cut[bt];
      for (size_t o = 0; o < p->n_out; o++) {
        const ap_net_proj *pr = net->projs[p->out[o]];
        if (!pr->syn->transmit) continue;
        ap_weight *wout = c->projs[p->out[o]].wout;
        for (size_t k = 0; k < ns; k++) {
          uint32_t src = idx[k];
          size_t a = pr->row[src], b = pr->row[src + 1];
          if (a == b) continue;
          for (unsigned v = 0; v < pr->syn->n_vars; v++)
            c->sbuf[v] = pr->syn_state[v] + a;
          ap_syn_row row = {.size = sizeof row,
                            .first = a,
                            .n = b - a,
                            .t_spike = t_spike,
                            .weight = pr->weight + a,
                            .state = c->sbuf,
                            .param = pr->syn_param,
                            .inst = NULL,
                            .host = net->host,
                            .out = wout + a};
          pr->syn->transmit(&row);
        }
      }
    }
  }
  decode(c, step);
  for (size_t i = 0; i < net->n_pops; i++) {
    cpu_pop *p = &c->pops[i];
    for (unsigned bt = 0; bt < c->nw; bt++) {
      const size_t at = par * p->buf + p->cut[bt];
      const size_t ns = CNT(c, par, i, bt);
      if (!ns) continue;
      net->spikes(net->ctx, i, step, p->spiked + at,
                  CMUL(c, par, i, bt) ? p->mult + at : NULL, ns);
    }
  }
  net->step_done(net->ctx, step);
  return 0;
}

/* The post index and delay (steps) of synapse s. */
static inline uint32_t syn_post(const ap_net_proj *pr, size_t s) {
  return pr->delay ? pr->target[s] : pr->target[s] & AP_PACK_TARGET_MASK;
}
static inline unsigned syn_delay(const ap_net_proj *pr, size_t s) {
  return pr->delay ? pr->delay[s] : pr->target[s] >> AP_PACK_TARGET_BITS;
}

/* Whether synapse s (of row src) transmits the spike of `step`: a draw
 * keyed by (seed, the projection's stream, id / 4, step), word id % 4,
 * id being s's index in the whole projection, so it does not depend on
 * which thread or process delivers or on the other synapses. */
static int released(const cpu *c, const cpu_proj *cp, size_t src, size_t s,
                    int64_t step) {
  const ap_host *h = c->net->host;
  if (cp->x->row_id) s = s - cp->x->row[src] + cp->x->row_id[src];
  ap_rng r;
  h->rng_init(&r, c->net->seed, cp->x->stream, s >> 2, (uint64_t)step);
  uint32_t u = 0;
  for (size_t k = 0; k <= (s & 3); k++) u = h->rng_u32(&r);
  return u < cp->p_cut;
}

/* Delivery through a projection with a learning rule or release
 * failures: on_pre on the row segment first (the delivered weight is the
 * one the rule leaves), then a release draw per synapse. */
static void deliver_slow(cpu *c, cpu_worker *w, size_t j, int64_t step,
                         const uint32_t *src_of, const uint32_t *mult,
                         size_t n, const size_t *lo, const size_t *hi,
                         const ap_weight *wt, unsigned base) {
  const ap_net_proj *pr = c->net->projs[j];
  const cpu_proj *cp = &c->projs[j];
  ap_ring *ring = &c->pops[pr->post].rings[pr->port];
  double *buf = ring->buf;
  const size_t nn = ring->stride;
  const unsigned len = ring->len;
  ap_rule_ctx *rc = &w->rctx[j];
  const int on_pre = cp->rule && cp->rule->on_pre;
  if (on_pre) {
    rc->step = step;
    rc->t = (double)(step + 1) * c->net->dt;
  }
  for (size_t k = 0; k < n; k++) {
    uint32_t src = src_of[k];
    size_t a = lo[src], b = hi[src];
    if (a == b) continue;
    if (on_pre) cp->rule->on_pre(rc, a, b - a);
    double m = mult ? (double)mult[k] : 1.0;
    for (size_t s = a; s < b; s++) {
      if (cp->failures && !released(c, cp, src, s, step)) continue;
      unsigned slot = base + syn_delay(pr, s);
      slot -= slot >= len ? len : 0;
      buf[(size_t)slot * nn + syn_post(pr, s)] += m * wt[s];
      w->events += mult ? mult[k] : 1u;
    }
  }
}

/* Postsynaptic spikes of the step, after all its deliveries: on_post for
 * the plastic projections into each population, for the neurons this
 * thread owns (their synapses are its own). */
static void post_events(cpu *c, cpu_worker *w, int64_t step) {
  const ap_net *net = c->net;
  const size_t par = SLOT(c, step);
  const double t = (double)(step + 1) * net->dt;
  for (size_t j = 0; j < net->n_projs; j++) {
    const cpu_proj *cp = &c->projs[j];
    if (!cp->col_off) continue;
    const ap_net_proj *pr = net->projs[j];
    const cpu_pop *p = &c->pops[pr->post];
    const size_t ns = CNT(c, par, pr->post, w->wi);
    if (!ns) continue;
    const uint32_t *idx = p->spiked + par * p->buf + p->cut[w->wi];
    ap_rule_ctx *rc = &w->rctx[j];
    rc->step = step;
    rc->t = t;
    for (size_t k = 0; k < ns; k++) {
      uint32_t i = idx[k];
      size_t a = cp->col_off[i], b = cp->col_off[i + 1];
      if (a < b) cp->rule->on_post(rc, i, cp->col + a, b - a);
    }
  }
}

/* y[i] += m w[i]: the delivery of a dense row (no FMA, so every build
 * adds the same bits). */
AP_VECTOR_CLONES
static void add_scaled(double *restrict y, const ap_weight *restrict w,
                       double m, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] += m * (double)w[i];
}

/* Deliver the spikes `src_of[0..n)` (multiplicities `mult`, or NULL for
 * ones) through projection j into the targets thread t owns. */
static void deliver_rows(cpu *c, cpu_worker *w, unsigned t, size_t j,
                         int64_t step, const uint32_t *src_of,
                         const uint32_t *mult, size_t n) {
  const ap_net_proj *pr = c->net->projs[j];
  const cpu_proj *cp = &c->projs[j];
  ap_ring *ring = &c->pops[pr->post].rings[pr->port];
  const size_t *lo = cp->lo[t], *hi = cp->lo[t + 1];
  const ap_weight *wt = cp->wout ? cp->wout : pr->weight;
  const uint32_t *tg = pr->target;
  const uint16_t *dl = pr->delay;
  /* Slot of step + d without a division per synapse: d <= max delay
   * < len, so one conditional subtraction wraps it. */
  double *buf = ring->buf;
  const size_t nn = ring->stride;
  const unsigned len = ring->len, base = (unsigned)(step % len);
  if (cp->failures) {
    deliver_slow(c, w, j, step, src_of, mult, n, lo, hi, wt, base);
    return;
  }
  if (cp->rule && cp->rule->on_pre) {
    /* every row's on_pre first, then the rows delivered as static ones:
     * each row is delivered after its own on_pre, in the same order */
    ap_rule_ctx *rc = &w->rctx[j];
    rc->step = step;
    rc->t = (double)(step + 1) * c->net->dt;
    for (size_t k = 0; k < n; k++) {
      const size_t a = lo[src_of[k]], b = hi[src_of[k]];
      if (a < b) cp->rule->on_pre(rc, a, b - a);
    }
  }
  if (cp->one_delay && !cp->dense) {
    /* One delay (the common case of a fixed delay): one slot for the
     * whole step; the rows of the spikes two ahead are fetched while
     * this one is added, since rows lie far apart in a large
     * projection. */
    unsigned slot = base + cp->delay0;
    slot -= slot >= len ? len : 0;
    double *restrict y = buf + (size_t)slot * nn;
    const uint32_t mask = dl ? 0xffffffffu : AP_PACK_TARGET_MASK;
    for (size_t k = 0; k < n; k++) {
      if (k + 2 < n) {
        const size_t a2 = lo[src_of[k + 2]];
        __builtin_prefetch(tg + a2);
        __builtin_prefetch(wt + a2);
      }
      const uint32_t src = src_of[k];
      const size_t a = lo[src], b = hi[src];
      if (mult) {
        const double m = (double)mult[k];
        w->events += (b - a) * mult[k];
        for (size_t s = a; s < b; s++) y[tg[s] & mask] += m * wt[s];
      } else { /* m = 1: the same sums without the product */
        w->events += b - a;
        for (size_t s = a; s < b; s++) y[tg[s] & mask] += (double)wt[s];
      }
    }
    return;
  }
  for (size_t k = 0; k < n; k++) {
    uint32_t src = src_of[k];
    size_t a = lo[src], b = hi[src];
    if (a == b) continue;
    double m = mult ? (double)mult[k] : 1.0;
    w->events += (b - a) * (mult ? mult[k] : 1u);
    if (cp->dense) { /* consecutive targets, one delay: a vector add */
      /* the row after next, while this one is added: rows of a large
       * projection are far apart, and their first lines would otherwise
       * be waited for (the hardware prefetcher follows a row once begun) */
      if (k + 2 < n) {
        const ap_weight *nx = wt + lo[src_of[k + 2]];
        __builtin_prefetch(nx);
        __builtin_prefetch(nx + 16);
      }
      unsigned slot = base + syn_delay(pr, a);
      slot -= slot >= len ? len : 0;
      add_scaled(buf + (size_t)slot * nn + syn_post(pr, a), wt + a, m, b - a);
    } else if (dl) {
      for (size_t s = a; s < b; s++) {
        unsigned slot = base + dl[s];
        slot -= slot >= len ? len : 0;
        buf[(size_t)slot * nn + tg[s]] += m * wt[s];
      }
    } else { /* packed: delay in the top bits of the target word */
      for (size_t s = a; s < b; s++) {
        unsigned slot = base + (tg[s] >> AP_PACK_TARGET_BITS);
        slot -= slot >= len ? len : 0;
        buf[(size_t)slot * nn + (tg[s] & AP_PACK_TARGET_MASK)] += m * wt[s];
      }
    }
  }
}

/* Deliver the step's spikes into the targets this thread owns. */
static void deliver(cpu *c, cpu_worker *w, int64_t step) {
  const ap_net *net = c->net;
  const unsigned t = w->id, wi = w->wi;
  for (size_t i = 0; i < net->n_pops; i++) {
    const cpu_pop *p = &c->pops[i];
    /* the blocks' spike lists, in worker order: ascending sources */
    const size_t par = SLOT(c, step);
    for (unsigned bt = 0; bt < c->nw; bt++) {
      const size_t n_sp = CNT(c, par, i, bt);
      if (!n_sp) continue;
      const size_t at = par * p->buf + p->cut[bt];
      const uint32_t *src_of = p->spiked + at;
      const uint32_t *mult = CMUL(c, par, i, bt) ? p->mult + at : NULL;
      for (size_t o = 0; o < p->n_out; o++) {
        const size_t *own = c->pops[net->projs[p->out[o]]->post].cut;
        if (own[wi] < own[wi + 1]) /* this thread owns targets there */
          deliver_rows(c, w, t, p->out[o], step, src_of, mult, n_sp);
      }
    }
  }
  if (c->n_decs) encode(c, w, step);
  if (c->any_post) post_events(c, w, step);
}

/* Whether some block's update failed in `step` (read after the barrier
 * that ends the update; the flags are kept by step parity, so the next
 * step's update does not touch them meanwhile). */
static int update_failed(const cpu *c, int64_t step) {
  for (unsigned t = 0; t < c->nt; t++)
    if (c->w[t].rc[SLOT(c, step)]) return 1;
  return 0;
}

/* Seconds on a monotonic clock. */
static double clock_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* profile = 1: add the time since *t0 to part k of the thread. */
static inline void stamp(const cpu *c, cpu_worker *w, int k, double *t0) {
  if (!c->profile) return;
  const double t1 = clock_s();
  w->part_s[k] += t1 - *t0;
  *t0 = t1;
}

/* The part of run() that every thread of the pool executes.  When the
 * host's calls touch nothing the workers do (c->overlap), a step needs
 * one barrier: thread 0 makes them while the others deliver and update
 * the next step, then delivers itself; the next barrier orders them
 * before the next step's.  Otherwise thread 0 makes them alone, between
 * two barriers. */
static void run_batched(cpu *c, cpu_worker *w);

static void run_chunk(cpu *c, cpu_worker *w) {
  if (c->batch) {
    run_batched(c, w);
    return;
  }
  const int64_t step0 = c->job_step, n = c->job_n;
  double t0 = c->profile ? clock_s() : 0.0;
  for (int64_t step = step0; step < step0 + n; step++) {
    update_blocks(c, w, step);
    stamp(c, w, PART_UPDATE, &t0);
    barrier(c, w);
    stamp(c, w, PART_WAIT, &t0);
    if (c->overlap) {
      if (update_failed(c, step)) { /* every thread sees it and stops */
        if (w->id == 0) c->stop = serial(c, step);
        break;
      }
      if (w->id == 0) serial(c, step);
    } else {
      if (w->id == 0) c->stop = serial(c, step);
      stamp(c, w, PART_HOST, &t0);
      barrier(c, w);
      stamp(c, w, PART_WAIT, &t0);
      if (c->stop) break;
    }
    stamp(c, w, PART_HOST, &t0);
    deliver(c, w, step);
    stamp(c, w, PART_DELIVER, &t0);
    if (w->id == 0 && c->profile) c->prof_steps++;
  }
  barrier(c, w);
}

/* Several processes, spikes exchanged once per min-delay interval: a
 * spike of step s takes effect at s + min_delay or later, so every thread
 * updates its blocks through the interval's steps with no delivery in
 * between (the inputs of those steps were delivered before it); thread 0
 * exchanges the interval's lists in one collective; then step by step,
 * as run_chunk does, thread 0 makes the host's calls and every thread
 * delivers into its own targets, in the order of a run of one process.
 * cpu_run chooses it only where the host's calls of a step read neither
 * the neurons' state nor anything an update reads (the host says so:
 * ap_net.state_free_callbacks), nor does decoding (batch_ok). */
static void run_batched(cpu *c, cpu_worker *w) {
  const int64_t step0 = c->job_step, end = step0 + c->job_n;
  double t0 = c->profile ? clock_s() : 0.0;
  for (int64_t s0 = step0; s0 < end;) {
    const int64_t nd = end - s0 < c->xmax ? end - s0 : c->xmax;
    for (int64_t step = s0; step < s0 + nd; step++) update_blocks(c, w, step);
    stamp(c, w, PART_UPDATE, &t0);
    barrier(c, w);
    stamp(c, w, PART_WAIT, &t0);
    if (w->id == 0) c->stop = exchange(c, s0, nd);
    stamp(c, w, PART_HOST, &t0);
    barrier(c, w);
    stamp(c, w, PART_WAIT, &t0);
    if (c->stop) break;
    for (int64_t step = s0; step < s0 + nd && !c->stop; step++) {
      if (w->id == 0) c->stop = serial(c, step);
      stamp(c, w, PART_HOST, &t0);
      barrier(c, w);
      stamp(c, w, PART_WAIT, &t0);
      if (c->stop) break;
      deliver(c, w, step);
      stamp(c, w, PART_DELIVER, &t0);
      if (w->id == 0 && c->profile) c->prof_steps++;
      barrier(c, w); /* the next step's transmit() and decoding after it */
      stamp(c, w, PART_WAIT, &t0);
    }
    if (c->stop) break;
    s0 += nd;
  }
  barrier(c, w);
}

static void *worker_main(void *arg) {
  cpu_worker *w = arg;
  cpu *c = w->c;
  unsigned seen = 0;
  for (;;) {
    wait_job(c, &seen);
    if (atomic_load(&c->quit)) return NULL;
    run_chunk(c, w);
  }
}

static void cpu_destroy(void *vc) {
  cpu *c = vc;
  if (!c) return;
  if (c->n_started) {
    atomic_store(&c->quit, 1);
    post(c);
    for (unsigned t = 1; t <= c->n_started; t++)
      pthread_join(c->w[t].tid, NULL);
  }
  if (c->sync_ok) {
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
  }
  if (c->pops) {
    release_pops(c);
    for (size_t i = 0; i < c->net->n_pops; i++) {
      cpu_pop *p = &c->pops[i];
      if (p->rings)
        for (unsigned k = 0; k < c->net->pops[i]->desc->n_ports; k++)
          ap_ring_free(&p->rings[k]);
      free(p->rings);
      free(p->spiked);
      free(p->mult);
      free(p->out);
      free(p->cut);
    }
  }
  if (c->projs)
    for (size_t j = 0; j < c->net->n_projs; j++) {
      free(c->projs[j].lo);
      free(c->projs[j].split);
      free(c->projs[j].wout);
      free(c->projs[j].col_off);
      free(c->projs[j].col);
    }
  if (c->w)
    for (unsigned t = 0; t < c->nt; t++) {
      free(c->w[t].state);
      free(c->w[t].param);
      free(c->w[t].input);
      free(c->w[t].rctx);
    }
  free(c->w);
  free(c->projs);
  free(c->pops);
  free(c->cnt);
  free(c->cmul);
  free(c->xbuf);
  for (size_t k = 0; k < c->n_decs; k++) free(c->decs[k].u);
  free(c->decs);
  free(c->sbuf);
  free(c->prof_text);
  free(c->prof_items);
  free(c->prof_keys);
  free(c);
}

/* Per-thread rows of projection j: cut each row at the post population's
 * thread ranges.  Returns 0, -1 on allocation failure, or 1 when a row's
 * targets do not ascend. */
static int split_rows(cpu *c, size_t j) {
  const ap_net_proj *pr = c->net->projs[j];
  cpu_proj *cp = &c->projs[j];
  const size_t npre = c->net->pops[pr->pre]->n, nt = c->nt;
  /* this process's threads' ranges: workers rank nt .. rank nt + nt */
  const size_t *cut = c->pops[pr->post].cut + (size_t)c->rank * nt;
  cp->lo = malloc((nt + 1) * sizeof *cp->lo);
  if (!cp->lo) return -1;
  cp->lo[0] = pr->row;
  cp->lo[nt] = pr->row + 1;
  /* one process: the first and last boundaries are the rows' ends;
   * several: every boundary is cut, the ends too */
  const size_t t0 = c->size > 1 ? 0 : 1, t1 = c->size > 1 ? nt : nt - 1;
  if (t1 < t0) return 0;
  const size_t n_split = (t1 - t0 + 1) * npre;
  cp->split = malloc((n_split ? n_split : 1) * sizeof *cp->split);
  if (!cp->split) return -1;
  for (size_t t = t0; t <= t1; t++) cp->lo[t] = cp->split + (t - t0) * npre;
  const uint32_t mask = pr->delay ? 0xffffffffu : AP_PACK_TARGET_MASK;
  for (size_t i = 0; i < npre; i++) {
    size_t s = pr->row[i], e = pr->row[i + 1];
    for (size_t k = s + 1; k < e; k++)
      if ((pr->target[k] & mask) < (pr->target[k - 1] & mask)) return 1;
    for (size_t t = t0; t <= t1; t++) {
      while (s < e && (pr->target[s] & mask) < cut[t]) s++;
      cp->split[(t - t0) * npre + i] = s;
    }
  }
  return 0;
}

/* Rule and release settings of projection j; for a rule with on_post,
 * the synapses into each post neuron (column index).  -1 when out of
 * memory. */
static int setup_plastic(cpu *c, size_t j) {
  const ap_net_proj *pr = c->net->projs[j];
  cpu_proj *cp = &c->projs[j];
  const ap_net_proj *x = pr;
  cp->dense = 1;
  const size_t npre = c->net->pops[pr->pre]->n;
  for (size_t i = 0; i < npre && cp->dense; i++)
    for (size_t s = pr->row[i] + 1; s < pr->row[i + 1]; s++)
      if (syn_post(pr, s) != syn_post(pr, s - 1) + 1 ||
          syn_delay(pr, s) != syn_delay(pr, s - 1)) {
        cp->dense = 0;
        break;
      }
  cp->one_delay = 1;
  cp->delay0 = pr->n_syn ? syn_delay(pr, 0) : 0;
  for (size_t s = 1; s < pr->n_syn && cp->one_delay; s++)
    cp->one_delay = syn_delay(pr, s) == cp->delay0;
  cp->x = x;
  if (x->p_release < 1) {
    cp->failures = 1;
    cp->p_cut = (uint32_t)(x->p_release * 4294967296.0);
  }
  if (!x->rule || (!x->rule->on_pre && !x->rule->on_post)) return 0;
  cp->rule = x->rule;
  if (!x->rule->on_post) return 0;
  const size_t npost = c->net->pops[pr->post]->n;
  cp->col_off = calloc(npost + 1, sizeof *cp->col_off);
  cp->col = malloc((pr->n_syn ? pr->n_syn : 1) * sizeof *cp->col);
  if (!cp->col_off || !cp->col) return -1;
  for (size_t s = 0; s < pr->n_syn; s++) cp->col_off[syn_post(pr, s) + 1]++;
  for (size_t i = 0; i < npost; i++) cp->col_off[i + 1] += cp->col_off[i];
  size_t *fill = malloc((npost ? npost : 1) * sizeof *fill);
  if (!fill) return -1;
  memcpy(fill, cp->col_off, npost * sizeof *fill);
  for (size_t s = 0; s < pr->n_syn; s++) cp->col[fill[syn_post(pr, s)]++] = s;
  free(fill);
  c->any_post = 1;
  return 0;
}

static int start_threads(cpu *c, char *err, size_t err_size) {
  if (pthread_mutex_init(&c->mu, NULL)) goto fail;
  if (pthread_cond_init(&c->cv, NULL)) {
    pthread_mutex_destroy(&c->mu);
    goto fail;
  }
  c->sync_ok = 1;
  /* Workers take no signals: the host's handlers run on its own thread. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = 0;
  for (unsigned t = 1; t < c->nt; t++) {
    rc = pthread_create(&c->w[t].tid, NULL, worker_main, &c->w[t]);
    if (rc) break;
    c->n_started++;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (!rc) return AP_OK;
  snprintf(err, err_size, "could not start %u worker threads: %s", c->nt - 1,
           strerror(rc));
  return AP_EPLUGIN;
fail:
  snprintf(err, err_size, "could not set up the thread pool");
  return AP_EPLUGIN;
}

/* The blocks of process r's share of a population of n neurons: the
 * share is neurons [n r / P, n (r + 1) / P) (the host builds the
 * synapses into them there, see AP_BACKEND_PROCESSES), cut into balanced
 * contiguous ranges for its threads, at whole cache lines of doubles
 * (the state and ring arrays are line-aligned), so that no two threads
 * write one line: a line written by both each step costs a transfer
 * between cores for every state variable.  A small share is cut for
 * fewer threads (at least MIN_SHARE neurons each; the rest own none of
 * it): every thread that owns targets of a projection walks each
 * spiking row, so slicing a few neurons thinner costs more than it
 * saves.  Writes cut[r nt .. (r + 1) nt]. */
static void cut_share(const cpu *c, size_t n, int r, size_t *cut) {
  const size_t P = (size_t)c->size, a = n / P, b = n % P;
  const size_t lo = a * (size_t)r + b * (size_t)r / P;
  const size_t hi = a * (size_t)(r + 1) + b * (size_t)(r + 1) / P;
  const size_t m = hi - lo, nt = c->nt;
  const size_t parts = m / MIN_SHARE < nt ? (m / MIN_SHARE ? m / MIN_SHARE : 1)
                                          : nt;
  for (size_t t = 0; t <= nt; t++) {
    const size_t u = t < parts ? t : parts;
    const size_t even = m / parts * u + m % parts * u / parts;
    const size_t up = (lo + even + CUT / 2) / CUT * CUT;
    cut[(size_t)r * nt + t] = u == 0       ? lo
                              : u == parts ? hi
                              : up < lo    ? lo
                              : up < hi    ? up
                                           : hi;
  }
}

static int cpu_create(void **out, const ap_net *net, const ap_real *settings,
                      const char *const *strings, char *err, size_t err_size) {
  (void)strings;
  cpu *c = calloc(1, sizeof *c);
  if (!c) return AP_ENOMEM;
  c->net = net;
  long nt = (long)settings[0];
  if (nt <= 0) nt = sysconf(_SC_NPROCESSORS_ONLN);
  if (nt < 1) nt = 1;
  if (nt > 4096) nt = 4096;
  c->nt = (unsigned)nt;
  c->rank = 0;
  c->size = 1;
#ifdef AP_HAVE_MPI
  int mpi_on = 0;
  MPI_Initialized(&mpi_on);
  if (mpi_on) {
    MPI_Comm_rank(MPI_COMM_WORLD, &c->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &c->size);
  }
#endif
  c->nw = (unsigned)c->size * c->nt;
  /* several processes exchange spikes once per min-delay interval where
   * they can (run_batched), holding an interval's spike lists */
  c->xmax = 1;
  if (c->size > 1 && net->min_delay > 1)
    c->xmax = net->min_delay < XMAX ? net->min_delay : XMAX;
  c->ns = c->xmax > 2 ? c->xmax : 2;
  c->profile = settings[1] != 0;
  const int enough = (long)c->nt <= cores_available();
  c->spin = enough ? SPIN : 0;
  c->yields = enough ? YIELDS : 0;
  const size_t per = c->ns * (net->n_pops ? net->n_pops : 1);
  c->cstride = (per * sizeof *c->cnt + 63) / 64 * 64 / sizeof *c->cnt;
  c->mstride = (per * sizeof *c->cmul + 63) / 64 * 64 / sizeof *c->cmul;
  c->cnt = line_calloc(c->cstride * c->nw * sizeof *c->cnt);
  c->cmul = line_calloc(c->mstride * c->nw * sizeof *c->cmul);
  if (!c->cnt || !c->cmul) goto nomem;
  c->pops = calloc(net->n_pops ? net->n_pops : 1, sizeof *c->pops);
  c->projs = calloc(net->n_projs ? net->n_projs : 1, sizeof *c->projs);
  c->w = aligned_alloc(64, c->nt * sizeof *c->w); /* a multiple of 64 */
  if (c->w) memset(c->w, 0, c->nt * sizeof *c->w);
  if (!c->pops || !c->projs || !c->w) goto nomem;
  unsigned max_vars = 1, max_params = 1, max_ports = 1, max_syn_vars = 1;
  unsigned len = net->max_delay + 1;
  for (size_t i = 0; i < net->n_pops; i++) {
    const ap_net_pop *q = net->pops[i];
    cpu_pop *p = &c->pops[i];
    unsigned np = q->desc->n_ports;
    if (q->desc->n_vars > max_vars) max_vars = q->desc->n_vars;
    if (q->desc->n_params > max_params) max_params = q->desc->n_params;
    if (np > max_ports) max_ports = np;
    size_t n1 = q->n ? q->n : 1;
    p->rings = calloc(np ? np : 1, sizeof *p->rings);
    p->cut = malloc((c->nw + 1) * sizeof *p->cut);
    /* ns buffers, by step slot: a thread may update step s + 1 while
     * another still delivers step s from the lists of step s */
    p->spiked = malloc(c->ns * n1 * sizeof *p->spiked);
    p->mult = malloc(c->ns * n1 * sizeof *p->mult);
    p->buf = n1;
    p->out = malloc((net->n_projs ? net->n_projs : 1) * sizeof *p->out);
    if (!p->rings || !p->cut || !p->spiked || !p->mult || !p->out)
      goto nomem;
    for (unsigned k = 0; k < np; k++)
      if (ap_ring_init(&p->rings[k], q->n, len)) goto nomem;
    /* Balanced contiguous ranges, the same for update and delivery, cut
     * at whole cache lines of doubles (the state and ring arrays are
     * line-aligned), so that no two threads write one line: a line
     * written by both each step costs a transfer between cores for every
     * state variable.  A small population is shared by fewer threads (at
     * least MIN_SHARE neurons each; the rest own none of it): every
     * thread that owns targets of a projection walks each spiking row,
     * so slicing a few neurons thinner costs more than it saves. */
    for (int r = 0; r < c->size; r++) cut_share(c, q->n, r, p->cut);
    for (size_t j = 0; j < net->n_projs; j++)
      if (net->projs[j]->pre == i) p->out[p->n_out++] = j;
  }
  for (size_t j = 0; j < net->n_projs; j++) {
    const ap_net_proj *pr = net->projs[j];
    int rc = split_rows(c, j);
    if (rc < 0) goto nomem;
    if (rc > 0) {
      snprintf(err, err_size, "projection %zu: targets do not ascend "
               "within a row", j + 1);
      cpu_destroy(c);
      return AP_EINVAL;
    }
    if (pr->syn->n_vars > max_syn_vars) max_syn_vars = pr->syn->n_vars;
    if (pr->syn->transmit) {
      c->projs[j].wout = malloc((pr->n_syn ? pr->n_syn : 1) *
                                sizeof *c->projs[j].wout);
      if (!c->projs[j].wout) goto nomem;
    }
  }
  c->sbuf = malloc(max_syn_vars * sizeof *c->sbuf);
  if (!c->sbuf) goto nomem;
  for (size_t j = 0; j < net->n_projs; j++)
    if (setup_plastic(c, j)) goto nomem;
  if (AP_HAS_FIELD(net, ap_net, decoded) && net->n_decoded) {
    c->decs = calloc(net->n_decoded, sizeof *c->decs);
    if (!c->decs) goto nomem;
    c->n_decs = net->n_decoded;
    for (size_t k = 0; k < c->n_decs; k++) {
      const ap_net_decoded *d = net->decoded[k];
      c->decs[k].x = d;
      c->decs[k].keep = d->tau > 0 ? exp(-net->dt / d->tau) : 0.0;
      if (!(c->decs[k].u = calloc(d->dims ? d->dims : 1, sizeof(double))))
        goto nomem;
    }
  }
  c->batch_ok = 1;
  for (size_t k = 0; k < c->n_decs; k++)
    if (c->decs[k].x->rate_var >= 0) c->batch_ok = 0;
  c->can_overlap = c->n_decs == 0 && c->size == 1;
  for (size_t j = 0; j < net->n_projs; j++)
    if (c->projs[j].wout || c->projs[j].rule) c->can_overlap = 0;
  for (unsigned t = 0; t < c->nt; t++) {
    cpu_worker *w = &c->w[t];
    w->c = c;
    w->id = t;
    w->wi = (unsigned)c->rank * c->nt + t;
    w->state = malloc(max_vars * sizeof *w->state);
    w->param = malloc(max_params * sizeof *w->param);
    w->input = malloc(max_ports * sizeof *w->input);
    w->rctx = calloc(net->n_projs ? net->n_projs : 1, sizeof *w->rctx);
    if (!w->state || !w->param || !w->input ||
        !w->rctx)
      goto nomem;
    for (size_t j = 0; j < net->n_projs; j++)
      if (c->projs[j].rule) AP_COPY_SIZED(&w->rctx[j], c->projs[j].x->rule_ctx);
  }
  int rc = prepare_pops(c, err, err_size);
  if (!rc && c->nt > 1) rc = start_threads(c, err, err_size);
  if (rc) {
    cpu_destroy(c);
    return rc;
  }
  *out = c;
  return AP_OK;
nomem:
  snprintf(err, err_size, "out of memory for the network's buffers");
  cpu_destroy(c);
  return AP_ENOMEM;
}

/* The host's arrays hold the truth, and this backend computes in them:
 * only new parameters need the models to prepare again. */
static int cpu_reload(void *vc, unsigned changed, char *err,
                      size_t err_size) {
  cpu *c = vc;
  if (!(changed & AP_CHANGED_PARAMS)) return AP_OK;
  release_pops(c);
  return prepare_pops(c, err, err_size);
}

static int cpu_run(void *vc, int64_t step0, int64_t n, char *err,
                   size_t err_size) {
  cpu *c = vc;
  c->job_step = step0;
  c->job_n = n;
  c->err = err;
  c->err_size = err_size;
  c->stop = 0;
  c->rc = AP_OK;
  const ap_net *net = c->net;
  const int local_calls = AP_HAS_FIELD(net, ap_net, concurrent_callbacks) &&
                          net->concurrent_callbacks &&
                          *net->concurrent_callbacks;
  c->overlap = c->nt > 1 && c->can_overlap && local_calls;
  c->batch = c->xmax > 1 && c->batch_ok &&
             AP_HAS_FIELD(net, ap_net, state_free_callbacks) &&
             net->state_free_callbacks && *net->state_free_callbacks;
  if (c->nt > 1) post(c);
  run_chunk(c, &c->w[0]);
  return c->stop ? c->rc : AP_OK;
}

static size_t cpu_synapse_bytes(void *vc) {
  cpu *c = vc;
  size_t bytes = 0;
  for (size_t j = 0; j < c->net->n_projs; j++) {
    const ap_net_proj *pr = c->net->projs[j];
    size_t npre = c->net->pops[pr->pre]->n;
    bytes += pr->n_syn * (sizeof *pr->target + sizeof *pr->weight +
                          (pr->delay ? sizeof *pr->delay : 0));
    bytes += (npre + 1) * sizeof *pr->row;
    /* ours: per-thread row offsets and transmit() output */
    bytes += (c->nt + 1) * sizeof *c->projs[j].lo;
    if (c->projs[j].split) bytes += (c->nt - 1) * npre * sizeof(size_t);
    if (c->projs[j].wout) bytes += pr->n_syn * sizeof(ap_weight);
    if (c->projs[j].col) bytes += pr->n_syn * sizeof(size_t);
    if (c->projs[j].col_off) bytes += (c->net->pops[pr->post]->n + 1) *
                                      sizeof(size_t);
    if (c->projs[j].x && c->projs[j].x->rule)
      bytes += pr->n_syn * c->projs[j].x->rule->n_syn_vars * sizeof(ap_real);
  }
  return bytes;
}

static int pending(cpu *c, size_t pop, unsigned port, int64_t step,
                   char *err, size_t err_size) {
  const ap_net *net = c->net;
  if (pop >= net->n_pops || port >= net->pops[pop]->desc->n_ports ||
      step < 0) {
    snprintf(err, err_size, "no input in flight for population %zu, port "
             "%u, step %lld", pop + 1, port + 1, (long long)step);
    return AP_EINVAL;
  }
  return AP_OK;
}

static int cpu_pending_get(void *vc, size_t pop, unsigned port, int64_t step,
                           double *out, char *err, size_t err_size) {
  cpu *c = vc;
  int rc = pending(c, pop, port, step, err, err_size);
  if (rc) return rc;
  memcpy(out, ap_ring_slot(&c->pops[pop].rings[port], step),
         c->net->pops[pop]->n * sizeof *out);
  return AP_OK;
}

static int cpu_pending_add(void *vc, size_t pop, unsigned port, int64_t step,
                           const double *in, char *err, size_t err_size) {
  cpu *c = vc;
  int rc = pending(c, pop, port, step, err, err_size);
  if (rc) return rc;
  double *slot = ap_ring_slot(&c->pops[pop].rings[port], step);
  for (size_t i = 0; i < c->net->pops[pop]->n; i++) slot[i] += in[i];
  return AP_OK;
}

static uint64_t cpu_events(void *vc) {
  cpu *c = vc;
  uint64_t e = 0;
  for (unsigned t = 0; t < c->nt; t++) e += c->w[t].events;
#ifdef AP_HAVE_MPI
  if (c->size > 1) { /* every process's deliveries: a sum of integers */
    uint64_t all = 0;
    MPI_Allreduce(&e, &all, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    e = all;
  }
#endif
  return e;
}

/* One process computes in the host's arrays; several each hold their own
 * neurons' state there: the host's reads gather every process's share. */
static int cpu_sync(void *vc, char *err, size_t err_size) {
  cpu *c = vc;
  (void)err, (void)err_size;
  if (c->size <= 1) return AP_OK;
  const ap_net *net = c->net;
  for (size_t i = 0; i < net->n_pops; i++) {
    const ap_net_pop *q = net->pops[i];
    for (unsigned v = 0; v < q->desc->n_vars; v++)
      if (q->state[v]) gather_var(c, i, q->state[v]);
  }
  /* learning: the postsynaptic variables of each plastic projection live
   * with the process of their neuron (its weights and synapse variables
   * are those of the synapses held there: the host gathers them when it
   * reads them) */
  for (size_t j = 0; j < net->n_projs; j++) {
    const ap_net_proj *pr = net->projs[j];
    if (!pr->rule || !pr->rule_ctx) continue;
    for (unsigned v = 0; v < pr->rule->n_post_vars; v++)
      gather_var(c, pr->post, pr->rule_ctx->post_state[v]);
  }
  return AP_OK;
}

/* profile = 1: the seconds each thread spent in each part of the steps
 * so far, as items threads.T.update_s, .host_calls_s, .delivery_s and
 * .wait_s (T from 1), with steps, and as a table for standard error. */
static int cpu_report(void *vc, ap_report *out, char *err, size_t err_size) {
  cpu *c = vc;
  if (!c->profile && c->size < 2) return AP_ENOTSUP;
  static const char *const part_key[N_PARTS] = {"update_s", "host_calls_s",
                                                "delivery_s", "wait_s"};
  static const int order[N_PARTS] = {PART_UPDATE, PART_HOST, PART_DELIVER,
                                     PART_WAIT};
  const size_t n_items = (size_t)c->nt * N_PARTS + 6, key_len = 48;
  const size_t text_len = 200 + (size_t)c->nt * 80;
  free(c->prof_items);
  free(c->prof_keys);
  free(c->prof_text);
  c->prof_items = calloc(n_items, sizeof *c->prof_items);
  c->prof_keys = calloc(n_items, key_len);
  c->prof_text = malloc(text_len);
  if (!c->prof_items || !c->prof_keys || !c->prof_text) {
    snprintf(err, err_size, "out of memory for the profile");
    return AP_ENOMEM;
  }
  size_t k = 0, at = 0;
  snprintf(c->prof_keys, key_len, "steps");
  c->prof_items[k++] = (ap_report_item){c->prof_keys,
                                        (double)c->prof_steps, "1", NULL};
  at += (size_t)snprintf(c->prof_text + at, text_len - at,
                         "cpu profile: seconds per thread over %llu steps\n"
                         "  thread      update  host calls    delivery  "
                         "   waiting\n",
                         (unsigned long long)c->prof_steps);
  for (unsigned t = 0; t < c->nt; t++) {
    const double *ps = c->w[t].part_s;
    for (int j = 0; j < N_PARTS; j++) {
      char *key = c->prof_keys + k * key_len;
      snprintf(key, key_len, "threads.%u.%s", t + 1, part_key[order[j]]);
      c->prof_items[k++] = (ap_report_item){key, ps[order[j]], "s", NULL};
    }
    at += (size_t)snprintf(c->prof_text + at, text_len - at,
                           "  %6u %11.3f %11.3f %11.3f %11.3f\n", t + 1,
                           ps[PART_UPDATE], ps[PART_HOST], ps[PART_DELIVER],
                           ps[PART_WAIT]);
    if (at >= text_len) at = text_len - 1;
  }
  if (!c->profile) { /* several processes: the exchange only */
    k = 0;
    at = 0;
  }
  if (c->size > 1) {
    /* this process's time in the spike exchange (waiting for the others
     * included), the bytes it received and the exchanges */
    static const char *const xkey[5] = {"exchange.seconds", "exchange.bytes",
                                        "exchange.count", "exchange.spikes",
                                        "exchange.populations"};
    static const char *const xunit[5] = {"s", "B", "1", "1", "1"};
    const double xv[5] = {c->x_s, (double)c->x_bytes, (double)c->x_count,
                          (double)c->x_spikes, (double)c->x_pops};
    for (int j = 0; j < 5; j++) {
      char *key = c->prof_keys + k * key_len;
      snprintf(key, key_len, "%s", xkey[j]);
      c->prof_items[k++] = (ap_report_item){key, xv[j], xunit[j], NULL};
    }
    at += (size_t)snprintf(c->prof_text + at, text_len - at,
                           "cpu exchange: %.3f s in %llu exchanges, %llu "
                           "bytes received\n", c->x_s,
                           (unsigned long long)c->x_count,
                           (unsigned long long)c->x_bytes);
    if (at >= text_len) at = text_len - 1;
  }
  out->items = c->prof_items;
  out->n = k;
  out->text = c->prof_text;
  return AP_OK;
}

static const ap_backend_desc cpu_desc = {
    .size = sizeof(ap_backend_desc),
    .params = cpu_params,
    .n_params = 2,
    .create = cpu_create,
    .destroy = cpu_destroy,
    .run = cpu_run,
    .sync = cpu_sync, /* one process: nothing; several: gathers */
    .reload = cpu_reload,
    .pending_get = cpu_pending_get,
    .pending_add = cpu_pending_add,
    .synapse_bytes = cpu_synapse_bytes,
    .events = cpu_events,
    .report = cpu_report,
    .flags = AP_BACKEND_DECODED | AP_BACKEND_PROCESSES};

static const ap_plugin_desc plugins[] = {
    {sizeof(ap_plugin_desc), AP_KIND_BACKEND, "cpu", "1.0",
     "reference backend: double-precision state, exact delays, on the host CPU",
     "cpu -- the reference backend.\n"
     "\n"
     "Each step of dt advances every population with its neuron plugin,\n"
     "then delivers the step's spikes through compressed synapse rows into\n"
     "per-port ring buffers (one slot per step of delay).  A spike stamped\n"
     "t and sent with delay d takes effect at t + d.  Random numbers are\n"
     "keyed by seed and identity, so results are reproducible exactly.\n"
     "\n"
     "Settings: threads (worker threads; 0 = every online core), profile\n"
     "(1: time the parts of every step per thread and report them).  Each\n"
     "thread owns a contiguous range of every population: it advances\n"
     "those neurons and adds their inputs in a fixed order, so spikes and\n"
     "state are bit-identical for every thread count.\n",
     &cpu_desc},
};

AP_PLUGIN(plugins)
