// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The object files of lib/ (obj_buffer.c, obj_policy.c, obj_stats.c,
 * obj_bench.c, obj_meminfo.c, obj_perf.c) fed with hand-built replies, built with libnl the way the
 * kernel builds them (64-bit values padded, nests, repeated nests), and
 * the command -> object table nl.c dispatches replies with.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include "obj.h"
#include "check_run.h"

static struct nl_msg *msg;

static void reply(uint8_t cmd)
{
	msg = nlmsg_alloc_size(65536);
	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(genlmsg_put(msg, 0, 1, 0x20, 0, 0, cmd, 1));
}

static void u32(int type, uint32_t v)
{
	ck_assert_int_eq(nla_put_u32(msg, type, v), 0);
}

static void u64(int type, uint64_t v)
{
	ck_assert_int_eq(nla_put_u64(msg, type, v), 0);
}

static void str(int type, const char *s)
{
	ck_assert_int_eq(nla_put_string(msg, type, s), 0);
}

static int parse(const struct kalloc_obj_ops *ops, void *out)
{
	int ret = kalloc_obj_parse(ops, nlmsg_hdr(msg), out);

	nlmsg_free(msg);
	return ret;
}

/* ---- buffer ----------------------------------------------------------- */

static void buffer_reply(uint8_t cmd)
{
	reply(cmd);
	u32(KALLOC_BUFFER_A_ID, 7);
	str(KALLOC_BUFFER_A_NAME, "web0");
	u64(KALLOC_BUFFER_A_SIZE, 4096);
}

START_TEST(buffer_full)
{
	struct kalloc_buffer_info b;

	buffer_reply(KALLOC_CMD_BUFFER_GET);
	/* The padding nla_put_u64_64bit() puts before a 64-bit value. */
	ck_assert_int_eq(nla_put(msg, KALLOC_BUFFER_A_PAD, 0, NULL), 0);
	str(KALLOC_BUFFER_A_ALLOCATOR, "vmalloc");
	u32(KALLOC_BUFFER_A_POLICY, KALLOC_POLICY_SLAB);
	str(KALLOC_BUFFER_A_POLICY_NAME, "slab");
	str(KALLOC_BUFFER_A_OWNER, "user");
	u32(KALLOC_BUFFER_A_FLAGS, KALLOC_BUFFER_F_SOCKET);
	u32(KALLOC_BUFFER_A_PORTID, 4242);
	u32(KALLOC_BUFFER_A_GUARDS, KALLOC_GUARD_TAIL);
	ck_assert_int_eq(parse(&kalloc_obj_buffer, &b), 0);
	ck_assert_uint_eq(b.id, 7);
	ck_assert_str_eq(b.name, "web0");
	ck_assert_uint_eq(b.size, 4096);
	ck_assert_str_eq(b.allocator, "vmalloc");
	ck_assert_uint_eq(b.policy, KALLOC_POLICY_SLAB);
	ck_assert_str_eq(b.policy_name, "slab");
	ck_assert_str_eq(b.owner, "user");
	ck_assert_uint_eq(b.flags, KALLOC_BUFFER_F_SOCKET);
	ck_assert_uint_eq(b.portid, 4242);
	ck_assert_uint_eq(b.guards, KALLOC_GUARD_TAIL);
}
END_TEST

START_TEST(buffer_minimal)
{
	/* An older module's reply: the new fields read as absent. */
	struct kalloc_buffer_info b;

	memset(&b, 0xff, sizeof(b));
	buffer_reply(KALLOC_CMD_BUFFER_NEW);
	ck_assert_int_eq(parse(&kalloc_obj_buffer, &b), 0);
	ck_assert_str_eq(b.allocator, "");
	ck_assert_uint_eq(b.policy, 0);
	ck_assert_str_eq(b.policy_name, "");
	ck_assert_str_eq(b.owner, "");
	ck_assert_uint_eq(b.flags, 0);
	ck_assert_uint_eq(b.guards, 0);
}
END_TEST

START_TEST(buffer_unknown_attribute_ignored)
{
	struct kalloc_buffer_info b;

	buffer_reply(KALLOC_CMD_BUFFER_GET);
	u32(KALLOC_BUFFER_A_MAX + 1, 5);	/* from a newer module */
	ck_assert_int_eq(parse(&kalloc_obj_buffer, &b), 0);
	ck_assert_uint_eq(b.id, 7);
}
END_TEST

START_TEST(buffer_malformed)
{
	struct kalloc_buffer_info b;

	reply(KALLOC_CMD_BUFFER_GET);		/* no id */
	str(KALLOC_BUFFER_A_NAME, "x");
	u64(KALLOC_BUFFER_A_SIZE, 1);
	ck_assert_int_eq(parse(&kalloc_obj_buffer, &b), -EPROTO);
	reply(KALLOC_CMD_BUFFER_GET);		/* a u32 size */
	u32(KALLOC_BUFFER_A_ID, 1);
	str(KALLOC_BUFFER_A_NAME, "x");
	u32(KALLOC_BUFFER_A_SIZE, 1);
	ck_assert_int_eq(parse(&kalloc_obj_buffer, &b), -EPROTO);
	reply(KALLOC_CMD_BUFFER_GET);		/* a name without its NUL */
	u32(KALLOC_BUFFER_A_ID, 1);
	ck_assert_int_eq(nla_put(msg, KALLOC_BUFFER_A_NAME, 3, "abc"), 0);
	u64(KALLOC_BUFFER_A_SIZE, 1);
	ck_assert_int_eq(parse(&kalloc_obj_buffer, &b), -EPROTO);
}
END_TEST

