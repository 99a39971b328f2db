#!/bin/sh
# `apical check-plugin`: every built in-tree plugin conforms (exit 0, no
# FAIL and no SKIP line), and each broken fixture fails with the exact
# line that names its fault.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
: "${AP_TOP_BUILDDIR:?AP_TOP_BUILDDIR must be set (make check sets it)}"
# the neuromorphic backend's chip profiles, uninstalled
APICAL_CHIP_PATH=$AP_TOP_SRCDIR/plugins/backends/neuromorphic/chips
export APICAL_CHIP_PATH

# sanitizer reports go to standard error, whatever the exit status
clean() {
  if grep -q "Sanitizer\|runtime error:" "$2"; then
    fail "$1: sanitizer report:"
    sed 's/^/    /' "$2"
    return 1
  fi
  return 0
}

# ---------------------------------------------------- in-tree plugins
n=0
for so in "$AP_TOP_BUILDDIR"/plugins/*/*/.libs/*.so; do
  [ -f "$so" ] || continue
  n=$((n + 1))
  name=$(basename "$so")
  if "$APICAL" check-plugin "$so" >out.txt 2>err.txt; then
    if ! clean "$name" err.txt; then
      :
    elif grep -q "^FAIL \|^SKIP " out.txt; then
      fail "$name: exit status 0 but:"
      grep "^FAIL \|^SKIP " out.txt | sed 's/^/    /'
    elif ! grep -q "^summary: .*: [1-9][0-9]* passed, 0 failed, 0 skipped: conforms$" out.txt; then
      fail "$name: no summary line; got:"
      sed 's/^/    /' out.txt
    else
      ok
    fi
  else
    fail "$name: does not conform:"
    grep -v "^PASS " out.txt | sed 's/^/    /'
    sed 's/^/    /' err.txt
  fi
done
[ "$n" -gt 0 ] && ok ||
  fail "no plugin found under $AP_TOP_BUILDDIR/plugins/*/*/.libs (build first)"

# ------------------------------------------------------- broken fixtures
FX=$AP_TOP_BUILDDIR/tests/fixtures/conform/.libs

# expect_line NAME FILE.so 'exact line': check-plugin exits 1 and prints
# the line as it stands.
expect_line() {
  name=$1
  so=$2
  want=$3
  if [ ! -f "$so" ]; then
    fail "$name: fixture $so is missing (make check builds it)"
    return
  fi
  "$APICAL" check-plugin "$so" >out.txt 2>err.txt
  rc=$?
  clean "$name" err.txt || return
  if [ "$rc" -ne 1 ]; then
    fail "$name: exit status $rc, expected 1"
  elif ! grep -qxF -- "$want" out.txt; then
    fail "$name: no line '$want'; got:"
    sed 's/^/    /' out.txt
  else
    ok
  fi
}

expect_line blowup "$FX/blowup.so" \
  "FAIL neuron fixture_blowup: finite, no input: state variable 'V_m' of neuron 1 is inf after 1024 steps (10 neurons at dt 0.1 ms)"
expect_line nondet "$FX/nondet.so" \
  "FAIL neuron fixture_nondet: deterministic: a second run of the same 10000 steps ends in another state: state variable 'V_m' of neuron 1: 47.3379164 vs 47.4379164"
expect_line nondet_port "$FX/nondet.so" \
  "SKIP neuron fixture_nondet: port 'ex' used: not checked: two runs without input already differ in step 1 (see \"deterministic\")"
expect_line dead_port "$FX/dead_port.so" \
  "FAIL neuron fixture_dead_port: port 'in' used: 10000 steps of random input on it alone change no state variable and no spike of 10 neurons"
expect_line no_unit "$FX/no_doc.so" \
  "FAIL neuron fixture_no_doc: units: parameter 'tau_m' has no unit (use \"1\" for a dimensionless value)"
expect_line no_doc "$FX/no_doc.so" \
  "FAIL neuron fixture_no_doc: docs: port 'ex' has no doc line"
expect_line no_doc_long "$FX/no_doc.so" \
  "FAIL neuron fixture_no_doc: doc_long: missing: give the plugin a long doc (description, equations, a row per parameter, references)"
expect_line rule_blowup "$FX/rule_blowup.so" \
  "FAIL rule fixture_rule_blowup: finite: the weight of synapse 2 (pre 1, post 2) is inf after 87 steps"
# a file the loader refuses fails with the loader's message
bad_unit=$AP_TOP_BUILDDIR/tests/fixtures/.libs/bad_unit.so
expect_line loader_refusal "$bad_unit" \
  "FAIL load: $bad_unit: descriptor 'fixture_bad_unit': parameter 'tau_m': unit is NULL (use \"1\" for a dimensionless value)"
expect_line summary "$FX/dead_port.so" \
  "summary: $FX/dead_port.so: 11 passed, 1 failed, 0 skipped: does not conform"

# ------------------------------------------------------------ the command
# a plugin name is looked up among the plugins found
if "$APICAL" check-plugin stdp >out.txt 2>err.txt &&
    grep -q "^check-plugin .*/stdp\.so$" out.txt; then
  ok
else
  fail "check-plugin stdp (by name):"
  sed 's/^/    /' out.txt err.txt
fi
# several files: one report each; any failure fails the whole
if "$APICAL" check-plugin stdp "$FX/dead_port.so" >out.txt 2>err.txt; then
  fail "check-plugin with a failing file exits 0"
else
  [ "$(grep -c '^summary: ' out.txt)" -eq 2 ] && ok ||
    fail "two files should give two summaries; got: $(grep '^summary' out.txt)"
fi
expect_error unknown_name \
  "apical: check-plugin: no plugin named 'stdp_tripet' (did you mean 'stdp_triplet'?); give the path of its .so file, or see 'apical plugins' for the plugins found and their files" \
  "$APICAL" check-plugin stdp_tripet
expect_error no_argument "usage: apical check-plugin PATH.so|NAME..." \
  "$APICAL" check-plugin
"$APICAL" --help | grep -q "apical check-plugin PATH.so|NAME" && ok ||
  fail "--help does not list check-plugin"
finish
