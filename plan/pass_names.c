// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pass_names.c - names of buffers, devices and rules follow the kernel's
 * rule for buffer names (kalloc_check_name(): 1 to 31 bytes of
 * [A-Za-z0-9_.-], not starting with '.' or '-'). Rules are no kernel
 * objects, but their names go into journal fields and metric labels,
 * where the same rule keeps them safe.
 */
#include <string.h>

#include "plan_priv.h"

bool plan_name_ok(const struct kalloc_plan_arg *a)
{
	const char *why;

	return a->text && !kalloc_check_name(a->text, &why);
}

static void check(struct loader *ld, const struct kalloc_plan_arg *a,
		  const char *what)
{
	const char *why = NULL;

	if (kalloc_check_name(a->text, &why))
		plan_error(ld, &a->loc, "invalid %s name \"%.*s\": %s", what,
			   TOKEN_QUOTE_MAX, a->text, why ? why : "invalid");
}

void plan_pass_names(struct loader *ld)
{
	const struct kalloc_plan_stmt *st;
	size_t i;

	for (i = 0; i < ld->plan->nstmts; i++) {
		st = &ld->plan->stmts[i];
		if (st->kind == KALLOC_PLAN_BUFFER)
			check(ld, &st->u.buffer.name, "buffer");
		else if (st->kind == KALLOC_PLAN_VDEV)
			check(ld, &st->u.vdev.name, "vdev");
		else if (st->kind == KALLOC_PLAN_RULE)
			check(ld, &st->u.rule.name, "rule");
	}
}
