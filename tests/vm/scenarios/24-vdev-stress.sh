#!/bin/bash
# Virtual devices under load: four processes at once submit DMAs, wait,
# trigger and acknowledge interrupts, write the control register and the
# window, while the timer fires every 100 us, a fifth process drives the
# same device over netlink, and a sixth migrates every buffer between
# policies. Afterwards the counters add up: every accepted transfer
# completed, and the interrupts acknowledged plus the ones still
# unacknowledged are exactly irq_count. The harness checks dmesg.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"
# shellcheck source=vdev/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vdev/lib.sh"

SECS=15
fresh_module
expect_ok kallocctl alloc sbuf 4K
id=$(vdevtool bufid sbuf)
expect_ok vdevtool new s0 timer 100000
D=/dev/kalloc/s0

netlink_load() {
	local end=$((SECONDS + SECS)) irqs=0 dmas=0

	while [ "$SECONDS" -lt "$end" ]; do
		vdevtool irq s0 2> /dev/null && irqs=$((irqs + 1))
		vdevtool dma s0 to-device sbuf length 64 2> /dev/null > /dev/null &&
			dmas=$((dmas + 1))
		vdevtool get s0 > /dev/null || echo "get failed"
	done
	echo "irqs $irqs dmas $dmas"
}

migrations() {
	local end=$((SECONDS + SECS)) p=2

	while [ "$SECONDS" -lt "$end" ]; do
		vdevtool policy "$p" || echo "policy $p failed"
		p=$((p == 2 ? 1 : 2))
	done
}

step "$SECS seconds of load"
for i in 1 2 3 4; do
	vdevtool stress "$D" "$id" "$SECS" "$i" > "$T/stress$i" 2>&1 &
done
netlink_load > "$T/netlink" 2>&1 &
migrations > "$T/migrations" 2>&1 &
wait
for f in "$T"/stress* "$T/netlink" "$T/migrations"; do
	prefix "${f##*/}:" < "$f"
done
assert_eq "$(cat "$T/migrations")" "" "migration failures"

step "the timer stops; the counters add up"
expect_ok vdevtool set s0 control 0 mask 4
expect_ok vdevtool wait "$D" 10000000000
expect_ok vdevtool ack "$D"
read -r _ last_acked _ irq_count <<< "$out"
submitted=0 triggered=0 acked=0
for i in 1 2 3 4; do
	read -r _ s _ t _ a _ <<< "$(cat "$T/stress$i")"
	if [ -z "$s" ] || [ -z "$a" ]; then
		fail "stress $i did not finish"
	fi
	submitted=$((submitted + s))
	triggered=$((triggered + t))
	acked=$((acked + a))
done
read -r _ nl_irqs _ nl_dmas <<< "$(tail -n 1 "$T/netlink")"
completed=$(vdev_field s0 dma_completed)
failed=$(vdev_field s0 dma_failed)
echo "submitted $submitted + $nl_dmas, completed $completed, failed $failed"
echo "triggered $triggered + $nl_irqs, acked $acked + $last_acked, irq_count $irq_count"
assert_eq "$failed" 0 "failed transfers"
assert_eq "$completed" "$((submitted + nl_dmas))" "completed transfers vs accepted submissions"
assert_eq "$((acked + last_acked))" "$irq_count" "interrupts acknowledged vs irq_count"
timer=$((irq_count - triggered - nl_irqs - completed))
echo "timer interrupts: $timer"
[ "$timer" -gt 0 ] || fail "expected timer interrupts, got $timer"
if [ "$submitted" -eq 0 ] || [ "$triggered" -eq 0 ]; then
	fail "the load did nothing"
fi
assert_eq "$(vdev_field s0 irq_count)" "$irq_count" "irq_count once idle"
