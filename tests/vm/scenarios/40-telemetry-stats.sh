#!/bin/bash
# Telemetry, the stats group (issue 7's used-by line): an unprivileged
# user runs "kallocctl monitor stats count 3" and receives three stats
# messages about one interval apart, each with the module totals, every
# policy, the telemetry counters and the system metrics (vm events, free
# pages per zone and per order). With no listener nothing is sent: the
# kernel's count of stats messages sent does not move. "stats interval"
# sets the pace; stats and stats -j show the telemetry counters.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

# deltas FILE: the seconds between consecutive stats lines' "time".
deltas() {
	ndjson_type "$1" stats | jq -r .time | python3 -c '
import sys, datetime
t = [datetime.datetime.strptime(l.strip(), "%Y-%m-%dT%H:%M:%S.%f%z") for l in sys.stdin]
print(" ".join("%.2f" % (b - a).total_seconds() for a, b in zip(t, t[1:])))'
}

# all_between LO HI NUMBERS...: every number in [LO, HI].
all_between() {
	local lo=$1 hi=$2

	shift
	shift
	python3 -c 'import sys; lo, hi = float(sys.argv[1]), float(sys.argv[2]); sys.exit(not all(lo <= float(x) <= hi for x in sys.argv[3:]))' \
		"$lo" "$hi" "$@"
}

fresh_module

step "stats -j: the telemetry counters, nothing sent yet, interval 1s"
expect_ok kallocctl -j stats
for key in perf_produced perf_sent perf_dropped perf_send_failed stats_sent \
	stats_send_failed events_sent events_send_failed perf_active perf_ring \
	interval_ms; do
	jq -e --arg k "$key" 'has($k)' <<< "$out" > /dev/null ||
		fail "stats -j lacks $key"
done
assert_eq "$(jq -c '{interval_ms, perf_active, perf_ring, perf_produced, perf_sent, stats_sent, events_sent}' <<< "$out")" \
	'{"interval_ms":1000,"perf_active":false,"perf_ring":4096,"perf_produced":0,"perf_sent":0,"stats_sent":0,"events_sent":0}' \
	"telemetry after a fresh load"
expect_ok kallocctl stats
assert_contains "$out" "telemetry: interval 1s, perf off (ring 4096 records per CPU)"
assert_contains "$out" "perf records: produced 0 sent 0 dropped 0 send_failed 0"
assert_contains "$out" "group messages: stats sent 0 failed 0, events sent 0 failed 0"

step "no listener: no stats message is sent (3 s, three intervals)"
before=$(telemetry stats_sent)
sleep 3
assert_eq "$(telemetry stats_sent)" "$before" "stats messages sent without a listener"

step "the used-by line: nobody receives three stats messages, an interval apart"
expect_ok timeout 20 "${NOBODY[@]}" kallocctl -j -t monitor stats count 3
echo "$out" > "$T/stats.ndjson"
assert_eq "$(ndjson_type "$T/stats.ndjson" stats | wc -l)" 3 "stats lines"
gaps=$(deltas "$T/stats.ndjson")
echo "seconds between them: $gaps"
# shellcheck disable=SC2086 # one number a word
all_between 0.6 1.6 $gaps || fail "stats messages not about 1 s apart: $gaps"
first=$(ndjson_type "$T/stats.ndjson" stats | head -n 1)
assert_eq "$(jq -c '{buffers, buffers_max, interval_ms, n: (.policies | length)}' <<< "$first")" \
	'{"buffers":0,"buffers_max":1024,"interval_ms":1000,"n":6}' "a stats message's totals"
assert_eq "$(jq '.system.pgfault > 0 and .system.pgalloc > 0 and (.system.zones | length) > 0 and all(.system.zones[]; .free > 0 and (.free_area | length) == 11)' <<< "$first")" \
	true "a stats message's system metrics"
for key in pgfault pgmajfault pgalloc pgfree allocstall compact_stall compact_fail compact_success; do
	jq -e --arg k "$key" '.system | has($k)' <<< "$first" > /dev/null ||
		fail "the system metrics lack $key"
done
assert_eq "$(ndjson_type "$T/stats.ndjson" summary | jq -c '{source, received, lost, overruns}')" \
	'{"source":"stats","received":3,"lost":0,"overruns":0}' "the summary"

step "text: one [STATS] line per message, then the summary"
expect_ok timeout 20 "${NOBODY[@]}" kallocctl monitor stats count 1
assert_eq "$(grep -c '^\[STATS\] buffers 0 of 1024 budget 0 of 67108864 allocs 0 frees 0 failures 0 perf_produced 0 pgfault [0-9]* pgmajfault [0-9]* pgalloc [0-9]* pgfree [0-9]* allocstall [0-9]* compact_stall [0-9]* free_pages [1-9][0-9]*$' <<< "$out")" \
	1 "the [STATS] line"
assert_contains "$out" "[SUMMARY] stats: received 1 overruns 0"

step "once the listener has gone, sending stops within an interval"
sleep 2
before=$(telemetry stats_sent)
[ "$before" -ge 4 ] || fail "the kernel counted $before stats messages, not at least 4"
sleep 3
assert_eq "$(telemetry stats_sent)" "$before" "stats messages sent after the listener left"

step "stats interval 200ms: five times the pace, for every listener"
expect_ok kallocctl stats interval 200ms
assert_eq "$(telemetry interval_ms)" 200 "interval_ms"
expect_ok kallocctl stats
assert_contains "$out" "telemetry: interval 200ms,"
expect_ok timeout 20 "${NOBODY[@]}" kallocctl -j -t monitor stats count 6
echo "$out" > "$T/fast.ndjson"
gaps=$(deltas "$T/fast.ndjson")
echo "seconds between them: $gaps"
# shellcheck disable=SC2086
all_between 0.05 0.7 $gaps || fail "stats messages not about 200 ms apart: $gaps"
assert_eq "$(ndjson_type "$T/fast.ndjson" stats | jq -s -c '[.[].interval_ms] | unique')" \
	"[200]" "interval_ms in the messages"
expect_ok kallocctl stats interval 1s
assert_eq "$(telemetry interval_ms)" 1000 "interval_ms restored"
