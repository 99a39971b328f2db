-- Benchmark 2 of Brette et al. (2007): the current-based (CUBA) network
-- of Vogels & Abbott (2005), with the parameters of Brian's CUBA example
-- (its voltage jumps of 1.62 and -9 mV are currents of 16.2 and -90 pA
-- through g_L = C_m / tau_m = 10 nS).
--   apical run cuba.lua [n=4000] [T=10000] [--threads N]
local ap = require "apical"
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = here .. "?.lua;" .. package.path
local report = require "report"

local n = tonumber(ap.args.n or "4000")
local T = tonumber(ap.args.T or "10000")
ap.setup{ dt = 0.1, seed = tonumber(ap.args.seed or "1") }
local ne = math.floor(0.8 * n)
local params = { C_m = 200, tau_m = 20, E_L = -49, V_th = -50, V_reset = -60, t_ref = 5,
                 tau_syn_ex = 5, tau_syn_in = 10, I_e = 0, V_m = ap.uniform(-60, -50) }
local exc = ap.population("lif_psc_exp", ne, params)
local inh = ap.population("lif_psc_exp", n - ne, params)
local conn = { rule = "fixed_probability", p = 80 / n }
for _, post in ipairs{ exc, inh } do
  ap.connect(exc, post, conn, { weight = 16.2, delay = 0.1 })
  ap.connect(inh, post, conn, { weight = -90, delay = 0.1 })
end
local spikes = ap.record(exc, "spikes")
ap.run(T)
print(string.format("exc rate %.2f Hz", spikes:rate()))
report.line()
