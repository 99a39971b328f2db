# Backends: the neuromorphic backend's integer rules and chip profiles
# (the cpu backend is exercised by every other suite).
check_PROGRAMS += tests/check_neuromorphic
TESTS += tests/check_neuromorphic
tests_check_neuromorphic_SOURCES = tests/check_neuromorphic.c
tests_check_neuromorphic_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_check_neuromorphic_LDADD = $(CHECK_LDADD_ALL) -lm
