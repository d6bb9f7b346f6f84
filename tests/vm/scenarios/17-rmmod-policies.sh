#!/bin/bash
# rmmod with buffers under every policy: the module frees them all, says
# how many in dmesg, and gives back every arena: the kernel's vmalloc use
# returns to what it was before the module was loaded (each arena is a
# 64 MiB vmalloc region, so a leaked one would show). A fresh load starts
# empty.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

vmalloc_kb() {
	awk '$1 == "VmallocUsed:" { print $2 }' /proc/meminfo
}

unload_all
base=$(vmalloc_kb)
echo "VmallocUsed before the load: $base kB"
expect_ok modprobe kalloc

step "a buffer under every policy, with contents"
total=0
n=0
for p in kmalloc buddy slab first-fit best-fit tlsf; do
	size=$((4096 * (n + 1) + n))
	expect_ok kallocctl alloc "b-$p" "$size" policy "$p"
	expect_ok kallocctl write "b-$p" data "served by $p"
	total=$((total + size))
	n=$((n + 1))
done
expect_ok kallocctl alloc big 8M policy tlsf
total=$((total + 8 * 1024 * 1024))
assert_eq "$(kallocctl -j list | jq -r '[.[].policy] | unique | length')" 6 "policies in use"
loaded=$(vmalloc_kb)
echo "VmallocUsed with every arena: $loaded kB"
[ $((loaded - base)) -ge $((5 * 64 * 1024)) ] ||
	fail "expected five 64 MiB arenas in vmalloc, VmallocUsed grew by $((loaded - base)) kB"

step "rmmod frees every buffer and every arena"
dmesg_mark
expect_ok rmmod kalloc
! module_loaded || fail "kalloc still loaded after rmmod"
log=$(dmesg_since)
prefix dmesg: <<< "$log"
assert_contains "$log" "kalloc: unloaded, freed 7 buffers ($total bytes)" "dmesg after rmmod"
after=$(vmalloc_kb)
echo "VmallocUsed after rmmod: $after kB"
[ $((after - base)) -lt 16384 ] ||
	fail "VmallocUsed is $((after - base)) kB above its value before the load"

step "a fresh load starts empty, with nothing live anywhere"
expect_ok modprobe kalloc
expect_ok kallocctl -j list
assert_eq "$(jq -c . <<< "$out")" "[]" "buffers after the reload"
expect_ok kallocctl -j stats
assert_eq "$(jq -c '[.policies[] | .allocs + .live_bytes + .arena_bytes] | unique' <<< "$out")" \
	"[0]" "counters after the reload"
