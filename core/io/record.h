/* record.h -- recorders of spikes and state variables, and their files.
 *
 * Spikes are (time_ms, sender) with senders 1-based within the recorded
 * population or slice.  States are sampled every `interval` steps, at the
 * end of a step: one row per sample, time_ms then one column per recorded
 * neuron.  Files: by extension, .csv (header line) or .npy (float64,
 * C order; spikes N x 2, states T x (1 + neurons)).  Every saved file gets
 * a provenance sidecar FILE.json.  Files are written to a temporary name
 * and renamed when complete; a streamed recorder writes FILE.part as the
 * run goes and renames it when the recorder is closed.
 *
 * CSV columns: spikes "time_ms,sender"; states "time_ms,VAR_1,...,VAR_k"
 * where VAR is the variable's name and 1..k the 1-based index of the
 * neuron within the recorded slice (V_m_1 is population index `first`).
 * Times print with %.10g (so 0.1 ms steps read 12.3, not
 * 12.300000000000001), values with %.17g (exact).  .npy files hold the
 * exact doubles.  The sidecar's "columns" lists the same names; its
 * "unit" is the unit of the values (null for spikes) and "t_start_ms",
 * "t_end_ms" the span recorded (ap_rec_span), which rates need.
 *
 * A streamed recorder also keeps everything in memory (so counts, times
 * and values stay available and ap_rec_save still works); streaming only
 * guarantees that the data are on disk as the run goes.
 */
#ifndef AP_RECORD_H
#define AP_RECORD_H
#include <stddef.h>
#include <stdint.h>

#include "apical/apical.h" /* the public accessors of recorders */

typedef enum ap_rec_kind { AP_REC_SPIKES = 1, AP_REC_STATE = 2 } ap_rec_kind;

typedef struct ap_recorder ap_recorder;

/* What a sidecar says about the run that made a file. */
typedef struct ap_provenance {
  const char *version;  /* apical version */
  uint64_t seed;
  double dt;
  const char *backend;
  int threads;
  const char *script;   /* path, may be NULL */
  const char *script_sha256; /* hex, may be NULL */
  const char *what;     /* e.g. "spikes of population 1 (lif_cond_exp) 1..3200" */
  const char *unit;     /* of a table's weights (ap_table_save), may be NULL;
                           a recorder's file takes ap_rec_unit instead */
} ap_provenance;

/* first/count: the recorded neurons of the population (0-based first).
 * `var` is the state variable's name (copied); interval in steps >= 1.
 * `stream_file` (may be NULL) streams samples to that file as they come.
 * Returns NULL with err filled on failure (bad extension, file cannot be
 * created). */
ap_recorder *ap_rec_new(int kind, size_t first, size_t count,
                        const char *var, int64_t interval,
                        const char *stream_file, char *err, size_t n);
void ap_rec_free(ap_recorder *r);

int ap_rec_kind_of(const ap_recorder *r);
size_t ap_rec_first(const ap_recorder *r);
/* ap_rec_width, ap_rec_var, ap_rec_count, ap_rec_times, ap_rec_senders
 * and ap_rec_values are public: apical.h declares them. */
int64_t ap_rec_interval(const ap_recorder *r);
/* The unit of a state recorder's values ("mV", "Hz", "nS"), copied; NULL
 * (the default) for none.  It goes into the sidecar, so that a plot of
 * the file can label its axis.  Returns 0, or -1 when out of memory. */
int ap_rec_set_unit(ap_recorder *r, const char *unit);
const char *ap_rec_unit(const ap_recorder *r);
/* The time step of the recorded times (the dt last passed to
 * ap_rec_spikes or ap_rec_sample), 0 before the first call. */
double ap_rec_dt(const ap_recorder *r);

/* Spikes of the whole population at a step: `idx` are population indices
 * (ascending); those inside the slice are kept with time (step+1)*dt.
 * Returns 0, or -1 on allocation / stream write failure (errno set;
 * EINVAL for a state recorder).  The data stay in memory either way; a
 * stream write failure is reported again by ap_rec_close. */
int ap_rec_spikes(ap_recorder *r, int64_t step, double dt,
                  const uint32_t *idx, size_t n);
/* A state sample at the end of step: values of the whole population's
 * variable (population-indexed); keeps [first, first+count).  The caller
 * decides when a sample is due (ap_rec_due). */
int ap_rec_sample(ap_recorder *r, int64_t step, double dt,
                  const double *values);
/* Whether a state sample is due at the end of `step`. */
int ap_rec_due(const ap_recorder *r, int64_t step);

/* The time span recorded so far, for rates: from the recorder's creation
 * time to the current time (set by ap_rec_set_span). */
void ap_rec_set_span(ap_recorder *r, double t_start_ms, double t_end_ms);
void ap_rec_span(const ap_recorder *r, double *t_start_ms, double *t_end_ms);
/* Spikes per recorded neuron per second of recorded time. */
double ap_rec_rate(const ap_recorder *r);

/* Save everything recorded so far to `path` (.csv or .npy) and its
 * sidecar (prov may be NULL: its fields are then null).  Atomic: on failure nothing is left at path.  Returns 0 or -1
 * with err ("cannot write 'x.npy': No such file or directory"). */
int ap_rec_save(const ap_recorder *r, const char *path,
                const ap_provenance *prov, char *err, size_t n);
/* Finish a streamed file (rewrite the .npy header with the final row
 * count, write the sidecar, rename .part to its name).  No-op for a
 * recorder that does not stream.  Returns 0 or -1 with err. */
int ap_rec_close(ap_recorder *r, const ap_provenance *prov, char *err,
                 size_t n);
/* Remove a partial streamed file (after a failed run).  ap_rec_free on a
 * stream neither closed nor aborted closes the file and leaves FILE.part. */
void ap_rec_abort(ap_recorder *r);

/* A snapshot of the recorder (run/checkpoint.c): the rows so far, the
 * span and dt, into the open section of s; and back into a recorder made
 * alike (kind, slice, variable), whose stream file, if it streams, is
 * rewritten with the restored rows.  0, or -1 (err filled: the section
 * ends early or holds another shape; the stream cannot be written). */
struct ap_snap;
int ap_rec_dump(const ap_recorder *r, struct ap_snap *s);
int ap_rec_load(ap_recorder *r, struct ap_snap *s, char *err, size_t n);

/* SHA-256 of a file's contents as 64 lowercase hex digits, for the
 * sidecar's script_sha256.  Returns 0, or -1 with errno set. */
int ap_sha256_file(const char *path, char out_hex[65]);
/* Save a table (rows x n_cols values, row-major) with named columns to
 * a .csv or .npy file and its sidecar, atomically. */
int ap_table_save(const char *path, const char *const *cols, size_t n_cols,
                  const double *v, size_t rows, const ap_provenance *prov,
                  char *err, size_t n);
#endif
