# Backend plugins: each folder is one backend.
pkglib_LTLIBRARIES += plugins/backends/cpu/cpu.la
plugins_backends_cpu_cpu_la_SOURCES = plugins/backends/cpu/cpu.c \
	plugins/backends/cpu/ringbuf.c plugins/backends/cpu/ringbuf.h
plugins_backends_cpu_cpu_la_CFLAGS = $(AM_CFLAGS) -pthread
plugins_backends_cpu_cpu_la_LDFLAGS = $(PLUGIN_LDFLAGS) -pthread
