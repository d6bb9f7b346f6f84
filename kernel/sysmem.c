// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's memory as a module can see it: zones, vm events and the
 * virtual address space, for MEMINFO_GET and the stats group.
 *
 * Everything comes from exported interfaces or inline helpers over them:
 * node_data (NODE_DATA()) and the zones in it, all_vm_events(),
 * PAGE_OFFSET, VMALLOC_START, VMEMMAP_START (page_offset_base,
 * vmalloc_base and vmemmap_base where the layout is dynamic, constants
 * where it is not), the layout constants of asm/pgtable_64_types.h, and
 * kallsyms through sprint_symbol(). What a
 * module cannot reach (_text, kaslr_offset(), kallsyms_lookup_name(),
 * first_online_pgdat()) is derived where it honestly can be and left out
 * where it cannot:
 *
 * - The kernel image. kallsyms resolves an address exactly when it lies in
 *   [_stext, _end) (CONFIG_KALLSYMS_ALL) or in a module, and modules live
 *   above the kernel image mapping. So, starting from an exported
 *   function, a binary search with sprint_symbol() over the kernel image
 *   mapping finds _stext and _end to the byte.
 * - KASLR. On x86_64 _text == _stext, so the text moved by
 *   _stext - __START_KERNEL; the direct map moved if PAGE_OFFSET is not
 *   its default. Both are addresses, given only with addresses.
 *
 * Addresses go only to callers to whom "%pK" would show them: the reply is
 * built in the requester's context, so printing a pointer with %pK there
 * and comparing with its plain value asks vsprintf's own rule
 * (kptr_restrict, CAP_SYSLOG, effective == real ids).
 */
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmstat.h>
#include <net/netlink.h>

#include "sysmem.h"

/* ---- zones --------------------------------------------------------------- */

static void kalloc_zone_read(struct kalloc_zone_info *z, struct zone *zone,
			     int nid)
{
	unsigned long flags;
	unsigned int order;

	z->node = nid;
	z->name = zone->name;
	z->spanned = zone->spanned_pages;
	z->present = zone->present_pages;
	z->managed = zone_managed_pages(zone);
	z->free = zone_page_state(zone, NR_FREE_PAGES);
	z->wmark_min = min_wmark_pages(zone);
	z->wmark_low = low_wmark_pages(zone);
	z->wmark_high = high_wmark_pages(zone);
	/* As /proc/buddyinfo reads them: under the zone's lock. */
	spin_lock_irqsave(&zone->lock, flags);
	for (order = 0; order < MAX_ORDER; order++)
		z->free_area[order] = zone->free_area[order].nr_free;
	spin_unlock_irqrestore(&zone->lock, flags);
}

/* Fills z with up to max populated zones of online nodes; returns how many. */
unsigned int kalloc_zones(struct kalloc_zone_info *z, unsigned int max)
{
	unsigned int n = 0;
	struct zone *zone;
	int nid, i;

	for_each_online_node(nid) {
		for (i = 0; i < MAX_NR_ZONES && n < max; i++) {
			zone = &NODE_DATA(nid)->node_zones[i];
			if (populated_zone(zone))
				kalloc_zone_read(&z[n++], zone, nid);
		}
	}
	return n;
}

static int kalloc_put_u64(struct sk_buff *skb, int type, u64 v)
{
	return nla_put_u64_64bit(skb, type, v, KALLOC_ZONE_A_PAD);
}

