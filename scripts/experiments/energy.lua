-- The same networks on the cpu backend and on each emulated chip:
-- firing rates, agreement of the spike trains with cpu, energy, chips and
-- cores, or the reason a chip refuses the network.
--
--   apical run energy.lua [T=1000] [n=4000] [T_stdp=5000]
--                         [chips=loihi,truenorth,spinnaker] [out=energy.csv]
--                         [plot=1]
--
-- The table goes to `out` (CSV), a bar chart of each run's energy beside
-- it (`out` with .png; plot=0: none).
--
-- Networks:
--   cuba  the current-based network of Vogels & Abbott (2005) as in
--         benchmark 2 of Brette et al. (2007) (scripts/benchmarks/
--         cuba_net.lua, as cuba.lua builds it), n neurons, dt 0.1 ms, T ms;
--   stdp  200 Poisson inputs at 10 Hz onto 20 lif_psc_exp neurons through
--         additive pair STDP (the setting of Song, Miller & Abbott 2000),
--         dt 1 ms, T_stdp ms; reports the mean final weight and the
--         fraction of weights in the upper half of [0, Wmax].
-- Each (network, backend) pair runs as its own `apical run` of this
-- script (child=1), so every chip sees the script unchanged.
-- Agreement: a cpu spike and a chip spike of the same neuron within 1 ms
-- of each other match (each spike at most once); agreement is
-- 2 matches / (cpu spikes + chip spikes), over the whole run and over its
-- first 100 ms (ag100).
local ap = require "apical"
local A = ap.args

-- ------------------------------------------------------------ networks
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = here .. "../benchmarks/?.lua;" .. package.path
local function cuba(n)
  ap.setup{ dt = 0.1, seed = 1 }
  return require("cuba_net")(ap, n), nil
end

local WMAX = 200
local function stdp()
  ap.setup{ dt = 1.0, seed = 1 }
  local src = ap.population("poisson", 200, { rate = 10 })
  local out = ap.population("lif_psc_exp", 20, { tau_syn_ex = 2,
                                                 tau_syn_in = 2 })
  local proj = ap.connect(src, out, "all_to_all", {
    weight = ap.uniform(0, WMAX), delay = 1.0,
    learning = { "stdp", Wmax = WMAX, lambda = 0.01, alpha = 1.05,
                 mu_plus = 0, mu_minus = 0 } })
  return out, proj
end

-- ------------------------------------------------------- one run (child)
if A.child then
  local T = tonumber(A.T)
  local pop, proj
  if A.net == "cuba" then pop, proj = cuba(tonumber(A.n)) else pop, proj = stdp() end
  local sp = ap.record(pop, "spikes")
  ap.run(T)
  local f = assert(io.open(A.spikes, "w"))
  local t, s = sp:times(), sp:senders()
  for k = 1, #t do f:write(s[k], " ", t[k], "\n") end
  f:close()
  local r = ap.report() or { energy = {}, time = {} }
  local wmean, upper = "", ""
  if proj then
    local w, sum, up = proj:weights(), 0, 0
    for i = 1, #w do
      sum = sum + w[i]
      if w[i] > WMAX / 2 then up = up + 1 end
    end
    wmean, upper = sum / #w, up / #w
  end
  print(string.format("result rate=%.4f synops=%s energy_j=%s per_synop_j=%s " ..
    "chips=%s cores=%s chip_s=%s wall_s=%.4f wmean=%s upper=%s",
    sp:rate(), r.synops or ap.stats().events, r.energy_j or "",
    r.energy.per_synop_j or "", r.chips or "", r.cores or "",
    r.time.chip_s or "", ap.stats().wall_s, wmean, upper))
  return
end

