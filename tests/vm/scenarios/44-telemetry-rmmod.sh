#!/bin/bash
# Telemetry, unload: rmmod while listeners are attached to all three
# groups and the workers run (the stats work every 50 ms, the perf drain
# under a stream of buffer operations over a raw socket) is clean: the module goes, the
# kernel log has nothing to say, the monitors are left with silent
# sockets and exit when told to, and a reloaded module streams again.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_module
expect_ok kallocctl stats interval 50ms

step "listeners on every group, the workers busy"
monitor_bg "$T/all.txt" kallocctl monitor events stats perf
kallocctl monitor events > "$T/events2.txt" 2>&1 &
second=$!
"${NOBODY[@]}" kallocctl monitor stats > "$T/nobody.txt" 2>&1 &
third=$!
perf_recording
# Buffer traffic for the perf ring, over a raw socket that knows the
# family by id: a kallocctl loop would load the module again at once,
# since resolving the family by name autoloads it.
genl_churn 60 > "$T/churn.txt" 2>&1 &
churn=$!
poll 20 grep -q '^\[PERF\]' "$T/all.txt" || fail "no perf message before the unload"
poll 20 grep -q '^\[STATS\]' "$T/nobody.txt" || fail "no stats message before the unload"
dmesg_mark

step "rmmod with all of it running"
expect_ok rmmod kalloc
module_loaded && fail "kalloc is still loaded"
wait "$churn"
cat "$T/churn.txt"
assert_contains "$(cat "$T/churn.txt")" "stopped by E" "why the churn stopped"
since=$(dmesg_since)
[ -z "$since" ] || printf '%s\n' "$since" | prefix "dmesg:"
assert_not_contains "$since" "WARNING" "dmesg"
assert_not_contains "$since" "BUG" "dmesg"
assert_not_contains "$since" "Call Trace" "dmesg"

step "the monitors are left with silent sockets and stop when told"
for pid in "$monitor" "$second" "$third"; do
	kill -INT "$pid"
done
for pid in "$monitor" "$second" "$third"; do
	timeout 10 tail --pid="$pid" -f /dev/null || fail "monitor $pid did not stop"
done
tail -n 3 "$T/all.txt" "$T/events2.txt" "$T/nobody.txt"

step "a reloaded module streams again"
expect_ok modprobe kalloc
expect_ok timeout 20 kallocctl -j monitor stats count 1
assert_eq "$(ndjson_type <(echo "$out") stats | wc -l)" 1 "a stats message from the new module"
expect_ok rmmod kalloc
