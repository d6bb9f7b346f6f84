// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pass_settings.c - the plan's settings ("policy default", "policy
 * active", "stats interval", "drift", "metrics textfile") are each stated
 * at most once across all files, and go into plan->set, where everything
 * after the front end reads them.
 */
#include <string.h>

#include "plan_priv.h"

enum { SET_DEFAULT, SET_ACTIVE, SET_INTERVAL, SET_DRIFT, SET_METRICS, NSET };

static const char *const set_names[NSET] = {
	"policy default", "policy active", "stats interval", "drift",
	"metrics textfile",
};

static int which(const struct kalloc_plan_stmt *st)
{
	switch (st->kind) {
	case KALLOC_PLAN_POLICY:
		return st->u.policy.which == KALLOC_PLAN_DEFAULT ? SET_DEFAULT
								 : SET_ACTIVE;
	case KALLOC_PLAN_STATS:
		return SET_INTERVAL;
	case KALLOC_PLAN_DRIFT:
		return SET_DRIFT;
	case KALLOC_PLAN_METRICS:
		return SET_METRICS;
	default:
		return -1;
	}
}

static void drift_mode(struct loader *ld, struct kalloc_plan_drift_stmt *d)
{
	if (!strcmp(d->mode.text, "repair"))
		d->drift = KALLOC_DRIFT_REPAIR;
	else if (!strcmp(d->mode.text, "report"))
		d->drift = KALLOC_DRIFT_REPORT;
	else
		plan_error(ld, &d->mode.loc,
			   "unknown drift mode \"%.*s\" (repair or report)",
			   TOKEN_QUOTE_MAX, d->mode.text);
}

static void apply(struct kalloc_plan_settings *set,
		  const struct kalloc_plan_stmt *st)
{
	switch (st->kind) {
	case KALLOC_PLAN_POLICY:
		if (st->u.policy.which == KALLOC_PLAN_DEFAULT)
			set->default_policy = st->u.policy.policy_id;
		else
			set->active_policy = st->u.policy.policy_id;
		break;
	case KALLOC_PLAN_STATS:
		set->stats_interval_ms = st->u.stats.interval_ms;
		break;
	case KALLOC_PLAN_DRIFT:
		if (st->u.drift.drift)
			set->drift = st->u.drift.drift;
		break;
	case KALLOC_PLAN_METRICS:
		set->metrics_textfile = st->u.metrics.path.text;
		break;
	default:
		break;
	}
}

void plan_pass_settings(struct loader *ld)
{
	const struct kalloc_plan_stmt *first[NSET] = { 0 };
	struct kalloc_plan *plan = ld->plan;
	struct kalloc_plan_stmt *st;
	size_t i;
	int w;

	plan->set.drift = KALLOC_DRIFT_REPAIR;
	for (i = 0; i < plan->nstmts; i++) {
		st = &plan->stmts[i];
		w = which(st);
		if (w < 0)
			continue;
		if (st->kind == KALLOC_PLAN_DRIFT)
			drift_mode(ld, &st->u.drift);
		if (first[w]) {
			plan_error(ld, &st->loc, "%s already set at %s:%u:%u",
				   set_names[w], first[w]->loc.file,
				   first[w]->loc.line, first[w]->loc.col);
			continue;
		}
		first[w] = st;
		apply(&plan->set, st);
	}
}