START_TEST(buffer_long_strings_cut)
{
	struct kalloc_buffer_info b;

	buffer_reply(KALLOC_CMD_BUFFER_GET);
	str(KALLOC_BUFFER_A_OWNER, "an-owner-tag-that-is-far-too-long");
	ck_assert_int_eq(parse(&kalloc_obj_buffer, &b), 0);
	ck_assert_uint_eq(strlen(b.owner), KALLOC_OWNER_MAX - 1);
}
END_TEST

START_TEST(buffer_data)
{
	unsigned char buf[8];
	struct kalloc_io_data d = { .buf = buf, .cap = sizeof(buf) };

	reply(KALLOC_CMD_BUFFER_READ);
	u32(KALLOC_BUFFER_A_ID, 1);
	u64(KALLOC_BUFFER_A_OFFSET, 4096);
	ck_assert_int_eq(nla_put(msg, KALLOC_BUFFER_A_DATA, 5, "he\0lo"), 0);
	ck_assert_int_eq(parse(&kalloc_obj_buffer_data, &d), 0);
	ck_assert_uint_eq(d.len, 5);
	ck_assert_uint_eq(d.offset, 4096);
	ck_assert_int_eq(memcmp(buf, "he\0lo", 5), 0);

	/* More than asked for is the kernel's mistake: refused, not copied. */
	reply(KALLOC_CMD_BUFFER_READ);
	ck_assert_int_eq(nla_put(msg, KALLOC_BUFFER_A_DATA, 9, "123456789"), 0);
	ck_assert_int_eq(parse(&kalloc_obj_buffer_data, &d), -EPROTO);
	reply(KALLOC_CMD_BUFFER_READ);		/* no data */
	u64(KALLOC_BUFFER_A_OFFSET, 0);
	ck_assert_int_eq(parse(&kalloc_obj_buffer_data, &d), -EPROTO);
}
END_TEST

START_TEST(buffer_flush)
{
	struct kalloc_flush_reply f;

	reply(KALLOC_CMD_BUFFER_FLUSH);
	str(KALLOC_BUFFER_A_OWNER, "kallocd");
	u32(KALLOC_BUFFER_A_COUNT, 3);
	ck_assert_int_eq(parse(&kalloc_obj_buffer_flush, &f), 0);
	ck_assert_str_eq(f.owner, "kallocd");
	ck_assert_uint_eq(f.count, 3);
	reply(KALLOC_CMD_BUFFER_FLUSH);
	str(KALLOC_BUFFER_A_OWNER, "kallocd");
	ck_assert_int_eq(parse(&kalloc_obj_buffer_flush, &f), -EPROTO);
}
END_TEST

/* ---- policy ----------------------------------------------------------- */

static void policy_attrs(uint32_t id, const char *name, uint8_t active)
{
	u32(KALLOC_POLICY_A_ID, id);
	str(KALLOC_POLICY_A_NAME, name);
	ck_assert_int_eq(nla_put_u8(msg, KALLOC_POLICY_A_ACTIVE, active), 0);
	u32(KALLOC_POLICY_A_BUFFERS, 2);
	u64(KALLOC_POLICY_A_ARENA_BYTES, 1 << 20);
	u64(KALLOC_POLICY_A_ARENA_LIMIT, 16 << 20);
}

START_TEST(policy_get)
{
	struct kalloc_policy_info p;

	reply(KALLOC_CMD_POLICY_GET);
	policy_attrs(KALLOC_POLICY_TLSF, "tlsf", 1);
	ck_assert_int_eq(parse(&kalloc_obj_policy, &p), 0);
	ck_assert_uint_eq(p.id, KALLOC_POLICY_TLSF);
	ck_assert_str_eq(p.name, "tlsf");
	ck_assert(p.active);
	ck_assert_uint_eq(p.buffers, 2);
	ck_assert_uint_eq(p.arena_bytes, 1 << 20);
	ck_assert_uint_eq(p.arena_limit, 16 << 20);
	reply(KALLOC_CMD_POLICY_GET);
	u32(KALLOC_POLICY_A_ID, 1);
	ck_assert_int_eq(parse(&kalloc_obj_policy, &p), -EPROTO);
}
END_TEST

START_TEST(policy_set)
{
	struct kalloc_policy_change c;

	reply(KALLOC_CMD_POLICY_SET);
	policy_attrs(KALLOC_POLICY_SLAB, "slab", 1);
	u32(KALLOC_POLICY_A_PREVIOUS, KALLOC_POLICY_KMALLOC);
	ck_assert_int_eq(nla_put_u8(msg, KALLOC_POLICY_A_CHANGED, 1), 0);
	u32(KALLOC_POLICY_A_MIGRATED, 5);
	u32(KALLOC_POLICY_A_UNMOVED, 1);
	ck_assert_int_eq(parse(&kalloc_obj_policy_set, &c), 0);
	ck_assert_str_eq(c.active.name, "slab");
	ck_assert_uint_eq(c.previous, KALLOC_POLICY_KMALLOC);
	ck_assert(c.changed);
	ck_assert_uint_eq(c.migrated, 5);
	ck_assert_uint_eq(c.unmoved, 1);

	/* No change: PREVIOUS and CHANGED are still required. */
	reply(KALLOC_CMD_POLICY_SET);
	policy_attrs(KALLOC_POLICY_SLAB, "slab", 1);
	ck_assert_int_eq(nla_put_u8(msg, KALLOC_POLICY_A_CHANGED, 0), 0);
	ck_assert_int_eq(parse(&kalloc_obj_policy_set, &c), -EPROTO);
}
END_TEST

