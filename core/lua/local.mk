# core/lua/: the Lua bindings.
core_libapical_core_la_SOURCES += \
	core/lua/lapical.c core/lua/lapical.h \
	core/lua/lplot.c core/lua/lplot.h
EXTRA_DIST += core/lua/README.md
