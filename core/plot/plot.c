/* plot.c -- the figures of recorded data (see plot.h): rasters with
 * their rate, traces, weights, histograms and bar charts, drawn through
 * the layer of figure.c. */
#include "plot/figure.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/strutil.h"

/* ---- raster ------------------------------------------------------------- */

/* The rate bin: a round width giving about 100 bins, then a whole number
 * of steps so that every bin holds as many steps as the others (without
 * that the histogram shows a comb of the steps, not the rate). */
static double rate_bin(double span, double dt) {
  double bin = fig_nice_num(span / 100, 0);
  if (dt > 0) {
    if (bin < dt) bin = dt;
    bin = ceil(bin / dt - 1e-9) * dt;
  }
  return bin;
}

/* Set spikes as pixels of an image over the panel (many spikes).  Where
 * several spikes share a pixel, its shade grows with their number (to
 * 78 % of the full colour at the mean count of the pixels hit, 1 -
 * exp(-1.5)), so that a dense raster shows where activity is denser
 * rather than one solid block. */
static int raster_pixels(fig *f, const panel *p, const ap_plot_spikes *s,
                         size_t neurons, double t0, double t1, double dot_h,
                         size_t *shown) {
  int w = (int)p->w, h = (int)p->h;
  uint32_t *count = calloc((size_t)w * (size_t)h, sizeof *count);
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  if (!count || cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
    free(count);
    cairo_surface_destroy(img);
    return -1;
  }
  int dh = (int)lround(dot_h);
  if (dh < 1) dh = 1;
  int dw = w > 1500 ? 2 : 1;
  for (size_t i = 0; i < s->n; i++) {
    double t = s->t[i];
    if (!(t >= t0 && t <= t1) || s->sender[i] < 1 || s->sender[i] > neurons)
      continue;
    (*shown)++;
    int x = (int)floor(fig_px(p, t) - p->x);
    int y = (int)floor(fig_py(p, s->sender[i]) - p->y - dh / 2.0);
    for (int yy = y; yy < y + dh; yy++) {
      if (yy < 0 || yy >= h) continue;
      for (int xx = x; xx < x + dw; xx++)
        if (xx >= 0 && xx < w && count[(size_t)yy * w + xx] < UINT32_MAX)
          count[(size_t)yy * w + xx]++;
    }
  }
  double sum = 0, hit = 0;
  for (size_t k = 0; k < (size_t)w * (size_t)h; k++)
    if (count[k]) sum += count[k], hit++;
  double half = hit > 0 ? sum / hit : 1;
  cairo_surface_flush(img);
  unsigned char *data = cairo_image_surface_get_data(img);
  int stride = cairo_image_surface_get_stride(img);
  for (int yy = 0; yy < h; yy++) {
    uint32_t *row = (uint32_t *)(void *)(data + (size_t)yy * stride);
    for (int xx = 0; xx < w; xx++) {
      uint32_t c = count[(size_t)yy * w + xx];
      if (!c) continue;
      /* premultiplied ARGB: alpha a, colour times a */
      double a = 1 - exp(-1.5 * c / half);
      uint32_t A = (uint32_t)lround(a * 255);
      row[xx] = A << 24 | (uint32_t)lround(palette[0][0] * 255 * a) << 16 |
                (uint32_t)lround(palette[0][1] * 255 * a) << 8 |
                (uint32_t)lround(palette[0][2] * 255 * a);
    }
  }
  free(count);
  cairo_surface_mark_dirty(img);
  cairo_set_source_surface(f->cr, img, p->x, p->y);
  cairo_paint(f->cr);
  cairo_surface_destroy(img);
  return 0;
}

