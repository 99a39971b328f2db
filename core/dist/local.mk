# core/dist/: the processes of a run (MPI).
core_libapical_core_la_SOURCES += core/dist/dist.c core/dist/dist.h
EXTRA_DIST += core/dist/README.md
