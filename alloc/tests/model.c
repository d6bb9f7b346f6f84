// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * model.c - Check model tests run against every policy present.
 *
 * The list of policies is ka_registry.h, so a policy is tested from the
 * moment its line is there.
 *
 * The same source is built twice (see docs/allocators.md):
 *   release (-O2)            KAT_OPS random operations (1M) over a 32 MiB
 *                            region with ~2000 live blocks, check() every
 *                            KAT_CHECK_EVERY operations
 *   debug (-O1 KA_DEBUG      a smaller live set so that check() runs
 *    ASan UBSan)             after every single operation, up to KAT_OPS
 *                            (200k) operations or KAT_SECONDS (15 s) per
 *                            policy, whichever comes first
 * random-kernel runs half as many operations (and half the time budget)
 * with the benchmark's kernel size mix and twice the live blocks.
 * The shorter tests (edge cases, bad frees, exhaustion, alignment,
 * slab threads) run in both builds with check() after every step.
 */
#include <check.h>
#include <pthread.h>
#include <time.h>
#include "kat.h"
#include "ka_workload.h"

#ifndef KAT_OPS
#define KAT_OPS		1000000
#endif
#ifndef KAT_CHECK_EVERY
#define KAT_CHECK_EVERY	4096
#endif
#ifndef KAT_REGION
#define KAT_REGION	(32u << 20)
#endif
/*
 * Any request of the random test (at most 64 KiB, alignment at most
 * 4 KiB) must succeed while less than 1/KAT_HEADROOM of the region is
 * requested: a policy may round, split and keep metadata, not waste 7/8.
 */
#ifndef KAT_HEADROOM
#define KAT_HEADROOM	8
#endif

/* Time budget of the random test in seconds, 0 for none. */
#ifndef KAT_SECONDS
#define KAT_SECONDS	0
#endif
#ifndef KAT_LIVE
#define KAT_LIVE	2000
#endif

/* Every policy of the registry (ka_policy.h declares their ops). */
#define KA_REG(sym, id, name) &ka_##sym##_ops,
static const struct ka_policy_ops *const kat_policies[] = {
#include "ka_registry.h"
};
#undef KA_REG

#define KA_REG(sym, id, name) name,
static const char *const kat_names[] = {
#include "ka_registry.h"
};
#undef KA_REG

static const unsigned int npol = sizeof(kat_policies) / sizeof(kat_policies[0]);

#define OK(k, expr) ck_assert_msg((expr) == 0, "%s", (k)->err)

static long env_long(const char *name, long def)
{
	const char *s = getenv(name);

	return s && *s ? strtol(s, NULL, 0) : def;
}

/*
 * Percentages of small (1..256 B), medium (257 B..4 KiB) and large
 * (4..64 KiB) requests: the general mix, and the kernel pattern of the
 * benchmark (many small objects, a few large buffers).
 */
struct kat_mix {
	unsigned int small, medium;
	size_t live;
};

static const struct kat_mix mix_general = { 60, 38, KAT_LIVE };
static const struct kat_mix mix_kernel = { 97, 0, KAT_LIVE * 2 };

static size_t rand_size(u64 *rng, const struct kat_mix *mix)
{
	u64 r = kat_rand(rng);
	unsigned int pick = r % 100;

	r >>= 8;
	if (pick < mix->small)
		return 1 + r % 256;
	if (pick < mix->small + mix->medium)
		return 257 + r % (4096 - 256);
	return 4097 + r % (64 * 1024 - 4096);
}

/* 0 (the default) most of the time, else a power of two up to 4 KiB. */
static size_t rand_align(u64 *rng)
{
	u64 r = kat_rand(rng);

	if (r % 4)
		return 0;
	return (size_t)1 << ((r >> 8) % 13);
}

static void open_policy(struct kat *k, int i, size_t len, size_t cap)
{
	ck_assert_uint_lt(i, npol);
	ka_warn_quiet = true;
	OK(k, kat_open(k, kat_policies[i], len, cap));
	OK(k, kat_check(k));
	OK(k, kat_stats(k));
}

