# plugins/neurons/lif_psc_delta/: the neuron plugin lif_psc_delta and its tests.
pkglib_LTLIBRARIES += plugins/neurons/lif_psc_delta/lif_psc_delta.la
plugins_neurons_lif_psc_delta_lif_psc_delta_la_SOURCES = \
	plugins/neurons/lif_psc_delta/lif_psc_delta.c plugins/neurons/lif_threshold.h \
	plugins/neurons/noise_current.h plugins/neurons/lower.h
plugins_neurons_lif_psc_delta_lif_psc_delta_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_lif_psc_delta_lif_psc_delta_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_lif_psc_delta_lif_psc_delta_la_LIBADD = -lm

check_PROGRAMS += plugins/neurons/lif_psc_delta/check_lif_psc_delta
TESTS += plugins/neurons/lif_psc_delta/check_lif_psc_delta
plugins_neurons_lif_psc_delta_check_lif_psc_delta_SOURCES = plugins/neurons/lif_psc_delta/check_lif_psc_delta.c \
	tests/harness/neuron_harness.h tests/harness/lif_noise_checks.h
plugins_neurons_lif_psc_delta_check_lif_psc_delta_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_neurons_lif_psc_delta_check_lif_psc_delta_LDADD = $(CHECK_LDADD_ALL) -lm
