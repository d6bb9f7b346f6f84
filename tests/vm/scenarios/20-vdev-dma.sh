#!/bin/bash
# Virtual devices, the data path: a device node appears as
# /dev/kalloc/NAME (0600, root); a pattern written to the window with
# write(2) reaches a kalloc buffer by DMA (read back with BUFFER_READ), and
# the reverse; offsets and the default length; mmap shows the window;
# VDEV_GET and GET_REGS agree; a migration to another policy in the middle
# of a transfer corrupts neither side; examples/vdev-demo works; events
# announce lifecycle, interrupts and transfers but not timer ticks.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"
# shellcheck source=vdev/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vdev/lib.sh"

fresh_module
D=/dev/kalloc/d0

step "a new device: its node, its registers"
expect_ok vdevtool new d0
expect_ok stat -c '%F %a %U' "$D"
assert_eq "$out" "character special file 600 root" "the node"
expect_ok vdevtool get d0
assert_contains "$out" "size=4096"
assert_contains "$out" "status=1"
assert_contains "$out" "control=3"
assert_contains "$out" "irq_count=0"
assert_contains "$out" "open_files=0"
minor=$(vdev_field d0 minor)
assert_eq "$(stat -c '%t:%T' "$D")" "a:$(printf %x "$minor")" "major:minor of the node"

step "from-device: write(2) the window, DMA it into a buffer, BUFFER_READ it"
expect_ok kallocctl alloc buf 4K
head -c 4096 /dev/urandom > "$T/pat"
expect_ok dd if="$T/pat" of="$D" bs=4096 count=1 conv=notrunc status=none
expect_ok vdevtool dma d0 from-device buf wait
assert_contains "$out" "dma_bytes=4096"
assert_contains "$out" "dma_error=0"
assert_contains "$out" "dma_completed=1"
assert_contains "$out" "dma_direction=2"
vdevtool bread buf 0 4096 > "$T/back" || fail "BUFFER_READ failed"
expect_ok cmp "$T/pat" "$T/back"

step "to-device: BUFFER_WRITE a pattern, DMA it into the window, read(2) it"
head -c 4096 /dev/urandom > "$T/pat2"
vdevtool bwrite buf 0 < "$T/pat2" || fail "BUFFER_WRITE failed"
expect_ok vdevtool dma d0 to-device buf wait
assert_contains "$out" "dma_completed=2"
expect_ok dd if="$D" of="$T/back2" bs=4096 count=1 status=none
expect_ok cmp "$T/pat2" "$T/back2"

step "offsets and lengths: 50 bytes from window offset 100 to buffer offset 200"
expect_ok dd if="$T/pat" of="$D" bs=4096 count=1 conv=notrunc status=none
expect_ok vdevtool dma d0 from-device buf devoff 100 offset 200 length 50 wait
assert_contains "$out" "dma_bytes=50"
vdevtool bread buf 200 50 > "$T/part" || fail "BUFFER_READ failed"
expect_ok cmp "$T/part" <(tail -c +101 "$T/pat" | head -c 50)
vdevtool bread buf 0 200 > "$T/before" || fail "BUFFER_READ failed"
expect_ok cmp "$T/before" <(head -c 200 "$T/pat2")

step "without a length, as much as fits in both"
expect_ok kallocctl alloc small 1000
expect_ok vdevtool dma d0 from-device small wait
assert_contains "$out" "dma_length=1000"
expect_ok vdevtool dma d0 from-device buf devoff 4000 wait
assert_contains "$out" "dma_length=96"

step "mmap: the mapping and read/write see the same bytes"
expect_ok vdevtool mmap "$D"
expect_ok vdevtool new big size 1048576
expect_ok vdevtool mmap /dev/kalloc/big
expect_ok vdevtool new odd size 5000
expect_ok vdevtool mmap /dev/kalloc/odd

step "VDEV_GET and GET_REGS describe the same registers"
expect_ok vdevtool irq d0
expect_ok vdevtool regs "$D"
regs=$out
for f in status control irq_count irq_unacked dma_completed dma_failed dma_seq; do
	nl=$(vdev_field d0 "$f")
	assert_contains "$regs" "$f=$nl" "GET_REGS $f"
done
assert_contains "$regs" "size=96"

step "a policy migration in the middle of a transfer corrupts neither side"
debugfs_knob vdev_dma_delay_ms 2000
head -c 4096 /dev/urandom > "$T/pat3"
expect_ok dd if="$T/pat3" of="$D" bs=4096 count=1 conv=notrunc status=none
expect_ok vdevtool ack "$D"
expect_ok vdevtool dma d0 from-device buf
assert_eq "$(vdev_field d0 status)" 2 "status during the transfer (BUSY, not READY)"
expect_ok vdevtool policy 2
expect_ok vdevtool wait "$D" 10000000000
assert_contains "$out" "bytes=4096 error=0"
debugfs_knob vdev_dma_delay_ms 0
vdevtool bread buf 0 4096 > "$T/back3" || fail "BUFFER_READ failed"
expect_ok cmp "$T/pat3" "$T/back3"
expect_ok vdevtool policy 1

step "examples/vdev-demo"
expect_ok /usr/local/libexec/kalloc/vdev-demo d0 buf
assert_contains "$out" "round trip ok"
expect_fail /usr/local/libexec/kalloc/vdev-demo d0 nosuchbuffer
expect_fail /usr/local/libexec/kalloc/vdev-demo nosuchdevice buf

step "events: lifecycle, interrupts and transfers; timer ticks are not announced"
vdevtool events 30 > "$T/events" &
evpid=$!
poll 20 grep -q listening "$T/events" || fail "the listener never joined"
expect_ok vdevtool new e1 timer 200000
expect_ok vdevtool set e1 control 2 mask 2
expect_ok vdevtool irq e1
expect_ok vdevtool dma e1 from-device buf wait
sleep 1
expect_ok vdevtool del e1
poll 20 grep -q "vdev-del e1" "$T/events" || fail "no vdev-del event"
kill "$evpid" 2> /dev/null
wait "$evpid" 2> /dev/null
prefix events: < "$T/events"
assert_eq "$(grep -v listening "$T/events")" "vdev-new e1
vdev-set e1
vdev-irq e1
vdev-dma e1
vdev-del e1" "the events"

step "the perf ring sees every transfer and interrupt, with the device's id"
vdevtool perf 20 > "$T/perf" &
perfpid=$!
poll 20 grep -q listening "$T/perf" || fail "the perf listener never joined"
sleep 2.5 # the telemetry clock notices a listener within a second or two
did=$(vdev_field d0 id)
expect_ok vdevtool dma d0 from-device buf length 300 wait
expect_ok vdevtool irq d0
poll 20 grep -q "^irq id=$did bytes=1" "$T/perf" || fail "no IRQ record"
kill "$perfpid" 2> /dev/null
wait "$perfpid" 2> /dev/null
prefix perf: < "$T/perf"
assert_contains "$(cat "$T/perf")" "dma id=$did bytes=300" "perf records"

step "rmmod with devices and no open file"
dmesg_mark
expect_ok rmmod kalloc
[ -e "$D" ] && fail "$D outlived the module"
assert_eq "$(windows_alive)" 0 "device windows left in /proc/vmallocinfo"
