#!/bin/sh
# The segregated-dendrite neurons end to end: tests/e2e/segregated_dendrite.lua
# (a 3-layer network, both layers, phases and sums), the model's own
# checks at the first run, and `apical describe`.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
script="$AP_TOP_SRCDIR/tests/e2e/segregated_dendrite.lua"

if "$APICAL" run "$script" -q > out.txt 2>&1 &&
    grep -q "^segregated_dendrite ok" out.txt; then
  ok
else
  fail "segregated_dendrite.lua:"
  sed 's/^/    /' out.txt
fi

# The model checks its time constants when the backend starts.
cat > badtau.lua <<'LUA'
local ap = require "apical"
ap.population("segregated_dendrite", 2, { tau_s = 10 })
ap.run(1)
LUA
expect_error "equal time constants" \
  "neuron 1: tau_L and tau_s must differ" \
  "$APICAL" run badtau.lua -q

if "$APICAL" describe segregated_dendrite > describe.txt 2>&1 &&
    grep -q "layer = 0  hidden neuron" describe.txt &&
    grep -q "layer = 1  output neuron" describe.txt &&
    grep -q "apical" describe.txt && grep -q "sum_sigma_U" describe.txt; then
  ok
else
  fail "apical describe segregated_dendrite does not document both layers:"
  sed 's/^/    /' describe.txt
fi
finish
