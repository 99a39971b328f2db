-- The CUBA network of benchmark 2 of Brette et al. (2007) (Vogels &
-- Abbott 2005), with the parameters of Brian's CUBA example: its voltage
-- jumps of 1.62 and -9 mV are currents of 16.2 and -90 pA through
-- g_L = C_m / tau_m = 10 nS.  Shared by scripts/benchmarks/cuba.lua and
-- scripts/experiments/energy.lua.
--   local exc, inh = require("cuba_net")(ap, n)
return function(ap, n)
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
  return exc, inh
end
