# tests/loader.mk: the plugin loader's Check suite and its fixture plugins.
#
# The fixtures are deliberately broken plugins (and one good one), each a
# libtool module built only for `make check`; the suite loads them from
# tests/fixtures/.libs and asserts the exact rejection messages.  They take
# no -export-symbols-regex: -fvisibility=hidden in AM_CFLAGS already limits
# the exports to what each fixture marks AP_PLUGIN_EXPORT (no_entry.c marks
# a differently named symbol, so it exports no ap_plugin_entry).
LOADER_FIXTURE_LDFLAGS = -module -avoid-version -shared -rpath /nowhere \
	$(SAN_LDFLAGS)

LOADER_FIXTURES = \
	tests/fixtures/bad_abi.la \
	tests/fixtures/bad_magic.la \
	tests/fixtures/bad_minor.la \
	tests/fixtures/bad_range.la \
	tests/fixtures/bad_sizeof.la \
	tests/fixtures/bad_unit.la \
	tests/fixtures/dup_param.la \
	tests/fixtures/good_neuron.la \
	tests/fixtures/missing_update.la \
	tests/fixtures/no_entry.la \
	tests/fixtures/null_entry.la \
	tests/fixtures/two_same_name.la

check_LTLIBRARIES += $(LOADER_FIXTURES)

tests_fixtures_bad_abi_la_SOURCES = tests/fixtures/bad_abi.c
tests_fixtures_bad_abi_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_bad_abi_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_bad_magic_la_SOURCES = tests/fixtures/bad_magic.c
tests_fixtures_bad_magic_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_bad_magic_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_bad_minor_la_SOURCES = tests/fixtures/bad_minor.c
tests_fixtures_bad_minor_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_bad_minor_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_bad_range_la_SOURCES = tests/fixtures/bad_range.c
tests_fixtures_bad_range_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_bad_range_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_bad_sizeof_la_SOURCES = tests/fixtures/bad_sizeof.c
tests_fixtures_bad_sizeof_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_bad_sizeof_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_bad_unit_la_SOURCES = tests/fixtures/bad_unit.c
tests_fixtures_bad_unit_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_bad_unit_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_dup_param_la_SOURCES = tests/fixtures/dup_param.c
tests_fixtures_dup_param_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_dup_param_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_good_neuron_la_SOURCES = tests/fixtures/good_neuron.c
tests_fixtures_good_neuron_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_good_neuron_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_missing_update_la_SOURCES = tests/fixtures/missing_update.c
tests_fixtures_missing_update_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_missing_update_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_no_entry_la_SOURCES = tests/fixtures/no_entry.c
tests_fixtures_no_entry_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_no_entry_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_null_entry_la_SOURCES = tests/fixtures/null_entry.c
tests_fixtures_null_entry_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_null_entry_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_two_same_name_la_SOURCES = tests/fixtures/two_same_name.c
tests_fixtures_two_same_name_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_two_same_name_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

check_PROGRAMS += tests/check_loader
TESTS += tests/check_loader
tests_check_loader_SOURCES = tests/check_loader.c
tests_check_loader_CFLAGS = $(CHECK_CFLAGS_ALL) \
	-DAP_FIXTURE_DIR='"$(abs_top_builddir)/tests/fixtures/.libs"'
tests_check_loader_LDADD = $(CHECK_LDADD_ALL)
# `make check` builds check_LTLIBRARIES before it runs TESTS; this also
# makes `make tests/check_loader` alone bring the fixtures up to date.
EXTRA_tests_check_loader_DEPENDENCIES = $(LOADER_FIXTURES) \
	tests/fixtures/cxx/cxx_neuron.la

# A neuron plugin written in C++, in a folder of its own (the scans of
# tests/fixtures/.libs list exactly the fixtures above).
check_LTLIBRARIES += tests/fixtures/cxx/cxx_neuron.la
tests_fixtures_cxx_cxx_neuron_la_SOURCES = tests/fixtures/cxx/cxx_neuron.cc
tests_fixtures_cxx_cxx_neuron_la_CXXFLAGS = -std=c++17 $(WARN_CXXFLAGS) \
	$(SAN_CFLAGS) -fvisibility=hidden
tests_fixtures_cxx_cxx_neuron_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)
