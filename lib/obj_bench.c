// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * obj_bench.c - the bench object: KALLOC_CMD_BENCH_RUN, in the attribute
 * space enum kalloc_bench_attr, whose reply holds one nest (enum
 * kalloc_bench_result_attr) per scenario and allocator, in run order.
 */
#include <errno.h>
#include <string.h>

#include "obj.h"

static const char *const bench_attr_names[KALLOC_BENCH_A_MAX + 1] = {
	[KALLOC_BENCH_A_SCENARIO]	= "scenario",
	[KALLOC_BENCH_A_OPS]		= "ops",
	[KALLOC_BENCH_A_RESULT]		= "result",
	[KALLOC_BENCH_A_PERF]		= "perf",	/* the telemetry issue's */
};

static const struct nla_policy bench_policy[KALLOC_BENCH_A_MAX + 1] = {
	[KALLOC_BENCH_A_SCENARIO]	= { .type = NLA_U32 },
	[KALLOC_BENCH_A_OPS]		= { .type = NLA_U32 },
	[KALLOC_BENCH_A_RESULT]		= { .type = NLA_NESTED },
};

static const struct nla_policy result_policy[KALLOC_BENCH_R_MAX + 1] = {
	[KALLOC_BENCH_R_SCENARIO]	= { .type = NLA_U32 },
	[KALLOC_BENCH_R_ALLOCATOR]	= { .type = NLA_STRING },
	[KALLOC_BENCH_R_POLICY]		= { .type = NLA_U32 },
	[KALLOC_BENCH_R_OPS]		= { .type = NLA_U64 },
	[KALLOC_BENCH_R_FAILURES]	= { .type = NLA_U64 },
	[KALLOC_BENCH_R_NS]		= { .type = NLA_U64 },
	[KALLOC_BENCH_R_CYCLES]		= { .type = NLA_U64 },
	[KALLOC_BENCH_R_P50_PS]		= { .type = NLA_U64 },
	[KALLOC_BENCH_R_P99_PS]		= { .type = NLA_U64 },
	[KALLOC_BENCH_R_PERF]		= { .type = NLA_U8 },
	[KALLOC_BENCH_R_RECORDS]	= { .type = NLA_U64 },
};

static uint64_t u64_or_0(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

/* Scenario, allocator, ops and ns are required: a result means nothing without them. */
static int parse_result(struct nlattr *nest, struct kalloc_bench_result *res)
{
	struct nlattr *tb[KALLOC_BENCH_R_MAX + 1];

	if (nla_parse_nested(tb, KALLOC_BENCH_R_MAX, nest, result_policy) < 0)
		return -EPROTO;
	if (!tb[KALLOC_BENCH_R_SCENARIO] || !tb[KALLOC_BENCH_R_ALLOCATOR] ||
	    !tb[KALLOC_BENCH_R_OPS] || !tb[KALLOC_BENCH_R_NS])
		return -EPROTO;
	memset(res, 0, sizeof(*res));
	res->scenario = nla_get_u32(tb[KALLOC_BENCH_R_SCENARIO]);
	nla_strlcpy(res->allocator, tb[KALLOC_BENCH_R_ALLOCATOR],
		    sizeof(res->allocator));
	if (tb[KALLOC_BENCH_R_POLICY])
		res->policy = nla_get_u32(tb[KALLOC_BENCH_R_POLICY]);
	res->ops = nla_get_u64(tb[KALLOC_BENCH_R_OPS]);
	res->ns = nla_get_u64(tb[KALLOC_BENCH_R_NS]);
	res->failures = u64_or_0(tb[KALLOC_BENCH_R_FAILURES]);
	res->cycles = u64_or_0(tb[KALLOC_BENCH_R_CYCLES]);
	res->p50_ps = u64_or_0(tb[KALLOC_BENCH_R_P50_PS]);
	res->p99_ps = u64_or_0(tb[KALLOC_BENCH_R_P99_PS]);
	res->perf = tb[KALLOC_BENCH_R_PERF] &&
		    nla_get_u8(tb[KALLOC_BENCH_R_PERF]);
	res->records = u64_or_0(tb[KALLOC_BENCH_R_RECORDS]);
	return 0;
}

static int parse_bench(const struct kalloc_obj_reply *r, void *out)
{
	struct kalloc_bench *b = out;
	struct nlattr *a;
	int rem;

	b->n = 0;
	nla_for_each_attr(a, r->head, r->len, rem) {
		if (nla_type(a) != KALLOC_BENCH_A_RESULT)
			continue;
		if (b->n == KALLOC_BENCH_RESULTS_MAX)
			break;
		if (parse_result(a, &b->results[b->n]))
			return -EPROTO;
		b->n++;
	}
	return 0;
}

const struct kalloc_obj_ops kalloc_obj_bench = {
	.name = "bench",
	.attr_prefix = "KALLOC_BENCH_A_",
	.maxattr = KALLOC_BENCH_A_MAX,
	.attr_names = bench_attr_names,
	.policy = bench_policy,
	.reply_size = sizeof(struct kalloc_bench),
	.parse = parse_bench,
};

static int bench_run(struct kalloc_nl *nl, const uint32_t *scenario,
		     const uint32_t *ops, bool perf, struct kalloc_bench *out,
		     struct kalloc_err *err)
{
	struct nl_msg *msg;
	bool got = false;
	int ret;

	kalloc_clear_err(err);
	ret = kalloc_nl_request(nl, &msg, KALLOC_CMD_BENCH_RUN, 0,
				2 * kalloc_attr_size(4) + kalloc_attr_size(0),
				err);
	if (ret)
		return ret;
	if ((scenario &&
	     nla_put_u32(msg, KALLOC_BENCH_A_SCENARIO, *scenario) < 0) ||
	    (ops && nla_put_u32(msg, KALLOC_BENCH_A_OPS, *ops) < 0) ||
	    (perf && nla_put_flag(msg, KALLOC_BENCH_A_PERF) < 0)) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	ret = kalloc_nl_do(nl, msg, out, &got, err);
	if (!ret && !got)
		ret = kalloc_set_err(err, -EPROTO,
				     "the kernel sent no benchmark results");
	return ret;
}

int kalloc_bench_run(struct kalloc_nl *nl, const uint32_t *scenario,
		     const uint32_t *ops, struct kalloc_bench *out,
		     struct kalloc_err *err)
{
	return bench_run(nl, scenario, ops, false, out, err);
}

int kalloc_bench_run_perf(struct kalloc_nl *nl, const uint32_t *scenario,
			  const uint32_t *ops, struct kalloc_bench *out,
			  struct kalloc_err *err)
{
	return bench_run(nl, scenario, ops, true, out, err);
}
