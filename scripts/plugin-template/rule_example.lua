-- @NAME@.lua: 100 Poisson inputs onto 10 lif_psc_exp neurons through
-- @NAME@; prints the mean weight before and after 10 s.
--   APICAL_PLUGIN_PATH=. apical run @NAME@.lua
local ap = require "apical"
ap.setup{ dt = 0.1, seed = 1 }
local inputs = ap.population("poisson", 100, { rate = 10 })
local cells = ap.population("lif_psc_exp", 10, { I_e = 300 })
local proj = ap.connect(inputs, cells, "all_to_all", {
  weight = ap.uniform(0, 100), delay = 1.0,
  learning = { "@NAME@", A_plus = 0.5, A_minus = 0.55, Wmax = 100 } })
local function mean(t)
  local s = 0
  for _, x in ipairs(t) do s = s + x end
  return s / #t
end
local before = mean(proj:weights())
ap.run(10000)
print(string.format("@NAME@: mean weight %.2f -> %.2f pA", before,
                    mean(proj:weights())))
