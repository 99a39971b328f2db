#!/bin/sh
# The neuromorphic backend end to end: the same scripts on cpu and on the
# emulated chips, Loihi's integer rules reckoned independently in Lua,
# CUBA rates, energy counters against a hand count, mapping and
# quantisation reports, every refusal, and bad chip profiles.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
needs_cairo
E="$AP_TOP_SRCDIR/tests/e2e"
nm="--backend neuromorphic"

# -- one neuron: same spike steps on cpu and on the chips when the
#    parameters are exact on the chip's grid (lif_psc_delta), and for
#    lif_psc_exp, whose propagators round
for model in lif_psc_delta lif_psc_exp; do
  "$APICAL" run "$E/neuromorphic_single.lua" -q model=$model > cpu.txt 2>&1 ||
    fail "$model on cpu: $(cat cpu.txt)"
  for chip in loihi spinnaker; do
    "$APICAL" run "$E/neuromorphic_single.lua" -q model=$model $nm \
      --set chip=$chip > chip.txt 2>&1 || fail "$model on $chip: $(cat chip.txt)"
    want=$(grep '^spikes' cpu.txt)
    got=$(grep '^spikes' chip.txt)
    if [ -n "$want" ] && [ "$want" = "$got" ] &&
       [ "$(echo "$want" | wc -w)" -gt 5 ]; then ok; else
      fail "$model on $chip: spikes differ from cpu: cpu '$want', chip '$got'"
    fi
    # the recorded synaptic current starts at the same step and sums to
    # the cpu's within 0.5 % (the weight's 8-bit mantissa)
    if [ $model = lif_psc_exp ]; then
      set -- $(sed -n 's/^isyn first=\([0-9-]*\) sum=\(.*\)/\1 \2/p' cpu.txt)
      f0=${1:-x} s0=${2:-0}
      set -- $(sed -n 's/^isyn first=\([0-9-]*\) sum=\(.*\)/\1 \2/p' chip.txt)
      if [ "$f0" = "${1:-y}" ] && awk -v a="$s0" -v b="${2:-0}" \
          'BEGIN { d = (b - a) / a; exit !(a > 0 && d < 0.005 && d > -0.005) }'
      then ok; else fail "$model on $chip: I_syn_ex: cpu $f0 $s0, chip $*"; fi
    fi
    # the chip's V_m, step by step, equals the reckoning of Loihi's rules
    if [ $chip = loihi ]; then
      if grep -q 'mismatches=0$' chip.txt; then ok; else
        fail "$model on loihi: V_m departs from the rules: $(cat chip.txt)"
      fi
    fi
  done
done

# -- the current wraps at 24 bits: six inputs at the largest weight at
#    once overflow u; the reckoning follows it through the wrap, and the
#    chip's spikes part from the cpu's
"$APICAL" run "$E/neuromorphic_single.lua" -q model=lif_psc_exp w=8000 \
  burst=6 > cpu.txt 2>&1
"$APICAL" run "$E/neuromorphic_single.lua" -q model=lif_psc_exp w=8000 \
  burst=6 $nm > chip.txt 2>&1
if grep -q 'wraps=1 mismatches=0$' chip.txt; then ok; else
  fail "wrap: $(cat chip.txt)"
fi
if [ "$(grep '^spikes' cpu.txt)" != "$(grep '^spikes' chip.txt)" ]; then ok
else fail "wrap: the wrapped current changed no spike"; fi

# -- CUBA (Brette et al. 2007): excitatory rates within 10 % of cpu
cuba="$AP_TOP_SRCDIR/scripts/benchmarks/cuba.lua"
rate() { sed -n 's/^exc rate \([0-9.]*\) Hz.*/\1/p' "$1"; }
"$APICAL" run "$cuba" n=4000 T=2000 -q > cpu.txt 2>&1
for chip in loihi spinnaker; do
  "$APICAL" run "$cuba" n=4000 T=2000 -q $nm --set chip=$chip > chip.txt 2>&1
  r0=$(rate cpu.txt)
  r1=$(rate chip.txt)
  if [ -n "$r0" ] && [ -n "$r1" ] &&
     awk -v a="$r0" -v b="$r1" 'BEGIN { d = (b - a) / a; exit !(a > 1 && d < 0.1 && d > -0.1) }'
  then ok; else fail "CUBA on $chip: rate $r1 Hz against cpu's $r0 Hz"; fi