/* ---- stats ------------------------------------------------------------ */

static void pstats(uint32_t id, const char *name, uint64_t allocs)
{
	struct nlattr *nest = nla_nest_start(msg, KALLOC_STATS_A_POLICY_STATS);
	struct nlattr *hist;

	ck_assert_ptr_nonnull(nest);
	u32(KALLOC_PSTATS_A_POLICY, id);
	str(KALLOC_PSTATS_A_NAME, name);
	u64(KALLOC_PSTATS_A_ALLOCS, allocs);
	u64(KALLOC_PSTATS_A_FREES, allocs - 1);
	u64(KALLOC_PSTATS_A_FAILURES, 2);
	u64(KALLOC_PSTATS_A_LIVE_BUFFERS, 1);
	u64(KALLOC_PSTATS_A_LIVE_BYTES, 4096);
	u64(KALLOC_PSTATS_A_PEAK_BYTES, 8192);
	u64(KALLOC_PSTATS_A_FOOTPRINT_BYTES, 4160);
	u64(KALLOC_PSTATS_A_ARENA_BYTES, 1 << 20);
	u32(KALLOC_PSTATS_A_FRAG_INTERNAL, 1234);
	u32(KALLOC_PSTATS_A_FRAG_EXTERNAL, 5);
	u64(KALLOC_PSTATS_A_CANARY_VIOLATIONS, 1);
	hist = nla_nest_start(msg, KALLOC_PSTATS_A_ALLOC_LATENCY);
	u64(1, 10);				/* bucket 0 */
	u64(9, 3);				/* bucket 8: 256-511 ns */
	u64(KALLOC_LATENCY_BUCKETS, 1);		/* the last bucket */
	u64(KALLOC_LATENCY_BUCKETS + 1, 99);	/* a bucket we do not know */
	/* Padding, as nla_put_u64_64bit() puts it where it must align. */
	ck_assert_int_eq(nla_put(msg, KALLOC_LATENCY_PAD, 0, NULL), 0);
	nla_nest_end(msg, hist);
	hist = nla_nest_start(msg, KALLOC_PSTATS_A_FREE_LATENCY);
	u64(2, 4);
	nla_nest_end(msg, hist);
	nla_nest_end(msg, nest);
}

static void totals(void)
{
	u64(KALLOC_STATS_A_BUDGET_USED, 5120);
	u64(KALLOC_STATS_A_BUDGET_LIMIT, 64 << 20);
	u32(KALLOC_STATS_A_BUFFERS, 2);
	u32(KALLOC_STATS_A_BUFFERS_MAX, 1024);
}

START_TEST(stats_two_policies)
{
	static struct kalloc_stats st;
	const struct kalloc_pstats *ps;

	reply(KALLOC_CMD_STATS_GET);
	totals();
	pstats(KALLOC_POLICY_KMALLOC, "kmalloc", 3);
	pstats(KALLOC_POLICY_SLAB, "slab", 7);
	ck_assert_int_eq(parse(&kalloc_obj_stats, &st), 0);
	ck_assert_uint_eq(st.budget_used, 5120);
	ck_assert_uint_eq(st.budget_limit, 64 << 20);
	ck_assert_uint_eq(st.buffers, 2);
	ck_assert_uint_eq(st.buffers_max, 1024);
	ck_assert_uint_eq(st.npolicies, 2);
	ps = &st.policies[1];
	ck_assert_uint_eq(ps->policy, KALLOC_POLICY_SLAB);
	ck_assert_str_eq(ps->name, "slab");
	ck_assert_uint_eq(ps->allocs, 7);
	ck_assert_uint_eq(ps->frees, 6);
	ck_assert_uint_eq(ps->failures, 2);
	ck_assert_uint_eq(ps->live_buffers, 1);
	ck_assert_uint_eq(ps->live_bytes, 4096);
	ck_assert_uint_eq(ps->peak_bytes, 8192);
	ck_assert_uint_eq(ps->footprint_bytes, 4160);
	ck_assert_uint_eq(ps->arena_bytes, 1 << 20);
	ck_assert_uint_eq(ps->frag_internal, 1234);
	ck_assert_uint_eq(ps->frag_external, 5);
	ck_assert_uint_eq(ps->canary_violations, 1);
	ck_assert_uint_eq(ps->alloc_latency[0], 10);
	ck_assert_uint_eq(ps->alloc_latency[8], 3);
	ck_assert_uint_eq(ps->alloc_latency[KALLOC_LATENCY_BUCKETS - 1], 1);
	ck_assert_uint_eq(ps->alloc_latency[1], 0);
	ck_assert_uint_eq(ps->free_latency[1], 4);
	ck_assert_uint_eq(st.policies[0].allocs, 3);
}
END_TEST

START_TEST(stats_malformed)
{
	static struct kalloc_stats st;
	struct nlattr *nest;

	reply(KALLOC_CMD_STATS_GET);		/* no totals */
	pstats(KALLOC_POLICY_KMALLOC, "kmalloc", 3);
	ck_assert_int_eq(parse(&kalloc_obj_stats, &st), -EPROTO);
	reply(KALLOC_CMD_STATS_GET);		/* a nest without its policy */
	totals();
	nest = nla_nest_start(msg, KALLOC_STATS_A_POLICY_STATS);
	u64(KALLOC_PSTATS_A_ALLOCS, 1);
	nla_nest_end(msg, nest);
	ck_assert_int_eq(parse(&kalloc_obj_stats, &st), -EPROTO);
}
END_TEST

