-- test_@NAME@.lua: @NAME@ against closed forms; an assertion that fails
-- ends the run with a message and a non-zero exit.
--   APICAL_PLUGIN_PATH=. apical run test_@NAME@.lua
local ap = require "apical"
local dt = 0.1
ap.setup{ dt = dt }
local p = { E_L = -70, C_m = 250, tau_m = 10, tau_syn = 2, V_th = -55,
            V_reset = -70, t_ref = 2 }
local function with(extra)
  local t = {}
  for k, v in pairs(p) do t[k] = v end
  for k, v in pairs(extra) do t[k] = v end
  return t
end

-- 1. no input: V_m stays at E_L
local rest = ap.population("@NAME@", 1, p)
-- 2. a constant current I_e: from V_reset = E_L, V_m reaches V_th after
--    T = tau_m ln(R I / (R I - (V_th - E_L))), R = tau_m / C_m; on the
--    grid the period is round(t_ref/dt) + ceil(T/dt) steps
local I = 500
local driven = ap.population("@NAME@", 1, with{ I_e = I })
-- 3. one input of weight w: the PSP peaks at
--    t* = tau_m tau_s / (tau_m - tau_s) ln(tau_m / tau_s) with height
--    w / C_m tau_m tau_s / (tau_m - tau_s) (exp(-t*/tau_m) - exp(-t*/tau_s))
local w = 100
local src = ap.population("spike_source", 1, { spike_times = { 5 } })
local kicked = ap.population("@NAME@", 1, p)
ap.connect(src, kicked, "all_to_all", { weight = w, delay = 1 })

local spikes = ap.record(driven, "spikes")
local v_rest = ap.record(rest, "V_m")
local v_kick = ap.record(kicked, "V_m")
ap.run(200)

for _, v in ipairs(v_rest:values()[1]) do
  assert(v == p.E_L, "at rest V_m left E_L: " .. v)
end

local R = p.tau_m / p.C_m
local T = p.tau_m * math.log(R * I / (R * I - (p.V_th - p.E_L)))
local period = (math.floor(p.t_ref / dt + 0.5) + math.ceil(T / dt)) * dt
local t = spikes:times()
assert(#t >= 5, "a constant current of " .. I .. " pA fired " .. #t .. " times")
for k = 2, #t do
  assert(math.abs(t[k] - t[k - 1] - period) < dt / 2,
         string.format("interval %.4f ms, closed form %.4f ms",
                       t[k] - t[k - 1], period))
end

local tm, ts = p.tau_m, p.tau_syn
local tpk = tm * ts / (tm - ts) * math.log(tm / ts)
local peak = w / p.C_m * tm * ts / (tm - ts) *
             (math.exp(-tpk / tm) - math.exp(-tpk / ts))
local top = -math.huge
for _, v in ipairs(v_kick:values()[1]) do top = math.max(top, v - p.E_L) end
-- sampling at dt misses the true peak by at most a few parts in 10^4
assert(math.abs(top - peak) < 1e-3 * peak,
       string.format("PSP peak %.6f mV, closed form %.6f mV", top, peak))
print(string.format("@NAME@ ok: period %.1f ms, PSP peak %.4f mV", period, peak))
