/* lsnap.c -- snapshots from scripts: ap.snapshot, ap.keep, ap.restored,
 * and the Lua state a snapshot carries (math.random's journal and the
 * kept table; run/checkpoint.c holds the rest).
 *
 * The kept table is plain data: nil, booleans, numbers (integers and
 * floats kept apart, exactly), strings and tables of them, at most
 * KEEP_DEPTH deep.  Its bytes: a tag, then
 *   'b' 1 byte | 'i' int64 | 'f' double | 's' u64 length, bytes |
 *   't' u64 pairs, then each key and value. */
#include "lua/lauxap.h"

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "io/snapshot.h"
#include "lua/lrandom.h"
#include "net/sim.h"

#define KEEP_KEY "apical.keep"
#define RESTORED_KEY "apical.restored"
#define KEEP_DEPTH 64

/* ------------------------------------------------------ the kept table */

typedef struct kbuf {
  int write;        /* 0: only checking */
  unsigned char *p; /* the bytes (malloc'd) */
  size_t len, cap;
  int oom;
  char path[256];   /* where the bad value is, for the message */
} kbuf;

static void put(kbuf *k, const void *p, size_t n) {
  if (!k->write || k->oom) return;
  if (k->len + n > k->cap) {
    size_t cap = k->cap ? k->cap : 256;
    while (cap < k->len + n) cap *= 2;
    unsigned char *q = realloc(k->p, cap);
    if (!q) {
      k->oom = 1;
      return;
    }
    k->p = q;
    k->cap = cap;
  }
  memcpy(k->p + k->len, p, n);
  k->len += n;
}

static void put_u64(kbuf *k, uint64_t v) {
  unsigned char b[8];
  for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
  put(k, b, 8);
}

/* The value at the top of L (left there); NULL, or what is wrong. */
static const char *pack(lua_State *L, kbuf *k, int depth) {
  switch (lua_type(L, -1)) {
  case LUA_TBOOLEAN: {
    const char b[2] = {'b', (char)lua_toboolean(L, -1)};
    put(k, b, 2);
    return NULL;
  }
  case LUA_TNUMBER: {
    uint64_t u;
    if (lua_isinteger(L, -1)) {
      const lua_Integer i = lua_tointeger(L, -1);
      memcpy(&u, &i, sizeof u);
      put(k, "i", 1);
    } else {
      const lua_Number d = lua_tonumber(L, -1);
      memcpy(&u, &d, sizeof u);
      put(k, "f", 1);
    }
    put_u64(k, u);
    return NULL;
  }
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, -1, &n);
    put(k, "s", 1);
    put_u64(k, n);
    put(k, s, n);
    return NULL;
  }
  case LUA_TTABLE: {
    if (depth >= KEEP_DEPTH) return "tables nested too deep (a cycle?)";
    uint64_t pairs = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      pairs++;
      lua_pop(L, 1);
    }
    put(k, "t", 1);
    put_u64(k, pairs);
    const size_t at = strlen(k->path);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      /* key path for messages: t.name or t[1] */
      if (lua_type(L, -2) == LUA_TSTRING)
        snprintf(k->path + at, sizeof k->path - at, ".%s",
                 lua_tostring(L, -2));
      else if (lua_isinteger(L, -2))
        snprintf(k->path + at, sizeof k->path - at, "[%lld]",
                 (long long)lua_tointeger(L, -2));
      else
        snprintf(k->path + at, sizeof k->path - at, "[%s]",
                 lua_typename(L, lua_type(L, -2)));
      lua_pushvalue(L, -2);
      const char *bad = pack(L, k, depth + 1); /* the key */
      lua_pop(L, 1);
      if (!bad) bad = pack(L, k, depth + 1); /* the value */
      if (bad) {
        lua_pop(L, 2);
        return bad;
      }
      lua_pop(L, 1);
      k->path[at] = 0;
    }
    return NULL;
  }
  default:
    return lua_typename(L, lua_type(L, -1));
  }
}

typedef struct reader {
  const unsigned char *p;
  size_t left;
} reader;

static int take(reader *r, void *out, size_t n) {
  if (n > r->left) return -1;
  memcpy(out, r->p, n);
  r->p += n;
  r->left -= n;
  return 0;
}

static int take_u64(reader *r, uint64_t *v) {
  unsigned char b[8];
  if (take(r, b, 8)) return -1;
  *v = 0;
  for (int i = 8; i-- > 0;) *v = *v << 8 | b[i];
  return 0;
}

/* Push the value packed at r: 0, or -1 when the bytes are not one. */
static int unpack(lua_State *L, reader *r, int depth) {
  char tag;
  uint64_t u;
  if (take(r, &tag, 1) || depth > KEEP_DEPTH) return -1;
  luaL_checkstack(L, 4, "restoring the kept table");
  switch (tag) {
  case 'b':
    if (take(r, &tag, 1)) return -1;
    lua_pushboolean(L, tag != 0);
    return 0;
  case 'i': {
    lua_Integer i;
    if (take_u64(r, &u)) return -1;
    memcpy(&i, &u, sizeof i);
    lua_pushinteger(L, i);
    return 0;
  }
  case 'f': {
    lua_Number d;
    if (take_u64(r, &u)) return -1;
    memcpy(&d, &u, sizeof d);
    lua_pushnumber(L, d);
    return 0;
  }
  case 's':
    if (take_u64(r, &u) || u > r->left) return -1;
    lua_pushlstring(L, (const char *)r->p, (size_t)u);
    r->p += u;
    r->left -= (size_t)u;
    return 0;
  case 't':
    if (take_u64(r, &u) || u > r->left / 2) return -1;
    lua_createtable(L, 0, 0);
    for (uint64_t i = 0; i < u; i++) {
      if (unpack(L, r, depth + 1) || lua_isnil(L, -1) ||
          unpack(L, r, depth + 1))
        return -1;
      lua_rawset(L, -3);
    }
    return 0;
  default:
    return -1;
  }
}

