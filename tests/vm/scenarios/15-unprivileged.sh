#!/bin/bash
# Every command as an unprivileged user (nobody, no capabilities): the
# mutations (alloc, hold, free, write, read, flush, policy set, bench,
# bench netlink) are refused by the kernel with EPERM and change nothing;
# list, show, check, stats and policy show work.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_module
expect_ok kallocctl alloc buf 4K policy slab
expect_ok kallocctl write buf data "secret"
before=$(list_json)

step "the helper drops every privilege"
expect_ok as_nobody grep CapEff /proc/self/status
assert_eq "$(awk '{ print $2 }' <<< "$out")" 0000000000000000 "effective capabilities"

step "mutations are refused with EPERM"
for cmd in "alloc x 1K" "alloc x 1K policy tlsf owner t hold" "free buf" \
	"write buf data x" "read buf" "read buf hex" "flush owner user" \
	"policy set tlsf" "policy set tlsf migrate from slab" \
	"bench ops 1" "bench scenario pages ops 1" "bench netlink count 1"; do
	# shellcheck disable=SC2086
	expect_fail_with "Operation not permitted" 1 as_nobody kallocctl $cmd
	assert_eq "$err" "Error: Operation not permitted" "the error of '$cmd'"
done
assert_eq "$(list_json)" "$before" "buffers after the refusals"
assert_eq "$(active_policy)" kmalloc "active policy after the refusals"
expect_ok kallocctl read buf length 6
assert_eq "$out" secret "contents after the refusals"

step "describing is open to everyone"
expect_ok as_nobody kallocctl list
assert_eq "$(awk '$2 == "buf" { print $3, $5 }' <<< "$out")" "4K slab" "buf as nobody"
expect_ok as_nobody kallocctl -j show buf
assert_eq "$(jq -c '.[] | {name, policy, owner}' <<< "$out")" \
	'{"name":"buf","policy":"slab","owner":"user"}' "show -j as nobody"
expect_ok as_nobody kallocctl check
assert_eq "$out" "1 buffer checked, all guards intact" "check as nobody"
expect_ok as_nobody kallocctl check buf
expect_ok as_nobody kallocctl stats
expect_ok as_nobody kallocctl -j stats slab
assert_eq "$(jq '.policies[0].live_buffers' <<< "$out")" 1 "stats slab as nobody"
expect_ok as_nobody kallocctl policy
assert_eq "$(awk '$3 == "*" { print $2 }' <<< "$out")" kmalloc "active policy as nobody"
expect_ok as_nobody kallocctl -j policy show slab
assert_eq "$(jq '.[0].buffers' <<< "$out")" 1 "slab's buffers as nobody"
