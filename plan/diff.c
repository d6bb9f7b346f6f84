// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * diff.c - the reconcile decision: what kallocd must do so that the
 * kernel holds a plan, given what the kernel holds and what kallocd owns.
 * A pure function of its inputs (see plan.h for the rules); kallocd's
 * reconcile.c carries the actions out.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_priv.h"

static bool name_in(const char *name, const char *const *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcmp(set[i], name))
			return true;
	}
	return false;
}

static const struct kalloc_buffer_info *
find_buffer(const struct kalloc_buffer_info *cur, size_t ncur, const char *name)
{
	size_t i;

	for (i = 0; i < ncur; i++) {
		if (!strcmp(cur[i].name, name))
			return &cur[i];
	}
	return NULL;
}

static bool planned(const struct kalloc_plan *plan, const char *name)
{
	return plan && plan_find_alloc(plan, name, plan->nstmts);
}

static void set_action(struct kalloc_plan_action *a, enum kalloc_plan_act act,
		       const char *name, uint64_t size, uint64_t cur_size,
		       const struct kalloc_plan_stmt *stmt)
{
	a->act = act;
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->size = size;
	a->cur_size = cur_size;
	a->stmt = stmt;
}

static enum kalloc_plan_act decide(const struct kalloc_buffer_info *b,
				   uint64_t size, bool owned)
{
	if (!b)
		return KALLOC_ACT_CREATE;
	if (b->size == size)
		return owned ? KALLOC_ACT_KEEP : KALLOC_ACT_ADOPT;
	return owned ? KALLOC_ACT_RECREATE : KALLOC_ACT_CONFLICT;
}

int kalloc_plan_diff(const struct kalloc_plan *plan,
		     const struct kalloc_buffer_info *cur, size_t ncur,
		     const char *const *owned, size_t nowned,
		     struct kalloc_plan_action **actsp, size_t *nactsp)
{
	size_t nstmts = plan ? plan->nstmts : 0, i, n = 0;
	const struct kalloc_plan_alloc *a;
	const struct kalloc_buffer_info *b;
	struct kalloc_plan_action *v;

	v = calloc(ncur + nowned + nstmts + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < ncur; i++) {
		if (name_in(cur[i].name, owned, nowned) &&
		    !planned(plan, cur[i].name))
			set_action(&v[n++], KALLOC_ACT_DELETE, cur[i].name, 0,
				   cur[i].size, NULL);
	}
	for (i = 0; i < nowned; i++) {
		if (!planned(plan, owned[i]) && !find_buffer(cur, ncur, owned[i]))
			set_action(&v[n++], KALLOC_ACT_FORGET, owned[i], 0, 0,
				   NULL);
	}
	for (i = 0; i < nstmts; i++) {
		if (plan->stmts[i].kind != KALLOC_PLAN_ALLOC)
			continue;
		a = &plan->stmts[i].u.alloc;
		b = find_buffer(cur, ncur, a->name);
		set_action(&v[n++],
			   decide(b, a->size, name_in(a->name, owned, nowned)),
			   a->name, a->size, b ? b->size : 0, &plan->stmts[i]);
	}
	*actsp = v;
	*nactsp = n;
	return 0;
}

const char *kalloc_plan_act_name(enum kalloc_plan_act act)
{
	switch (act) {
	case KALLOC_ACT_DELETE:
		return "delete";
	case KALLOC_ACT_FORGET:
		return "forget";
	case KALLOC_ACT_RECREATE:
		return "recreate";
	case KALLOC_ACT_CREATE:
		return "create";
	case KALLOC_ACT_ADOPT:
		return "adopt";
	case KALLOC_ACT_KEEP:
		return "keep";
	case KALLOC_ACT_CONFLICT:
		return "conflict";
	}
	return "?";
}
