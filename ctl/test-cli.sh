#!/bin/sh
# Offline tests of kallocctl: everything it decides before (or without)
# talking to the kernel. Usage: test-cli.sh ./kallocctl VERSION
#
# Each case runs the command, then checks its exit status, its stdout and
# that stderr is empty or exactly one "Error: " line. The netlink path is
# tested in the VM (tests/vm/scenarios).
set -u

bin=$1
version=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# run WANT_STATUS ARGS...: runs kallocctl, keeps its output in $tmp.
run() {
	want=$1
	shift
	json=
	for a in "$@"; do
		case $a in
		-j | -p) json=1 ;;
		-*) ;;
		*) break ;;
		esac
	done
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "kallocctl $*: exit $got, want $want"
		return 1
	fi
	return 0
}

bad() {
	echo "FAIL: $*"
	sed 's/^/  stderr: /' "$tmp/err"
	fail=$((fail + 1))
}

ok() {
	pass=$((pass + 1))
}

# json_error_is "MESSAGE": stdout is one JSON error object with that
# message and the status run wanted.
json_error_is() {
	python3 - "$1" "$want" "$tmp/out" <<'PY'
import json, sys
msg, status, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path) as f:
    text = f.read()
doc = json.loads(text)
assert text.endswith("\n"), "no newline at the end"
assert doc["error"] == msg, doc
assert doc["status"] == status, doc
assert set(doc) <= {"error", "status", "errno", "file", "line"}, doc
PY
}

# error_is "MESSAGE": stderr is exactly "Error: MESSAGE" and stdout empty,
# or in JSON mode (-j, -p) the JSON error object.
error_is() {
	if [ "$(cat "$tmp/err")" != "Error: $1" ]; then
		bad "stderr is not \"Error: $1\""
	elif [ -n "$json" ] && ! json_error_is "$1"; then
		bad "stdout is not the JSON error object for \"$1\""
	elif [ -z "$json" ] && [ -s "$tmp/out" ]; then
		bad "stdout not empty on error"
	else
		ok
	fi
}

# one_error_line: stderr is one "Error: " line, stdout empty.
one_error_line() {
	if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q '^Error: ' "$tmp/err"; then
		bad "stderr is not one Error: line"
	elif [ -s "$tmp/out" ]; then
		bad "stdout not empty on error"
	else
		ok
	fi
}

run 0 --version && [ "$(cat "$tmp/out")" = "kallocctl $version" ] && ok ||
	bad "--version prints \"$(cat "$tmp/out")\""
run 0 -V && [ "$(cat "$tmp/out")" = "kallocctl $version" ] && ok ||
	bad "-V prints \"$(cat "$tmp/out")\""
for h in help --help -h; do
	run 0 $h && grep -q '^Usage: kallocctl' "$tmp/out" &&
		grep -q 'alloc NAME SIZE' "$tmp/out" &&
		grep -q '3 the kalloc family is not available' "$tmp/out" &&
		[ ! -s "$tmp/err" ] && ok || bad "$h does not print the help"
done

run 2 && error_is 'no command given: try "kallocctl help"'
run 2 lis && error_is 'unknown command "lis": try "kallocctl help"'
run 2 al x 1K && error_is 'unknown command "al": try "kallocctl help"'
run 2 LIST && error_is 'unknown command "LIST": try "kallocctl help"'
run 2 -x list && error_is 'unknown option "-x": try "kallocctl help"'
run 2 --bogus list && error_is 'unknown option "--bogus": try "kallocctl help"'
run 2 -j -q list && error_is 'unknown option "-q": try "kallocctl help"'

alloc="NAME SIZE [policy P] [owner TAG] [hold]"
readu="NAME [offset N] [length N] [hex]"
writeu="NAME [offset N] (data STRING | file PATH | -)"
setu="P [migrate [from Q]]"
benchu="[scenario S] [ops N] [perf]"
monu="[events] [perf] [stats] [count N] [duration D] [rcvbuf BYTES] [-t]"
policies="kmalloc, buddy, slab, first-fit, best-fit or tlsf (or a number)"
scenarios="uniform, kernel, phase, fragstress or pages (or a number)"

