# plugins/neurons/poisson/: the neuron plugin poisson and its tests.
pkglib_LTLIBRARIES += plugins/neurons/poisson/poisson.la
plugins_neurons_poisson_poisson_la_SOURCES = \
	plugins/neurons/poisson/poisson.c plugins/neurons/lower.h \
	plugins/neurons/philox_first.h
plugins_neurons_poisson_poisson_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_poisson_poisson_la_LDFLAGS = $(PLUGIN_LDFLAGS)

check_PROGRAMS += plugins/neurons/poisson/check_poisson
TESTS += plugins/neurons/poisson/check_poisson
plugins_neurons_poisson_check_poisson_SOURCES = plugins/neurons/poisson/check_poisson.c tests/harness/neuron_harness.h
plugins_neurons_poisson_check_poisson_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_neurons_poisson_check_poisson_LDADD = $(CHECK_LDADD_ALL) -lm
