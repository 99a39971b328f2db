-- A small balanced network with Poisson drive, random weights and delays,
-- plastic projections (stdp, and stdp_dopamine reading a modulator that
-- the inhibitory spikes drive) and release failures: the fixture of the
-- reproducibility tests.  Saves spikes, V_m and the plastic weights.
local ap = require "apical"
ap.setup{ dt = 0.1 }
local n = tonumber(ap.args.n or "500")
local exc = ap.population("lif_psc_exp", math.floor(0.8 * n), { V_m = ap.uniform(-70, -55) })
local inh = ap.population("lif_psc_exp", n - math.floor(0.8 * n), { V_m = ap.uniform(-70, -55) })
local drive = ap.population("poisson", n, { rate = 8000 })
ap.connect(drive, exc, { rule = "fixed_indegree", indegree = 1 }, { weight = 40, delay = 0.1 })
ap.connect(drive, inh, { rule = "fixed_indegree", indegree = 1 }, { weight = 40, delay = 0.1 })
local da = ap.modulator("dopamine", { tau = 50, baseline = 0.001 })
ap.connect(inh, da, { weight = 0.01 })
local learning = {
  { "stdp", lambda = 0.05, alpha = 1.1, Wmax = 60 },
  { "stdp_dopamine", A_plus = 0.1, A_minus = 0.12, tau_c = 100, Wmax = 60 },
}
if ap.args.static == "1" then learning = {} end  -- the same network, fixed weights
local plastic = {}
for k, post in ipairs{ exc, inh } do
  plastic[k] = ap.connect(exc, post, { rule = "fixed_indegree", indegree = 40 },
             { weight = ap.normal(30, 5), delay = ap.clip(ap.normal(1.5, 0.5), 0.1, 5),
               learning = learning[k], modulator = learning[k] and k == 2 and da or nil })
  ap.connect(inh, post, { rule = "fixed_probability", p = 0.1 },
             { weight = ap.normal(-150, 20), delay = ap.uniform(0.5, 2.5), p_release = 0.7 })
end
local s = ap.record(exc, "spikes")
-- vm=0: spikes only, so that the host's per-step calls read no neuron
-- state (a threaded backend may then make them beside its delivery)
local v = ap.args.vm ~= "0" and ap.record(inh:slice(1, 5), "V_m", { interval = 0.5 })
ap.run(200)
s:save(ap.args.out .. "_spikes.csv")
if v then v:save(ap.args.out .. "_vm.csv") end
plastic[1]:save(ap.args.out .. "_w_stdp.csv")
plastic[2]:save(ap.args.out .. "_w_da.csv")
print(string.format("rate %.3f", s:rate()))
