// SPDX-License-Identifier: GPL-2.0
/*
 * KALLOC_CMD_MEMINFO_GET: the kernel's memory as a live view (sysmem.c):
 * physical memory by node, zone and order, and the virtual layout, with
 * addresses only for callers to whom %pK would show them.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "netlink.h"
#include "sysmem.h"

/*
 * A do without attributes. maxattr 0 would make genetlink skip parsing and
 * ignore whatever came; an empty policy of one attribute refuses it all.
 */
static const struct nla_policy kalloc_meminfo_get_policy[KALLOC_MEMINFO_A_PAGE_SIZE + 1] = {};

struct kalloc_meminfo_msg {
	bool addresses;
	u64 total_pages, free_pages;
	unsigned int nzones;
	struct kalloc_zone_info zones[KALLOC_ZONES_MAX];
	struct kalloc_layout layout;
};

static int kalloc_meminfo_put(struct sk_buff *skb, int type, u64 v)
{
	return nla_put_u64_64bit(skb, type, v, KALLOC_MEMINFO_A_PAD);
}

static int kalloc_segment_put(struct sk_buff *skb, int type, u64 v)
{
	return nla_put_u64_64bit(skb, type, v, KALLOC_SEGMENT_A_PAD);
}

static int kalloc_segment_fill(struct sk_buff *skb,
			       const struct kalloc_segment *seg, bool addresses)
{
	struct nlattr *nest = nla_nest_start(skb, KALLOC_MEMINFO_A_SEGMENT);

	if (!nest ||
	    nla_put_string(skb, KALLOC_SEGMENT_A_NAME, seg->name) ||
	    kalloc_segment_put(skb, KALLOC_SEGMENT_A_SIZE, seg->end - seg->start))
		return -EMSGSIZE;
	if (addresses &&
	    (kalloc_segment_put(skb, KALLOC_SEGMENT_A_START, seg->start) ||
	     kalloc_segment_put(skb, KALLOC_SEGMENT_A_END, seg->end)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The layout: sizes for everyone, addresses and KASLR only when allowed. */
static int kalloc_layout_fill(struct sk_buff *skb,
			      const struct kalloc_meminfo_msg *m)
{
	const struct kalloc_layout *l = &m->layout;
	unsigned int i;

	if (kalloc_meminfo_put(skb, KALLOC_MEMINFO_A_TASK_SIZE, l->task_size) ||
	    nla_put_u8(skb, KALLOC_MEMINFO_A_ADDRESSES, m->addresses))
		return -EMSGSIZE;
	for (i = 0; i < l->nsegs; i++)
		if (kalloc_segment_fill(skb, &l->seg[i], m->addresses))
			return -EMSGSIZE;
	if (!m->addresses)
		return 0;
	if (nla_put_u8(skb, KALLOC_MEMINFO_A_KASLR, l->kaslr) ||
	    (l->have_text &&
	     kalloc_meminfo_put(skb, KALLOC_MEMINFO_A_KASLR_OFFSET,
				l->kaslr_offset)))
		return -EMSGSIZE;
	return 0;
}

static int kalloc_meminfo_fill(struct sk_buff *skb, const void *arg)
{
	const struct kalloc_meminfo_msg *m = arg;
	unsigned int i;

	if (nla_put_u32(skb, KALLOC_MEMINFO_A_PAGE_SIZE, PAGE_SIZE) ||
	    kalloc_meminfo_put(skb, KALLOC_MEMINFO_A_TOTAL_PAGES, m->total_pages) ||
	    kalloc_meminfo_put(skb, KALLOC_MEMINFO_A_FREE_PAGES, m->free_pages))
		return -EMSGSIZE;
	for (i = 0; i < m->nzones; i++)
		if (kalloc_zone_fill(skb, KALLOC_MEMINFO_A_ZONE, &m->zones[i], true))
			return -EMSGSIZE;
	return kalloc_layout_fill(skb, m);
}

static size_t kalloc_meminfo_size(const struct kalloc_meminfo_msg *m)
{
	return nla_total_size(sizeof(u32)) + 4 * nla_total_size(sizeof(u8)) +
	       4 * nla_total_size_64bit(sizeof(u64)) +
	       m->nzones * kalloc_zone_size(true) +
	       m->layout.nsegs * (nla_total_size(0) + nla_total_size(16) +
				  3 * nla_total_size_64bit(sizeof(u64)));
}

static int kalloc_meminfo_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kalloc_meminfo_msg *m;
	struct sysinfo si;
	int err;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m) {
		NL_SET_ERR_MSG(info->extack, "no memory for the memory map");
		return -ENOMEM;
	}
	si_meminfo(&si);
	m->total_pages = si.totalram;
	m->free_pages = si.freeram;
	m->nzones = kalloc_zones(m->zones, KALLOC_ZONES_MAX);
	kalloc_layout(&m->layout);
	m->addresses = kalloc_may_see_addresses();
	err = kalloc_nl_reply(info, KALLOC_CMD_MEMINFO_GET,
			      kalloc_meminfo_size(m), kalloc_meminfo_fill, m);
	kfree(m);
	return err;
}

const struct kalloc_nl_request kalloc_nl_meminfo_get = {
	.cmd = KALLOC_CMD_MEMINFO_GET,
	.policy = kalloc_meminfo_get_policy,
	.maxattr = ARRAY_SIZE(kalloc_meminfo_get_policy) - 1,
	.doit = kalloc_meminfo_get_doit,
};