START_TEST(stats_too_many_policies)
{
	static struct kalloc_stats st;
	int i;

	reply(KALLOC_CMD_STATS_GET);
	totals();
	for (i = 0; i < KALLOC_STATS_POLICIES_MAX + 3; i++)
		pstats((uint32_t)i + 1, "p", 1);
	ck_assert_int_eq(parse(&kalloc_obj_stats, &st), 0);
	ck_assert_uint_eq(st.npolicies, KALLOC_STATS_POLICIES_MAX);
}
END_TEST

START_TEST(stats_telemetry)
{
	static struct kalloc_stats st;
	const struct kalloc_telemetry *t = &st.telemetry;

	reply(KALLOC_CMD_STATS_GET);
	totals();
	u32(KALLOC_STATS_A_INTERVAL_MS, 1000);
	ck_assert_int_eq(nla_put_u8(msg, KALLOC_STATS_A_PERF_ACTIVE, 1), 0);
	u32(KALLOC_STATS_A_PERF_RING, 4096);
	u64(KALLOC_STATS_A_PERF_PRODUCED, 100);
	u64(KALLOC_STATS_A_PERF_DROPPED, 10);
	u64(KALLOC_STATS_A_PERF_SENT, 80);
	u64(KALLOC_STATS_A_PERF_SEND_FAILED, 10);
	u64(KALLOC_STATS_A_STATS_SENT, 5);
	u64(KALLOC_STATS_A_STATS_SEND_FAILED, 1);
	u64(KALLOC_STATS_A_EVENTS_SENT, 7);
	u64(KALLOC_STATS_A_EVENTS_SEND_FAILED, 2);
	ck_assert_int_eq(parse(&kalloc_obj_stats, &st), 0);
	ck_assert(t->present);
	ck_assert_uint_eq(t->interval_ms, 1000);
	ck_assert(t->perf_active);
	ck_assert_uint_eq(t->perf_ring, 4096);
	ck_assert_uint_eq(t->perf_produced, 100);
	ck_assert_uint_eq(t->perf_dropped, 10);
	ck_assert_uint_eq(t->perf_sent, 80);
	ck_assert_uint_eq(t->perf_send_failed, 10);
	ck_assert_uint_eq(t->stats_sent, 5);
	ck_assert_uint_eq(t->stats_send_failed, 1);
	ck_assert_uint_eq(t->events_sent, 7);
	ck_assert_uint_eq(t->events_send_failed, 2);
	ck_assert(!st.system.present);

	/* An older module's reply has none of it. */
	reply(KALLOC_CMD_STATS_GET);
	totals();
	ck_assert_int_eq(parse(&kalloc_obj_stats, &st), 0);
	ck_assert(!t->present);
	ck_assert_uint_eq(t->perf_produced, 0);

	/* A counter of the wrong size is malformed. */
	reply(KALLOC_CMD_STATS_GET);
	totals();
	u32(KALLOC_STATS_A_PERF_SENT, 1);
	ck_assert_int_eq(parse(&kalloc_obj_stats, &st), -EPROTO);
}
END_TEST

/* ---- meminfo ---------------------------------------------------------- */

static void zone_full(const char *name, uint64_t free, int orders)
{
	struct nlattr *z = nla_nest_start(msg, KALLOC_MEMINFO_A_ZONE), *fa;
	int o;

	u32(KALLOC_ZONE_A_NODE, 0);
	str(KALLOC_ZONE_A_NAME, name);
	u64(KALLOC_ZONE_A_SPANNED, 4095);
	u64(KALLOC_ZONE_A_PRESENT, 3998);
	u64(KALLOC_ZONE_A_MANAGED, 3840);
	u64(KALLOC_ZONE_A_FREE, free);
	u64(KALLOC_ZONE_A_WMARK_MIN, 10);
	u64(KALLOC_ZONE_A_WMARK_LOW, 12);
	u64(KALLOC_ZONE_A_WMARK_HIGH, 14);
	fa = nla_nest_start(msg, KALLOC_ZONE_A_FREE_AREA);
	for (o = 0; o < orders; o++)
		u64(o + 1, (uint64_t)o * 2);
	ck_assert_int_eq(nla_put(msg, KALLOC_ZONE_FREE_AREA_PAD, 0, NULL), 0);
	nla_nest_end(msg, fa);
	nla_nest_end(msg, z);
}

static void segment(const char *name, uint64_t size, uint64_t start)
{
	struct nlattr *nest = nla_nest_start(msg, KALLOC_MEMINFO_A_SEGMENT);

	str(KALLOC_SEGMENT_A_NAME, name);
	u64(KALLOC_SEGMENT_A_SIZE, size);
	if (start) {
		u64(KALLOC_SEGMENT_A_START, start);
		u64(KALLOC_SEGMENT_A_END, start + size);
	}
	nla_nest_end(msg, nest);
}

