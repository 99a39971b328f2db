-- nef_product.lua -- the product of two vectors as Nengo's own test sets
-- it up (nengo/tests/test_product.py, test_sine_waves): Product(200,
-- dimensions = 5, input_magnitude = 2); a_k(t) = sqrt(2) sin(2 pi k t),
-- b_k(t) = sqrt(2) sin(2 pi (6 - k) t) (t in s); inputs through 5 ms,
-- the product probed through 5 ms and compared with a_k b_k 13 ms
-- earlier, over 1 s.  Nengo's bar: RMS error below 0.2.
--
--   apical run scripts/experiments/nef_product.lua [-- T=1000 plot=nef_product.png]
-- Ends with: nef=product rmse=... wall_s=...
local ap = require "apical"
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(here .. "nef_common.lua")
ap.setup{ dt = 1.0, seed = tonumber(ap.args.seed or "4") }
local T = tonumber(ap.args.T or "1000")
local nef, D, radius = ap.nef, 5, 2
local function wave(order)
  return function(t)
    local v = {}
    for k = 1, D do
      v[k] = math.sqrt(radius) * math.sin(order(k) * 2 * math.pi * t / 1000)
    end
    return v
  end
end
local fa, fb = wave(function(k) return k end), wave(function(k) return D + 1 - k end)
local prod = nef.product{ n = 200, dimensions = D, input_magnitude = radius }
prod.input_a(nef.node(fa))
prod.input_b(nef.node(fb))
local p = prod.probe{ synapse = 5 }
local t0 = ap.clock()
ap.run(T)
local wall = ap.clock() - t0
local t, rows = p.times(), p.data()
local delay = 13
local se, n = 0, 0
local got, want = {}, {}
for i = 1, #t do
  if t[i] >= delay then
    local a, b = fa(t[i] - delay), fb(t[i] - delay)
    for k = 1, D do
      se, n = se + (rows[i][k] - a[k] * b[k]) ^ 2, n + 1
    end
    got[#got + 1], want[#want + 1] = rows[i][1], a[1] * b[1]
  else
    got[#got + 1], want[#want + 1] = rows[i][1], 0 / 0
  end
end
common.plot(ap, ap.args.plot or "nef_product.png", t, {
  { name = "a1 b1 (decoded)", values = got }, { name = "a1 b1, 13 ms before", values = want } },
  { title = "product, dimension 1", label = "value" })
common.finish("product", math.sqrt(se / n), wall, { { "dimensions", D } })
