-- One neuron under constant input spikes, on whatever backend the command
-- line picks: prints its spike times and, on a chip, its membrane
-- potential in the chip's integers next to an independent reckoning of
-- Loihi's published update rules.
--   apical run neuromorphic_single.lua model=lif_psc_delta|lif_psc_exp
local ap = require "apical"
local model = ap.args.model or "lif_psc_delta"
local T = tonumber(ap.args.T or "200")
local burst = tonumber(ap.args.burst or "0")
ap.setup{ dt = 1.0 }
-- lif_psc_delta: every number is exact on Loihi's grid.  With
-- V_th - V_reset = 16 mV the voltage scale is 2^16 units per mV (the
-- threshold at 2^20 = 1/8 of the 24-bit range); exp(-dt/tau_m) = 15/16
-- is dv = 256 exactly; a 3 mV jump is 192 << (6 + 4).
local tau_m = -1.0 / math.log(15 / 16)
local p = { E_L = -70, V_reset = -70, V_th = -54, tau_m = tau_m, t_ref = 2,
            C_m = 250, I_e = 0 }
local w = 3.0
if model == "lif_psc_exp" then
  p.tau_syn_ex, p.tau_syn_in = 4, 4
  w = tonumber(ap.args.w or "400")
end
local n = ap.population(model, 1, p)
local times = {}
for t = 2, T - 2, 2 do times[#times + 1] = t end
local src = ap.population("spike_source", 1, { spike_times = times })
ap.connect(src, n, "all_to_all", { weight = w, delay = 1.0 })
if burst > 0 then -- that many inputs at once at t = 10 ms, at the largest weight
  local b = ap.population("spike_source", burst, { spike_times = { 10 } })
  ap.connect(b, n, "all_to_all", { weight = w, delay = 1.0 })
end
local sp = ap.record(n, "spikes")
local vm = ap.record(n, "V_m")
local isyn = model == "lif_psc_exp" and ap.record(n, "I_syn_ex") or nil
ap.run(T)
if isyn then -- the synaptic current, step by step, against cpu's
  local sum, first = 0, nil
  for k, x in ipairs(isyn:values()[1]) do
    sum = sum + x
    if not first and x > 0 then first = k end
  end
  print(string.format("isyn first=%d sum=%.6g", first or -1, sum))
end
io.write("spikes")
for _, t in ipairs(sp:times()) do io.write(" ", string.format("%g", t)) end
io.write("\n")
local rep = ap.report()
if not rep then return end

-- Loihi's rules, reckoned here in Lua integers (the chip's voltage scale
-- and weight exponent are read from the report, everything else is
-- worked out from the parameters):
--   u = trunc(u (4096 - du - 1) / 4096) + input, wrapped to 24 bits:
--       above 2^23 down by 2^24, at or below -2^23 up by 2^24;
--   v = trunc(v (4096 - dv) / 4096) + u + delta input, clipped to
--       +-(2^23 - 1); spike when v > vth << 6, then v = 0 for t_ref.
-- A delta input enters v in the tick it arrives, a current input enters
-- u one tick later (so that the chip matches exact integration).
local function trunc(x) return x >= 0 and (x >> 12) or -((-x) >> 12) end
local s = rep.populations[1].scale
local dv = math.floor(4096 * (1 - math.exp(-1 / tau_m)) + 0.5)
local du, gain = 0, 1.0
if model == "lif_psc_exp" then
  du = math.floor(4096 * (1 - math.exp(-1 / p.tau_syn_ex)) + 0.5) - 1
  local ts, tm, h = p.tau_syn_ex, tau_m, 1.0
  local y = h * math.abs(tm - ts) / (tm * ts)
  gain = h / p.C_m * math.exp(-h / math.max(tm, ts)) * (-(math.exp(-y) - 1) / y)
end
local e = rep.projections[1].weight_exp
local unit = 2 ^ (6 + e)
local m = math.floor(w * gain * s / unit + 0.5)
if m > 255 then m = 255 end
local win = m << (6 + e)
local vth = math.floor(16 * s / 64 + 0.5) << 6
local arrive, lag = {}, (model == "lif_psc_exp") and 1 or 0
for _, t in ipairs(times) do
  local k = math.floor(t + 0.5) + lag
  arrive[k] = (arrive[k] or 0) + win
end
for _ = 1, burst do
  local k = 10 + lag
  arrive[k] = (arrive[k] or 0) + win
end
local u, v, ref, bad, wraps = 0, 0, 0, 0, 0
local vals = vm:values()[1]
for tick = 0, T - 1 do
  local input = arrive[tick] or 0
  if model == "lif_psc_exp" then
    u = trunc(u * (4096 - du - 1)) + input
    if u > 8388608 then u, wraps = u - 16777216, wraps + 1
    elseif u <= -8388608 then u, wraps = u + 16777216, wraps + 1 end
    input = u
  end
  if ref > 0 then
    ref = ref - 1
    v = 0
  else
    v = trunc(v * (4096 - dv)) + input
    if v > 8388607 then v = 8388607 elseif v < -8388607 then v = -8388607 end
    if v > vth then v, ref = 0, 2 end
  end
  local got = math.floor((vals[tick + 1] + 70) * s + 0.5)
  if got ~= v then bad = bad + 1 end
end
print(string.format("reckoned scale=%g dv=%d du=%d w=%d vth=%d wraps=%d mismatches=%d",
                    s, dv, du, win, vth, wraps, bad))
