-- ap.plot from Lua: every figure in PNG and SVG, options, the values it
-- returns, and its errors; then saves a file of each kind for
-- `apical plot` (tests/e2e/plot.sh).
local ap = require "apical"
ap.setup{ dt = 0.1, seed = 3 }
local n = ap.population("lif_cond_exp", 40, { I_e = 400, V_m = ap.uniform(-70, -55) })
local proj = ap.connect(n, n, { rule = "fixed_probability", p = 0.1 },
  { weight = 2, delay = 1, port = "ex", learning = { "stdp" } })
local spikes = ap.record(n, "spikes")
local vm = ap.record(n:slice(1, 3), "V_m", { interval = 0.5 })
local w = ap.record(proj, "weight", { interval = 5, synapses = { 1, 2, 3, 4 } })
local rate = ap.record(n, "rate", { bin = 5 })
ap.run(200)
assert(#spikes > 0, "the network should fire")

local function check(ok, msg)
  assert(ok == true, "expected true, got " .. tostring(ok) .. " " .. tostring(msg))
end
check(ap.plot.raster(spikes, "raster.png"))
check(ap.plot.raster(spikes, "raster.svg", { title = "Raster & <rate>", bin = 2 }))
check(ap.plot.raster(spikes, "small.png", { width = 400, height = 300 }))
check(ap.plot.trace(vm, "vm.png"))
check(ap.plot.trace(vm, "vm.svg"))
check(ap.plot.trace(w, "w_history.svg"))
check(ap.plot.trace(rate, "rate.svg"))
check(ap.plot.hist(proj:weights(), "weights.svg", { label = "weight", unit = "nS", bins = 12 }))
check(ap.plot.hist(proj:weights(), "weights.PNG"))
check(ap.plot.hist(spikes, "rates.svg"))
check(ap.plot.hist(w, "w_last.svg"))
check(ap.plot.hist({}, "empty.png"))
-- Tables: lines over any x, and bars.
check(ap.plot.trace({ x = { 1, 2, 3 }, { name = "training", values = { 80, 60, 50 } },
                      { name = "test", values = { 85, nil, 55 } } }, "table.svg",
  { xlabel = "epoch", label = "error", unit = "%" }))
check(ap.plot.bars({ "loihi", "truenorth", "spinnaker" }, { 0.0065, nil, 0.129 }, "bars.svg",
  { label = "energy", unit = "J" }))

-- A file that cannot be written: nil and a message, as io.open does.
local ok, msg = ap.plot.raster(spikes, "no/such/dir/r.png")
assert(ok == nil and msg == "cannot write 'no/such/dir/r.png': No such file or directory", msg)

-- Misuse raises, naming the argument (under pcall the function's name
-- reads '?').
local function raises(want, f, ...)
  local good, err = pcall(f, ...)
  assert(not good, "no error, expected " .. want)
  assert(err:find(want, 1, true), "got: " .. err)
end
raises("bad argument #1 to '?' (a spike recorder expected, got a recorder of V_m)",
  ap.plot.raster, vm, "x.png")
raises("bad argument #2 to '?' (cannot plot to 'x.pdf': unknown file type (use .png or .svg))",
  ap.plot.raster, spikes, "x.pdf")
raises("bad argument #1 to '?' (a recorder of a state variable, rate or weights expected",
  ap.plot.trace, spikes, "x.png")
raises("bad argument #1 to '?' (table of numbers or apical.Recorder expected, got number)",
  ap.plot.hist, 3, "x.png")
raises("bad argument #1 to '?' (entry 2 is a string, not a number)",
  ap.plot.hist, { 1, "a" }, "x.png")
raises("bad argument #3 to '?' (unknown option 'titel' (known: title, label, unit, xlabel, width, height))",
  ap.plot.trace, vm, "x.png", { titel = "V" })
raises("bad argument #3 to '?' (option 'bins' must be a whole number from 1 to 10000)",
  ap.plot.hist, { 1 }, "x.png", { bins = 0 })
raises("bad argument #3 to '?' (option 'width' must be a whole number of pixels from 300 to 10000)",
  ap.plot.raster, spikes, "x.png", { width = 20 })
raises("bad argument #1 to '?' (apical.Recorder expected, got nil)",
  ap.plot.raster, nil, "x.png")
raises("bad argument #1 to '?' (series 1 needs a name (a string))",
  ap.plot.trace, { x = { 1 }, { values = { 1 } } }, "x.png")
raises("bad argument #1 to '?' (series 2: value 1 is a boolean, not a number)",
  ap.plot.trace, { x = { 1 }, { name = "a", values = { 1 } }, { name = "b", values = { true } } }, "x.png")
raises("bad argument #3 to '?' (option 'xlabel' is for tables; a recorder's x axis is time)",
  ap.plot.trace, vm, "x.png", { xlabel = "t" })
raises("bad argument #1 to '?' (label 2 is a number, not a string)",
  ap.plot.bars, { "a", 2 }, { 1, 2 }, "x.png")
raises("bad argument #3 to '?' (cannot plot to 'x': unknown file type (use .png or .svg))",
  ap.plot.bars, { "a" }, { 1 }, "x")

spikes:save("spikes.csv")
spikes:save("spikes.npy")
vm:save("vm.csv")
vm:save("vm.npy")
w:save("w.csv")
w:save("w.npy")
rate:save("rate.csv")
proj:save("syn.csv")
proj:save("syn.npy")
print("plot: all assertions passed")
