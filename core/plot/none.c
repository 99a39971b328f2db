/* none.c -- the figures of a build without cairo (configure
 * --without-cairo): every one is refused with a message saying why, and
 * nothing is written. */
#include "base/strutil.h"
#include "plot/plot.h"

static int refuse(const char *path, char *err, size_t n) {
  ap_fmt(err, n, "cannot plot to '%s': this apical was built without cairo "
         "(configure --without-cairo); rebuild it with cairo (Debian: "
         "libcairo2-dev) to draw figures", path);
  return -1;
}

int ap_plot_raster(const char *path, const ap_plot_opts *o,
                   const ap_plot_spikes *s, char *err, size_t n) {
  (void)o, (void)s;
  return refuse(path, err, n);
}

int ap_plot_traces(const char *path, const ap_plot_opts *o,
                   const ap_plot_series *s, char *err, size_t n) {
  (void)o, (void)s;
  return refuse(path, err, n);
}

int ap_plot_weights(const char *path, const ap_plot_opts *o,
                    const ap_plot_series *s, char *err, size_t n) {
  (void)o, (void)s;
  return refuse(path, err, n);
}

int ap_plot_hist(const char *path, const ap_plot_opts *o, const double *v,
                 size_t n_values, size_t bins, const char *label,
                 const char *unit, char *err, size_t n) {
  (void)o, (void)v, (void)n_values, (void)bins, (void)label, (void)unit;
  return refuse(path, err, n);
}

int ap_plot_bars(const char *path, const ap_plot_opts *o,
                 const char *const *labels, const double *v, size_t n_bars,
                 const char *label, const char *unit, char *err, size_t n) {
  (void)o, (void)labels, (void)v, (void)n_bars, (void)label, (void)unit;
  return refuse(path, err, n);
}
