// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * obj_stats.c - the stats object: KALLOC_CMD_STATS_GET and
 * KALLOC_CMD_STATS_SET, in the attribute space enum kalloc_stats_attr.
 * A STATS_GET message (a reply, or the stats group's periodic message)
 * holds the module totals, the telemetry counters, one nest per policy
 * (enum kalloc_pstats_attr) with two latency histograms whose attribute
 * types are bucket numbers plus one, and, on the stats group, the system
 * metrics (enum kalloc_system_attr) with a brief nest per zone, which
 * obj_meminfo.c parses.
 */
#include <errno.h>
#include <string.h>

#include "obj.h"

static const char *const stats_attr_names[KALLOC_STATS_A_MAX + 1] = {
	[KALLOC_STATS_A_POLICY]		= "policy",
	[KALLOC_STATS_A_BUDGET_USED]	= "budget_used",
	[KALLOC_STATS_A_BUDGET_LIMIT]	= "budget_limit",
	[KALLOC_STATS_A_BUFFERS]	= "buffers",
	[KALLOC_STATS_A_BUFFERS_MAX]	= "buffers_max",
	[KALLOC_STATS_A_POLICY_STATS]	= "policy_stats",
	[KALLOC_STATS_A_PAD]		= "pad",
	[KALLOC_STATS_A_INTERVAL_MS]	= "interval_ms",
	[KALLOC_STATS_A_PERF_ACTIVE]	= "perf_active",
	[KALLOC_STATS_A_PERF_RING]	= "perf_ring",
	[KALLOC_STATS_A_PERF_PRODUCED]	= "perf_produced",
	[KALLOC_STATS_A_PERF_DROPPED]	= "perf_dropped",
	[KALLOC_STATS_A_PERF_SENT]	= "perf_sent",
	[KALLOC_STATS_A_PERF_SEND_FAILED] = "perf_send_failed",
	[KALLOC_STATS_A_STATS_SENT]	= "stats_sent",
	[KALLOC_STATS_A_STATS_SEND_FAILED] = "stats_send_failed",
	[KALLOC_STATS_A_EVENTS_SENT]	= "events_sent",
	[KALLOC_STATS_A_EVENTS_SEND_FAILED] = "events_send_failed",
	[KALLOC_STATS_A_SYSTEM]		= "system",
	[KALLOC_STATS_A_PERF_FLUSH]	= "perf_flush",
};

static const struct nla_policy stats_policy[KALLOC_STATS_A_MAX + 1] = {
	[KALLOC_STATS_A_POLICY]		= { .type = NLA_U32 },
	[KALLOC_STATS_A_BUDGET_USED]	= { .type = NLA_U64 },
	[KALLOC_STATS_A_BUDGET_LIMIT]	= { .type = NLA_U64 },
	[KALLOC_STATS_A_BUFFERS]	= { .type = NLA_U32 },
	[KALLOC_STATS_A_BUFFERS_MAX]	= { .type = NLA_U32 },
	[KALLOC_STATS_A_POLICY_STATS]	= { .type = NLA_NESTED },
	[KALLOC_STATS_A_INTERVAL_MS]	= { .type = NLA_U32 },
	[KALLOC_STATS_A_PERF_ACTIVE]	= { .type = NLA_U8 },
	[KALLOC_STATS_A_PERF_RING]	= { .type = NLA_U32 },
	[KALLOC_STATS_A_PERF_PRODUCED]	= { .type = NLA_U64 },
	[KALLOC_STATS_A_PERF_DROPPED]	= { .type = NLA_U64 },
	[KALLOC_STATS_A_PERF_SENT]	= { .type = NLA_U64 },
	[KALLOC_STATS_A_PERF_SEND_FAILED] = { .type = NLA_U64 },
	[KALLOC_STATS_A_STATS_SENT]	= { .type = NLA_U64 },
	[KALLOC_STATS_A_STATS_SEND_FAILED] = { .type = NLA_U64 },
	[KALLOC_STATS_A_EVENTS_SENT]	= { .type = NLA_U64 },
	[KALLOC_STATS_A_EVENTS_SEND_FAILED] = { .type = NLA_U64 },
	[KALLOC_STATS_A_SYSTEM]		= { .type = NLA_NESTED },
};

static const struct nla_policy system_policy[KALLOC_SYSTEM_A_MAX + 1] = {
	[KALLOC_SYSTEM_A_PGFAULT]		= { .type = NLA_U64 },
	[KALLOC_SYSTEM_A_PGMAJFAULT]		= { .type = NLA_U64 },
	[KALLOC_SYSTEM_A_PGALLOC]		= { .type = NLA_U64 },
	[KALLOC_SYSTEM_A_PGFREE]		= { .type = NLA_U64 },
	[KALLOC_SYSTEM_A_ALLOCSTALL]		= { .type = NLA_U64 },
	[KALLOC_SYSTEM_A_COMPACT_STALL]		= { .type = NLA_U64 },
	[KALLOC_SYSTEM_A_COMPACT_FAIL]		= { .type = NLA_U64 },
	[KALLOC_SYSTEM_A_COMPACT_SUCCESS]	= { .type = NLA_U64 },
	[KALLOC_SYSTEM_A_ZONE]			= { .type = NLA_NESTED },
};

static const struct nla_policy pstats_policy[KALLOC_PSTATS_A_MAX + 1] = {
	[KALLOC_PSTATS_A_POLICY]		= { .type = NLA_U32 },
	[KALLOC_PSTATS_A_NAME]			= { .type = NLA_STRING },
	[KALLOC_PSTATS_A_ALLOCS]		= { .type = NLA_U64 },
	[KALLOC_PSTATS_A_FREES]			= { .type = NLA_U64 },
	[KALLOC_PSTATS_A_FAILURES]		= { .type = NLA_U64 },
	[KALLOC_PSTATS_A_LIVE_BUFFERS]		= { .type = NLA_U64 },
	[KALLOC_PSTATS_A_LIVE_BYTES]		= { .type = NLA_U64 },
	[KALLOC_PSTATS_A_PEAK_BYTES]		= { .type = NLA_U64 },
	[KALLOC_PSTATS_A_FOOTPRINT_BYTES]	= { .type = NLA_U64 },
	[KALLOC_PSTATS_A_ARENA_BYTES]		= { .type = NLA_U64 },
	[KALLOC_PSTATS_A_FRAG_INTERNAL]		= { .type = NLA_U32 },
	[KALLOC_PSTATS_A_FRAG_EXTERNAL]		= { .type = NLA_U32 },
	[KALLOC_PSTATS_A_CANARY_VIOLATIONS]	= { .type = NLA_U64 },
	[KALLOC_PSTATS_A_ALLOC_LATENCY]		= { .type = NLA_NESTED },
	[KALLOC_PSTATS_A_FREE_LATENCY]		= { .type = NLA_NESTED },
};

/* The u64 counters of a policy's nest, and where each goes. */
#define PSTATS_U64(attr, field) KALLOC_OBJ_U64(attr, struct kalloc_pstats, field)
static const struct kalloc_obj_u64 pstats_u64[] = {
	PSTATS_U64(KALLOC_PSTATS_A_ALLOCS, allocs),
	PSTATS_U64(KALLOC_PSTATS_A_FREES, frees),
	PSTATS_U64(KALLOC_PSTATS_A_FAILURES, failures),
	PSTATS_U64(KALLOC_PSTATS_A_LIVE_BUFFERS, live_buffers),
	PSTATS_U64(KALLOC_PSTATS_A_LIVE_BYTES, live_bytes),
	PSTATS_U64(KALLOC_PSTATS_A_PEAK_BYTES, peak_bytes),
	PSTATS_U64(KALLOC_PSTATS_A_FOOTPRINT_BYTES, footprint_bytes),
	PSTATS_U64(KALLOC_PSTATS_A_ARENA_BYTES, arena_bytes),
	PSTATS_U64(KALLOC_PSTATS_A_CANARY_VIOLATIONS, canary_violations),
};

/*
 * Bucket b's count is attribute b + 1; other types (KALLOC_LATENCY_PAD,
 * the padding of architectures that align 64-bit values, or buckets of a
 * newer module) are left out, and so is an empty attribute, which can
 * only be padding.
 */
static int parse_histogram(struct nlattr *nest, uint64_t *buckets)
{
	struct nlattr *a;
	int rem, type;

	if (!nest)
		return 0;
	nla_for_each_nested(a, nest, rem) {
		type = nla_type(a);
		if (type < 1 || type > KALLOC_LATENCY_BUCKETS || !nla_len(a))
			continue;
		if (nla_len(a) != sizeof(uint64_t))
			return -EPROTO;
		buckets[type - 1] = nla_get_u64(a);
	}
	return 0;
}

static int parse_pstats(struct nlattr *nest, struct kalloc_pstats *ps)
{
	struct nlattr *tb[KALLOC_PSTATS_A_MAX + 1];

	if (nla_parse_nested(tb, KALLOC_PSTATS_A_MAX, nest, pstats_policy) < 0)
		return -EPROTO;
	if (!tb[KALLOC_PSTATS_A_POLICY] || !tb[KALLOC_PSTATS_A_NAME])
		return -EPROTO;
	memset(ps, 0, sizeof(*ps));
	ps->policy = nla_get_u32(tb[KALLOC_PSTATS_A_POLICY]);
	nla_strlcpy(ps->name, tb[KALLOC_PSTATS_A_NAME], sizeof(ps->name));
	kalloc_obj_get_u64s(tb, pstats_u64, ARRAY_SIZE(pstats_u64), ps);
	if (tb[KALLOC_PSTATS_A_FRAG_INTERNAL])
		ps->frag_internal = nla_get_u32(tb[KALLOC_PSTATS_A_FRAG_INTERNAL]);
	if (tb[KALLOC_PSTATS_A_FRAG_EXTERNAL])
		ps->frag_external = nla_get_u32(tb[KALLOC_PSTATS_A_FRAG_EXTERNAL]);
	if (parse_histogram(tb[KALLOC_PSTATS_A_ALLOC_LATENCY], ps->alloc_latency) ||
	    parse_histogram(tb[KALLOC_PSTATS_A_FREE_LATENCY], ps->free_latency))
		return -EPROTO;
	return 0;
}

/* A u64 attribute into dst, if it came. */
static void get_u64(uint64_t *dst, struct nlattr *a)
{
	if (a)
		*dst = nla_get_u64(a);
}

/*
 * The telemetry counters: present with PERF_PRODUCED (a module older than
 * the telemetry contract sends none); each is read if it came.
 */
static void parse_telemetry(struct nlattr **tb, struct kalloc_telemetry *t)
{
	t->present = tb[KALLOC_STATS_A_PERF_PRODUCED] != NULL;
	if (tb[KALLOC_STATS_A_INTERVAL_MS])
		t->interval_ms = nla_get_u32(tb[KALLOC_STATS_A_INTERVAL_MS]);
	if (tb[KALLOC_STATS_A_PERF_ACTIVE])
		t->perf_active = nla_get_u8(tb[KALLOC_STATS_A_PERF_ACTIVE]);
	if (tb[KALLOC_STATS_A_PERF_RING])
		t->perf_ring = nla_get_u32(tb[KALLOC_STATS_A_PERF_RING]);
	get_u64(&t->perf_produced, tb[KALLOC_STATS_A_PERF_PRODUCED]);
	get_u64(&t->perf_dropped, tb[KALLOC_STATS_A_PERF_DROPPED]);
	get_u64(&t->perf_sent, tb[KALLOC_STATS_A_PERF_SENT]);
	get_u64(&t->perf_send_failed, tb[KALLOC_STATS_A_PERF_SEND_FAILED]);
	get_u64(&t->stats_sent, tb[KALLOC_STATS_A_STATS_SENT]);
	get_u64(&t->stats_send_failed, tb[KALLOC_STATS_A_STATS_SEND_FAILED]);
	get_u64(&t->events_sent, tb[KALLOC_STATS_A_EVENTS_SENT]);
	get_u64(&t->events_send_failed, tb[KALLOC_STATS_A_EVENTS_SEND_FAILED]);
}

static int parse_system_zones(struct nlattr *nest, struct kalloc_system *sys)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != KALLOC_SYSTEM_A_ZONE)
			continue;
		if (sys->nzones == KALLOC_ZONES_MAX)
			break;
		if (kalloc_obj_parse_zone(a, &sys->zones[sys->nzones]))
			return -EPROTO;
		sys->nzones++;
	}
	return 0;
}

