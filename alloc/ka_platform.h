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
 *             ka_lock(), ka_unlock()
 *   reports   ka_warn(fmt, ...) for a detected bad free or broken
 *             invariant (never WARN(): bad input must not splat);
 *             KA_ASSERT(cond) (alias KA_BUG_ON) for "cannot happen":
 *             reported in KA_DEBUG builds, compiled out otherwise
 *   bits      ka_ffs64(x), ka_fls64(x) (1-based, 0 for x == 0)
 *   memory    ka_memset(), ka_memcpy()
 *   sharing   ka_read_once(x), ka_write_once(x, v) for a field written
 *             under a lock and read without it
 *   pages     ka_region_alloc(len), ka_region_free(p, len): a zeroed
 *             region for a policy instance (vzalloc / mmap)
 *   per-CPU   struct ka_pcpu; ka_pcpu_init(pc, size, flush, owner),
 *             ka_pcpu_fini(pc), ka_pcpu_get(pc) / ka_pcpu_put(pc),
 *             ka_pcpu_for_each(pc, fn, arg): one zeroed cache per CPU
 *             (kernel, preemption off between get and put) or per thread
 *             (userspace, flushed back at thread exit). In userspace get
 *             may return NULL when no cache could be allocated: callers
 *             fall back to their locked path. fini calls flush(owner,
 *             cache) for every cache still alive.
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

#endif /* KA_PLATFORM_H */
