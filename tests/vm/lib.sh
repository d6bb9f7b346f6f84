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
# The lane this VM runs (tests/vm/run --lane): "stock" (Debian's kernel,
# systemd) or "debug" (the debug kernel, no systemd). A scenario that runs
# in both may size its load by it.
LANE=$(cat /kalloc-share/lane 2> /dev/null || echo stock)
export LANE
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

# slurp FILE VAR: VAR becomes FILE's contents as VAR=$(cat FILE) would
# have them (NUL bytes dropped, trailing newlines cut), without starting a
# process. run() is behind every command of every scenario, and under TCG
# each fork and exec costs a quarter of a second on Debian's kernel and
# more on the debug kernel (KASAN, lockdep, slub_debug): two cats a
# command were a good part of the suites' time.
slurp() {
	local -n slurp_var=$2
	local chunks=()

	mapfile -t -d '' chunks < "$1"
	printf -v slurp_var '%s' "${chunks[@]}"
	while [[ "$slurp_var" == *$'\n' ]]; do
		slurp_var=${slurp_var%$'\n'}
	done
}

# run CMD...: runs it, records $out $err $rc, prints all of it.
run() {
	show_cmd "$@"
	"$@" > "$T/out" 2> "$T/err"
	rc=$?
	slurp "$T/out" out
	slurp "$T/err" err
	[ -z "$out" ] || printf '%s\n' "$out"
	[ -z "$err" ] || printf 'stderr: %s\n' "${err//$'\n'/$'\n'stderr: }"
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
	[[ "$err" != *$'\n'* ]] ||
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
	# The debug lane has no systemd: no process to start for nothing.
	if [ -d /run/systemd/system ]; then
		systemctl stop kallocd.service > /dev/null 2>&1 || true
		systemctl reset-failed kallocd.service > /dev/null 2>&1 || true
	fi
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

# --- telemetry (scenarios 40-49) -----------------------------------------

# telemetry KEY: one telemetry counter of "kallocctl -j stats".
telemetry() {
	kallocctl -j stats | jq -r --arg k "$1" '.[$k]'
}

perf_active_is() {
	[ "$(telemetry perf_active)" = "$1" ]
}

# perf_recording: waits until the perf ring records (a perf listener
# joined: the module notices within a second).
perf_recording() {
	poll 10 perf_active_is true ||
		fail "perf not recording 10 s after a listener joined"
}

# perf_idle: waits until the perf ring stops recording (the module checks
# for listeners once a second), so that a new window starts exact.
perf_idle() {
	poll 10 perf_active_is false ||
		fail "perf still recording 10 s after its last listener left"
}

# monitor_bg FILE CMD...: CMD (kallocctl ... monitor ..., or "${NOBODY[@]}"
# kallocctl ...) in the background into FILE (stderr into FILE.err),
# returning once it has joined its groups (its start line is out);
# $monitor is its pid. CMD must be a program, not a function, so that
# the pid is the monitor's own.
monitor_bg() {
	local file=$1

	shift
	show_cmd "$@" "> $file &"
	"$@" > "$file" 2> "$file.err" &
	# shellcheck disable=SC2034 # read by the scenarios
	monitor=$!
	poll 20 grep -q -e '\[MONITOR\]' -e '"type":"start"' "$file" ||
		fail "the monitor did not start: $(cat "$file.err")"
}

# The prefix of as_nobody, for a command that must stay one process.
# shellcheck disable=SC2034 # used by the scenarios
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)

# monitor_stop: stops $monitor with SIGINT and waits for its summary;
# $rc is its exit status.
monitor_stop() {
	kill -INT "$monitor"
	wait "$monitor"
	rc=$?
}

# ndjson_type FILE TYPE: the lines of FILE (NDJSON) of that "type".
ndjson_type() {
	jq -c --arg t "$2" 'select(.type == $t)' "$1"
}

