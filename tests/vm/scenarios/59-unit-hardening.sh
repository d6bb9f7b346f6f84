#!/bin/bash
# needs: systemd
# The installed kallocd.service scores at most 1.5 in
# "systemd-analyze security" (it scored 2.0 before); the other kallocd
# scenarios run under this same unit.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_plan	# no drop-in of an earlier scenario
expect_ok systemd-analyze security --no-pager kallocd.service
line=$(grep 'Overall exposure level' <<< "$out")
score=$(sed -E 's/.*: ([0-9.]+) .*/\1/' <<< "$line")
echo "exposure: $score"
awk -v s="$score" 'BEGIN { exit !(s <= 1.5) }' || fail "kallocd.service scores $score, above 1.5"
expect_ok systemctl show -p RestrictAddressFamilies --value kallocd
assert_not_contains "$out" "AF_INET" "the default unit's address families"
