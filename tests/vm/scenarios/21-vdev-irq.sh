#!/bin/bash
# Virtual devices, interrupts: a process asleep in poll(2) or epoll_wait(2)
# wakes on VDEV_IRQ and on the TRIGGER_IRQ ioctl; with IRQ_ENABLE clear
# an interrupt is latched (counted, pending, no wake-up) and setting
# IRQ_ENABLE delivers it; the timer at 1 ms for 1 s raises about 1000
# interrupts and the poller, adding up what ACK_IRQ returns, sees exactly
# as many as irq_count says; RESET clears what the datasheet says.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"
# shellcheck source=vdev/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vdev/lib.sh"

fresh_module
expect_ok vdevtool new i0
D=/dev/kalloc/i0

# sleeper CMD...: starts CMD in the background, once it sleeps in poll.
sleeper() {
	"$@" > "$T/sleeper" &
	spid=$!
	wait_in_poll "$spid"
	sleep 0.3
	in_poll "$spid" || fail "the poller woke by itself"
}

woken() {
	wait "$spid"
	prefix poller: < "$T/sleeper"
	cat "$T/sleeper"
}

step "a poller blocked in poll wakes on VDEV_IRQ"
sleeper vdevtool poll "$D" 60000
expect_ok vdevtool irq i0
assert_contains "$(woken)" "revents POLLIN POLLPRI" "what poll reported"
assert_eq "$(vdev_field i0 irq_count)" 1 "irq_count"
assert_eq "$(vdev_field i0 status)" 5 "status (READY | IRQ_PENDING)"
expect_ok vdevtool ack "$D"
assert_eq "$out" "acked 1 irq_count 1" "ACK_IRQ"
assert_eq "$(vdev_field i0 status)" 1 "status after ACK_IRQ"

step "an epoll waiter wakes on the TRIGGER_IRQ ioctl"
sleeper vdevtool epoll "$D" 60000
expect_ok vdevtool trigger "$D"
assert_contains "$(woken)" "events EPOLLIN EPOLLPRI" "what epoll reported"
expect_ok vdevtool ack "$D"
assert_eq "$out" "acked 1 irq_count 2" "ACK_IRQ"

step "a poller with nothing pending sleeps until its timeout"
expect_ok vdevtool poll "$D" 500
assert_contains "$out" "revents none"

step "with IRQ_ENABLE clear an interrupt is latched, not delivered"
expect_ok vdevtool set i0 control 0 mask 2
assert_contains "$out" "control=1"
vdevtool poll "$D" 4000 > "$T/latched" &
lpid=$!
wait_in_poll "$lpid"
expect_ok vdevtool irq i0
wait "$lpid"
prefix poller: < "$T/latched"
assert_contains "$(cat "$T/latched")" "revents none" "what the poller saw"
assert_eq "$(vdev_field i0 irq_count)" 3 "irq_count (counted anyway)"
assert_eq "$(vdev_field i0 status)" 5 "status (IRQ_PENDING latched)"
expect_ok vdevtool poll "$D" 0
assert_contains "$out" "revents none"

step "setting IRQ_ENABLE delivers the latched interrupt"
sleeper vdevtool poll "$D" 60000
expect_ok vdevtool set i0 control 2 mask 2
assert_contains "$(woken)" "revents POLLIN POLLPRI" "what poll reported"
expect_ok vdevtool ack "$D"
assert_eq "$out" "acked 1 irq_count 3" "ACK_IRQ"

step "the timer at 1 ms for 1 s: about 1000 interrupts, every one seen"
expect_ok vdevtool new t0
expect_ok vdevtool timer /dev/kalloc/t0 1000000 1000
read -r _ acked _ count _ wakeups _ elapsed <<< "$out"
assert_eq "$acked" "$count" "interrupts the poller acknowledged vs irq_count"
assert_eq "$(vdev_field t0 irq_count)" "$count" "VDEV_GET irq_count"
if [ "$count" -lt 900 ] || [ "$count" -gt 1200 ]; then
	fail "expected about 1000 interrupts (900..1200), got $count"
fi
diff=$((count > elapsed ? count - elapsed : elapsed - count))
[ "$diff" -le $((elapsed / 50 + 5)) ] ||
	fail "expected one interrupt per elapsed ms ($elapsed), got $count"
[ "$wakeups" -ge 1 ] || fail "the poller never woke"
assert_eq "$(vdev_field t0 control)" 3 "control after the timer stopped"
sleep 0.5
assert_eq "$(vdev_field t0 irq_count)" "$count" "irq_count once the timer is off"

step "the timer counts exactly whether or not anyone reads"
expect_ok vdevtool new t1 timer 1000000
sleep 1
expect_ok vdevtool set t1 control 0 mask 4
n1=$(vdev_field t1 irq_count)
[ "$n1" -ge 500 ] || fail "expected the timer to run unwatched, got $n1"
assert_eq "$(vdev_field t1 irq_unacked)" "$n1" "irq_unacked of an unwatched device"

step "RESET: control back to ENABLE | IRQ_ENABLE, timer stopped, pending and unacked cleared, counters kept"
expect_ok vdevtool new r0 timer 500000
expect_ok vdevtool set r0 control 0 mask 1
sleep 0.3
expect_ok vdevtool set r0 control 8 mask 8
assert_contains "$out" "control=3"
assert_contains "$out" "status=1"
assert_contains "$out" "irq_unacked=0"
assert_contains "$out" "timer_ns=500000"
n=$(vdev_field r0 irq_count)
[ "$n" -gt 0 ] || fail "expected timer interrupts before RESET"
sleep 0.3
assert_eq "$(vdev_field r0 irq_count)" "$n" "irq_count after RESET (timer stopped, count kept)"
expect_ok vdevtool set r0 control 4 mask 4 timer 1000000
assert_contains "$out" "control=7"
sleep 0.3
[ "$(vdev_field r0 irq_count)" -gt "$n" ] || fail "the timer did not restart"
expect_ok vdevtool set r0 control 0 mask 4
