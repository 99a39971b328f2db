-- Training speed of the segregated-dendrite network of guerguiev2017.lua
-- (784-500-10, Fashion-MNIST, spiking, the paper's phase lengths): trains
-- on `train` images (no test) and projects the time of one epoch of
-- 60,000 images from the wall time per image.
--   apical run guerguiev_epoch.lua [train=6000] [rule=guerguiev] [--threads N]
-- Prints `images=<n> wall_s=<s> per_image_ms=<ms> epoch_s=<s>`, then the
-- closing line of the benchmarks (wall_s there is the time in the
-- scheduler; the first line's includes the rules' updates and Lua).
local ap = require "apical"
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
package.path = here .. "?.lua;" .. package.path
local report = require "report"

local n = tonumber(ap.args.train or "6000")
ap.args.train = tostring(n)
ap.args.test = "1"
ap.args.epochs = "1"
ap.args.out = ap.args.out or "guerguiev_epoch.csv"
local t0 = os.time()
dofile(here .. "../experiments/guerguiev2017.lua")
local wall = os.difftime(os.time(), t0)
-- the test image (250 ms) is less than 0.1 % of the run; not removed
print(string.format("images=%d wall_s=%.0f per_image_ms=%.2f epoch_s=%.0f",
                    n, wall, 1000 * wall / n, 60000 * wall / n))
report.line()
