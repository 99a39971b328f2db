/* lplot.c -- ap.plot: figures of recorders and of plain values, drawn by
 * core/plot.c.
 *
 *   ap.plot.raster(rec, path [, { title, bin, width, height }])
 *   ap.plot.trace(rec | { x = {...}, { name = ..., values = {...} }, ... },
 *                 path [, { title, label, unit, xlabel, width, height }])
 *   ap.plot.hist(values | rec, path [, { title, label, unit, bins,
 *                                        width, height }])
 *   ap.plot.bars(labels, values, path [, { title, label, unit, width,
 *                                          height }])
 *
 * As in liolib, misuse raises (luaL_argerror: a wrong argument, an unknown
 * option or file type) and a file that cannot be written returns nil and
 * the message; success returns true.  Relative paths go to output_dir,
 * like rec:save.
 */
#include "lua/lplot.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run/config.h"
#include "plot/plot.h"
#include "io/record.h"
#include "base/strutil.h"

typedef struct host {
  ap_sim *sim;
  ap_lua_rec_fn rec;
} host;

static host *get_host(lua_State *L) {
  return lua_touserdata(L, lua_upvalueindex(1));
}

/* A scratch buffer owned by a userdata on the stack: an error raised
 * while it is in use cannot leak it. */
static void *scratch(lua_State *L, size_t bytes) {
  return lua_newuserdatauv(L, bytes ? bytes : 1, 0);
}

/* ---- arguments ---------------------------------------------------------- */

/* Argument `arg`: the output path, checked for a known type and resolved
 * against output_dir. */
static const char *check_path(lua_State *L, int arg) {
  const char *path = luaL_checkstring(L, arg);
  if (ap_plot_format(path) == AP_PLOT_NONE) {
    char msg[512];
    ap_plot_format_error(path, msg, sizeof msg);
    luaL_argerror(L, arg, msg);
  }
  const char *dir = ap_sim_settings(get_host(L)->sim)->output_dir;
  if (path[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0) return path;
  return lua_pushfstring(L, "%s/%s", dir, path);
}

typedef struct popts {
  ap_plot_opts o;
  const char *unit, *label, *xlabel;
  double bin;
  lua_Integer bins;
  int has_unit;
} popts;

/* Argument `arg`: the options table (or nil), with only the `known`
 * keys. */
static void check_opts(lua_State *L, int arg, const char *const *known,
                       popts *po) {
  memset(po, 0, sizeof *po);
  if (lua_isnoneornil(L, arg)) return;
  luaL_checktype(L, arg, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, arg)) {
    lua_pop(L, 1);
    int ok = lua_type(L, -1) == LUA_TSTRING;
    for (size_t i = 0; ok && known[i]; i++)
      if (!strcmp(lua_tostring(L, -1), known[i])) ok = 2;
    if (ok != 2) {
      char list[256] = "";
      for (size_t i = 0; known[i]; i++)
        ap_append(list, sizeof list, "%s%s", i ? ", " : "", known[i]);
      const char *k = lua_type(L, -1) == LUA_TSTRING
                          ? lua_tostring(L, -1)
                          : luaL_typename(L, -1);
      luaL_argerror(L, arg, lua_pushfstring(L, "unknown option '%s' (known: "
                                          "%s)", k, list));
    }
  }
  for (size_t i = 0; known[i]; i++) {
    const char *k = known[i];
    int t = lua_getfield(L, arg, k);
    if (t == LUA_TNIL) {
      lua_pop(L, 1);
      continue;
    }
    if (!strcmp(k, "title") || !strcmp(k, "unit") || !strcmp(k, "label") ||
        !strcmp(k, "xlabel")) {
      if (t != LUA_TSTRING)
        luaL_argerror(L, arg, lua_pushfstring(L, "option '%s' must be a "
                                            "string", k));
      /* the options table keeps the string alive */
      const char *s = lua_tostring(L, -1);
      if (!strcmp(k, "title")) po->o.title = s;
      else if (!strcmp(k, "label")) po->label = s;
      else if (!strcmp(k, "xlabel")) po->xlabel = s;
      else po->unit = s, po->has_unit = 1;
    } else if (!strcmp(k, "bin")) {
      if (t != LUA_TNUMBER || !(lua_tonumber(L, -1) > 0) ||
          !isfinite(lua_tonumber(L, -1)))
        luaL_argerror(L, arg, "option 'bin' must be a positive number (ms)");
      po->bin = lua_tonumber(L, -1);
    } else { /* bins, width, height: whole numbers */
      int isint;
      lua_Integer v = lua_tointegerx(L, -1, &isint);
      if (!strcmp(k, "bins")) {
        if (!isint || v < 1 || v > 10000)
          luaL_argerror(L, arg, "option 'bins' must be a whole number from 1 "
                        "to 10000");
        po->bins = v;
      } else {
        lua_Integer lo = !strcmp(k, "width") ? 300 : 200;
        if (!isint || v < lo || v > 10000)
          luaL_argerror(L, arg, lua_pushfstring(L, "option '%s' must be a "
                                              "whole number of pixels from "
                                              "%d to 10000", k, (int)lo));
        if (!strcmp(k, "width")) po->o.width = (int)v;
        else po->o.height = (int)v;
      }
    }
    lua_pop(L, 1);
  }
}