-- ------------------------------------------------------------- driver
local T = tonumber(A.T or "1000")
local n = tonumber(A.n or "4000")
local T_stdp = tonumber(A.T_stdp or "5000")
local out = A.out or "energy.csv"
local chips = {}
for c in (A.chips or "loihi,truenorth,spinnaker"):gmatch("[^,]+") do
  chips[#chips + 1] = c
end
local script = debug.getinfo(1, "S").source:sub(2)
local tmp = os.tmpname()

local function sh(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function read_spikes(path)
  local by = {}
  for line in io.lines(path) do
    local i, t = line:match("^(%d+) (%S+)$")
    if i then
      i = tonumber(i)
      by[i] = by[i] or {}
      by[i][#by[i] + 1] = tonumber(t)
    end
  end
  for _, l in pairs(by) do table.sort(l) end
  return by
end

local function agreement(a, b, upto)
  upto = upto or math.huge
  local na, nb, m = 0, 0, 0
  for _, l in pairs(a) do for _, t in ipairs(l) do if t <= upto then na = na + 1 end end end
  for _, l in pairs(b) do for _, t in ipairs(l) do if t <= upto then nb = nb + 1 end end end
  for i, la in pairs(a) do
    local lb, j = b[i] or {}, 1
    for _, t in ipairs(la) do
      if t > upto then break end
      while j <= #lb and lb[j] < t - 1.0 - 1e-9 do j = j + 1 end
      if j <= #lb and math.abs(lb[j] - t) <= 1.0 + 1e-9 then
        m, j = m + 1, j + 1
      end
    end
  end
  if na + nb == 0 then return 1 end
  return 2 * m / (na + nb)
end

local rows = {}
for _, net in ipairs{ "cuba", "stdp" } do
  local ref
  local runs = { "cpu" }
  for _, c in ipairs(chips) do runs[#runs + 1] = c end
  for _, be in ipairs(runs) do
    local file = tmp .. "." .. net .. "." .. be
    local cmd = string.format("%s run %s child=1 net=%s T=%g n=%d spikes=%s -q %s 2>&1",
      sh(ap.program), sh(script), net, net == "cuba" and T or T_stdp, n, sh(file),
      be == "cpu" and "--backend cpu" or "--backend neuromorphic --set chip=" .. be)
    local p = assert(io.popen(cmd))
    local text = p:read("a")
    p:close()
    local row = { net = net, backend = be }
    local res = text:match("result (.-)\n")
    if res then
      for k, v in res:gmatch("([%w_]+)=(%S*)") do row[k] = tonumber(v) or v end
      local spikes = read_spikes(file)
      if be == "cpu" then ref = spikes end
      row.agree = ref and agreement(ref, spikes) or ""
      row.agree100 = ref and agreement(ref, spikes, 100) or ""
    else
      -- the first reason the chip gives, or the error
      row.why = text:match("cannot run on [^\n]*\n([^\n]*)") or
                text:match("apical: ([^\n]*)") or "failed"
    end
    os.remove(file)
    rows[#rows + 1] = row
  end
end
os.remove(tmp)

local function g(v, fmt) return type(v) == "number" and string.format(fmt, v) or "-" end
print(string.format("%-5s %-10s %8s %7s %7s %11s %11s %6s %6s %10s %8s %8s", "net",
  "backend", "rate_Hz", "agree", "ag100", "energy_J", "J/synop", "chips", "cores",
  "chip_s", "wall_s", "w_upper"))
for _, r in ipairs(rows) do
  if r.why then
    print(string.format("%-5s %-10s refused: %s", r.net, r.backend, r.why))
  else
    print(string.format("%-5s %-10s %8s %7s %7s %11s %11s %6s %6s %10s %8s %8s",
      r.net, r.backend, g(r.rate, "%.2f"), g(r.agree, "%.3f"), g(r.agree100, "%.3f"),
      g(r.energy_j, "%.3g"), g(r.per_synop_j, "%.3g"), g(r.chips, "%d"),
      g(r.cores, "%d"), g(r.chip_s, "%.3g"), g(r.wall_s, "%.3f"),
      g(r.upper, "%.2f")))
  end
end
-- written under a temporary name, renamed when complete
local f = assert(io.open(out .. ".tmp", "w"))
f:write("net,backend,rate_hz,agreement,agreement_100ms,energy_j,energy_per_synop_j,chips,cores,chip_s,wall_s,w_mean,w_upper,refused\n")
for _, r in ipairs(rows) do
  local function c(v) return v == nil and "" or tostring(v) end
  f:write(table.concat({ r.net, r.backend, c(r.rate), c(r.agree), c(r.agree100), c(r.energy_j),
    c(r.per_synop_j), c(r.chips), c(r.cores), c(r.chip_s), c(r.wall_s),
    c(r.wmean), c(r.upper), r.why and ('"' .. r.why:gsub('"', "'") .. '"') or "" }, ","), "\n")
end
f:close()
assert(os.rename(out .. ".tmp", out))
print("# table written to " .. out)

if A.plot ~= "0" then
  local png = out:gsub("%.[Cc][Ss][Vv]$", "") .. ".png"
  -- the chips' runs (cpu keeps no energy count); a refusal reads n/a
  local labels, joules = {}, {}
  for _, r in ipairs(rows) do
    if r.backend ~= "cpu" then
      labels[#labels + 1] = r.net .. " " .. r.backend
      joules[#labels] = type(r.energy_j) == "number" and r.energy_j or nil
    end
  end
  assert(ap.plot.bars(labels, joules, png, { label = "energy", unit = "J",
    title = string.format("Energy per run (cuba: %d neurons, %g ms; stdp: %g ms)",
                          n, T, T_stdp) }))
  print("# plot written to " .. png)
end
