// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * check_daemon.c - the pure parts of kallocd: the rules engine fed with
 * synthetic stats streams (fire, hold, cooldown, fire again), the reconcile
 * decision (owner tags, conflicts, changes in place, settings), the
 * metrics writer (and, when installed, promtool's verdict on its output),
 * the state file kallocctl reads, and --metrics-listen's parser.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "http.h"
#include "metrics.h"
#include "plan.h"
#include "rules.h"
#include "state.h"
#include "check_run.h"

static struct kalloc_plan *load(const char *text)
{
	struct kalloc_plan_errors *errs;
	struct kalloc_plan *plan;
	const char *name = "t.plan";
	size_t i;

	if (kalloc_plan_load_texts(&name, &text, 1, &plan, &errs)) {
		char buf[512];

		for (i = 0; i < errs->n; i++)
			fprintf(stderr, "%s\n",
				kalloc_plan_error_str(&errs->v[i], buf, sizeof(buf)));
		ck_abort_msg("the plan did not load");
	}
	kalloc_plan_errors_free(errs);
	return plan;
}

static const struct kalloc_plan_rule *first_rule(const struct kalloc_plan *p)
{
	size_t i;

	for (i = 0; i < p->nstmts; i++) {
		if (p->stmts[i].kind == KALLOC_PLAN_RULE)
			return &p->stmts[i].u.rule;
	}
	ck_abort_msg("no rule");
	return NULL;
}

/* A sample where policy has fragmentation frag (hundredths of a percent). */
static struct kalloc_stats sample(uint32_t policy, uint32_t frag)
{
	struct kalloc_stats s;

	memset(&s, 0, sizeof(s));
	s.budget_limit = 1000;
	s.budget_used = 500;
	s.npolicies = 1;
	s.policies[0].policy = policy;
	s.policies[0].frag_internal = frag / 2;
	s.policies[0].frag_external = frag - frag / 2;
	return s;
}

/* ---- rules engine ------------------------------------------------------ */

static const char defrag[] =
	"rule defrag when fragmentation(best-fit) > 30% for 10s then policy set tlsf cooldown 60s\n";

START_TEST(rule_fires_after_for)
{
	struct kalloc_plan *p = load(defrag);
	const struct kalloc_plan_rule *r = first_rule(p);
	struct kalloc_rule_state st = { 0 };
	struct kalloc_stats hi = sample(KALLOC_POLICY_BEST_FIT, 3100);
	uint64_t t;

	/* Holds from t = 1000; fires at the first sample 10 s later. */
	for (t = 1000; t < 11000; t += 1000) {
		ck_assert(!kalloc_rule_step(r, &st, &hi, t));
		ck_assert_int_eq(st.phase, KALLOC_RULE_PENDING);
		ck_assert_uint_eq(st.since_ms, 1000);
	}
	ck_assert(kalloc_rule_step(r, &st, &hi, 11000));
	ck_assert_int_eq(st.phase, KALLOC_RULE_COOLING);
	ck_assert_uint_eq(st.fired, 1);
	ck_assert_uint_eq(st.fired_ms, 11000);
	ck_assert_uint_eq(st.until_ms, 71000);
	ck_assert_int_eq(st.value, 3100);
	kalloc_plan_free(p);
}
END_TEST

START_TEST(rule_hold_broken_resets)
{
	struct kalloc_plan *p = load(defrag);
	const struct kalloc_plan_rule *r = first_rule(p);
	struct kalloc_rule_state st = { 0 };
	struct kalloc_stats hi = sample(KALLOC_POLICY_BEST_FIT, 3100);
	struct kalloc_stats eq = sample(KALLOC_POLICY_BEST_FIT, 3000);
	struct kalloc_stats other = sample(KALLOC_POLICY_SLAB, 9000);

	ck_assert(!kalloc_rule_step(r, &st, &hi, 0));
	ck_assert(!kalloc_rule_step(r, &st, &hi, 9000));
	/* 30% is not > 30%: the hold breaks, the clock starts again. */
	ck_assert(!kalloc_rule_step(r, &st, &eq, 9500));
	ck_assert_int_eq(st.phase, KALLOC_RULE_IDLE);
	ck_assert(!kalloc_rule_step(r, &st, &hi, 10000));
	ck_assert(!kalloc_rule_step(r, &st, &hi, 19999));
	/* A sample without the policy fails the condition too. */
	ck_assert(!kalloc_rule_step(r, &st, &other, 20000));
	ck_assert(!st.have_value);
	ck_assert_int_eq(st.phase, KALLOC_RULE_IDLE);
	ck_assert_uint_eq(st.fired, 0);
	kalloc_plan_free(p);
}
END_TEST

START_TEST(rule_cooldown_then_again)
{
	struct kalloc_plan *p = load(defrag);
	const struct kalloc_plan_rule *r = first_rule(p);
	struct kalloc_rule_state st = { 0 };
	struct kalloc_stats hi = sample(KALLOC_POLICY_BEST_FIT, 5000);
	uint64_t t, fired_at = 0;

	/* A condition that always holds, sampled every second for 3 min. */
	for (t = 0; t <= 180000; t += 1000) {
		if (kalloc_rule_step(r, &st, &hi, t)) {
			ck_assert(!fired_at || t - fired_at >= 60000 + 10000);
			fired_at = t;
		}
	}
	/* 10 s, then 60 s cooldown + 10 s hold, twice more. */
	ck_assert_uint_eq(st.fired, 3);
	ck_assert_uint_eq(st.fired_ms, 150000);
	kalloc_plan_free(p);
}
END_TEST

START_TEST(rule_for_zero_and_budget)
{
	struct kalloc_plan *p = load("rule b when budget_used >= 50% then policy set slab cooldown 0s\n");
	const struct kalloc_plan_rule *r = first_rule(p);
	struct kalloc_rule_state st = { 0 };
	struct kalloc_stats s = sample(KALLOC_POLICY_SLAB, 0);

	ck_assert(kalloc_rule_step(r, &st, &s, 5));
	ck_assert(kalloc_rule_step(r, &st, &s, 6));
	s.budget_used = 499;
	ck_assert(!kalloc_rule_step(r, &st, &s, 7));
	ck_assert_uint_eq(st.fired, 2);
	kalloc_plan_free(p);
}
END_TEST

/* ---- reconcile decision ------------------------------------------------- */

static struct kalloc_buffer_info buf(const char *name, uint64_t size,
				     uint32_t policy, const char *owner)
{
	struct kalloc_buffer_info b;

	memset(&b, 0, sizeof(b));
	snprintf(b.name, sizeof(b.name), "%s", name);
	snprintf(b.owner, sizeof(b.owner), "%s", owner);
	b.size = size;
	b.policy = policy;
	return b;
}

static const struct kalloc_change *find(const struct kalloc_changes *c,
					const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (!strcmp(c->v[i].name, name))
			return &c->v[i];
	}
	ck_abort_msg("no change for %s", name);
	return NULL;
}

