# scripts/: set-up and test scripts, examples and experiments.
dist_noinst_SCRIPTS += scripts/setup.sh scripts/test.sh
EXTRA_DIST += scripts/examples/coba.lua
EXTRA_DIST += scripts/experiments/energy.lua
EXTRA_DIST += scripts/experiments/izhikevich2007_distal_reward.lua \
	scripts/experiments/robustness.lua \
	scripts/experiments/guerguiev2017.lua
EXTRA_DIST += scripts/benchmarks/coba.lua scripts/benchmarks/cuba.lua \
	scripts/benchmarks/brunel_stdp.lua scripts/benchmarks/microcircuit.lua \
	scripts/benchmarks/guerguiev_epoch.lua \
	scripts/benchmarks/report.lua scripts/benchmarks/cuba_net.lua \
	scripts/benchmarks/compare \
	scripts/benchmarks/peers/brian2_common.py \
	scripts/benchmarks/peers/brian2_coba.py \
	scripts/benchmarks/peers/brian2_cuba.py
