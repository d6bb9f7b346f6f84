#!/bin/bash
# Telemetry, bad input: a stats interval of 0, below the minimum (10 ms)
# or above the maximum (1 h) is refused by the kernel (ERANGE, its
# extended ACK naming the attribute) and changes nothing; the bounds
# themselves are taken; an unprivileged STATS_SET is refused (EPERM);
# joining a group the family does not have fails by name (the family
# lists events, perf and stats, nothing else); joining "perf" needs
# CAP_NET_ADMIN (EPERM, and kallocctl says so), while "events" and
# "stats" are open to everyone.
# shellcheck source=../lib.sh
. "$KALLOC_VM_LIB"

fresh_module

step "intervals out of range: refused by the kernel, nothing changes"
for bad in 0 9ms 3600001ms 2h; do
	expect_fail_with "integer out of range (attribute interval_ms)" 1 \
		kallocctl stats interval "$bad"
done
assert_eq "$(telemetry interval_ms)" 1000 "interval_ms after the refusals"
expect_fail_with 'invalid interval "4294967296ms": too long' 2 \
	kallocctl stats interval 4294967296ms

step "the bounds are taken"
expect_ok kallocctl stats interval 10ms
assert_eq "$(telemetry interval_ms)" 10 "the minimum"
expect_ok kallocctl stats interval 1h
assert_eq "$(telemetry interval_ms)" 3600000 "the maximum"
expect_ok kallocctl stats interval 1
assert_eq "$(telemetry interval_ms)" 1000 "back to 1 s"

step "an unprivileged STATS_SET is refused"
expect_fail_with "Operation not permitted" 1 as_nobody kallocctl stats interval 100ms
assert_eq "$(telemetry interval_ms)" 1000 "interval_ms after nobody's try"

step "joining a group the family does not have"
run genl_join nosuch
assert_eq "$rc" 2 "the raw join's exit status"
assert_contains "$out" "groups: events perf stats" "the family's groups"
assert_contains "$out" "no such group"
run genl_join events
assert_eq "$rc" 0 "the raw join of events"

step "joining perf needs CAP_NET_ADMIN; events and stats do not"
run genl_join perf as_nobody
assert_eq "$rc" 1 "nobody's raw join of perf"
assert_contains "$out" "EPERM"
run genl_join stats as_nobody
assert_eq "$rc" 0 "nobody's raw join of stats"
expect_fail_with 'joining the kalloc group "perf" needs CAP_NET_ADMIN' 1 \
	as_nobody kallocctl monitor perf
expect_fail_with 'joining the kalloc group "perf" needs CAP_NET_ADMIN' 1 \
	as_nobody kallocctl monitor events perf count 1
assert_eq "$(telemetry perf_active)" false "perf recording after the refusals"
expect_ok timeout 20 "${NOBODY[@]}" kallocctl monitor events stats count 1
assert_contains "$out" "[STATS]"
