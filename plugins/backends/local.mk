# plugins/backends/local.mk
