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
-- with plot=0); --seed N (default 1).  Resumable: run it with
-- --snapshot FILE [--snapshot-every MS], and after a stop (SIGTERM, a
-- kill, a crash) with --restore FILE and the same arguments; the resumed
-- run ends with the numbers of one never stopped.
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

-- What the run has to carry across a snapshot (docs/reliability.md): the
-- reward bookkeeping, the rewards still to come, the history and the
-- loop's position.  A run started with --restore takes them back.
local st = ap.restored() or {
  minute = 1, seen1 = 1, seen2 = 1, last1 = -100, rewards = 0,
  next_id = 1, pending = {}, -- { id, time_ms } of rewards not yet given
  t_ms = {}, w_rew = {}, w_oth = {},
}
ap.keep(st)

-- A reward of dopamine at t (ms), forgotten once given.
local function reward_at(id, t)
  ap.at(t, function()
    da:release(0.05)
    for q = 1, #st.pending do
      if st.pending[q][1] == id then table.remove(st.pending, q) break end
    end
  end)
end

-- Every 10 ms, look at the new spikes of n1 and n2 in time order, as
-- daspnet.m does every ms, and schedule the delayed rewards.
ap.every(10, function()
  local t1, t2 = s1:times(st.seen1), s2:times(st.seen2)
  st.seen1, st.seen2 = st.seen1 + #t1, st.seen2 + #t2
  local i, j = 1, 1
  while j <= #t2 do
    if i <= #t1 and t1[i] <= t2[j] then
      st.last1 = t1[i]; i = i + 1
    else
      local t = t2[j]; j = j + 1
      if t - st.last1 < 20 and t > st.last1 then
        st.rewards = st.rewards + 1
        local id, at = st.next_id, t + 1000 + math.random(2000)
        st.next_id = id + 1
        st.pending[#st.pending + 1] = { id, at }
        reward_at(id, at)
      end
    end
  end
  if i <= #t1 then st.last1 = t1[#t1] end
end)
-- a resumed run: the rewards that were still to come, in their order
for _, p in ipairs(st.pending) do reward_at(p[1], p[2]) end

local function state()
  local ws = ee:weights()
  local sum = 0
  for q = 1, #ws do sum = sum + ws[q] end
  return ws[k], (sum - ws[k]) / (#ws - 1)
end
-- The history, rewritten whole at each report under a temporary name and
-- renamed, so that a stopped run never leaves a half file.
local function write_history()
  local f = assert(io.open(out .. ".part", "w"))
  f:write("time_s,rewarded_weight_mV,others_mean_mV,rewards\n")
  for q = 2, #st.t_ms do
    f:write(string.format("%g,%.6f,%.6f,%d\n", st.t_ms[q] / 1000, st.w_rew[q],
                          st.w_oth[q], st.rew_at[q]))
  end
  f:close()
  assert(os.rename(out .. ".part", out))
end
-- the history again for the plot, from the start (ms)
if #st.t_ms == 0 then
  st.t_ms[1], st.rew_at = 0, { 0 }
  st.w_rew[1], st.w_oth[1] = state()
end
local minutes = math.ceil(T / report)
while st.minute <= minutes do
  local minute = st.minute
  ap.run(math.min(report, T - (minute - 1) * report) * 1000)
  local wr, wo = state()
  local t = ap.now() / 1000
  print(string.format("t=%6.0f s  rewarded=%.3f mV  others_mean=%.4f mV  rewards=%d",
                      t, wr, wo, st.rewards))
  local q = #st.t_ms + 1
  st.t_ms[q], st.w_rew[q], st.w_oth[q], st.rew_at[q] = ap.now(), wr, wo, st.rewards
  write_history()
  st.minute = minute + 1
end
if png then
  assert(ap.plot.trace({ x = st.t_ms, { name = "rewarded synapse", values = st.w_rew },
                         { name = "mean of the others", values = st.w_oth } }, png,
    { label = "weight", unit = "mV",
      title = "Distal reward: the rewarded synapse against the others" }))
end
local wr, wo = state()
print(string.format("rewarded_weight=%.4f others_mean=%.4f wmax=%.1f", wr, wo, wmax))
