-- Release failures (p_release): one source spiking 100 times into 1000
-- targets, each synapse transmitting with probability p.  Args: p=, out=.
-- Prints the event count; saves the targets' V_m (each delivered spike
-- is a jump of 1 mV) to OUT.csv so runs can be compared bit for bit.
local ap = require "apical"
local p = tonumber(ap.args.p or "0.3")
local t = {}
for k = 1, 100 do t[k] = k * 1.0 end
local src = ap.population("spike_source", 1, { spike_times = t })
local tgt = ap.population("lif_psc_delta", 1000, { V_th = 1e6, tau_m = 1e9 })
ap.connect(src, tgt, "all_to_all", { weight = 1, delay = 1, p_release = p })
local vm = ap.record(tgt, "V_m", { interval = 102 })
ap.run(102)
print(string.format("events=%d", ap.stats().events))
vm:save((ap.args.out or "release") .. ".csv")
