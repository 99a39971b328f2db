# plugins/neurons/adex/: the neuron plugin adex and its tests.
pkglib_LTLIBRARIES += plugins/neurons/adex/adex.la
plugins_neurons_adex_adex_la_SOURCES = \
	plugins/neurons/adex/adex.c plugins/neurons/noise_current.h
plugins_neurons_adex_adex_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_adex_adex_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_adex_adex_la_LIBADD = -lm

check_PROGRAMS += plugins/neurons/adex/check_adex
TESTS += plugins/neurons/adex/check_adex
plugins_neurons_adex_check_adex_SOURCES = plugins/neurons/adex/check_adex.c tests/harness/neuron_harness.h
plugins_neurons_adex_check_adex_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_neurons_adex_check_adex_LDADD = $(CHECK_LDADD_ALL) -lm
