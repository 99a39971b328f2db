/* format.c -- what a figure's file name asks for (PNG or SVG), with or
 * without cairo. */
#include <string.h>
#include <strings.h>

#include "base/strutil.h"
#include "plot/plot.h"

int ap_plot_format(const char *path) {
  const char *dot = strrchr(path, '.');
  if (!dot || strchr(dot, '/')) return AP_PLOT_NONE;
  if (strcasecmp(dot, ".png") == 0) return AP_PLOT_PNG;
  if (strcasecmp(dot, ".svg") == 0) return AP_PLOT_SVG;
  return AP_PLOT_NONE;
}

void ap_plot_format_error(const char *path, char *err, size_t n) {
  ap_fmt(err, n, "cannot plot to '%s': unknown file type (use .png or .svg)",
         path);
}
