#!/bin/bash
# The policy-aware netlink fuzzer (tests/gauntlet/kfuzz, issue 10 §2). It
# learns the kalloc family's ops and every op's attribute policy from the
# controller (CTRL_CMD_GETFAMILY, CTRL_CMD_GETPOLICY), then sends mostly
# valid requests with mutations, in programs that build state, as four
# callers: root; an unprivileged user; root of a user namespace (the
# initial network namespace); root of a user and network namespace
# (unshare -Urn). Each run fails on any finding (no answer, a policy not
# enforced, an unprivileged mutation that succeeded, a malformed reply, an
# incomplete dump...). The unprivileged and namespaced runs must leave the
# module's state exactly as it was, and the module must unload afterwards.
# Seeds and counts are fixed here; `make fuzz-kernel SECONDS=N` runs each
# caller for N seconds instead. In the debug lane the root run also
# collects KCOV coverage of kalloc.ko.
# timeout: 900
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

G=/usr/local/libexec/kalloc/gauntlet
lane=$(cat /kalloc-share/lane 2> /dev/null || echo stock)
results=/kalloc-share/results/gauntlet
mkdir -p "$results"
# shellcheck source=/dev/null
. "$G/gauntlet.env"
seed=${KALLOC_FUZZ_SEED:-1}
# Counts sized for TCG (measured: docs/reliability.md); the debug lane is
# several times slower per request, so it sends fewer.
if [ "$lane" = debug ]; then
	counts=(root:1500 user:400 userns:400 netns:200)
else
	counts=(root:2500 user:600 userns:600 netns:300)
fi
if [ -n "${KALLOC_FUZZ_SECONDS:-}" ]; then
	budget=(--count 0 --seconds "$KALLOC_FUZZ_SECONDS")
	echo "fuzzing each caller for ${KALLOC_FUZZ_SECONDS}s (make fuzz-kernel)"
else
	budget=()
fi
# A world-writable place for the unprivileged runs' logs.
w=$(mktemp -d)
chmod 1777 "$w"

nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
}

# fuzz CALLER COUNT [WRAPPER...]: one run; its JSON and log go to results.
fuzz() {
	local caller=$1 count=$2
	local json=$w/fuzz-$caller.json log=$w/fuzz-$caller.log
	local -a extra=() n=(--count "$count")

	shift 2
	[ ${#budget[@]} -eq 0 ] || n=("${budget[@]}")
	if [ "$caller" = root ] && [ -e /sys/kernel/debug/kcov ]; then
		extra=(--kcov --ko "$KO")
	fi
	step "kfuzz as $caller: seed $seed, ${n[*]}"
	run "$@" "$G/kfuzz" --caller "$caller" --seed "$seed" "${n[@]}" \
		--timeout-ms 30000 --log "$log" --json "$json" "${extra[@]}"
	cp "$json" "$results/fuzz-$lane-$caller.json" 2> /dev/null || true
	# The log is the reproduction of any finding: keep it beside the JSON.
	cp "$log" "$results/fuzz-$lane-$caller.log" 2> /dev/null || true
	[ "$rc" -eq 0 ] || fail "kfuzz as $caller: exit $rc (findings above; replay: kfuzz --replay $results/fuzz-$lane-$caller.log)"
}

unload_all
# Small limits, so that the budget, max_buffers and a full arena are
# reachable by random requests; arenas of 4 MiB also keep migrations fast.
expect_ok modprobe kalloc budget=16777216 max_buffers=256 arena_bytes=4194304

fuzz root "${counts[0]#*:}"

step "the root run's log replays: its first 400 requests, on a fresh module"
# ids come out the same on a freshly loaded module: this is how a finding
# is reproduced (kfuzz --replay LOG). Every request must be answered.
expect_ok rmmod kalloc
expect_ok modprobe kalloc budget=16777216 max_buffers=256 arena_bytes=4194304
expect_ok "$G/kfuzz" --replay "$w/fuzz-root.log" --upto 400
assert_contains "$out" "replayed 400 requests, 0 left unanswered" "the replay"

expect_ok "$G/kstate" --contents
before=$out
nbuf=$(grep -c '^buffer ' <<< "$before" || true)
echo "state after the root run: $nbuf buffers"

fuzz user "${counts[1]#*:}" nobody
expect_ok "$G/kstate" --contents
assert_eq "$out" "$before" "the module's state after the unprivileged run"

fuzz userns "${counts[2]#*:}" unshare -Ur
expect_ok "$G/kstate" --contents
assert_eq "$out" "$before" "the module's state after the user-namespace run"

fuzz netns "${counts[3]#*:}" unshare -Urn
expect_ok "$G/kstate" --contents
assert_eq "$out" "$before" "the module's state after the user+network-namespace run"

step "the module unloads after all that"
expect_ok rmmod kalloc
! module_loaded || fail "kalloc still loaded after rmmod"
