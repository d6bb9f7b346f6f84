#!/bin/bash
# An unprivileged user (nobody, no capabilities) may list but not change:
# alloc and free fail with EPERM from the kernel (exit 1, one Error line)
# and change nothing.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
}

fresh_module
expect_ok kallocctl alloc buffer 1K
before=$(list_json)

step "the helper really drops privileges"
expect_ok nobody id -u
assert_eq "$out" 65534 "uid under setpriv"
expect_ok nobody grep CapEff /proc/self/status
assert_eq "$(awk '{ print $2 }' <<< "$out")" 0000000000000000 "effective capabilities"

step "alloc as nobody: Operation not permitted"
expect_fail_with "Operation not permitted" 1 nobody kallocctl alloc x 1K
assert_eq "$err" "Error: Operation not permitted" "the error line"
assert_eq "$(list_json)" "$before" "buffers after the refused alloc"

step "free as nobody: Operation not permitted"
expect_fail_with "Operation not permitted" 1 nobody kallocctl free buffer
assert_eq "$err" "Error: Operation not permitted" "the error line"
assert_eq "$(list_json)" "$before" "buffers after the refused free"

step "list as nobody works"
expect_ok nobody kallocctl list
assert_eq "$(awk '$2 == "buffer" { print $3 }' <<< "$out")" 1K "buffer listed as nobody"
expect_ok nobody kallocctl -j list
assert_eq "$(jq -c 'sort_by(.id) | .[]' <<< "$out")" "$before" "JSON list as nobody"
