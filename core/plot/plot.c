/* plot.c -- figures of recorded data, drawn with cairo (see plot.h).
 *
 * A figure is drawn on an image surface (PNG) or an SVG surface that
 * writes into memory, then written with ap_write_atomic, so that a failed
 * plot leaves nothing behind.  Axes use "nice" steps (1, 2 or 5 times a
 * power of ten); time axes span exactly the recorded time, value axes are
 * widened to whole steps.
 */
#include "plot/plot.h"

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

/* ---- formats ------------------------------------------------------------ */

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

/* ---- process-wide font caches ------------------------------------------ */

/* cairo and fontconfig keep their font caches for the life of the
 * process.  Releasing them at exit costs nothing and keeps leak checkers
 * (make check runs under LeakSanitizer) from reporting them; nothing in
 * apical draws after exit begins. */
static void release_font_caches(void) {
  cairo_debug_reset_static_data();
  FcFini();
}

static void register_release(void) {
  static int done;
  if (!done && atexit(release_font_caches) == 0) done = 1;
}

/* ---- byte buffers ------------------------------------------------------- */

typedef struct buf {
  char *p;
  size_t len, cap;
  int oom;
} buf;

static void buf_add(buf *b, const void *d, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) {
      if (cap > SIZE_MAX / 2) {
        b->oom = 1;
        return;
      }
      cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) {
      b->oom = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, d, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void buf_str(buf *b, const char *s) { buf_add(b, s, strlen(s)); }

static cairo_status_t buf_write(void *closure, const unsigned char *data,
                                unsigned int length) {
  buf *b = closure;
  buf_add(b, data, length);
  return b->oom ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* XML text: escaped markup characters. */
static void buf_xml(buf *b, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': buf_str(b, "&amp;"); break;
    case '<': buf_str(b, "&lt;"); break;
    case '>': buf_str(b, "&gt;"); break;
    case '"': buf_str(b, "&quot;"); break;
    default: buf_add(b, s, 1); break;
    }
  }
}

/* ---- text --------------------------------------------------------------- */


/* Copy s into out[n] as valid UTF-8 without control characters: cairo
 * refuses invalid UTF-8 (and then draws nothing more), and titles and
 * file names may hold any bytes.  Invalid bytes become '?'. */
static void clean_text(const char *s, char *out, size_t n) {
  size_t o = 0;
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  while (*p && o + 1 < n) {
    size_t k = ap_utf8_len(p);
    if (k == 0 || (k == 1 && *p < 0x20)) {
      out[o++] = k ? ' ' : '?';
      p++;
    } else if (o + k < n) {
      memcpy(out + o, p, k);
      o += k;
      p += k;
    } else {
      break;
    }
  }
  out[o] = '\0';
}

/* ---- figures ------------------------------------------------------------ */

typedef struct fig {
  int fmt;
  double w, h;
  cairo_surface_t *s;
  cairo_t *cr;
  buf out;   /* the encoded file */
  buf desc;  /* axis labels, for the SVG's <desc> */
  char title[512];
} fig;

static int fig_open(fig *f, const char *path, const ap_plot_opts *o,
                    char *err, size_t n) {
  memset(f, 0, sizeof *f);
  f->fmt = ap_plot_format(path);
  if (f->fmt == AP_PLOT_NONE) {
    ap_plot_format_error(path, err, n);
    return -1;
  }
  int w = o && o->width ? o->width : AP_PLOT_WIDTH;
  int h = o && o->height ? o->height : AP_PLOT_HEIGHT;
  if (w < 300 || h < 200 || w > 10000 || h > 10000) {
    ap_fmt(err, n, "cannot plot to '%s': a figure of %d x %d pixels is out "
           "of range (300 x 200 to 10000 x 10000)", path, w, h);
    return -1;
  }
  f->w = w;
  f->h = h;
  register_release();
  if (f->fmt == AP_PLOT_PNG) {
    f->s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  } else {
    f->s = cairo_svg_surface_create_for_stream(buf_write, &f->out, w, h);
#if CAIRO_VERSION >= CAIRO_VERSION_ENCODE(1, 16, 0)
    /* pixels, like the PNG, rather than cairo's default points */
    cairo_svg_surface_set_document_unit(f->s, CAIRO_SVG_UNIT_PX);
#endif
  }
  f->cr = cairo_create(f->s);
  if (cairo_status(f->cr) != CAIRO_STATUS_SUCCESS) {
    ap_fmt(err, n, "cannot plot to '%s': %s", path,
           cairo_status_to_string(cairo_status(f->cr)));
    cairo_destroy(f->cr);
    cairo_surface_destroy(f->s);
    return -1;
  }
  cairo_set_source_rgb(f->cr, 1, 1, 1);
  cairo_paint(f->cr);
  cairo_select_font_face(f->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_NORMAL);
  return 0;
}

