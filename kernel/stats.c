// SPDX-License-Identifier: GPL-2.0
/*
 * The statistics message: the module totals, the telemetry counters and
 * every policy's statistics (arena.c keeps them), and for the stats group
 * the system metrics (sysmem.c). STATS_GET replies with it (nl_stats.c);
 * the stats group sends it every interval (telemetry.c).
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "netlink.h"
#include "stats.h"
#include "table.h"
#include "telemetry.h"
#include "../include/kalloc/policy.h"

static size_t kalloc_pstats_size(void)
{
	return nla_total_size(0) +					/* the nest */
	       nla_total_size(sizeof(u32)) + nla_total_size(16) +	/* POLICY NAME */
	       9 * nla_total_size_64bit(sizeof(u64)) +			/* counters */
	       2 * nla_total_size(sizeof(u32)) +			/* FRAG_* */
	       2 * (nla_total_size(0) +
		    KALLOC_LATENCY_BUCKETS * nla_total_size_64bit(sizeof(u64)));
}

/* The module totals and telemetry counters. */
static size_t kalloc_totals_size(void)
{
	return 4 * nla_total_size(sizeof(u32)) + nla_total_size(sizeof(u8)) +
	       10 * nla_total_size_64bit(sizeof(u64));
}

static size_t kalloc_system_size(const struct kalloc_stats_msg *m)
{
	return nla_total_size(0) + 8 * nla_total_size_64bit(sizeof(u64)) +
	       m->nzones * kalloc_zone_size(false);
}

size_t kalloc_stats_size(const struct kalloc_stats_msg *m)
{
	return kalloc_totals_size() +
	       (m->last - m->first + 1) * kalloc_pstats_size() +
	       (m->system ? kalloc_system_size(m) : 0);
}

static int kalloc_pstats_put(struct sk_buff *skb, int type, u64 v)
{
	return nla_put_u64_64bit(skb, type, v, KALLOC_PSTATS_A_PAD);
}

