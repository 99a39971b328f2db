# Shared helpers of the end-to-end tests (sourced).
set -u
: "${APICAL:?APICAL must name the apical program (make check sets it)}"
: "${AP_TOP_SRCDIR:?AP_TOP_SRCDIR must be set (make check sets it)}"
[ -x "$APICAL" ] || { echo "FAIL: $APICAL is not executable"; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
failures=0
checks=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

ok() {
  checks=$((checks + 1))
}

# expect_error NAME 'message fragment' command...: the command must exit
# non-zero and print the fragment (fixed string) on stderr.
expect_error() {
  name=$1
  want=$2
  shift 2
  if "$@" >out.txt 2>err.txt; then
    fail "$name: exit status 0, expected an error"
    return
  fi
  # error paths must be as clean under the sanitizers as the good ones
  if grep -q "Sanitizer\|runtime error:" err.txt; then
    fail "$name: sanitizer report:"
    sed 's/^/    /' err.txt
    return
  fi
  if ! grep -qF -- "$want" err.txt; then
    fail "$name: message lacks '$want'; got:"
    sed 's/^/    /' err.txt
    return
  fi
  ok
}

# needs_cairo: a test that draws figures (scripts that plot by default)
# is skipped in a build without cairo; tests/e2e/plot.sh checks there that
# figures are refused.
needs_cairo() {
  if [ "${AP_HAVE_CAIRO:-1}" = 0 ]; then
    echo "SKIP: this build has no cairo (configure --without-cairo)"
    exit 77
  fi
}

finish() {
  echo "$checks passed, $failures failed"
  [ "$failures" -eq 0 ]
}
