-- The Urbanczik-Senn two-compartment neuron from Lua: a Poisson population
-- drives the dendrite through port dendritic_exc, the soma's and the
-- dendrite's potentials and V_w_star are recorded, the neurons spike, the
-- soma follows the dendrite, and the refusals (no default port, a port
-- of the wrong name).  Raises an error on the first mismatch; prints
-- "urbanczik_neuron ok".
local ap = require "apical"
ap.setup{ dt = 0.1, seed = 11 }

local function fails(fragment, f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, "no error, expected one containing: " .. fragment)
  err = tostring(err)
  assert(err:find(fragment, 1, true),
         "error lacks '" .. fragment .. "': " .. err)
end

local src = ap.population("poisson", 50, { rate = 40 })
local n = ap.population("pp_cond_exp_mc_urbanczik", 4)
assert(n:get("V_m_s")[1] == -70 and n:get("V_m_p")[1] == -70)
assert(n:get("g_sp")[1] == 600 and n:get("phi_max")[1] == 0.15)

-- NEST forbids receptor 0: every projection names its port
fails("has no default port", ap.connect, src, n, "all_to_all",
      { weight = 100 })
fails("has no input port 'dendritic'; ports: soma_exc, soma_inh, "
      .. "dendritic_exc, dendritic_inh",
      ap.connect, src, n, "all_to_all", { weight = 100, port = "dendritic" })
ap.connect(src, n, "all_to_all", { weight = 100, port = "dendritic_exc" })

local us = ap.record(n, "V_m_s", { interval = 0.1 })
local vp = ap.record(n, "V_m_p", { interval = 0.1 })
local vw = ap.record(n, "V_w_star", { interval = 0.1 })
local sp = ap.record(n, "spikes")
ap.run(500)

-- 50 inputs at 40 Hz of 100 pA for 3 ms: the dendrite settles near
-- -70 + 2000 * 3e-3 * 100 / 30 = -50 mV, and the soma follows it
local u, v, w = us:values(), vp:values(), vw:values()
local k = #us:times()
assert(k == 5000, "recorded " .. k .. " samples")
local mu, mv = 0, 0
for i = 1, 4 do
  for j = 1001, k do mu, mv = mu + u[i][j], mv + v[i][j] end
  -- V_w_star = (g_L_s E_L_s + g_sp V_m_p)/(g_L_s + g_sp)
  local want = (30 * -70 + 600 * v[i][k]) / 630
  assert(math.abs(w[i][k] - want) < 1e-9, "V_w_star " .. w[i][k])
end
mu, mv = mu / (4 * (k - 1000)), mv / (4 * (k - 1000))
assert(mu > -60 and mv > -60, string.format("soma %.2f, dendrite %.2f mV",
                                            mu, mv))
-- the soma sits between rest and the dendrite: (30 E_L + 600 V)/630
assert(mu < mv and mu > mv - 2.0,
       string.format("soma %.3f, dendrite %.3f mV", mu, mv))
assert(sp:count() > 100, "only " .. sp:count() .. " spikes")
print(string.format("urbanczik_neuron ok (soma %.2f mV, dendrite %.2f mV, "
                    .. "%d spikes)", mu, mv, sp:count()))
