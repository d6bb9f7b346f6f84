#!/bin/bash
# needs: systemd
# A broken plan changes nothing: kallocd keeps the previous plan and state
# and says so (journal, STATUS=, the reload's answer); a dangling symlink,
# a FIFO and a directory named *.plan are errors that name them, never
# silently skipped (their buffers would look unplanned and be deleted).
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_plan
printf 'alloc web0 4K\nalloc web1 8K\n' > "$PLAN_D/10-web.plan"
printf 'alloc db0 16K\n' > "$PLAN_D/20-db.plan"
expect_ok systemctl start kallocd
before=$(owned_by kallocd)
assert_eq "$before" "db0:16384 web0:4096 web1:8192" "buffers after start"

step "a syntax error: reload fails, nothing changes, the journal says where"
kd_since
printf 'alloc web0 4K\nalloc web3 12Q\nalloc web4 16K\n' > "$PLAN_D/10-web.plan"
run systemctl reload kallocd
[ "$rc" -ne 0 ] || fail "a reload of a broken plan succeeded"
assert_eq "$(owned_by kallocd)" "$before" "buffers after a broken reload"
poll 10 kd_journal_has "$PLAN_D/10-web.plan:2:12: error: invalid size \"12Q\"" ||
	fail "no error line in the journal: $(kd_journal)"
kd_journal_has "keeping the previous plan and state" || fail "kallocd did not say it keeps its state"
kd_wait_status "plan error, previous plan kept"
expect_ok journalctl -u kallocd --since "$kd_t0" -o cat KALLOC_PLAN_FILE="$PLAN_D/10-web.plan" KALLOC_PLAN_LINE=2
assert_contains "$out" "12Q"

step "drift still repairs to the previous plan while the new one is broken"
expect_ok kallocctl free web1
poll 20 has_buffer web1 || fail "web1 did not come back"
assert_eq "$(owned_by kallocd)" "$before" "buffers after drift under a broken plan"

step "a dangling symlink is an error naming it"
printf 'alloc web0 4K\nalloc web1 8K\n' > "$PLAN_D/10-web.plan"
ln -s /nonexistent/30-gone.plan "$PLAN_D/30-gone.plan"
kd_since
run systemctl reload kallocd
[ "$rc" -ne 0 ] || fail "a reload with a dangling symlink succeeded"
poll 10 kd_journal_has "$PLAN_D/30-gone.plan: error: dangling symbolic link" ||
	fail "the dangling symlink is not named: $(kd_journal)"
assert_eq "$(owned_by kallocd)" "$before" "buffers with a dangling symlink"
rm "$PLAN_D/30-gone.plan"

step "a FIFO and a directory named *.plan are errors too, and do not hang"
mkfifo "$PLAN_D/40-fifo.plan"
mkdir "$PLAN_D/50-dir.plan"
kd_since
run timeout 30 systemctl reload kallocd
if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ]; then
	fail "reload with a FIFO: exit $rc"
fi
poll 10 kd_journal_has "$PLAN_D/40-fifo.plan: error: a FIFO, not a plan file" ||
	fail "the FIFO is not named: $(kd_journal)"
kd_journal_has "$PLAN_D/50-dir.plan: error: a directory, not a plan file" ||
	fail "the directory is not named: $(kd_journal)"
run kallocctl plan check
assert_eq "$rc" 1 "plan check of the same directory"
assert_contains "$err" "40-fifo.plan: error: a FIFO"
rm -r "$PLAN_D/40-fifo.plan" "$PLAN_D/50-dir.plan"

step "an unreadable file (for a process without CAP_DAC_OVERRIDE)"
chmod 000 "$PLAN_D/20-db.plan"
run setpriv --inh-caps=-all --bounding-set=-all kallocctl plan check
assert_eq "$rc" 1 "check of an unreadable file"
assert_contains "$err" "$PLAN_D/20-db.plan: error: cannot read: Permission denied"
chmod 644 "$PLAN_D/20-db.plan"

step "fixed: the reload applies"
expect_ok systemctl reload kallocd
assert_eq "$(owned_by kallocd)" "$before" "buffers after the fix"
kd_wait_status "3/3 planned objects in place"
systemctl stop kallocd
