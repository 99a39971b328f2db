# core/include/apical/: the installed headers.
apicalincludedir = $(includedir)/apical
apicalinclude_HEADERS = core/include/apical/apical.h \
	core/include/apical/plugin.h core/include/apical/neuron.h \
	core/include/apical/lower.h core/include/apical/synapse.h \
	core/include/apical/rule.h core/include/apical/backend.h \
	core/include/apical/apical_plugin.h
nodist_apicalinclude_HEADERS = core/include/apical/apical_version.h
EXTRA_DIST += core/include/README.md
