// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * diff.c - the reconcile decision (diff.h): a pure function of a plan and
 * the kernel's state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "plan_priv.h"

struct differ {
	const struct kalloc_plan *plan;
	const struct kalloc_world *w;
	struct kalloc_changes *out;
	struct name_set planned_bufs, planned_vdevs, cur_bufs, cur_vdevs;
	size_t cap;
	bool oom;
};

static struct kalloc_change *add(struct differ *d, enum kalloc_change_op op,
				 enum kalloc_change_obj obj, const char *name,
				 const struct kalloc_plan_stmt *stmt)
{
	struct kalloc_changes *out = d->out;
	struct kalloc_change *c;

	if (out->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		c = realloc(out->v, d->cap * sizeof(*c));
		if (!c) {
			d->oom = true;
			return NULL;
		}
		out->v = c;
	}
	c = &out->v[out->n++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->obj = obj;
	c->stmt = stmt;
	snprintf(c->name, sizeof(c->name), "%s", name ? name : "");
	out->count[op]++;
	return c;
}

static bool ours(const char *owner)
{
	return !strcmp(owner, KALLOC_PLAN_OWNER);
}

static void delete_unplanned(struct differ *d)
{
	const struct kalloc_world *w = d->w;
	struct kalloc_change *c;
	size_t i;

	for (i = 0; i < w->nbufs && !d->oom; i++) {
		if (!ours(w->bufs[i].owner) ||
		    plan_names_get(&d->planned_bufs, w->bufs[i].name))
			continue;
		c = add(d, KALLOC_CH_DELETE, KALLOC_CO_BUFFER, w->bufs[i].name,
			NULL);
		if (c) {
			c->cur_size = w->bufs[i].size;
			c->cur_policy = w->bufs[i].policy;
		}
	}
	for (i = 0; i < w->nvdevs && !d->oom; i++) {
		if (!ours(w->vdevs[i].owner) ||
		    plan_names_get(&d->planned_vdevs, w->vdevs[i].name))
			continue;
		c = add(d, KALLOC_CH_DELETE, KALLOC_CO_VDEV, w->vdevs[i].name,
			NULL);
		if (c)
			c->cur_size = w->vdevs[i].window;
	}
}

static void setting(struct differ *d, enum kalloc_change_obj obj,
		    uint32_t want, uint32_t have)
{
	struct kalloc_change *c;

	/* have 0: the kernel did not say; nothing to compare with. */
	if (!want || !have || want == have)
		return;
	c = add(d, KALLOC_CH_CHANGE, obj, NULL, NULL);
	if (c) {
		c->value = want;
		c->cur_value = have;
	}
}

static void diff_buffer(struct differ *d, const struct kalloc_plan_stmt *st)
{
	const struct kalloc_plan_buffer *b = &st->u.buffer;
	const struct kalloc_buffer_info *cur;
	uint32_t policy = kalloc_plan_buffer_policy(d->plan, b);
	struct kalloc_change *c;
	unsigned int what = 0;

	cur = plan_names_get(&d->cur_bufs, b->name.text);
	if (cur && !ours(cur->owner)) {
		c = add(d, KALLOC_CH_CONFLICT, KALLOC_CO_BUFFER, b->name.text, st);
		if (c)
			snprintf(c->owner, sizeof(c->owner), "%s", cur->owner);
	} else if (cur) {
		what |= cur->size != b->bytes ? KALLOC_CH_SIZE : 0;
		what |= policy && cur->policy != policy ? KALLOC_CH_POLICY : 0;
		c = add(d, what ? KALLOC_CH_CHANGE : KALLOC_CH_KEEP,
			KALLOC_CO_BUFFER, b->name.text, st);
	} else {
		c = add(d, KALLOC_CH_CREATE, KALLOC_CO_BUFFER, b->name.text, st);
	}
	if (!c)
		return;
	c->what = what;
	c->size = b->bytes;
	c->policy = policy;
	c->cur_size = cur ? cur->size : 0;
	c->cur_policy = cur ? cur->policy : 0;
}

uint32_t kalloc_plan_vdev_control(const struct kalloc_plan_vdev *v)
{
	return (v->enable ? KALLOC_VDEV_CTL_ENABLE : 0) |
	       (v->irq_enable ? KALLOC_VDEV_CTL_IRQ_ENABLE : 0) |
	       (v->timer_ns ? KALLOC_VDEV_CTL_TIMER_ENABLE : 0);
}

static unsigned int vdev_what(const struct kalloc_vdev_cur *cur,
			      const struct kalloc_plan_vdev *v)
{
	unsigned int what = 0;

	what |= cur->window != v->window ? KALLOC_CH_SIZE : 0;
	what |= (cur->control & KALLOC_VDEV_CTL_PLANNED) !=
		kalloc_plan_vdev_control(v) ? KALLOC_CH_CONTROL : 0;
	what |= v->timer_ns && cur->timer_ns != v->timer_ns ? KALLOC_CH_TIMER : 0;
	return what;
}

static void diff_vdev(struct differ *d, const struct kalloc_plan_stmt *st)
{
	const struct kalloc_plan_vdev *v = &st->u.vdev;
	const struct kalloc_vdev_cur *cur;
	struct kalloc_change *c;
	unsigned int what = 0;

	if (!d->w->have_vdevs) {
		c = add(d, KALLOC_CH_CONFLICT, KALLOC_CO_VDEV, v->name.text, st);
		if (c)
			c->why = "this kalloc has no virtual devices";
		return;
	}
	cur = plan_names_get(&d->cur_vdevs, v->name.text);
	if (cur && !ours(cur->owner)) {
		c = add(d, KALLOC_CH_CONFLICT, KALLOC_CO_VDEV, v->name.text, st);
		if (c)
			snprintf(c->owner, sizeof(c->owner), "%s", cur->owner);
	} else if (cur) {
		what = vdev_what(cur, v);
		c = add(d, what ? KALLOC_CH_CHANGE : KALLOC_CH_KEEP,
			KALLOC_CO_VDEV, v->name.text, st);
	} else {
		c = add(d, KALLOC_CH_CREATE, KALLOC_CO_VDEV, v->name.text, st);
	}
	if (!c)
		return;
	c->what = what;
	c->size = v->window;
	c->control = kalloc_plan_vdev_control(v);
	c->timer_ns = v->timer_ns;
	if (cur) {
		c->cur_size = cur->window;
		c->cur_control = cur->control & KALLOC_VDEV_CTL_PLANNED;
		c->cur_timer_ns = cur->timer_ns;
	}
}

static int index_names(struct differ *d)
{
	const struct kalloc_plan *plan = d->plan;
	const struct kalloc_world *w = d->w;
	size_t i, n = plan ? plan->nstmts : 0;
	const struct kalloc_plan_stmt *st;

	if (plan_names_init(&d->planned_bufs, n) ||
	    plan_names_init(&d->planned_vdevs, 16) ||
	    plan_names_init(&d->cur_bufs, w->nbufs) ||
	    plan_names_init(&d->cur_vdevs, w->nvdevs))
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		st = &plan->stmts[i];
		if (st->kind == KALLOC_PLAN_BUFFER)
			plan_names_add(&d->planned_bufs, st->u.buffer.name.text,
				       st, &d->oom);
		else if (st->kind == KALLOC_PLAN_VDEV)
			plan_names_add(&d->planned_vdevs, st->u.vdev.name.text,
				       st, &d->oom);
	}
	for (i = 0; i < w->nbufs; i++)
		plan_names_add(&d->cur_bufs, w->bufs[i].name, &w->bufs[i],
			       &d->oom);
	for (i = 0; i < w->nvdevs; i++)
		plan_names_add(&d->cur_vdevs, w->vdevs[i].name, &w->vdevs[i],
			       &d->oom);
	return d->oom ? -ENOMEM : 0;
}

