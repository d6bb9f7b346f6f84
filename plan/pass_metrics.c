// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pass_metrics.c - a rule watches a metric that exists (rules.h), with a
 * policy exactly when the metric is per policy, compared with >, >=, <
 * or <= to a threshold in the metric's unit: a percentage ("30%") or a
 * size ("64M").
 */
#include <errno.h>
#include <string.h>

#include "plan_priv.h"
#include "rules.h"

static const struct { const char *text; enum kalloc_plan_op op; } ops[] = {
	{ ">", KALLOC_OP_GT }, { ">=", KALLOC_OP_GE },
	{ "<", KALLOC_OP_LT }, { "<=", KALLOC_OP_LE },
};

static void check_op(struct loader *ld, struct kalloc_plan_rule *r)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!strcmp(r->op.text, ops[i].text)) {
			r->cmp = ops[i].op;
			return;
		}
	}
	plan_error(ld, &r->op.loc, "unknown comparison \"%.*s\" (>, >=, < or <=)",
		   TOKEN_QUOTE_MAX, r->op.text);
}

static void check_threshold(struct loader *ld, struct kalloc_plan_rule *r,
			    const struct kalloc_metric_info *m)
{
	uint64_t v = 0;
	int rc;

	if (m->unit == KALLOC_UNIT_PERCENT) {
		rc = plan_parse_percent(r->threshold.text, &v);
		if (rc)
			plan_error(ld, &r->threshold.loc,
				   "%s is a percentage: expected a threshold like \"30%%\", got \"%.*s\"",
				   m->name, TOKEN_QUOTE_MAX, r->threshold.text);
	} else {
		rc = kalloc_parse_size(r->threshold.text, &v);
		if (rc || v > INT64_MAX)
			plan_error(ld, &r->threshold.loc,
				   "%s is in bytes: expected a size like \"64M\", got \"%.*s\"",
				   m->name, TOKEN_QUOTE_MAX, r->threshold.text);
	}
	r->limit = (int64_t)v;
}

static void check_rule(struct loader *ld, struct kalloc_plan_rule *r)
{
	const struct kalloc_metric_info *m;
	char names[160];

	m = kalloc_metric_find(r->metric.text, &r->metric_id);
	if (!m) {
		plan_error(ld, &r->metric.loc, "unknown metric \"%.*s\" (%s)",
			   TOKEN_QUOTE_MAX, r->metric.text,
			   kalloc_metric_names(names, sizeof(names)));
		return;
	}
	if (m->per_policy && !r->arg.text)
		plan_error(ld, &r->metric.loc,
			   "metric %s needs a policy: %s(POLICY)", m->name,
			   m->name);
	else if (!m->per_policy && r->arg.text)
		plan_error(ld, &r->arg.loc, "metric %s takes no policy",
			   m->name);
	check_op(ld, r);
	check_threshold(ld, r, m);
}

void plan_pass_metrics(struct loader *ld)
{
	struct kalloc_plan_stmt *st;
	size_t i;

	for (i = 0; i < ld->plan->nstmts; i++) {
		st = &ld->plan->stmts[i];
		if (st->kind == KALLOC_PLAN_RULE)
			check_rule(ld, &st->u.rule);
	}
}
