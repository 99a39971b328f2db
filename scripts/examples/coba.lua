-- The COBA network of Brette et al. (2007), benchmark 1, after Vogels &
-- Abbott (2005): 4000 conductance-based LIF neurons, 80% excitatory, 2%
-- random connectivity.  Here with a constant 200 pA drive so that it fires
-- from a quiet start.
local ap = require "apical"
ap.setup{ dt = 0.1, seed = 1 }
local params = { C_m = 200, g_L = 10, E_L = -60, V_th = -50, V_reset = -60, t_ref = 5,
                 E_ex = 0, E_in = -80, tau_syn_ex = 5, tau_syn_in = 10,
                 I_e = 200, V_m = ap.uniform(-60, -50) }
local exc = ap.population("lif_cond_exp", 3200, params)
local inh = ap.population("lif_cond_exp", 800, params)
local p = { rule = "fixed_probability", p = 0.02 }
ap.connect(exc, exc, p, { weight = 6, delay = 0.1, port = "ex" })
ap.connect(exc, inh, p, { weight = 6, delay = 0.1, port = "ex" })
ap.connect(inh, exc, p, { weight = 67, delay = 0.1, port = "in" })
ap.connect(inh, inh, p, { weight = 67, delay = 0.1, port = "in" })
local spikes = ap.record(exc, "spikes")
local vm = ap.record(exc:slice(1, 10), "V_m", { interval = 1.0 })
ap.run(1000)
print(string.format("exc rate %.2f Hz", spikes:rate()))
spikes:save("coba_exc_spikes.csv")
vm:save("coba_vm.npy")
-- the figures beside the data (`apical plot FILE` draws the same)
assert(ap.plot.raster(spikes, "coba_exc_spikes.png", { title = "COBA: excitatory spikes" }))
assert(ap.plot.trace(vm, "coba_vm.png", { title = "COBA: V_m of 10 excitatory neurons" }))
