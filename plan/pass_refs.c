// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pass_refs.c - every policy the plan names exists: a buffer's policy,
 * "policy default" and "policy active", the policy of a rule's metric
 * and of its action. Policies are named, never numbered, in a plan: a
 * number that means another policy after an upgrade is not declarative.
 */
#include "plan_priv.h"

static void resolve(struct loader *ld, const struct kalloc_plan_arg *a,
		    uint32_t *id)
{
	char names[128];

	if (!a->text)
		return;
	*id = kalloc_policy_by_name(a->text);
	if (!*id)
		plan_error(ld, &a->loc, "unknown policy \"%.*s\" (%s)",
			   TOKEN_QUOTE_MAX, a->text,
			   kalloc_policy_names(names, sizeof(names)));
}

void plan_pass_refs(struct loader *ld)
{
	struct kalloc_plan_stmt *st;
	size_t i;

	for (i = 0; i < ld->plan->nstmts; i++) {
		st = &ld->plan->stmts[i];
		if (st->kind == KALLOC_PLAN_BUFFER) {
			resolve(ld, &st->u.buffer.policy, &st->u.buffer.policy_id);
		} else if (st->kind == KALLOC_PLAN_POLICY) {
			resolve(ld, &st->u.policy.policy, &st->u.policy.policy_id);
		} else if (st->kind == KALLOC_PLAN_RULE) {
			resolve(ld, &st->u.rule.arg, &st->u.rule.arg_policy);
			resolve(ld, &st->u.rule.action_policy,
				&st->u.rule.set_policy);
		}
	}
}
