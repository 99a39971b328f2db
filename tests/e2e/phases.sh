#!/bin/sh
# Phases (ap.phase), integration windows, mirrors and the guerguiev rule
# on a small network: tests/e2e/phases.lua.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
if "$APICAL" run "$AP_TOP_SRCDIR/tests/e2e/phases.lua" -q > out.txt 2>&1 &&
    grep -q "^phases ok" out.txt; then
  ok
else
  fail "phases.lua:"
  sed 's/^/    /' out.txt
fi
finish
