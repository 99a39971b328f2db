# tests/record.mk
