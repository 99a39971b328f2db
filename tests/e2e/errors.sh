#!/bin/sh
# Bad input: a clear message naming what is at fault, a non-zero exit, and
# nothing half-written.
. "$AP_TOP_SRCDIR/tests/e2e/lib.sh"

run_lua() { # run_lua NAME 'fragment' 'lua body'
  printf '%s\n' "local ap = require \"apical\"" "$3" > "$1.lua"
  expect_error "$1" "$2" "$APICAL" run "$1.lua" -q
}

printf 'local ap = require "apical"\nlocal x = = 1\n' > syntax.lua
expect_error "lua syntax" "syntax.lua:2:" "$APICAL" run syntax.lua
printf 'local ap = require "apical"\nlocal t = nil\nprint(t.x)\n' > runtime.lua
expect_error "lua runtime" "runtime.lua:3:" "$APICAL" run runtime.lua
expect_error "missing script" "cannot read script 'nope.lua'" "$APICAL" run nope.lua

run_lua unknown_model "unknown neuron model 'lif_psc_ex' (did you mean 'lif_psc_exp'?); available neuron models:" \
  'ap.population("lif_psc_ex", 10)'
run_lua unknown_model_line "unknown_model_line.lua:2:" 'ap.population("lif_psc_ex", 10)'
run_lua wrong_kind "'static' is a synapse model, not a neuron model" 'ap.population("static", 10)'
run_lua unknown_param "lif_psc_exp has no parameter or state 'tau_mm' (did you mean 'tau_m'?); parameters: E_L, C_m, tau_m" \
  'ap.population("lif_psc_exp", 10, { tau_mm = 5 })'
run_lua negative_tau "parameter 'tau_m' of lif_psc_exp must be in (0, inf) ms, got -1" \
  'ap.population("lif_psc_exp", 10, { tau_m = -1 })'
run_lua negative_tau_dist "parameter 'tau_syn_ex' of lif_cond_exp must be in (0, inf) ms, got" \
  'ap.population("lif_cond_exp", 100, { tau_syn_ex = ap.normal(0, 1) })'
run_lua bad_p "connection rule fixed_probability: 'p' must be in [0, 1], got 1.5" \
  'local a = ap.population("lif_psc_exp", 10); ap.connect(a, a, { rule = "fixed_probability", p = 1.5 })'
run_lua bad_rule "unknown connection rule 'fixed_indgree' (did you mean 'fixed_indegree'?)" \
  'local a = ap.population("lif_psc_exp", 10); ap.connect(a, a, { rule = "fixed_indgree", indegree = 2 })'
run_lua bad_conn_key "connection spec has no key 'indegre'" \
  'local a = ap.population("lif_psc_exp", 10); ap.connect(a, a, { rule = "fixed_indegree", indegre = 2 })'
run_lua bad_syn_key "synapse spec has no key 'wieght'" \
  'local a = ap.population("lif_psc_exp", 10); ap.connect(a, a, "all_to_all", { wieght = 2 })'
run_lua short_delay "synapse parameter 'delay' must be in [0.1, 6553.5] ms (dt to 65535 dt), got 0.05" \
  'ap.setup{ dt = 0.1 }; local a = ap.population("lif_psc_exp", 10); ap.connect(a, a, "all_to_all", { delay = 0.05 })'
run_lua neg_conductance "synapse parameter 'weight' on conductance port 'ex' of lif_cond_exp must be >= 0 nS, got -3" \
  'local a = ap.population("lif_cond_exp", 10); ap.connect(a, a, "one_to_one", { weight = -3, port = "ex" })'
run_lua bad_port "lif_psc_exp has no input port 'apical'; ports: ex, in" \
  'local a = ap.population("lif_psc_exp", 10); ap.connect(a, a, "one_to_one", { port = "apical" })'
run_lua no_ports "poisson has no input ports" \
  'local a = ap.population("poisson", 10); ap.connect(a, a, "one_to_one")'
run_lua bad_synapse "unknown synapse model 'statik' (did you mean 'static'?)" \
  'local a = ap.population("lif_psc_exp", 10); ap.connect(a, a, "one_to_one", { synapse = "statik" })'
run_lua bad_syn_param "synapse model static has no parameter 'U'; parameters: weight, delay" \
  'local a = ap.population("lif_psc_exp", 10); ap.connect(a, a, "one_to_one", { synapse = { "static", U = 0.5 } })'
