/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * kallocd.h - what the parts of kallocd share: logging, the set of
 * buffers kallocd owns, and reconcile (reconcile.c).
 */
#ifndef KALLOCD_H
#define KALLOCD_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "kalloc.h"
#include "plan.h"

/* One line to stderr; with a "<prio>" prefix when journald reads it. */
void kd_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kd_log_init(void);

/* Names of the buffers kallocd created or adopted, i.e. may delete. */
struct kd_owned {
	char **names;
	size_t n;
};

void kd_owned_clear(struct kd_owned *o);
int kd_owned_load(struct kd_owned *o, const char *path);
int kd_owned_save(const struct kd_owned *o, const char *path);

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

#endif /* KALLOCD_H */