static const char *line(const struct kalloc_change *c)
{
	static char b[256];

	return kalloc_change_str(c, b, sizeof(b));
}

START_TEST(diff_by_owner_tag)
{
	struct kalloc_plan *p = load(
		"policy default tlsf\n"
		"policy active slab\n"
		"alloc keep 4K\n"
		"alloc grow 8K\n"
		"buffer move size 4K policy buddy\n"
		"alloc taken 4K\n"
		"alloc untagged 4K\n"
		"buffer new size 1M fill 0xab\n");
	const struct kalloc_buffer_info cur[] = {
		buf("keep", 4096, KALLOC_POLICY_TLSF, "kallocd"),
		buf("grow", 4096, KALLOC_POLICY_TLSF, "kallocd"),
		buf("move", 4096, KALLOC_POLICY_TLSF, "kallocd"),
		buf("taken", 4096, KALLOC_POLICY_TLSF, "user"),
		buf("untagged", 4096, KALLOC_POLICY_TLSF, ""),
		buf("stale", 1024, KALLOC_POLICY_TLSF, "kallocd"),
		buf("theirs", 1024, KALLOC_POLICY_TLSF, "user"),
	};
	struct kalloc_world w = { .bufs = cur, .nbufs = 7,
				  .active_policy = KALLOC_POLICY_KMALLOC,
				  .stats_interval_ms = 1000 };
	struct kalloc_diff_opts o = { .settings = true };
	struct kalloc_changes c;

	ck_assert_int_eq(kalloc_plan_diff(p, &w, &o, &c), 0);
	/* Deletions first, then settings, then the plan in order. */
	ck_assert_str_eq(line(&c.v[0]), "- buffer stale size 1K");
	ck_assert_str_eq(line(&c.v[1]), "~ policy active kmalloc -> slab");
	ck_assert_int_eq(find(&c, "keep")->op, KALLOC_CH_KEEP);
	ck_assert_str_eq(line(find(&c, "grow")), "~ buffer grow size 4K -> 8K");
	ck_assert_str_eq(line(find(&c, "move")), "~ buffer move policy tlsf -> buddy");
	ck_assert_str_eq(line(find(&c, "taken")), "! buffer taken owned by user: left alone");
	ck_assert_str_eq(line(find(&c, "untagged")),
			 "! buffer untagged has no owner tag: left alone");
	ck_assert_str_eq(line(find(&c, "new")),
			 "+ buffer new size 1M policy tlsf fill 0xab");
	ck_assert_uint_eq(c.count['+'], 1);
	ck_assert_uint_eq(c.count['-'], 1);
	ck_assert_uint_eq(c.count['~'], 3);
	ck_assert_uint_eq(c.count['!'], 2);
	ck_assert_uint_eq(c.count['='], 1);
	ck_assert_uint_eq(kalloc_changes_pending(&c), 7);
	kalloc_changes_free(&c);

	/* A drift check leaves the active policy to the rules. */
	o.settings = false;
	ck_assert_int_eq(kalloc_plan_diff(p, &w, &o, &c), 0);
	ck_assert_uint_eq(c.count['~'], 2);
	kalloc_changes_free(&c);
	kalloc_plan_free(p);
}
END_TEST