/* The stats group's system metrics; a STATS_GET reply has none. */
static int parse_system(struct nlattr *nest, struct kalloc_system *sys)
{
	struct nlattr *tb[KALLOC_SYSTEM_A_MAX + 1];

	if (!nest)
		return 0;
	if (nla_parse_nested(tb, KALLOC_SYSTEM_A_MAX, nest, system_policy) < 0)
		return -EPROTO;
	sys->present = true;
	get_u64(&sys->pgfault, tb[KALLOC_SYSTEM_A_PGFAULT]);
	get_u64(&sys->pgmajfault, tb[KALLOC_SYSTEM_A_PGMAJFAULT]);
	get_u64(&sys->pgalloc, tb[KALLOC_SYSTEM_A_PGALLOC]);
	get_u64(&sys->pgfree, tb[KALLOC_SYSTEM_A_PGFREE]);
	get_u64(&sys->allocstall, tb[KALLOC_SYSTEM_A_ALLOCSTALL]);
	get_u64(&sys->compact_stall, tb[KALLOC_SYSTEM_A_COMPACT_STALL]);
	get_u64(&sys->compact_fail, tb[KALLOC_SYSTEM_A_COMPACT_FAIL]);
	get_u64(&sys->compact_success, tb[KALLOC_SYSTEM_A_COMPACT_SUCCESS]);
	return parse_system_zones(nest, sys);
}

