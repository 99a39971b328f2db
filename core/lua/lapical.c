/* lapical.c -- the Lua bindings of apical, in the manner of liolib.c: one
 * named metatable per type, check helpers over luaL_checkudata, userdata
 * created before any resource is acquired.  This file registers the
 * parts (lauxap.h lists them) as `require "apical"` and runs scripts. */
#include "lua/lauxap.h"

#include <lualib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dist/dist.h"
#include "lua/lplot.h"
#include "lua/lrandom.h"

static int state_gc(lua_State *L) {
  lstate *s = lua_touserdata(L, 1);
  for (size_t i = 0; i < s->n_cbs; i++) free(s->cbs[i]);
  free(s->cbs);
  s->cbs = NULL;
  s->n_cbs = 0;
  return 0;
}

static int luaopen_apical(lua_State *L) {
  static const luaL_Reg *const parts[] = {
      lap_setup_funcs, lap_sched_funcs, lap_pop_funcs, lap_proj_funcs,
      lap_rec_funcs,   lap_dist_funcs,  lap_mod_funcs, lap_ds_funcs,
      lap_nef_funcs,   lap_snap_funcs};
  lua_newtable(L);
  for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
    luaL_setfuncs(L, parts[i], 0);
  ap_lua_plot_open(L, lap_get_state(L)->sim, lap_rec_of); /* ap.plot */
  lap_nef_module(L);                                        /* ap.nef */
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
  /* math.random keeps a journal of its state, for snapshots */
  lap_random_install(L);
  lstate *s = lua_newuserdatauv(L, sizeof *s, 0);
  memset(s, 0, sizeof *s);
  s->sim = sim;
  s->progress = show_progress;
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, state_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, STATE_KEY);
  if (show_progress) ap_sim_set_progress(sim, lap_progress, s);
  lap_snap_install(L, sim);

  lap_pop_open(L);
  lap_proj_open(L);
  lap_rec_open(L);
  lap_dist_open(L);
  lap_mod_open(L);
  lap_ds_open(L);
  lap_nef_open(L);

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

  /* In a run of several processes the script runs on every one; rank 0
   * writes its files (the others' go to /dev/null) and only rank 0
   * removes or renames them. */
  if (ap_dist_rank() != 0) {
    static const char quiet[] =
        "local open, null = io.open, '/dev/null'\n"
        "io.open = function(path, mode)\n"
        "  if mode and mode:find('[wa+]') then return open(null, 'w') end\n"
        "  return open(path, mode)\n"
        "end\n"
        "os.remove = function() return true end\n"
        "os.rename = function() return true end\n";
    if (luaL_dostring(L, quiet)) lua_pop(L, 1);
  }
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
