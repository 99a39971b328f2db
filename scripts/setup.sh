#!/bin/sh
# Install what apical needs on Debian 12 (apt-get, as root or via sudo),
# build it in build/, and run the COBA example end to end.
#   scripts/setup.sh              install, build, run the example
#   scripts/setup.sh --deps-only  only install missing packages
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# build and tests (zlib reads gzip-compressed data sets, cairo draws the
# plots, LAPACKE on OpenBLAS solves the NEF's decoders, Open MPI runs
# across processes); the Fashion-MNIST files that ap.dataset("fashion", ...) finds by
# default; then the benchmark peers (Brian2 in C++ standalone mode needs
# g++; GNU time measures their peak memory)
pkgs="build-essential autoconf automake libtool pkg-config liblua5.4-dev \
libconfig-dev check librandom123-dev zlib1g-dev libcairo2-dev \
liblapacke-dev libopenblas-dev libopenmpi-dev openmpi-bin \
dataset-fashion-mnist python3 python3-brian g++ time"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing$missing"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
    --no-install-recommends $missing
fi
[ "${1:-}" = "--deps-only" ] && exit 0

[ -x configure ] || autoreconf -fi
mkdir -p build
cd build
[ -f Makefile ] || ../configure
make -j"$(nproc)"
mkdir -p example-output
./core/apical run ../scripts/examples/coba.lua --set output_dir=example-output
echo "setup: done; outputs in build/example-output, the program is build/core/apical"