static void close_policy(struct kat *k)
{
	OK(k, kat_verify_all(k));
	OK(k, kat_free_all(k));
	OK(k, kat_check(k));
	OK(k, kat_stats(k));
	kat_close(k);
}

/* One random step: alloc, free, realloc-like or a burst of frees. */
static void random_step(struct kat *k, u64 *rng, const struct kat_mix *mix,
			u64 n)
{
	size_t target = mix->live;
	unsigned int r = kat_rand(rng) % 1000;
	unsigned int p_alloc = k->nlive < target ? 560 : 440;
	size_t size, align, i;
	u8 *p;

	if (n % 65536 == 65535) {
		/* Phase behaviour: drop half of everything at once. */
		size_t half = k->nlive / 2;

		while (k->nlive > half)
			OK(k, kat_free_idx(k, kat_rand(rng) % k->nlive));
		return;
	}
	if (!k->nlive || r < p_alloc) {
		size = rand_size(rng, mix);
		align = rand_align(rng);
		OK(k, kat_alloc(k, size, align, &p));
		ck_assert_msg(p || k->req_bytes > k->len / KAT_HEADROOM,
			      "%s: alloc(%zu, %zu) failed with only %llu bytes live",
			      k->ops->name, size, align,
			      (unsigned long long)k->req_bytes);
		return;
	}
	i = kat_rand(rng) % k->nlive;
	if (r < p_alloc + 30)
		OK(k, kat_realloc_idx(k, i, rand_size(rng, mix), rand_align(rng)));
	else
		OK(k, kat_free_idx(k, i));
}

static void run_random(int i, const struct kat_mix *mix, const char *what,
		       long ops, long budget)
{
	struct kat k;
	u64 rng = 0x5eed0000u + i + mix->small;
	long every = env_long("KAT_CHECK_EVERY", KAT_CHECK_EVERY);
	time_t start = time(NULL);
	long n;

	open_policy(&k, i, KAT_REGION, mix->live * 4);
	for (n = 0; n < ops; n++) {
		random_step(&k, &rng, mix, n);
		if ((n + 1) % every == 0) {
			OK(&k, kat_check(&k));
			OK(&k, kat_stats(&k));
		}
		/* The same sequence, cut short if check() is slow. */
		if (budget && n % 1024 == 1023 && time(NULL) - start >= budget)
			break;
	}
	printf("  %-14s %-9s %ld ops, check() every %ld, %ld s\n", what,
	       k.ops->name, n, every, (long)(time(NULL) - start));
	fflush(stdout);
	ck_assert_uint_gt(k.allocs, (u64)n / 3);
	close_policy(&k);
}

START_TEST(test_random)
{
	run_random(_i, &mix_general, "random", env_long("KAT_OPS", KAT_OPS),
		   env_long("KAT_SECONDS", KAT_SECONDS));
}
END_TEST

START_TEST(test_random_kernel)
{
	run_random(_i, &mix_kernel, "random-kernel",
		   env_long("KAT_OPS", KAT_OPS) / 2,
		   env_long("KAT_SECONDS", KAT_SECONDS) / 2);
}
END_TEST

/* Fill with one size until NULL; returns how many fit. */
static size_t fill(struct kat *k, size_t size)
{
	size_t n = 0;
	u8 *p;

	do {
		OK(k, kat_alloc(k, size, 0, &p));
		n += !!p;
	} while (p && k->nlive < k->cap);
	ck_assert_msg(!p, "%s: region never ran out", k->ops->name);
	OK(k, kat_check(k));
	OK(k, kat_stats(k));
	return n;
}

