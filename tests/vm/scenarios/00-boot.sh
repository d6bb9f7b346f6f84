#!/bin/bash
# The VM itself: Debian's kernel runs, systemd is PID 1 and reached the
# test unit, the staged install is in place and depmod indexed it.
# needs: systemd
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

step "the kernel is Debian's, the one the module was built for"
expect_ok uname -r
[[ "$out" == *-amd64 ]] || fail "expected a Debian kernel release, got $out"
assert_eq "$out" "$(cat /kalloc-share/kver)" "kernel release"

step "systemd is init and runs this scenario from kalloc-vmtest.service"
expect_ok cat /proc/1/comm
assert_eq "$out" systemd "PID 1"
run systemctl is-active kalloc-vmtest.service
assert_eq "$out" activating "test unit state"

step "/tmp is a tmpfs, not the host's /tmp"
expect_ok stat -f -c %T /tmp
assert_eq "$out" tmpfs "/tmp filesystem"

step "the staged module is installed and indexed by depmod"
[ -f "$KO" ] || fail "$KO is missing"
expect_ok modinfo -n kalloc
assert_eq "$out" "$KO" "modinfo -n kalloc"

step "systemd-modules-load loaded kalloc at boot (/etc/modules-load.d)"
expect_ok cat /etc/modules-load.d/kalloc.conf
module_loaded || fail "kalloc was not loaded at boot"
expect_ok systemctl show -p Result --value systemd-modules-load.service
assert_eq "$out" success "systemd-modules-load result"
