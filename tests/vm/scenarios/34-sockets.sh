#!/bin/bash
# Sockets (issue 10 §4, tests/gauntlet/ksock): a listener with the smallest
# receive buffer under a flood of events and of perf records (ENOBUFS for
# the listener, every message counted as sent or refused by the kernel,
# the socket usable afterwards, the perf identity exact); and a socket
# opened by root handed to a process that is no longer root, inherited
# across fork+setuid and passed with SCM_RIGHTS: no mutation through it
# (send, sendto, write), no joining "perf", reads allowed; and a socket
# opened by nobody does not let root mutate with send() either.
# timeout: 600
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

G=/usr/local/libexec/kalloc/gauntlet
lane=$(cat /kalloc-share/lane 2> /dev/null || echo stock)
results=/kalloc-share/results/gauntlet
mkdir -p "$results"

fresh_module
step "a tiny receive buffer under an event and perf flood"
run "$G/ksock" --json "$T/flood.json" flood --events 400
cp "$T/flood.json" "$results/sockets-flood-$lane.json" 2> /dev/null || true
[ "$rc" -eq 0 ] || fail "ksock flood: exit $rc"

step "a root-opened socket in an unprivileged process"
run "$G/ksock" --json "$T/pass.json" pass
cp "$T/pass.json" "$results/sockets-pass-$lane.json" 2> /dev/null || true
[ "$rc" -eq 0 ] || fail "ksock pass: exit $rc"
expect_ok rmmod kalloc
