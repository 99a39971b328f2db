-- Modulators, lesions, release failures, rate and weight recorders and
-- weight access from Lua, asserted against closed forms.  Run by
-- tests/e2e/modulators.sh; prints "modulators: all assertions passed".
local ap = require "apical"

local function near(a, b, tol, what)
  assert(math.abs(a - b) <= tol, string.format("%s: got %.17g, want %.17g (tol %g)", what, a, b, tol))
end
local function raises(fn, fragment)
  local ok, err = pcall(fn)
  assert(not ok, "expected an error containing '" .. fragment .. "'")
  assert(tostring(err):find(fragment, 1, true), "error '" .. tostring(err) .. "' lacks '" .. fragment .. "'")
end

-- Three spike times per source; the drive's contribution at T is the sum
-- of w exp(-(T - t_k)/tau) over the spikes (stamped times t_k).
local times = { 5.0, 12.3, 40.0 }
local src = ap.population("spike_source", 4, { spike_times = times })
local tgt = ap.population("lif_psc_delta", 6)
local da = ap.modulator("dopamine", { tau = 50, baseline = 0.2 })
local ach = ap.modulator("acetylcholine", { tau = 10 })
assert(tostring(da):find("Modulator dopamine", 1, true))
assert(da:name() == "dopamine" and ach:level() == 0)
near(da:level(), 0.2, 0, "a modulator starts at its baseline")
ap.connect(src:slice(1, 2), da, { weight = 0.25 })  -- two neurons drive it
raises(function() ap.modulator("dopamine") end, "modulator 'dopamine' exists already")
raises(function() ap.modulator("x", { tau = 0 }) end, "tau must be > 0 ms")
raises(function() ap.connect(src, tgt, "all_to_all", { weight = 1, p_release = 1.5 }) end,
       "'p_release' must be in [0, 1]")
raises(function() ap.connect(src, tgt, "all_to_all", { weight = 1, learning = "no_such_rule" }) end,
       "no_such_rule")
raises(function() ap.connect(src, tgt, "all_to_all", { weight = 1, modulator = da }) end,
       "'modulator' needs a learning rule")

-- Rate recorder: the 4 sources each spike once in the bins of 5, 12.3, 40 ms.
local rate = ap.record(src, "rate", { bin = 10 })
-- Weights: a projection whose weights are read, written, recorded, saved.
local proj = ap.connect(src, tgt, "all_to_all", { weight = ap.uniform(1, 2), delay = 1 })
local wrec = ap.record(proj, "weight", { interval = 20, synapses = { 1, 24 } })
raises(function() ap.record(proj, "weight", { synapses = { 25 } }) end, "has no synapse 25")

da:release(1.0)                              -- at t = 0: level 1.2
ap.run(60)
local T = 60
local want = 0.2 + 1.0 * math.exp(-T / 50)
for _, t in ipairs(times) do want = want + 2 * 0.25 * math.exp(-(T - t) / 50) end
near(da:level(), want, 1e-12, "modulator level after releases and spikes")
near(ach:level(), 0, 0, "an untouched modulator stays at its baseline")

local r = rate:values()[1]
assert(#r == 6, "6 rate bins in 60 ms, got " .. #r)
-- one spike per neuron in bins 1 (5 ms), 2 (12.3 ms) and 4 (40 ms):
-- 4 spikes / (4 neurons * 10 ms) = 100 Hz
local want_rates = { 100, 100, 0, 100, 0, 0 }
for k = 1, 6 do near(r[k], want_rates[k], 1e-9, "rate bin " .. k) end
near(rate:times()[1], 10, 1e-12, "first rate bin ends at 10 ms")

local w = proj:weights()
assert(#w == 24)
local wv = wrec:values()
assert(#wv == 2 and #wv[1] == 3, "weights of 2 synapses sampled 3 times")
near(wv[1][1], w[1], 0, "recorded weight 1")
near(wv[2][3], w[24], 0, "recorded weight 24")
local neww = {}
for k = 1, #w do neww[k] = k * 0.5 end
proj:set_weights(neww)
local back = proj:weights()
for k = 1, #w do near(back[k], k * 0.5, 0, "set_weights round trip") end
raises(function() proj:set_weights({ 1, 2 }) end, "the table has 2 weights and the projection 24 synapses")
proj:set_weights(3)
near(proj:weights()[7], 3, 0, "set_weights with one number")
assert(proj:rule() == nil, "a static projection has no rule")
proj:save("synapses.csv")
local lines = {}
for line in io.lines("synapses.csv") do lines[#lines + 1] = line end
assert(lines[1] == "pre,post,weight,delay_ms", "header: " .. lines[1])
assert(#lines == 25 and lines[2] == "1,1,3,1", "first synapse row: " .. lines[2])
assert(io.open("synapses.csv.json"), "save writes a sidecar")

-- Lesions: silenced neurons spike no more.
local drive = ap.population("lif_psc_delta", 10, { I_e = 1000 })
local spikes = ap.record(drive, "spikes")
ap.run(40)
local before = {}
for _, s in ipairs(spikes:senders()) do before[s] = true end
for i = 1, 10 do assert(before[i], "neuron " .. i .. " fires before the lesion") end
assert(drive:lesion({ 2, 5 }) == 2)
local n0 = spikes:count()
ap.run(40)
local snd = spikes:senders()
for k = n0 + 1, #snd do assert(snd[k] ~= 2 and snd[k] ~= 5, "a lesioned neuron fired") end
assert(#snd > n0, "the others still fire")
assert(drive:lesion(0.5) == 5, "half of 10 neurons")
raises(function() drive:lesion(1.5) end, "fraction must be in [0, 1]")
raises(function() drive:lesion({ 11 }) end, "must be a neuron in 1..10")

-- Modulated parameter: I_e = base (1 + gain (level - baseline)).
local gated = ap.population("lif_psc_exp", 3, { I_e = 100 })
local ne = ap.modulator("noradrenaline", { tau = 1e9, baseline = 0 })
gated:modulate("I_e", ne, { gain = 2 })
raises(function() gated:modulate("I_e", ne) end, "is modulated already")
raises(function() gated:modulate("V_m", ne) end, "has no real parameter 'V_m'")
ne:release(0.5)
ap.run(1)
-- applied at the start of each min-delay interval, so the last interval's
-- decay (tau 1e9 ms) is not in it yet: 1e-6 covers it
near(gated:get("I_e")[1], 100 * (1 + 2 * ne:level()), 1e-6, "modulated I_e")
gated:set{ I_e = 50 }                      -- a new unmodulated value
ap.run(1)
near(gated:get("I_e")[2], 50 * (1 + 2 * ne:level()), 1e-6, "set() changes the base")

print("modulators: all assertions passed")
