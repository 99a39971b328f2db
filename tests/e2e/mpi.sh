#!/bin/sh
# Runs under mpirun (loopback only, as root: --allow-run-as-root
# --oversubscribe), the network shared out between the processes: 1, 2
# and 3 processes x 1 and 2 threads give the bytes of one process
# (spikes, state samples, NEF probes, rate neurons decoded, every
# neuron's state, every connection rule's synapses), print once and write
# each file once; learning (STDP, dopamine, a depressing synapse, PES,
# phases with credit and mirrors) gives the same weights; processes in
# different collective calls say so; an error ends every process with the
# message once; a killed process ends the run.  In a build without MPI
# the refusal instead.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"

if [ "${AP_HAVE_MPI:-1}" = 0 ]; then
  # what mpirun tells the processes it starts, without mpirun
  OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=0 \
    "$APICAL" run "$AP_TOP_SRCDIR/tests/e2e/mpi.lua" -q > out.txt 2> err.txt
  rc=$?
  if [ $rc -ne 0 ] && grep -q "built without MPI" err.txt &&
     ! [ -e spikes.csv ]; then ok; else
    fail "a build without MPI under mpirun (rank 0): status $rc:"
    sed 's/^/    /' err.txt
  fi
  OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=1 \
    "$APICAL" run "$AP_TOP_SRCDIR/tests/e2e/mpi.lua" -q > out.txt 2> err.txt
  rc=$?
  if [ $rc -ne 0 ] && ! [ -s err.txt ]; then ok; else
    fail "a build without MPI under mpirun (rank 1) said something or ran: $rc"
  fi
  finish
  exit
fi

command -v mpirun > /dev/null || { fail "no mpirun (install openmpi-bin)"; finish; exit; }
# Open MPI's own leaks are not apical's
export LSAN_OPTIONS="suppressions=$AP_TOP_SRCDIR/tests/lsan-openmpi.supp:print_suppressions=0"
# whole stacks, so that a leak inside Open MPI is seen to be there
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0"
# the shared-memory transport only: no network interface is looked at
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
# components stay loaded to the end, so that their leaks are named
export OMPI_MCA_mca_base_component_disable_dlclose=1
MPIRUN="mpirun --allow-run-as-root --oversubscribe"

mkdir one && (cd one && "$APICAL" run "$AP_TOP_SRCDIR/tests/e2e/mpi.lua" -q \
  > out.txt 2>&1) || { fail "one process:"; sed 's/^/    /' one/out.txt; }
for np in 2 3; do
  for th in 1 2; do
    d=p${np}t$th
    mkdir $d
    if (cd $d && timeout 300 $MPIRUN -np $np "$APICAL" run \
          "$AP_TOP_SRCDIR/tests/e2e/mpi.lua" -q --threads $th > out.txt 2> err.txt); then
      ok
    else
      fail "$np processes x $th threads:"; sed 's/^/    /' $d/err.txt; continue
    fi
    for f in spikes.csv vm.csv nef.txt; do
      if cmp -s one/$f $d/$f; then ok; else
        fail "$np x $th: $f differs from one process's"
      fi
    done
    if [ "$(grep -c '^mpi ok' $d/out.txt)" = 1 ]; then ok; else
      fail "$np x $th: printed $(grep -c '^mpi ok' $d/out.txt) times"
    fi
    if grep -q "size $np" $d/mine.txt && [ "$(wc -l < $d/mine.txt)" = 1 ]; then ok; else
      fail "$np x $th: the script's own file: $(cat $d/mine.txt)"
    fi
    if ls $d | grep -q "\.tmp\|\.part"; then
      fail "$np x $th: temporary files left: $(ls $d)"
    else ok; fi
  done
done

