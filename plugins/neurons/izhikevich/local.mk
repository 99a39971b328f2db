# plugins/neurons/izhikevich/: the neuron plugin izhikevich and its tests.
pkglib_LTLIBRARIES += plugins/neurons/izhikevich/izhikevich.la
plugins_neurons_izhikevich_izhikevich_la_SOURCES = \
	plugins/neurons/izhikevich/izhikevich.c plugins/neurons/lif_threshold.h \
	plugins/neurons/noise_current.h
plugins_neurons_izhikevich_izhikevich_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_izhikevich_izhikevich_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_izhikevich_izhikevich_la_LIBADD = -lm

check_PROGRAMS += plugins/neurons/izhikevich/check_izhikevich
TESTS += plugins/neurons/izhikevich/check_izhikevich
plugins_neurons_izhikevich_check_izhikevich_SOURCES = plugins/neurons/izhikevich/check_izhikevich.c \
	tests/harness/neuron_harness.h
plugins_neurons_izhikevich_check_izhikevich_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_neurons_izhikevich_check_izhikevich_LDADD = $(CHECK_LDADD_ALL) -lm
