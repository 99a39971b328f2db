/* lapical.c -- the Lua bindings of apical, in the manner of liolib.c: one
 * named metatable per type, check helpers over luaL_checkudata, userdata
 * created before any resource is acquired. */
#include "lua/lapical.h"

#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run/config.h"
#include "net/connect.h"
#include "io/dataset.h"
#include "plugin/loader.h"
#include "lua/lplot.h"
#include "io/record.h"
#include "net/sim.h"
#include "base/strutil.h"
#include "net/values.h"

#define POP_MT "apical.Population"
#define PROJ_MT "apical.Projection"
#define REC_MT "apical.Recorder"
#define DIST_MT "apical.Distribution"
#define MOD_MT "apical.Modulator"
#define DS_MT "apical.Dataset"
#define STATE_KEY "apical.state"

typedef struct callback {
  int64_t next;   /* step at which it fires next */
  int64_t period; /* steps, 0 for a one-shot */
  int ref;        /* function in the registry */
  int done;
} callback;

/* Per-Lua-state bindings context, a userdata in the registry. */
typedef struct lstate {
  ap_sim *sim;
  callback *cbs;
  size_t n_cbs, cap_cbs;
  int progress;
  int64_t run_start, run_end;
  double last_progress;
  int progress_shown;
  int in_callback; /* a callback is running: ap.run and ap.phase refuse */
} lstate;

typedef struct lpop {
  ap_ref ref;
} lpop;

typedef struct lproj {
  size_t proj;
} lproj;

typedef struct lrec {
  size_t rec;
} lrec;

typedef struct lmod {
  size_t mod;
} lmod;

/* Unlike the other handles, a data set belongs to the Lua state, not to
 * the simulation: the userdata owns it and __gc frees it. */
typedef struct lds {
  ap_dataset *ds; /* NULL until opened, and after __gc */
} lds;

/* ---------------------------------------------------------------- helpers */

static lstate *get_state(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, STATE_KEY);
  lstate *s = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (!s) luaL_error(L, "apical is not initialised in this Lua state");
  return s;
}

/* Raise an error prefixed with the script position that called us. */
static int lerror(lua_State *L, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void check_keys(lua_State *L, int t, const char *const *known,
                       const char *what);
static int lerror(lua_State *L, const char *fmt, ...) {
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  ap_vfmt(msg, sizeof msg, fmt, ap);
  va_end(ap);
  luaL_where(L, 1);
  if (lua_rawlen(L, -1) == 0) {
    lua_pop(L, 1);
    luaL_where(L, 2);
  }
  lua_pushstring(L, msg);
  lua_concat(L, 2);
  return lua_error(L);
}

static int sim_error(lua_State *L, ap_sim *sim) {
  return lerror(L, "%s", ap_sim_error(sim));
}

static lpop *check_pop(lua_State *L, int i) {
  return luaL_checkudata(L, i, POP_MT);
}
static lproj *check_proj(lua_State *L, int i) {
  return luaL_checkudata(L, i, PROJ_MT);
}
static lrec *check_rec(lua_State *L, int i) {
  return luaL_checkudata(L, i, REC_MT);
}
static lmod *check_mod(lua_State *L, int i) {
  return luaL_checkudata(L, i, MOD_MT);
}

static void push_pop(lua_State *L, ap_ref r) {
  lpop *p = lua_newuserdatauv(L, sizeof *p, 0);
  p->ref = r;
  luaL_setmetatable(L, POP_MT);
}

/* A scratch buffer owned by a userdata on the stack, so that an error
 * raised while it is in use cannot leak it. */
static void *scratch(lua_State *L, size_t bytes) {
  return lua_newuserdatauv(L, bytes ? bytes : 1, 0);
}

static const char *dist_names[] = {"scalar", "table", "uniform", "normal",
                                   "lognormal"};

/* Read a value (number, table of numbers, distribution) at index i.  A
 * table's numbers go into a scratch userdata left on the stack. */
static ap_value check_value(lua_State *L, int i, const char *what) {
  i = lua_absindex(L, i);
  ap_value v = {0};
  if (lua_type(L, i) == LUA_TNUMBER) {
    v.kind = AP_VAL_SCALAR;
    v.a = lua_tonumber(L, i);
    return v;
  }
  if (luaL_testudata(L, i, DIST_MT)) {
    v = *(ap_value *)lua_touserdata(L, i);
    return v;
  }
  if (lua_type(L, i) == LUA_TTABLE) {
    size_t n = lua_rawlen(L, i);
    double *a = scratch(L, n * sizeof *a);
    for (size_t k = 0; k < n; k++) {
      lua_rawgeti(L, i, (lua_Integer)k + 1);
      int isnum;
      a[k] = lua_tonumberx(L, -1, &isnum);
      if (!isnum)
        lerror(L, "%s: entry %zu of the table is a %s, not a number", what,
               k + 1, luaL_typename(L, -1));
      lua_pop(L, 1);
    }
    v.kind = AP_VAL_ARRAY;
    v.array = a;
    v.n = n;
    return v;
  }
  lerror(L, "%s must be a number, a table of numbers or a distribution "
         "(ap.uniform, ap.normal, ...), got a %s", what, luaL_typename(L, i));
  return v;
}

/* ---------------------------------------------------------- distributions */

static int new_dist(lua_State *L, int kind) {
  double a = luaL_checknumber(L, 1), b = luaL_checknumber(L, 2);
  ap_value *v = lua_newuserdatauv(L, sizeof *v, 0);
  memset(v, 0, sizeof *v);
  v->kind = kind;
  v->a = a;
  v->b = b;
  char err[256];
  if (ap_value_check(v, 0, "distribution", err, sizeof err))
    return lerror(L, "%s", err);
  luaL_setmetatable(L, DIST_MT);
  return 1;
}

static int l_uniform(lua_State *L) { return new_dist(L, AP_VAL_UNIFORM); }
static int l_normal(lua_State *L) { return new_dist(L, AP_VAL_NORMAL); }
static int l_lognormal(lua_State *L) { return new_dist(L, AP_VAL_LOGNORMAL); }

static int l_clip(lua_State *L) {
  ap_value *src = luaL_checkudata(L, 1, DIST_MT);
  double lo = luaL_checknumber(L, 2), hi = luaL_checknumber(L, 3);
  if (!(lo <= hi))
    return lerror(L, "ap.clip: low (%g) must not exceed high (%g)", lo, hi);
  ap_value *v = lua_newuserdatauv(L, sizeof *v, 0);
  *v = *src;
  v->clipped = 1;
  v->lo = lo;
  v->hi = hi;
  luaL_setmetatable(L, DIST_MT);
  return 1;
}

static int dist_tostring(lua_State *L) {
  ap_value *v = luaL_checkudata(L, 1, DIST_MT);
  if (v->clipped)
    lua_pushfstring(L, "clip(%s(%f, %f), %f, %f)", dist_names[v->kind], v->a,
                    v->b, v->lo, v->hi);
  else
    lua_pushfstring(L, "%s(%f, %f)", dist_names[v->kind], v->a, v->b);
  return 1;
}

/* ------------------------------------------------------------------ setup */

static void number_text(lua_State *L, int i, char *buf, size_t n) {
  if (lua_isinteger(L, i))
    ap_fmt(buf, n, "%lld", (long long)lua_tointeger(L, i));
  else if (lua_type(L, i) == LUA_TNUMBER) {
    /* the shortest form that reads back exactly: 0.1, not 0.1000...01 */
    double x = lua_tonumber(L, i);
    ap_fmt(buf, n, "%.15g", x);
    if (strtod(buf, NULL) != x) ap_fmt(buf, n, "%.17g", x);
  }
  else if (lua_type(L, i) == LUA_TBOOLEAN)
    ap_fmt(buf, n, "%s", lua_toboolean(L, i) ? "true" : "false");
  else
    ap_fmt(buf, n, "%s", lua_tostring(L, i));
}

static int l_setup(lua_State *L) {
  lstate *s = get_state(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  ap_settings *set = ap_sim_settings(s->sim);
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING)
      return lerror(L, "ap.setup: keys must be names, got a %s",
                    luaL_typename(L, -2));
    const char *key = lua_tostring(L, -2);
    int t = lua_type(L, -1);
    if (t != LUA_TNUMBER && t != LUA_TSTRING && t != LUA_TBOOLEAN)
      return lerror(L, "ap.setup: setting '%s' must be a number or a string, "
                    "got a %s", key, luaL_typename(L, -1));
    char val[128], err[512];
    number_text(L, -1, val, sizeof val);
    /* Settings that do not shape the simulation may change any time. */
    if (ap_sim_started(s->sim) && strcmp(key, "output_dir") != 0 &&
        strcmp(key, "fashion_dir") != 0 && strcmp(key, "mnist_dir") != 0)
      return lerror(L, "ap.setup: '%s' cannot change after ap.run (only "
                    "output_dir, fashion_dir and mnist_dir can)", key);
    double old_dt = set->dt;
    uint64_t old_seed = set->seed;
    if (ap_settings_set(set, key, val, AP_SRC_SCRIPT, err, sizeof err))
      return lerror(L, "ap.setup: %s", err);
    if (ap_sim_n_pops(s->sim) &&
        (set->dt != old_dt || set->seed != old_seed)) {
      set->dt = old_dt;
      set->seed = old_seed;
      return lerror(L, "ap.setup: '%s' cannot change once populations exist "
                    "(call ap.setup first)", key);
    }
    /* Plugins were searched before the script ran: a plugin_path that
     * takes effect here adds its folders to the search now (names found
     * earlier keep their plugin). */
    if (strcmp(key, "plugin_path") == 0 && set->plugin_path &&
        strcmp(set->plugin_path, val) == 0)
      ap_registry_scan_path(ap_sim_registry(s->sim), val);
    lua_pop(L, 1);
  }
  return 0;
}