START_TEST(diff_no_changes_and_empty)
{
	struct kalloc_plan *p = load("alloc a 1K\nstats interval 1s\n");
	const struct kalloc_buffer_info cur[] = {
		buf("a", 1024, KALLOC_POLICY_KMALLOC, "kallocd"),
	};
	struct kalloc_world w = { .bufs = cur, .nbufs = 1,
				  .stats_interval_ms = 1000 };
	struct kalloc_diff_opts o = { .settings = true };
	struct kalloc_changes c;

	/* No policy anywhere in the plan: the buffer's is not compared. */
	ck_assert_int_eq(kalloc_plan_diff(p, &w, &o, &c), 0);
	ck_assert_uint_eq(kalloc_changes_pending(&c), 0);
	kalloc_changes_free(&c);
	w.stats_interval_ms = 500;
	ck_assert_int_eq(kalloc_plan_diff(p, &w, &o, &c), 0);
	ck_assert_str_eq(line(&c.v[0]), "~ stats interval 500ms -> 1000ms");
	kalloc_changes_free(&c);
	/* An empty plan deletes kallocd's objects and nothing else. */
	ck_assert_int_eq(kalloc_plan_diff(NULL, &w, &o, &c), 0);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_int_eq(c.v[0].op, KALLOC_CH_DELETE);
	kalloc_changes_free(&c);
	kalloc_plan_free(p);
}
END_TEST

START_TEST(diff_vdevs)
{
	struct kalloc_plan *p = load("vdev d0 size 4K timer 1ms enable irq-enable\n"
				     "vdev d1 size 8K\n"
				     "vdev d2\n");
	const struct kalloc_vdev_cur cur[] = {
		{ "d0", "kallocd", 4096, 0x3, 0 },
		{ "d1", "kallocd", 8192, 0x0, 0 },
		{ "old", "kallocd", 4096, 0x3, 0 },
	};
	struct kalloc_world w = { .vdevs = cur, .nvdevs = 3, .have_vdevs = true };
	struct kalloc_changes c;

	ck_assert_int_eq(kalloc_plan_diff(p, &w, NULL, &c), 0);
	ck_assert_str_eq(line(&c.v[0]), "- vdev old size 4K");
	ck_assert_str_eq(line(find(&c, "d0")),
			 "~ vdev d0 control 0x3 -> 0x7, timer 0ns -> 1000000ns");
	ck_assert_int_eq(find(&c, "d1")->op, KALLOC_CH_KEEP);
	ck_assert_str_eq(line(find(&c, "d2")), "+ vdev d2 size 4K");
	kalloc_changes_free(&c);
	/* A module without devices: reported, never attempted. */
	w.have_vdevs = false;
	ck_assert_int_eq(kalloc_plan_diff(p, &w, NULL, &c), 0);
	ck_assert_str_eq(line(find(&c, "d0")),
			 "! vdev d0: this kalloc has no virtual devices: left alone");
	kalloc_changes_free(&c);
	kalloc_plan_free(p);
}
END_TEST

