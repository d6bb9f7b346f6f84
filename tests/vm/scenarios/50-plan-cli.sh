#!/bin/bash
# kallocctl plan check|diff|apply [dry-run]: the daemon's code from the
# command line. check's gcc-style errors; diff's + - ~ ! lines and its exit
# status (0 no changes, 4 changes, 1 error); apply creates with owner tag
# kallocd, adopts its own, leaves another owner's buffer alone; dry-run
# changes nothing; two applies at once serialise on the plan lock.
# The plan's code is userspace (Check suites and fuzzing cover it).
# lanes: stock
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_plan
p=$T/a.plan

step "check: a valid plan of every statement"
cat > "$p" <<'P'
policy default tlsf
policy active slab
buffer web0 size 4K policy slab
buffer staging size 64K fill 0x5a
buffer table size 8K from "/etc/hostname"
alloc scratch 16K
stats interval 500ms
rule defrag when fragmentation(best-fit) > 30% for 10s then policy set tlsf cooldown 60s
P
expect_ok kallocctl plan check "$p"
assert_contains "$out" "plan OK: 4 buffers, 0 vdevs, 1 rules, 1 files"

step "check: errors in file order, with the source line and a caret"
printf 'alloc ok 1K\nbuffer bad size 12Q policy fast\n' > "$T/bad.plan"
run kallocctl plan check "$T/bad.plan"
assert_eq "$rc" 1 "exit status of check with errors"
assert_contains "$err" "$T/bad.plan:2:17: error: invalid size \"12Q\""
assert_contains "$err" "$T/bad.plan:2:28: error: unknown policy \"fast\""
assert_contains "$err" " buffer bad size 12Q policy fast"
assert_contains "$err" "Error: the plan has 2 errors; nothing changed"

step "diff against an empty module: four creations, exit 4"
run kallocctl plan diff "$p"
assert_eq "$rc" 4 "exit status of diff with changes"
assert_contains "$out" "+ buffer web0 size 4K policy slab"
assert_contains "$out" "+ buffer staging size 64K policy tlsf fill 0x5a"
assert_contains "$out" "~ policy active kmalloc -> slab"
assert_contains "$out" "~ stats interval 1000ms -> 500ms"
assert_contains "$out" "Plan: 4 to create, 2 to change, 0 to delete, 0 conflicts"
run kallocctl -j plan diff "$p"
assert_eq "$(jq -r '.changes | map(select(.op == "create")) | length' <<< "$out")" 4 "JSON creations"

step "apply dry-run changes nothing"
run kallocctl plan apply "$p" dry-run
assert_eq "$rc" 4 "exit status of dry-run"
assert_eq "$(buffers_count)" 0 "buffers after dry-run"

step "a buffer of another owner with a planned name is a conflict"
expect_ok kallocctl alloc scratch 16K
assert_eq "$(buffer_field scratch owner)" user "a plain alloc's owner tag"

step "apply: kallocd-owned buffers, settings, the conflict left alone"
run kallocctl plan apply "$p"
assert_eq "$rc" 1 "exit status of apply with a conflict"
assert_contains "$out" "! buffer scratch owned by user: left alone"
assert_contains "$err" "1 name held by another owner, left alone"
assert_eq "$(owned_by kallocd)" "staging:65536 table:8192 web0:4096" "kallocd's buffers"
assert_eq "$(buffer_field web0 policy)" slab "web0's policy"
assert_eq "$(buffer_field staging policy)" tlsf "staging's policy (the default)"
assert_eq "$(buffer_field scratch owner)" user "the conflicting buffer"
assert_eq "$(active_policy)" slab "active policy"
expect_ok kallocctl read staging length 4 hex
assert_contains "$out" "5a 5a 5a 5a"
expect_ok kallocctl read table length 4
assert_eq "$out" "$(head -c 4 /etc/hostname)" "table's first bytes"

step "diff again: only the conflict is left"
run kallocctl plan diff "$p"
assert_eq "$rc" 4 "exit status with a conflict left"
assert_contains "$out" "Plan: 0 to create, 0 to change, 0 to delete, 1 conflicts"
expect_ok kallocctl free scratch
run kallocctl plan apply "$p"
assert_eq "$rc" 0 "apply after the conflict went"
run kallocctl plan diff "$p"
assert_eq "$rc" 0 "diff exit status with no changes"
assert_contains "$out" "No changes: the kernel holds the plan."

