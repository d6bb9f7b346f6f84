/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * plan_cmd.h - "kallocctl plan": check, diff, apply and status (plan.c),
 * through the code kallocd runs (plan/).
 */
#ifndef KALLOC_CTL_PLAN_H
#define KALLOC_CTL_PLAN_H

#include "ctl.h"

/* "plan diff" and "plan apply dry-run": the plan differs from the kernel. */
#define EXIT_CHANGES	4

extern const struct ctl_object ctl_plan;

#endif /* KALLOC_CTL_PLAN_H */
