#!/bin/bash
# needs: systemd
# rmmod while kallocd runs succeeds (its sockets hold no module
# reference); kallocd waits without exiting, spinning, or loading the
# module back; modprobe brings the plan back.
# shellcheck disable=SC2016 # bash -c bodies expand in the child
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_plan
printf 'policy active slab\nalloc web0 4K\nbuffer web1 size 8K policy buddy\n' > "$PLAN_D/10.plan"
expect_ok systemctl start kallocd
assert_eq "$(owned_by kallocd)" "web0:4096 web1:8192" "before rmmod"

step "rmmod while kallocd runs"
kd_since
expect_ok rmmod kalloc
module_loaded && fail "kalloc is still loaded"
poll 10 kd_journal_has "the kalloc family went away" || fail "kallocd did not notice: $(kd_journal)"
kd_wait_status "kalloc module absent, waiting"

step "kallocd waits: alive, not spinning, not loading the module"
cpu0=$(ps -o cputimes= -p "$(kd_pid)" 2>/dev/null || ps -o times= -p "$(kd_pid)")
sleep 5
module_loaded && fail "kallocd loaded the module back"
assert_eq "$(systemctl is-active kallocd)" active "kallocd while the module is away"
cpu1=$(ps -o cputimes= -p "$(kd_pid)" 2>/dev/null || ps -o times= -p "$(kd_pid)")
echo "cpu seconds: $cpu0 -> $cpu1"
[ $((cpu1 - cpu0)) -le 1 ] || fail "kallocd used $((cpu1 - cpu0)) s of CPU while waiting"
run systemctl reload kallocd
assert_eq "$(systemctl is-active kallocd)" active "kallocd after a reload without the module"
module_loaded && fail "a reload loaded the module"

step "modprobe: the plan comes back"
expect_ok modprobe kalloc
poll 20 bash -c '[ -n "$(kallocctl -j list 2>/dev/null | jq -r ".[] | select(.name == \"web1\") | .name")" ]' ||
	fail "the plan did not come back: $(kd_journal)"
assert_eq "$(owned_by kallocd)" "web0:4096 web1:8192" "after modprobe"
assert_eq "$(buffer_field web1 policy)" buddy "web1's policy"
assert_eq "$(active_policy)" slab "the active policy"
kd_journal_has "the kalloc family is back" || fail "no log of the return"

step "and again, a second time"
expect_ok rmmod kalloc
expect_ok modprobe kalloc
poll 20 has_buffer web0 || fail "the plan did not come back the second time"
systemctl stop kallocd
