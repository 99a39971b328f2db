-- nef_common.lua -- what the NEF experiments (nef_*.lua) share: Nengo's
-- discrete low-pass filter for reference signals, RMS errors, the closing
-- line and an optional plot.
local M = {}

-- y <- a y + (1 - a) x, a = exp(-dt / tau) (tau = 0: y = x), over a list
-- of numbers (one per step); `delay` steps of 0 before it.
function M.lowpass(xs, tau, dt, delay)
  local a = tau > 0 and math.exp(-dt / tau) or 0
  local out, y = {}, 0
  for i = 1, #xs do
    local x = xs[i - (delay or 0)] or 0
    y = a * y + (1 - a) * x
    out[i] = y
  end
  return out
end

-- RMS of a[i] - b[i] over the i with from <= t[i] (ms).
function M.rmse(a, b, t, from)
  local s, n = 0, 0
  for i = 1, #a do
    if not from or t[i] >= from then
      s = s + (a[i] - b[i]) ^ 2
      n = n + 1
    end
  end
  return math.sqrt(s / math.max(n, 1))
end

-- Column k of a probe's data.
function M.column(rows, k)
  local c = {}
  for i, r in ipairs(rows) do c[i] = r[k] end
  return c
end

-- ap.plot.trace of named columns over t, unless plot=0 or figures are not
-- built in (then a note on stderr).
function M.plot(ap, path, t, lines, opts)
  if not path or path == "0" then return end
  local tab = { x = t }
  for _, l in ipairs(lines) do tab[#tab + 1] = l end
  local ok, err = pcall(ap.plot.trace, tab, path, opts)
  if not ok then io.stderr:write("no figure: ", tostring(err), "\n") end
end

-- A band-limited white signal as Nengo's WhiteSignal(period, high, rms):
-- random Fourier coefficients (normal, from Lua's generator seeded with
-- `seed`) at the harmonics k / period up to `high` Hz, scaled to `rms`.
-- Returns f(t), t in ms.
function M.white_signal(period_ms, high_hz, rms, seed)
  math.randomseed(seed)
  local K = math.floor(high_hz * period_ms / 1000)
  local a, b, power = {}, {}, 0
  local function normal()
    local u1, u2 = 1 - math.random(), math.random()
    return math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2)
  end
  for k = 1, K do
    a[k], b[k] = normal(), normal()
    power = power + (a[k] ^ 2 + b[k] ^ 2) / 2
  end
  local scale = rms / math.sqrt(power)
  return function(t)
    local w, v = 2 * math.pi * t / period_ms, 0
    for k = 1, K do v = v + a[k] * math.cos(k * w) + b[k] * math.sin(k * w) end
    return v * scale
  end
end

-- The closing line every NEF experiment prints; on a chip backend also
-- the energy (J) and the largest relative RMS error of the weights the
-- chip quantised (weight_loss).
function M.finish(name, rmse, wall, extra)
  local s = string.format("nef=%s rmse=%.4f wall_s=%.3f", name, rmse, wall)
  for _, kv in ipairs(extra or {}) do
    s = s .. string.format(" %s=%s", kv[1], kv[2])
  end
  local ap = require "apical"
  local r = ap.report()
  if type(r) == "table" and r.energy_j then
    local loss = 0
    for _, p in ipairs(r.projections or {}) do
      if p.weight_rms and p.weight_rms > 0 then
        loss = math.max(loss, p.weight_rms_error / p.weight_rms)
      end
    end
    s = s .. string.format(" chip=%s energy_j=%.4g weight_loss=%.4f", r.chip,
                           r.energy_j, loss)
  end
  print(s)
end

return M
