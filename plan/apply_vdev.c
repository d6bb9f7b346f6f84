// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * apply_vdev.c - a reconcile's virtual devices (kalloc-vdev(4)) over
 * libkalloc's vdev object.
 *
 * A device is created with the owner tag KALLOC_PLAN_OWNER, its window
 * and timer period; VDEV_NEW starts it with ENABLE | IRQ_ENABLE (and the
 * timer with a period), so a plan that states other control bits gets a
 * VDEV_SET right after. A changed window cannot be changed in place (it
 * is fixed when a device is created): the device is deleted and created
 * again, which a device's window, unlike a buffer's contents, allows.
 *
 * Built against a libkalloc without devices (no <linux/kalloc_vdev.h>),
 * the kernel is taken to have none: the diff reports every planned
 * device as a conflict and nothing here is called.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"

#ifdef KALLOC_VDEV_DIR

int plan_world_vdevs(struct kalloc_nl *nl, struct kalloc_world_buf *wb,
		     struct kalloc_err *err)
{
	struct kalloc_vdev_info *v;
	size_t n, i;
	int rc = kalloc_vdev_list(nl, &v, &n, err);

	if (rc)
		return rc;
	wb->vdevs = calloc(n + 1, sizeof(*wb->vdevs));
	if (!wb->vdevs) {
		free(v);
		return kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
	}
	for (i = 0; i < n; i++) {
		memcpy(wb->vdevs[i].name, v[i].name, sizeof(v[i].name));
		memcpy(wb->vdevs[i].owner, v[i].owner, sizeof(v[i].owner));
		wb->vdevs[i].window = v[i].size;
		wb->vdevs[i].control = v[i].control;
		wb->vdevs[i].timer_ns = v[i].timer_ns;
	}
	free(v);
	wb->w.vdevs = wb->vdevs;
	wb->w.nvdevs = n;
	wb->w.have_vdevs = true;
	return 0;
}

static int set_control(struct kalloc_nl *nl, const struct kalloc_change *c,
		       struct kalloc_err *err)
{
	struct kalloc_vdev_settings s = {
		.has_control = true, .control = c->control,
		.mask = KALLOC_VDEV_CTL_PLANNED, .timer_ns = c->timer_ns,
	};

	return kalloc_vdev_set(nl, c->name, &s, NULL, err);
}

static int create(struct kalloc_nl *nl, const struct kalloc_change *c,
		  struct kalloc_err *err)
{
	struct kalloc_vdev_spec spec = {
		.name = c->name, .size = (uint32_t)c->size,
		.timer_ns = c->timer_ns, .owner = KALLOC_PLAN_OWNER,
	};
	uint32_t start = KALLOC_VDEV_CTL_ENABLE | KALLOC_VDEV_CTL_IRQ_ENABLE |
			 (c->timer_ns ? KALLOC_VDEV_CTL_TIMER_ENABLE : 0);
	int rc = kalloc_vdev_new(nl, &spec, NULL, err);

	if (!rc && c->control != start)
		rc = set_control(nl, c, err);
	return rc;
}

int plan_apply_vdev(struct kalloc_nl *nl, const struct kalloc_change *c,
		    struct kalloc_err *err)
{
	int rc;

	switch (c->op) {
	case KALLOC_CH_CREATE:
		return create(nl, c, err);
	case KALLOC_CH_DELETE:
		return kalloc_vdev_del(nl, c->name, err);
	case KALLOC_CH_CHANGE:
		if (!(c->what & KALLOC_CH_SIZE))
			return set_control(nl, c, err);
		rc = kalloc_vdev_del(nl, c->name, err);
		return rc ? rc : create(nl, c, err);
	default:
		return 0;
	}
}

#else /* a libkalloc without devices */

int plan_world_vdevs(struct kalloc_nl *nl, struct kalloc_world_buf *wb,
		     struct kalloc_err *err)
{
	(void)nl;
	(void)wb;
	(void)err;
	return 0;
}

int plan_apply_vdev(struct kalloc_nl *nl, const struct kalloc_change *c,
		    struct kalloc_err *err)
{
	(void)nl;
	(void)c;
	return kalloc_set_err(err, -EOPNOTSUPP,
			      "this kalloc has no virtual devices");
}

#endif
