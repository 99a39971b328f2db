# plugins/neurons/local.mk: neuron plugins, one folder and one libtool
# module each.  Included from plugins/local.mk; paths from the top dir.
include plugins/neurons/lif_psc_exp/local.mk
include plugins/neurons/lif_psc_delta/local.mk
include plugins/neurons/lif_cond_exp/local.mk
include plugins/neurons/poisson/local.mk
include plugins/neurons/spike_source/local.mk
include plugins/neurons/izhikevich/local.mk
include plugins/neurons/adex/local.mk
include plugins/neurons/compartmental/local.mk
include plugins/neurons/segregated_dendrite/local.mk
include plugins/neurons/pp_cond_exp_mc_urbanczik/local.mk
include plugins/neurons/nef_lif/local.mk
