/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * rules.h - the metrics a plan's rules may watch, and the rules engine.
 *
 * Metrics. Each is read from one STATS_GET reply (or stats group
 * message), struct kalloc_stats, in a unit: percentages in hundredths of
 * a percent, bytes in bytes. fragmentation(P) is policy P's live
 * fragmentation as the uapi defines it (KALLOC_CMD_STATS_GET, and
 * docs/allocators.md, "Fragmentation"): internal + external, i.e.
 * (footprint - asked) / asked over the bytes asked of P, where internal =
 * usable / asked - 1 and external = (footprint - usable) / asked. It is
 * 0 with nothing live.
 *
 * The engine is a pure function of (rule, state, sample, time): it keeps
 * no clock and does no I/O, so that unit tests feed it synthetic streams.
 * For each rule and each stats sample at time now (milliseconds on any
 * monotonic clock):
 *
 *   cooling  now < cooldown_until: nothing is evaluated
 *   idle     the condition holds: pending since now (fires at once when
 *            "for" is 0)
 *   pending  the condition fails: idle; it has held for "for": fire
 *   fire     the caller runs the action; the rule is cooling until
 *            now + cooldown, then idle again: after its cooldown a rule
 *            whose condition still holds for its "for" fires again.
 *
 * A sample without the metric (the policy is not in it) fails the
 * condition.
 */
#ifndef KALLOC_PLAN_RULES_H
#define KALLOC_PLAN_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "plan.h"

enum kalloc_metric_unit { KALLOC_UNIT_PERCENT = 1, KALLOC_UNIT_BYTES };

enum kalloc_metric {
	KALLOC_METRIC_FRAGMENTATION,
	KALLOC_METRIC_FRAG_INTERNAL,
	KALLOC_METRIC_FRAG_EXTERNAL,
	KALLOC_METRIC_LIVE_BYTES,
	KALLOC_METRIC_BUDGET_USED,
	KALLOC_METRIC_COUNT
};

struct kalloc_metric_info {
	const char *name;		/* as a rule writes it */
	bool per_policy;		/* takes (POLICY) */
	enum kalloc_metric_unit unit;
	const char *help;
};

/* The metric named name, or NULL. */
const struct kalloc_metric_info *kalloc_metric_find(const char *name,
						    int *id);
const struct kalloc_metric_info *kalloc_metric_info(int id);
/* "fragmentation, ..." for messages. */
const char *kalloc_metric_names(char *buf, size_t len);
/* The metric's value in s; false if s does not have it. */
bool kalloc_metric_value(int id, uint32_t policy,
			 const struct kalloc_stats *s, int64_t *value);

enum kalloc_rule_phase {
	KALLOC_RULE_IDLE,
	KALLOC_RULE_PENDING,
	KALLOC_RULE_COOLING,
};

struct kalloc_rule_state {
	enum kalloc_rule_phase phase;
	uint64_t since_ms;		/* PENDING: since when it holds */
	uint64_t until_ms;		/* COOLING: until when */
	uint64_t fired_ms;		/* the last firing (fired > 0) */
	uint64_t fired;			/* how many times */
	bool have_value;
	int64_t value;			/* the last sample's value */
};

/* Whether the rule's condition holds for value. */
bool kalloc_rule_holds(const struct kalloc_plan_rule *r, int64_t value);
/*
 * One sample at now_ms: updates st, returns true when the rule fires
 * (the caller runs its action; st already counts the firing).
 */
bool kalloc_rule_step(const struct kalloc_plan_rule *r,
		      struct kalloc_rule_state *st,
		      const struct kalloc_stats *s, uint64_t now_ms);

const char *kalloc_rule_phase_name(enum kalloc_rule_phase p);

#endif /* KALLOC_PLAN_RULES_H */
