# tests/synapses.mk: Check suites of the synapse plugins.  Each test
# includes its plugin's source (which defines ap_plugin_entry) and calls
# its transmit() directly.  Included from tests/local.mk; paths from the
# top dir.

SYNAPSE_TESTS = \
	tests/check_tsodyks_markram

check_PROGRAMS += $(SYNAPSE_TESTS)
TESTS += $(SYNAPSE_TESTS)

tests_check_tsodyks_markram_SOURCES = tests/check_tsodyks_markram.c \
	tests/neuron_harness.h
tests_check_tsodyks_markram_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_tsodyks_markram_LDADD = $(CHECK_LDADD_ALL) -lm
