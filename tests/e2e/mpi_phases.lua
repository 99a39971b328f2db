-- Learning with phases on several processes (tests/e2e/mpi.sh): two
-- guerguiev layers whose output layer passes credit down (summed over the
-- processes in the order of one), a mirror carrying the output weights
-- back, and a second network trained with feedback_alignment (its B drawn
-- per synapse by identity), through a few forward and target phases with
-- the teaching signal set by the script.  Writes the learned weights, the
-- rules' errors and the hidden layer's state; the files must be the bytes
-- of a run of one process.
local ap = require "apical"
ap.setup{ dt = 1.0, seed = 11 }

local function net(rule)
  local input = ap.population("poisson", 23, { rate = 120 })
  local hidden = ap.population("segregated_dendrite", 17, { layer = 0, b = 0.5 })
  local out = ap.population("segregated_dendrite", 7, { layer = 1, b = 0.2 })
  local W0 = ap.connect(input, hidden, { rule = "fixed_probability", p = 0.7 },
    { weight = ap.uniform(0.1, 0.5), port = "basal", delay = 1,
      learning = { rule } })
  local W1 = ap.connect(hidden, out, "all_to_all",
    { weight = ap.uniform(0.1, 0.5), port = "basal", delay = 1,
      learning = { rule } })
  local Y = ap.connect(out, hidden, "all_to_all",
    { weight = 0, port = "apical", delay = 1 })
  return { input = input, hidden = hidden, out = out, W0 = W0, W1 = W1, Y = Y }
end

local a = net("guerguiev")
a.Y:mirror(a.W1)
local b = net("feedback_alignment")

local function save(name, values)
  local f = assert(io.open(name, "w"))
  for _, v in ipairs(values) do f:write(string.format("%.17g\n", v)) end
  f:close()
end

for example = 1, 3 do
  ap.phase("forward", 30, { window = 10 })
  local target = {}
  for k = 1, 7 do target[k] = (k + example) % 3 == 0 and 1 or 0 end
  local inh = {}
  for k = 1, 7 do inh[k] = 1 - target[k] end
  a.out:set{ g_E = target, g_I = inh }
  b.out:set{ g_E = target, g_I = inh }
  ap.phase("target", 30, { window = 10 })
  a.out:set{ g_E = 0, g_I = 0 }
  b.out:set{ g_E = 0, g_I = 0 }
end

for _, x in ipairs{ { "a", a }, { "b", b } } do
  local name, n = x[1], x[2]
  n.W0:save(name .. "_W0.csv")
  n.W1:save(name .. "_W1.csv")
  save(name .. "_Y.txt", n.Y:weights())
  save(name .. "_E0.txt", n.W0:rule_var("E"))
  save(name .. "_Ebp.txt", n.W0:rule_var("E_bp"))
  save(name .. "_E1.txt", n.W1:rule_var("E"))
  save(name .. "_hb.txt", n.hidden:get("b"))
  save(name .. "_A.txt", n.hidden:get("A"))
end
print("mpi phases ok")
