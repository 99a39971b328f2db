-- Phases scheduled by the core (ap.phase), the integration windows the
-- neurons and rules see, mirrors (proj:mirror) and a phase rule
-- (guerguiev) end to end on a small segregated-dendrite network.  Raises
-- an error on the first mismatch; prints "phases ok".
local ap = require "apical"
ap.setup{ dt = 1.0, seed = 5 }

local function fails(fragment, f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, "no error, expected one containing: " .. fragment)
  err = tostring(err)
  assert(err:find(fragment, 1, true), "error lacks '" .. fragment .. "': " .. err)
end
local function close(a, b, tol, what)
  assert(math.abs(a - b) <= tol, string.format("%s: %.9g vs %.9g", what, a, b))
end

local input = ap.population("poisson", 6, { rate = 150 })
local hidden = ap.population("segregated_dendrite", 4, { layer = 0, b = 0.5 })
local out = ap.population("segregated_dendrite", 3, { layer = 1, b = 0.2 })
local W0 = ap.connect(input, hidden, "all_to_all",
  { weight = ap.uniform(0.1, 0.5), port = "basal", delay = 1, learning = { "guerguiev" } })
local W1 = ap.connect(hidden, out, "all_to_all",
  { weight = ap.uniform(0.1, 0.5), port = "basal", delay = 1, learning = { "guerguiev" } })
local Y = ap.connect(out, hidden, "all_to_all",
  { weight = 0, port = "apical", delay = 1 })

-- a mirror's weights are its source's, transposed (pairs() order)
Y:mirror(W1)
local function check_mirror()
  local w1, y = W1:weights(), Y:weights()
  -- W1 pairs: hidden h (1..4) x output o (1..3) -> index (h-1)*3 + o;
  -- Y pairs: output o x hidden h -> index (o-1)*4 + h
  for h = 1, 4 do
    for o = 1, 3 do
      close(y[(o - 1) * 4 + h], w1[(h - 1) * 3 + o], 0, "mirror " .. h .. "," .. o)
    end
  end
end
check_mirror()
fails("must run the other way", W0.mirror, W0, W1)
fails("has a learning rule (guerguiev)", W1.mirror, W1, Y)
fails("already mirrors", Y.mirror, Y, W1)
fails("cannot mirror itself", Y.mirror, Y, Y)

-- refusals of ap.phase
fails("must last at least one step", ap.phase, "forward", 0)
fails("its window must open between 0 and its length, 10 ms, got 12 ms",
      ap.phase, "forward", 10, { window = 12 })
fails("phase options has no key 'windw'; keys: window", ap.phase, "forward", 10, { windw = 2 })
fails("not a non-negative multiple of dt", ap.phase, "forward", 10.5)
assert(ap.phase_name() == nil)

-- A phase of 40 ms with its window from 30 ms: the neurons sum 10 steps,
-- and a second phase restarts the sums (no carry-over).  Callbacks fall
-- due inside phases and can neither start a phase nor run.
local seen, inside = {}, nil
ap.at(5, function(t)
  seen[#seen + 1] = t
  inside = ap.phase_name()
  local ok, err = pcall(ap.phase, "inner", 2)
  assert(not ok and tostring(err):find("a callback (ap.every, ap.at) cannot run a phase", 1, true),
         tostring(err))
  ok, err = pcall(ap.run, 2)
  assert(not ok and tostring(err):find("a callback (ap.every, ap.at) cannot run the simulation", 1, true),
         tostring(err))
end)
local t0 = ap.now()
local w_before = W0:weights()
ap.phase("warmup", 40, { window = 30 })
close(ap.now() - t0, 40, 0, "phase length")
assert(#seen == 1 and seen[1] == 5 and inside == "warmup", "callback in phase")
for i, n in ipairs(hidden:get("n_int")) do close(n, 10, 0, "hidden n_int " .. i) end
for i, n in ipairs(out:get("n_int")) do close(n, 10, 0, "output n_int " .. i) end
-- a phase named neither forward nor target leaves the weights alone
local w_after = W0:weights()
for k = 1, #w_before do close(w_after[k], w_before[k], 0, "warmup weight " .. k) end
ap.phase("forward", 25, { window = 5 })
for i, n in ipairs(hidden:get("n_int")) do close(n, 20, 0, "second window n_int " .. i) end
local sumC = hidden:get("sum_C")
local mean_f = W0:rule_var("mean_f")
for i = 1, 4 do close(mean_f[i], sumC[i] / 20, 1e-12, "rule's C_f " .. i) end
fails("has no per-neuron variable 'nope' (it has: mean_f", W0.rule_var, W0, "nope")
fails("has no learning rule", Y.rule_var, Y, "E")

-- the target phase: teaching conductances, then an update of both layers
out:set{ g_E = { 1, 0, 0 }, g_I = { 0, 1, 1 } }
local b0 = hidden:get("b")
ap.phase("target", 25, { window = 5 })
out:set{ g_E = 0, g_I = 0 }
local moved, E = 0, W0:rule_var("E")
w_after = W0:weights()
for k = 1, #w_before do if w_after[k] ~= w_before[k] then moved = moved + 1 end end
assert(moved > 0, "the forward weights did not change")
local b1 = hidden:get("b")
-- the bias moved by eta P E (eta 0.21, P = 20/phi_max = 100)
for i = 1, 4 do close(b1[i] - b0[i], 0.21 * 100 * E[i], 1e-9, "bias " .. i) end
-- the output rule left credit: E_bp is what backprop would use
local Ebp = W0:rule_var("E_bp")
local any = false
for i = 1, 4 do any = any or Ebp[i] ~= 0 end
assert(any, "no credit reached the hidden layer")
-- the output neuron with g_E = 1 was pushed up: its error is positive
local Eo = W1:rule_var("E")
assert(Eo[1] > 0 and Eo[2] < 0 and Eo[3] < 0, "output errors " .. table.concat(Eo, " "))
check_mirror()  -- refreshed after the update

-- A callback that raises inside a phase: the error reaches the script,
-- the phase is closed (no phase under way, a new one may begin) and its
-- cut end teaches nothing (the weights stay as they were).
local w_cut = W0:weights()
ap.at(ap.now() + 3, function() error("callback fails") end)
local ok, err = pcall(ap.phase, "target", 10, { window = 2 })
assert(not ok and tostring(err):find("callback fails", 1, true), tostring(err))
assert(ap.phase_name() == nil, "the phase stayed open after an error: " .. tostring(ap.phase_name()))
local w_now = W0:weights()
for k = 1, #w_cut do close(w_now[k], w_cut[k], 0, "weight after a cut phase " .. k) end
ap.phase("forward", 5)
assert(ap.phase_name() == nil)
print("phases ok")
