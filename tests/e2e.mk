# End-to-end tests: the `apical` program run on scripts, as a user would.
E2E_TESTS = tests/e2e/coba.sh tests/e2e/cli.sh tests/e2e/errors.sh \
	tests/e2e/lua_api.sh tests/e2e/determinism.sh \
	tests/e2e/docs.sh tests/e2e/threads.sh tests/e2e/benchmarks.sh \
	tests/e2e/modulators.sh tests/e2e/experiments.sh
TESTS += $(E2E_TESTS)
EXTRA_DIST += $(E2E_TESTS) tests/e2e/lib.sh tests/e2e/api.lua tests/e2e/embed.c \
	tests/e2e/net.lua tests/e2e/grow.lua tests/e2e/modulators.lua \
	tests/e2e/release.lua
# The tsodyks_markram synapse on a delta-synapse neuron (V_m jumps).
E2E_TESTS += tests/e2e/tsodyks_markram.sh
EXTRA_DIST += tests/e2e/tsodyks_markram.lua
# ap.dataset: IDX files, plain and gzip; a real data set when present.
E2E_TESTS += tests/e2e/dataset.sh
EXTRA_DIST += tests/e2e/dataset.lua
# The compartmental neuron from Lua: shaped populations, ports, recording.
E2E_TESTS += tests/e2e/compartmental.sh
EXTRA_DIST += tests/e2e/compartmental.lua
# The segregated-dendrite neurons from Lua: a 3-layer network, both layers.
E2E_TESTS += tests/e2e/segregated_dendrite.sh
EXTRA_DIST += tests/e2e/segregated_dendrite.lua
# The Urbanczik-Senn two-compartment neuron from Lua: dendritic drive, spikes.
E2E_TESTS += tests/e2e/urbanczik_neuron.sh
EXTRA_DIST += tests/e2e/urbanczik_neuron.lua
# Phases scheduled by the core, windows, mirrors, the guerguiev rule.
E2E_TESTS += tests/e2e/phases.sh
EXTRA_DIST += tests/e2e/phases.lua
# guerguiev2017.lua: short training lowers the error; every option runs.
E2E_TESTS += tests/e2e/guerguiev.sh
# The urbanczik learning rule: teacher-driven dendritic learning from Lua.
E2E_TESTS += tests/e2e/urbanczik_rule.sh
EXTRA_DIST += tests/e2e/urbanczik_rule.lua

# The neuromorphic backend (chip emulation, energy, refusals).
E2E_TESTS += tests/e2e/neuromorphic.sh
EXTRA_DIST += tests/e2e/neuromorphic_single.lua \
	tests/e2e/neuromorphic_energy.lua tests/e2e/neuromorphic_plastic.lua

# The plugin SDK: staged install, apical-new-plugin, out-of-tree builds
# with pkg-config.
E2E_TESTS += tests/e2e/sdk.sh

# `apical help TOPIC` and the manual page.
E2E_TESTS += tests/e2e/help.sh

# Plots: ap.plot from Lua and `apical plot` on saved .csv and .npy files.
E2E_TESTS += tests/e2e/plot.sh
EXTRA_DIST += tests/e2e/plot.lua

# `apical check-plugin` over every built plugin and the broken fixtures.
E2E_TESTS += tests/e2e/check_plugin.sh
# Runs of several processes (mpirun), or the refusal without MPI.
E2E_TESTS += tests/e2e/mpi.sh
# Snapshots: stopped and resumed runs, other layouts, refused files.
E2E_TESTS += tests/e2e/snapshot.sh
EXTRA_DIST += tests/e2e/snapshot.lua
EXTRA_DIST += tests/e2e/mpi.lua tests/e2e/mpi_plastic.lua tests/e2e/mpi_phases.lua \
	tests/e2e/mpi_interval.lua \
	tests/lsan-openmpi.supp

# The NEF (ap.nef) and its experiments.
E2E_TESTS += tests/e2e/nef.sh
EXTRA_DIST += tests/e2e/nef.lua tests/e2e/nef_pes.lua

# Step current generators (NEST's step_current_generator).
E2E_TESTS += tests/e2e/step_current.sh
EXTRA_DIST += tests/e2e/step_current.lua
