// SPDX-License-Identifier: GPL-2.0
/*
 * KALLOC_CMD_STATS_GET and KALLOC_CMD_STATS_SET: the statistics message
 * (stats.c) on request, and the stats group's interval (telemetry.c).
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "netlink.h"
#include "perf.h"
#include "stats.h"
#include "telemetry.h"

static const struct nla_policy kalloc_stats_get_policy[KALLOC_STATS_A_PERF_FLUSH + 1] = {
	[KALLOC_STATS_A_POLICY] = NLA_POLICY_RANGE(NLA_U32, 1, KALLOC_POLICY_MAX),
	[KALLOC_STATS_A_PERF_FLUSH] = { .type = NLA_FLAG },
};

static struct netlink_range_validation kalloc_interval_range __ro_after_init = {
	.min = KALLOC_STATS_INTERVAL_MIN_MS,
	.max = KALLOC_STATS_INTERVAL_MAX_MS,
};

static const struct nla_policy kalloc_stats_set_policy[KALLOC_STATS_A_INTERVAL_MS + 1] = {
	[KALLOC_STATS_A_INTERVAL_MS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							     &kalloc_interval_range),
};

static int kalloc_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *policy = info->attrs[KALLOC_STATS_A_POLICY];
	unsigned int id = policy ? nla_get_u32(policy) : 0;
	struct kalloc_stats_msg *m;
	int err;

	/* Counters that are final: what the rings hold is sent first. */
	if (info->attrs[KALLOC_STATS_A_PERF_FLUSH])
		kalloc_perf_flush();
	m = kalloc_stats_gather(id, id, false);
	if (!m) {
		NL_SET_ERR_MSG(info->extack, "no memory for the statistics");
		return -ENOMEM;
	}
	err = kalloc_nl_reply(info, KALLOC_CMD_STATS_GET, kalloc_stats_size(m),
			      kalloc_stats_fill, m);
	kfree(m);
	return err;
}

static int kalloc_stats_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (kalloc_nl_missing(info, KALLOC_STATS_A_INTERVAL_MS,
			      "KALLOC_STATS_A_INTERVAL_MS is required"))
		return -EINVAL;
	kalloc_telemetry_set_interval(nla_get_u32(info->attrs[KALLOC_STATS_A_INTERVAL_MS]));
	return 0;
}

const struct kalloc_nl_request kalloc_nl_stats_get = {
	.cmd = KALLOC_CMD_STATS_GET,
	.policy = kalloc_stats_get_policy,
	.maxattr = ARRAY_SIZE(kalloc_stats_get_policy) - 1,
	.doit = kalloc_stats_get_doit,
};

const struct kalloc_nl_request kalloc_nl_stats_set = {
	.cmd = KALLOC_CMD_STATS_SET,
	.admin = true,
	.policy = kalloc_stats_set_policy,
	.maxattr = ARRAY_SIZE(kalloc_stats_set_policy) - 1,
	.doit = kalloc_stats_set_doit,
};
