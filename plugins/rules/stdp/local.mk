# plugins/rules/stdp/: the rule plugin stdp and its tests.
pkglib_LTLIBRARIES += plugins/rules/stdp/stdp.la
plugins_rules_stdp_stdp_la_SOURCES = plugins/rules/stdp/stdp.c \
	plugins/rules/rule_checks.h
plugins_rules_stdp_stdp_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_rules_stdp_stdp_la_LIBADD = -lm

check_PROGRAMS += plugins/rules/stdp/check_stdp
TESTS += plugins/rules/stdp/check_stdp
plugins_rules_stdp_check_stdp_SOURCES = plugins/rules/stdp/check_stdp.c tests/harness/rule_harness.h
plugins_rules_stdp_check_stdp_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_rules_stdp_check_stdp_LDADD = $(CHECK_LDADD_ALL) -lm
