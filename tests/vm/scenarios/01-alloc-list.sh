#!/bin/bash
# kallocctl alloc / list / -j list / free against the real module: the
# table shows the buffer with its human size, allocator, policy and owner,
# the JSON is valid and exact, and free makes it disappear.
# check-lanes: stock debug
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_module

step "alloc is silent on success"
expect_ok kallocctl alloc buffer 1024
assert_eq "$out$err" "" "alloc output"

step "list shows the buffer: ID NAME SIZE ALLOCATOR POLICY OWNER FLAGS"
expect_ok kallocctl list
read -r -a head <<< "$(head -n 1 <<< "$out")"
assert_eq "${head[*]}" "ID NAME SIZE ALLOCATOR POLICY OWNER FLAGS" "list header"
row=$(awk '$2 == "buffer"' <<< "$out")
[ -n "$row" ] || fail "no row for 'buffer' in: $out"
read -r id name size allocator policy owner flags <<< "$row"
[[ "$id" =~ ^[1-9][0-9]*$ ]] || fail "expected a non-zero numeric ID, got '$id'"
assert_eq "$name" buffer "NAME"
assert_eq "$size" 1K "SIZE"
assert_eq "$allocator" kmalloc "ALLOCATOR of a 1 KiB buffer"
assert_eq "$policy" kmalloc "POLICY (the active one at load)"
assert_eq "$owner" user "OWNER of a plain kallocctl alloc"
assert_eq "$flags" - "FLAGS"

step "-j list is valid JSON holding exactly that buffer"
expect_ok kallocctl -j list
python3 -c 'import json, sys; json.load(sys.stdin)' <<< "$out" ||
	fail "kallocctl -j list is not valid JSON (python3 json.load)"
got=$(jq -c '[.[] | {id, name, size, allocator}]' <<< "$out") ||
	fail "kallocctl -j list is not a JSON array of buffers"
assert_eq "$got" "[{\"id\":$id,\"name\":\"buffer\",\"size\":1024,\"allocator\":\"kmalloc\"}]" "JSON list"
assert_eq "$(jq -c '.[0] | {policy, policy_id, owner, flags, socket, guards, corrupt}' <<< "$out")" \
	'{"policy":"kmalloc","policy_id":1,"owner":"user","flags":0,"socket":false,"guards":0,"corrupt":false}' \
	"the new JSON keys"

step "-j -p list is the same data, pretty-printed over several lines"
expect_ok kallocctl -j -p list
[ "$(wc -l <<< "$out")" -gt 1 ] || fail "pretty JSON should span lines: $out"
assert_eq "$(jq -c '[.[] | {id, name, size, allocator}]' <<< "$out")" "$got" "pretty JSON list"

step "a large buffer is backed by vmalloc"
expect_ok kallocctl alloc big 8M
assert_eq "$(buffer_field big allocator)" vmalloc "allocator of an 8 MiB buffer"
assert_eq "$(buffer_field big size)" 8388608 "size of big"
expect_ok kallocctl free big

step "free is silent and the buffer is gone"
expect_ok kallocctl free buffer
assert_eq "$out$err" "" "free output"
expect_ok kallocctl list
assert_not_contains "$out" buffer "list after free"
expect_ok kallocctl -j list
assert_eq "$(jq -c . <<< "$out")" "[]" "JSON list after free"
