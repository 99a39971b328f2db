/* lsetup.c -- ap.setup, ap.settings, ap.stats, ap.report: the run's
 * settings and what it measured. */
#include "lua/lauxap.h"

#include "dist/dist.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

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
  lstate *s = lap_get_state(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  ap_settings *set = ap_sim_settings(s->sim);
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING)
      return lap_lerror(L, "ap.setup: keys must be names, got a %s",
                    luaL_typename(L, -2));
    const char *key = lua_tostring(L, -2);
    int t = lua_type(L, -1);
    if (t != LUA_TNUMBER && t != LUA_TSTRING && t != LUA_TBOOLEAN)
      return lap_lerror(L, "ap.setup: setting '%s' must be a number or a string, "
                    "got a %s", key, luaL_typename(L, -1));
    char val[128], err[512];
    number_text(L, -1, val, sizeof val);
    /* Settings that do not shape the simulation may change any time. */
    if (ap_sim_started(s->sim) && strcmp(key, "output_dir") != 0 &&
        strcmp(key, "fashion_dir") != 0 && strcmp(key, "mnist_dir") != 0)
      return lap_lerror(L, "ap.setup: '%s' cannot change after ap.run (only "
                    "output_dir, fashion_dir and mnist_dir can)", key);
    double old_dt = set->dt;
    uint64_t old_seed = set->seed;
    if (ap_settings_set(set, key, val, AP_SRC_SCRIPT, err, sizeof err))
      return lap_lerror(L, "ap.setup: %s", err);
    if (ap_sim_n_pops(s->sim) &&
        (set->dt != old_dt || set->seed != old_seed)) {
      set->dt = old_dt;
      set->seed = old_seed;
      return lap_lerror(L, "ap.setup: '%s' cannot change once populations exist "
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
  ap_settings *set = ap_sim_settings(lap_get_state(L)->sim);
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

/* Seconds on a monotonic clock. */
static double clock_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* When this process loaded the apical library (elapsed_s counts from
 * it: building the network and running it). */
static double opened_s;
__attribute__((constructor)) static void mark_opened(void) {
  opened_s = clock_s();
}

/* Run statistics so far, for benchmarks and closed-loop scripts; in a run
 * of several processes, peak_rss_mb_procs has every process's. */
static int l_stats(lua_State *L) {
  ap_stats st;
  ap_sim_stats(lap_get_state(L)->sim, &st);
  struct rusage ru;
  double rss_mb = 0;
  if (getrusage(RUSAGE_SELF, &ru) == 0) rss_mb = (double)ru.ru_maxrss / 1024.0;
  void *all = NULL;
  size_t *len = malloc((size_t)ap_dist_size() * sizeof *len);
  if (!len || ap_dist_gather_bytes(&rss_mb, sizeof rss_mb, &all, len))
    ap_dist_fail("out of memory", 1);
  lua_createtable(L, 0, 10);
  lua_createtable(L, ap_dist_size(), 0);
  for (int r = 0; r < ap_dist_size(); r++) {
    lua_pushnumber(L, ((const double *)all)[r]);
    lua_rawseti(L, -2, r + 1);
  }
  lua_setfield(L, -2, "peak_rss_mb_procs");
  free(all);
  free(len);
  lua_pushnumber(L, clock_s() - opened_s);
  lua_setfield(L, -2, "elapsed_s");
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
  if (ap_sim_report(lap_get_state(L)->sim, &r) != AP_OK) {
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

/* ap.rank(), ap.size(): this process's rank and the number of processes
 * of the run (0 and 1 without mpirun). */
static int l_rank(lua_State *L) {
  lua_pushinteger(L, ap_dist_rank());
  return 1;
}
static int l_size(lua_State *L) {
  lua_pushinteger(L, ap_dist_size());
  return 1;
}

const luaL_Reg lap_setup_funcs[] = {
    {"setup", l_setup},
    {"rank", l_rank},
    {"size", l_size},
    {"settings", l_settings},
    {"stats", l_stats},
    {"report", l_report},
    {NULL, NULL}};