START_TEST(test_exhaustion)
{
	static const size_t sizes[] = { 24, 700, 3000, 20000 };
	struct ka_stats st0, st;
	struct kat k;
	size_t s, i, n1, n2, n3;

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		open_policy(&k, _i, 1u << 20, 1u << 16);
		k.ops->stats(k.priv, &st0);
		n1 = fill(&k, sizes[s]);
		/* A policy may refuse a size above 4 KiB outright (none does). */
		if (!n1 && sizes[s] > 4096) {
			kat_close(&k);
			continue;
		}
		ck_assert_msg(n1 > 0, "%s: alloc(%zu) failed on a fresh region",
			      k.ops->name, sizes[s]);
		ck_assert_uint_eq(k.failed, 1);
		/* Free every other block: the holes must be reusable. */
		for (i = k.nlive; i-- > 0;)
			if (i % 2 == 0)
				OK(&k, kat_free_idx(&k, i));
		OK(&k, kat_check(&k));
		n2 = fill(&k, sizes[s]);
		ck_assert_msg(n2 > 0, "%s: nothing reusable after frees",
			      k.ops->name);
		OK(&k, kat_free_all(&k));
		OK(&k, kat_check(&k));
		OK(&k, kat_stats(&k));
		/* Everything free again: fully coalesced, as good as new. */
		k.ops->stats(k.priv, &st);
		ck_assert_msg(st.largest_free == st0.largest_free,
			      "%s: largest free %llu after freeing all, %llu at init",
			      k.ops->name, (unsigned long long)st.largest_free,
			      (unsigned long long)st0.largest_free);
		n3 = fill(&k, sizes[s]);
		ck_assert_msg(n3 == n1, "%s: %zu blocks of %zu fit at first, %zu after recovery",
			      k.ops->name, n1, sizes[s], n3);
		close_policy(&k);
	}
}
END_TEST

START_TEST(test_edge)
{
	static const size_t bad_sizes[] = {
		0, SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 7, SIZE_MAX - 64,
		SIZE_MAX - 4096, SIZE_MAX / 2 + 1, (1u << 20) + 1,
	};
	static const size_t bad_aligns[] = {
		3, 6, 12, 24, 48, 100, 4097, SIZE_MAX, (SIZE_MAX >> 1) + 2,
	};
	struct kat k;
	size_t i;
	u8 *p;

	open_policy(&k, _i, 1u << 20, 1024);
	for (i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		OK(&k, kat_alloc(&k, bad_sizes[i], 0, &p));
		ck_assert_msg(!p, "%s: alloc(%zu) succeeded", k.ops->name,
			      bad_sizes[i]);
		OK(&k, kat_alloc(&k, bad_sizes[i], 64, &p));
		ck_assert_msg(!p, "%s: alloc(%zu, 64) succeeded", k.ops->name,
			      bad_sizes[i]);
		OK(&k, kat_check(&k));
		OK(&k, kat_stats(&k));
	}
	for (i = 0; i < sizeof(bad_aligns) / sizeof(bad_aligns[0]); i++) {
		OK(&k, kat_alloc(&k, 64, bad_aligns[i], &p));
		ck_assert_msg(!p, "%s: alloc(64, align %zu) succeeded",
			      k.ops->name, bad_aligns[i]);
		OK(&k, kat_check(&k));
		OK(&k, kat_stats(&k));
	}
	/* A power of two larger than the region cannot be honoured. */
	OK(&k, kat_alloc(&k, 64, (size_t)1 << 62, &p));
	ck_assert_msg(!p, "%s: alloc(64, 2^62) succeeded", k.ops->name);
	/* Small powers of two below 8 are valid and get the 8-byte minimum. */
	for (i = 1; i <= 8; i *= 2) {
		OK(&k, kat_alloc(&k, 1, i, &p));
		ck_assert_msg(p, "%s: alloc(1, %zu) failed", k.ops->name, i);
	}
	ck_assert_uint_eq(k.ops->usable_size(k.priv, k.base + k.len), 0);
	OK(&k, kat_check(&k));
	close_policy(&k);
}
END_TEST

START_TEST(test_align)
{
	struct kat k;
	size_t a, s, i;
	u8 *p;

	open_policy(&k, _i, 8u << 20, 4096);
	for (a = 1; a <= 65536; a *= 2) {
		for (s = 1; s <= 8192; s = s * 3 + 5) {
			OK(&k, kat_alloc(&k, s, a, &p));
			ck_assert_msg(p || a > 4096 || s > 4096,
				      "%s: alloc(%zu, align %zu) failed",
				      k.ops->name, s, a);
			OK(&k, kat_check(&k));
		}
		/* Free every third block so later alignments reuse holes. */
		for (i = k.nlive; i-- > 0;)
			if (i % 3 == 0)
				OK(&k, kat_free_idx(&k, i));
		OK(&k, kat_check(&k));
		OK(&k, kat_stats(&k));
	}
	close_policy(&k);
}
END_TEST

