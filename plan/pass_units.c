// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pass_units.c - every size, duration and byte value of the plan in its
 * unit and range; the values go into the AST. (A rule's threshold is in
 * its metric's unit: pass_metrics.c checks it.)
 *
 *   buffer size       1 .. KALLOC_BUFFER_SIZE_MAX (1G)
 *   buffer fill       0 .. 255 (0x00 .. 0xff)
 *   vdev size         1 .. PLAN_VDEV_WINDOW_MAX (1M), default 4K
 *   vdev timer        100us .. 60s
 *   stats interval    10ms .. 1h, whole milliseconds
 *   rule for          0 .. 1d, default 0
 *   rule cooldown     0 .. 7d, default PLAN_COOLDOWN_DEFAULT_MS (60s)
 */
#include <errno.h>
#include <inttypes.h>

#include "plan_priv.h"

/* <linux/kalloc_vdev.h>'s limits, as the vdev contract states them. */
#define PLAN_VDEV_WINDOW_DEFAULT	4096
#define PLAN_VDEV_WINDOW_MAX		0x100000
#define PLAN_VDEV_TIMER_MIN_NS		100000ULL
#define PLAN_VDEV_TIMER_MAX_NS		60000000000ULL
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

/* A duration into *ns, in min .. max nanoseconds; reported otherwise. */
static bool duration_in(struct loader *ld, const struct kalloc_plan_arg *a,
			uint64_t min, uint64_t max, const char *range,
			uint64_t *ns)
{
	int rc = plan_parse_duration_ns(a->text, ns);

	if (rc == -EINVAL) {
		plan_error(ld, &a->loc,
			   "invalid duration \"%.*s\" (a number and ns, us, ms, s, m, h or d)",
			   TOKEN_QUOTE_MAX, a->text);
		return false;
	}
	if (rc || *ns < min || *ns > max) {
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
	uint64_t n = PLAN_VDEV_WINDOW_DEFAULT;

	if (v->size.text && !size_in(ld, &v->size, PLAN_VDEV_WINDOW_MAX, &n))
		n = 0;
	v->window = (uint32_t)n;
	if (v->timer.text &&
	    !duration_in(ld, &v->timer, PLAN_VDEV_TIMER_MIN_NS,
			 PLAN_VDEV_TIMER_MAX_NS, "100us to 60s", &v->timer_ns))
		v->timer_ns = 0;
}

static void stats_units(struct loader *ld, struct kalloc_plan_stats *s)
{
	uint64_t ns;

	if (!duration_in(ld, &s->interval,
			 KALLOC_STATS_INTERVAL_MIN_MS * 1000000ULL,
			 KALLOC_STATS_INTERVAL_MAX_MS * 1000000ULL,
			 "10ms to 1h", &ns))
		return;
	if (ns % 1000000) {
		plan_error(ld, &s->interval.loc,
			   "interval \"%.*s\" is not a whole number of milliseconds",
			   TOKEN_QUOTE_MAX, s->interval.text);
		return;
	}
	s->interval_ms = (uint32_t)(ns / 1000000);
}

static void rule_units(struct loader *ld, struct kalloc_plan_rule *r)
{
	uint64_t ns = 0;

	if (r->for_.text &&
	    duration_in(ld, &r->for_, 0, PLAN_FOR_MAX_MS * 1000000,
			"0 to 1d", &ns))
		r->for_ms = ns / 1000000;
	r->cooldown_ms = PLAN_COOLDOWN_DEFAULT_MS;
	if (r->cooldown.text &&
	    duration_in(ld, &r->cooldown, 0, PLAN_COOLDOWN_MAX_MS * 1000000,
			"0 to 7d", &ns))
		r->cooldown_ms = ns / 1000000;
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
