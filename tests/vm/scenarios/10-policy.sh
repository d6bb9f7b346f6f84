#!/bin/bash
# Policies: "kallocctl policy" lists the six and marks the active one;
# "policy set" changes which one serves new buffers (the issue's "policy set
# slab && alloc b 1K && list" shows b served by slab); "alloc ... policy P"
# overrides it; "migrate" moves buffers, "from Q" only Q's, contents and all;
# a switch that changes nothing says so and is not announced; one that
# changes something is announced on the events group.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

policy_of() {
	buffer_field "$1" policy
}

fresh_module

step "policy lists the six policies, kmalloc active at load"
expect_ok kallocctl policy
assert_eq "$(head -n 1 <<< "$out" | tr -s ' ')" \
	"ID POLICY ACTIVE BUFFERS ARENA LIMIT" "policy header"
assert_eq "$(awk 'NR > 1 { printf "%s ", $2 }' <<< "$out")" \
	"kmalloc buddy slab first-fit best-fit tlsf " "policies in number order"
assert_eq "$(awk '$3 == "*" { print $2 }' <<< "$out")" kmalloc "the marked policy"
assert_eq "$(awk '$2 == "kmalloc" { print $6 }' <<< "$out")" - "kmalloc's LIMIT"
expect_ok kallocctl -j policy show
assert_eq "$(jq -c '[.[] | .policy_id]' <<< "$out")" "[1,2,3,4,5,6]" "policy ids"
assert_eq "$(jq -r '.[] | select(.active) | .policy' <<< "$out")" kmalloc "active policy"
assert_eq "$(jq -c '.[0] | {policy, active, buffers, arena_bytes, arena_limit}' <<< "$out")" \
	'{"policy":"kmalloc","active":true,"buffers":0,"arena_bytes":0,"arena_limit":0}' \
	"kmalloc in JSON"
limit=$(cat /sys/module/kalloc/parameters/arena_bytes)
assert_eq "$(jq -r '.[] | select(.policy == "tlsf") | "\(.arena_bytes) \(.arena_limit)"' <<< "$out")" \
	"0 $limit" "tlsf's arena before its first buffer, and its bound"

step "policy set slab && alloc b 1K && list: b is served by slab"
expect_ok kallocctl policy set slab
assert_eq "$out" "active policy: kmalloc -> slab" "policy set output"
expect_ok kallocctl alloc b 1K
expect_ok kallocctl list
assert_eq "$(awk '$2 == "b" { print $5 }' <<< "$out")" slab "POLICY column of b"
assert_eq "$(buffer_field b policy_id)" 3 "policy_id of b"
assert_eq "$(active_policy)" slab "active policy after the switch"

step "slab now counts b and holds an arena"
expect_ok kallocctl -j policy show slab
assert_eq "$(jq -c '.[0] | {policy, active, buffers}' <<< "$out")" \
	'{"policy":"slab","active":true,"buffers":1}' "slab after b"
[ "$(jq '.[0].arena_bytes' <<< "$out")" -gt 0 ] ||
	fail "slab's arena is still empty after serving b"

step "setting the active policy again changes nothing, and says so"
expect_ok kallocctl policy set slab
assert_eq "$out" "no change: slab is active" "output of a void switch"
expect_ok kallocctl -j policy set slab migrate
assert_eq "$(jq -c '{policy, previous, changed, migrated, unmoved}' <<< "$out")" \
	'{"policy":"slab","previous":"slab","changed":false,"migrated":0,"unmoved":0}' \
	"JSON of a void switch with migrate"

step "alloc ... policy P overrides the active policy (a name or a number)"
expect_ok kallocctl alloc t 4K policy tlsf
expect_ok kallocctl alloc k 4K policy kmalloc
expect_ok kallocctl alloc f 4K policy 4
assert_eq "$(policy_of t) $(policy_of k) $(policy_of f) $(policy_of b)" \
	"tlsf kmalloc first-fit slab" "policies of t k f b"

step "policy set tlsf migrate from kmalloc moves only kmalloc's buffers"
expect_ok kallocctl write b data "hello, slab"
expect_ok kallocctl write k offset 100 data "hello, kmalloc"
expect_ok kallocctl policy set tlsf migrate from kmalloc
assert_eq "$out" "active policy: slab -> tlsf, migrated 1, 0 unmoved" "output"
assert_eq "$(policy_of t) $(policy_of k) $(policy_of f) $(policy_of b)" \
	"tlsf tlsf first-fit slab" "policies after migrating from kmalloc"
expect_ok kallocctl read k offset 100 length 14
assert_eq "$out" "hello, kmalloc" "k's contents after its move"

step "migrate moves every other policy's buffers, contents and all; it is announced"
listen_events "$T/events" 30
expect_ok kallocctl -j policy set buddy migrate
assert_eq "$(jq -c '{policy, policy_id, previous, previous_id, changed, migrated, unmoved}' <<< "$out")" \
	'{"policy":"buddy","policy_id":2,"previous":"tlsf","previous_id":6,"changed":true,"migrated":4,"unmoved":0}' \
	"JSON of the migration"
assert_eq "$(kallocctl -j list | jq -r '[.[].policy] | unique | join(" ")')" buddy \
	"policies after migrating everything"
expect_ok kallocctl read b length 11
assert_eq "$out" "hello, slab" "b's contents after two moves"
expect_ok kallocctl read k offset 100 length 14
assert_eq "$out" "hello, kmalloc" "k's contents after two moves"
expect_ok kallocctl -j policy show buddy
assert_eq "$(jq '.[0].buffers' <<< "$out")" 4 "buddy's buffers"

step "a switch that changes nothing is not announced"
expect_ok kallocctl policy set buddy
expect_ok kallocctl policy set kmalloc
poll 10 grep -q '^event policy kmalloc' "$T/events" ||
	fail "no event for the switch to kmalloc: $(cat "$T/events")"
kill "$listener" 2> /dev/null
wait "$listener" 2> /dev/null
prefix events: < "$T/events"
assert_eq "$(grep -c '^event policy' "$T/events")" 2 "policy events"
grep -q '^event policy buddy 0 changed=1 migrated=4 unmoved=0$' "$T/events" ||
	fail "no event for the migration to buddy"

step "policy names are the CLI's; numbers are the kernel's to refuse"
before=$(list_json)
expect_fail_with 'unknown policy "fast": expected kmalloc, buddy, slab, first-fit, best-fit or tlsf (or a number)' \
	2 kallocctl policy set fast
expect_fail_with "integer out of range (attribute id)" 1 kallocctl policy set 0
expect_fail_with "integer out of range (attribute id)" 1 kallocctl policy set 7
expect_fail_with "integer out of range (attribute from)" 1 \
	kallocctl policy set slab migrate from 9
expect_fail_with "integer out of range (attribute id)" 1 kallocctl policy show 0
expect_fail_with "integer out of range (attribute policy)" 1 kallocctl alloc z 1K policy 0
expect_fail_with "integer out of range (attribute policy)" 1 kallocctl alloc z 1K policy 99
expect_fail_with 'unknown policy "SLAB"' 2 kallocctl alloc z 1K policy SLAB
assert_eq "$(active_policy)" kmalloc "active policy after the refusals"
assert_eq "$(list_json)" "$before" "buffers after the refusals"
