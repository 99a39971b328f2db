#!/bin/sh
# Plots end to end: ap.plot from Lua (tests/e2e/plot.lua) and `apical
# plot` on the .csv and .npy files of every kind a run saves; PNG sizes
# from their IHDR chunk, SVG axis labels from their <desc>; the errors a
# user sees, with no output left behind.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"

# A build without cairo refuses every figure, from Lua and from `apical
# plot`, saying why, and writes nothing.
if [ "${AP_HAVE_CAIRO:-1}" = 0 ]; then
  cat > noplot.lua <<'LUA'
local ap = require "apical"
local p = ap.population("poisson", 5, { rate = 100 })
local r = ap.record(p, "spikes")
ap.run(50)
r:save("spikes.csv")
assert(ap.plot.raster(r, "raster.png"))
LUA
  why="this apical was built without cairo (configure --without-cairo)"
  expect_error "ap.plot without cairo" "$why" "$APICAL" run noplot.lua -q
  [ -f spikes.csv ] && [ ! -e raster.png ] && ok ||
    fail "without cairo: spikes.csv missing or raster.png written"
  expect_error "apical plot without cairo" "$why" "$APICAL" plot spikes.csv
  [ ! -e spikes.png ] && ok || fail "apical plot wrote spikes.png without cairo"
  finish
  exit $?
fi

# png FILE W H: a PNG signature, then an IHDR chunk of W x H pixels.
png() {
  sig=$(od -An -tx1 -N8 "$1" 2>/dev/null | tr -d ' \n')
  ihdr=$(od -An -c -j12 -N4 "$1" 2>/dev/null | tr -d ' \n')
  wh=$(od -An -tu1 -j16 -N8 "$1" 2>/dev/null | awk '{ printf "%d %d", $1 * 16777216 + $2 * 65536 + $3 * 256 + $4, $5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }')
  if [ "$sig" = 89504e470d0a1a0a ] && [ "$ihdr" = IHDR ] && [ "$wh" = "$2 $3" ]; then
    ok
  else
    fail "$1: not a $2 x $3 PNG (signature $sig, chunk $ihdr, size $wh)"
  fi
}

# svg FILE TEXT...: an SVG document holding every TEXT.
svg() {
  f=$1
  shift
  head -c 200 "$f" 2>/dev/null | grep -q '<svg' || { fail "$f: not an SVG"; return; }
  for t in "$@"; do
    grep -qF -- "$t" "$f" || { fail "$f: no '$t' in it"; return; }
  done
  ok
}

if "$APICAL" run "$AP_TOP_SRCDIR/tests/e2e/plot.lua" -q > out.txt 2> err.txt; then
  ok
else
  fail "plot.lua failed:"; cat err.txt
fi
grep -q "^plot: all assertions passed$" out.txt && ok ||
  fail "plot.lua did not finish: $(cat out.txt)"

# From Lua.
png raster.png 900 600
png small.png 400 300
png vm.png 900 600
png weights.PNG 900 600
png empty.png 900 600
svg raster.svg '<title>Raster &amp; &lt;rate&gt;</title>' 'x axis: time (ms)' \
  'y axis: neuron' 'y axis: rate (Hz)'
svg vm.svg 'x axis: time (ms)' 'y axis: V_m (mV)'
svg w_history.svg 'y axis: weight (nS)'
svg rate.svg '<title>population rate</title>' 'y axis: rate (Hz)'
svg weights.svg 'x axis: weight (nS)' 'y axis: count'
svg rates.svg 'x axis: firing rate (Hz)'
svg w_last.svg 'x axis: weight (nS)'
svg table.svg '<title>error</title>' 'x axis: epoch' 'y axis: error (%)'
svg bars.svg 'y axis: energy (J)' 'bar: loihi' 'bar: truenorth' 'bar: spinnaker'
[ ! -e x.png ] && [ ! -e x ] && ok || fail "a refused ap.plot left a file"
[ ! -e no ] && ok || fail "a failed ap.plot left 'no'"

