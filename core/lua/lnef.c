/* lnef.c -- ap.nef, the Neural Engineering Framework in Lua scripts, and
 * ap.decoded, the decoded connections it runs on.
 *
 * ap.nef itself is written in Lua (core/lua/nef.lua, compiled into the
 * library): ensembles, nodes, connections and probes as Nengo users know
 * them.  Its heavy parts are the C functions here, over core/nef/:
 * tuning (gains, biases, encoders), evaluation points, and decoders
 * solved through LAPACK. */
#include "lua/lauxap.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "nef/nef.h"

#define DEC_MT "apical.Decoded"

typedef struct ldec {
  size_t dec;
} ldec;

/* A flat table of n numbers at index i into a scratch userdata left on
 * the stack (n = 0: any length, returned in *got). */
static double *read_vec(lua_State *L, int i, size_t n, size_t *got,
                        const char *what) {
  i = lua_absindex(L, i);
  if (!lua_istable(L, i)) {
    lap_lerror(L, "%s must be a table of numbers", what);
    return NULL;
  }
  const size_t len = (size_t)lua_rawlen(L, i);
  if (n && len != n) {
    lap_lerror(L, "%s has %zu numbers, where %zu are needed", what, len, n);
    return NULL;
  }
  double *v = lap_scratch(L, len * sizeof *v);
  for (size_t k = 0; k < len; k++) {
    lua_rawgeti(L, i, (lua_Integer)k + 1);
    int ok;
    v[k] = lua_tonumberx(L, -1, &ok);
    lua_pop(L, 1);
    if (!ok || !isfinite(v[k])) {
      lap_lerror(L, "%s: entry %zu is not a finite number", what, k + 1);
      return NULL;
    }
  }
  if (got) *got = len;
  return v;
}

static uint64_t run_seed(lua_State *L) {
  return ap_sim_settings(lap_get_state(L)->sim)->seed;
}

/* tune(pop, dims, max_rates, intercepts, encoders|nil, tau_rc, tau_ref):
 * gains, biases and unit encoders (flat, n x dims) of the population's
 * neurons, drawn from its NEF stream (tau in ms). */
static int nef_tune(lua_State *L) {
  lpop *p = lap_check_pop(L, 1);
  const size_t n = p->ref.count;
  const lua_Integer D = luaL_checkinteger(L, 2);
  if (D < 1 || D > 65536) return lap_lerror(L, "dimensions must be >= 1");
  const double tau_rc = luaL_checknumber(L, 6) * 1e-3;
  const double tau_ref = luaL_checknumber(L, 7) * 1e-3;
  const uint64_t seed = run_seed(L);
  const uint32_t stream = AP_STREAM_NEF_BASE + (uint32_t)p->ref.pop;
  double *rates = lap_scratch(L, n * sizeof *rates);
  double *icpt = lap_scratch(L, n * sizeof *icpt);
  double *enc = lap_scratch(L, n * (size_t)D * sizeof *enc);
  double *gain = lap_scratch(L, n * sizeof *gain);
  double *bias = lap_scratch(L, n * sizeof *bias);
  char err[512];
  ap_value vr = lap_check_value(L, 3, "max_rates");
  if (ap_value_check(&vr, n, "max_rates", err, sizeof err))
    return lap_lerror(L, "%s", err);
  ap_value_fill(&vr, rates, n, seed, stream, 0, 0);
  ap_value vi = lap_check_value(L, 4, "intercepts");
  if (ap_value_check(&vi, n, "intercepts", err, sizeof err))
    return lap_lerror(L, "%s", err);
  ap_value_fill(&vi, icpt, n, seed, stream, 0, 1);
  if (lua_isnoneornil(L, 5)) {
    ap_nef_scattered(n, (size_t)D, 1, seed, stream, 2, enc);
  } else {
    luaL_checktype(L, 5, LUA_TTABLE);
    if ((size_t)lua_rawlen(L, 5) != n)
      return lap_lerror(L, "encoders: %zu given for %zu neurons",
                        (size_t)lua_rawlen(L, 5), n);
    for (size_t i = 0; i < n; i++) {
      lua_rawgeti(L, 5, (lua_Integer)i + 1);
      char what[64];
      snprintf(what, sizeof what, "encoder %zu", i + 1);
      const double *e = read_vec(L, -1, (size_t)D, NULL, what);
      double norm = 0;
      for (lua_Integer k = 0; k < D; k++) norm += e[k] * e[k];
      if (!(norm > 0)) return lap_lerror(L, "encoder %zu has length 0", i + 1);
      for (lua_Integer k = 0; k < D; k++)
        enc[i * (size_t)D + (size_t)k] = e[k] / sqrt(norm);
      lua_pop(L, 2);
    }
  }
  if (ap_nef_gain_bias(rates, icpt, n, tau_rc, tau_ref, gain, bias, err,
                       sizeof err))
    return lap_lerror(L, "%s", err);
  lap_push_f64_table(L, gain, n, 1);
  lap_push_f64_table(L, bias, n, 1);
  lap_push_f64_table(L, enc, n * (size_t)D, 1);
  return 3;
}

