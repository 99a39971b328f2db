# Backend plugins: each folder is one backend.
pkglib_LTLIBRARIES += plugins/backends/cpu/cpu.la
plugins_backends_cpu_cpu_la_SOURCES = plugins/backends/cpu/cpu.c \
	plugins/backends/cpu/ringbuf.c plugins/backends/cpu/ringbuf.h
plugins_backends_cpu_cpu_la_CFLAGS = $(AM_CFLAGS) $(VEC_CFLAGS) -pthread
plugins_backends_cpu_cpu_la_LDFLAGS = $(PLUGIN_LDFLAGS) -pthread

# The emulated neuromorphic chips; profiles go to $(pkgdatadir)/chips.
pkglib_LTLIBRARIES += plugins/backends/neuromorphic/neuromorphic.la
plugins_backends_neuromorphic_neuromorphic_la_SOURCES = \
	plugins/backends/neuromorphic/neuromorphic.c \
	plugins/backends/neuromorphic/lowering.c \
	plugins/backends/neuromorphic/mapping.c \
	plugins/backends/neuromorphic/chip.c \
	plugins/backends/neuromorphic/chip.h \
	plugins/backends/neuromorphic/fixed.h \
	plugins/backends/neuromorphic/nm.h
plugins_backends_neuromorphic_neuromorphic_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DAP_CHIP_DIR='"$(pkgdatadir)/chips"' $(LIBCONFIG_CFLAGS)
plugins_backends_neuromorphic_neuromorphic_la_LIBADD = $(LIBCONFIG_LIBS)
plugins_backends_neuromorphic_neuromorphic_la_LDFLAGS = $(PLUGIN_LDFLAGS)
chipsdir = $(pkgdatadir)/chips
dist_chips_DATA = plugins/backends/neuromorphic/chips/loihi.cfg \
	plugins/backends/neuromorphic/chips/truenorth.cfg \
	plugins/backends/neuromorphic/chips/spinnaker.cfg
