-- Izhikevich (2007), "Solving the distal reward problem through linkage of
-- STDP and dopamine signaling", Cerebral Cortex 17:2443-2452, Fig. 1,
-- following the author's daspnet.m.
--
-- 1000 Izhikevich neurons (800 regular-spiking excitatory, 200 fast-spiking
-- inhibitory), 100 outgoing synapses each (excitatory ones onto any neuron,
-- inhibitory ones onto excitatory neurons), weights +1 / -1 mV, delays
-- 1 ms, dt 1 ms, a random thalamic current.  The excitatory synapses learn
-- with `stdp_dopamine`.  One excitatory synapse, started at weight 0, is
-- rewarded: whenever its postsynaptic neuron fires within 20 ms after its
-- presynaptic neuron (the 20 ms of daspnet.m; the paper's text says 10),
-- dopamine is released 1 to 3 s later (uniformly random, whole ms).
--
-- Mapping of daspnet.m onto stdp_dopamine (continuous-time form):
--   traces 0.95 per ms       -> tau_plus = tau_minus = -1/ln(0.95) = 19.5 ms
--   a spike sets its trace to 0.1 (not += 0.1) -> nearest = 1
--   LTD -1.5 STDP(post)      -> A_minus = 0.15: 0.15 * 0.95^(t_pre - t_post)
--   LTP +STDP(pre), read a ms after the presynaptic spike set it
--                            -> 0.1 * 0.95^(dt - 1) = (0.1 / 0.95) exp(-dt / 19.5 ms):
--                               A_plus = 0.1 / 0.95
--   sd *= 0.99 every 10 ms   -> tau_c = -10/ln(0.99) = 995 ms
--   DA *= 0.995 per ms       -> modulator tau = -1/ln(0.995) = 199.5 ms
--   s += (0.002 + DA) sd every 10 ms, i.e. ds/dt = c (0.002 + DA) / 10 ms:
--     the modulator is n = (0.002 + DA) / 10 per ms: baseline 0.0002 (the
--     tonic dopamine), a reward (DA += 0.5) releases 0.05, b = 0
--   s clipped to [0, 4] mV   -> Wmin = 0, Wmax = 4
--   a pre and a post spike in the same ms depress (daspnet.m's order of
--   operations)            -> same_step = -1
--   I = 13 (rand - 0.5)      -> white noise, uniform on [-6.5, 6.5] pA:
--                               sigma = 13/sqrt(12), noise_uniform = 1
-- Differences, stated: the eligibility and the weights change every step
-- (1 ms) rather than every 10 ms, and a weight is clipped to [Wmin, Wmax]
-- when one of its spikes comes (or when it is read) rather than every
-- 10 ms; the random numbers are apical's own.
--
-- Arguments: T=<s> (simulated seconds, default 3600), report=<s> (print
-- interval, default 60), out=<file.csv> (history, default
-- izhikevich2007_history.csv; its plot goes beside it as <file>.png, not
-- with plot=0); --seed N (default 1).
-- Last line: rewarded_weight=<mV> others_mean=<mV> wmax=<mV>
local ap = require "apical"

local T = tonumber(ap.args.T or "3600")           -- s
local report = tonumber(ap.args.report or "60")   -- s
local out = ap.args.out or "izhikevich2007_history.csv"
local png = ap.args.plot ~= "0" and out:gsub("%.[Cc][Ss][Vv]$", "") .. ".png"
-- seed 1 unless --seed says otherwise (as the benchmark scripts)
ap.setup{ dt = 1.0, seed = 1 }
local seed = ap.settings().seed
math.randomseed(seed)

local Ne, Ni, M, wmax = 800, 200, 100, 4.0
local net = ap.population("izhikevich", Ne + Ni, {
  consistent_integration = 0,                 -- Izhikevich's two half steps
  sigma = 13 / math.sqrt(12), tau_noise = 0,  -- thalamic input: uniform
  noise_uniform = 1,                          -- on [-6.5, 6.5] pA, as daspnet.m
})
local exc, inh = net:slice(1, Ne), net:slice(Ne + 1, Ne + Ni)
exc:set{ a = 0.02, b = 0.2, c = -65, d = 8 }   -- regular spiking
inh:set{ a = 0.1, b = 0.2, c = -65, d = 2 }    -- fast spiking
net:set{ V_m = -65, U_m = -13 }

local da = ap.modulator("dopamine", { tau = -1 / math.log(0.995), baseline = 0.0002 })
-- No neuron has two synapses onto one target: in daspnet.m such pairs
-- exist in the weight matrix, but its I(ind) += s delivers only one of
-- them, so a pair never acts through more than one synapse.
local ee = ap.connect(exc, net, { rule = "fixed_outdegree", outdegree = M, allow_multapses = false },
  { weight = 1.0, delay = 1.0,
    learning = { "stdp_dopamine", A_plus = 0.1 / 0.95, A_minus = 0.15, nearest = 1,
                 tau_plus = -1 / math.log(0.95), tau_minus = -1 / math.log(0.95),
                 tau_c = -10 / math.log(0.99), b = 0, Wmin = 0, Wmax = wmax,
                 same_step = -1 },
    modulator = da })
ap.connect(inh, exc, { rule = "fixed_outdegree", outdegree = M, allow_multapses = false },
  { weight = -1.0, delay = 1.0 })

-- The rewarded synapse: a random excitatory synapse onto an excitatory
-- neuron, started at 0.
local pre, post = ee:pairs()
local k
repeat k = math.random(#pre) until post[k] <= Ne
local n1, n2 = pre[k], post[k]
local w = ee:weights()
w[k] = 0
ee:set_weights(w)
local s1 = ap.record(exc:slice(n1, n1), "spikes")
local s2 = ap.record(net:slice(n2, n2), "spikes")

-- Every 10 ms, look at the new spikes of n1 and n2 in time order, as
-- daspnet.m does every ms, and schedule the delayed rewards.
local seen1, seen2, last1, rewards = 1, 1, -100, 0
ap.every(10, function()
  local t1, t2 = s1:times(seen1), s2:times(seen2)
  seen1, seen2 = seen1 + #t1, seen2 + #t2
  local i, j = 1, 1
  while j <= #t2 do
    if i <= #t1 and t1[i] <= t2[j] then
      last1 = t1[i]; i = i + 1
    else
      local t = t2[j]; j = j + 1
      if t - last1 < 20 and t > last1 then
        rewards = rewards + 1
        ap.at(t + 1000 + math.random(2000), function() da:release(0.05) end)
      end
    end
  end
  if i <= #t1 then last1 = t1[#t1] end
end)

-- written under a temporary name and renamed when complete
local hist = assert(io.open(out .. ".part", "w"))
hist:write("time_s,rewarded_weight_mV,others_mean_mV,rewards\n")
local function state()
  local ws = ee:weights()
  local sum = 0
  for q = 1, #ws do sum = sum + ws[q] end
  return ws[k], (sum - ws[k]) / (#ws - 1)
end
-- the history again for the plot, from the start (ms)
local t_ms, w_rew, w_oth = { 0 }, {}, {}
w_rew[1], w_oth[1] = state()
for minute = 1, math.ceil(T / report) do
  ap.run(math.min(report, T - (minute - 1) * report) * 1000)
  local wr, wo = state()
  local t = ap.now() / 1000
  print(string.format("t=%6.0f s  rewarded=%.3f mV  others_mean=%.4f mV  rewards=%d", t, wr, wo, rewards))
  hist:write(string.format("%g,%.6f,%.6f,%d\n", t, wr, wo, rewards))
  hist:flush()
  t_ms[#t_ms + 1], w_rew[#w_rew + 1], w_oth[#w_oth + 1] = ap.now(), wr, wo
end
hist:close()
assert(os.rename(out .. ".part", out))
if png then
  assert(ap.plot.trace({ x = t_ms, { name = "rewarded synapse", values = w_rew },
                         { name = "mean of the others", values = w_oth } }, png,
    { label = "weight", unit = "mV",
      title = "Distal reward: the rewarded synapse against the others" }))
end
local wr, wo = state()
print(string.format("rewarded_weight=%.4f others_mean=%.4f wmax=%.1f", wr, wo, wmax))
