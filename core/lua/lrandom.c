/* lrandom.c -- math.random's state, kept so that a snapshot can carry it.
 *
 * Lua's generator does not give its state away, so the wrappers keep a
 * journal instead: the arguments of the last math.randomseed (the two
 * seed numbers it reports when it seeds itself) and the form of every
 * math.random call since (no argument, [1, m] or [m, n]: the forms draw
 * different numbers of values).  Seeding the generator again with the
 * same numbers and making the same calls, their results dropped, puts it
 * in the same state, whatever the version of Lua's library: restore is
 * a replay.  Calls alike in a row are kept as one entry with a count (a
 * loop drawing with the same arguments costs one entry); the journal is
 * cleared by every math.randomseed. */
#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lua/lrandom.h"

/* A run of math.random calls of one form with the same arguments. */
typedef struct call {
  unsigned char form; /* 0: (), 1: (m), 2: (m, n) */
  lua_Integer m, n;
  uint64_t times;
} call;

typedef struct journal {
  int seeded;             /* a math.randomseed has been made */
  lua_Integer seed[2];
  call *calls;
  size_t n, cap;
  int oom;
} journal;

static const char KEY[] = "apical.random";

static journal *get_journal(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, KEY);
  journal *j = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return j;
}

static int journal_gc(lua_State *L) {
  journal *j = lua_touserdata(L, 1);
  free(j->calls);
  j->calls = NULL;
  return 0;
}

static void journal_add(journal *j, call c) {
  if (j->oom) return;
  if (j->n) {
    call *last = &j->calls[j->n - 1];
    if (last->form == c.form && last->m == c.m && last->n == c.n) {
      last->times++;
      return;
    }
  }
  c.times = 1;
  if (j->n == j->cap) {
    size_t cap = j->cap ? 2 * j->cap : 1024;
    call *nc = realloc(j->calls, cap * sizeof *nc);
    if (!nc) {
      j->oom = 1;
      return;
    }
    j->calls = nc;
    j->cap = cap;
  }
  j->calls[j->n++] = c;
}

/* math.random, then its form in the journal.  Lua's draws a value before
 * it looks at its arguments, so a call it refuses moves the generator
 * too: the wrapper then draws one value (a call without arguments, as
 * the journal says) and raises Lua's error with Lua's words. */
static int l_random(lua_State *L) {
  journal *j = lua_touserdata(L, lua_upvalueindex(2));
  const int nargs = lua_gettop(L);
  call c = {(unsigned char)nargs, 0, 0, 1};
  int ok = nargs <= 2, isnum = 1;
  if (ok && nargs >= 1) c.m = lua_tointegerx(L, 1, &isnum), ok = isnum;
  if (ok && nargs >= 2) c.n = lua_tointegerx(L, 2, &isnum), ok = isnum;
  if (ok && nargs == 1 && c.m != 0 && c.m < 1) ok = 0;
  if (ok && nargs == 2 && c.m > c.n) ok = 0;
  if (!ok) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_call(L, 0, 1);
    lua_pop(L, 1);
    journal_add(j, (call){0, 0, 0, 1});
    if (nargs > 2) return luaL_error(L, "wrong number of arguments");
    lua_Integer lo = 1, up = luaL_checkinteger(L, 1);
    if (nargs == 2) lo = up, up = luaL_checkinteger(L, 2);
    luaL_argcheck(L, lo <= up, 1, "interval is empty");
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, nargs, 1);
  journal_add(j, c);
  return 1;
}

/* math.randomseed, then the seed in the journal and the calls cleared. */
static int l_randomseed(lua_State *L) {
  journal *j = lua_touserdata(L, lua_upvalueindex(2));
  const int nargs = lua_gettop(L);
  lua_Integer a = 0, b = 0;
  if (nargs >= 1) {
    /* Lua takes a float seed's bits as an integer; keep what it took */
    a = lua_isinteger(L, 1) ? lua_tointeger(L, 1)
                            : (lua_Integer)luaL_checknumber(L, 1);
    b = nargs >= 2 ? luaL_checkinteger(L, 2) : 0;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, nargs, LUA_MULTRET);
  const int nres = lua_gettop(L);
  if (nres >= 2 && lua_isinteger(L, 1) && lua_isinteger(L, 2)) {
    /* Lua 5.4.4 and later say which seed they took (their own, too) */
    a = lua_tointeger(L, 1);
    b = lua_tointeger(L, 2);
  }
  j->seeded = 1;
  j->seed[0] = a;
  j->seed[1] = b;
  j->n = 0;
  j->oom = 0;
  return nres;
}

