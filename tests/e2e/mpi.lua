-- A run for tests/e2e/mpi.sh: Poisson input, delays, release
-- probability, noise, a lesion and a decoded NEF connection; its spikes
-- and a state sample saved, one line printed and a file of the script's
-- own written.
local ap = require "apical"
ap.setup{ dt = 0.1, seed = 5 }
local src = ap.population("poisson", 40, { rate = 30 })
local n = ap.population("lif_psc_exp", 60, { I_e = 360, sigma = 20, V_m = ap.uniform(-70, -55) })
ap.connect(src, n, { rule = "fixed_indegree", indegree = 8 },
           { weight = 120, delay = ap.uniform(1, 3), p_release = 0.8 })
local rec = ap.connect(n, n, { rule = "fixed_probability", p = 0.1 },
                       { weight = -40, delay = 1.2 })
n:lesion({ 3, 17 })
-- every connection rule, each process building the synapses into its own
-- neurons: those keyed by the source or drawn from one stream kept from
-- the whole, a multinomial total drawn in chunks shared out
local x = ap.population("poisson", 200, { rate = 2 })
local y = ap.population("poisson", 60, { rate = 5 })
-- a background wired one to one: its spikes stay with their process
local z = ap.population("poisson", 60, { rate = 80 })
ap.connect(z, n, "one_to_one", { weight = 30, delay = 0.5 })
local others = {
  ap.connect(x, n, { rule = "fixed_outdegree", outdegree = 6 },
             { weight = ap.normal(3, 1), delay = ap.uniform(0.5, 2) }),
  ap.connect(x, n, { rule = "fixed_total_number", N = 1100000 },
             { weight = ap.uniform(0, 0.01), delay = 1.5 }),
  ap.connect(x, n, { rule = "fixed_total_number", N = 3000, allow_multapses = false },
             { weight = ap.uniform(1, 2), delay = 0.7 }),
  ap.connect(y, n, { rule = "one_to_one" }, { weight = 2, delay = ap.uniform(0.2, 1) }),
  ap.connect(y, n, { rule = "list", pre = { 1, 5, 60, 5 }, post = { 60, 1, 30, 31 } },
             { weight = { 4, 5, 6, 7 }, delay = 0.4 }),
  ap.connect(y, n:slice(20, 40), { rule = "all_to_all" }, { weight = ap.uniform(0, 1) }),
}
-- NEF ensembles, a node and a decoded connection
local a = ap.nef.ensemble{ n = 40 }
local b = ap.nef.ensemble{ n = 40 }
ap.nef.connect(ap.nef.node(function(t) return math.sin(t / 50) end), a)
ap.nef.connect(a, b, { func = function(x) return x[1] * x[1] end })
local pb = ap.nef.probe(b, { synapse = 10 })
local s = ap.record(n, "spikes")
local v = ap.record(n:slice(55, 60), "V_m", { interval = 1 })
ap.run(300)
s:save("spikes.csv")
v:save("vm.csv")
local w = rec:weights()
local d = pb:data()
local f = assert(io.open("mine.txt", "w"))
f:write(string.format("%d spikes, %d weights, size %d\n", s:count(), #w, ap.size()))
f:close()
local g = assert(io.open("nef.txt", "w"))
for i = 1, #d, 10 do g:write(string.format("%.17g\n", d[i][1])) end
for _, v in ipairs(n:get("V_m")) do g:write(string.format("%.17g\n", v)) end
local st = ap.stats() -- every process's spikes, counted once
g:write(string.format("%d spikes, %d events\n", st.spikes, st.events))
-- each projection's weights and delays, in order (a checksum for the large)
for _, p in ipairs(others) do
  local ws, ds, acc = p:weights(), p:delays(), 0
  for k = 1, #ws do acc = acc + k * ws[k] + ds[k] end
  g:write(string.format("%d %.17g %.17g %.17g\n", #ws, acc, ws[1], ws[#ws]))
end
g:close()
print(string.format("mpi ok %d", s:count()))
