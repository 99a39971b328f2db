/* lpop.c -- ap.population and the Population type. */
#include "lua/lauxap.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
      lap_lerror(L, "parameter '%s' of %s is a list: give a table of times (one "
             "list for every neuron) or a table of tables (one per neuron)",
             name, pl->name);
    lua_rawgeti(L, i, 1);
    int nested = lua_type(L, -1) == LUA_TTABLE;
    lua_pop(L, 1);
    size_t *off = lap_scratch(L, (r.count + 1) * sizeof *off);
    size_t total = 0;
    if (nested) {
      if (lua_rawlen(L, i) != r.count)
        lap_lerror(L, "parameter '%s' of %s: %zu lists given for %zu neurons",
               name, pl->name, (size_t)lua_rawlen(L, i), r.count);
      for (size_t j = 0; j < r.count; j++) {
        off[j] = total;
        lua_rawgeti(L, i, (lua_Integer)j + 1);
        if (lua_type(L, -1) != LUA_TTABLE)
          lap_lerror(L, "parameter '%s' of %s: entry %zu must be a table", name,
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
    double *val = lap_scratch(L, total * sizeof *val);
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
          lap_lerror(L, "parameter '%s' of %s: values must be numbers", name,
                 pl->name);
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
    if (!nested)
      for (size_t j = 1; j < r.count; j++)
        memcpy(val + j * (total / r.count), val, (total / r.count) * sizeof *val);
    if (ap_pop_set_list(sim, r, name, val, off)) lap_sim_error(L, sim);
  } else {
    char what[160];
    ap_fmt(what, sizeof what, "'%s' of %s", name, pl->name);
    ap_value v = lap_check_value(L, i, what);
    if (ap_pop_set(sim, r, name, &v)) lap_sim_error(L, sim);
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
        lap_lerror(L, "parameter names must be strings, got a %s",
               luaL_typename(L, -2));
      const char *name = lua_tostring(L, -2);
      int is_param = ap_param_index(d->params, d->n_params, name) >= 0;
      if (is_param == (pass == 0)) set_one(L, sim, r, name, -1);
      lua_pop(L, 1);
    }
  }
}

static int l_population(lua_State *L) {
  lstate *s = lap_get_state(L);
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
    keys = lap_scratch(L, (cap ? cap : 1) * sizeof *keys);
    vals = lap_scratch(L, (cap ? cap : 1) * sizeof *vals);
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
    return lap_sim_error(L, s->sim);
  ap_ref r = {idx, 0, (size_t)n};
  if (lua_istable(L, 3)) set_table(L, s->sim, r, 3);
  lap_push_pop(L, r);
  return 1;
}