static int parse_policies(const struct kalloc_obj_reply *r,
			  struct kalloc_stats *st)
{
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, r->head, r->len, rem) {
		if (nla_type(a) != KALLOC_STATS_A_POLICY_STATS)
			continue;
		if (st->npolicies == KALLOC_STATS_POLICIES_MAX)
			break;
		if (parse_pstats(a, &st->policies[st->npolicies]))
			return -EPROTO;
		st->npolicies++;
	}
	return 0;
}

/* The totals are required; policies beyond what the struct holds are dropped. */
static int parse_stats(const struct kalloc_obj_reply *r, void *out)
{
	struct nlattr **tb = r->tb;
	struct kalloc_stats *st = out;

	if (!tb[KALLOC_STATS_A_BUDGET_USED] || !tb[KALLOC_STATS_A_BUDGET_LIMIT] ||
	    !tb[KALLOC_STATS_A_BUFFERS] || !tb[KALLOC_STATS_A_BUFFERS_MAX])
		return -EPROTO;
	memset(st, 0, sizeof(*st));
	st->budget_used = nla_get_u64(tb[KALLOC_STATS_A_BUDGET_USED]);
	st->budget_limit = nla_get_u64(tb[KALLOC_STATS_A_BUDGET_LIMIT]);
	st->buffers = nla_get_u32(tb[KALLOC_STATS_A_BUFFERS]);
	st->buffers_max = nla_get_u32(tb[KALLOC_STATS_A_BUFFERS_MAX]);
	parse_telemetry(tb, &st->telemetry);
	if (parse_policies(r, st))
		return -EPROTO;
	return parse_system(tb[KALLOC_STATS_A_SYSTEM], &st->system);
}