static void fig_discard(fig *f) {
  if (f->cr) cairo_destroy(f->cr);
  if (f->s) cairo_surface_destroy(f->s);
  free(f->out.p);
  free(f->desc.p);
  memset(f, 0, sizeof *f);
}

/* The SVG with <title> and <desc> after the opening <svg ...> tag. */
static int svg_with_meta(const fig *f, buf *out) {
  const char *svg = f->out.p ? strstr(f->out.p, "<svg") : NULL;
  const char *end = svg ? strchr(svg, '>') : NULL;
  if (!end) return -1;
  size_t head = (size_t)(end + 1 - f->out.p);
  buf_add(out, f->out.p, head);
  buf_str(out, "\n<title>");
  buf_xml(out, f->title);
  buf_str(out, "</title>\n<desc>");
  buf_xml(out, f->desc.p ? f->desc.p : "");
  buf_str(out, "</desc>");
  buf_add(out, f->out.p + head, f->out.len - head);
  return out->oom ? -1 : 0;
}

/* Finish, encode and write the figure; discards it either way. */
static int fig_close(fig *f, const char *path, char *err, size_t n) {
  cairo_status_t st = cairo_status(f->cr);
  cairo_destroy(f->cr);
  f->cr = NULL;
  buf enc = {0};
  if (st == CAIRO_STATUS_SUCCESS) {
    if (f->fmt == AP_PLOT_PNG) {
      st = cairo_surface_write_to_png_stream(f->s, buf_write, &f->out);
    } else {
      cairo_surface_finish(f->s);
      st = cairo_surface_status(f->s);
    }
  }
  if (st == CAIRO_STATUS_SUCCESS && f->out.oom) st = CAIRO_STATUS_NO_MEMORY;
  if (st == CAIRO_STATUS_SUCCESS && f->fmt == AP_PLOT_SVG &&
      svg_with_meta(f, &enc) != 0)
    st = CAIRO_STATUS_NO_MEMORY;
  if (st != CAIRO_STATUS_SUCCESS) {
    ap_fmt(err, n, "cannot plot to '%s': %s", path,
           cairo_status_to_string(st));
    free(enc.p);
    fig_discard(f);
    return -1;
  }
  const buf *data = f->fmt == AP_PLOT_SVG ? &enc : &f->out;
  int rc = 0;
  if (ap_write_atomic(path, data->p, data->len) != 0) {
    ap_fmt(err, n, "cannot write '%s': %s", path, strerror(errno));
    rc = -1;
  }
  free(enc.p);
  fig_discard(f);
  return rc;
}

