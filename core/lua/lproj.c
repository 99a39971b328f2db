/* lproj.c -- ap.connect and the Projection type. */
#include "lua/lauxap.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const conn_keys[] = {
    "rule", "p", "indegree", "outdegree", "N", "allow_autapses",
    "allow_multapses", "pre", "post", NULL};
static const char *const syn_keys[] = {"weight",   "delay",     "port",
                                       "synapse",  "learning",  "modulator",
                                       "p_release", NULL};

static void read_conn(lua_State *L, int t, ap_conn_spec *c) {
  memset(c, 0, sizeof *c);
  c->allow_autapses = c->allow_multapses = 1;
  if (lua_type(L, t) == LUA_TSTRING) {
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, t);
    lua_setfield(L, -2, "rule");
    lua_replace(L, t);
  }
  if (lua_type(L, t) != LUA_TTABLE)
    lap_lerror(L, "connection spec must be a table such as { rule = "
           "\"fixed_probability\", p = 0.1 } or a rule name");
  lap_check_keys(L, t, conn_keys, "connection spec");
  if (lua_getfield(L, t, "rule") != LUA_TSTRING)
    lap_lerror(L, "connection spec needs a rule (all_to_all, one_to_one, "
           "fixed_probability, fixed_indegree, fixed_outdegree, "
           "fixed_total_number, list)");
  const char *name = lua_tostring(L, -1);
  int rule = ap_conn_rule_from_name(name);
  if (rule < 0) {
    const char *cand[7];
    for (int i = 0; i < 7; i++) cand[i] = ap_conn_rule_name(i);
    const char *close = ap_closest(name, cand, 7);
    lap_lerror(L, "unknown connection rule '%s'%s%s%s; rules: all_to_all, "
           "one_to_one, fixed_probability, fixed_indegree, fixed_outdegree, "
           "fixed_total_number, list", name, close ? " (did you mean '" : "",
           close ? close : "", close ? "'?)" : "");
  }
  lua_pop(L, 1);
  c->rule = rule;
  c->allow_autapses = lap_opt_bool(L, t, "allow_autapses", 1);
  c->allow_multapses = lap_opt_bool(L, t, "allow_multapses", 1);
  switch (rule) {
    case AP_CONN_FIXED_PROBABILITY: {
      if (lua_getfield(L, t, "p") != LUA_TNUMBER)
        lap_lerror(L, "connection rule fixed_probability needs 'p', a number in "
               "[0, 1]");
      c->p = lua_tonumber(L, -1);
      lua_pop(L, 1);
      if (!(c->p >= 0 && c->p <= 1))
        lap_lerror(L, "connection rule fixed_probability: 'p' must be in [0, 1], "
               "got %g", c->p);
      break;
    }
    case AP_CONN_FIXED_INDEGREE:
      c->k = lap_need_count(L, t, "indegree", name);
      break;
    case AP_CONN_FIXED_OUTDEGREE:
      c->k = lap_need_count(L, t, "outdegree", name);
      break;
    case AP_CONN_FIXED_TOTAL_NUMBER:
      c->k = lap_need_count(L, t, "N", name);
      break;
    case AP_CONN_LIST: {
      size_t a, b;
      uint32_t *pre = lap_index_list(L, t, "pre", &a);
      uint32_t *post = lap_index_list(L, t, "post", &b);
      if (a != b)
        lap_lerror(L, "connection list: pre has %zu entries and post %zu", a, b);
      c->pre = pre;
      c->post = post;
      c->n_list = a;
      break;
    }
    default:
      break;
  }
}

/* A model given as "name" or { "name", key = number, ... } at index i
 * (what: "synapse" or "learning"). */
static void read_model(lua_State *L, int i, const char *what,
                       const char **name, const char *const **keys,
                       const double **vals, size_t *n) {
  *n = 0;
  if (lua_type(L, i) == LUA_TSTRING) {
    *name = lua_tostring(L, i);
    return;
  }
  if (lua_type(L, i) != LUA_TTABLE)
    lap_lerror(L, "synapse spec: '%s' must be a name or a table { \"name\", "
           "param = value, ... }", what);
  int t = lua_absindex(L, i);
  if (lua_rawgeti(L, t, 1) != LUA_TSTRING)
    lap_lerror(L, "synapse spec: %s = { \"name\", param = value, ... } needs "
           "the name first", what);
  *name = lua_tostring(L, -1);
  lua_pop(L, 1); /* the table keeps the string alive */
  size_t cap = 0;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    cap++;
    lua_pop(L, 1);
  }
  const char **k = lap_scratch(L, cap * sizeof *k);
  double *v = lap_scratch(L, cap * sizeof *v);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    if (lua_type(L, -2) == LUA_TSTRING) {
      int isnum;
      double x = lua_tonumberx(L, -1, &isnum);
      if (!isnum)
        lap_lerror(L, "%s parameter '%s' must be a number",
               strcmp(what, "learning") ? "synapse" : "learning rule",
               lua_tostring(L, -2));
      k[*n] = lua_tostring(L, -2);
      v[(*n)++] = x;
    }
    lua_pop(L, 1);
  }
  *keys = k;
  *vals = v;
}

