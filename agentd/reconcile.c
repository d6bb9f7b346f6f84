// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * reconcile.c - make the kernel hold the plan.
 *
 * The decision (what to create, recreate, delete, adopt or leave alone)
 * is kalloc_plan_diff() in plan/diff.c, a pure function with unit tests.
 * This file only carries the actions out over netlink, logs one line per
 * change, and works out which buffers kallocd owns afterwards:
 *
 *   created, recreated, adopted, kept     owned
 *   deleted, or found gone already        not owned any more
 *   delete failed                         still owned (retried next time)
 *   recreate failed at its delete step    still owned, old size
 *   create failed, conflict               not owned (not ours, or absent)
 *
 * Deletions come first in the action list, so that the memory they free
 * counts against the module's budget before anything new is asked for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kalloc.h"
#include "log.h"
#include "reconcile.h"

struct session {
	struct kalloc_nl *nl;
	struct kd_result *res;
};

static const char *fmt_size(uint64_t bytes, char *buf, size_t len)
{
	return kalloc_format_size(bytes, buf, len);
}

static void failed(struct session *s, const char *what, const char *name,
		   const struct kalloc_err *err)
{
	kd_log(LOG_ERR, "cannot %s buffer %s: %s", what, name, err->msg);
	if (!s->res->errors++)
		snprintf(s->res->first_err, sizeof(s->res->first_err),
			 "cannot %s buffer %s: %s", what, name, err->msg);
}

static bool do_delete(struct session *s, const struct kalloc_plan_action *a)
{
	struct kalloc_err err = { 0 };
	int rc = kalloc_buffer_del(s->nl, a->name, 0, &err);

	if (rc == -ENOENT) {
		kd_log(LOG_INFO, "buffer %s (no longer planned) is gone already",
		       a->name);
		return false;
	}
	if (rc) {
		failed(s, "delete", a->name, &err);
		return true;
	}
	kd_log(LOG_INFO, "deleted buffer %s (no longer planned)", a->name);
	s->res->changes++;
	return false;
}

static bool do_forget(struct session *s, const struct kalloc_plan_action *a)
{
	(void)s;
	kd_log(LOG_INFO, "buffer %s (no longer planned) is gone already",
	       a->name);
	return false;
}

static bool do_create(struct session *s, const struct kalloc_plan_action *a)
{
	struct kalloc_buffer_spec spec = { .name = a->name, .size = a->size };
	struct kalloc_err err = { 0 };
	char sz[32];

	if (kalloc_buffer_new(s->nl, &spec, NULL, &err)) {
		failed(s, "create", a->name, &err);
		return false;
	}
	kd_log(LOG_INFO, "created buffer %s (%s)", a->name,
	       fmt_size(a->size, sz, sizeof(sz)));
	s->res->changes++;
	s->res->applied++;
	return true;
}

static bool do_recreate(struct session *s, const struct kalloc_plan_action *a)
{
	struct kalloc_buffer_spec spec = { .name = a->name, .size = a->size };
	struct kalloc_err err = { 0 };
	char from[32], to[32];
	int rc;

	rc = kalloc_buffer_del(s->nl, a->name, 0, &err);
	if (rc && rc != -ENOENT) {
		failed(s, "delete (to resize)", a->name, &err);
		return true;
	}
	if (kalloc_buffer_new(s->nl, &spec, NULL, &err)) {
		failed(s, "recreate", a->name, &err);
		return false;
	}
	kd_log(LOG_INFO, "recreated buffer %s (%s -> %s)", a->name,
	       fmt_size(a->cur_size, from, sizeof(from)),
	       fmt_size(a->size, to, sizeof(to)));
	s->res->changes++;
	s->res->applied++;
	return true;
}

static bool do_adopt(struct session *s, const struct kalloc_plan_action *a)
{
	char sz[32];

	kd_log(LOG_INFO, "adopted buffer %s (%s, matches the plan)", a->name,
	       fmt_size(a->size, sz, sizeof(sz)));
	s->res->applied++;
	return true;
}

static bool do_keep(struct session *s, const struct kalloc_plan_action *a)
{
	(void)a;
	s->res->applied++;
	return true;
}

static bool do_conflict(struct session *s, const struct kalloc_plan_action *a)
{
	const struct kalloc_plan_loc *loc = &a->stmt->u.alloc.size_loc;
	char have[32], want[32];

	kd_log(LOG_WARNING,
	       "buffer %s exists with size %s but %s:%u:%u plans %s; kallocd did not create it, leaving it alone",
	       a->name, fmt_size(a->cur_size, have, sizeof(have)), loc->file,
	       loc->line, loc->col, fmt_size(a->size, want, sizeof(want)));
	if (!s->res->errors++)
		snprintf(s->res->first_err, sizeof(s->res->first_err),
			 "buffer %s exists with another size, not ours",
			 a->name);
	return false;
}

/* Indexed by enum kalloc_plan_act; returns whether kallocd owns it after. */
static bool (*const handlers[])(struct session *s,
				const struct kalloc_plan_action *a) = {
	[KALLOC_ACT_DELETE] = do_delete,
	[KALLOC_ACT_FORGET] = do_forget,
	[KALLOC_ACT_RECREATE] = do_recreate,
	[KALLOC_ACT_CREATE] = do_create,
	[KALLOC_ACT_ADOPT] = do_adopt,
	[KALLOC_ACT_KEEP] = do_keep,
	[KALLOC_ACT_CONFLICT] = do_conflict,
};

static int apply(struct session *s, const struct kalloc_plan_action *acts,
		 size_t n, struct kd_owned *owned)
{
	char **names = calloc(n + 1, sizeof(*names));
	size_t i, k = 0;

	if (!names)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!handlers[acts[i].act](s, &acts[i]))
			continue;
		names[k] = strdup(acts[i].name);
		if (names[k])
			k++;
	}
	kd_owned_clear(owned);
	owned->names = names;
	owned->n = k;
	return 0;
}

static int diff_and_apply(struct session *s, const struct kalloc_plan *plan,
			  struct kd_owned *owned)
{
	struct kalloc_plan_action *acts;
	struct kalloc_buffer_info *cur;
	struct kalloc_err err = { 0 };
	size_t ncur, nacts;
	int rc;

	rc = kalloc_buffer_list(s->nl, &cur, &ncur, &err);
	if (rc) {
		kd_log(LOG_ERR, "cannot list buffers: %s", err.msg);
		snprintf(s->res->first_err, sizeof(s->res->first_err),
			 "cannot list buffers: %s", err.msg);
		return rc;
	}
	rc = kalloc_plan_diff(plan, cur, ncur,
			      (const char *const *)owned->names, owned->n,
			      &acts, &nacts);
	if (!rc) {
		rc = apply(s, acts, nacts, owned);
		free(acts);
	}
	free(cur);
	return rc;
}

int kd_reconcile(const struct kalloc_plan *plan, struct kd_owned *owned,
		 struct kd_result *res)
{
	struct kalloc_err err = { 0 };
	struct session s = { .res = res };
	int rc;

	memset(res, 0, sizeof(*res));
	res->planned = kalloc_plan_nbuffers(plan);
	rc = kalloc_nl_open(&s.nl, &err);
	if (rc) {
		kd_log(LOG_ERR, "cannot reach the kalloc module: %s", err.msg);
		snprintf(res->first_err, sizeof(res->first_err),
			 "cannot reach the kalloc module: %s", err.msg);
		return rc;
	}
	rc = diff_and_apply(&s, plan, owned);
	kalloc_nl_close(s.nl);
	return rc;
}
