#!/bin/sh
# The Lua API, asserted from a Lua script (tests/e2e/api.lua).
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
if "$APICAL" run "$AP_TOP_SRCDIR/tests/e2e/api.lua" -q alpha n=8 > out.txt 2> err.txt; then
  ok
else
  fail "api.lua failed:"; cat err.txt
fi
grep -q "^api: all assertions passed$" out.txt && ok || fail "api.lua did not finish"
# A streamed recorder matches the one kept in memory.
[ -f stream.csv ] && [ -f stream.csv.json ] && cmp -s stream.csv saved.csv && ok ||
  fail "streamed file differs from saved file"
# A network that grows between runs equals one built up front.
for mode in grow upfront; do
  "$APICAL" run "$AP_TOP_SRCDIR/tests/e2e/grow.lua" mode=$mode -q > $mode.txt 2>&1 ||
    { fail "grow.lua mode=$mode"; cat $mode.txt; }
done
cmp -s grow.csv upfront.csv && ok || fail "growing the network between runs changed the results"
[ -s grow.csv ] && ok || fail "grow.lua saved nothing"
finish
