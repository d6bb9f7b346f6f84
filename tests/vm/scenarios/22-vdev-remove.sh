#!/bin/bash
# Virtual devices, removal races: deleting a device while a process sleeps
# in poll wakes it with EPOLLERR | EPOLLHUP, every later operation on its
# file fails with ENODEV, the name is free at once and the window is freed
# at the last close; a buffer in a DMA transfer cannot be deleted
# (EBUSY) until the transfer ends; a socket-owned buffer whose socket
# closes mid-transfer leaves the table at once, the transfer fails with
# ENOENT and the memory is freed when it ends; deleting a device with a
# transfer in flight lets it finish first. Nothing is left behind.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"
# shellcheck source=vdev/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vdev/lib.sh"

fresh_module
D=/dev/kalloc/x0
assert_eq "$(windows_alive)" 0 "device windows before the test"

step "deleting the device while a process sleeps in poll"
expect_ok vdevtool new x0
vdevtool poll "$D" 60000 > "$T/poll" &
pid=$!
wait_in_poll "$pid"
assert_eq "$(vdev_field x0 open_files)" 1 "open files"
expect_ok vdevtool del x0
wait "$pid" || fail "the poller failed"
prefix poller: < "$T/poll"
assert_contains "$(cat "$T/poll")" "revents POLLERR POLLHUP" "what poll reported"
assert_contains "$(cat "$T/poll")" "ioctl ENODEV" "an ioctl after the wake-up"
[ ! -e "$D" ] || fail "$D is still there"
assert_eq "$(windows_alive)" 0 "device windows after the last close"

step "every operation on a deleted device's open file fails with ENODEV; the name is free at once"
expect_ok vdevtool new x0
mkfifo "$T/go"
exec 7<> "$T/go"
vdevtool afterdel "$D" <&7 > "$T/after" &
pid=$!
poll 20 grep -q open "$T/after" || fail "afterdel never opened the device"
expect_ok vdevtool del x0
expect_ok vdevtool new x0
[ -c "$D" ] || fail "the new x0 has no node"
assert_eq "$(windows_alive)" 2 "windows: the deleted device's (still open) and the new one's"
echo go >&7
wait "$pid"
exec 7>&-
prefix afterdel: < "$T/after"
assert_eq "$(cat "$T/after")" "open
read ENODEV
write ENODEV
lseek ENODEV
ioctl ENODEV
mmap ENODEV" "operations after the deletion"
assert_eq "$(windows_alive)" 1 "windows once the old file is closed"
assert_eq "$(vdev_field x0 open_files)" 0 "open files of the new x0"

step "deleting a buffer mid-DMA fails with EBUSY; it works once the transfer ends"
debugfs_knob vdev_dma_delay_ms 3000
expect_ok kallocctl alloc held 4K
expect_ok vdevtool dma x0 from-device held
expect_fail kallocctl free held
assert_contains "$err" "DMA transfer"
has_buffer held || fail "the held buffer was deleted"
expect_ok vdevtool wait "$D" 20000000000
assert_contains "$out" "bytes=4096 error=0"
expect_ok kallocctl free held

step "a buffer shrunk (BUFFER_SET) mid-transfer: the transfer fails with ERANGE"
expect_ok kallocctl alloc shrunk 4K
expect_ok vdevtool dma x0 from-device shrunk
expect_ok kallocctl set shrunk size 1K
expect_ok vdevtool wait "$D" 20000000000
assert_contains "$out" "bytes=0 error=-34"
assert_eq "$(buffer_field shrunk size)" 1024 "size after the shrink"
expect_ok kallocctl check shrunk
expect_ok kallocctl free shrunk

step "a socket-owned buffer whose socket closes mid-transfer"
expect_ok vdevtool stats
live0=$(sed -n 's/^live_buffers=//p' <<< "$out")
expect_ok vdevtool sockbuf sockowned 4096 x0
no_buffer sockowned || fail "the socket-owned buffer outlived its socket"
expect_ok vdevtool stats
assert_contains "$out" "live_buffers=$((live0 + 1))" "live buffers while the transfer holds it"
expect_ok vdevtool wait "$D" 20000000000
assert_contains "$out" "bytes=0 error=-2"
assert_eq "$(vdev_field x0 dma_failed)" 2 "dma_failed (the shrunk and the orphaned transfer)"
assert_eq "$(( $(vdev_field x0 status) & 8 ))" 8 "DMA_ERROR in status"
expect_ok vdevtool stats
assert_contains "$out" "live_buffers=$live0" "live buffers once the transfer ended"

step "deleting a device with a transfer in flight lets it finish first"
expect_ok kallocctl alloc last 4K
expect_ok vdevtool dma x0 to-device last
expect_ok vdevtool del x0
debugfs_knob vdev_dma_delay_ms 0
expect_ok kallocctl free last
assert_eq "$(windows_alive)" 0 "device windows at the end"

step "rmmod frees everything"
dmesg_mark
expect_ok rmmod kalloc
assert_contains "$(dmesg_since)" "unloaded, freed 0 buffers"