/* eval_points(pop, m, dims, radius): m scattered points of the ball of
 * that radius (flat, m x dims), from the population's NEF stream. */
static int nef_eval_points(lua_State *L) {
  lpop *p = lap_check_pop(L, 1);
  const lua_Integer m = luaL_checkinteger(L, 2), D = luaL_checkinteger(L, 3);
  const double radius = luaL_checknumber(L, 4);
  if (m < 1 || D < 1) return lap_lerror(L, "eval_points: need m, dims >= 1");
  double *X = lap_scratch(L, (size_t)(m * D) * sizeof *X);
  ap_nef_scattered((size_t)m, (size_t)D, 0, run_seed(L),
                   AP_STREAM_NEF_BASE + (uint32_t)p->ref.pop, 3, X);
  for (lua_Integer k = 0; k < m * D; k++) X[k] *= radius;
  lap_push_f64_table(L, X, (size_t)(m * D), 1);
  return 1;
}

/* The rates of an ensemble at points: the arguments common to rates()
 * and solve(), from index i: encoders (flat), gains, biases, radius,
 * tau_rc, tau_ref (ms), points (flat), dims.  A (m x n) on the stack. */
typedef struct ens_args {
  size_t n, m, D;
  double *A;
} ens_args;

static ens_args rates_at(lua_State *L, int i, int i_tick) {
  ens_args a = {0, 0, 0, NULL};
  size_t n, ne, np;
  const double *gain = read_vec(L, i + 1, 0, &n, "gains");
  const double *bias = read_vec(L, i + 2, n, NULL, "biases");
  const lua_Integer D = luaL_checkinteger(L, i + 7);
  if (D < 1) lap_lerror(L, "dimensions must be >= 1");
  const double *enc = read_vec(L, i, n * (size_t)D, &ne, "encoders");
  const double radius = luaL_checknumber(L, i + 3);
  const double tau_rc = luaL_checknumber(L, i + 4) * 1e-3;
  const double tau_ref = luaL_checknumber(L, i + 5) * 1e-3;
  const double *X = read_vec(L, i + 6, 0, &np, "evaluation points");
  if (np % (size_t)D) lap_lerror(L, "evaluation points: %zu numbers are not "
                                 "whole points of %d dimensions", np, (int)D);
  a.n = n;
  a.D = (size_t)D;
  a.m = np / (size_t)D;
  a.A = lap_scratch(L, a.m * n * sizeof *a.A);
  const double tick = luaL_optnumber(L, i_tick, 0.0) * 1e-3;
  ap_nef_activities(X, a.m, a.D, enc, gain, bias, n, radius, tau_rc, tau_ref,
                    1.0, tick, a.A);
  return a;
}

/* rates(encoders, gains, biases, radius, tau_rc, tau_ref, points, dims
 * [, tick]): the LIF rates (Hz), flat m x n; with a tick (ms), those of
 * a neuron on a grid of ticks (a chip). */
static int nef_rates(lua_State *L) {
  ens_args a = rates_at(L, 1, 9);
  lap_push_f64_table(L, a.A, a.m * a.n, 1);
  return 1;
}