static void set_font(fig *f, double size, int bold) {
  cairo_select_font_face(f->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD
                              : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(f->cr, size);
}

static double text_width(fig *f, const char *s) {
  cairo_text_extents_t e;
  cairo_text_extents(f->cr, s, &e);
  return e.x_advance;
}

/* Draw s (already clean) with the current font, anchored at (x, y): ha is
 * 0 for left, 0.5 centre, 1 right; va 0 for top, 0.5 middle, 1 bottom
 * (of capital letters).  `up` turns it to read upwards. */
static void text_at(fig *f, double x, double y, const char *s, double ha,
                    double va, int up) {
  cairo_t *cr = f->cr;
  double size;
  cairo_matrix_t m;
  cairo_get_font_matrix(cr, &m);
  size = m.yy;
  double cap = 0.72 * size; /* capital height of common sans fonts */
  double w = text_width(f, s);
  cairo_save(cr);
  cairo_translate(cr, x, y);
  if (up) cairo_rotate(cr, -M_PI / 2);
  cairo_move_to(cr, -ha * w, (1 - va) * cap);
  cairo_show_text(cr, s);
  cairo_restore(cr);
}

/* A label drawn and remembered for the SVG's <desc>. */
static void label_at(fig *f, double x, double y, const char *what,
                     const char *s, double ha, double va, int up) {
  char clean[1024];
  clean_text(s, clean, sizeof clean);
  text_at(f, x, y, clean, ha, va, up);
  if (f->desc.len) buf_str(&f->desc, "; ");
  buf_str(&f->desc, what);
  buf_str(&f->desc, ": ");
  buf_str(&f->desc, clean);
}

static void draw_title(fig *f, const char *title) {
  clean_text(title, f->title, sizeof f->title);
  double size = FONT_TITLE;
  set_font(f, size, 1);
  /* shrink a long title to fit rather than cut it */
  while (size > 9 && text_width(f, f->title) > f->w - 20) {
    size -= 1;
    set_font(f, size, 1);
  }
  cairo_set_source_rgb(f->cr, 0, 0, 0);
  text_at(f, f->w / 2, MARGIN_TOP / 2, f->title, 0.5, 0.5, 0);
}

/* "VAR (unit)", or "VAR" when dimensionless. */
static void with_unit(char *out, size_t n, const char *what,
                      const char *unit) {
  if (unit && *unit && strcmp(unit, "1") != 0)
    ap_fmt(out, n, "%s (%s)", what, unit);
  else
    ap_fmt(out, n, "%s", what);
}

/* ---- axes --------------------------------------------------------------- */

typedef struct axis {
  double lo, hi; /* shown range, in display units */
  double step;   /* between ticks */
  int integer;   /* ticks only at whole numbers */
} axis;

/* A round number near x: 1, 2 or 5 times a power of ten, the nearest
 * (nearest) or the next at least as large. */
static double nice_num(double x, int nearest) {
  double e = floor(log10(x)), p = pow(10, e), f = x / p, nf;
  if (nearest)
    nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  else
    nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * p;
}

/* An axis over [lo, hi] with about `ticks` ticks; loose: widened to whole
 * steps (value axes), else exactly [lo, hi] (time axes). */
static axis make_axis(double lo, double hi, int ticks, int loose,
                      int integer) {
  axis a;
  if (!isfinite(lo) || !isfinite(hi)) lo = 0, hi = 1;
  if (hi < lo) {
    double t = lo;
    lo = hi;
    hi = t;
  }
  if (hi == lo) {
    double d = lo != 0 ? fabs(lo) * 0.05 : 0.5;
    lo -= d;
    hi += d;
  }
  a.step = nice_num((hi - lo) / (ticks - 1), 1);
  if (integer && a.step < 1) a.step = 1;
  a.integer = integer;
  if (loose) {
    a.lo = floor(lo / a.step + 1e-9) * a.step;
    a.hi = ceil(hi / a.step - 1e-9) * a.step;
  } else {
    a.lo = lo;
    a.hi = hi;
  }
  return a;
}

static void tick_label(char *s, size_t n, const axis *a, double v) {
  if (fabs(v) < a->step * 1e-6) v = 0; /* no "-0" */
  double big = fmax(fabs(a->lo), fabs(a->hi));
  if (a->step < 1e-4 || big >= 1e6) {
    ap_fmt(s, n, "%.3g", v);
    return;
  }
  int dec = a->step >= 1 ? 0 : (int)ceil(-log10(a->step) - 1e-9);
  ap_fmt(s, n, "%.*f", dec, v);
}

typedef struct panel {
  double x, y, w, h; /* the data area, in pixels */
  axis ax, ay;
  double xmul;       /* data x to display units (ms to s: 0.001) */
} panel;

static double px(const panel *p, double x) {
  return p->x + (x * p->xmul - p->ax.lo) / (p->ax.hi - p->ax.lo) * p->w;
}

static double py(const panel *p, double y) {
  return p->y + p->h - (y - p->ay.lo) / (p->ay.hi - p->ay.lo) * p->h;
}

/* Pixel-centred coordinate, so that 1-pixel lines stay sharp. */
static double crisp(double v) { return floor(v) + 0.5; }

/* Grid, axis lines, ticks and their labels, and the axis labels (xlabel
 * NULL: ticks without labels, for a panel above another). */
static void draw_axes(fig *f, const panel *p, const char *xlabel,
                      const char *ylabel) {
  cairo_t *cr = f->cr;
  char s[64];
  const axis *ax = &p->ax, *ay = &p->ay;
  double x0 = crisp(p->x), ybot = crisp(p->y + p->h);
  /* light grid at the ticks, under the data */
  cairo_set_line_width(cr, 1);
  cairo_set_source_rgb(cr, 0.91, 0.91, 0.91);
  for (double k = ceil(ax->lo / ax->step - 1e-9);
       k * ax->step <= ax->hi + ax->step * 1e-9; k++) {
    double x = crisp(p->x + (k * ax->step - ax->lo) / (ax->hi - ax->lo) * p->w);
    cairo_move_to(cr, x, p->y);
    cairo_line_to(cr, x, p->y + p->h);
  }
  for (double k = ceil(ay->lo / ay->step - 1e-9);
       k * ay->step <= ay->hi + ay->step * 1e-9; k++) {
    double y = crisp(p->y + p->h - (k * ay->step - ay->lo) /
                                       (ay->hi - ay->lo) * p->h);
    cairo_move_to(cr, p->x, y);
    cairo_line_to(cr, p->x + p->w, y);
  }
  cairo_stroke(cr);

  cairo_set_source_rgb(cr, 0, 0, 0);
  set_font(f, FONT_TICK, 0);
  for (double k = ceil(ax->lo / ax->step - 1e-9);
       k * ax->step <= ax->hi + ax->step * 1e-9; k++) {
    double v = k * ax->step;
    double x = crisp(p->x + (v - ax->lo) / (ax->hi - ax->lo) * p->w);
    cairo_move_to(cr, x, ybot);
    cairo_line_to(cr, x, ybot + 5);
    cairo_stroke(cr);
    if (!xlabel) continue;
    tick_label(s, sizeof s, ax, v);
    text_at(f, x, ybot + 9, s, 0.5, 0, 0);
  }
  double widest = 0;
  for (double k = ceil(ay->lo / ay->step - 1e-9);
       k * ay->step <= ay->hi + ay->step * 1e-9; k++) {
    double v = k * ay->step;
    double y = crisp(p->y + p->h - (v - ay->lo) / (ay->hi - ay->lo) * p->h);
    cairo_move_to(cr, x0 - 5, y);
    cairo_line_to(cr, x0, y);
    cairo_stroke(cr);
    tick_label(s, sizeof s, ay, v);
    double w = text_width(f, s);
    if (w > widest) widest = w;
    text_at(f, x0 - 8, y, s, 1, 0.5, 0);
  }
  set_font(f, FONT_LABEL, 0);
  if (xlabel)
    label_at(f, p->x + p->w / 2, ybot + 9 + FONT_TICK + 12, "x axis", xlabel,
             0.5, 0, 0);
  if (ylabel) {
    double x = x0 - 8 - widest - 10;
    if (x < FONT_LABEL) x = FONT_LABEL;
    label_at(f, x, p->y + p->h / 2, "y axis", ylabel, 0.5, 1, 1);
  }
}

/* The left and bottom axis lines, drawn again after the data, which may
 * cover them. */
static void axis_lines(fig *f, const panel *p) {
  cairo_t *cr = f->cr;
  double x0 = crisp(p->x), ybot = crisp(p->y + p->h);
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 1);
  cairo_move_to(cr, x0, p->y);
  cairo_line_to(cr, x0, ybot);
  cairo_line_to(cr, p->x + p->w, ybot);
  cairo_stroke(cr);
}

