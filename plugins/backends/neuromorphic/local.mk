# plugins/backends/neuromorphic/: the backend plugin neuromorphic and its tests.
# The emulated neuromorphic chips; profiles go to $(pkgdatadir)/chips.
pkglib_LTLIBRARIES += plugins/backends/neuromorphic/neuromorphic.la
plugins_backends_neuromorphic_neuromorphic_la_SOURCES = \
	plugins/backends/neuromorphic/neuromorphic.c \
	plugins/backends/neuromorphic/lowering.c \
	plugins/backends/neuromorphic/mapping.c \
	plugins/backends/neuromorphic/chip.c \
	plugins/backends/neuromorphic/state.c \
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

check_PROGRAMS += plugins/backends/neuromorphic/check_neuromorphic
TESTS += plugins/backends/neuromorphic/check_neuromorphic
plugins_backends_neuromorphic_check_neuromorphic_SOURCES = plugins/backends/neuromorphic/check_neuromorphic.c
plugins_backends_neuromorphic_check_neuromorphic_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_backends_neuromorphic_check_neuromorphic_LDADD = $(CHECK_LDADD_ALL) -lm

# save and load through the host's network (loads the built plugins)
check_PROGRAMS += plugins/backends/neuromorphic/check_nm_state
TESTS += plugins/backends/neuromorphic/check_nm_state
plugins_backends_neuromorphic_check_nm_state_SOURCES = plugins/backends/neuromorphic/check_nm_state.c
plugins_backends_neuromorphic_check_nm_state_CFLAGS = $(CHECK_CFLAGS_ALL)
plugins_backends_neuromorphic_check_nm_state_LDADD = $(CHECK_LDADD_ALL) -lm