/* ap.connect(pre, modulator, { weight = w }): each spike releases w, or
 * with a table, w[i] for each spike of neuron i. */
static int connect_modulator(lua_State *L) {
  lstate *s = lap_get_state(L);
  lpop *pre = lap_check_pop(L, 1);
  lmod *m = lap_check_mod(L, 2);
  int t = lua_istable(L, 3) && !lua_isnoneornil(L, 4) ? 4 : 3;
  double w = 1.0;
  if (!lua_isnoneornil(L, t)) {
    luaL_checktype(L, t, LUA_TTABLE);
    static const char *const keys[] = {"weight", NULL};
    lap_check_keys(L, t, keys, "modulator connection spec");
    if (lua_getfield(L, t, "weight") == LUA_TTABLE) {
      const size_t n = pre->ref.count;
      if ((size_t)lua_rawlen(L, -1) != n)
        return lap_lerror(L, "modulator connection: 'weight' has %zu numbers "
                          "for %zu neurons", (size_t)lua_rawlen(L, -1), n);
      double *each = lap_scratch(L, n * sizeof *each);
      for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, -2, (lua_Integer)i + 1);
        int ok;
        each[i] = lua_tonumberx(L, -1, &ok);
        lua_pop(L, 1);
        if (!ok)
          return lap_lerror(L, "modulator connection: weight %zu is not a "
                            "number", i + 1);
      }
      if (ap_mod_connect_each(s->sim, pre->ref, m->mod, each))
        return lap_sim_error(L, s->sim);
      return 0;
    }
    if (!lua_isnil(L, -1)) {
      if (!lua_isnumber(L, -1))
        return lap_lerror(L, "modulator connection: 'weight' must be a number "
                      "(the amount each spike releases) or a table of one "
                      "per neuron");
      w = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
  }
  if (ap_mod_connect(s->sim, pre->ref, m->mod, w)) return lap_sim_error(L, s->sim);
  return 0;
}

static int l_connect(lua_State *L) {
  lstate *s = lap_get_state(L);
  if (luaL_testudata(L, 2, MOD_MT)) return connect_modulator(L);
  lua_settop(L, 4); /* the specs keep slots 3 and 4; lap_scratch goes above */
  lpop *pre = lap_check_pop(L, 1);
  lpop *post = lap_check_pop(L, 2);
  if (lua_isnoneornil(L, 3)) {
    lua_pushliteral(L, "all_to_all");
    lua_replace(L, 3);
  }
  ap_conn_spec c;
  read_conn(L, 3, &c);
  ap_syn_spec sp;
  memset(&sp, 0, sizeof sp);
  sp.weight = (ap_value){0};
  sp.weight.a = 1.0;
  sp.delay = (ap_value){0};
  sp.delay.a = 1.0; /* ms, as NEST */
  if (!lua_isnoneornil(L, 4)) {
    luaL_checktype(L, 4, LUA_TTABLE);
    lap_check_keys(L, 4, syn_keys, "synapse spec");
    if (lua_getfield(L, 4, "weight") != LUA_TNIL)
      sp.weight = lap_check_value(L, -1, "synapse parameter 'weight'");
    if (lua_getfield(L, 4, "delay") != LUA_TNIL)
      sp.delay = lap_check_value(L, -1, "synapse parameter 'delay'");
    if (lua_getfield(L, 4, "port") != LUA_TNIL) {
      if (lua_type(L, -1) != LUA_TSTRING)
        return lap_lerror(L, "synapse spec: 'port' must be a port name");
      sp.port = lua_tostring(L, -1);
    }
    if (lua_getfield(L, 4, "synapse") != LUA_TNIL)
      read_model(L, -1, "synapse", &sp.synapse, &sp.keys, &sp.values,
                 &sp.n_keys);
    if (lua_getfield(L, 4, "learning") != LUA_TNIL)
      read_model(L, -1, "learning", &sp.rule, &sp.rule_keys, &sp.rule_values,
                 &sp.n_rule_keys);
    int ty = lua_getfield(L, 4, "modulator");
    if (ty == LUA_TUSERDATA) {
      size_t *m = lap_scratch(L, sizeof *m);
      *m = lap_check_mod(L, -2)->mod;
      sp.modulators = m;
      sp.n_modulators = 1;
    } else if (ty == LUA_TTABLE) {
      int t = lua_gettop(L);
      size_t n = lua_rawlen(L, t);
      size_t *m = lap_scratch(L, (n ? n : 1) * sizeof *m);
      for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, t, (lua_Integer)i + 1);
        lmod *x = luaL_testudata(L, -1, MOD_MT);
        if (!x)
          return lap_lerror(L, "synapse spec: modulator[%zu] is not a modulator "
                        "(make one with ap.modulator)", i + 1);
        m[i] = x->mod;
        lua_pop(L, 1);
      }
      sp.modulators = m;
      sp.n_modulators = n;
    } else if (ty != LUA_TNIL) {
      return lap_lerror(L, "synapse spec: 'modulator' must be a modulator (from "
                    "ap.modulator) or a table of them");
    }
    if (lua_getfield(L, 4, "p_release") != LUA_TNIL) {
      if (!lua_isnumber(L, -1))
        return lap_lerror(L, "synapse parameter 'p_release' must be a number in "
                      "[0, 1]");
      sp.has_p_release = 1;
      sp.p_release = lua_tonumber(L, -1);
    }
  }
  size_t idx;
  if (ap_sim_connect(s->sim, pre->ref, post->ref, &c, &sp, &idx))
    return lap_sim_error(L, s->sim);
  lproj *p = lua_newuserdatauv(L, sizeof *p, 0);
  p->proj = idx;
  luaL_setmetatable(L, PROJ_MT);
  return 1;
}

