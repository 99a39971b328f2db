#!/bin/sh
# ap.nef: Nengo's bars for constant values, PES and the product, the decoded and synaptic
# forms of a connection (tests/e2e/nef.lua, the same bits on 1 and 2
# threads); the NEF experiments' figures within stated bounds; a decoded
# connection refused by a backend that cannot run it.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
# same_on_threads SCRIPT WORD: SCRIPT prints "WORD ok ..." on 1 and 2
# threads, the same line on both.
same_on_threads() {
  for th in 1 2; do
    if "$APICAL" run "$AP_TOP_SRCDIR/tests/e2e/$1" -q --threads $th \
         > "$2$th.txt" 2>&1 && grep -q "^$2 ok " "$2$th.txt"; then ok; else
      fail "$1 on $th threads:"; sed 's/^/    /' "$2$th.txt"
    fi
  done
  if cmp -s "${2}1.txt" "${2}2.txt"; then ok; else
    fail "$1: 1 and 2 threads differ: $(cat "${2}1.txt") / $(cat "${2}2.txt")"
  fi
}
same_on_threads nef.lua nef
# PES against Nengo's bar
same_on_threads nef_pes.lua pes

# The experiments, short: each closing line against its bound.
# field LINE NAME: the value of NAME=... in LINE
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# within VALUE LO HI
within() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'; }
ex=$AP_TOP_SRCDIR/scripts/experiments
line=$("$APICAL" run "$ex/nef_channel.lua" -q -- plot=0 2>&1 | tail -1)
if within "$(field "$line" rmse)" 0 0.05; then ok; else
  fail "nef_channel: rmse against the ideal above 0.05: $line"; fi
line=$("$APICAL" run "$ex/nef_channel.lua" -q -- plot=0 weights=1 2>&1 | tail -1)
if within "$(field "$line" rmse)" 0 0.05; then ok; else
  fail "nef_channel weights=1: rmse above 0.05: $line"; fi
line=$("$APICAL" run "$ex/nef_integrator.lua" -q -- plot=0 2>&1 | tail -1)
if within "$(field "$line" rmse)" 0 0.1 && within "$(field "$line" drift)" -0.1 0.1
then ok; else fail "nef_integrator: rmse above 0.1 or drift beyond 0.1: $line"; fi
line=$("$APICAL" run "$ex/nef_oscillator.lua" -q -- plot=0 T=3000 2>&1 | tail -1)
if within "$(field "$line" freq_hz)" 1.45 1.75 &&
   within "$(field "$line" amplitude_kept)" 0.8 1.2; then ok; else
  fail "nef_oscillator: frequency not 1.6 +- 0.15 Hz or amplitude not kept: $line"
fi

line=$("$APICAL" run "$ex/nef_product.lua" -q -- plot=0 2>&1 | tail -1)
if within "$(field "$line" rmse)" 0 0.2; then ok; else
  fail "nef_product: RMS error not below Nengo's 0.2: $line"; fi

# On the emulated Loihi (connections between ensembles become weights,
# decoders are solved for the chip's tick-grid rates): nengo-loihi's bar
# for the channel, RMSE at most 0.15
line=$("$APICAL" run "$ex/nef_channel.lua" -q --backend neuromorphic -- plot=0 2>&1 | tail -1)
if within "$(field "$line" rmse)" 0 0.15 && [ "$(field "$line" form)" = weights ] &&
   [ -n "$(field "$line" energy_j)" ]; then ok; else
  fail "nef_channel on loihi: RMSE above 0.15, or not weights, or no energy: $line"
fi

# PES on the emulated Loihi, against the same bar
if "$APICAL" run "$AP_TOP_SRCDIR/tests/e2e/nef_pes.lua" -q --backend neuromorphic \
     -- min_moved=0.1 > pes_chip.txt 2>&1 && grep -q "^pes ok " pes_chip.txt; then ok; else
  fail "nef_pes.lua on loihi:"; sed 's/^/    /' pes_chip.txt
fi

# a chip decodes nothing: a decoded connection from a population is
# refused, naming the way out
cat > chip.lua <<'LUA'
local ap = require "apical"
ap.setup{ dt = 1.0 }
local a = ap.population("nef_lif", 4, { bias = 2 })
local b = ap.population("nef_lif", 4)
ap.decoded{ pre = a, post = b, port = "J", dims = 1, decoders = { 1, 1, 1, 1 },
            encoders = { 1, 1, 1, 1 } }
ap.run(10)
LUA
expect_error "decoded on a chip" "cannot run decoded connections from populations" \
  "$APICAL" run chip.lua -q --backend neuromorphic
finish
