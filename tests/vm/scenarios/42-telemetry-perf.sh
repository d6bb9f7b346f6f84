#!/bin/bash
# Telemetry, the perf ring: with no perf listener no record is produced
# (the static key is off); with "kallocctl monitor perf" attached, a flood
# (the in-kernel bench with KALLOC_BENCH_A_PERF, then a marker) is
# delivered with exact accounting: the monitor's received + lost equals
# the records the kernel produced in its window, received equals the
# kernel's sent and lost its dropped + send_failed, and every lost record
# is in a [LOST] gap line. Once with the default receive buffer, once
# with a tiny one, which must lose records.
#
# The flood runs on CPU 0 (taskset), and after it a marker (one buffer
# created and freed on CPU 0) follows once the socket has drained: a loss
# is seen as a gap in one CPU's seq, and a loss after a CPU's last record
# would have no later record to reveal it.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

# counters: the kernel's perf counters as one JSON object.
counters() {
	kallocctl -j stats |
		jq -c '{perf_active, perf_produced, perf_dropped, perf_sent, perf_send_failed}'
}

# flood_and_check FILE RCVBUF: one monitored flood; leaves the summary in $sum.
flood_and_check() {
	local file=$1 before after

	perf_idle
	before=$(counters)
	monitor_bg "$file" kallocctl -j monitor perf rcvbuf "$2"
	perf_recording
	expect_ok taskset -c 0 kallocctl -j bench scenario kernel ops 10000 perf
	assert_eq "$(jq '[.[] | select(.perf) | .records > 0] | all' <<< "$out")" true \
		"records produced by the bench's perf passes"
	sleep 0.5
	expect_ok taskset -c 0 kallocctl alloc marker 64
	expect_ok taskset -c 0 kallocctl free marker
	sleep 0.5
	monitor_stop
	assert_eq "$rc" 0 "the monitor's exit status"
	after=$(counters)
	echo "kernel before: $before"
	echo "kernel after:  $after"
	grep -v '"type":"perf"' "$file" | head -n 20
	sum=$(grep '"type":"summary"' "$file")
	assert_eq "$(jq -c '{source, exact, unaccounted}' <<< "$sum")" \
		'{"source":"perf","exact":true,"unaccounted":0}' "the summary's window"
	assert_eq "$(jq '.received + .lost == .produced' <<< "$sum")" true \
		"received + lost == produced"
	assert_eq "$(jq .produced <<< "$sum")" \
		"$(jq -n --argjson a "$before" --argjson b "$after" '$b.perf_produced - $a.perf_produced')" \
		"produced, against the kernel's counter"
	assert_eq "$(jq .received <<< "$sum")" \
		"$(jq -n --argjson a "$before" --argjson b "$after" '$b.perf_sent - $a.perf_sent')" \
		"received, against the kernel's sent (a sole listener)"
	assert_eq "$(jq .lost <<< "$sum")" \
		"$(jq -n --argjson a "$before" --argjson b "$after" '($b.perf_dropped - $a.perf_dropped) + ($b.perf_send_failed - $a.perf_send_failed)')" \
		"lost, against the kernel's dropped + send_failed"
	# One pass over what may be tens of megabytes.
	lines=$(jq -n -c 'reduce inputs as $l ({perf: 0, gap: 0, marker: 0};
		if $l.type == "perf" then
			.perf += $l.count |
			.marker += ([$l.records[] | select(.type == "alloc" and .bytes == 64)] | length)
		elif $l.type == "gap" then .gap += $l.count
		else . end)' "$file")
	echo "the lines add up to: $lines"
	assert_eq "$(jq .gap <<< "$lines")" "$(jq .lost <<< "$sum")" "the gap lines against lost"
	assert_eq "$(jq .perf <<< "$lines")" "$(jq .received <<< "$sum")" \
		"the perf lines against received"
	assert_eq "$(jq .marker <<< "$lines")" 1 "the marker's alloc record"
}

fresh_module

step "no listener: the bench's perf passes and buffer traffic produce no record"
assert_eq "$(counters)" \
	'{"perf_active":false,"perf_produced":0,"perf_dropped":0,"perf_sent":0,"perf_send_failed":0}' \
	"the counters after a fresh load"
expect_ok kallocctl -j bench scenario kernel ops 2000 perf
assert_eq "$(jq -c '[.[] | .perf] | group_by(.) | map(length)' <<< "$out")" '[6,6]' \
	"six allocators without and six with perf"
assert_eq "$(jq '[.[].records] | add' <<< "$out")" 0 "records produced"
expect_ok kallocctl alloc quiet 1K
expect_ok kallocctl free quiet
assert_eq "$(counters)" \
	'{"perf_active":false,"perf_produced":0,"perf_dropped":0,"perf_sent":0,"perf_send_failed":0}' \
	"the counters with nobody listening"

step "a flood, the default receive buffer: received + lost = produced, exactly"
flood_and_check "$T/normal.ndjson" 8M
echo "default buffer: $(jq -c '{received, lost, produced, ring_dropped, overruns}' <<< "$sum")"
assert_eq "$(grep -m1 '"type":"start"' "$T/normal.ndjson" | jq '.rcvbuf >= 8388608')" true \
	"the receive buffer root gets (SO_RCVBUFFORCE)"
first=$(grep -m1 '"type":"perf"' "$T/normal.ndjson")
assert_eq "$(jq -c '.records[0] | keys' <<< "$first")" \
	'["bytes","id","latency_ns","policy","seq","time_ns","type"]' "a record's keys"
assert_eq "$(jq '.record_size' <<< "$first")" 40 "RECORD_SIZE"

step "a flood, a tiny receive buffer: losses, and the equation still holds"
flood_and_check "$T/tiny.ndjson" 1
echo "tiny buffer: $(jq -c '{received, lost, produced, ring_dropped, overruns}' <<< "$sum")"
assert_eq "$(jq '.lost > 0 and .overruns > 0' <<< "$sum")" true "losses with a tiny buffer"
assert_eq "$(grep -m1 '"type":"overrun"' "$T/tiny.ndjson")" \
	'{"type":"overrun","source":"perf"}' "an overrun line"

step "text: a [PERF] line per message, [LOST] per gap, the summary's equation"
perf_idle
monitor_bg "$T/perf.txt" kallocctl monitor perf
perf_recording
expect_ok kallocctl alloc t1 1K policy tlsf
expect_ok kallocctl free t1
sleep 0.5
monitor_stop
cat "$T/perf.txt"
grep -q -E '^\[PERF\] cpu [0-9]+ seq [0-9]+-[0-9]+ records 2 lost 0 alloc 1 free 1$' "$T/perf.txt" ||
	grep -q -E '^\[PERF\] cpu [0-9]+ seq [0-9]+-[0-9]+ records 1 lost 0 (alloc|free) 1$' "$T/perf.txt" ||
	fail "no [PERF] line for t1"
grep -q -E '^\[SUMMARY\] perf: received 2 lost 0 \(ring drops reported 0\) in [12] messages, overruns 0; kernel produced 2 sent 2 dropped 0 send_failed 0; received \+ lost = produced$' "$T/perf.txt" ||
	fail "no summary with the equation"
