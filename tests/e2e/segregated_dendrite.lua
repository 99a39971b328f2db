-- The segregated-dendrite neurons from Lua: a 3-layer network (Poisson
-- inputs -> 5 hidden -> 2 output, output -> hidden feedback on the apical
-- port), a forward and a target phase with integration windows set by the
-- script, the sums read with pop:get, and the refusals (layer fixed, a
-- port the output neuron lacks).  Raises an error on the first mismatch;
-- prints "segregated_dendrite ok".
local ap = require "apical"
ap.setup{ dt = 1.0, seed = 3 }

local function fails(fragment, f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, "no error, expected one containing: " .. fragment)
  err = tostring(err)
  assert(err:find(fragment, 1, true),
         "error lacks '" .. fragment .. "': " .. err)
end

local inputs = ap.population("poisson", 20, { rate = 100 })
local hidden = ap.population("segregated_dendrite", 5, { layer = 0, b = 0.5 })
local out = ap.population("segregated_dendrite", 2, { layer = 1, b = 0.2 })
assert(hidden:get("layer")[1] == 0 and out:get("layer")[1] == 1)
assert(#hidden:get("sum_A") == 5 and #out:get("sum_sigma_U") == 2)
fails("has no parameter or state 'A'", out.get, out, "A")
fails("shapes the population", hidden.set, hidden, { layer = 1 })
fails("must be in [0, 1], got 2",
      ap.population, "segregated_dendrite", 1, { layer = 2 })

ap.connect(inputs, hidden, "all_to_all", { weight = 0.3, port = "basal" })
ap.connect(hidden, out, "all_to_all", { weight = 0.5, port = "basal" })
ap.connect(out, hidden, "all_to_all", { weight = 0.8, port = "apical" })
fails("has no input port 'apical'; ports: basal",
      ap.connect, hidden, out, "all_to_all", { weight = 1, port = "apical" })

local hs, os = ap.record(hidden, "spikes"), ap.record(out, "spikes")

-- one phase of 50 ms: 30 ms settling, then a 20 ms integration window
local function phase()
  for _, p in ipairs{ hidden, out } do
    p:set{ integrate = 0, n_int = 0 }
  end
  hidden:set{ sum_C = 0, sum_A = 0 }
  out:set{ sum_U = 0, sum_sigma_U = 0 }
  ap.run(30)
  hidden:set{ integrate = 1 }
  out:set{ integrate = 1 }
  ap.run(20)
  hidden:set{ integrate = 0 }
  out:set{ integrate = 0 }
  local m = {}
  for i, n in ipairs(out:get("n_int")) do
    assert(n == 20, "output n_int " .. n)
    m[i] = out:get("sum_U")[i] / n
  end
  for _, n in ipairs(hidden:get("n_int")) do assert(n == 20) end
  return m
end

local forward = phase()
-- the apical compartment saw the output's feedback, the soma its input
for i = 1, 5 do
  assert(hidden:get("sum_A")[i] > 0, "no feedback reached apical")
  assert(hidden:get("sum_C")[i] > 0, "no basal drive reached the soma")
end
local alpha = 1 / (1 + math.exp(-hidden:get("sum_A")[1] / 20))
assert(alpha > 0.5 and alpha < 1)

-- target phase: neuron 1 is the target (g_E = 1), neuron 2 not (g_I = 1)
out:set{ g_E = { 1, 0 }, g_I = { 0, 1 } }
local target = phase()
out:set{ g_E = 0, g_I = 0 }
assert(target[1] > forward[1] and target[1] < 8, "target U " .. target[1])
assert(target[2] < forward[2] and target[2] > -8, "non-target U " .. target[2])
-- the target-phase mean rate is read from sum_sigma_U
local rate1 = 200 * out:get("sum_sigma_U")[1] / 20
assert(rate1 > 150, "target rate " .. rate1)
assert(hs:count() > 0 and os:count() > 0, "no spikes")
print(string.format("segregated_dendrite ok (U forward %.3f %.3f, target "
                    .. "%.3f %.3f; %d hidden, %d output spikes)",
                    forward[1], forward[2], target[1], target[2],
                    hs:count(), os:count()))
