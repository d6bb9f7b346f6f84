// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ka_user.c - userspace-only definitions behind ka_platform_user.h.
 *
 * Nothing here goes into kalloc.ko (alloc/Kbuild.inc only picks up
 * alloc/ka_*.c), so this file is free to use libc and pthreads.
 *
 * The per-thread cache registry: every instance using ka_pcpu_init()
 * owns one slot of the registry while it lives. A thread finds its cache
 * for an instance in its _Thread_local ka_pcpu_slots[slot], tagged with
 * the instance's generation so a stale entry (instance finished, slot
 * reused) is recognised and replaced. Every cache is also linked into its
 * instance's list, under the registry lock, so ka_pcpu_fini() can flush
 * and free the caches of threads that are still running, and a thread
 * that exits flushes its own caches from the pthread key destructor.
 *
 * Lock order: registry lock, then whatever the flush callback takes.
 */
#include <sched.h>
#include "ka_platform.h"

unsigned long ka_warn_count;
bool ka_warn_quiet;

ka_thread_local struct ka_pcpu_slot ka_pcpu_slots[KA_PCPU_SLOTS];
ka_thread_local u64 ka_pcpu_last_gen;
ka_thread_local void *ka_pcpu_last_cache;

/*
 * ka_lock()'s contended path (design in ka_platform_user.h): wait on a
 * plain load until the lock looks free, only then try the exchange
 * again, so waiters do not keep stealing the line from the holder;
 * yield the CPU after KA_LOCK_SPINS pauses, the holder being most
 * likely preempted by then.
 */
void ka_lock_slow(struct ka_lock *l)
{
	unsigned int spins = 0;

	do {
		while (__atomic_load_n(&l->held, __ATOMIC_RELAXED)) {
			if (++spins < KA_LOCK_SPINS) {
				ka_cpu_relax();
				continue;
			}
			sched_yield();
			spins = 0;
		}
	} while (__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE));
}

/* The cache header; the caller's data follows, 64-byte aligned. */
struct ka_pcpu_cache {
	struct ka_pcpu_cache *next;
	struct ka_pcpu_cache **pprev;
	struct ka_pcpu *pc;
	u64 gen;
	unsigned char data[] ka_aligned(64);
};

static pthread_mutex_t ka_reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ka_pcpu *ka_reg[KA_PCPU_SLOTS];
static u64 ka_reg_gen;
static pthread_once_t ka_key_once = PTHREAD_ONCE_INIT;
static pthread_key_t ka_key;
static bool ka_key_ok;

static void ka_cache_unlink(struct ka_pcpu_cache *c)
{
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
}

static void ka_cache_link(struct ka_pcpu *pc, struct ka_pcpu_cache *c)
{
	c->next = pc->caches;
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = &pc->caches;
	pc->caches = c;
}

/* Thread exit: give every cache of this thread back to its instance. */
static void ka_thread_exit(void *arg)
{
	struct ka_pcpu_slot *slots = arg;
	struct ka_pcpu_cache *c;
	struct ka_pcpu *pc;
	u32 i;

	pthread_mutex_lock(&ka_reg_lock);
	for (i = 0; i < KA_PCPU_SLOTS; i++) {
		if (!slots[i].gen)
			continue;
		pc = ka_reg[i];
		if (pc && pc->gen == slots[i].gen) {
			c = (struct ka_pcpu_cache *)((char *)slots[i].cache -
				offsetof(struct ka_pcpu_cache, data));
			ka_cache_unlink(c);
			pc->flush(pc->owner, c->data);
			free(c);
		}
		slots[i].gen = 0;
		slots[i].cache = NULL;
	}
	ka_pcpu_last_gen = 0;
	ka_pcpu_last_cache = NULL;
	pthread_mutex_unlock(&ka_reg_lock);
}

static void ka_key_create(void)
{
	ka_key_ok = !pthread_key_create(&ka_key, ka_thread_exit);
}

int ka_pcpu_init(struct ka_pcpu *pc, size_t size, ka_pcpu_fn flush,
		 void *owner)
{
	u32 i;

	pthread_once(&ka_key_once, ka_key_create);
	if (!ka_key_ok)
		return -ENOMEM;
	pc->size = size;
	pc->flush = flush;
	pc->owner = owner;
	pc->caches = NULL;
	pthread_mutex_lock(&ka_reg_lock);
	for (i = 0; i < KA_PCPU_SLOTS && ka_reg[i]; i++)
		;
	if (i == KA_PCPU_SLOTS) {
		pthread_mutex_unlock(&ka_reg_lock);
		return -ENOMEM;
	}
	pc->slot = i;
	pc->gen = ++ka_reg_gen;
	ka_reg[i] = pc;
	pthread_mutex_unlock(&ka_reg_lock);
	return 0;
}

void ka_pcpu_fini(struct ka_pcpu *pc)
{
	struct ka_pcpu_cache *c;

	pthread_mutex_lock(&ka_reg_lock);
	while ((c = pc->caches)) {
		ka_cache_unlink(c);
		pc->flush(pc->owner, c->data);
		free(c);
	}
	ka_reg[pc->slot] = NULL;
	pthread_mutex_unlock(&ka_reg_lock);
	/* This thread's entry would be stale anyway; clear it for tidiness. */
	if (ka_pcpu_slots[pc->slot].gen == pc->gen)
		ka_pcpu_slots[pc->slot].gen = 0;
	if (ka_pcpu_last_gen == pc->gen)
		ka_pcpu_last_gen = 0;
}

/* Remembers this thread's cache of pc for the next ka_pcpu_get(). */
static void *ka_pcpu_remember(struct ka_pcpu *pc, void *cache)
{
	ka_pcpu_last_gen = pc->gen;
	ka_pcpu_last_cache = cache;
	return cache;
}

void *ka_pcpu_get_slow(struct ka_pcpu *pc)
{
	size_t size = ka_align_up(pc->size, 64);
	struct ka_pcpu_slot *s = &ka_pcpu_slots[pc->slot];
	struct ka_pcpu_cache *c;

	if (s->gen == pc->gen)
		return ka_pcpu_remember(pc, s->cache);
	c = aligned_alloc(64, sizeof(*c) + size);
	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c) + size);
	c->pc = pc;
	c->gen = pc->gen;
	pthread_mutex_lock(&ka_reg_lock);
	ka_cache_link(pc, c);
	pthread_mutex_unlock(&ka_reg_lock);
	ka_pcpu_slots[pc->slot].cache = c->data;
	ka_pcpu_slots[pc->slot].gen = pc->gen;
	/* Any non-NULL value makes the destructor run at thread exit. */
	pthread_setspecific(ka_key, ka_pcpu_slots);
	return ka_pcpu_remember(pc, c->data);
}

void ka_pcpu_for_each(struct ka_pcpu *pc, ka_pcpu_fn fn, void *arg)
{
	struct ka_pcpu_cache *c;

	pthread_mutex_lock(&ka_reg_lock);
	for (c = pc->caches; c; c = c->next)
		fn(arg, c->data);
	pthread_mutex_unlock(&ka_reg_lock);
}
