# plugins/neurons/compartmental/: the neuron plugin compartmental and its tests.
# A tree of passive compartments with an integrate-and-fire soma; the
# first model with a structure parameter (n_comp) and a shape().
pkglib_LTLIBRARIES += plugins/neurons/compartmental/compartmental.la
plugins_neurons_compartmental_compartmental_la_SOURCES = \
	plugins/neurons/compartmental/compartmental.c plugins/plugin_err.h
plugins_neurons_compartmental_compartmental_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_compartmental_compartmental_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_compartmental_compartmental_la_LIBADD = -lm

check_PROGRAMS += plugins/neurons/compartmental/check_compartmental
TESTS += plugins/neurons/compartmental/check_compartmental
plugins_neurons_compartmental_check_compartmental_SOURCES = plugins/neurons/compartmental/check_compartmental.c \
	tests/harness/neuron_harness.h
plugins_neurons_compartmental_check_compartmental_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_neurons_compartmental_check_compartmental_LDADD = $(CHECK_LDADD_ALL) -lm
