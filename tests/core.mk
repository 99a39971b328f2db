# Check suites of core/ units.
check_PROGRAMS += tests/check_rng tests/check_connect
TESTS += tests/check_rng tests/check_connect

tests_check_rng_SOURCES = tests/check_rng.c
tests_check_rng_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_rng_LDADD = $(CHECK_LDADD_ALL)

tests_check_connect_SOURCES = tests/check_connect.c
tests_check_connect_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_connect_LDADD = $(CHECK_LDADD_ALL)


check_PROGRAMS += tests/check_values tests/check_version
TESTS += tests/check_values tests/check_version
tests_check_values_SOURCES = tests/check_values.c
tests_check_values_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_values_LDADD = $(CHECK_LDADD_ALL)
tests_check_version_SOURCES = tests/check_version.c
tests_check_version_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_version_LDADD = $(CHECK_LDADD_ALL)

# core/dataset.c: IDX files written by the suite itself, plain and gzip.
check_PROGRAMS += tests/check_dataset
TESTS += tests/check_dataset
tests_check_dataset_SOURCES = tests/check_dataset.c
tests_check_dataset_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_dataset_LDADD = $(CHECK_LDADD_ALL)

check_PROGRAMS += tests/check_nef
TESTS += tests/check_nef
tests_check_nef_SOURCES = tests/check_nef.c
tests_check_nef_CFLAGS = $(CHECK_CFLAGS_ALL) $(LAPACK_CFLAGS)
tests_check_nef_LDADD = $(CHECK_LDADD_ALL) -lm
