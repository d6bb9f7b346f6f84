// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * rules.c - the metrics rules watch and the rules engine (rules.h).
 */
#include <stdio.h>
#include <string.h>

#include "rules.h"

static const struct kalloc_metric_info metrics[KALLOC_METRIC_COUNT] = {
	[KALLOC_METRIC_FRAGMENTATION] = { "fragmentation", true,
		KALLOC_UNIT_PERCENT, "internal + external fragmentation" },
	[KALLOC_METRIC_FRAG_INTERNAL] = { "fragmentation_internal", true,
		KALLOC_UNIT_PERCENT, "internal fragmentation" },
	[KALLOC_METRIC_FRAG_EXTERNAL] = { "fragmentation_external", true,
		KALLOC_UNIT_PERCENT, "external fragmentation" },
	[KALLOC_METRIC_LIVE_BYTES] = { "live_bytes", true,
		KALLOC_UNIT_BYTES, "bytes of the policy's live buffers" },
	[KALLOC_METRIC_BUDGET_USED] = { "budget_used", false,
		KALLOC_UNIT_PERCENT, "share of the module's budget in use" },
};

const struct kalloc_metric_info *kalloc_metric_find(const char *name, int *id)
{
	int i;

	for (i = 0; i < KALLOC_METRIC_COUNT; i++) {
		if (!strcmp(metrics[i].name, name)) {
			*id = i;
			return &metrics[i];
		}
	}
	return NULL;
}

const struct kalloc_metric_info *kalloc_metric_info(int id)
{
	return id >= 0 && id < KALLOC_METRIC_COUNT ? &metrics[id] : NULL;
}

const char *kalloc_metric_names(char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < KALLOC_METRIC_COUNT && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s",
				 i ? (i + 1 == KALLOC_METRIC_COUNT ? " or " : ", ") : "",
				 metrics[i].name);
	return buf;
}

static const struct kalloc_pstats *find_policy(const struct kalloc_stats *s,
					       uint32_t policy)
{
	size_t i;

	for (i = 0; i < s->npolicies; i++) {
		if (s->policies[i].policy == policy)
			return &s->policies[i];
	}
	return NULL;
}

bool kalloc_metric_value(int id, uint32_t policy,
			 const struct kalloc_stats *s, int64_t *value)
{
	const struct kalloc_pstats *p = NULL;

	if (metrics[id].per_policy) {
		p = find_policy(s, policy);
		if (!p)
			return false;
	}
	switch (id) {
	case KALLOC_METRIC_FRAGMENTATION:
		*value = (int64_t)p->frag_internal + p->frag_external;
		return true;
	case KALLOC_METRIC_FRAG_INTERNAL:
		*value = p->frag_internal;
		return true;
	case KALLOC_METRIC_FRAG_EXTERNAL:
		*value = p->frag_external;
		return true;
	case KALLOC_METRIC_LIVE_BYTES:
		*value = (int64_t)p->live_bytes;
		return true;
	case KALLOC_METRIC_BUDGET_USED:
		if (!s->budget_limit)
			return false;
		*value = (int64_t)(s->budget_used * 10000 / s->budget_limit);
		return true;
	}
	return false;
}

bool kalloc_rule_holds(const struct kalloc_plan_rule *r, int64_t value)
{
	switch (r->cmp) {
	case KALLOC_OP_GT:
		return value > r->limit;
	case KALLOC_OP_GE:
		return value >= r->limit;
	case KALLOC_OP_LT:
		return value < r->limit;
	case KALLOC_OP_LE:
		return value <= r->limit;
	}
	return false;
}

static bool fire(const struct kalloc_plan_rule *r,
		 struct kalloc_rule_state *st, uint64_t now_ms)
{
	st->phase = KALLOC_RULE_COOLING;
	st->until_ms = now_ms + r->cooldown_ms;
	st->fired_ms = now_ms;
	st->fired++;
	return true;
}

bool kalloc_rule_step(const struct kalloc_plan_rule *r,
		      struct kalloc_rule_state *st,
		      const struct kalloc_stats *s, uint64_t now_ms)
{
	bool holds;

	st->have_value = kalloc_metric_value(r->metric_id, r->arg_policy, s,
					     &st->value);
	if (st->phase == KALLOC_RULE_COOLING) {
		if (now_ms < st->until_ms)
			return false;
		st->phase = KALLOC_RULE_IDLE;
	}
	holds = st->have_value && kalloc_rule_holds(r, st->value);
	if (!holds) {
		st->phase = KALLOC_RULE_IDLE;
		return false;
	}
	if (st->phase == KALLOC_RULE_IDLE) {
		st->phase = KALLOC_RULE_PENDING;
		st->since_ms = now_ms;
	}
	if (now_ms - st->since_ms >= r->for_ms)
		return fire(r, st, now_ms);
	return false;
}

const char *kalloc_rule_phase_name(enum kalloc_rule_phase p)
{
	switch (p) {
	case KALLOC_RULE_IDLE:
		return "idle";
	case KALLOC_RULE_PENDING:
		return "pending";
	case KALLOC_RULE_COOLING:
		return "cooling";
	}
	return "?";
}
