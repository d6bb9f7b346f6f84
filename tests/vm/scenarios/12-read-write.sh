#!/bin/bash
# Buffer contents: write data, a file or standard input at an offset, and
# read raw bytes, a hexdump, or a range; transfers over KALLOC_IO_MAX
# (32 KiB) are split into chunks by kallocctl and come back intact. Ranges
# past the end, offsets past the end or wrapping, a read of length 0 and
# a raw request of more than 32 KiB are refused with one clear line, and
# nothing else changes.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_module
expect_ok kallocctl alloc small 64
expect_ok kallocctl alloc big 1M policy tlsf
expect_ok kallocctl alloc other 4K policy slab
expect_ok kallocctl write other data "keep me"

step "a new buffer reads as zeroes"
expect_ok kallocctl read small hex
assert_eq "$(head -n 1 <<< "$out")" \
	"00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|" \
	"first hexdump line of a new buffer"
assert_eq "$(wc -l <<< "$out")" 4 "hexdump lines of 64 bytes"

step "write data at an offset, read it back raw and as a hexdump"
expect_ok kallocctl write small offset 4 data "hello"
assert_eq "$out$err" "" "write output"
expect_ok kallocctl read small offset 4 length 5
assert_eq "$out" hello "raw read"
expect_ok kallocctl read small length 16 hex
assert_eq "$out" \
	"00000000  00 00 00 00 68 65 6c 6c  6f 00 00 00 00 00 00 00  |....hello.......|" \
	"hexdump"
expect_ok kallocctl -j read small offset 4 length 5
assert_eq "$(jq -c . <<< "$out")" \
	'{"name":"small","offset":4,"length":5,"hex":"68656c6c6f"}' "JSON read"
expect_ok kallocctl -j write small offset 60 data "tail"
assert_eq "$(jq -c . <<< "$out")" '{"name":"small","offset":60,"length":4}' "JSON write"

step "without a length, read goes from the offset to the end"
kallocctl read small offset 60 > "$T/tail" || fail "read small offset 60 failed"
assert_eq "$(cat "$T/tail")" tail "the last 4 bytes"
kallocctl read small > "$T/all" || fail "read small failed"
assert_eq "$(stat -c %s "$T/all")" 64 "bytes of a whole read"

step "a 1 MiB file goes in and comes out in 32 KiB chunks, intact"
head -c $((1024 * 1024)) /dev/urandom > "$T/rand"
expect_ok kallocctl write big file "$T/rand"
kallocctl read big > "$T/back" || fail "read big failed"
cmp "$T/rand" "$T/back" || fail "1 MiB came back different"
step "standard input, at an offset that is not a chunk multiple"
head -c 100000 /dev/urandom > "$T/part"
kallocctl write big offset 12345 - < "$T/part" || fail "write from stdin failed"
kallocctl read big offset 12345 length 100000 > "$T/partback" ||
	fail "read of the range failed"
cmp "$T/part" "$T/partback" || fail "100000 bytes at 12345 came back different"
kallocctl read big length 12345 | cmp - <(head -c 12345 "$T/rand") ||
	fail "the bytes before the offset changed"

before=$(list_json)
# refused_io SUBSTRING ARGS...: kallocctl ARGS fails with exit 1, one line,
# and every buffer is as it was.
refused_io() {
	local want=$1

	shift
	expect_fail_with "$want" 1 kallocctl "$@"
	assert_eq "$(list_json)" "$before" "buffers after 'kallocctl $*'"
}

step "writes and reads past the end are refused, naming the buffer's size"
refused_io "KALLOC_BUFFER_A_DATA reaches past the end of the buffer (the buffer holds 64 bytes)" \
	write small offset 60 data "12345"
refused_io "KALLOC_BUFFER_A_LENGTH reaches past the end of the buffer (the buffer holds 64 bytes)" \
	read small offset 60 length 5
refused_io "KALLOC_BUFFER_A_OFFSET is at or past the end of the buffer (the buffer holds 64 bytes)" \
	read small offset 64
refused_io "KALLOC_BUFFER_A_OFFSET is at or past the end of the buffer (the buffer holds 64 bytes)" \
	write small offset 64 data x
step "a long write past the end fails before it writes anything"
head -c 70000 /dev/urandom > "$T/long"
refused_io "KALLOC_BUFFER_A_DATA reaches past the end of the buffer (the buffer holds 1048576 bytes)" \
	write big offset 1000000 file "$T/long"
kallocctl read big offset 1000000 | cmp - <(tail -c +1000001 "$T/rand") ||
	fail "the tail of big changed under a refused write"
step "an offset that wraps"
refused_io "KALLOC_BUFFER_A_OFFSET is at or past the end of the buffer" \
	read small offset 18446744073709551615 length 2
refused_io "KALLOC_BUFFER_A_OFFSET is at or past the end of the buffer" \
	write small offset 18446744073709551615 data ab
step "a read of length 0, empty data"
refused_io "integer out of range (attribute length)" read small length 0
refused_io "(attribute data)" write small data ""
step "a buffer that does not exist"
refused_io "no buffer has this KALLOC_BUFFER_A_NAME" read nosuch
refused_io "no buffer has this KALLOC_BUFFER_A_NAME" write nosuch data x

step "one raw request of more than 32 KiB is refused (kallocctl would chunk it)"
expect_fail "$PROBE" write big 32769
assert_contains "$err" "kernel error -34" "the probe's error"
expect_ok "$PROBE" write big 32768
expect_fail "$PROBE" read big 32769
assert_contains "$err" "kernel error -34" "the probe's error"
expect_ok "$PROBE" read big 32768

step "the other buffer kept its contents through all of it"
expect_ok kallocctl read other length 7
assert_eq "$out" "keep me" "other's contents"
