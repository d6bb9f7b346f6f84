#!/bin/bash
# The family driven by a generic, spec-driven client: the kernel's own YNL
# CLI (tools/net/ynl/cli.py of Debian's linux-source-6.12, staged by
# tests/vm/run) with nothing but spec/kalloc.yaml. It validates the spec
# against its schema, encodes requests (enum names, flags, hex binaries),
# decodes replies (nests, indexed arrays, flag sets), errors with their
# extended ACK, and the notifications of all three groups. Its answers must
# agree with kallocctl's.
# lanes: stock
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

vm=$(dirname "$KALLOC_VM_LIB")
tree=$vm/ynl
[ -f "$tree/tools/net/ynl/cli.py" ] ||
	fail "no YNL CLI staged: spec/ynl-tree needs linux-source-6.12 (make deps)"
cp -r "$tree" "$vm/kalloc.yaml" "$T/"
chmod -R a+rX "$T"

# ynl ARGS...: cli.py with the spec, its schema, and JSON output.
ynl() {
	/usr/bin/python3 "$T/ynl/tools/net/ynl/cli.py" --spec "$T/kalloc.yaml" \
		--schema "$T/ynl/Documentation/netlink/genetlink-legacy.yaml" \
		--output-json "$@"
}

# ynl_event GROUP OP JSON: OP through the YNL library while a second YNL
# socket listens to GROUP; prints the reply, then the notifications as one
# JSON list. Two sockets: cli.py of 6.12 with --subscribe and --do on one
# socket crashes when a notification comes between the reply and the ACK
# (its _ops() loses the op), which is where kalloc sends events. The
# multicast is sent before the ACK, so the listener holds it once do()
# returns: no sleeping.
ynl_event() {
	/usr/bin/python3 - "$T/ynl" "$T/kalloc.yaml" "$@" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1] + "/tools/net/ynl")
from lib import YnlFamily
spec, group, op, args = sys.argv[2:6]
listener = YnlFamily(spec, sys.argv[1] + "/Documentation/netlink/genetlink-legacy.yaml")
listener.ntf_subscribe(group)
reply = YnlFamily(spec, "").do(op, json.loads(args))
listener.check_ntf()
enc = lambda o: sorted(o) if isinstance(o, set) else o.hex()
print(json.dumps(reply, default=enc))
print(json.dumps(listener.async_msg_queue, default=enc))
PY
}

fresh_module

step "policy-get: a dump, enums decoded to their names"
expect_ok ynl --dump policy-get
assert_eq "$(jq -r 'map(.name) | join(",")' <<< "$out")" \
	"kmalloc,buddy,slab,first-fit,best-fit,tlsf" "the policies"
assert_eq "$(jq -r 'map(select(.active == 1) | .id) | join(",")' <<< "$out")" \
	kmalloc "the active policy (id decoded by the enum)"

step "buffer-new with a policy by name, its reply and its notification"
expect_ok ynl_event events buffer-new \
	'{"name": "ynl0", "size": 4096, "policy": "slab", "owner": "ynl"}'
reply=$(sed -n 1p <<< "$out")
ntfs=$(sed -n 2p <<< "$out")
assert_eq "$(jq -c '{name, size, policy, "policy-name", owner, guards}' <<< "$reply")" \
	'{"name":"ynl0","size":4096,"policy":"slab","policy-name":"slab","owner":"ynl","guards":[]}' \
	"buffer-new's reply"
assert_eq "$(jq -c 'map({name, buf: .msg.name, size: .msg.size})' <<< "$ntfs")" \
	'[{"name":"buffer-new-ntf","buf":"ynl0","size":4096}]' "the events"
id=$(jq -r .id <<< "$reply")
assert_eq "$(buffer_field ynl0 id) $(buffer_field ynl0 size) $(buffer_field ynl0 policy) $(buffer_field ynl0 owner)" \
	"$id 4096 slab ynl" "kallocctl's view of the buffer"

step "buffer-write and buffer-read: binary data as hex"
expect_ok ynl --do buffer-write --json '{"name": "ynl0", "data": "68656c6c6f"}'
expect_ok kallocctl read ynl0 length 5
assert_eq "$out" hello "contents written by YNL, read by kallocctl"
expect_ok ynl --do buffer-read --json "{\"id\": $id, \"length\": 5, \"offset\": 0}"
assert_eq "$(jq -c '{id, offset, data}' <<< "$out")" \
	"{\"id\":$id,\"offset\":0,\"data\":\"68656c6c6f\"}" "buffer-read's reply"

step "stats-get: nested policy statistics with 32-bucket histograms"
expect_ok ynl --do stats-get --json '{"policy": "slab"}'
assert_eq "$(jq -c '."policy-stats" | map({policy, name, allocs, lat: (."alloc-latency" | length)})' <<< "$out")" \
	'[{"policy":"slab","name":"slab","allocs":1,"lat":32}]' "slab's statistics"