int ap_plot_raster(const char *path, const ap_plot_opts *o,
                   const ap_plot_spikes *s, char *err, size_t n) {
  size_t neurons = s->neurons;
  double tmin = INFINITY, tmax = -INFINITY;
  for (size_t i = 0; i < s->n; i++) {
    if (!s->neurons && s->sender[i] > neurons) neurons = s->sender[i];
    if (isfinite(s->t[i])) {
      if (s->t[i] < tmin) tmin = s->t[i];
      if (s->t[i] > tmax) tmax = s->t[i];
    }
  }
  double t0 = s->t_start, t1 = s->t_end;
  if (!(t1 > t0) || !isfinite(t0) || !isfinite(t1)) {
    /* no span known: from 0 (recordings start there unless told
     * otherwise) to the last spike */
    t0 = tmin < 0 ? tmin : 0;
    t1 = tmax > t0 ? tmax : t0 + 1;
  }
  double span = t1 - t0;
  double bin = s->bin > 0 ? s->bin : rate_bin(span, s->dt);
  double nb = ceil(span / bin - 1e-9);
  if (nb < 1) nb = 1;
  if (nb > MAX_RATE_BINS) {
    ap_fmt(err, n, "cannot plot to '%s': a rate bin of %g ms makes more "
           "than %d bins over %g ms", path, bin, MAX_RATE_BINS, span);
    return -1;
  }
  size_t nbins = (size_t)nb;
  double *count = calloc(nbins, sizeof *count);
  if (!count) {
    ap_fmt(err, n, "out of memory");
    return -1;
  }
  size_t inside = 0;
  for (size_t i = 0; i < s->n; i++) {
    double t = s->t[i];
    if (!(t >= t0 && t <= t1)) continue;
    /* A spike stamped t happened in the step ending at t, so bins are
     * (a, b]: a spike at the end of a bin belongs to it. */
    double k = ceil((t - t0) / bin - 1e-9) - 1;
    if (k < 0) k = 0;
    if (k > (double)(nbins - 1)) k = (double)(nbins - 1);
    count[(size_t)k] += 1;
    inside++;
  }
  double max_rate = 0;
  for (size_t k = 0; k < nbins; k++) {
    double width = fmin(bin, span - (double)k * bin); /* the last may be cut */
    count[k] = neurons && width > 0 ? count[k] / (double)neurons /
                                          (width / 1000.0)
                                    : 0;
    if (count[k] > max_rate) max_rate = count[k];
  }

  fig f;
  if (fig_open(&f, path, o, err, n) != 0) {
    free(count);
    return -1;
  }
  char title[512];
  if (o && o->title)
    ap_fmt(title, sizeof title, "%s", o->title);
  else
    ap_fmt(title, sizeof title, "spikes of %zu neurons", neurons);
  fig_draw_title(&f, title);

  panel all = fig_full_panel(&f, MARGIN_RIGHT);
  double gap = 18, hr = floor((all.h - gap) * 0.3);
  panel top = all, low = all;
  top.h = all.h - gap - hr;
  low.y = top.y + top.h + gap;
  low.h = hr;
  const char *xlabel = fig_time_axis(&top, t0, t1);
  low.xmul = top.xmul;
  low.ax = top.ax;
  top.ay = fig_make_axis(1, neurons ? (double)neurons : 1, 6, 0, 1);
  top.ay.lo = 0.5;
  top.ay.hi = (neurons ? (double)neurons : 1) + 0.5;
  low.ay = fig_make_axis(0, max_rate > 0 ? max_rate : 1, 4, 1, 0);

  fig_draw_axes(&f, &top, NULL, "neuron");
  fig_draw_axes(&f, &low, xlabel, "rate (Hz)");

  /* dots: a short bar per spike, as tall as a neuron's row up to 10 px */
  double row = top.h / (neurons ? (double)neurons : 1);
  double dot_h = fmin(fmax(row * 0.8, 1), 10);
  size_t shown = 0;
  cairo_save(f.cr);
  fig_clip_to(&f, &top);
  if (inside > MAX_VECTOR_SPIKES) {
    if (raster_pixels(&f, &top, s, neurons, t0, t1, dot_h, &shown) != 0) {
      cairo_restore(f.cr);
      fig_discard(&f);
      free(count);
      ap_fmt(err, n, "out of memory");
      return -1;
    }
  } else {
    double dot_w = fmin(fmax(top.w / (span / (s->dt > 0 ? s->dt : 1)), 1.2),
                        2.5);
    cairo_set_source_rgb(f.cr, palette[0][0], palette[0][1], palette[0][2]);
    for (size_t i = 0; i < s->n; i++) {
      double t = s->t[i];
      if (!(t >= t0 && t <= t1) || s->sender[i] < 1 ||
          s->sender[i] > neurons)
        continue;
      shown++;
      cairo_rectangle(f.cr, fig_px(&top, t) - dot_w / 2,
                      fig_py(&top, s->sender[i]) - dot_h / 2, dot_w, dot_h);
    }
    cairo_fill(f.cr);
  }
  cairo_restore(f.cr);
  fig_axis_lines(&f, &top);
  if (!shown) fig_empty_note(&f, &top, "no spikes");

  /* the population rate as a filled step outline */
  cairo_save(f.cr);
  fig_clip_to(&f, &low);
  cairo_move_to(f.cr, fig_px(&low, t0), fig_py(&low, 0));
  for (size_t k = 0; k < nbins; k++) {
    double a = t0 + (double)k * bin, b = fmin(a + bin, t1);
    cairo_line_to(f.cr, fig_px(&low, a), fig_py(&low, count[k]));
    cairo_line_to(f.cr, fig_px(&low, b), fig_py(&low, count[k]));
  }
  cairo_line_to(f.cr, fig_px(&low, t1), fig_py(&low, 0));
  cairo_close_path(f.cr);
  cairo_set_source_rgba(f.cr, palette[0][0], palette[0][1], palette[0][2],
                        0.35);
  cairo_fill_preserve(f.cr);
  cairo_set_source_rgb(f.cr, palette[0][0], palette[0][1], palette[0][2]);
  cairo_set_line_width(f.cr, 1.2);
  cairo_stroke(f.cr);
  cairo_restore(f.cr);
  fig_axis_lines(&f, &low);
  free(count);

  char msg[160];
  double mean = neurons ? (double)inside / (double)neurons / (span / 1000.0)
                        : 0;
  ap_fmt(msg, sizeof msg, "%zu spikes, mean %.3g Hz; bins of %g ms", inside,
         mean, bin);
  fig_note(&f, &low, msg);
  return fig_close(&f, path, err, n);
}

