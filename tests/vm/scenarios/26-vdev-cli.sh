#!/bin/bash
# kallocctl vdev: the data round trip of the issue (a pattern written to
# the window with write(2), DMA into a buffer, read back with kallocctl
# read; then the reverse with kallocctl write), a poller woken by
# kallocctl vdev irq, settings (enable, disable, irq-enable, irq-disable,
# timer PERIOD, timer off, reset), ack, nowait transfers and their EBUSY,
# show in text and JSON (base units), and the refusals as one Error line.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"
# shellcheck source=vdev/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vdev/lib.sh"

fresh_module
D=/dev/kalloc/cli0

json_field() {
	kallocctl -j vdev show "$1" | jq -r ".[0].$2"
}

step "add, show, JSON in base units"
expect_ok kallocctl vdev add cli0 size 8K owner tests
assert_contains "$out" "cli0"
[ -c "$D" ] || fail "$D was not created"
expect_ok kallocctl vdev show
assert_contains "$(head -n 1 <<< "$out")" "NAME"
assert_contains "$out" "ready"
assert_contains "$out" "enable,irq-enable"
assert_contains "$out" "tests"
assert_eq "$(json_field cli0 window_bytes)" 8192 "window_bytes"
assert_eq "$(json_field cli0 owner)" tests "owner"
assert_eq "$(json_field cli0 status_flags)" ready "status_flags"
assert_eq "$(json_field cli0 control)" 3 "control"
assert_eq "$(json_field cli0 last_dma)" null "last_dma before any transfer"

step "write(2) a pattern, DMA it into a buffer, kallocctl read it back"
expect_ok kallocctl alloc cbuf 8K
head -c 8192 /dev/urandom > "$T/pat"
expect_ok dd if="$T/pat" of="$D" bs=8192 count=1 conv=notrunc status=none
expect_ok kallocctl vdev dma cli0 from-device cbuf
assert_contains "$out" "from-device cli0 -> cbuf, 8192 bytes, moved 8192"
kallocctl read cbuf > "$T/back" || fail "kallocctl read failed"
expect_ok cmp "$T/pat" "$T/back"

step "the reverse: kallocctl write the buffer, DMA it into the window, read(2) it"
head -c 8192 /dev/urandom > "$T/pat2"
expect_ok kallocctl write cbuf file "$T/pat2"
expect_ok kallocctl -j vdev dma cli0 to-device cbuf
assert_eq "$(jq -r .bytes <<< "$out")" 8192 "JSON bytes"
assert_eq "$(jq -r .error <<< "$out")" 0 "JSON error"
assert_eq "$(jq -r .direction <<< "$out")" to-device "JSON direction"
expect_ok dd if="$D" of="$T/back2" bs=8192 count=1 status=none
expect_ok cmp "$T/pat2" "$T/back2"
expect_ok kallocctl vdev dma cli0 from-device cbuf offset 100 device-offset 50 length 10
assert_contains "$out" "10 bytes, moved 10"
assert_eq "$(json_field cli0 last_dma.offset)" 100 "last_dma.offset"
assert_eq "$(json_field cli0 last_dma.device_offset)" 50 "last_dma.device_offset"

step "a poller blocked in poll wakes on kallocctl vdev irq"
expect_ok kallocctl vdev ack cli0
vdevtool poll "$D" 60000 > "$T/poll" &
pid=$!
wait_in_poll "$pid"
expect_ok kallocctl vdev irq cli0
wait "$pid"
assert_contains "$(cat "$T/poll")" "revents POLLIN POLLPRI" "what poll reported"
assert_contains "$(kallocctl vdev show cli0)" "irq-pending"
expect_ok kallocctl vdev ack cli0
assert_eq "$out" "acknowledged 1 interrupts (irq_count 4)" "ack"
expect_ok kallocctl -j vdev ack cli0
assert_eq "$(jq -c . <<< "$out")" '{"acked":0,"irq_count":4}' "JSON ack"

step "settings, several in one call"
expect_ok kallocctl vdev set cli0 disable irq-disable
assert_eq "$(json_field cli0 control_flags)" - "control after disable irq-disable"
expect_fail_with "not enabled" 1 kallocctl vdev dma cli0 from-device cbuf
expect_ok kallocctl vdev set cli0 enable irq-enable timer 1ms
assert_eq "$(json_field cli0 control_flags)" enable,irq-enable,timer "control flags"
assert_eq "$(json_field cli0 timer_ns)" 1000000 "timer_ns"
assert_contains "$(kallocctl vdev show cli0)" " 1ms "
sleep 0.5
expect_ok kallocctl vdev set cli0 timer off
n=$(json_field cli0 irq_count)
[ "$n" -gt 100 ] || fail "expected the timer to have run, irq_count $n"
sleep 0.3
assert_eq "$(json_field cli0 irq_count)" "$n" "irq_count with the timer off"
expect_ok kallocctl vdev set cli0 disable reset
assert_eq "$(json_field cli0 control_flags)" irq-enable "control after reset, then disable"
expect_ok kallocctl vdev set cli0 reset
assert_eq "$(json_field cli0 control_flags)" enable,irq-enable "control after reset"
assert_eq "$(json_field cli0 irq_unacked)" 0 "irq_unacked after reset"
assert_eq "$(json_field cli0 last_dma)" null "last_dma after reset"
expect_ok kallocctl vdev add cli1 timer 100us
assert_eq "$(json_field cli1 timer_ns)" 100000 "timer given to add"
assert_eq "$(json_field cli1 control_flags)" enable,irq-enable,timer "timer started by add"
expect_ok kallocctl vdev del cli1

step "nowait, and a second transfer while one is in flight"
# The transfer must outlast the next two kallocctl runs: in the debug
# lane a process takes a quarter second or more to start and the two took
# over 2 s, so the transfer is held longer there.
delay_ms=2000
[ "$LANE" != debug ] || delay_ms=15000
debugfs_knob vdev_dma_delay_ms "$delay_ms"
expect_ok kallocctl vdev dma cli0 from-device cbuf nowait
assert_contains "$out" "started"
expect_fail_with "in flight" 1 kallocctl vdev dma cli0 from-device cbuf
expect_fail_with "DMA transfer" 1 kallocctl free cbuf
expect_ok vdevtool wait "$D" $(((delay_ms + 10000) * 1000000))
debugfs_knob vdev_dma_delay_ms 0

step "refusals: one Error line each"
expect_fail_with "exists already" 1 kallocctl vdev add cli0
expect_fail_with "out of range" 1 kallocctl vdev add big size 2M
expect_fail_with "out of range" 1 kallocctl vdev set cli0 timer 50us
expect_fail_with "no device has this" 1 kallocctl vdev show nosuch
expect_fail_with "no device has this" 1 kallocctl vdev del nosuch
expect_fail_with "no buffer has this" 1 kallocctl vdev dma cli0 to-device nosuch
expect_fail_with "past the end of the window" 1 kallocctl vdev dma cli0 to-device cbuf device-offset 8K
expect_fail_with "cannot open /dev/kalloc/nosuch" 1 kallocctl vdev ack nosuch
expect_fail_with "Operation not permitted" 1 nobody kallocctl vdev add x
expect_fail_with "Permission denied" 1 nobody kallocctl vdev ack cli0
expect_ok nobody kallocctl vdev show

step "del"
expect_ok kallocctl vdev del cli0
[ ! -e "$D" ] || fail "$D is still there"
expect_ok kallocctl -j vdev show
assert_eq "$out" "[]" "devices after del"
