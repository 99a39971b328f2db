# plugins/rules/guerguiev/: the rule plugin guerguiev and its tests.
pkglib_LTLIBRARIES += plugins/rules/guerguiev/guerguiev.la
plugins_rules_guerguiev_guerguiev_la_SOURCES = \
	plugins/rules/guerguiev/guerguiev.c plugins/plugin_err.h \
	plugins/neurons/segregated_dendrite/segregated_dendrite.h
# its update at a phase's end is an outer product over every weight
plugins_rules_guerguiev_guerguiev_la_CFLAGS = $(AM_CFLAGS) $(VEC_CFLAGS)
plugins_rules_guerguiev_guerguiev_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_rules_guerguiev_guerguiev_la_LIBADD = -lm

check_PROGRAMS += plugins/rules/guerguiev/check_guerguiev
TESTS += plugins/rules/guerguiev/check_guerguiev
plugins_rules_guerguiev_check_guerguiev_SOURCES = plugins/rules/guerguiev/check_guerguiev.c
plugins_rules_guerguiev_check_guerguiev_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_rules_guerguiev_check_guerguiev_LDADD = $(CHECK_LDADD_ALL) -lm
