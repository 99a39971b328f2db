#!/bin/sh
# The Urbanczik-Senn two-compartment neuron end to end:
# tests/e2e/urbanczik_neuron.lua (dendritic drive, recording, spikes,
# ports), the model's own checks at the first run, and `apical describe`.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
script="$AP_TOP_SRCDIR/tests/e2e/urbanczik_neuron.lua"

if "$APICAL" run "$script" -q > out.txt 2>&1 &&
    grep -q "^urbanczik_neuron ok" out.txt; then
  ok
else
  fail "urbanczik_neuron.lua:"
  sed 's/^/    /' out.txt
fi

# The model checks g_L_s + g_sp when the backend starts.
cat > badg.lua <<'LUA'
local ap = require "apical"
ap.population("pp_cond_exp_mc_urbanczik", 2, { g_L_s = 0, g_sp = 0 })
ap.run(1)
LUA
expect_error "no somatic conductance" \
  "neuron 1: g_L_s + g_sp must be > 0 nS" \
  "$APICAL" run badg.lua -q

# The host checks ranges when the population is made.
cat > badc.lua <<'LUA'
local ap = require "apical"
ap.population("pp_cond_exp_mc_urbanczik", 2, { C_m_p = 0 })
LUA
expect_error "capacitance" "C_m_p" "$APICAL" run badc.lua -q

if "$APICAL" describe pp_cond_exp_mc_urbanczik > describe.txt 2>&1 &&
    grep -q "dendritic_exc" describe.txt && grep -q "V_w_star" describe.txt &&
    grep -q "Mapping to NEST's names" describe.txt &&
    grep -q "phi_max" describe.txt; then
  ok
else
  fail "apical describe pp_cond_exp_mc_urbanczik is incomplete:"
  sed 's/^/    /' describe.txt
fi
finish
