# plugins/neurons/segregated_dendrite/: the neuron plugin segregated_dendrite and its tests.
# Hidden and output neurons of Guerguiev et al. (2017), shaped by `layer`.
pkglib_LTLIBRARIES += plugins/neurons/segregated_dendrite/segregated_dendrite.la
plugins_neurons_segregated_dendrite_segregated_dendrite_la_SOURCES = \
	plugins/neurons/segregated_dendrite/segregated_dendrite.c \
	plugins/neurons/segregated_dendrite/segregated_dendrite.h \
	plugins/neurons/philox_first.h plugins/plugin_err.h
plugins_neurons_segregated_dendrite_segregated_dendrite_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_segregated_dendrite_segregated_dendrite_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_segregated_dendrite_segregated_dendrite_la_LIBADD = -lm

check_PROGRAMS += plugins/neurons/segregated_dendrite/check_segregated_dendrite
TESTS += plugins/neurons/segregated_dendrite/check_segregated_dendrite
plugins_neurons_segregated_dendrite_check_segregated_dendrite_SOURCES = plugins/neurons/segregated_dendrite/check_segregated_dendrite.c \
	tests/harness/neuron_harness.h
plugins_neurons_segregated_dendrite_check_segregated_dendrite_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_neurons_segregated_dendrite_check_segregated_dendrite_LDADD = $(CHECK_LDADD_ALL) -lm
