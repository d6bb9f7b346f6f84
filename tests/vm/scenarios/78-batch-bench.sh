#!/bin/bash
# The cost of kallocctl -batch against one process per command, side by
# side in one run: N buffer creates (alloc pI 4K) as one batch, then as N
# kallocctl processes, after the same fresh module each time; the frees in
# between as a batch too. The ratio goes to docs/benchmarks.md. Under TCG a
# process costs tens of milliseconds, so the process loop stops after 80 s
# and the ratio is taken per command over what it did.
# lanes: stock
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

N=1000
now_ms() { echo $(($(date +%s%N) / 1000000)); }

fresh_module
for i in $(seq "$N"); do echo "alloc p$i 4K"; done > "$T/create"
for i in $(seq "$N"); do echo "free p$i"; done > "$T/free"

step "$N creates as one batch"
t0=$(now_ms)
kallocctl -batch "$T/create" || fail "the create batch failed"
batch_ms=$(($(now_ms) - t0))
assert_eq "$(kallocctl -j list | jq length)" "$N" "buffers after the batch"
t0=$(now_ms)
kallocctl -batch "$T/free" || fail "the free batch failed"
free_ms=$(($(now_ms) - t0))
assert_eq "$(kallocctl -j list | jq length)" 0 "buffers after the free batch"

step "the same creates, one process each"
fresh_module
done_n=0
t0=$(now_ms)
start=$SECONDS
while [ "$done_n" -lt "$N" ] && [ $((SECONDS - start)) -lt 80 ]; do
	done_n=$((done_n + 1))
	kallocctl alloc "p$done_n" 4K || fail "alloc p$done_n"
done
loop_ms=$(($(now_ms) - t0))
assert_eq "$(kallocctl -j list | jq length)" "$done_n" "buffers after the loop"

# Microseconds per command, and the ratio in hundredths.
batch_us=$((batch_ms * 1000 / N))
loop_us=$((loop_ms * 1000 / done_n))
echo "bench: batch: $N creates in $batch_ms ms ($batch_us us each);" \
	"$N frees in $free_ms ms"
echo "bench: processes: $done_n creates in $loop_ms ms ($loop_us us each)"
echo "bench: one process per command / batch = $((loop_us * 100 / batch_us / 100)).$(printf %02d $((loop_us * 100 / batch_us % 100)))"