/* A latency histogram: bucket i is attribute i + 1. */
static int kalloc_hist_fill(struct sk_buff *skb, int type, const u64 *hist)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	unsigned int b;

	if (!nest)
		return -EMSGSIZE;
	for (b = 0; b < KALLOC_LATENCY_BUCKETS; b++)
		if (nla_put_u64_64bit(skb, b + 1, hist[b], KALLOC_LATENCY_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int kalloc_pstats_counters(struct sk_buff *skb,
				  const struct kalloc_policy_stats *st)
{
	if (kalloc_pstats_put(skb, KALLOC_PSTATS_A_ALLOCS, st->allocs) ||
	    kalloc_pstats_put(skb, KALLOC_PSTATS_A_FREES, st->frees) ||
	    kalloc_pstats_put(skb, KALLOC_PSTATS_A_FAILURES, st->failures) ||
	    kalloc_pstats_put(skb, KALLOC_PSTATS_A_LIVE_BUFFERS, st->live_buffers) ||
	    kalloc_pstats_put(skb, KALLOC_PSTATS_A_LIVE_BYTES, st->live_bytes) ||
	    kalloc_pstats_put(skb, KALLOC_PSTATS_A_PEAK_BYTES, st->peak_bytes) ||
	    kalloc_pstats_put(skb, KALLOC_PSTATS_A_FOOTPRINT_BYTES, st->footprint_bytes) ||
	    kalloc_pstats_put(skb, KALLOC_PSTATS_A_ARENA_BYTES, st->arena_bytes) ||
	    kalloc_pstats_put(skb, KALLOC_PSTATS_A_CANARY_VIOLATIONS,
			      st->canary_violations))
		return -EMSGSIZE;
	return 0;
}

static int kalloc_pstats_fill(struct sk_buff *skb, unsigned int id,
			      const struct kalloc_policy_stats *st)
{
	struct nlattr *nest = nla_nest_start(skb, KALLOC_STATS_A_POLICY_STATS);

	if (!nest ||
	    nla_put_u32(skb, KALLOC_PSTATS_A_POLICY, id) ||
	    nla_put_string(skb, KALLOC_PSTATS_A_NAME, kalloc_policy_name(id)) ||
	    kalloc_pstats_counters(skb, st) ||
	    nla_put_u32(skb, KALLOC_PSTATS_A_FRAG_INTERNAL, st->frag_internal) ||
	    nla_put_u32(skb, KALLOC_PSTATS_A_FRAG_EXTERNAL, st->frag_external) ||
	    kalloc_hist_fill(skb, KALLOC_PSTATS_A_ALLOC_LATENCY, st->alloc_lat) ||
	    kalloc_hist_fill(skb, KALLOC_PSTATS_A_FREE_LATENCY, st->free_lat))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int kalloc_stats_put(struct sk_buff *skb, int type, u64 v)
{
	return nla_put_u64_64bit(skb, type, v, KALLOC_STATS_A_PAD);
}

static int kalloc_telemetry_fill(struct sk_buff *skb,
				 const struct kalloc_stats_msg *m)
{
	const struct kalloc_perf_counters *p = &m->perf;

	if (nla_put_u32(skb, KALLOC_STATS_A_INTERVAL_MS, m->interval_ms) ||
	    nla_put_u8(skb, KALLOC_STATS_A_PERF_ACTIVE, m->perf_active) ||
	    nla_put_u32(skb, KALLOC_STATS_A_PERF_RING, m->perf_ring) ||
	    kalloc_stats_put(skb, KALLOC_STATS_A_PERF_PRODUCED, p->produced) ||
	    kalloc_stats_put(skb, KALLOC_STATS_A_PERF_DROPPED, p->dropped) ||
	    kalloc_stats_put(skb, KALLOC_STATS_A_PERF_SENT, p->sent) ||
	    kalloc_stats_put(skb, KALLOC_STATS_A_PERF_SEND_FAILED, p->send_failed) ||
	    kalloc_stats_put(skb, KALLOC_STATS_A_STATS_SENT, m->stats_sent) ||
	    kalloc_stats_put(skb, KALLOC_STATS_A_STATS_SEND_FAILED,
			     m->stats_failed) ||
	    kalloc_stats_put(skb, KALLOC_STATS_A_EVENTS_SENT, m->events_sent) ||
	    kalloc_stats_put(skb, KALLOC_STATS_A_EVENTS_SEND_FAILED,
			     m->events_failed))
		return -EMSGSIZE;
	return 0;
}

static int kalloc_system_put(struct sk_buff *skb, int type, u64 v)
{
	return nla_put_u64_64bit(skb, type, v, KALLOC_SYSTEM_A_PAD);
}

static int kalloc_system_fill(struct sk_buff *skb,
			      const struct kalloc_stats_msg *m)
{
	const struct kalloc_vm_events *ev = &m->events;
	struct nlattr *nest = nla_nest_start(skb, KALLOC_STATS_A_SYSTEM);
	unsigned int i;

	if (!nest ||
	    kalloc_system_put(skb, KALLOC_SYSTEM_A_PGFAULT, ev->pgfault) ||
	    kalloc_system_put(skb, KALLOC_SYSTEM_A_PGMAJFAULT, ev->pgmajfault) ||
	    kalloc_system_put(skb, KALLOC_SYSTEM_A_PGALLOC, ev->pgalloc) ||
	    kalloc_system_put(skb, KALLOC_SYSTEM_A_PGFREE, ev->pgfree) ||
	    kalloc_system_put(skb, KALLOC_SYSTEM_A_ALLOCSTALL, ev->allocstall) ||
	    kalloc_system_put(skb, KALLOC_SYSTEM_A_COMPACT_STALL,
			      ev->compact_stall) ||
	    kalloc_system_put(skb, KALLOC_SYSTEM_A_COMPACT_FAIL,
			      ev->compact_fail) ||
	    kalloc_system_put(skb, KALLOC_SYSTEM_A_COMPACT_SUCCESS,
			      ev->compact_success))
		return -EMSGSIZE;
	for (i = 0; i < m->nzones; i++)
		if (kalloc_zone_fill(skb, KALLOC_SYSTEM_A_ZONE, &m->zones[i], false))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

int kalloc_stats_fill(struct sk_buff *skb, const void *arg)
{
	const struct kalloc_stats_msg *m = arg;
	unsigned int id;

	if (kalloc_stats_put(skb, KALLOC_STATS_A_BUDGET_USED, m->budget_used) ||
	    kalloc_stats_put(skb, KALLOC_STATS_A_BUDGET_LIMIT, m->budget_limit) ||
	    nla_put_u32(skb, KALLOC_STATS_A_BUFFERS, m->buffers) ||
	    nla_put_u32(skb, KALLOC_STATS_A_BUFFERS_MAX, m->buffers_max) ||
	    kalloc_telemetry_fill(skb, m))
		return -EMSGSIZE;
	for (id = m->first; id <= m->last; id++)
		if (kalloc_pstats_fill(skb, id, &m->policy[id]))
			return -EMSGSIZE;
	if (m->system && kalloc_system_fill(skb, m))
		return -EMSGSIZE;
	return 0;
}

/*
 * A message about policies first..last (0, 0: all), and with system the
 * system metrics too; NULL without memory. Free it with kfree().
 */
struct kalloc_stats_msg *kalloc_stats_gather(unsigned int first,
					     unsigned int last, bool system)
{
	struct kalloc_stats_msg *m = kzalloc(sizeof(*m), GFP_KERNEL);
	unsigned int id;

	if (!m)
		return NULL;
	m->first = first ?: 1;
	m->last = last ?: KALLOC_POLICY_MAX;
	m->system = system;
	kalloc_table_lock();
	kalloc_table_usage(&m->buffers, &m->budget_used, &m->buffers_max,
			   &m->budget_limit);
	for (id = m->first; id <= m->last; id++)
		kalloc_policy_stats(id, &m->policy[id]);
	kalloc_table_unlock();
	kalloc_perf_counters(&m->perf);
	m->perf_active = kalloc_perf_recording();
	m->perf_ring = kalloc_perf_ring_records();
	m->interval_ms = kalloc_telemetry_interval();
	kalloc_nl_group_counters(KALLOC_MCGRP_IDX_STATS, &m->stats_sent,
				 &m->stats_failed);
	kalloc_nl_group_counters(KALLOC_MCGRP_IDX_EVENTS, &m->events_sent,
				 &m->events_failed);
	if (system) {
		kalloc_vm_events(&m->events);
		m->nzones = kalloc_zones(m->zones, KALLOC_ZONES_MAX);
	}
	return m;
}

