/* dist.c -- the processes of a run (see dist.h). */
#include "dist/dist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apical/backend.h" /* AP_DIST_OP_EXCHANGE */
#include "base/strutil.h"
#ifdef AP_HAVE_MPI
#include <mpi.h>
#endif

static int rank = 0, size = 1, active = 0;

/* The launcher's word on the number of processes and this one's rank. */
static int env_int(const char *a, const char *b, int def) {
  const char *v = getenv(a);
  if (!v || !*v) v = getenv(b);
  return v && *v ? atoi(v) : def;
}

int ap_dist_init(int *argc, char ***argv, char *err, size_t err_size) {
  const int launched = env_int("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", 0);
  if (launched <= 1) return 0;
#ifdef AP_HAVE_MPI
  int provided = 0;
  if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) !=
      MPI_SUCCESS) {
    ap_fmt(err, err_size, "MPI could not start");
    return -1;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  active = 1;
  /* files and standard output are rank 0's */
  ap_set_writes_enabled(rank == 0);
  return 0;
#else
  (void)argc, (void)argv;
  rank = env_int("OMPI_COMM_WORLD_RANK", "PMI_RANK", 0);
  ap_fmt(err, err_size, "this apical was built without MPI, so it cannot "
         "run as %d processes under mpirun (each would run the whole "
         "script alone): install the Debian package libopenmpi-dev and "
         "build it again, or run it without mpirun", launched);
  return -1;
#endif
}

int ap_dist_rank(void) { return rank; }
int ap_dist_size(void) { return size; }
int ap_dist_active(void) { return active; }

void ap_dist_fail(const char *msg, int code) {
  if (rank != 0) {
    /* rank 0 fails too when the failure is the script's: it then ends
     * every process, this one included, before this one prints */
    sleep(3);
    fprintf(stderr, "apical: process %d of %d: %s\n", rank, size, msg);
  } else {
    fprintf(stderr, "apical: %s\n", msg);
  }
  fflush(stderr);
#ifdef AP_HAVE_MPI
  if (active) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  exit(code);
}

void ap_dist_finalize(void) {
#ifdef AP_HAVE_MPI
  if (active) MPI_Finalize();
#endif
  active = 0;
}

/* ------------------------------------------------------------------
 * Collective operations (see dist.h). */

#ifdef AP_HAVE_MPI
static const char *op_name(int op) {
  switch (op) {
    case AP_DIST_OP_EXCHANGE: return "running the simulation";
    case AP_DIST_OP_SYNC: return "reading the neurons' state (pop:get, "
                                 "recorders, phases)";
    case AP_DIST_OP_STATS: return "reading the run's counts (ap.stats)";
    case AP_DIST_OP_CONNECT: return "connecting populations";
    case AP_DIST_OP_WEIGHTS: return "reading or writing a projection's "
                                    "synapses (proj:weights and the like)";
    case AP_DIST_OP_RECORD: return "recording weights";
    case AP_DIST_OP_CREDIT: return "ending a phase";
    case AP_DIST_OP_FINISH: return "at the end of the script";
    case AP_DIST_OP_POPULATION: return "making a population";
    case AP_DIST_OP_DECODE: return "running the simulation";
    default: return "in an unknown operation";
  }
}
#endif

