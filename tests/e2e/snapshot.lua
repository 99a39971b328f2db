-- Snapshots (tests/e2e/snapshot.sh): a network with every kind of
-- evolving state -- pair STDP, dopamine STDP driven by spikes and by the
-- script, a depressing synapse, PES on NEF ensembles fed by a node, spike,
-- state, weight and streamed recorders, callbacks -- run in four calls,
-- its results saved with `out` as prefix.
-- Arguments: out=PREFIX; stop=MS: a callback at MS that kills the process
-- (SIGKILL, or sig=TERM) when the variable KILL_ME is set (under mpirun,
-- on rank sigrank only when it is given); snap=MS: a
-- callback at MS that writes snap.apsnap; keep=1: the loop's position and
-- the callbacks' counter are kept (ap.keep) and taken back (ap.restored);
-- nb=N: population b's size (40); lead=MS: a run of MS before the loop.
local ap = require "apical"
local A = ap.args
local out = A.out or "full"
ap.setup{ dt = 0.1, seed = 9 }
math.randomseed(3)
local st = A.keep and (ap.restored() or { k = 1, n = 0 }) or { k = 1, n = 0 }
if A.keep then ap.keep(st) end
local src = ap.population("poisson", 50, { rate = 25 })
local a = ap.population("lif_psc_exp", 70, { I_e = 300, V_m = ap.uniform(-70, -55) })
local b = ap.population("lif_psc_exp", tonumber(A.nb or "40"), { I_e = 320 })
local p1 = ap.connect(src, a, { rule = "fixed_indegree", indegree = 10 },
  { weight = 150, delay = 1, learning = { "stdp", Wmax = 400, lambda = 0.05 } })
local da = ap.modulator("dopamine", { tau = 100, baseline = 0.01 })
ap.connect(a, da, { weight = 0.002 })
local p2 = ap.connect(a, b, { rule = "fixed_probability", p = 0.2 },
  { weight = 80, delay = 1.5, modulator = da,
    learning = { "stdp_dopamine", A_plus = 1, A_minus = 1.5, Wmax = 300 } })
local p3 = ap.connect(b, a, { rule = "fixed_indegree", indegree = 5 },
  { weight = -60, delay = 2, synapse = "tsodyks_markram" })
ap.every(50, function() da:release(0.05 * math.random()); st.n = st.n + 1 end)
if A.stop then
  ap.at(tonumber(A.stop), function()
    if os.getenv("KILL_ME") and (not A.sigrank or ap.rank() == tonumber(A.sigrank)) then
      os.execute("kill -" .. (A.sig or "KILL") .. " $PPID; sleep 10")
    end
  end)
end
if A.snap then
  ap.at(tonumber(A.snap), function() ap.snapshot("snap.apsnap") end)
end
local nef = ap.nef
local stim = nef.node(function(t) return math.sin(t / 40) end)
local pre = nef.ensemble{ n = 40 }
local post = nef.ensemble{ n = 40 }
local err = nef.ensemble{ n = 40 }
nef.connect(stim, pre)
local c = nef.connect(pre, post, { func = function() return 0 end,
                                   learning = nef.pes{ learning_rate = 1e-3 } })
nef.connect(post, err)
nef.connect(pre, err, { transform = -1 })
nef.connect(err, c)
local wr = ap.record(p2, "weight", { interval = 10, synapses = { 1, 5, 9, 33 } })
local s = ap.record(a, "spikes", { file = out .. "_stream.csv" })
local v = ap.record(b, "V_m", { interval = 7 })
if A.lead then ap.run(tonumber(A.lead)) end
while st.k <= 4 do
  ap.run(100)
  st.k = st.k + 1
end
s:save(out .. "_spikes.csv")
wr:save(out .. "_wrec.csv")
v:save(out .. "_v.npy")
p1:save(out .. "_p1.csv")
p2:save(out .. "_p2.csv")
p3:save(out .. "_p3.csv")
c.proj:save(out .. "_pes.csv")
local f = assert(io.open(out .. "_end.txt", "w"))
f:write(string.format("spikes %d callbacks %d random %.17g\n", s:count(),
                      st.n, math.random()))
f:close()