static int pop_set(lua_State *L) {
  lpop *p = lap_check_pop(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  set_table(L, lap_get_state(L)->sim, p->ref, 2);
  return 0;
}

/* pop:reset(): every state variable back to its initial value. */
static int pop_reset(lua_State *L) {
  lpop *p = lap_check_pop(L, 1);
  lstate *s = lap_get_state(L);
  if (ap_pop_reset(s->sim, p->ref)) return lap_sim_error(L, s->sim);
  return 0;
}

static int pop_get(lua_State *L) {
  lpop *p = lap_check_pop(L, 1);
  const char *name = luaL_checkstring(L, 2);
  lstate *s = lap_get_state(L);
  double *v = lap_scratch(L, p->ref.count * sizeof *v);
  if (ap_pop_get(s->sim, p->ref, name, v)) return lap_sim_error(L, s->sim);
  lua_createtable(L, (int)p->ref.count, 0);
  for (size_t i = 0; i < p->ref.count; i++) {
    lua_pushnumber(L, v[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int pop_slice(lua_State *L) {
  lpop *p = lap_check_pop(L, 1);
  lua_Integer a = luaL_checkinteger(L, 2);
  lua_Integer b = luaL_optinteger(L, 3, a);
  if (a < 1 || b < a || (size_t)b > p->ref.count)
    return lap_lerror(L, "slice(%lld, %lld) is outside 1..%zu (both ends "
                  "inclusive)", (long long)a, (long long)b, p->ref.count);
  ap_ref r = {p->ref.pop, p->ref.first + (size_t)a - 1, (size_t)(b - a + 1)};
  lap_push_pop(L, r);
  return 1;
}

/* pop:lesion(fraction) or pop:lesion{ i, j, ... }: returns the number of
 * neurons silenced by this call's choice. */
static int pop_lesion(lua_State *L) {
  lpop *p = lap_check_pop(L, 1);
  ap_sim *sim = lap_get_state(L)->sim;
  if (lua_type(L, 2) == LUA_TNUMBER) {
    size_t k = 0;
    if (ap_pop_lesion_fraction(sim, p->ref, lua_tonumber(L, 2), &k))
      return lap_sim_error(L, sim);
    lua_pushinteger(L, (lua_Integer)k);
    return 1;
  }
  if (lua_type(L, 2) != LUA_TTABLE)
    return lap_lerror(L, "lesion: give a fraction in [0, 1] or a table of "
                  "1-based neuron indices");
  size_t n = lua_rawlen(L, 2);
  uint32_t *idx = lap_scratch(L, (n ? n : 1) * sizeof *idx);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    int isnum;
    lua_Integer v = lua_tointegerx(L, -1, &isnum);
    if (!isnum || v < 1 || (size_t)v > p->ref.count)
      return lap_lerror(L, "lesion: index %zu must be a neuron in 1..%zu", i + 1,
                    p->ref.count);
    idx[i] = (uint32_t)(v - 1);
    lua_pop(L, 1);
  }
  if (ap_pop_lesion(sim, p->ref, idx, n)) return lap_sim_error(L, sim);
  lua_pushinteger(L, (lua_Integer)n);
  return 1;
}

/* pop:modulate(param, modulator, { gain = g }) */
static int pop_modulate(lua_State *L) {
  lpop *p = lap_check_pop(L, 1);
  const char *param = luaL_checkstring(L, 2);
  lmod *m = lap_check_mod(L, 3);
  double gain = 1.0;
  if (!lua_isnoneornil(L, 4)) {
    luaL_checktype(L, 4, LUA_TTABLE);
    static const char *const keys[] = {"gain", NULL};
    lap_check_keys(L, 4, keys, "modulation options");
    if (lua_getfield(L, 4, "gain") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lap_lerror(L, "modulation option 'gain' must be a number (per unit "
                      "of the modulator)");
      gain = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
  }
  ap_sim *sim = lap_get_state(L)->sim;
  if (ap_pop_modulate(sim, p->ref, param, m->mod, gain))
    return lap_sim_error(L, sim);
  return 0;
}

static int pop_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)lap_check_pop(L, 1)->ref.count);
  return 1;
}

static int pop_model(lua_State *L) {
  lpop *p = lap_check_pop(L, 1);
  lua_pushstring(L, ap_pop_model(lap_get_state(L)->sim, p->ref.pop));
  return 1;
}

static int pop_tostring(lua_State *L) {
  lpop *p = lap_check_pop(L, 1);
  ap_sim *sim = lap_get_state(L)->sim;
  if (p->ref.first == 0 && p->ref.count == ap_pop_size(sim, p->ref.pop))
    lua_pushfstring(L, "Population %d (%s, %d neurons)", (int)p->ref.pop + 1,
                    ap_pop_model(sim, p->ref.pop), (int)p->ref.count);
  else
    lua_pushfstring(L, "Population %d (%s) neurons %d..%d", (int)p->ref.pop + 1,
                    ap_pop_model(sim, p->ref.pop), (int)p->ref.first + 1,
                    (int)(p->ref.first + p->ref.count));
  return 1;
}

/* A table of numbers at t[key] (its copy stays on the stack). */
static const double *number_list(lua_State *L, int t, const char *key,
                                 size_t *n) {
  char what[64];
  ap_fmt(what, sizeof what, "ap.step_current: %s", key);
  if (lua_getfield(L, t, key) != LUA_TTABLE)
    lap_lerror(L, "%s must be a table of numbers", what);
  ap_value v = lap_check_value(L, -1, what);
  *n = v.n;
  return v.array;
}

/* ap.step_current(pop, { amplitude_times = {ms...}, amplitude_values =
 * {pA...} [, param = "I_e"] [, compartment = k] }): NEST's
 * step_current_generator on the neurons of pop. */
static int l_step_current(lua_State *L) {
  lpop *p = lap_check_pop(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  static const char *const keys[] = {"amplitude_times", "amplitude_values",
                                     "param", "compartment", NULL};
  lap_check_keys(L, 2, keys, "step current");
  size_t nt, nv;
  const double *t = number_list(L, 2, "amplitude_times", &nt);
  const double *v = number_list(L, 2, "amplitude_values", &nv);
  if (nt != nv)
    return lap_lerror(L, "ap.step_current: %zu amplitude_times but %zu "
                      "amplitude_values", nt, nv);
  const char *param = NULL;
  if (lua_getfield(L, 2, "param") != LUA_TNIL) {
    if (!lua_isstring(L, -1))
      return lap_lerror(L, "ap.step_current: param must be a name");
    param = lua_tostring(L, -1);
  }
  int comp = -1;
  if (lua_getfield(L, 2, "compartment") != LUA_TNIL) {
    int isnum;
    lua_Integer k = lua_tointegerx(L, -1, &isnum);
    if (!isnum || k < 1 || k > 1000000)
      return lap_lerror(L, "ap.step_current: compartment must be a number "
                        "from 1 (the soma)");
    comp = (int)(k - 1);
  }
  ap_sim *sim = lap_get_state(L)->sim;
  if (ap_sim_step_current(sim, p->ref, param, comp, t, v, nt))
    return lap_sim_error(L, sim);
  return 0;
}

const luaL_Reg lap_pop_funcs[] = {
    {"population", l_population},
    {"step_current", l_step_current},
    {NULL, NULL}};

static const luaL_Reg pop_meta[] = {
    {"__len", pop_len}, {"__tostring", pop_tostring}, {NULL, NULL}};
static const luaL_Reg pop_methods[] = {
    {"set", pop_set},         {"get", pop_get},
    {"reset", pop_reset},
    {"slice", pop_slice},     {"model", pop_model},
    {"lesion", pop_lesion},   {"modulate", pop_modulate},
    {NULL, NULL}};

void lap_pop_open(lua_State *L) {
  lap_make_meta(L, POP_MT, pop_meta, pop_methods);
}