START_TEST(test_bad_free)
{
	u64 outside[16];
	unsigned long warns;
	struct kat k;
	u8 *b[16], *victim, *next;
	size_t i;

	open_policy(&k, _i, 1u << 20, 1024);
	for (i = 0; i < 16; i++) {
		OK(&k, kat_alloc(&k, 1000, 0, &b[i]));
		ck_assert_ptr_nonnull(b[i]);
	}
	warns = ka_warn_count;
	/* Foreign pointers: before, after, far from the region. */
	OK(&k, kat_bad_free(&k, outside, -EINVAL));
	OK(&k, kat_bad_free(&k, k.base - 64, -EINVAL));
	OK(&k, kat_bad_free(&k, k.base + k.len, -EINVAL));
	OK(&k, kat_bad_free(&k, k.base + k.len + 4096, -EINVAL));
	/* Inside a live block, and misaligned. */
	OK(&k, kat_bad_free(&k, b[3] + 8, -EINVAL));
	OK(&k, kat_bad_free(&k, b[3] + 16, -EINVAL));
	OK(&k, kat_bad_free(&k, b[3] + 512, -EINVAL));
	OK(&k, kat_bad_free(&k, b[3] + 1, -EINVAL));
	OK(&k, kat_bad_free(&k, b[3] + 7, -EINVAL));
	OK(&k, kat_check(&k));
	OK(&k, kat_stats(&k));
	OK(&k, kat_verify_all(&k));
	/* Double free of a block whose neighbours are live. */
	victim = b[5];
	next = b[6];
	for (i = 0; k.live[i].p != victim; i++)
		;
	OK(&k, kat_free_idx(&k, i));
	OK(&k, kat_bad_free(&k, victim, -EALREADY));
	OK(&k, kat_bad_free(&k, victim, -EALREADY));
	OK(&k, kat_check(&k));
	OK(&k, kat_stats(&k));
	/* Once it may have merged with a freed neighbour: still refused. */
	for (i = 0; k.live[i].p != next; i++)
		;
	OK(&k, kat_free_idx(&k, i));
	OK(&k, kat_bad_free(&k, victim, 0));
	OK(&k, kat_bad_free(&k, next, 0));
	OK(&k, kat_bad_free(&k, victim + 8, 0));
	/* Inside free space never handed out (if no live block is there). */
	if (!kat_in_live(&k, k.base + k.len - 4096))
		OK(&k, kat_bad_free(&k, k.base + k.len - 4096, 0));
	ck_assert_uint_ge(ka_warn_count - warns, k.bad);
	OK(&k, kat_check(&k));
	OK(&k, kat_stats(&k));
	OK(&k, kat_verify_all(&k));
	/* State intact: the policy keeps working and reuses the space. */
	for (i = 0; i < 64; i++)
		OK(&k, kat_alloc(&k, 1 + i * 37, 0, &victim));
	OK(&k, kat_check(&k));
	close_policy(&k);
}
END_TEST

/*
 * Threads share one instance and hand blocks to each other, so frees
 * land on another thread's magazine (slab) or race with allocs under the
 * policy's lock (the others: kalloc.ko calls every policy from any CPU).
 * Each block carries its owner's stamp over its whole size; overlap shows
 * as a wrong stamp.
 */
#define MT_THREADS	4
#define MT_OPS		200000
#define MT_SLOTS	256

struct mt_ctx {
	const struct ka_policy_ops *ops;
	void *priv;
	pthread_mutex_t lock;
	u8 *handoff[MT_SLOTS];
	unsigned long errors;
	unsigned long bad_rc;
};

struct mt_arg {
	struct mt_ctx *c;
	unsigned int id;
};