/* ---- series ------------------------------------------------------------- */

/* Range of the finite values of columns [0, cols) over all rows. */
static void value_range(const ap_plot_series *s, size_t cols, double *lo,
                        double *hi) {
  *lo = INFINITY;
  *hi = -INFINITY;
  for (size_t i = 0; i < s->rows; i++)
    for (size_t j = 0; j < cols; j++) {
      double v = s->v[i * s->cols + j];
      if (!isfinite(v)) continue;
      if (v < *lo) *lo = v;
      if (v > *hi) *hi = v;
    }
  if (*lo > *hi) *lo = 0, *hi = 1;
}

/* The x axis of a series, over its smallest to its largest x: time
 * (from 0 when the first sample comes soon after it, as a recorder's
 * first sample comes one interval after the start), or x as it is. */
static const char *series_x_axis(panel *p, const ap_plot_series *s) {
  double t0 = INFINITY, t1 = -INFINITY;
  int whole = 1; /* epochs, counts: ticks at whole numbers only */
  for (size_t i = 0; i < s->rows; i++) {
    if (!isfinite(s->t[i])) continue;
    if (s->t[i] < t0) t0 = s->t[i];
    if (s->t[i] > t1) t1 = s->t[i];
    if (s->t[i] != floor(s->t[i])) whole = 0;
  }
  if (t0 > t1) t0 = 0, t1 = 1;
  if (t1 == t0) t0 -= 0.5, t1 += 0.5;
  if (s->xlabel) {
    p->xmul = 1;
    p->ax = fig_make_axis(t0, t1, 8, 0, whole);
    return s->xlabel;
  }
  if (t0 > 0 && t0 < 0.05 * (t1 - t0)) t0 = 0;
  return fig_time_axis(p, t0, t1);
}

/* A dot at each finite sample, for series of few samples. */
static void trace_dots(fig *f, const panel *p, const double *t,
                       const double *y, size_t rows, size_t stride) {
  for (size_t i = 0; i < rows; i++) {
    double v = y[i * stride];
    if (!isfinite(v) || !isfinite(t[i])) continue;
    cairo_new_sub_path(f->cr);
    cairo_arc(f->cr, fig_px(p, t[i]), fig_py(p, v), 3, 0, 2 * M_PI);
  }
  cairo_fill(f->cr);
}