void ap_dist_enter(int op, int value) {
#ifdef AP_HAVE_MPI
  if (!active || size < 2) return;
  int mine[2] = {op, value};
  int *all = malloc(2 * (size_t)size * sizeof *all);
  if (!all) ap_dist_fail("out of memory", 1);
  MPI_Allgather(mine, 2, MPI_INT, all, 2, MPI_INT, MPI_COMM_WORLD);
  int other = -1;
  for (int r = 0; r < size && other < 0; r++)
    if (all[2 * r] != op) other = r;
  if (other >= 0) {
    char msg[1024];
    int at = 0;
    /* rank 0 speaks; a process that is not rank 0 names itself */
    const int me = rank, them = other == rank ? 0 : other;
    const int *a = all + 2 * me, *b = all + 2 * them;
    at = snprintf(msg, sizeof msg,
                  "the processes are out of step: process %d is %s", me,
                  op_name(a[0]));
    if (a[0] == AP_DIST_OP_EXCHANGE && at < (int)sizeof msg)
      at += snprintf(msg + at, sizeof msg - (size_t)at, " (a step)");
    if (at < (int)sizeof msg)
      snprintf(msg + at, sizeof msg - (size_t)at,
               " while process %d is %s: collective calls (getters such "
               "as pop:get and proj:weights, ap.run, ap.stats) must be made "
               "on every process, with the same arguments, not under `if "
               "ap.rank() == ...`", them, op_name(b[0]));
    free(all);
    ap_dist_fail(msg, 1);
  }
  free(all);
#else
  (void)op, (void)value;
#endif
}

void ap_dist_share(size_t n, size_t *lo, size_t *hi) {
  /* floor(n r / P) without overflow: n = a P + b */
  const size_t P = (size_t)size, a = n / P, b = n % P, r = (size_t)rank;
  *lo = a * r + b * r / P;
  *hi = a * (r + 1) + b * (r + 1) / P;
}

void ap_dist_sum_u64(uint64_t *v, size_t n) {
#ifdef AP_HAVE_MPI
  if (!active || size < 2 || !n) return;
  MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
#else
  (void)v, (void)n;
#endif
}

void ap_dist_exscan_u64(uint64_t *v, size_t n) {
#ifdef AP_HAVE_MPI
  if (active && size > 1 && n) {
    MPI_Exscan(MPI_IN_PLACE, v, (int)n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    /* MPI leaves rank 0's buffer undefined */
    if (rank == 0) memset(v, 0, n * sizeof *v);
    return;
  }
#endif
  memset(v, 0, n * sizeof *v);
}

/* v reduced by op over the processes */
static unsigned reduce_u(unsigned v, int max) {
#ifdef AP_HAVE_MPI
  if (active && size > 1)
    MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_UNSIGNED, max ? MPI_MAX : MPI_MIN,
                  MPI_COMM_WORLD);
#else
  (void)max;
#endif
  return v;
}

unsigned ap_dist_min_u(unsigned v) { return reduce_u(v, 0); }
unsigned ap_dist_max_u(unsigned v) { return reduce_u(v, 1); }

