-- A run for tests/e2e/mpi.sh: Poisson input, delays, release
-- probability, noise, a lesion and STDP, its spikes, a state sample and
-- the learned weights saved, one line printed and a file of the script's
-- own written.
local ap = require "apical"
ap.setup{ dt = 0.1, seed = 5 }
local src = ap.population("poisson", 40, { rate = 30 })
local n = ap.population("lif_psc_exp", 60, { I_e = 200, sigma = 20, V_m = ap.uniform(-70, -55) })
ap.connect(src, n, { rule = "fixed_indegree", indegree = 8 },
           { weight = 120, delay = ap.uniform(1, 3), p_release = 0.8,
             learning = { "stdp", Wmax = 300, lambda = 0.02 } })
local rec = ap.connect(n, n, { rule = "fixed_probability", p = 0.1 },
                       { weight = -40, delay = 1.2 })
n:lesion({ 3, 17 })
local s = ap.record(n, "spikes")
local v = ap.record(n:slice(1, 4), "V_m", { interval = 1 })
ap.run(300)
s:save("spikes.csv")
v:save("vm.csv")
local w = rec:weights()
local f = assert(io.open("mine.txt", "w"))
f:write(string.format("%d spikes, %d weights, size %d\n", s:count(), #w, ap.size()))
f:close()
print(string.format("mpi ok %d", s:count()))
