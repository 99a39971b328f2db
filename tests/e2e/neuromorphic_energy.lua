-- A network small enough to count its chip operations by hand (see
-- tests/e2e/neuromorphic.sh): one spike source firing at t = 1 and 3 ms
-- into two lif_psc_delta neurons (delay 1 ms, dt 1 ms), 5 ms; prints
-- the chip's report as key=value lines.
local ap = require "apical"
ap.setup{ dt = 1.0 }
local src = ap.population("spike_source", 1, { spike_times = { 1, 3 } })
local n = ap.population("lif_psc_delta", 2, { E_L = -70, V_reset = -70,
  V_th = -54, tau_m = 10, t_ref = 2 })
ap.connect(src, n, "all_to_all", { weight = 1.0, delay = 1.0 })
local sp = ap.record(n, "spikes")
ap.run(5)
local r = ap.report()
if not r then print("no report") return end
for _, k in ipairs{ "synops", "neuron_updates", "neuron_updates_active",
                    "spikes", "spikes_injected", "learning_updates",
                    "chips", "cores", "core_deliveries", "energy_j" } do
  print(string.format("%s=%.10g", k, r[k]))
end
for _, k in ipairs{ "synops_j", "neurons_j", "spikes_j", "learning_j",
                    "total_j" } do
  print(string.format("energy.%s=%.10g", k, r.energy[k]))
end
print(string.format("chip_s=%.10g", r.time.chip_s))
print("chip=" .. r.chip .. " post_spikes=" .. sp:count())
