#!/bin/bash
# Dumps and events, seen by kalloc-probe (tests/vm/probe/), a raw netlink
# client written from the uapi header alone: a dump of many buffers spans
# several recvmsg() calls and resumes in id order (cb->ctx); a buffer
# created mid-dump sets NLM_F_DUMP_INTR (the generation counter); a quiet
# dump does not; creating and deleting a buffer reaches the "events"
# multicast group; and kallocctl list sees every buffer of a long dump.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"
PROBE=$(dirname "$KALLOC_VM_LIB")/kalloc-probe
N=1000

fresh_module

step "a long dump resumes across recvmsg() calls, in id order"
expect_ok "$PROBE" create d "$N"
expect_ok "$PROBE" dump
read -r _ msgs _ recvs _ intr _ asc <<< "$out"
assert_eq "$msgs" "$N" "messages in the dump"
assert_eq "$intr" 0 "NLM_F_DUMP_INTR on a quiet dump"
assert_eq "$asc" yes "ids in ascending order"
[ "$recvs" -gt 1 ] || fail "expected the dump to span several recvmsg() calls, got $recvs"

step "a buffer created mid-dump flags NLM_F_DUMP_INTR"
expect_ok "$PROBE" dump-intr intruder
read -r _ msgs _ recvs _ intr _ asc <<< "$out"
[ "$intr" -gt 0 ] || fail "expected NLM_F_DUMP_INTR after a change mid-dump"
assert_eq "$asc" yes "ids in ascending order"

step "kallocctl list sees all of them"
expect_ok kallocctl -j list
count=$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <<< "$out")
assert_eq "$count" "$((N + 1))" "buffers in kallocctl -j list"

step "create and delete reach the events group"
expect_ok "$PROBE" events watched
assert_eq "$out" "event new watched 4096
event del watched 4096" "events"
