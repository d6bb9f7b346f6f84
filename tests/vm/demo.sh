#!/bin/bash
#
# demo.sh: what `make demo` shows, run as root inside the test VM (Debian's
# 6.1 kernel, systemd, the staged `make install`). Every command is echoed
# with a "$ " prompt before its output, as if typed. The host prints this
# transcript; the exit status is non-zero if a step that should work did
# not, so a broken demo cannot pass for a working one.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export SYSTEMD_COLORS=0 SYSTEMD_PAGER=
failures=0

say() {
	echo
	echo "# $*"
}

# show CMD: echoes and runs CMD (a shell command line); counts a failure.
show() {
	echo "\$ $1"
	if ! bash -c "$1" 2>&1; then
		echo "(failed)"
		failures=$((failures + 1))
	fi
}

# refused CMD: a command that must fail; shows its error and exit status.
refused() {
	local rc=0

	echo "\$ $1"
	bash -c "$1" 2>&1 || rc=$?
	echo "(exit status $rc)"
	if [ "$rc" -eq 0 ]; then
		echo "(it should have been refused)"
		failures=$((failures + 1))
	fi
}

# A clean start: the module was loaded at boot by modules-load.d.
systemctl stop kallocd > /dev/null 2>&1
rmmod kalloc 2> /dev/null
rm -rf /etc/kalloc/plan.d /var/lib/kalloc
mkdir -p /etc/kalloc/plan.d

say "The kernel: Debian's own 6.1, booted in QEMU"
show "uname -r"

say "Load the kalloc module; it registers the generic netlink family"
show "modprobe kalloc"
show "lsmod | grep -E '^(Module|kalloc)'"
show "genl-ctrl-list | grep kalloc"

say "Allocate two kernel buffers and list them"
show "kallocctl alloc buffer 1024"
show "kallocctl alloc big_buffer 4K"
show "kallocctl list"
show "kallocctl -p list"

say "Bad input is refused with one clear line and nothing changes"
refused "kallocctl alloc huge 100M"
refused "kallocctl alloc buffer 8K"
refused "kallocctl alloc bad 12Q"
refused "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all kallocctl free buffer"
show "kallocctl list"

say "kallocd keeps the kernel as a declarative plan says (kalloc.plan(5))"
if [ -f /kalloc-share/vm/demo.plan ]; then
	show "cp /kalloc-share/vm/demo.plan /etc/kalloc/plan.d/demo.plan"
else
	echo "(examples/demo.plan is missing: using an inline plan)"
	printf '# The buffers this machine needs.\nalloc rx_ring 64K\nalloc frame_cache 2M\n' \
		> /etc/kalloc/plan.d/demo.plan
fi
show "grep -v '^#' /etc/kalloc/plan.d/demo.plan | grep ."
show "kallocctl plan check"
refused "kallocctl plan diff     # exit 4: there are changes"
show "systemctl start kallocd"
show "systemctl status kallocd --no-pager --lines=0"
show "kallocctl list"
show "kallocctl vdev show nic0"
show "kallocctl policy"
show "kallocctl plan diff       # exit 0: the kernel holds the plan"

say "A rule switches the active policy when load fragments best-fit"
show "kallocctl plan status"
show "for i in \$(seq 1 40); do kallocctl alloc tiny\$i 1 policy best-fit > /dev/null; done"
show "sleep 4; kallocctl policy"
show "journalctl -u kallocd -o cat --no-pager KALLOC_RULE=defrag"
show "kallocctl plan status"

say "Drift: a planned buffer deleted by hand comes back"
show "kallocctl free web1; sleep 2; kallocctl show web1"
show "journalctl -u kallocd -o cat --no-pager KALLOC_BUFFER=web1"

say "A broken plan is reported as file:line:col; the buffers stay"
show "echo 'alloc oops 12Q' >> /etc/kalloc/plan.d/demo.plan"
refused "systemctl reload kallocd"
show "journalctl -u kallocd -o cat --no-pager | grep -F 'demo.plan:'"
show "systemctl show -p StatusText kallocd"
show "kallocctl list"

say "Stopping the daemon leaves the buffers in the kernel"
show "systemctl stop kallocd"
show "kallocctl list"

say "A virtual device: /dev/kalloc/NAME, driven like hardware (kalloc-vdev(4))"
show "kallocctl vdev add dev0"
show "ls -l /dev/kalloc/"
show "kallocctl alloc dma_buf 4K"
show "/usr/local/libexec/kalloc/vdev-demo dev0 dma_buf"
show "kallocctl read dma_buf length 32 hex"
show "kallocctl vdev set dev0 timer 1ms"
show "sleep 1"
show "kallocctl vdev set dev0 timer off"
show "kallocctl vdev show"
show "kallocctl vdev ack dev0"
show "kallocctl vdev del dev0"

say "Unloading the module frees everything"
show "rmmod kalloc"
show "dmesg | grep 'kalloc:' | tail -n 1"

echo
if [ "$failures" -ne 0 ]; then
	echo "# demo: $failures step(s) failed"
	exit 1
fi
echo "# demo: done"
