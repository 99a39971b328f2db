-- One neuron of the COBA benchmark (lif_cond_exp, Brette et al. 2007)
-- driven by recorded input spike trains, for scripts/benchmarks/
-- integrator_error, which runs it at dt = 0.1 ms with each integrator and
-- finely stepped as the reference.
--   apical run integrator_error.lua inputs=FILE out=PREFIX dt=0.1
--     integrator=0|1 V_th=-50 I_e=0 T=1000
-- FILE has one line per input spike, "ex|in,source,time_ms" (sources
-- 1-based, times on the 0.1 ms grid); writes PREFIX_V.csv (V_m every
-- 0.1 ms) and PREFIX_spikes.csv.
local ap = require "apical"

local a = ap.args
local dt = tonumber(a.dt or "0.1")
ap.setup{ dt = dt, seed = 1 }
local lists = { ex = {}, ["in"] = {} }
assert(a.inputs, "inputs=FILE is required")
local f = assert(io.open(a.inputs))
for line in f:lines() do
  local kind, src, t = line:match("^(%a+),(%d+),([%d.eE+-]+)$")
  assert(kind, "bad line in " .. a.inputs .. ": " .. line)
  local l = lists[kind]
  src = tonumber(src)
  l[src] = l[src] or {}
  table.insert(l[src], tonumber(t))
end
f:close()
local params = { C_m = 200, g_L = 10, E_L = -60, V_reset = -60, t_ref = 5,
                 E_ex = 0, E_in = -80, tau_syn_ex = 5, tau_syn_in = 10,
                 V_th = tonumber(a.V_th or "-50"), I_e = tonumber(a.I_e or "0"),
                 V_m = -60, integrator = tonumber(a.integrator or "0") }
local cell = ap.population("lif_cond_exp", 1, params)
for kind, w in pairs{ ex = 6, ["in"] = 67 } do
  local l = lists[kind]
  for i = 1, #l do l[i] = l[i] or {} end
  local src = ap.population("spike_source", #l, { spike_times = l })
  ap.connect(src, cell, { rule = "all_to_all" },
             { weight = w, delay = 0.1, port = kind })
end
local v = ap.record(cell, "V_m", { interval = 0.1 })
local s = ap.record(cell, "spikes")
ap.run(tonumber(a.T or "1000"))
v:save(a.out .. "_V.csv")
s:save(a.out .. "_spikes.csv")
