#!/bin/sh
# The COBA example runs as written, fires at 5-50 Hz and saves its files
# with provenance sidecars.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
needs_cairo

if "$APICAL" run "$AP_TOP_SRCDIR/scripts/examples/coba.lua" >out.txt 2>err.txt; then
  ok
else
  fail "coba.lua exited non-zero"
  cat err.txt
fi
rate=$(sed -n 's/^exc rate \([0-9.]*\) Hz$/\1/p' out.txt)
if [ -n "$rate" ] && awk -v r="$rate" 'BEGIN { exit !(r >= 5 && r <= 50) }'; then
  ok
else
  fail "exc rate '$rate' not within 5-50 Hz"; cat out.txt
fi
[ "$(tail -n 1 out.txt | cut -c1-8)" = "exc rate" ] && ok || fail "script output is not last on stdout"
grep -q "simulated 1000.0 ms" err.txt && grep -q "synaptic events" err.txt && grep -q "real-time factor" err.txt &&
  ok || fail "run summary missing on stderr"
[ "$(head -n 1 coba_exc_spikes.csv)" = "time_ms,sender" ] && ok || fail "CSV header"
lines=$(wc -l < coba_exc_spikes.csv)
[ "$lines" -gt 1000 ] && ok || fail "too few spikes in CSV ($lines lines)"
# senders are 1-based within the population
awk -F, 'NR > 1 && ($2 < 1 || $2 > 3200 || $1 <= 0 || $1 > 1000) { bad = 1 } END { exit bad }' \
  coba_exc_spikes.csv && ok || fail "sender or time out of range in CSV"
head -c 6 coba_vm.npy | od -c | head -n 1 | grep -q "N   U   M   P   Y" && ok || fail "npy magic"
for f in coba_exc_spikes.png coba_vm.png; do
  [ "$(od -An -tx1 -N8 "$f" 2>/dev/null | tr -d ' \n')" = 89504e470d0a1a0a ] &&
    ok || fail "coba.lua: no PNG $f"
done
for f in coba_exc_spikes.csv.json coba_vm.npy.json; do
  [ -f "$f" ] && grep -q '"seed": *1' "$f" && grep -q '"apical_version"' "$f" &&
    grep -q '"script_sha256": *"[0-9a-f]\{64\}"' "$f" && ok || fail "sidecar $f"
done
finish
