/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * apply.h - carrying a reconcile out over netlink: read the kernel's
 * state, diff it against the plan (diff.h), do each change. The one code
 * path of kallocd's reconciles and of "kallocctl plan diff|apply".
 *
 * Serialisation. Every reconcile (daemon or command line) holds an
 * exclusive flock(2) on KALLOC_PLAN_LOCK from reading the kernel's state
 * to its last change, so that two reconcilers never act on a state the
 * other is changing. /run/kalloc is the unit's RuntimeDirectory; a
 * command line run creates it when kallocd never ran. Readers (plan
 * diff, dry-run) take no lock: they change nothing.
 *
 * Every change is reported through struct kalloc_apply_report, so the
 * daemon logs it to the journal and kallocctl prints it.
 */
#ifndef KALLOC_PLAN_APPLY_H
#define KALLOC_PLAN_APPLY_H

#include "diff.h"
#include "plan.h"

#define KALLOC_RUN_DIR		"/run/kalloc"
#define KALLOC_PLAN_LOCK	KALLOC_RUN_DIR "/plan.lock"

/* The kernel's state, with storage (kalloc_world_free()). */
struct kalloc_world_buf {
	struct kalloc_world w;
	struct kalloc_buffer_info *bufs;
	struct kalloc_vdev_cur *vdevs;
};

int kalloc_world_read(struct kalloc_nl *nl, struct kalloc_world_buf *wb,
		      struct kalloc_err *err);
void kalloc_world_free(struct kalloc_world_buf *wb);

struct kalloc_apply_report {
	/* After each change: err 0 on success, else the kernel's refusal. */
	void (*change)(void *ctx, const struct kalloc_change *c,
		       const struct kalloc_err *err);
	void *ctx;
};

struct kalloc_apply_result {
	size_t done;		/* changes made */
	size_t failed;		/* changes refused */
	size_t conflicts;	/* names held by others, left alone */
	size_t kept;		/* planned objects that already matched */
	char first_err[256];	/* the first refusal, for STATUS= */
};

/*
 * Does every change of c except keeps and conflicts (which are only
 * reported and counted). A refused change is reported and the others go
 * on. Returns 0 when every change succeeded, -EAGAIN when some failed.
 */
int kalloc_plan_apply(struct kalloc_nl *nl, const struct kalloc_plan *plan,
		      const struct kalloc_changes *c,
		      const struct kalloc_apply_report *rep,
		      struct kalloc_apply_result *res);

/* apply_vdev.c: the kernel's devices into wb; one device change. */
int plan_world_vdevs(struct kalloc_nl *nl, struct kalloc_world_buf *wb,
		     struct kalloc_err *err);
int plan_apply_vdev(struct kalloc_nl *nl, const struct kalloc_change *c,
		    struct kalloc_err *err);

/* The lock: 0 and *fdp, or a negative errno. kalloc_plan_lock() waits
 * for as long as it takes; kalloc_plan_lock_wait() at most ms
 * milliseconds (0: as long as it takes), then fails with -EBUSY. */
int kalloc_plan_lock(const char *path, int *fdp);
int kalloc_plan_lock_wait(const char *path, unsigned int ms, int *fdp);
void kalloc_plan_unlock(int fd);

#endif /* KALLOC_PLAN_APPLY_H */
