#!/bin/bash
# Bad input of the policy issue, each refused with one clear "Error:"
# line while the other buffers stay intact: an unknown policy name or
# number and policy 0; a size the chosen policy cannot serve (arenas of
# 1 MiB here), with the largest it could serve; the budget and
# max_buffers, with their numbers; bench with 0 operations and with too
# many, an unknown scenario; and a second bench while one runs (EBUSY),
# the first one stopped by SIGKILL. (Ranges and lengths: 12-read-write.)
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

unload_all
expect_ok insmod "$KO" arena_bytes=1048576 max_buffers=4
expect_ok kallocctl alloc keep 4K policy tlsf
expect_ok kallocctl write keep data "intact"
expect_ok kallocctl alloc keep2 1M
before=$(list_json)

# refused SUBSTRING CODE ARGS...: kallocctl ARGS fails so, state unchanged.
refused() {
	local want=$1 code=$2

	shift 2
	expect_fail_with "$want" "$code" kallocctl "$@"
	assert_eq "$(list_json)" "$before" "buffers after 'kallocctl $*'"
}

step "policies: an unknown name, an unknown number, 0"
refused 'unknown policy "fastest": expected kmalloc, buddy, slab, first-fit, best-fit or tlsf (or a number)' \
	2 alloc x 1K policy fastest
refused "integer out of range (attribute policy)" 1 alloc x 1K policy 7
refused "integer out of range (attribute policy)" 1 alloc x 1K policy 0
refused "integer out of range (attribute id)" 1 policy set 0
refused 'unknown policy "fastest"' 2 policy set fastest

step "a size the chosen policy cannot serve (arena_bytes=1M)"
for p in buddy slab first-fit best-fit tlsf; do
	refused "KALLOC_BUFFER_A_SIZE is more than the policy can serve now (largest it can serve now: " \
		1 alloc x 2M policy "$p"
	assert_contains "$err" "arena bound 1048576 bytes)" "the $p refusal"
done
refused "KALLOC_BUFFER_A_SIZE is more than the policy can serve now" 1 alloc x 1M policy tlsf
assert_eq "$(stats_field tlsf failures)" 2 "tlsf's failures"
step "a migration that cannot move a buffer leaves it and counts it"
expect_ok kallocctl -j policy set buddy migrate from kmalloc
assert_eq "$(jq -c '{changed, migrated, unmoved}' <<< "$out")" \
	'{"changed":true,"migrated":0,"unmoved":1}' "moving a 1 MiB buffer into a 1 MiB arena"
assert_eq "$(list_json)" "$before" "buffers after the unmoved migration"
expect_ok kallocctl policy set kmalloc

step "the budget and max_buffers, with their numbers"
refused "KALLOC_BUFFER_A_SIZE exceeds the remaining budget (66056192 of 67108864 bytes free)" \
	1 alloc x 64M
expect_ok kallocctl alloc third 1K
expect_ok kallocctl alloc fourth 1K
expect_fail_with "the module holds max_buffers buffers already (max_buffers is 4)" 1 \
	kallocctl alloc fifth 1K
expect_ok kallocctl free third
expect_ok kallocctl free fourth

step "bench: 0 operations, too many, an unknown scenario"
refused "integer out of range (attribute ops)" 1 bench ops 0
refused "integer out of range (attribute ops)" 1 bench ops 10000001
refused "integer out of range (attribute scenario)" 1 bench scenario 0
refused "integer out of range (attribute scenario)" 1 bench scenario 6
refused 'unknown scenario "huge"' 2 bench scenario huge

step "a second bench while one runs: EBUSY; SIGKILL stops the first"
# The first takes the kernel's bench lock at once and holds it for
# seconds; should the second win the race instead, both are tried again.
for attempt in 1 2 3; do
	kallocctl bench scenario uniform ops 4000000 > "$T/bench1" 2>&1 &
	first=$!
	sleep 2
	run kallocctl bench scenario uniform ops 1
	busy=$((rc != 0))
	[ "$busy" = 1 ] && break
	echo "attempt $attempt: the second bench ran; trying again"
	wait "$first"
done
[ "$busy" = 1 ] || fail "no EBUSY while a bench was running"
assert_eq "$rc" 1 "exit status of the second bench"
assert_eq "$err" "Error: another KALLOC_CMD_BENCH_RUN is running: try again later" \
	"the second bench's error"
start=$SECONDS
kill -KILL "$first"
wait "$first" 2> /dev/null
echo "the first bench ended $((SECONDS - start)) s after SIGKILL"
[ $((SECONDS - start)) -lt 20 ] || fail "the bench did not stop on SIGKILL"
expect_ok kallocctl bench scenario kernel ops 100
assert_eq "$(list_json)" "$before" "buffers after the benches"

step "the buffers kept their contents"
expect_ok kallocctl read keep length 6
assert_eq "$out" intact "keep's contents"
