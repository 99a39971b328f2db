/* lrandom.h -- math.random's state, as a journal that a snapshot can
 * carry (see lrandom.c). */
#ifndef AP_LRANDOM_H
#define AP_LRANDOM_H
#include <lua.h>
#include <stddef.h>

/* Wrap math.random and math.randomseed of L (after luaL_openlibs). */
void lap_random_install(lua_State *L);
/* Bytes lap_random_save writes. */
size_t lap_random_size(lua_State *L);
/* The journal into out (size bytes): 0, or -1 (too small, or the journal
 * could not be kept: out of memory). */
int lap_random_save(lua_State *L, unsigned char *out, size_t size);
/* Put L's generator in the saved state (a seed and a replay): 0, or -1
 * when `in` is not a journal. */
int lap_random_restore(lua_State *L, const unsigned char *in, size_t size);
#endif
