-- The compartmental neuron from Lua: a population shaped by n_comp, its
-- per-compartment list parameters, recording a dendrite, targeting one
-- by port name, and the refusals (unknown port, n_comp changed after
-- creation, n_comp out of range).  Raises an error on the first
-- mismatch; prints "compartmental ok".
local ap = require "apical"
ap.setup{ dt = 0.1, seed = 1 }

local function fails(fragment, f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, "no error, expected one containing: " .. fragment)
  err = tostring(err)
  assert(err:find(fragment, 1, true),
         "error lacks '" .. fragment .. "': " .. err)
end

-- a chain soma - d1 - d2, threshold out of reach
local p = ap.population("compartmental", 5, {
  n_comp = 3, parent = { 0, 1, 2 }, g_c = { 0, 20, 10 },
  C_m = { 100, 50, 50 }, g_L = { 5, 2.5, 2.5 }, V_th = 100,
})
assert(p:model() == "compartmental")
assert(#p:get("V_d2") == 5 and p:get("V_d2")[1] == -70)
assert(p:get("n_comp")[1] == 3)
fails("has no parameter or state 'V_d3'", p.get, p, "V_d3")

-- the structure is fixed; other parameters change as usual
fails("parameter 'n_comp' of compartmental shapes the population",
      p.set, p, { n_comp = 4 })
p:set{ n_comp = 3, V_reset = -72 }
assert(p:get("V_reset")[1] == -72)
fails("parameter 'n_comp' of compartmental must be in [1, 16], got 17",
      ap.population, "compartmental", 1, { n_comp = 17 })

-- ports by compartment name; an unknown one lists the shaped ports
local src = ap.population("spike_source", 1, { spike_times = { 5.0 } })
local proj = ap.connect(src, p, "all_to_all", { weight = 100, port = "d2_ex" })
assert(#proj == 5)
fails("compartmental has no input port 'd3_ex'; ports: soma_ex, soma_in, "
      .. "d1_ex, d1_in, d2_ex, d2_in",
      ap.connect, src, p, "all_to_all", { weight = 100, port = "d3_ex" })
fails("no state variable 'V_d3'", ap.record, p, "V_d3")

-- a default population (n_comp = 2) fed without a port: the soma's
local q = ap.population("compartmental", 1, { V_th = 100 })
ap.connect(src, q, "all_to_all", { weight = 100 })
assert(#q:get("V_d1") == 1)
fails("has no parameter or state 'V_d2'", q.get, q, "V_d2")

local rec = {}
for _, name in ipairs{ "V_soma", "V_d1", "V_d2" } do
  rec[name] = ap.record(p, name, { interval = 0.1 })
end
local qs, qd = ap.record(q, "V_soma", { interval = 0.1 }),
               ap.record(q, "V_d1", { interval = 0.1 })
ap.run(60)

-- the spike of 5 ms arrives at 6 ms: rest until then, exactly
local times = rec.V_d2:times()
local peak, peak_t = {}, {}
for name, r in pairs(rec) do
  local v = r:values()
  assert(#v == 5 and #v[1] == #times)
  peak[name], peak_t[name] = -math.huge, 0
  for k = 1, #times do
    for i = 2, 5 do assert(v[i][k] == v[1][k], "neurons differ") end
    if times[k] <= 6.0 + 1e-9 then
      assert(math.abs(v[1][k] + 70) < 1e-9,
             name .. " left rest before the input arrived")
    end
    if v[1][k] > peak[name] then peak[name], peak_t[name] = v[1][k], times[k] end
  end
end
-- the input enters at d2: it peaks first and highest, the soma last
assert(peak_t.V_d2 < peak_t.V_d1 and peak_t.V_d1 < peak_t.V_soma,
       string.format("peaks at %.1f, %.1f, %.1f ms", peak_t.V_d2,
                     peak_t.V_d1, peak_t.V_soma))
assert(peak.V_d2 > peak.V_d1 and peak.V_d1 > peak.V_soma and
       peak.V_soma > -70)
-- without a port the input goes to the soma: there the soma leads
local sv, dv = qs:values()[1], qd:values()[1]
local k7 = 71  -- t = 7.1 ms, one step after the arrival's first step
assert(sv[k7] > dv[k7] and dv[k7] > -70,
       string.format("soma %.6f, d1 %.6f at %.1f ms", sv[k7], dv[k7],
                     qs:times()[k7]))
print(string.format("compartmental ok (peaks %.3f, %.3f, %.3f mV at "
                    .. "%.1f, %.1f, %.1f ms)", peak.V_d2, peak.V_d1,
                    peak.V_soma, peak_t.V_d2, peak_t.V_d1, peak_t.V_soma))
