#!/bin/bash
# insmod kalloc.ko names= values=: the buffers exist at load with those
# sizes; inconsistent or invalid parameters fail the load with the
# module's own message in dmesg, and leave no module behind.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

unload_all

step "insmod with two buffers"
expect_ok insmod "$KO" names=buffer,big_buffer values=1024,4096
module_loaded || fail "kalloc is not loaded after insmod"
expect_ok kallocctl -j list
assert_eq "$(jq -c '[.[] | {name, size}]' <<< "$out")" \
	'[{"name":"buffer","size":1024},{"name":"big_buffer","size":4096}]' \
	"buffers created at load"
expect_ok kallocctl list
assert_contains "$out" "big_buffer" "list"
assert_eq "$(awk '$2 == "big_buffer" { print $3 }' <<< "$out")" 4K "SIZE of big_buffer"
expect_ok rmmod kalloc

# bad_params EXPECTED-DMESG PARAM...: insmod must fail, say why in dmesg,
# and leave the module unloaded.
bad_params() {
	local want=$1

	shift
	step "insmod $* is refused"
	dmesg_mark
	expect_fail insmod "$KO" "$@"
	! module_loaded || fail "kalloc is loaded after a refused insmod $*"
	log=$(dmesg_since)
	prefix dmesg: <<< "$log"
	grep -F "kalloc: " <<< "$log" | grep -qF -- "$want" ||
		fail "expected a 'kalloc: ' line containing '$want' in dmesg"
}

bad_params "names= has 2 entries but values= has 1" names=a,b values=1
bad_params "values= entry 1 (buffer 'a'): size 0 is not in 1..1073741824" \
	names=a values=0
bad_params "values= entry 1 (buffer 'a'): size 2147483648 is not in 1.." \
	names=a values=2147483648
bad_params "names= entry 2 ('a'): a buffer named 'a' exists already" \
	names=a,a values=1,2
bad_params "names= entry 1 ('bad/name'): the name" names=bad/name values=1
bad_params "names= entry 2 ('.hidden'): the name" names=ok,.hidden values=1,1
bad_params "budget" names=huge values=1073741824

step "after all that, a normal load still works"
expect_ok modprobe kalloc
expect_ok kallocctl -j list
assert_eq "$(jq -c . <<< "$out")" "[]" "buffers after a plain modprobe"
