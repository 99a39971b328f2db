# plugins/neurons/lif_cond_exp/: the neuron plugin lif_cond_exp and its tests.
pkglib_LTLIBRARIES += plugins/neurons/lif_cond_exp/lif_cond_exp.la
plugins_neurons_lif_cond_exp_lif_cond_exp_la_SOURCES = \
	plugins/neurons/lif_cond_exp/lif_cond_exp.c plugins/neurons/lif_threshold.h \
	plugins/neurons/noise_current.h
plugins_neurons_lif_cond_exp_lif_cond_exp_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_lif_cond_exp_lif_cond_exp_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_lif_cond_exp_lif_cond_exp_la_LIBADD = -lm

check_PROGRAMS += plugins/neurons/lif_cond_exp/check_lif_cond_exp
TESTS += plugins/neurons/lif_cond_exp/check_lif_cond_exp
plugins_neurons_lif_cond_exp_check_lif_cond_exp_SOURCES = plugins/neurons/lif_cond_exp/check_lif_cond_exp.c \
	tests/harness/neuron_harness.h tests/harness/lif_noise_checks.h
plugins_neurons_lif_cond_exp_check_lif_cond_exp_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_neurons_lif_cond_exp_check_lif_cond_exp_LDADD = $(CHECK_LDADD_ALL) -lm