START_TEST(diff_seventy_thousand)
{
	const size_t n = 70000;
	struct kalloc_buffer_info *cur = calloc(n, sizeof(*cur));
	char *text = malloc(n * 24 + 1), *t = text;
	struct kalloc_world w = { .bufs = cur, .nbufs = n };
	struct kalloc_changes c;
	struct kalloc_plan *p;
	size_t i;

	for (i = 0; i < n; i++) {
		t += sprintf(t, "alloc b%06zu 4K\n", i);
		cur[i] = buf("", 4096, 1, "kallocd");
		snprintf(cur[i].name, sizeof(cur[i].name), "b%06zu", n - 1 - i);
	}
	p = load(text);
	ck_assert_int_eq(kalloc_plan_diff(p, &w, NULL, &c), 0);
	ck_assert_uint_eq(c.count['='], n);
	kalloc_changes_free(&c);
	kalloc_plan_free(p);
	free(text);
	free(cur);
}
END_TEST

/* ---- metrics ----------------------------------------------------------- */

static char *metrics_text(void)
{
	struct kd_counters n = { .reconciles = 3, .drift_repairs = 1,
				 .rule_firings = 2, .plan_errors = 1 };
	struct kd_rule_metric rules[] = { { "defrag", 2, "cooling" } };
	struct kalloc_stats s = sample(KALLOC_POLICY_BEST_FIT, 3100);
	struct kd_metrics_in in = { .stats = &s, .n = &n, .rules = rules,
				    .nrules = 1, .family = true,
				    .last_reconcile = 1700000000 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	snprintf(s.policies[0].name, sizeof(s.policies[0].name), "best-fit");
	s.policies[0].allocs = 10;
	s.system.present = true;
	s.system.pgfault = 77;
	s.system.nzones = 1;
	s.system.zones[0].norders = 2;
	s.system.zones[0].free_area[1] = 5;
	snprintf(s.system.zones[0].name, sizeof(s.system.zones[0].name), "Normal");
	s.telemetry.present = true;
	s.telemetry.interval_ms = 250;
	ck_assert_int_eq(kd_metrics_write(f, &in), 0);
	fclose(f);
	return text;
}

START_TEST(metrics_content)
{
	char *text = metrics_text();

	ck_assert_ptr_nonnull(strstr(text,
		"# TYPE kalloc_policy_allocations_total counter\n"
		"kalloc_policy_allocations_total{policy=\"best-fit\"} 10\n"));
	ck_assert_ptr_nonnull(strstr(text,
		"kalloc_policy_fragmentation_internal_ratio{policy=\"best-fit\"} 0.1550\n"));
	ck_assert_ptr_nonnull(strstr(text, "kalloc_budget_used_bytes 500\n"));
	ck_assert_ptr_nonnull(strstr(text, "kalloc_system_page_faults_total 77\n"));
	ck_assert_ptr_nonnull(strstr(text,
		"kalloc_zone_free_blocks{node=\"0\",zone=\"Normal\",order=\"1\"} 5\n"));
	ck_assert_ptr_nonnull(strstr(text, "kalloc_stats_interval_seconds 0.250\n"));
	ck_assert_ptr_nonnull(strstr(text, "kallocd_reconciles_total 3\n"));
	ck_assert_ptr_nonnull(strstr(text, "kallocd_drift_repairs_total 1\n"));
	ck_assert_ptr_nonnull(strstr(text, "kallocd_plan_errors_total 1\n"));
	ck_assert_ptr_nonnull(strstr(text,
		"kallocd_rule_firings_total{rule=\"defrag\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(text,
		"kallocd_last_reconcile_timestamp_seconds 1700000000\n"));
	free(text);
}
END_TEST

START_TEST(metrics_promtool)
{
	char path[] = "/tmp/check_metrics.XXXXXX", cmd[256];
	char *text = metrics_text();
	int fd = mkstemp(path);
	struct kd_metrics_in in = { 0 };
	struct kd_counters n = { 0 };
	FILE *f;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	free(text);
	if (system("command -v promtool > /dev/null 2>&1")) {
		fprintf(stderr, "promtool missing (make deps): skipped\n");
	} else {
		snprintf(cmd, sizeof(cmd), "promtool check metrics < %s", path);
		ck_assert_int_eq(system(cmd), 0);
	}
	/* The textfile is replaced atomically and leaves no temporary file. */
	in.n = &n;
	ck_assert_int_eq(kd_metrics_textfile(path, &in), 0);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fgetc(f), '#');
	fclose(f);
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls %s.*.tmp 2>/dev/null)\"", path);
	ck_assert_int_eq(system(cmd), 0);
	unlink(path);
}
END_TEST

