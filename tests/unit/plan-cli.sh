#!/bin/bash
# plan-cli.sh: "kallocctl plan" without a kernel: check's messages and exit
# codes, its JSON, usage errors, status without a daemon. The VM scenario
# 50-plan-cli covers diff and apply against the module.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
ctl=$top/ctl/kallocctl
pass=0 failed=0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

check() {
	local what=$1 want_rc=$2 want=$3 rc

	shift 3
	"$@" > "$t/out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && grep -qF -- "$want" "$t/out"; then
		pass=$((pass + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $what: exit $rc (want $want_rc), output:"
		sed 's/^/  /' "$t/out"
	fi
}

printf 'alloc a 1K\nbuffer b size 2K policy slab\n' > "$t/ok.plan"
printf 'alloc a 1K\nalloc a 2K\n' > "$t/dup.plan"
mkdir "$t/d" && cp "$t/ok.plan" "$t/d/10.plan" && ln -s "$t/none" "$t/d/20.plan"

check "check ok" 0 "plan OK: 2 buffers, 0 vdevs, 0 rules, 1 files" "$ctl" plan check "$t/ok.plan"
check "check json" 0 '{"ok":true,"buffers":2' "$ctl" -j plan check "$t/ok.plan"
check "check dup" 1 "$t/dup.plan:2:7: error: buffer \"a\" already defined at $t/dup.plan:1:7" \
	"$ctl" plan check "$t/dup.plan"
check "check dup caret" 1 "       ^" "$ctl" plan check "$t/dup.plan"
check "check dup summary" 1 "Error: the plan has 1 error; nothing changed" "$ctl" plan check "$t/dup.plan"
check "check dangling" 1 "$t/d/20.plan: error: dangling symbolic link" "$ctl" plan check "$t/d"
check "check two paths" 1 "already defined" "$ctl" plan check "$t/ok.plan" "$t/ok.plan"
check "check missing" 1 "$t/nope: error: cannot read: No such file or directory" "$ctl" plan check "$t/nope"
check "json errors" 1 '"line":2,"col":7' "$ctl" -j plan check "$t/dup.plan"
check "status usage" 2 "Error: usage: kallocctl plan status" "$ctl" plan status extra
check "unknown verb" 2 "Error:" "$ctl" plan frobnicate
check "help" 0 "apply [PATH...] [dry-run]" "$ctl" plan help
echo "plan-cli: $pass passed, $failed failed"
[ "$failed" -eq 0 ]
