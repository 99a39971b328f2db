/* figure.c -- the drawing layer of the figures (figure.h): formats, font
 * caches, text, figures and their axes.
 *
 * A figure is drawn on an image surface (PNG) or an SVG surface that
 * writes into memory, then written with ap_write_atomic, so that a failed
 * plot leaves nothing behind.  Axes use "nice" steps (1, 2 or 5 times a
 * power of ten); time axes span exactly the recorded time, value axes are
 * widened to whole steps.
 */
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
void fig_clean_text(const char *s, char *out, size_t n) {
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

int fig_open(fig *f, const char *path, const ap_plot_opts *o,
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

void fig_discard(fig *f) {
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
int fig_close(fig *f, const char *path, char *err, size_t n) {
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

void fig_set_font(fig *f, double size, int bold) {
  cairo_select_font_face(f->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD
                              : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(f->cr, size);
}

double fig_text_width(fig *f, const char *s) {
  cairo_text_extents_t e;
  cairo_text_extents(f->cr, s, &e);
  return e.x_advance;
}

/* Draw s (already clean) with the current font, anchored at (x, y): ha is
 * 0 for left, 0.5 centre, 1 right; va 0 for top, 0.5 middle, 1 bottom
 * (of capital letters).  `up` turns it to read upwards. */
void fig_text_at(fig *f, double x, double y, const char *s, double ha,
                    double va, int up) {
  cairo_t *cr = f->cr;
  double size;
  cairo_matrix_t m;
  cairo_get_font_matrix(cr, &m);
  size = m.yy;
  double cap = 0.72 * size; /* capital height of common sans fonts */
  double w = fig_text_width(f, s);
  cairo_save(cr);
  cairo_translate(cr, x, y);
  if (up) cairo_rotate(cr, -M_PI / 2);
  cairo_move_to(cr, -ha * w, (1 - va) * cap);
  cairo_show_text(cr, s);
  cairo_restore(cr);
}

/* A label drawn and remembered for the SVG's <desc>. */
void fig_label_at(fig *f, double x, double y, const char *what,
                     const char *s, double ha, double va, int up) {
  char clean[1024];
  fig_clean_text(s, clean, sizeof clean);
  fig_text_at(f, x, y, clean, ha, va, up);
  if (f->desc.len) buf_str(&f->desc, "; ");
  buf_str(&f->desc, what);
  buf_str(&f->desc, ": ");
  buf_str(&f->desc, clean);
}

void fig_draw_title(fig *f, const char *title) {
  fig_clean_text(title, f->title, sizeof f->title);
  double size = FONT_TITLE;
  fig_set_font(f, size, 1);
  /* shrink a long title to fit rather than cut it */
  while (size > 9 && fig_text_width(f, f->title) > f->w - 20) {
    size -= 1;
    fig_set_font(f, size, 1);
  }
  cairo_set_source_rgb(f->cr, 0, 0, 0);
  fig_text_at(f, f->w / 2, MARGIN_TOP / 2, f->title, 0.5, 0.5, 0);
}

/* "VAR (unit)", or "VAR" when dimensionless. */
void fig_with_unit(char *out, size_t n, const char *what,
                      const char *unit) {
  if (unit && *unit && strcmp(unit, "1") != 0)
    ap_fmt(out, n, "%s (%s)", what, unit);
  else
    ap_fmt(out, n, "%s", what);
}

/* ---- axes --------------------------------------------------------------- */

/* A round number near x: 1, 2 or 5 times a power of ten, the nearest
 * (nearest) or the next at least as large. */
double fig_nice_num(double x, int nearest) {
  double e = floor(log10(x)), p = pow(10, e), f = x / p, nf;
  if (nearest)
    nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  else
    nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * p;
}

/* An axis over [lo, hi] with about `ticks` ticks; loose: widened to whole
 * steps (value axes), else exactly [lo, hi] (time axes). */
axis fig_make_axis(double lo, double hi, int ticks, int loose,
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
  a.step = fig_nice_num((hi - lo) / (ticks - 1), 1);
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

double fig_px(const panel *p, double x) {
  return p->x + (x * p->xmul - p->ax.lo) / (p->ax.hi - p->ax.lo) * p->w;
}

double fig_py(const panel *p, double y) {
  return p->y + p->h - (y - p->ay.lo) / (p->ay.hi - p->ay.lo) * p->h;
}

/* Pixel-centred coordinate, so that 1-pixel lines stay sharp. */
static double crisp(double v) { return floor(v) + 0.5; }

/* Grid, axis lines, ticks and their labels, and the axis labels (xlabel
 * NULL: ticks without labels, for a panel above another). */
void fig_draw_axes(fig *f, const panel *p, const char *xlabel,
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
  fig_set_font(f, FONT_TICK, 0);
  for (double k = ceil(ax->lo / ax->step - 1e-9);
       k * ax->step <= ax->hi + ax->step * 1e-9; k++) {
    double v = k * ax->step;
    double x = crisp(p->x + (v - ax->lo) / (ax->hi - ax->lo) * p->w);
    cairo_move_to(cr, x, ybot);
    cairo_line_to(cr, x, ybot + 5);
    cairo_stroke(cr);
    if (!xlabel) continue;
    tick_label(s, sizeof s, ax, v);
    fig_text_at(f, x, ybot + 9, s, 0.5, 0, 0);
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
    double w = fig_text_width(f, s);
    if (w > widest) widest = w;
    fig_text_at(f, x0 - 8, y, s, 1, 0.5, 0);
  }
  fig_set_font(f, FONT_LABEL, 0);
  if (xlabel)
    fig_label_at(f, p->x + p->w / 2, ybot + 9 + FONT_TICK + 12, "x axis", xlabel,
             0.5, 0, 0);
  if (ylabel) {
    double x = x0 - 8 - widest - 10;
    if (x < FONT_LABEL) x = FONT_LABEL;
    fig_label_at(f, x, p->y + p->h / 2, "y axis", ylabel, 0.5, 1, 1);
  }
}

/* The left and bottom axis lines, drawn again after the data, which may
 * cover them. */
void fig_axis_lines(fig *f, const panel *p) {
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
void fig_note(fig *f, const panel *p, const char *s) {
  char clean[256];
  fig_clean_text(s, clean, sizeof clean);
  fig_set_font(f, FONT_NOTE, 0);
  cairo_set_source_rgb(f->cr, 0.3, 0.3, 0.3);
  fig_text_at(f, p->x + p->w, p->y - 4, clean, 1, 1, 0);
}

/* "no spikes" or "no data", in the middle of an empty panel. */
void fig_empty_note(fig *f, const panel *p, const char *s) {
  fig_set_font(f, FONT_LABEL, 0);
  cairo_set_source_rgb(f->cr, 0.45, 0.45, 0.45);
  fig_text_at(f, p->x + p->w / 2, p->y + p->h / 2, s, 0.5, 0.5, 0);
}

/* The data area of a figure with a right margin of `right`. */
panel fig_full_panel(const fig *f, double right) {
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
const char *fig_time_axis(panel *p, double t0, double t1) {
  int secs = t1 - t0 > 20000;
  p->xmul = secs ? 0.001 : 1;
  p->ax = fig_make_axis(t0 * p->xmul, t1 * p->xmul, 8, 0, 0);
  return secs ? "time (s)" : "time (ms)";
}

void fig_clip_to(fig *f, const panel *p) {
  cairo_rectangle(f->cr, p->x, p->y, p->w, p->h);
  cairo_clip(f->cr);
}

