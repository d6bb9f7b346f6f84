/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * reconcile.h - making the kernel hold the plan (reconcile.c).
 */
#ifndef KALLOCD_RECONCILE_H
#define KALLOCD_RECONCILE_H

#include <stddef.h>

#include "owned.h"
#include "plan.h"

/* What one reconcile did, for the log and STATUS=. */
struct kd_result {
	size_t planned;		/* buffers in the plan */
	size_t applied;		/* planned buffers that now match */
	size_t changes;		/* create, recreate and delete done */
	size_t errors;		/* kernel errors, conflicts included */
	char first_err[512];	/* the first of them, for STATUS= */
};

/*
 * Makes the kernel hold plan (NULL: nothing planned): one netlink
 * session, kalloc_plan_diff(), then every action in order. A failed
 * action is logged with the kernel's message and the rest go on.
 * *owned is replaced by what kallocd owns afterwards. Returns 0, or a
 * negative errno when the kernel could not be reached or listed (then
 * nothing was done and *owned is unchanged).
 */
int kd_reconcile(const struct kalloc_plan *plan, struct kd_owned *owned,
		 struct kd_result *res);

#endif /* KALLOCD_RECONCILE_H */
