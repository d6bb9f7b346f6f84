/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * bench_wl.h - the userspace side of the shared workload generator
 * (alloc/ka_workload.h, which kalloc.ko's in-kernel benchmark uses too):
 * malloc the operation array and the scratch, generate, free.
 */
#ifndef KA_BENCH_WL_H
#define KA_BENCH_WL_H

#include "ka_workload.h"

static inline void bench_wl_make(struct ka_wl *w, int sc, u32 nops)
{
	struct ka_wl_op *ops = malloc(ka_wl_ops_bound(sc, nops) * sizeof(*ops));
	void *scratch = malloc(ka_wl_scratch_bytes(sc));

	if (!ops || !scratch || ka_wl_gen(w, sc, ka_wl_default_seed(sc), nops,
					  ops, scratch))
		abort();
	free(scratch);
}

static inline void bench_wl_free(struct ka_wl *w)
{
	free(w->op);
	w->op = NULL;
}

#endif /* KA_BENCH_WL_H */
