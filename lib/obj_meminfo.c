// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * obj_meminfo.c - the meminfo object: KALLOC_CMD_MEMINFO_GET, in the
 * attribute space enum kalloc_meminfo_attr, with one nest per zone (enum
 * kalloc_zone_attr, whose free blocks per order are a nest of u64 by
 * order + 1) and one per segment of the virtual layout (enum
 * kalloc_segment_attr).
 *
 * The zone nest is also what a stats group message carries in its system
 * metrics, in brief; kalloc_obj_parse_zone() serves both (obj_stats.c).
 *
 * What the kernel leaves out stays out: a reply without addresses has
 * segments without ranges and no KASLR, and the struct says so with its
 * has_* flags rather than with zeroes that would read as addresses.
 */
#include <errno.h>
#include <string.h>

#include "obj.h"

static const char *const meminfo_attr_names[KALLOC_MEMINFO_A_MAX + 1] = {
	[KALLOC_MEMINFO_A_PAGE_SIZE]	= "page_size",
	[KALLOC_MEMINFO_A_TOTAL_PAGES]	= "total_pages",
	[KALLOC_MEMINFO_A_FREE_PAGES]	= "free_pages",
	[KALLOC_MEMINFO_A_ZONE]		= "zone",
	[KALLOC_MEMINFO_A_TASK_SIZE]	= "task_size",
	[KALLOC_MEMINFO_A_SEGMENT]	= "segment",
	[KALLOC_MEMINFO_A_ADDRESSES]	= "addresses",
	[KALLOC_MEMINFO_A_KASLR]	= "kaslr",
	[KALLOC_MEMINFO_A_KASLR_OFFSET]	= "kaslr_offset",
	[KALLOC_MEMINFO_A_PAD]		= "pad",
};

static const struct nla_policy meminfo_policy[KALLOC_MEMINFO_A_MAX + 1] = {
	[KALLOC_MEMINFO_A_PAGE_SIZE]	= { .type = NLA_U32 },
	[KALLOC_MEMINFO_A_TOTAL_PAGES]	= { .type = NLA_U64 },
	[KALLOC_MEMINFO_A_FREE_PAGES]	= { .type = NLA_U64 },
	[KALLOC_MEMINFO_A_ZONE]		= { .type = NLA_NESTED },
	[KALLOC_MEMINFO_A_TASK_SIZE]	= { .type = NLA_U64 },
	[KALLOC_MEMINFO_A_SEGMENT]	= { .type = NLA_NESTED },
	[KALLOC_MEMINFO_A_ADDRESSES]	= { .type = NLA_U8 },
	[KALLOC_MEMINFO_A_KASLR]	= { .type = NLA_U8 },
	[KALLOC_MEMINFO_A_KASLR_OFFSET]	= { .type = NLA_U64 },
};

static const struct nla_policy zone_policy[KALLOC_ZONE_A_MAX + 1] = {
	[KALLOC_ZONE_A_NODE]		= { .type = NLA_U32 },
	[KALLOC_ZONE_A_NAME]		= { .type = NLA_STRING },
	[KALLOC_ZONE_A_SPANNED]		= { .type = NLA_U64 },
	[KALLOC_ZONE_A_PRESENT]		= { .type = NLA_U64 },
	[KALLOC_ZONE_A_MANAGED]		= { .type = NLA_U64 },
	[KALLOC_ZONE_A_FREE]		= { .type = NLA_U64 },
	[KALLOC_ZONE_A_WMARK_MIN]	= { .type = NLA_U64 },
	[KALLOC_ZONE_A_WMARK_LOW]	= { .type = NLA_U64 },
	[KALLOC_ZONE_A_WMARK_HIGH]	= { .type = NLA_U64 },
	[KALLOC_ZONE_A_FREE_AREA]	= { .type = NLA_NESTED },
};

