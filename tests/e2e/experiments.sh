#!/bin/sh
# The experiments and the plastic benchmark run at tiny sizes (nothing is
# timed) and print what they promise.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
needs_cairo
S="$AP_TOP_SRCDIR/scripts"

if "$APICAL" run "$S/experiments/izhikevich2007_distal_reward.lua" T=4 report=2 \
    out=hist.csv -q > izh.txt 2>&1; then ok; else fail "izhikevich2007 failed"; cat izh.txt; fi
tail -n 1 izh.txt | grep -Eq '^rewarded_weight=[0-9.]+ others_mean=[0-9.]+ wmax=4\.0$' &&
  ok || fail "izhikevich2007 last line: $(tail -n 1 izh.txt)"
[ "$(wc -l < hist.csv)" -eq 3 ] && head -n 1 hist.csv | grep -q '^time_s,rewarded_weight_mV,others_mean_mV,rewards$' &&
  ok || fail "izhikevich2007 history: $(cat hist.csv)"
[ ! -e hist.csv.part ] && ok || fail "izhikevich2007 left hist.csv.part"

# Stopped and resumed (docs/reliability.md): restored from its last
# periodic snapshot (119 s, inside the run of 80..120 s),
# and killed at whatever moment after its first one, it ends with the
# history and numbers of the run never stopped.
IZ="$S/experiments/izhikevich2007_distal_reward.lua"
izargs="T=120 report=40 plot=0"
# shellcheck disable=SC2086
if "$APICAL" run "$IZ" -q --snapshot iz.apsnap --snapshot-every 7000 -- \
     $izargs out=izfull.csv > izfull.txt 2>&1 &&
   "$APICAL" run "$IZ" -q --restore iz.apsnap -- $izargs out=izres.csv \
     > izres.txt 2>&1 &&
   [ "$(tail -n 1 izfull.txt)" = "$(tail -n 1 izres.txt)" ] &&
   cmp -s izfull.csv izres.csv && grep -q "rewards=[1-9]" izfull.txt; then
  ok; else fail "izhikevich2007 restored from 56 s differs:"
  tail -n 2 izfull.txt izres.txt | sed 's/^/    /'
fi
# shellcheck disable=SC2086
"$APICAL" run "$IZ" -q --snapshot izk.apsnap --snapshot-every 3000 -- \
  $izargs out=izkill.csv > izkill.txt 2>&1 &
pid=$!
n=0
while [ ! -s izk.apsnap ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
sleep 0.3
kill -KILL $pid 2> /dev/null
wait $pid 2> /dev/null
# shellcheck disable=SC2086
if "$APICAL" run "$IZ" -q --restore izk.apsnap -- $izargs out=izkill.csv \
     > izkill2.txt 2>&1 &&
   [ "$(tail -n 1 izfull.txt)" = "$(tail -n 1 izkill2.txt)" ] &&
   cmp -s izfull.csv izkill.csv; then ok; else
  fail "izhikevich2007 killed and resumed differs:"
  tail -n 2 izfull.txt izkill2.txt | sed 's/^/    /'
fi

if "$APICAL" run "$S/experiments/robustness.lua" stage=200 out=rob.csv -q > rob.txt 2>&1; then
  ok; else fail "robustness failed"; cat rob.txt; fi
[ "$(grep -c '^lesion=' rob.txt)" -eq 6 ] && ok || fail "robustness: $(cat rob.txt)"
[ "$(wc -l < rob.csv)" -eq 7 ] && ok || fail "robustness.csv: $(cat rob.csv)"
# silencing half the excitatory neurons removes their spikes: the rate of
# the survivors stays finite and the last stage reports 400 silenced
grep -q '^lesion=0.50 silenced=400 ' rob.txt && ok || fail "robustness: no 50 % stage"
# each saves a plot of its result beside its table
for f in hist.png rob.png; do
  [ "$(od -An -tx1 -N8 "$f" 2>/dev/null | tr -d ' \n')" = 89504e470d0a1a0a ] &&
    ok || fail "experiments: no PNG $f"
done

for v in 1 0; do
  if "$APICAL" run "$S/benchmarks/brunel_stdp.lua" scale=0.02 T=20 stdp=$v -q > b$v.txt 2>&1; then
    ok; else fail "brunel_stdp stdp=$v failed"; cat b$v.txt; fi
  tail -n 1 b$v.txt | grep -Eq '^wall_s=[0-9.]+ bio_s=0\.020 ' && ok || fail "brunel_stdp closing line"
done
grep -q '^stdp exc rate' b1.txt && grep -q '^static exc rate' b0.txt && ok || fail "brunel_stdp variants"
finish
