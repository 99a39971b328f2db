/* lapical.h -- the Lua bindings: `local ap = require "apical"`. */
#ifndef AP_LAPICAL_H
#define AP_LAPICAL_H
#include <lua.h>
#include "apical/apical.h"

/* Make `require "apical"` in L return the bindings for `sim` (borrowed).
 * argv[0..argc) are the script's words, exposed as ap.args.  `progress`
 * enables a progress line on stderr during long runs. */
void ap_lua_install(lua_State *L, ap_sim *sim, int argc, char **argv,
                    int progress);
/* Run a script under a message handler that adds a traceback.  Returns 0,
 * or -1 with the message (file:line first) in err. */
int ap_lua_run_file(lua_State *L, const char *path, char *err, size_t n);
#endif
