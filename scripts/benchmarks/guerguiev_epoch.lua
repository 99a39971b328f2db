-- One epoch of scripts/experiments/guerguiev2017.lua: the authors' spiking
-- 784-500-10 network (Guerguiev et al. 2017) trained on 60,000 MNIST
-- images (about 104 ms each) and tested on 10,000 (250 ms each).
--   apical run guerguiev_epoch.lua [data=mnist] [train=60000] [test=10000]
--       [--threads N] [--set mnist_dir=DIR]
-- With fewer images it projects the epoch from the time per image of
-- training and of testing.  Prints
--   images=<train> test_images=<test> train_s=<s> test_s=<s> epoch_s=<s>
-- then the closing line of the benchmarks (wall_s there is the time in
-- the scheduler; epoch_s includes the rules' updates and Lua).
local ap = require "apical"
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = here .. "?.lua;" .. package.path
local report = require "report"

local n = tonumber(ap.args.train or "60000")
local m = tonumber(ap.args.test or "10000")
ap.args.data = ap.args.data or "mnist"
ap.args.train, ap.args.test = tostring(n), tostring(m)
ap.args.epochs = "1"
ap.args.plot = "0"
ap.args.out = ap.args.out or "guerguiev_epoch.csv"
local t = dofile(here .. "../experiments/guerguiev2017.lua")
print(string.format("images=%d test_images=%d train_s=%.1f test_s=%.1f epoch_s=%.0f",
                    n, m, t.train_s, t.test_s,
                    t.train_s * 60000 / n + t.test_s * 10000 / m))
report.line()