static void mt_stamp(u8 *p, size_t n, u64 tag)
{
	size_t i;

	for (i = 0; i + 8 <= n; i += 8)
		memcpy(p + i, &tag, 8);
}

static bool mt_ok(const u8 *p, size_t n, u64 tag)
{
	size_t i;

	for (i = 0; i + 8 <= n; i += 8)
		if (memcmp(p + i, &tag, 8))
			return false;
	return true;
}

static void mt_release(struct mt_ctx *c, u8 *p)
{
	u64 tag;
	size_t n;

	memcpy(&tag, p, 8);
	n = tag & 0xffff;
	if (!mt_ok(p, n, tag))
		__atomic_add_fetch(&c->errors, 1, __ATOMIC_RELAXED);
	if (c->ops->free(c->priv, p))
		__atomic_add_fetch(&c->bad_rc, 1, __ATOMIC_RELAXED);
}

static void *mt_thread(void *argp)
{
	struct mt_arg *a = argp;
	struct mt_ctx *c = a->c;
	u8 *mine[64] = { NULL };
	u64 rng = 77 + a->id, seq = 0, tag, r;
	size_t n;
	long op;
	u8 *p, *q;

	for (op = 0; op < MT_OPS; op++) {
		r = kat_rand(&rng);
		n = 8 + (r >> 16) % 512 / 8 * 8;
		p = mine[r % 64];
		if (p) {
			mine[r % 64] = NULL;
			if (r & 0x100) {
				mt_release(c, p);
				continue;
			}
			/* Hand it to whoever picks this slot up next. */
			pthread_mutex_lock(&c->lock);
			q = c->handoff[(r >> 24) % MT_SLOTS];
			c->handoff[(r >> 24) % MT_SLOTS] = p;
			pthread_mutex_unlock(&c->lock);
			p = q;
			if (p)
				mt_release(c, p);
			continue;
		}
		p = c->ops->alloc(c->priv, n, 0);
		if (!p)
			continue;
		tag = ((u64)a->id << 56) | (++seq << 16) | n;
		mt_stamp(p, n, tag);
		mine[r % 64] = p;
	}
	for (n = 0; n < 64; n++)
		if (mine[n])
			mt_release(c, mine[n]);
	return NULL;
}

START_TEST(test_threads)
{
	struct mt_arg args[MT_THREADS];
	pthread_t t[MT_THREADS];
	struct mt_ctx c;
	struct ka_stats st;
	struct kat k;
	unsigned int i;

	open_policy(&k, _i, 16u << 20, 16);
	memset(&c, 0, sizeof(c));
	c.ops = k.ops;
	c.priv = k.priv;
	pthread_mutex_init(&c.lock, NULL);
	for (i = 0; i < MT_THREADS; i++) {
		args[i].c = &c;
		args[i].id = i + 1;
		ck_assert_int_eq(pthread_create(&t[i], NULL, mt_thread,
						&args[i]), 0);
	}
	for (i = 0; i < MT_THREADS; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < MT_SLOTS; i++)
		if (c.handoff[i])
			mt_release(&c, c.handoff[i]);
	ck_assert_uint_eq(c.errors, 0);
	ck_assert_uint_eq(c.bad_rc, 0);
	OK(&k, kat_check(&k));
	k.ops->stats(k.priv, &st);
	ck_assert_uint_eq(st.live_blocks, 0);
	ck_assert_uint_eq(st.requested_bytes, 0);
	ck_assert_uint_eq(st.allocs, st.frees);
	kat_close(&k);
}
END_TEST

/*
 * Two threads free the same block at the same moment, many times over:
 * exactly one free may succeed, the other must be refused (-EALREADY,
 * or -EINVAL once the block may have merged), and check() must find the
 * block cached or filed once. This is the race a check made before
 * taking the lock, or without an atomic claim on the block, lets
 * through (slab's lock-free free path); ThreadSanitizer sees any
 * unsynchronised access it makes.
 */
#define DF_ROUNDS	3000

struct df_ctx {
	const struct ka_policy_ops *ops;
	void *priv;
	void *target;
	int rc[2];
	pthread_barrier_t start, done;
};

