# plugins/rules/stdp_dopamine/: the rule plugin stdp_dopamine and its tests.
pkglib_LTLIBRARIES += plugins/rules/stdp_dopamine/stdp_dopamine.la
plugins_rules_stdp_dopamine_stdp_dopamine_la_SOURCES = \
	plugins/rules/stdp_dopamine/stdp_dopamine.c
plugins_rules_stdp_dopamine_stdp_dopamine_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_rules_stdp_dopamine_stdp_dopamine_la_LIBADD = -lm

check_PROGRAMS += plugins/rules/stdp_dopamine/check_stdp_dopamine
TESTS += plugins/rules/stdp_dopamine/check_stdp_dopamine
plugins_rules_stdp_dopamine_check_stdp_dopamine_SOURCES = plugins/rules/stdp_dopamine/check_stdp_dopamine.c \
	tests/harness/rule_harness.h
plugins_rules_stdp_dopamine_check_stdp_dopamine_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_rules_stdp_dopamine_check_stdp_dopamine_LDADD = $(CHECK_LDADD_ALL) -lm
