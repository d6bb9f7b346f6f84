// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * reconcile.c - the plan and the kernel, kept equal.
 *
 * The decision is plan/diff.c and its execution plan/apply.c, the same
 * code "kallocctl plan apply" runs; this file adds the daemon's part:
 * keeping the last good plan when a new one is broken, logging every
 * change to the journal with its object's field, and counting.
 *
 * A reconcile holds the plan lock (apply.h) from reading the kernel to
 * its last change, so a concurrent "kallocctl plan apply" waits for it
 * and then sees what it did, and the other way round.
 *
 * Drift is a change to kallocd's objects that kallocd did not make: a
 * planned buffer deleted, resized or moved by someone else, a planned
 * device deleted or reconfigured, or an object tagged "kallocd" that the
 * plan does not have. A drift check is a
 * reconcile without the settings ("policy active" is set at apply time
 * only, so that a rule's policy switch is not undone as drift); with
 * "drift report" it only logs what it would change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "daemon.h"
#include "log.h"

/* How long a reconcile waits for another one to finish. */
#define LOCK_WAIT_MS	10000

static const char *action_of(const struct kalloc_change *c)
{
	switch (c->op) {
	case KALLOC_CH_CREATE:
		return "create";
	case KALLOC_CH_DELETE:
		return "delete";
	case KALLOC_CH_CHANGE:
		return "change";
	case KALLOC_CH_CONFLICT:
		return "conflict";
	default:
		return "keep";
	}
}

static void ctx_of(const struct kalloc_change *c, struct kd_logctx *lc)
{
	memset(lc, 0, sizeof(*lc));
	lc->kind = c->obj == KALLOC_CO_VDEV ? "VDEV" :
		   c->obj == KALLOC_CO_BUFFER ? "BUFFER" : NULL;
	lc->name = c->name[0] ? c->name : NULL;
	lc->action = action_of(c);
}

struct report_ctx {
	struct kallocd *kd;
	const char *why;
	bool drift;
};

static void on_change(void *ctx, const struct kalloc_change *c,
		      const struct kalloc_err *err)
{
	struct report_ctx *r = ctx;
	struct kd_logctx lc;
	char line[512];

	ctx_of(c, &lc);
	kalloc_change_str(c, line, sizeof(line));
	if (c->op == KALLOC_CH_CONFLICT) {
		/* Said at the last full reconcile; a drift check repeats it. */
		if (r->drift)
			return;
		lc.result = "skipped";
		kd_log_ctx(LOG_WARNING, &lc, "%s (%s)", line, r->why);
		return;
	}
	if (err->code) {
		lc.result = "failed";
		lc.err = -err->code;
		kd_log_ctx(LOG_ERR, &lc, "%s: failed: %s", line, err->msg);
		return;
	}
	lc.result = "ok";
	if (r->drift)
		r->kd->n.drift_repairs++;
	kd_log_ctx(LOG_INFO, &lc, "%s (%s)", line, r->why);
}

static void log_plan_error(const struct kalloc_plan_error *e)
{
	struct kd_logctx lc = { .file = e->file, .line = e->line,
				.action = "load", .result = "failed" };
	char buf[1024];

	kalloc_plan_error_str(e, buf, sizeof(buf));
	if (e->source)
		kd_log_ctx(LOG_ERR, &lc, "%s\n %s", buf, e->source);
	else
		kd_log_ctx(LOG_ERR, &lc, "%s", buf);
}

static enum kd_outcome plan_broken(struct kallocd *kd,
				   const struct kalloc_plan_errors *errs, int rc)
{
	char first[400] = "cannot load the plan";
	size_t i, n = errs ? errs->n + errs->dropped : 0;

	kd->n.plan_errors++;
	for (i = 0; errs && i < errs->n; i++)
		log_plan_error(&errs->v[i]);
	if (errs && errs->dropped)
		kd_log(LOG_ERR, "... and %zu more errors", errs->dropped);
	if (errs && errs->n)
		kalloc_plan_error_str(&errs->v[0], first, sizeof(first));
	else if (rc == -ENOMEM)
		snprintf(first, sizeof(first), "out of memory");
	kd_log(LOG_ERR, "the plan has %zu error%s; %s", n, n == 1 ? "" : "s",
	       kd->plan ? "keeping the previous plan and state"
			: "nothing applied");
	kd->last_result = "plan-error";
	snprintf(kd->status, sizeof(kd->status), "plan error, %s: %s",
		 kd->plan ? "previous plan kept" : "nothing applied", first);
	return KD_PLAN_ERROR;
}

enum kd_outcome kd_load_plan(struct kallocd *kd)
{
	struct kalloc_plan_errors *errs = NULL;
	struct kalloc_plan *plan = NULL;
	struct kalloc_plan_env env;
	enum kd_outcome out = KD_APPLIED;
	int rc;

	kalloc_plan_env_probe(&env);
	rc = kalloc_plan_load_paths(&kd->plan_dir, 1, &env, &plan, &errs);
	if (rc) {
		out = plan_broken(kd, errs, rc);
	} else {
		/* The rules' old states are found by name in the old plan. */
		struct kalloc_plan *old = kd->plan;

		kd->plan = plan;
		if (kd_rules_reset(kd))
			kd_log(LOG_ERR, "out of memory for the rules");
		kalloc_plan_free(old);
		kd_log(LOG_INFO, "plan loaded: %zu buffers, %zu vdevs, %zu rules from %zu files",
		       kalloc_plan_nbuffers(plan),
		       kalloc_plan_count(plan, KALLOC_PLAN_VDEV),
		       kalloc_plan_count(plan, KALLOC_PLAN_RULE), plan->nfiles);
	}
	kalloc_plan_errors_free(errs);
	return out;
}

/* The kernel's state and the changes it needs, under the lock. */
static int diff_now(struct kalloc_nl *nl, const struct kalloc_plan *plan,
		    bool full, struct kalloc_world_buf *wb,
		    struct kalloc_changes *ch, struct kalloc_err *err)
{
	struct kalloc_diff_opts o = { .settings = full };
	int rc = kalloc_world_read(nl, wb, err);

	if (rc)
		return rc;
	rc = kalloc_plan_diff(plan, &wb->w, &o, ch);
	if (rc) {
		kalloc_world_free(wb);
		return kalloc_set_err(err, rc, "%s", strerror(-rc));
	}
	return 0;
}

static void report_only(struct kallocd *kd, const struct kalloc_changes *ch)
{
	struct kd_logctx lc;
	char line[512];
	size_t i;

	for (i = 0; i < ch->n; i++) {
		if (ch->v[i].op == KALLOC_CH_KEEP)
			continue;
		ctx_of(&ch->v[i], &lc);
		lc.action = "drift";
		lc.result = "reported";
		kd->n.drift_reports++;
		kd_log_ctx(LOG_WARNING, &lc, "drift: %s (drift report: not repaired)",
			   kalloc_change_str(&ch->v[i], line, sizeof(line)));
	}
}

static void record(struct kallocd *kd, const struct kalloc_apply_result *res,
		   const struct kalloc_changes *ch)
{
	kd->planned = kalloc_plan_nbuffers(kd->plan) +
		      kalloc_plan_count(kd->plan, KALLOC_PLAN_VDEV);
	kd->kept = res->kept + res->done;
	kd->conflicts = ch->count[KALLOC_CH_CONFLICT];
	kd->failed = res->failed;
	kd->last_reconcile = time(NULL);
	kd->last_result = res->failed ? "failed" : "ok";
	kd->n.reconciles++;
	if (res->failed) {
		kd->n.reconcile_errors++;
		snprintf(kd->status, sizeof(kd->status), "%s", res->first_err);
	} else {
		kd->status[0] = '\0';
	}
}

static enum kd_outcome no_kernel(struct kallocd *kd,
				 const struct kalloc_err *err)
{
	kd_log(LOG_ERR, "cannot reconcile: %s", err->msg);
	kd->last_result = "no-kernel";
	snprintf(kd->status, sizeof(kd->status), "cannot reach kalloc: %s",
		 err->msg);
	return err->code == -ENOENT ? KD_NO_FAMILY : KD_KERNEL_ERROR;
}

static enum kd_outcome run(struct kallocd *kd, struct kalloc_nl *nl,
			   const char *why, bool full, bool drift)
{
	struct report_ctx rc_ = { .kd = kd, .why = why, .drift = drift };
	struct kalloc_apply_report rep = { .change = on_change, .ctx = &rc_ };
	struct kalloc_apply_result res = { 0 };
	struct kalloc_world_buf wb;
	struct kalloc_changes ch;
	struct kalloc_err err = { 0 };
	int rc;

	rc = diff_now(nl, kd->plan, full, &wb, &ch, &err);
	if (rc)
		return no_kernel(kd, &err);
	if (drift && kd->plan->set.drift == KALLOC_DRIFT_REPORT) {
		report_only(kd, &ch);
	} else if (!drift || kalloc_changes_pending(&ch)) {
		rc = kalloc_plan_apply(nl, kd->plan, &ch, &rep, &res);
		record(kd, &res, &ch);
	}
	kalloc_changes_free(&ch);
	kalloc_world_free(&wb);
	return res.failed ? KD_KERNEL_ERROR : KD_APPLIED;
}

static enum kd_outcome locked(struct kallocd *kd, const char *why, bool full,
			      bool drift)
{
	struct kalloc_err err = { 0 };
	struct kalloc_nl *nl;
	enum kd_outcome out;
	int lock = -1, rc;

	if (!kd->plan)
		return KD_PLAN_ERROR;
	/* Bounded: the watchdog's round trips wait behind a reconcile. */
	rc = kalloc_plan_lock_wait(KALLOC_PLAN_LOCK, LOCK_WAIT_MS, &lock);
	if (rc == -EBUSY) {
		kd_log(LOG_WARNING, "%s is held (a kallocctl plan apply?); trying again soon",
		       KALLOC_PLAN_LOCK);
		kd->drift_pending = true;
		return KD_KERNEL_ERROR;
	}
	if (rc)
		kd_log(LOG_WARNING, "cannot take %s: %s; reconciling unlocked",
		       KALLOC_PLAN_LOCK, strerror(-rc));
	rc = kalloc_nl_open(&nl, &err);
	if (rc) {
		out = no_kernel(kd, &err);
		goto unlock;
	}
	out = run(kd, nl, why, full, drift);
	kalloc_nl_close(nl);
unlock:
	kalloc_plan_unlock(lock);
	return out;
}

enum kd_outcome kd_reconcile(struct kallocd *kd, const char *why, bool full)
{
	enum kd_outcome out = locked(kd, why, full, false);

	if (out == KD_APPLIED) {
		kd->applied_once = true;
		kd_log(LOG_INFO, "reconciled (%s): %zu planned objects in place, %zu conflicts",
		       why, kd->kept, kd->conflicts);
	}
	return out;
}

void kd_drift_check(struct kallocd *kd)
{
	if (kd->plan && kd->family)
		locked(kd, "drift", false, true);
}
