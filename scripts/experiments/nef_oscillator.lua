-- nef_oscillator.lua -- an oscillator (Nengo's oscillator example): 200
-- LIF neurons representing 2-D, fed back through [[1, 1], [-1, 1]] and a
-- 100 ms synapse, which makes dx/dt = [[0, 1], [-1, 0]] x / tau: a
-- rotation at 10 rad/s, 1.59 Hz.  A kick of [1, 0] for the first 100 ms
-- starts it.  Reported: the frequency (from the angle of (x1, x2) turned
-- after 1 s), the amplitude in the last second against the second, and as
-- rmse the RMS deviation of the radius from its mean after 1 s.
--
--   apical run scripts/experiments/nef_oscillator.lua [-- T=5000
--       plot=nef_oscillator.png weights=0]
-- Ends with: nef=oscillator rmse=... wall_s=... freq_hz=... amplitude_kept=...
local ap = require "apical"
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "nef_common.lua")
ap.setup{ dt = 1.0, seed = 3 }
local T = tonumber(ap.args.T or "5000")
local weights = ap.args.weights == "1"
local nef = ap.nef
local kick = nef.node(function(t) if t <= 100 then return { 1, 0 } end return { 0, 0 } end)
local osc = nef.oscillator{ n = 200, tau = 100, weights = weights }
nef.connect(kick, osc.ensemble, { synapse = 5 })
local p = nef.probe(osc.ensemble, { synapse = 10 })
local t0 = ap.clock()
ap.run(T)
local wall = ap.clock() - t0
local t, rows = p:times(), p:data()
local x1, x2 = common.column(rows, 1), common.column(rows, 2)
-- the frequency: the unwrapped angle of (x1, x2) after 1 s against time
local turned, from, to, last = 0, nil, nil, nil
for i = 1, #t do
  if t[i] > 1000 then
    local a = math.atan(x2[i], x1[i])
    if last then
      local d = a - last
      if d > math.pi then d = d - 2 * math.pi elseif d < -math.pi then d = d + 2 * math.pi end
      turned = turned + d
    end
    last, from, to = a, from or t[i], t[i]
  end
end
local freq = math.abs(turned) / (2 * math.pi) / ((to - from) * 1e-3)
local function mean_radius(from, to)
  local s, n = 0, 0
  for i = 1, #t do
    if t[i] > from and t[i] <= to then
      s = s + math.sqrt(x1[i] ^ 2 + x2[i] ^ 2)
      n = n + 1
    end
  end
  return s / math.max(n, 1)
end
local r_mean = mean_radius(1000, T)
local dev, nd = 0, 0
for i = 1, #t do
  if t[i] > 1000 then
    dev = dev + (math.sqrt(x1[i] ^ 2 + x2[i] ^ 2) - r_mean) ^ 2
    nd = nd + 1
  end
end
local kept = mean_radius(T - 1000, T) / mean_radius(1000, 2000)
common.plot(ap, ap.args.plot or "nef_oscillator.png", t, {
  { name = "x1", values = x1 }, { name = "x2", values = x2 } },
  { title = "oscillator", label = "value" })
common.finish("oscillator", math.sqrt(dev / math.max(nd, 1)), wall, {
  { "freq_hz", string.format("%.3f", freq) },
  { "amplitude_kept", string.format("%.3f", kept) },
  { "radius", string.format("%.3f", r_mean) },
  { "form", osc.recurrent.proj and "weights" or "decoded" } })
