/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-CPU perf ring: one record per allocator operation while someone
 * listens to the "perf" group. See perf.c.
 */
#ifndef KALLOC_PERF_H
#define KALLOC_PERF_H

#include <linux/jump_label.h>
#include <linux/types.h>

#include "../include/uapi/linux/kalloc.h"

DECLARE_STATIC_KEY_FALSE(kalloc_perf_key);

/* The ring's counters, summed over CPUs. */
struct kalloc_perf_counters {
	u64 produced, dropped, sent, send_failed;
};

void __kalloc_perf_record(u8 type, u8 policy, u32 id, u64 bytes,
			  u64 latency_ns);

/*
 * Records one operation. While nobody listens this is one patched-out
 * branch (a static key) and nothing else.
 */
static inline void kalloc_perf(u8 type, u8 policy, u32 id, u64 bytes,
			       u64 latency_ns)
{
	if (static_branch_unlikely(&kalloc_perf_key))
		__kalloc_perf_record(type, policy, id, bytes, latency_ns);
}

static inline bool kalloc_perf_recording(void)
{
	return static_branch_unlikely(&kalloc_perf_key);
}

int kalloc_perf_init(unsigned int ring_records);
void kalloc_perf_exit(void);
void kalloc_perf_start(void);
void kalloc_perf_stop(void);
void kalloc_perf_flush(void);
unsigned int kalloc_perf_ring_records(void);
void kalloc_perf_counters(struct kalloc_perf_counters *c);

#endif /* KALLOC_PERF_H */