static int proj_len(lua_State *L) {
  lproj *p = lap_check_proj(L, 1);
  lua_pushinteger(L, (lua_Integer)ap_proj_size(lap_get_state(L)->sim, p->proj));
  return 1;
}

static int proj_pairs(lua_State *L) {
  lproj *p = lap_check_proj(L, 1);
  ap_sim *sim = lap_get_state(L)->sim;
  size_t n = ap_proj_size(sim, p->proj);
  uint32_t *pre = lap_scratch(L, n * sizeof *pre);
  uint32_t *post = lap_scratch(L, n * sizeof *post);
  ap_proj_pairs(sim, p->proj, pre, post);
  lap_push_u32_table(L, pre, n);
  lap_push_u32_table(L, post, n);
  return 2;
}

static int proj_values(lua_State *L, int delays) {
  lproj *p = lap_check_proj(L, 1);
  ap_sim *sim = lap_get_state(L)->sim;
  size_t n = ap_proj_size(sim, p->proj);
  double *w = lap_scratch(L, n * sizeof *w);
  if (delays) ap_proj_delays(sim, p->proj, w);
  else ap_proj_weights(sim, p->proj, w);
  lap_push_f64_table(L, w, n, 1);
  return 1;
}
static int proj_weights(lua_State *L) { return proj_values(L, 0); }
static int proj_delays(lua_State *L) { return proj_values(L, 1); }

/* proj:set_weights(table in pairs() order, or one number for all) */
static int proj_set_weights(lua_State *L) {
  lproj *p = lap_check_proj(L, 1);
  ap_sim *sim = lap_get_state(L)->sim;
  size_t n = ap_proj_size(sim, p->proj);
  double *w = lap_scratch(L, (n ? n : 1) * sizeof *w);
  if (lua_type(L, 2) == LUA_TNUMBER) {
    for (size_t i = 0; i < n; i++) w[i] = lua_tonumber(L, 2);
  } else if (lua_type(L, 2) == LUA_TTABLE) {
    if (lua_rawlen(L, 2) != n)
      return lap_lerror(L, "set_weights: the table has %zu weights and the "
                    "projection %zu synapses", (size_t)lua_rawlen(L, 2), n);
    for (size_t i = 0; i < n; i++) {
      lua_rawgeti(L, 2, (lua_Integer)i + 1);
      int isnum;
      w[i] = lua_tonumberx(L, -1, &isnum);
      if (!isnum) return lap_lerror(L, "set_weights: weight %zu is not a number",
                                i + 1);
      lua_pop(L, 1);
    }
  } else {
    return lap_lerror(L, "set_weights: give a table of weights in pairs() order "
                  "or one number");
  }
  if (ap_proj_set_weights(sim, p->proj, w)) return lap_sim_error(L, sim);
  return 0;
}

