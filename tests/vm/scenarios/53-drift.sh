#!/bin/bash
# needs: systemd
# Drift: a planned buffer deleted by hand comes back, and the journal has
# it under KALLOC_BUFFER=web0; a buffer tagged kallocd that the plan lacks
# goes; another owner's buffer of a planned name is reported and left
# alone; with "drift report" kallocd only logs; after the kernel drops
# events (ENOBUFS) kallocd resynchronises.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

# socket_drops PID: messages the kernel dropped for PID's netlink sockets
# (the Drops column of /proc/net/netlink, by socket inode).
socket_drops() {
	local inodes

	inodes=$(find "/proc/$1/fd" -lname 'socket:*' -printf '%l\n' | tr -dc '0-9\n' | paste -sd,)
	awk -v want="$inodes" 'BEGIN { n = split(want, v, ","); for (i = 1; i <= n; i++) s[v[i]] = 1 }
		NR > 1 && ($10 in s) { d += $9 } END { print d + 0 }' /proc/net/netlink
}

fresh_plan
# web1 names its policy: a buffer that names none is never moved back.
printf 'alloc web0 4K\nbuffer web1 size 8K policy buddy\nalloc taken 1K\nvdev kd0 size 4K enable\n' > "$PLAN_D/10.plan"
expect_ok kallocctl alloc taken 1K owner someone
expect_ok systemctl start kallocd
assert_eq "$(owned_by kallocd)" "web0:4096 web1:8192" "kallocd's buffers"
assert_eq "$(owned_by someone)" "taken:1024" "someone's buffer"

step "another owner's buffer: a conflict, reported and left alone"
expect_ok journalctl -u kallocd -o cat KALLOC_BUFFER=taken
assert_contains "$out" "! buffer taken owned by someone: left alone"
kd_wait_status "1 conflicts"

step "web0 deleted by hand comes back, with the drift logged"
kd_since
id=$(buffer_field web0 id)
expect_ok kallocctl free web0
poll 20 has_buffer web0 || fail "web0 did not come back"
[ "$(buffer_field web0 id)" != "$id" ] || fail "web0 has its old id"
assert_eq "$(buffer_field web0 owner)" kallocd "web0's owner"
poll 10 bash -c "journalctl -u kallocd --since '$kd_t0' -o cat KALLOC_BUFFER=web0 | grep -qF '+ buffer web0 size 4K (drift)'" ||
	fail "no drift repair of web0 in the journal: $(kd_journal)"
expect_ok journalctl -u kallocd --since "$kd_t0" -o cat KALLOC_BUFFER=web0 KALLOC_ACTION=create KALLOC_RESULT=ok
assert_contains "$out" "web0"

step "a resize by hand is undone in place"
id=$(buffer_field web1 id)
expect_ok kallocctl set web1 size 2K
web1_is_8k() {
	[ "$(buffer_field web1 size)" = 8192 ]
}
poll 20 web1_is_8k || fail "web1 was not resized back"
assert_eq "$(buffer_field web1 id)" "$id" "web1's id"

step "a policy move by hand is undone in place"
assert_eq "$(buffer_field web1 policy)" buddy "web1's planned policy"
expect_ok kallocctl set web1 policy slab
web1_back() {
	[ "$(buffer_field web1 policy)" = buddy ]
}
poll 20 web1_back || fail "web1 was not moved back to buddy"
assert_eq "$(buffer_field web1 id)" "$id" "web1's id"

step "a planned device deleted by hand comes back; one reconfigured is set back"
assert_eq "$(vdev_field kd0 owner)" kallocd "kd0's owner"
expect_ok kallocctl vdev del kd0
kd0_back() {
	[ "$(vdev_field kd0 owner)" = kallocd ]
}
poll 20 kd0_back || fail "kd0 did not come back: $(kd_journal)"
assert_eq "$(vdev_field kd0 control)" 1 "kd0's control (enable)"
expect_ok kallocctl vdev set kd0 irq-enable
kd0_enabled_only() {
	[ "$(vdev_field kd0 control)" = 1 ]
}
poll 20 kd0_enabled_only || fail "kd0's control stayed $(vdev_field kd0 control)"

step "a stranger tagged kallocd (not planned) goes"
expect_ok kallocctl alloc stray 2K owner kallocd
poll 20 no_buffer stray || fail "stray was not deleted"
assert_eq "$(owned_by kallocd)" "web0:4096 web1:8192" "kallocd's buffers"
expect_ok kallocctl plan status
assert_contains "$out" "drift_repairs"

step "another owner frees a planned name: kallocd creates it"
expect_ok kallocctl free taken
poll 20 has_buffer taken || fail "taken was not created once free"
assert_eq "$(buffer_field taken owner)" kallocd "taken's owner"
assert_eq "$(owned_by someone)" "" "someone's buffers"
kd_wait_status "0 conflicts"

step "drift report: only logged"
printf 'drift report\n' > "$PLAN_D/00-drift.plan"
expect_ok systemctl reload kallocd
kd_since
expect_ok kallocctl free web1
poll 10 kd_journal_has "drift: + buffer web1 size 8K policy buddy (drift report: not repaired)" ||
	fail "drift not reported: $(kd_journal)"
sleep 2
no_buffer web1 || fail "web1 came back under drift report"
rm "$PLAN_D/00-drift.plan"
expect_ok systemctl reload kallocd
has_buffer web1 || fail "web1 did not come back after the reload"

step "events lost (ENOBUFS): a resync finds what they said"
# kallocd is stopped while another owner's buffers (bench netlink's,
# tagged "bench", which kallocd's event filter ignores) flood the events
# group until the kernel drops messages for its socket; web0's deletion
# comes after that, so only the dump after ENOBUFS can find it.
pid=$(kd_pid)
resyncs0=$(kallocctl -j plan status | jq .counters.resyncs)
kd_since
kill -STOP "$pid"
for _ in 1 2 3 4; do
	[ "$(socket_drops "$pid")" -gt 0 ] && break
	run kallocctl bench netlink count 4000
done
drops=$(socket_drops "$pid")
expect_ok kallocctl free web0
kill -CONT "$pid"
echo "messages dropped for kallocd: $drops"
[ "$drops" -gt 0 ] || fail "the flood never overran kallocd's socket"
poll 20 has_buffer web0 || fail "web0 did not come back after the resync: $(kd_journal)"
kd_journal_has "events lost (ENOBUFS): resynchronising" || fail "no resync logged: $(kd_journal)"
resyncs=$(kallocctl -j plan status | jq .counters.resyncs)
[ "$resyncs" -gt "$resyncs0" ] || fail "resyncs $resyncs0 -> $resyncs"
systemctl stop kallocd