static const struct nla_policy segment_policy[KALLOC_SEGMENT_A_MAX + 1] = {
	[KALLOC_SEGMENT_A_NAME]		= { .type = NLA_STRING },
	[KALLOC_SEGMENT_A_START]	= { .type = NLA_U64 },
	[KALLOC_SEGMENT_A_END]		= { .type = NLA_U64 },
	[KALLOC_SEGMENT_A_SIZE]		= { .type = NLA_U64 },
};

/* The zone attributes MEMINFO_GET adds to the brief view, and where they go. */
#define ZONE_U64(attr, field) KALLOC_OBJ_U64(attr, struct kalloc_zone, field)
static const struct kalloc_obj_u64 zone_full_u64[] = {
	ZONE_U64(KALLOC_ZONE_A_SPANNED, spanned),
	ZONE_U64(KALLOC_ZONE_A_PRESENT, present),
	ZONE_U64(KALLOC_ZONE_A_MANAGED, managed),
	ZONE_U64(KALLOC_ZONE_A_WMARK_MIN, wmark_min),
	ZONE_U64(KALLOC_ZONE_A_WMARK_LOW, wmark_low),
	ZONE_U64(KALLOC_ZONE_A_WMARK_HIGH, wmark_high),
};

static uint64_t u64_or_0(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

/*
 * Order o's count is attribute o + 1. Padding (KALLOC_ZONE_FREE_AREA_PAD,
 * empty) and orders beyond what the struct keeps are skipped; norders is
 * one past the highest order that came.
 */
static int parse_free_area(struct nlattr *nest, struct kalloc_zone *z)
{
	struct nlattr *a;
	int rem, type;

	if (!nest)
		return 0;
	nla_for_each_nested(a, nest, rem) {
		type = nla_type(a);
		if (type < 1 || type > KALLOC_ZONE_ORDERS_MAX || !nla_len(a))
			continue;
		if (nla_len(a) != sizeof(uint64_t))
			return -EPROTO;
		z->free_area[type - 1] = nla_get_u64(a);
		if ((unsigned int)type > z->norders)
			z->norders = (unsigned int)type;
	}
	return 0;
}

/* The full view comes with the watermarks; the brief one without (0s). */
static void parse_zone_full(struct nlattr **tb, struct kalloc_zone *z)
{
	z->full = tb[KALLOC_ZONE_A_MANAGED] && tb[KALLOC_ZONE_A_WMARK_MIN];
	kalloc_obj_get_u64s(tb, zone_full_u64, ARRAY_SIZE(zone_full_u64), z);
}

int kalloc_obj_parse_zone(struct nlattr *nest, struct kalloc_zone *z)
{
	struct nlattr *tb[KALLOC_ZONE_A_MAX + 1];

	if (nla_parse_nested(tb, KALLOC_ZONE_A_MAX, nest, zone_policy) < 0)
		return -EPROTO;
	if (!tb[KALLOC_ZONE_A_NODE] || !tb[KALLOC_ZONE_A_NAME] ||
	    !tb[KALLOC_ZONE_A_FREE])
		return -EPROTO;
	memset(z, 0, sizeof(*z));
	z->node = nla_get_u32(tb[KALLOC_ZONE_A_NODE]);
	nla_strlcpy(z->name, tb[KALLOC_ZONE_A_NAME], sizeof(z->name));
	z->free = nla_get_u64(tb[KALLOC_ZONE_A_FREE]);
	parse_zone_full(tb, z);
	return parse_free_area(tb[KALLOC_ZONE_A_FREE_AREA], z);
}

/* A range needs both ends; one without the other is the kernel's mistake. */
static int parse_segment(struct nlattr *nest, struct kalloc_segment *seg)
{
	struct nlattr *tb[KALLOC_SEGMENT_A_MAX + 1];

	if (nla_parse_nested(tb, KALLOC_SEGMENT_A_MAX, nest, segment_policy) < 0)
		return -EPROTO;
	if (!tb[KALLOC_SEGMENT_A_NAME] || !tb[KALLOC_SEGMENT_A_SIZE] ||
	    !tb[KALLOC_SEGMENT_A_START] != !tb[KALLOC_SEGMENT_A_END])
		return -EPROTO;
	memset(seg, 0, sizeof(*seg));
	nla_strlcpy(seg->name, tb[KALLOC_SEGMENT_A_NAME], sizeof(seg->name));
	seg->size = nla_get_u64(tb[KALLOC_SEGMENT_A_SIZE]);
	seg->has_range = tb[KALLOC_SEGMENT_A_START] != NULL;
	seg->start = u64_or_0(tb[KALLOC_SEGMENT_A_START]);
	seg->end = u64_or_0(tb[KALLOC_SEGMENT_A_END]);
	return 0;
}

/* The repeated nests, in the order they came; beyond the struct's room, dropped. */
static int parse_nests(const struct kalloc_obj_reply *r, struct kalloc_meminfo *m)
{
	struct nlattr *a;
	int rem, ret = 0;

	nla_for_each_attr(a, r->head, r->len, rem) {
		if (nla_type(a) == KALLOC_MEMINFO_A_ZONE &&
		    m->nzones < KALLOC_ZONES_MAX)
			ret = kalloc_obj_parse_zone(a, &m->zones[m->nzones++]);
		else if (nla_type(a) == KALLOC_MEMINFO_A_SEGMENT &&
			 m->nsegments < KALLOC_SEGMENTS_MAX)
			ret = parse_segment(a, &m->segments[m->nsegments++]);
		if (ret)
			return ret;
	}
	return 0;
}

static bool flag_of(struct nlattr *a)
{
	return a && nla_get_u8(a);
}

/* Page size and total pages are required; everything else may be left out. */
static int parse_meminfo(const struct kalloc_obj_reply *r, void *out)
{
	struct nlattr **tb = r->tb;
	struct kalloc_meminfo *m = out;

	if (!tb[KALLOC_MEMINFO_A_PAGE_SIZE] || !tb[KALLOC_MEMINFO_A_TOTAL_PAGES])
		return -EPROTO;
	memset(m, 0, sizeof(*m));
	m->page_size = nla_get_u32(tb[KALLOC_MEMINFO_A_PAGE_SIZE]);
	m->total_pages = nla_get_u64(tb[KALLOC_MEMINFO_A_TOTAL_PAGES]);
	m->free_pages = u64_or_0(tb[KALLOC_MEMINFO_A_FREE_PAGES]);
	m->has_task_size = tb[KALLOC_MEMINFO_A_TASK_SIZE] != NULL;
	m->task_size = u64_or_0(tb[KALLOC_MEMINFO_A_TASK_SIZE]);
	m->addresses = flag_of(tb[KALLOC_MEMINFO_A_ADDRESSES]);
	m->has_kaslr = tb[KALLOC_MEMINFO_A_KASLR] != NULL;
	m->kaslr = flag_of(tb[KALLOC_MEMINFO_A_KASLR]);
	m->has_kaslr_offset = tb[KALLOC_MEMINFO_A_KASLR_OFFSET] != NULL;
	m->kaslr_offset = u64_or_0(tb[KALLOC_MEMINFO_A_KASLR_OFFSET]);
	return parse_nests(r, m);
}

const struct kalloc_obj_ops kalloc_obj_meminfo = {
	.name = "meminfo",
	.attr_prefix = "KALLOC_MEMINFO_A_",
	.maxattr = KALLOC_MEMINFO_A_MAX,
	.attr_names = meminfo_attr_names,
	.policy = meminfo_policy,
	.reply_size = sizeof(struct kalloc_meminfo),
	.parse = parse_meminfo,
};

int kalloc_meminfo_get(struct kalloc_nl *nl, struct kalloc_meminfo *out,
		       struct kalloc_err *err)
{
	struct nl_msg *msg;
	bool got = false;
	int ret;

	kalloc_clear_err(err);
	ret = kalloc_nl_request(nl, &msg, KALLOC_CMD_MEMINFO_GET, 0, 0, err);
	if (ret)
		return ret;
	ret = kalloc_nl_do(nl, msg, out, &got, err);
	if (!ret && !got)
		ret = kalloc_set_err(err, -EPROTO,
				     "the kernel sent no memory information");
	return ret;
}
