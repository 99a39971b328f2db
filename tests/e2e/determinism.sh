#!/bin/sh
# Same seed, same network and same results, whatever the thread setting;
# another seed, other results.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
net="$AP_TOP_SRCDIR/tests/e2e/net.lua"
"$APICAL" run "$net" --seed 1 out=a -q > a.txt 2>&1 || { fail "run a"; cat a.txt; }
"$APICAL" run "$net" --seed 1 out=b -q > b.txt 2>&1 || fail "run b"
"$APICAL" run "$net" --seed 1 --threads 2 out=c -q > c.txt 2>&1 || fail "run c"
"$APICAL" run "$net" --seed 2 out=d -q > d.txt 2>&1 || fail "run d"
lines=$(wc -l < a_spikes.csv)
[ "$lines" -gt 100 ] && ok || fail "too few spikes ($lines lines) to compare"
for f in spikes vm w_stdp w_da; do
  cmp -s a_$f.csv b_$f.csv && ok || fail "same seed, different $f"
  cmp -s a_$f.csv c_$f.csv && ok || fail "--threads 2 changed the $f"
done
# the rules did change the weights (against the same network, static)
"$APICAL" run "$net" --seed 1 static=1 out=e -q > e.txt 2>&1 || { fail "run e"; cat e.txt; }
for f in w_stdp w_da; do
  [ -s e_$f.csv ] && ! cmp -s a_$f.csv e_$f.csv && ok || fail "the rule left $f unchanged"
done
cmp -s a_spikes.csv d_spikes.csv && fail "seed 2 gave the results of seed 1" || ok
finish
