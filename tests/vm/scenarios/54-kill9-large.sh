#!/bin/bash
# needs: systemd
# kill -9 in the middle of the first reconcile of a large plan, then
# start again: the final state equals the plan, no buffer twice, nothing
# leaked; ownership comes from the kernel's tags, not from a file.
# shellcheck disable=SC2016 # bash -c bodies expand in the child
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

n=${KALLOC_KILL9_BUFFERS:-1500}
fresh_plan
# The default max_buffers (1024) is below the plan.
rmmod kalloc || fail "cannot unload kalloc"
expect_ok modprobe kalloc max_buffers=$((n + 64))
for i in $(seq 1 "$n"); do printf 'alloc b%05d 1K\n' "$i"; done > "$PLAN_D/10-big.plan"
expect_ok kallocctl alloc other 1K

step "start $n buffers, each request slowed down; kill -9 half-way"
# stall_ms makes every request 10 ms slow: the reconcile takes 15 s, so
# the kill lands in its middle, whatever the machine's speed.
mount_debugfs
echo 10 > /sys/kernel/debug/kalloc/stall_ms
systemctl start --no-block kallocd
poll 60 bash -c '[ "$(kallocctl -j stats | jq .buffers)" -gt 100 ]' ||
	fail "kallocd never got going"
pid=$(kd_pid)
expect_ok kill -9 "$pid"
echo 0 > /sys/kernel/debug/kalloc/stall_ms
got=$(kallocctl -j stats | jq .buffers)
echo "buffers when killed: $got"
[ "$got" -lt "$((n + 1))" ] || fail "the reconcile was over before the kill"
poll 20 bash -c '! systemctl is-active -q kallocd' || true
systemctl reset-failed kallocd
systemctl stop kallocd

step "start again: adopts, completes, nothing twice"
expect_ok systemctl start kallocd
assert_eq "$(kallocctl -j list | jq '[.[] | select(.owner == "kallocd")] | length')" "$n" "kallocd's buffers"
assert_eq "$(kallocctl -j list | jq '[.[].name] | unique | length')" "$((n + 1))" "distinct names"
assert_eq "$(owned_by user)" "other:1024" "the user's buffer"
run kallocctl plan diff
assert_eq "$rc" 0 "plan diff after the restart"
assert_eq "$(kallocctl -j stats | jq .buffers)" "$((n + 1))" "the module's buffer count"
systemctl stop kallocd
