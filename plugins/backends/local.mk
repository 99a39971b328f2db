# Backend plugins: each folder is one backend.
include plugins/backends/cpu/local.mk
include plugins/backends/neuromorphic/local.mk