run_lua bad_slice "slice(5, 12) is outside 1..10 (both ends inclusive)" \
  'local a = ap.population("lif_psc_exp", 10); a:slice(5, 12)'
run_lua bad_record "lif_psc_exp has no state variable 'V' to record; recordable: spikes, V_m" \
  'local a = ap.population("lif_psc_exp", 10); ap.record(a, "V")'
run_lua bad_interval "recording interval must be a positive multiple of dt = 0.1 ms, got 0.15" \
  'local a = ap.population("lif_psc_exp", 10); ap.record(a, "V_m", { interval = 0.15 })'
run_lua reset_above_threshold "V_reset" \
  'local a = ap.population("lif_psc_exp", 10, { V_reset = -40 }); ap.run(1)'
run_lua dt_after_pop "'dt' cannot change once populations exist" \
  'ap.population("lif_psc_exp", 1); ap.setup{ dt = 0.01 }'
run_lua unknown_backend "unknown backend 'nope'" 'ap.setup{ backend = "nope" }; ap.population("lif_psc_exp", 1); ap.run(1)'

printf 'local ap = require "apical"\nap.population("lif_psc_exp", 1)\nap.run(1)\n' > ok.lua
expect_error "backend setting" "unknown setting 'chip' for backend cpu" "$APICAL" run ok.lua --set chip=loihi
expect_error "bad --seed" "setting 'seed'" "$APICAL" run ok.lua --seed minus-one
expect_error "unknown option" "unknown option '--bogus'" "$APICAL" run ok.lua --bogus

# Config syntax and semantic errors name the file and line.
printf 'seed = 3;\ndt = ;\n' > syntax.cfg
expect_error "config syntax" "syntax.cfg:2" "$APICAL" run ok.lua --config syntax.cfg
printf 'seed = 3;\n\ndt = -1.0;\n' > semantic.cfg
expect_error "config semantic" "semantic.cfg:3" "$APICAL" run ok.lua --config semantic.cfg
expect_error "config missing" "config file 'absent.cfg' not found" "$APICAL" run ok.lua --config absent.cfg

# Nothing half-written: a failing run leaves no streamed file, a failing
# save leaves nothing.
cat > stream.lua <<'LUA'
local ap = require "apical"
local a = ap.population("poisson", 10, { rate = 500 })
ap.record(a, "spikes", { file = "stream.npy" })
ap.run(10)
error("stop here")
LUA
expect_error "stream then fail" "stop here" "$APICAL" run stream.lua
[ ! -e stream.npy ] && [ ! -e stream.npy.part ] && [ ! -e stream.npy.json ] && ok ||
  fail "a failed run left a streamed file behind"
cat > save.lua <<'LUA'
local ap = require "apical"
local a = ap.population("poisson", 10, { rate = 500 })
local r = ap.record(a, "spikes")
ap.run(10)
r:save("missing-dir/x.csv")
LUA
expect_error "save into missing dir" "missing-dir/x.csv" "$APICAL" run save.lua
[ ! -e missing-dir ] && ok || fail "failed save created something"
run_lua bad_ext "unknown file type (use .csv or .npy)" \
  'local a = ap.population("poisson", 1); local r = ap.record(a, "spikes"); ap.run(1); r:save("x.txt")'
[ ! -e x.txt ] && ok || fail "bad extension left a file"

# Broken plugins on the path are refused with their path named, and never
# stop the good ones.
fx="$AP_TOP_BUILDDIR/tests/fixtures/.libs"
[ -f "$fx/bad_abi.so" ] || fail "fixture plugins missing in $fx"
mkdir -p badplugins && cp "$fx"/*.so badplugins/ 2>/dev/null
echo "this is not a shared object" > badplugins/garbage.so
APICAL_PLUGIN_PATH="$WORK/badplugins" "$APICAL" plugins > pl.txt 2>&1 || fail "plugins failed with bad plugins on the path"
for f in garbage.so bad_abi.so bad_magic.so bad_range.so missing_update.so no_entry.so; do
  grep -q "badplugins/$f" pl.txt && ok || fail "plugins does not name rejected $f"
done
grep -q "fixture_neuron" pl.txt && ok || fail "good fixture plugin not loaded next to bad ones"
APICAL_PLUGIN_PATH="$WORK/badplugins" "$APICAL" run ok.lua -q > /dev/null 2>&1 && ok ||
  fail "a run fails when bad plugins are on the path"
finish
