# core/run/: settings and running the network.
core_libapical_core_la_SOURCES += \
	core/run/config.c core/run/config.h
EXTRA_DIST += core/run/README.md