/* solve(encoders, gains, biases, radius, tau_rc, tau_ref, points, dims,
 * targets, d, reg [, tick]): decoders (flat n x d) and the RMS error of
 * the fit. */
static int nef_solve(lua_State *L) {
  ens_args a = rates_at(L, 1, 12);
  const lua_Integer d = luaL_checkinteger(L, 10);
  const double reg = luaL_checknumber(L, 11);
  if (d < 1) return lap_lerror(L, "the function must give >= 1 values");
  const double *Y = read_vec(L, 9, a.m * (size_t)d, NULL, "function values");
  double *X = lap_scratch(L, a.n * (size_t)d * sizeof *X);
  double rmse = 0;
  char err[512];
  if (ap_nef_lstsq_l2(a.A, a.m, a.n, Y, (size_t)d, reg, X, &rmse, err,
                      sizeof err))
    return lap_lerror(L, "solving for decoders: %s", err);
  lap_push_f64_table(L, X, a.n * (size_t)d, 1);
  lua_pushnumber(L, rmse);
  return 2;
}

/* ------------------------------------------------------- ap.decoded */

static ldec *check_dec(lua_State *L, int i) {
  return luaL_checkudata(L, i, DEC_MT);
}

/* ap.decoded{ pre = pop | nil, post = pop, port =, dims =, decoders =,
 * encoders =, tau = ms, delay = ms, rate_var = } */
static int l_decoded(lua_State *L) {
  ap_sim *sim = lap_get_state(L)->sim;
  luaL_checktype(L, 1, LUA_TTABLE);
  static const char *const keys[] = {"pre", "post", "port", "dims",
                                     "decoders", "encoders", "tau", "delay",
                                     "rate_var", NULL};
  lap_check_keys(L, 1, keys, "ap.decoded");
  ap_decoded_spec s = {0};
  s.pre = AP_DECODED_SIGNAL;
  if (lua_getfield(L, 1, "pre") != LUA_TNIL) s.pre = lap_check_pop(L, -1)->ref.pop;
  if (lua_getfield(L, 1, "post") == LUA_TNIL)
    return lap_lerror(L, "ap.decoded needs post = a population");
  lpop *post = lap_check_pop(L, -1);
  s.post = post->ref.pop;
  if (lua_getfield(L, 1, "port") != LUA_TNIL) s.port = luaL_checkstring(L, -1);
  lua_getfield(L, 1, "dims");
  const lua_Integer D = luaL_checkinteger(L, -1);
  if (D < 1 || D > 65536) return lap_lerror(L, "ap.decoded: dims must be >= 1");
  s.dims = (unsigned)D;
  s.tau_ms = lua_getfield(L, 1, "tau") != LUA_TNIL ? luaL_checknumber(L, -1) : 5.0;
  s.delay_ms = lua_getfield(L, 1, "delay") != LUA_TNIL
                   ? luaL_checknumber(L, -1)
                   : ap_sim_settings(sim)->dt;
  if (lua_getfield(L, 1, "rate_var") != LUA_TNIL) s.rate_var = luaL_checkstring(L, -1);
  if (s.pre != AP_DECODED_SIGNAL) {
    lua_getfield(L, 1, "decoders");
    s.decoders = read_vec(L, -1, ap_pop_size(sim, s.pre) * s.dims, NULL,
                          "ap.decoded: decoders");
  }
  lua_getfield(L, 1, "encoders");
  s.encoders = read_vec(L, -1, ap_pop_size(sim, s.post) * s.dims, NULL,
                        "ap.decoded: encoders");
  ldec *u = lua_newuserdatauv(L, sizeof *u, 0);
  if (ap_sim_decoded(sim, &s, &u->dec)) return lap_sim_error(L, sim);
  luaL_setmetatable(L, DEC_MT);
  return 1;
}

static int dec_set_signal(lua_State *L) {
  ldec *d = check_dec(L, 1);
  ap_sim *sim = lap_get_state(L)->sim;
  double *sig = ap_decoded_signal(sim, d->dec);
  if (!sig) return lap_lerror(L, "set_signal: this decoded connection "
                              "decodes a population, not a signal");
  const unsigned D = ap_decoded_dims(sim, d->dec);
  const double *v = read_vec(L, 2, D, NULL, "set_signal");
  memcpy(sig, v, D * sizeof *sig);
  return 0;
}

