#!/bin/sh
# `apical help`: every topic prints its page, the manual page has a
# section for every topic (so the two stay in step), an unknown topic is
# refused with the closest one, and the manual page is installed.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
man="$AP_TOP_SRCDIR/docs/apical.1"
[ -f "$man" ] || { echo "FAIL: no $man"; exit 1; }
"$APICAL" help > topics.txt || fail "apical help: exit status $?"
topics=$(sed -n 's/^  \([a-z-]*\)  .*/\1/p' topics.txt)
[ "$(echo "$topics" | wc -w)" -ge 8 ] || fail "apical help lists: $topics"
for t in $topics; do
  if "$APICAL" help "$t" > page.txt && [ -s page.txt ]; then ok; else
    fail "apical help $t"
  fi
  if grep -q "^\.SS $t\$" "$man"; then ok; else
    fail "docs/apical.1 has no section '.SS $t'"
  fi
done
# and every section of the manual page is a topic
for s in $(sed -n 's/^\.SS //p' "$man"); do
  if echo "$topics" | grep -qx "$s"; then ok; else
    fail "docs/apical.1 section '$s' is no help topic"
  fi
done
"$APICAL" --help > usage.txt && grep -q "apical help TOPIC" usage.txt && ok ||
  fail "--help does not list the topics"
expect_error "unknown topic" "no help topic 'plots' (did you mean 'plot'?)" \
  "$APICAL" help plots
finish
