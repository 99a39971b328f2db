#!/bin/sh
# A spike_source drives lif_psc_delta neurons through tsodyks_markram
# projections; the V_m jumps follow the model's recursion within 1e-6 mV
# (tests/e2e/tsodyks_markram.lua checks them), with one thread and two.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
script="$AP_TOP_SRCDIR/tests/e2e/tsodyks_markram.lua"

for threads in 1 2; do
  if "$APICAL" run "$script" --threads "$threads" -q > out$threads.txt 2>&1 &&
      grep -q "^tsodyks_markram ok" out$threads.txt; then
    ok
  else
    fail "tsodyks_markram.lua with $threads thread(s):"
    sed 's/^/    /' out$threads.txt
  fi
done
cmp -s out1.txt out2.txt && ok || fail "output depends on the thread count"
finish