run 2 alloc && error_is "usage: kallocctl alloc $alloc"
run 2 alloc x && error_is "usage: kallocctl alloc $alloc"
run 2 alloc x 1K extra &&
	error_is "unknown argument \"extra\"; usage: kallocctl alloc $alloc"
run 2 buffer alloc x && error_is "usage: kallocctl buffer alloc $alloc"
run 2 free && error_is 'usage: kallocctl free NAME'
run 2 free a b && error_is 'usage: kallocctl free NAME'
run 2 show && error_is 'usage: kallocctl show NAME'
run 2 list extra && error_is 'usage: kallocctl list'
run 2 list -j && error_is 'usage: kallocctl list'
run 2 buffer list extra && error_is 'usage: kallocctl buffer list'
run 2 help me && error_is 'usage: kallocctl help'

# vdev: usage errors come before any netlink traffic.
vdev_add="NAME [size N] [timer PERIOD] [owner TAG]"
vdev_dma="NAME (to-device|from-device) BUFFER [offset N] [device-offset N] [length N] [nowait]"
run 2 vdev add && error_is "usage: kallocctl vdev add $vdev_add"
run 2 vdev add d size 0 && error_is 'invalid size "0": a window has at least 1 byte'
run 2 vdev add d timer 1d &&
	error_is 'invalid period "1d": expected a duration such as 100us, 1ms or 1.5s'
run 2 vdev add d timer 99999999999h && error_is 'invalid period "99999999999h": too long'
run 2 vdev set d && error_is "usage: kallocctl vdev set NAME SETTING..."
run 2 vdev set d turbo &&
	error_is "unknown setting \"turbo\"; usage: kallocctl vdev set NAME SETTING..."
run 2 vdev set d timer &&
	error_is "\"timer\" needs a period or \"off\"; usage: kallocctl vdev set NAME SETTING..."
run 2 vdev dma d sideways b &&
	error_is "unknown direction \"sideways\"; usage: kallocctl vdev dma $vdev_dma"
run 2 vdev dma d to-device && error_is "usage: kallocctl vdev dma $vdev_dma"
run 2 vdev del && error_is "usage: kallocctl vdev del NAME"
run 2 vdev irq a b && error_is "usage: kallocctl vdev irq NAME"
run 0 vdev help && grep -q "timer PERIOD" "$tmp/out" && ok

# alloc's keywords: a policy name or number, an owner, hold; each once.
run 2 alloc x 1K policy && error_is "\"policy\" needs a value; usage: kallocctl alloc $alloc"
run 2 alloc x 1K policy bogus && error_is "unknown policy \"bogus\": expected $policies"
run 2 alloc x 1K policy SLAB && error_is "unknown policy \"SLAB\": expected $policies"
run 2 alloc x 1K policy 99999999999 &&
	error_is 'invalid policy "99999999999": a policy number is at most 4294967295'
run 2 alloc x 1K policy 1x && error_is "unknown policy \"1x\": expected $policies"
run 2 alloc x 1K policy slab policy tlsf &&
	error_is "\"policy\" given twice; usage: kallocctl alloc $alloc"
run 2 alloc x 1K owner && error_is "\"owner\" needs a value; usage: kallocctl alloc $alloc"
run 2 alloc x 1K hold hold && error_is "\"hold\" given twice; usage: kallocctl alloc $alloc"
run 2 alloc x 12Q policy slab && error_is "invalid size \"12Q\": expected a number of bytes with an optional K, M, G or T suffix"

# set: a new size, a new policy, or both; nothing to change is a usage error.
bufsetu="NAME [size SIZE] [policy P]"
run 2 set && error_is "usage: kallocctl set $bufsetu"
run 2 set x && error_is "usage: kallocctl set $bufsetu"
run 2 set x size && error_is "\"size\" needs a value; usage: kallocctl set $bufsetu"
run 2 set x policy bogus && error_is "unknown policy \"bogus\": expected $policies"
run 2 set x size 12Q && error_is "invalid size \"12Q\": expected a number of bytes with an optional K, M, G or T suffix"
run 2 set x size 1K size 2K && error_is "\"size\" given twice; usage: kallocctl set $bufsetu"

