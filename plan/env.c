// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * env.c - what the passes may know of the running system: the module's
 * budget, from sysfs (readable by everyone, and no netlink: "plan check"
 * must not load the module by resolving the family).
 */
#include <stdio.h>
#include <string.h>

#include "plan.h"

#define BUDGET_PARAM	"/sys/module/kalloc/parameters/budget"

void kalloc_plan_env_probe(struct kalloc_plan_env *env)
{
	unsigned long long v;
	FILE *f;

	memset(env, 0, sizeof(*env));
	env->check_from = true;
	f = fopen(BUDGET_PARAM, "re");
	if (!f)
		return;
	if (fscanf(f, "%llu", &v) == 1) {
		env->have_budget = true;
		env->budget = v;
	}
	fclose(f);
}
