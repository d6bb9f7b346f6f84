/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel allocator benchmark behind KALLOC_CMD_BENCH_RUN. See
 * bench.c.
 */
#ifndef KALLOC_BENCH_H
#define KALLOC_BENCH_H

#include <linux/types.h>

#include "../include/uapi/linux/kalloc.h"

/* One allocator's result in one scenario. */
struct kalloc_bench_result {
	u32 scenario;		/* enum kalloc_bench_scenario */
	u32 policy;		/* enum kalloc_policy, 0 for alloc_pages */
	const char *allocator;
	u64 ops, failures, ns, cycles;
	u64 p50_ps, p99_ps;	/* per operation, over batches */
	u64 records;		/* perf records produced */
	bool perf;		/* a run that asked for perf records */
};

/* Results of one run; free with kalloc_bench_free(). */
struct kalloc_bench_run {
	bool perf;		/* with and without perf records */
	unsigned int n;
	struct kalloc_bench_result res[];
};

int kalloc_bench(u32 scenario, u32 nops, bool perf,
		 struct kalloc_bench_run **runp);
void kalloc_bench_free(struct kalloc_bench_run *run);

#endif /* KALLOC_BENCH_H */
