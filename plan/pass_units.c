// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pass_units.c - every size, duration and byte value of the plan in its
 * unit and range; the values go into the AST. (A rule's threshold is in
 * its metric's unit: pass_metrics.c checks it.)
 *
 *   buffer size       1 .. KALLOC_BUFFER_SIZE_MAX (1G)
 *   buffer fill       0 .. 255 (0x00 .. 0xff)
 *   vdev size         1 .. PLAN_VDEV_WINDOW_MAX (1M), default 4K
 *   vdev timer        1ms .. 60s
 *   stats interval    10ms .. 1h
 *   rule for          0 .. 24h, default 0
 *   rule cooldown     0 .. 168h, default PLAN_COOLDOWN_DEFAULT_MS (60s)
 *
 * Durations are libkalloc's (kalloc_parse_duration(), the grammar of
 * "kallocctl stats interval"): a number and ms, s, m or h, whole
 * milliseconds. The vdev timer is therefore given in milliseconds too.
 */
#include <errno.h>
#include <inttypes.h>

#include "plan_priv.h"

/* <linux/kalloc_vdev.h>'s limits, as the vdev contract states them. */
#define PLAN_VDEV_WINDOW_DEFAULT	4096
#define PLAN_VDEV_WINDOW_MAX		0x100000
#define PLAN_VDEV_TIMER_MIN_MS		1ULL
#define PLAN_VDEV_TIMER_MAX_MS		60000ULL
#define PLAN_FOR_MAX_MS			86400000ULL
#define PLAN_COOLDOWN_MAX_MS		(7 * 86400000ULL)
#define PLAN_COOLDOWN_DEFAULT_MS	60000ULL

/* A size into *v, in 1 .. max; false (reported) otherwise. */
static bool size_in(struct loader *ld, const struct kalloc_plan_arg *a,
		    uint64_t max, uint64_t *v)
{
	int rc = kalloc_parse_size(a->text, v);

	if (rc == -EINVAL) {
		plan_error(ld, &a->loc, "invalid size \"%.*s\"",
			   TOKEN_QUOTE_MAX, a->text);
		return false;
	}
	if (rc || *v == 0 || *v > max) {
		plan_error(ld, &a->loc,
			   "size \"%.*s\" out of range (1 to %" PRIu64 " bytes)",
			   TOKEN_QUOTE_MAX, a->text, max);
		return false;
	}
	return true;
}

/* A duration into *ms, in min .. max milliseconds; reported otherwise. */
static bool duration_in(struct loader *ld, const struct kalloc_plan_arg *a,
			uint64_t min, uint64_t max, const char *range,
			uint64_t *ms)
{
	int rc = kalloc_parse_duration(a->text, ms);

	if (rc == -EINVAL) {
		plan_error(ld, &a->loc,
			   "invalid duration \"%.*s\" (whole milliseconds: 500ms, 10s, 2m, 1h)",
			   TOKEN_QUOTE_MAX, a->text);
		return false;
	}
	if (rc || *ms < min || *ms > max) {
		plan_error(ld, &a->loc, "duration \"%.*s\" out of range (%s)",
			   TOKEN_QUOTE_MAX, a->text, range);
		return false;
	}
	return true;
}

static void buffer_units(struct loader *ld, struct kalloc_plan_buffer *b)
{
	int rc;

	b->fill_byte = -1;
	if (!size_in(ld, &b->size, KALLOC_BUFFER_SIZE_MAX, &b->bytes))
		b->bytes = 0;
	if (!b->fill.text)
		return;
	rc = plan_parse_byte(b->fill.text, &b->fill_byte);
	if (rc) {
		plan_error(ld, &b->fill.loc,
			   "fill \"%.*s\" is not a byte (0 to 255, or 0x00 to 0xff)",
			   TOKEN_QUOTE_MAX, b->fill.text);
		b->fill_byte = -1;
	}
}

static void vdev_units(struct loader *ld, struct kalloc_plan_vdev *v)
{
	uint64_t n = PLAN_VDEV_WINDOW_DEFAULT, ms;

	if (v->size.text && !size_in(ld, &v->size, PLAN_VDEV_WINDOW_MAX, &n))
		n = 0;
	v->window = (uint32_t)n;
	if (v->timer.text &&
	    duration_in(ld, &v->timer, PLAN_VDEV_TIMER_MIN_MS,
			PLAN_VDEV_TIMER_MAX_MS, "1ms to 60s", &ms))
		v->timer_ns = ms * 1000000;
}

static void stats_units(struct loader *ld, struct kalloc_plan_stats *s)
{
	uint64_t ms;

	if (duration_in(ld, &s->interval, KALLOC_STATS_INTERVAL_MIN_MS,
			KALLOC_STATS_INTERVAL_MAX_MS, "10ms to 1h", &ms))
		s->interval_ms = (uint32_t)ms;
}

static void rule_units(struct loader *ld, struct kalloc_plan_rule *r)
{
	uint64_t ms = 0;

	if (r->for_.text &&
	    duration_in(ld, &r->for_, 0, PLAN_FOR_MAX_MS, "0 to 24h", &ms))
		r->for_ms = ms;
	r->cooldown_ms = PLAN_COOLDOWN_DEFAULT_MS;
	if (r->cooldown.text &&
	    duration_in(ld, &r->cooldown, 0, PLAN_COOLDOWN_MAX_MS,
			"0 to 168h", &ms))
		r->cooldown_ms = ms;
}

void plan_pass_units(struct loader *ld)
{
	struct kalloc_plan_stmt *st;
	size_t i;

	for (i = 0; i < ld->plan->nstmts; i++) {
		st = &ld->plan->stmts[i];
		if (st->kind == KALLOC_PLAN_BUFFER)
			buffer_units(ld, &st->u.buffer);
		else if (st->kind == KALLOC_PLAN_VDEV)
			vdev_units(ld, &st->u.vdev);
		else if (st->kind == KALLOC_PLAN_STATS)
			stats_units(ld, &st->u.stats);
		else if (st->kind == KALLOC_PLAN_RULE)
			rule_units(ld, &st->u.rule);
	}
}
