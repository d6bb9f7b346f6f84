#!/bin/bash
# The generic netlink family: listed by the controller while the module is
# loaded, gone after rmmod, and resolving it (any kallocctl command)
# autoloads the module through its net-pf-16-proto-16-family-kalloc alias.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_module

step "genl-ctrl-list shows the kalloc family"
expect_ok genl-ctrl-list
grep -E '^0x[0-9a-f]+ kalloc version 1$' <<< "$out" ||
	fail "genl-ctrl-list has no 'kalloc version 1' line"

step "after rmmod the family is gone"
expect_ok rmmod kalloc
expect_ok genl-ctrl-list
assert_not_contains "$out" " kalloc " "genl-ctrl-list after rmmod"

step "the module alias is indexed for the autoload"
expect_ok modprobe -R net-pf-16-proto-16-family-kalloc
assert_eq "$out" kalloc "module the family alias resolves to"

step "kallocctl list autoloads the module"
expect_ok kallocctl list
module_loaded || fail "kalloc not loaded after kallocctl list"
expect_ok genl-ctrl-list
grep -qE ' kalloc version 1$' <<< "$out" ||
	fail "family not listed after the autoload"
expect_ok kallocctl alloc after_autoload 4K
assert_eq "$(buffer_field after_autoload size)" 4096 "size after the autoload"