static int kalloc_free_area_fill(struct sk_buff *skb,
				 const struct kalloc_zone_info *z)
{
	struct nlattr *nest = nla_nest_start(skb, KALLOC_ZONE_A_FREE_AREA);
	unsigned int order;

	if (!nest)
		return -EMSGSIZE;
	for (order = 0; order < MAX_ORDER; order++)
		if (nla_put_u64_64bit(skb, order + 1, z->free_area[order],
				      KALLOC_ZONE_FREE_AREA_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* What MEMINFO_GET says of a zone besides the stats group's brief view. */
static int kalloc_zone_fill_full(struct sk_buff *skb,
				 const struct kalloc_zone_info *z)
{
	if (kalloc_put_u64(skb, KALLOC_ZONE_A_SPANNED, z->spanned) ||
	    kalloc_put_u64(skb, KALLOC_ZONE_A_PRESENT, z->present) ||
	    kalloc_put_u64(skb, KALLOC_ZONE_A_MANAGED, z->managed) ||
	    kalloc_put_u64(skb, KALLOC_ZONE_A_WMARK_MIN, z->wmark_min) ||
	    kalloc_put_u64(skb, KALLOC_ZONE_A_WMARK_LOW, z->wmark_low) ||
	    kalloc_put_u64(skb, KALLOC_ZONE_A_WMARK_HIGH, z->wmark_high))
		return -EMSGSIZE;
	return 0;
}

size_t kalloc_zone_size(bool full)
{
	return nla_total_size(0) + nla_total_size(sizeof(u32)) +
	       nla_total_size(16) +
	       (full ? 7 : 1) * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(0) + MAX_ORDER * nla_total_size_64bit(sizeof(u64));
}

/* One zone as a nest of type: the brief view, or with full the whole one. */
int kalloc_zone_fill(struct sk_buff *skb, int type,
		     const struct kalloc_zone_info *z, bool full)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest ||
	    nla_put_u32(skb, KALLOC_ZONE_A_NODE, z->node) ||
	    nla_put_string(skb, KALLOC_ZONE_A_NAME, z->name) ||
	    kalloc_put_u64(skb, KALLOC_ZONE_A_FREE, z->free) ||
	    (full && kalloc_zone_fill_full(skb, z)) ||
	    kalloc_free_area_fill(skb, z))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* ---- vm events ----------------------------------------------------------- */

/* Sums an event counted per zone (PGALLOC_*, ALLOCSTALL_*), as vmstat does. */
static u64 kalloc_zone_events(const unsigned long *ev, int normal)
{
	u64 sum = 0;
	int zid;

	for (zid = 0; zid < MAX_NR_ZONES; zid++)
		sum += ev[normal - ZONE_NORMAL + zid];
	return sum;
}

void kalloc_vm_events(struct kalloc_vm_events *out)
{
	unsigned long *ev = kcalloc(NR_VM_EVENT_ITEMS, sizeof(*ev), GFP_KERNEL);

	memset(out, 0, sizeof(*out));
	if (!ev)
		return;
	all_vm_events(ev);
	out->pgfault = ev[PGFAULT];
	out->pgmajfault = ev[PGMAJFAULT];
	out->pgalloc = kalloc_zone_events(ev, PGALLOC_NORMAL);
	out->pgfree = ev[PGFREE];
	out->allocstall = kalloc_zone_events(ev, ALLOCSTALL_NORMAL);
#ifdef CONFIG_COMPACTION
	out->compact_stall = ev[COMPACTSTALL];
	out->compact_fail = ev[COMPACTFAIL];
	out->compact_success = ev[COMPACTSUCCESS];
#endif
	kfree(ev);
}

/* ---- the virtual layout -------------------------------------------------- */

/* Whether %pK, printed here, in the requester's context, shows a pointer. */
bool kalloc_may_see_addresses(void)
{
	const void *p = &kalloc_may_see_addresses;
	char shown[24], plain[24];

	snprintf(shown, sizeof(shown), "%pK", p);
	snprintf(plain, sizeof(plain), "%016lx", (unsigned long)p);
	return !strcmp(shown, plain);
}

#ifdef CONFIG_X86_64

/* Whether kallsyms resolves addr: true exactly in [_stext, _end) here. */
static bool kalloc_ksym(unsigned long addr)
{
	char buf[KSYM_SYMBOL_LEN];

	sprint_symbol(buf, addr);
	return !(buf[0] == '0' && buf[1] == 'x');
}

/* The first address in (lo, hi] where kalloc_ksym() differs from at lo. */
static unsigned long kalloc_ksym_edge(unsigned long lo, unsigned long hi)
{
	bool at_lo = kalloc_ksym(lo);
	unsigned long mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (kalloc_ksym(mid) == at_lo)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* _stext and _end, from an exported function inside the kernel image. */
static bool kalloc_kernel_image(struct kalloc_segment *seg)
{
	unsigned long anchor = (unsigned long)&schedule;
	unsigned long map = __START_KERNEL_map;
	unsigned long map_end = map + KERNEL_IMAGE_SIZE;

	if (!kalloc_ksym(anchor) || kalloc_ksym(map) || kalloc_ksym(map_end - 1))
		return false;
	seg->name = "kernel image";
	seg->start = kalloc_ksym_edge(map, anchor);
	seg->end = kalloc_ksym_edge(anchor, map_end - 1);
	return true;
}

/* The highest page frame of any online node: what the maps must cover. */
static unsigned long kalloc_end_pfn(void)
{
	unsigned long end = 0;
	int nid;

	for_each_online_node(nid)
		end = max(end, pgdat_end_pfn(NODE_DATA(nid)));
	return end;
}

static void kalloc_add_segment(struct kalloc_layout *l, const char *name,
			       u64 start, u64 end)
{
	l->seg[l->nsegs++] = (struct kalloc_segment){ name, start, end };
}

void kalloc_layout(struct kalloc_layout *l)
{
	unsigned long end_pfn = kalloc_end_pfn();
	struct kalloc_segment image;
	unsigned long default_base;

	memset(l, 0, sizeof(*l));
	l->task_size = TASK_SIZE_MAX;
	/* Top down: modules, the kernel image, vmemmap, vmalloc, direct map. */
	kalloc_add_segment(l, "modules", MODULES_VADDR, MODULES_END);
	l->have_text = kalloc_kernel_image(&image);
	if (l->have_text) {
		l->seg[l->nsegs++] = image;
		l->kaslr_offset = image.start - __START_KERNEL;
	}
	kalloc_add_segment(l, "vmemmap", (unsigned long)VMEMMAP_START,
			   (unsigned long)VMEMMAP_START + end_pfn * sizeof(struct page));
	kalloc_add_segment(l, "vmalloc", VMALLOC_START, VMALLOC_END + 1);
	kalloc_add_segment(l, "direct map", PAGE_OFFSET,
			   PAGE_OFFSET + ((u64)end_pfn << PAGE_SHIFT));
	default_base = pgtable_l5_enabled() ? __PAGE_OFFSET_BASE_L5 :
					      __PAGE_OFFSET_BASE_L4;
	l->kaslr = l->kaslr_offset || PAGE_OFFSET != default_base;
}

#else /* !CONFIG_X86_64 */

/* Only x86_64's layout is known here: no segments, nothing guessed. */
void kalloc_layout(struct kalloc_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->task_size = TASK_SIZE;
}

#endif /* CONFIG_X86_64 */