/* The settings in force, after every level of precedence. */
static int l_settings(lua_State *L) {
  ap_settings *set = ap_sim_settings(get_state(L)->sim);
  lua_createtable(L, 0, 10);
  lua_pushstring(L, set->backend);
  lua_setfield(L, -2, "backend");
  lua_pushinteger(L, set->threads);
  lua_setfield(L, -2, "threads");
  lua_pushinteger(L, (lua_Integer)set->seed);
  lua_setfield(L, -2, "seed");
  lua_pushnumber(L, set->dt);
  lua_setfield(L, -2, "dt");
  lua_pushstring(L, set->output_dir);
  lua_setfield(L, -2, "output_dir");
  lua_pushstring(L, set->fashion_dir);
  lua_setfield(L, -2, "fashion_dir");
  lua_pushstring(L, set->mnist_dir);
  lua_setfield(L, -2, "mnist_dir");
  if (set->plugin_path) {
    lua_pushstring(L, set->plugin_path);
    lua_setfield(L, -2, "plugin_path");
  }
  if (set->config_file) {
    lua_pushstring(L, set->config_file);
    lua_setfield(L, -2, "config_file");
  }
  return 1;
}

/* Run statistics so far, for benchmarks and closed-loop scripts. */
static int l_stats(lua_State *L) {
  ap_stats st;
  ap_sim_stats(get_state(L)->sim, &st);
  struct rusage ru;
  double rss_mb = 0;
  if (getrusage(RUSAGE_SELF, &ru) == 0) rss_mb = (double)ru.ru_maxrss / 1024.0;
  lua_createtable(L, 0, 8);
  lua_pushnumber(L, st.t_ms);
  lua_setfield(L, -2, "t_ms");
  lua_pushnumber(L, st.wall_s);
  lua_setfield(L, -2, "wall_s");
  lua_pushinteger(L, (lua_Integer)st.spikes);
  lua_setfield(L, -2, "spikes");
  lua_pushinteger(L, (lua_Integer)st.events);
  lua_setfield(L, -2, "events");
  lua_pushinteger(L, (lua_Integer)st.synapses);
  lua_setfield(L, -2, "synapses");
  lua_pushnumber(L, st.synapse_bytes);
  lua_setfield(L, -2, "bytes_per_synapse");
  lua_pushnumber(L, rss_mb);
  lua_setfield(L, -2, "peak_rss_mb");
  return 1;
}

/* The backend's report as a table: dotted keys become nested tables, a
 * numeric component an array index; nil and a message when the backend
 * keeps no report (cpu without profile) or has not run yet. */
static int l_report(lua_State *L) {
  ap_report r;
  if (ap_sim_report(get_state(L)->sim, &r) != AP_OK) {
    luaL_pushfail(L);
    lua_pushstring(L, "this backend keeps no report (run on a chip backend "
                      "such as neuromorphic, or cpu with profile=1, after "
                      "ap.run)");
    return 2;
  }
  lua_createtable(L, 0, (int)r.n);
  int top = lua_gettop(L);
  for (size_t k = 0; k < r.n; k++) {
    const ap_report_item *it = &r.items[k];
    lua_settop(L, top);
    lua_pushvalue(L, top);
    const char *s = it->key;
    for (;;) {
      size_t len = strcspn(s, ".");
      char part[96];
      snprintf(part, sizeof part, "%.*s", (int)len, s);
      char *end;
      long idx = strtol(part, &end, 10);
      int numeric = len && *end == '\0';
      if (s[len] == '\0') {
        if (numeric) lua_pushinteger(L, idx);
        else lua_pushstring(L, part);
        if (it->text) lua_pushstring(L, it->text);
        else if (it->value == floor(it->value) && fabs(it->value) < 0x1p53)
          lua_pushinteger(L, (lua_Integer)it->value); /* counts */
        else lua_pushnumber(L, it->value);
        lua_settable(L, -3);
        break;
      }
      if (numeric) lua_pushinteger(L, idx);
      else lua_pushstring(L, part);
      lua_pushvalue(L, -1);
      if (lua_gettable(L, -3) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -2);
        lua_pushvalue(L, -2);
        lua_settable(L, -5);
      }
      lua_remove(L, -2);
      lua_remove(L, -2);
      s += len + 1;
    }
  }
  lua_settop(L, top);
  if (r.text) {
    lua_pushstring(L, r.text);
    lua_setfield(L, -2, "text");
  }
  return 1;
}

/* ------------------------------------------------------------ populations */