void lap_random_install(lua_State *L) {
  journal *j = lua_newuserdatauv(L, sizeof *j, 0);
  memset(j, 0, sizeof *j);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, journal_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, KEY);
  /* [journal] */
  if (lua_getglobal(L, "math") != LUA_TTABLE) {
    lua_pop(L, 2);
    return;
  }
  /* [journal, math] */
  static const struct {
    const char *name;
    lua_CFunction fn;
  } wrap[] = {{"random", l_random}, {"randomseed", l_randomseed}};
  for (int k = 0; k < 2; k++) {
    lua_getfield(L, -1, wrap[k].name); /* the original */
    lua_pushvalue(L, -3);             /* the journal */
    lua_pushcclosure(L, wrap[k].fn, 2);
    lua_setfield(L, -2, wrap[k].name);
  }
  lua_pop(L, 2);
}

/* The journal's bytes: seeded (1), the seed (2 x 8), the entries' count
 * (8), then per entry its form (1), arguments (2 x 8) and count (8). */
enum { ENTRY = 25 };

size_t lap_random_size(lua_State *L) {
  const journal *j = get_journal(L);
  return j ? 25 + j->n * ENTRY : 0;
}

/* Little-endian 64-bit words. */
static void put64(unsigned char *p, uint64_t v) {
  for (int k = 0; k < 8; k++) p[k] = (unsigned char)(v >> (8 * k));
}
static uint64_t get64(const unsigned char *p) {
  uint64_t v = 0;
  for (int k = 8; k-- > 0;) v = v << 8 | p[k];
  return v;
}

int lap_random_save(lua_State *L, unsigned char *out, size_t size) {
  const journal *j = get_journal(L);
  if (!j || j->oom || size < lap_random_size(L)) return -1;
  unsigned char *p = out;
  *p++ = (unsigned char)j->seeded;
  put64(p, (uint64_t)j->seed[0]), p += 8;
  put64(p, (uint64_t)j->seed[1]), p += 8;
  put64(p, (uint64_t)j->n), p += 8;
  for (size_t i = 0; i < j->n; i++) {
    *p++ = j->calls[i].form;
    put64(p, (uint64_t)j->calls[i].m), p += 8;
    put64(p, (uint64_t)j->calls[i].n), p += 8;
    put64(p, j->calls[i].times), p += 8;
  }
  return 0;
}

int lap_random_restore(lua_State *L, const unsigned char *in, size_t size) {
  if (size < 25) return -1;
  const unsigned char *p = in;
  const int seeded = *p++;
  const lua_Integer a = (lua_Integer)get64(p), b = (lua_Integer)get64(p + 8);
  const uint64_t n = get64(p + 16);
  p += 24;
  if (n > (size - 25) / ENTRY || size != 25 + n * ENTRY) return -1;
  if (!seeded) return 0; /* Lua seeded itself: not reproducible, not kept */
  /* through the wrappers, so that the journal is rebuilt as it was */
  lua_getglobal(L, "math");
  lua_getfield(L, -1, "randomseed");
  lua_pushinteger(L, a);
  lua_pushinteger(L, b);
  lua_call(L, 2, 0);
  lua_getfield(L, -1, "random");
  for (uint64_t i = 0; i < n; i++, p += ENTRY) {
    const int form = p[0];
    const uint64_t times = get64(p + 17);
    if (form > 2 || times == 0) {
      lua_pop(L, 2);
      return -1;
    }
    for (uint64_t t = 0; t < times; t++) {
      lua_pushvalue(L, -1);
      if (form >= 1) lua_pushinteger(L, (lua_Integer)get64(p + 1));
      if (form == 2) lua_pushinteger(L, (lua_Integer)get64(p + 9));
      if (lua_pcall(L, form, 0, 0) != LUA_OK) {
        lua_pop(L, 3);
        return -1;
      }
    }
  }
  lua_pop(L, 2);
  return 0;
}
