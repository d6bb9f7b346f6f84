// SPDX-License-Identifier: GPL-2.0
/*
 * Telemetry's clock: who listens, and the stats group's messages.
 *
 * Linux 6.1's struct genl_family has no bind or unbind hook (they came in
 * 6.9), so nothing tells the module that a socket joined a group. A
 * watch work runs once a second and asks genl_has_listeners() (one bitmap
 * test per group): someone on "perf" starts the perf ring (perf.c), nobody
 * stops it; someone on "stats" starts the stats work, which sends one
 * message per interval and stops by itself as soon as it finds nobody
 * listening. With no listener, nothing is sampled or sent: only the watch
 * runs. A socket that joins therefore hears within one interval plus a
 * second, as the uapi promises.
 *
 * Locking: kalloc_telemetry.lock orders interval changes against the stats
 * work's rearming and against unload (stopping); it is never held while
 * waiting for a work item, so the works may take it.
 */
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "netlink.h"
#include "perf.h"
#include "stats.h"
#include "telemetry.h"

static struct kalloc_telemetry {
	struct mutex lock;		/* interval_ms, stopping, rearming */
	unsigned int interval_ms;
	bool stopping;
	struct delayed_work watch;	/* once a second: who listens */
	struct delayed_work stats;	/* once an interval, while listened */
} kalloc_telemetry = {
	.lock = __MUTEX_INITIALIZER(kalloc_telemetry.lock),
};

unsigned int kalloc_telemetry_interval(void)
{
	return READ_ONCE(kalloc_telemetry.interval_ms);
}

/* Lock held. Queues the stats work one interval from now, unless stopping. */
static void kalloc_telemetry_arm_stats(bool restart)
{
	unsigned long delay = msecs_to_jiffies(kalloc_telemetry.interval_ms);

	if (kalloc_telemetry.stopping)
		return;
	if (restart)
		mod_delayed_work(system_wq, &kalloc_telemetry.stats, delay);
	else
		queue_delayed_work(system_wq, &kalloc_telemetry.stats, delay);
}

static void kalloc_telemetry_send_stats(void)
{
	struct kalloc_stats_msg *m = kalloc_stats_gather(0, 0, true);

	/* No memory now: the next interval tries again. */
	if (!m)
		return;
	kalloc_nl_group_send(KALLOC_MCGRP_IDX_STATS, KALLOC_CMD_STATS_GET,
			     kalloc_stats_size(m), kalloc_stats_fill, m);
	kfree(m);
}

static void kalloc_telemetry_stats_fn(struct work_struct *work)
{
	if (!kalloc_nl_listening(KALLOC_MCGRP_IDX_STATS))
		return;		/* the watch restarts us */
	kalloc_telemetry_send_stats();
	mutex_lock(&kalloc_telemetry.lock);
	kalloc_telemetry_arm_stats(false);
	mutex_unlock(&kalloc_telemetry.lock);
}

static void kalloc_telemetry_watch_fn(struct work_struct *work)
{
	if (kalloc_nl_listening(KALLOC_MCGRP_IDX_PERF))
		kalloc_perf_start();
	else
		kalloc_perf_stop();
	mutex_lock(&kalloc_telemetry.lock);
	if (kalloc_nl_listening(KALLOC_MCGRP_IDX_STATS))
		kalloc_telemetry_arm_stats(false);	/* no-op if queued */
	if (!kalloc_telemetry.stopping)
		queue_delayed_work(system_wq, &kalloc_telemetry.watch, HZ);
	mutex_unlock(&kalloc_telemetry.lock);
}

/* STATS_SET: the next message comes one new interval from now. */
void kalloc_telemetry_set_interval(unsigned int ms)
{
	mutex_lock(&kalloc_telemetry.lock);
	WRITE_ONCE(kalloc_telemetry.interval_ms, ms);
	if (delayed_work_pending(&kalloc_telemetry.stats))
		kalloc_telemetry_arm_stats(true);
	mutex_unlock(&kalloc_telemetry.lock);
}

int kalloc_telemetry_init(unsigned int interval_ms)
{
	if (interval_ms < KALLOC_STATS_INTERVAL_MIN_MS ||
	    interval_ms > KALLOC_STATS_INTERVAL_MAX_MS) {
		pr_err("kalloc: stats_interval_ms=%u is not in %u..%u\n",
		       interval_ms, KALLOC_STATS_INTERVAL_MIN_MS,
		       KALLOC_STATS_INTERVAL_MAX_MS);
		return -EINVAL;
	}
	kalloc_telemetry.interval_ms = interval_ms;
	INIT_DELAYED_WORK(&kalloc_telemetry.watch, kalloc_telemetry_watch_fn);
	INIT_DELAYED_WORK(&kalloc_telemetry.stats, kalloc_telemetry_stats_fn);
	return 0;
}

/* Once the family is registered: the first check is a second away. */
void kalloc_telemetry_start(void)
{
	queue_delayed_work(system_wq, &kalloc_telemetry.watch, HZ);
}

/*
 * Before the family goes: no work may send on it afterwards. Stopping
 * keeps the works from rearming; the cancels wait for running ones.
 */
void kalloc_telemetry_exit(void)
{
	mutex_lock(&kalloc_telemetry.lock);
	kalloc_telemetry.stopping = true;
	mutex_unlock(&kalloc_telemetry.lock);
	cancel_delayed_work_sync(&kalloc_telemetry.watch);
	cancel_delayed_work_sync(&kalloc_telemetry.stats);
	kalloc_perf_stop();
}
