-- nef_learn.lua -- a communication channel learned with PES (Nengo's
-- learn_communication_channel example): a white-noise input (period 60 s,
-- up to 5 Hz, rms 0.5) into an ensemble `pre` of 60 LIF neurons; a
-- connection pre -> post (60 neurons) that starts out computing 0 and
-- learns with PES (learning rate 1e-4, Nengo's default) from an error
-- ensemble (60 neurons) holding post - pre; after 10 s of the 16 s the
-- error ensemble is inhibited (-20 into its neurons' current) and learning
-- stops.  Reported: the RMS difference between post and pre (both through
-- 10 ms) in the first second, over the last 4 s of learning, and after
-- learning stopped (rmse), and the error ensemble's RMS value before and
-- after the inhibition.
--
--   apical run scripts/experiments/nef_learn.lua [-- T=16000 stop=10000
--       plot=nef_learn.png]
-- Ends with: nef=learn rmse=... wall_s=... rmse_first_s=... rmse_learning=...
local ap = require "apical"
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "nef_common.lua")
ap.setup{ dt = 1.0, seed = tonumber(ap.args.seed or "6") }
local T = tonumber(ap.args.T or "16000")
local stop = tonumber(ap.args.stop or "10000")
local nef = ap.nef
local input = nef.node(common.white_signal(60000, 5, 0.5, 1))
local pre = nef.ensemble{ n = 60, dimensions = 1, label = "pre" }
local post = nef.ensemble{ n = 60, dimensions = 1, label = "post" }
local err = nef.ensemble{ n = 60, dimensions = 1, label = "error" }
nef.connect(input, pre)
local conn = nef.connect(pre, post, { func = function() return 0 end,
                                      learning = nef.pes{ learning_rate = 1e-4 } })
nef.connect(post, err)
nef.connect(pre, err, { transform = -1 })
nef.connect(err, conn)
local inhibit = nef.node(function(t) return t > stop and 1 or 0 end)
nef.connect(inhibit, err, { to_neurons = true, transform = -20 })
local p_pre = nef.probe(pre, { synapse = 10 })
local p_post = nef.probe(post, { synapse = 10 })
local p_err = nef.probe(err, { synapse = 10 })
local t0 = ap.clock()
ap.run(T)
local wall = ap.clock() - t0
local t = p_pre:times()
local a, b = common.column(p_pre:data(), 1), common.column(p_post:data(), 1)
local e = common.column(p_err:data(), 1)
local function rms_between(x, y, from, to)
  local s, n = 0, 0
  for i = 1, #t do
    if t[i] > from and t[i] <= to then
      s, n = s + (x[i] - (y and y[i] or 0)) ^ 2, n + 1
    end
  end
  return math.sqrt(s / math.max(n, 1))
end
common.plot(ap, ap.args.plot or "nef_learn.png", t, {
  { name = "pre", values = a }, { name = "post", values = b },
  { name = "error", values = e } }, { title = "PES: learned channel", label = "value" })
common.finish("learn", rms_between(b, a, stop + 100, T), wall, {
  { "rmse_first_s", string.format("%.4f", rms_between(b, a, 0, 1000)) },
  { "rmse_learning", string.format("%.4f", rms_between(b, a, stop - 4000, stop)) },
  { "error_learning", string.format("%.4f", rms_between(e, nil, stop - 4000, stop)) },
  { "error_inhibited", string.format("%.4f", rms_between(e, nil, stop + 100, T)) } })
