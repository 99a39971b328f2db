/* lplot.h -- ap.plot: figures from Lua (core/lua/lplot.c). */
#ifndef AP_LPLOT_H
#define AP_LPLOT_H
#include <lua.h>
#include "apical/apical.h"

/* The recorder at stack index i; raises a type error for anything else. */
typedef struct ap_recorder *(*ap_lua_rec_fn)(lua_State *L, int i);

/* Set field "plot" of the table on top of the stack (the apical module)
 * to the ap.plot functions.  `sim` (borrowed; it outlives the Lua state)
 * gives the output_dir setting for relative paths; `rec` reads recorder
 * arguments. */
void ap_lua_plot_open(lua_State *L, ap_sim *sim, ap_lua_rec_fn rec);
#endif
