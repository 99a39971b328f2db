# plugins/: one folder per plugin, grouped by kind.  A new plugin adds
# itself to its kind's fragment.
include plugins/neurons/local.mk
include plugins/synapses/local.mk
include plugins/backends/local.mk
include plugins/rules/local.mk
