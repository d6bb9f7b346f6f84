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

# error_is "MESSAGE": stderr is exactly "Error: MESSAGE" and stdout empty.
error_is() {
	if [ "$(cat "$tmp/err")" != "Error: $1" ]; then
		bad "stderr is not \"Error: $1\""
	elif [ -s "$tmp/out" ]; then
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

run 2 alloc && error_is 'usage: kallocctl alloc NAME SIZE'
run 2 alloc x && error_is 'usage: kallocctl alloc NAME SIZE'
run 2 alloc x 1K extra && error_is 'usage: kallocctl alloc NAME SIZE'
run 2 free && error_is 'usage: kallocctl free NAME'
run 2 show && error_is 'usage: kallocctl show NAME'
run 2 list extra && error_is 'usage: kallocctl list'
run 2 list -j && error_is 'usage: kallocctl list'
run 2 help me && error_is 'usage: kallocctl help'

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
0)	head -n 1 "$tmp/out" | grep -q '^ID  *NAME  *SIZE  *ALLOCATOR$' && ok ||
		bad "list: no header"
	;;
3)	error_is "$nofam"
	for args in "alloc x 1K" "-j alloc x 0" "free x" "show x" "-p list"; do
		# shellcheck disable=SC2086
		run 3 $args && error_is "$nofam"
	done
	;;
*)	bad "list: exit $rc" ;;
esac

echo "kallocctl: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
