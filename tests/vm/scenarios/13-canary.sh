#!/bin/bash
# Guards: damage injected through /sys/kernel/debug/kalloc/corrupt is found
# by check (kallocctl check exits 1 and names the guard), by read and write
# (EIO naming the guard) and by free (which still frees); each detection
# counts once in the policy's canary_violations, sends a BUFFER_CHECK
# event, and logs a line beginning "kalloc: canary violation". Buffers
# whose guards hold are untouched.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

CORRUPT=/sys/kernel/debug/kalloc/corrupt

corrupt() {
	show_cmd echo "$1" \> "$CORRUPT"
	echo "$1" > "$CORRUPT" || fail "cannot write '$1' to $CORRUPT"
}

fresh_module
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
[ -e "$CORRUPT" ] || fail "$CORRUPT is missing"
expect_ok kallocctl alloc victim 4K policy slab
expect_ok kallocctl alloc tailv 1K policy tlsf
expect_ok kallocctl alloc kvictim 1K
expect_ok kallocctl alloc bystander 2K policy buddy
expect_ok kallocctl write bystander data "still here"

step "intact guards: check exits 0"
expect_ok kallocctl check
assert_eq "$out" "4 buffers checked, all guards intact" "check of all"
expect_ok kallocctl check victim
assert_eq "$out" "victim: guards intact" "check of one"

dmesg_mark
listen_events "$T/events" 60

step "victim's head guard damaged: check names it and exits 1"
corrupt "victim head"
expect_fail_with "buffer victim is corrupt" 1 kallocctl check victim
assert_eq "$out" "victim: head guard damaged (policy slab)" "check victim"
expect_fail_with "1 of 4 buffers are corrupt" 1 kallocctl check
assert_eq "$out" "victim: head guard damaged (policy slab)" "check of all"
run kallocctl -j check
assert_eq "$rc" 1 "exit status of check -j"
assert_eq "$(jq -c '[.[] | select(.corrupt) | {name, guards, damaged}]' <<< "$out")" \
	'[{"name":"victim","guards":1,"damaged":["head"]}]' "check -j"
assert_eq "$(jq '[.[] | select(.corrupt | not)] | length' <<< "$out")" 3 "intact buffers in check -j"
expect_ok kallocctl list
assert_eq "$(awk '$2 == "victim" { print $7 }' <<< "$out")" corrupt "FLAGS of victim"
assert_eq "$(awk '$2 == "bystander" { print $7 }' <<< "$out")" - "FLAGS of bystander"

step "checked again and again, it counts once"
assert_eq "$(stats_field slab canary_violations)" 1 "slab's canary_violations"
poll 10 grep -q '^event check victim 4096 guards=1$' "$T/events" ||
	fail "no BUFFER_CHECK event for victim: $(cat "$T/events")"

step "reads and writes of a corrupt buffer fail with EIO, naming the guard"
expect_fail_with "the buffer is corrupt: its head guard is damaged" 1 kallocctl read victim
expect_fail_with "the buffer is corrupt: its head guard is damaged" 1 \
	kallocctl write victim data x

step "a read finds damage first: tailv's tail guard"
corrupt "tailv tail"
expect_fail_with "the buffer is corrupt: its tail guard is damaged" 1 kallocctl read tailv
assert_eq "$(stats_field tlsf canary_violations)" 1 "tlsf's canary_violations"
poll 10 grep -q '^event check tailv 1024 guards=2$' "$T/events" ||
	fail "no BUFFER_CHECK event for tailv"
step "both guards of one buffer"
corrupt "tailv head"
expect_fail_with "its head and tail guards are damaged" 1 kallocctl write tailv data y
assert_eq "$(buffer_field tailv guards)" 3 "guards of tailv"

step "a free finds damage first, and still frees: kvictim"
corrupt "kvictim head"
expect_ok kallocctl free kvictim
no_buffer kvictim || fail "kvictim is still listed after free"
assert_eq "$(stats_field kmalloc canary_violations)" 1 "kmalloc's canary_violations"
poll 10 grep -q '^event del kvictim 1024 guards=1 reason=request$' "$T/events" ||
	fail "no BUFFER_DEL event for kvictim"
grep -q '^event check kvictim 1024 guards=1$' "$T/events" ||
	fail "no BUFFER_CHECK event for kvictim"

step "corrupt buffers free cleanly"
expect_ok kallocctl free victim
expect_ok kallocctl free tailv
kill "$listener" 2> /dev/null
wait "$listener" 2> /dev/null
prefix events: < "$T/events"

step "the log: rate-limited lines beginning 'kalloc: canary violation'"
log=$(dmesg_since)
prefix dmesg: <<< "$log"
[ "$(grep -c 'kalloc: canary violation' <<< "$log")" -ge 3 ] ||
	fail "expected a 'kalloc: canary violation' line per detection"
grep -q "kalloc: canary violation: buffer 'victim'" <<< "$log" ||
	fail "no line names victim"

step "the bystander kept its guards and contents"
expect_ok kallocctl check
assert_eq "$out" "1 buffer checked, all guards intact" "check after the frees"
expect_ok kallocctl read bystander length 10
assert_eq "$out" "still here" "bystander's contents"
expect_fail_with "no buffer has this KALLOC_BUFFER_A_NAME" 1 kallocctl check victim