assert_eq "$(jq -r '."policy-stats"[0]."alloc-latency" | add' <<< "$out")" 1 \
	"allocations in slab's latency histogram"

step "meminfo-get: zones with their free areas"
expect_ok ynl --do meminfo-get
assert_eq "$(jq -r '."page-size"' <<< "$out")" "$(getconf PAGESIZE)" "page size"
orders=$(awk 'NR == 1 { print NF - 4 }' /proc/buddyinfo)
assert_eq "$(jq -r '[.zone[] | ."free-area" | length] | unique | join(",")' <<< "$out")" \
	"$orders" "orders in every zone's free area (as in /proc/buddyinfo)"
assert_eq "$(jq -r '.zone | length' <<< "$out")" "$(wc -l < /proc/buddyinfo)" \
	"zones (as in /proc/buddyinfo)"

step "policy-set with a flag attribute, and its notification"
expect_ok ynl_event events policy-set '{"id": "buddy", "migrate": true}'
assert_eq "$(sed -n 1p <<< "$out" | jq -c '{id, previous, changed, migrated, unmoved}')" \
	'{"id":"buddy","previous":"kmalloc","changed":1,"migrated":1,"unmoved":0}' \
	"policy-set's reply"
assert_eq "$(sed -n 2p <<< "$out" | jq -c 'map({name, id: .msg.id, migrated: .msg.migrated})')" \
	'[{"name":"policy-set-ntf","id":"buddy","migrated":1}]' "the event"
assert_eq "$(buffer_field ynl0 policy)" buddy "the buffer's policy after the migration"

step "errors: the extended ACK's message, ERANGE from the policy"
run ynl --do buffer-new --json '{"name": "-bad", "size": 1}'
assert_eq "$rc" 1 "exit status of a bad name"
assert_contains "$out" "KALLOC_BUFFER_A_NAME starts with '.' or '-'" "the extack message"
run ynl --do buffer-new --json '{"name": "zero", "size": 0}'
assert_eq "$rc" 1 "exit status of size 0"
assert_contains "$out" "Numerical result out of range" "the error of size 0"

step "data's length range, which 6.1's GETPOLICY does not show, is enforced"
expect_ok ynl --do buffer-new --json '{"name": "big", "size": 65536}'
expect_ok ynl --do buffer-write --json "{\"name\": \"big\", \"data\": \"$(head -c 32768 /dev/zero | od -An -v -tx1 | tr -d ' \n')\"}"
run ynl --do buffer-write --json "{\"name\": \"big\", \"data\": \"$(head -c 32769 /dev/zero | od -An -v -tx1 | tr -d ' \n')\"}"
assert_eq "$rc" 1 "exit status of 32769 bytes of data"
assert_contains "$out" "Numerical result out of range" "the error of 32769 bytes"
run ynl --do buffer-write --json '{"name": "big", "data": ""}'
assert_eq "$rc" 1 "exit status of no data"
assert_contains "$out" "Numerical result out of range" "the error of 0 bytes"
expect_ok ynl --do buffer-del --json '{"name": "big"}'

step "without CAP_NET_ADMIN: describing works, mutations are refused"
expect_ok as_nobody /usr/bin/python3 "$T/ynl/tools/net/ynl/cli.py" \
	--spec "$T/kalloc.yaml" --no-schema --output-json --dump buffer-get
assert_eq "$(jq -r 'map(.name) | join(",")' <<< "$out")" ynl0 "buffers as nobody"
run as_nobody /usr/bin/python3 "$T/ynl/tools/net/ynl/cli.py" \
	--spec "$T/kalloc.yaml" --no-schema --do buffer-del --json '{"name": "ynl0"}'
assert_eq "$rc" 1 "exit status of buffer-del as nobody"
assert_contains "$out" "Operation not permitted" "buffer-del as nobody"

step "the stats group: stats-ntf messages with the system's counters"
expect_ok ynl --subscribe stats --sleep 5
ntfs=$out
assert_eq "$(jq -r 'map(.name) | unique | join(",")' <<< "$ntfs")" stats-ntf \
	"the stats group's messages"
assert_eq "$(jq -r '.[0].msg | [(."policy-stats" | length), (.system.zone | length > 0), (.system.pgfault > 0)] | join(",")' <<< "$ntfs")" \
	"6,true,true" "a stats message: 6 policies, zones, page faults"

step "buffer-del and its notification, with the reason"
expect_ok ynl_event events buffer-del '{"name": "ynl0"}'
assert_eq "$(sed -n 2p <<< "$out" | jq -c 'map({name, buf: .msg.name, reason: .msg.reason})')" \
	'[{"name":"buffer-del-ntf","buf":"ynl0","reason":"request"}]' "the event"
expect_ok kallocctl -j list
assert_eq "$(jq -c 'length' <<< "$out")" 0 "buffers left"
