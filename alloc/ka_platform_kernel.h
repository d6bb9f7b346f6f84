/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* ka_platform_kernel.h - the platform layer for kalloc.ko. */
#ifndef KA_PLATFORM_KERNEL_H
#define KA_PLATFORM_KERNEL_H

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/types.h>

struct ka_lock {
	spinlock_t s;
};

static inline void ka_lock_init(struct ka_lock *l)
{
	spin_lock_init(&l->s);
}

static inline void ka_lock_destroy(struct ka_lock *l)
{
}

static inline void ka_lock(struct ka_lock *l)
{
	spin_lock(&l->s);
}

static inline void ka_unlock(struct ka_lock *l)
{
	spin_unlock(&l->s);
}

/* A bad free is bad input, not a kernel bug: report it, never WARN(). */
#define ka_warn(fmt, ...) pr_err_ratelimited("kalloc: " fmt, ##__VA_ARGS__)

#ifdef KA_DEBUG
#define KA_BUG_ON(c) BUG_ON(c)
#else
#define KA_BUG_ON(c) do { (void)sizeof(c); } while (0)
#endif

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

#endif /* KA_PLATFORM_KERNEL_H */
