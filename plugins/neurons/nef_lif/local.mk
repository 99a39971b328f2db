# plugins/neurons/nef_lif/: the neuron plugins nef_lif and nef_lif_rate (the
# dimensionless LIF neurons of the NEF, as Nengo has them) and their tests.
pkglib_LTLIBRARIES += plugins/neurons/nef_lif/nef_lif.la
plugins_neurons_nef_lif_nef_lif_la_SOURCES = plugins/neurons/nef_lif/nef_lif.c
plugins_neurons_nef_lif_nef_lif_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_nef_lif_nef_lif_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_nef_lif_nef_lif_la_LIBADD = -lm

check_PROGRAMS += plugins/neurons/nef_lif/check_nef_lif
TESTS += plugins/neurons/nef_lif/check_nef_lif
plugins_neurons_nef_lif_check_nef_lif_SOURCES = plugins/neurons/nef_lif/check_nef_lif.c \
	tests/harness/neuron_harness.h
plugins_neurons_nef_lif_check_nef_lif_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_neurons_nef_lif_check_nef_lif_LDADD = $(CHECK_LDADD_ALL) -lm
