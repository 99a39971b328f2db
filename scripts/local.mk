# scripts/: set-up and test scripts, examples and experiments.
dist_noinst_SCRIPTS += scripts/setup.sh scripts/test.sh scripts/identical.sh \
	scripts/experiments/guerguiev2017_runs.sh \
	scripts/experiments/guerguiev2017_study.sh
EXTRA_DIST += scripts/examples/coba.lua
EXTRA_DIST += scripts/experiments/energy.lua
EXTRA_DIST += scripts/experiments/izhikevich2007_distal_reward.lua \
	scripts/experiments/robustness.lua \
	scripts/experiments/guerguiev2017.lua \
	scripts/experiments/guerguiev2017_table.lua \
	scripts/experiments/nef_common.lua scripts/experiments/nef_channel.lua \
	scripts/experiments/nef_integrator.lua scripts/experiments/nef_oscillator.lua \
	scripts/experiments/nef_product.lua scripts/experiments/nef_lorenz.lua \
	scripts/experiments/nef_learn.lua
EXTRA_DIST += scripts/benchmarks/coba.lua scripts/benchmarks/cuba.lua \
	scripts/benchmarks/brunel_stdp.lua scripts/benchmarks/microcircuit.lua \
	scripts/benchmarks/guerguiev_epoch.lua \
	scripts/benchmarks/report.lua scripts/benchmarks/cuba_net.lua \
	scripts/benchmarks/compare scripts/benchmarks/scaling_model \
	scripts/benchmarks/distributed scripts/benchmarks/snapshot \
	scripts/benchmarks/probe scripts/benchmarks/probe.c \
	scripts/benchmarks/integrator_error \
	scripts/benchmarks/integrator_error.lua \
	scripts/benchmarks/peers/brian2_common.py \
	scripts/benchmarks/peers/brian2_coba.py \
	scripts/benchmarks/peers/brian2_cuba.py \
	scripts/benchmarks/peers/brian2_brunel_stdp.py

# The plugin SDK's generator: scripts/new-plugin, installed as
# apical-new-plugin, with its templates in $(pkgdatadir)/plugin-template
# (apical.pc's templatedir).
templatedir = $(pkgdatadir)/plugin-template
dist_template_DATA = scripts/plugin-template/neuron.c \
	scripts/plugin-template/rule.c scripts/plugin-template/Makefile.tpl \
	scripts/plugin-template/neuron_example.lua \
	scripts/plugin-template/neuron_test.lua \
	scripts/plugin-template/rule_example.lua \
	scripts/plugin-template/rule_test.lua
EXTRA_DIST += scripts/new-plugin
install-exec-local: install-new-plugin
install-new-plugin:
	$(MKDIR_P) "$(DESTDIR)$(bindir)"
	$(INSTALL_SCRIPT) $(srcdir)/scripts/new-plugin \
	  "$(DESTDIR)$(bindir)/apical-new-plugin"
uninstall-local: uninstall-new-plugin
uninstall-new-plugin:
	rm -f "$(DESTDIR)$(bindir)/apical-new-plugin"
.PHONY: install-new-plugin uninstall-new-plugin