struct df_arg {
	struct df_ctx *c;
	int id;
};

static void *df_thread(void *argp)
{
	struct df_arg *a = argp;
	struct df_ctx *c = a->c;
	int i;

	for (i = 0; i < DF_ROUNDS; i++) {
		pthread_barrier_wait(&c->start);
		c->rc[a->id] = c->ops->free(c->priv, c->target);
		pthread_barrier_wait(&c->done);
	}
	return NULL;
}

START_TEST(test_double_free_race)
{
	struct df_arg args[2];
	struct ka_stats st;
	pthread_t t[2];
	struct df_ctx c;
	struct kat k;
	int i, ok;

	open_policy(&k, _i, 16u << 20, 16);
	memset(&c, 0, sizeof(c));
	c.ops = k.ops;
	c.priv = k.priv;
	pthread_barrier_init(&c.start, NULL, 3);
	pthread_barrier_init(&c.done, NULL, 3);
	for (i = 0; i < 2; i++) {
		args[i].c = &c;
		args[i].id = i;
		ck_assert_int_eq(pthread_create(&t[i], NULL, df_thread,
						&args[i]), 0);
	}
	for (i = 0; i < DF_ROUNDS; i++) {
		c.target = k.ops->alloc(k.priv, 16 + i % 512, 0);
		ck_assert_ptr_nonnull(c.target);
		pthread_barrier_wait(&c.start);
		pthread_barrier_wait(&c.done);
		ok = !c.rc[0] + !c.rc[1];
		ck_assert_msg(ok == 1, "%s: round %d: %d of 2 racing frees succeeded (%d, %d)",
			      k.ops->name, i, ok, c.rc[0], c.rc[1]);
		ck_assert_msg(c.rc[0] + c.rc[1] == -EALREADY ||
			      c.rc[0] + c.rc[1] == -EINVAL,
			      "%s: round %d: refused with %d", k.ops->name, i,
			      c.rc[0] + c.rc[1]);
		/* Not after the last round: the threads exit and flush then. */
		if (i % 64 == 0 && i < DF_ROUNDS - 1)
			OK(&k, kat_check(&k));
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&c.start);
	pthread_barrier_destroy(&c.done);
	OK(&k, kat_check(&k));
	k.ops->stats(k.priv, &st);
	ck_assert_uint_eq(st.live_blocks, 0);
	ck_assert_uint_eq(st.bad_frees, DF_ROUNDS);
	ck_assert_uint_eq(st.allocs, st.frees);
	kat_close(&k);
}
END_TEST

/*
 * The shared benchmark scenarios (ka_workload.h), as kalloc.ko's
 * in-kernel benchmark will replay them: the generator's promises
 * (allocs into empty slots, frees of live ones, sizes in range, the
 * bound respected, everything freed at the end) and every policy
 * serving a whole workload on a large region without a failed alloc,
 * check() clean along the way and nothing live afterwards.
 */
#ifndef KAT_WL_OPS
#define KAT_WL_OPS	100000
#endif
#define KAT_WL_REGION	(256u << 20)

static void wl_check_gen(const struct ka_wl *w, enum ka_wl_scenario sc,
			 u32 nops)
{
	static const u32 lo[KA_WL_NR] = { 1024, 16, 16, 16, 4096 };
	static const u32 hi[KA_WL_NR] = { 4096, 65536, 4096, 16384, 16384 };
	u8 *live = calloc(w->nslots, 1);
	u32 i;

	ck_assert_ptr_nonnull(live);
	ck_assert_str_eq(w->name, ka_wl_names[sc]);
	ck_assert_int_eq(ka_wl_lookup(w->name), sc);
	ck_assert_uint_ge(w->n, nops);
	ck_assert_uint_le(w->n, ka_wl_ops_bound(sc, nops));
	for (i = 0; i < w->n; i++) {
		const struct ka_wl_op *op = &w->op[i];

		ck_assert_uint_lt(op->slot, w->nslots);
		ck_assert_msg(live[op->slot] == !op->size,
			      "%s: op %u: %s slot %u", w->name, i,
			      op->size ? "alloc into live" : "free of empty",
			      op->slot);
		live[op->slot] = !!op->size;
		if (op->size)
			ck_assert_msg(op->size >= lo[sc] && op->size <= hi[sc] &&
				      (sc != KA_WL_PAGES || op->size % 4096 == 0),
				      "%s: size %u", w->name, op->size);
	}
	for (i = 0; i < w->nslots; i++)
		ck_assert_msg(!live[i], "%s: slot %u live at the end", w->name, i);
	free(live);
}