/* true, or nil and the message: the file could not be drawn or written. */
static int result(lua_State *L, int rc, const char *err) {
  if (rc == 0) {
    lua_pushboolean(L, 1);
    return 1;
  }
  luaL_pushfail(L);
  lua_pushstring(L, err);
  return 2;
}

static const char *rec_what(const ap_recorder *r) {
  return ap_rec_kind_of(r) == AP_REC_SPIKES ? "spikes" : ap_rec_var(r);
}

/* ---- ap.plot.raster ----------------------------------------------------- */

static int plot_raster(lua_State *L) {
  ap_recorder *r = get_host(L)->rec(L, 1);
  if (ap_rec_kind_of(r) != AP_REC_SPIKES)
    luaL_argerror(L, 1, lua_pushfstring(L, "a spike recorder expected, got a "
                                        "recorder of %s", rec_what(r)));
  const char *path = check_path(L, 2);
  static const char *const known[] = {"title", "bin", "width", "height", NULL};
  popts po;
  check_opts(L, 3, known, &po);
  ap_plot_spikes s;
  memset(&s, 0, sizeof s);
  s.t = ap_rec_times(r);
  s.sender = ap_rec_senders(r);
  s.n = ap_rec_count(r);
  s.neurons = ap_rec_width(r);
  ap_rec_span(r, &s.t_start, &s.t_end);
  s.dt = ap_rec_dt(r);
  s.bin = po.bin;
  char err[4600];
  return result(L, ap_plot_raster(path, &po.o, &s, err, sizeof err), err);
}

/* ---- ap.plot.trace ------------------------------------------------------ */

/* The number at t[i] (1-based) of series k (0: x), NaN for nil (a gap
 * in a line). */
static double entry(lua_State *L, int t, size_t i, size_t k) {
  int type = lua_rawgeti(L, t, (lua_Integer)i);
  int isnum;
  double d = lua_tonumberx(L, -1, &isnum);
  if (!isnum && type != LUA_TNIL) {
    const char *what = k ? lua_pushfstring(L, "series %d", (int)k) : "x";
    luaL_argerror(L, 1, lua_pushfstring(L, "%s: value %d is a %s, not a "
                                        "number", what, (int)i,
                                        luaL_typename(L, k ? -2 : -1)));
  }
  lua_pop(L, 1);
  return isnum ? d : NAN;
}

/* Argument 1 as a table { x = {...}, { name = ..., values = {...} }, ... }:
 * fills s with scratch arrays (values row-major, x as t). */
