#!/bin/sh
# Snapshots (docs/reliability.md): a run stopped at a step and resumed
# from its snapshot ends with the bytes of the run never stopped -- spikes,
# state and weight recordings, a streamed file, every projection's
# weights, the callbacks' Lua state and math.random -- whether it was
# killed (SIGKILL, after a periodic snapshot), stopped by SIGTERM (its
# final snapshot), or snapshot by the script from a callback; on another
# thread count; with a script that resumes itself from a kept table; and
# under mpirun on another layout (2 x 1 written, 1 x 2 restored, and the
# reverse; SIGTERM to one process stops both at one step).  Truncated, changed and foreign files, and a script whose
# network or runs differ, are refused with a message naming the file and
# what differs, before anything runs, and write nothing.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"

S="$AP_TOP_SRCDIR/tests/e2e/snapshot.lua"
FILES="spikes.csv wrec.csv v.npy p1.csv p2.csv p3.csv pes.csv stream.csv end.txt"
# every argument of the stopped and resumed runs alike
ARGS="stop=250 snap=150"

# same DIR PREFIX WHAT: the files of PREFIX in DIR are those of the
# uninterrupted run
same() {
  for f in $FILES; do
    # the callbacks' counter is Lua's own: kept only by ap.keep
    [ $f = end.txt ] && [ $1 != keep ] && continue
    if cmp -s "$WORK/full/full_$f" "$WORK/$1/$2_$f"; then ok; else
      fail "$3: $f differs from the uninterrupted run's"
    fi
  done
}

mkdir full && (cd full && "$APICAL" run "$S" -q out=full -- $ARGS > out.txt 2>&1) ||
  { fail "the uninterrupted run:"; sed 's/^/    /' full/out.txt; }

# killed after the periodic snapshot at 200 ms, resumed
mkdir kill && cd kill
KILL_ME=1 "$APICAL" run "$S" -q out=cut --snapshot p.apsnap \
  --snapshot-every 100 -- $ARGS > out.txt 2>&1
rc=$?
if [ $rc -ne 0 ] && [ -s p.apsnap ] && ! [ -e cut_spikes.csv ]; then ok; else
  fail "SIGKILL at 250 ms: status $rc, or no snapshot, or results written"
fi
if "$APICAL" run "$S" -q out=cut --restore p.apsnap -- $ARGS > out.txt 2>&1
then same kill cut "killed at 250 ms, resumed from 200 ms"; else
  fail "resuming the killed run:"; sed 's/^/    /' out.txt
