#!/bin/bash
# BUFFER_SET ("kallocctl set"): a buffer changes size, policy or both in
# place. Its id, name, owner and contents stay (up to the smaller size;
# growth reads as zeros), the budget follows the new size, each change is
# a BUFFER_SET event, and every refusal leaves the buffer exactly as it
# was: over the budget, more than the policy's arena, a corrupt buffer.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

unload_all
expect_ok insmod "$KO" budget=1048576 arena_bytes=262144
mount -t debugfs none /sys/kernel/debug 2> /dev/null || true

# contents NAME: the buffer's bytes as hex.
contents() {
	kallocctl read "$1" | od -An -v -tx1 | tr -d ' \n'
}

expect_ok kallocctl alloc b 4K owner keep
id=$(buffer_field b id)
head -c 4096 /dev/urandom > "$T/data"
expect_ok kallocctl write b file "$T/data"
want=$(od -An -v -tx1 < "$T/data" | tr -d ' \n')
listen_events "$T/events" 90

step "grow: contents kept, the new bytes are zero, the budget follows"
expect_ok kallocctl set b size 8K
assert_eq "$(buffer_field b size)" 8192 "size after growing"
assert_eq "$(buffer_field b id)" "$id" "id after growing"
assert_eq "$(buffer_field b owner)" keep "owner after growing"
got=$(contents b)
assert_eq "${got:0:8192}" "$want" "the first 4 KiB after growing"
assert_eq "${got:8192}" "$(printf '0%.0s' {1..8192})" "the added 4 KiB"
assert_eq "$(kallocctl -j stats | jq .budget_used)" 8192 "budget used"
poll 10 grep -q '^event set b 8192 guards=0$' "$T/events" ||
	fail "no BUFFER_SET event for the growth: $(cat "$T/events")"

step "move to tlsf, then shrink and move to slab in one request"
expect_ok kallocctl set b policy tlsf
assert_eq "$(buffer_field b policy)" tlsf "policy after the move"
assert_eq "$(contents b | cut -c1-8192)" "$want" "contents after the move"
expect_ok kallocctl -j set b size 1K policy slab
assert_eq "$(jq -c '.[0] | {size, policy}' <<< "$out")" '{"size":1024,"policy":"slab"}' "set's JSON reply"
assert_eq "$(contents b)" "${want:0:2048}" "contents after shrinking"
assert_eq "$(stats_field tlsf live_buffers)" 0 "tlsf's live buffers after the move"
assert_eq "$(stats_field slab live_bytes)" 1024 "slab's live bytes"

step "a request that changes nothing succeeds and sends no event"
before=$(grep -c '^event set' "$T/events")
expect_ok kallocctl set b size 1K policy slab
sleep 1
assert_eq "$(grep -c '^event set' "$T/events")" "$before" "events after a no-op"

# refused SUBSTRING ARGS...: kallocctl set ARGS fails, b unchanged.
refused() {
	local want=$1

	shift
	expect_fail_with "$want" 1 kallocctl set "$@"
	assert_eq "$(kallocctl -j show b | jq -c '.[] | {size, policy}')" \
		'{"size":1024,"policy":"slab"}' "b after 'set $*'"
	assert_eq "$(contents b)" "${want_now}" "b's contents after 'set $*'"
}
want_now=$(contents b)

step "refusals leave the buffer as it was"
refused "exceeds the remaining budget (1047552 of 1048576 bytes free)" b size 2M
refused "is more than the policy can serve now" b size 512K policy buddy
refused "integer out of range (attribute size)" b size 0
refused "integer out of range (attribute policy)" b policy 0
refused "integer out of range (attribute policy)" b policy 7
refused "no buffer has this KALLOC_BUFFER_A_NAME" nosuch size 1K
expect_fail_with "usage: kallocctl set NAME [size SIZE] [policy P]" 2 kallocctl set b
expect_fail_with "Operation not permitted" 1 as_nobody kallocctl set b size 2K

step "a corrupt buffer is not moved: EIO, and it stays where it is"
echo "b tail" > /sys/kernel/debug/kalloc/corrupt
expect_fail_with "the buffer is corrupt: its tail guard is damaged" 1 kallocctl set b policy tlsf
assert_eq "$(buffer_field b policy)" slab "policy of the corrupt buffer"
expect_ok kallocctl free b
