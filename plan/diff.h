/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * diff.h - the reconcile decision: what must change so that the kernel
 * holds a plan. A pure function of the plan and of the kernel's state as
 * read just before (struct kalloc_world), shared by kallocd, "kallocctl
 * plan diff" and "kallocctl plan apply"; apply.h carries it out.
 *
 * Ownership lives in the kernel: an object is kallocd's when its owner
 * tag is KALLOC_PLAN_OWNER ("kallocd"), whoever made it (the daemon, a
 * "plan apply", an earlier run killed half-way). For each name:
 *
 *   planned, missing                         + create
 *   planned, ours, same size and policy      = keep (adopted after a restart)
 *   planned, ours, other size or policy      ~ change in place (BUFFER_SET:
 *                                              contents kept)
 *   planned, another owner (or none)         ! conflict, left alone
 *   not planned, ours                        - delete
 *   not planned, another owner               not looked at
 *
 * A buffer whose plan names no policy (and no "policy default") takes
 * whatever policy is active when it is created, and never moves.
 * "policy active" is a change of its own when the plan states one and the
 * kernel has another (only when the caller asks: the daemon's drift
 * repairs do not undo a rule's policy switch); "stats interval" likewise.
 *
 * Contents ("fill", "from") are the buffer's initial contents, written
 * when it is created: afterwards they belong to the buffer's users, and
 * kallocd does not compare or restore them.
 *
 * Order: deletions first (they return budget), then settings, changes,
 * and creations in plan order. Name lookups are hashed: linear time.
 */
#ifndef KALLOC_PLAN_DIFF_H
#define KALLOC_PLAN_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan.h"

/* A virtual device as the diff needs it (VDEV_GET). */
struct kalloc_vdev_cur {
	char name[KALLOC_NAME_MAX];
	char owner[KALLOC_OWNER_MAX];
	uint32_t window;
	uint32_t control;		/* KALLOC_VDEV_CONTROL_* */
	uint64_t timer_ns;
};

/* The kernel, as read at the start of a reconcile. */
struct kalloc_world {
	const struct kalloc_buffer_info *bufs;
	size_t nbufs;
	const struct kalloc_vdev_cur *vdevs;
	size_t nvdevs;
	bool have_vdevs;		/* the kernel knows devices */
	uint32_t active_policy;		/* 0: unknown */
	uint32_t stats_interval_ms;	/* 0: unknown */
};

enum kalloc_change_op {
	KALLOC_CH_CREATE = '+',
	KALLOC_CH_DELETE = '-',
	KALLOC_CH_CHANGE = '~',
	KALLOC_CH_CONFLICT = '!',
	KALLOC_CH_KEEP = '=',
};

enum kalloc_change_obj {
	KALLOC_CO_BUFFER = 1,
	KALLOC_CO_VDEV,
	KALLOC_CO_POLICY,	/* the active policy */
	KALLOC_CO_STATS,	/* the stats interval */
};

/* What differs in a change. */
#define KALLOC_CH_SIZE		0x1U	/* buffer size, vdev window */
#define KALLOC_CH_POLICY	0x2U	/* a buffer's policy */
#define KALLOC_CH_CONTROL	0x4U	/* a vdev's control bits */
#define KALLOC_CH_TIMER		0x8U	/* a vdev's timer period */

/* A vdev's control register as the plan states it. */
#define KALLOC_VDEV_CTL_ENABLE		0x1U
#define KALLOC_VDEV_CTL_IRQ_ENABLE	0x2U
#define KALLOC_VDEV_CTL_TIMER_ENABLE	0x4U
#define KALLOC_VDEV_CTL_PLANNED		0x7U

struct kalloc_change {
	enum kalloc_change_op op;
	enum kalloc_change_obj obj;
	char name[KALLOC_NAME_MAX];	/* buffer or vdev; "" for settings */
	unsigned int what;		/* KALLOC_CH_* of a change */
	uint64_t size, cur_size;	/* bytes (window for a vdev) */
	uint32_t policy, cur_policy;	/* 0: none asked / unknown */
	uint32_t control, cur_control;	/* vdev */
	uint64_t timer_ns, cur_timer_ns;	/* vdev */
	uint32_t value, cur_value;	/* settings: policy id, interval ms */
	char owner[KALLOC_OWNER_MAX];	/* a conflict's owner ("" untagged) */
	const char *why;		/* a conflict that is no name clash */
	const struct kalloc_plan_stmt *stmt;	/* NULL for a deletion */
};

struct kalloc_changes {
	struct kalloc_change *v;
	size_t n;
	size_t count[128];		/* by op: count['+'], ... */
};

struct kalloc_diff_opts {
	bool settings;		/* policy active, stats interval too */
};

/* Fills *out (kalloc_changes_free() it). Returns 0 or -ENOMEM. */
int kalloc_plan_diff(const struct kalloc_plan *plan,
		     const struct kalloc_world *world,
		     const struct kalloc_diff_opts *opts,
		     struct kalloc_changes *out);
void kalloc_changes_free(struct kalloc_changes *c);
/* Changes other than keeps: what "plan diff" prints. */
size_t kalloc_changes_pending(const struct kalloc_changes *c);

/* The plan's control bits of a vdev statement. */
uint32_t kalloc_plan_vdev_control(const struct kalloc_plan_vdev *v);

/*
 * One line of "plan diff" for c: "+ buffer web0 size 4K policy slab",
 * "~ buffer web0 size 4K -> 8K", "! buffer web0 owned by user", ...
 */
const char *kalloc_change_str(const struct kalloc_change *c, char *buf,
			      size_t len);
const char *kalloc_change_obj_name(enum kalloc_change_obj obj);

#endif /* KALLOC_PLAN_DIFF_H */
