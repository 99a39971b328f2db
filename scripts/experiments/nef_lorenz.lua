-- nef_lorenz.lua -- the Lorenz attractor in 2,000 spiking LIF neurons, as
-- Nengo's example and benchmark set it up: one 3-D ensemble of radius 60
-- fed back on itself through a 100 ms synapse with the function
-- tau f(x) + x, f the Lorenz system (sigma = 10, beta = 8/3, rho = 28)
-- with z shifted down by rho so that the attractor sits around 0.
-- Reported: the RMS error of the decoded feedback at the evaluation
-- points (rmse, in the state's units), the mean of z (the attractor's is
-- about 23.5), the wall time and the real-time factor of the run (not
-- counting the decoder solve, timed apart as solve_s).
--
--   apical run scripts/experiments/nef_lorenz.lua [-- T=10000 plot=nef_lorenz.png
--       weights=0 (1: the recurrent connection as 4 million synapses)]
-- Ends with: nef=lorenz rmse=... wall_s=... rtf=... mean_z=... solve_s=...
local ap = require "apical"
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "nef_common.lua")
ap.setup{ dt = 1.0, seed = tonumber(ap.args.seed or "5") }
local T = tonumber(ap.args.T or "10000")
local nef = ap.nef
local tau, sigma, beta, rho = 0.1, 10.0, 8.0 / 3.0, 28.0  -- tau in s
local function feedback(x)
  local dx0 = -sigma * x[1] + sigma * x[2]
  local dx1 = -x[1] * x[3] - x[2]
  local dx2 = x[1] * x[2] - beta * (x[3] + rho) - rho
  return { dx0 * tau + x[1], dx1 * tau + x[2], dx2 * tau + x[3] }
end
local s0 = ap.clock()
local state = nef.ensemble{ n = 2000, dimensions = 3, radius = 60, label = "state" }
local rec = nef.connect(state, state, { func = feedback, synapse = tau * 1000,
                                       weights = ap.args.weights == "1" })
local solve_s = ap.clock() - s0
-- a push off the unstable fixed point at 0
local kick = nef.node(function(t) if t <= 10 then return { 1, 1, 1 } end return { 0, 0, 0 } end)
nef.connect(kick, state, { synapse = 5 })
local p = nef.probe(state, { synapse = tau * 1000 })
local t0 = ap.clock()
ap.run(T)
local wall = ap.clock() - t0
local t, rows = p:times(), p:data()
local x, z, zs, n = {}, {}, 0, 0
for i = 1, #t do
  x[i], z[i] = rows[i][1], rows[i][3] + rho
  if t[i] > 1000 then zs, n = zs + z[i], n + 1 end
end
common.plot(ap, ap.args.plot or "nef_lorenz.png", t, {
  { name = "x", values = x }, { name = "z", values = z } },
  { title = "Lorenz attractor, 2000 LIF neurons", label = "state" })
common.finish("lorenz", rec.rmse, wall, {
  { "rtf", string.format("%.3f", wall / (T * 1e-3)) },
  { "mean_z", string.format("%.2f", zs / math.max(n, 1)) },
  { "solve_s", string.format("%.2f", solve_s) } })
