#!/bin/sh
# Modulators, lesions, rate and weight recorders, weights from Lua
# (tests/e2e/modulators.lua), and release failures (tests/e2e/release.lua).
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
if "$APICAL" run "$AP_TOP_SRCDIR/tests/e2e/modulators.lua" -q > out.txt 2> err.txt; then
  ok
else
  fail "modulators.lua failed:"; cat err.txt
fi
grep -q "^modulators: all assertions passed$" out.txt && ok || fail "modulators.lua did not finish"

rel="$AP_TOP_SRCDIR/tests/e2e/release.lua"
events() { sed -n 's/^events=//p' "$1"; }
"$APICAL" run "$rel" p=0.3 out=a -q > a.txt 2>&1 || { fail "release p=0.3"; cat a.txt; }
"$APICAL" run "$rel" p=0.3 out=b --threads 3 -q > b.txt 2>&1 || { fail "release threads 3"; cat b.txt; }
"$APICAL" run "$rel" p=0 out=c -q > c.txt 2>&1 || fail "release p=0"
"$APICAL" run "$rel" p=1 out=d -q > d.txt 2>&1 || fail "release p=1"
# 100,000 trials with p = 0.3: mean 30,000, sd 145; accept 5 sd
n=$(events a.txt)
[ -n "$n" ] && [ "$n" -gt 29275 ] && [ "$n" -lt 30725 ] && ok ||
  fail "p_release 0.3 transmitted $n of 100000 (want 30000 +- 725)"
[ "$(events c.txt)" = 0 ] && ok || fail "p_release 0 transmitted $(events c.txt)"
[ "$(events d.txt)" = 100000 ] && ok || fail "p_release 1 transmitted $(events d.txt)"
cmp -s a.csv b.csv && ok || fail "release draws depend on the thread count"
[ -s a.csv ] && ok || fail "release.lua saved nothing"
finish
