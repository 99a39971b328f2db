-- Brunel (2000) model A with plasticity: 12,500 lif_psc_delta neurons
-- (10,000 excitatory, 2,500 inhibitory), fixed in-degree of 10 % (1000
-- excitatory and 250 inhibitory inputs each), J = 0.1 mV, g = 5 (-0.5 mV),
-- eta = 2 (external Poisson input at twice the threshold rate through
-- C_E = 1000 synapses of J), delay 1.5 ms, dt 0.1 ms; additive STDP on the
-- excitatory-to-excitatory synapses (stdp with mu_plus = mu_minus = 0,
-- lambda 0.001, alpha 1, tau_plus = tau_minus = 20 ms, Wmax = 3 J: each
-- pairing moves a weight by 0.3 % of J, so over a benchmark run the rates
-- stay those of the static network and the two do the same work; with
-- lambda 0.01 the excitatory rate falls by a quarter within 40 ms), or the
-- same network with static synapses.
--   apical run brunel_stdp.lua [stdp=1|0] [scale=1] [T=1000] [ext=split]
--                              [weights=0] [--threads N]
-- scale multiplies the population sizes at fixed in-degrees; ext=split
-- gives the excitatory and the inhibitory neurons a Poisson population
-- each (for runs of several processes); weights=0 skips the mean weight
-- (reading every weight).
local ap = require "apical"
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = here .. "?.lua;" .. package.path
local report = require "report"

local plastic = (ap.args.stdp or "1") ~= "0"
local scale = tonumber(ap.args.scale or "1")
local T = tonumber(ap.args.T or "1000")
ap.setup{ dt = 0.1, seed = tonumber(ap.args.seed or "1") }

local NE, NI = math.floor(10000 * scale + 0.5), math.floor(2500 * scale + 0.5)
local CE, CI = 1000, 250
local J, g, eta, delay = 0.1, 5.0, 2.0, 1.5
local tau_m, theta = 20.0, 20.0
-- threshold rate: the external rate that brings the mean input to theta
local nu_th = theta / (J * CE * tau_m) * 1000      -- Hz per external synapse
local nu_ext = eta * nu_th * CE                     -- Hz, all external synapses

local params = { C_m = 250, tau_m = tau_m, E_L = 0, V_th = theta, V_reset = 10,
                 t_ref = 2, V_m = ap.uniform(0, theta) }
local exc = ap.population("lif_psc_delta", NE, params)
local inh = ap.population("lif_psc_delta", NI, params)
if ap.args.ext == "split" then
  -- one Poisson population per target population: in a run of several
  -- processes each process owns the sources of its own targets, so the
  -- background stays out of the spike exchange (other draws than the
  -- single population's: the same statistics, not the same spikes)
  ap.connect(ap.population("poisson", NE, { rate = nu_ext }), exc, "one_to_one",
             { weight = J, delay = 0.1 })
  ap.connect(ap.population("poisson", NI, { rate = nu_ext }), inh, "one_to_one",
             { weight = J, delay = 0.1 })
else
  local ext = ap.population("poisson", NE + NI, { rate = nu_ext })
  ap.connect(ext:slice(1, NE), exc, "one_to_one", { weight = J, delay = 0.1 })
  ap.connect(ext:slice(NE + 1, NE + NI), inh, "one_to_one", { weight = J, delay = 0.1 })
end

local ee_syn = { weight = J, delay = delay }
if plastic then
  ee_syn.learning = { "stdp", lambda = 0.001, alpha = 1.0, mu_plus = 0, mu_minus = 0,
                      tau_plus = 20, tau_minus = 20, Wmax = 3 * J }
end
local ee = ap.connect(exc, exc, { rule = "fixed_indegree", indegree = CE }, ee_syn)
ap.connect(exc, inh, { rule = "fixed_indegree", indegree = CE }, { weight = J, delay = delay })
for _, post in ipairs{ exc, inh } do
  ap.connect(inh, post, { rule = "fixed_indegree", indegree = CI }, { weight = -g * J, delay = delay })
end
local se, si = ap.record(exc, "spikes"), ap.record(inh, "spikes")
ap.run(T)
if ap.args.weights == "0" then
  print(string.format("%s exc rate %.2f Hz, inh rate %.2f Hz",
                      plastic and "stdp" or "static", se:rate(), si:rate()))
else
  local w = ee:weights()
  local sum = 0
  for k = 1, #w do sum = sum + w[k] end
  print(string.format("%s exc rate %.2f Hz, inh rate %.2f Hz, mean exc->exc weight %.4f mV",
                      plastic and "stdp" or "static", se:rate(), si:rate(), sum / #w))
end
report.line()
