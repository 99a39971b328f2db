# core/: the library libapical (scheduler, network, loader, config,
# recording, Lua bindings) and the `apical` program.

# Everything in one convenience library, so that unit tests can reach
# internal functions; libapical exports only the ap_ API on top of it.
noinst_LTLIBRARIES += core/libapical_core.la
core_libapical_core_la_SOURCES = \
	core/apical.h core/apical_plugin.h \
	core/rng.c core/rng.h \
	core/host.c core/host.h \
	core/strutil.c core/strutil.h \
	core/loader.c core/loader.h \
	core/config.c core/config.h \
	core/npy.c core/npy.h \
	core/record.c core/record.h \
	core/sha256.c core/sha256.h \
	core/values.c core/values.h \
	core/connect.c core/connect.h \
	core/synbuild.c core/synbuild.h \
	core/plastic.c core/plastic.h \
	core/sim.c core/sim.h \
	core/describe.c core/describe.h core/help.c core/help.h \
	core/conform.c core/conform.h core/conform_int.h \
	core/conform_pop.c core/conform_pop.h core/conform_run.c \
	core/conform_rule.c \
	core/dataset.c core/dataset.h \
	core/plot.c core/plot.h core/plotfile.c \
	core/lua/lapical.c core/lua/lapical.h \
	core/lua/lplot.c core/lua/lplot.h
core_libapical_core_la_CFLAGS = $(AM_CFLAGS) -pthread $(LUA_CFLAGS) \
	$(LIBCONFIG_CFLAGS) $(ZLIB_CFLAGS) $(CAIRO_CFLAGS)
core_libapical_core_la_LIBADD = $(LUA_LIBS) $(LIBCONFIG_LIBS) $(ZLIB_LIBS) \
	$(CAIRO_LIBS)
core_libapical_core_la_LDFLAGS = -pthread

lib_LTLIBRARIES += core/libapical.la
core_libapical_la_SOURCES =
core_libapical_la_LIBADD = core/libapical_core.la
core_libapical_la_LDFLAGS = -export-symbols-regex '^ap_' -version-info 0:0:0 \
	-pthread $(SAN_LDFLAGS)

apicalincludedir = $(includedir)/apical
apicalinclude_HEADERS = core/apical.h core/apical_plugin.h
nodist_apicalinclude_HEADERS = core/apical_version.h

bin_PROGRAMS += core/apical
core_apical_SOURCES = core/main.c
core_apical_CFLAGS = $(AM_CFLAGS) $(LUA_CFLAGS)
core_apical_LDADD = core/libapical_core.la $(LUA_LIBS) $(LIBCONFIG_LIBS) \
	$(ZLIB_LIBS) $(CAIRO_LIBS)
core_apical_LDFLAGS = -pthread $(SAN_LDFLAGS)
