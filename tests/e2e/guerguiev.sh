#!/bin/sh
# scripts/experiments/guerguiev2017.lua from a fresh clone: a short
# training run on Fashion-MNIST (installed by scripts/setup.sh; a missing
# data set is a failure, not a skip) lowers the test error well below
# the untrained network's, every option runs, and bad options are refused.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
script="$AP_TOP_SRCDIR/scripts/experiments/guerguiev2017.lua"

# 1500 examples, one epoch; the untrained network first (test0=1).
if "$APICAL" run "$script" -q train=1500 test=300 epochs=1 test0=1 \
    out=curve.csv > out.txt 2>&1; then
  e0=$(sed -n 's/^epoch=0 test_error=\([0-9.]*\)$/\1/p' out.txt)
  e1=$(sed -n 's/^epoch=1 train_error=[0-9.]* test_error=\([0-9.]*\)$/\1/p' out.txt)
  # chance is 90 %; after 1500 examples the error must have fallen by
  # at least 20 points and below 70 % (seed 1: 90 -> about 55)
  if [ -n "$e0" ] && [ -n "$e1" ] &&
      awk -v a="$e0" -v b="$e1" 'BEGIN { exit !(b < a - 20 && b < 70) }'; then
    ok
  else
    fail "training did not lower the test error (before '$e0', after '$e1'):"
    sed 's/^/    /' out.txt
  fi
  if [ "$(wc -l < curve.csv)" -eq 3 ] &&
      head -1 curve.csv | grep -q "^epoch,train_error,test_error,angle_deg,wall_s$" &&
      grep -q "^1,[0-9.]*,[0-9.]*,[0-9.]*," curve.csv; then
    ok
  else
    fail "curve.csv is not the learning curve:"
    sed 's/^/    /' curve.csv
  fi
  [ "$(od -An -tx1 -N8 curve.png 2>/dev/null | tr -d ' \n')" = 89504e470d0a1a0a ] &&
    ok || fail "no learning-curve plot curve.png beside curve.csv"
else
  fail "guerguiev2017.lua train=1500 failed:"
  sed 's/^/    /' out.txt
fi

# Two short epochs on a tiny subset: the training error falls.
if "$APICAL" run "$script" -q train=600 test=20 epochs=2 out=t.csv \
    > out.txt 2>&1; then
  t1=$(sed -n 's/^epoch=1 train_error=\([0-9.]*\) .*/\1/p' out.txt)
  t2=$(sed -n 's/^epoch=2 train_error=\([0-9.]*\) .*/\1/p' out.txt)
  if [ -n "$t1" ] && [ -n "$t2" ] &&
      awk -v a="$t1" -v b="$t2" 'BEGIN { exit !(b < a - 5) }'; then
    ok
  else
    fail "the training error did not fall (epoch 1 '$t1', epoch 2 '$t2'):"
    sed 's/^/    /' out.txt
  fi
else
  fail "guerguiev2017.lua train=600 epochs=2 failed:"
  sed 's/^/    /' out.txt
fi

# The same learning for 1 and 3 threads (the rules run on the host
# between steps; the neurons' and the backend's work is owned by target).
for t in 1 3; do
  "$APICAL" run "$script" -q train=150 test=20 epochs=1 out=th$t.csv \
    --threads $t > th$t.txt 2>&1 || fail "--threads $t run failed"
done
if grep -q "^epoch=1 " th1.txt &&
    [ "$(grep '^epoch=' th1.txt)" = "$(grep '^epoch=' th3.txt)" ] &&
    [ "$(cut -d, -f1-4 th1.csv)" = "$(cut -d, -f1-4 th3.csv)" ]; then
  ok
else
  fail "1 and 3 threads learn differently:"
  cat th1.txt th3.txt | sed 's/^/    /'
fi

# Every option runs (a few examples each).
for args in "layers=0" "layers=40,20" "rule=backprop" \
    "rule=feedback_alignment feedback=sparse" "feedback=sparse" \
    "feedback=symmetric" "feedback=learned"; do
  # shellcheck disable=SC2086
  if "$APICAL" run "$script" -q train=30 test=10 epochs=1 out=o.csv $args \
      > out.txt 2>&1 &&
      grep -q "^epoch=1 train_error=[0-9.]* test_error=[0-9.]*$" out.txt; then
    ok
  else
    fail "guerguiev2017.lua $args:"
    sed 's/^/    /' out.txt
  fi
done

expect_error "unknown data set" "data must be fashion or mnist, got cifar" \
  "$APICAL" run "$script" -q data=cifar
expect_error "symmetric feedback, two hidden layers" \
  "feedback=symmetric needs exactly one hidden layer" \
  "$APICAL" run "$script" -q feedback=symmetric layers=500,100
expect_error "learned feedback with a baseline" \
  "feedback=learned goes with rule=guerguiev" \
  "$APICAL" run "$script" -q feedback=learned rule=backprop
finish
