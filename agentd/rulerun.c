// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * rulerun.c - the plan's rules, run on every stats sample.
 *
 * The decision is the pure engine of plan/rules.c; this file keeps one
 * state per rule, runs the action of a rule that fires (POLICY_SET, with
 * MIGRATE when the rule says "migrate"), and logs and counts it. A reload
 * keeps the state of rules whose name stays, so that a reload does not
 * cut a cooldown short.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"

static const struct kalloc_rule_state *
old_state(const struct kallocd *kd, const char *name)
{
	size_t i;

	for (i = 0; i < kd->nrules; i++) {
		if (!strcmp(kd->rule_defs[i]->name.text, name))
			return &kd->rules[i];
	}
	return NULL;
}

int kd_rules_reset(struct kallocd *kd)
{
	size_t n = kalloc_plan_count(kd->plan, KALLOC_PLAN_RULE), i, k = 0;
	const struct kalloc_plan_rule **defs = calloc(n + 1, sizeof(*defs));
	struct kalloc_rule_state *st = calloc(n + 1, sizeof(*st));
	const struct kalloc_rule_state *old;

	if (!defs || !st) {
		free(defs);
		free(st);
		return -ENOMEM;
	}
	for (i = 0; i < kd->plan->nstmts; i++) {
		if (kd->plan->stmts[i].kind != KALLOC_PLAN_RULE)
			continue;
		defs[k] = &kd->plan->stmts[i].u.rule;
		old = old_state(kd, defs[k]->name.text);
		if (old)
			st[k] = *old;
		k++;
	}
	free(kd->rule_defs);
	free(kd->rules);
	kd->rule_defs = defs;
	kd->rules = st;
	kd->nrules = n;
	return 0;
}

static void fire(struct kallocd *kd, const struct kalloc_plan_rule *r,
		 const struct kalloc_rule_state *st)
{
	struct kd_logctx lc = { .kind = "RULE", .name = r->name.text,
				.action = "fire" };
	struct kalloc_policy_change pc;
	struct kalloc_err err = { 0 };
	struct kalloc_nl *nl;
	int rc;

	kd->n.rule_firings++;
	rc = kalloc_nl_open(&nl, &err);
	if (!rc) {
		rc = kalloc_policy_set(nl, r->set_policy, r->migrate, 0, &pc,
				       &err);
		kalloc_nl_close(nl);
	}
	lc.result = rc ? "failed" : "ok";
	lc.err = -rc;
	if (rc) {
		kd_log_ctx(LOG_ERR, &lc,
			   "rule %s fired (%s(%s) = %lld): policy set %s%s failed: %s",
			   r->name.text, r->metric.text,
			   r->arg.text ? r->arg.text : "", (long long)st->value,
			   r->action_policy.text, r->migrate ? " migrate" : "",
			   err.msg);
		return;
	}
	kd_log_ctx(LOG_NOTICE, &lc,
		   "rule %s fired (%s%s%s%s %s %s held): policy set %s%s: %s, %u migrated, %u unmoved; cooling down",
		   r->name.text, r->metric.text, r->arg.text ? "(" : "",
		   r->arg.text ? r->arg.text : "", r->arg.text ? ")" : "",
		   r->op.text, r->threshold.text, r->action_policy.text,
		   r->migrate ? " migrate" : "",
		   pc.changed ? "changed" : "already active", pc.migrated,
		   pc.unmoved);
}

void kd_rules_sample(struct kallocd *kd, const struct kalloc_stats *s,
		     uint64_t now_ms)
{
	struct kd_logctx lc = { .kind = "RULE", .action = "pending" };
	enum kalloc_rule_phase was;
	size_t i;

	for (i = 0; i < kd->nrules; i++) {
		was = kd->rules[i].phase;
		if (kalloc_rule_step(kd->rule_defs[i], &kd->rules[i], s, now_ms)) {
			fire(kd, kd->rule_defs[i], &kd->rules[i]);
			continue;
		}
		if (was != KALLOC_RULE_PENDING &&
		    kd->rules[i].phase == KALLOC_RULE_PENDING) {
			lc.name = kd->rule_defs[i]->name.text;
			kd_log_ctx(LOG_INFO, &lc, "rule %s: condition holds (%lld), pending",
				   lc.name, (long long)kd->rules[i].value);
		}
	}
}
