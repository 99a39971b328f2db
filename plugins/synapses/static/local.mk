# plugins/synapses/static/: the synapse plugin static and its tests.
pkglib_LTLIBRARIES += plugins/synapses/static/static.la
plugins_synapses_static_static_la_SOURCES = \
	plugins/synapses/static/static.c
plugins_synapses_static_static_la_LDFLAGS = $(PLUGIN_LDFLAGS)
