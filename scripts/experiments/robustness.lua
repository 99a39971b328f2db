-- How a noisy circuit with unreliable synapses degrades under lesions.
--
-- A sensory population (200 Poisson neurons) drives a recurrent circuit of
-- 800 excitatory and 200 inhibitory lif_psc_exp neurons.  Every circuit
-- neuron receives an Ornstein-Uhlenbeck noise current (sigma, tau_noise 5
-- ms), and every recurrent and feedforward synapse transmits with
-- probability p_release.  The stimulus switches between 40 Hz (on) and
-- 5 Hz (off) every 100 ms.  After a lesion-free period, a growing fraction
-- of the excitatory neurons is silenced (pop:lesion) in stages; in each
-- stage the script measures the excitatory rate of the surviving neurons
-- with the stimulus on and off, and the difference (how much of the
-- signal the circuit still carries).
--   apical run robustness.lua [sigma=100] [p_release=0.5] [stage=1000]
--                             [out=robustness.csv]
-- sigma in pA, stage in ms.  Prints one line per stage and saves them as a
-- CSV table, and their plot beside it (out with .png; plot=0: none).
local ap = require "apical"
local sigma = tonumber(ap.args.sigma or "100")
local p_rel = tonumber(ap.args.p_release or "0.5")
local stage = tonumber(ap.args.stage or "1000")
local out = ap.args.out or "robustness.csv"
local png = ap.args.plot ~= "0" and out:gsub("%.[Cc][Ss][Vv]$", "") .. ".png"
ap.setup{ dt = 0.1 }

local NE, NI = 800, 200
local cell = { C_m = 250, tau_m = 20, E_L = -70, V_th = -55, V_reset = -70, t_ref = 2,
               tau_syn_ex = 2, tau_syn_in = 5, V_m = ap.uniform(-70, -55),
               sigma = sigma, tau_noise = 5 }
local exc = ap.population("lif_psc_exp", NE, cell)
local inh = ap.population("lif_psc_exp", NI, cell)
local stim = ap.population("poisson", 200, { rate = 5 })
local syn = function(w, d) return { weight = w, delay = d, p_release = p_rel } end
for _, post in ipairs{ exc, inh } do
  ap.connect(stim, post, { rule = "fixed_indegree", indegree = 50 }, syn(120, 1.0))
  ap.connect(exc, post, { rule = "fixed_indegree", indegree = 80 }, syn(60, 1.5))
  ap.connect(inh, post, { rule = "fixed_indegree", indegree = 20 }, syn(-250, 0.8))
end
local rate = ap.record(exc, "rate", { bin = 100 })

-- The stimulus alternates every 100 ms, starting "on" at t = 0.
local on = true
stim:set{ rate = 40 }
ap.every(100, function()
  on = not on
  stim:set{ rate = on and 40 or 5 }
end)

local rows = { "lesion_fraction,silenced,rate_on_hz,rate_off_hz,signal_hz" }
local fractions, on_hz, off_hz, signal_hz = {}, {}, {}, {}
local silenced = 0
for _, fraction in ipairs{ 0, 0.1, 0.2, 0.3, 0.4, 0.5 } do
  -- silence neurons until `fraction` of the population is silent
  local want = math.floor(fraction * NE + 0.5)
  if want > silenced then
    local idx, k = {}, 0
    for i = silenced + 1, want do k = k + 1; idx[k] = i end
    exc:lesion(idx)
    silenced = want
  end
  local first = rate:count() + 1
  ap.run(stage)
  -- bins alternate on/off (bin k covers ((k-1)*100, k*100] ms)
  local r, t = rate:values()[1], rate:times()
  local son, soff, non, noff = 0, 0, 0, 0
  for k = first, #r do
    local bin_on = math.floor((t[k] - 100) / 100 + 0.5) % 2 == 0
    -- per surviving neuron
    local x = r[k] * NE / (NE - silenced)
    if bin_on then son, non = son + x, non + 1 else soff, noff = soff + x, noff + 1 end
  end
  local ron, roff = son / non, soff / noff
  print(string.format("lesion=%.2f silenced=%d rate_on=%.2f Hz rate_off=%.2f Hz signal=%.2f Hz",
                      fraction, silenced, ron, roff, ron - roff))
  rows[#rows + 1] = string.format("%.2f,%d,%.4f,%.4f,%.4f", fraction, silenced, ron, roff, ron - roff)
  local k = #fractions + 1
  fractions[k], on_hz[k], off_hz[k], signal_hz[k] = fraction, ron, roff, ron - roff
end
local f = assert(io.open(out .. ".part", "w"))
f:write(table.concat(rows, "\n"), "\n")
f:close()
assert(os.rename(out .. ".part", out))
if png then
  assert(ap.plot.trace({ x = fractions, { name = "stimulus on", values = on_hz },
                         { name = "stimulus off", values = off_hz },
                         { name = "signal (on - off)", values = signal_hz } }, png,
    { xlabel = "fraction of excitatory neurons silenced", label = "rate of the survivors",
      unit = "Hz", title = string.format("Lesions: sigma %g pA, p_release %g", sigma, p_rel) }))
end