static void meminfo_head(uint8_t addresses)
{
	reply(KALLOC_CMD_MEMINFO_GET);
	u32(KALLOC_MEMINFO_A_PAGE_SIZE, 4096);
	u64(KALLOC_MEMINFO_A_TOTAL_PAGES, 500000);
	u64(KALLOC_MEMINFO_A_FREE_PAGES, 400000);
	zone_full("DMA", 3000, 11);
	zone_full("DMA32", 300000, 11);
	u64(KALLOC_MEMINFO_A_TASK_SIZE, 0x7ffffffff000ULL);
	ck_assert_int_eq(nla_put_u8(msg, KALLOC_MEMINFO_A_ADDRESSES, addresses), 0);
}

START_TEST(meminfo_with_addresses)
{
	static struct kalloc_meminfo m;

	meminfo_head(1);
	segment("modules", 1ULL << 30, 0xffffffffa0000000ULL);
	segment("direct map", 2ULL << 30, 0xffff888000000000ULL);
	ck_assert_int_eq(nla_put_u8(msg, KALLOC_MEMINFO_A_KASLR, 1), 0);
	u64(KALLOC_MEMINFO_A_KASLR_OFFSET, 0x1c000000);
	ck_assert_int_eq(parse(&kalloc_obj_meminfo, &m), 0);
	ck_assert_uint_eq(m.page_size, 4096);
	ck_assert_uint_eq(m.total_pages, 500000);
	ck_assert_uint_eq(m.free_pages, 400000);
	ck_assert_uint_eq(m.nzones, 2);
	ck_assert_str_eq(m.zones[1].name, "DMA32");
	ck_assert(m.zones[1].full);
	ck_assert_uint_eq(m.zones[1].spanned, 4095);
	ck_assert_uint_eq(m.zones[1].present, 3998);
	ck_assert_uint_eq(m.zones[1].managed, 3840);
	ck_assert_uint_eq(m.zones[1].free, 300000);
	ck_assert_uint_eq(m.zones[1].wmark_min, 10);
	ck_assert_uint_eq(m.zones[1].wmark_low, 12);
	ck_assert_uint_eq(m.zones[1].wmark_high, 14);
	ck_assert_uint_eq(m.zones[1].norders, 11);
	ck_assert_uint_eq(m.zones[1].free_area[10], 20);
	ck_assert(m.has_task_size);
	ck_assert_uint_eq(m.task_size, 0x7ffffffff000ULL);
	ck_assert(m.addresses);
	ck_assert_uint_eq(m.nsegments, 2);
	ck_assert_str_eq(m.segments[1].name, "direct map");
	ck_assert(m.segments[1].has_range);
	ck_assert_uint_eq(m.segments[1].start, 0xffff888000000000ULL);
	ck_assert_uint_eq(m.segments[1].end, 0xffff888080000000ULL);
	ck_assert(m.has_kaslr && m.kaslr);
	ck_assert(m.has_kaslr_offset);
	ck_assert_uint_eq(m.kaslr_offset, 0x1c000000);
}
END_TEST

START_TEST(meminfo_without_addresses)
{
	static struct kalloc_meminfo m;

	meminfo_head(0);
	segment("modules", 1ULL << 30, 0);
	ck_assert_int_eq(parse(&kalloc_obj_meminfo, &m), 0);
	ck_assert(!m.addresses);
	ck_assert(!m.segments[0].has_range);
	ck_assert_uint_eq(m.segments[0].start, 0);
	ck_assert_uint_eq(m.segments[0].size, 1ULL << 30);
	ck_assert(!m.has_kaslr);
	ck_assert(!m.has_kaslr_offset);
}
END_TEST

START_TEST(meminfo_malformed)
{
	static struct kalloc_meminfo m;
	struct nlattr *nest;

	reply(KALLOC_CMD_MEMINFO_GET);		/* no page size */
	u64(KALLOC_MEMINFO_A_TOTAL_PAGES, 1);
	ck_assert_int_eq(parse(&kalloc_obj_meminfo, &m), -EPROTO);
	meminfo_head(1);			/* a start without an end */
	nest = nla_nest_start(msg, KALLOC_MEMINFO_A_SEGMENT);
	str(KALLOC_SEGMENT_A_NAME, "vmalloc");
	u64(KALLOC_SEGMENT_A_SIZE, 1);
	u64(KALLOC_SEGMENT_A_START, 1);
	nla_nest_end(msg, nest);
	ck_assert_int_eq(parse(&kalloc_obj_meminfo, &m), -EPROTO);
	meminfo_head(1);			/* a zone without its free count */
	nest = nla_nest_start(msg, KALLOC_MEMINFO_A_ZONE);
	u32(KALLOC_ZONE_A_NODE, 0);
	str(KALLOC_ZONE_A_NAME, "Normal");
	nla_nest_end(msg, nest);
	ck_assert_int_eq(parse(&kalloc_obj_meminfo, &m), -EPROTO);
}
END_TEST

START_TEST(meminfo_too_many_orders_and_zones)
{
	static struct kalloc_meminfo m;
	int i;

	reply(KALLOC_CMD_MEMINFO_GET);
	u32(KALLOC_MEMINFO_A_PAGE_SIZE, 65536);
	u64(KALLOC_MEMINFO_A_TOTAL_PAGES, 1);
	for (i = 0; i < KALLOC_ZONES_MAX + 2; i++)
		zone_full("Normal", 1, KALLOC_ZONE_ORDERS_MAX + 3);
	ck_assert_int_eq(parse(&kalloc_obj_meminfo, &m), 0);
	ck_assert_uint_eq(m.nzones, KALLOC_ZONES_MAX);
	ck_assert_uint_eq(m.zones[0].norders, KALLOC_ZONE_ORDERS_MAX);
	ck_assert(!m.has_task_size);
}
END_TEST

