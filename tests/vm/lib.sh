# shellcheck shell=bash
#
# lib.sh: helpers for the VM scenarios (tests/vm/scenarios/*.sh), sourced
# as `. "$KALLOC_VM_LIB"`. Every scenario runs as root inside the test VM,
# under `set -u`, and passes by exiting 0. The helpers print each command
# they run, so a failing scenario's log reads as a transcript, and they
# fail the scenario at the first unexpected result with a line
# "FAIL: what was expected, what happened".
#
# After expect_ok / expect_fail_with / run, $out and $err hold the
# command's stdout and stderr, and $rc its exit status.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
KVER=$(uname -r)
export KVER
export KO=/lib/modules/$KVER/updates/kalloc.ko
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
out=
err=
rc=0

fail() {
	echo "FAIL: $*"
	exit 1
}

step() {
	echo
	echo "== $*"
}

# Quotes a command for the transcript.
show_cmd() {
	local a s=

	for a in "$@"; do
		if [[ "$a" =~ ^[A-Za-z0-9_./=,:+-]+$ ]]; then
			s+=" $a"
		else
			s+=" '${a//\'/\'\\\'\'}'"
		fi
	done
	echo "\$${s}"
}

# run CMD...: runs it, records $out $err $rc, prints all of it.
run() {
	show_cmd "$@"
	"$@" > "$T/out" 2> "$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
	[ -z "$out" ] || printf '%s\n' "$out"
	[ -z "$err" ] || printf '%s\n' "$err" | sed 's/^/stderr: /'
	[ "$rc" -eq 0 ] || echo "exit: $rc"
	return 0
}

expect_ok() {
	run "$@"
	[ "$rc" -eq 0 ] || fail "expected success from '$*', got exit $rc"
}

# expect_fail_with SUBSTRING CODE CMD...: CMD exits with exactly CODE and
# prints exactly one line on stderr, "Error: ..." containing SUBSTRING.
expect_fail_with() {
	local want=$1 code=$2

	shift 2
	run "$@"
	[ "$rc" -eq "$code" ] || fail "expected exit $code from '$*', got $rc"
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] ||
		fail "expected one line on stderr from '$*', got: $err"
	[[ "$err" == "Error: "* ]] ||
		fail "expected stderr to start with 'Error: ', got: $err"
	[[ "$err" == *"$want"* ]] ||
		fail "expected stderr to contain '$want', got: $err"
}

# expect_fail CMD...: CMD fails (any non-zero exit).
expect_fail() {
	run "$@"
	[ "$rc" -ne 0 ] || fail "expected '$*' to fail, it succeeded"
}

assert_contains() {
	local hay=$1 needle=$2 what=${3:-output}

	[[ "$hay" == *"$needle"* ]] ||
		fail "expected $what to contain '$needle', got: $hay"
}

assert_not_contains() {
	local hay=$1 needle=$2 what=${3:-output}

	[[ "$hay" != *"$needle"* ]] ||
		fail "expected $what not to contain '$needle', got: $hay"
}

assert_eq() {
	local got=$1 want=$2 what=${3:-value}

	[ "$got" = "$want" ] || fail "expected $what '$want', got '$got'"
}

# prefix WORD: indents stdin with WORD, to quote logs in the transcript.
prefix() {
	sed "s/^/$1 /"
}