static void table_series(lua_State *L, ap_plot_series *s) {
  static const char usage[] = "a recorder, or a table { x = { ... }, "
                              "{ name = ..., values = { ... } }, ... }";
  if (lua_getfield(L, 1, "x") != LUA_TTABLE) luaL_argerror(L, 1, usage);
  int xt = lua_gettop(L);
  size_t rows = lua_rawlen(L, xt), cols = lua_rawlen(L, 1);
  if (cols == 0) luaL_argerror(L, 1, usage);
  double *t = scratch(L, rows * sizeof *t);
  double *v = scratch(L, rows * cols * sizeof *v);
  const char **names = scratch(L, cols * sizeof *names);
  for (size_t i = 0; i < rows; i++) {
    t[i] = entry(L, xt, i + 1, 0);
    if (isnan(t[i]))
      luaL_argerror(L, 1, lua_pushfstring(L, "x: value %d is missing",
                                          (int)i + 1));
  }
  for (size_t j = 0; j < cols; j++) {
    if (lua_rawgeti(L, 1, (lua_Integer)j + 1) != LUA_TTABLE)
      luaL_argerror(L, 1, lua_pushfstring(L, "series %d is a %s, not a "
                                          "table { name = ..., values = "
                                          "{ ... } }", (int)j + 1,
                                          luaL_typename(L, -1)));
    int st = lua_gettop(L);
    /* the names stay alive in argument 1 */
    if (lua_getfield(L, st, "name") != LUA_TSTRING)
      luaL_argerror(L, 1, lua_pushfstring(L, "series %d needs a name "
                                          "(a string)", (int)j + 1));
    names[j] = lua_tostring(L, -1);
    if (lua_getfield(L, st, "values") != LUA_TTABLE)
      luaL_argerror(L, 1, lua_pushfstring(L, "series %d needs values (a "
                                          "table of numbers)", (int)j + 1));
    int vt = lua_gettop(L);
    if (lua_rawlen(L, vt) > rows)
      luaL_argerror(L, 1, lua_pushfstring(L, "series %d has %d values for "
                                          "%d x values", (int)j + 1,
                                          (int)lua_rawlen(L, vt), (int)rows));
    for (size_t i = 0; i < rows; i++)
      v[i * cols + j] = entry(L, vt, i + 1, j + 1);
    lua_settop(L, st - 1);
  }
  s->t = t;
  s->v = v;
  s->rows = rows;
  s->cols = cols;
  s->names = names;
}

static int plot_trace(lua_State *L) {
  ap_recorder *r = NULL;
  if (lua_type(L, 1) != LUA_TTABLE) {
    r = get_host(L)->rec(L, 1);
    if (ap_rec_kind_of(r) != AP_REC_STATE)
      luaL_argerror(L, 1, "a recorder of a state variable, rate or weights "
                    "expected, got a spike recorder (ap.plot.raster draws "
                    "spikes)");
  }
  const char *path = check_path(L, 2);
  static const char *const known[] = {"title", "label", "unit", "xlabel",
                                      "width", "height", NULL};
  popts po;
  check_opts(L, 3, known, &po);
  ap_plot_series s;
  memset(&s, 0, sizeof s);
  if (r) {
    if (po.xlabel)
      luaL_argerror(L, 3, "option 'xlabel' is for tables; a recorder's x "
                    "axis is time");
    s.t = ap_rec_times(r);
    s.v = ap_rec_values(r);
    s.rows = ap_rec_count(r);
    s.cols = ap_rec_width(r);
    s.var = ap_rec_var(r);
    s.unit = ap_rec_unit(r);
    if (!po.o.title && !strcmp(s.var, "rate") && s.cols == 1)
      po.o.title = "population rate";
  } else {
    table_series(L, &s);
    s.var = "value";
    s.xlabel = po.xlabel;
  }
  if (po.label) s.var = po.label;
  if (po.has_unit) s.unit = po.unit;
  char err[4600];
  int rc = r && !strcmp(ap_rec_var(r), "weight")
               ? ap_plot_weights(path, &po.o, &s, err, sizeof err)
               : ap_plot_traces(path, &po.o, &s, err, sizeof err);
  return result(L, rc, err);
}

/* ---- ap.plot.hist ------------------------------------------------------- */