/* ---- perf ------------------------------------------------------------- */

START_TEST(perf_message)
{
	struct kalloc_perf_record recs[2] = {
		{ .size = 40, .type = KALLOC_PERF_FREE, .cpu = 1, .seq = 9,
		  .bytes = 4096, .id = 3 },
		{ .size = 40, .type = KALLOC_PERF_ALLOC, .cpu = 1, .seq = 11 },
	}, r;
	struct kalloc_perf_raw p;

	reply(KALLOC_CMD_PERF);
	u32(KALLOC_PERF_A_CPU, 1);
	u64(KALLOC_PERF_A_FIRST_SEQ, 9);
	u32(KALLOC_PERF_A_COUNT, 2);
	u64(KALLOC_PERF_A_LOST, 1);
	u32(KALLOC_PERF_A_RECORD_SIZE, sizeof(recs[0]));
	ck_assert_int_eq(nla_put(msg, KALLOC_PERF_A_RECORDS, sizeof(recs), recs), 0);
	ck_assert_int_eq(parse(&kalloc_obj_perf, &p), 0);
	ck_assert_uint_eq(p.cpu, 1);
	ck_assert_uint_eq(p.first_seq, 9);
	ck_assert_uint_eq(p.count, 2);
	ck_assert_uint_eq(p.lost, 1);
	ck_assert_uint_eq(p.record_size, 40);

	/* Without RECORDS, or with records of another size than said. */
	reply(KALLOC_CMD_PERF);
	u32(KALLOC_PERF_A_CPU, 1);
	u64(KALLOC_PERF_A_FIRST_SEQ, 9);
	u32(KALLOC_PERF_A_COUNT, 0);
	u32(KALLOC_PERF_A_RECORD_SIZE, 40);
	ck_assert_int_eq(parse(&kalloc_obj_perf, &p), -EPROTO);
	reply(KALLOC_CMD_PERF);
	u32(KALLOC_PERF_A_CPU, 1);
	u64(KALLOC_PERF_A_FIRST_SEQ, 9);
	u32(KALLOC_PERF_A_COUNT, 1);
	u32(KALLOC_PERF_A_RECORD_SIZE, 40);
	ck_assert_int_eq(nla_put(msg, KALLOC_PERF_A_RECORDS, 39, recs), 0);
	ck_assert_int_eq(parse(&kalloc_obj_perf, &p), -EPROTO);

	/* Record reading is a copy of the known part, whatever the alignment. */
	p.records = recs;
	p.record_size = 40;
	kalloc_perf_record_read(&p, 0, &r);
	ck_assert_uint_eq(r.bytes, 4096);
	ck_assert_uint_eq(r.id, 3);
	kalloc_perf_record_read(&p, 1, &r);
	ck_assert_uint_eq(r.seq, 11);
}
END_TEST

/* ---- bench ------------------------------------------------------------ */

static void result(uint32_t scenario, const char *allocator, uint32_t policy,
		   uint64_t ns)
{
	struct nlattr *nest = nla_nest_start(msg, KALLOC_BENCH_A_RESULT);

	u32(KALLOC_BENCH_R_SCENARIO, scenario);
	str(KALLOC_BENCH_R_ALLOCATOR, allocator);
	if (policy)
		u32(KALLOC_BENCH_R_POLICY, policy);
	u64(KALLOC_BENCH_R_OPS, 1000);
	u64(KALLOC_BENCH_R_FAILURES, 0);
	u64(KALLOC_BENCH_R_NS, ns);
	u64(KALLOC_BENCH_R_CYCLES, 3 * ns);
	u64(KALLOC_BENCH_R_P50_PS, 25000);
	u64(KALLOC_BENCH_R_P99_PS, 90500);
	nla_nest_end(msg, nest);
}

START_TEST(bench_results)
{
	static struct kalloc_bench b;

	reply(KALLOC_CMD_BENCH_RUN);
	result(KALLOC_BENCH_PAGES, "kmalloc", KALLOC_POLICY_KMALLOC, 50000);
	result(KALLOC_BENCH_PAGES, "buddy", KALLOC_POLICY_BUDDY, 20000);
	result(KALLOC_BENCH_PAGES, "alloc_pages", 0, 40000);
	ck_assert_int_eq(parse(&kalloc_obj_bench, &b), 0);
	ck_assert_uint_eq(b.n, 3);
	ck_assert_str_eq(b.results[1].allocator, "buddy");
	ck_assert_uint_eq(b.results[1].policy, KALLOC_POLICY_BUDDY);
	ck_assert_uint_eq(b.results[1].ns, 20000);
	ck_assert_uint_eq(b.results[1].cycles, 60000);
	ck_assert_uint_eq(b.results[1].p99_ps, 90500);
	ck_assert_str_eq(b.results[2].allocator, "alloc_pages");
	ck_assert_uint_eq(b.results[2].policy, 0);
	ck_assert_uint_eq(b.results[2].scenario, KALLOC_BENCH_PAGES);
	ck_assert(!b.results[2].perf);
	ck_assert_uint_eq(b.results[2].records, 0);
}
END_TEST