# kcore_u64 ADDRESS: the 8 bytes of kernel memory at ADDRESS (hex), read
# from /proc/kcore's ELF program headers (root only), as 0x%016x.
kcore_u64() {
	python3 - "$1" <<'PY'
import struct, sys
addr = int(sys.argv[1], 16)
with open('/proc/kcore', 'rb') as f:
    eh = f.read(64)
    phoff, = struct.unpack_from('<Q', eh, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', eh, 0x36)
    for i in range(phnum):
        f.seek(phoff + i * phentsize)
        ptype, _, off, vaddr, _, filesz = struct.unpack('<IIQQQQ', f.read(40))
        if ptype == 1 and vaddr <= addr < vaddr + filesz:
            f.seek(off + addr - vaddr)
            print('0x%016x' % struct.unpack('<Q', f.read(8)))
            sys.exit(0)
sys.exit('address 0x%x is not in /proc/kcore' % addr)
PY
}

# ksym NAME: NAME's address in /proc/kallsyms (0x%016x), or nothing.
ksym() {
	awk -v n="$1" '$3 == n { print "0x" $1; exit }' /proc/kallsyms
}

# A raw generic netlink client in python (no libkalloc): the kalloc
# family's id and groups from the controller, for genl_join and
# genl_churn below.
GENL_PY=$(cat <<'PY'
import errno, socket, struct, sys, time
NETLINK_GENERIC, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP = 16, 270, 1
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 1, 2, 7
GRP_NAME, GRP_ID = 1, 2

def attrs(buf):
    out, i = {}, 0
    while i + 4 <= len(buf):
        ln, ty = struct.unpack_from('<HH', buf, i)
        if ln < 4:
            break
        out.setdefault(ty & 0x3fff, []).append(buf[i + 4:i + ln])
        i += (ln + 3) & ~3
    return out

def attr(ty, data):
    a = struct.pack('<HH', 4 + len(data), ty) + data
    return a + b'\0' * (-len(a) % 4)

def resolve(s):
    msg = struct.pack('<BBH', CTRL_CMD_GETFAMILY, 1, 0) + attr(CTRL_ATTR_FAMILY_NAME, b'kalloc\0')
    s.send(struct.pack('<IHHII', 16 + len(msg), GENL_ID_CTRL, 1, 1, 0) + msg)
    top = attrs(s.recv(65536)[20:])
    groups = {}
    for g in top.get(CTRL_ATTR_MCAST_GROUPS, []):
        for nest in attrs(g).values():
            a = attrs(nest[0])
            groups[a[GRP_NAME][0].rstrip(b'\0').decode()] = struct.unpack('<I', a[GRP_ID][0])[0]
    return struct.unpack('<H', top[CTRL_ATTR_FAMILY_ID][0][:2])[0], groups

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
family, groups = resolve(s)
PY
)

# genl_join GROUP [PREFIX...]: joins GROUP by name, run as PREFIX
# (as_nobody, say); prints the family's groups, then "joined" or why not
# ("no such group", "EPERM"), and exits 0, 2 or 1.
genl_join() {
	local group=$1

	shift
	"$@" python3 -c "$GENL_PY
print('groups: ' + ' '.join(sorted(groups)))
if sys.argv[1] not in groups:
    print('no such group')
    sys.exit(2)
try:
    s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, groups[sys.argv[1]])
except OSError as e:
    print(errno.errorcode[e.errno])
    sys.exit(1)
print('joined')" "$group"
}

# genl_churn SECONDS: creates and deletes a 4 KiB slab buffer "churn"
# over one socket, by the family's id (never its name, so that nothing
# autoloads the module), until SECONDS pass or a request fails (the
# family went away); prints how many pairs it made and why it stopped.
genl_churn() {
	python3 -c "$GENL_PY
seq = 0
def req(cmd, body):
    global seq
    seq += 1
    msg = struct.pack('<BBH', cmd, 1, 0) + body
    s.send(struct.pack('<IHHII', 16 + len(msg), family, 5, seq, 0) + msg)
    while True:
        data = s.recv(65536)
        off = 0
        while off + 16 <= len(data):
            ln, ty = struct.unpack_from('<IH', data, off)
            if ty == 2:
                return -struct.unpack_from('<i', data, off + 16)[0]
            off += (ln + 3) & ~3
name = attr(2, b'churn\0')
new = name + attr(3, struct.pack('<Q', 4096)) + attr(6, struct.pack('<I', 3))
n, err, end = 0, 0, time.time() + float(sys.argv[1])
while time.time() < end:
    err = req(1, new) or req(3, name)
    if err:
        break
    n += 1
print('churn: %d pairs, stopped by %s' % (n, errno.errorcode.get(err, 'time')))" "$1"
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

# --- JSON schemas (docs/schema/, scenarios 75-80) ------------------------

# json-check SCHEMA [--lines]: stdin against docs/schema/SCHEMA.json.
JSON_CHECK=$(dirname "${BASH_SOURCE[0]}")/json-check

# json_valid SCHEMA CMD...: CMD succeeds, its stdout validates against SCHEMA.
json_valid() {
	local schema=$1

	shift
	expect_ok "$@"
	"$JSON_CHECK" "$schema" <<< "$out" || fail "'$*' does not match $schema.json"
}
