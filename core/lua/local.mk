# core/lua/: the Lua bindings.
core_libapical_core_la_SOURCES += \
	core/lua/lapical.c core/lua/lapical.h core/lua/lauxap.c core/lua/lauxap.h \
	core/lua/ldist.c core/lua/lsetup.c core/lua/lpop.c core/lua/lproj.c \
	core/lua/lrandom.c core/lua/lrandom.h \
	core/lua/lrec.c core/lua/lsched.c core/lua/lsnap.c core/lua/lmod.c core/lua/ldataset.c \
	core/lua/lplot.c core/lua/lplot.h core/lua/lnef.c
EXTRA_DIST += core/lua/README.md core/lua/nef.lua

# ap.nef is written in Lua and compiled into the library as a C string.
nodist_core_libapical_core_la_SOURCES = core/lua/nef_lua.h
BUILT_SOURCES += core/lua/nef_lua.h
CLEANFILES += core/lua/nef_lua.h
core/lua/nef_lua.h: $(top_srcdir)/core/lua/nef.lua
	$(MKDIR_P) core/lua
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' \
	  $(top_srcdir)/core/lua/nef.lua > $@.tmp && mv $@.tmp $@
