# core/nef/: the NEF's tuning curves and decoders (LAPACK).
core_libapical_core_la_SOURCES += \
	core/nef/nef.h \
	core/nef/tuning.c \
	core/nef/solve.c
EXTRA_DIST += core/nef/README.md
