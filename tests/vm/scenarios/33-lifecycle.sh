#!/bin/bash
# Lifecycle (issue 10 §4): the module loaded and unloaded 100 times, each
# time with 64 buffers from names=/values=, a listener on every group, a
# socket-owned buffer and a dump left open; the unload must be refused
# while the dump holds the module and succeed once it is closed, with the
# listener and the owning socket still open (tests/gauntlet/ksock). Then
# the same refusal through rmmod, and rmmod under load: while 8 processes
# hammer the module, rmmod either succeeds or says the module is in use,
# and the processes see the family go away cleanly (8 processes; 4 in the
# debug lane, where each rmmod under load takes seconds).
# timeout: 1200
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

G=/usr/local/libexec/kalloc/gauntlet
lane=$(cat /kalloc-share/lane 2> /dev/null || echo stock)
results=/kalloc-share/results/gauntlet
mkdir -p "$results"

unload_all
step "100 loads and unloads with buffers, listeners, an owned buffer, an open dump"
run "$G/ksock" --json "$T/lifecycle.json" lifecycle --ko "$KO" --iterations 100
cp "$T/lifecycle.json" "$results/lifecycle-$lane.json" 2> /dev/null || true
[ "$rc" -eq 0 ] || fail "ksock lifecycle: exit $rc"
! module_loaded || fail "kalloc is still loaded after the last cycle"

step "rmmod refuses while a dump holds the module"
expect_ok modprobe kalloc names=held0,held1 values=100,200
"$G/ksock" dumphold > "$T/hold.out" 2>&1 &
holder=$!
poll 20 grep -q holding "$T/hold.out" || fail "the dump holder did not start: $(cat "$T/hold.out")"
run rmmod kalloc
[ "$rc" -ne 0 ] || fail "rmmod succeeded while a dump held the module"
assert_contains "$err" "in use" "rmmod's refusal"
module_loaded || fail "kalloc is gone after a refused rmmod"
kill "$holder"
wait "$holder" 2> /dev/null
poll 10 rmmod kalloc || fail "rmmod failed after the dump closed"

step "rmmod under load: it succeeds or says the module is in use"
# In the debug lane every rmmod takes seconds under load and the
# processes' dumps keep the module busy most of the time: fewer of them.
procs=8
[ "$lane" != debug ] || procs=4
expect_ok modprobe kalloc
"$G/kstress" --procs "$procs" --ops 1000000 --seed 7 --no-monitor --tolerate-unload \
	--json "$T/unload-stress.json" > "$T/stress.out" 2>&1 &
stress=$!
sleep 3
tries=0 in_use=0
while module_loaded; do
	tries=$((tries + 1))
	[ "$tries" -le 200 ] || fail "rmmod did not succeed in 200 tries under load"
	if rmmod kalloc 2> "$T/rmmod.err"; then
		break
	fi
	grep -Eq 'in use|Resource temporarily unavailable' "$T/rmmod.err" ||
		fail "rmmod under load failed otherwise: $(cat "$T/rmmod.err")"
	in_use=$((in_use + 1))
	sleep 0.1
done
echo "rmmod succeeded after $tries tries ($in_use refused as in use)"
wait "$stress"
src=$?
prefix stress: < "$T/stress.out"
[ "$src" -eq 0 ] || fail "the processes under the unload: exit $src"
grep -q "the module went away under the load" "$T/stress.out" ||
	fail "kstress did not see the module go away"
cp "$T/unload-stress.json" "$results/unload-stress-$lane.json" 2> /dev/null || true
printf '{"tool": "rmmod-under-load", "procs": %d, "tries": %d, "refused_in_use": %d}\n' \
	"$procs" "$tries" "$in_use" > "$results/rmmod-under-load-$lane.json"

step "the module loads again, empty, and works"
expect_ok modprobe kalloc
expect_ok "$G/kstate"
assert_contains "$out" "budget_used 0 buffers 0" "the module after the reload"
expect_ok kallocctl alloc again 4K
expect_ok rmmod kalloc
