-- @NAME@.lua: 100 @NAME@ neurons driven by 200 Poisson inputs.
--   APICAL_PLUGIN_PATH=. apical run @NAME@.lua
local ap = require "apical"
ap.setup{ dt = 0.1, seed = 1 }
local inputs = ap.population("poisson", 200, { rate = 20 })
local cells = ap.population("@NAME@", 100, { I_e = 200 })
ap.connect(inputs, cells, { rule = "fixed_indegree", indegree = 50 },
           { weight = 80, delay = 1.0 })
local spikes = ap.record(cells, "spikes")
ap.run(1000)
print(string.format("@NAME@: %d spikes, %.2f Hz", spikes:count(), spikes:rate()))
