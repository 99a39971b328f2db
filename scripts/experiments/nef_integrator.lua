-- nef_integrator.lua -- an integrator (Nengo's integrator example): 100
-- LIF neurons fed back on themselves through a 100 ms synapse, driven by
-- a piecewise-constant input for 6 s.  The error is the probe (10 ms)
-- against the ideal integral through the same probe filter; the drift is
-- how far the value moves in the last second, with no input.
--
--   apical run scripts/experiments/nef_integrator.lua [-- T=6000
--       plot=nef_integrator.png weights=0]
-- Ends with: nef=integrator rmse=... wall_s=... drift=...
local ap = require "apical"
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "nef_common.lua")
ap.setup{ dt = 1.0, seed = 2 }
local T = tonumber(ap.args.T or "6000")
local weights = ap.args.weights == "1"
local nef = ap.nef
-- the input: (from ms, value per second), as Nengo's example steps
local pieces = { { 0, 0 }, { 200, 1 }, { 1000, 0 }, { 2000, -1 }, { 3000, 0 },
                 { 4000, 1 }, { 5000, 0 } }
local function u_at(t)
  local v = 0
  for _, p in ipairs(pieces) do if t > p[1] then v = p[2] end end
  return v
end
local input = nef.node(u_at)
local integ = nef.integrator{ n = 100, tau = 100, weights = weights }
integ.input(input)
local p_in = nef.probe(input)
local p = nef.probe(integ.ensemble, { synapse = 10 })
local t0 = ap.clock()
ap.run(T)
local wall = ap.clock() - t0
local t, u = p_in:times(), common.column(p_in:data(), 1)
local x = common.column(p:data(), 1)
local dt, acc, ideal = ap.dt(), 0, {}
for i = 1, #u do acc = acc + u[i] * dt * 1e-3; ideal[i] = acc end
ideal = common.lowpass(ideal, 10, dt, 0)
local rmse = common.rmse(x, ideal, t)
-- drift over the last second (no input from 5 s on)
local i5, iT
for i = 1, #t do
  if not i5 and t[i] >= T - 900 then i5 = i end
  iT = i
end
local drift = x[iT] - x[i5]
common.plot(ap, ap.args.plot or "nef_integrator.png", t, {
  { name = "input", values = u }, { name = "integrator (10 ms)", values = x },
  { name = "ideal", values = ideal } }, { title = "integrator", label = "value" })
common.finish("integrator", rmse, wall, { { "drift", string.format("%.4f", drift) },
  { "form", integ.recurrent.proj and "weights" or "decoded" } })
