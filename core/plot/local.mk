# core/plot/: figures.
core_libapical_core_la_SOURCES += \
	core/plot/plot.c core/plot/plot.h core/plot/figure.c core/plot/figure.h
EXTRA_DIST += core/plot/README.md
