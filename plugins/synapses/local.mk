# plugins/synapses/local.mk: synapse plugins, one folder and one libtool
# module each.  Included from plugins/local.mk; paths from the top dir.

pkglib_LTLIBRARIES += plugins/synapses/static/static.la
plugins_synapses_static_static_la_SOURCES = \
	plugins/synapses/static/static.c
plugins_synapses_static_static_la_LDFLAGS = $(PLUGIN_LDFLAGS)

pkglib_LTLIBRARIES += plugins/synapses/tsodyks_markram/tsodyks_markram.la
plugins_synapses_tsodyks_markram_tsodyks_markram_la_SOURCES = \
	plugins/synapses/tsodyks_markram/tsodyks_markram.c
plugins_synapses_tsodyks_markram_tsodyks_markram_la_LDFLAGS = $(PLUGIN_LDFLAGS)
plugins_synapses_tsodyks_markram_tsodyks_markram_la_LIBADD = -lm
