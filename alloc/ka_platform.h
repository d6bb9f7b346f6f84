/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ka_platform.h - the tiny platform layer under the allocator policies.
 *
 * It is written twice: ka_platform_kernel.h for kalloc.ko and
 * ka_platform_user.h for the userspace tests and benchmark. Both provide
 * the same names:
 *
 *   types     u8 u16 u32 u64 uintptr_t size_t bool, SIZE_MAX, errno values,
 *             static_assert(expr, msg), strcmp()
 *   lock      struct ka_lock; ka_lock_init(), ka_lock_destroy(),
 *             ka_lock(), ka_trylock() (true if taken, never waits),
 *             ka_unlock()
 *   reports   ka_warn(fmt, ...) for a detected bad free or broken
 *             invariant (never WARN(): bad input must not splat);
 *             KA_ASSERT(cond) (alias KA_BUG_ON) for "cannot happen":
 *             reported in KA_DEBUG builds, compiled out otherwise
 *   bits      ka_ffs64(x), ka_fls64(x) (1-based, 0 for x == 0)
 *   memory    ka_memset(), ka_memcpy()
 *   sharing   ka_read_once(x), ka_write_once(x, v) for a field written
 *             under a lock and read without it; ka_xchg16_zero(p) stores
 *             0 in a u16 atomically and returns the old value (one winner
 *             among racing frees)
 *   pages     ka_region_alloc(len), ka_region_free(p, len): a zeroed
 *             region for a policy instance (vzalloc / mmap)
 *   per-CPU   struct ka_pcpu; ka_pcpu_init(pc, size, flush, owner),
 *             ka_pcpu_fini(pc), ka_pcpu_get(pc) / ka_pcpu_put(pc),
 *             ka_pcpu_for_each(pc, fn, arg): one zeroed cache per CPU
 *             (kernel, the CPU's local_lock_t held between get and put)
 *             or per thread (userspace, flushed back at thread exit). In
 *             userspace get may return NULL when no cache could be
 *             allocated: callers fall back to their locked path. fini
 *             calls flush(owner, cache) for every cache still alive.
 *             ka_pcpu_get_fast(pc) is get without any function call; in
 *             userspace it returns NULL (holding nothing) when the slow
 *             lookup would be needed
 *   code      ka_noinline: keeps a slow path out of a fast one;
 *             ka_hide(x): the compiler forgets how x was computed
 *             (OPTIMIZER_HIDE_VAR)
 *   check     KA_CHECK_MAX_BYTES: the largest region a check() walks
 *             (ka_check_may_walk(), see ka_policy.h)
 *
 * The rules both layers keep, and policies rely on:
 *
 * 1. Between ka_pcpu_get() and ka_pcpu_put() a policy may take its
 *    ka_locks, never the other way round. Lock order: per-CPU cache,
 *    then the policy's own locks in the order its file header numbers.
 *    The kernel's get is local_lock(), not get_cpu_ptr(): on PREEMPT_RT
 *    a spinlock_t sleeps, which get_cpu_ptr()'s disabled preemption
 *    forbids, while local_lock() there only disables migration.
 * 2. Nothing between get and put, or under a ka_lock, sleeps or
 *    allocates: both may be spinning locks with preemption off.
 * 3. A ka_lock is held for a bounded number of steps. The one long walk,
 *    check(), is capped by KA_CHECK_MAX_BYTES.
 *
 * Policies include nothing else, so one source builds in both worlds.
 */
#ifndef KA_PLATFORM_H
#define KA_PLATFORM_H

#ifdef __KERNEL__
#include "ka_platform_kernel.h"
#else
#include "ka_platform_user.h"
#endif

#define KA_MIN_ALIGN	8

static inline bool ka_is_pow2(size_t x)
{
	return x && !(x & (x - 1));
}

static inline uintptr_t ka_align_up(uintptr_t x, size_t a)
{
	return (x + a - 1) & ~(uintptr_t)(a - 1);
}

/*
 * Whether check() may walk a region of len bytes under its locks: the
 * walk is linear in the region, so the platform caps it (see
 * ka_policy.h). A policy's check() returns -E2BIG, untouched, if not.
 */
static inline bool ka_check_may_walk(size_t len)
{
	return len <= KA_CHECK_MAX_BYTES;
}

#endif /* KA_PLATFORM_H */
