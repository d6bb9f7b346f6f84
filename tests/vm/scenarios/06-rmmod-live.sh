#!/bin/bash
# rmmod with live buffers is allowed: the module frees them all and says
# how many in dmesg.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_module
for b in one:1K two:64K three:4M; do
	expect_ok kallocctl alloc "${b%%:*}" "${b#*:}"
done
expect_ok kallocctl free two
expect_ok kallocctl alloc four 100

step "rmmod with three live buffers"
dmesg_mark
expect_ok rmmod kalloc
! module_loaded || fail "kalloc still loaded after rmmod"
log=$(dmesg_since)
prefix dmesg: <<< "$log"
assert_contains "$log" "kalloc: unloaded, freed 3 buffers" "dmesg after rmmod"
assert_contains "$log" "(4195428 bytes)" "bytes freed (1K + 4M + 100)"
