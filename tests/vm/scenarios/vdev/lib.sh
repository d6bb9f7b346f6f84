# shellcheck shell=bash
#
# vdev/lib.sh: what the virtual device scenarios (2N-vdev-*.sh) share,
# sourced after lib.sh. vdevtool (vdevtool.c beside this file) is built
# here, inside the VM, with the host's compiler and the uapi headers that
# `make install` put under /usr/local/include: once per boot, into /tmp,
# which goes on PATH (a command, not a shell function: a poller started in
# the background must be the tool itself, and setpriv must find it).
VDEV_LIB_DIR=$(dirname "${BASH_SOURCE[0]}")
VDEVTOOL=/tmp/kalloc-vdev-bin/vdevtool
export VDEVTOOL
export PATH=/tmp/kalloc-vdev-bin:$PATH

build_vdevtool() {
	[ -x "$VDEVTOOL" ] && return 0
	mkdir -p "${VDEVTOOL%/*}"
	cc -std=c11 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror \
		-o "$VDEVTOOL.tmp" "$VDEV_LIB_DIR/vdevtool.c" ||
		fail "cannot build vdevtool"
	mv "$VDEVTOOL.tmp" "$VDEVTOOL"
}

nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
}

# vdev_field NAME FIELD: one field of VDEV_GET (vdevtool get), or nothing.
vdev_field() {
	vdevtool get "$1" | sed -n "s/^$2=//p"
}

# reg DEV FIELD: one register of GET_REGS through the device file.
reg() {
	vdevtool regs "$1" | sed -n "s/^$2=//p"
}

# wait_in_poll PID: until PID sleeps in poll(2).
in_poll() {
	grep -q poll "/proc/$1/wchan" 2> /dev/null
}

wait_in_poll() {
	poll 20 in_poll "$1" || fail "process $1 never slept in poll"
}

# vmalloc'd device windows (one line per live window; the caller that
# /proc/vmallocinfo names is kalloc_vdev_alloc() or, inlined, its caller).
windows_alive() {
	grep -c 'kalloc_vdev_.*\[kalloc\]' /proc/vmallocinfo || true
}

debugfs_knob() {
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
	echo "$2" > "/sys/kernel/debug/kalloc/$1"
}

# A failed step must not leave a poller or a holder behind: an open device
# file would keep the module loaded for the next scenario.
kill_jobs() {
	local pids

	pids=$(jobs -p)
	# shellcheck disable=SC2086 # one pid a word
	[ -z "$pids" ] || kill $pids 2> /dev/null
	wait 2> /dev/null
	rm -rf "$T"
}
trap kill_jobs EXIT

build_vdevtool
