# plugins/neurons/local.mk
