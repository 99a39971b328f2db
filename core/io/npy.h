/* npy.h -- NumPy .npy files of 2-D float64 arrays ('<f8', C order).
 *
 * The writer makes format version 1.0 files whose header is always the
 * same size for a given column count, whatever the row count: the shape
 * is padded with room for a row count up to 2^63 - 1.  So a stream can
 * write a provisional header, append rows, and rewrite the header in
 * place with the final row count (ap_npy_rewrite_header).
 */
#ifndef AP_NPY_H
#define AP_NPY_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Largest row (and column) count a header can hold: INT64_MAX. */
#define AP_NPY_MAX_DIM ((uint64_t)INT64_MAX)

/* Bytes of magic, version, length and header dict for `cols` columns: a
 * multiple of 64, the offset of the first value. */
size_t ap_npy_header_size(uint64_t cols);

/* Write the header for a rows x cols array at the current position of f
 * (the start of the file).  Returns 0, or -1 with errno set (EINVAL for a
 * dimension above AP_NPY_MAX_DIM, EIO or the stream's error otherwise). */
int ap_npy_write_header(FILE *f, uint64_t rows, uint64_t cols);

/* Rewrite the header at the start of f with a new row count (same cols),
 * then put the position back at the end of the file.  f must be seekable
 * and hold a header written by ap_npy_write_header.  Returns 0 or -1. */
int ap_npy_rewrite_header(FILE *f, uint64_t rows, uint64_t cols);

/* Append n doubles as little-endian float64, whatever the host's byte
 * order.  Returns 0 or -1 (errno set). */
int ap_npy_write_values(FILE *f, const double *v, size_t n);

/* Read a 2-D '<f8' C-order .npy file (version 1.0 or 2.0).  On success
 * *data is a malloc'd rows*cols array (NULL when empty) owned by the
 * caller.  Returns 0, or -1 with err ("x.npy: not a .npy file").  Meant
 * for tests and tools, not for large files. */
int ap_npy_read(const char *path, uint64_t *rows, uint64_t *cols,
                double **data, char *err, size_t n);
#endif
