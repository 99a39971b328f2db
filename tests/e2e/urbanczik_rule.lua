-- The urbanczik learning rule end to end: pp_cond_exp_mc_urbanczik
-- neurons learn, through projections with learning = { "urbanczik", ... }
-- on their dendrites, to predict a somatic rate that a teacher sets
-- through the soma's conductances.  Raises an error on the first mismatch;
-- prints "urbanczik_rule ok".
--
--   up:     the teacher holds the soma above what the dendrite predicts
--           (matching potential U_M = (g_ex E_ex + g_in E_in)/(g_ex + g_in),
--           about -60 mV): the weights grow and V_w_star climbs to U_M;
--   down:   the teacher only inhibits (U_M = E_in_s = -75 mV): the soma
--           spikes less than predicted and the weights shrink;
--   frozen: as up, with eta = 0: the weights do not move at all.
local ap = require "apical"
ap.setup{ dt = 0.1, seed = 5 }

local function mean(t, a, b)
  local s = 0
  for k = a, b do s = s + t[k] end
  return s / (b - a + 1)
end

local src = ap.population("poisson", 100, { rate = 20 })   -- dendritic input
local exc = ap.population("poisson", 100, { rate = 100 })  -- teachers
local inh = ap.population("poisson", 100, { rate = 100 })
local up = ap.population("pp_cond_exp_mc_urbanczik", 1)
local down = ap.population("pp_cond_exp_mc_urbanczik", 1)
local frozen = ap.population("pp_cond_exp_mc_urbanczik", 1)

-- eta trades speed for noise: every somatic spike kicks all weights
-- together, so the prediction wanders around U_M by an amount that grows
-- like sqrt(eta) (here about 1 mV over seconds).  With these seeds it
-- settles 1.4 to 2.9 mV below U_M (seeds 1 to 7), not at U_M: the
-- rule matches rates (soma spikes with dead time against phi(V_w_star)),
-- not mean potentials, so the tolerances below allow for it.
-- Wmin < 0: on dendritic_exc a negative weight is an inhibitory current.
local rule = { "urbanczik", eta = 0.03, tau_Delta = 100, Wmin = -100,
               Wmax = 200 }
local p_up = ap.connect(src, up, "all_to_all",
  { weight = 20, port = "dendritic_exc", learning = rule })
local p_down = ap.connect(src, down, "all_to_all",
  { weight = 40, port = "dendritic_exc", learning = rule })
local p_frozen = ap.connect(src, frozen, "all_to_all",
  { weight = 20, port = "dendritic_exc", learning = { "urbanczik", eta = 0 } })
assert(p_up:rule() == "urbanczik" and p_frozen:rule() == "urbanczik")
-- g_ex about 100 * 0.1/ms * 2 nS * 3 ms = 60 nS, g_in 240 nS: U_M = -60 mV
for _, n in ipairs{ up, frozen } do
  ap.connect(exc, n, "all_to_all", { weight = 2, port = "soma_exc" })
  ap.connect(inh, n, "all_to_all", { weight = 8, port = "soma_inh" })
end
ap.connect(inh, down, "all_to_all", { weight = 8, port = "soma_inh" })

local vw_up = ap.record(up, "V_w_star", { interval = 1 })
local us_up = ap.record(up, "V_m_s", { interval = 1 })
local ge = ap.record(up, "g_ex_s", { interval = 1 })
local gi = ap.record(up, "g_in_s", { interval = 1 })
local vw_down = ap.record(down, "V_w_star", { interval = 1 })
local wrec = ap.record(p_up, "weight", { interval = 100 })
ap.run(10000)

local vw, us = vw_up:values()[1], us_up:values()[1]
local gex, gin = ge:values()[1], gi:values()[1]
local k = #vw
assert(k == 10000, "recorded " .. k .. " samples")
local um = {}
for s = 1, k do um[s] = (gex[s] * 0 + gin[s] * -75) / (gex[s] + gin[s]) end

-- early on the soma sits above the dendrite's prediction ...
local early_gap = mean(um, 51, 400) - mean(vw, 51, 400)
local soma_above = mean(us, 51, 400) - mean(vw, 51, 400)
assert(early_gap > 3 and soma_above > 1,
       string.format("no teaching signal: U_M - V_w_star %.2f mV, "
                     .. "U - V_w_star %.2f mV", early_gap, soma_above))
-- ... and the prediction learns to match it
local late_gap = mean(um, k - 3999, k) - mean(vw, k - 3999, k)
assert(math.abs(late_gap) < 3 and math.abs(late_gap) < 0.6 * early_gap,
       string.format("V_w_star did not approach U_M: gap %.2f mV early, "
                     .. "%.2f mV late", early_gap, late_gap))

local function stats(p)
  local w, lo, hi, sum = p:weights(), math.huge, -math.huge, 0
  for i = 1, #w do
    lo, hi, sum = math.min(lo, w[i]), math.max(hi, w[i]), sum + w[i]
  end
  return sum / #w, lo, hi, w
end
local m_up, lo_up, hi_up, w_up = stats(p_up)
local m_down, lo_down, hi_down = stats(p_down)
assert(m_up > 35, string.format("weights into 'up' did not grow: mean %.2f pA", m_up))
assert(m_down < 25, string.format("weights into 'down' did not shrink: mean %.2f pA", m_down))
assert(lo_up >= -100 and hi_up <= 200 and lo_down >= -100 and hi_down <= 200,
       "weights left [Wmin, Wmax]")
local vd = vw_down:values()[1]
assert(mean(vd, k - 3999, k) < mean(vd, 51, 400) - 3,
       string.format("V_w_star of 'down' did not fall: %.2f -> %.2f mV",
                     mean(vd, 51, 400), mean(vd, k - 3999, k)))

-- eta = 0: exactly the initial weights
for _, w in ipairs(p_frozen:weights()) do
  assert(w == 20, "a weight of the eta = 0 projection moved: " .. w)
end

-- the weight recorder saw the same weights (its last sample is now)
local wv = wrec:values()
assert(#wv == 100 and #wv[1] == 100, "weight samples " .. #wv .. " x " .. #wv[1])
for i = 1, 100 do
  assert(wv[i][100] == w_up[i], "recorded weight " .. i .. " differs")
end

print(string.format("urbanczik_rule ok (up: %.1f pA, V_w_star - U_M %.2f -> "
                    .. "%.2f mV; down: %.1f pA, V_w_star %.2f -> %.2f mV)",
                    m_up, -early_gap, -late_gap, m_down, mean(vd, 51, 400),
                    mean(vd, k - 3999, k)))