static void diff_planned(struct differ *d, const struct kalloc_diff_opts *o)
{
	const struct kalloc_plan *plan = d->plan;
	size_t i;

	if (plan && o && o->settings) {
		setting(d, KALLOC_CO_POLICY, plan->set.active_policy,
			d->w->active_policy);
		setting(d, KALLOC_CO_STATS, plan->set.stats_interval_ms,
			d->w->stats_interval_ms);
	}
	for (i = 0; plan && i < plan->nstmts && !d->oom; i++) {
		if (plan->stmts[i].kind == KALLOC_PLAN_BUFFER)
			diff_buffer(d, &plan->stmts[i]);
		else if (plan->stmts[i].kind == KALLOC_PLAN_VDEV)
			diff_vdev(d, &plan->stmts[i]);
	}
}

int kalloc_plan_diff(const struct kalloc_plan *plan,
		     const struct kalloc_world *world,
		     const struct kalloc_diff_opts *opts,
		     struct kalloc_changes *out)
{
	struct differ d = { .plan = plan, .w = world, .out = out };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = index_names(&d);
	if (!rc) {
		delete_unplanned(&d);
		diff_planned(&d, opts);
		rc = d.oom ? -ENOMEM : 0;
	}
	plan_names_free(&d.planned_bufs);
	plan_names_free(&d.planned_vdevs);
	plan_names_free(&d.cur_bufs);
	plan_names_free(&d.cur_vdevs);
	if (rc)
		kalloc_changes_free(out);
	return rc;
}

void kalloc_changes_free(struct kalloc_changes *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

size_t kalloc_changes_pending(const struct kalloc_changes *c)
{
	return c->n - c->count[KALLOC_CH_KEEP];
}