START_TEST(test_workload)
{
	enum ka_wl_scenario sc = _i % KA_WL_NR;
	u32 nops = env_long("KAT_WL_OPS", KAT_WL_OPS), i;
	const struct ka_policy_ops *o = kat_policies[_i / KA_WL_NR];
	struct ka_wl_op *ops = malloc(ka_wl_ops_bound(sc, nops) * sizeof(*ops));
	void *scratch = malloc(ka_wl_scratch_bytes(sc));
	void **slot = calloc(ka_wl_nslots(sc), sizeof(*slot));
	struct ka_wl w, part;
	struct ka_stats st;
	struct kat k;

	ck_assert(ops && scratch && slot);
	ck_assert_int_eq(ka_wl_gen(&w, sc, 1, 0, ops, scratch), -EINVAL);
	ck_assert_int_eq(ka_wl_gen(&w, KA_WL_NR, 1, nops, ops, scratch), -EINVAL);
	ck_assert_int_eq(ka_wl_gen(&w, sc, ka_wl_default_seed(sc), nops, ops,
				   scratch), 0);
	free(scratch);
	wl_check_gen(&w, sc, nops);
	open_policy(&k, _i / KA_WL_NR, KAT_WL_REGION, 16);
	/* Replayed in slices with check() between them, then whole again. */
	part = w;
	for (i = 0; i < w.n; i += part.n) {
		part.op = w.op + i;
		part.n = w.n - i < 8192 ? w.n - i : 8192;
		ck_assert_uint_eq(ka_wl_replay(&part, o, k.priv, slot), 0);
		OK(&k, kat_check(&k));
	}
	ck_assert_uint_eq(ka_wl_replay(&w, o, k.priv, slot), 0);
	for (i = 0; i < w.nslots; i++)
		ck_assert_ptr_null(slot[i]);
	OK(&k, kat_check(&k));
	o->stats(k.priv, &st);
	ck_assert_uint_eq(st.live_blocks, 0);
	ck_assert_uint_eq(st.requested_bytes, 0);
	ck_assert_uint_eq(st.allocs, st.frees);
	ck_assert_uint_eq(st.failed_allocs, 0);
	kat_close(&k);
	free(ops);
	free(slot);
}
END_TEST

/* The registry's user-facing name is the policy's own ops->name. */
START_TEST(test_registry_name)
{
	ck_assert_str_eq(kat_policies[_i]->name, kat_names[_i]);
}
END_TEST

static Suite *model_suite(void)
{
	Suite *s = suite_create("kalloc-alloc-model");
	TCase *tc;

	tc = tcase_create("registry");
	tcase_add_loop_test(tc, test_registry_name, 0, npol);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_set_timeout(tc, 170);
	tcase_add_loop_test(tc, test_random, 0, npol);
	tcase_add_loop_test(tc, test_random_kernel, 0, npol);
	suite_add_tcase(s, tc);

	tc = tcase_create("edge");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_edge, 0, npol);
	tcase_add_loop_test(tc, test_align, 0, npol);
	tcase_add_loop_test(tc, test_bad_free, 0, npol);
	tcase_add_loop_test(tc, test_exhaustion, 0, npol);
	suite_add_tcase(s, tc);

	tc = tcase_create("workload");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_workload, 0, npol * KA_WL_NR);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_threads, 0, npol);
	tcase_add_loop_test(tc, test_double_free_race, 0, npol);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(model_suite());
	unsigned int i;
	int failed;

	printf("policies:");
	for (i = 0; i < npol; i++)
		printf(" %s", kat_policies[i]->name);
	printf("\n");
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
