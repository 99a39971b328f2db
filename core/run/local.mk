# core/run/: settings and running the network.
core_libapical_core_la_SOURCES += \
	core/run/config.c core/run/config.h \
	core/run/backend.c core/run/recording.c core/run/phase.c \
	core/run/schedule.c core/run/checkpoint.c
EXTRA_DIST += core/run/README.md
