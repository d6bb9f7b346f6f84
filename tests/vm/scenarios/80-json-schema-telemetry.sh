#!/bin/bash
# The JSON of main's telemetry commands against their schemas in
# docs/schema/, as 75-json-schema does for the rest: meminfo (root, with
# addresses, and nobody, without), stats with the telemetry counters,
# bench's perf pass, and every line of a monitor of all three groups
# (-t, so with "time") while buffers, a device, a policy change and a
# perf bench go by: start, buffer_*, vdev_*, policy_set, stats, perf and
# the summaries, each validated as its own document; then plan check,
# diff and apply (main's kallocd work) against plan-check.json and
# plan-changes.json. (plan status needs kallocd's state file: not here.)
# timeout: 300
# lanes: stock
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_module
# Root gets addresses only with kptr_restrict at 1 (kallocctl(8), MEMINFO):
# set here, not left to whatever 43-telemetry-meminfo set before.
kptr=$(< /proc/sys/kernel/kptr_restrict)
echo 1 > /proc/sys/kernel/kptr_restrict

step "meminfo"
json_valid meminfo kallocctl -j meminfo
assert_eq "$(jq -c '[.addresses, (.segments | length > 0), (.zones | length > 0)]' <<< "$out")" \
	'[true,true,true]' "root's meminfo: addresses, segments, zones"
echo "$kptr" > /proc/sys/kernel/kptr_restrict
json_valid meminfo as_nobody kallocctl -j meminfo
assert_eq "$(jq .addresses <<< "$out")" false "nobody's meminfo: no addresses"

step "stats with the telemetry counters, bench's perf pass"
expect_ok kallocctl stats interval 200ms
json_valid stats kallocctl -j stats
assert_eq "$(jq -c '[.interval_ms, has("perf_produced")]' <<< "$out")" \
	'[200,true]' "the telemetry keys"
json_valid bench kallocctl -j bench run scenario uniform ops 100 perf
assert_eq "$(jq -c '[.[].perf] | unique' <<< "$out")" '[false,true]' \
	"a pass without records and one with"

step "monitor: every line of every group"
monitor_bg "$T/mon.ndjson" kallocctl -j -t monitor events stats perf
perf_recording
expect_ok kallocctl alloc m 4K policy slab owner t
expect_ok kallocctl buffer set m size 8K
expect_ok kallocctl vdev add mon0
expect_ok kallocctl vdev irq mon0
expect_ok kallocctl vdev del mon0
expect_ok kallocctl policy set tlsf
expect_ok kallocctl policy set kmalloc
expect_ok kallocctl bench run scenario uniform ops 50 perf
expect_ok kallocctl free m
poll 20 grep -q '"type":"stats"' "$T/mon.ndjson" || fail "no stats line"
poll 20 grep -q '"type":"perf"' "$T/mon.ndjson" || fail "no perf line"
poll 10 grep -q '"type":"buffer_del"' "$T/mon.ndjson" || fail "no buffer_del"
monitor_stop
assert_eq "$rc" 0 "the monitor's exit status"
"$JSON_CHECK" --lines monitor "$T/mon.ndjson" ||
	fail "a monitor line does not match monitor.json"
# At least these types were validated (a gap or an overrun may add more).
assert_eq "$(jq -s -r '[.[].type] | unique as $seen |
	["start", "buffer_new", "buffer_set", "buffer_del", "vdev_new",
	 "vdev_del", "policy_set", "stats", "perf", "summary"] - $seen | join(" ")' \
	"$T/mon.ndjson")" "" "types missing from the monitor's lines"
assert_eq "$(jq -r 'select(has("time") | not) | .type' "$T/mon.ndjson")" "" \
	"every line has a time (-t)"

step "plan check, diff and apply (kallocd's plan language)"
printf 'buffer pj0 size 4K policy slab\nalloc pjtaken 8K\nstats interval 500ms\n' \
	> "$T/js.plan"
json_valid plan-check kallocctl -j plan check "$T/js.plan"
printf 'buffer bad size 12Q\n' > "$T/bad.plan"
run kallocctl -j plan check "$T/bad.plan"
assert_eq "$rc" 1 "exit status of check with errors"
"$JSON_CHECK" plan-check <<< "$out" || fail "check's errors do not match plan-check.json"
run kallocctl -j plan diff "$T/js.plan"
assert_eq "$rc" 4 "exit status of diff with changes"
"$JSON_CHECK" plan-changes <<< "$out" || fail "diff does not match plan-changes.json"
expect_ok kallocctl alloc pjtaken 8K
run kallocctl -j plan apply "$T/js.plan"
assert_eq "$rc" 1 "exit status of apply with a conflict"
"$JSON_CHECK" plan-changes <<< "$out" || fail "apply does not match plan-changes.json"
assert_eq "$(jq -r '[.changes[].op] | sort | join(" ")' <<< "$out")" \
	"change conflict create" "apply's changes"
expect_ok kallocctl free pj0
expect_ok kallocctl free pjtaken
expect_ok kallocctl stats interval 1s
