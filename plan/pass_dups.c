// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pass_dups.c - no buffer, device or rule is defined twice, across all
 * files of the load. One hash set per kind of name (a buffer and a device
 * may share a name: they are different kernel objects), so the check is
 * linear in the plan. Invalid names were reported by pass_names;
 * repeating them here adds noise.
 */
#include "plan_priv.h"

struct dups {
	struct name_set set[3];
};

static void check(struct loader *ld, struct name_set *set,
		  const struct kalloc_plan_arg *a, const char *what)
{
	const struct kalloc_plan_arg *first;

	if (!plan_name_ok(a))
		return;
	first = plan_names_add(set, a->text, a, &ld->oom);
	if (first)
		plan_error(ld, &a->loc, "%s \"%s\" already defined at %s:%u:%u",
			   what, a->text, first->loc.file, first->loc.line,
			   first->loc.col);
}

void plan_pass_dups(struct loader *ld)
{
	struct kalloc_plan *plan = ld->plan;
	const struct kalloc_plan_stmt *st;
	struct dups d = { 0 };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (plan_names_init(&d.set[i], i ? 16 : plan->nstmts)) {
			ld->oom = true;
			goto free_sets;
		}
	}
	for (i = 0; i < plan->nstmts && !ld->oom; i++) {
		st = &plan->stmts[i];
		if (st->kind == KALLOC_PLAN_BUFFER)
			check(ld, &d.set[0], &st->u.buffer.name, "buffer");
		else if (st->kind == KALLOC_PLAN_VDEV)
			check(ld, &d.set[1], &st->u.vdev.name, "vdev");
		else if (st->kind == KALLOC_PLAN_RULE)
			check(ld, &d.set[2], &st->u.rule.name, "rule");
	}
free_sets:
	for (i = 0; i < 3; i++)
		plan_names_free(&d.set[i]);
}
