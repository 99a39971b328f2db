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
cmp -s a_spikes.csv b_spikes.csv && cmp -s a_vm.csv b_vm.csv && ok || fail "same seed, different results"
cmp -s a_spikes.csv c_spikes.csv && cmp -s a_vm.csv c_vm.csv && ok || fail "--threads 2 changed the results"
cmp -s a_spikes.csv d_spikes.csv && fail "seed 2 gave the results of seed 1" || ok
finish