/* Line of values y[i * stride] over t[i]; with many more samples than
 * pixels, each pixel column keeps its first, lowest, highest and last
 * value, so that spikes and extremes stay visible. */
static void trace_line(fig *f, const panel *p, const double *t,
                       const double *y, size_t rows, size_t stride) {
  cairo_t *cr = f->cr;
  int open = 0;
  if (rows <= (size_t)(2 * p->w)) {
    for (size_t i = 0; i < rows; i++) {
      double v = y[i * stride];
      if (!isfinite(v) || !isfinite(t[i])) {
        open = 0;
        continue;
      }
      if (open) cairo_line_to(cr, fig_px(p, t[i]), fig_py(p, v));
      else cairo_move_to(cr, fig_px(p, t[i]), fig_py(p, v));
      open = 1;
    }
    cairo_stroke(cr);
    return;
  }
  long col = 0;
  int have = 0;
  double first = 0, lo = 0, hi = 0, last = 0;
  for (size_t i = 0; i <= rows; i++) {
    int ok = i < rows && isfinite(y[i * stride]) && isfinite(t[i]);
    double v = ok ? y[i * stride] : 0;
    long c = ok ? (long)floor(fig_px(p, t[i])) : 0;
    if (have && ok && c == col) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      last = v;
      continue;
    }
    if (have) {
      double x = (double)col + 0.5;
      if (open) cairo_line_to(cr, x, fig_py(p, first));
      else cairo_move_to(cr, x, fig_py(p, first));
      cairo_line_to(cr, x, fig_py(p, lo));
      cairo_line_to(cr, x, fig_py(p, hi));
      cairo_line_to(cr, x, fig_py(p, last));
      open = 1;
      have = 0;
    }
    if (!ok) { /* a gap (or the end): the line breaks */
      open = 0;
      continue;
    }
    col = c;
    first = lo = hi = last = v;
    have = 1;
  }
  cairo_stroke(cr);
}

/* One legend entry in the right margin: a line sample and its text. */
static void legend_entry(fig *f, const panel *p, int k, const char *text,
                         const double rgb[3], double alpha, double lw) {
  double x = p->x + p->w + 14, y = p->y + 10 + k * 20;
  cairo_set_source_rgba(f->cr, rgb[0], rgb[1], rgb[2], alpha);
  cairo_set_line_width(f->cr, lw);
  cairo_move_to(f->cr, x, y);
  cairo_line_to(f->cr, x + 20, y);
  cairo_stroke(f->cr);
  char clean[128];
  fig_clean_text(text, clean, sizeof clean);
  fig_set_font(f, FONT_TICK, 0);
  cairo_set_source_rgb(f->cr, 0, 0, 0);
  fig_text_at(f, x + 26, y, clean, 0, 0.5, 0);
}

