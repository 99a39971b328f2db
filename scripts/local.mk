# scripts/: set-up and test scripts, examples and experiments.
dist_noinst_SCRIPTS += scripts/setup.sh scripts/test.sh
EXTRA_DIST += scripts/examples/coba.lua
