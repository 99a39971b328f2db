# plugins/rules/urbanczik/: the rule plugin urbanczik and its tests.
pkglib_LTLIBRARIES += plugins/rules/urbanczik/urbanczik.la
plugins_rules_urbanczik_urbanczik_la_SOURCES = \
	plugins/rules/urbanczik/urbanczik.c
plugins_rules_urbanczik_urbanczik_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_rules_urbanczik_urbanczik_la_LIBADD = -lm

check_PROGRAMS += plugins/rules/urbanczik/check_urbanczik
TESTS += plugins/rules/urbanczik/check_urbanczik
plugins_rules_urbanczik_check_urbanczik_SOURCES = plugins/rules/urbanczik/check_urbanczik.c tests/harness/rule_harness.h
plugins_rules_urbanczik_check_urbanczik_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_rules_urbanczik_check_urbanczik_LDADD = $(CHECK_LDADD_ALL) -lm