int ap_dist_gather_bytes(const void *mine, size_t n, void **all,
                         size_t *len) {
#ifdef AP_HAVE_MPI
  if (active && size > 1) {
    uint64_t my = n, *l64 = malloc((size_t)size * sizeof *l64);
    int *cnt = malloc(2 * (size_t)size * sizeof *cnt);
    uint64_t total = 0, longest = 0;
    if (!l64 || !cnt) ap_dist_fail("out of memory gathering", 1);
    MPI_Allgather(&my, 1, MPI_UINT64_T, l64, 1, MPI_UINT64_T, MPI_COMM_WORLD);
    for (int r = 0; r < size; r++) {
      total += l64[r];
      if (l64[r] > longest) longest = l64[r];
    }
    unsigned char *buf = malloc(total ? total : 1);
    int have = buf != NULL, all_have = 0;
    MPI_Allreduce(&have, &all_have, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_have) {
      free(l64), free(cnt), free(buf);
      return -1;
    }
    /* rounds of at most 1 GiB in all, so that MPI's int counts name
     * every piece; each lands rank after rank in a scratch buffer */
    uint64_t piece = ((uint64_t)1 << 30) / (uint64_t)size;
    int *disp = cnt + size;
    for (uint64_t off = 0; off < longest; off += piece) {
      uint64_t rt = 0;
      for (int r = 0; r < size; r++) {
        uint64_t left = l64[r] > off ? l64[r] - off : 0;
        cnt[r] = (int)(left < piece ? left : piece);
        disp[r] = (int)rt;
        rt += (uint64_t)cnt[r];
      }
      unsigned char *tmp = malloc(rt ? rt : 1);
      int t_ok = tmp != NULL, all_ok = 0;
      MPI_Allreduce(&t_ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
      if (!all_ok) {
        free(tmp), free(l64), free(cnt), free(buf);
        return -1;
      }
      MPI_Allgatherv((const unsigned char *)mine + (n > off ? off : n),
                     cnt[rank], MPI_BYTE, tmp, cnt, disp, MPI_BYTE,
                     MPI_COMM_WORLD);
      uint64_t at = 0;
      for (int r = 0; r < size; r++) {
        if (cnt[r]) memcpy(buf + at + off, tmp + disp[r], (size_t)cnt[r]);
        at += l64[r];
      }
      free(tmp);
    }
    for (int r = 0; r < size; r++) len[r] = (size_t)l64[r];
    free(l64), free(cnt);
    *all = buf;
    return 0;
  }
#endif
  void *b = malloc(n ? n : 1);
  if (!b) return -1;
  if (n) memcpy(b, mine, n);
  *all = b;
  len[0] = n;
  return 0;
}

int ap_dist_gather_placed(const uint64_t *pos, const void *vals, size_t n,
                          size_t elem, void *out, size_t n_out) {
  if (size < 2 || !active) {
    for (size_t k = 0; k < n && out; k++)
      if (pos[k] < n_out)
        memcpy((char *)out + pos[k] * elem, (const char *)vals + k * elem,
               elem);
    return 0;
  }
  /* one message: the positions, then the values */
  const size_t rec = sizeof(uint64_t) + elem;
  unsigned char *mine = malloc(n ? n * rec : 1);
  int ok = mine != NULL;
  if (ok) {
    if (n) memcpy(mine, pos, n * sizeof *pos);
    if (n) memcpy(mine + n * sizeof *pos, vals, n * elem);
  }
  void *all = NULL;
  size_t *len = malloc((size_t)size * sizeof *len);
  if (!len) ap_dist_fail("out of memory gathering", 1);
  /* a process without memory for its message still takes part, giving
   * nothing, and fails after */
  int rc = ap_dist_gather_bytes(mine, ok ? n * rec : 0, &all, len);
  free(mine);
  if (rc || !ok) {
    free(all), free(len);
    return -1;
  }
  const unsigned char *in = all;
  for (int r = 0; r < size; r++) {
    const size_t k = len[r] / rec;
    const unsigned char *v = in + k * sizeof(uint64_t);
    for (size_t m = 0; m < k; m++) {
      uint64_t p;
      memcpy(&p, in + m * sizeof p, sizeof p);
      if (out && p < n_out)
        memcpy((char *)out + p * elem, v + m * elem, elem);
    }
    in += len[r];
  }
  free(all), free(len);
  return 0;
}

int ap_dist_agree(int failed, uint64_t key, char *err, size_t err_size) {
#ifdef AP_HAVE_MPI
  if (active && size > 1) {
    /* the smallest (key, rank) among the failures */
    uint64_t mine[2] = {failed ? key : UINT64_MAX,
                        failed ? (uint64_t)rank : UINT64_MAX};
    uint64_t *all = malloc(2 * (size_t)size * sizeof *all);
    if (!all) ap_dist_fail("out of memory", 1);
    MPI_Allgather(mine, 2, MPI_UINT64_T, all, 2, MPI_UINT64_T, MPI_COMM_WORLD);
    int who = -1;
    for (int r = 0; r < size; r++)
      if (all[2 * r + 1] != UINT64_MAX &&
          (who < 0 || all[2 * r] < all[2 * who]))
        who = r;
    free(all);
    if (who < 0) return 0;
    int st = failed;
    MPI_Bcast(&st, 1, MPI_INT, who, MPI_COMM_WORLD);
    if (err && err_size)
      MPI_Bcast(err, (int)err_size, MPI_CHAR, who, MPI_COMM_WORLD);
    return st ? st : 1;
  }
#endif
  (void)key, (void)err, (void)err_size;
  return failed;
}
