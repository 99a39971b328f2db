# plugins/rules/local.mk: learning-rule plugins (see
# docs/writing-plugins.md), one folder and one libtool module each.
# Included from plugins/local.mk; paths from the top dir.
include plugins/rules/stdp/local.mk
include plugins/rules/stdp_triplet/local.mk
include plugins/rules/stdp_dopamine/local.mk
include plugins/rules/guerguiev/local.mk
include plugins/rules/urbanczik/local.mk
include plugins/rules/pes/local.mk