# read: offsets and lengths are sizes; hex is a flag.
run 2 read && error_is "usage: kallocctl read $readu"
run 2 read x offset && error_is "\"offset\" needs a value; usage: kallocctl read $readu"
run 2 read x offset -1 &&
	error_is 'invalid offset "-1": expected a number of bytes with an optional K, M, G or T suffix'
run 2 read x length 1.5K &&
	error_is 'invalid length "1.5K": expected a number of bytes with an optional K, M, G or T suffix'
run 2 read x offset 99999999999999999999 && error_is 'invalid offset "99999999999999999999": too large'
run 2 read x length 16777216T && error_is 'invalid length "16777216T": too large'
run 2 read x hex hex && error_is "\"hex\" given twice; usage: kallocctl read $readu"
run 2 read x bogus && error_is "unknown argument \"bogus\"; usage: kallocctl read $readu"

# write: exactly one source.
run 2 write && error_is "usage: kallocctl write $writeu"
run 2 write x && error_is "give exactly one of data, file and -; usage: kallocctl write $writeu"
run 2 write x data a file b &&
	error_is "give exactly one of data, file and -; usage: kallocctl write $writeu"
run 2 write x - data a && error_is "give exactly one of data, file and -; usage: kallocctl write $writeu"
run 2 write x data && error_is "\"data\" needs a value; usage: kallocctl write $writeu"
run 2 write x offset 12Q data a &&
	error_is 'invalid offset "12Q": expected a number of bytes with an optional K, M, G or T suffix'

# check and flush.
run 2 check a b && error_is 'usage: kallocctl check [NAME]'
run 2 flush && error_is 'usage: kallocctl flush owner TAG'
run 2 flush user && error_is 'usage: kallocctl flush owner TAG'
run 2 flush owner && error_is 'usage: kallocctl flush owner TAG'
run 2 flush owner a b && error_is 'usage: kallocctl flush owner TAG'

# policy.
run 2 policy set && error_is "usage: kallocctl policy set $setu"
run 2 policy set bogus && error_is "unknown policy \"bogus\": expected $policies"
run 2 policy set slab from tlsf &&
	error_is "unknown argument \"from\"; usage: kallocctl policy set $setu"
run 2 policy set slab migrate from &&
	error_is "\"from\" needs a value; usage: kallocctl policy set $setu"
run 2 policy set slab migrate from tlsf extra && error_is "usage: kallocctl policy set $setu"
run 2 policy set slab migrate frm tlsf &&
	error_is "unknown argument \"frm\"; usage: kallocctl policy set $setu"
run 2 policy set slab migrate from bogus && error_is "unknown policy \"bogus\": expected $policies"
run 2 policy show a b && error_is 'usage: kallocctl policy show [P]'
run 2 policy bogus && error_is "unknown policy \"bogus\": expected $policies"
run 2 policy help me && error_is 'usage: kallocctl policy help'

# stats and bench.
run 2 stats bogus && error_is "unknown policy \"bogus\": expected $policies"
run 2 stats a b && error_is 'usage: kallocctl stats [POLICY]'
run 2 stats show a b && error_is 'usage: kallocctl stats show [POLICY]'
run 2 bench scenario bogus && error_is "unknown scenario \"bogus\": expected $scenarios"
run 2 bench ops -1 && error_is 'invalid ops "-1": expected a number from 0 to 4294967295'
run 2 bench ops 4294967296 && error_is 'invalid ops "4294967296": expected a number from 0 to 4294967295'
run 2 bench ops 1K && error_is 'invalid ops "1K": expected a number from 0 to 4294967295'
run 2 bench frob && error_is "unknown argument \"frob\"; usage: kallocctl bench $benchu"
run 2 bench run ops && error_is "\"ops\" needs a value; usage: kallocctl bench run $benchu"
run 2 bench netlink count 0 && error_is 'invalid count "0": expected a number from 1 to 1000000'
run 2 bench netlink count 1000001 &&
	error_is 'invalid count "1000001": expected a number from 1 to 1000000'