# Run SCRIPT (tests/e2e/) as one process in folder ONE, then on each
# "processes threads" layout of LAYOUTS in folders PREFIX<p>x<t>, and
# compare FILES with one process's, byte for byte.
layouts() {
  what=$1 script=$2 one=$3 prefix=$4 cfgs=$5
  shift 5
  mkdir $one && (cd $one && "$APICAL" run "$AP_TOP_SRCDIR/tests/e2e/$script" -q \
    > out.txt 2>&1) || { fail "$what, one process:"; sed 's/^/    /' $one/out.txt; }
  for cfg in $cfgs; do
    np=${cfg%x*} th=${cfg#*x}
    d=$prefix$cfg
    mkdir $d
    if (cd $d && timeout 300 $MPIRUN -np $np "$APICAL" run \
          "$AP_TOP_SRCDIR/tests/e2e/$script" -q --threads $th > out.txt 2> err.txt); then
      ok
    else
      fail "$what on $np x $th:"; sed 's/^/    /' $d/err.txt; continue
    fi
    for f in "$@"; do
      if [ -s $one/$f ] && cmp -s $one/$f $d/$f; then ok; else
        fail "$what on $np x $th: $f differs from one process's (or is missing)"
      fi
    done
  done
}

# learning: STDP, dopamine-modulated STDP (a modulator driven by spikes
# and by the script), a depressing synapse and PES give the weights and
# spikes of one process
layouts learning mpi_plastic.lua lone l "2x1 3x1 2x2" \
  spikes.csv wrec.csv p1.csv p2.csv p3.csv pes.csv

# phases: guerguiev layers passing credit down, a mirror, feedback
# alignment's per-synapse draws: the learned weights, errors and state of
# one process
layouts phases mpi_phases.lua fone f "2x1 3x2" \
  a_W0.csv a_W1.csv a_Y.txt a_E0.txt a_Ebp.txt a_E1.txt a_hb.txt a_A.txt \
  b_W0.csv b_W1.csv b_Y.txt b_E0.txt b_Ebp.txt b_E1.txt b_hb.txt b_A.txt

# every delay at least 1 ms: spikes cross once per min-delay interval of
# 10 steps (2,037 steps: 150 + 54 exchanges), with the bytes of one process
layouts interval mpi_interval.lua ione i "2x1 3x2" e.csv i.csv state.txt p1.csv p2.csv wrec.csv vm.csv
for d in i2x1 i3x2; do
  if [ "$(cat $d/exchanges.txt 2>/dev/null)" = 204 ]; then ok; else
    fail "$d: $(cat $d/exchanges.txt 2>/dev/null) exchanges, not one per interval (204)"
  fi
done

# a getter on some processes only: the processes meet in different
# collective calls, say so once and end, instead of hanging
printf 'local ap = require "apical"\nap.setup{ dt = 0.1 }\nlocal p = ap.population("lif_psc_exp", 40, { I_e = 400 })\nap.run(10)\nif ap.rank() == 0 then p:get("V_m") end\nap.run(100)\n' > getter.lua
timeout 60 $MPIRUN -np 2 "$APICAL" run -q getter.lua > out.txt 2> err.txt
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 124 ] &&
   [ "$(grep -c 'the processes are out of step' err.txt)" = 1 ] &&
   grep -q "reading the neurons' state" err.txt && grep -q "ap.rank() == ...\`" err.txt; then
  ok
else
  fail "a getter on process 0 only: status $rc:"; sed 's/^/    /' err.txt
fi
printf 'local ap = require "apical"\nap.setup{ dt = 0.1 }\nlocal p = ap.population("lif_psc_exp", 40, { I_e = 400 })\nap.run(10)\nif ap.rank() == 1 then p:get("V_m") end\n' > getter1.lua
timeout 60 $MPIRUN -np 2 "$APICAL" run -q getter1.lua > out.txt 2> err.txt
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 124 ] &&
   [ "$(grep -c 'the processes are out of step' err.txt)" = 1 ] &&
   grep -q "process 1 is reading the neurons' state" err.txt; then
  ok
else
  fail "a getter on process 1 only, at the script's end: status $rc:"; sed 's/^/    /' err.txt
fi

