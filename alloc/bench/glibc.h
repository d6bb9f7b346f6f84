/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * glibc.h - glibc malloc/free behind the policy ops table, so the
 * benchmark and the callgrind driver call it exactly as they call the
 * policies (one indirect call per operation). It ignores the region.
 *
 * stats() reports only footprint_bytes, from mallinfo2: the main arena
 * minus its releasable top chunk, plus mmapped chunks, minus the bytes
 * the benchmark itself had in use at init() (after malloc_trim()). Free
 * holes left in the heap by earlier passes count as footprint, so the
 * figure errs high, never low.
 *
 * bench_glibc_tune() stops glibc from returning memory to the kernel
 * between passes (trim threshold, top pad): the policies run on a region
 * faulted in up front, and glibc should not pay page faults they do not.
 */
#ifndef KA_BENCH_GLIBC_H
#define KA_BENCH_GLIBC_H

#include <malloc.h>
#include "ka_policy.h"

struct gl_priv {
	u64 base_inuse;
};

static inline void bench_glibc_tune(void)
{
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	mallopt(M_TOP_PAD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
}

static inline u64 gl_footprint(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.arena - mi.keepcost + mi.hblkhd;
}

static int gl_init(void *priv, void *base, size_t len)
{
	struct gl_priv *g = priv;

	struct mallinfo2 mi;

	(void)base;
	(void)len;
	malloc_trim(0);
	mi = mallinfo2();
	g->base_inuse = mi.uordblks + mi.hblkhd;
	return 0;
}

static void gl_fini(void *priv)
{
	(void)priv;
}

static void *gl_alloc(void *priv, size_t size, size_t align)
{
	void *p = NULL;

	(void)priv;
	if (align <= 16)
		return malloc(size);
	return posix_memalign(&p, align, size) ? NULL : p;
}

static int gl_free(void *priv, void *ptr)
{
	(void)priv;
	free(ptr);
	return 0;
}

static size_t gl_usable(void *priv, const void *ptr)
{
	(void)priv;
	return malloc_usable_size((void *)ptr);
}

static void gl_stats(void *priv, struct ka_stats *st)
{
	struct gl_priv *g = priv;
	u64 f = gl_footprint();

	memset(st, 0, sizeof(*st));
	st->footprint_bytes = f > g->base_inuse ? f - g->base_inuse : 0;
}

static int gl_check(void *priv)
{
	(void)priv;
	return 0;
}

static const struct ka_policy_ops bench_glibc_ops = {
	.name = "glibc",
	.priv_size = sizeof(struct gl_priv),
	.init = gl_init,
	.fini = gl_fini,
	.alloc = gl_alloc,
	.free = gl_free,
	.usable_size = gl_usable,
	.stats = gl_stats,
	.check = gl_check,
};

#endif /* KA_BENCH_GLIBC_H */
