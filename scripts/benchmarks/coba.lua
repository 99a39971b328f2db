-- Benchmark 1 of Brette et al. (2007): the conductance-based (COBA)
-- network of Vogels & Abbott (2005), with the parameters of Brian's COBA
-- example so that peers simulate the same model.
--   apical run coba.lua [n=4000] [T=10000] [plot=coba.png] [--threads N]
-- n scales the network at a fixed in-degree (p = 80 / n); T is in ms.
-- After the closing line, the excitatory spikes are drawn to `plot` (a
-- raster over the population rate; plot=0: none, as for timed runs).
local ap = require "apical"
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = here .. "?.lua;" .. package.path
local report = require "report"

local n = tonumber(ap.args.n or "4000")
local T = tonumber(ap.args.T or "10000")
ap.setup{ dt = 0.1, seed = tonumber(ap.args.seed or "1") }
local ne = math.floor(0.8 * n)
local params = { C_m = 200, g_L = 10, E_L = -60, V_th = -50, V_reset = -60, t_ref = 5,
                 E_ex = 0, E_in = -80, tau_syn_ex = 5, tau_syn_in = 10, I_e = 0,
                 integrator = tonumber(ap.args.integrator or "1"),
                 V_m = ap.normal(-65, 5), g_ex = ap.normal(40, 15), g_in = ap.normal(200, 120) }
local exc = ap.population("lif_cond_exp", ne, params)
local inh = ap.population("lif_cond_exp", n - ne, params)
local conn = { rule = "fixed_probability", p = 80 / n }
-- dt is the shortest delay; Brian's example has none
for _, post in ipairs{ exc, inh } do
  ap.connect(exc, post, conn, { weight = 6, delay = 0.1, port = "ex" })
  ap.connect(inh, post, conn, { weight = 67, delay = 0.1, port = "in" })
end
local spikes = ap.record(exc, "spikes")
ap.run(T)
print(string.format("exc rate %.2f Hz", spikes:rate()))
report.line()
local png = ap.args.plot or "coba.png"
if png ~= "0" then
  assert(ap.plot.raster(spikes, png, { title = string.format(
    "COBA, %d neurons: the excitatory ones over %g ms", n, T) }))
end
