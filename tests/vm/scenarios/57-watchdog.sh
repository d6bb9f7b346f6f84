#!/bin/bash
# needs: systemd
# WATCHDOG=1 only after a round trip to the module answered in time: with
# the module's debugfs stall_ms making every request sleep, kallocd stops
# pinging and systemd's watchdog restarts it; without the stall it stays.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_plan
mount_debugfs
printf 'alloc web0 4K\n' > "$PLAN_D/10.plan"
mkdir -p /etc/systemd/system/kallocd.service.d
# 8 s: a round trip may take 2 s (a quarter) and is tried every 4 s.
printf '[Service]\nWatchdogSec=8s\n' > /etc/systemd/system/kallocd.service.d/wd.conf
systemctl daemon-reload
expect_ok systemctl start kallocd
restarts0=$(systemctl show -p NRestarts --value kallocd)
pid0=$(kd_pid)

step "healthy: 12 s without a restart"
sleep 12
assert_eq "$(kd_pid)" "$pid0" "kallocd's pid without a stall"

step "every request stalls 5 s: the watchdog restarts kallocd"
kd_since
echo 5000 > /sys/kernel/debug/kalloc/stall_ms
poll 40 bash -c "[ \"\$(systemctl show -p NRestarts --value kallocd)\" -gt $restarts0 ]" ||
	fail "no restart: $(systemctl status kallocd --no-pager | head -20)"
echo 0 > /sys/kernel/debug/kalloc/stall_ms
journalctl -u kallocd --since "$kd_t0" --no-pager | grep -E 'atchdog' | prefix journal:
journalctl -u kallocd --since "$kd_t0" --no-pager | grep -q 'Watchdog timeout' ||
	fail "systemd did not report a watchdog timeout"
journalctl -u kallocd --since "$kd_t0" --no-pager | grep -q "Failed with result 'watchdog'" ||
	fail "the unit did not fail by the watchdog"

step "after the stall: running again, the plan in place"
poll 40 bash -c 'systemctl is-active -q kallocd' || fail "kallocd did not come back"
has_buffer web0 || fail "web0 is gone"
echo 0 > /sys/kernel/debug/kalloc/stall_ms
systemctl stop kallocd
rm -rf /etc/systemd/system/kallocd.service.d
systemctl daemon-reload
