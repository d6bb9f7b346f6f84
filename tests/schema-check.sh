#!/bin/sh
# The JSON schemas offline (make unit): each one is a valid draft 2020-12
# schema, and the error objects kallocctl prints before or without any
# netlink traffic validate against error.json. Usage: schema-check.sh KALLOCCTL
# The outputs of the module's commands are validated in the VM
# (tests/vm/scenarios/75-json-schema.sh).
set -u
bin=$1
top=$(cd "$(dirname "$0")/.." && pwd)
check=$top/tests/vm/json-check
fail=0

for f in "$top"/docs/schema/*.json; do
	name=$(basename "$f" .json)
	# Debian's python3, where python3-jsonschema is (tests/deps.sh).
	/usr/bin/python3 -c '
import json, sys, jsonschema
jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))
' "$f" || { echo "FAIL: $name.json is not a valid schema"; fail=1; }
done

# monitor.json repeats stats.json's keys (a stats line) and meminfo.json's
# zone (its "system"): the copies must not drift.
/usr/bin/python3 - "$top/docs/schema" <<'PY' || fail=1
import json, sys
d = sys.argv[1]
load = lambda n: json.load(open(f"{d}/{n}.json"))
mon, stats, mem = load("monitor"), load("stats"), load("meminfo")
then = {c["if"]["properties"]["type"]["const"]: c["then"] for c in mon["allOf"]}
got = dict(then["stats"]["properties"])
got.pop("system")
bad = []
if got != stats["properties"] or then["stats"]["required"] != stats["required"]:
    bad.append("a stats line's keys are not stats.json's")
if mon["$defs"]["zone"] != mem["properties"]["zones"]["items"]:
    bad.append("its zone is not meminfo.json's")
for b in bad:
    print("FAIL: monitor.json: " + b)
sys.exit(1 if bad else 0)
PY

# plan check needs no module: a good plan and a broken one.
printf 'buffer bad size 12Q\n' > /tmp/schema-check-plan.$$
for plan in "$top/examples/demo.plan" /tmp/schema-check-plan.$$; do
	"$bin" -j plan check "$plan" > /tmp/schema-check.$$ 2> /dev/null
	if ! "$check" plan-check /tmp/schema-check.$$; then
		echo "FAIL: kallocctl -j plan check $plan: not plan-check.json"
		fail=1
	fi
done
rm -f /tmp/schema-check-plan.$$

# Without the module or with bad input: each of these fails in JSON mode.
for args in "-j frob" "-p" "-j alloc x 1.5K" "-j -batch /nonexistent" \
	"-j policy set nosuch" "-j -force -batch /dev/null list"; do
	# shellcheck disable=SC2086
	"$bin" $args > /tmp/schema-check.$$ 2> /dev/null
	if ! "$check" error /tmp/schema-check.$$; then
		echo "FAIL: kallocctl $args: no valid error object"
		fail=1
	fi
done
rm -f /tmp/schema-check.$$
[ "$fail" -eq 0 ] && echo "schemas: all valid"
exit "$fail"
