/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ka_platform_kernel.h - the platform layer for kalloc.ko.
 *
 * Locks are spinlocks: the policies only ever hold them for a bounded
 * number of list operations and never sleep under them. The policies are
 * called from process context (the netlink handlers), never from
 * interrupts, so neither the locks nor the per-CPU caches disable irqs.
 * Reports are rate-limited pr_err(), never WARN(): a bad free is bad
 * input, not a kernel bug. The page source is vmalloc().
 *
 * The per-CPU cache hook is alloc_percpu() memory, each CPU's cache
 * behind a local_lock_t: ka_pcpu_get() is local_lock(), ka_pcpu_put()
 * local_unlock(), so a policy's fast path on its own CPU's cache needs
 * no atomic and no shared line. Without PREEMPT_RT local_lock() only
 * disables preemption (what get_cpu_ptr() did, plus lockdep's view of
 * it). With PREEMPT_RT it disables migration and takes a per-CPU
 * sleeping lock instead, so the policy may still take its spinlock_t
 * locks (sleeping locks there) between get and put: with get_cpu_ptr()
 * it would have slept with preemption disabled.
 *
 * check() walks are capped here (KA_CHECK_MAX_BYTES, see ka_policy.h).
 */
#ifndef KA_PLATFORM_KERNEL_H
#define KA_PLATFORM_KERNEL_H

#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/debug_locks.h>	/* local_lock_init() needs it in 6.1 */
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/local_lock.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/vmalloc.h>

struct ka_lock {
	spinlock_t s;	/* guards one policy instance's shared state */
};

/*
 * A macro, not an inline function: spin_lock_init() gives each place it is
 * written its own lockdep class, and inside one inline function every lock
 * of a file would share one class. ka_slab takes its page-pool lock inside
 * a depot lock, which lockdep then took for recursive locking.
 */
#define ka_lock_init(l) spin_lock_init(&(l)->s)

static inline void ka_lock_destroy(struct ka_lock *l)
{
	(void)l;
}

static inline void ka_lock(struct ka_lock *l)
{
	spin_lock(&l->s);
}

static inline bool ka_trylock(struct ka_lock *l)
{
	return spin_trylock(&l->s);
}

static inline void ka_unlock(struct ka_lock *l)
{
	spin_unlock(&l->s);
}

/* A bad free is bad input, not a kernel bug: report it, never WARN(). */
#define ka_warn(fmt, ...) pr_err_ratelimited("kalloc: " fmt, ##__VA_ARGS__)

/*
 * Debug builds shout about broken invariants; nothing ever crashes.
 * KA_ASSERT(bad) is the spelling checkpatch accepts; KA_BUG_ON is kept
 * as an alias for code written against the first header.
 */
#ifdef KA_DEBUG
#define KA_ASSERT(c) WARN_ON_ONCE(c)
#else
#define KA_ASSERT(c) ((void)sizeof(c))
#endif
#define KA_BUG_ON KA_ASSERT

static inline int ka_ffs64(u64 x)
{
	return x ? __ffs64(x) + 1 : 0;
}

static inline int ka_fls64(u64 x)
{
	return fls64(x);
}

#define ka_memset memset
#define ka_memcpy memcpy

/* Shared fields read without their lock: see ka_platform_user.h. */
#define ka_read_once(x)		READ_ONCE(x)
#define ka_write_once(x, v)	WRITE_ONCE(x, v)
/* Atomically stores 0 in a u16 and returns what it held. */
#define ka_xchg16_zero(p)	xchg((u16 *)(p), (u16)0)

/* Page source: a zeroed, virtually contiguous region. NULL on failure. */
static inline void *ka_region_alloc(size_t len)
{
	return vzalloc(len);
}

static inline void ka_region_free(void *p, size_t len)
{
	(void)len;
	vfree(p);
}

/*
 * Region bytes a check() walks under its locks, at most: about a
 * millisecond of lock hold (0.3 ms for 16 MiB of small objects, measured
 * in userspace). Debug builds walk anything.
 */
#ifdef KA_DEBUG
#define KA_CHECK_MAX_BYTES	SIZE_MAX
#else
#define KA_CHECK_MAX_BYTES	SZ_8M
#endif

typedef void (*ka_pcpu_fn)(void *arg, void *cache);

/* One CPU's cache: the policy's bytes behind the lock that guards them. */
struct ka_pcpu_cpu {
	local_lock_t lock;
	u8 data[] __aligned(64);
};

struct ka_pcpu {
	struct ka_pcpu_cpu __percpu *caches;
	ka_pcpu_fn flush;		/* flush(owner, cache) */
	void *owner;
};

/* Zeroed per-CPU caches of size bytes (at most PCPU_MIN_UNIT_SIZE). */
static inline int ka_pcpu_init(struct ka_pcpu *pc, size_t size,
			       ka_pcpu_fn flush, void *owner)
{
	int cpu;

	pc->caches = __alloc_percpu(sizeof(struct ka_pcpu_cpu) + size, 64);
	if (!pc->caches)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		local_lock_init(&per_cpu_ptr(pc->caches, cpu)->lock);
	pc->flush = flush;
	pc->owner = owner;
	return 0;
}

/* fn(arg, cache) for every possible CPU's cache. */
static inline void ka_pcpu_for_each(struct ka_pcpu *pc, ka_pcpu_fn fn,
				    void *arg)
{
	int cpu;

	for_each_possible_cpu(cpu)
		fn(arg, per_cpu_ptr(pc->caches, cpu)->data);
}

/* Flushes every CPU's cache back to the owner, then frees them. */
static inline void ka_pcpu_fini(struct ka_pcpu *pc)
{
	ka_pcpu_for_each(pc, pc->flush, pc->owner);
	free_percpu(pc->caches);
	pc->caches = NULL;
}

/* This CPU's cache, never NULL; it stays this CPU's until put. */
static inline void *ka_pcpu_get(struct ka_pcpu *pc)
{
	local_lock(&pc->caches->lock);
	return this_cpu_ptr(pc->caches)->data;
}

/* Never NULL in the kernel: the get above is call-free already. */
static inline void *ka_pcpu_get_fast(struct ka_pcpu *pc)
{
	return ka_pcpu_get(pc);
}

static inline void ka_pcpu_put(struct ka_pcpu *pc)
{
	local_unlock(&pc->caches->lock);
}

#define ka_noinline	noinline

/* See ka_platform_user.h. */
#define ka_hide(x)	OPTIMIZER_HIDE_VAR(x)

#endif /* KA_PLATFORM_KERNEL_H */
