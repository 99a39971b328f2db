# plugins/synapses/local.mk: synapse plugins, one folder and one libtool
# module each.  Included from plugins/local.mk; paths from the top dir.
include plugins/synapses/static/local.mk
include plugins/synapses/tsodyks_markram/local.mk
