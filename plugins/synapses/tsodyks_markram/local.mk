# plugins/synapses/tsodyks_markram/: the synapse plugin tsodyks_markram and its tests.
pkglib_LTLIBRARIES += plugins/synapses/tsodyks_markram/tsodyks_markram.la
plugins_synapses_tsodyks_markram_tsodyks_markram_la_SOURCES = \
	plugins/synapses/tsodyks_markram/tsodyks_markram.c
plugins_synapses_tsodyks_markram_tsodyks_markram_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_synapses_tsodyks_markram_tsodyks_markram_la_LIBADD = -lm

check_PROGRAMS += plugins/synapses/tsodyks_markram/check_tsodyks_markram
TESTS += plugins/synapses/tsodyks_markram/check_tsodyks_markram
plugins_synapses_tsodyks_markram_check_tsodyks_markram_SOURCES = plugins/synapses/tsodyks_markram/check_tsodyks_markram.c \
	tests/harness/neuron_harness.h
plugins_synapses_tsodyks_markram_check_tsodyks_markram_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_synapses_tsodyks_markram_check_tsodyks_markram_LDADD = $(CHECK_LDADD_ALL) -lm
