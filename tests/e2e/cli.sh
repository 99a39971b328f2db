#!/bin/sh
# The program's commands and the settings precedence, end to end.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"

# the ABI printed is the header's
minor=$(sed -n 's/^#define AP_ABI_MINOR \([0-9]*\)$/\1/p' "$AP_TOP_SRCDIR/core/include/apical/plugin.h")
"$APICAL" --version > v.txt && grep -q "^apical [0-9]\+\.[0-9]\+\.[0-9]\+ (plugin ABI 2\.$minor)$" v.txt &&
  ok || fail "--version: $(cat v.txt)"
"$APICAL" --help > h.txt && grep -q "apical run SCRIPT.lua" h.txt && ok || fail "--help"
expect_error "no command" "usage" "$APICAL"
expect_error "unknown command" "unknown command 'frobnicate'" "$APICAL" frobnicate

"$APICAL" plugins > p.txt 2>&1 || fail "plugins exited non-zero"
for name in lif_psc_exp lif_psc_delta lif_cond_exp poisson spike_source static cpu; do
  grep -q "$name" p.txt && ok || fail "plugins does not list $name"
done
for section in "neuron models" "synapse models" "backends"; do
  grep -q "$section" p.txt && ok || fail "plugins lacks section '$section'"
done
grep -q "plugins/neurons/lif_psc_exp" p.txt && ok || fail "plugins does not say where lif_psc_exp came from"

# describe documents every parameter of lif_cond_exp with its unit.
"$APICAL" describe lif_cond_exp > d.txt || fail "describe exited non-zero"
for pu in "V_th mV" "V_reset mV" "t_ref ms" "g_L nS" "C_m pF" "E_ex mV" "E_in mV" \
          "E_L mV" "tau_syn_ex ms" "tau_syn_in ms" "I_e pA"; do
  set -- $pu
  grep -E "^ *$1 +$2 " d.txt > /dev/null && ok || fail "describe: no row '$1 $2'"
done
for s in V_m g_ex g_in ex in; do
  grep -qw "$s" d.txt && ok || fail "describe lacks $s"
done
expect_error "describe unknown" "no plugin named 'lif_cond_ex' (did you mean 'lif_cond_exp'?)" \
  "$APICAL" describe lif_cond_ex

# Precedence: defaults < config file < ap.setup < command line.
cat > show.lua <<'LUA'
local ap = require "apical"
if ap.args.setup == "yes" then ap.setup{ seed = 11, dt = 0.05 } end
local s = ap.settings()
print(string.format("seed=%d dt=%g backend=%s threads=%d", s.seed, s.dt, s.backend, s.threads))
LUA
printf 'seed = 5;\ndt = 0.2;\nthreads = 1;\n' > my.cfg
APICAL_CONFIG= "$APICAL" run show.lua -q --config /dev/null > o1.txt 2>&1
grep -q "seed=12345 dt=0.1 backend=cpu threads=1" o1.txt && ok || fail "defaults: $(cat o1.txt)"
"$APICAL" run show.lua -q --config my.cfg > o2.txt 2>&1
grep -q "seed=5 dt=0.2" o2.txt && ok || fail "config file: $(cat o2.txt)"
"$APICAL" run show.lua setup=yes -q --config my.cfg > o3.txt 2>&1
grep -q "seed=11 dt=0.05" o3.txt && ok || fail "ap.setup over config: $(cat o3.txt)"
"$APICAL" run show.lua setup=yes -q --config my.cfg --seed 9 --set dt=0.025 > o4.txt 2>&1
grep -q "seed=9 dt=0.025" o4.txt && ok || fail "command line over ap.setup: $(cat o4.txt)"
APICAL_CONFIG=my.cfg "$APICAL" run show.lua -q > o5.txt 2>&1
grep -q "seed=5" o5.txt && ok || fail "APICAL_CONFIG: $(cat o5.txt)"
mkdir -p cwd && cp my.cfg cwd/apical.cfg && (cd cwd && env -u APICAL_CONFIG "$APICAL" run ../show.lua -q) > o6.txt 2>&1
grep -q "seed=5" o6.txt && ok || fail "./apical.cfg: $(cat o6.txt)"

# Options never reach ap.args; words and key=value words do.
cat > args.lua <<'LUA'
local ap = require "apical"
print(#ap.args, ap.args[1], ap.args[2], ap.args.n, ap.args.out)
LUA
"$APICAL" run args.lua n=8000 --seed 3 out=x.csv -q > a1.txt 2>&1
grep -q "^2	n=8000	out=x.csv	8000	x.csv$" a1.txt && ok || fail "ap.args: $(cat a1.txt)"
"$APICAL" run args.lua -q -- --seed n=1 > a2.txt 2>&1
grep -q "^2	--seed	n=1	1	nil$" a2.txt && ok || fail "ap.args after --: $(cat a2.txt)"
# A progress line on a terminal during long runs, none otherwise.
if command -v script > /dev/null; then
  cat > long.lua <<'LUA'
local ap = require "apical"
local a = ap.population("lif_psc_exp", 2000, { I_e = 400 })
ap.connect(a, a, { rule = "fixed_indegree", indegree = 100 }, { weight = 1 })
ap.run(60000) -- about a second, well over the 0.25 s before the first line
LUA
  script -qec "$APICAL run long.lua" /dev/null > tty.txt 2>&1 || fail "run on a terminal"
  grep -q "\[ *[0-9]*%\] t = " tty.txt && ok || fail "no progress line on a terminal"
  "$APICAL" run long.lua > notty.txt 2>&1 || fail "run without a terminal"
  grep -q "%\] t = " notty.txt && fail "progress line written to a file" || ok
else
  fail "the script program (bsdutils) is missing"
fi
# Every plugin found is documented: describe prints its long text with a
# parameter table (at least a "Parameters" or "settings" heading).
"$APICAL" plugins > plugins.txt || fail "plugins exited non-zero"
names=$(sed -n 's/^  \([a-z_0-9]*\)  .*(from .*/\1/p' plugins.txt)
[ "$(echo "$names" | wc -w)" -ge 13 ] && ok || fail "plugins lists only: $(echo $names)"
for p in $names; do
  if "$APICAL" describe "$p" > "desc_$p.txt" 2>&1 &&
     grep -Eq "^  (Parameters|Settings)|settings \(--set|parameters" "desc_$p.txt" &&
     [ "$(wc -l < "desc_$p.txt")" -ge 15 ]; then
    ok
  else
    fail "describe $p is missing or short:"; sed 's/^/    /' "desc_$p.txt" | head -5
  fi
done
finish
