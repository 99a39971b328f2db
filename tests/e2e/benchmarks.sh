#!/bin/sh
# The benchmark scripts run (tiny sizes, nothing timed) and end with the
# closing line that scripts/benchmarks/compare reads.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
needs_cairo
for b in coba cuba; do
  if "$APICAL" run "$AP_TOP_SRCDIR/scripts/benchmarks/$b.lua" n=400 T=50 -q > $b.txt 2>&1; then
    ok
  else
    fail "$b.lua failed"; cat $b.txt
  fi
  tail -n 1 $b.txt | grep -Eq '^wall_s=[0-9.]+ bio_s=0\.050 rtf=[0-9.]+ events_per_s=[0-9.e+]+ bytes_per_synapse=[0-9.]+ peak_rss_mb=[0-9.]+ build_s=[0-9.]+ spikes=[0-9]+ events=[0-9]+ synapses=[0-9]+$' &&
    ok || fail "$b.lua closing line: $(tail -n 1 $b.txt)"
  grep -q "^exc rate [0-9.]* Hz$" $b.txt && ok || fail "$b.lua prints no rate"
done
# the raster of each beside the run (plot=0, as compare passes, makes none)
for f in coba.png cuba.png; do
  [ "$(od -An -tx1 -N8 "$f" 2>/dev/null | tr -d ' \n')" = 89504e470d0a1a0a ] &&
    ok || fail "benchmarks: no PNG $f"
done
mkdir quiet
(cd quiet && "$APICAL" run "$AP_TOP_SRCDIR/scripts/benchmarks/cuba.lua" n=400 T=10 plot=0 \
  -q > ../quiet.txt 2>&1) && [ -z "$(ls quiet)" ] && ok ||
  fail "cuba.lua plot=0: $(ls quiet) $(cat quiet.txt)"
# The epoch benchmark of the segregated-dendrite network, on 20 images.
if "$APICAL" run "$AP_TOP_SRCDIR/scripts/benchmarks/guerguiev_epoch.lua" \
    data=fashion train=20 test=10 -q > ge.txt 2>&1 &&
    grep -Eq '^images=20 test_images=10 train_s=[0-9.]+ test_s=[0-9.]+ epoch_s=[0-9]+$' ge.txt &&
    tail -n 1 ge.txt | grep -Eq '^wall_s=[0-9.]+ bio_s=[0-9.]+ rtf='; then
  ok
else
  fail "guerguiev_epoch.lua:"
  sed 's/^/    /' ge.txt
fi
# The integrator comparison (apical's side, short): RK2's error far below
# forward Euler's scale and far above RK4's, spikes matched.
if python3 "$AP_TOP_SRCDIR/scripts/benchmarks/integrator_error" --apical "$APICAL" \
     --T 100 --no-brian > ie.txt 2>&1 &&
   grep -Eq '^\| apical lif_cond_exp, RK4 \(integrator = 0\) \| [0-9.e-]+ \|' ie.txt &&
   awk -F'|' '/RK4/ { r4 = $3 + 0 } /RK2/ { r2 = $3 + 0 }
              END { exit !(r4 < 1e-3 && r2 > r4 && r2 < 0.1) }' ie.txt; then ok; else
  fail "scripts/benchmarks/integrator_error:"; sed 's/^/    /' ie.txt
fi
# The snapshot benchmark, on a small microcircuit: its table, and the
# restored run's rates those of the run that wrote the snapshot.
if python3 "$AP_TOP_SRCDIR/scripts/benchmarks/snapshot" --apical "$APICAL" \
     --scale 0.01 --threads 1 > snap.txt 2>&1 &&
   grep -q "^| 0.01 | [0-9]* | [0-9]* | [0-9.]* |" snap.txt &&
   grep -q "the restored run's rates equal" snap.txt; then ok; else
  fail "scripts/benchmarks/snapshot:"; sed 's/^/    /' snap.txt
fi
finish
