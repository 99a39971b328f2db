-- Benchmark 2 of Brette et al. (2007): the current-based (CUBA) network
-- of Vogels & Abbott (2005), with the parameters of Brian's CUBA example
-- (its voltage jumps of 1.62 and -9 mV are currents of 16.2 and -90 pA
-- through g_L = C_m / tau_m = 10 nS).
--   apical run cuba.lua [n=4000] [T=10000] [plot=cuba.png] [--threads N]
-- After the closing line, the excitatory spikes are drawn to `plot` (a
-- raster over the population rate; plot=0: none, as for timed runs).
local ap = require "apical"
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = here .. "?.lua;" .. package.path
local report = require "report"

local n = tonumber(ap.args.n or "4000")
local T = tonumber(ap.args.T or "10000")
ap.setup{ dt = 0.1, seed = tonumber(ap.args.seed or "1") }
local exc = require("cuba_net")(ap, n)
local spikes = ap.record(exc, "spikes")
ap.run(T)
print(string.format("exc rate %.2f Hz", spikes:rate()))
report.line()
local png = ap.args.plot or "cuba.png"
if png ~= "0" then
  assert(ap.plot.raster(spikes, png, { title = string.format(
    "CUBA, %d neurons: the excitatory ones over %g ms", n, T) }))
end
