/* plot.h -- figures of what a run recorded, drawn with cairo: a spike
 * raster over a population rate histogram, state-variable traces, weight
 * histories, histograms and bar charts.  Internal to the core: the Lua bindings
 * (ap.plot) and `apical plot` draw with it.
 *
 * The output's extension chooses the format: .png (an RGB image) or .svg
 * (vector; cairo draws text as outlines, so the title and axis labels are
 * also written as the SVG's <title> and <desc>, which keeps the file
 * searchable and readable by screen readers).  Files are drawn in memory
 * and written to a temporary name that is renamed when complete: on any
 * failure nothing is left at the path.
 *
 * Every function returns 0, or -1 with a message in err naming the path
 * ("cannot write 'x.png': No such file or directory").  A build
 * configured --without-cairo refuses every figure (plot/none.c).
 */
#ifndef AP_PLOT_H
#define AP_PLOT_H
#include <stddef.h>
#include <stdint.h>

enum { AP_PLOT_NONE = 0, AP_PLOT_PNG = 1, AP_PLOT_SVG = 2 };

/* Default figure size in pixels (SVG: user units). */
#define AP_PLOT_WIDTH 900
#define AP_PLOT_HEIGHT 600

/* The format of an output path by its extension (case-insensitive):
 * AP_PLOT_PNG, AP_PLOT_SVG or AP_PLOT_NONE. */
int ap_plot_format(const char *path);
/* The message for a path of no known format:
 * "cannot plot to 'x.pdf': unknown file type (use .png or .svg)". */
void ap_plot_format_error(const char *path, char *err, size_t n);

/* What every figure takes. */
typedef struct ap_plot_opts {
  const char *title; /* NULL: a default naming the data */
  int width, height; /* pixels; 0: AP_PLOT_WIDTH x AP_PLOT_HEIGHT */
} ap_plot_opts;

/* ---- spike raster ------------------------------------------------------ */

/* Spikes of `neurons` neurons (senders 1..neurons) over the recorded span
 * [t_start, t_end] ms.  A rate histogram panel under the raster shows the
 * population rate in Hz (spikes per neuron per second) in bins of `bin`
 * ms, or, for bin <= 0, about 100 bins of a round width that is a whole
 * number of steps `dt` (dt <= 0: unknown), so that every bin holds the
 * same number of steps. */
typedef struct ap_plot_spikes {
  const double *t;         /* ms, n of them */
  const uint32_t *sender;  /* 1-based */
  size_t n;
  size_t neurons;          /* 0: the largest sender */
  double t_start, t_end;   /* t_end <= t_start: from the spike times */
  double dt;
  double bin;
} ap_plot_spikes;
int ap_plot_raster(const char *path, const ap_plot_opts *o,
                   const ap_plot_spikes *s, char *err, size_t n);

/* ---- traces and weight histories --------------------------------------- */

/* Samples over time: t[rows] ms and v[rows x cols] row-major, one column
 * per recorded neuron (or synapse).  `var` names the quantity ("V_m"),
 * `unit` its unit (NULL or "1": none).  Non-finite values leave gaps. */
typedef struct ap_plot_series {
  const double *t;
  const double *v;
  size_t rows, cols;
  const char *var;
  const char *unit;
  const char *const *names; /* cols line names; NULL: VAR_1, VAR_2, ... */
  const char *xlabel;       /* NULL: t is time in ms (shown in s beyond
                               20 s); else t as it is, labelled so */
} ap_plot_series;
/* One line per column (the first 100 when there are more, said in the
 * title), with a legend for 2 to 8, and a dot at each sample when there
 * are at most 60 of them. */
int ap_plot_traces(const char *path, const ap_plot_opts *o,
                   const ap_plot_series *s, char *err, size_t n);
/* Weights over time: every synapse (up to 200) as a faint line, their
 * mean as a bold one. */
int ap_plot_weights(const char *path, const ap_plot_opts *o,
                    const ap_plot_series *s, char *err, size_t n);

/* ---- histograms ------------------------------------------------------- */

/* A histogram of v[n_values] (non-finite values are left out and
 * counted in the annotation) in `bins` equal bins over [min, max]; bins
 * 0: about 2 n^(1/3) (Rice's rule), 5 to 100.  `label` names the
 * quantity ("weight"), `unit` its unit (NULL or "1": none). */
int ap_plot_hist(const char *path, const ap_plot_opts *o, const double *v,
                 size_t n_values, size_t bins, const char *label,
                 const char *unit, char *err, size_t n);

/* ---- bar charts ------------------------------------------------------- */

/* One bar per category, labelled below with labels[i] and above with its
 * value; a NaN value draws no bar and reads "n/a".  `label` and `unit`
 * name the quantity on the y axis. */
int ap_plot_bars(const char *path, const ap_plot_opts *o,
                 const char *const *labels, const double *v, size_t n_bars,
                 const char *label, const char *unit, char *err, size_t n);

/* ---- the command ------------------------------------------------------ */

/* `apical plot FILE [-o OUT.png|OUT.svg]`: argv[0..argc) are the words
 * after "plot".  Reads a .csv or .npy file saved by a recorder or by
 * proj:save, with its sidecar FILE.json (required for .npy, whose columns
 * have no names), and draws what it holds: spikes as a raster, state
 * variables as traces, recorded weights as a weight history, a synapse
 * table as a weight histogram.  The default output is FILE with its
 * extension replaced by .png.  Returns the exit status: 0, 1 for a file
 * that cannot be read, understood or written (message on stderr, no
 * output left), 2 for a usage error. */
int ap_plot_command(int argc, char **argv);
#endif