static int proj_save(lua_State *L) {
  lproj *p = lap_check_proj(L, 1);
  ap_sim *sim = lap_get_state(L)->sim;
  const char *path = lap_out_path(L, sim, luaL_checkstring(L, 2));
  if (ap_proj_save(sim, p->proj, path)) return lap_sim_error(L, sim);
  return 0;
}

static int proj_rule(lua_State *L) {
  lproj *p = lap_check_proj(L, 1);
  const char *r = ap_proj_rule(lap_get_state(L)->sim, p->proj);
  if (r) lua_pushstring(L, r);
  else lua_pushnil(L);
  return 1;
}

/* proj:mirror(src): this projection's weights follow src's, transposed. */
static int proj_mirror(lua_State *L) {
  lproj *p = lap_check_proj(L, 1);
  lproj *src = lap_check_proj(L, 2);
  ap_sim *sim = lap_get_state(L)->sim;
  if (ap_proj_mirror(sim, p->proj, src->proj)) return lap_sim_error(L, sim);
  return 0;
}

/* proj:set_rule_var(name, t): one value per postsynaptic neuron. */
static int proj_set_rule_var(lua_State *L) {
  lproj *p = lap_check_proj(L, 1);
  const char *name = luaL_checkstring(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  ap_sim *sim = lap_get_state(L)->sim;
  size_t n = 0;
  if (ap_proj_rule_var(sim, p->proj, name, NULL, &n)) return lap_sim_error(L, sim);
  if ((size_t)lua_rawlen(L, 3) != n)
    return lap_lerror(L, "set_rule_var: %zu values for %zu neurons",
                      (size_t)lua_rawlen(L, 3), n);
  double *v = lap_scratch(L, (n ? n : 1) * sizeof *v);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, 3, (lua_Integer)i + 1);
    int ok;
    v[i] = lua_tonumberx(L, -1, &ok);
    lua_pop(L, 1);
    if (!ok) return lap_lerror(L, "set_rule_var: value %zu is not a number", i + 1);
  }
  if (ap_proj_set_rule_var(sim, p->proj, name, v)) return lap_sim_error(L, sim);
  return 0;
}

/* proj:rule_var(name): a learning rule's per-neuron variable, as a table
 * indexed by postsynaptic neuron. */
static int proj_rule_var(lua_State *L) {
  lproj *p = lap_check_proj(L, 1);
  const char *name = luaL_checkstring(L, 2);
  ap_sim *sim = lap_get_state(L)->sim;
  size_t n = 0;
  if (ap_proj_rule_var(sim, p->proj, name, NULL, &n)) return lap_sim_error(L, sim);
  double *v = lap_scratch(L, (n ? n : 1) * sizeof *v);
  ap_proj_rule_var(sim, p->proj, name, v, &n);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushnumber(L, v[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int proj_port(lua_State *L) {
  lproj *p = lap_check_proj(L, 1);
  lua_pushstring(L, ap_proj_port(lap_get_state(L)->sim, p->proj));
  return 1;
}

static int proj_synapse(lua_State *L) {
  lproj *p = lap_check_proj(L, 1);
  lua_pushstring(L, ap_proj_synapse(lap_get_state(L)->sim, p->proj));
  return 1;
}

static int proj_tostring(lua_State *L) {
  lproj *p = lap_check_proj(L, 1);
  lua_pushfstring(L, "Projection %d (%d synapses)", (int)p->proj + 1,
                  (int)ap_proj_size(lap_get_state(L)->sim, p->proj));
  return 1;
}

const luaL_Reg lap_proj_funcs[] = {
    {"connect", l_connect},
    {NULL, NULL}};

static const luaL_Reg proj_meta[] = {
    {"__len", proj_len}, {"__tostring", proj_tostring}, {NULL, NULL}};
static const luaL_Reg proj_methods[] = {{"pairs", proj_pairs},
                                        {"weights", proj_weights},
                                        {"delays", proj_delays},
                                        {"port", proj_port},
                                        {"synapse", proj_synapse},
                                        {"rule", proj_rule},
                                        {"set_weights", proj_set_weights},
                                        {"mirror", proj_mirror},
                                        {"rule_var", proj_rule_var},
                                        {"set_rule_var", proj_set_rule_var},
                                        {"save", proj_save},
                                        {NULL, NULL}};

void lap_proj_open(lua_State *L) {
  lap_make_meta(L, PROJ_MT, proj_meta, proj_methods);
}