/* Check (k->write 0) or pack the table at the top of L; NULL, or a
 * message. */
static const char *pack_kept(lua_State *L, kbuf *k, char *msg, size_t n) {
  snprintf(k->path, sizeof k->path, "t");
  const char *bad = pack(L, k, 0);
  if (!bad && k->oom) bad = "too large: out of memory";
  if (!bad) return NULL;
  snprintf(msg, n, "ap.keep: %s is %s%s; a kept table holds only booleans, "
           "numbers, strings and tables of them", k->path,
           strchr(bad, ' ') ? "" : "a ", bad);
  return msg;
}

/* ------------------------------------------------------------ the hook */

/* The thread running now (a callback's, or the script's). */
static lua_State *running(lstate *s, lua_State *main) {
  return s->L ? s->L : main;
}

typedef struct hook_ctx {
  lua_State *L; /* the main thread */
} hook_ctx;

static int snap_hook(void *ctx, ap_snap *snap, int restoring, char *err,
                     size_t n) {
  lua_State *M = ((hook_ctx *)ctx)->L;
  lstate *st = lap_get_state(M);
  lua_State *L = running(st, M);
  if (restoring) {
    if (ap_snap_open(snap, "lua.random")) return 0;
    const size_t len = ap_snap_left(snap);
    unsigned char *j = malloc(len ? len : 1);
    if (!j || ap_snap_get(snap, j, len) || lap_random_restore(L, j, len)) {
      free(j);
      snprintf(err, n, "math.random's state in the snapshot is unreadable");
      return -1;
    }
    free(j);
    return 0;
  }
  const size_t len = lap_random_size(L);
  unsigned char *j = malloc(len ? len : 1);
  if (!j || lap_random_save(L, j, len) || ap_snap_begin(snap, "lua.random") ||
      ap_snap_put(snap, j, len)) {
    free(j);
    snprintf(err, n, "out of memory saving math.random's state");
    return -1;
  }
  free(j);
  lua_getfield(L, LUA_REGISTRYINDEX, KEEP_KEY);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return 0;
  }
  char msg[512];
  kbuf k = {1, NULL, 0, 0, 0, ""};
  const char *bad = pack_kept(L, &k, msg, sizeof msg);
  lua_pop(L, 1);
  int rc = 0;
  if (bad) {
    snprintf(err, n, "%s", bad);
    rc = -1;
  } else if (ap_snap_begin(snap, "lua.keep") || ap_snap_put(snap, k.p, k.len)) {
    snprintf(err, n, "out of memory saving the kept table");
    rc = -1;
  }
  free(k.p);
  return rc;
}

void lap_snap_install(lua_State *L, ap_sim *sim) {
  hook_ctx *h = lua_newuserdatauv(L, sizeof *h, 0);
  h->L = L;
  lua_setfield(L, LUA_REGISTRYINDEX, "apical.snap_hook");
  ap_sim_set_snap_hook(sim, snap_hook, h);
}

/* ------------------------------------------------------------ bindings */

/* ap.snapshot(path): the whole simulation to path (under output_dir when
 * relative), atomically; from the script or a callback. */
static int l_snapshot(lua_State *L) {
  lstate *s = lap_get_state(L);
  const char *path = lap_out_path(L, s->sim, luaL_checkstring(L, 1));
  lua_State *outer = s->L;
  if (!s->L) s->L = L;
  int rc = ap_sim_snapshot(s->sim, path);
  s->L = outer;
  if (rc) return lap_sim_error(L, s->sim);
  return 0;
}

/* ap.keep(t): t (plain data) goes into every snapshot from now on, as it
 * is when the snapshot is written; returns t. */
static int l_keep(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  char msg[512];
  kbuf k = {0, NULL, 0, 0, 0, ""};
  const char *bad = pack_kept(L, &k, msg, sizeof msg);
  if (bad) return luaL_error(L, "%s", bad);
  lua_pushvalue(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, KEEP_KEY);
  return 1;
}

/* ap.restored(): in a run started with --restore, the table kept when the
 * snapshot was written (empty if none was); the clock moves to the start
 * of the run call that was under way, so that the script goes on from
 * the position it kept.  nil otherwise. */
static int l_restored(lua_State *L) {
  lstate *s = lap_get_state(L);
  if (lua_getfield(L, LUA_REGISTRYINDEX, RESTORED_KEY) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  ap_snap *snap = ap_sim_resuming(s->sim);
  if (!snap) {
    lua_pushnil(L);
    return 1;
  }
  if (ap_snap_open(snap, "lua.keep")) {
    lua_newtable(L);
  } else {
    const size_t len = ap_snap_left(snap);
    unsigned char *bytes = malloc(len ? len : 1);
    if (!bytes || ap_snap_get(snap, bytes, len))
      return free(bytes), lap_lerror(L, "ap.restored: out of memory");
    reader r = {bytes, len};
    const int top = lua_gettop(L);
    int bad = unpack(L, &r, 0) || r.left || !lua_istable(L, -1);
    free(bytes);
    if (bad) {
      lua_settop(L, top);
      return lap_lerror(L, "ap.restored: the kept table in the snapshot is "
                        "unreadable");
    }
  }
  if (ap_sim_resume_here(s->sim)) return lap_sim_error(L, s->sim);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, RESTORED_KEY);
  return 1;
}

const luaL_Reg lap_snap_funcs[] = {{"snapshot", l_snapshot},
                                   {"keep", l_keep},
                                   {"restored", l_restored},
                                   {NULL, NULL}};
