#!/bin/sh
# The cpu backend gives bit-identical spikes, state and learned weights for every thread
# count, including splits of populations that do not divide evenly and
# populations too small to be split among every thread.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
net="$AP_TOP_SRCDIR/tests/e2e/net.lua"

# run NAME THREADS [ARGS...]: net.lua with seed 3, results in NAME_*.csv
run() {
  name=$1
  threads=$2
  shift 2
  if "$APICAL" run "$net" --seed 3 --threads "$threads" out="$name" "$@" \
      -q > "$name.txt" 2>&1; then
    ok
  else
    fail "run $name (--threads $threads $*)"
    sed 's/^/    /' "$name.txt"
  fi
}

# same NAME REF: NAME's spikes and V_m are byte-identical to REF's
same() {
  if cmp -s "$2_spikes.csv" "$1_spikes.csv" && cmp -s "$2_vm.csv" "$1_vm.csv" &&
     cmp -s "$2_w_stdp.csv" "$1_w_stdp.csv" && cmp -s "$2_w_da.csv" "$1_w_da.csv"
  then ok; else fail "$1 differs from $2"; fi
}

# enough NAME MIN: NAME saved at least MIN spikes
enough() {
  lines=$(wc -l < "$1_spikes.csv")
  [ "$lines" -gt "$2" ] && ok || fail "$1: too few spikes ($lines lines)"
}

run t1 1
run t2 2
run t3 3
run t0 0
enough t1 300
same t2 t1
same t3 t1
same t0 t1

# 3000 neurons: 2400 + 600 + 3000, and 7 threads split 2400 and 600
# unevenly (342/343 and 85/86 neurons per thread).
run b1 1 n=3000
run b2 2 n=3000
run b3 3 n=3000
run b7 7 n=3000
enough b1 1000
same b2 b1
same b3 b1
same b7 b1

# 100 neurons: with 3 threads the 80 excitatory ones go to two threads
# and the 20 inhibitory ones to one (at least 32 neurons a thread); the
# third thread owns no neuron of them.
run s1 1 n=100
run s3 3 n=100
enough s1 50
same s3 s1

# Fixed weights and no state recorded: the host's per-step calls then
# touch nothing the workers do, and the backend makes them beside its
# delivery (one barrier a step).  The spikes are those of one thread.
run f1 1 static=1 vm=0
run f2 2 static=1 vm=0
run f3 3 static=1 vm=0
enough f1 300
for t in f2 f3; do
  cmp -s f1_spikes.csv ${t}_spikes.csv && ok || fail "$t differs from f1"
done

# profile=1: the report gives every thread's seconds in each part of the
# steps, apical run prints them, and the numbers are the same.
cat > prof.lua <<'LUA'
local ap = require "apical"
local a = ap.population("poisson", 100, { rate = 8000 })
local b = ap.population("lif_psc_exp", 100)
ap.connect(a, b, { rule = "fixed_indegree", indegree = 1 }, { weight = 40 })
local s = ap.record(b, "spikes")
ap.run(100)
print(s:count())
local r, msg = ap.report()
if not r then print(msg) return end
local t = r.threads
print(r.steps, #t, t[1].update_s > 0 and t[2].delivery_s > 0 and
      t[1].wait_s >= 0 and t[2].host_calls_s >= 0)
LUA
"$APICAL" run prof.lua --threads 2 --set profile=1 > prof.out 2> prof.err
"$APICAL" run prof.lua --threads 2 -q > noprof.out 2>&1
if [ "$(sed -n 2p prof.out)" = "$(printf '1000\t2\ttrue')" ]; then ok
else fail "profile report: $(cat prof.out)"; fi
grep -q "^cpu profile: seconds per thread over 1000 steps" prof.err && ok ||
  fail "apical run did not print the profile"
if [ "$(sed -n 1p prof.out)" -gt 0 ] &&
   [ "$(sed -n 1p prof.out)" = "$(sed -n 1p noprof.out)" ] &&
   sed -n 2p noprof.out | grep -q "keeps no report"; then ok
else fail "with and without profile: $(cat prof.out noprof.out)"; fi
finish
