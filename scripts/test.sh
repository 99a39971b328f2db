#!/bin/sh
# apical's whole test suite: build with warnings as errors and run
# `make check`, again under AddressSanitizer and UndefinedBehaviorSanitizer,
# again without cairo and MPI (figures and mpirun refused; the tests that
# need them check the refusals),
# then `make distcheck` (a release tarball builds and passes on its own).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup.sh --deps-only
[ -x configure ] || autoreconf -fi
jobs=$(nproc)

run_build() {
  dir=$1
  shift
  mkdir -p "build/$dir"
  (cd "build/$dir" && { [ -f Makefile ] || ../../configure "$@"; } &&
    make -j"$jobs" && make -j"$jobs" check) || {
    for log in build/"$dir"/tests/*.log build/"$dir"/tests/e2e/*.log \
               build/"$dir"/plugins/*/*/*.log; do
      [ -f "$log" ] && grep -q "^# FAIL\|FAIL:\|ERROR:" "$log" 2>/dev/null &&
        { echo "==> $log"; tail -n 40 "$log"; }
    done
    echo "test: FAILED in build/$dir"
    exit 1
  }
}

run_build check --enable-werror
run_build sanitize --enable-werror --enable-sanitizers
run_build nocairo --enable-werror --without-cairo --without-mpi
(cd build/check && make -j"$jobs" distcheck \
  DISTCHECK_CONFIGURE_FLAGS=--enable-werror)
echo "test: all suites passed (werror, sanitizers, without cairo and MPI, distcheck)"
