-- The MNIST tables of docs/experiments.md, from the runs' results
-- (scripts/experiments/guerguiev2017_runs.sh): the learning curves of
-- `random` and `sparse`, and of the 20-epoch runs, as Markdown.
--   apical run scripts/experiments/guerguiev2017_table.lua -q [results=DIR]
-- DIR defaults to docs/results/guerguiev2017 beside this script.  A run
-- without results yet shows as empty columns.
local ap = require "apical"
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local dir = ap.args.results or (here .. "../../docs/results/guerguiev2017")

-- curve.csv of run `name`: rows by epoch, and the last epoch
local function curve(name)
  local rows, last = {}, -1
  local f = io.open(dir .. "/" .. name .. "/curve.csv")
  if not f then return rows, last end
  local header = true
  for line in f:lines() do
    if header then
      header = false
    else
      local e, tr, te, ang, wall = line:match("^(%d+),([^,]*),([^,]*),([^,]*),([^,]*)$")
      if not e then error(dir .. "/" .. name .. "/curve.csv: bad line '" .. line .. "'") end
      e = tonumber(e)
      rows[e] = { train = tonumber(tr), test = tonumber(te), angle = tonumber(ang),
                  wall = tonumber(wall) }
      if e > last then last = e end
    end
  end
  f:close()
  return rows, last
end

-- the final tests' line of run `name`, or nil
local function final_tests(name)
  local f = io.open(dir .. "/" .. name .. "/log.txt")
  if not f then return nil end
  local found
  for line in f:lines() do
    local n, mean, lo, hi = line:match("^final_tests=(%d+) mean=([%d.]+) min=([%d.]+) max=([%d.]+)")
    if n then found = { n = tonumber(n), mean = mean, lo = lo, hi = hi } end
  end
  f:close()
  return found
end

local function pct(x) return x and string.format("%.2f %%", x) or "" end
local function deg(x) return x and string.format("%.1f°", x) or "" end

local random, last_r = curve("random")
local sparse, last_s = curve("sparse")
print("| epoch | random: train | random: test | angle to backprop (mean over the epoch) | sparse: train | sparse: test |")
print("| --- | --- | --- | --- | --- | --- |")
for e = 0, math.max(last_r, last_s) do
  local r, s = random[e] or {}, sparse[e] or {}
  print(string.format("| %d | %s | %s | %s | %s | %s |", e, pct(r.train), pct(r.test),
                      deg(r.angle), pct(s.train), pct(s.test)))
end
local fr, fs = final_tests("random"), final_tests("sparse")
local function ft(x)
  return x and string.format("%s %% (%s-%s, %d tests)", x.mean, x.lo, x.hi, x.n) or ""
end
print(string.format("| final weights, mean (min-max) | | %s | | | %s |", ft(fr), ft(fs)))
print("| paper, epoch 60 | | 4.1 % | | | 3.7 % |")
print()

local runs = { { "two_hidden", "784-500-100-10" }, { "no_hidden", "784-10" },
               { "backprop", "backprop" }, { "feedback_alignment", "feedback alignment" } }
local curves, last = {}, -1
for k, run in ipairs(runs) do
  local rows, l = curve(run[1])
  curves[k] = rows
  if l > last then last = l end
end
local head, rule = { "| epoch" }, { "| ---" }
for _, run in ipairs(runs) do
  head[#head + 1] = run[2] .. ": test"
  rule[#rule + 1] = "---"
end
print(table.concat(head, " | ") .. " |")
print(table.concat(rule, " | ") .. " |")
for e = 0, last do
  local cells = { "| " .. e }
  for k = 1, #runs do cells[#cells + 1] = pct((curves[k][e] or {}).test) end
  print(table.concat(cells, " | ") .. " |")
end
print()

-- wall time of each run so far
local names = { "random", "sparse" }
for _, run in ipairs(runs) do names[#names + 1] = run[1] end
for _, name in ipairs(names) do
  local rows, l = curve(name)
  if l >= 0 then
    print(string.format("- `%s`: %d epochs, %.1f h of wall time (`wall_s`)", name, l,
                        (rows[l].wall or 0) / 3600))
  end
end
