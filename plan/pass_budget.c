// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pass_budget.c - the plan's buffers fit the module's byte budget, when
 * the caller could read it (struct kalloc_plan_env, from the module's
 * "budget" parameter). The budget charges the size asked for, whatever
 * the policy, so the check is the sum of the planned sizes; buffers of
 * other owners share the budget too, but come and go, so they are the
 * reconcile's business (ENOSPC), not the plan's. The error points at the
 * first buffer that no longer fits.
 */
#include <inttypes.h>

#include "plan_priv.h"

void plan_pass_budget(struct loader *ld)
{
	const struct kalloc_plan_buffer *b;
	uint64_t total = 0, budget = ld->env.budget;
	size_t i;

	if (!ld->env.have_budget)
		return;
	for (i = 0; i < ld->plan->nstmts; i++) {
		if (ld->plan->stmts[i].kind != KALLOC_PLAN_BUFFER)
			continue;
		b = &ld->plan->stmts[i].u.buffer;
		total += b->bytes;
		if (total > budget) {
			plan_error(ld, &b->size.loc,
				   "buffer %s brings the plan to %" PRIu64 " bytes, over the module's budget of %" PRIu64 " bytes",
				   b->name.text, total, budget);
			return;
		}
	}
}
