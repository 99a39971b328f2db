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
finish
