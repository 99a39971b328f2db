/* ldist.c -- ap.uniform, ap.normal, ap.lognormal, ap.clip: value
 * distributions, drawn per neuron or synapse by the core. */
#include "lua/lauxap.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dist_names[] = {"scalar", "table", "uniform", "normal",
                                   "lognormal"};

static int new_dist(lua_State *L, int kind) {
  double a = luaL_checknumber(L, 1), b = luaL_checknumber(L, 2);
  ap_value *v = lua_newuserdatauv(L, sizeof *v, 0);
  memset(v, 0, sizeof *v);
  v->kind = kind;
  v->a = a;
  v->b = b;
  char err[256];
  if (ap_value_check(v, 0, "distribution", err, sizeof err))
    return lap_lerror(L, "%s", err);
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
    return lap_lerror(L, "ap.clip: low (%g) must not exceed high (%g)", lo, hi);
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

const luaL_Reg lap_dist_funcs[] = {
    {"uniform", l_uniform},
    {"normal", l_normal},
    {"lognormal", l_lognormal},
    {"clip", l_clip},
    {NULL, NULL}};

static const luaL_Reg dist_meta[] = {{"__tostring", dist_tostring},
                                     {NULL, NULL}};

void lap_dist_open(lua_State *L) {
  lap_make_meta(L, DIST_MT, dist_meta, NULL);
}
