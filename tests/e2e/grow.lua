-- The network grows between runs: spikes in flight survive the rebuild,
-- and the result equals a network built up front whose new part is
-- silent until then.  ap.args.mode is "grow" or "upfront".
local ap = require "apical"
ap.setup{ dt = 0.1, seed = 3 }
local src = ap.population("spike_source", 1, { spike_times = { 1.0 } })
local tgt = ap.population("lif_psc_delta", 1, { E_L = 0, V_reset = 0, V_th = 1000 })
ap.connect(src, tgt, "all_to_all", { weight = 2.0, delay = 5.0 })
local vm = ap.record(tgt, "V_m", { interval = 0.1 })
local extra
local function add_extra(rate)
  extra = ap.population("poisson", 10, { rate = rate })
  ap.connect(extra, tgt, "all_to_all", { weight = 0.5, delay = 1.0 })
end
if ap.args.mode == "upfront" then
  add_extra(0)
  ap.at(2.0, function() extra:set{ rate = 1000 } end)
  ap.run(10)
else
  ap.run(2)                         -- the spike of 1.0 ms is in flight
  add_extra(1000)
  ap.run(8)
end
vm:save(ap.args.mode .. ".csv")
local t, v = vm:times(), vm:values()[1]
-- the jump of 2 mV at 6.0 ms is there (plus the Poisson input)
local before, after
for k = 1, #t do
  if math.abs(t[k] - 5.9) < 1e-9 then before = v[k] end
  if math.abs(t[k] - 6.0) < 1e-9 then after = v[k] end
end
print(string.format("jump %.6f", after - before * math.exp(-0.1 / 10)))
