#!/bin/bash
# The debug lane's VM itself (tests/debug/): the kernel is the debug build
# with every detector built in and switched on, PID 1 is the lane's bash
# init, and the staged kalloc.ko was built against this kernel, carries
# the KASAN, UBSAN and KCOV instrumentation, and loads. If this fails,
# a clean run of the other scenarios proves nothing.
# lanes: debug
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

step "the kernel is the debug build the host staged for"
expect_ok uname -r
[[ "$out" == *-kalloc-debug ]] || fail "expected a *-kalloc-debug kernel, got $out"
assert_eq "$out" "$(cat /kalloc-share/kver)" "kernel release"

step "its detectors are built in (/proc/config.gz)"
# Matched in bash: a process costs a quarter second on this kernel.
config=$'\n'$(zcat /proc/config.gz)$'\n'
for opt in KASAN KASAN_GENERIC KASAN_INLINE KASAN_VMALLOC PROVE_LOCKING \
	DEBUG_ATOMIC_SLEEP DEBUG_KMEMLEAK DEBUG_LIST SLUB_DEBUG UBSAN KCOV \
	FAULT_INJECTION FAILSLAB FAIL_PAGE_ALLOC FAULT_INJECTION_DEBUG_FS \
	USER_NS NET_NS; do
	[[ "$config" == *$'\n'"CONFIG_$opt=y"$'\n'* ]] || fail "CONFIG_$opt is not y"
done
echo "all built in"

step "and switched on"
expect_ok cat /proc/sys/kernel/panic_on_warn
assert_eq "$out" 1 "panic_on_warn"
dmesg | grep -q 'KernelAddressSanitizer initialized' || fail "KASAN did not initialise"
debug_locks=
while read -r key value; do
	[ "$key" != debug_locks: ] || debug_locks=$value
done < /proc/lockdep_stats
assert_eq "$debug_locks" 1 "lockdep debug_locks (/proc/lockdep_stats)"
assert_contains "$(cat /proc/cmdline)" "slub_debug=FZPU" "kernel command line"
for f in sanity_checks red_zone poison store_user; do
	expect_ok cat "/sys/kernel/slab/kmalloc-64/$f"
	assert_eq "$out" 1 "kmalloc-64 $f"
done
for f in kmemleak kcov failslab/probability fail_page_alloc/probability; do
	[ -e "/sys/kernel/debug/$f" ] || fail "/sys/kernel/debug/$f is missing"
done
[ -e /proc/self/fail-nth ] || fail "/proc/self/fail-nth is missing"
echo "kmemleak, kcov, failslab, fail_page_alloc and fail-nth are there"

step "the clocks are real ones, as on Debian's kernel (ACPI: HPET, PM timer)"
expect_ok cat /sys/devices/system/clocksource/clocksource0/current_clocksource
[[ "$out" != *jiffies ]] || fail "the kernel runs on jiffies: no usable clocksource"
expect_ok grep -c 'hres_active *: 1' /proc/timer_list
assert_eq "$out" "$(nproc)" "CPUs with high-resolution timers active"

step "PID 1 is the lane's init, not systemd"
expect_ok tr '\0' ' ' < /proc/1/cmdline
assert_contains "$out" "guest-init" "PID 1's command line"

step "the staged kalloc.ko is built for this kernel and instrumented"
expect_ok modinfo -n kalloc
assert_eq "$out" "$KO" "modinfo -n kalloc"
expect_ok modinfo -F vermagic kalloc
[[ "$out" == "$KVER "* ]] || fail "expected vermagic '$KVER ...', got '$out'"
syms=$(nm -u "$KO")
for s in __asan_report_ __ubsan_handle_ __sanitizer_cov_trace_pc; do
	[[ "$syms" == *"$s"* ]] || fail "kalloc.ko has no $s* calls: not instrumented"
done
echo "kalloc.ko calls KASAN, UBSAN and KCOV hooks"

step "modprobe loads it and rmmod unloads it"
fresh_module
expect_ok rmmod kalloc
! module_loaded || fail "kalloc still loaded after rmmod"
