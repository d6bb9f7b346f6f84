#!/bin/bash
# The Debian packages on a running system (issue 11 §1): dpkg -i of
# kalloc-dkms and kalloc-tools builds kalloc.ko with DKMS for the running
# kernel and installs the tools with kallocd's unit disabled and stopped;
# modprobe loads the DKMS module; kallocd started with the example plan
# applies it; kallocctl lists it; dpkg --purge stops kallocd, keeps the
# admin's plan and otherwise leaves no file behind.
#
# The `make install` stage the VM booted with (kallocctl in /usr/local,
# kalloc.ko in updates/, the unit in /lib/systemd/system) is taken away
# first, so that nothing of it can stand in for the packages, and put back
# at the end, also when the scenario fails, for the scenarios after this
# one. The packages come from build/deb/ (make deb); tests/vm/run copies
# them beside lib.sh.
#
# Measured under TCG: about 360 s, 260 s of it dpkg -i (the DKMS build).
# timeout: 900
# needs: systemd
# vm-needs: debs
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

stage=/kalloc-share/stage
debs=$(dirname "$KALLOC_VM_LIB")/debs
version=$(cat "$debs/version" 2> /dev/null) || fail "no packages in $debs (make deb)"
tools=$debs/kalloc-tools_${version}_amd64.deb
dkmsdeb=$debs/kalloc-dkms_${version}_all.deb
plan=/etc/kalloc/plan.d/demo.plan

# The stage's files (not directories: /lib is a symlink to usr/lib here,
# so the tree cannot be copied over / as a whole).
stage_files() {
	(cd "$stage" && find . \( -type f -o -type l \)) | sed 's|^\./|/|'
}

restore_stage() {
	systemctl stop kallocd.service > /dev/null 2>&1 || true
	[ ! -e "$T/policy-rc.d" ] || mv "$T/policy-rc.d" /usr/sbin/policy-rc.d
	rm -rf /etc/kalloc
	if dpkg-query -W kalloc-tools kalloc-dkms > /dev/null 2>&1; then
		dpkg --purge kalloc-tools kalloc-dkms > /dev/null 2>&1 || true
	fi
	module_loaded && rmmod kalloc 2> /dev/null
	(cd "$stage" && find . -mindepth 1 -type d) | sed 's|^\./|/|' |
		while read -r d; do mkdir -p "$d"; done
	stage_files | while read -r f; do
		mkdir -p "$(dirname "$f")"
		cp -a "$stage$f" "$f"
	done
	systemctl daemon-reload
	rm -rf "$T"
}
trap restore_stage EXIT

# Every name under the trees that a package, DKMS, systemd's helpers or a
# dpkg trigger could write to, with its type. /var/lib/dpkg's status
# files are rewritten in place, which a name list does not see.
snapshot() {
	find /etc /usr/sbin /usr/bin /usr/lib/modules-load.d /usr/libexec \
		/usr/share/doc /usr/share/man /usr/share/bash-completion \
		/usr/share/lintian /usr/src /lib/systemd /lib/modules/"$KVER" \
		/var/lib/dkms /var/lib/dpkg /var/lib/systemd /var/cache/man \
		-printf '%y %p\n' 2> /dev/null | sort
}

step "take the make-install stage away"
unload_all
# Less the module index (modules.dep and friends), which the host's depmod
# wrote for the whole kernel: it stays, and DKMS's depmod rewrites it.
n=0
while read -r f; do
	rm -f "$f"
	n=$((n + 1))
done < <(stage_files | grep -v '^/lib/modules/[^/]*/modules\.')
# And the directories the stage made that are empty now (updates/,
# /etc/kalloc/plan.d), deepest first: left in place, they would be taken
# away by the purge (DKMS's rmdir -p, dpkg) and read as a difference.
(cd "$stage" && find . -mindepth 1 -depth -type d) | sed 's|^\./|/|' |
	while read -r d; do rmdir "$d" 2> /dev/null || true; done
echo "removed $n staged files"
systemctl daemon-reload
run command -v kallocctl
[ "$rc" -ne 0 ] || fail "kallocctl still found at $out"
[ ! -e /lib/systemd/system/kallocd.service ] || fail "the staged unit is still there"

# The build machine's root (this VM's) may carry a Docker-style
# policy-rc.d that forbids every service start and stop; the packages'
# own decisions are under test here, so it goes for the while.
if [ -e /usr/sbin/policy-rc.d ]; then
	mv /usr/sbin/policy-rc.d "$T/policy-rc.d"
	echo "moved /usr/sbin/policy-rc.d aside"
fi

step "the file list before the packages"
start=$SECONDS
snapshot > "$T/before"
echo "$(wc -l < "$T/before") names in $((SECONDS - start))s"

