/* check_lrandom.c -- math.random's journal (core/lua/lrandom.c): a fresh
 * Lua state restored from another's journal draws the same numbers from
 * then on, for every form of call and seed, and math.random behaves as
 * Lua's own (same numbers, same errors). */
#include <check.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>

#include "lua/lrandom.h"

static lua_State *state(int journal) {
  lua_State *L = luaL_newstate();
  ck_assert_ptr_nonnull(L);
  luaL_openlibs(L);
  if (journal) lap_random_install(L);
  return L;
}

static void run(lua_State *L, const char *code) {
  ck_assert_msg(luaL_dostring(L, code) == LUA_OK, "%s", lua_tostring(L, -1));
}

/* The next k draws of L's math.random (mixed forms), as a string. */
static char *draws(lua_State *L, int k) {
  char code[256];
  snprintf(code, sizeof code,
           "local t = {} for i = 1, %d do t[#t + 1] = string.format('%%a %%d "
           "%%d', math.random(), math.random(7), math.random(-3, 1000000)) "
           "end return table.concat(t, ' ')", k);
  run(L, code);
  char *s = strdup(lua_tostring(L, -1));
  lua_pop(L, 1);
  return s;
}

static const char *const scripts[] = {
    "math.randomseed(42) for i = 1, 1000 do math.random() end",
    "math.randomseed(7, 3) for i = 1, 777 do math.random(1, 1 + i) end "
    "for i = 1, 50 do math.random(3) end",
    "math.randomseed(-1) local x = 0 for i = 1, 300 do x = x + math.random(0, "
    "math.maxinteger) + math.random(math.mininteger, -1) end",
    "math.randomseed() for i = 1, 99 do math.random(5) end", /* its own seed */
    "math.randomseed(1) for i = 1, 10 do math.random() end math.randomseed(2)",
};

START_TEST(test_replay) {
  lua_State *a = state(1);
  run(a, scripts[_i]);
  size_t n = lap_random_size(a);
  if (_i == 0) /* 1,000 calls alike: one entry */
    ck_assert_uint_eq(n, 25 + 25);
  unsigned char *buf = malloc(n);
  ck_assert_int_eq(lap_random_save(a, buf, n), 0);
  lua_State *b = state(1);
  run(b, "math.randomseed(999) for i = 1, 5 do math.random() end");
  ck_assert_int_eq(lap_random_restore(b, buf, n), 0);
  /* the restored state's journal is the same */
  ck_assert_uint_eq(lap_random_size(b), n);
  char *x = draws(a, 200), *y = draws(b, 200);
  ck_assert_str_eq(x, y);
  free(x), free(y), free(buf);
  lua_close(a);
  lua_close(b);
}
END_TEST

/* The wrappers change nothing: the same numbers and errors as Lua's own. */
START_TEST(test_same_as_lua) {
  lua_State *a = state(1), *b = state(0);
  run(a, "math.randomseed(5, 6)");
  run(b, "math.randomseed(5, 6)");
  char *x = draws(a, 300), *y = draws(b, 300);
  ck_assert_str_eq(x, y);
  free(x), free(y);
  static const char *const bad[] = {"math.random(3, 1)", "math.random(-2)",
                                    "math.random(1, 2, 3)", "math.random(1.5)",
                                    "math.random('x')"};
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    ck_assert_int_ne(luaL_dostring(a, bad[k]), LUA_OK);
    ck_assert_int_ne(luaL_dostring(b, bad[k]), LUA_OK);
    ck_assert_str_eq(lua_tostring(a, -1), lua_tostring(b, -1));
    lua_pop(a, 1);
    lua_pop(b, 1);
  }
  /* math.random(0): a whole random integer, one draw, kept in the journal */
  run(a, "x0 = math.random(0)");
  run(b, "x0 = math.random(0)");
  char *u = draws(a, 50), *v = draws(b, 50);
  ck_assert_str_eq(u, v);
  free(u), free(v);
  lua_close(a);
  lua_close(b);
}
END_TEST

/* A damaged journal is refused. */
START_TEST(test_bad_journal) {
  lua_State *a = state(1);
  run(a, "math.randomseed(3) math.random(4)");
  size_t n = lap_random_size(a);
  unsigned char *buf = malloc(n);
  ck_assert_int_eq(lap_random_save(a, buf, n), 0);
  ck_assert_int_eq(lap_random_restore(a, buf, n - 1), -1);
  buf[25] = 9; /* not a form */
  ck_assert_int_eq(lap_random_restore(a, buf, n), -1);
  ck_assert_int_eq(lap_random_save(a, buf, 3), -1); /* too small */
  free(buf);
  lua_close(a);
}
END_TEST

static Suite *make_lrandom_suite(void) {
  Suite *s = suite_create("lrandom");
  TCase *tc = tcase_create("journal");
  tcase_add_loop_test(tc, test_replay, 0, sizeof scripts / sizeof *scripts);
  tcase_add_test(tc, test_same_as_lua);
  tcase_add_test(tc, test_bad_journal);
  suite_add_tcase(s, tc);
  return s;
}

#include "check_main.h"
AP_CHECK_MAIN(make_lrandom_suite)
