// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * events.c - kallocd listening to the kernel: the "events" and "stats"
 * groups through libkalloc's subscription API (lib/events.c), on one
 * socket in the daemon's loop.
 *
 *   BUFFER_NEW, _DEL, _SET     a drift check when it was one of kallocd's
 *                              objects, or another owner's deletion while
 *                              a planned name is a conflict (kallocd's own
 *                              changes come back here too; a check that
 *                              finds the plan in place changes nothing)
 *   VDEV_NEW, _DEL, _SET       the same for devices; VDEV_IRQ and _DMA
 *                              are ignored (they change no setting)
 *   POLICY_SET                 logged; not drift ("policy active" is an
 *                              apply-time setting, and rules switch it)
 *   STATS                      the rules and the metrics, every interval
 *   OVERRUN                    messages were lost: resynchronise by
 *                              dumping (a drift check), and count it
 *
 * Messages are drained first and the drift check runs once after them,
 * so that a burst of events costs one dump. When the family goes away
 * the sockets go with it; serve.c reopens them when the family returns.
 *
 * One handle per group: libkalloc resolves a group on the handle's own
 * socket, and with libnl 3.7 the second group's lookup on a socket that
 * joined the first one fails ("no multicast group"). Two sockets cost
 * nothing, and a flood of one group cannot overrun the other.
 */
#include <errno.h>
#include <string.h>

#include "daemon.h"
#include "log.h"

/* The receive buffer: a reconcile of a large plan sends an event per buffer. */
#define EVENTS_RCVBUF	(4u << 20)

static void on_buffer(struct kallocd *kd, const struct kalloc_event *e)
{
	struct kd_logctx lc = { .kind = "BUFFER", .name = e->buffer.name,
				.action = "event" };
	const char *why = kalloc_del_reason_name(e->buffer.reason);

	if (strcmp(e->buffer.owner, KALLOC_PLAN_OWNER)) {
		/* Another owner's buffer matters only when its deletion frees
		 * a planned name that was a conflict. */
		if (e->type == KALLOC_EVENT_BUFFER_DEL && kd->conflicts)
			kd->drift_pending = true;
		return;
	}
	if (e->type == KALLOC_EVENT_BUFFER_DEL &&
	    e->buffer.reason != KALLOC_DEL_REQUEST)
		kd_log_ctx(LOG_NOTICE, &lc, "buffer %s deleted (%s)",
			   e->buffer.name, why ? why : "?");
	kd->drift_pending = true;
}

/*
 * A device event: kallocd's devices' creation, deletion and settings are
 * drift to check; interrupts and transfers (VDEV_IRQ, VDEV_DMA) are their
 * users' business and change nothing the plan says.
 */
static void on_vdev(struct kallocd *kd, const struct kalloc_event *e)
{
	if (e->cmd == KALLOC_CMD_VDEV_IRQ || e->cmd == KALLOC_CMD_VDEV_DMA)
		return;
	if (!strcmp(e->vdev.owner, KALLOC_PLAN_OWNER) ||
	    (e->cmd == KALLOC_CMD_VDEV_DEL && kd->conflicts))
		kd->drift_pending = true;
}

static void on_event(struct kallocd *kd, const struct kalloc_event *e)
{
	switch (e->type) {
	case KALLOC_EVENT_BUFFER_NEW:
	case KALLOC_EVENT_BUFFER_DEL:
	case KALLOC_EVENT_BUFFER_SET:
		on_buffer(kd, e);
		break;
	case KALLOC_EVENT_VDEV:
		on_vdev(kd, e);
		break;
	case KALLOC_EVENT_POLICY_SET:
		kd_log(LOG_INFO, "the active policy is now %s",
		       e->policy.active.name);
		break;
	case KALLOC_EVENT_STATS:
		kd->stats = *e->stats;
		kd->have_stats = true;
		kd_rules_sample(kd, &kd->stats, kd_now_ms());
		break;
	case KALLOC_EVENT_OTHER:
		/* A newer module's command: a drift check tells whether it
		 * touched kallocd's objects. */
		kd->drift_pending = true;
		break;
	case KALLOC_EVENT_OVERRUN:
		kd->n.resyncs++;
		kd_log(LOG_WARNING, "events lost (ENOBUFS): resynchronising");
		kd->drift_pending = true;
		break;
	default:
		break;
	}
}

static int on_events(struct kd_watch *w)
{
	struct kallocd *kd = w->ctx;
	struct kalloc_events **evp = w == &kd->w_stats ? &kd->stats_ev
							: &kd->events;
	struct kalloc_event e;
	struct kalloc_err err;
	int rc;

	while (*evp && (rc = kalloc_events_recv(*evp, &e, KALLOC_EVENTS_NONBLOCK,
						&err)) != 0) {
		if (rc == -EPROTO || rc == -EINTR)
			continue;
		if (rc < 0) {
			kd_log(LOG_WARNING, "%s: %s; closing it", w->name, err.msg);
			kd_events_close(kd);
			kd->drift_pending = true;
			break;
		}
		on_event(kd, &e);
	}
	if (kd->drift_pending && kd->family) {
		kd->drift_pending = false;
		kd_drift_check(kd);
	}
	kd_status_update(kd);
	return 0;
}

/* One group on a handle of its own, watched as name. */
static int listen_to(struct kallocd *kd, const char *group,
		     struct kalloc_events **evp, struct kd_watch *w,
		     const char *name)
{
	struct kalloc_err err;

	if (kalloc_events_open(evp, &group, 1, &err)) {
		kd_log(LOG_WARNING, "cannot listen to kalloc's %s group: %s; polling instead",
		       group, err.msg);
		*evp = NULL;
		return -1;
	}
	if (kalloc_events_set_rcvbuf(*evp, EVENTS_RCVBUF, NULL, &err))
		kd_log(LOG_WARNING, "%s: %s", name, err.msg);
	*w = (struct kd_watch){ .name = name, .cb = on_events, .ctx = kd,
				.fd = kalloc_events_fd(*evp) };
	if (kd_loop_add(&kd->loop, w)) {
		kalloc_events_close(*evp);
		*evp = NULL;
		return -1;
	}
	return 0;
}

void kd_events_open(struct kallocd *kd)
{
	if (kd->events || kd->stats_ev)
		return;
	if (listen_to(kd, KALLOC_MCGRP_EVENTS, &kd->events, &kd->w_events,
		      "events") ||
	    listen_to(kd, KALLOC_MCGRP_STATS, &kd->stats_ev, &kd->w_stats,
		      "stats"))
		kd_events_close(kd);
}

static void close_one(struct kallocd *kd, struct kalloc_events **evp,
		      struct kd_watch *w)
{
	if (!*evp)
		return;
	kd_loop_del(&kd->loop, w);
	kalloc_events_close(*evp);
	*evp = NULL;
}

void kd_events_close(struct kallocd *kd)
{
	close_one(kd, &kd->events, &kd->w_events);
	close_one(kd, &kd->stats_ev, &kd->w_stats);
}
