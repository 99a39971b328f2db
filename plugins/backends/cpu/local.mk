# plugins/backends/cpu/: the backend plugin cpu and its tests.
pkglib_LTLIBRARIES += plugins/backends/cpu/cpu.la
plugins_backends_cpu_cpu_la_SOURCES = plugins/backends/cpu/cpu.c \
	plugins/backends/cpu/ringbuf.c plugins/backends/cpu/ringbuf.h
plugins_backends_cpu_cpu_la_CFLAGS = $(AM_CFLAGS) $(VEC_CFLAGS) -pthread $(MPI_CFLAGS)
plugins_backends_cpu_cpu_la_LDFLAGS = $(PLUGIN_LDFLAGS) -pthread
plugins_backends_cpu_cpu_la_LIBADD = $(MPI_LIBS)

check_PROGRAMS += plugins/backends/cpu/check_ringbuf
TESTS += plugins/backends/cpu/check_ringbuf
plugins_backends_cpu_check_ringbuf_SOURCES = plugins/backends/cpu/check_ringbuf.c \
	plugins/backends/cpu/ringbuf.c plugins/backends/cpu/ringbuf.h
plugins_backends_cpu_check_ringbuf_CFLAGS = $(CHECK_CFLAGS_ALL) $(MPI_CFLAGS)
plugins_backends_cpu_check_ringbuf_LDADD = $(CHECK_LDADD_ALL)
plugins_backends_cpu_check_ringbuf_LDFLAGS = -pthread
