# tests/record.mk: Check suites for run settings (run/config.c), for
# recorders, .npy files and SHA-256 (io/record.c, io/npy.c, io/sha256.c)
# and for the snapshot file (io/snapshot.c).  Included from
# tests/local.mk; paths from the top dir.

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

check_PROGRAMS += tests/check_snapshot
TESTS += tests/check_snapshot
tests_check_snapshot_SOURCES = tests/check_snapshot.c
tests_check_snapshot_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_snapshot_LDADD = $(CHECK_LDADD_ALL)

check_PROGRAMS += tests/check_lrandom
TESTS += tests/check_lrandom
tests_check_lrandom_SOURCES = tests/check_lrandom.c
tests_check_lrandom_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_lrandom_LDADD = $(CHECK_LDADD_ALL)