START_TEST(bench_perf_passes)
{
	static struct kalloc_bench b;
	struct nlattr *nest;
	int pass;

	reply(KALLOC_CMD_BENCH_RUN);
	for (pass = 0; pass < 2; pass++) {
		nest = nla_nest_start(msg, KALLOC_BENCH_A_RESULT);
		u32(KALLOC_BENCH_R_SCENARIO, KALLOC_BENCH_KERNEL);
		str(KALLOC_BENCH_R_ALLOCATOR, "slab");
		u32(KALLOC_BENCH_R_POLICY, KALLOC_POLICY_SLAB);
		u64(KALLOC_BENCH_R_OPS, 1000);
		u64(KALLOC_BENCH_R_NS, 20000 + 2000 * (uint64_t)pass);
		u64(KALLOC_BENCH_R_RECORDS, pass ? 1000 : 0);
		ck_assert_int_eq(nla_put_u8(msg, KALLOC_BENCH_R_PERF,
					    (uint8_t)pass), 0);
		nla_nest_end(msg, nest);
	}
	ck_assert_int_eq(parse(&kalloc_obj_bench, &b), 0);
	ck_assert_uint_eq(b.n, 2);
	ck_assert(!b.results[0].perf);
	ck_assert(b.results[1].perf);
	ck_assert_uint_eq(b.results[1].records, 1000);
	ck_assert_uint_eq(b.results[1].ns, 22000);
}
END_TEST

START_TEST(bench_malformed)
{
	static struct kalloc_bench b;
	struct nlattr *nest;

	reply(KALLOC_CMD_BENCH_RUN);
	nest = nla_nest_start(msg, KALLOC_BENCH_A_RESULT);
	str(KALLOC_BENCH_R_ALLOCATOR, "slab");
	nla_nest_end(msg, nest);
	ck_assert_int_eq(parse(&kalloc_obj_bench, &b), -EPROTO);
	reply(KALLOC_CMD_BENCH_RUN);		/* no results at all: empty */
	ck_assert_int_eq(parse(&kalloc_obj_bench, &b), 0);
	ck_assert_uint_eq(b.n, 0);
}
END_TEST

/* ---- vdev ------------------------------------------------------------- */

static void vdev_reply(uint8_t cmd)
{
	reply(cmd);
	str(KALLOC_VDEV_A_NAME, "dev0");
	u32(KALLOC_VDEV_A_ID, 3);
	u32(KALLOC_VDEV_A_MINOR, 124);
	u32(KALLOC_VDEV_A_SIZE, 4096);
	u32(KALLOC_VDEV_A_OPEN_FILES, 2);
	u32(KALLOC_VDEV_A_STATUS, KALLOC_VDEV_STATUS_READY);
	u32(KALLOC_VDEV_A_CONTROL, KALLOC_VDEV_CONTROL_ENABLE);
	u64(KALLOC_VDEV_A_TIMER_NS, 1000000);
	u64(KALLOC_VDEV_A_IRQ_COUNT, 1001);
	u64(KALLOC_VDEV_A_IRQ_UNACKED, 1);
	u64(KALLOC_VDEV_A_DMA_COMPLETED, 5);
	u64(KALLOC_VDEV_A_DMA_FAILED, 1);
}

START_TEST(vdev_full)
{
	struct kalloc_vdev_info v;

	vdev_reply(KALLOC_CMD_VDEV_DMA);
	str(KALLOC_VDEV_A_OWNER, "kallocd");
	u64(KALLOC_VDEV_A_DMA_SEQ, 6);
	u32(KALLOC_VDEV_A_DMA_DIRECTION, KALLOC_VDEV_DMA_TO_DEVICE);
	u32(KALLOC_VDEV_A_DMA_BUFFER, 9);
	u64(KALLOC_VDEV_A_DMA_OFFSET, 1ULL << 33);
	u32(KALLOC_VDEV_A_DMA_DEV_OFFSET, 16);
	u32(KALLOC_VDEV_A_DMA_LENGTH, 100);
	u32(KALLOC_VDEV_A_DMA_BYTES, 0);
	u32(KALLOC_VDEV_A_DMA_ERROR, ENOENT);
	ck_assert_int_eq(parse(&kalloc_obj_vdev, &v), 0);
	ck_assert_str_eq(v.name, "dev0");
	ck_assert_str_eq(v.owner, "kallocd");
	ck_assert_uint_eq(v.id, 3);
	ck_assert_uint_eq(v.minor, 124);
	ck_assert_uint_eq(v.size, 4096);
	ck_assert_uint_eq(v.open_files, 2);
	ck_assert_uint_eq(v.status, KALLOC_VDEV_STATUS_READY);
	ck_assert_uint_eq(v.control, KALLOC_VDEV_CONTROL_ENABLE);
	ck_assert_uint_eq(v.timer_ns, 1000000);
	ck_assert_uint_eq(v.irq_count, 1001);
	ck_assert_uint_eq(v.irq_unacked, 1);
	ck_assert_uint_eq(v.dma_completed, 5);
	ck_assert_uint_eq(v.dma_failed, 1);
	ck_assert_uint_eq(v.dma_seq, 6);
	ck_assert_uint_eq(v.dma_direction, KALLOC_VDEV_DMA_TO_DEVICE);
	ck_assert_uint_eq(v.dma_buffer, 9);
	ck_assert_uint_eq(v.dma_offset, 1ULL << 33);
	ck_assert_uint_eq(v.dma_dev_offset, 16);
	ck_assert_uint_eq(v.dma_length, 100);
	ck_assert_uint_eq(v.dma_error, ENOENT);
}
END_TEST

