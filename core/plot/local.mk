# core/plot/: figures, drawn with cairo; a build configured
# --without-cairo gets none.c instead, which refuses every figure.
core_libapical_core_la_SOURCES += \
	core/plot/plot.h core/plot/format.c
if HAVE_CAIRO
core_libapical_core_la_SOURCES += \
	core/plot/plot.c core/plot/figure.c core/plot/figure.h
else
core_libapical_core_la_SOURCES += core/plot/none.c
endif
EXTRA_DIST += core/plot/README.md
