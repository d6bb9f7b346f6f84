#!/bin/bash
# needs: systemd
# kallocd under systemd: READY=1 after the first reconcile, buffers tagged
# "kallocd", STATUS= with counts; reload adds and removes; reload requests
# queue (many at once, each answered); --reload checks its PID; plan
# status shows the rules; a restart adopts what is there.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_plan
plan=$PLAN_D/10-web.plan

step "start with two buffers and a rule"
cat > "$plan" <<'P'
alloc web0 4K
buffer web1 size 1M policy buddy
rule spill when budget_used > 99% for 5s then policy set kmalloc cooldown 10m
P
expect_ok kallocctl alloc manual 2K
expect_ok systemctl start kallocd
assert_eq "$(systemctl is-active kallocd)" active "kallocd after start"
assert_eq "$(owned_by kallocd)" "web0:4096 web1:1048576" "kallocd's buffers"
assert_eq "$(owned_by user)" "manual:2048" "the user's buffer"
assert_eq "$(buffer_field web1 policy)" buddy "web1's policy"
kd_wait_status "2/2 planned objects in place"
echo "STATUS: $(kd_status)"

step "plan status: the daemon's counters and the rule, idle"
expect_ok kallocctl plan status
assert_contains "$out" "kallocd pid $(kd_pid)"
assert_contains "$out" "rule spill: idle"
expect_ok kallocctl -j plan status
assert_eq "$(jq -r '.rules[0].state' <<< "$out")" idle "the rule's state"
assert_eq "$(jq -r '.running' <<< "$out")" true "running"

step "reload with web2 added and web1 removed"
printf 'alloc web0 4K\nalloc web2 8K\n' > "$plan"
expect_ok systemctl reload kallocd
assert_eq "$(owned_by kallocd)" "web0:4096 web2:8192" "after reload"
assert_eq "$(owned_by user)" "manual:2048" "the user's buffer after reload"

step "reload requests queue: eight at once, each answered"
kd_since
pid=$(kd_pid)
for i in $(seq 1 8); do
	timeout 40 kallocd --reload "$pid" > "$T/r$i" 2>&1 &
done
fails=0
for job in $(jobs -p); do
	wait "$job" || fails=$((fails + 1))
done
cat "$T"/r*
assert_eq "$fails" 0 "reload requesters that failed or hung"
assert_eq "$(cat "$T"/r* | grep -c 'reload: plan applied')" 8 "answers"

step "--reload refuses what is not kallocd or not a pid"
expect_fail_with "does not fit a pid_t" 2 kallocd --reload 4294967297
expect_fail_with "does not fit a pid_t" 2 kallocd --reload 0
expect_fail_with "is not a process id" 2 kallocd --reload -1
expect_fail_with "is not a process id" 2 kallocd --reload 12x
expect_fail_with "not kallocd" 1 kallocd --reload 1
assert_eq "$(systemctl is-active kallocd)" active "kallocd after the refusals"

step "stop, start: adopted, nothing re-created"
ids=$(kallocctl -j list | jq -c '[.[] | {name, id}]')
expect_ok systemctl restart kallocd
assert_eq "$(kallocctl -j list | jq -c '[.[] | {name, id}]')" "$ids" "buffer ids after restart"
kd_wait_status "2/2 planned objects in place"

step "plan apply while kallocd runs: no changes, no corruption"
run kallocctl plan apply
assert_eq "$rc" 0 "apply beside kallocd"
assert_eq "$(owned_by kallocd)" "web0:4096 web2:8192" "after apply beside kallocd"

step "stop leaves the buffers"
expect_ok systemctl stop kallocd
assert_eq "$(owned_by kallocd)" "web0:4096 web2:8192" "after stop"