/* ---- state file and listen addresses ---------------------------------- */

START_TEST(state_round_trip)
{
	char path[] = "/tmp/check_state.XXXXXX";
	struct kalloc_state_rule r = { "defrag", "cooling", 0, 1700000100,
				       1700000040, 2, true, 3100 };
	struct kalloc_state s = { .pid = 42, .updated = 1700000050,
				  .family = true, .ncounters = 1,
				  .last_reconcile = 1700000000,
				  .last_result = "ok", .status = "all good here",
				  .nrules = 1, .rules = &r };
	struct kalloc_state back;
	int fd = mkstemp(path);

	close(fd);
	snprintf(s.counters[0].name, sizeof(s.counters[0].name), "reconciles");
	s.counters[0].value = 7;
	ck_assert_int_eq(kalloc_state_write(path, &s), 0);
	ck_assert_int_eq(kalloc_state_read(path, &back), 0);
	ck_assert_int_eq(back.pid, 42);
	ck_assert(back.family);
	ck_assert_str_eq(back.status, "all good here");
	ck_assert_str_eq(back.last_result, "ok");
	ck_assert_uint_eq(back.counters[0].value, 7);
	ck_assert_uint_eq(back.nrules, 1);
	ck_assert_str_eq(back.rules[0].phase, "cooling");
	ck_assert_int_eq(back.rules[0].until, 1700000100);
	ck_assert_int_eq(back.rules[0].value, 3100);
	kalloc_state_free(&back);
	unlink(path);
	ck_assert_int_eq(kalloc_state_read(path, &back), -ENOENT);
}
END_TEST

START_TEST(listen_addresses)
{
	struct sockaddr_in6 sa;
	unsigned int len;
	const char *why;

	ck_assert_int_eq(kd_http_parse_listen("127.0.0.1:9471", &sa, &len, &why), 0);
	ck_assert_int_eq(((struct sockaddr_in *)&sa)->sin_port, htons(9471));
	ck_assert_int_eq(kd_http_parse_listen("9471", &sa, &len, &why), 0);
	ck_assert_int_eq(kd_http_parse_listen("[::1]:80", &sa, &len, &why), 0);
	ck_assert_int_eq(sa.sin6_family, AF_INET6);
	ck_assert_int_eq(kd_http_parse_listen("0.0.0.0:9471", &sa, &len, &why), -EINVAL);
	ck_assert_str_eq(why, "not a loopback address (127.0.0.0/8 or ::1)");
	ck_assert_int_eq(kd_http_parse_listen("10.0.0.1:9471", &sa, &len, &why), -EINVAL);
	ck_assert_int_eq(kd_http_parse_listen("[::]:9471", &sa, &len, &why), -EINVAL);
	ck_assert_int_eq(kd_http_parse_listen("localhost:9471", &sa, &len, &why), -EINVAL);
	ck_assert_int_eq(kd_http_parse_listen("127.0.0.1:0", &sa, &len, &why), -EINVAL);
	ck_assert_int_eq(kd_http_parse_listen("127.0.0.1:65536", &sa, &len, &why), -EINVAL);
}
END_TEST

static Suite *daemon_suite(void)
{
	Suite *s = suite_create("daemon");
	TCase *rules = tcase_create("rules");
	TCase *diff = tcase_create("diff");
	TCase *out = tcase_create("outputs");

	tcase_add_test(rules, rule_fires_after_for);
	tcase_add_test(rules, rule_hold_broken_resets);
	tcase_add_test(rules, rule_cooldown_then_again);
	tcase_add_test(rules, rule_for_zero_and_budget);
	tcase_add_test(diff, diff_by_owner_tag);
	tcase_add_test(diff, diff_no_changes_and_empty);
	tcase_add_test(diff, diff_vdevs);
	tcase_add_test(diff, diff_seventy_thousand);
	tcase_set_timeout(diff, 30);
	tcase_set_timeout(out, 30);
	tcase_add_test(out, metrics_content);
	tcase_add_test(out, metrics_promtool);
	tcase_add_test(out, state_round_trip);
	tcase_add_test(out, listen_addresses);
	suite_add_tcase(s, rules);
	suite_add_tcase(s, diff);
	suite_add_tcase(s, out);
	return s;
}

int main(void)
{
	return kalloc_check_run(daemon_suite());
}