step "dpkg -i kalloc-dkms kalloc-tools: DKMS builds kalloc.ko for $KVER"
start=$SECONDS
expect_ok dpkg -i "$dkmsdeb" "$tools"
echo "dpkg -i took $((SECONDS - start))s"
# shellcheck disable=SC2016 # the format is dpkg-query's, not the shell's
expect_ok dpkg-query -W -f '${Package} ${Version} ${db:Status-Status}\n' kalloc-dkms kalloc-tools
assert_eq "$out" "kalloc-dkms $version installed
kalloc-tools $version installed" "package states"
expect_ok dkms status kalloc/"$version"
assert_contains "$out" "kalloc/$version, $KVER, x86_64: installed" "dkms status"
expect_ok modinfo -n kalloc
assert_eq "$out" "/lib/modules/$KVER/updates/dkms/kalloc.ko" "the module modprobe finds"
expect_ok modinfo -F vermagic kalloc
[[ "$out" == "$KVER "* ]] || fail "vermagic '$out' is not $KVER's"

step "kalloc-tools: programs in /usr/sbin, unit installed but disabled and stopped"
expect_ok command -v kallocctl
assert_eq "$out" /usr/sbin/kallocctl "kallocctl on PATH"
expect_ok kallocctl --version
assert_contains "$out" "$version" "kallocctl --version"
run systemctl is-enabled kallocd
assert_eq "$out" disabled "kallocd enablement after install"
run systemctl is-active kallocd
assert_eq "$out" inactive "kallocd state after install"
expect_ok systemctl show -p FragmentPath --value kallocd
assert_eq "$out" /lib/systemd/system/kallocd.service "kallocd's unit file"
[ -f /usr/lib/modules-load.d/kalloc.conf ] || fail "no /usr/lib/modules-load.d/kalloc.conf"
expect_ok man -w kallocctl
assert_eq "$out" /usr/share/man/man8/kallocctl.8.gz "kallocctl(8)"
[ -d /etc/kalloc/plan.d ] || fail "no /etc/kalloc/plan.d"
module_loaded && fail "installing the packages loaded the module"

step "modprobe kalloc loads the DKMS-built module"
expect_ok modprobe kalloc
module_loaded || fail "kalloc is not loaded after modprobe"
assert_eq "$(cat /sys/module/kalloc/srcversion)" "$(modinfo -F srcversion kalloc)" \
	"srcversion of the loaded module (the DKMS one)"

step "systemctl start kallocd with the example plan; kallocctl list"
cp /usr/share/doc/kalloc-tools/examples/demo.plan "$plan"
expect_ok kallocd --check
expect_ok systemctl start kallocd
run systemctl is-active kallocd
assert_eq "$out" active "kallocd state after start"
expect_ok systemctl show -p MainPID --value kallocd
assert_eq "$(readlink "/proc/$out/exe")" /usr/sbin/kallocd "kallocd's executable"
expect_ok kallocctl list
want=$(sed -n 's/^alloc[[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' "$plan" | sort | tr '\n' ' ')
[ -n "$want" ] || fail "the example plan asks for no buffer"
got=$(kallocctl -j list | jq -r '.[].name' | sort | tr '\n' ' ')
assert_eq "$got" "$want" "buffers after start (the example plan's)"

step "purge with kallocd running: it is stopped, the admin's plan stays"
start=$SECONDS
expect_ok dpkg --purge kalloc-tools kalloc-dkms
echo "dpkg --purge took $((SECONDS - start))s"
run dpkg-query -W kalloc-tools kalloc-dkms
[ "$rc" -ne 0 ] || fail "the packages are still known to dpkg: $out"
run systemctl is-active kallocd
assert_eq "$out" inactive "kallocd state after purge"
run pgrep -x kallocd
[ "$rc" -ne 0 ] || fail "kallocd still runs after purge (pid $out)"
run modinfo -n kalloc
[ "$rc" -ne 0 ] || fail "a kalloc module is still found after purge: $out"
[ -f "$plan" ] || fail "purge removed the admin's $plan"
assert_eq "$(ls -A /etc/kalloc/plan.d)" "${plan##*/}" "what is left in /etc/kalloc/plan.d"
rm -rf /etc/kalloc
expect_ok rmmod kalloc

step "purge left nothing behind"
snapshot > "$T/after"
# DKMS signs what it builds with a key it generates on first use
# (/var/lib/dkms/mok.*). It is DKMS's, shared by every DKMS module and
# possibly enrolled with shim, so purging one module keeps it.
grep -v -E '^f /var/lib/dkms/mok\.(key|pub)$' "$T/after" > "$T/after.cmp" || true
grep -v -E '^f /var/lib/dkms/mok\.(key|pub)$' "$T/before" > "$T/before.cmp" || true
if ! diff "$T/before.cmp" "$T/after.cmp" > "$T/diff"; then
	prefix diff: < "$T/diff"
	fail "the file list differs after purge"
fi
[ ! -e /run/kallocd ] || fail "/run/kallocd is left"
echo "the same $(wc -l < "$T/after.cmp") names before install and after purge"
