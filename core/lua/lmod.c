/* lmod.c -- ap.modulator and the Modulator type. */
#include "lua/lauxap.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ap.modulator(name, { tau = ms, baseline = level }) */
static int l_modulator(lua_State *L) {
  lstate *s = lap_get_state(L);
  const char *name = luaL_checkstring(L, 1);
  double tau = 200.0, baseline = 0.0;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    static const char *const keys[] = {"tau", "baseline", NULL};
    lap_check_keys(L, 2, keys, "modulator options");
    if (lua_getfield(L, 2, "tau") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lap_lerror(L, "modulator option 'tau' must be a number (ms)");
      tau = lua_tonumber(L, -1);
    }
    if (lua_getfield(L, 2, "baseline") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lap_lerror(L, "modulator option 'baseline' must be a number");
      baseline = lua_tonumber(L, -1);
    }
    lua_pop(L, 2);
  }
  size_t idx;
  if (ap_sim_modulator(s->sim, name, tau, baseline, &idx))
    return lap_sim_error(L, s->sim);
  lmod *m = lua_newuserdatauv(L, sizeof *m, 0);
  m->mod = idx;
  luaL_setmetatable(L, MOD_MT);
  return 1;
}

static int mod_release(lua_State *L) {
  lmod *m = lap_check_mod(L, 1);
  double amount = luaL_checknumber(L, 2);
  ap_sim *sim = lap_get_state(L)->sim;
  if (ap_mod_release(sim, m->mod, amount)) return lap_sim_error(L, sim);
  return 0;
}

static int mod_level(lua_State *L) {
  lmod *m = lap_check_mod(L, 1);
  lua_pushnumber(L, ap_mod_level(lap_get_state(L)->sim, m->mod));
  return 1;
}

static int mod_name(lua_State *L) {
  lmod *m = lap_check_mod(L, 1);
  lua_pushstring(L, ap_mod_name(lap_get_state(L)->sim, m->mod));
  return 1;
}

static int mod_tostring(lua_State *L) {
  lmod *m = lap_check_mod(L, 1);
  ap_sim *sim = lap_get_state(L)->sim;
  lua_pushfstring(L, "Modulator %s (level %f)", ap_mod_name(sim, m->mod),
                  ap_mod_level(sim, m->mod));
  return 1;
}

const luaL_Reg lap_mod_funcs[] = {
    {"modulator", l_modulator},
    {NULL, NULL}};

static const luaL_Reg mod_meta[] = {{"__tostring", mod_tostring},
                                    {NULL, NULL}};
static const luaL_Reg mod_methods[] = {{"release", mod_release},
                                       {"level", mod_level},
                                       {"name", mod_name},
                                       {NULL, NULL}};

void lap_mod_open(lua_State *L) {
  lap_make_meta(L, MOD_MT, mod_meta, mod_methods);
}
