/* lsched.c -- the clock and the scheduler: ap.run, ap.phase, ap.every,
 * ap.at, ap.now, ap.dt, ap.clock, ap.start_at. */
#include "lua/lauxap.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t lap_to_steps(lua_State *L, double ms, const char *what) {
  lstate *s = lap_get_state(L);
  double dt = ap_sim_dt(s->sim);
  double q = ms / dt;
  int64_t k = llround(q);
  if (!(ms >= 0) || !isfinite(ms) || fabs(q - (double)k) > 1e-6 * (q > 1 ? q : 1))
    lap_lerror(L, "%s: %g ms is not a non-negative multiple of dt = %g ms", what,
           ms, dt);
  return k;
}

/* A Lua function the core's scheduler calls: it runs on the Lua thread
 * that called ap.run or ap.phase; an error it raises stops the run and
 * is raised again there (its object left on that thread's stack). */
static int lua_callback(ap_sim *sim, int64_t step, void *ctx) {
  lcb *c = ctx;
  lstate *s = c->s;
  lua_State *L = s->L;
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->ref);
  lua_pushnumber(L, (double)step * ap_sim_dt(sim));
  s->in_callback++;
  int rc = lua_pcall(L, 1, 0, 0);
  s->in_callback--;
  if (rc == LUA_OK) return AP_OK;
  s->cb_error = 1;
  return ap_sim_set_error(sim, AP_EINVAL, "%s",
                          lua_tostring(L, -1) ? lua_tostring(L, -1)
                                              : "error in a callback");
}

static int add_callback(lua_State *L, int64_t next, int64_t period) {
  lstate *s = lap_get_state(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  if (s->n_cbs == s->cap_cbs) {
    size_t cap = s->cap_cbs ? 2 * s->cap_cbs : 8;
    lcb **c = realloc(s->cbs, cap * sizeof *c);
    if (!c) return lap_lerror(L, "out of memory");
    s->cbs = c;
    s->cap_cbs = cap;
  }
  lcb *c = malloc(sizeof *c);
  if (!c) return lap_lerror(L, "out of memory");
  s->cbs[s->n_cbs++] = c;
  lua_pushvalue(L, 2);
  c->s = s;
  c->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  int rc = period ? ap_sim_every_steps(s->sim, period, lua_callback, c)
                  : ap_sim_at_step(s->sim, next, lua_callback, c);
  if (rc) return lap_sim_error(L, s->sim);
  return 0;
}

static int l_every(lua_State *L) {
  lstate *s = lap_get_state(L);
  int64_t k = lap_to_steps(L, luaL_checknumber(L, 1), "ap.every");
  if (k < 1) return lap_lerror(L, "ap.every: the period must be at least dt");
  return add_callback(L, ap_sim_step(s->sim) + k, k);
}

static int l_at(lua_State *L) {
  lstate *s = lap_get_state(L);
  int64_t k = lap_to_steps(L, luaL_checknumber(L, 1), "ap.at");
  if (k < ap_sim_step(s->sim))
    return lap_lerror(L, "ap.at: %g ms is in the past (now %g ms)",
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

void lap_progress(void *ctx, int64_t step) {
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

/* Run `steps` steps, as the phase `phase` (window from `from` steps) or
 * plainly (phase NULL), the core calling the callbacks that fall due on
 * the way (raising here what a callback raised). */
static int run_steps(lua_State *L, lstate *s, int64_t steps,
                     const char *phase, int64_t from) {
  int64_t now = ap_sim_step(s->sim);
  s->run_start = now;
  s->run_end = now + steps;
  s->last_progress = wall_now();
  lua_State *outer = s->L;
  s->L = L;
  s->cb_error = 0;
  int rc = phase ? ap_sim_phase(s->sim, phase, steps, from)
                 : ap_sim_run_steps(s->sim, steps);
  s->L = outer;
  if (s->progress_shown) {
    if (rc) fputc('\n', stderr);
    else fprintf(stderr, "\r%60s\r", "");
    s->progress_shown = 0;
  }
  if (rc && s->cb_error) return lua_error(L); /* the callback's error */
  if (rc) return lap_sim_error(L, s->sim);
  return 0;
}

static int l_run(lua_State *L) {
  lstate *s = lap_get_state(L);
  if (s->in_callback)
    return lap_lerror(L, "ap.run: a callback (ap.every, ap.at) cannot run the "
                  "simulation; it runs between steps of the ap.run or "
                  "ap.phase that called it");
  return run_steps(L, s, lap_to_steps(L, luaL_checknumber(L, 1), "ap.run"),
                   NULL, 0);
}

/* ap.phase(name, duration_ms [, { window = ms }]): run a named phase whose
 * integration window opens `window` ms after its start. */
static int l_phase(lua_State *L) {
  lstate *s = lap_get_state(L);
  const char *name = luaL_checkstring(L, 1);
  if (s->in_callback)
    return lap_lerror(L, "ap.phase: a callback (ap.every, ap.at) cannot run a "
                  "phase; it runs between steps of the ap.run or ap.phase "
                  "that called it");
  int64_t steps = lap_to_steps(L, luaL_checknumber(L, 2), "ap.phase");
  int64_t from = 0;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    static const char *const keys[] = {"window", NULL};
    lap_check_keys(L, 3, keys, "phase options");
    if (lua_getfield(L, 3, "window") != LUA_TNIL) {
      int isnum;
      double w = lua_tonumberx(L, -1, &isnum);
      if (!isnum) return lap_lerror(L, "ap.phase: window must be a time in ms");
      from = lap_to_steps(L, w, "ap.phase: window");
    }
    lua_pop(L, 1);
  }
  /* A phase cut short (a callback raised) is closed by the core without
   * its end, so no update comes from it, and the error goes on. */
  return run_steps(L, s, steps, name, from);
}

/* ap.phase_name(): the phase under way, or nil. */
static int l_phase_name(lua_State *L) {
  const char *n = ap_sim_phase_name(lap_get_state(L)->sim);
  if (n) lua_pushstring(L, n);
  else lua_pushnil(L);
  return 1;
}

static int l_now(lua_State *L) {
  lstate *s = lap_get_state(L);
  lua_pushnumber(L, (double)ap_sim_step(s->sim) * ap_sim_dt(s->sim));
  return 1;
}

/* ap.start_at(ms): the clock starts at ms (a multiple of dt), before the
 * first run. */
static int l_start_at(lua_State *L) {
  lstate *s = lap_get_state(L);
  const double ms = luaL_checknumber(L, 1), dt = ap_sim_dt(s->sim);
  const double q = ms / dt, r = floor(q + 0.5);
  if (!(ms >= 0.0) || fabs(q - r) > 1e-9 * (q > 1.0 ? q : 1.0))
    return lap_lerror(L, "ap.start_at: %g ms is not a non-negative multiple of "
                  "dt = %g ms", ms, dt);
  if (ap_sim_start_at(s->sim, (int64_t)r)) return lap_sim_error(L, s->sim);
  return 0;
}

static int l_dt(lua_State *L) {
  lua_pushnumber(L, ap_sim_dt(lap_get_state(L)->sim));
  return 1;
}

const luaL_Reg lap_sched_funcs[] = {
    {"run", l_run},
    {"now", l_now},
    {"clock", l_clock},
    {"phase", l_phase},
    {"phase_name", l_phase_name},
    {"dt", l_dt},
    {"every", l_every},
    {"start_at", l_start_at},
    {"at", l_at},
    {NULL, NULL}};