run 2 bench netlink frob && error_is 'unknown argument "frob"; usage: kallocctl bench netlink [count N]'
run 2 bench perf perf && error_is "\"perf\" given twice; usage: kallocctl bench $benchu"

# monitor, meminfo and stats interval (the telemetry issue).
durmsg='expected a duration such as 10ms, 1.5s, 2m or 1h (a bare number is seconds)'
run 2 monitor frob && error_is "unknown argument \"frob\"; usage: kallocctl monitor $monu"
run 2 monitor events vdev &&
	error_is "unknown argument \"vdev\"; usage: kallocctl monitor $monu"
run 2 monitor EVENTS && error_is "unknown argument \"EVENTS\"; usage: kallocctl monitor $monu"
run 2 monitor perf perf && error_is "\"perf\" given twice; usage: kallocctl monitor $monu"
run 2 monitor count && error_is "\"count\" needs a value; usage: kallocctl monitor $monu"
run 2 monitor count 0 &&
	error_is 'invalid count "0": expected a number from 1 to 18446744073709551615'
run 2 monitor count 1K &&
	error_is 'invalid count "1K": expected a number from 1 to 18446744073709551615'
run 2 monitor duration 0 && error_is 'invalid duration "0": expected more than 0'
run 2 monitor duration 0ms && error_is 'invalid duration "0ms": expected more than 0'
run 2 monitor duration 1d && error_is "invalid duration \"1d\": $durmsg"
run 2 monitor duration -1 && error_is "invalid duration \"-1\": $durmsg"
run 2 monitor duration 0.5ms && error_is "invalid duration \"0.5ms\": $durmsg"
run 2 monitor duration 99999999999999999999h &&
	error_is 'invalid duration "99999999999999999999h": too long'
run 2 monitor rcvbuf 0 && error_is 'invalid rcvbuf "0": expected 1 to 2G bytes'
run 2 monitor rcvbuf 2G && error_is 'invalid rcvbuf "2G": expected 1 to 2G bytes'
run 2 monitor rcvbuf lots &&
	error_is 'invalid rcvbuf "lots": expected a number of bytes with an optional K, M, G or T suffix'
run 2 -t monitor stats frob &&
	error_is "unknown argument \"frob\"; usage: kallocctl monitor $monu"
run 0 monitor help && grep -q "^Usage: kallocctl monitor \\[events\\]" "$tmp/out" &&
	[ ! -s "$tmp/err" ] && ok || bad "monitor help does not print its help"
run 2 meminfo all && error_is 'usage: kallocctl meminfo'
run 0 meminfo help && grep -q '^Usage: kallocctl meminfo$' "$tmp/out" &&
	[ ! -s "$tmp/err" ] && ok || bad "meminfo help does not print its help"
run 2 stats interval && error_is 'usage: kallocctl stats interval DURATION'
run 2 stats interval 1s 2s && error_is 'usage: kallocctl stats interval DURATION'
run 2 stats interval 1w && error_is "invalid interval \"1w\": $durmsg"
run 2 stats interval "" && error_is "invalid interval \"\": $durmsg"
run 2 stats interval 1.0001s && error_is "invalid interval \"1.0001s\": $durmsg"
run 2 stats interval 4294967296ms && error_is 'invalid interval "4294967296ms": too long'
run 2 stats interval 1200h && error_is 'invalid interval "1200h": too long'

run 2 buffer frob && error_is 'unknown verb "frob" for buffer: try "kallocctl buffer help"'
run 2 buffer frob x && error_is 'unknown verb "frob" for buffer: try "kallocctl buffer help"'

