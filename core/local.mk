# core/: the library libapical and the `apical` program, one folder
# (room) per concern; each room's fragment adds its sources here and its
# README.md says what it holds and what it may use.
#
#   include/apical/  the public headers (embedding API, plugin ABI)
#   base/            strings, atomic file writing, random streams
#   plugin/          the registry: scan, load, validate; host services
#   net/             the network: populations, projections, values,
#                    connection rules, synapse building, plasticity
#   run/             settings, the backend bridge, phases, the scheduler
#   io/              recorders, .npy, SHA-256, data sets
#   nef/             the NEF's tuning curves and decoders (LAPACK)
#   dist/            the processes of a run (MPI)
#   plot/            figures (cairo)
#   lua/             the Lua bindings
#   tools/           the program: main, help, describe, the conformance
#                    checker, `apical plot`
#
# Rooms include each other's headers by room ("base/strutil.h"); the
# public headers by "apical/NAME.h".

# Everything of the library in one convenience library, so that unit
# tests can reach internal functions; libapical exports only the ap_ API
# on top of it.
noinst_LTLIBRARIES += core/libapical_core.la
core_libapical_core_la_SOURCES =
core_libapical_core_la_CFLAGS = $(AM_CFLAGS) -pthread $(LUA_CFLAGS) \
	$(LIBCONFIG_CFLAGS) $(ZLIB_CFLAGS) $(CAIRO_CFLAGS) $(LAPACK_CFLAGS) \
	$(MPI_CFLAGS)
core_libapical_core_la_LIBADD = $(LUA_LIBS) $(LIBCONFIG_LIBS) $(ZLIB_LIBS) \
	$(CAIRO_LIBS) $(LAPACK_LIBS) $(MPI_LIBS)
core_libapical_core_la_LDFLAGS = -pthread
EXTRA_DIST += core/README.md

include core/include/local.mk
include core/base/local.mk
include core/plugin/local.mk
include core/net/local.mk
include core/run/local.mk
include core/io/local.mk
include core/nef/local.mk
include core/dist/local.mk
include core/plot/local.mk
include core/lua/local.mk

lib_LTLIBRARIES += core/libapical.la
core_libapical_la_SOURCES =
core_libapical_la_LIBADD = core/libapical_core.la
core_libapical_la_LDFLAGS = -export-symbols-regex '^ap_' -version-info 0:0:0 \
	-pthread $(SAN_LDFLAGS)

include core/tools/local.mk
