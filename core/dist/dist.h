/* dist.h -- the processes of a run (MPI; see README.md).
 *
 * A process launched by mpirun (Open MPI's OMPI_COMM_WORLD_SIZE, or a
 * PMI launcher's PMI_SIZE, says so) initialises MPI; any other process
 * is rank 0 of 1 and never touches MPI, so that `apical run` without
 * mpirun behaves as it always has. */
#ifndef AP_DIST_H
#define AP_DIST_H
#include <stddef.h>

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
#endif
