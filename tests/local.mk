# tests/: Check suites mirroring core/ and plugins/, fixture plugins, and
# end-to-end runs of the `apical` program.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	APICAL='$(abs_top_builddir)/core/apical'; export APICAL; \
	AP_TOP_SRCDIR='$(abs_top_srcdir)'; export AP_TOP_SRCDIR; \
	AP_TOP_BUILDDIR='$(abs_top_builddir)'; export AP_TOP_BUILDDIR; \
	AP_DATA_DIR='$(AP_DATA_DIR)'; export AP_DATA_DIR; \
	APICAL_CONFIG=/dev/null; export APICAL_CONFIG; \
	ASAN_OPTIONS=detect_leaks=1; export ASAN_OPTIONS; \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1; export UBSAN_OPTIONS;
# Tests that draw figures check the refusal instead in a build without
# cairo (configure --without-cairo).
if HAVE_CAIRO
AM_TESTS_ENVIRONMENT += AP_HAVE_CAIRO=1; export AP_HAVE_CAIRO;
else
AM_TESTS_ENVIRONMENT += AP_HAVE_CAIRO=0; export AP_HAVE_CAIRO;
endif
# Tests of runs under mpirun check the refusal instead in a build without
# MPI (configure --without-mpi).
if HAVE_MPI
AM_TESTS_ENVIRONMENT += AP_HAVE_MPI=1; export AP_HAVE_MPI;
else
AM_TESTS_ENVIRONMENT += AP_HAVE_MPI=0; export AP_HAVE_MPI;
endif
# Tests that run long experiments run them smaller under the sanitizers.
if SANITIZERS
AM_TESTS_ENVIRONMENT += AP_SANITIZERS=1; export AP_SANITIZERS;
endif

# Check suites of the core live here, mirroring core/; each plugin's
# suite lives in its plugin's folder (plugins/KIND/NAME/check_NAME.c).
# Both use the harness in tests/harness/.
CHECK_CFLAGS_ALL = $(AM_CFLAGS) $(VEC_CFLAGS) $(CHECK_CFLAGS) $(LUA_CFLAGS) \
	$(LIBCONFIG_CFLAGS) $(ZLIB_CFLAGS) -I$(top_srcdir)/tests/harness
CHECK_LDADD_ALL = tests/harness/libharness.la core/tools/libapical_tools.la \
	core/libapical_core.la $(CHECK_LIBS) $(LUA_LIBS) $(LIBCONFIG_LIBS) \
	$(ZLIB_LIBS) $(LAPACK_LIBS) $(MPI_LIBS) -lpthread
# The test library: plays the host for one neuron plugin
# (neuron_harness) or one learning rule (rule_harness).  Its functions
# call the ap_plugin_entry of the suite that links them.
check_LTLIBRARIES += tests/harness/libharness.la
tests_harness_libharness_la_SOURCES = \
	tests/harness/neuron_harness.c tests/harness/neuron_harness.h \
	tests/harness/rule_harness.c tests/harness/rule_harness.h \
	tests/harness/memstream.c tests/harness/memstream.h
tests_harness_libharness_la_CFLAGS = $(CHECK_CFLAGS_ALL)
EXTRA_DIST += tests/harness/check_main.h tests/harness/tmpdir.h \
	tests/harness/lif_noise_checks.h

include tests/core.mk
include tests/loader.mk
include tests/abi.mk
include tests/conform.mk
include tests/record.mk
include tests/e2e.mk
