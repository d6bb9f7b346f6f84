#!/bin/bash
# The YNL spec (spec/kalloc.yaml) against the live family: the op list
# and its flags (CTRL_CMD_GETFAMILY), every op's policy (CTRL_CMD_GETPOLICY:
# types, ranges, maximum lengths, masks, do and dump) and the multicast
# groups, read by tests/vm/ynl-live.py over a raw generic netlink socket.
# A spec with one check or one flag wrong must fail, so that the
# comparison is known to bite; joining the groups as nobody shows the
# one flag 6.1's controller does not report (perf: admin-perm).
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

vm=$(dirname "$KALLOC_VM_LIB")
spec=$vm/kalloc.yaml
live=$vm/ynl-live.py

fresh_module

step "the live family agrees with the spec"
expect_ok /usr/bin/python3 "$live" --join-groups "$spec"
assert_contains "$out" "ynl-live: the family agrees with $spec: 20 commands" \
	"the verdict"
assert_contains "$out" " 21 buffer-set     do       admin {id=u32 min 1 max 4294967295, name=string max-len 31, size=u64 min 1 max 1073741824, policy=u32 min 1 max 6}" \
	"buffer-set's line"
assert_contains "$out" " 14 perf           notification only" "the perf op"
assert_contains "$out" "  3 buffer-del-ntf notification on 'events' with its request's number" \
	"buffer-del's notification"

step "without CAP_NET_ADMIN: the same, and perf refuses to be joined"
chmod 0755 "$T"
cp "$spec" "$live" "$T/"
expect_ok as_nobody /usr/bin/python3 "$T/ynl-live.py" --join-groups "$T/kalloc.yaml"
assert_contains "$out" "group perf    admin-perm CAP_NET_ADMIN no : Operation not permitted" \
	"joining perf as nobody"
assert_contains "$out" "group events  open       CAP_NET_ADMIN no : joined" \
	"joining events as nobody"

step "a spec with a wrong maximum length fails"
# buffer.name's max-len, the first "max-len: 31" of the file
sed '0,/max-len: 31/s//max-len: 30/' "$spec" > "$T/bad-len.yaml"
run /usr/bin/python3 "$live" "$T/bad-len.yaml"
assert_eq "$rc" 1 "exit status with a wrong max-len"
assert_contains "$out" "buffer-new (1) do name: the kernel's policy is 'string max-len 31', the spec's 'string max-len 30'" \
	"the max-len disagreement"

step "a spec without admin-perm on buffer-del fails"
awk '/name: buffer-del/ { del = 1 } del && /admin-perm/ { del = 0; next } { print }' \
	"$spec" > "$T/bad-perm.yaml"
run /usr/bin/python3 "$live" "$T/bad-perm.yaml"
assert_eq "$rc" 1 "exit status without admin-perm"
assert_contains "$out" "buffer-del (3): GENL_ADMIN_PERM is set, the spec lacks admin-perm" \
	"the flag disagreement"

step "a spec that gives policy-get no dump fails"
awk '/name: policy-get/ { p = 1 } p && /^      dump:/ { p = 0; skip = 1; next }
	skip && /^        reply:/ { skip = 0; next } { print }' \
	"$spec" > "$T/bad-dump.yaml"
run /usr/bin/python3 "$live" "$T/bad-dump.yaml"
assert_eq "$rc" 1 "exit status without the dump"
assert_contains "$out" "policy-get (8): the family has ['do', 'dump'], the spec ['do']" \
	"the dump disagreement"
