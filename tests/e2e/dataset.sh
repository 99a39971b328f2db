#!/bin/sh
# ap.dataset end to end: small IDX files written here (plain and gzip),
# the Lua API on them (tests/e2e/dataset.lua), the errors a user sees, the
# named sets' folders and their settings, and a real data set when this
# machine has one (MNIST's test set next to the source tree, else Debian's
# dataset-fashion-mnist); without either that part is skipped with a note,
# tests/check_dataset covering the reader.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"

# The files, written by apical's own Lua (string.pack gives the
# big-endian header); gzip is part of every Debian system.
mkdir sets empty
cat > make.lua <<'EOF'
local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end
-- n images of rows x cols whose header claims `claimed` (default n)
local function images(path, n, rows, cols, claimed)
  local t = { string.pack(">I4I4I4I4", 0x803, claimed or n, rows, cols) }
  for k = 0, n - 1 do
    for j = 0, rows * cols - 1 do t[#t + 1] = string.char((k * 40 + j * 17) % 256) end
  end
  write(path, table.concat(t))
end
local function labels(path, list)
  write(path, string.pack(">I4I4", 0x801, #list) .. string.char(table.unpack(list)))
end
images("img", 3, 2, 3)
labels("lab", { 7, 0, 9 })
images("t10k-images-3", 3, 2, 3)
labels("t10k-labels-3", { 1, 2, 3 })
images("sets/t10k-images-idx3-ubyte", 2, 2, 3)
labels("sets/t10k-labels-idx1-ubyte", { 4, 5 })
images("sets/train-images-idx3-ubyte", 3, 2, 3)
labels("sets/train-labels-idx1-ubyte", { 7, 0, 9 })
images("truncated.idx", 1, 2, 3, 5)
EOF
if "$APICAL" run make.lua -q > make.txt 2>&1; then ok; else fail "make.lua:"; cat make.txt; fi
gzip -c lab > lab.gz && rm lab
gzip -c t10k-images-3 > sets/t10k-images-idx3-ubyte.gz
gzip -c t10k-labels-3 > sets/t10k-labels-idx1-ubyte.gz

# The API, asserted from Lua.
if "$APICAL" run "$AP_TOP_SRCDIR/tests/e2e/dataset.lua" -q --set mnist_dir=sets \
    > out.txt 2> err.txt; then
  ok
else
  fail "dataset.lua failed:"; cat err.txt
fi
grep -q "^dataset: all assertions passed$" out.txt && ok ||
  fail "dataset.lua did not finish: $(cat out.txt)"

# Errors name the script's file and line.
script() { # script NAME LINES...: NAME.lua, `local ap = require "apical"` first
  name=$1
  shift
  { echo 'local ap = require "apical"'; printf '%s\n' "$@"; } > "$name.lua"
}
script missing 'ap.dataset{ images = "absent-images.gz" }'
expect_error "missing file" \
  "missing.lua:2: ap.dataset: cannot open 'absent-images.gz': No such file or directory" \
  "$APICAL" run missing.lua
script truncated 'ap.dataset{ images = "truncated.idx" }'
expect_error "truncated" \
  "truncated.lua:2: ap.dataset: truncated.idx: truncated: header says 5 images of 2x3, file holds 6 bytes of pixels" \
  "$APICAL" run truncated.lua
script mismatch 'local ds = ap.dataset{ images = "img",' \
  '  labels = "sets/t10k-labels-idx1-ubyte" }'
expect_error "count mismatch" \
  "mismatch.lua:2: ap.dataset: sets/t10k-labels-idx1-ubyte holds 2 labels but img holds 3 images" \
  "$APICAL" run mismatch.lua
script index 'local ds = ap.dataset{ images = "img" }' 'print(#ds)' \
  'local x = ds:image(#ds + 1)'
expect_error "index out of range" \
  "index.lua:4: image: index 4 is outside 1..3" "$APICAL" run index.lua

# Named sets: where the folder is missing or not configured, the message
# says which setting to change (and, for fashion, which package).
script fashion 'local ds = ap.dataset("fashion", "train")' 'print(ds)'
expect_error "fashion folder missing" \
  "fashion.lua:2: ap.dataset: no fashion set: the folder '/nonexistent' (setting fashion_dir) does not exist; install the Debian package dataset-fashion-mnist, or set fashion_dir to the folder that holds train-images-idx3-ubyte.gz (--set fashion_dir=DIR, ap.setup{ fashion_dir = DIR } or the config file)" \
  "$APICAL" run fashion.lua --set fashion_dir=/nonexistent
expect_error "fashion folder empty" \
  "fashion.lua:2: ap.dataset: no fashion train set in 'empty' (setting fashion_dir): neither train-images-idx3-ubyte.gz nor train-images-idx3-ubyte is there; install the Debian package dataset-fashion-mnist" \
  "$APICAL" run fashion.lua --set fashion_dir=empty
script mnist 'ap.dataset("mnist", "test")'
expect_error "mnist not configured" \
  "mnist.lua:2: ap.dataset: no folder is configured for the mnist set; set mnist_dir to the folder that holds t10k-images-idx3-ubyte.gz (--set mnist_dir=DIR, ap.setup{ mnist_dir = DIR } or the config file)" \
  "$APICAL" run mnist.lua
# The usual precedence: a config file < ap.setup < --set.
echo 'fashion_dir = "/from-config";' > sets.cfg
expect_error "fashion_dir from a config file" "the folder '/from-config' (setting fashion_dir)" \
  "$APICAL" run fashion.lua --config sets.cfg
script setup 'ap.setup{ fashion_dir = "/from-setup" }' 'ap.dataset("fashion", "test")'
expect_error "fashion_dir from ap.setup beats the config file" \
  "the folder '/from-setup' (setting fashion_dir)" \
  "$APICAL" run setup.lua --config sets.cfg
expect_error "fashion_dir from --set beats ap.setup" \
  "the folder '/from-cli' (setting fashion_dir)" \
  "$APICAL" run setup.lua --set fashion_dir=/from-cli

# A real data set, read through its named folder: the first image's label
# and mean intensity, and how many images each class has.
cat > real.lua <<'EOF'
local ap = require "apical"
local ds = ap.dataset(ap.args[1], "test")
local img = ds:image(1)
local sum = 0
for j = 1, #img do sum = sum + img[j] end
local per = {}
for _, l in ipairs(ds:labels()) do per[l + 1] = (per[l + 1] or 0) + 1 end
print(string.format("%d %dx%d %d %.4f %s", #ds, ds:rows(), ds:cols(),
  ds:label(1), sum / #img, table.concat(per, ",")))
EOF
# check_real NAME DIR EXPECTED: EXPECTED is "count RxC first-label classes"
check_real() {
  if ! "$APICAL" run real.lua -q --set "$1_dir=$2" -- "$1" > real.txt 2> err.txt; then
    fail "$1 test set in $2:"; cat err.txt
    return
  fi
  set -- "$1" "$2" "$3" "$(cat real.txt)"
  got=$(echo "$4" | awk '{ print $1, $2, $3, $5 }')
  [ "$got" = "$3" ] && ok || fail "$1 test set: got '$4', expected '$3' (count, size, first label, images per class)"
  # image 1's mean intensity, in [0, 1]
  echo "$4" | awk '{ exit !($4 >= 0.05 && $4 <= 0.3) }' && ok ||
    fail "$1 test set: mean intensity of image 1 is $(echo "$4" | awk '{ print $4 }'), expected 0.05..0.3"
}
mnist="$AP_TOP_SRCDIR/../shared/data/mnist"
fashion=/usr/share/datasets/fashion-mnist
if [ -f "$mnist/t10k-images-idx3-ubyte.gz" ]; then
  # MNIST's test set: its first digit is a 7; the class counts are those
  # published with the set.
  check_real mnist "$mnist" "10000 28x28 7 980,1135,1032,1010,982,892,958,1028,974,1009"
elif [ -d "$fashion" ]; then
  # Fashion-MNIST's test set: an ankle boot (9) first, 1000 per class.
  check_real fashion "$fashion" "10000 28x28 9 1000,1000,1000,1000,1000,1000,1000,1000,1000,1000"
else
  echo "note: neither $mnist nor $fashion is here; the real data set check is skipped (tests/check_dataset covers the reader)"
fi
finish
