#!/bin/sh
# The compartmental neuron end to end: tests/e2e/compartmental.lua (shaped
# populations, ports, recording, refusals), the model's own checks at the
# first run, and `apical describe`.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
script="$AP_TOP_SRCDIR/tests/e2e/compartmental.lua"

if "$APICAL" run "$script" -q > out.txt 2>&1 &&
    grep -q "^compartmental ok" out.txt; then
  ok
else
  fail "compartmental.lua:"
  sed 's/^/    /' out.txt
fi

# The model checks the lists when the backend starts.
cat > badlen.lua <<'LUA'
local ap = require "apical"
ap.population("compartmental", 2, { n_comp = 3, C_m = { 100, 50 } })
ap.run(1)
LUA
expect_error "list length" \
  "neuron 1: list parameter 'C_m' has 2 values but n_comp = 3" \
  "$APICAL" run badlen.lua -q

cat > badparent.lua <<'LUA'
local ap = require "apical"
ap.population("compartmental", 2, { n_comp = 3, parent = { 0, 1, 3 } })
ap.run(1)
LUA
expect_error "parent" \
  "neuron 1, compartment 3 (d2): parent 3 must be the index of a compartment before it" \
  "$APICAL" run badparent.lua -q

cat > badrange.lua <<'LUA'
local ap = require "apical"
ap.population("compartmental", 2, { n_comp = 0 })
LUA
expect_error "n_comp range" \
  "parameter 'n_comp' of compartmental must be in [1, 16], got 0" \
  "$APICAL" run badrange.lua -q

if "$APICAL" describe compartmental > describe.txt 2>&1 &&
    grep -q "n_comp" describe.txt && grep -q "d1_ex" describe.txt; then
  ok
else
  fail "apical describe compartmental does not mention n_comp and d1_ex:"
  sed 's/^/    /' describe.txt
fi
finish
