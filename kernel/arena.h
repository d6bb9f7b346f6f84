/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policies behind the buffers: where a buffer's memory comes from,
 * its guards and poison, and each policy's statistics. See arena.c.
 */
#ifndef KALLOC_ARENA_H
#define KALLOC_ARENA_H

#include <linux/types.h>

#include "../include/uapi/linux/kalloc.h"

/* A buffer's memory: [head guard][size bytes of data][tail guard]. */
struct kalloc_mem {
	void *block;		/* what the policy handed out; NULL if none */
	u8 policy;		/* enum kalloc_policy that serves it */
	bool vmalloc;		/* block is vmalloc memory */
};

/* Why a policy could not serve a request: numbers for the extack cookie. */
struct kalloc_no_room {
	u64 largest;		/* largest buffer it could serve now */
	u64 limit;		/* its arena bound */
};

/* One policy's statistics, summed over CPUs (see the uapi's STATS_GET). */
struct kalloc_policy_stats {
	u64 allocs, frees, failures, canary_violations;
	u64 live_buffers, live_bytes, peak_bytes;
	u64 footprint_bytes, arena_bytes;
	u32 frag_internal, frag_external;	/* 1/100 % */
	u64 alloc_lat[KALLOC_LATENCY_BUCKETS];
	u64 free_lat[KALLOC_LATENCY_BUCKETS];
};

/* One policy's entry in POLICY_GET. */
struct kalloc_policy_info {
	u32 id;
	bool active;
	u32 buffers;
	u64 arena_bytes, arena_limit;
};

int kalloc_arena_init(u64 arena_bytes, const char *policy);
void kalloc_arena_exit(void);

static inline void *kalloc_mem_data(const struct kalloc_mem *m)
{
	return m->block + KALLOC_GUARD_BYTES;
}

/* All of these are called with the table lock held (table.c). */
unsigned int kalloc_policy_active(void);
void kalloc_policy_set_active(unsigned int id);
void kalloc_policy_info(unsigned int id, struct kalloc_policy_info *pi);
void kalloc_policy_stats(unsigned int id, struct kalloc_policy_stats *st);

int kalloc_mem_alloc(struct kalloc_mem *m, unsigned int policy, u64 size,
		     u32 id, struct kalloc_no_room *room);
u32 kalloc_mem_check(const struct kalloc_mem *m, u64 size, u32 id);
void kalloc_mem_count_violation(const struct kalloc_mem *m);
void kalloc_mem_free(struct kalloc_mem *m, u64 size, u32 id);
void kalloc_mem_corrupt(struct kalloc_mem *m, u64 size, u32 guard);

#endif /* KALLOC_ARENA_H */
