#!/bin/sh
# Run the examples of the documents, so that they stay true.
#
#   docs/run-examples.sh [FILE.md...]      (default: every docs/*.md)
#
# A ```lua block whose first line is `local ap = require "apical"` is a
# complete script: it is run with `$APICAL run SCRIPT -q` in a fresh
# temporary folder and must exit with status 0.  Other ```lua blocks are
# fragments and are skipped.  A ```c block whose first line starts with
# `/* NAME.c` is a complete plugin: it is compiled first into NAME.so in
# a temporary plugin folder that goes first on $APICAL_PLUGIN_PATH, so
# that the scripts may use the plugins the documents write.
#
# A walk-through (docs/tutorial.md) marks its steps with HTML comments,
# invisible when the document is read: `<!-- file: NAME -->` before a
# complete ```lua block also saves it as NAME in the document's own
# folder, and `<!-- run -->` before a ```sh block runs it there with
# `sh -e`, in document order, so that each step builds on the last.  The
# commands `apical` and `apical-new-plugin` are the program under test
# and scripts/new-plugin, and pkg-config finds the build tree's
# apical-uninstalled.pc, so that plugins build as they would against an
# installed apical.
#
# Environment:
#   APICAL              the program (default: build/core/apical, then
#                       build/dev/core/apical, under the source tree)
#   CC                  C compiler for the plugin blocks (default cc)
#   APICAL_PLUGIN_PATH  kept, after the documents' plugin folder
#   AP_EXAMPLE_TIMEOUT  seconds allowed per script (default 60)
#
# Exits 0 when every block compiles and runs, 1 naming each failing block
# (file, block number, line) with its output otherwise.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
if [ -z "${APICAL:-}" ]; then
  for c in "$top/build/core/apical" "$top/build/dev/core/apical"; do
    if [ -x "$c" ]; then APICAL=$c; break; fi
  done
fi
: "${APICAL:?set APICAL to the apical program (none found under $top/build)}"
case $APICAL in /*) ;; *) APICAL=$(pwd)/$APICAL ;; esac
[ -x "$APICAL" ] || { echo "run-examples: $APICAL is not executable" >&2; exit 1; }
CC=${CC:-cc}
timeout_s=${AP_EXAMPLE_TIMEOUT:-60}

if [ "$#" -eq 0 ]; then
  set -- "$here"/*.md
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/blocks" "$work/plugins"

# Split every document into numbered blocks: BASE-N.lua / BASE-N.c, with
# BASE-N.where holding "FILE block N (line L)".
for doc in "$@"; do
  [ -f "$doc" ] || { echo "run-examples: no file $doc" >&2; exit 1; }
  base=$(basename "$doc" .md)
  label=${doc#"$top"/}
  awk -v dir="$work/blocks" -v base="$base" -v doc="$label" '
    BEGIN { state = 0; n = 0; mark = "" }  # state: 0 text, 1 lua/c block, 2 other block
    state == 1 && /^```[ \t]*$/ { close(out); state = 0; next }
    state == 1 { print > out; next }
    state == 2 && /^```[ \t]*$/ { state = 0; next }
    state == 2 { next }
    /^<!-- (run|file: [A-Za-z0-9_.-]+) -->[ \t]*$/ {
      mark = $0; sub(/^<!-- /, "", mark); sub(/ -->.*$/, "", mark); next
    }
    /^```(lua|c|sh)[ \t]*$/ {
      lang = $0; sub(/^```/, "", lang); sub(/[ \t]*$/, "", lang)
      n++
      if (lang == "sh" && mark != "run") { mark = ""; state = 2; next }
      out = sprintf("%s/%s-%03d.%s", dir, base, n, lang)
      where = sprintf("%s/%s-%03d.where", dir, base, n)
      printf("%s block %d (line %d)\n", doc, n, NR) > where
      close(where)
      if (mark ~ /^file: /) {
        f = mark; sub(/^file: /, "", f)
        printf("%s\n", f) > sprintf("%s/%s-%03d.file", dir, base, n)
        close(sprintf("%s/%s-%03d.file", dir, base, n))
      }
      mark = ""
      printf("") > out
      state = 1
      next
    }
    /^```/ { n++; mark = ""; state = 2; next }
    /[^ \t]/ { mark = "" }
    END {
      if (state) { printf("%s: unterminated code block\n", doc) > "/dev/stderr"; exit 1 }
    }
  ' "$doc"
done

failed=0
ran=0
compiled=0

fail() { # fail WHERE-FILE OUTPUT-FILE
  echo "FAIL: $(cat "$1")"
  sed 's/^/    /' "$2"
  failed=$((failed + 1))
}

# Plugins first.
for src in "$work"/blocks/*.c; do
  [ -f "$src" ] || continue
  name=$(sed -n '1s|^/\* *\([A-Za-z_][A-Za-z0-9_]*\)\.c.*|\1|p' "$src")
  [ -n "$name" ] || continue
  cp "$src" "$work/plugins/$name.c"
  if "$CC" -std=gnu11 -Wall -Wextra -shared -fPIC -fvisibility=hidden \
      -I"$top/core/include/apical" "$work/plugins/$name.c" -o "$work/plugins/$name.so" -lm \
      > "$work/cc.out" 2>&1; then
    compiled=$((compiled + 1))
  else
    fail "${src%.c}.where" "$work/cc.out"
  fi
  rm -f "$work/plugins/$name.c"
done

APICAL_PLUGIN_PATH="$work/plugins${APICAL_PLUGIN_PATH:+:$APICAL_PLUGIN_PATH}"
export APICAL_PLUGIN_PATH
# A user's config file must not change what the examples do.
APICAL_CONFIG=/dev/null
export APICAL_CONFIG

run_with_timeout() {
  if command -v timeout > /dev/null 2>&1; then
    timeout "$timeout_s" "$@"
  else
    "$@"
  fi
}

for script in "$work"/blocks/*.lua; do
  [ -f "$script" ] || continue
  first=$(sed -n '1p' "$script")
  [ "$first" = 'local ap = require "apical"' ] || continue
  dir="$work/run-$(basename "$script" .lua)"
  mkdir -p "$dir"
  cp "$script" "$dir/example.lua"
  if (cd "$dir" && run_with_timeout "$APICAL" run example.lua -q) \
      > "$work/run.out" 2>&1; then
    ran=$((ran + 1))
  else
    fail "${script%.lua}.where" "$work/run.out"
  fi
done

# The walk-throughs: per document, in order, saved files and run steps.
builddir=$(dirname "$(dirname "$APICAL")")
mkdir -p "$work/bin"
ln -sf "$APICAL" "$work/bin/apical"
ln -sf "$top/scripts/new-plugin" "$work/bin/apical-new-plugin"
steps=0
for doc in "$@"; do
  base=$(basename "$doc" .md)
  shared="$work/doc-$base"
  mkdir -p "$shared"
  for b in "$work"/blocks/"$base"-[0-9][0-9][0-9].*; do
    case $b in
      *.file) cp "${b%.file}.lua" "$shared/$(cat "$b")" ;;
      *.sh)
        if (cd "$shared" &&
            PATH="$work/bin:$PATH" PKG_CONFIG_PATH="$builddir" \
            APICAL="$APICAL" run_with_timeout sh -e "$b") \
            > "$work/step.out" 2>&1; then
          steps=$((steps + 1))
        else
          fail "${b%.sh}.where" "$work/step.out"
        fi ;;
    esac
  done
done

echo "run-examples: $compiled plugin(s) compiled, $ran script(s) ran, $steps step(s) ran, $failed failure(s)"
[ "$failed" -eq 0 ]
