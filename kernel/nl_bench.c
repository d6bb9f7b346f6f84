// SPDX-License-Identifier: GPL-2.0
/*
 * KALLOC_CMD_BENCH_RUN: the in-kernel benchmark (bench.c), run in the
 * calling process, with all its results in one reply.
 */
#include <linux/kernel.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "bench.h"
#include "netlink.h"

static struct netlink_range_validation kalloc_bench_ops_range __ro_after_init = {
	.min = 1,
	.max = KALLOC_BENCH_OPS_MAX,
};

static const struct nla_policy kalloc_bench_run_policy[KALLOC_BENCH_A_PERF + 1] = {
	[KALLOC_BENCH_A_SCENARIO] = NLA_POLICY_RANGE(NLA_U32, 1, KALLOC_BENCH_MAX),
	[KALLOC_BENCH_A_OPS] = NLA_POLICY_FULL_RANGE(NLA_U32, &kalloc_bench_ops_range),
	[KALLOC_BENCH_A_RESULT] = { .type = NLA_REJECT },
	[KALLOC_BENCH_A_PERF] = { .type = NLA_FLAG },
};

static size_t kalloc_bench_result_size(void)
{
	return nla_total_size(0) +			/* the nest */
	       2 * nla_total_size(sizeof(u32)) +	/* SCENARIO POLICY */
	       nla_total_size(16) +			/* ALLOCATOR */
	       7 * nla_total_size_64bit(sizeof(u64)) +	/* OPS .. P99_PS RECORDS */
	       nla_total_size(sizeof(u8));		/* PERF */
}

static int kalloc_bench_put(struct sk_buff *skb, int type, u64 v)
{
	return nla_put_u64_64bit(skb, type, v, KALLOC_BENCH_R_PAD);
}

static int kalloc_bench_result_fill(struct sk_buff *skb,
				    const struct kalloc_bench_result *r, bool perf)
{
	struct nlattr *nest = nla_nest_start(skb, KALLOC_BENCH_A_RESULT);

	if (!nest ||
	    nla_put_u32(skb, KALLOC_BENCH_R_SCENARIO, r->scenario) ||
	    nla_put_string(skb, KALLOC_BENCH_R_ALLOCATOR, r->allocator) ||
	    (r->policy && nla_put_u32(skb, KALLOC_BENCH_R_POLICY, r->policy)) ||
	    kalloc_bench_put(skb, KALLOC_BENCH_R_OPS, r->ops) ||
	    kalloc_bench_put(skb, KALLOC_BENCH_R_FAILURES, r->failures) ||
	    kalloc_bench_put(skb, KALLOC_BENCH_R_NS, r->ns) ||
	    kalloc_bench_put(skb, KALLOC_BENCH_R_CYCLES, r->cycles) ||
	    kalloc_bench_put(skb, KALLOC_BENCH_R_P50_PS, r->p50_ps) ||
	    kalloc_bench_put(skb, KALLOC_BENCH_R_P99_PS, r->p99_ps) ||
	    kalloc_bench_put(skb, KALLOC_BENCH_R_RECORDS, r->records) ||
	    (perf && nla_put_u8(skb, KALLOC_BENCH_R_PERF, r->perf)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int kalloc_bench_fill(struct sk_buff *skb, const void *arg)
{
	const struct kalloc_bench_run *run = arg;
	unsigned int i;

	for (i = 0; i < run->n; i++)
		if (kalloc_bench_result_fill(skb, &run->res[i], run->perf))
			return -EMSGSIZE;
	return 0;
}

static int kalloc_bench_run_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	u32 scenario = tb[KALLOC_BENCH_A_SCENARIO] ?
		       nla_get_u32(tb[KALLOC_BENCH_A_SCENARIO]) : 0;
	u32 nops = tb[KALLOC_BENCH_A_OPS] ? nla_get_u32(tb[KALLOC_BENCH_A_OPS]) :
		   KALLOC_BENCH_OPS_DEFAULT;
	struct kalloc_bench_run *run;
	int err;

	err = kalloc_bench(scenario, nops, !!tb[KALLOC_BENCH_A_PERF], &run);
	if (err == -EBUSY)
		NL_SET_ERR_MSG(info->extack,
			       "another KALLOC_CMD_BENCH_RUN is running: try again later");
	else if (err == -EINTR)
		NL_SET_ERR_MSG(info->extack, "the benchmark was interrupted by a signal");
	else if (err)
		NL_SET_ERR_MSG(info->extack, "no memory for the benchmark");
	if (err)
		return err;
	err = kalloc_nl_reply(info, KALLOC_CMD_BENCH_RUN,
			      run->n * kalloc_bench_result_size(),
			      kalloc_bench_fill, run);
	kalloc_bench_free(run);
	return err;
}

const struct kalloc_nl_request kalloc_nl_bench_run = {
	.cmd = KALLOC_CMD_BENCH_RUN,
	.admin = true,
	.policy = kalloc_bench_run_policy,
	.maxattr = ARRAY_SIZE(kalloc_bench_run_policy) - 1,
	.doit = kalloc_bench_run_doit,
};
