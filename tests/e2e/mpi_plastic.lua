-- Learning on several processes (tests/e2e/mpi.sh): pair STDP,
-- dopamine-modulated STDP with a modulator driven by spikes and by the
-- script, a depressing synapse (tsodyks_markram) and PES on NEF
-- ensembles; the learned weights, a weight recording and the spikes
-- saved.
local ap = require "apical"
ap.setup{ dt = 0.1, seed = 9 }
local src = ap.population("poisson", 50, { rate = 25 })
local a = ap.population("lif_psc_exp", 70, { I_e = 300, V_m = ap.uniform(-70, -55) })
local b = ap.population("lif_psc_exp", 40, { I_e = 320 })
local p1 = ap.connect(src, a, { rule = "fixed_indegree", indegree = 10 },
  { weight = 150, delay = 1, learning = { "stdp", Wmax = 400, lambda = 0.05 } })
local da = ap.modulator("dopamine", { tau = 100, baseline = 0.01 })
ap.connect(a, da, { weight = 0.002 })
local p2 = ap.connect(a, b, { rule = "fixed_probability", p = 0.2 },
  { weight = 80, delay = 1.5, modulator = da,
    learning = { "stdp_dopamine", A_plus = 1, A_minus = 1.5, Wmax = 300 } })
local p3 = ap.connect(b, a, { rule = "fixed_indegree", indegree = 5 },
  { weight = -60, delay = 2, synapse = "tsodyks_markram" })
ap.every(50, function() da:release(0.05) end)
-- PES on NEF ensembles
local nef = ap.nef
local stim = nef.node(function(t) return math.sin(t / 40) end)
local pre = nef.ensemble{ n = 40 }
local post = nef.ensemble{ n = 40 }
local err = nef.ensemble{ n = 40 }
nef.connect(stim, pre)
local c = nef.connect(pre, post, { func = function() return 0 end,
                                   learning = nef.pes{ learning_rate = 1e-3 } })
nef.connect(post, err)
nef.connect(pre, err, { transform = -1 })
nef.connect(err, c)
local wr = ap.record(p2, "weight", { interval = 10, synapses = { 1, 5, 9, 33 } })
local s = ap.record(a, "spikes")
ap.run(400)
s:save("spikes.csv")
wr:save("wrec.csv")
p1:save("p1.csv")
p2:save("p2.csv")
p3:save("p3.csv")
c.proj:save("pes.csv")
print(string.format("plastic ok %d", s:count()))
