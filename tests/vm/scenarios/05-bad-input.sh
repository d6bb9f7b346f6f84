#!/bin/bash
# Bad input to kallocctl: each is refused with exactly one "Error: ..."
# line and the documented exit code (1: the kernel refused, 2: usage),
# and the buffers that exist are left exactly as they were.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_module
expect_ok kallocctl alloc keep1 4K
expect_ok kallocctl alloc keep2 1M
before=$(list_json)

# refused SUBSTRING CODE ARGS...: kallocctl ARGS fails so, state unchanged.
refused() {
	local want=$1 code=$2

	shift 2
	expect_fail_with "$want" "$code" kallocctl "$@"
	assert_eq "$(list_json)" "$before" "buffers after 'kallocctl $*'"
}

step "size 0: out of range, from the kernel"
refused "integer out of range (attribute size)" 1 alloc zero 0
step "over the 64 MiB budget"
refused "exceeds the remaining budget" 1 alloc huge 100M
step "over the 1 GiB maximum"
refused "integer out of range (attribute size)" 1 alloc toobig 2G
step "an unparsable size is a usage error"
refused 'invalid size "12Q"' 2 alloc bad 12Q
step "an empty name"
refused "KALLOC_BUFFER_A_NAME is empty" 1 alloc "" 1K
step "a name of 40 characters"
refused "(attribute name)" 1 alloc "$(printf 'n%.0s' {1..40})" 1K
step "a name with a character outside [A-Za-z0-9_.-]"
refused "character outside [A-Za-z0-9_.-]" 1 alloc "bad/name" 1K
step "a duplicate name"
refused "a buffer with this KALLOC_BUFFER_A_NAME exists already" 1 alloc keep1 8K
assert_eq "$(buffer_field keep1 size)" 4096 "size of keep1 after the duplicate"
step "free of an unknown name"
refused "no buffer" 1 free nosuch
step "a missing argument is a usage error"
refused "usage: kallocctl alloc NAME SIZE" 2 alloc onlyname
step "an unknown command is a usage error"
refused 'unknown command "frobnicate"' 2 frobnicate
