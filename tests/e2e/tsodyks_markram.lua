-- A spike_source drives two lif_psc_delta neurons, each through its own
-- tsodyks_markram projection (one depressing, one facilitating).  With
-- delta synapses every arriving spike makes V_m jump by the delivered
-- weight, weight * u_n * x_n, so the jumps read off the recorded V_m must
-- follow the model's recursion (Maass & Markram 2002):
--   u_1 = U, x_1 = 1,
--   u_{n+1} = U + u_n (1 - U) exp(-h_n / tau_fac)   (U if tau_fac = 0)
--   x_{n+1} = 1 + (x_n - u_n x_n - 1) exp(-h_n / tau_rec).
-- Tolerance 1e-6 mV: delivered weights are single precision (a relative
-- 6e-8 of jumps of at most 2 mV), the rest is double rounding.
-- Raises an error on the first mismatch; prints "tsodyks_markram ok".
local ap = require "apical"
ap.setup{ dt = 0.1, seed = 1 }
local dt, tau_m, delay, weight = 0.1, 10.0, 1.0, 2.0

-- a 20 Hz train of 10 spikes, a pause of 2 s, then three more at 20 Hz
local spikes = {}
for n = 0, 9 do spikes[#spikes + 1] = 10.0 + 50.0 * n end
for n = 0, 2 do spikes[#spikes + 1] = 2460.0 + 50.0 * n end
local T = spikes[#spikes] + 10.0

local src = ap.population("spike_source", 1, { spike_times = spikes })
local tgt = ap.population("lif_psc_delta", 2,
                          { E_L = 0, V_reset = 0, V_th = 1e6, tau_m = tau_m })
local models = {
  { "tsodyks_markram", U = 0.5, tau_rec = 800 },                -- depressing
  { "tsodyks_markram", U = 0.1, tau_rec = 100, tau_fac = 1000 }, -- facilitating
}
for i, syn in ipairs(models) do
  local p = ap.connect(src, tgt:slice(i, i), "all_to_all",
                       { weight = weight, delay = delay, synapse = syn })
  assert(p:synapse() == "tsodyks_markram")
end
local rec = ap.record(tgt, "V_m", { interval = dt })
ap.run(T)

local function expected_jumps(m)
  local U, tr, tf = m.U, m.tau_rec, m.tau_fac or 0
  local u, x, out = U, 1.0, {}
  for n = 1, #spikes do
    out[n] = weight * u * x
    if n < #spikes then
      local h = spikes[n + 1] - spikes[n]
      x = 1.0 + (x - u * x - 1.0) * math.exp(-h / tr)
      u = U + u * (1.0 - U) * (tf > 0 and math.exp(-h / tf) or 0.0)
    end
  end
  return out
end

local times, values = rec:times(), rec:values()
local P33 = math.exp(-dt / tau_m)
local worst = 0
for i, m in ipairs(models) do
  local want = expected_jumps(m)
  -- sample k is V_m at t = k dt; a spike stamped s arrives at s + delay
  local arrival = {}
  for n, s in ipairs(spikes) do
    arrival[math.floor((s + delay) / dt + 0.5)] = n
  end
  local v, prev, seen = values[i], 0.0, 0
  for k = 1, #times do
    local jump = v[k] - prev * P33
    local n = arrival[k]
    local w = n and want[n] or 0.0
    local err = math.abs(jump - w)
    if err > worst then worst = err end
    if err > 1e-6 then
      error(string.format("neuron %d, t = %.1f ms: V_m jumped %.9f mV, "
                          .. "expected %.9f (spike %s)",
                          i, times[k], jump, w, tostring(n)))
    end
    if n then seen = seen + 1 end
    prev = v[k]
  end
  assert(seen == #spikes, "not every spike arrived")
  local rel = {}
  for n = 1, #want do rel[n] = string.format("%.4f", want[n] / want[1]) end
  print(string.format("%s U=%g: relative PSCs %s",
                      i == 1 and "depressing" or "facilitating", m.U,
                      table.concat(rel, " ")))
end
-- the first jumps are weight * U, the depressing train sinks and the
-- facilitating one rises
local d, f = expected_jumps(models[1]), expected_jumps(models[2])
assert(math.abs(d[1] - weight * 0.5) < 1e-12)
assert(math.abs(f[1] - weight * 0.1) < 1e-12)
assert(d[10] < 0.3 * d[1] and f[5] > 1.5 * f[1] and d[11] > d[10])
print(string.format("tsodyks_markram ok (largest deviation %.2g mV)", worst))