fi
# the streamed file's partial copy is gone with the run's end
if ls ./*.part > /dev/null 2>&1; then fail "a .part file was left"; else ok; fi
cd ..

# stopped by SIGTERM: a final snapshot at the next stopping point
mkdir term && cd term
KILL_ME=1 "$APICAL" run "$S" -q out=cut --snapshot t.apsnap -- $ARGS sig=TERM \
  > out.txt 2> err.txt
rc=$?
if [ $rc -ne 0 ] && grep -q "stopped by SIGTERM at t = 300 ms" err.txt; then
  ok; else fail "SIGTERM: status $rc:"; sed 's/^/    /' err.txt
fi
if "$APICAL" run "$S" -q out=cut --restore t.apsnap -- $ARGS > out.txt 2>&1
then same term cut "stopped by SIGTERM, resumed"; else
  fail "resuming after SIGTERM:"; sed 's/^/    /' out.txt
fi
cd ..

# the script's own snapshot from a callback at 150 ms, on 2 threads
mkdir call && cd call
"$APICAL" run "$S" -q out=first --threads 1 -- $ARGS > out.txt 2>&1 &&
  "$APICAL" run "$S" -q out=cut --threads 2 --restore snap.apsnap -- $ARGS \
    > out.txt 2>&1
if [ $? -eq 0 ]; then same call cut "ap.snapshot at 150 ms, 1 -> 2 threads"
else fail "ap.snapshot from a callback:"; sed 's/^/    /' out.txt; fi
cd ..

# a script that resumes itself: its loop position and counter kept
mkdir keep && cd keep
KILL_ME=1 "$APICAL" run "$S" -q out=cut --snapshot k.apsnap \
  --snapshot-every 100 -- $ARGS keep=1 > out.txt 2>&1
"$APICAL" run "$S" -q out=cut --restore k.apsnap -- $ARGS keep=1 > out.txt 2>&1 &&
  same keep cut "ap.keep and ap.restored" ||
  { fail "the kept table:"; sed 's/^/    /' out.txt; }
cd ..

# a backend with state of its own (the emulated chip's registers, its
# spikes in flight, its learning counters): restored from 1800 ms, inside
# the last of three runs, it ends as the run never stopped
mkdir chip && cd chip
sed 's/ap.run(2000)/ap.run(700) ap.run(700) ap.run(600)/' \
  "$AP_TOP_SRCDIR/tests/e2e/neuromorphic_plastic.lua" > chip.lua
if "$APICAL" run chip.lua -q --backend neuromorphic > whole.txt 2>&1 &&
   "$APICAL" run chip.lua -q --backend neuromorphic --snapshot c.apsnap \
     --snapshot-every 900 > /dev/null 2>&1 &&
   "$APICAL" run chip.lua -q --backend neuromorphic --restore c.apsnap \
     > res.txt 2> err.txt &&
   grep -q "restored c.apsnap at t = 1800 ms" err.txt &&
   grep -q "^post_spikes=" whole.txt && cmp -s whole.txt res.txt; then ok; else
  fail "the neuromorphic backend restored differs:"
  cat whole.txt res.txt err.txt | sed 's/^/    /'
fi
expect_error "a chip's snapshot on cpu" "written by backend neuromorphic" \
  "$APICAL" run chip.lua -q --restore c.apsnap
cd ..

# refusals: before anything runs, nothing written
cd kill
cp p.apsnap good.apsnap
n=$(wc -c < good.apsnap)
head -c $((n / 2)) good.apsnap > short.apsnap
cp good.apsnap flipped.apsnap
printf 'X' | dd of=flipped.apsnap bs=1 seek=$((n / 3)) conv=notrunc 2> /dev/null
printf 'not a snapshot\n' > text.apsnap
for case in "short:truncated" "flipped:checksum" "text:not a snapshot"; do
  f=${case%%:*} want=${case#*:}
  rm -f bad_*
  expect_error "restoring $f.apsnap" "$f.apsnap" "$APICAL" run "$S" -q \
    out=bad --restore $f.apsnap -- $ARGS
  if grep -qi "$want" err.txt && ! ls bad_* > /dev/null 2>&1; then ok; else
    fail "$f.apsnap: no '$want' in the message, or files written:"
    sed 's/^/    /' err.txt
  fi
done
expect_error "another network" "the script's network is not the snapshot's" "$APICAL" run \
  "$S" -q out=bad --restore good.apsnap -- $ARGS nb=41
expect_error "other runs" "do not meet the snapshot's" "$APICAL" run \
  "$S" -q out=bad --restore good.apsnap -- $ARGS lead=50
if ls bad_* > /dev/null 2>&1; then fail "a refused restore wrote files"; else ok; fi
cd ..

# another layout: processes x threads
if [ "${AP_HAVE_MPI:-1}" != 0 ] && command -v mpirun > /dev/null; then
  export LSAN_OPTIONS="suppressions=$AP_TOP_SRCDIR/tests/lsan-openmpi.supp:print_suppressions=0"
  export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0"
  export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
  export OMPI_MCA_mca_base_component_disable_dlclose=1
  MPIRUN="mpirun --allow-run-as-root --oversubscribe"
  for lay in "2:1:1:2" "1:2:2:1"; do
    wp=$(echo $lay | cut -d: -f1) wt=$(echo $lay | cut -d: -f2)
    rp=$(echo $lay | cut -d: -f3) rt=$(echo $lay | cut -d: -f4)
    d=w${wp}x${wt}r${rp}x$rt
    mkdir $d && cd $d
    if timeout 300 $MPIRUN -np $wp "$APICAL" run "$S" -q --threads $wt \
         out=first -- $ARGS > out.txt 2>&1 &&
       timeout 300 $MPIRUN -np $rp "$APICAL" run "$S" -q --threads $rt \
         out=cut --restore snap.apsnap -- $ARGS > out.txt 2>&1; then
      same $d cut "written on $wp x $wt, restored on $rp x $rt"
    else
      fail "written on $wp x $wt, restored on $rp x $rt:"; sed 's/^/    /' out.txt
    fi
    cd ..
  done
  # SIGTERM to rank 1 alone: both stop at the same step, the final
  # snapshot restores on another layout
  mkdir mpiterm && cd mpiterm
  KILL_ME=1 timeout 300 $MPIRUN -np 2 "$APICAL" run "$S" -q --snapshot m.apsnap \
    out=cut -- $ARGS sig=TERM sigrank=1 > out.txt 2>&1
  rc=$?
  if [ $rc -ne 0 ] && [ "$(grep -c 'stopped by SIGTERM at t = 300 ms' out.txt)" -ge 1 ] &&
     [ -s m.apsnap ]; then ok; else
    fail "SIGTERM to rank 1 of 2: status $rc:"; sed 's/^/    /' out.txt
  fi
  if timeout 300 $MPIRUN -np 1 "$APICAL" run "$S" -q --threads 2 out=cut \
       --restore m.apsnap -- $ARGS > out.txt 2>&1; then
    same mpiterm cut "stopped on 2 x 1 by a signal to one, restored on 1 x 2"
  else
    fail "restoring the signal's snapshot:"; sed 's/^/    /' out.txt
  fi
  cd ..
fi
finish
