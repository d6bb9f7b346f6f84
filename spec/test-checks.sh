#!/bin/bash
# spec/test-checks.sh YNL_TREE: the spec's checks must bite. Each case
# breaks the spec or a copy of the headers in one way and expects
# check-header.py or check-ynl.py to fail with the line that names it.
set -u
cd "$(dirname "$0")/.." || exit 2
tree=${1:?usage: spec/test-checks.sh YNL_TREE}
py=${PYTHON3:-/usr/bin/python3}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
bad=0

# expect WHAT WANT CMD...: CMD exits 1 and prints a line containing WANT.
expect() {
	local what=$1 want=$2 out rc

	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 1 ] && [[ "$out" == *"$want"* ]]; then
		echo "test-checks: $what: caught"
	else
		echo "test-checks: $what: NOT caught (exit $rc, want '$want'):"
		printf '%s\n' "$out" | sed 's/^/  /'
		bad=1
	fi
}

# spec_with NAME PYTHON-EXPR: a copy of the spec with s (its text) changed.
spec_with() {
	"$py" -c "import sys; s = open('spec/kalloc.yaml').read(); t = $2; \
assert t != s, 'no change'; open(sys.argv[1], 'w').write(t)" "$t/$1.yaml" ||
		exit 2
}

spec_with value "s.replace('      - tlsf\n', '      - tlsf\n      - extra\n', 1)"
expect "a policy the header lacks" \
	"KALLOC_POLICY_EXTRA: in the spec (7), not in the headers" \
	"$py" spec/check-header.py --spec "$t/value.yaml"

spec_with attr "s.replace('name: portid', 'name: port-id', 1)"
expect "an attribute renamed" \
	"KALLOC_BUFFER_A_PORTID: enum constant in the headers, not in the spec" \
	"$py" spec/check-header.py --spec "$t/attr.yaml"

spec_with type "s.replace('        name: count\n        type: u32', '        name: count\n        type: u64', 1)"
expect "a wrong attribute type" \
	"KALLOC_BUFFER_A_COUNT: the header says u32, the spec u64" \
	"$py" spec/check-header.py --spec "$t/type.yaml"

spec_with range "s.replace('enum: policy\n        checks:\n          min: 1\n          max: 6', 'enum: policy\n        checks:\n          min: 1\n          max: 7', 1)"
expect "a range beside an enum that is not the enum's" \
	"checks {'min': 1, 'max': 7} are not the range 1..6 of enum 'policy'" \
	"$py" spec/check-header.py --spec "$t/range.yaml"

mkdir -p "$t/inc/linux"
cp include/uapi/linux/kalloc.h include/uapi/linux/kalloc_vdev.h "$t/inc/linux/"
sed -i 's/^\tKALLOC_CMD_BUFFER_SET,$/&\n\tKALLOC_CMD_BUFFER_NEWER,/' "$t/inc/linux/kalloc.h"
expect "a command the spec lacks" \
	"KALLOC_CMD_BUFFER_NEWER: enum constant in the headers, not in the spec" \
	"$py" spec/check-header.py --include "$t/inc"

cp include/uapi/linux/kalloc.h "$t/inc/linux/"
sed -i 's/^\t__u32 latency_ns;/\t__u16 latency_ns;/' "$t/inc/linux/kalloc.h"
expect "a struct member of another size" \
	"struct kalloc_perf_record.latency_ns: the header says __u16, the spec u32" \
	"$py" spec/check-header.py --include "$t/inc"

spec_with both "s.replace('      name: buffer-new\n      value: 1\n', '      name: buffer-new\n      value: 1\n      notify: buffer-get\n', 1)"
expect "an op both a request and a notification" \
	"buffer-new: a request in the spec, YNL files it as no request op" \
	"$py" spec/check-ynl.py "$tree" "$t/both.yaml"

spec_with key "s.replace('          max-len: 31\n', '          maxlen: 31\n', 1)"
expect "a key the schema does not know" \
	"YNL refuses" "$py" spec/check-ynl.py "$tree" "$t/key.yaml"

exit $bad
