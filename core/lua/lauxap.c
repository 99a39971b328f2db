/* lauxap.c -- the auxiliary layer of the bindings (as lauxlib is Lua's):
 * the state of the bindings, argument checks, errors with the script's
 * position, scratch buffers, value specifications. */
#include "lua/lauxap.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

lstate *lap_get_state(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, STATE_KEY);
  lstate *s = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (!s) luaL_error(L, "apical is not initialised in this Lua state");
  return s;
}

/* Raise an error prefixed with the script position that called us. */
int lap_lerror(lua_State *L, const char *fmt, ...) {
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

int lap_sim_error(lua_State *L, ap_sim *sim) {
  return lap_lerror(L, "%s", ap_sim_error(sim));
}

lpop *lap_check_pop(lua_State *L, int i) {
  return luaL_checkudata(L, i, POP_MT);
}
lproj *lap_check_proj(lua_State *L, int i) {
  return luaL_checkudata(L, i, PROJ_MT);
}
lrec *lap_check_rec(lua_State *L, int i) {
  return luaL_checkudata(L, i, REC_MT);
}
lmod *lap_check_mod(lua_State *L, int i) {
  return luaL_checkudata(L, i, MOD_MT);
}

void lap_push_pop(lua_State *L, ap_ref r) {
  lpop *p = lua_newuserdatauv(L, sizeof *p, 0);
  p->ref = r;
  luaL_setmetatable(L, POP_MT);
}

/* A scratch buffer owned by a userdata on the stack, so that an error
 * raised while it is in use cannot leak it. */
void *lap_scratch(lua_State *L, size_t bytes) {
  return lua_newuserdatauv(L, bytes ? bytes : 1, 0);
}

/* Read a value (number, table of numbers, distribution) at index i.  A
 * table's numbers go into a scratch userdata left on the stack. */
ap_value lap_check_value(lua_State *L, int i, const char *what) {
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
    double *a = lap_scratch(L, n * sizeof *a);
    for (size_t k = 0; k < n; k++) {
      lua_rawgeti(L, i, (lua_Integer)k + 1);
      int isnum;
      a[k] = lua_tonumberx(L, -1, &isnum);
      if (!isnum)
        lap_lerror(L, "%s: entry %zu of the table is a %s, not a number", what,
               k + 1, luaL_typename(L, -1));
      lua_pop(L, 1);
    }
    v.kind = AP_VAL_ARRAY;
    v.array = a;
    v.n = n;
    return v;
  }
  lap_lerror(L, "%s must be a number, a table of numbers or a distribution "
         "(ap.uniform, ap.normal, ...), got a %s", what, luaL_typename(L, i));
  return v;
}

int lap_opt_bool(lua_State *L, int t, const char *key, int def) {
  int ty = lua_getfield(L, t, key);
  int v = def;
  if (ty == LUA_TBOOLEAN) v = lua_toboolean(L, -1);
  else if (ty != LUA_TNIL)
    lap_lerror(L, "connection spec: '%s' must be true or false", key);
  lua_pop(L, 1);
  return v;
}

uint64_t lap_need_count(lua_State *L, int t, const char *key,
                           const char *rule) {
  int ty = lua_getfield(L, t, key);
  if (ty == LUA_TNIL)
    lap_lerror(L, "connection rule %s needs '%s'", rule, key);
  int isnum;
  lua_Integer k = lua_tointegerx(L, -1, &isnum);
  if (!isnum || k < 0)
    lap_lerror(L, "connection rule %s: '%s' must be a non-negative integer", rule,
           key);
  lua_pop(L, 1);
  return (uint64_t)k;
}

void lap_check_keys(lua_State *L, int t, const char *const *known,
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
        lap_lerror(L, "%s has no key '%s'; keys: %s", what, k, list);
      }
    } else if (lua_type(L, -2) == LUA_TNUMBER && lua_tointeger(L, -2) == 1 &&
               strcmp(what, "synapse spec") == 0) {
      lap_lerror(L, "synapse spec: give the synapse model as synapse = \"name\"");
    } else {
      lap_lerror(L, "%s: keys must be names", what);
    }
    lua_pop(L, 1);
  }
}

uint32_t *lap_index_list(lua_State *L, int t, const char *key, size_t *n) {
  if (lua_getfield(L, t, key) != LUA_TTABLE)
    lap_lerror(L, "connection rule list needs '%s', a table of 1-based indices",
           key);
  size_t len = lua_rawlen(L, -1);
  uint32_t *a = lap_scratch(L, len * sizeof *a);
  lua_insert(L, -2); /* keep the lap_scratch below the table */
  for (size_t i = 0; i < len; i++) {
    lua_rawgeti(L, -1, (lua_Integer)i + 1);
    int isnum;
    lua_Integer v = lua_tointegerx(L, -1, &isnum);
    if (!isnum || v < 1 || v > (lua_Integer)UINT32_MAX)
      lap_lerror(L, "connection list: %s[%zu] must be a 1-based index", key, i + 1);
    a[i] = (uint32_t)(v - 1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  *n = len;
  return a;
}

void lap_push_u32_table(lua_State *L, const uint32_t *a, size_t n) {
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushinteger(L, (lua_Integer)a[i] + 1);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

void lap_push_f64_table(lua_State *L, const double *a, size_t n,
                           size_t stride) {
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushnumber(L, a[i * stride]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* Resolve a relative output path against the output_dir setting. */
const char *lap_out_path(lua_State *L, ap_sim *sim, const char *path) {
  const char *dir = ap_sim_settings(sim)->output_dir;
  if (path[0] == '/' || !dir || !dir[0] || strcmp(dir, ".") == 0) return path;
  lua_pushfstring(L, "%s/%s", dir, path);
  return lua_tostring(L, -1);
}

/* A named metatable with its metamethods and, as __index, its methods. */
void lap_make_meta(lua_State *L, const char *name, const luaL_Reg *meta,
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
