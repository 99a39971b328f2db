#!/bin/sh
# The urbanczik learning rule end to end: tests/e2e/urbanczik_rule.lua
# (teacher-driven learning on the dendrite of pp_cond_exp_mc_urbanczik),
# the refusal of a postsynaptic model without the dendritic prediction,
# and `apical describe urbanczik`.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
script="$AP_TOP_SRCDIR/tests/e2e/urbanczik_rule.lua"

if "$APICAL" run "$script" -q > out.txt 2>&1 &&
    grep -q "^urbanczik_rule ok" out.txt; then
  ok
else
  fail "urbanczik_rule.lua:"
  sed 's/^/    /' out.txt
fi

# The rule needs V_w_star and dPI of the postsynaptic model (first run).
cat > badpost.lua <<'LUA'
local ap = require "apical"
local src = ap.population("poisson", 2, { rate = 10 })
local n = ap.population("lif_psc_exp", 2)
ap.connect(src, n, "all_to_all", { weight = 10, learning = "urbanczik" })
ap.run(1)
LUA
expect_error "postsynaptic model" \
  "learning rule urbanczik: the postsynaptic model lif_psc_exp lacks the state variables V_w_star, dPI" \
  "$APICAL" run badpost.lua -q

# Parameters are checked against the rule's table when the projection is
# made, and together at the first run.
cat > badwmax.lua <<'LUA'
local ap = require "apical"
local src = ap.population("poisson", 2, { rate = 10 })
local n = ap.population("pp_cond_exp_mc_urbanczik", 1)
ap.connect(src, n, "all_to_all", { weight = 10, port = "dendritic_exc",
  learning = { "urbanczik", Wmin = 5, Wmax = 1 } })
ap.run(1)
LUA
expect_error "Wmin > Wmax" "Wmin (5 pA) must not be greater than Wmax (1 pA)" \
  "$APICAL" run badwmax.lua -q

if "$APICAL" describe urbanczik > describe.txt 2>&1 &&
    grep -q "Urbanczik" describe.txt && grep -q "eta" describe.txt &&
    grep -q "tau_Delta" describe.txt && grep -q "Wmin" describe.txt &&
    grep -q "Wmax" describe.txt && grep -q "pA mV/ms" describe.txt &&
    grep -q "urbanczik_synapse" describe.txt; then
  ok
else
  fail "apical describe urbanczik is incomplete:"
  sed 's/^/    /' describe.txt
fi
finish
