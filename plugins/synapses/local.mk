# plugins/synapses/local.mk
