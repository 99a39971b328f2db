-- Assertions on the Lua API, run by tests/e2e/lua_api.sh with the words
-- "alpha n=8" after the script.
local ap = require "apical"

local function near(a, b, tol, what)
  assert(math.abs(a - b) <= tol, string.format("%s: %.17g vs %.17g", what, a, b))
end
local function same(a, b, what)
  assert(#a == #b, string.format("%s: %d vs %d entries", what, #a, #b))
  for i = 1, #a do
    assert(a[i] == b[i], string.format("%s[%d]: %s vs %s", what, i, tostring(a[i]), tostring(b[i])))
  end
end

-- ap.args: the words in order, key=value also by key (strings).
assert(ap.args[1] == "alpha" and ap.args[2] == "n=8" and ap.args.n == "8", "ap.args")
assert(type(ap.version) == "string", "ap.version")

ap.setup{ dt = 0.1, seed = 7 }
assert(ap.dt() == 0.1 and ap.settings().seed == 7, "setup")

-- Spike sources fire at their times; slices are 1-based and inclusive.
local src = ap.population("spike_source", 3, { spike_times = { { 1.0, 3.0 }, { 2.0 }, {} } })
assert(#src == 3 and #src:slice(2, 3) == 2, "#pop and slice")
local all = ap.record(src, "spikes")
local tail = ap.record(src:slice(2, 3), "spikes")

-- Delays: a spike stamped 1.0 ms sent with delay 1.5 ms arrives at 2.5 ms.
local tgt = ap.population("lif_psc_delta", 2, { E_L = 0, V_reset = 0, V_th = 1000, tau_m = 10 })
assert(tgt:get("V_m")[1] == 0, "V_m starts at E_L when E_L is given")
local proj = ap.connect(src:slice(1, 1), tgt:slice(1, 1), "all_to_all", { weight = 2.0, delay = 1.5 })
assert(#proj == 1, "#proj")
local vm = ap.record(tgt, "V_m", { interval = 0.1 })

-- Parameters and states, set and read back.
local lif = ap.population("lif_psc_exp", 4, { tau_m = { 5, 10, 15, 20 } })
same(lif:get("tau_m"), { 5, 10, 15, 20 }, "per-neuron table")
lif:slice(2, 3):set{ I_e = 100 }
same(lif:get("I_e"), { 0, 100, 100, 0 }, "set on a slice")
assert(lif:get("V_m")[1] == -70, "V_m defaults to E_L")

-- Distributions: reproducible, within their bounds, right moments.
local d = ap.population("lif_psc_exp", 2000, {
  V_m = ap.normal(-65, 5), C_m = ap.clip(ap.normal(250, 100), 200, 300),
  tau_m = ap.lognormal(math.log(10), 0.5), I_e = ap.uniform(0, 10) })
local vm0, cm = d:get("V_m"), d:get("C_m")
local s, s2 = 0, 0
for i = 1, #vm0 do s = s + vm0[i]; s2 = s2 + vm0[i] ^ 2 end
local mean, var = s / #vm0, s2 / #vm0 - (s / #vm0) ^ 2
near(mean, -65, 5 * 5 / math.sqrt(2000), "normal mean")
near(math.sqrt(var), 5, 0.5, "normal sd")
for i = 1, #cm do assert(cm[i] >= 200 and cm[i] <= 300, "clip") end
for _, x in ipairs(d:get("I_e")) do assert(x >= 0 and x < 10, "uniform bounds") end
for _, x in ipairs(d:get("tau_m")) do assert(x > 0, "lognormal positive") end

-- Connection lists are 1-based; pairs() come sorted by pre, then post.
local a = ap.population("lif_psc_exp", 5)
local b = ap.population("lif_psc_exp", 3)
local l = ap.connect(a, b, { rule = "list", pre = { 5, 1, 1 }, post = { 2, 3, 1 } },
                     { weight = { 10, 20, 30 }, delay = 2 })
local pre, post = l:pairs()
same(pre, { 1, 1, 5 }, "pairs pre")
same(post, { 1, 3, 2 }, "pairs post")
same(l:weights(), { 30, 20, 10 }, "weights follow pairs() order")
same(l:delays(), { 2, 2, 2 }, "delays")
-- fixed_indegree and fixed_outdegree give exact counts
local fi = ap.connect(a, b, { rule = "fixed_indegree", indegree = 4 })
assert(#fi == 12, "fixed_indegree count")
local fo = ap.connect(a, b, { rule = "fixed_outdegree", outdegree = 2 })
assert(#fo == 10, "fixed_outdegree count")
local ft = ap.connect(a, b, { rule = "fixed_total_number", N = 7 })
assert(#ft == 7, "fixed_total_number count")
local aa = ap.connect(a, a, { rule = "all_to_all", allow_autapses = false })
assert(#aa == 20, "all_to_all without autapses")
-- negative weight without a port goes to "in"; the sign is kept for currents
local neg = ap.connect(a, b, { rule = "fixed_indegree", indegree = 1 }, { weight = -5 })
assert(neg:port() == "in" and neg:synapse() == "static", "sign rule picks in")
-- conductance ports take the magnitude of a negative weight
local c1 = ap.population("lif_cond_exp", 3)
local gi = ap.connect(a, c1, { rule = "fixed_indegree", indegree = 2 }, { weight = -67 })
assert(gi:port() == "in", "negative conductance weight goes to in")
same(gi:weights(), { 67, 67, 67, 67, 67, 67 }, "conductance magnitude")
local ge = ap.connect(a, c1, { rule = "fixed_indegree", indegree = 1 },
                      { weight = 6, synapse = { "static" } })
assert(ge:port() == "ex" and ge:synapse() == "static", "synapse given as a table")
-- no connection spec means all_to_all; a list rule needs no synapse spec
assert(#ap.connect(a, b) == 15, "default rule all_to_all")
assert(#ap.connect(a, b, { rule = "list", pre = { 1 }, post = { 1 } }) == 1, "list without synapse spec")
-- delays round to the nearest step as their decimal values say
same(ap.connect(a, b, { rule = "list", pre = { 2 }, post = { 2 } }, { delay = 0.15 }):delays(), { 0.2 }, "0.15 ms at dt 0.1")
same(neg:weights(), { -5, -5, -5 }, "negative current weights")

-- Poisson: one independent train per neuron.
local pg = ap.population("poisson", 2, { rate = 200 })
local pr = ap.record(pg, "spikes")
local sr = ap.record(src, "spikes", { file = "stream.csv" })

-- Callbacks between steps, and repeated runs continuing in time.
local ticks, at_time = {}, nil
ap.every(1.0, function(t) ticks[#ticks + 1] = t end)
ap.at(2.0, function(t) at_time = ap.now() end)
ap.run(2.5)
near(ap.now(), 2.5, 1e-12, "ap.now after first run")
ap.run(2.5)
near(ap.now(), 5.0, 1e-12, "ap.now after second run")
same(ticks, { 1.0, 2.0, 3.0, 4.0, 5.0 }, "ap.every times")
near(at_time, 2.0, 1e-12, "ap.at time")

same(all:times(), { 1.0, 2.0, 3.0 }, "spike times")
same(all:senders(), { 1, 2, 1 }, "senders")
same(tail:times(), { 2.0 }, "slice spike times")
same(tail:senders(), { 1 }, "slice senders are 1-based in the slice")
assert(all:count() == 3, "count")
near(all:rate(), 3 / 3 / 0.005, 1e-9, "rate = spikes / neurons / seconds")

local t, v = vm:times(), vm:values()
assert(#t == 50 and #v == 2 and #v[1] == 50, "state recorder shape")
near(t[1], 0.1, 1e-12, "first sample at the end of the first step")
for k = 1, #t do
  local want = 0
  if t[k] > 2.5 - 1e-9 then want = 2.0 * math.exp(-(t[k] - 2.5) / 10) end
  if t[k] > 4.5 - 1e-9 then want = want + 2.0 * math.exp(-(t[k] - 4.5) / 10) end
  near(v[1][k], want, 1e-9, "V_m at " .. t[k])
  assert(v[2][k] == 0, "unconnected neuron stays at rest")
end

ap.run(100)
local c1, c2 = {}, {}
for i, snd in ipairs(pr:senders()) do
  if snd == 1 then c1[#c1 + 1] = pr:times()[i] else c2[#c2 + 1] = pr:times()[i] end
end
assert(#c1 > 5 and #c2 > 5, "poisson fires")
local differ = #c1 ~= #c2
for i = 1, math.min(#c1, #c2) do differ = differ or c1[i] ~= c2[i] end
assert(differ, "two poisson neurons give the same train")
sr:save("saved.csv")
-- run statistics
local st = ap.stats()
near(st.t_ms, 105, 1e-9, "stats t_ms")
assert(st.spikes >= all:count() + pr:count() and st.synapses > 0 and st.wall_s >= 0, "stats counts")
assert(st.events > 0 and st.peak_rss_mb > 1 and st.bytes_per_synapse > 0, "stats events, memory")
-- List parameters change between runs as the other parameters do: the
-- new lists take effect from the next run (a spike source's times, a
-- compartmental neuron's per-compartment currents).
local t1 = ap.now()
local ls = ap.population("spike_source", 3, { spike_times = { t1 + 0.5 } })
local lr = ap.record(ls, "spikes")
local cn = ap.population("compartmental", 1, { n_comp = 2 })
local cv = ap.record(cn, "V_soma", { interval = 1 })
ap.run(1)
ls:set{ spike_times = { { t1 + 2 }, {}, { t1 + 1.5, t1 + 3 } } }
ap.run(4)
local got = {}
for i, t in ipairs(lr:times()) do got[#got + 1] = string.format("%g:%d", t - t1, lr:senders()[i]) end
assert(table.concat(got, " ") == "0.5:1 0.5:2 0.5:3 1.5:3 2:1 3:3",
       "spike times set between runs: " .. table.concat(got, " "))
local v0 = cv:values()[1]
cn:set{ I_e = { 200, 0 } }
ap.run(5)
local v1 = cv:values()[1]
near(v0[#v0], -70, 1e-9, "V_soma at rest before I_e")
assert(v1[#v1] > v0[#v0] + 1, string.format("I_e set between runs: V_soma %g -> %g", v0[#v0], v1[#v1]))
print("api: all assertions passed")
