#!/bin/sh
# The MNIST runs of docs/experiments.md (Guerguiev et al. 2017), each
# resumable: a run saves a checkpoint after every epoch and, started
# again, continues from it with the numbers an uninterrupted run gives.
#
#   scripts/experiments/guerguiev2017_runs.sh [--threads N] NAME...
#   scripts/experiments/guerguiev2017_runs.sh --list
#
# Each run writes to docs/results/guerguiev2017/NAME/: log.txt (appended,
# one block per start), curve.csv and curve.png (the learning curve),
# checkpoint.bin, and for `random` angle.csv.  A finished run (its final
# tests in log.txt, or its last epoch for runs without them) is skipped.
# MNIST is read from $MNIST_DIR (default ../shared/data/mnist beside the
# source tree); the program is build/core/apical (scripts/setup.sh).
# Runs take hours: start them in the background, e.g.
#   nohup scripts/experiments/guerguiev2017_runs.sh random > /dev/null 2>&1 &
# and put their curves into docs/experiments.md with
#   build/core/apical run scripts/experiments/guerguiev2017_table.lua -q \
#       update=docs/experiments.md
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
apical=${APICAL:-$top/build/core/apical}
script=$top/scripts/experiments/guerguiev2017.lua
mnist=${MNIST_DIR:-$top/../shared/data/mnist}
results=${RESULTS:-$top/docs/results/guerguiev2017}
threads=1

# name: arguments of guerguiev2017.lua (learning rates: the authors'
# example script's 0.21 for every layer; see docs/experiments.md)
args_of() {
  case $1 in
    random) echo "epochs=60 feedback=random final_tests=20 test0=1 angle_epochs=10" ;;
    sparse) echo "epochs=60 feedback=sparse final_tests=20 test0=1" ;;
    two_hidden) echo "epochs=20 layers=500,100 eta=0.21,0.21,0.21 test0=1" ;;
    no_hidden) echo "epochs=20 layers=0 eta=0.21 test0=1" ;;
    backprop) echo "epochs=20 rule=backprop test0=1" ;;
    feedback_alignment) echo "epochs=20 rule=feedback_alignment test0=1" ;;
    *) return 1 ;;
  esac
}
names="random sparse two_hidden no_hidden backprop feedback_alignment"

if [ "${1:-}" = "--list" ]; then
  for n in $names; do echo "$n: $(args_of "$n")"; done
  exit 0
fi
if [ "${1:-}" = "--threads" ]; then
  threads=${2:?--threads needs a number}
  shift 2
fi
[ $# -gt 0 ] || { echo "usage: $0 [--threads N] NAME... (or --list)" >&2; exit 2; }
[ -x "$apical" ] || { echo "$0: no $apical (run scripts/setup.sh)" >&2; exit 1; }
[ -f "$mnist/train-images-idx3-ubyte.gz" ] || {
  echo "$0: MNIST not found in $mnist (set MNIST_DIR; see docs/experiments.md)" >&2
  exit 1
}
for n in "$@"; do
  a=$(args_of "$n") || { echo "$0: unknown run '$n' (--list)" >&2; exit 2; }
  d=$results/$n
  mkdir -p "$d"
  epochs=$(echo "$a" | sed 's/.*epochs=\([0-9]*\).*/\1/')
  if grep -q "^final_tests=" "$d/log.txt" 2>/dev/null ||
     { ! echo "$a" | grep -q final_tests &&
       grep -q "^epoch=$epochs " "$d/log.txt" 2>/dev/null; }; then
    echo "$n: finished (see $d/log.txt)"
    continue
  fi
  resume=""
  [ -f "$d/checkpoint.bin" ] && resume="resume=$d/checkpoint.bin"
  extra=""
  [ "$n" = random ] && extra="angle_out=$d/angle.csv"
  {
    echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC') start: $apical run $script" \
      "--threads $threads --set mnist_dir=$mnist -- data=mnist $a" \
      "out=$d/curve.csv save=$d/checkpoint.bin $extra $resume"
  } >> "$d/log.txt"
  # shellcheck disable=SC2086
  "$apical" run "$script" --threads "$threads" --set "mnist_dir=$mnist" -- \
    data=mnist $a out="$d/curve.csv" save="$d/checkpoint.bin" $extra $resume \
    >> "$d/log.txt" 2>&1
done