# poll SECONDS CMD...: retries CMD (quietly) every 0.2 s until it succeeds.
poll() {
	local deadline=$((SECONDS + $1))

	shift
	until "$@" > /dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# --- kalloc state -------------------------------------------------------

module_loaded() {
	[ -d /sys/module/kalloc ]
}

# Stops kallocd and unloads the module, whatever state they are in.
unload_all() {
	systemctl stop kallocd.service > /dev/null 2>&1 || true
	systemctl reset-failed kallocd.service > /dev/null 2>&1 || true
	if module_loaded; then
		rmmod kalloc || fail "cannot unload kalloc"
	fi
}

# A freshly loaded module with no buffers and default parameters.
fresh_module() {
	unload_all
	modprobe kalloc || fail "modprobe kalloc failed"
	module_loaded || fail "kalloc not loaded after modprobe"
}

# The buffer list as compact, sorted JSON lines (one buffer a line).
list_json() {
	kallocctl -j list | jq -c 'sort_by(.id) | .[]'
}

# buffer_field NAME FIELD: that field of the named buffer, or nothing.
buffer_field() {
	kallocctl -j list |
		jq -r --arg n "$1" --arg f "$2" '.[] | select(.name == $n) | .[$f]'
}

# vdev_field NAME FIELD: that field of the named device, or nothing.
vdev_field() {
	kallocctl -j vdev show | jq -r --arg n "$1" --arg f "$2" '.[] | select(.name == $n) | .[$f]'
}

has_buffer() {
	[ -n "$(buffer_field "$1" name)" ]
}

no_buffer() {
	kallocctl -j list > /dev/null || return 1
	! has_buffer "$1"
}

# --- kernel log ---------------------------------------------------------

# dmesg_mark: remembers a point in the kernel log; dmesg_since prints
# what was logged after it.
dmesg_mark() {
	mark="kalloc-vmtest mark $RANDOM$RANDOM"
	echo "$mark" > /dev/kmsg
}

dmesg_since() {
	dmesg | sed -n "/$mark/,\$p" | tail -n +2
}

# --- policies, statistics, probes (scenarios 10-19) ----------------------

# The raw netlink client (probe/kalloc-probe.c), built beside this file.
PROBE=$(dirname "${BASH_SOURCE[0]}")/kalloc-probe

# as_nobody CMD...: CMD as uid/gid 65534 with no capabilities at all.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
}

# stats_field POLICY KEY: one key of one policy's statistics (kallocctl -j).
stats_field() {
	kallocctl -j stats | jq -r --arg p "$1" --arg k "$2" \
		'.policies[] | select(.policy == $p) | .[$k]'
}

active_policy() {
	kallocctl -j policy | jq -r '.[] | select(.active) | .policy'
}

# listen_events FILE SECONDS: kalloc-probe listens to the events group in
# the background, into FILE, for SECONDS; returns once it has joined.
# $listener is its pid.
listen_events() {
	"$PROBE" listen "$2" > "$1" 2>&1 &
	# shellcheck disable=SC2034 # read by the scenarios
	listener=$!
	poll 20 grep -q '^listening$' "$1" || fail "the event listener did not start"
}

# --- kallocd and the plan language (scenarios 50-59) ----------------------

PLAN_D=/etc/kalloc/plan.d

# fresh_plan: kallocd stopped, its state gone, an empty plan directory,
# a fresh module. Scenarios then write "$PLAN_D/NN.plan".
fresh_plan() {
	fresh_module
	rm -rf "$PLAN_D" /run/kalloc /etc/default/kallocd \
		/etc/systemd/system/kallocd.service.d
	systemctl daemon-reload
	mkdir -p "$PLAN_D"
}

# The buffers of one owner tag, sorted, as "name:size name:size ...".
owned_by() {
	kallocctl -j list | jq -r --arg o "$1" \
		'[.[] | select((.owner // "") == $o) | "\(.name):\(.size)"] | sort | join(" ")'
}

buffers_count() {
	kallocctl -j list | jq length
}

# kd_since: remembers now, for kd_journal.
kd_since() {
	kd_t0=$(date '+%Y-%m-%d %H:%M:%S')
	sleep 1
}

# kd_journal [MATCH...]: kallocd's journal since kd_since, message text.
# shellcheck disable=SC2120 # callers pass journal matches, or none
kd_journal() {
	journalctl -u kallocd --since "$kd_t0" --no-pager -o cat "$@"
}

kd_journal_has() {
	kd_journal | grep -qF -- "$1"
}

kd_status() {
	systemctl show -p StatusText --value kallocd
}

kd_pid() {
	systemctl show -p MainPID --value kallocd
}

# kd_wait_status TEXT: until STATUS= contains TEXT (20 s).
kd_wait_status() {
	local t=$1

	poll 20 bash -c "systemctl show -p StatusText --value kallocd | grep -qF -- '$t'" ||
		fail "STATUS= never said '$t'; it says: $(kd_status)"
}

# debugfs, masked in the test VM, for the module's test knobs.
mount_debugfs() {
	mountpoint -q /sys/kernel/debug ||
		mount -t debugfs debugfs /sys/kernel/debug || fail "cannot mount debugfs"
}
