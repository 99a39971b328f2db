# plugins/neurons/spike_source/: the neuron plugin spike_source and its tests.
pkglib_LTLIBRARIES += plugins/neurons/spike_source/spike_source.la
plugins_neurons_spike_source_spike_source_la_SOURCES = \
	plugins/neurons/spike_source/spike_source.c plugins/neurons/lower.h
plugins_neurons_spike_source_spike_source_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_spike_source_spike_source_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_spike_source_spike_source_la_LIBADD = -lm

check_PROGRAMS += plugins/neurons/spike_source/check_spike_source
TESTS += plugins/neurons/spike_source/check_spike_source
plugins_neurons_spike_source_check_spike_source_SOURCES = plugins/neurons/spike_source/check_spike_source.c \
	tests/harness/neuron_harness.h
plugins_neurons_spike_source_check_spike_source_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_neurons_spike_source_check_spike_source_LDADD = $(CHECK_LDADD_ALL) -lm