int ap_plot_traces(const char *path, const ap_plot_opts *o,
                   const ap_plot_series *s, char *err, size_t n) {
  fig f;
  if (fig_open(&f, path, o, err, n) != 0) return -1;
  const char *var = s->var ? s->var : "value";
  size_t drawn = s->cols < MAX_TRACES ? s->cols : MAX_TRACES;
  int legend = s->cols > 1 && s->cols <= MAX_LEGEND;
  char title[512], ylabel[256];
  if (o && o->title)
    ap_fmt(title, sizeof title, "%s", o->title);
  else if (s->names) /* lines of a table, not of neurons */
    ap_fmt(title, sizeof title, "%s", var);
  else
    ap_fmt(title, sizeof title, "%s of %zu neuron%s", var, s->cols,
           s->cols == 1 ? "" : "s");
  if (drawn < s->cols)
    ap_append(title, sizeof title, " (the first %zu shown)", drawn);
  fig_draw_title(&f, title);
  fig_with_unit(ylabel, sizeof ylabel, var, s->unit);

  double right = MARGIN_RIGHT;
  if (legend) { /* room for the longest name, up to a third of the width */
    right = LEGEND_WIDTH;
    fig_set_font(&f, FONT_TICK, 0);
    for (size_t j = 0; s->names && j < s->cols; j++) {
      char clean[128];
      fig_clean_text(s->names[j], clean, sizeof clean);
      right = fmax(right, 50 + fig_text_width(&f, clean));
    }
    right = fmin(right, f.w / 3);
  }
  panel p = fig_full_panel(&f, right);
  const char *xlabel = series_x_axis(&p, s);
  double lo, hi;
  value_range(s, drawn, &lo, &hi);
  p.ay = fig_make_axis(lo, hi, 6, 1, 0);
  fig_draw_axes(&f, &p, xlabel, ylabel);

  cairo_save(f.cr);
  fig_clip_to(&f, &p);
  cairo_set_line_width(f.cr, 1.3);
  cairo_set_line_join(f.cr, CAIRO_LINE_JOIN_ROUND);
  for (size_t j = 0; j < drawn; j++) {
    const double *c = palette[j % N_PALETTE];
    cairo_set_source_rgba(f.cr, c[0], c[1], c[2], drawn > 8 ? 0.7 : 0.9);
    trace_line(&f, &p, s->t, s->v + j, s->rows, s->cols);
    if (s->rows <= 60) trace_dots(&f, &p, s->t, s->v + j, s->rows, s->cols);
  }
  cairo_restore(f.cr);
  fig_axis_lines(&f, &p);
  if (s->rows == 0 || s->cols == 0) fig_empty_note(&f, &p, "no data");
  for (size_t j = 0; legend && j < s->cols; j++) {
    char name[128];
    if (s->names)
      ap_fmt(name, sizeof name, "%s", s->names[j]);
    else
      ap_fmt(name, sizeof name, "%s_%zu", var, j + 1);
    legend_entry(&f, &p, (int)j, name, palette[j % N_PALETTE], 0.9, 2);
  }
  return fig_close(&f, path, err, n);
}