# Each object's own help.
for obj in buffer policy stats bench; do
	run 0 $obj help && grep -q "^Usage: kallocctl $obj VERB" "$tmp/out" &&
		[ ! -s "$tmp/err" ] && ok || bad "$obj help does not print its help"
done

# JSON mode: every error is also an object on stdout.
run 2 -j frob && error_is 'unknown command "frob": try "kallocctl help"'
run 2 -p && error_is 'no command given: try "kallocctl help"'
run 2 -j -x list && error_is 'unknown option "-x": try "kallocctl help"'

# -batch: lines that fail offline name FILE:LINE; parsing needs no module.
printf '# a comment\n\nalloc "a b 1K\nlist\n' >"$tmp/batch"
run 2 -batch "$tmp/batch" &&
	error_is "$tmp/batch:3: cannot split the line: unterminated \" quote"
printf 'frob\nalloc x 12Q\n' >"$tmp/batch"
run 2 -force -batch - <"$tmp/batch" &&
	[ "$(cat "$tmp/err")" = "Error: -:1: unknown command \"frob\": try \"kallocctl help\"
Error: -:2: invalid size \"12Q\": expected a number of bytes with an optional K, M, G or T suffix" ] &&
	ok || bad "-force -batch: not one error per failed line"
run 2 -j -batch - <"$tmp/batch" && [ "$(cat "$tmp/out")" = \
	'{"error":"unknown command \"frob\": try \"kallocctl help\"","status":2,"file":"-","line":1}' ] &&
	ok || bad "-j -batch: not the error object with file and line"
echo 'alloc h 4K hold' >"$tmp/batch"
run 2 -batch "$tmp/batch" && error_is "$tmp/batch:1: hold cannot be used in a batch"
run 2 -batch && error_is '-batch needs a file: try "kallocctl help"'
run 2 -batch - list && error_is '-batch takes no command: the commands are in the file'
run 1 -batch "$tmp/none" &&
	error_is "cannot open $tmp/none: No such file or directory"

sizemsg='expected a number of bytes with an optional K, M, G or T suffix'
run 2 alloc x 12Q && error_is "invalid size \"12Q\": $sizemsg"
run 2 -j alloc x 1.5K && error_is "invalid size \"1.5K\": $sizemsg"
run 2 alloc x "" && error_is "invalid size \"\": $sizemsg"
run 2 alloc x -1 && error_is "invalid size \"-1\": $sizemsg"
run 2 alloc x 0x10 && error_is "invalid size \"0x10\": $sizemsg"
run 2 alloc x 99999999999999999999 &&
	error_is 'invalid size "99999999999999999999": too large'
run 2 alloc x 16777216T && error_is 'invalid size "16777216T": too large'

# Without the module (this host), every kernel command says so, exit 3;
# with it loaded, list works.
nofam='kalloc family not found: is the kalloc module loaded? (modprobe kalloc)'
"$bin" list >"$tmp/out" 2>"$tmp/err"
rc=$?
case $rc in
0)	head -n 1 "$tmp/out" |
		grep -q '^ID  *NAME  *SIZE  *ALLOCATOR  *POLICY  *OWNER  *FLAGS$' && ok ||
		bad "list: no header"
	;;
3)	error_is "$nofam"
	for args in "alloc x 1K" "-j alloc x 0" "free x" "show x" "-p list" \
		"alloc x 1K policy slab owner t hold" "read x" "write x data a" \
		"check" "check x" "flush owner t" "policy" "policy set slab" \
		"stats" "stats slab" "bench ops 1" "bench netlink count 1" \
		"buffer" "monitor" "monitor perf stats count 1" "-j monitor" \
		"meminfo" "-j meminfo" "stats interval 1s" "stats interval 0" \
		"bench perf ops 1" "vdev" "vdev add d" "vdev set d reset" \
		"vdev irq d" "vdev dma d to-device b"; do
		# shellcheck disable=SC2086
		run 3 $args && error_is "$nofam"
	done
	;;
*)	bad "list: exit $rc" ;;
esac

echo "kallocctl: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
