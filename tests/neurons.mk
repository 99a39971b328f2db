# tests/neurons.mk
