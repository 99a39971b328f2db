#!/bin/sh
# The plugin SDK end to end, as an author outside the tree uses it:
# install apical into a staging folder, write a neuron and a learning
# rule with apical-new-plugin, build them with pkg-config against the
# installed headers, check them with apical check-plugin, run their
# tests (closed forms) and examples with the installed program; and
# embed a network in a C program linked against the installed library.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"
pc="$AP_TOP_BUILDDIR/apical.pc"
[ -f "$pc" ] || { echo "FAIL: no $pc"; exit 1; }
prefix=$(pkg-config --variable=prefix "$pc")
libdir=$(pkg-config --variable=libdir "$pc" | sed "s|\${prefix}|$prefix|")
stage=$WORK/stage
(unset MAKEFLAGS MFLAGS MAKELEVEL
 make -C "$AP_TOP_BUILDDIR" install DESTDIR="$stage") > install.log 2>&1 ||
  { echo "FAIL: make install:"; tail -20 install.log; exit 1; }

root=$stage$prefix
export PKG_CONFIG_PATH="$stage$libdir/pkgconfig"
export PKG_CONFIG="pkg-config --define-variable=prefix=$root"
export LD_LIBRARY_PATH="$stage$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
bin=$root/bin
plugindir=$($PKG_CONFIG --variable=plugindir apical)
export APICAL_PLUGIN_PATH="$plugindir"
[ -x "$bin/apical" ] && [ -x "$bin/apical-new-plugin" ] &&
  [ -f "$($PKG_CONFIG --variable=includedir apical)/apical/apical_plugin.h" ] &&
  [ -f "$plugindir/lif_psc_exp.so" ] ||
  { echo "FAIL: the staged install lacks the program, headers or plugins"; exit 1; }

# the .pc file agrees with the installed program
v=$("$bin/apical" --version)
want="apical $($PKG_CONFIG --modversion apical) (plugin ABI $($PKG_CONFIG --variable=abi_major apical).$($PKG_CONFIG --variable=abi_minor apical))"
if [ "$v" = "$want" ]; then ok; else fail "--version '$v', apical.pc says '$want'"; fi

for kind in neuron rule; do
  name=my_$kind
  if "$bin/apical-new-plugin" $kind $name > new.log 2>&1 &&
     [ -f $name/$name.c ] && [ -f $name/Makefile ] &&
     [ -f $name/$name.lua ] && [ -f $name/test_$name.lua ]; then ok; else
    fail "apical-new-plugin $kind $name: $(cat new.log)"
    continue
  fi
  # the build line of the docs: cc -shared -fPIC $(pkg-config --cflags apical)
  if make -C $name APICAL="$bin/apical" > build.log 2>&1 &&
     grep -q -- "-I$root/include/apical" build.log; then ok; else
    fail "$kind: make:"; sed 's/^/    /' build.log; continue
  fi
  if make -C $name test APICAL="$bin/apical" > test.log 2>&1 &&
     grep -q "^$name ok:" test.log; then ok; else
    fail "$kind: make test:"; sed 's/^/    /' test.log
  fi
  if (cd $name && APICAL_PLUGIN_PATH="$PWD:$plugindir" "$bin/apical" run \
        $name.lua -q) > run.log 2>&1 && grep -q "^$name:" run.log; then ok
  else fail "$kind: $name.lua: $(cat run.log)"; fi
  # describe finds it and prints its table
  if APICAL_PLUGIN_PATH="$PWD/$name:$plugindir" "$bin/apical" describe $name \
       > d.txt 2>&1 && grep -q "^$name " d.txt; then ok; else
    fail "describe $name: $(cat d.txt)"
  fi
done

# a bad kind and a bad name are refused, and nothing is written
expect_error "kind" "unknown kind 'synapse': neuron or rule" \
  "$bin/apical-new-plugin" synapse x
expect_error "name" "plugin name '9x' must start with a letter or _" \
  "$bin/apical-new-plugin" neuron 9x
expect_error "exists" "'my_neuron' exists already" \
  "$bin/apical-new-plugin" neuron my_neuron
[ ! -e x ] && [ ! -e 9x ] && ok || fail "a refused call left a folder"

# A program that embeds the installed library: built with pkg-config
# alone, it makes a network, runs it with callbacks scheduled from C and
# checks its spikes (tests/e2e/embed.c).
cc=${CC:-cc}
# a library built with the sanitizers needs their runtime first in line
san=
[ "${AP_SANITIZERS:-0}" = 1 ] && san="-fsanitize=address,undefined"
if $cc -std=gnu11 -Wall -Wextra -Werror $san ${CFLAGS:-} \
     "$AP_TOP_SRCDIR/tests/e2e/embed.c" -o embed \
     $($PKG_CONFIG --cflags --libs apical) -lm > embed_cc.log 2>&1; then ok
else fail "embed.c does not build against the installed library:"
  sed 's/^/    /' embed_cc.log; fi
if [ -x embed ] && ./embed > embed.log 2>&1 && grep -q "^embed ok$" embed.log
then ok; else fail "embed: $(cat embed.log)"; fi
# the program links libapical itself, not a copy of the core
if [ -x embed ] && ldd ./embed | grep -q "libapical"; then ok
else fail "embed is not linked against libapical"; fi

finish
