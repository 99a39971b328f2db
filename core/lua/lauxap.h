/* lauxap.h -- what the files of the Lua bindings share: the metatable
 * names, the handles' userdata, the per-state context, and the auxiliary
 * functions of lauxap.c (the bindings' lauxlib).  Each object type has its
 * file (lpop.c, lproj.c, lrec.c, lmod.c, ldataset.c, ldist.c, lnef.c);
 * lsetup.c
 * and lsched.c bind the settings and the clock; lapical.c registers them
 * all as `require "apical"`. */
#ifndef AP_LAUXAP_H
#define AP_LAUXAP_H

#include <lauxlib.h>
#include <lua.h>
#include <stdarg.h>
#include <stdint.h>

#include "base/strutil.h"
#include "io/dataset.h"
#include "io/record.h"
#include "lua/lapical.h"
#include "net/connect.h"
#include "net/sim.h"
#include "net/values.h"
#include "plugin/loader.h"
#include "run/config.h"

#define POP_MT "apical.Population"
#define PROJ_MT "apical.Projection"
#define REC_MT "apical.Recorder"
#define DIST_MT "apical.Distribution"
#define MOD_MT "apical.Modulator"
#define DS_MT "apical.Dataset"
#define STATE_KEY "apical.state"

/* A Lua function scheduled by ap.every or ap.at (lsched.c). */
struct lstate;
typedef struct lcb {
  struct lstate *s;
  int ref; /* the function, in the registry */
} lcb;

/* Per-Lua-state bindings context, a userdata in the registry. */
typedef struct lstate {
  ap_sim *sim;
  lcb **cbs; /* owned here; the core's scheduler holds them too */
  size_t n_cbs, cap_cbs;
  lua_State *L; /* the thread running ap.run or ap.phase */
  int cb_error; /* a callback raised: its error is on L's stack */
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

/* lauxap.c */
lstate *lap_get_state(lua_State *L);
/* Raise an error prefixed with the script position that called us. */
int lap_lerror(lua_State *L, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Raise the simulator's last error. */
int lap_sim_error(lua_State *L, ap_sim *sim);
lpop *lap_check_pop(lua_State *L, int i);
lproj *lap_check_proj(lua_State *L, int i);
lrec *lap_check_rec(lua_State *L, int i);
lmod *lap_check_mod(lua_State *L, int i);
void lap_push_pop(lua_State *L, ap_ref r);
void *lap_scratch(lua_State *L, size_t bytes);
ap_value lap_check_value(lua_State *L, int i, const char *what);
int lap_opt_bool(lua_State *L, int t, const char *key, int def);
uint64_t lap_need_count(lua_State *L, int t, const char *key,
                        const char *rule);
void lap_check_keys(lua_State *L, int t, const char *const *known,
                    const char *what);
uint32_t *lap_index_list(lua_State *L, int t, const char *key, size_t *n);
void lap_push_u32_table(lua_State *L, const uint32_t *a, size_t n);
void lap_push_f64_table(lua_State *L, const double *a, size_t n,
                        size_t stride);
const char *lap_out_path(lua_State *L, ap_sim *sim, const char *path);
void lap_make_meta(lua_State *L, const char *name, const luaL_Reg *meta,
                   const luaL_Reg *methods);

/* lrec.c */
ap_recorder *lap_rec_of(lua_State *L, int i);
/* lsched.c */
int64_t lap_to_steps(lua_State *L, double ms, const char *what);
void lap_progress(void *ctx, int64_t step);

/* Each file's module functions and metatables (lapical.c registers
 * them). */
extern const luaL_Reg lap_dist_funcs[];
void lap_dist_open(lua_State *L);
extern const luaL_Reg lap_setup_funcs[];
extern const luaL_Reg lap_pop_funcs[];
void lap_pop_open(lua_State *L);
extern const luaL_Reg lap_proj_funcs[];
void lap_proj_open(lua_State *L);
extern const luaL_Reg lap_rec_funcs[];
void lap_rec_open(lua_State *L);
extern const luaL_Reg lap_sched_funcs[];
/* lsnap.c: ap.snapshot, ap.keep, ap.restored, and the snapshot's Lua
 * sections (installed with the bindings). */
extern const luaL_Reg lap_snap_funcs[];
void lap_snap_install(lua_State *L, ap_sim *sim);
extern const luaL_Reg lap_mod_funcs[];
void lap_mod_open(lua_State *L);
extern const luaL_Reg lap_ds_funcs[];
void lap_ds_open(lua_State *L);
/* lnef.c: ap.decoded and the Decoded type; ap.nef (the Lua module of
 * core/lua/nef.lua, set into the ap table on top of the stack). */
extern const luaL_Reg lap_nef_funcs[];
void lap_nef_open(lua_State *L);
void lap_nef_module(lua_State *L);

#endif
