#!/bin/bash
# needs: systemd
# Drift: a planned buffer deleted by hand comes back, and the journal has
# it under KALLOC_BUFFER=web0; a buffer tagged kallocd that the plan lacks
# goes; another owner's buffer of a planned name is reported and left
# alone; with "drift report" kallocd only logs.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_plan
printf 'alloc web0 4K\nalloc web1 8K\nalloc taken 1K\n' > "$PLAN_D/10.plan"
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

step "a stranger tagged kallocd (not planned) goes"
expect_ok kallocctl alloc stray 2K owner kallocd
poll 20 no_buffer stray || fail "stray was not deleted"
assert_eq "$(owned_by kallocd)" "web0:4096 web1:8192" "kallocd's buffers"
expect_ok kallocctl plan status
assert_contains "$out" "drift_repairs"

step "drift report: only logged"
printf 'drift report\n' > "$PLAN_D/00-drift.plan"
expect_ok systemctl reload kallocd
kd_since
expect_ok kallocctl free web1
poll 10 kd_journal_has "drift: + buffer web1 size 8K (drift report: not repaired)" ||
	fail "drift not reported: $(kd_journal)"
sleep 2
no_buffer web1 || fail "web1 came back under drift report"
rm "$PLAN_D/00-drift.plan"
expect_ok systemctl reload kallocd
has_buffer web1 || fail "web1 did not come back after the reload"
systemctl stop kallocd
