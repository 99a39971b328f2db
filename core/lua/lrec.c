/* lrec.c -- ap.record and the Recorder type. */
#include "lua/lauxap.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void push_rec(lua_State *L, size_t idx) {
  lrec *r = lua_newuserdatauv(L, sizeof *r, 0);
  r->rec = idx;
  luaL_setmetatable(L, REC_MT);
}

/* ap.record(proj, "weight", { interval = ms, synapses = { k, ... },
 * file = path }) */
static int record_weights(lua_State *L) {
  lstate *s = lap_get_state(L);
  lproj *p = lap_check_proj(L, 1);
  const char *what = luaL_checkstring(L, 2);
  if (strcmp(what, "weight"))
    return lap_lerror(L, "a projection records \"weight\", not '%s'", what);
  double interval = 1.0;
  const char *file = NULL;
  size_t n = ap_proj_size(s->sim, p->proj), k = n;
  size_t *syn = NULL;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const keys[] = {"interval", "synapses", "file", NULL};
    lap_check_keys(L, 3, keys, "weight recording options");
    if (lua_getfield(L, 3, "interval") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lap_lerror(L, "recording option 'interval' must be a number (ms)");
      interval = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 3, "file") != LUA_TNIL) {
      if (lua_type(L, -1) != LUA_TSTRING)
        return lap_lerror(L, "recording option 'file' must be a path");
      file = lap_out_path(L, s->sim, lua_tostring(L, -1));
    }
    if (lua_getfield(L, 3, "synapses") != LUA_TNIL) {
      if (!lua_istable(L, -1))
        return lap_lerror(L, "recording option 'synapses' must be a table of "
                      "1-based synapse indices (pairs() order)");
      int t = lua_gettop(L);
      k = lua_rawlen(L, t);
      syn = lap_scratch(L, (k ? k : 1) * sizeof *syn);
      for (size_t i = 0; i < k; i++) {
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        int isnum;
        lua_Integer v = lua_tointegerx(L, -1, &isnum);
        if (!isnum || v < 1)
          return lap_lerror(L, "recording option 'synapses': entry %zu must be a "
                        "1-based synapse index", i + 1);
        syn[i] = (size_t)(v - 1);
        lua_pop(L, 1);
      }
    }
  }
  if (!syn) {
    syn = lap_scratch(L, (k ? k : 1) * sizeof *syn);
    for (size_t i = 0; i < k; i++) syn[i] = i;
  }
  size_t idx;
  if (ap_sim_record_weights(s->sim, p->proj, syn, k, interval, file, &idx))
    return lap_sim_error(L, s->sim);
  push_rec(L, idx);
  return 1;
}

/* ap.record(pop, "rate", { bin = ms, file = path }) */
static int record_rate(lua_State *L) {
  lstate *s = lap_get_state(L);
  lpop *p = lap_check_pop(L, 1);
  double bin = 1.0;
  const char *file = NULL;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const keys[] = {"bin", "file", NULL};
    lap_check_keys(L, 3, keys, "rate recording options");
    if (lua_getfield(L, 3, "bin") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lap_lerror(L, "recording option 'bin' must be a number (ms)");
      bin = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, 3, "file") != LUA_TNIL) {
      if (lua_type(L, -1) != LUA_TSTRING)
        return lap_lerror(L, "recording option 'file' must be a path");
      file = lap_out_path(L, s->sim, lua_tostring(L, -1));
    }
  }
  size_t idx;
  if (ap_sim_record_rate(s->sim, p->ref, bin, file, &idx))
    return lap_sim_error(L, s->sim);
  push_rec(L, idx);
  return 1;
}

