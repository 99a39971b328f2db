/* dist.h -- the processes of a run (MPI; see README.md).
 *
 * A process launched by mpirun (Open MPI's OMPI_COMM_WORLD_SIZE, or a
 * PMI launcher's PMI_SIZE, says so) initialises MPI; any other process
 * is rank 0 of 1 and never touches MPI, so that `apical run` without
 * mpirun behaves as it always has. */
#ifndef AP_DIST_H
#define AP_DIST_H
#include <stddef.h>
#include <stdint.h>

/* Join the run's processes.  0; or -1 with a sentence in err when this
 * process cannot take part (a build without MPI under mpirun: rank 0
 * prints the sentence, the others print nothing and exit too). */
int ap_dist_init(int *argc, char ***argv, char *err, size_t err_size);
int ap_dist_rank(void);
int ap_dist_size(void);
/* Whether MPI is running (launched by mpirun, in a build with MPI). */
int ap_dist_active(void);
/* This process failed with `msg`: print it once for the run (rank 0 at
 * once; another rank only if rank 0 has not ended the run within a few
 * seconds, i.e. the failure is its own), then end every process with
 * exit status `code`.  Does not return when MPI is running. */
void ap_dist_fail(const char *msg, int code);
/* Leave MPI (after a successful run). */
void ap_dist_finalize(void);

/* ------------------------------------------------------------------
 * Collective operations of the host.  Every process must make the same
 * calls in the same order; each of them is trivial on one process.
 *
 * Agreement.  Each collective operation of a run opens with
 * ap_dist_enter(op, value): one MPI_Allgather of two ints (the
 * operation's code, AP_DIST_OP_*, and a value).  A backend that shares a
 * run out opens its spike exchange the same way (AP_DIST_OP_EXCHANGE in
 * apical/backend.h, the value being its record count), so that two
 * processes in different operations -- a getter called under `if
 * ap.rank() == 0`, a run of another length -- meet in the same call,
 * see it, and end the run with a message instead of hanging. */
enum {
  AP_DIST_OP_SYNC = 2,     /* gathering the neurons' state */
  AP_DIST_OP_STATS = 3,    /* the run's counts */
  AP_DIST_OP_CONNECT = 4,  /* building a projection */
  AP_DIST_OP_WEIGHTS = 5,  /* reading or writing a projection's synapses */
  AP_DIST_OP_RECORD = 6,   /* a weight recorder's sample */
  AP_DIST_OP_CREDIT = 7,   /* summing the credit of a phase */
  AP_DIST_OP_FINISH = 8,   /* the end of the script */
  AP_DIST_OP_POPULATION = 9, /* making a population */
  AP_DIST_OP_DECODE = 10,  /* rates of decoded rate neurons */
  AP_DIST_OP_SNAPSHOT = 11, /* writing a snapshot */
  AP_DIST_OP_STOP = 12     /* agreeing whether a signal stops the run */
};
/* Returns when every process is in the same operation; otherwise
 * prints what each is doing (rank 0) and ends the run. */
void ap_dist_enter(int op, int value);
/* The neurons [lo, hi) of a population of n that this process owns:
 * contiguous blocks in rank order. */
void ap_dist_share(size_t n, size_t *lo, size_t *hi);
/* Sum (in place) of n unsigned integers over the processes: exact. */
void ap_dist_sum_u64(uint64_t *v, size_t n);
/* The sum of v over the processes of lower rank (0 on rank 0). */
void ap_dist_exscan_u64(uint64_t *v, size_t n);
/* Minimum and maximum of an unsigned value over the processes. */
unsigned ap_dist_min_u(unsigned v);
unsigned ap_dist_max_u(unsigned v);
/* Each process gives n elements of `elem` bytes with their positions in
 * an array of n_out; every process receives the whole array in out
 * (positions no process gave are left as they were).  Returns 0, or -1
 * when out of memory (on every process alike) */
int ap_dist_gather_placed(const uint64_t *pos, const void *vals, size_t n,
                          size_t elem, void *out, size_t n_out);
/* Each process gives n bytes; every process receives all of them,
 * rank after rank, in a buffer of its own (*all, free() it) with each
 * process's length in len[size] (room for size entries).  0, or -1. */
int ap_dist_gather_bytes(const void *mine, size_t n, void **all,
                         size_t *len);
/* Whether some process failed (failed != 0 on it): the message in err
 * becomes that of the failing process with the smallest key (ties: the
 * lowest rank), on every process, so that every process reports the
 * same error.  Returns the agreed status (0: none failed). */
int ap_dist_agree(int failed, uint64_t key, char *err, size_t err_size);
#endif
