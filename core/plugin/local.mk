# core/plugin/: the registry and the host services plugins call.
core_libapical_core_la_SOURCES += \
	core/plugin/loader.c core/plugin/loader.h core/plugin/validate.c \
	core/plugin/host.c core/plugin/host.h
EXTRA_DIST += core/plugin/README.md
