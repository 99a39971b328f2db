#!/bin/sh
# Two studies of docs/experiments.md (Guerguiev et al. 2017), each a set of
# one-epoch runs of guerguiev2017.lua that differ in one setting:
#
#   scripts/experiments/guerguiev2017_study.sh differences   (MNIST)
#     the effect of each remaining option against the authors' model:
#     the whole PSP kernel, the exact soma, the window from 30 ms, no reset
#     before test images, a feedback bias;
#   scripts/experiments/guerguiev2017_study.sh fashion        (Fashion-MNIST)
#     the test error against the averaging window's length and the rate
#     mode (spiking, or the authors' non-spiking network), for the
#     guerguiev rule and backprop.
#
# Each run trains on the first 10,000 images of the epoch's shuffle and
# tests on all 10,000 test images (seed 1, one thread); the table goes to
# docs/results/guerguiev2017/STUDY.csv (setting,args,test_error,wall_s),
# one line per run as it ends, and each run's output to STUDY/NAME.txt.
# MNIST is read from $MNIST_DIR (default ../shared/data/mnist beside the
# source tree).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
apical=${APICAL:-$top/build/core/apical}
script=$top/scripts/experiments/guerguiev2017.lua
mnist=${MNIST_DIR:-$top/../shared/data/mnist}
results=${RESULTS:-$top/docs/results/guerguiev2017}
study=${1:?usage: $0 differences|fashion}

case $study in
  differences)
    data=mnist
    runs="authors:
whole_kernel:psp_memory=0
exact_soma:soma=exact
whole_kernel_exact_soma:psp_memory=0 soma=exact
window_from30:window=from30
no_test_reset:test_reset=0
feedback_bias:feedback_bias=1" ;;
  fashion)
    data=fashion
    runs="spiking_last20:
spiking_last40:window=last40
spiking_last80:window=last80 phase=100
spiking_last180:window=last180 phase=200
spiking_whole_kernel:psp_memory=0
nonspiking:mode=nonspiking
backprop_last20:rule=backprop
backprop_last80:rule=backprop window=last80 phase=100
backprop_last180:rule=backprop window=last180 phase=200" ;;
  *) echo "$0: unknown study '$study' (differences or fashion)" >&2; exit 2 ;;
esac

mkdir -p "$results/$study"
table=$results/$study.csv
[ -f "$table" ] || echo "setting,args,test_error,wall_s" > "$table"
echo "$runs" | while IFS=: read -r name args; do
  [ -n "$name" ] || continue
  if grep -q "^$name," "$table"; then
    echo "$name: done"
    continue
  fi
  out=$results/$study/$name.txt
  t0=$(date +%s)
  # shellcheck disable=SC2086
  "$apical" run "$script" -q --threads 1 --set "mnist_dir=$mnist" -- \
    data=$data train=10000 test=10000 epochs=1 plot=0 \
    out="$results/$study/$name.csv" $args > "$out" 2>&1
  t1=$(date +%s)
  err=$(sed -n 's/^epoch=1 train_error=[0-9.]* test_error=\([0-9.]*\)$/\1/p' "$out")
  echo "$name,$args,$err,$((t1 - t0))" >> "$table"
  echo "$name: $err %"
done
