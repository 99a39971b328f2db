# core/io/: files in and out.
core_libapical_core_la_SOURCES += \
	core/io/npy.c core/io/npy.h \
	core/io/record.c core/io/record.h \
	core/io/sha256.c core/io/sha256.h \
	core/io/snapshot.c core/io/snapshot.h \
	core/io/dataset.c core/io/dataset.h
EXTRA_DIST += core/io/README.md
