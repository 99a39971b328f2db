#!/bin/sh
# Every complete example of the documents and the README runs as written.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
needs_cairo
if "$AP_TOP_SRCDIR/docs/run-examples.sh" "$AP_TOP_SRCDIR"/docs/*.md \
    "$AP_TOP_SRCDIR/README.md" > out.txt 2>&1; then
  ok
else
  fail "documentation examples:"; cat out.txt
fi
grep -q "[1-9][0-9]* script(s) ran, [1-9][0-9]* step(s) ran, 0 failure(s)" out.txt && ok || fail "no example ran: $(tail -n 1 out.txt)"
finish