done

# -- energy counters against a hand count (neuromorphic_energy.lua):
#    2 source spikes x 2 synapses = 4 synaptic ops; 5 ticks x 2 neurons =
#    10 updates, inactive at tick 0 only (v = 0, no input), so 8 active;
#    2 spikes injected, each to 1 core (2 routes, no hops); no neuron
#    reaches threshold.  Loihi: 4 x 23.6 + 8 x 81 + 2 x 52 + 2 x 1.7 pJ =
#    849.8 pJ; chip time 5 x 465 ns barrier + per tick the busiest core:
#    17.6 + 16.8 + 23.8 + 16.8 + 16.8 ns (updates 5.3/8.4 ns each, synops
#    3.5 ns) = 2416.8 ns.  SpiNNaker: 4 x 13.3 + 10 x 26 nJ = 313.2 nJ,
#    5 ticks of 1 ms.
"$APICAL" run "$E/neuromorphic_energy.lua" -q $nm > e.txt 2>&1
for kv in synops=4 neuron_updates=10 neuron_updates_active=8 spikes=2 \
    spikes_injected=2 learning_updates=0 chips=1 cores=1 core_deliveries=2 \
    energy.synops_j=9.44e-11 energy.neurons_j=7.52e-10 \
    energy.spikes_j=3.4e-12 energy.total_j=8.498e-10 chip_s=2.4168e-06 \
    "chip=loihi post_spikes=0"; do
  key=${kv%%=*}
  want=${kv#*=}
  got=$(sed -n "s/^$key=//p" e.txt | head -n 1)
  if [ -n "$got" ] && awk -v a="$got" -v b="$want" \
      'BEGIN { if (b + 0 == b) exit !((a - b) <= 1e-9 * b && (b - a) <= 1e-9 * b); exit !(a == b) }'
  then ok; else fail "energy on loihi: $key = '$got', hand count $want"; fi
done
"$APICAL" run "$E/neuromorphic_energy.lua" -q $nm --set chip=spinnaker > e.txt 2>&1
for kv in synops=4 neuron_updates=10 energy.total_j=3.132e-07 chip_s=0.005; do
  key=${kv%%=*}
  want=${kv#*=}
  got=$(sed -n "s/^$key=//p" e.txt | head -n 1)
  if [ -n "$got" ] && awk -v a="$got" -v b="$want" \
      'BEGIN { exit !((a - b) <= 1e-9 * b && (b - a) <= 1e-9 * b) }'
  then ok; else fail "energy on spinnaker: $key = '$got', hand count $want"; fi
done

# -- the report on standard error: mapping, quantisation, energy, and the
#    one line; --compare cpu adds the peer's wall time
"$APICAL" run "$E/neuromorphic_energy.lua" $nm --compare cpu > out.txt 2> err.txt
for want in "neuromorphic: chip loihi" "mapping: 1 core on 1 chip" \
    "projection 1 (population 1 -> 2, port ex): weights 8 bits" \
    "energy_j=8.498e-10 synops=4 neuron_updates=10 spikes=2 chips=1 cores=1" \
    "compare: cpu ran the script in"; do
  if grep -qF -- "$want" err.txt; then ok; else
    fail "report lacks '$want':"
    sed 's/^/    /' err.txt
  fi
done
# the peer run's output is discarded: the script's lines come once
if [ "$(grep -c '^synops=' out.txt)" = 1 ]; then ok; else
  fail "--compare: the script's output appears $(grep -c '^synops=' out.txt) times"
fi

# -- plasticity: STDP runs on Loihi's learning engine (same post spikes as
#    cpu here, every weight moved, learning updates counted) and is
#    refused on TrueNorth
"$APICAL" run "$E/neuromorphic_plastic.lua" -q > cpu.txt 2>&1
"$APICAL" run "$E/neuromorphic_plastic.lua" -q $nm > chip.txt 2>&1
if grep -q 'changed=500 of 500 learning_updates=[1-9]' chip.txt &&
   [ "$(cut -d' ' -f1 cpu.txt)" = "$(cut -d' ' -f1 chip.txt)" ]; then ok; else
  fail "stdp on loihi: $(cat chip.txt) (cpu: $(cat cpu.txt))"
fi
expect_error "stdp on truenorth" \
  "projection 1 (population 1 -> 2, port ex): learning rule 'stdp' is plastic, and truenorth has no on-chip learning" \
  "$APICAL" run "$E/neuromorphic_plastic.lua" -q $nm --set chip=truenorth

# -- refusals, each naming the population or projection, the chip and
#    the limit, with a non-zero exit
net() { # net MODEL PARAMS CONNECT-EXTRA [dt]
  cat > net.lua <<LUA
local ap = require "apical"
ap.setup{ dt = ${4:-1.0} }
local src = ap.population("poisson", 300, { rate = 10 })
local n = ap.population("$1", 2, { $2 })
ap.connect(src, n, "all_to_all", { weight = 1, delay = 1.0 $3 })
ap.run(9)
LUA
}
net izhikevich "" ""
expect_error "no lowering" \
  "population 2 (izhikevich): the model has no chip form (its plugin declares no lowering), so loihi cannot run it" \
  "$APICAL" run net.lua -q $nm
net lif_psc_exp "sigma = 5, tau_noise = 5" ""
expect_error "coloured noise" "population 2 (lif_psc_exp): neuron 1: tau_noise = 5 ms: a correlated noise current has no chip form (white noise, tau_noise = 0, has) (on loihi)" \
  "$APICAL" run net.lua -q $nm
net lif_psc_delta "tau_m = 1e9, sigma = 5" ""
expect_error "noise on truenorth" "population 2 (lif_psc_delta): neuron 1 has white noise" \
  "$APICAL" run net.lua -q $nm --set chip=truenorth
# two current decays take two compartments per neuron on Loihi (joined),
# one on SpiNNaker, where a neuron has both currents
cat > two.lua <<'LUA'
local ap = require "apical"
ap.setup{ dt = 1.0 }
local n = ap.population("lif_psc_exp", 1500, { tau_syn_ex = 2, tau_syn_in = 5 })
ap.run(2)
local r = ap.report()
print(r.populations[1].compartments_per_neuron, r.cores)
LUA
for want in "loihi 2 3" "spinnaker 1 6"; do
  set -- $want
  got=$("$APICAL" run two.lua -q $nm --set chip=$1 2>&1 | tr -s ' \t' '  ')
  if [ "$got" = "$2 $3" ]; then ok; else
    fail "two decays on $1: compartments, cores = '$got', expected '$2 $3'"
  fi
done
net lif_psc_delta "" ""
expect_error "leak on truenorth" \
  "population 2 (lif_psc_delta): neuron 1's membrane decays (tau_m = 10 ms); truenorth neurons leak linearly" \
  "$APICAL" run net.lua -q $nm --set chip=truenorth
net lif_psc_delta "tau_m = 1e9" ""
expect_error "fan-in on truenorth" \
  "population 2 (lif_psc_delta): neuron 1 receives from 300 neurons; a truenorth core has 256 input axons" \
  "$APICAL" run net.lua -q $nm --set chip=truenorth
net lif_psc_delta "" "" 0.3
expect_error "tick" "truenorth runs ticks of 1 ms, which is not a whole number of steps of dt = 0.3 ms" \
  "$APICAL" run net.lua -q $nm --set chip=truenorth
cat > delay.lua <<'LUA'
local ap = require "apical"
ap.setup{ dt = 1.0 }
local src = ap.population("poisson", 2, { rate = 10 })
local n = ap.population("lif_psc_exp", 2)
ap.connect(src, n, "all_to_all", { weight = 1, delay = 16 })
ap.run(10)
LUA
expect_error "delay" \
  "projection 1 (population 1 -> 2, port ex): a delay of 17 ticks of 1 ms (one more for current input) is beyond spinnaker's maximum of 16" \
  "$APICAL" run delay.lua -q $nm --set chip=spinnaker
net lif_psc_exp "" ', synapse = "tsodyks_markram"'
expect_error "dynamic synapse" \
  "projection 1 (population 1 -> 2, port ex): its synapse model changes the weight it delivers spike by spike; only static synapses have a form on loihi" \
  "$APICAL" run net.lua -q $nm
net lif_psc_exp "" ", p_release = 0.5"
expect_error "release" "release probability 0.5 has no form on loihi" \
  "$APICAL" run net.lua -q $nm
cat > types.lua <<'LUA'
local ap = require "apical"
ap.setup{ dt = 1.0 }
local src = ap.population("poisson", 8, { rate = 10 })
local n = ap.population("lif_psc_delta", 2, { tau_m = 1e9 })
ap.connect(src, n, "all_to_all", { weight = ap.uniform(0.5, 1.5), delay = 1 })
ap.run(10)
LUA
expect_error "axon types" "a truenorth neuron has 4 axon types" \
  "$APICAL" run types.lua -q $nm --set chip=truenorth

# -- chip profiles: unknown names, unreadable and malformed files
net lif_psc_exp "" ""
expect_error "unknown chip" "no chip profile named 'nochip' (known: " \
  "$APICAL" run net.lua -q $nm --set chip=nochip
printf 'chip = { name = "x" \n tick_ms = ;\n};\n' > broken.cfg
expect_error "syntax" "broken.cfg:2:" "$APICAL" run net.lua -q $nm --set chip=broken.cfg
printf 'chip = { name = "x"; tick_ms = 1.0; };\n' > short.cfg
expect_error "missing key" "short.cfg: missing 'chip.cores_per_chip' (a number)" \
  "$APICAL" run net.lua -q $nm --set chip="$WORK/short.cfg"
sed 's/max_delay = 62;/max_delay = 0;/' \
  "$AP_TOP_SRCDIR/plugins/backends/neuromorphic/chips/loihi.cfg" > mine.cfg
expect_error "range" "mine.cfg:27: chip.max_delay = 0 is out of range" \
  "$APICAL" run net.lua -q $nm --set chip=mine --set chip_path="$WORK"
sed 's/u_overflow = "wrap"/u_overflow = "wrapp"/' \
  "$AP_TOP_SRCDIR/plugins/backends/neuromorphic/chips/loihi.cfg" > word.cfg
expect_error "word" 'word.cfg:41: neuron.u_overflow must be one of "clip", "wrap"; got "wrapp"' \
  "$APICAL" run net.lua -q $nm --set chip="$WORK/word.cfg"
sed 's/v_headroom = 8.0;/v_headrom = 8.0;/' \
  "$AP_TOP_SRCDIR/plugins/backends/neuromorphic/chips/loihi.cfg" > typo.cfg
expect_error "unknown key" "typo.cfg:52: unknown key 'neuron.v_headrom'" \
  "$APICAL" run net.lua -q $nm --set chip="$WORK/typo.cfg"
# a profile found through chip_path runs
sed 's/name = "loihi";/name = "myloihi";/' \
  "$AP_TOP_SRCDIR/plugins/backends/neuromorphic/chips/loihi.cfg" > myloihi.cfg
if APICAL_CHIP_PATH="$WORK" "$APICAL" run net.lua $nm --set chip=myloihi \
     > out.txt 2>&1 && grep -q "neuromorphic: chip myloihi ($WORK/myloihi.cfg)" out.txt
then ok; else fail "a user profile on APICAL_CHIP_PATH: $(cat out.txt)"; fi

# -- scripts/experiments/energy.lua, small: a row per network and backend,
#    TrueNorth's rows giving its reason, the CSV written
"$APICAL" run "$AP_TOP_SRCDIR/scripts/experiments/energy.lua" T=200 n=1000 \
  T_stdp=500 out=energy.csv -q > out.txt 2>&1
for want in "^cuba  *cpu  *[0-9.]* *1.000" "^cuba  *loihi  *[0-9.]" \
    "^cuba  *truenorth  *refused: population 1 (lif_psc_exp): port 'ex'" \
    "^cuba  *spinnaker  *[0-9.]" "^stdp  *loihi  *[0-9.]" \
    "^stdp  *truenorth  *refused: " "^stdp  *spinnaker  *[0-9.]"; do
  if grep -q "$want" out.txt; then ok; else
    fail "energy.lua: no line like '$want':"
    sed 's/^/    /' out.txt
  fi
done
if [ "$(wc -l < energy.csv)" -eq 9 ]; then ok; else fail "energy.csv: $(cat energy.csv)"; fi
[ "$(od -An -tx1 -N8 energy.png 2>/dev/null | tr -d ' \n')" = 89504e470d0a1a0a ] &&
  ok || fail "energy.lua: no plot energy.png beside energy.csv"

# -- the backend and chip from a config file (a group named after the
#    backend), as a user swaps them without touching the script
printf 'backend = "neuromorphic";\nneuromorphic = { chip = "spinnaker"; };\n' > nm.cfg
if "$APICAL" run "$E/neuromorphic_energy.lua" -q --config nm.cfg 2>&1 |
    grep -q "^chip=spinnaker"; then ok; else fail "chip from the config file"; fi

# -- changing one neuron between runs leaves the others where the chip
#    had them (the host syncs before it writes), and the chip takes the
#    new value
cat > set.lua <<'LUA'
local ap = require "apical"
ap.setup{ dt = 1.0 }
local n = ap.population("lif_psc_delta", 2, { I_e = 300, V_th = -40 })
ap.run(20)
local before = n:get("V_m")
n:slice(1):set{ V_m = -65 }
local after = n:get("V_m")
ap.run(1)
print(string.format("%.6f %.6f %.6f", before[2], after[2], after[1]))
LUA
"$APICAL" run set.lua -q > a.txt 2>&1
"$APICAL" run set.lua -q $nm > b.txt 2>&1
if read v0 v1 v2 < b.txt && [ "$v0" = "$v1" ] && [ "$v2" = "-65.000000" ] &&
   awk -v a="$v0" 'BEGIN { exit !(a > -69) }'; then ok; else
  fail "set between runs: cpu '$(cat a.txt)', chip '$(cat b.txt)'"
fi

# -- white noise: SpiNNaker draws the cpu's normal numbers (same keys), so
#    a noise-driven population fires at the cpu's rate; Loihi adds uniform
#    integers with a power-of-two amplitude, its sd within a factor
#    sqrt(2) of the model's (reported)
cat > noise.lua <<'LUA'
local ap = require "apical"
ap.setup{ dt = 1.0, seed = 5 }
local n = ap.population("lif_psc_exp", 1000, { sigma = 200, I_e = 300 })
local s = ap.record(n, "spikes")
ap.run(1000)
local r = ap.report()
print(string.format("%.4f %s", s:rate(), r and r.populations[1].noise_sd_error or "-"))
LUA
"$APICAL" run noise.lua -q > a.txt 2>&1
"$APICAL" run noise.lua -q $nm --set chip=spinnaker > b.txt 2>&1
"$APICAL" run noise.lua -q $nm > c.txt 2>&1
read r0 x < a.txt
read r1 e1 < b.txt
read r2 e2 < c.txt
if awk -v a="$r0" -v b="$r1" -v e="$e1" \
    'BEGIN { d = (b - a) / a; exit !(a > 2 && d < 0.02 && d > -0.02 && e < 1e-6) }'
then ok; else fail "noise on spinnaker: rate $r1 Hz (sd error $e1), cpu $r0 Hz"; fi
if awk -v r="$r2" -v e="$e2" 'BEGIN { exit !(r > 0.5 && e < 0.415) }'; then ok
else fail "noise on loihi: rate $r2 Hz, sd error $e2"; fi

# -- cpu keeps no report
cat > rep.lua <<'LUA'
local ap = require "apical"
local n = ap.population("lif_psc_exp", 1)
ap.run(1)
local r, msg = ap.report()
print(r == nil, msg)
LUA
if "$APICAL" run rep.lua -q | grep -q "^true.this backend keeps no report"; then ok
else fail "ap.report() on cpu"; fi

finish
