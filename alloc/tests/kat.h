/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * kat.h - the shadow model shared by the Check model tests and the fuzzer.
 *
 * A struct kat drives one policy instance over its own region and keeps
 * an independent record of what the policy must have done:
 *
 *   - live[]   every block handed out (pointer, size asked, usable size,
 *              alignment, id), unordered so a random one is picked in O(1)
 *   - iv[]     the same blocks as [start, start + usable) intervals sorted
 *              by address; a new block is checked against its two
 *              neighbours only, which proves no overlap with any live block
 *   - counters what ka_stats must report (allocs, frees, failed allocs,
 *              bad frees, live blocks, requested and usable bytes)
 *
 * Every block is filled over its whole usable size with words derived
 * from its id, and verified when it is freed: a policy that hands out
 * overlapping memory, or scribbles metadata into a live block, fails the
 * verification even when the addresses look fine.
 *
 * Functions return 0 or -1 with a message in k->err, so the Check tests
 * can ck_assert_msg() and the fuzzer can abort() with the reason.
 */
#ifndef KAT_H
#define KAT_H

#include <stdarg.h>
#include "ka_policy.h"

struct kat_blk {
	u8 *p;
	size_t size;
	size_t usable;
	size_t align;
	u64 id;
};

struct kat_iv {
	uintptr_t s;
	uintptr_t e;
};

struct kat {
	const struct ka_policy_ops *ops;
	void *priv;
	u8 *base;
	size_t len;
	bool own_base;

	struct kat_blk *live;
	size_t nlive;
	struct kat_iv *iv;
	size_t niv;
	size_t cap;

	u64 next_id;
	u64 req_bytes;
	u64 usable_bytes;
	u64 allocs;
	u64 frees;
	u64 failed;
	u64 bad;
	char err[512];
};

int kat_open(struct kat *k, const struct ka_policy_ops *ops, size_t len,
	     size_t cap);
int kat_open_in(struct kat *k, const struct ka_policy_ops *ops, void *base,
		size_t len, size_t cap);
void kat_close(struct kat *k);
/* Alloc through the policy and record it; *out is NULL if it failed. */
int kat_alloc(struct kat *k, size_t size, size_t align, u8 **out);
/* Free live[i] through the policy after verifying its pattern. */
int kat_free_idx(struct kat *k, size_t i);
/* Alloc a new block, copy min(old, new) bytes, free the old one. */
int kat_realloc_idx(struct kat *k, size_t i, size_t size, size_t align);
/*
 * A free() the policy must refuse (and usable_size() must say 0 first);
 * want is -EINVAL, -EALREADY or 0 (either).
 */
int kat_bad_free(struct kat *k, void *p, int want);
/* Compare the policy's stats with the model. */
int kat_stats(struct kat *k);
int kat_check(struct kat *k);
/* Verify the pattern of every live block. */
int kat_verify_all(struct kat *k);
int kat_free_all(struct kat *k);
/* Whether p lies inside a live block's [start, start + usable). */
bool kat_in_live(struct kat *k, const void *p);
int kat_fail(struct kat *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* splitmix64: a tiny reproducible PRNG, good enough for workloads. */
static inline u64 kat_rand(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif /* KAT_H */
