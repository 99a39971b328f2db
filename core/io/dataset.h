/* dataset.h -- labelled image sets in the IDX format of MNIST and
 * Fashion-MNIST, read whole into memory.
 *
 * An IDX file is a big-endian header, then the data as unsigned bytes:
 *   images: magic 0x00000803, count, rows, cols, then count*rows*cols
 *           pixels (0 = background, 255 = ink), image after image, row
 *           after row;
 *   labels: magic 0x00000801, count, then count labels.
 * Files may be gzip-compressed; that is told from their first bytes
 * (1f 8b), never from their names.
 */
#ifndef AP_DATASET_H
#define AP_DATASET_H
#include <stddef.h>
#include <stdint.h>

typedef struct ap_dataset ap_dataset;

/* ---- opening and closing ----------------------------------------------- */

/* Read an image file and, unless labels is NULL, the label file that goes
 * with it (same count).  Paths are used as given (relative ones against
 * the working directory).  Returns the set (free with ap_dataset_free),
 * or NULL with one line in err naming the file and what is wrong: a file
 * that cannot be opened (with strerror), a wrong magic number, a header or
 * data shorter than the header says, data beyond it, corrupt gzip data,
 * or label and image counts that differ. */
ap_dataset *ap_dataset_open(const char *images, const char *labels,
                            char *err, size_t n);
/* NULL is allowed. */
void ap_dataset_free(ap_dataset *ds);

/* ---- contents ----------------------------------------------------------- */

/* Number of images (and of labels, when there are labels). */
size_t ap_dataset_count(const ap_dataset *ds);
/* Pixels per column and per row of every image. */
size_t ap_dataset_rows(const ap_dataset *ds);
size_t ap_dataset_cols(const ap_dataset *ds);
/* Image i (0-based, i < count): rows*cols bytes, row-major, owned by the
 * set and valid until ap_dataset_free. */
const uint8_t *ap_dataset_image(const ap_dataset *ds, size_t i);
/* 1 when a label file was read. */
int ap_dataset_has_labels(const ap_dataset *ds);
/* Label of image i (0-based, i < count), 0..255; -1 without labels. */
int ap_dataset_label(const ap_dataset *ds, size_t i);
/* The image file's path as given to ap_dataset_open, and its labels'
 * (NULL without labels). */
const char *ap_dataset_images_path(const ap_dataset *ds);
const char *ap_dataset_labels_path(const ap_dataset *ds);
#endif
