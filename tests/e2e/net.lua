-- A small balanced network with Poisson drive, random weights and delays:
-- the fixture of the reproducibility test.
local ap = require "apical"
ap.setup{ dt = 0.1 }
local n = tonumber(ap.args.n or "500")
local exc = ap.population("lif_psc_exp", math.floor(0.8 * n), { V_m = ap.uniform(-70, -55) })
local inh = ap.population("lif_psc_exp", n - math.floor(0.8 * n), { V_m = ap.uniform(-70, -55) })
local drive = ap.population("poisson", n, { rate = 8000 })
ap.connect(drive, exc, { rule = "fixed_indegree", indegree = 1 }, { weight = 40, delay = 0.1 })
ap.connect(drive, inh, { rule = "fixed_indegree", indegree = 1 }, { weight = 40, delay = 0.1 })
for _, post in ipairs{ exc, inh } do
  ap.connect(exc, post, { rule = "fixed_indegree", indegree = 40 },
             { weight = ap.normal(30, 5), delay = ap.clip(ap.normal(1.5, 0.5), 0.1, 5) })
  ap.connect(inh, post, { rule = "fixed_probability", p = 0.1 },
             { weight = ap.normal(-150, 20), delay = ap.uniform(0.5, 2.5) })
end
local s = ap.record(exc, "spikes")
local v = ap.record(inh:slice(1, 5), "V_m", { interval = 0.5 })
ap.run(200)
s:save(ap.args.out .. "_spikes.csv")
v:save(ap.args.out .. "_vm.csv")
print(string.format("rate %.3f", s:rate()))
