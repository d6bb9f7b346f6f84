#!/bin/bash
# Concurrent refusals (issue 6 §8: the racy ring of formatted extack
# messages crashed the test kernel): several root processes send failing
# BUFFER_NEW requests at once, some over the budget, some with a bad
# name. Every reply must carry its own message (and, over the budget, a
# BUDGET cookie), none another request's; the kernel must not WARN (the
# VM runs with panic_on_warn, and the harness checks dmesg).
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

N=400

fresh_module
expect_ok kallocctl alloc keep 4K
before=$(list_json)

step "four probes, two over the budget and two with bad names, $N requests each"
pids=()
for kind in budget name budget name; do
	"$PROBE" refuse "$kind" "$N" > "$T/storm.${#pids[@]}" 2>&1 &
	pids+=($!)
done
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" || fail "probe $i: $(cat "$T/storm.$i")"
	assert_eq "$(cat "$T/storm.$i")" "refused $N" "probe $i"
done

step "kallocctl refusals at the same time, each with its own line"
for i in 1 2 3; do
	(
		for _ in $(seq 10); do
			kallocctl alloc "big$i" 1G 2>&1 | grep -q "exceeds the remaining budget" ||
				echo "budget $i"
			kallocctl alloc "bad/$i" 1K 2>&1 |
				grep -q "KALLOC_BUFFER_A_NAME has a character outside" ||
				echo "name $i"
		done
	) > "$T/cli.$i" &
	cli_pids[i]=$!
done
for i in 1 2 3; do
	wait "${cli_pids[$i]}"
	[ ! -s "$T/cli.$i" ] || fail "wrong messages: $(cat "$T/cli.$i")"
done

step "nothing changed, and the kernel said nothing"
assert_eq "$(list_json)" "$before" "buffers after the storm"
dmesg | grep -E 'WARNING:|BUG:|netlink_ack' && fail "the kernel complained"
true
