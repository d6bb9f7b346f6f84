// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * diff_str.c - one line per change, in the manner of "terraform plan":
 *
 *   + buffer web0 size 4K policy slab fill 0x00
 *   - buffer old size 1M
 *   ~ buffer web0 size 4K -> 8K, policy slab -> tlsf
 *   ! buffer web1 owned by user: left alone
 *   ~ policy active kmalloc -> slab
 *   ~ stats interval 1000ms -> 500ms
 *   + vdev dev0 size 4K timer 1000000ns enable irq-enable
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diff.h"

const char *kalloc_change_obj_name(enum kalloc_change_obj obj)
{
	switch (obj) {
	case KALLOC_CO_BUFFER:
		return "buffer";
	case KALLOC_CO_VDEV:
		return "vdev";
	case KALLOC_CO_POLICY:
		return "policy active";
	case KALLOC_CO_STATS:
		return "stats interval";
	}
	return "?";
}

static const char *pname(uint32_t id)
{
	const char *n = kalloc_policy_name_of(id);

	return n ? n : "?";
}

/* Appends to buf at *used, never past len. */
static void cat(char *buf, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void cat(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
}

static void vdev_flags(char *buf, size_t len, size_t *used, uint32_t control)
{
	if (control & KALLOC_VDEV_CTL_ENABLE)
		cat(buf, len, used, " enable");
	if (control & KALLOC_VDEV_CTL_IRQ_ENABLE)
		cat(buf, len, used, " irq-enable");
}

static void created(const struct kalloc_change *c, char *buf, size_t len,
		    size_t *used)
{
	const struct kalloc_plan_buffer *b;
	char sz[32];

	cat(buf, len, used, " size %s",
	    kalloc_format_size(c->size, sz, sizeof(sz)));
	if (c->obj == KALLOC_CO_VDEV) {
		if (c->timer_ns)
			cat(buf, len, used, " timer %" PRIu64 "ns", c->timer_ns);
		vdev_flags(buf, len, used, c->control);
		return;
	}
	if (c->policy)
		cat(buf, len, used, " policy %s", pname(c->policy));
	b = c->stmt ? &c->stmt->u.buffer : NULL;
	if (b && b->fill_byte >= 0)
		cat(buf, len, used, " fill 0x%02x", b->fill_byte);
	if (b && b->from.text)
		cat(buf, len, used, " from \"%s\"", b->from.text);
}

static void changed(const struct kalloc_change *c, char *buf, size_t len,
		    size_t *used)
{
	char a[32], b[32];
	const char *sep = " ";

	if (c->what & KALLOC_CH_SIZE) {
		cat(buf, len, used, " size %s -> %s",
		    kalloc_format_size(c->cur_size, a, sizeof(a)),
		    kalloc_format_size(c->size, b, sizeof(b)));
		sep = ", ";
	}
	if (c->what & KALLOC_CH_POLICY) {
		cat(buf, len, used, "%spolicy %s -> %s", sep,
		    pname(c->cur_policy), pname(c->policy));
		sep = ", ";
	}
	if (c->what & KALLOC_CH_CONTROL) {
		cat(buf, len, used, "%scontrol 0x%x -> 0x%x", sep,
		    c->cur_control, c->control);
		sep = ", ";
	}
	if (c->what & KALLOC_CH_TIMER)
		cat(buf, len, used, "%stimer %" PRIu64 "ns -> %" PRIu64 "ns",
		    sep, c->cur_timer_ns, c->timer_ns);
}

static void setting(const struct kalloc_change *c, char *buf, size_t len,
		    size_t *used)
{
	if (c->obj == KALLOC_CO_POLICY)
		cat(buf, len, used, " %s -> %s",
		    c->cur_value ? pname(c->cur_value) : "?", pname(c->value));
	else
		cat(buf, len, used, " %" PRIu32 "ms -> %" PRIu32 "ms",
		    c->cur_value, c->value);
}

const char *kalloc_change_str(const struct kalloc_change *c, char *buf,
			      size_t len)
{
	size_t used = 0;
	char sz[32];

	cat(buf, len, &used, "%c %s", (char)c->op, kalloc_change_obj_name(c->obj));
	if (c->name[0])
		cat(buf, len, &used, " %s", c->name);
	switch (c->op) {
	case KALLOC_CH_CREATE:
		created(c, buf, len, &used);
		break;
	case KALLOC_CH_DELETE:
		cat(buf, len, &used, " size %s",
		    kalloc_format_size(c->cur_size, sz, sizeof(sz)));
		break;
	case KALLOC_CH_CHANGE:
		if (c->obj == KALLOC_CO_POLICY || c->obj == KALLOC_CO_STATS)
			setting(c, buf, len, &used);
		else
			changed(c, buf, len, &used);
		break;
	case KALLOC_CH_CONFLICT:
		if (c->why) {
			cat(buf, len, &used, ": %s: left alone", c->why);
			break;
		}
		cat(buf, len, &used, " %s%s: left alone",
		    c->owner[0] ? "owned by " : "has no owner tag",
		    c->owner);
		break;
	case KALLOC_CH_KEEP:
		break;
	}
	return buf;
}
