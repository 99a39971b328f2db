# tests/record.mk: Check suites for run settings (core/config.c) and for
# recorders, .npy files and SHA-256 (core/record.c, core/npy.c,
# core/sha256.c).  Included from tests/local.mk; paths from the top dir.

check_PROGRAMS += tests/check_config
TESTS += tests/check_config
tests_check_config_SOURCES = tests/check_config.c
tests_check_config_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_config_LDADD = $(CHECK_LDADD_ALL)

check_PROGRAMS += tests/check_record
TESTS += tests/check_record
tests_check_record_SOURCES = tests/check_record.c
tests_check_record_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_record_LDADD = $(CHECK_LDADD_ALL)
