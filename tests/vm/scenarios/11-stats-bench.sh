#!/bin/bash
# Statistics and benchmarks: "kallocctl stats" prints the module totals
# and a row per policy, -j the iproute2-style keys with exact integers;
# allocs - frees = live buffers per policy, a move counts as a free and an
# alloc, and live bytes fall to 0 once everything is freed. "kallocctl
# bench" runs every policy beside kmalloc (and alloc_pages for "pages") in
# the VM kernel; "bench netlink" times round trips beside GETFAMILY.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

# Every policy's allocs - frees equals its live buffers.
stats_add_up() {
	local bad

	bad=$(kallocctl -j stats |
		jq -r '.policies[] | select(.allocs - .frees != .live_buffers) | .policy')
	[ -z "$bad" ] || fail "allocs - frees != live_buffers for: $bad"
}

fresh_module

step "three buffers under three policies, one of them freed"
expect_ok kallocctl alloc a 1K
expect_ok kallocctl alloc s 64K policy slab
expect_ok kallocctl alloc t 100 policy tlsf
expect_ok kallocctl free t

step "stats: the totals, then a table with a row per policy"
expect_ok kallocctl stats
assert_eq "$(head -n 1 <<< "$out")" "budget: 65K of 64M used; buffers: 2 of 1024" "totals"
assert_eq "$(sed -n 2p <<< "$out" | tr -s ' ')" \
	"POLICY ALLOCS FREES FAILURES LIVE LIVE_BYTES PEAK FOOTPRINT ARENA FRAG_INT FRAG_EXT CANARY" \
	"stats header"
table=$(sed -n '3,8p' <<< "$out")
assert_eq "$(awk '$1 == "slab" { print $2, $3, $5, $6 }' <<< "$table")" "1 0 1 64K" \
	"slab's ALLOCS FREES LIVE LIVE_BYTES"
assert_eq "$(awk '$1 == "tlsf" { print $2, $3, $5, $6, $7 }' <<< "$table")" "1 1 0 0 100" \
	"tlsf's ALLOCS FREES LIVE LIVE_BYTES PEAK"
assert_contains "$out" "slab alloc:" "the latency lines"

step "stats -j: snake_case keys, exact integers, percents as numbers"
expect_ok kallocctl -j stats
python3 -c 'import json, sys; json.load(sys.stdin)' <<< "$out" ||
	fail "kallocctl -j stats is not valid JSON"
assert_eq "$(jq -c '{budget_used, budget_limit, buffers, buffers_max}' <<< "$out")" \
	'{"budget_used":66560,"budget_limit":67108864,"buffers":2,"buffers_max":1024}' "totals"
assert_eq "$(jq -c '[.policies[].policy]' <<< "$out")" \
	'["kmalloc","buddy","slab","first-fit","best-fit","tlsf"]' "policies"
for key in policy policy_id allocs frees failures live_buffers live_bytes \
	peak_bytes footprint_bytes arena_bytes frag_internal frag_external \
	canary_violations alloc_latency free_latency; do
	jq -e --arg k "$key" '.policies | all(has($k))' <<< "$out" > /dev/null ||
		fail "a policy lacks the key $key"
done
assert_eq "$(jq -c '.policies[] | select(.policy == "slab") | {allocs, frees, live_buffers, live_bytes, peak_bytes}' <<< "$out")" \
	'{"allocs":1,"frees":0,"live_buffers":1,"live_bytes":65536,"peak_bytes":65536}' "slab"
assert_eq "$(jq '.policies[] | select(.policy == "slab") | .footprint_bytes >= 65536' <<< "$out")" \
	true "slab's footprint covers its live bytes"
assert_eq "$(jq -r '.policies[0].frag_internal | type' <<< "$out")" number "frag_internal's type"
assert_eq "$(jq '.policies[0].alloc_latency | length' <<< "$out")" 32 "histogram buckets"
assert_eq "$(jq '.policies[] | select(.policy == "slab") | .alloc_latency | add' <<< "$out")" \
	1 "slab's alloc latency samples"
stats_add_up