START_TEST(vdev_minimal_and_malformed)
{
	struct kalloc_vdev_info v;

	vdev_reply(KALLOC_CMD_VDEV_GET);
	ck_assert_int_eq(parse(&kalloc_obj_vdev, &v), 0);
	ck_assert_str_eq(v.owner, "");
	ck_assert_uint_eq(v.dma_seq, 0);
	reply(KALLOC_CMD_VDEV_GET);
	str(KALLOC_VDEV_A_NAME, "dev0");
	ck_assert_int_eq(parse(&kalloc_obj_vdev, &v), -EPROTO);
	reply(KALLOC_CMD_VDEV_GET);
	str(KALLOC_VDEV_A_NAME, "dev0");
	u32(KALLOC_VDEV_A_SIZE, 4096);
	u32(KALLOC_VDEV_A_CONTROL, 3);
	/* too short for a u32 */
	ck_assert_int_eq(nla_put_u16(msg, KALLOC_VDEV_A_STATUS, 1), 0);
	ck_assert_int_eq(parse(&kalloc_obj_vdev, &v), -EPROTO);
}
END_TEST

/* ---- dispatch --------------------------------------------------------- */

START_TEST(objects_by_command)
{
	ck_assert_ptr_eq(kalloc_obj_of_cmd(KALLOC_CMD_BUFFER_NEW), &kalloc_obj_buffer);
	ck_assert_ptr_eq(kalloc_obj_of_cmd(KALLOC_CMD_BUFFER_CHECK), &kalloc_obj_buffer);
	ck_assert_ptr_eq(kalloc_obj_of_cmd(KALLOC_CMD_BUFFER_READ),
			 &kalloc_obj_buffer_data);
	ck_assert_ptr_eq(kalloc_obj_of_cmd(KALLOC_CMD_BUFFER_FLUSH),
			 &kalloc_obj_buffer_flush);
	ck_assert_ptr_eq(kalloc_obj_of_cmd(KALLOC_CMD_POLICY_GET), &kalloc_obj_policy);
	ck_assert_ptr_eq(kalloc_obj_of_cmd(KALLOC_CMD_POLICY_SET),
			 &kalloc_obj_policy_set);
	ck_assert_ptr_eq(kalloc_obj_of_cmd(KALLOC_CMD_STATS_GET), &kalloc_obj_stats);
	ck_assert_ptr_eq(kalloc_obj_of_cmd(KALLOC_CMD_BENCH_RUN), &kalloc_obj_bench);
	ck_assert_ptr_eq(kalloc_obj_of_cmd(KALLOC_CMD_STATS_SET), &kalloc_obj_stats);
	ck_assert_ptr_eq(kalloc_obj_of_cmd(KALLOC_CMD_MEMINFO_GET),
			 &kalloc_obj_meminfo);
	ck_assert_ptr_eq(kalloc_obj_of_cmd(KALLOC_CMD_PERF), &kalloc_obj_perf);
	ck_assert_ptr_eq(kalloc_obj_of_cmd(KALLOC_CMD_VDEV_NEW), &kalloc_obj_vdev);
	ck_assert_ptr_eq(kalloc_obj_of_cmd(KALLOC_CMD_VDEV_DMA), &kalloc_obj_vdev);
	ck_assert_ptr_null(kalloc_obj_of_cmd(KALLOC_CMD_UNSPEC));
	ck_assert_ptr_null(kalloc_obj_of_cmd(KALLOC_CMD_MAX + 1));
}
END_TEST

START_TEST(every_attribute_named)
{
	/* Each object's table names every attribute of its space. */
	static const struct kalloc_obj_ops *const all[] = {
		&kalloc_obj_buffer, &kalloc_obj_policy, &kalloc_obj_stats,
		&kalloc_obj_bench, &kalloc_obj_meminfo, &kalloc_obj_perf,
		&kalloc_obj_vdev,
	};
	unsigned int i, t;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		ck_assert_uint_le(all[i]->maxattr, KALLOC_OBJ_MAXATTR);
		for (t = 1; t <= all[i]->maxattr; t++)
			ck_assert_msg(kalloc_obj_attr_name(all[i], t),
				      "%s attribute %u has no name",
				      all[i]->name, t);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("obj");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, buffer_full);
	tcase_add_test(tc, buffer_minimal);
	tcase_add_test(tc, buffer_unknown_attribute_ignored);
	tcase_add_test(tc, buffer_malformed);
	tcase_add_test(tc, buffer_long_strings_cut);
	tcase_add_test(tc, buffer_data);
	tcase_add_test(tc, buffer_flush);
	tcase_add_test(tc, policy_get);
	tcase_add_test(tc, policy_set);
	tcase_add_test(tc, stats_two_policies);
	tcase_add_test(tc, stats_malformed);
	tcase_add_test(tc, stats_too_many_policies);
	tcase_add_test(tc, stats_telemetry);
	tcase_add_test(tc, meminfo_with_addresses);
	tcase_add_test(tc, meminfo_without_addresses);
	tcase_add_test(tc, meminfo_malformed);
	tcase_add_test(tc, meminfo_too_many_orders_and_zones);
	tcase_add_test(tc, perf_message);
	tcase_add_test(tc, bench_results);
	tcase_add_test(tc, bench_perf_passes);
	tcase_add_test(tc, bench_malformed);
	tcase_add_test(tc, vdev_full);
	tcase_add_test(tc, vdev_minimal_and_malformed);
	tcase_add_test(tc, objects_by_command);
	tcase_add_test(tc, every_attribute_named);
	suite_add_tcase(s, tc);
	return kalloc_check_run(s);
}