/* Set `name` on r from the value at index i (handles list parameters). */
static void set_one(lua_State *L, ap_sim *sim, ap_ref r, const char *name,
                    int i) {
  i = lua_absindex(L, i);
  const ap_plugin *pl = ap_sim_pop_plugin(sim, r.pop);
  const ap_neuron_desc *d = pl->desc->desc;
  int k = ap_param_index(d->params, d->n_params, name);
  int top = lua_gettop(L);
  if (k >= 0 && d->params[k].type == AP_PT_LIST) {
    if (lua_type(L, i) != LUA_TTABLE)
      lerror(L, "parameter '%s' of %s is a list: give a table of times (one "
             "list for every neuron) or a table of tables (one per neuron)",
             name, pl->name);
    lua_rawgeti(L, i, 1);
    int nested = lua_type(L, -1) == LUA_TTABLE;
    lua_pop(L, 1);
    size_t *off = scratch(L, (r.count + 1) * sizeof *off);
    size_t total = 0;
    if (nested) {
      if (lua_rawlen(L, i) != r.count)
        lerror(L, "parameter '%s' of %s: %zu lists given for %zu neurons",
               name, pl->name, (size_t)lua_rawlen(L, i), r.count);
      for (size_t j = 0; j < r.count; j++) {
        off[j] = total;
        lua_rawgeti(L, i, (lua_Integer)j + 1);
        if (lua_type(L, -1) != LUA_TTABLE)
          lerror(L, "parameter '%s' of %s: entry %zu must be a table", name,
                 pl->name, j + 1);
        total += lua_rawlen(L, -1);
        lua_pop(L, 1);
      }
    } else {
      size_t len = lua_rawlen(L, i);
      for (size_t j = 0; j < r.count; j++) off[j] = j * len;
      total = len * r.count;
    }
    off[r.count] = total;
    double *val = scratch(L, total * sizeof *val);
    size_t at = 0;
    for (size_t j = 0; j < (nested ? r.count : 1); j++) {
      if (nested) lua_rawgeti(L, i, (lua_Integer)j + 1);
      else lua_pushvalue(L, i);
      size_t len = lua_rawlen(L, -1);
      for (size_t m = 0; m < len; m++) {
        lua_rawgeti(L, -1, (lua_Integer)m + 1);
        int isnum;
        val[at++] = lua_tonumberx(L, -1, &isnum);
        if (!isnum)
          lerror(L, "parameter '%s' of %s: values must be numbers", name,
                 pl->name);
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
    if (!nested)
      for (size_t j = 1; j < r.count; j++)
        memcpy(val + j * (total / r.count), val, (total / r.count) * sizeof *val);
    if (ap_pop_set_list(sim, r, name, val, off)) sim_error(L, sim);
  } else {
    char what[160];
    ap_fmt(what, sizeof what, "'%s' of %s", name, pl->name);
    ap_value v = check_value(L, i, what);
    if (ap_pop_set(sim, r, name, &v)) sim_error(L, sim);
  }
  lua_settop(L, top);
}

/* Apply a table of name = value: parameters first, so that states which
 * start at a parameter's value (V_m at E_L) see the new value. */
static void set_table(lua_State *L, ap_sim *sim, ap_ref r, int t) {
  const ap_neuron_desc *d = ap_sim_pop_plugin(sim, r.pop)->desc->desc;
  for (int pass = 0; pass < 2; pass++) {
    lua_pushnil(L);
    while (lua_next(L, t)) {
      if (lua_type(L, -2) != LUA_TSTRING)
        lerror(L, "parameter names must be strings, got a %s",
               luaL_typename(L, -2));
      const char *name = lua_tostring(L, -2);
      int is_param = ap_param_index(d->params, d->n_params, name) >= 0;
      if (is_param == (pass == 0)) set_one(L, sim, r, name, -1);
      lua_pop(L, 1);
    }
  }
}

static int l_population(lua_State *L) {
  lstate *s = get_state(L);
  const char *model = luaL_checkstring(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TTABLE);
  if (n < 1) return luaL_argerror(L, 2, "population size must be at least 1");
  /* Plain numbers of the table go to the creation too: those that are the
   * model's structure parameters shape the population (the rest are set
   * below, with everything else). */
  const char **keys = NULL;
  double *vals = NULL;
  size_t nk = 0;
  if (lua_istable(L, 3)) {
    size_t cap = 0;
    lua_pushnil(L);
    while (lua_next(L, 3)) {
      cap++;
      lua_pop(L, 1);
    }
    keys = scratch(L, (cap ? cap : 1) * sizeof *keys);
    vals = scratch(L, (cap ? cap : 1) * sizeof *vals);
    lua_pushnil(L);
    while (lua_next(L, 3)) {
      if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TNUMBER) {
        keys[nk] = lua_tostring(L, -2);
        vals[nk++] = lua_tonumber(L, -1);
      }
      lua_pop(L, 1);
    }
  }
  size_t idx;
  if (ap_sim_population_with(s->sim, model, (size_t)n,
                             (const char *const *)keys, vals, nk, &idx))
    return sim_error(L, s->sim);
  ap_ref r = {idx, 0, (size_t)n};
  if (lua_istable(L, 3)) set_table(L, s->sim, r, 3);
  push_pop(L, r);
  return 1;
}

static int pop_set(lua_State *L) {
  lpop *p = check_pop(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  set_table(L, get_state(L)->sim, p->ref, 2);
  return 0;
}

/* pop:reset(): every state variable back to its initial value. */
static int pop_reset(lua_State *L) {
  lpop *p = check_pop(L, 1);
  lstate *s = get_state(L);
  if (ap_pop_reset(s->sim, p->ref)) return sim_error(L, s->sim);
  return 0;
}

static int pop_get(lua_State *L) {
  lpop *p = check_pop(L, 1);
  const char *name = luaL_checkstring(L, 2);
  lstate *s = get_state(L);
  double *v = scratch(L, p->ref.count * sizeof *v);
  if (ap_pop_get(s->sim, p->ref, name, v)) return sim_error(L, s->sim);
  lua_createtable(L, (int)p->ref.count, 0);
  for (size_t i = 0; i < p->ref.count; i++) {
    lua_pushnumber(L, v[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int pop_slice(lua_State *L) {
  lpop *p = check_pop(L, 1);
  lua_Integer a = luaL_checkinteger(L, 2);
  lua_Integer b = luaL_optinteger(L, 3, a);
  if (a < 1 || b < a || (size_t)b > p->ref.count)
    return lerror(L, "slice(%lld, %lld) is outside 1..%zu (both ends "
                  "inclusive)", (long long)a, (long long)b, p->ref.count);
  ap_ref r = {p->ref.pop, p->ref.first + (size_t)a - 1, (size_t)(b - a + 1)};
  push_pop(L, r);
  return 1;
}

/* pop:lesion(fraction) or pop:lesion{ i, j, ... }: returns the number of
 * neurons silenced by this call's choice. */
static int pop_lesion(lua_State *L) {
  lpop *p = check_pop(L, 1);
  ap_sim *sim = get_state(L)->sim;
  if (lua_type(L, 2) == LUA_TNUMBER) {
    size_t k = 0;
    if (ap_pop_lesion_fraction(sim, p->ref, lua_tonumber(L, 2), &k))
      return sim_error(L, sim);
    lua_pushinteger(L, (lua_Integer)k);
    return 1;
  }
  if (lua_type(L, 2) != LUA_TTABLE)
    return lerror(L, "lesion: give a fraction in [0, 1] or a table of "
                  "1-based neuron indices");
  size_t n = lua_rawlen(L, 2);
  uint32_t *idx = scratch(L, (n ? n : 1) * sizeof *idx);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    int isnum;
    lua_Integer v = lua_tointegerx(L, -1, &isnum);
    if (!isnum || v < 1 || (size_t)v > p->ref.count)
      return lerror(L, "lesion: index %zu must be a neuron in 1..%zu", i + 1,
                    p->ref.count);
    idx[i] = (uint32_t)(v - 1);
    lua_pop(L, 1);
  }
  if (ap_pop_lesion(sim, p->ref, idx, n)) return sim_error(L, sim);
  lua_pushinteger(L, (lua_Integer)n);
  return 1;
}

/* pop:modulate(param, modulator, { gain = g }) */
static int pop_modulate(lua_State *L) {
  lpop *p = check_pop(L, 1);
  const char *param = luaL_checkstring(L, 2);
  lmod *m = check_mod(L, 3);
  double gain = 1.0;
  if (!lua_isnoneornil(L, 4)) {
    luaL_checktype(L, 4, LUA_TTABLE);
    static const char *const keys[] = {"gain", NULL};
    check_keys(L, 4, keys, "modulation options");
    if (lua_getfield(L, 4, "gain") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lerror(L, "modulation option 'gain' must be a number (per unit "
                      "of the modulator)");
      gain = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
  }
  ap_sim *sim = get_state(L)->sim;
  if (ap_pop_modulate(sim, p->ref, param, m->mod, gain))
    return sim_error(L, sim);
  return 0;
}

static int pop_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)check_pop(L, 1)->ref.count);
  return 1;
}

static int pop_model(lua_State *L) {
  lpop *p = check_pop(L, 1);
  lua_pushstring(L, ap_pop_model(get_state(L)->sim, p->ref.pop));
  return 1;
}

static int pop_tostring(lua_State *L) {
  lpop *p = check_pop(L, 1);
  ap_sim *sim = get_state(L)->sim;
  if (p->ref.first == 0 && p->ref.count == ap_pop_size(sim, p->ref.pop))
    lua_pushfstring(L, "Population %d (%s, %d neurons)", (int)p->ref.pop + 1,
                    ap_pop_model(sim, p->ref.pop), (int)p->ref.count);
  else
    lua_pushfstring(L, "Population %d (%s) neurons %d..%d", (int)p->ref.pop + 1,
                    ap_pop_model(sim, p->ref.pop), (int)p->ref.first + 1,
                    (int)(p->ref.first + p->ref.count));
  return 1;
}

/* ------------------------------------------------------------ projections */

static int opt_bool(lua_State *L, int t, const char *key, int def) {
  int ty = lua_getfield(L, t, key);
  int v = def;
  if (ty == LUA_TBOOLEAN) v = lua_toboolean(L, -1);
  else if (ty != LUA_TNIL)
    lerror(L, "connection spec: '%s' must be true or false", key);
  lua_pop(L, 1);
  return v;
}

static uint64_t need_count(lua_State *L, int t, const char *key,
                           const char *rule) {
  int ty = lua_getfield(L, t, key);
  if (ty == LUA_TNIL)
    lerror(L, "connection rule %s needs '%s'", rule, key);
  int isnum;
  lua_Integer k = lua_tointegerx(L, -1, &isnum);
  if (!isnum || k < 0)
    lerror(L, "connection rule %s: '%s' must be a non-negative integer", rule,
           key);
  lua_pop(L, 1);
  return (uint64_t)k;
}

static const char *const conn_keys[] = {
    "rule", "p", "indegree", "outdegree", "N", "allow_autapses",
    "allow_multapses", "pre", "post", NULL};
static const char *const syn_keys[] = {"weight",   "delay",     "port",
                                       "synapse",  "learning",  "modulator",
                                       "p_release", NULL};

static void check_keys(lua_State *L, int t, const char *const *known,
                       const char *what) {
  lua_pushnil(L);
  while (lua_next(L, t)) {
    int ok = 0;
    if (lua_type(L, -2) == LUA_TSTRING) {
      const char *k = lua_tostring(L, -2);
      for (int i = 0; known[i]; i++) ok |= strcmp(k, known[i]) == 0;
      if (!ok) {
        char list[256] = "";
        for (int i = 0; known[i]; i++)
          ap_append(list, sizeof list, "%s%s", i ? ", " : "", known[i]);
        lerror(L, "%s has no key '%s'; keys: %s", what, k, list);
      }
    } else if (lua_type(L, -2) == LUA_TNUMBER && lua_tointeger(L, -2) == 1 &&
               strcmp(what, "synapse spec") == 0) {
      lerror(L, "synapse spec: give the synapse model as synapse = \"name\"");
    } else {
      lerror(L, "%s: keys must be names", what);
    }
    lua_pop(L, 1);
  }
}

static uint32_t *index_list(lua_State *L, int t, const char *key, size_t *n) {
  if (lua_getfield(L, t, key) != LUA_TTABLE)
    lerror(L, "connection rule list needs '%s', a table of 1-based indices",
           key);
  size_t len = lua_rawlen(L, -1);
  uint32_t *a = scratch(L, len * sizeof *a);
  lua_insert(L, -2); /* keep the scratch below the table */
  for (size_t i = 0; i < len; i++) {
    lua_rawgeti(L, -1, (lua_Integer)i + 1);
    int isnum;
    lua_Integer v = lua_tointegerx(L, -1, &isnum);
    if (!isnum || v < 1 || v > (lua_Integer)UINT32_MAX)
      lerror(L, "connection list: %s[%zu] must be a 1-based index", key, i + 1);
    a[i] = (uint32_t)(v - 1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  *n = len;
  return a;
}

static void read_conn(lua_State *L, int t, ap_conn_spec *c) {
  memset(c, 0, sizeof *c);
  c->allow_autapses = c->allow_multapses = 1;
  if (lua_type(L, t) == LUA_TSTRING) {
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, t);
    lua_setfield(L, -2, "rule");
    lua_replace(L, t);
  }
  if (lua_type(L, t) != LUA_TTABLE)
    lerror(L, "connection spec must be a table such as { rule = "
           "\"fixed_probability\", p = 0.1 } or a rule name");
  check_keys(L, t, conn_keys, "connection spec");
  if (lua_getfield(L, t, "rule") != LUA_TSTRING)
    lerror(L, "connection spec needs a rule (all_to_all, one_to_one, "
           "fixed_probability, fixed_indegree, fixed_outdegree, "
           "fixed_total_number, list)");
  const char *name = lua_tostring(L, -1);
  int rule = ap_conn_rule_from_name(name);
  if (rule < 0) {
    const char *cand[7];
    for (int i = 0; i < 7; i++) cand[i] = ap_conn_rule_name(i);
    const char *close = ap_closest(name, cand, 7);
    lerror(L, "unknown connection rule '%s'%s%s%s; rules: all_to_all, "
           "one_to_one, fixed_probability, fixed_indegree, fixed_outdegree, "
           "fixed_total_number, list", name, close ? " (did you mean '" : "",
           close ? close : "", close ? "'?)" : "");
  }
  lua_pop(L, 1);
  c->rule = rule;
  c->allow_autapses = opt_bool(L, t, "allow_autapses", 1);
  c->allow_multapses = opt_bool(L, t, "allow_multapses", 1);
  switch (rule) {
    case AP_CONN_FIXED_PROBABILITY: {
      if (lua_getfield(L, t, "p") != LUA_TNUMBER)
        lerror(L, "connection rule fixed_probability needs 'p', a number in "
               "[0, 1]");
      c->p = lua_tonumber(L, -1);
      lua_pop(L, 1);
      if (!(c->p >= 0 && c->p <= 1))
        lerror(L, "connection rule fixed_probability: 'p' must be in [0, 1], "
               "got %g", c->p);
      break;
    }
    case AP_CONN_FIXED_INDEGREE:
      c->k = need_count(L, t, "indegree", name);
      break;
    case AP_CONN_FIXED_OUTDEGREE:
      c->k = need_count(L, t, "outdegree", name);
      break;
    case AP_CONN_FIXED_TOTAL_NUMBER:
      c->k = need_count(L, t, "N", name);
      break;
    case AP_CONN_LIST: {
      size_t a, b;
      uint32_t *pre = index_list(L, t, "pre", &a);
      uint32_t *post = index_list(L, t, "post", &b);
      if (a != b)
        lerror(L, "connection list: pre has %zu entries and post %zu", a, b);
      c->pre = pre;
      c->post = post;
      c->n_list = a;
      break;
    }
    default:
      break;
  }
}

/* A model given as "name" or { "name", key = number, ... } at index i
 * (what: "synapse" or "learning"). */
static void read_model(lua_State *L, int i, const char *what,
                       const char **name, const char *const **keys,
                       const double **vals, size_t *n) {
  *n = 0;
  if (lua_type(L, i) == LUA_TSTRING) {
    *name = lua_tostring(L, i);
    return;
  }
  if (lua_type(L, i) != LUA_TTABLE)
    lerror(L, "synapse spec: '%s' must be a name or a table { \"name\", "
           "param = value, ... }", what);
  int t = lua_absindex(L, i);
  if (lua_rawgeti(L, t, 1) != LUA_TSTRING)
    lerror(L, "synapse spec: %s = { \"name\", param = value, ... } needs "
           "the name first", what);
  *name = lua_tostring(L, -1);
  lua_pop(L, 1); /* the table keeps the string alive */
  size_t cap = 0;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    cap++;
    lua_pop(L, 1);
  }
  const char **k = scratch(L, cap * sizeof *k);
  double *v = scratch(L, cap * sizeof *v);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    if (lua_type(L, -2) == LUA_TSTRING) {
      int isnum;
      double x = lua_tonumberx(L, -1, &isnum);
      if (!isnum)
        lerror(L, "%s parameter '%s' must be a number",
               strcmp(what, "learning") ? "synapse" : "learning rule",
               lua_tostring(L, -2));
      k[*n] = lua_tostring(L, -2);
      v[(*n)++] = x;
    }
    lua_pop(L, 1);
  }
  *keys = k;
  *vals = v;
}

/* ap.connect(pre, modulator, { weight = w }): each spike releases w. */
static int connect_modulator(lua_State *L) {
  lstate *s = get_state(L);
  lpop *pre = check_pop(L, 1);
  lmod *m = check_mod(L, 2);
  int t = lua_istable(L, 3) && !lua_isnoneornil(L, 4) ? 4 : 3;
  double w = 1.0;
  if (!lua_isnoneornil(L, t)) {
    luaL_checktype(L, t, LUA_TTABLE);
    static const char *const keys[] = {"weight", NULL};
    check_keys(L, t, keys, "modulator connection spec");
    if (lua_getfield(L, t, "weight") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lerror(L, "modulator connection: 'weight' must be a number "
                      "(the amount each spike releases)");
      w = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
  }
  if (ap_mod_connect(s->sim, pre->ref, m->mod, w)) return sim_error(L, s->sim);
  return 0;
}

static int l_connect(lua_State *L) {
  lstate *s = get_state(L);
  if (luaL_testudata(L, 2, MOD_MT)) return connect_modulator(L);
  lua_settop(L, 4); /* the specs keep slots 3 and 4; scratch goes above */
  lpop *pre = check_pop(L, 1);
  lpop *post = check_pop(L, 2);
  if (lua_isnoneornil(L, 3)) {
    lua_pushliteral(L, "all_to_all");
    lua_replace(L, 3);
  }
  ap_conn_spec c;
  read_conn(L, 3, &c);
  ap_syn_spec sp;
  memset(&sp, 0, sizeof sp);
  sp.weight = (ap_value){0};
  sp.weight.a = 1.0;
  sp.delay = (ap_value){0};
  sp.delay.a = 1.0; /* ms, as NEST */
  if (!lua_isnoneornil(L, 4)) {
    luaL_checktype(L, 4, LUA_TTABLE);
    check_keys(L, 4, syn_keys, "synapse spec");
    if (lua_getfield(L, 4, "weight") != LUA_TNIL)
      sp.weight = check_value(L, -1, "synapse parameter 'weight'");
    if (lua_getfield(L, 4, "delay") != LUA_TNIL)
      sp.delay = check_value(L, -1, "synapse parameter 'delay'");
    if (lua_getfield(L, 4, "port") != LUA_TNIL) {
      if (lua_type(L, -1) != LUA_TSTRING)
        return lerror(L, "synapse spec: 'port' must be a port name");
      sp.port = lua_tostring(L, -1);
    }
    if (lua_getfield(L, 4, "synapse") != LUA_TNIL)
      read_model(L, -1, "synapse", &sp.synapse, &sp.keys, &sp.values,
                 &sp.n_keys);
    if (lua_getfield(L, 4, "learning") != LUA_TNIL)
      read_model(L, -1, "learning", &sp.rule, &sp.rule_keys, &sp.rule_values,
                 &sp.n_rule_keys);
    int ty = lua_getfield(L, 4, "modulator");
    if (ty == LUA_TUSERDATA) {
      size_t *m = scratch(L, sizeof *m);
      *m = check_mod(L, -2)->mod;
      sp.modulators = m;
      sp.n_modulators = 1;
    } else if (ty == LUA_TTABLE) {
      int t = lua_gettop(L);
      size_t n = lua_rawlen(L, t);
      size_t *m = scratch(L, (n ? n : 1) * sizeof *m);
      for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        lmod *x = luaL_testudata(L, -1, MOD_MT);
        if (!x)
          return lerror(L, "synapse spec: modulator[%zu] is not a modulator "
                        "(make one with ap.modulator)", i + 1);
        m[i] = x->mod;
        lua_pop(L, 1);
      }
      sp.modulators = m;
      sp.n_modulators = n;
    } else if (ty != LUA_TNIL) {
      return lerror(L, "synapse spec: 'modulator' must be a modulator (from "
                    "ap.modulator) or a table of them");
    }
    if (lua_getfield(L, 4, "p_release") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lerror(L, "synapse parameter 'p_release' must be a number in "
                      "[0, 1]");
      sp.has_p_release = 1;
      sp.p_release = lua_tonumber(L, -1);
    }
  }
  size_t idx;
  if (ap_sim_connect(s->sim, pre->ref, post->ref, &c, &sp, &idx))
    return sim_error(L, s->sim);
  lproj *p = lua_newuserdatauv(L, sizeof *p, 0);
  p->proj = idx;
  luaL_setmetatable(L, PROJ_MT);
  return 1;
}

static int proj_len(lua_State *L) {
  lproj *p = check_proj(L, 1);
  lua_pushinteger(L, (lua_Integer)ap_proj_size(get_state(L)->sim, p->proj));
  return 1;
}

static void push_u32_table(lua_State *L, const uint32_t *a, size_t n) {
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushinteger(L, (lua_Integer)a[i] + 1);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

static void push_f64_table(lua_State *L, const double *a, size_t n,
                           size_t stride) {
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushnumber(L, a[i * stride]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

static int proj_pairs(lua_State *L) {
  lproj *p = check_proj(L, 1);
  ap_sim *sim = get_state(L)->sim;
  size_t n = ap_proj_size(sim, p->proj);
  uint32_t *pre = scratch(L, n * sizeof *pre);
  uint32_t *post = scratch(L, n * sizeof *post);
  ap_proj_pairs(sim, p->proj, pre, post);
  push_u32_table(L, pre, n);
  push_u32_table(L, post, n);
  return 2;
}

static int proj_values(lua_State *L, int delays) {
  lproj *p = check_proj(L, 1);
  ap_sim *sim = get_state(L)->sim;
  size_t n = ap_proj_size(sim, p->proj);
  double *w = scratch(L, n * sizeof *w);
  if (delays) ap_proj_delays(sim, p->proj, w);
  else ap_proj_weights(sim, p->proj, w);
  push_f64_table(L, w, n, 1);
  return 1;
}
static int proj_weights(lua_State *L) { return proj_values(L, 0); }
static int proj_delays(lua_State *L) { return proj_values(L, 1); }

/* Resolve a relative output path against the output_dir setting. */
static const char *out_path(lua_State *L, ap_sim *sim, const char *path) {
  const char *dir = ap_sim_settings(sim)->output_dir;
  if (path[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0) return path;
  lua_pushfstring(L, "%s/%s", dir, path);
  return lua_tostring(L, -1);
}

/* proj:set_weights(table in pairs() order, or one number for all) */
static int proj_set_weights(lua_State *L) {
  lproj *p = check_proj(L, 1);
  ap_sim *sim = get_state(L)->sim;
  size_t n = ap_proj_size(sim, p->proj);
  double *w = scratch(L, (n ? n : 1) * sizeof *w);
  if (lua_type(L, 2) == LUA_TNUMBER) {
    for (size_t i = 0; i < n; i++) w[i] = lua_tonumber(L, 2);
  } else if (lua_type(L, 2) == LUA_TTABLE) {
    if (lua_rawlen(L, 2) != n)
      return lerror(L, "set_weights: the table has %zu weights and the "
                    "projection %zu synapses", (size_t)lua_rawlen(L, 2), n);
    for (size_t i = 0; i < n; i++) {
      lua_rawgeti(L, 2, (lua_Integer)i + 1);
      int isnum;
      w[i] = lua_tonumberx(L, -1, &isnum);
      if (!isnum) return lerror(L, "set_weights: weight %zu is not a number",
                                i + 1);
      lua_pop(L, 1);
    }
  } else {
    return lerror(L, "set_weights: give a table of weights in pairs() order "
                  "or one number");
  }
  if (ap_proj_set_weights(sim, p->proj, w)) return sim_error(L, sim);
  return 0;
}

static int proj_save(lua_State *L) {
  lproj *p = check_proj(L, 1);
  ap_sim *sim = get_state(L)->sim;
  const char *path = out_path(L, sim, luaL_checkstring(L, 2));
  if (ap_proj_save(sim, p->proj, path)) return sim_error(L, sim);
  return 0;
}

static int proj_rule(lua_State *L) {
  lproj *p = check_proj(L, 1);
  const char *r = ap_proj_rule(get_state(L)->sim, p->proj);
  if (r) lua_pushstring(L, r);
  else lua_pushnil(L);
  return 1;
}

/* proj:mirror(src): this projection's weights follow src's, transposed. */
static int proj_mirror(lua_State *L) {
  lproj *p = check_proj(L, 1);
  lproj *src = check_proj(L, 2);
  ap_sim *sim = get_state(L)->sim;
  if (ap_proj_mirror(sim, p->proj, src->proj)) return sim_error(L, sim);
  return 0;
}

/* proj:rule_var(name): a learning rule's per-neuron variable, as a table
 * indexed by postsynaptic neuron. */
static int proj_rule_var(lua_State *L) {
  lproj *p = check_proj(L, 1);
  const char *name = luaL_checkstring(L, 2);
  ap_sim *sim = get_state(L)->sim;
  size_t n = 0;
  if (ap_proj_rule_var(sim, p->proj, name, NULL, &n)) return sim_error(L, sim);
  double *v = scratch(L, (n ? n : 1) * sizeof *v);
  ap_proj_rule_var(sim, p->proj, name, v, &n);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushnumber(L, v[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int proj_port(lua_State *L) {
  lproj *p = check_proj(L, 1);
  lua_pushstring(L, ap_proj_port(get_state(L)->sim, p->proj));
  return 1;
}

static int proj_synapse(lua_State *L) {
  lproj *p = check_proj(L, 1);
  lua_pushstring(L, ap_proj_synapse(get_state(L)->sim, p->proj));
  return 1;
}

static int proj_tostring(lua_State *L) {
  lproj *p = check_proj(L, 1);
  lua_pushfstring(L, "Projection %d (%d synapses)", (int)p->proj + 1,
                  (int)ap_proj_size(get_state(L)->sim, p->proj));
  return 1;
}

/* -------------------------------------------------------------- recording */

static void push_rec(lua_State *L, size_t idx) {
  lrec *r = lua_newuserdatauv(L, sizeof *r, 0);
  r->rec = idx;
  luaL_setmetatable(L, REC_MT);
}

/* ap.record(proj, "weight", { interval = ms, synapses = { k, ... },
 * file = path }) */
static int record_weights(lua_State *L) {
  lstate *s = get_state(L);
  lproj *p = check_proj(L, 1);
  const char *what = luaL_checkstring(L, 2);
  if (strcmp(what, "weight"))
    return lerror(L, "a projection records \"weight\", not '%s'", what);
  double interval = 1.0;
  const char *file = NULL;
  size_t n = ap_proj_size(s->sim, p->proj), k = n;
  size_t *syn = NULL;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const keys[] = {"interval", "synapses", "file", NULL};
    check_keys(L, 3, keys, "weight recording options");
    if (lua_getfield(L, 3, "interval") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lerror(L, "recording option 'interval' must be a number (ms)");
      interval = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 3, "file") != LUA_TNIL) {
      if (lua_type(L, -1) != LUA_TSTRING)
        return lerror(L, "recording option 'file' must be a path");
      file = out_path(L, s->sim, lua_tostring(L, -1));
    }
    if (lua_getfield(L, 3, "synapses") != LUA_TNIL) {
      if (!lua_istable(L, -1))
        return lerror(L, "recording option 'synapses' must be a table of "
                      "1-based synapse indices (pairs() order)");
      int t = lua_gettop(L);
      k = lua_rawlen(L, t);
      syn = scratch(L, (k ? k : 1) * sizeof *syn);
      for (size_t i = 0; i < k; i++) {
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        int isnum;
        lua_Integer v = lua_tointegerx(L, -1, &isnum);
        if (!isnum || v < 1)
          return lerror(L, "recording option 'synapses': entry %zu must be a "
                        "1-based synapse index", i + 1);
        syn[i] = (size_t)(v - 1);
        lua_pop(L, 1);
      }
    }
  }
  if (!syn) {
    syn = scratch(L, (k ? k : 1) * sizeof *syn);
    for (size_t i = 0; i < k; i++) syn[i] = i;
  }
  size_t idx;
  if (ap_sim_record_weights(s->sim, p->proj, syn, k, interval, file, &idx))
    return sim_error(L, s->sim);
  push_rec(L, idx);
  return 1;
}

/* ap.record(pop, "rate", { bin = ms, file = path }) */
static int record_rate(lua_State *L) {
  lstate *s = get_state(L);
  lpop *p = check_pop(L, 1);
  double bin = 1.0;
  const char *file = NULL;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const keys[] = {"bin", "file", NULL};
    check_keys(L, 3, keys, "rate recording options");
    if (lua_getfield(L, 3, "bin") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lerror(L, "recording option 'bin' must be a number (ms)");
      bin = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 3, "file") != LUA_TNIL) {
      if (lua_type(L, -1) != LUA_TSTRING)
        return lerror(L, "recording option 'file' must be a path");
      file = out_path(L, s->sim, lua_tostring(L, -1));
    }
  }
  size_t idx;
  if (ap_sim_record_rate(s->sim, p->ref, bin, file, &idx))
    return sim_error(L, s->sim);
  push_rec(L, idx);
  return 1;
}

static int l_record(lua_State *L) {
  lstate *s = get_state(L);
  if (luaL_testudata(L, 1, PROJ_MT)) return record_weights(L);
  lpop *p = check_pop(L, 1);
  const char *what = luaL_checkstring(L, 2);
  if (!strcmp(what, "rate")) return record_rate(L);
  double interval = 1.0;
  const char *file = NULL;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const rec_keys[] = {"interval", "file", NULL};
    check_keys(L, 3, rec_keys, "recording options");
    if (lua_getfield(L, 3, "interval") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lerror(L, "recording option 'interval' must be a number (ms)");
      interval = lua_tonumber(L, -1);
    }
    if (lua_getfield(L, 3, "file") != LUA_TNIL) {
      if (lua_type(L, -1) != LUA_TSTRING)
        return lerror(L, "recording option 'file' must be a path");
      file = out_path(L, s->sim, lua_tostring(L, -1));
    }
  }
  size_t idx;
  if (ap_sim_record(s->sim, p->ref, what, interval, file, &idx))
    return sim_error(L, s->sim);
  lrec *r = lua_newuserdatauv(L, sizeof *r, 0);
  r->rec = idx;
  luaL_setmetatable(L, REC_MT);
  return 1;
}

static ap_recorder *rec_of(lua_State *L, int i) {
  return ap_sim_recorder(get_state(L)->sim, check_rec(L, i)->rec);
}

static int rec_count(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)ap_rec_count(rec_of(L, 1)));
  return 1;
}

/* Optional argument 2: the 1-based index of the first entry wanted, so
 * that a closed-loop script can read only what is new. */
static size_t from_index(lua_State *L, size_t count) {
  lua_Integer k = luaL_optinteger(L, 2, 1);
  if (k < 1) luaL_argerror(L, 2, "the first entry is 1-based");
  return (size_t)k - 1 < count ? (size_t)k - 1 : count;
}

static int rec_times(lua_State *L) {
  ap_recorder *r = rec_of(L, 1);
  size_t n = ap_rec_count(r), k = from_index(L, n);
  push_f64_table(L, ap_rec_times(r) + k, n - k, 1);
  return 1;
}

static int rec_senders(lua_State *L) {
  ap_recorder *r = rec_of(L, 1);
  if (ap_rec_kind_of(r) != AP_REC_SPIKES)
    return lerror(L, "senders() is for spike recorders; this one records %s",
                  ap_rec_var(r));
  const uint32_t *snd = ap_rec_senders(r);
  size_t n = ap_rec_count(r), k = from_index(L, n);
  snd += k;
  n -= k;
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushinteger(L, (lua_Integer)snd[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int rec_values(lua_State *L) {
  ap_recorder *r = rec_of(L, 1);
  if (ap_rec_kind_of(r) != AP_REC_STATE)
    return lerror(L, "values() is for state recorders; use times() and "
                  "senders() for spikes");
  size_t rows = ap_rec_count(r), w = ap_rec_width(r);
  const double *v = ap_rec_values(r);
  /* values()[neuron][sample]: one trace per recorded neuron. */
  lua_createtable(L, (int)w, 0);
  for (size_t j = 0; j < w; j++) {
    push_f64_table(L, v ? v + j : NULL, v ? rows : 0, w);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  return 1;
}

static int rec_rate(lua_State *L) {
  ap_recorder *r = rec_of(L, 1);
  if (ap_rec_kind_of(r) != AP_REC_SPIKES)
    return lerror(L, "rate() is for spike recorders");
  lua_pushnumber(L, ap_rec_rate(r));
  return 1;
}

static int rec_save(lua_State *L) {
  lrec *r = check_rec(L, 1);
  ap_sim *sim = get_state(L)->sim;
  const char *path = out_path(L, sim, luaL_checkstring(L, 2));
  if (ap_sim_save(sim, r->rec, path)) return sim_error(L, sim);
  return 0;
}

static int rec_tostring(lua_State *L) {
  ap_recorder *r = rec_of(L, 1);
  lua_pushfstring(L, "Recorder of %s (%d %s)",
                  ap_rec_kind_of(r) == AP_REC_SPIKES ? "spikes" : ap_rec_var(r),
                  (int)ap_rec_count(r),
                  ap_rec_kind_of(r) == AP_REC_SPIKES ? "spikes" : "samples");
  return 1;
}

/* -------------------------------------------------------------- scheduler */

static int64_t to_steps(lua_State *L, double ms, const char *what) {
  lstate *s = get_state(L);
  double dt = ap_sim_dt(s->sim);
  double q = ms / dt;
  int64_t k = llround(q);
  if (!(ms >= 0) || !isfinite(ms) || fabs(q - (double)k) > 1e-6 * (q > 1 ? q : 1))
    lerror(L, "%s: %g ms is not a non-negative multiple of dt = %g ms", what,
           ms, dt);
  return k;
}

static int add_callback(lua_State *L, int64_t next, int64_t period) {
  lstate *s = get_state(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  if (s->n_cbs == s->cap_cbs) {
    size_t cap = s->cap_cbs ? 2 * s->cap_cbs : 8;
    callback *c = realloc(s->cbs, cap * sizeof *c);
    if (!c) return lerror(L, "out of memory");
    s->cbs = c;
    s->cap_cbs = cap;
  }
  lua_pushvalue(L, 2);
  callback *c = &s->cbs[s->n_cbs++];
  c->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  c->next = next;
  c->period = period;
  c->done = 0;
  return 0;
}

static int l_every(lua_State *L) {
  lstate *s = get_state(L);
  int64_t k = to_steps(L, luaL_checknumber(L, 1), "ap.every");
  if (k < 1) return lerror(L, "ap.every: the period must be at least dt");
  return add_callback(L, ap_sim_step(s->sim) + k, k);
}

static int l_at(lua_State *L) {
  lstate *s = get_state(L);
  int64_t k = to_steps(L, luaL_checknumber(L, 1), "ap.at");
  if (k < ap_sim_step(s->sim))
    return lerror(L, "ap.at: %g ms is in the past (now %g ms)",
                  luaL_checknumber(L, 1),
                  (double)ap_sim_step(s->sim) * ap_sim_dt(s->sim));
  return add_callback(L, k, 0);
}

static double wall_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ap.clock(): seconds of wall-clock time from an arbitrary start (a
 * monotonic clock), for scripts that time their parts. */
static int l_clock(lua_State *L) {
  lua_pushnumber(L, wall_now());
  return 1;
}

static void progress(void *ctx, int64_t step) {
  lstate *s = ctx;
  double now = wall_now();
  if (now - s->last_progress < 0.25) return;
  s->last_progress = now;
  double dt = ap_sim_dt(s->sim);
  int64_t span = s->run_end - s->run_start;
  fprintf(stderr, "\r[%3.0f%%] t = %.1f / %.1f ms ",
          100.0 * (double)(step - s->run_start) / (double)(span ? span : 1),
          (double)step * dt, (double)s->run_end * dt);
  fflush(stderr);
  s->progress_shown = 1;
}

/* Run `steps` steps, calling the callbacks that fall due on the way. */
static int run_steps(lua_State *L, lstate *s, int64_t steps) {
  int64_t now = ap_sim_step(s->sim), end = now + steps;
  s->run_start = now;
  s->run_end = end;
  s->last_progress = wall_now();
  for (;;) {
    int64_t next = end;
    for (size_t i = 0; i < s->n_cbs; i++)
      if (!s->cbs[i].done && s->cbs[i].next < next) next = s->cbs[i].next;
    if (next > now) {
      if (ap_sim_run_steps(s->sim, next - now)) {
        if (s->progress_shown) fputc('\n', stderr);
        return sim_error(L, s->sim);
      }
      now = next;
    }
    /* Callbacks due now, in the order they were made. */
    for (size_t i = 0; i < s->n_cbs; i++) {
      callback *c = &s->cbs[i];
      if (c->done || c->next != now) continue;
      if (c->period) c->next += c->period;
      else c->done = 1;
      lua_rawgeti(L, LUA_REGISTRYINDEX, c->ref);
      lua_pushnumber(L, (double)now * ap_sim_dt(s->sim));
      s->in_callback++;
      int rc = lua_pcall(L, 1, 0, 0);
      s->in_callback--;
      if (rc != LUA_OK) return lua_error(L);
    }
    if (now >= end) break;
  }
  if (s->progress_shown) {
    fprintf(stderr, "\r%60s\r", "");
    s->progress_shown = 0;
  }
  return 0;
}

static int l_run(lua_State *L) {
  lstate *s = get_state(L);
  if (s->in_callback)
    return lerror(L, "ap.run: a callback (ap.every, ap.at) cannot run the "
                  "simulation; it runs between steps of the ap.run or "
                  "ap.phase that called it");
  return run_steps(L, s, to_steps(L, luaL_checknumber(L, 1), "ap.run"));
}

/* ap.phase(name, duration_ms [, { window = ms }]): run a named phase whose
 * integration window opens `window` ms after its start. */
static int l_phase(lua_State *L) {
  lstate *s = get_state(L);
  const char *name = luaL_checkstring(L, 1);
  if (s->in_callback)
    return lerror(L, "ap.phase: a callback (ap.every, ap.at) cannot run a "
                  "phase; it runs between steps of the ap.run or ap.phase "
                  "that called it");
  int64_t steps = to_steps(L, luaL_checknumber(L, 2), "ap.phase");
  int64_t from = 0;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const keys[] = {"window", NULL};
    check_keys(L, 3, keys, "phase options");
    if (lua_getfield(L, 3, "window") != LUA_TNIL) {
      int isnum;
      double w = lua_tonumberx(L, -1, &isnum);
      if (!isnum) return lerror(L, "ap.phase: window must be a time in ms");
      from = to_steps(L, w, "ap.phase: window");
    }
    lua_pop(L, 1);
  }
  if (ap_sim_phase_begin(s->sim, name, steps, from)) return sim_error(L, s->sim);
  run_steps(L, s, steps);
  if (ap_sim_phase_end(s->sim)) return sim_error(L, s->sim);
  return 0;
}

/* ap.phase_name(): the phase under way, or nil. */
static int l_phase_name(lua_State *L) {
  const char *n = ap_sim_phase_name(get_state(L)->sim);
  if (n) lua_pushstring(L, n);
  else lua_pushnil(L);
  return 1;
}

static int l_now(lua_State *L) {
  lstate *s = get_state(L);
  lua_pushnumber(L, (double)ap_sim_step(s->sim) * ap_sim_dt(s->sim));
  return 1;
}

/* ap.start_at(ms): the clock starts at ms (a multiple of dt), before the
 * first run. */
static int l_start_at(lua_State *L) {
  lstate *s = get_state(L);
  const double ms = luaL_checknumber(L, 1), dt = ap_sim_dt(s->sim);
  const double q = ms / dt, r = floor(q + 0.5);
  if (!(ms >= 0.0) || fabs(q - r) > 1e-9 * (q > 1.0 ? q : 1.0))
    return lerror(L, "ap.start_at: %g ms is not a non-negative multiple of "
                  "dt = %g ms", ms, dt);
  if (ap_sim_start_at(s->sim, (int64_t)r)) return sim_error(L, s->sim);
  return 0;
}

static int l_dt(lua_State *L) {
  lua_pushnumber(L, ap_sim_dt(get_state(L)->sim));
  return 1;
}

/* ------------------------------------------------------------- modulators */

/* ap.modulator(name, { tau = ms, baseline = level }) */
static int l_modulator(lua_State *L) {
  lstate *s = get_state(L);
  const char *name = luaL_checkstring(L, 1);
  double tau = 200.0, baseline = 0.0;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    static const char *const keys[] = {"tau", "baseline", NULL};
    check_keys(L, 2, keys, "modulator options");
    if (lua_getfield(L, 2, "tau") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lerror(L, "modulator option 'tau' must be a number (ms)");
      tau = lua_tonumber(L, -1);
    }
    if (lua_getfield(L, 2, "baseline") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lerror(L, "modulator option 'baseline' must be a number");
      baseline = lua_tonumber(L, -1);
    }
    lua_pop(L, 2);
  }
  size_t idx;
  if (ap_sim_modulator(s->sim, name, tau, baseline, &idx))
    return sim_error(L, s->sim);
  lmod *m = lua_newuserdatauv(L, sizeof *m, 0);
  m->mod = idx;
  luaL_setmetatable(L, MOD_MT);
  return 1;
}

static int mod_release(lua_State *L) {
  lmod *m = check_mod(L, 1);
  double amount = luaL_checknumber(L, 2);
  ap_sim *sim = get_state(L)->sim;
  if (ap_mod_release(sim, m->mod, amount)) return sim_error(L, sim);
  return 0;
}

static int mod_level(lua_State *L) {
  lmod *m = check_mod(L, 1);
  lua_pushnumber(L, ap_mod_level(get_state(L)->sim, m->mod));
  return 1;
}

static int mod_name(lua_State *L) {
  lmod *m = check_mod(L, 1);
  lua_pushstring(L, ap_mod_name(get_state(L)->sim, m->mod));
  return 1;
}

static int mod_tostring(lua_State *L) {
  lmod *m = check_mod(L, 1);
  ap_sim *sim = get_state(L)->sim;
  lua_pushfstring(L, "Modulator %s (level %f)", ap_mod_name(sim, m->mod),
                  ap_mod_level(sim, m->mod));
  return 1;
}

/* -------------------------------------------------------------- data sets */

static lds *check_ds(lua_State *L, int i) {
  lds *d = luaL_checkudata(L, i, DS_MT);
  if (!d->ds) lerror(L, "the data set was closed");
  return d;
}

/* A new Dataset userdata for the files: made before the files are read,
 * so that it owns them from the start (lerror longjmps). */
static int open_dataset(lua_State *L, const char *images, const char *labels) {
  lds *d = lua_newuserdatauv(L, sizeof *d, 0);
  d->ds = NULL;
  luaL_setmetatable(L, DS_MT);
  char err[1024];
  d->ds = ap_dataset_open(images, labels, err, sizeof err);
  if (!d->ds) return lerror(L, "ap.dataset: %s", err);
  return 1;
}

/* The named sets and the setting that says where each lives. */
static const struct named_set {
  const char *name, *setting;
  const char *package; /* the Debian package that installs it, or NULL */
} named_sets[] = {
    {"fashion", "fashion_dir", "dataset-fashion-mnist"},
    {"mnist", "mnist_dir", NULL},
};
#define N_NAMED_SETS (sizeof named_sets / sizeof *named_sets)

static int is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* DIR/BASE.gz if it exists, else DIR/BASE if it exists (pushed on the
 * stack), else NULL (nothing pushed). */
static const char *find_idx(lua_State *L, const char *dir, const char *base) {
  const char *gz = lua_pushfstring(L, "%s/%s.gz", dir, base);
  if (is_file(gz)) return gz;
  lua_pop(L, 1);
  const char *plain = lua_pushfstring(L, "%s/%s", dir, base);
  if (is_file(plain)) return plain;
  lua_pop(L, 1);
  return NULL;
}

/* ap.dataset("fashion" | "mnist", "train" | "test") */
static int named_dataset(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  const char *split = luaL_checkstring(L, 2);
  const struct named_set *set = NULL;
  for (size_t i = 0; i < N_NAMED_SETS; i++)
    if (strcmp(name, named_sets[i].name) == 0) set = &named_sets[i];
  if (!set) {
    const char *cand[N_NAMED_SETS];
    for (size_t i = 0; i < N_NAMED_SETS; i++) cand[i] = named_sets[i].name;
    const char *close = ap_closest(name, cand, N_NAMED_SETS);
    return lerror(L, "ap.dataset: unknown data set '%s'%s%s%s; named sets: "
                  "fashion, mnist; other IDX files: ap.dataset{ images = "
                  "path, labels = path }", name,
                  close ? " (did you mean '" : "", close ? close : "",
                  close ? "'?)" : "");
  }
  const char *prefix = strcmp(split, "train") == 0  ? "train"
                       : strcmp(split, "test") == 0 ? "t10k"
                                                    : NULL;
  if (!prefix)
    return lerror(L, "ap.dataset: the %s set has the splits \"train\" and "
                  "\"test\", not '%s'", name, split);

  ap_settings *st = ap_sim_settings(get_state(L)->sim);
  const char *dir = strcmp(set->setting, "fashion_dir") == 0 ? st->fashion_dir
                                                              : st->mnist_dir;
  char images[64], labels[64], remedy[512];
  ap_fmt(images, sizeof images, "%s-images-idx3-ubyte", prefix);
  ap_fmt(labels, sizeof labels, "%s-labels-idx1-ubyte", prefix);
  /* What to do about a missing set, said the same way in every case. */
  ap_fmt(remedy, sizeof remedy, "%s%s%sset %s to the folder that holds "
         "%s.gz (--set %s=DIR, ap.setup{ %s = DIR } or the config file)",
         set->package ? "install the Debian package " : "",
         set->package ? set->package : "", set->package ? ", or " : "",
         set->setting, images, set->setting, set->setting);
  if (!dir || !dir[0])
    return lerror(L, "ap.dataset: no folder is configured for the %s set; "
                  "%s", name, remedy);
  struct stat sb;
  int exists = stat(dir, &sb) == 0;
  if (!exists || !S_ISDIR(sb.st_mode))
    return lerror(L, "ap.dataset: no %s set: the folder '%s' (setting %s) "
                  "%s; %s", name, dir, set->setting,
                  exists ? "is not a folder" : "does not exist", remedy);
  const char *img = find_idx(L, dir, images);
  if (!img)
    return lerror(L, "ap.dataset: no %s %s set in '%s' (setting %s): "
                  "neither %s.gz nor %s is there; %s", name, split, dir,
                  set->setting, images, images, remedy);
  const char *lab = find_idx(L, dir, labels);
  if (!lab)
    return lerror(L, "ap.dataset: the %s %s set in '%s' (setting %s) has "
                  "images but neither %s.gz nor %s", name, split, dir,
                  set->setting, labels, labels);
  return open_dataset(L, img, lab);
}

/* ap.dataset{ images = path [, labels = path] } or ap.dataset(name, split) */
static int l_dataset(lua_State *L) {
  if (lua_type(L, 1) == LUA_TSTRING) return named_dataset(L);
  if (lua_type(L, 1) != LUA_TTABLE)
    return lerror(L, "ap.dataset: give { images = path [, labels = path] } "
                  "or a named set and a split, such as (\"fashion\", "
                  "\"train\"); got a %s", luaL_typename(L, 1));
  static const char *const keys[] = {"images", "labels", NULL};
  check_keys(L, 1, keys, "ap.dataset options");
  if (lua_getfield(L, 1, "images") != LUA_TSTRING)
    return lerror(L, "ap.dataset: 'images' must be the path of an IDX image "
                  "file, got a %s", luaL_typename(L, -1));
  const char *images = lua_tostring(L, -1);
  const char *labels = NULL;
  int ty = lua_getfield(L, 1, "labels");
  if (ty == LUA_TSTRING) labels = lua_tostring(L, -1);
  else if (ty != LUA_TNIL)
    return lerror(L, "ap.dataset: 'labels' must be the path of an IDX label "
                  "file, got a %s", luaL_typename(L, -1));
  return open_dataset(L, images, labels);
}

/* The 0-based index of the 1-based argument i, checked against the set. */
static size_t ds_index(lua_State *L, const ap_dataset *ds, int i,
                       const char *what) {
  lua_Integer k = luaL_checkinteger(L, i);
  size_t n = ap_dataset_count(ds);
  if (k < 1 || (lua_Unsigned)k > n)
    lerror(L, "%s: index %lld is outside 1..%zu", what, (long long)k, n);
  return (size_t)k - 1;
}

static const ap_dataset *labelled(lua_State *L, int i, const char *what) {
  const ap_dataset *ds = check_ds(L, i)->ds;
  if (!ap_dataset_has_labels(ds))
    lerror(L, "%s: this data set has no labels (open it with ap.dataset{ "
           "images = ..., labels = ... })", what);
  return ds;
}

static int ds_count(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)ap_dataset_count(check_ds(L, 1)->ds));
  return 1;
}

static int ds_rows(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)ap_dataset_rows(check_ds(L, 1)->ds));
  return 1;
}

static int ds_cols(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)ap_dataset_cols(check_ds(L, 1)->ds));
  return 1;
}

