#!/bin/bash
# Telemetry, the kernel memory view: "kallocctl meminfo" as root with
# kptr_restrict=1 shows a kernel image range that holds the runtime
# address of an exported function (from /proc/kallsyms) and runs from
# _stext to _end, and direct map and vmalloc bases equal to the kernel's
# own page_offset_base and vmalloc_base (read from /proc/kcore at the
# addresses /proc/kallsyms gives). As nobody it shows no address at all,
# only names and sizes. Its zones agree with /proc/zoneinfo.
# The kernel's memory layout differs between the two kernels.
# check-lanes: stock debug
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

# segment FIELD NAME: one field of the segment NAME of meminfo -j ($out).
segment() {
	jq -r --arg n "$2" --arg f "$1" '.segments[] | select(.name == $n) | .[$f]' <<< "$out"
}

# hex_in LO ADDR HI: LO <= ADDR < HI, for 64-bit hex numbers.
hex_in() {
	python3 -c 'import sys; lo, a, hi = (int(x, 16) for x in sys.argv[1:]); sys.exit(not lo <= a < hi)' "$@"
}

fresh_module
echo 1 > /proc/sys/kernel/kptr_restrict

step "root, kptr_restrict=1: the diagram, top down, with addresses"
expect_ok kallocctl meminfo
assert_contains "$out" "virtual address space, top down:"
assert_not_contains "$out" "addresses hidden"
for seg in "modules" "kernel image" "vmemmap" "vmalloc" "direct map" "user space"; do
	grep -q -E "^\| 0x[0-9a-f]{16} - 0x[0-9a-f]{16}  $seg " <<< "$out" ||
		fail "no row with addresses for $seg"
done
assert_contains "$out" " kernel space above, user space below "
assert_eq "$(grep -E '^\| ' <<< "$out" | grep -o -E 'modules|kernel image|vmemmap|vmalloc|direct map|user space' | tr '\n' ,)" \
	"modules,kernel image,vmemmap,vmalloc,direct map,user space," "the segments, top down"
grep -q -E '^KASLR: (on|off)' <<< "$out" || fail "no KASLR line"
assert_eq "$(grep -c '^NODE  *ZONE  *FREE  *MIN  *LOW  *HIGH  *MANAGED  *PRESENT  *SPANNED  *FREE_BLOCKS_BY_ORDER$' <<< "$out")" \
	1 "the zone table's header"

step "the kernel image holds an exported function, from _stext to _end"
expect_ok kallocctl -j meminfo
assert_eq "$(jq .addresses <<< "$out")" true "addresses"
start=$(segment start "kernel image")
end=$(segment end "kernel image")
schedule=$(ksym schedule)
echo "kernel image $start - $end, schedule at $schedule, _stext $(ksym _stext), _end $(ksym _end)"
[ -n "$schedule" ] || fail "no schedule in /proc/kallsyms"
hex_in "$start" "$schedule" "$end" || fail "schedule ($schedule) is not in the kernel image"
hex_in "$start" "$(ksym _printk)" "$end" || fail "_printk is not in the kernel image"
assert_eq "$start" "$(ksym _stext)" "the kernel image's start"
assert_eq "$end" "$(ksym _end)" "the kernel image's end"

step "the direct map and vmalloc bases are the kernel's own"
if [ -n "$(ksym page_offset_base)" ]; then
	# A dynamic layout (Debian's kernel, RANDOMIZE_MEMORY): the kernel's
	# own variables.
	page_offset_base=$(kcore_u64 "$(ksym page_offset_base)") || fail "cannot read page_offset_base"
	vmalloc_base=$(kcore_u64 "$(ksym vmalloc_base)") || fail "cannot read vmalloc_base"
	echo "page_offset_base $page_offset_base, vmalloc_base $vmalloc_base (from /proc/kcore)"
else
	# A static one (the debug kernel has no RANDOMIZE_MEMORY, so no such
	# variables): the 4-level constants of asm/page_64_types.h and
	# asm/pgtable_64_types.h.
	zgrep -qx 'CONFIG_RANDOMIZE_MEMORY=y' /proc/config.gz 2> /dev/null &&
		fail "RANDOMIZE_MEMORY, but no page_offset_base in /proc/kallsyms"
	page_offset_base=0xffff888000000000
	vmalloc_base=0xffffc90000000000
	echo "static layout: page_offset_base $page_offset_base, vmalloc_base $vmalloc_base"
fi
assert_eq "$(segment start "direct map")" "$page_offset_base" "the direct map's start"
assert_eq "$(segment start vmalloc)" "$vmalloc_base" "vmalloc's start"
task_size=$(jq '.task_size' <<< "$out")
# 47 bits of user space with 4-level page tables, 56 with 5-level (la57).
[ "$task_size" = 140737488351232 ] || [ "$task_size" = 72057594037923840 ] ||
	fail "TASK_SIZE $task_size is not 2^47 or 2^56 less a page"
jq -e 'has("kaslr") and has("kaslr_offset")' <<< "$out" > /dev/null ||
	fail "no KASLR in the reply with addresses"

step "nobody, kptr_restrict=1: names and sizes only, not one address"
expect_ok as_nobody kallocctl meminfo
assert_contains "$out" "addresses hidden"
assert_not_contains "$out" "0x" "meminfo as nobody"
assert_not_contains "$out" "KASLR" "meminfo as nobody"
grep -q -E '^\| kernel image  +[0-9.]+[KMGT]  ' <<< "$out" || fail "no kernel image row without addresses"
expect_ok as_nobody kallocctl -j meminfo
assert_eq "$(jq -c '{addresses, kaslr: has("kaslr"), offset: has("kaslr_offset"), ranges: [.segments[] | has("start") or has("end")] | any}' <<< "$out")" \
	'{"addresses":false,"kaslr":false,"offset":false,"ranges":false}' "the reply nobody gets"
assert_not_contains "$out" "0x" "meminfo -j as nobody"
assert_eq "$(jq '[.segments[] | select(.size > 0)] | length' <<< "$out")" 5 "segments with sizes"

step "the zones agree with /proc/zoneinfo"
expect_ok kallocctl -j meminfo
mine=$(jq -r '.zones[] | "\(.node) \(.zone) \(.free) \(.managed) \(.present) \(.spanned)"' <<< "$out")
# zoneinfo lists pages free, then spanned, present, managed; only
# populated zones (present > 0) are in kalloc's reply.
theirs=$(awk '/^Node/ { node = $2; sub(",", "", node); zone = $4 }
	/^  pages free/ { free = $3 }
	/^        spanned/ { spanned = $2 }
	/^        present/ { present = $2 }
	/^        managed/ { if (present > 0) print node, zone, free, $2, present, spanned }' /proc/zoneinfo)
echo "kallocctl: $mine"
echo "zoneinfo:  $theirs"
assert_eq "$(cut -d' ' -f1,2,4-6 <<< "$mine")" "$(cut -d' ' -f1,2,4-6 <<< "$theirs")" \
	"node, zone, managed, present, spanned"
paste -d' ' <(cut -d' ' -f3 <<< "$mine") <(cut -d' ' -f3 <<< "$theirs") |
	while read -r a b; do
		d=$((a > b ? a - b : b - a))
		# Free pages move while we read: within 1024 pages or 5%.
		[ "$d" -le 1024 ] || [ "$((d * 20))" -le "$b" ] ||
			fail "free pages $a against /proc/zoneinfo's $b"
	done || exit 1
assert_eq "$(jq '[.zones[] | (.free_area | length) == 11] | all' <<< "$out")" true "11 orders per zone"