# `apical plot` on each kind of file: the default output beside it, -o.
for f in spikes.csv spikes.npy vm.csv vm.npy w.csv w.npy rate.csv syn.csv syn.npy; do
  base=${f%.*}
  ext=${f##*.}
  if "$APICAL" plot "$f" -o "$base-$ext.svg" > p.txt 2>&1; then ok; else fail "plot $f:"; cat p.txt; fi
done
svg spikes-csv.svg '<title>spikes of population 1 (lif_cond_exp), neurons 1..40</title>' \
  'x axis: time (ms)' 'y axis: neuron' 'y axis: rate (Hz)'
svg spikes-npy.svg 'y axis: neuron' 'y axis: rate (Hz)'
svg vm-csv.svg 'y axis: V_m (mV)'
svg vm-npy.svg 'y axis: V_m (mV)'
svg w-csv.svg 'x axis: time (ms)' 'y axis: weight (nS)'
svg w-npy.svg 'y axis: weight (nS)'
svg rate-csv.svg 'y axis: rate (Hz)'
svg syn-csv.svg 'x axis: weight (nS)' 'y axis: count'
svg syn-npy.svg 'x axis: weight (nS)'
"$APICAL" plot spikes.npy > p.txt 2>&1 && png spikes.png 900 600 || fail "plot spikes.npy: $(cat p.txt)"
"$APICAL" plot vm.csv -o VM.PNG > p.txt 2>&1 && png VM.PNG 900 600 || fail "plot -o VM.PNG: $(cat p.txt)"
# a CSV without its sidecar still plots: its header says what it holds
cp vm.csv bare.csv
"$APICAL" plot bare.csv -o bare.svg > p.txt 2>&1 && svg bare.svg '<title>bare.csv</title>' 'y axis: V_m' ||
  fail "plot bare.csv: $(cat p.txt)"

# Errors: a message, status 1 (2 for usage), and no output file.
expect_error missing "apical: cannot read 'none.csv': No such file or directory" \
  "$APICAL" plot none.csv
[ ! -e none.png ] && ok || fail "missing: none.png written"
printf 'a,b\n1,2\n' > other.csv
expect_error unknown "apical: cannot plot 'other.csv': unknown content (columns a,b); apical plot draws files saved by recorders and by proj:save" \
  "$APICAL" plot other.csv
[ ! -e other.png ] && ok || fail "unknown: other.png written"
expect_error ext_out "apical: cannot plot to 'vm.pdf': unknown file type (use .png or .svg)" \
  "$APICAL" plot vm.csv -o vm.pdf
[ ! -e vm.pdf ] && ok || fail "ext_out: vm.pdf written"
printf 'x\n' > data.txt
expect_error ext_in "apical: cannot plot 'data.txt': unknown file type (use the .csv or .npy file of a recorder or of proj:save)" \
  "$APICAL" plot data.txt
cp vm.npy lone.npy
expect_error no_sidecar "apical: cannot plot 'lone.npy': no sidecar 'lone.npy.json' to name its columns" \
  "$APICAL" plot lone.npy
[ ! -e lone.png ] && ok || fail "no_sidecar: lone.png written"
printf 'time_ms,sender\n1.5,2\n2.5,x\n' > bad.csv
expect_error bad_row "apical: cannot plot 'bad.csv': line 3 is not 2 numbers: '2.5,x'" \
  "$APICAL" plot bad.csv
printf 'time_ms,sender\n1.5,2,3\n' > wide.csv
expect_error wide_row "apical: cannot plot 'wide.csv': line 2 has 3 values, the header names 2 columns" \
  "$APICAL" plot wide.csv
printf '{"columns": [' > broken.csv.json
cp spikes.csv broken.csv
expect_error bad_json "apical: cannot read 'broken.csv.json': not valid JSON (at byte 13)" \
  "$APICAL" plot broken.csv
expect_error no_dir "apical: cannot write 'no/dir/vm.png': No such file or directory" \
  "$APICAL" plot vm.csv -o no/dir/vm.png
expect_error usage "apical: plot needs a file; usage: apical plot FILE [-o OUT.png|OUT.svg]" \
  "$APICAL" plot
"$APICAL" plot > /dev/null 2>&1
[ $? -eq 2 ] && ok || fail "usage: status is not 2"
"$APICAL" plot none.csv > /dev/null 2>&1
[ $? -eq 1 ] && ok || fail "missing: status is not 1"
for f in bad broken data; do
  [ ! -e $f.png ] || fail "$f.png written"
done
leftover=$(ls -a | grep '\.tmp' || true)
[ -z "$leftover" ] && ok || fail "temporary files left: $leftover"
finish
