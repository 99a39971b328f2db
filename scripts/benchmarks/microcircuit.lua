-- The cortical microcircuit of Potjans & Diesmann (2014): 8 populations
-- (L2/3, L4, L5, L6; excitatory and inhibitory) of lif_psc_exp neurons,
-- 77,169 neurons and about 0.3 billion synapses at full scale, driven by
-- Poisson background input, with the parameters of the reference
-- implementation (NEST's microcircuit example).
--   apical run microcircuit.lua [scale=1] [T=1000] [presim=0] [snap=FILE]
--                               [--threads N]
-- scale multiplies the population sizes and keeps the in-degrees (the
-- numbers of synapses scale with the targets); T and presim are in ms,
-- presim being simulated and discarded before the rates are measured.
-- Prints one line per population, `pop=<name> rate=<Hz> ref=<Hz>`, the
-- rates of NEST 3.9 at full scale beside them, then the closing line.
local ap = require "apical"
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = here .. "?.lua;" .. package.path
local report = require "report"

local scale = tonumber(ap.args.scale or "1")
local T = tonumber(ap.args.T or "1000")
local presim = tonumber(ap.args.presim or "0")
ap.setup{ dt = 0.1, seed = tonumber(ap.args.seed or "55") }

local names = { "L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I" }
local full = { 20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948 }
-- connection probabilities, rows: target, columns: source
local conn_probs = {
  { 0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0,    0.0076, 0.0    },
  { 0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0,    0.0042, 0.0    },
  { 0.0077, 0.0059, 0.0497, 0.135,  0.0067, 0.0003, 0.0453, 0.0    },
  { 0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0,    0.1057, 0.0    },
  { 0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0    },
  { 0.0548, 0.0269, 0.0257, 0.0022, 0.06,   0.3158, 0.0086, 0.0    },
  { 0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252 },
  { 0.0364, 0.001,  0.0034, 0.0005, 0.0277, 0.008,  0.0658, 0.1443 },
}
local K_ext = { 1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100 }
local bg_rate = 8.0                       -- Hz per external input
-- initial membrane potentials ("optimized" in the reference implementation)
local V0_mean = { -68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43 }
local V0_sd = { 5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48 }
-- NEST 3.9, full scale, 2 threads, 1 s
local ref = { 0.86, 2.94, 4.39, 5.86, 7.73, 8.60, 1.14, 7.82 }

local w_ex = 87.8                         -- pA: a 0.15 mV PSP
local g = -4
local neuron = { C_m = 250, tau_m = 10, tau_syn_ex = 0.5, tau_syn_in = 0.5,
                 t_ref = 2, E_L = -65, V_reset = -65, V_th = -50 }

local pops, recs = {}, {}
for i, name in ipairs(names) do
  local p = {}
  for k, v in pairs(neuron) do p[k] = v end
  p.V_m = ap.normal(V0_mean[i], V0_sd[i])
  pops[i] = ap.population("lif_psc_exp", math.max(1, math.floor(full[i] * scale + 0.5)), p)
end

local dt = ap.dt()
for t = 1, 8 do
  for s = 1, 8 do
    local c = conn_probs[t][s]
    if c > 0 then
      -- synapses at full scale, as the reference computes them, and the
      -- in-degree they give; scaled networks keep the in-degree
      local n_full = math.log(1 - c) / math.log(1 - 1 / (full[s] * full[t]))
      local K = n_full / full[t]
      local N = math.floor(K * #pops[t] + 0.5)
      local exc = s % 2 == 1
      local w = exc and w_ex or g * w_ex
      if s == 3 and t == 1 then w = 2 * w end  -- L4E -> L2/3E doubled
      local weight = exc and ap.clip(ap.normal(w, 0.1 * math.abs(w)), 0, math.huge)
                          or ap.clip(ap.normal(w, 0.1 * math.abs(w)), -math.huge, 0)
      local d = exc and 1.5 or 0.75
      ap.connect(pops[s], pops[t], { rule = "fixed_total_number", N = N },
                 { weight = weight, delay = ap.clip(ap.normal(d, 0.5 * d), dt, math.huge),
                   port = exc and "ex" or "in" })
    end
  end
  -- Poisson background: every neuron its own train of K_ext * 8 Hz
  local bg = ap.population("poisson", #pops[t], { rate = K_ext[t] * bg_rate })
  ap.connect(bg, pops[t], "one_to_one", { weight = w_ex, delay = 1.5, port = "ex" })
end

if presim > 0 then ap.run(presim) end
-- snap=FILE: a snapshot after the presimulation (scripts/benchmarks/snapshot)
if ap.args.snap then
  local t0 = ap.clock()
  ap.snapshot(ap.args.snap)
  print(string.format("snapshot_write_s=%.3f", ap.clock() - t0))
end
for i = 1, 8 do recs[i] = ap.record(pops[i], "spikes") end
ap.run(T)
for i, name in ipairs(names) do
  print(string.format("pop=%s rate=%.3f ref=%.2f", name, recs[i]:rate(), ref[i]))
end
report.line()