step "a new size and policy: changed in place (BUFFER_SET), contents kept"
id=$(buffer_field web0 id)
printf 'hello kalloc' > "$T/hello"
expect_ok kallocctl write web0 file "$T/hello"
sed -i 's/^buffer web0 size 4K policy slab$/buffer web0 size 8K policy buddy/' "$p"
run kallocctl plan diff "$p"
assert_eq "$rc" 4 "diff of the changed buffer"
assert_contains "$out" "~ buffer web0 size 4K -> 8K, policy slab -> buddy"
run kallocctl plan apply "$p"
assert_eq "$rc" 0 "apply of the changed buffer"
assert_eq "$(buffer_field web0 id)" "$id" "web0's id (not re-created)"
assert_eq "$(buffer_field web0 size)" 8192 "web0's size"
assert_eq "$(buffer_field web0 policy)" buddy "web0's policy"
expect_ok kallocctl read web0 length 12
assert_eq "$out" "hello kalloc" "web0's contents"

step "removing a buffer from the plan deletes it; others' buffers stay"
expect_ok kallocctl alloc mine 1K
grep -v '^alloc scratch' "$p" > "$T/b.plan"
run kallocctl plan apply "$T/b.plan"
assert_eq "$rc" 0 "apply of the smaller plan"
assert_contains "$out" "- buffer scratch size 16K"
no_buffer scratch || fail "scratch is still there"
has_buffer mine || fail "the user's buffer went"

step "two applies at once serialise: nothing duplicated, both succeed"
for i in $(seq 1 40); do echo "alloc par$i 1K"; done > "$T/par.plan"
cat "$T/b.plan" >> "$T/par.plan"
kallocctl plan apply "$T/par.plan" > "$T/o1" 2>&1 &
a=$!
kallocctl plan apply "$T/par.plan" > "$T/o2" 2>&1 &
b=$!
wait "$a" || fail "first parallel apply failed: $(cat "$T/o1")"
wait "$b" || fail "second parallel apply failed: $(cat "$T/o2")"
assert_eq "$(kallocctl -j list | jq '[.[] | select(.owner == "kallocd")] | length')" 43 "kallocd's buffers"
assert_eq "$(grep -c '^+ buffer' "$T/o1" "$T/o2" | awk -F: '{ s += $2 } END { print s }')" 40 "creations between both"

step "virtual devices: created with owner kallocd, control bits as planned"
printf 'vdev nic0 size 8K timer 50ms enable irq-enable\nvdev quiet0\n' > "$T/v.plan"
run kallocctl plan diff "$T/v.plan"
assert_eq "$rc" 4 "diff of the devices"
assert_contains "$out" "+ vdev nic0 size 8K timer 50000000ns enable irq-enable"
run kallocctl plan apply "$T/v.plan"
assert_eq "$rc" 0 "apply of the devices"
assert_eq "$(vdev_field nic0 owner)" kallocd "nic0's owner"
assert_eq "$(vdev_field nic0 window_bytes)" 8192 "nic0's window"
assert_eq "$(vdev_field nic0 control)" 7 "nic0's control (enable, irq-enable, timer)"
assert_eq "$(vdev_field quiet0 control)" 0 "quiet0's control (nothing stated: all clear)"
[ -c /dev/kalloc/nic0 ] || fail "no /dev/kalloc/nic0"
run kallocctl plan diff "$T/v.plan"
assert_eq "$rc" 0 "diff after applying the devices"
sed -i 's/^vdev quiet0$/vdev quiet0 enable/' "$T/v.plan"
run kallocctl plan apply "$T/v.plan"
assert_eq "$rc" 0 "apply of a control change"
assert_contains "$out" "~ vdev quiet0 control 0x0 -> 0x1"
assert_eq "$(vdev_field quiet0 control)" 1 "quiet0's control after the change"
expect_ok kallocctl vdev add theirs0
printf 'vdev theirs0\n' >> "$T/v.plan"
run kallocctl plan apply "$T/v.plan"
assert_eq "$rc" 1 "apply with another owner's device"
assert_contains "$out" "! vdev theirs0 owned by user: left alone"
printf '# none\n' > "$T/v.plan"
run kallocctl plan apply "$T/v.plan"
assert_contains "$out" "- vdev nic0"
[ -z "$(vdev_field nic0 name)" ] || fail "nic0 was not deleted"
[ -n "$(vdev_field theirs0 name)" ] || fail "theirs0 was deleted"

step "a directory with a dangling symlink is an error naming it"
mkdir "$T/d" && cp "$p" "$T/d/10.plan" && ln -s /nonexistent "$T/d/20.plan"
run kallocctl plan apply "$T/d"
assert_eq "$rc" 1 "apply of a directory with a dangling symlink"
assert_contains "$err" "$T/d/20.plan: error: dangling symbolic link"
