/* snapshot.h -- the snapshot file: a versioned, checksummed container of
 * named sections, written atomically.
 *
 * Layout (integers little-endian):
 *   magic    8 bytes  "\x89APSNAP\n" (a text-mode transfer or a file of
 *                     another kind is caught at once)
 *   version  u32      AP_SNAP_VERSION of the writer
 *   count    u32      sections
 *   length   u64      bytes of the sections that follow
 *   sections count x { name length u16, name, data length u64, data }
 *   checksum 32 bytes SHA-256 of everything before it
 * A reader refuses, naming the file and what is wrong, a file that is not
 * a snapshot, one of another format version, one shorter or longer than
 * its header says, and one whose checksum does not match, before it
 * hands out any section.  The writer writes a temporary file beside the
 * target, flushes it to the disk and renames it over the target, so that
 * a crash while writing leaves the last good snapshot where it was. */
#ifndef AP_SNAPSHOT_H
#define AP_SNAPSHOT_H
#include <stddef.h>
#include <stdint.h>

#include "apical/apical_plugin.h"

/* Raised whenever what a section holds changes (2: lif_cond_exp gained
 * its `integrator` parameter), so that an older file is refused at once
 * with its version named rather than misread. */
#define AP_SNAP_VERSION 2u

typedef struct ap_snap ap_snap;

/* ----- writing */
ap_snap *ap_snap_new(void);
/* Begin section `name` (at most 255 bytes; a name once per snapshot):
 * what is put next goes into it.  AP_OK, AP_EINVAL or AP_ENOMEM. */
int ap_snap_begin(ap_snap *s, const char *name);
int ap_snap_put(ap_snap *s, const void *data, size_t n);
int ap_snap_put_u64(ap_snap *s, uint64_t v);
int ap_snap_put_f64(ap_snap *s, double v);
/* An ap_stream writing into the current section (for plugins' save). */
ap_stream ap_snap_writer(ap_snap *s);
/* Write the snapshot to `path` atomically.  AP_OK, or AP_EIO with a
 * message naming the file in err. */
int ap_snap_write(ap_snap *s, const char *path, char *err, size_t n);

/* ----- reading */
/* Read and check `path`; NULL with a message naming the file in err. */
ap_snap *ap_snap_read(const char *path, char *err, size_t n);
uint32_t ap_snap_version(const ap_snap *s);
/* Open section `name` for reading: AP_OK, or AP_EINVAL when there is
 * none. */
int ap_snap_open(ap_snap *s, const char *name);
/* The next n bytes of the open section: AP_OK, or AP_EIO when fewer
 * remain (nothing is read then). */
int ap_snap_get(ap_snap *s, void *data, size_t n);
int ap_snap_get_u64(ap_snap *s, uint64_t *v);
int ap_snap_get_f64(ap_snap *s, double *v);
/* Bytes left in the open section. */
size_t ap_snap_left(const ap_snap *s);
/* An ap_stream reading the open section (for plugins' load). */
ap_stream ap_snap_reader(ap_snap *s);
/* The sections, in file order: the name of section i (< count), or
 * NULL. */
size_t ap_snap_count(const ap_snap *s);
const char *ap_snap_name(const ap_snap *s, size_t i);

void ap_snap_free(ap_snap *s);
#endif