const struct kalloc_obj_ops kalloc_obj_stats = {
	.name = "stats",
	.attr_prefix = "KALLOC_STATS_A_",
	.maxattr = KALLOC_STATS_A_MAX,
	.attr_names = stats_attr_names,
	.policy = stats_policy,
	.reply_size = sizeof(struct kalloc_stats),
	.parse = parse_stats,
};

/* STATS_GET, of one policy or all, with or without draining the rings. */
static int stats_get(struct kalloc_nl *nl, const uint32_t *policy, bool flush,
		     struct kalloc_stats *out, struct kalloc_err *err)
{
	struct nl_msg *msg;
	bool got = false;
	int ret;

	kalloc_clear_err(err);
	ret = kalloc_nl_request(nl, &msg, KALLOC_CMD_STATS_GET, 0,
				kalloc_attr_size(4) + kalloc_attr_size(0), err);
	if (ret)
		return ret;
	if ((policy && nla_put_u32(msg, KALLOC_STATS_A_POLICY, *policy) < 0) ||
	    (flush && nla_put_flag(msg, KALLOC_STATS_A_PERF_FLUSH) < 0)) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	ret = kalloc_nl_do(nl, msg, out, &got, err);
	if (!ret && !got)
		ret = kalloc_set_err(err, -EPROTO,
				     "the kernel sent no statistics");
	return ret;
}

int kalloc_stats_get(struct kalloc_nl *nl, const uint32_t *policy,
		     struct kalloc_stats *out, struct kalloc_err *err)
{
	return stats_get(nl, policy, false, out, err);
}

int kalloc_stats_flush(struct kalloc_nl *nl, struct kalloc_stats *out,
		       struct kalloc_err *err)
{
	return stats_get(nl, NULL, true, out, err);
}

int kalloc_stats_set_interval(struct kalloc_nl *nl, uint32_t ms,
			      struct kalloc_err *err)
{
	struct nl_msg *msg;
	int ret;

	kalloc_clear_err(err);
	ret = kalloc_nl_request(nl, &msg, KALLOC_CMD_STATS_SET, 0,
				kalloc_attr_size(4), err);
	if (ret)
		return ret;
	if (nla_put_u32(msg, KALLOC_STATS_A_INTERVAL_MS, ms) < 0) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	return kalloc_nl_do(nl, msg, NULL, NULL, err);
}
