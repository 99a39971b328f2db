# core/lua/: the Lua bindings.
core_libapical_core_la_SOURCES += \
	core/lua/lapical.c core/lua/lapical.h core/lua/lauxap.c core/lua/lauxap.h \
	core/lua/ldist.c core/lua/lsetup.c core/lua/lpop.c core/lua/lproj.c \
	core/lua/lrec.c core/lua/lsched.c core/lua/lmod.c core/lua/ldataset.c \
	core/lua/lplot.c core/lua/lplot.h
EXTRA_DIST += core/lua/README.md
