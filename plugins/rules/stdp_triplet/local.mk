# plugins/rules/stdp_triplet/: the rule plugin stdp_triplet and its tests.
pkglib_LTLIBRARIES += plugins/rules/stdp_triplet/stdp_triplet.la
plugins_rules_stdp_triplet_stdp_triplet_la_SOURCES = \
	plugins/rules/stdp_triplet/stdp_triplet.c plugins/rules/rule_checks.h
plugins_rules_stdp_triplet_stdp_triplet_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_rules_stdp_triplet_stdp_triplet_la_LIBADD = -lm

check_PROGRAMS += plugins/rules/stdp_triplet/check_stdp_triplet
TESTS += plugins/rules/stdp_triplet/check_stdp_triplet
plugins_rules_stdp_triplet_check_stdp_triplet_SOURCES = plugins/rules/stdp_triplet/check_stdp_triplet.c \
	tests/harness/rule_harness.h
plugins_rules_stdp_triplet_check_stdp_triplet_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_rules_stdp_triplet_check_stdp_triplet_LDADD = $(CHECK_LDADD_ALL) -lm
