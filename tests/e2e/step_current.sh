#!/bin/sh
# Step current generators (ap.step_current) against a closed form, on a
# compartment, and their refusals: tests/e2e/step_current.lua.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
if "$APICAL" run "$AP_TOP_SRCDIR/tests/e2e/step_current.lua" -q > out.txt 2>&1 &&
   grep -q "^step_current ok$" out.txt; then ok; else
  fail "step_current.lua:"; sed 's/^/    /' out.txt
fi
finish