/* A note in small grey type just above the panel's right end, where no
 * data can hide it. */
static void note(fig *f, const panel *p, const char *s) {
  char clean[256];
  clean_text(s, clean, sizeof clean);
  set_font(f, FONT_NOTE, 0);
  cairo_set_source_rgb(f->cr, 0.3, 0.3, 0.3);
  text_at(f, p->x + p->w, p->y - 4, clean, 1, 1, 0);
}

/* "no spikes" or "no data", in the middle of an empty panel. */
static void empty_note(fig *f, const panel *p, const char *s) {
  set_font(f, FONT_LABEL, 0);
  cairo_set_source_rgb(f->cr, 0.45, 0.45, 0.45);
  text_at(f, p->x + p->w / 2, p->y + p->h / 2, s, 0.5, 0.5, 0);
}

/* The data area of a figure with a right margin of `right`. */
static panel full_panel(const fig *f, double right) {
  panel p;
  memset(&p, 0, sizeof p);
  p.x = MARGIN_LEFT;
  p.y = MARGIN_TOP;
  p.w = floor(f->w - MARGIN_LEFT - right);
  p.h = floor(f->h - MARGIN_TOP - MARGIN_BOTTOM);
  p.xmul = 1;
  return p;
}

/* Time axes longer than 20 s read better in seconds. */
static const char *time_axis(panel *p, double t0, double t1) {
  int secs = t1 - t0 > 20000;
  p->xmul = secs ? 0.001 : 1;
  p->ax = make_axis(t0 * p->xmul, t1 * p->xmul, 8, 0, 0);
  return secs ? "time (s)" : "time (ms)";
}

