#!/bin/sh
# Whether two builds of apical give byte-identical results: runs a fixed
# set of short runs with each program and compares every output file
# byte for byte (the wall-time column of learning curves and the
# creation time of sidecars removed).  Use it before and after a change
# that must not alter numerics:
#
#   scripts/identical.sh OLD_APICAL NEW_APICAL [--mnist DIR]
#
# The runs (their files and what they print, less timings):
# tests/e2e/net.lua (spikes, V_m, two plastic projections; 1 and 2
# threads), STDP and the CUBA network on the neuromorphic backend, the
# distal-reward experiment (60 s), scripts/examples/coba.lua, and
# guerguiev2017.lua epochs=1 train=2000 test=500 on Fashion-MNIST (and on
# MNIST with --mnist).  Exit status 0 when every file matches.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 OLD_APICAL NEW_APICAL [--mnist DIR]" >&2; exit 2; }
old=$1 new=$2
shift 2
mnist=
if [ "${1:-}" = "--mnist" ]; then mnist=${2:?--mnist needs a folder}; fi
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "outputs kept in $work" || trap 'rm -rf "$work"' EXIT
for p in "$old" "$new"; do
  [ -x "$p" ] || { echo "$0: no program $p" >&2; exit 2; }
done

# name|arguments (run in its own folder; outputs are every file written)
runs="net1|$top/tests/e2e/net.lua --seed 1 -- out=r
net2|$top/tests/e2e/net.lua --seed 1 --threads 2 -- out=r
nmstdp|$top/tests/e2e/neuromorphic_plastic.lua --backend neuromorphic
nmcuba|$top/scripts/benchmarks/cuba.lua --backend neuromorphic -- n=1000 T=500 plot=cuba.png
distal|$top/scripts/experiments/izhikevich2007_distal_reward.lua -- T=60 report=20 plot=0 out=h.csv
coba|$top/scripts/examples/coba.lua
fashion|$top/scripts/experiments/guerguiev2017.lua -- data=fashion epochs=1 train=2000 test=500 out=curve.csv"
if [ -n "$mnist" ]; then
  runs="$runs
mnist|$top/scripts/experiments/guerguiev2017.lua --set mnist_dir=$mnist -- data=mnist epochs=1 train=2000 test=500 out=curve.csv"
fi

bad=0
echo "$runs" | while IFS='|' read -r name args; do
  for side in old new; do
    eval "prog=\$$side"
    d=$work/$side/$name
    mkdir -p "$d"
    # shellcheck disable=SC2086
    if ! (cd "$d" && "$prog" run $args -q > ../$name.out 2>&1); then
      echo "FAIL $name: $side program failed:"; sed 's/^/    /' "$work/$side/$name.out"
      exit 1
    fi
    # what it printed, less timings and the chip file's folder
    grep -v 'wall\|_s=' "$work/$side/$name.out" |
      sed 's|([^()]*/chips/|(.../chips/|' > "$d/stdout.txt" || true
    # sidecars: drop the creation time
    for f in "$d"/*.json; do
      [ -f "$f" ] || continue
      grep -v '"created":' "$f" > "$f.x" && mv "$f.x" "$f"
    done
    # learning curves: drop the wall-time column
    for f in "$d"/*.csv; do
      [ -f "$f" ] || continue
      if head -1 "$f" | grep -q ',wall_s$'; then
        sed 's/,[^,]*$//' "$f" > "$f.x" && mv "$f.x" "$f"
      fi
    done
  done
  files=$(cd "$work/old/$name" && ls)
  [ -n "$files" ] || { echo "FAIL $name: no output"; exit 1; }
  [ "$files" = "$(cd "$work/new/$name" && ls)" ] ||
    { echo "FAIL $name: different files written"; exit 1; }
  for f in $files; do
    if cmp -s "$work/old/$name/$f" "$work/new/$name/$f"; then
      echo "same $name/$f ($(wc -c < "$work/old/$name/$f") bytes)"
    else
      echo "DIFFERENT $name/$f"
      exit 1
    fi
  done
done || bad=1
[ $bad -eq 0 ] && echo "identical" || { echo "not identical"; exit 1; }
