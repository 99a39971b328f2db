-- A plastic projection (pair STDP) from Poisson inputs onto
-- lif_psc_exp neurons, for the chip backends: runs on a chip with
-- on-chip learning, is refused on one without (tests/e2e/neuromorphic.sh).
local ap = require "apical"
ap.setup{ dt = 1.0, seed = 3 }
local src = ap.population("poisson", 50, { rate = 20 })
local n = ap.population("lif_psc_exp", 10, { tau_syn_ex = 2, tau_syn_in = 2 })
local proj = ap.connect(src, n, "all_to_all", { weight = 150, delay = 1.0,
  learning = { "stdp", Wmax = 300, lambda = 0.05 } })
local sp = ap.record(n, "spikes")
ap.run(2000)
local w, changed = proj:weights(), 0
for i = 1, #w do if w[i] ~= 150 then changed = changed + 1 end end
local r = ap.report()
print(string.format("post_spikes=%d changed=%d of %d learning_updates=%s",
                    sp:count(), changed, #w, r and r.learning_updates or "-"))
