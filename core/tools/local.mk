# core/tools/: the `apical` program and the tools only it uses (kept
# out of libapical; the unit tests link them too).
noinst_LTLIBRARIES += core/tools/libapical_tools.la
core_tools_libapical_tools_la_SOURCES = \
	core/tools/describe.c core/tools/describe.h \
	core/tools/help.c core/tools/help.h \
	core/tools/conform.c core/tools/conform.h core/tools/conform_int.h \
	core/tools/conform_pop.c core/tools/conform_pop.h \
	core/tools/conform_run.c core/tools/conform_rule.c \
	core/tools/conform_report.c \
	core/tools/plotfile.c
core_tools_libapical_tools_la_CFLAGS = $(AM_CFLAGS) -pthread $(LUA_CFLAGS) \
	$(LIBCONFIG_CFLAGS) $(CAIRO_CFLAGS)

bin_PROGRAMS += core/apical
core_apical_SOURCES = core/tools/main.c
core_apical_CFLAGS = $(AM_CFLAGS) $(LUA_CFLAGS)
core_apical_LDADD = core/tools/libapical_tools.la core/libapical_core.la \
	$(LUA_LIBS) $(LIBCONFIG_LIBS) $(ZLIB_LIBS) $(CAIRO_LIBS) $(LAPACK_LIBS) \
	$(MPI_LIBS)
core_apical_LDFLAGS = -pthread $(SAN_LDFLAGS)
EXTRA_DIST += core/tools/README.md