int ap_plot_weights(const char *path, const ap_plot_opts *o,
                    const ap_plot_series *s, char *err, size_t n) {
  double *mean = calloc(s->rows ? s->rows : 1, sizeof *mean);
  if (!mean) {
    ap_fmt(err, n, "out of memory");
    return -1;
  }
  for (size_t i = 0; i < s->rows; i++) {
    double sum = 0;
    size_t k = 0;
    for (size_t j = 0; j < s->cols; j++) {
      double v = s->v[i * s->cols + j];
      if (isfinite(v)) sum += v, k++;
    }
    mean[i] = k ? sum / (double)k : NAN;
  }
  fig f;
  if (fig_open(&f, path, o, err, n) != 0) {
    free(mean);
    return -1;
  }
  size_t drawn = s->cols < MAX_SYNAPSE_LINES ? s->cols : MAX_SYNAPSE_LINES;
  char title[512], ylabel[256];
  if (o && o->title)
    ap_fmt(title, sizeof title, "%s", o->title);
  else
    ap_fmt(title, sizeof title, "weights of %zu synapse%s", s->cols,
           s->cols == 1 ? "" : "s");
  fig_draw_title(&f, title);
  fig_with_unit(ylabel, sizeof ylabel, "weight", s->unit);

  panel p = fig_full_panel(&f, LEGEND_WIDTH);
  const char *xlabel = series_x_axis(&p, s);
  double lo, hi;
  value_range(s, s->cols, &lo, &hi);
  p.ay = fig_make_axis(lo, hi, 6, 1, 0);
  fig_draw_axes(&f, &p, xlabel, ylabel);

  cairo_save(f.cr);
  fig_clip_to(&f, &p);
  cairo_set_line_join(f.cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width(f.cr, 1);
  double alpha = drawn > 20 ? 0.25 : 0.5;
  cairo_set_source_rgba(f.cr, palette[0][0], palette[0][1], palette[0][2],
                        alpha);
  for (size_t j = 0; j < drawn; j++)
    trace_line(&f, &p, s->t, s->v + j, s->rows, s->cols);
  cairo_set_line_width(f.cr, 2.5);
  cairo_set_source_rgb(f.cr, palette[1][0], palette[1][1], palette[1][2]);
  trace_line(&f, &p, s->t, mean, s->rows, 1);
  cairo_restore(f.cr);
  fig_axis_lines(&f, &p);
  free(mean);
  if (s->rows == 0 || s->cols == 0) fig_empty_note(&f, &p, "no data");

  char entry[64];
  if (drawn < s->cols)
    ap_fmt(entry, sizeof entry, "%zu of %zu", drawn, s->cols);
  else
    ap_fmt(entry, sizeof entry, "synapse%s", s->cols == 1 ? "" : "s");
  legend_entry(&f, &p, 0, entry, palette[0], alpha, 1);
  legend_entry(&f, &p, 1, "mean", palette[1], 1, 2.5);
  return fig_close(&f, path, err, n);
}

/* ---- histograms --------------------------------------------------------- */

int ap_plot_hist(const char *path, const ap_plot_opts *o, const double *v,
                 size_t n_values, size_t bins, const char *label,
                 const char *unit, char *err, size_t n) {
  size_t finite = 0;
  double lo = INFINITY, hi = -INFINITY, sum = 0;
  for (size_t i = 0; i < n_values; i++) {
    if (!isfinite(v[i])) continue;
    finite++;
    sum += v[i];
    if (v[i] < lo) lo = v[i];
    if (v[i] > hi) hi = v[i];
  }
  if (!finite) lo = 0, hi = 1;
  if (hi == lo) {
    double d = lo != 0 ? fabs(lo) * 0.05 : 0.5;
    lo -= d;
    hi += d;
  }
  if (bins == 0) {
    double rice = ceil(2 * cbrt((double)finite));
    bins = rice < 5 ? 5 : rice > 100 ? 100 : (size_t)rice;
  }
  double *count = calloc(bins, sizeof *count);
  if (!count) {
    ap_fmt(err, n, "out of memory");
    return -1;
  }
  double width = (hi - lo) / (double)bins, top = 0;
  for (size_t i = 0; i < n_values; i++) {
    if (!isfinite(v[i])) continue;
    double k = floor((v[i] - lo) / width);
    if (k < 0) k = 0;
    if (k > (double)(bins - 1)) k = (double)(bins - 1); /* the maximum */
    count[(size_t)k] += 1;
  }
  for (size_t k = 0; k < bins; k++)
    if (count[k] > top) top = count[k];

  fig f;
  if (fig_open(&f, path, o, err, n) != 0) {
    free(count);
    return -1;
  }
  const char *what = label ? label : "value";
  char title[512], xlabel[256];
  if (o && o->title)
    ap_fmt(title, sizeof title, "%s", o->title);
  else
    ap_fmt(title, sizeof title, "distribution of %s", what);
  fig_draw_title(&f, title);
  fig_with_unit(xlabel, sizeof xlabel, what, unit);

  panel p = fig_full_panel(&f, MARGIN_RIGHT);
  p.ax = fig_make_axis(lo, hi, 8, 1, 0);
  p.ay = fig_make_axis(0, top > 0 ? top : 1, 6, 1, 1);
  fig_draw_axes(&f, &p, xlabel, "count");

  cairo_save(f.cr);
  fig_clip_to(&f, &p);
  for (size_t k = 0; k < bins; k++) {
    if (count[k] <= 0) continue;
    double a = fig_px(&p, lo + (double)k * width);
    double b = fig_px(&p, lo + (double)(k + 1) * width);
    cairo_rectangle(f.cr, a, fig_py(&p, count[k]), b - a, fig_py(&p, 0) - fig_py(&p, count[k]));
  }
  cairo_set_source_rgba(f.cr, palette[0][0], palette[0][1], palette[0][2],
                        0.75);
  cairo_fill_preserve(f.cr);
  cairo_set_source_rgb(f.cr, 1, 1, 1);
  cairo_set_line_width(f.cr, bins > 60 ? 0.5 : 1);
  cairo_stroke(f.cr);
  cairo_restore(f.cr);
  fig_axis_lines(&f, &p);
  free(count);
  if (!finite) fig_empty_note(&f, &p, "no data");

  char msg[200], u[64] = "";
  if (unit && *unit && strcmp(unit, "1") != 0) ap_fmt(u, sizeof u, " %s", unit);
  ap_fmt(msg, sizeof msg, "n = %zu, mean %.4g%s", finite,
         finite ? sum / (double)finite : 0.0, u);
  if (finite < n_values)
    ap_append(msg, sizeof msg, "; %zu not finite, left out",
              n_values - finite);
  fig_note(&f, &p, msg);
  return fig_close(&f, path, err, n);
}

/* ---- bar charts --------------------------------------------------------- */

int ap_plot_bars(const char *path, const ap_plot_opts *o,
                 const char *const *labels, const double *v, size_t n_bars,
                 const char *label, const char *unit, char *err, size_t n) {
  double lo = 0, hi = 0;
  for (size_t i = 0; i < n_bars; i++) {
    if (!isfinite(v[i])) continue;
    if (v[i] < lo) lo = v[i];
    if (v[i] > hi) hi = v[i];
  }
  if (lo == hi) hi = 1;
  fig f;
  if (fig_open(&f, path, o, err, n) != 0) return -1;
  const char *what = label ? label : "value";
  char title[512], ylabel[256], u[64] = "";
  ap_fmt(title, sizeof title, "%s", o && o->title ? o->title : what);
  fig_draw_title(&f, title);
  fig_with_unit(ylabel, sizeof ylabel, what, unit);
  if (unit && *unit && strcmp(unit, "1") != 0) ap_fmt(u, sizeof u, " %s", unit);

  panel p = fig_full_panel(&f, MARGIN_RIGHT);
  p.ax.lo = 0;
  p.ax.hi = n_bars ? (double)n_bars : 1;
  p.ax.step = p.ax.hi; /* no x grid or ticks but at the ends */
  /* room above the tallest bar for its value */
  p.ay = fig_make_axis(lo, hi + (hi - lo) * 0.08, 6, 1, 0);
  fig_draw_axes(&f, &p, NULL, ylabel);

  double slot = p.w / (n_bars ? (double)n_bars : 1);
  /* category labels: shrunk until the widest fits its slot */
  double size = FONT_LABEL, widest = 0;
  char clean[128];
  for (;;) {
    fig_set_font(&f, size, 0);
    widest = 0;
    for (size_t i = 0; i < n_bars; i++) {
      fig_clean_text(labels[i], clean, sizeof clean);
      double w = fig_text_width(&f, clean);
      if (w > widest) widest = w;
    }
    if (widest <= slot - 6 || size <= 8) break;
    size -= 1;
  }
  for (size_t i = 0; i < n_bars; i++) {
    double x = p.x + slot * ((double)i + 0.5);
    const double *c = palette[0]; /* one colour: the height is the news */
    fig_set_font(&f, size, 0);
    cairo_set_source_rgb(f.cr, 0, 0, 0);
    fig_label_at(&f, x, p.y + p.h + 9, "bar", labels[i], 0.5, 0, 0);
    char val[64];
    double y0 = fig_py(&p, 0);
    if (isfinite(v[i])) {
      double y1v = fig_py(&p, v[i]);
      cairo_rectangle(f.cr, x - slot * 0.3, fmin(y0, y1v), slot * 0.6,
                      fabs(y0 - y1v));
      cairo_set_source_rgba(f.cr, c[0], c[1], c[2], 0.85);
      cairo_fill(f.cr);
      ap_fmt(val, sizeof val, "%.3g%s", v[i], u);
      fig_set_font(&f, FONT_TICK, 0);
      cairo_set_source_rgb(f.cr, 0, 0, 0);
      fig_text_at(&f, x, fmin(y0, y1v) - 4, val, 0.5, 1, 0);
    } else {
      fig_set_font(&f, FONT_TICK, 0);
      cairo_set_source_rgb(f.cr, 0.45, 0.45, 0.45);
      fig_text_at(&f, x, y0 - 4, "n/a", 0.5, 1, 0);
    }
  }
  fig_axis_lines(&f, &p);
  if (!n_bars) fig_empty_note(&f, &p, "no data");
  return fig_close(&f, path, err, n);
}
