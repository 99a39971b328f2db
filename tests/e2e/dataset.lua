-- Assertions on ap.dataset, run by tests/e2e/dataset.sh in a folder where
-- it has written small IDX files:
--   img       3 images of 2x3 (plain)   pixel (k, j) = (k * 40 + j * 17) % 256
--   lab.gz    their labels 7, 0, 9 (gzip)
--   sets/     a named set: t10k-* as .gz (3 images) and as plain files
--             (2 images), train-* plain only (3 images); the script runs
--             with --set mnist_dir=sets
local ap = require "apical"

local function pixel(k, j) return (k * 40 + j * 17) % 256 end

-- Explicit files; gzip is found by its magic bytes, not the name.
local ds = ap.dataset{ images = "img", labels = "lab.gz" }
assert(#ds == 3 and ds:count() == 3, "count")
assert(ds:rows() == 2 and ds:cols() == 3, "dimensions")
assert(math.type(ds:rows()) == "integer", "rows() is an integer")
assert(tostring(ds) == "Dataset 3 images 2x3 (img)", tostring(ds))
assert(ds:label(1) == 7 and ds:label(2) == 0 and ds:label(3) == 9, "labels")
assert(math.type(ds:label(1)) == "integer", "label() is an integer")
local all = ds:labels()
assert(#all == 3 and all[1] == 7 and all[3] == 9, "labels()")
for k = 1, 3 do
  local img = ds:image(k)
  assert(#img == 6, "image size")
  for j = 1, 6 do
    -- pixels / 255, exactly as the division gives them
    assert(img[j] == pixel(k - 1, j - 1) / 255,
           string.format("image %d pixel %d: %s", k, j, img[j]))
  end
end
local scaled = ds:image(2, 100)
for j = 1, 6 do
  assert(math.abs(scaled[j] - pixel(1, j - 1) / 255 * 100) < 1e-12, "scale")
end

-- Without labels.
local bare = ap.dataset{ images = "img" }
assert(#bare == 3, "no labels: count")
local ok, err = pcall(bare.label, bare, 1)
assert(not ok and err:find("label: this data set has no labels", 1, true), err)

-- Indices are 1-based and checked; errors name the script and line.
ok, err = pcall(ds.image, ds, 0)
assert(not ok and err:find("^.*dataset%.lua:%d+: image: index 0 is outside 1%.%.3$"), err)
ok, err = pcall(ds.label, ds, 4)
assert(not ok and err:find("label: index 4 is outside 1..3", 1, true), err)
ok, err = pcall(ds.image, ds, 1, 0 / 0)
assert(not ok and err:find("the scale must be a finite number", 1, true), err)
ok, err = pcall(ap.dataset, { images = "img", labls = "lab.gz" })
assert(not ok and err:find("ap.dataset options has no key 'labls'; keys: images, labels", 1, true), err)
ok, err = pcall(ap.dataset, { labels = "lab.gz" })
assert(not ok and err:find("'images' must be the path of an IDX image file, got a nil", 1, true), err)
ok, err = pcall(ap.dataset, { images = "lab.gz" })
assert(not ok and err:find("lab.gz: not an IDX image file (magic 0x00000801", 1, true), err)
ok, err = pcall(ap.dataset, "mnist", "validation")
assert(not ok and err:find("the mnist set has the splits \"train\" and \"test\", not 'validation'", 1, true), err)
ok, err = pcall(ap.dataset, "fashon", "train")
assert(not ok and err:find("unknown data set 'fashon' (did you mean 'fashion'?)", 1, true), err)

-- A named set from its folder: the .gz files are preferred, plain files
-- are used when there is no .gz.
assert(ap.settings().mnist_dir == "sets", "mnist_dir from --set")
local test = ap.dataset("mnist", "test")
assert(#test == 3 and tostring(test) == "Dataset 3 images 2x3 (t10k-images-idx3-ubyte.gz)", tostring(test))
local train = ap.dataset("mnist", "train")
assert(#train == 3 and tostring(train) == "Dataset 3 images 2x3 (train-images-idx3-ubyte)", tostring(train))
assert(train:label(1) == 7, "train labels")

-- What it is for: one Poisson neuron per pixel, rate up to 100 Hz.
ap.setup{ seed = 3 }
local inputs = ap.population("poisson", ds:rows() * ds:cols())
inputs:set{ rate = ds:image(1, 100) }
local spikes = ap.record(inputs, "spikes")
ap.run(1000)
local per = {}
for _, s in ipairs(spikes:senders()) do per[s] = (per[s] or 0) + 1 end
for j = 1, 6 do
  local want = pixel(0, j - 1) / 255 * 100   -- Hz over 1 s: expected count
  local got = per[j] or 0
  assert(math.abs(got - want) <= 5 * math.sqrt(want) + 1,
         string.format("neuron %d: %d spikes for %.1f Hz", j, got, want))
end
assert(not per[1], "pixel 0 drives no spikes")

-- The folders shape no simulation: they may change after ap.run.
ap.setup{ fashion_dir = "sets" }
assert(ap.settings().fashion_dir == "sets", "fashion_dir after ap.run")

-- A data set may be dropped and collected while the script runs.
ds, bare = nil, nil
collectgarbage()
collectgarbage()
print("dataset: all assertions passed")
