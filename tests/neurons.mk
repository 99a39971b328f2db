# tests/neurons.mk: Check suites of the neuron plugins.  Each test includes
# its plugin's source (one plugin per binary, since each defines
# ap_plugin_entry) and drives prepare()/update() through
# tests/neuron_harness.h.  Included from tests/local.mk; paths from the top
# dir.  The plugin sources are not listed here: they are compiled through
# the #include, and distributed as the plugins' own sources.

NEURON_TESTS = \
	tests/check_lif_psc_exp \
	tests/check_lif_psc_delta \
	tests/check_lif_cond_exp \
	tests/check_poisson \
	tests/check_spike_source

check_PROGRAMS += $(NEURON_TESTS)
TESTS += $(NEURON_TESTS)

tests_check_lif_psc_exp_SOURCES = tests/check_lif_psc_exp.c \
	tests/neuron_harness.h tests/lif_noise_checks.h
tests_check_lif_psc_exp_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_lif_psc_exp_LDADD = $(CHECK_LDADD_ALL) -lm

tests_check_lif_psc_delta_SOURCES = tests/check_lif_psc_delta.c \
	tests/neuron_harness.h tests/lif_noise_checks.h
tests_check_lif_psc_delta_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_lif_psc_delta_LDADD = $(CHECK_LDADD_ALL) -lm

tests_check_lif_cond_exp_SOURCES = tests/check_lif_cond_exp.c \
	tests/neuron_harness.h tests/lif_noise_checks.h
tests_check_lif_cond_exp_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_lif_cond_exp_LDADD = $(CHECK_LDADD_ALL) -lm

tests_check_poisson_SOURCES = tests/check_poisson.c tests/neuron_harness.h
tests_check_poisson_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_poisson_LDADD = $(CHECK_LDADD_ALL) -lm

tests_check_spike_source_SOURCES = tests/check_spike_source.c \
	tests/neuron_harness.h
tests_check_spike_source_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_spike_source_LDADD = $(CHECK_LDADD_ALL) -lm

# Izhikevich and AdEx neurons (izhikevich, adex).
IZH_ADEX_TESTS = tests/check_izhikevich tests/check_adex
check_PROGRAMS += $(IZH_ADEX_TESTS)
TESTS += $(IZH_ADEX_TESTS)

tests_check_izhikevich_SOURCES = tests/check_izhikevich.c \
	tests/neuron_harness.h
tests_check_izhikevich_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_izhikevich_LDADD = $(CHECK_LDADD_ALL) -lm

tests_check_adex_SOURCES = tests/check_adex.c tests/neuron_harness.h
tests_check_adex_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_adex_LDADD = $(CHECK_LDADD_ALL) -lm

# The multi-compartment neuron (compartmental), shaped by n_comp.
COMPARTMENTAL_TESTS = tests/check_compartmental
check_PROGRAMS += $(COMPARTMENTAL_TESTS)
TESTS += $(COMPARTMENTAL_TESTS)

tests_check_compartmental_SOURCES = tests/check_compartmental.c \
	tests/neuron_harness.h
tests_check_compartmental_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_compartmental_LDADD = $(CHECK_LDADD_ALL) -lm

# Segregated-dendrite neurons (Guerguiev et al. 2017), shaped by layer.
SEGREGATED_DENDRITE_TESTS = tests/check_segregated_dendrite
check_PROGRAMS += $(SEGREGATED_DENDRITE_TESTS)
TESTS += $(SEGREGATED_DENDRITE_TESTS)

tests_check_segregated_dendrite_SOURCES = tests/check_segregated_dendrite.c \
	tests/neuron_harness.h
tests_check_segregated_dendrite_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_segregated_dendrite_LDADD = $(CHECK_LDADD_ALL) -lm

# The two-compartment neuron of Urbanczik & Senn (pp_cond_exp_mc_urbanczik).
URBANCZIK_NEURON_TESTS = tests/check_pp_cond_exp_mc_urbanczik
check_PROGRAMS += $(URBANCZIK_NEURON_TESTS)
TESTS += $(URBANCZIK_NEURON_TESTS)

tests_check_pp_cond_exp_mc_urbanczik_SOURCES = \
	tests/check_pp_cond_exp_mc_urbanczik.c tests/neuron_harness.h
tests_check_pp_cond_exp_mc_urbanczik_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_pp_cond_exp_mc_urbanczik_LDADD = $(CHECK_LDADD_ALL) -lm