step "stats POLICY: that policy only, by name or number"
expect_ok kallocctl -j stats tlsf
assert_eq "$(jq -c '[.policies[].policy]' <<< "$out")" '["tlsf"]' "stats tlsf"
expect_ok kallocctl -j stats 3
assert_eq "$(jq -c '[.policies[].policy]' <<< "$out")" '["slab"]' "stats 3"
expect_fail_with 'unknown policy "slob"' 2 kallocctl stats slob
expect_fail_with "integer out of range (attribute policy)" 1 kallocctl stats 0

step "a migration is a free in the old policy and an alloc in the new"
expect_ok kallocctl policy set best-fit migrate
assert_eq "$(stats_field slab frees) $(stats_field slab live_buffers)" "1 0" "slab after the move"
assert_eq "$(stats_field kmalloc frees) $(stats_field kmalloc live_bytes)" "1 0" "kmalloc after the move"
assert_eq "$(stats_field best-fit allocs) $(stats_field best-fit live_bytes)" \
	"2 66560" "best-fit after the move"
stats_add_up

step "after freeing everything every live-bytes counter is 0"
expect_ok kallocctl free a
expect_ok kallocctl free s
expect_ok kallocctl -j stats
assert_eq "$(jq -c '[.policies[].live_bytes] | unique' <<< "$out")" "[0]" "live bytes"
assert_eq "$(jq -c '[.policies[].live_buffers] | unique' <<< "$out")" "[0]" "live buffers"
assert_eq "$(jq '.budget_used' <<< "$out")" 0 "budget used"
stats_add_up

step "bench: every policy beside kmalloc in every scenario, from the VM kernel"
expect_ok kallocctl -j bench ops 1000
bench=$out
assert_eq "$(jq -c '[.[].scenario] | unique | sort' <<< "$bench")" \
	'["fragstress","kernel","pages","phase","uniform"]' "scenarios"
for sc in uniform kernel phase fragstress pages; do
	got=$(jq -c --arg s "$sc" '[.[] | select(.scenario == $s) | .allocator] | sort' <<< "$bench")
	want='["best-fit","buddy","first-fit","kmalloc","slab","tlsf"]'
	[ "$sc" = pages ] && want='["alloc_pages","best-fit","buddy","first-fit","kmalloc","slab","tlsf"]'
	assert_eq "$got" "$want" "allocators of $sc"
done
assert_eq "$(jq -c '[.[] | select(.allocator == "kmalloc") | .ratio_to_kmalloc] | unique' <<< "$bench")" \
	"[1]" "kmalloc's ratio to itself"
assert_eq "$(jq '[.[] | select(.ops > 0 and .ns > 0)] | length' <<< "$bench")" \
	"$(jq length <<< "$bench")" "results with operations and time"
for key in ops_per_us ns_per_op cycles_per_op p50_ns p99_ns p50_ps p99_ps failures; do
	jq -e --arg k "$key" 'all(has($k))' <<< "$bench" > /dev/null ||
		fail "a bench result lacks $key"
done

step "bench scenario S: one table, kmalloc at 1.00"
expect_ok kallocctl bench scenario kernel ops 500
assert_eq "$(head -n 1 <<< "$out")" "scenario kernel" "table title"
assert_eq "$(sed -n 2p <<< "$out" | tr -s ' ')" \
	"ALLOCATOR OPS OPS/US NS/OP CYCLES/OP P50_NS P99_NS VS_KMALLOC FAILURES" "bench header"
assert_eq "$(awk '$1 == "kmalloc" { print $8 }' <<< "$out")" 1.00 "kmalloc's VS_KMALLOC"
assert_eq "$(awk 'NR > 2' <<< "$out" | wc -l)" 6 "rows"

step "bench netlink: alloc+free round trips beside GETFAMILY, in one run"
expect_ok kallocctl bench netlink count 20
assert_contains "$out" "netlink round trips, 20 of each" "title"
assert_contains "$out" "alloc+free (NEW + DEL)" "alloc+free row"
assert_contains "$out" "getfamily (CTRL)" "getfamily row"
expect_ok kallocctl -j bench netlink count 5
assert_eq "$(jq -c '{count} + {ok: (.alloc_free_p50_ns > 0 and .getfamily_p50_ns > 0 and .alloc_free_p99_ns >= .alloc_free_p50_ns and (.ratio_p50 | type) == "number")}' <<< "$out")" \
	'{"count":5,"ok":true}' "bench netlink JSON"
assert_eq "$(kallocctl -j list | jq length)" 0 "buffers left by bench netlink"
