/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The statistics message of STATS_GET and the stats group. See stats.c.
 */
#ifndef KALLOC_STATS_H
#define KALLOC_STATS_H

#include <linux/types.h>

#include "arena.h"
#include "perf.h"
#include "sysmem.h"

/* What one message says, gathered by kalloc_stats_gather(). */
struct kalloc_stats_msg {
	u32 buffers, buffers_max;
	u64 budget_used, budget_limit;
	unsigned int first, last;	/* the policies reported */
	struct kalloc_policy_stats policy[KALLOC_POLICY_MAX + 1];
	struct kalloc_perf_counters perf;
	bool perf_active;
	u32 perf_ring, interval_ms;
	u64 stats_sent, stats_failed, events_sent, events_failed;
	bool system;			/* with the system metrics */
	struct kalloc_vm_events events;
	unsigned int nzones;
	struct kalloc_zone_info zones[KALLOC_ZONES_MAX];
};

struct kalloc_stats_msg *kalloc_stats_gather(unsigned int first,
					     unsigned int last, bool system);
size_t kalloc_stats_size(const struct kalloc_stats_msg *m);
int kalloc_stats_fill(struct sk_buff *skb, const void *arg);

#endif /* KALLOC_STATS_H */