static int dec_value(lua_State *L) {
  ldec *d = check_dec(L, 1);
  ap_sim *sim = lap_get_state(L)->sim;
  const double *x = ap_decoded_value(sim, d->dec);
  if (!x) return lap_sim_error(L, sim);
  lap_push_f64_table(L, x, ap_decoded_dims(sim, d->dec), 1);
  return 1;
}

/* d:decoders(): flat, n_pre x dims; d:set_decoders(t) between runs. */
static int dec_decoders(lua_State *L) {
  ldec *d = check_dec(L, 1);
  ap_sim *sim = lap_get_state(L)->sim;
  const size_t n = ap_decoded_pre_size(sim, d->dec);
  const double *v = n ? ap_decoded_decoders(sim, d->dec) : NULL;
  if (!v) return lap_lerror(L, "decoders: a signal has none");
  lap_push_f64_table(L, v, n * ap_decoded_dims(sim, d->dec), 1);
  return 1;
}

static int dec_set_decoders(lua_State *L) {
  ldec *d = check_dec(L, 1);
  ap_sim *sim = lap_get_state(L)->sim;
  const size_t n = ap_decoded_pre_size(sim, d->dec);
  if (!n) return lap_lerror(L, "set_decoders: a signal has none");
  const size_t len = n * ap_decoded_dims(sim, d->dec);
  const double *v = read_vec(L, 2, len, NULL, "set_decoders");
  memcpy(ap_decoded_decoders(sim, d->dec), v, len * sizeof *v);
  return 0;
}

static int dec_tostring(lua_State *L) {
  ldec *d = check_dec(L, 1);
  lua_pushfstring(L, "Decoded %d (%d dimensions)", (int)d->dec + 1,
                  (int)ap_decoded_dims(lap_get_state(L)->sim, d->dec));
  return 1;
}

static const luaL_Reg dec_meta[] = {{"__tostring", dec_tostring},
                                    {NULL, NULL}};
static const luaL_Reg dec_methods[] = {{"set_signal", dec_set_signal},
                                       {"value", dec_value},
                                       {"decoders", dec_decoders},
                                       {"set_decoders", dec_set_decoders},
                                       {NULL, NULL}};

/* ap.backend_can(what): whether the backend in force runs "decoded"
 * connections (or only those from a signal: "decoded_signal"). */
static int l_backend_can(lua_State *L) {
  const char *what = luaL_checkstring(L, 1);
  if (strcmp(what, "decoded") && strcmp(what, "decoded_signal"))
    return lap_lerror(L, "ap.backend_can: unknown capability '%s' (known: "
                      "decoded, decoded_signal)", what);
  lua_pushboolean(L, ap_sim_backend_can(lap_get_state(L)->sim, what));
  return 1;
}

const luaL_Reg lap_nef_funcs[] = {{"decoded", l_decoded},
                                  {"backend_can", l_backend_can},
                                  {NULL, NULL}};

/* The Lua part, compiled in (core/lua/nef.lua). */
static const char nef_source[] =
#include "lua/nef_lua.h"
    ;

void lap_nef_open(lua_State *L) {
  lap_make_meta(L, DEC_MT, dec_meta, dec_methods);
}

/* With the ap table on top: ap.nef = nef.lua(ap, C). */
void lap_nef_module(lua_State *L) {
  if (luaL_loadbufferx(L, nef_source, sizeof nef_source - 1, "=ap.nef", "t"))
    lua_error(L);
  lua_pushvalue(L, -2);
  static const luaL_Reg c_funcs[] = {{"tune", nef_tune},
                                     {"eval_points", nef_eval_points},
                                     {"rates", nef_rates},
                                     {"solve", nef_solve},
                                     {NULL, NULL}};
  luaL_newlib(L, c_funcs);
  lua_call(L, 2, 1);
  lua_setfield(L, -2, "nef");
}
