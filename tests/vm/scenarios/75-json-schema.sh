#!/bin/bash
# Every kallocctl -j output, produced for real against the module, checked
# against its JSON Schema in docs/schema/ with Debian's python3-jsonschema
# (tests/vm/json-check): buffers (list, show, alloc, set, check), read,
# write, flush, policies, policy set, stats, and the error object of usage
# errors and kernel refusals; 76-batch-sizes does a batch line's,
# 79-json-schema-bench-vdev bench and the devices, and
# 80-json-schema-telemetry meminfo and monitor (python under TCG takes
# seconds a check: these scenarios ask for 300 s, not the default 120).
# The schemas are closed (additionalProperties: false), so a field the CLI
# prints but the schema lacks fails here too.
# timeout: 300
# lanes: stock
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

# valid_error CODE CMD...: CMD exits CODE with one "Error:" line whose
# message is the JSON error object's "error", and that object validates.
valid_error() {
	local code=$1 msg

	shift
	run "$@"
	assert_eq "$rc" "$code" "exit status of '$*'"
	"$JSON_CHECK" error <<< "$out" || fail "'$*': no valid error object"
	msg=$(jq -r .error <<< "$out")
	assert_eq "$(jq .status <<< "$out")" "$code" "status in the error object"
	assert_eq "$err" "Error: $msg" "the stderr line of '$*'"
}

fresh_module

step "buffers: alloc, show, list, set, check; every size an exact integer"
json_valid buffers kallocctl -j alloc a 1536K policy slab owner tests
assert_eq "$(jq -c '.[0] | [.name, .size]' <<< "$out")" '["a",1572864]' "alloc -j"
kallocctl -j alloc held 4K hold > "$T/held" &
held=$!
poll 10 sh -c 'kallocctl -j list | jq -e ".[] | select(.name == \"held\")"' ||
	fail "held did not appear"
"$JSON_CHECK" buffers "$T/held" || fail "alloc -j ... hold does not match buffers.json"
json_valid buffers kallocctl -j show a
assert_eq "$(jq length <<< "$out")" 1 "show -j: an array of one"
json_valid buffers kallocctl -j list
assert_eq "$(jq -c '[.[] | .name] | sort' <<< "$out")" '["a","held"]' "list -j"
assert_eq "$(jq -c '.[] | select(.name == "held") | [.socket, (.portid > 0)]' <<< "$out")" \
	'[true,true]' "the held buffer's socket fields"
json_valid buffers kallocctl -p list
json_valid buffers kallocctl -j set a size 3000
json_valid buffers kallocctl -j check
json_valid buffers kallocctl -j check a
assert_eq "$(jq -c '.[0].damaged' <<< "$out")" '[]' "damaged of an intact buffer"
kill "$held"
wait "$held" 2> /dev/null

step "contents and owners: write, read, flush"
json_valid write kallocctl -j write a offset 10 data hello
json_valid read kallocctl -j read a offset 10 length 5
assert_eq "$(jq -r .hex <<< "$out")" 68656c6c6f "read -j hex"
json_valid flush kallocctl -j flush owner tests

step "policies and stats"
json_valid policies kallocctl -j policy show
json_valid policies kallocctl -j policy show slab
assert_eq "$(jq length <<< "$out")" 1 "policy show slab: an array of one"
json_valid policy-set kallocctl -j policy set slab
json_valid policy-set kallocctl -j policy set kmalloc migrate
expect_ok kallocctl alloc s 4K policy tlsf
json_valid stats kallocctl -j stats
json_valid stats kallocctl -j stats show tlsf
json_valid stats kallocctl -p stats

step "errors: one object on stdout, the same message on stderr"
valid_error 2 kallocctl -j alloc x 12Q
valid_error 2 kallocctl -j frob
valid_error 2 kallocctl -p
valid_error 1 kallocctl -j show nosuch
assert_eq "$(jq .errno <<< "$out")" 2 "errno of a missing buffer (ENOENT)"
valid_error 1 kallocctl -j alloc s 4K
valid_error 1 kallocctl -j vdev show nosuch

expect_ok kallocctl free s