# decoded connections from rate neurons: the rates of every process's
# neurons gathered each step, decoded in one order
cat > rates.lua <<'LUA'
local ap = require "apical"
local nef = ap.nef
local r = nef.ensemble{ n = 50, neuron = "lif_rate" }
local s = nef.ensemble{ n = 40 }
nef.connect(nef.node(function(t) return math.sin(t / 40) end), r)
nef.connect(r, s, { func = function(x) return 0.5 * x[1] end })
local p = nef.probe(s, { synapse = 10 })
ap.run(200)
local f = assert(io.open("rates.txt", "w"))
for _, v in ipairs(p:data()) do f:write(string.format("%.17g\n", v[1])) end
f:close()
LUA
mkdir rone && (cd rone && "$APICAL" run ../rates.lua -q > out.txt 2>&1) ||
  { fail "rate neurons, one process:"; sed 's/^/    /' rone/out.txt; }
for np in 2 3; do
  mkdir r$np
  if (cd r$np && timeout 120 $MPIRUN -np $np "$APICAL" run ../rates.lua -q > out.txt 2> err.txt) &&
     [ -s rone/rates.txt ] && cmp -s rone/rates.txt r$np/rates.txt; then
    ok
  else
    fail "rate neurons decoded on $np processes: not one process's probe"; sed 's/^/    /' r$np/err.txt
  fi
done

# a backend that runs on one process says so, once
printf 'local ap = require "apical"\nap.setup{ dt = 1.0 }\nap.population("lif_psc_exp", 4)\nap.run(5)\n' > chip.lua
timeout 60 $MPIRUN -np 2 "$APICAL" run chip.lua --backend neuromorphic > out.txt 2> err.txt
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 124 ] &&
   [ "$(grep -c 'backend neuromorphic runs on one process' err.txt)" = 1 ]; then
  ok
else
  fail "the neuromorphic backend on 2 processes: status $rc:"; sed 's/^/    /' err.txt
fi

# an error on every process: printed once, every process ends, non-zero
printf 'local ap = require "apical"\nerror("boom in the script")\n' > bad.lua
timeout 60 $MPIRUN -np 2 "$APICAL" run bad.lua > out.txt 2> err.txt
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ "$(grep -c 'boom in the script' err.txt)" = 1 ]; then
  ok
else
  fail "an error on both processes: status $rc, printed $(grep -c 'boom in the script' err.txt) times:"
  sed 's/^/    /' err.txt
fi
# an error on one process only: it names itself, the run ends non-zero
printf 'local ap = require "apical"\nif ap.rank() == 1 then error("only here") end\nap.population("lif_psc_exp", 2)\nap.run(1e6)\n' > one.lua
timeout 60 $MPIRUN -np 2 "$APICAL" run -q one.lua > out.txt 2> err.txt
rc=$?
if [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q "process 1 of 2: one.lua:2: only here" err.txt; then
  ok
else
  fail "an error on process 1: status $rc:"; sed 's/^/    /' err.txt
fi

# a process killed mid-run ends the others within seconds
printf 'local ap = require "apical"\nap.setup{ dt = 0.1 }\nap.population("lif_psc_exp", 500, { I_e = 380 })\nap.run(1e8)\n' > long.lua
(timeout 120 $MPIRUN -np 2 "$APICAL" run -q long.lua > kill_out.txt 2>&1; echo $? > kill_rc.txt) &
i=0
while [ $i -lt 50 ] && [ "$(pgrep -f "run -q long.lua" | wc -l)" -lt 3 ]; do sleep 0.2; i=$((i + 1)); done
sleep 1
victim=$(pgrep -f "apical run -q long.lua" -n)
[ -n "$victim" ] && kill -9 "$victim"
i=0
while [ $i -lt 100 ] && ! [ -s kill_rc.txt ]; do sleep 0.1; i=$((i + 1)); done
if [ -s kill_rc.txt ] && [ "$(cat kill_rc.txt)" != 0 ] && [ "$(cat kill_rc.txt)" != 124 ]; then
  ok
else
  fail "a killed process did not end the run within 10 s (status $(cat kill_rc.txt 2>/dev/null))"
  pkill -9 -f "run -q long.lua"
fi
finish
