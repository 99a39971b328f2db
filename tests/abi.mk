# tests/abi.mk: the plugin ABI across minor versions.  A backend built
# for 2.0 (a fixture) is handed a network by a host whose structures have
# grown: tests/check_abi_grow.c, compiled against a simulated next minor made
# from the real headers by tests/abi/grow.sed.
ABI_GROWN = plugin neuron lower synapse rule backend
tests/abi/grown/stamp: $(top_srcdir)/tests/abi/grow.sed \
		$(top_srcdir)/core/include/apical/plugin.h \
		$(top_srcdir)/core/include/apical/neuron.h \
		$(top_srcdir)/core/include/apical/lower.h \
		$(top_srcdir)/core/include/apical/synapse.h \
		$(top_srcdir)/core/include/apical/rule.h \
		$(top_srcdir)/core/include/apical/backend.h
	$(MKDIR_P) tests/abi/grown
	for h in $(ABI_GROWN); do \
	  sed -f $(top_srcdir)/tests/abi/grow.sed \
	    $(top_srcdir)/core/include/apical/$$h.h > tests/abi/grown/$$h.h || exit 1; \
	done
	touch $@
BUILT_SOURCES += tests/abi/grown/stamp
CLEANFILES += tests/abi/grown/stamp tests/abi/grown/plugin.h \
	tests/abi/grown/neuron.h tests/abi/grown/lower.h \
	tests/abi/grown/synapse.h tests/abi/grown/rule.h \
	tests/abi/grown/backend.h
EXTRA_DIST += tests/abi/grow.sed

check_LTLIBRARIES += tests/fixtures/abi/probe_backend.la
tests_fixtures_abi_probe_backend_la_SOURCES = \
	tests/fixtures/abi/probe_backend.c
tests_fixtures_abi_probe_backend_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_abi_probe_backend_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

check_PROGRAMS += tests/check_abi_grow
TESTS += tests/check_abi_grow
tests_check_abi_grow_SOURCES = tests/check_abi_grow.c
tests_check_abi_grow_CPPFLAGS = -I$(top_builddir)/tests/abi/grown \
	-I$(top_srcdir)/tests/harness \
	-DAP_PROBE='"$(abs_top_builddir)/tests/fixtures/abi/.libs/probe_backend.so"'
tests_check_abi_grow_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_abi_grow_LDADD = $(CHECK_LIBS) -ldl
EXTRA_tests_check_abi_grow_DEPENDENCIES = tests/fixtures/abi/probe_backend.la
