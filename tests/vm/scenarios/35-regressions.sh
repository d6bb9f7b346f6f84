#!/bin/bash
# Regression tests for the defects the gauntlet found in kernel/ (each fix
# is a commit with a "Found-by: gauntlet" trailer; docs/reliability.md
# lists them). Those that need fault injection are in 31-fault, whose
# walk fails the same allocations every run.
# timeout: 300
# Layouts differ between Debian's kernel and the debug one (5-level paging).
# check-lanes: stock debug
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

G=/usr/local/libexec/kalloc/gauntlet
lane=$(cat /kalloc-share/lane 2> /dev/null || echo stock)

fresh_module

# --- kernel/sysmem: PAGE_OFFSET and VMEMMAP_START --------------------------
# The module linked against page_offset_base and vmemmap_base, which exist
# only where the memory layout is dynamic (KASLR): the debug kernel's
# build of kalloc.ko failed. The debug lane's module build is the first
# test; this one checks the values MEMINFO_GET reports are the layout's.
step "MEMINFO_GET's direct map and vmemmap are the kernel's layout"
# Addresses go only to callers to whom %pK shows them: for this read,
# kptr_restrict 1, then back. Not 0: with 0, %pK prints a hashed value
# unless the kernel booted with no_hash_pointers (the debug lane does,
# the stock lane does not), and 2 hides pointers from everyone; with 1,
# root (CAP_SYSLOG, euid == uid) sees the real ones.
kptr=$(cat /proc/sys/kernel/kptr_restrict)
echo 1 > /proc/sys/kernel/kptr_restrict
run "$G/kstate" --meminfo
echo "$kptr" > /proc/sys/kernel/kptr_restrict
[ "$rc" -eq 0 ] || fail "kstate --meminfo: exit $rc"
assert_contains "$out" "addresses 1" "MEMINFO_GET with kptr_restrict 1"
direct=$(awk '$1 == "segment" && $2 == "direct" { print $4 }' <<< "$out")
vmemmap=$(awk '$1 == "segment" && $2 == "vmemmap" { print $3 }' <<< "$out")
kaslr=$(awk '$1 == "kaslr" { print $2 }' <<< "$out")
if [ -z "$direct" ] || [ -z "$vmemmap" ]; then
	fail "no direct map or vmemmap segment: $out"
fi
if zgrep -qx 'CONFIG_RANDOMIZE_MEMORY=y' /proc/config.gz 2> /dev/null ||
	grep -qx 'CONFIG_RANDOMIZE_MEMORY=y' "/boot/config-$KVER" 2> /dev/null; then
	# Randomised: the bases are the kernel's variables page_offset_base
	# and vmemmap_base, read back from /proc/kcore. Not a fixed window:
	# QEMU's "-cpu max" has LA57, so Debian's kernel may run with 5-level
	# paging, whose direct map is nowhere near the 4-level one.
	echo 1 > /proc/sys/kernel/kptr_restrict
	pob=$(ksym page_offset_base)
	vmb=$(ksym vmemmap_base)
	echo "$kptr" > /proc/sys/kernel/kptr_restrict
	[ -n "$pob" ] && [ -n "$vmb" ] || fail "page_offset_base or vmemmap_base not in /proc/kallsyms"
	assert_eq "0x$direct" "$(kcore_u64 "$pob")" "the direct map's start is page_offset_base"
	assert_eq "0x$vmemmap" "$(kcore_u64 "$vmb")" "vmemmap's start is vmemmap_base"
	(( (0x$direct & 0x3fffffff) == 0 )) || fail "direct map at $direct is not 1 GiB aligned"
else
	# Fixed: the 4-level defaults of arch/x86/include/asm/*_64_types.h.
	assert_eq "$direct" ffff888000000000 "the direct map's start ($lane lane, no memory KASLR)"
	assert_eq "$vmemmap" ffffea0000000000 "vmemmap's start ($lane lane, no memory KASLR)"
	assert_eq "$kaslr" 0 "KASLR as MEMINFO reports it"
fi
expect_ok rmmod kalloc

# --- alloc/ka_platform_kernel.h: one lockdep class per lock ---------------
# Every ka_lock of a file was initialised inside one inline function, so
# they shared a lockdep class, and slab's first allocation of a size class
# (a depot lock, then the page-pool lock inside it) was reported as
# "possible recursive locking", after which lockdep switched itself off.
# Lockdep reports once per boot: run alone (--scenarios 35) this is the
# test; in a full run the lane's lockdep-active check sees it too.
step "slab's first allocation of a size class takes two locks of two classes"
fresh_module
dmesg_mark
expect_ok kallocctl alloc lockdep-slab 1K policy slab
expect_ok kallocctl alloc lockdep-slab-small 64 policy slab
expect_ok kallocctl free lockdep-slab
expect_ok kallocctl free lockdep-slab-small
log=$(dmesg_since)
! grep -q 'recursive locking' <<< "$log" || fail "lockdep: $(grep -A 12 'recursive locking' <<< "$log")"
if [ -r /proc/lockdep_stats ]; then
	debug_locks=$(awk '$1 == "debug_locks:" { print $2 }' /proc/lockdep_stats)
	assert_eq "$debug_locks" 1 "lockdep's debug_locks after slab allocations"
fi
expect_ok rmmod kalloc
