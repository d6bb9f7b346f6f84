#!/bin/bash
# Telemetry, the events group: "kallocctl monitor events", run by nobody
# (joining "events" needs no privilege), sees the NEW and DEL of buffers
# that another process creates and frees, in order, with the reason of
# each deletion (request, flush, socket), and a policy change. A socket
# that overruns (a stopped monitor with a tiny receive buffer) gets a
# [LOST] line, and the monitor resynchronises by listing the buffers.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_module

step "nobody monitors events (NDJSON) while root creates and frees buffers"
monitor_bg "$T/ev.ndjson" "${NOBODY[@]}" kallocctl -j monitor events
expect_ok kallocctl alloc a 4K policy slab
expect_ok kallocctl alloc b 100 owner t
expect_ok kallocctl free a
expect_ok kallocctl flush owner t
kallocctl alloc s 64 hold > /dev/null &
holder=$!
poll 10 has_buffer s || fail "the held buffer did not appear"
kill -TERM "$holder"
wait "$holder"
poll 10 no_buffer s || fail "the held buffer did not go with its socket"
expect_ok kallocctl policy set tlsf
poll 10 sh -c "[ \$(grep -c -e buffer_ -e policy_set '$T/ev.ndjson') -ge 7 ]" ||
	fail "the monitor did not see 7 events: $(cat "$T/ev.ndjson")"
monitor_stop
assert_eq "$rc" 0 "the monitor's exit status"
cat "$T/ev.ndjson"
assert_eq "$(jq -r 'select(.type | startswith("buffer_") or . == "policy_set") | [.type, .name // .policy, .reason // "-"] | join(" ")' "$T/ev.ndjson")" \
	"buffer_new a -
buffer_new b -
buffer_del a request
buffer_del b flush
buffer_new s -
buffer_del s socket
policy_set tlsf -" "the events, in order"
assert_eq "$(ndjson_type "$T/ev.ndjson" buffer_new | head -n 1 | jq -c '{id, name, size, policy, owner, allocator}')" \
	'{"id":1,"name":"a","size":4096,"policy":"slab","owner":"user","allocator":"vmalloc"}' "buffer a's NEW"
assert_eq "$(ndjson_type "$T/ev.ndjson" buffer_new | sed -n 3p | jq -c '{name, flags, portid: (.portid > 0)}')" \
	'{"name":"s","flags":1,"portid":true}' "the held buffer's NEW"
assert_eq "$(ndjson_type "$T/ev.ndjson" policy_set | jq -c '{policy, previous, migrated, unmoved}')" \
	'{"policy":"tlsf","previous":"kmalloc","migrated":0,"unmoved":0}' "the policy change"
assert_eq "$(ndjson_type "$T/ev.ndjson" summary | jq -c '{source, received, lost, overruns}')" \
	'{"source":"events","received":7,"lost":0,"overruns":0}' "the summary"
expect_ok kallocctl policy set kmalloc

step "a resize and a device's life are events too"
monitor_bg "$T/dev.ndjson" "${NOBODY[@]}" kallocctl -j monitor events
expect_ok kallocctl alloc r 4K
expect_ok kallocctl buffer set r size 8K
expect_ok kallocctl vdev add mon0
expect_ok kallocctl vdev irq mon0
expect_ok kallocctl vdev del mon0
expect_ok kallocctl free r
poll 10 grep -q vdev_del "$T/dev.ndjson" || fail "no vdev_del: $(cat "$T/dev.ndjson")"
poll 10 sh -c "grep -q '\"buffer_del\"' '$T/dev.ndjson'" || fail "no buffer_del"
monitor_stop
cat "$T/dev.ndjson"
assert_eq "$(jq -r 'select(.type | IN("start", "summary") | not) | [.type, .name, .size // .irq_count] | join(" ")' "$T/dev.ndjson")" \
	"buffer_new r 4096
buffer_set r 8192
vdev_new mon0 0
vdev_irq mon0 1
vdev_del mon0 1
buffer_del r 8192" "the resize and the device's events, in order"

step "text, with timestamps: one line per event in the manner of ip monitor"
monitor_bg "$T/ev.txt" kallocctl -t monitor
expect_ok kallocctl alloc web0 4096 policy slab
expect_ok kallocctl free web0
poll 10 grep -q BUFFER_DEL "$T/ev.txt" || fail "no BUFFER_DEL line"
monitor_stop
cat "$T/ev.txt"
grep -q -E '^\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{15}[+-][0-9]{4}\] \[BUFFER_NEW\] id [0-9]+ name web0 size 4096 policy slab owner user allocator vmalloc$' "$T/ev.txt" ||
	fail "no [BUFFER_NEW] line for web0"
grep -q -E '\] \[BUFFER_DEL\] id [0-9]+ name web0 size 4096 policy slab owner user allocator vmalloc reason request$' "$T/ev.txt" ||
	fail "no [BUFFER_DEL] line for web0"
grep -q -E '\] \[SUMMARY\] events: received 2 overruns 0$' "$T/ev.txt" ||
	fail "no summary"

step "an overrun: a stopped monitor with a tiny buffer misses events, says so, and resynchronises"
monitor_bg "$T/over.ndjson" kallocctl -j monitor events rcvbuf 1
failed_before=$(telemetry events_send_failed)
kill -STOP "$monitor"
for i in $(seq 1 40); do
	kallocctl alloc "o$i" 64 owner storm || fail "alloc o$i"
done
kill -CONT "$monitor"
poll 20 grep -q '"type":"resync"' "$T/over.ndjson" || fail "no resync after the overrun"
monitor_stop
grep -v '"type":"buffer"' "$T/over.ndjson"
assert_eq "$(ndjson_type "$T/over.ndjson" overrun | jq -c .)" \
	'{"type":"overrun","source":"events"}' "the overrun line"
assert_eq "$(ndjson_type "$T/over.ndjson" resync | jq -c .)" \
	'{"type":"resync","source":"events","buffers":40,"devices":0}' "the resync line"
assert_eq "$(ndjson_type "$T/over.ndjson" buffer | jq -r .name | sort -V | tr '\n' ' ')" \
	"$(seq -f 'o%g' 1 40 | tr '\n' ' ')" "the buffers listed"
assert_eq "$(ndjson_type "$T/over.ndjson" summary | jq -c '{overruns, lost}')" \
	'{"overruns":1,"lost":1}' "the summary"
received=$(ndjson_type "$T/over.ndjson" summary | jq .received)
[ "$received" -lt 40 ] || fail "the tiny buffer held all $received events"
failed=$(($(telemetry events_send_failed) - failed_before))
echo "received $received of 40, the kernel counted $failed messages refused"
[ "$((received + failed))" -eq 40 ] ||
	fail "received $received + refused $failed != 40 sent to a sole listener"
expect_ok kallocctl flush owner storm
