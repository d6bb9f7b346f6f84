#!/bin/bash
# Virtual devices, bad input: every refusal the uapi documents, through the
# device file (vdevtool badinput: unknown ioctls, short and oversized
# structs, NULL and bad pointers, bad control writes, DMA ranges past the
# window or the buffer or wrapping, a buffer id that does not exist, reads,
# writes, seeks and mappings past the window) and over netlink (window
# sizes, names, duplicates, ranges, the device limit); every mutation
# unprivileged fails with EPERM and opening the node with EACCES. Nothing
# changes on the way.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"
# shellcheck source=vdev/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vdev/lib.sh"

fresh_module
expect_ok kallocctl alloc bb 8K
id=$(vdevtool bufid bb)
expect_ok vdevtool new bad
D=/dev/kalloc/bad

step "the device file refuses bad ioctls, ranges and mappings"
expect_ok vdevtool badinput "$D" "$id" 8192
assert_contains "$out" "0 unexpected"

step "netlink: window sizes"
expect_fail_with "out of range" 1 vdevtool new w0 size 0
expect_fail_with "out of range" 1 vdevtool new w0 size 1048577
expect_ok vdevtool new w0 size 1048576
expect_ok vdevtool del w0
expect_fail_with "out of range" 1 vdevtool new w0 timer 99999
expect_fail_with "out of range" 1 vdevtool new w0 timer 60000000001

step "netlink: names and duplicates"
expect_fail_with "exists already" 1 vdevtool new bad
expect_fail_with "KALLOC_VDEV_A_NAME is empty" 1 vdevtool new ""
expect_fail_with "starts with '.' or '-'" 1 vdevtool new -x
expect_fail_with "outside [A-Za-z0-9_.-]" 1 vdevtool new a/b
expect_fail_with "Invalid argument" 1 vdevtool new "$(printf 'x%.0s' {1..40})"
expect_fail_with "KALLOC_VDEV_A_OWNER has a character" 1 vdevtool new w1 owner 'a b'
expect_fail_with "no device has this KALLOC_VDEV_A_NAME" 1 vdevtool get nosuch
expect_fail_with "no device has this KALLOC_VDEV_A_NAME" 1 vdevtool del nosuch
expect_fail_with "no device has this KALLOC_VDEV_A_NAME" 1 vdevtool irq nosuch

step "netlink: DMA"
expect_fail_with "no buffer has this KALLOC_VDEV_A_DMA_BUFFER" 1 vdevtool dma bad from-device 424242 id
expect_fail_with "no buffer has this KALLOC_VDEV_A_DMA_BUFFER_NAME" 1 vdevtool dma bad from-device nosuch
expect_fail_with "no device has this KALLOC_VDEV_A_NAME" 1 vdevtool dma nosuch from-device bb
expect_fail_with "out of range" 1 vdevtool dma bad 3 bb
expect_fail_with "DEV_OFFSET is at or past the end of the window" 1 vdevtool dma bad from-device bb devoff 4096
expect_fail_with "OFFSET is at or past the end of the buffer" 1 vdevtool dma bad from-device bb offset 8192
expect_fail_with "reaches past the end of the window" 1 vdevtool dma bad from-device bb length 4097
expect_fail_with "reaches past the end of the window" 1 vdevtool dma bad from-device bb devoff 1 length 4294967295
expect_fail_with "reaches past the end of the buffer" 1 vdevtool dma bad from-device bb devoff 0 offset 8000 length 4096
expect_fail_with "OFFSET is at or past the end of the buffer" 1 vdevtool dma bad from-device bb offset 18446744073709551615 length 2
expect_ok vdevtool set bad control 0 mask 1
expect_fail_with "not enabled" 1 vdevtool dma bad from-device bb
expect_ok vdevtool set bad control 1 mask 1

step "netlink: control writes"
expect_fail_with "Invalid argument" 1 vdevtool set bad control 16
expect_fail_with "needs KALLOC_VDEV_A_CONTROL" 1 vdevtool set bad mask 1
expect_fail_with "needs a timer period" 1 vdevtool set bad control 4 mask 4
expect_fail_with "out of range" 1 vdevtool set bad timer 1

step "netlink: at most 64 devices"
for i in $(seq 2 64); do
	vdevtool new "m$i" || fail "creating device $i failed"
done
expect_fail_with "KALLOC_VDEV_MAX" 1 vdevtool new m65
assert_eq "$(vdevtool list | wc -l)" 64 "devices listed"
for i in $(seq 2 64); do
	vdevtool del "m$i" || fail "deleting device $i failed"
done

step "unprivileged: every mutation EPERM, opening EACCES, reading allowed"
before=$(vdevtool get bad)
expect_ok nobody id -u
assert_eq "$out" 65534 "uid under setpriv"
for cmd in "new u0" "del bad" "irq bad" "set bad control 3" "dma bad from-device bb"; do
	# shellcheck disable=SC2086
	expect_fail_with "Operation not permitted" 1 nobody "$VDEVTOOL" $cmd
done
expect_fail_with "Permission denied" 1 nobody "$VDEVTOOL" regs "$D"
expect_fail_with "Operation not permitted" 1 nobody "$VDEVTOOL" bread bb 0 16
expect_ok nobody "$VDEVTOOL" get bad
expect_ok nobody "$VDEVTOOL" list
assert_eq "$out" "bad" "devices listed as nobody"
assert_eq "$(vdevtool get bad)" "$before" "the device after the refusals"
