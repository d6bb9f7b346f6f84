#!/bin/bash
# kallocd under systemd: start applies the plan, reload applies an edited
# plan (adds and removes), a broken plan is reported as file:line:col in
# the journal and changes nothing, and stop leaves the buffers in place
# (documented decision: buffers outlive the daemon).
# needs: systemd
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

plan=/etc/kalloc/plan.d/10-test.plan

names() {
	kallocctl -j list | jq -r '[.[].name] | join(" ")'
}

names_are() {
	[ "$(names)" = "$1" ]
}

journal() {
	journalctl -u kallocd --since "$since" --no-pager -o cat
}

journal_has() {
	journal | grep -qF -- "$1"
}

fresh_module
rm -rf /etc/kalloc/plan.d
mkdir -p /etc/kalloc/plan.d

step "the unit is Type=notify: start returns once the plan is applied"
expect_ok systemctl show -p Type --value kallocd
assert_eq "$out" notify "kallocd.service Type"

step "start with a plan of two buffers (and one buffer nobody planned)"
expect_ok kallocctl alloc manual 2K
printf 'alloc web0 4K\nalloc web1 1M\n' > "$plan"
expect_ok systemctl start kallocd
run systemctl is-active kallocd
assert_eq "$out" active "kallocd state after start"
assert_eq "$(names)" "manual web0 web1" "buffers after start"
assert_eq "$(buffer_field web0 size)" 4096 "size of web0"
assert_eq "$(buffer_field web1 size)" 1048576 "size of web1"
expect_ok systemctl show -p StatusText --value kallocd
[ -n "$out" ] || fail "kallocd sets no StatusText"

step "reload with web2 added and web1 removed"
printf 'alloc web0 4K\nalloc web2 8K\n' > "$plan"
expect_ok systemctl reload kallocd
poll 10 names_are "manual web0 web2" ||
	fail "after reload expected 'manual web0 web2', got '$(names)'"
assert_eq "$(buffer_field web2 size)" 8192 "size of web2"
run systemctl is-active kallocd
assert_eq "$out" active "kallocd state after reload"

step "a broken plan is reported with file:line:col and changes nothing"
before=$(list_json)
since=$(date '+%Y-%m-%d %H:%M:%S')
sleep 1
printf 'alloc web0 4K\nalloc web3 12Q\nalloc web4 16K\n' > "$plan"
run systemctl reload kallocd
poll 10 journal_has "$plan:2:" ||
	fail "no '$plan:2:' in the journal: $(journal)"
log=$(journal)
prefix journal: <<< "$log"
line=$(grep -E "$plan:2:[0-9]+: " <<< "$log" | head -n 1)
[ -n "$line" ] || fail "expected '$plan:2:COL: message' in the journal"
assert_contains "$line" "12Q" "the error line"
run systemctl is-active kallocd
assert_eq "$out" active "kallocd state after a broken reload"
assert_eq "$(list_json)" "$before" "buffers after a broken reload"
expect_ok systemctl show -p StatusText --value kallocd
echo "StatusText: $out"

step "stop: inactive, clean exit, buffers stay"
printf 'alloc web0 4K\nalloc web2 8K\n' > "$plan"
expect_ok systemctl stop kallocd
run systemctl is-active kallocd
assert_eq "$out" inactive "kallocd state after stop"
expect_ok systemctl show -p Result --value kallocd
assert_eq "$out" success "kallocd Result after stop"
expect_ok systemctl show -p ExecMainStatus --value kallocd
assert_eq "$out" 0 "kallocd exit status"
assert_eq "$(list_json)" "$before" "buffers after stop"
rm -f "$plan"
