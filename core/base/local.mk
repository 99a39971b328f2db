# core/base/: strings, atomic file writing, random streams.
core_libapical_core_la_SOURCES += \
	core/base/strutil.c core/base/strutil.h \
	core/base/rng.c core/base/rng.h
EXTRA_DIST += core/base/README.md
