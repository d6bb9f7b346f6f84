/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* ka_platform_user.h - the platform layer for userspace builds. */
#ifndef KA_PLATFORM_USER_H
#define KA_PLATFORM_USER_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

struct ka_lock {
	pthread_mutex_t m;
};

static inline void ka_lock_init(struct ka_lock *l)
{
	pthread_mutex_init(&l->m, NULL);
}

static inline void ka_lock_destroy(struct ka_lock *l)
{
	pthread_mutex_destroy(&l->m);
}

static inline void ka_lock(struct ka_lock *l)
{
	pthread_mutex_lock(&l->m);
}

static inline void ka_unlock(struct ka_lock *l)
{
	pthread_mutex_unlock(&l->m);
}

/* Tests count reports instead of parsing stderr. */
extern unsigned long ka_warn_count;
extern bool ka_warn_quiet;

#define ka_warn(...) do {						\
	ka_warn_count++;						\
	if (!ka_warn_quiet)						\
		fprintf(stderr, "kalloc: " __VA_ARGS__);		\
} while (0)

#ifdef KA_DEBUG
#define KA_BUG_ON(c) do { if (c) { fprintf(stderr, "KA_BUG_ON(%s) %s:%d\n", #c, __FILE__, __LINE__); abort(); } } while (0)
#else
#define KA_BUG_ON(c) do { (void)sizeof(c); } while (0)
#endif

static inline int ka_ffs64(u64 x)
{
	return x ? __builtin_ctzll(x) + 1 : 0;
}

static inline int ka_fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

#define ka_memset memset
#define ka_memcpy memcpy

#endif /* KA_PLATFORM_USER_H */