static int l_record(lua_State *L) {
  lstate *s = lap_get_state(L);
  if (luaL_testudata(L, 1, PROJ_MT)) return record_weights(L);
  lpop *p = lap_check_pop(L, 1);
  const char *what = luaL_checkstring(L, 2);
  if (!strcmp(what, "rate")) return record_rate(L);
  double interval = 1.0;
  const char *file = NULL;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const rec_keys[] = {"interval", "file", NULL};
    lap_check_keys(L, 3, rec_keys, "recording options");
    if (lua_getfield(L, 3, "interval") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lap_lerror(L, "recording option 'interval' must be a number (ms)");
      interval = lua_tonumber(L, -1);
    }
    if (lua_getfield(L, 3, "file") != LUA_TNIL) {
      if (lua_type(L, -1) != LUA_TSTRING)
        return lap_lerror(L, "recording option 'file' must be a path");
      file = lap_out_path(L, s->sim, lua_tostring(L, -1));
    }
  }
  size_t idx;
  if (ap_sim_record(s->sim, p->ref, what, interval, file, &idx))
    return lap_sim_error(L, s->sim);
  lrec *r = lua_newuserdatauv(L, sizeof *r, 0);
  r->rec = idx;
  luaL_setmetatable(L, REC_MT);
  return 1;
}

ap_recorder *lap_rec_of(lua_State *L, int i) {
  return ap_sim_recorder(lap_get_state(L)->sim, lap_check_rec(L, i)->rec);
}

static int rec_count(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)ap_rec_count(lap_rec_of(L, 1)));
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
  ap_recorder *r = lap_rec_of(L, 1);
  size_t n = ap_rec_count(r), k = from_index(L, n);
  lap_push_f64_table(L, ap_rec_times(r) + k, n - k, 1);
  return 1;
}

static int rec_senders(lua_State *L) {
  ap_recorder *r = lap_rec_of(L, 1);
  if (ap_rec_kind_of(r) != AP_REC_SPIKES)
    return lap_lerror(L, "senders() is for spike recorders; this one records %s",
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
  ap_recorder *r = lap_rec_of(L, 1);
  if (ap_rec_kind_of(r) != AP_REC_STATE)
    return lap_lerror(L, "values() is for state recorders; use times() and "
                  "senders() for spikes");
  size_t rows = ap_rec_count(r), w = ap_rec_width(r);
  const double *v = ap_rec_values(r);
  /* values()[neuron][sample]: one trace per recorded neuron. */
  lua_createtable(L, (int)w, 0);
  for (size_t j = 0; j < w; j++) {
    lap_push_f64_table(L, v ? v + j : NULL, v ? rows : 0, w);
    lua_rawseti(L, -2, (lua_Integer)j + 1);
  }
  return 1;
}

static int rec_rate(lua_State *L) {
  ap_recorder *r = lap_rec_of(L, 1);
  if (ap_rec_kind_of(r) != AP_REC_SPIKES)
    return lap_lerror(L, "rate() is for spike recorders");
  lua_pushnumber(L, ap_rec_rate(r));
  return 1;
}

static int rec_save(lua_State *L) {
  lrec *r = lap_check_rec(L, 1);
  ap_sim *sim = lap_get_state(L)->sim;
  const char *path = lap_out_path(L, sim, luaL_checkstring(L, 2));
  if (ap_sim_save(sim, r->rec, path)) return lap_sim_error(L, sim);
  return 0;
}

static int rec_tostring(lua_State *L) {
  ap_recorder *r = lap_rec_of(L, 1);
  lua_pushfstring(L, "Recorder of %s (%d %s)",
                  ap_rec_kind_of(r) == AP_REC_SPIKES ? "spikes" : ap_rec_var(r),
                  (int)ap_rec_count(r),
                  ap_rec_kind_of(r) == AP_REC_SPIKES ? "spikes" : "samples");
  return 1;
}

const luaL_Reg lap_rec_funcs[] = {
    {"record", l_record},
    {NULL, NULL}};

static const luaL_Reg rec_meta[] = {{"__len", rec_count},
                                    {"__tostring", rec_tostring},
                                    {NULL, NULL}};
static const luaL_Reg rec_methods[] = {
    {"count", rec_count},   {"times", rec_times}, {"senders", rec_senders},
    {"values", rec_values}, {"rate", rec_rate},   {"save", rec_save},
    {NULL, NULL}};

void lap_rec_open(lua_State *L) {
  lap_make_meta(L, REC_MT, rec_meta, rec_methods);
}
