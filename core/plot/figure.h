/* figure.h -- the drawing layer under plot.c: a figure (a cairo surface
 * with its title and options) and its panels and axes, text, and the
 * output formats.  Private to core/plot/. */
#ifndef AP_PLOT_FIGURE_H
#define AP_PLOT_FIGURE_H

#include <cairo.h>
#include <stddef.h>

#include "plot/plot.h"

/* Layout, in pixels of a 900 x 600 figure. */
#define MARGIN_TOP 52.0
#define MARGIN_BOTTOM 62.0
#define MARGIN_LEFT 96.0
#define MARGIN_RIGHT 28.0
#define LEGEND_WIDTH 120.0
#define FONT_TICK 12.0
#define FONT_LABEL 14.0
#define FONT_TITLE 16.0
#define FONT_NOTE 11.0
#define MAX_TRACES 100
#define MAX_SYNAPSE_LINES 200
#define MAX_LEGEND 8
/* Above this many spikes the raster's dots are set as pixels of an image
 * (embedded in an SVG) rather than drawn as vector rectangles: an SVG of
 * a million rectangles would be tens of megabytes and slow to open. */
#define MAX_VECTOR_SPIKES 20000
#define MAX_RATE_BINS 1000000

/* Okabe & Ito's colour-blind-safe palette, yellow left out (too faint on
 * white). */
static const double palette[][3] = {
    {0.000, 0.447, 0.698}, {0.835, 0.369, 0.000}, {0.000, 0.620, 0.451},
    {0.800, 0.475, 0.655}, {0.902, 0.624, 0.000}, {0.337, 0.706, 0.914},
    {0.000, 0.000, 0.000}};
#define N_PALETTE (sizeof palette / sizeof *palette)

typedef struct buf {
  char *p;
  size_t len, cap;
  int oom;
} buf;

typedef struct fig {
  int fmt;
  double w, h;
  cairo_surface_t *s;
  cairo_t *cr;
  buf out;   /* the encoded file */
  buf desc;  /* axis labels, for the SVG's <desc> */
  char title[512];
} fig;

typedef struct axis {
  double lo, hi; /* shown range, in display units */
  double step;   /* between ticks */
  int integer;   /* ticks only at whole numbers */
} axis;

typedef struct panel {
  double x, y, w, h; /* the data area, in pixels */
  axis ax, ay;
  double xmul;       /* data x to display units (ms to s: 0.001) */
} panel;

void fig_clean_text(const char *s, char *out, size_t n);
int fig_open(fig *f, const char *path, const ap_plot_opts *o,
                    char *err, size_t n);
void fig_discard(fig *f);
int fig_close(fig *f, const char *path, char *err, size_t n);
void fig_set_font(fig *f, double size, int bold);
double fig_text_width(fig *f, const char *s);
void fig_text_at(fig *f, double x, double y, const char *s, double ha,
                    double va, int up);
void fig_label_at(fig *f, double x, double y, const char *what,
                     const char *s, double ha, double va, int up);
void fig_draw_title(fig *f, const char *title);
void fig_with_unit(char *out, size_t n, const char *what,
                      const char *unit);
double fig_nice_num(double x, int nearest);
axis fig_make_axis(double lo, double hi, int ticks, int loose,
                      int integer);
double fig_px(const panel *p, double x);
double fig_py(const panel *p, double y);
void fig_draw_axes(fig *f, const panel *p, const char *xlabel,
                      const char *ylabel);
void fig_axis_lines(fig *f, const panel *p);
void fig_note(fig *f, const panel *p, const char *s);
void fig_empty_note(fig *f, const panel *p, const char *s);
panel fig_full_panel(const fig *f, double right);
const char *fig_time_axis(panel *p, double t0, double t1);
void fig_clip_to(fig *f, const panel *p);

#endif
