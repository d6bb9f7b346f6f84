#!/bin/bash
# Owner tags and socket-owned buffers: names= buffers are tagged "param",
# a plain alloc "user", "owner TAG" sets one; "flush owner TAG" deletes
# exactly the buffers with that tag and says how many. "alloc NAME SIZE
# hold" keeps a buffer that belongs to its netlink socket: killing the
# holder with SIGKILL frees it (a BUFFER_DEL event with reason socket),
# SIGTERM and SIGINT end the hold with exit 0 and free it too.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

names() {
	kallocctl -j list | jq -r '[.[].name] | join(" ")'
}

# hold_bg NAME SIZE: "kallocctl alloc NAME SIZE hold" in the background,
# until its buffer is listed; $holder is its pid.
hold_bg() {
	kallocctl alloc "$1" "$2" hold &
	holder=$!
	poll 20 has_buffer "$1" || fail "buffer $1 did not appear under hold"
}

unload_all
expect_ok insmod "$KO" names=p1 values=1024

step "owner tags: param for names=, user by default, or the one given"
expect_ok kallocctl alloc u1 1K
expect_ok kallocctl alloc a1 1K owner alpha
expect_ok kallocctl alloc a2 2K owner alpha policy slab
expect_ok kallocctl alloc b1 1K owner beta
expect_ok kallocctl list
assert_eq "$(awk 'NR > 1 { printf "%s=%s ", $2, $6 }' <<< "$out")" \
	"p1=param u1=user a1=alpha a2=alpha b1=beta " "OWNER column"
assert_eq "$(kallocctl -j list | jq -c '[.[] | .owner]')" \
	'["param","user","alpha","alpha","beta"]' "owner in JSON"

listen_events "$T/events" 90

step "flush owner alpha deletes only alpha's buffers"
expect_ok kallocctl flush owner alpha
assert_eq "$out" "flushed 2 buffers with owner alpha" "flush output"
assert_eq "$(names)" "p1 u1 b1" "buffers after the flush"
poll 10 grep -q '^event del a2 2048 guards=0 reason=flush$' "$T/events" ||
	fail "no flush event for a2: $(cat "$T/events")"
grep -q '^event del a1 1024 guards=0 reason=flush$' "$T/events" ||
	fail "no flush event for a1"
expect_ok kallocctl -j flush owner nobody
assert_eq "$(jq -c . <<< "$out")" '{"owner":"nobody","count":0}' "flush of a tag nobody has"
expect_ok kallocctl flush owner beta
assert_eq "$out" "flushed 1 buffer with owner beta" "flush of one"
assert_eq "$(names)" "p1 u1" "buffers after the second flush"

step "owner tags follow the name rule, checked by the kernel"
expect_fail_with "KALLOC_BUFFER_A_OWNER has a character outside [A-Za-z0-9_.-]" 1 \
	kallocctl alloc x 1K owner "bad tag"
expect_fail_with "(attribute owner)" 1 kallocctl alloc x 1K owner 1234567890123456
expect_fail_with "KALLOC_BUFFER_A_OWNER is empty" 1 kallocctl flush owner ""
expect_fail_with "KALLOC_BUFFER_A_OWNER starts with '.' or '-'" 1 kallocctl flush owner -x
assert_eq "$(names)" "p1 u1" "buffers after the refusals"

step "alloc ... hold: a socket-owned buffer, listed as such"
hold_bg held 1K
expect_ok kallocctl list
assert_eq "$(awk '$2 == "held" { print $6, $7 }' <<< "$out")" "user socket" "OWNER FLAGS of held"
assert_eq "$(kallocctl -j list | jq -c '.[] | select(.name == "held") | {flags, socket, portid: (.portid > 0)}')" \
	'{"flags":1,"socket":true,"portid":true}' "held in JSON"

step "SIGKILL of the holder: the kernel frees its buffer"
kill -KILL "$holder"
wait "$holder" 2> /dev/null
poll 20 no_buffer held || fail "held is still listed after its owner was killed"
poll 10 grep -q '^event del held 1024 guards=0 reason=socket$' "$T/events" ||
	fail "no BUFFER_DEL event with reason socket for held"

step "SIGTERM ends a hold with exit 0, and the buffer goes"
hold_bg held2 2K
kill -TERM "$holder"
wait "$holder"
assert_eq "$?" 0 "exit status after SIGTERM"
poll 20 no_buffer held2 || fail "held2 is still listed after SIGTERM"

step "SIGINT too"
hold_bg held3 4K
kill -INT "$holder"
wait "$holder"
assert_eq "$?" 0 "exit status after SIGINT"
poll 20 no_buffer held3 || fail "held3 is still listed after SIGINT"

step "a hold whose buffer cannot be made ends at once with the kernel's error"
expect_fail_with "a buffer with this KALLOC_BUFFER_A_NAME exists already" 1 \
	kallocctl alloc u1 1K hold

step "a socket-owned buffer freed by someone else meanwhile"
hold_bg held4 1K
expect_ok kallocctl free held4
kill -TERM "$holder"
wait "$holder"
assert_eq "$?" 0 "exit status of the holder"
kill "$listener" 2> /dev/null
wait "$listener" 2> /dev/null
prefix events: < "$T/events"
assert_eq "$(names)" "p1 u1" "buffers at the end"
