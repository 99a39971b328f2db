# plugins/neurons/local.mk: neuron plugins, one folder and one libtool
# module each.  Included from plugins/local.mk; paths from the top dir.

pkglib_LTLIBRARIES += plugins/neurons/lif_psc_exp/lif_psc_exp.la
plugins_neurons_lif_psc_exp_lif_psc_exp_la_SOURCES = \
	plugins/neurons/lif_psc_exp/lif_psc_exp.c plugins/neurons/lif_threshold.h \
	plugins/neurons/noise_current.h plugins/neurons/lower.h
plugins_neurons_lif_psc_exp_lif_psc_exp_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_lif_psc_exp_lif_psc_exp_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_lif_psc_exp_lif_psc_exp_la_LIBADD = -lm

pkglib_LTLIBRARIES += plugins/neurons/lif_psc_delta/lif_psc_delta.la
plugins_neurons_lif_psc_delta_lif_psc_delta_la_SOURCES = \
	plugins/neurons/lif_psc_delta/lif_psc_delta.c plugins/neurons/lif_threshold.h \
	plugins/neurons/noise_current.h plugins/neurons/lower.h
plugins_neurons_lif_psc_delta_lif_psc_delta_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_lif_psc_delta_lif_psc_delta_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_lif_psc_delta_lif_psc_delta_la_LIBADD = -lm

pkglib_LTLIBRARIES += plugins/neurons/lif_cond_exp/lif_cond_exp.la
plugins_neurons_lif_cond_exp_lif_cond_exp_la_SOURCES = \
	plugins/neurons/lif_cond_exp/lif_cond_exp.c plugins/neurons/lif_threshold.h \
	plugins/neurons/noise_current.h
plugins_neurons_lif_cond_exp_lif_cond_exp_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_lif_cond_exp_lif_cond_exp_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_lif_cond_exp_lif_cond_exp_la_LIBADD = -lm

pkglib_LTLIBRARIES += plugins/neurons/poisson/poisson.la
plugins_neurons_poisson_poisson_la_SOURCES = \
	plugins/neurons/poisson/poisson.c plugins/neurons/lower.h \
	plugins/neurons/philox_first.h
plugins_neurons_poisson_poisson_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_poisson_poisson_la_LDFLAGS = $(PLUGIN_LDFLAGS)

pkglib_LTLIBRARIES += plugins/neurons/spike_source/spike_source.la
plugins_neurons_spike_source_spike_source_la_SOURCES = \
	plugins/neurons/spike_source/spike_source.c plugins/neurons/lower.h
plugins_neurons_spike_source_spike_source_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_spike_source_spike_source_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_spike_source_spike_source_la_LIBADD = -lm

pkglib_LTLIBRARIES += plugins/neurons/izhikevich/izhikevich.la
plugins_neurons_izhikevich_izhikevich_la_SOURCES = \
	plugins/neurons/izhikevich/izhikevich.c plugins/neurons/lif_threshold.h \
	plugins/neurons/noise_current.h
plugins_neurons_izhikevich_izhikevich_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_izhikevich_izhikevich_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_izhikevich_izhikevich_la_LIBADD = -lm

pkglib_LTLIBRARIES += plugins/neurons/adex/adex.la
plugins_neurons_adex_adex_la_SOURCES = \
	plugins/neurons/adex/adex.c plugins/neurons/noise_current.h
plugins_neurons_adex_adex_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_adex_adex_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_adex_adex_la_LIBADD = -lm



# A tree of passive compartments with an integrate-and-fire soma; the
# first model with a structure parameter (n_comp) and a shape().
pkglib_LTLIBRARIES += plugins/neurons/compartmental/compartmental.la
plugins_neurons_compartmental_compartmental_la_SOURCES = \
	plugins/neurons/compartmental/compartmental.c plugins/plugin_err.h
plugins_neurons_compartmental_compartmental_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_compartmental_compartmental_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_compartmental_compartmental_la_LIBADD = -lm

# Hidden and output neurons of Guerguiev et al. (2017), shaped by `layer`.
pkglib_LTLIBRARIES += plugins/neurons/segregated_dendrite/segregated_dendrite.la
plugins_neurons_segregated_dendrite_segregated_dendrite_la_SOURCES = \
	plugins/neurons/segregated_dendrite/segregated_dendrite.c \
	plugins/neurons/segregated_dendrite/segregated_dendrite.h \
	plugins/neurons/philox_first.h plugins/plugin_err.h
plugins_neurons_segregated_dendrite_segregated_dendrite_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_segregated_dendrite_segregated_dendrite_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_segregated_dendrite_segregated_dendrite_la_LIBADD = -lm

# The two-compartment point-process neuron of Urbanczik & Senn (2014).
pkglib_LTLIBRARIES += plugins/neurons/pp_cond_exp_mc_urbanczik/pp_cond_exp_mc_urbanczik.la
plugins_neurons_pp_cond_exp_mc_urbanczik_pp_cond_exp_mc_urbanczik_la_SOURCES = \
	plugins/neurons/pp_cond_exp_mc_urbanczik/pp_cond_exp_mc_urbanczik.c
plugins_neurons_pp_cond_exp_mc_urbanczik_pp_cond_exp_mc_urbanczik_la_CFLAGS = $(NEURON_CFLAGS)
plugins_neurons_pp_cond_exp_mc_urbanczik_pp_cond_exp_mc_urbanczik_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_neurons_pp_cond_exp_mc_urbanczik_pp_cond_exp_mc_urbanczik_la_LIBADD = -lm