static void clip_to(fig *f, const panel *p) {
  cairo_rectangle(f->cr, p->x, p->y, p->w, p->h);
  cairo_clip(f->cr);
}

/* ---- raster ------------------------------------------------------------- */

/* The rate bin: a round width giving about 100 bins, then a whole number
 * of steps so that every bin holds as many steps as the others (without
 * that the histogram shows a comb of the steps, not the rate). */
static double rate_bin(double span, double dt) {
  double bin = nice_num(span / 100, 0);
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
    int x = (int)floor(px(p, t) - p->x);
    int y = (int)floor(py(p, s->sender[i]) - p->y - dh / 2.0);
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
  draw_title(&f, title);

  panel all = full_panel(&f, MARGIN_RIGHT);
  double gap = 18, hr = floor((all.h - gap) * 0.3);
  panel top = all, low = all;
  top.h = all.h - gap - hr;
  low.y = top.y + top.h + gap;
  low.h = hr;
  const char *xlabel = time_axis(&top, t0, t1);
  low.xmul = top.xmul;
  low.ax = top.ax;
  top.ay = make_axis(1, neurons ? (double)neurons : 1, 6, 0, 1);
  top.ay.lo = 0.5;
  top.ay.hi = (neurons ? (double)neurons : 1) + 0.5;
  low.ay = make_axis(0, max_rate > 0 ? max_rate : 1, 4, 1, 0);

  draw_axes(&f, &top, NULL, "neuron");
  draw_axes(&f, &low, xlabel, "rate (Hz)");

  /* dots: a short bar per spike, as tall as a neuron's row up to 10 px */
  double row = top.h / (neurons ? (double)neurons : 1);
  double dot_h = fmin(fmax(row * 0.8, 1), 10);
  size_t shown = 0;
  cairo_save(f.cr);
  clip_to(&f, &top);
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
      cairo_rectangle(f.cr, px(&top, t) - dot_w / 2,
                      py(&top, s->sender[i]) - dot_h / 2, dot_w, dot_h);
    }
    cairo_fill(f.cr);
  }
  cairo_restore(f.cr);
  axis_lines(&f, &top);
  if (!shown) empty_note(&f, &top, "no spikes");

  /* the population rate as a filled step outline */
  cairo_save(f.cr);
  clip_to(&f, &low);
  cairo_move_to(f.cr, px(&low, t0), py(&low, 0));
  for (size_t k = 0; k < nbins; k++) {
    double a = t0 + (double)k * bin, b = fmin(a + bin, t1);
    cairo_line_to(f.cr, px(&low, a), py(&low, count[k]));
    cairo_line_to(f.cr, px(&low, b), py(&low, count[k]));
  }
  cairo_line_to(f.cr, px(&low, t1), py(&low, 0));
  cairo_close_path(f.cr);
  cairo_set_source_rgba(f.cr, palette[0][0], palette[0][1], palette[0][2],
                        0.35);
  cairo_fill_preserve(f.cr);
  cairo_set_source_rgb(f.cr, palette[0][0], palette[0][1], palette[0][2]);
  cairo_set_line_width(f.cr, 1.2);
  cairo_stroke(f.cr);
  cairo_restore(f.cr);
  axis_lines(&f, &low);
  free(count);

  char msg[160];
  double mean = neurons ? (double)inside / (double)neurons / (span / 1000.0)
                        : 0;
  ap_fmt(msg, sizeof msg, "%zu spikes, mean %.3g Hz; bins of %g ms", inside,
         mean, bin);
  note(&f, &low, msg);
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
    p->ax = make_axis(t0, t1, 8, 0, whole);
    return s->xlabel;
  }
  if (t0 > 0 && t0 < 0.05 * (t1 - t0)) t0 = 0;
  return time_axis(p, t0, t1);
}

