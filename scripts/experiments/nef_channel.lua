-- nef_channel.lua -- a communication channel (Nengo's first example): a
-- sine wave into an ensemble A of 100 LIF neurons, A's decoded value into
-- an ensemble B of 100, each connection through a 5 ms synapse, B probed
-- through 10 ms.  The error is B's probe against the ideal: the input
-- through the same filters and the same two steps of delay.
--
--   apical run scripts/experiments/nef_channel.lua [-- T=2000 plot=nef_channel.png
--       weights=0]
-- Ends with: nef=channel rmse=... wall_s=...
local ap = require "apical"
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "nef_common.lua")
ap.setup{ dt = 1.0, seed = 1 }
local T = tonumber(ap.args.T or "2000")                 -- ms
local weights = ap.args.weights == "1"
local nef = ap.nef
local freq = 1.0                                        -- Hz
local input = nef.node(function(t) return math.sin(2 * math.pi * freq * t / 1000) end)
local A = nef.ensemble{ n = 100, dimensions = 1, label = "A" }
local B = nef.ensemble{ n = 100, dimensions = 1, label = "B" }
nef.connect(input, A, { synapse = 5 })
local conn = nef.connect(A, B, { synapse = 5, weights = weights })
local p_in = nef.probe(input)
local p_a = nef.probe(A, { synapse = 10 })
local p_b = nef.probe(B, { synapse = 10 })
local t0 = ap.clock()
ap.run(T)
local wall = ap.clock() - t0
local t, u = p_in:times(), common.column(p_in:data(), 1)
local a, b = common.column(p_a:data(), 1), common.column(p_b:data(), 1)
local dt = ap.dt()
local ideal_a = common.lowpass(common.lowpass(u, 5, dt, 1), 10, dt, 0)
local ideal_b = common.lowpass(common.lowpass(common.lowpass(u, 5, dt, 1), 5, dt, 1), 10, dt, 0)
local rmse_a, rmse_b = common.rmse(a, ideal_a, t), common.rmse(b, ideal_b, t)
common.plot(ap, ap.args.plot or "nef_channel.png", t, {
  { name = "input", values = u }, { name = "A (10 ms)", values = a },
  { name = "B (10 ms)", values = b }, { name = "ideal B", values = ideal_b } },
  { title = "communication channel", label = "value" })
common.finish("channel", rmse_b, wall, { { "rmse_a", string.format("%.4f", rmse_a) },
  { "form", conn.proj and "weights" or "decoded" } })
