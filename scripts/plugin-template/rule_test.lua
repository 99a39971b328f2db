-- test_@NAME@.lua: @NAME@'s weight changes against the pairs' closed
-- forms; an assertion that fails ends the run with a non-zero exit.
--   APICAL_PLUGIN_PATH=. apical run test_@NAME@.lua
local ap = require "apical"
ap.setup{ dt = 0.1 }
-- presynaptic neuron 1 fires before the target, neuron 2 after it; a
-- strong input makes the target fire at about 14 ms
local pre = ap.population("spike_source", 2, { spike_times = { { 10 }, { 20 } } })
local kick = ap.population("spike_source", 1, { spike_times = { 13 } })
local target = ap.population("lif_psc_delta", 1)
local r = { "@NAME@", A_plus = 2, A_minus = 3, tau_plus = 10, tau_minus = 20,
            Wmax = 50 }
local proj = ap.connect(pre, target, "all_to_all", { weight = 5, learning = r })
ap.connect(kick, target, "all_to_all", { weight = 100 })
local s_pre = ap.record(pre, "spikes")
local s_post = ap.record(target, "spikes")
ap.run(50)

assert(s_post:count() == 1, "the target fired " .. s_post:count() .. " times")
local t_post = s_post:times()[1]
local t_pre = {}
for k, i in ipairs(s_pre:senders()) do t_pre[i] = s_pre:times()[k] end
assert(t_pre[1] < t_post and t_pre[2] > t_post, "spike order")
local w = proj:weights()
local want1 = 5 + r.A_plus * math.exp(-(t_post - t_pre[1]) / r.tau_plus)
local want2 = 5 - r.A_minus * math.exp(-(t_pre[2] - t_post) / r.tau_minus)
-- weights are single precision
assert(math.abs(w[1] - want1) < 1e-5 * want1,
       string.format("pre-post pair: w %.6f, closed form %.6f", w[1], want1))
assert(math.abs(w[2] - want2) < 1e-5 * want2,
       string.format("post-pre pair: w %.6f, closed form %.6f", w[2], want2))
print(string.format("@NAME@ ok: %.4f (potentiated), %.4f (depressed)", w[1], w[2]))
