/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ka_policy.h - the one ops table every kalloc allocator policy implements.
 *
 * A policy manages one caller-supplied memory region [base, base + len).
 * Policy files include nothing but ka_platform.h, so the very same
 * source compiles into kalloc.ko (kernel/Kbuild) and into the userspace
 * model tests, fuzzer and benchmark.
 *
 * The caller owns the policy state: it allocates ops->priv_size bytes,
 * hands them to init() and later to every other op (teamd's runner
 * pattern). Policies keep their metadata where a wild or double free
 * cannot silently corrupt it, and report such frees with -EINVAL (the
 * pointer was never handed out by this instance) or -EALREADY (the
 * block is free already) instead of corrupting state.
 *
 * check() is a debugging aid with two rules, which every caller keeps:
 *
 * - It walks the whole instance (every unit, page or block: linear in
 *   the region) while holding the instance's locks, so its lock hold is
 *   bounded by the region size. The platform caps that size:
 *   ka_check_may_walk(len) is false above KA_CHECK_MAX_BYTES (8 MiB in
 *   kalloc.ko, about a millisecond; unlimited in KA_DEBUG builds and in
 *   userspace), and then check() returns -E2BIG without taking a lock.
 * - The instance must be quiescent: no alloc() or free() may run
 *   concurrently. slab's check() reads every CPU's magazine, which only
 *   its own CPU may touch while the instance is in use, and marks free
 *   objects in place while it counts them. kalloc.ko calls check() with
 *   the instance's users excluded, the tests when no thread is running.
 */
#ifndef KA_POLICY_H
#define KA_POLICY_H

#include "ka_platform.h"

struct ka_stats {
	u64 region_bytes;	/* bytes handed to init() */
	u64 meta_bytes;		/* bytes of the region used for metadata */
	u64 live_blocks;	/* blocks handed out and not yet freed */
	u64 requested_bytes;	/* sum of the sizes asked for, live blocks */
	u64 usable_bytes;	/* sum of usable_size() of live blocks */
	u64 footprint_bytes;	/* bytes of the region in use: highest
				 * address ever handed out minus base, or
				 * the policy's better measure (pages
				 * taken by slab); see docs/allocators.md
				 */
	u64 free_bytes;		/* bytes free for allocation */
	u64 largest_free;	/* largest single block alloc() could return */
	u64 allocs;		/* successful alloc() calls */
	u64 frees;		/* successful free() calls */
	u64 failed_allocs;	/* alloc() calls that returned NULL */
	u64 bad_frees;		/* free() calls refused (-EINVAL/-EALREADY) */
};

struct ka_policy_ops {
	const char *name;
	size_t priv_size;

	/* Manage [base, base + len). Returns 0 or -EINVAL/-ENOMEM. */
	int (*init)(void *priv, void *base, size_t len);
	/* Drop all state; the region is the caller's again. */
	void (*fini)(void *priv);
	/*
	 * Returns a block of at least size bytes aligned to align, or NULL.
	 * align is 0 (meaning the 8-byte default) or a power of two. Size 0,
	 * sizes whose header or rounding would overflow, and alignments that
	 * are not powers of two return NULL.
	 */
	void *(*alloc)(void *priv, size_t size, size_t align);
	/* Returns 0, -EINVAL for a foreign pointer, -EALREADY for a double free. */
	int (*free)(void *priv, void *ptr);
	/* Bytes usable at ptr, or 0 if ptr is not a live block of this instance. */
	size_t (*usable_size)(void *priv, const void *ptr);
	void (*stats)(void *priv, struct ka_stats *st);
	/*
	 * Walks every invariant; 0 if they all hold, else -EFAULT after
	 * ka_warn(). See "check()" above: -E2BIG for a region above
	 * KA_CHECK_MAX_BYTES, and the instance must be quiescent.
	 */
	int (*check)(void *priv);
};

/*
 * ka_<sym>_ops of every policy in the registry, as one declarator list
 * (a macro may not end in a semicolon); ka_registry_end is never
 * defined and only closes the list.
 */
#define KA_REG(sym, id, name) ka_##sym##_ops,
extern const struct ka_policy_ops
#include "ka_registry.h"
	ka_registry_end;
#undef KA_REG

#endif /* KA_POLICY_H */
