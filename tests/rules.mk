# tests/rules.mk: Check suites of the learning-rule plugins.  Each test
# includes its plugin's source (one plugin per binary, since each defines
# ap_plugin_entry) and drives the hooks through tests/rule_harness.h.
# Included from tests/local.mk; paths from the top dir.  The plugin
# sources are not listed here: they are compiled through the #include.

RULE_TESTS = \
	tests/check_stdp \
	tests/check_stdp_triplet \
	tests/check_stdp_dopamine

check_PROGRAMS += $(RULE_TESTS)
TESTS += $(RULE_TESTS)

tests_check_stdp_SOURCES = tests/check_stdp.c tests/rule_harness.h
tests_check_stdp_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_stdp_LDADD = $(CHECK_LDADD_ALL) -lm

tests_check_stdp_triplet_SOURCES = tests/check_stdp_triplet.c \
	tests/rule_harness.h
tests_check_stdp_triplet_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_stdp_triplet_LDADD = $(CHECK_LDADD_ALL) -lm

tests_check_stdp_dopamine_SOURCES = tests/check_stdp_dopamine.c \
	tests/rule_harness.h
tests_check_stdp_dopamine_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_stdp_dopamine_LDADD = $(CHECK_LDADD_ALL) -lm

# The Urbanczik-Senn rule (reads the postsynaptic view of ABI 1.2).
check_PROGRAMS += tests/check_urbanczik
TESTS += tests/check_urbanczik
tests_check_urbanczik_SOURCES = tests/check_urbanczik.c tests/rule_harness.h
tests_check_urbanczik_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_urbanczik_LDADD = $(CHECK_LDADD_ALL) -lm

# The guerguiev, backprop and feedback_alignment phase rules (population
# views and phases of ABI 1.2; the test plays the host itself).
RULE_TESTS += tests/check_guerguiev
tests_check_guerguiev_SOURCES = tests/check_guerguiev.c
tests_check_guerguiev_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_guerguiev_LDADD = $(CHECK_LDADD_ALL) -lm
