-- ap.nef against Nengo's accuracy bars for constant values (its
-- test_ensemble.py: a constant scalar and a constant vector held by a
-- spiking ensemble, probed through 100 ms, within 0.1 absolute and 1 %
-- relative after 0.5 s), the decoded and synaptic forms of one
-- connection against each other, and the refusals.
local ap = require "apical"
ap.setup{ dt = 1.0, seed = tonumber(ap.args.seed or "1") }
local nef = ap.nef

local function fails(fragment, f, ...)
  local ok, err = pcall(f, ...)
  if ok or not tostring(err):find(fragment, 1, true) then
    error(string.format("expected an error with '%s', got %s", fragment,
                        tostring(err)), 2)
  end
end

-- allclose(got, want, atol = 0.1, rtol = 0.01), as numpy and Nengo
local function close(got, want, what)
  local tol = 0.1 + 0.01 * math.abs(want)
  if math.abs(got - want) > tol then
    error(string.format("%s: %.4f, want %.4f within %.4f", what, got, want, tol), 2)
  end
end

-- a constant scalar: 30 neurons, 0.5
local s_in = nef.node(0.5)
local s = nef.ensemble{ n = 30, dimensions = 1, label = "scalar" }
nef.connect(s_in, s)
local s_p = nef.probe(s, { synapse = 100 })
-- a constant vector: 150 neurons in 3-D
local val = { 0.3, 0.2, -0.5 }
local v_in = nef.node(val)
local v = nef.ensemble{ n = 150, dimensions = 3, label = "vector" }
nef.connect(v_in, v)
local v_p = nef.probe(v, { synapse = 100 })
-- one connection in both forms from one ensemble: the same target values
local src = nef.ensemble{ n = 100, dimensions = 1, label = "source" }
nef.connect(nef.node(function(t) return math.sin(2 * math.pi * t / 1000) end), src)
local dec_b = nef.ensemble{ n = 50, dimensions = 1, label = "decoded" }
local syn_b = nef.ensemble{ n = 50, dimensions = 1, label = "weights" }
local cd = nef.connect(src, dec_b, { func = function(x) return x[1] * x[1] end })
local cw = nef.connect(src, syn_b, { func = function(x) return x[1] * x[1] end,
                                     weights = true })
assert(cd.decoded and not cd.proj and cw.proj and not cw.decoded)
local pd = nef.probe(dec_b, { synapse = 20 })
local pw = nef.probe(syn_b, { synapse = 20 })

-- outputs into Lua: a node with an input reads the scalar ensemble's
-- decoded 2x every step; a pass-through node hands a value on
local seen = {}
nef.connect(s, nef.node(function(t, x) seen[#seen + 1] = { t, x[1] } end,
                        { size_in = 1 }),
            { func = function(x) return 2 * x[1] end, synapse = 20 })
local pass = nef.node(nil, { size_in = 3 })
nef.connect(v_in, pass, { synapse = 0 })
local p_pass = nef.probe(pass)

-- rate neurons: a lif_rate ensemble holds -0.4, decoded into a spiking one
local r_in = nef.node(-0.4)
local r = nef.ensemble{ n = 50, neuron = "lif_rate", label = "rates" }
nef.connect(r_in, r)
local r_out = nef.ensemble{ n = 50, label = "from rates" }
nef.connect(r, r_out)
local p_rate = nef.probe(r, { synapse = 100 })
local p_from_rate = nef.probe(r_out, { synapse = 100 })

ap.run(1000)
for i, t in ipairs(p_rate:times()) do
  if t > 500 then
    close(p_rate:data()[i][1], -0.4, string.format("rate ensemble at %g ms", t))
    close(p_from_rate:data()[i][1], -0.4, string.format("fed by rates at %g ms", t))
  end
end
assert(#seen == 1001, "the output node ran " .. #seen .. " times")
for _, e in ipairs(seen) do
  if e[1] > 500 then close(e[2], 1.0, string.format("2x into Lua at %g ms", e[1])) end
end
local last = p_pass:data()[#p_pass:data()]
assert(last[1] == val[1] and last[2] == val[2] and last[3] == val[3],
       "the pass-through node changed its input")
local checked = 0
for i, t in ipairs(s_p:times()) do
  if t > 500 then
    close(s_p:data()[i][1], 0.5, string.format("scalar at %g ms", t))
    local row = v_p:data()[i]
    for k = 1, 3 do close(row[k], val[k], string.format("vector[%d] at %g ms", k, t)) end
    checked = checked + 1
  end
end
assert(checked == 500, "samples after 0.5 s: " .. checked)
-- decoded and synaptic forms: the same ensembles, the same function;
-- both square the sine within 0.15 after the first 100 ms
local dd, dw, tt = pd:data(), pw:data(), pd:times()
local e_d, e_w, n = 0, 0, 0
for i = 1, #tt do
  if tt[i] > 100 then
    local want = math.sin(2 * math.pi * (tt[i] - 30) / 1000) ^ 2
    e_d, e_w, n = e_d + (dd[i][1] - want) ^ 2, e_w + (dw[i][1] - want) ^ 2, n + 1
  end
end
e_d, e_w = math.sqrt(e_d / n), math.sqrt(e_w / n)
assert(e_d < 0.15 and e_w < 0.15,
       string.format("x^2: rmse decoded %.3f, weights %.3f", e_d, e_w))

-- refusals
fails("n must be a whole number", nef.ensemble, { n = 0 })
fails("unknown option 'neurons'", nef.ensemble, { n = 10, neurons = 3 })
fails("neuron must be", nef.ensemble, { n = 10, neuron = "izhikevich" })
fails("cannot reach", nef.ensemble, { n = 10, max_rates = 600 })
fails("give a transform", nef.connect, v_in, s)
fails("transform must have 1 rows", nef.connect, v, s, { transform = { { 1, 0, 0 }, { 0, 1, 0 } } })
fails("this node takes no input", nef.connect, s, v_in)
fails("interval must be a multiple of dt", nef.probe, s, { interval = 1.5 })

-- a fingerprint of the outputs, for runs with other thread counts
local h = 0
for _, r in ipairs(pd:data()) do h = (h * 31 + math.floor(r[1] * 1e9)) % 2147483647 end
print(string.format("nef ok %d", h))