/* A dot at each finite sample, for series of few samples. */
static void trace_dots(fig *f, const panel *p, const double *t,
                       const double *y, size_t rows, size_t stride) {
  for (size_t i = 0; i < rows; i++) {
    double v = y[i * stride];
    if (!isfinite(v) || !isfinite(t[i])) continue;
    cairo_new_sub_path(f->cr);
    cairo_arc(f->cr, px(p, t[i]), py(p, v), 3, 0, 2 * M_PI);
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
      if (open) cairo_line_to(cr, px(p, t[i]), py(p, v));
      else cairo_move_to(cr, px(p, t[i]), py(p, v));
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
    long c = ok ? (long)floor(px(p, t[i])) : 0;
    if (have && ok && c == col) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      last = v;
      continue;
    }
    if (have) {
      double x = (double)col + 0.5;
      if (open) cairo_line_to(cr, x, py(p, first));
      else cairo_move_to(cr, x, py(p, first));
      cairo_line_to(cr, x, py(p, lo));
      cairo_line_to(cr, x, py(p, hi));
      cairo_line_to(cr, x, py(p, last));
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
  clean_text(text, clean, sizeof clean);
  set_font(f, FONT_TICK, 0);
  cairo_set_source_rgb(f->cr, 0, 0, 0);
  text_at(f, x + 26, y, clean, 0, 0.5, 0);
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
  draw_title(&f, title);
  with_unit(ylabel, sizeof ylabel, var, s->unit);

  double right = MARGIN_RIGHT;
  if (legend) { /* room for the longest name, up to a third of the width */
    right = LEGEND_WIDTH;
    set_font(&f, FONT_TICK, 0);
    for (size_t j = 0; s->names && j < s->cols; j++) {
      char clean[128];
      clean_text(s->names[j], clean, sizeof clean);
      right = fmax(right, 50 + text_width(&f, clean));
    }
    right = fmin(right, f.w / 3);
  }
  panel p = full_panel(&f, right);
  const char *xlabel = series_x_axis(&p, s);
  double lo, hi;
  value_range(s, drawn, &lo, &hi);
  p.ay = make_axis(lo, hi, 6, 1, 0);
  draw_axes(&f, &p, xlabel, ylabel);

  cairo_save(f.cr);
  clip_to(&f, &p);
  cairo_set_line_width(f.cr, 1.3);
  cairo_set_line_join(f.cr, CAIRO_LINE_JOIN_ROUND);
  for (size_t j = 0; j < drawn; j++) {
    const double *c = palette[j % N_PALETTE];
    cairo_set_source_rgba(f.cr, c[0], c[1], c[2], drawn > 8 ? 0.7 : 0.9);
    trace_line(&f, &p, s->t, s->v + j, s->rows, s->cols);
    if (s->rows <= 60) trace_dots(&f, &p, s->t, s->v + j, s->rows, s->cols);
  }
  cairo_restore(f.cr);
  axis_lines(&f, &p);
  if (s->rows == 0 || s->cols == 0) empty_note(&f, &p, "no data");
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
  draw_title(&f, title);
  with_unit(ylabel, sizeof ylabel, "weight", s->unit);

  panel p = full_panel(&f, LEGEND_WIDTH);
  const char *xlabel = series_x_axis(&p, s);
  double lo, hi;
  value_range(s, s->cols, &lo, &hi);
  p.ay = make_axis(lo, hi, 6, 1, 0);
  draw_axes(&f, &p, xlabel, ylabel);

  cairo_save(f.cr);
  clip_to(&f, &p);
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
  axis_lines(&f, &p);
  free(mean);
  if (s->rows == 0 || s->cols == 0) empty_note(&f, &p, "no data");

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
  draw_title(&f, title);
  with_unit(xlabel, sizeof xlabel, what, unit);

  panel p = full_panel(&f, MARGIN_RIGHT);
  p.ax = make_axis(lo, hi, 8, 1, 0);
  p.ay = make_axis(0, top > 0 ? top : 1, 6, 1, 1);
  draw_axes(&f, &p, xlabel, "count");

  cairo_save(f.cr);
  clip_to(&f, &p);
  for (size_t k = 0; k < bins; k++) {
    if (count[k] <= 0) continue;
    double a = px(&p, lo + (double)k * width);
    double b = px(&p, lo + (double)(k + 1) * width);
    cairo_rectangle(f.cr, a, py(&p, count[k]), b - a, py(&p, 0) - py(&p, count[k]));
  }
  cairo_set_source_rgba(f.cr, palette[0][0], palette[0][1], palette[0][2],
                        0.75);
  cairo_fill_preserve(f.cr);
  cairo_set_source_rgb(f.cr, 1, 1, 1);
  cairo_set_line_width(f.cr, bins > 60 ? 0.5 : 1);
  cairo_stroke(f.cr);
  cairo_restore(f.cr);
  axis_lines(&f, &p);
  free(count);
  if (!finite) empty_note(&f, &p, "no data");

  char msg[200], u[64] = "";
  if (unit && *unit && strcmp(unit, "1") != 0) ap_fmt(u, sizeof u, " %s", unit);
  ap_fmt(msg, sizeof msg, "n = %zu, mean %.4g%s", finite,
         finite ? sum / (double)finite : 0.0, u);
  if (finite < n_values)
    ap_append(msg, sizeof msg, "; %zu not finite, left out",
              n_values - finite);
  note(&f, &p, msg);
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
  draw_title(&f, title);
  with_unit(ylabel, sizeof ylabel, what, unit);
  if (unit && *unit && strcmp(unit, "1") != 0) ap_fmt(u, sizeof u, " %s", unit);

  panel p = full_panel(&f, MARGIN_RIGHT);
  p.ax.lo = 0;
  p.ax.hi = n_bars ? (double)n_bars : 1;
  p.ax.step = p.ax.hi; /* no x grid or ticks but at the ends */
  /* room above the tallest bar for its value */
  p.ay = make_axis(lo, hi + (hi - lo) * 0.08, 6, 1, 0);
  draw_axes(&f, &p, NULL, ylabel);

  double slot = p.w / (n_bars ? (double)n_bars : 1);
  /* category labels: shrunk until the widest fits its slot */
  double size = FONT_LABEL, widest = 0;
  char clean[128];
  for (;;) {
    set_font(&f, size, 0);
    widest = 0;
    for (size_t i = 0; i < n_bars; i++) {
      clean_text(labels[i], clean, sizeof clean);
      double w = text_width(&f, clean);
      if (w > widest) widest = w;
    }
    if (widest <= slot - 6 || size <= 8) break;
    size -= 1;
  }
  for (size_t i = 0; i < n_bars; i++) {
    double x = p.x + slot * ((double)i + 0.5);
    const double *c = palette[0]; /* one colour: the height is the news */
    set_font(&f, size, 0);
    cairo_set_source_rgb(f.cr, 0, 0, 0);
    label_at(&f, x, p.y + p.h + 9, "bar", labels[i], 0.5, 0, 0);
    char val[64];
    double y0 = py(&p, 0);
    if (isfinite(v[i])) {
      double y1v = py(&p, v[i]);
      cairo_rectangle(f.cr, x - slot * 0.3, fmin(y0, y1v), slot * 0.6,
                      fabs(y0 - y1v));
      cairo_set_source_rgba(f.cr, c[0], c[1], c[2], 0.85);
      cairo_fill(f.cr);
      ap_fmt(val, sizeof val, "%.3g%s", v[i], u);
      set_font(&f, FONT_TICK, 0);
      cairo_set_source_rgb(f.cr, 0, 0, 0);
      text_at(&f, x, fmin(y0, y1v) - 4, val, 0.5, 1, 0);
    } else {
      set_font(&f, FONT_TICK, 0);
      cairo_set_source_rgb(f.cr, 0.45, 0.45, 0.45);
      text_at(&f, x, y0 - 4, "n/a", 0.5, 1, 0);
    }
  }
  axis_lines(&f, &p);
  if (!n_bars) empty_note(&f, &p, "no data");
  return fig_close(&f, path, err, n);
}
