/* dist.c -- the processes of a run (see dist.h). */
#include "dist/dist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
