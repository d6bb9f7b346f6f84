#!/bin/bash
# Stress (tests/gauntlet/kstress, issue 10 §4): many processes, each with
# its own socket and its own virtual device, create, delete, write, read,
# get, resize, switch policies with migration, dump, read statistics and
# move data between their buffers and their device by DMA at once, while a
# monitor listens to the events, stats and perf groups. Afterwards the
# kernel's books must match what they did: ALLOCS, FREES and FAILURES per
# policy, the budget and live counts back to where they were, every read
# (and every window read back) equal to what was written or transferred,
# every id handed out once, every device deleted with its DMA count equal
# to the transfers made, one event per change, and the perf ring's loss
# accounting exact. The load is sized per lane (measured sizes
# and rates: docs/reliability.md).
# timeout: 1800
# check-lanes: stock debug
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

G=/usr/local/libexec/kalloc/gauntlet
lane=$(cat /kalloc-share/lane 2> /dev/null || echo stock)
results=/kalloc-share/results/gauntlet
mkdir -p "$results"
if [ "$lane" = debug ]; then
	procs=32 ops=250
else
	procs=32 ops=800
fi

unload_all
# 8 MiB arenas: small enough that a migration into a full arena leaves
# buffers unmoved and a create can be refused by its policy (both paths
# are counted by the checks), large enough for the load.
expect_ok modprobe kalloc arena_bytes=8388608

step "kstress: $procs processes x $ops operations, with a monitor"
run "$G/kstress" --procs "$procs" --ops "$ops" --seed 1 --json "$T/stress.json"
cp "$T/stress.json" "$results/stress-$lane.json" 2> /dev/null || true
[ "$rc" -eq 0 ] || fail "kstress: exit $rc"

step "afterwards: no buffers, no budget in use"
expect_ok "$G/kstate"
assert_contains "$out" "budget_used 0 buffers 0" "the module's totals"
expect_ok rmmod kalloc
