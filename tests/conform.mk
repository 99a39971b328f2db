# tests/conform.mk: the fixture plugins of `apical check-plugin`
# (tests/e2e/check_plugin.sh), each built only for `make check`.
#
# Every one passes the loader and fails one conformance check, whose exact
# line the test asserts.  They live in their own folder, so that the
# loader's suite, which scans tests/fixtures/.libs, never sees them.
CONFORM_FIXTURES = \
	tests/fixtures/conform/blowup.la \
	tests/fixtures/conform/dead_port.la \
	tests/fixtures/conform/no_doc.la \
	tests/fixtures/conform/nondet.la \
	tests/fixtures/conform/rule_blowup.la

check_LTLIBRARIES += $(CONFORM_FIXTURES)

tests_fixtures_conform_blowup_la_SOURCES = tests/fixtures/conform/blowup.c
tests_fixtures_conform_blowup_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_conform_blowup_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_conform_dead_port_la_SOURCES = tests/fixtures/conform/dead_port.c
tests_fixtures_conform_dead_port_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_conform_dead_port_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_conform_no_doc_la_SOURCES = tests/fixtures/conform/no_doc.c
tests_fixtures_conform_no_doc_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_conform_no_doc_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_conform_nondet_la_SOURCES = tests/fixtures/conform/nondet.c
tests_fixtures_conform_nondet_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_conform_nondet_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)

tests_fixtures_conform_rule_blowup_la_SOURCES = \
	tests/fixtures/conform/rule_blowup.c
tests_fixtures_conform_rule_blowup_la_CFLAGS = $(AM_CFLAGS)
tests_fixtures_conform_rule_blowup_la_LDFLAGS = $(LOADER_FIXTURE_LDFLAGS)
