// SPDX-License-Identifier: GPL-2.0
/*
 * KALLOC_CMD_STATS_GET: the module totals and every policy's statistics
 * (arena.c keeps them), in one message.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "netlink.h"
#include "table.h"
#include "../include/kalloc/policy.h"

static const struct nla_policy kalloc_stats_get_policy[KALLOC_STATS_A_POLICY + 1] = {
	[KALLOC_STATS_A_POLICY] = NLA_POLICY_RANGE(NLA_U32, 1, KALLOC_POLICY_MAX),
};

/* What one STATS_GET reply says, gathered under the table lock. */
struct kalloc_stats_msg {
	u32 buffers, buffers_max;
	u64 budget_used, budget_limit;
	unsigned int first, last;	/* the policies reported */
	struct kalloc_policy_stats policy[KALLOC_POLICY_MAX + 1];
};

static size_t kalloc_pstats_size(void)
{
	return nla_total_size(0) +					/* the nest */
	       nla_total_size(sizeof(u32)) + nla_total_size(16) +	/* POLICY NAME */
	       9 * nla_total_size_64bit(sizeof(u64)) +			/* counters */
	       2 * nla_total_size(sizeof(u32)) +			/* FRAG_* */
	       2 * (nla_total_size(0) +
		    KALLOC_LATENCY_BUCKETS * nla_total_size_64bit(sizeof(u64)));
}

static size_t kalloc_stats_size(unsigned int npolicies)
{
	return 2 * nla_total_size(sizeof(u32)) +
	       2 * nla_total_size_64bit(sizeof(u64)) +
	       npolicies * kalloc_pstats_size();
}

static int kalloc_put_u64(struct sk_buff *skb, int type, u64 v)
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
	if (kalloc_put_u64(skb, KALLOC_PSTATS_A_ALLOCS, st->allocs) ||
	    kalloc_put_u64(skb, KALLOC_PSTATS_A_FREES, st->frees) ||
	    kalloc_put_u64(skb, KALLOC_PSTATS_A_FAILURES, st->failures) ||
	    kalloc_put_u64(skb, KALLOC_PSTATS_A_LIVE_BUFFERS, st->live_buffers) ||
	    kalloc_put_u64(skb, KALLOC_PSTATS_A_LIVE_BYTES, st->live_bytes) ||
	    kalloc_put_u64(skb, KALLOC_PSTATS_A_PEAK_BYTES, st->peak_bytes) ||
	    kalloc_put_u64(skb, KALLOC_PSTATS_A_FOOTPRINT_BYTES, st->footprint_bytes) ||
	    kalloc_put_u64(skb, KALLOC_PSTATS_A_ARENA_BYTES, st->arena_bytes) ||
	    kalloc_put_u64(skb, KALLOC_PSTATS_A_CANARY_VIOLATIONS,
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

static int kalloc_stats_fill(struct sk_buff *skb, const void *arg)
{
	const struct kalloc_stats_msg *m = arg;
	unsigned int id;

	if (nla_put_u64_64bit(skb, KALLOC_STATS_A_BUDGET_USED, m->budget_used,
			      KALLOC_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, KALLOC_STATS_A_BUDGET_LIMIT, m->budget_limit,
			      KALLOC_STATS_A_PAD) ||
	    nla_put_u32(skb, KALLOC_STATS_A_BUFFERS, m->buffers) ||
	    nla_put_u32(skb, KALLOC_STATS_A_BUFFERS_MAX, m->buffers_max))
		return -EMSGSIZE;
	for (id = m->first; id <= m->last; id++)
		if (kalloc_pstats_fill(skb, id, &m->policy[id]))
			return -EMSGSIZE;
	return 0;
}

/* Gathers the statistics of policies first..last into m. */
static void kalloc_stats_gather(struct kalloc_stats_msg *m)
{
	unsigned int id;

	kalloc_table_lock();
	kalloc_table_usage(&m->buffers, &m->budget_used, &m->buffers_max,
			   &m->budget_limit);
	for (id = m->first; id <= m->last; id++)
		kalloc_policy_stats(id, &m->policy[id]);
	kalloc_table_unlock();
}

static int kalloc_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *policy = info->attrs[KALLOC_STATS_A_POLICY];
	struct kalloc_stats_msg *m;
	int err;

	/* About 5 KiB: not for the stack. */
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	m->first = policy ? nla_get_u32(policy) : 1;
	m->last = policy ? m->first : KALLOC_POLICY_MAX;
	kalloc_stats_gather(m);
	err = kalloc_nl_reply(info, KALLOC_CMD_STATS_GET,
			      kalloc_stats_size(m->last - m->first + 1),
			      kalloc_stats_fill, m);
	kfree(m);
	return err;
}

const struct kalloc_nl_request kalloc_nl_stats_get = {
	.cmd = KALLOC_CMD_STATS_GET,
	.policy = kalloc_stats_get_policy,
	.maxattr = ARRAY_SIZE(kalloc_stats_get_policy) - 1,
	.doit = kalloc_stats_get_doit,
};
