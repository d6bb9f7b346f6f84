#!/bin/bash
# Virtual devices and unload: an open device file pins the module (rmmod
# says "in use"), even once the device is deleted; after the close it
# unloads cleanly. Unload with devices whose timers run and whose transfer
# is queued stops the timers and finishes the transfer before freeing.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"
# shellcheck source=vdev/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vdev/lib.sh"

# hold DEV: keeps DEV open in the background ($hpid) until killed.
hold() {
	vdevtool hold "$1" 600 > "$T/hold" &
	hpid=$!
	poll 20 grep -q holding "$T/hold" || fail "could not open $1"
}

release() {
	kill "$hpid"
	wait "$hpid" 2> /dev/null
	poll 20 test "$(cat /sys/module/kalloc/refcnt)" = 0 ||
		fail "the module is still referenced"
}

fresh_module

step "rmmod with an open device file says in use"
expect_ok vdevtool new r0 timer 100000
hold /dev/kalloc/r0
assert_eq "$(cat /sys/module/kalloc/refcnt)" 1 "module references"
expect_fail rmmod kalloc
assert_contains "$err" "in use"
module_loaded || fail "rmmod unloaded a module in use"

step "after the close it unloads cleanly"
release
dmesg_mark
expect_ok rmmod kalloc
! module_loaded || fail "kalloc still loaded"
[ ! -e /dev/kalloc/r0 ] || fail "/dev/kalloc/r0 outlived the module"
log=$(dmesg_since)
prefix dmesg: <<< "$log"
assert_contains "$log" "kalloc: unloaded"

step "a deleted device's open file still pins the module"
fresh_module
expect_ok vdevtool new gone
hold /dev/kalloc/gone
expect_ok vdevtool del gone
expect_fail rmmod kalloc
assert_contains "$err" "in use"
release
expect_ok rmmod kalloc

step "unload with running timers and a queued transfer"
fresh_module
debugfs_knob vdev_dma_delay_ms 3000
expect_ok kallocctl alloc target 4K
for d in u0 u1 u2; do
	expect_ok vdevtool new "$d" timer 100000
done
expect_ok vdevtool dma u0 from-device target
assert_eq "$(( $(vdev_field u0 status) & 2 ))" 2 "BUSY in the status of u0"
expect_ok rmmod kalloc
! module_loaded || fail "kalloc still loaded"
assert_eq "$(windows_alive)" 0 "device windows after unload"
[ ! -e /dev/kalloc/u0 ] || fail "/dev/kalloc/u0 outlived the module"
