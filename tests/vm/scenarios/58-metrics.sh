#!/bin/bash
# needs: systemd
# Prometheus metrics: the node_exporter textfile (--metrics-textfile via
# /etc/default/kallocd) and the HTTP endpoint (--metrics-listen, with the
# shipped drop-in) pass promtool check metrics and agree with kallocctl.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

metric() {
	awk -v m="$2" '$1 == m { print $2 }' "$1"
}

cleanup() {
	systemctl stop kallocd
	rm -rf /etc/systemd/system/kallocd.service.d /etc/default/kallocd "$T"
	systemctl daemon-reload
}
trap cleanup EXIT

fresh_plan
command -v promtool > /dev/null || fail "promtool is missing (make deps)"
tf=/var/lib/prometheus/node-exporter/kalloc.prom
mkdir -p "${tf%/*}"
rm -f "$tf"
printf 'stats interval 200ms\nalloc web0 4K\nbuffer web1 size 64K policy slab\n' > "$PLAN_D/10.plan"
printf 'rule r when budget_used > 99%% then policy set slab\n' >> "$PLAN_D/10.plan"
printf 'KALLOCD_OPTS="--metrics-textfile %s --metrics-listen 127.0.0.1:9471"\n' "$tf" > /etc/default/kallocd
mkdir -p /etc/systemd/system/kallocd.service.d
cp /usr/local/share/doc/kalloc/examples/kallocd-http.conf /etc/systemd/system/kallocd.service.d/http.conf
systemctl daemon-reload
expect_ok systemctl start kallocd

step "the textfile, atomically replaced, passes promtool"
poll 10 test -s "$tf" || fail "no $tf"
sleep 1
cp "$tf" "$T/t.prom"
expect_ok promtool check metrics < "$T/t.prom"
ls -l "$tf"
for f in "${tf%/*}"/*; do
	[[ "$f" == *.prom ]] || fail "a temporary file left beside $tf: $f"
done

step "the HTTP endpoint on loopback passes promtool"
expect_ok curl -fsS -o "$T/h.prom" http://127.0.0.1:9471/metrics
expect_ok promtool check metrics < "$T/h.prom"
run curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9471/nope
assert_eq "$out" 404 "status of another path"

step "they agree with kallocctl stats"
stats=$(kallocctl -j stats)
assert_eq "$(metric "$T/h.prom" kalloc_buffers)" "$(jq .buffers <<< "$stats")" "kalloc_buffers"
assert_eq "$(metric "$T/h.prom" kalloc_budget_used_bytes)" "$(jq .budget_used <<< "$stats")" "budget used"
assert_eq "$(metric "$T/h.prom" 'kalloc_policy_live_bytes{policy="slab"}')" \
	"$(jq '.policies[] | select(.policy == "slab") | .live_bytes' <<< "$stats")" "slab's live bytes"
assert_eq "$(metric "$T/t.prom" kalloc_buffers)" "$(jq .buffers <<< "$stats")" "textfile kalloc_buffers"
for m in kallocd_reconciles_total kallocd_drift_repairs_total kallocd_resyncs_total \
	 kallocd_plan_errors_total 'kallocd_rule_firings_total{rule="r"}' \
	 kalloc_system_page_faults_total; do
	[ -n "$(metric "$T/h.prom" "$m")" ] || fail "no $m"
done

step "the default unit keeps AF_INET out"
rm -rf /etc/systemd/system/kallocd.service.d
systemctl daemon-reload
expect_ok systemctl restart kallocd
sleep 1
run curl -s -o /dev/null http://127.0.0.1:9471/metrics
[ "$rc" -ne 0 ] || fail "HTTP served without the drop-in"
kd_since
run journalctl -u kallocd -n 20 --no-pager -o cat
assert_contains "$out" "--metrics-listen 127.0.0.1:9471: cannot listen there"
assert_eq "$(systemctl is-active kallocd)" active "kallocd without its HTTP endpoint"
systemctl stop kallocd
rm -f /etc/default/kallocd
