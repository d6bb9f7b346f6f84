// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * passes.c - the semantic passes of the plan language, in order.
 *
 * Each pass walks the statements of every file of a load at once, so a
 * pass can say "already defined at 00-base.plan:1:7". A pass interprets
 * what the parser kept as text, or checks what needs more than one
 * statement; it reports every problem it finds and goes on, so one load
 * reports all of them. Order matters only where a pass uses what an
 * earlier one filled in: units before budget and from, refs before
 * metrics (a rule's policy), settings before budget (the default policy).
 */
#include "plan_priv.h"

static const struct pass {
	const char *name;
	void (*run)(struct loader *ld);
} passes[] = {
	{ "names", plan_pass_names },
	{ "units", plan_pass_units },
	{ "refs", plan_pass_refs },
	{ "metrics", plan_pass_metrics },
	{ "duplicates", plan_pass_dups },
	{ "settings", plan_pass_settings },
	{ "budget", plan_pass_budget },
	{ "from", plan_pass_from },
};

void plan_run_passes(struct loader *ld)
{
	size_t i;

	for (i = 0; i < sizeof(passes) / sizeof(passes[0]) && !ld->oom; i++)
		passes[i].run(ld);
}
