/* probe.c -- what this machine can do at best, for the performance
 * figures (docs/performance.md): streaming bandwidth and the rate of
 * scatter-adds (in[target[k]] += w[k], the inner loop of spike
 * delivery) into buffers of several sizes, on 1 and 2 threads.
 * Built and run by scripts/benchmarks/probe; prints key=value lines. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct job {
  size_t n_events, n_targets, n_stream;
  uint32_t *target;
  float *w;
  double *in;
  double *a, *b;
  double sink;
  int what; /* 0: scatter-add, 1: stream read, 2: stream copy */
} job;

static void *work(void *v) {
  job *j = v;
  if (j->what == 0) {
    for (size_t k = 0; k < j->n_events; k++) j->in[j->target[k]] += j->w[k];
    j->sink = j->in[0];
  } else if (j->what == 1) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0; /* four chains: not latency-bound */
    for (size_t k = 0; k + 3 < j->n_stream; k += 4)
      s0 += j->a[k], s1 += j->a[k + 1], s2 += j->a[k + 2], s3 += j->a[k + 3];
    j->sink = s0 + s1 + s2 + s3;
  } else {
    memcpy(j->b, j->a, j->n_stream * sizeof *j->a);
    j->sink = j->b[j->n_stream - 1];
  }
  return NULL;
}

/* Seconds for `threads` jobs at once, the best of `reps`. */
static double timed(job *jobs, int threads, int reps) {
  double best = 1e30;
  for (int r = 0; r < reps; r++) {
    pthread_t t[2];
    double t0 = now();
    for (int i = 1; i < threads; i++) pthread_create(&t[i], NULL, work, &jobs[i]);
    work(&jobs[0]);
    for (int i = 1; i < threads; i++) pthread_join(t[i], NULL);
    double dt = now() - t0;
    if (dt < best) best = dt;
  }
  return best;
}

int main(void) {
  const size_t n_events = (size_t)1 << 25; /* per thread */
  const size_t n_stream = (size_t)1 << 25; /* doubles: 256 MB per thread */
  const size_t sizes[] = {(size_t)1 << 15, (size_t)1 << 18, (size_t)1 << 21,
                          (size_t)1 << 24}; /* targets: 256 KB .. 128 MB */
  job jobs[2];
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 2; i++) {
    job *j = &jobs[i];
    memset(j, 0, sizeof *j);
    j->n_events = n_events;
    j->n_stream = n_stream;
    j->target = malloc(n_events * sizeof *j->target);
    j->w = malloc(n_events * sizeof *j->w);
    j->in = calloc(sizes[3], sizeof *j->in);
    j->a = malloc(n_stream * sizeof *j->a);
    j->b = malloc(n_stream * sizeof *j->b);
    if (!j->target || !j->w || !j->in || !j->a || !j->b) {
      fprintf(stderr, "probe: out of memory\n");
      return 1;
    }
    for (size_t k = 0; k < n_stream; k++) j->a[k] = (double)k, j->b[k] = 0;
    for (size_t k = 0; k < n_events; k++) j->w[k] = 0.5f;
  }
  for (int threads = 1; threads <= 2; threads++) {
    for (int i = 0; i < 2; i++) jobs[i].what = 1;
    double s = timed(jobs, threads, 3);
    printf("stream_read_gb_s threads=%d value=%.2f\n", threads,
           (double)threads * (double)n_stream * 8 / s / 1e9);
    for (int i = 0; i < 2; i++) jobs[i].what = 2;
    s = timed(jobs, threads, 3);
    printf("stream_copy_gb_s threads=%d value=%.2f\n", threads,
           (double)threads * (double)n_stream * 16 / s / 1e9);
    for (size_t z = 0; z < sizeof sizes / sizeof *sizes; z++) {
      for (int i = 0; i < 2; i++) {
        job *j = &jobs[i];
        j->what = 0;
        j->n_targets = sizes[z];
        for (size_t k = 0; k < n_events; k++) {
          x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
          j->target[k] = (uint32_t)(x % sizes[z]);
        }
      }
      s = timed(jobs, threads, 3);
      printf("scatter_add_events_per_s threads=%d targets=%zu kb=%zu "
             "value=%.3g ns_per_event=%.3f\n", threads, sizes[z],
             sizes[z] * 8 / 1024, (double)threads * (double)n_events / s,
             s / (double)n_events * 1e9);
    }
  }
  for (int i = 0; i < 2; i++) {
    free(jobs[i].target), free(jobs[i].w), free(jobs[i].in);
    free(jobs[i].a), free(jobs[i].b);
  }
  return 0;
}
