-- Spikes exchanged once per min-delay interval (tests/e2e/mpi.sh): every
-- delay at least 1 ms (10 steps), so processes exchange the spike lists
-- of 10 steps at a time; Poisson input, a depressing synapse (its state
-- changed per spike), release failures, a lesion, noise, pair STDP with a
-- weight recorder, dopamine-modulated STDP with a modulator driven by
-- spikes and by the script, and a state recorder sampling once per
-- interval.  Writes the spikes, the final membrane
-- potentials, the learned weights and the number of exchanges.
local ap = require "apical"
ap.setup{ dt = 0.1, seed = 9 }
local src = ap.population("poisson", 50, { rate = 40 })
local e = ap.population("lif_psc_delta", 80, { I_e = 200, V_m = ap.uniform(-70, -55) })
local i = ap.population("lif_psc_exp", 20, { I_e = 300, sigma = 30 })
ap.connect(src, e, { rule = "fixed_indegree", indegree = 10 },
           { weight = 2.5, delay = ap.uniform(1, 2), p_release = 0.7 })
ap.connect(e, e, { rule = "fixed_probability", p = 0.1 }, { weight = 0.8, delay = 1.5 })
ap.connect(e, i, { rule = "fixed_indegree", indegree = 20 },
           { weight = 150, delay = 1.0, synapse = "tsodyks_markram" })
ap.connect(i, e, { rule = "fixed_outdegree", outdegree = 15 }, { weight = -3, delay = 1.2 })
local p1 = ap.connect(src, i, { rule = "fixed_indegree", indegree = 6 },
  { weight = 120, delay = 1.1, learning = { "stdp", Wmax = 400, lambda = 0.05 } })
local da = ap.modulator("dopamine", { tau = 100, baseline = 0.01 })
ap.connect(e, da, { weight = 0.002 })
local p2 = ap.connect(e, e, { rule = "fixed_indegree", indegree = 4 },
  { weight = 1, delay = 2, modulator = da,
    learning = { "stdp_dopamine", A_plus = 1, A_minus = 1.5, Wmax = 5 } })
ap.every(50, function() da:release(0.05) end)
local wr = ap.record(p1, "weight", { interval = 1, synapses = { 1, 7, 100 } })
e:lesion({ 7 })
local se, si = ap.record(e, "spikes"), ap.record(i, "spikes")
-- a state recorder every 1 ms: the host ends each run call at its samples
local vm = ap.record(i:slice(15, 20), "V_m", { interval = 1 })
ap.run(150)
ap.run(53.7)
se:save("e.csv")
si:save("i.csv")
p1:save("p1.csv")
p2:save("p2.csv")
wr:save("wrec.csv")
vm:save("vm.csv")
local f = assert(io.open("state.txt", "w"))
for _, v in ipairs(e:get("V_m")) do f:write(string.format("%.17g\n", v)) end
for _, v in ipairs(i:get("V_m")) do f:write(string.format("%.17g\n", v)) end
f:close()
local rep = ap.report()
local g = assert(io.open("exchanges.txt", "w"))
g:write(string.format("%d\n", rep and rep.exchange and rep.exchange.count or 0))
g:close()
print(string.format("interval ok %d %d", se:count(), si:count()))
