#!/bin/bash
# Telemetry, the figures of docs/benchmarks.md ("Telemetry: producer
# cost"), measured in the VM and printed. The one check is that a bench
# with nobody listening produces no record; the figures are the
# emulator's as much as kalloc's (scenario 47 has the flood).
#
# Producer cost: bench perf runs each allocator without and with a perf
# record per operation in one run (the kernel scenario), three runs
# each, medians: with nobody listening (the two passes differ by noise
# alone), with a listener that reads nothing (the ring's own cost,
# without a reader competing for the host's CPUs), and the latter again
# with the TSC as the clocksource if the kernel offers it (a record reads
# the clock: under TCG the default HPET is an emulated device); then one
# run with a listener reading on the other CPU.
# A benchmark: its figures mean nothing on the debug kernel.
# lanes: stock
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_module

step "the machine"
echo "kernel $(uname -r), $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
CS=/sys/devices/system/clocksource/clocksource0
echo "clocksource $(cat $CS/current_clocksource) (available: $(cat $CS/available_clocksource))"

# cost RUNS...: bench perf RUNS times; per allocator, the medians of
# ns/op without the ring, VS_OFF and NS/RECORD.
cost() {
	local run

	for run in $(seq 1 "$1"); do
		echo "run $run" >&2
		taskset -c 0 kallocctl -j bench scenario kernel ops 20000 perf ||
			fail "bench perf failed"
	done | python3 -c '
import json, statistics, sys
runs = [json.loads(l) for l in sys.stdin if l.strip()]
print("ALLOCATOR  NS/OP_OFF  NS/OP_ON  VS_OFF  NS/RECORD  (medians of %d runs)" % len(runs))
for a in [r["allocator"] for r in runs[0] if not r["perf"]]:
    off = [r["ns_per_op"] for run in runs for r in run if r["allocator"] == a and not r["perf"]]
    on = [r for run in runs for r in run if r["allocator"] == a and r["perf"]]
    cost = [r.get("ring_cost", r["ns_per_op"] / o) for r, o in zip(on, off)]
    rec = [r.get("ns_per_record", 0) for r in on]
    print("%-9s  %9.1f  %8.1f  %6.2f  %9.1f" % (a, statistics.median(off),
          statistics.median([r["ns_per_op"] for r in on]),
          statistics.median(cost), statistics.median(rec)))
'
}

step "2a. producer cost, nobody listening: the passes differ by noise alone"
cost 3
assert_eq "$(telemetry perf_produced)" 0 "records produced without a listener"

step "2b. producer cost, a listener that reads nothing (stopped, 1-byte buffer)"
# Records are produced and drained, the sends fail at once, and no
# reader competes with the bench for the host's CPUs.
monitor_bg "$T/stopped.txt" kallocctl monitor perf rcvbuf 1
perf_recording
kill -STOP "$monitor"
cost 3
if grep -qw tsc "$CS/available_clocksource"; then
	step "2c. the same with the TSC as the clocksource"
	old=$(cat "$CS/current_clocksource")
	echo tsc > "$CS/current_clocksource"
	cost 3
	echo "$old" > "$CS/current_clocksource"
else
	echo "(no tsc clocksource offered: 2c skipped)"
fi
kill -CONT "$monitor"
monitor_stop

step "2d. producer cost, a listener reading on the other CPU (one run)"
perf_idle
monitor_bg "$T/cost.txt" taskset -c 1 kallocctl monitor perf
perf_recording
expect_ok taskset -c 0 kallocctl bench scenario kernel ops 20000 perf
monitor_stop
grep -v '^\[PERF\]' "$T/cost.txt" | tail -n 3
