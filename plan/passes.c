// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * passes.c - the semantic passes of the plan language.
 *
 * Each pass walks the statements of every file of a load at once, so a
 * pass can say "already defined at 00-base.plan:1:7". Passes are
 * independent and run in table order; a pass interprets what the parser
 * kept as text (a size) or checks what needs more than one statement.
 * Every pass sees the whole plan even after errors, so one load reports
 * every problem it can.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "plan_priv.h"

static void pass_names(struct loader *ld)
{
	struct kalloc_plan *plan = ld->plan;
	const struct kalloc_plan_alloc *a;
	const char *why;
	size_t i;

	for (i = 0; i < plan->nstmts; i++) {
		if (plan->stmts[i].kind != KALLOC_PLAN_ALLOC)
			continue;
		a = &plan->stmts[i].u.alloc;
		why = "invalid";
		if (kalloc_check_name(a->name, &why))
			plan_error(ld, &a->name_loc,
				   "invalid buffer name \"%.*s\": %s",
				   TOKEN_QUOTE_MAX, a->name,
				   why ? why : "invalid");
	}
}

static void pass_sizes(struct loader *ld)
{
	struct kalloc_plan *plan = ld->plan;
	struct kalloc_plan_alloc *a;
	uint64_t v;
	size_t i;
	int rc;

	for (i = 0; i < plan->nstmts; i++) {
		if (plan->stmts[i].kind != KALLOC_PLAN_ALLOC)
			continue;
		a = &plan->stmts[i].u.alloc;
		v = 0;
		rc = kalloc_parse_size(a->size_text, &v);
		if (rc == -EINVAL) {
			plan_error(ld, &a->size_loc, "invalid size \"%.*s\"",
				   TOKEN_QUOTE_MAX, a->size_text);
		} else if (rc || v == 0 || v > KALLOC_BUFFER_SIZE_MAX) {
			plan_error(ld, &a->size_loc,
				   "size \"%.*s\" out of range (1 to %llu bytes)",
				   TOKEN_QUOTE_MAX, a->size_text,
				   (unsigned long long)KALLOC_BUFFER_SIZE_MAX);
		} else {
			a->size = v;
		}
	}
}

/* The first alloc before index end that defines name, or NULL. */
const struct kalloc_plan_alloc *
plan_find_alloc(const struct kalloc_plan *plan, const char *name, size_t end)
{
	size_t i;

	for (i = 0; i < end; i++) {
		if (plan->stmts[i].kind == KALLOC_PLAN_ALLOC &&
		    !strcmp(plan->stmts[i].u.alloc.name, name))
			return &plan->stmts[i].u.alloc;
	}
	return NULL;
}

/* Invalid names were reported by pass_names; repeating them adds noise. */
static void pass_duplicates(struct loader *ld)
{
	struct kalloc_plan *plan = ld->plan;
	const struct kalloc_plan_alloc *a, *first;
	const char *why;
	size_t i;

	for (i = 0; i < plan->nstmts; i++) {
		if (plan->stmts[i].kind != KALLOC_PLAN_ALLOC)
			continue;
		a = &plan->stmts[i].u.alloc;
		if (kalloc_check_name(a->name, &why))
			continue;
		first = plan_find_alloc(plan, a->name, i);
		if (first)
			plan_error(ld, &a->name_loc,
				   "buffer \"%s\" already defined at %s:%u:%u",
				   a->name, first->name_loc.file,
				   first->name_loc.line, first->name_loc.col);
	}
}

static const struct pass {
	const char *name;
	void (*run)(struct loader *ld);
} passes[] = {
	{ "names", pass_names },
	{ "sizes", pass_sizes },
	{ "duplicates", pass_duplicates },
};

void plan_run_passes(struct loader *ld)
{
	size_t i;

	for (i = 0; i < sizeof(passes) / sizeof(passes[0]) && !ld->oom; i++)
		passes[i].run(ld);
}