static int plot_hist(lua_State *L) {
  int arg = lua_type(L, 1);
  if (arg != LUA_TTABLE && arg != LUA_TUSERDATA)
    luaL_typeerror(L, 1, "table of numbers or apical.Recorder");
  ap_recorder *r = arg == LUA_TUSERDATA ? get_host(L)->rec(L, 1) : NULL;
  const char *path = check_path(L, 2);
  static const char *const known[] = {"title", "label", "unit", "bins",
                                      "width", "height", NULL};
  popts po;
  check_opts(L, 3, known, &po);
  const char *label = "value", *unit = NULL;
  double *v;
  size_t n;
  if (!r) {
    n = lua_rawlen(L, 1);
    v = scratch(L, n * sizeof *v);
    for (size_t i = 0; i < n; i++) {
      lua_rawgeti(L, 1, (lua_Integer)i + 1);
      int isnum;
      v[i] = lua_tonumberx(L, -1, &isnum);
      if (!isnum)
        luaL_argerror(L, 1, lua_pushfstring(L, "entry %d is a %s, not a "
                                            "number", (int)i + 1,
                                            luaL_typename(L, -1)));
      lua_pop(L, 1);
    }
  } else if (ap_rec_kind_of(r) == AP_REC_SPIKES) {
    /* each neuron's firing rate over the recorded time */
    double t0, t1;
    ap_rec_span(r, &t0, &t1);
    if (!(t1 > t0))
      luaL_argerror(L, 1, "the spike recorder has recorded no time yet (run "
                    "first)");
    n = ap_rec_width(r);
    v = scratch(L, n * sizeof *v);
    memset(v, 0, n * sizeof *v);
    const uint32_t *snd = ap_rec_senders(r);
    for (size_t i = 0, k = ap_rec_count(r); i < k; i++)
      if (snd[i] >= 1 && snd[i] <= n) v[snd[i] - 1] += 1;
    for (size_t i = 0; i < n; i++) v[i] /= (t1 - t0) / 1000.0;
    label = "firing rate";
    unit = "Hz";
  } else {
    /* the last sample: one value per neuron or synapse */
    size_t rows = ap_rec_count(r);
    n = rows ? ap_rec_width(r) : 0;
    v = scratch(L, n * sizeof *v);
    if (n) memcpy(v, ap_rec_values(r) + (rows - 1) * n, n * sizeof *v);
    label = ap_rec_var(r);
    unit = ap_rec_unit(r);
  }
  if (po.label) label = po.label;
  if (po.has_unit) unit = po.unit;
  char err[4600];
  return result(L, ap_plot_hist(path, &po.o, v, n, (size_t)po.bins, label,
                                unit, err, sizeof err),
                err);
}

/* ---- ap.plot.bars ------------------------------------------------------- */

static int plot_bars(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  size_t n = lua_rawlen(L, 1);
  if (lua_rawlen(L, 2) > n)
    luaL_argerror(L, 2, lua_pushfstring(L, "%d values for %d labels",
                                        (int)lua_rawlen(L, 2), (int)n));
  const char *path = check_path(L, 3);
  static const char *const known[] = {"title", "label", "unit", "width",
                                      "height", NULL};
  popts po;
  check_opts(L, 4, known, &po);
  const char **labels = scratch(L, n * sizeof *labels);
  double *v = scratch(L, n * sizeof *v);
  for (size_t i = 0; i < n; i++) {
    if (lua_rawgeti(L, 1, (lua_Integer)i + 1) != LUA_TSTRING)
      luaL_argerror(L, 1, lua_pushfstring(L, "label %d is a %s, not a "
                                          "string", (int)i + 1,
                                          luaL_typename(L, -1)));
    labels[i] = lua_tostring(L, -1); /* kept alive by argument 1 */
    lua_pop(L, 1);
    int type = lua_rawgeti(L, 2, (lua_Integer)i + 1);
    int isnum;
    v[i] = lua_tonumberx(L, -1, &isnum);
    if (!isnum && type != LUA_TNIL)
      luaL_argerror(L, 2, lua_pushfstring(L, "value %d is a %s, not a "
                                          "number", (int)i + 1,
                                          luaL_typename(L, -1)));
    if (!isnum) v[i] = NAN;
    lua_pop(L, 1);
  }
  char err[4600];
  return result(L, ap_plot_bars(path, &po.o, labels, v, n,
                                po.label ? po.label : "value",
                                po.has_unit ? po.unit : NULL, err,
                                sizeof err),
                err);
}

/* ---- registration ------------------------------------------------------- */

static const luaL_Reg plot_funcs[] = {{"raster", plot_raster},
                                      {"trace", plot_trace},
                                      {"hist", plot_hist},
                                      {"bars", plot_bars},
                                      {NULL, NULL}};

void ap_lua_plot_open(lua_State *L, ap_sim *sim, ap_lua_rec_fn rec) {
  luaL_newlibtable(L, plot_funcs);
  host *h = lua_newuserdatauv(L, sizeof *h, 0);
  h->sim = sim;
  h->rec = rec;
  luaL_setfuncs(L, plot_funcs, 1);
  lua_setfield(L, -2, "plot");
}
