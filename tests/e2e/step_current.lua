-- ap.step_current (NEST's step_current_generator) against the closed form
-- of a passive membrane, on a compartment, and its refusals.
local ap = require "apical"
ap.setup{ dt = 0.1 }

local function near(got, want, tol, what)
  if math.abs(got - want) > tol then
    error(string.format("%s: got %.12g, want %.12g (tolerance %g)", what, got, want, tol), 2)
  end
end
local function fails(fragment, f, ...)
  local ok, err = pcall(f, ...)
  if ok or not tostring(err):find(fragment, 1, true) then
    error(string.format("expected an error with '%s', got %s", fragment, tostring(err)), 2)
  end
end

-- A passive lif_psc_exp (threshold out of reach): C_m dV/dt = -(V - E_L) C_m/tau_m + I.
-- The current steps to 100 pA at 10 ms and to -50 pA at 30 ms; the
-- neuron integrates a constant current exactly, so V at the grid points
-- is the closed form to rounding: V = E_L + R I (1 - exp(-t/tau_m))
-- from each step on, R = tau_m / C_m.
local C_m, tau_m, E_L = 250, 10, -70
local n = ap.population("lif_psc_exp", 2, { C_m = C_m, tau_m = tau_m, E_L = E_L, V_m = E_L, V_th = 1e6 })
n:set{ I_e = { 0, 20 } } -- the generator adds to I_e: neuron 2 has 20 pA of its own
ap.step_current(n, { amplitude_times = { 10, 30 }, amplitude_values = { 100, -50 } })
local vm = ap.record(n, "V_m", { interval = 0.1 })
ap.run(50)
local R = tau_m / C_m
local function closed(t, I0)
  -- V(t) for a membrane at rest under I0 from 0, then the steps
  local v = E_L + R * I0 * (1 - math.exp(-t / tau_m))
  if t > 10 then v = v + R * 100 * (1 - math.exp(-(t - 10) / tau_m)) end
  if t > 30 then v = v + R * (-150) * (1 - math.exp(-(t - 30) / tau_m)) end
  return v
end
local times, v = vm:times(), vm:values()
for k, t in ipairs(times) do
  near(v[1][k], closed(t, 0), 1e-9, string.format("V_m at %.1f ms", t))
  near(v[2][k], closed(t, 20), 1e-9, string.format("V_m with I_e 20 pA at %.1f ms", t))
end
near(n:get("I_e")[1], -50, 0, "I_e after the last step")
near(n:get("I_e")[2], -30, 0, "I_e of neuron 2 after the last step")

-- One compartment of a compartmental neuron (a parameter with a value
-- per compartment): the dendrite's current depolarises the dendrite more
-- than the soma; the soma's stays as it was.
local c = ap.population("compartmental", 1, { n_comp = 2, I_e = { 0, 0 } })
local vs = ap.record(c, "V_soma", { interval = 1 })
local vd = ap.record(c, "V_d1", { interval = 1 })
ap.step_current(c, { amplitude_times = { ap.now() + 5 }, amplitude_values = { 200 }, compartment = 2 })
ap.run(30)
local s, d = vs:values()[1], vd:values()[1]
assert(s[4] == s[1], "before the step the soma moved")
assert(d[#d] > s[#s] and s[#s] > s[1], string.format("dendrite %g, soma %g (from %g)", d[#d], s[#s], s[1]))

-- refusals, each naming what is wrong
local t0 = ap.now()
fails("parameter 'tau_m' of lif_psc_exp is in ms, not a current in pA",
      ap.step_current, n, { amplitude_times = { t0 + 1 }, amplitude_values = { 1 }, param = "tau_m" })
fails("lif_psc_exp has no parameter 'I_x'",
      ap.step_current, n, { amplitude_times = { t0 + 1 }, amplitude_values = { 1 }, param = "I_x" })
fails(string.format("amplitude_times[1] = %g ms is not a multiple of dt", t0 + 0.05),
      ap.step_current, n, { amplitude_times = { t0 + 0.05 }, amplitude_values = { 1 } })
fails(string.format("amplitude_times[2] = %g ms does not follow the time before it", t0 + 1),
      ap.step_current, n, { amplitude_times = { t0 + 1, t0 + 1 }, amplitude_values = { 1, 2 } })
fails("amplitude_times[1] = 1 ms is in the past",
      ap.step_current, n, { amplitude_times = { 1 }, amplitude_values = { 1 } })
fails("2 amplitude_times but 1 amplitude_values",
      ap.step_current, n, { amplitude_times = { t0 + 1, t0 + 2 }, amplitude_values = { 1 } })
fails("has one value per neuron, not per compartment",
      ap.step_current, n, { amplitude_times = { t0 + 1 }, amplitude_values = { 1 }, compartment = 2 })
fails("has one value per compartment: name the compartment",
      ap.step_current, c, { amplitude_times = { t0 + 1 }, amplitude_values = { 1 } })
fails("step current has no key 'amplitudes'",
      ap.step_current, n, { amplitude_times = { t0 + 1 }, amplitudes = { 1 } })
print("step_current ok")
