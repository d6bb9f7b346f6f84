#!/bin/bash
# Fault injection (tests/gauntlet/kfault, issue 10 §3): for every kalloc
# command, and for module load with names= and module unload, the Nth
# allocation fails for N = 1, 2, ... until the command runs untouched
# (/proc/thread-self/fail-nth of the sending thread, over failslab and
# fail_page_alloc). Each failure must be a clean error (ENOMEM with an
# extended ACK when kalloc's handler ran, or a failed load), leave the
# module's state as it was, print no splat; each success must leave what
# success leaves. Then kmemleak must find nothing unreferenced. KCOV tells
# which error paths ran.
# lanes: debug
# needs: failslab fail_page_alloc fail-nth kcov kmemleak
# timeout: 2700
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

G=/usr/local/libexec/kalloc/gauntlet
lane=$(cat /kalloc-share/lane 2> /dev/null || echo stock)
results=/kalloc-share/results/gauntlet
mkdir -p "$results"
kml=/sys/kernel/debug/kmemleak

for f in failslab fail_page_alloc kcov kmemleak; do
	[ -e "/sys/kernel/debug/$f" ] || fail "/sys/kernel/debug/$f is missing: not the debug kernel?"
done

unload_all
dmesg_mark
step "kfault: every command, N = 1 until untouched"
run "$G/kfault" --ko "$KO" --json "$T/fault.json"
cp "$T/fault.json" "$results/fault-$lane.json" 2> /dev/null || true
kfault_rc=$rc

step "no splat while faults were injected"
log=$(dmesg_since)
trouble=$(grep -E 'WARNING:|BUG:|Call Trace|KASAN|UBSAN|Oops|allocation failed|alloc failure|vmalloc error' <<< "$log" || true)
[ -z "$trouble" ] || {
	prefix dmesg: <<< "$trouble" | head -n 40
	echo '{"tool": "dmesg", "clean": false}' > "$results/fault-$lane-dmesg.json"
	fail "the kernel logged trouble during fault injection"
}
echo '{"tool": "dmesg", "clean": true}' > "$results/fault-$lane-dmesg.json"

step "kmemleak: nothing unreferenced after the walk"
unload_all
# kmemleak reports an object once it is 5 s old and a scan found no
# reference to it: wait, scan, wait, scan, read.
sleep 6
echo scan > "$kml"
sleep 6
echo scan > "$kml"
cat "$kml" > "$T/kmemleak.log"
n=$(grep -c '^unreferenced object' "$T/kmemleak.log" || true)
printf '{"tool": "kmemleak", "unreferenced": %d}\n' "$n" > "$results/fault-$lane-kmemleak.json"
if [ "$n" -ne 0 ]; then
	head -n 60 "$T/kmemleak.log"
	fail "kmemleak: $n unreferenced objects"
fi
echo "kmemleak: no unreferenced object"
[ "$kfault_rc" -eq 0 ] || fail "kfault: exit $kfault_rc (findings above)"