/* ds:image(i [, scale]): pixels / 255 * scale, row after row, so that
 * pop:set{ rate = ds:image(i, 100) } drives one neuron per pixel. */
static int ds_image(lua_State *L) {
  const ap_dataset *ds = check_ds(L, 1)->ds;
  size_t k = ds_index(L, ds, 2, "image");
  double scale = luaL_optnumber(L, 3, 1.0);
  if (!isfinite(scale))
    return lerror(L, "image: the scale must be a finite number, got %g",
                  scale);
  size_t n = ap_dataset_rows(ds) * ap_dataset_cols(ds);
  const uint8_t *px = ap_dataset_image(ds, k);
  lua_createtable(L, n < INT_MAX ? (int)n : 0, 0);
  for (size_t j = 0; j < n; j++) {
    lua_pushnumber(L, (double)px[j] / 255.0 * scale);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  return 1;
}

static int ds_label(lua_State *L) {
  const ap_dataset *ds = labelled(L, 1, "label");
  size_t k = ds_index(L, ds, 2, "label");
  lua_pushinteger(L, ap_dataset_label(ds, k));
  return 1;
}

static int ds_labels(lua_State *L) {
  const ap_dataset *ds = labelled(L, 1, "labels");
  size_t n = ap_dataset_count(ds);
  lua_createtable(L, n < INT_MAX ? (int)n : 0, 0);
  for (size_t j = 0; j < n; j++) {
    lua_pushinteger(L, ap_dataset_label(ds, j));
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  return 1;
}

static int ds_tostring(lua_State *L) {
  const ap_dataset *ds = check_ds(L, 1)->ds;
  const char *path = ap_dataset_images_path(ds);
  const char *slash = strrchr(path, '/');
  lua_pushfstring(L, "Dataset %I images %Ix%I (%s)",
                  (lua_Integer)ap_dataset_count(ds),
                  (lua_Integer)ap_dataset_rows(ds),
                  (lua_Integer)ap_dataset_cols(ds), slash ? slash + 1 : path);
  return 1;
}

static int ds_gc(lua_State *L) {
  lds *d = luaL_checkudata(L, 1, DS_MT);
  ap_dataset_free(d->ds);
  d->ds = NULL;
  return 0;
}

/* ------------------------------------------------------------ registration */

static const luaL_Reg ap_funcs[] = {
    {"setup", l_setup},       {"settings", l_settings},
    {"stats", l_stats},
    {"report", l_report},
    {"population", l_population},
    {"connect", l_connect},   {"record", l_record},
    {"run", l_run},           {"now", l_now},
    {"clock", l_clock},
    {"phase", l_phase},       {"phase_name", l_phase_name},
    {"dt", l_dt},             {"every", l_every},
    {"start_at", l_start_at},
    {"at", l_at},             {"uniform", l_uniform},
    {"normal", l_normal},     {"lognormal", l_lognormal},
    {"clip", l_clip},         {"modulator", l_modulator},
    {"dataset", l_dataset},
    {NULL, NULL}};

static const luaL_Reg pop_methods[] = {
    {"set", pop_set},         {"get", pop_get},
    {"reset", pop_reset},
    {"slice", pop_slice},     {"model", pop_model},
    {"lesion", pop_lesion},   {"modulate", pop_modulate},
    {NULL, NULL}};
static const luaL_Reg pop_meta[] = {
    {"__len", pop_len}, {"__tostring", pop_tostring}, {NULL, NULL}};
static const luaL_Reg proj_methods[] = {{"pairs", proj_pairs},
                                        {"weights", proj_weights},
                                        {"delays", proj_delays},
                                        {"port", proj_port},
                                        {"synapse", proj_synapse},
                                        {"rule", proj_rule},
                                        {"set_weights", proj_set_weights},
                                        {"mirror", proj_mirror},
                                        {"rule_var", proj_rule_var},
                                        {"save", proj_save},
                                        {NULL, NULL}};
static const luaL_Reg proj_meta[] = {
    {"__len", proj_len}, {"__tostring", proj_tostring}, {NULL, NULL}};
static const luaL_Reg rec_methods[] = {
    {"count", rec_count},   {"times", rec_times}, {"senders", rec_senders},
    {"values", rec_values}, {"rate", rec_rate},   {"save", rec_save},
    {NULL, NULL}};
static const luaL_Reg rec_meta[] = {{"__len", rec_count},
                                    {"__tostring", rec_tostring},
                                    {NULL, NULL}};
static const luaL_Reg dist_meta[] = {{"__tostring", dist_tostring},
                                     {NULL, NULL}};
static const luaL_Reg mod_methods[] = {{"release", mod_release},
                                       {"level", mod_level},
                                       {"name", mod_name},
                                       {NULL, NULL}};
static const luaL_Reg mod_meta[] = {{"__tostring", mod_tostring},
                                    {NULL, NULL}};
static const luaL_Reg ds_methods[] = {
    {"count", ds_count}, {"rows", ds_rows},   {"cols", ds_cols},
    {"image", ds_image}, {"label", ds_label}, {"labels", ds_labels},
    {NULL, NULL}};
static const luaL_Reg ds_meta[] = {{"__len", ds_count},
                                   {"__tostring", ds_tostring},
                                   {"__gc", ds_gc},
                                   {NULL, NULL}};

static void make_meta(lua_State *L, const char *name, const luaL_Reg *meta,
                      const luaL_Reg *methods) {
  luaL_newmetatable(L, name);
  luaL_setfuncs(L, meta, 0);
  if (methods) {
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
}

static int state_gc(lua_State *L) {
  lstate *s = lua_touserdata(L, 1);
  free(s->cbs);
  s->cbs = NULL;
  return 0;
}

static int luaopen_apical(lua_State *L) {
  luaL_newlib(L, ap_funcs);
  ap_lua_plot_open(L, get_state(L)->sim, rec_of); /* ap.plot */
  lua_pushstring(L, ap_version());
  lua_setfield(L, -2, "version");
  lua_getfield(L, LUA_REGISTRYINDEX, "apical.args");
  lua_setfield(L, -2, "args");
  /* ap.program: this apical executable, for scripts that run others
   * (scripts/experiments/energy.lua runs one script per backend) */
  char exe[4096];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len > 0) {
    exe[len] = '\0';
    lua_pushstring(L, exe);
    lua_setfield(L, -2, "program");
  }
  return 1;
}

void ap_lua_install(lua_State *L, ap_sim *sim, int argc, char **argv,
                    int show_progress) {
  lstate *s = lua_newuserdatauv(L, sizeof *s, 0);
  memset(s, 0, sizeof *s);
  s->sim = sim;
  s->progress = show_progress;
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, state_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, STATE_KEY);
  if (show_progress) ap_sim_set_progress(sim, progress, s);

  make_meta(L, POP_MT, pop_meta, pop_methods);
  make_meta(L, PROJ_MT, proj_meta, proj_methods);
  make_meta(L, REC_MT, rec_meta, rec_methods);
  make_meta(L, DIST_MT, dist_meta, NULL);
  make_meta(L, MOD_MT, mod_meta, mod_methods);
  make_meta(L, DS_MT, ds_meta, ds_methods);

  /* ap.args: the words in order, and key=value words by key. */
  lua_createtable(L, argc, 0);
  for (int i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i + 1);
    const char *eq = strchr(argv[i], '=');
    if (eq && eq != argv[i]) {
      lua_pushlstring(L, argv[i], (size_t)(eq - argv[i]));
      lua_pushstring(L, eq + 1);
      lua_rawset(L, -3);
    }
  }
  lua_setfield(L, LUA_REGISTRYINDEX, "apical.args");

  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_apical);
  lua_setfield(L, -2, "apical");
  lua_pop(L, 1);
}

static int traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (!msg) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)",
                          luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

int ap_lua_run_file(lua_State *L, const char *path, char *err, size_t n) {
  lua_pushcfunction(L, traceback);
  int base = lua_gettop(L);
  int rc = luaL_loadfile(L, path);
  if (rc == LUA_OK) rc = lua_pcall(L, 0, 0, base);
  if (rc != LUA_OK) {
    ap_fmt(err, n, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
    lua_settop(L, base - 1);
    return -1;
  }
  lua_settop(L, base - 1);
  return 0;
}
