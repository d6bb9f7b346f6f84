#!/bin/bash
# needs: systemd
# A rule switches the active policy when a generated load pushes a
# policy's fragmentation over its threshold, and not again within its
# cooldown; plan status shows the states; the firing is logged and counted.
# shellcheck disable=SC2016 # bash -c bodies expand in the child
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

frag() {
	kallocctl -j stats | jq -r '.policies[] | select(.policy == "best-fit") |
		((.frag_internal // 0) + (.frag_external // 0))'
}

fresh_plan
step "measure what the load does to best-fit (no daemon yet)"
for i in $(seq 1 30); do kallocctl alloc "probe$i" 1 policy best-fit > /dev/null; done
kallocctl -j stats | jq -c '.policies[] | select(.policy == "best-fit")'
f=$(frag)
echo "best-fit fragmentation under the load: $f"
for i in $(seq 1 30); do kallocctl free "probe$i" > /dev/null; done
thr=$(awk -v f="$f" 'BEGIN { t = int(f / 2); if (t < 1) t = 1; print t }')
echo "threshold: $thr%"

cat > "$PLAN_D/10.plan" <<P
policy active best-fit
stats interval 200ms
rule defrag when fragmentation(best-fit) > $thr% for 1s then policy set tlsf cooldown 10m
P
expect_ok systemctl start kallocd
assert_eq "$(active_policy)" best-fit "active policy after start"
sleep 2
expect_ok kallocctl plan status
assert_contains "$out" "rule defrag: idle"

step "generated load: the rule fires and switches to tlsf"
kd_since
for i in $(seq 1 30); do kallocctl alloc "load$i" 1 policy best-fit > /dev/null; done
poll 20 bash -c '[ "$(kallocctl -j policy | jq -r ".[] | select(.active) | .policy")" = tlsf ]' ||
	fail "the rule did not switch the policy: $(kd_journal)"
poll 5 kd_journal_has "rule defrag fired" || fail "no firing in the journal"
expect_ok journalctl -u kallocd --since "$kd_t0" -o cat KALLOC_RULE=defrag KALLOC_ACTION=fire
assert_contains "$out" "policy set tlsf"
expect_ok kallocctl plan status
assert_contains "$out" "rule defrag: cooling down until"
assert_contains "$out" "(1 times)"

step "not again within its cooldown, though the condition still holds"
expect_ok kallocctl policy set best-fit
sleep 5
assert_eq "$(active_policy)" best-fit "active policy within the cooldown"
expect_ok kallocctl -j plan status
assert_eq "$(jq -r '.rules[0].fired' <<< "$out")" 1 "firings"
assert_eq "$(jq -r '.counters.rule_firings' <<< "$out")" 1 "the rule_firings counter"
assert_eq "$(jq -r '.rules[0].state' <<< "$out")" cooling "the rule's state"

step "the rule's switch is not drift: a drift repair keeps the policy"
expect_ok kallocctl policy set tlsf
expect_ok kallocctl free load1
sleep 2
assert_eq "$(active_policy)" tlsf "active policy after a drift repair"
systemctl stop kallocd
