/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kalloc can see of the kernel's memory through exported interfaces:
 * zones, vm events, the virtual layout. See sysmem.c.
 */
#ifndef KALLOC_SYSMEM_H
#define KALLOC_SYSMEM_H

#include <linux/mmzone.h>
#include <linux/types.h>

#include "../include/uapi/linux/kalloc.h"

/* Populated zones of online nodes we report; more are left out. */
#define KALLOC_ZONES_MAX	32

struct kalloc_zone_info {
	u32 node;
	const char *name;
	u64 spanned, present, managed, free;
	u64 wmark_min, wmark_low, wmark_high;
	u64 free_area[MAX_ORDER];
};

struct kalloc_vm_events {
	u64 pgfault, pgmajfault, pgalloc, pgfree, allocstall;
	u64 compact_stall, compact_fail, compact_success;
};

/* One segment of the kernel's virtual address space. */
struct kalloc_segment {
	const char *name;
	u64 start, end;		/* end exclusive */
};

#define KALLOC_SEGMENTS_MAX	5

struct kalloc_layout {
	u64 task_size;
	unsigned int nsegs;
	struct kalloc_segment seg[KALLOC_SEGMENTS_MAX];	/* top down */
	bool have_text;		/* the kernel image was found */
	u64 kaslr_offset;	/* text: _stext - __START_KERNEL */
	bool kaslr;		/* text or memory layout randomised */
};

unsigned int kalloc_zones(struct kalloc_zone_info *z, unsigned int max);
void kalloc_vm_events(struct kalloc_vm_events *ev);
void kalloc_layout(struct kalloc_layout *l);
bool kalloc_may_see_addresses(void);

size_t kalloc_zone_size(bool full);
int kalloc_zone_fill(struct sk_buff *skb, int type,
		     const struct kalloc_zone_info *z, bool full);

#endif /* KALLOC_SYSMEM_H */
