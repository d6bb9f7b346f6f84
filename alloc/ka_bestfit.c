// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Exact best fit in O(log n).
 *
 * Free blocks are kept in (size, address) order: alloc() takes the
 * smallest block of at least the wanted size, the lowest-addressed among
 * equal sizes, so ties resolve towards low addresses and the footprint
 * stays compact.
 *
 * The order is cut into size bins: bin i holds the blocks of
 * [i * 16, (i + 1) * 16) bytes, the last bin every block of 8 KiB or more,
 * and each bin is an AVL tree (ka_tree.h) in (size, address) order. A
 * bitmap of non-empty bins finds the next bin up in a few word
 * operations. The concatenation of the bins in bin order is exactly the
 * one (size, address) order, so the answer is the same as from a single
 * tree, but each tree is small: a free block is found, filed and taken
 * out within a tree of a few nodes instead of all of them, which is what
 * makes best fit as fast as it is on 1-4 KB workloads. alloc() searches
 * the wanted size's own bin and, if nothing there is big enough, takes
 * the smallest block of the next non-empty bin.
 *
 * alloc() carves the block (ka_blk_carve()) and files whatever is left
 * under its new size. free() coalesces with both physical neighbours
 * through the boundary tags (ka_block.h) and files the merged block.
 *
 * An aligned request searches for need + align + min bytes so the
 * aligned payload always fits after a leading free block of at least the
 * minimum size.
 */
#include "ka_tree.h"

#define BF_NAME		"best-fit"
#define BF_MIN		KA_TNODE_MIN
#define BIN_SHIFT	4
#define BIN_COUNT	513	/* 512 bins of 16 bytes, then >= 8 KiB */
#define BIN_WORDS	((BIN_COUNT + 63) / 64)

struct bf_priv {
	struct ka_heap h;
	u64 nonempty[BIN_WORDS];	/* bit i: bins[i] has a block */
	struct ka_tree bins[BIN_COUNT];
};

static inline struct ka_tnode *bf_node(struct ka_blk *b)
{
	return (struct ka_tnode *)b;
}

static inline u32 bf_bin(u64 size)
{
	u64 i = size >> BIN_SHIFT;

	return i < BIN_COUNT - 1 ? i : BIN_COUNT - 1;
}

static void bf_insert(struct bf_priv *bf, struct ka_blk *b)
{
	u32 i = bf_bin(ka_blk_size(b));

	ka_tree_insert(&bf->bins[i], bf_node(b));
	bf->nonempty[i >> 6] |= 1ULL << (i & 63);
}

static void bf_remove(struct bf_priv *bf, struct ka_blk *b)
{
	u32 i = bf_bin(ka_blk_size(b));

	ka_tree_remove(&bf->bins[i], bf_node(b));
	if (!bf->bins[i].root)
		bf->nonempty[i >> 6] &= ~(1ULL << (i & 63));
}

/* First non-empty bin above bin i, or BIN_COUNT. */
static u32 bf_next_bin(const struct bf_priv *bf, u32 i)
{
	u32 w = (i + 1) >> 6;
	u64 bits;

	if (i + 1 >= BIN_COUNT)
		return BIN_COUNT;
	bits = bf->nonempty[w] & (~0ULL << ((i + 1) & 63));
	while (!bits) {
		if (++w == BIN_WORDS)
			return BIN_COUNT;
		bits = bf->nonempty[w];
	}
	return w * 64 + ka_ffs64(bits) - 1;
}

/* Smallest block of at least want bytes, lowest address among equals. */
static struct ka_tnode *bf_find(const struct bf_priv *bf, u64 want)
{
	u32 i = bf_bin(want);
	struct ka_tnode *n = ka_tree_best_fit(&bf->bins[i], want);

	if (n)
		return n;
	i = bf_next_bin(bf, i);
	if (i == BIN_COUNT)
		return NULL;
	return ka_tree_best_fit(&bf->bins[i], 0);
}

static int bf_init(void *priv, void *base, size_t len)
{
	struct bf_priv *bf = priv;
	struct ka_blk *first;
	u32 i;
	int err;

	err = ka_heap_init(&bf->h, base, len, BF_MIN, &first);
	if (err)
		return err;
	for (i = 0; i < BIN_COUNT; i++)
		ka_tree_init(&bf->bins[i], KA_TREE_BY_SIZE);
	for (i = 0; i < BIN_WORDS; i++)
		bf->nonempty[i] = 0;
	bf_insert(bf, first);
	return 0;
}

static void bf_fini(void *priv)
{
	struct bf_priv *bf = priv;

	ka_heap_fini(&bf->h);
}

static struct ka_blk *bf_take(struct bf_priv *bf, struct ka_tnode *n,
			      u64 need, size_t size, size_t align)
{
	struct ka_blk *gap, *rem, *b;

	bf_remove(bf, &n->blk);
	b = ka_blk_carve(&n->blk, need, size, align, BF_MIN, &gap, &rem);
	if (unlikely(gap))
		bf_insert(bf, gap);
	if (rem)
		bf_insert(bf, rem);
	return b;
}

static void *bf_alloc(void *priv, size_t size, size_t align)
{
	struct bf_priv *bf = priv;
	u64 need = ka_blk_need(size, BF_MIN);
	u64 want = ka_blk_want(need, align, BF_MIN);
	struct ka_tnode *n = NULL;
	void *p;

	ka_lock(&bf->h.lock);
	if (likely(need && want))
		n = bf_find(bf, want);
	if (unlikely(!n)) {
		bf->h.failed_allocs++;
		ka_unlock(&bf->h.lock);
		return NULL;
	}
	p = ka_heap_note_alloc(&bf->h, bf_take(bf, n, need, size, align),
			       size);
	ka_unlock(&bf->h.lock);
	return p;
}

/* Coalesce b with its free neighbours and file the result by size. */
static void bf_release(struct bf_priv *bf, struct ka_blk *b)
{
	struct ka_blk *next = ka_blk_next(b);
	u64 size = ka_blk_size(b);

	if (ka_blk_prev_is_free(b)) {
		ka_blk_mark_stale(b);
		b = ka_blk_prev(b);
		size += ka_blk_size(b);
		bf_remove(bf, b);
	}
	if (ka_blk_is_free(next)) {
		size += ka_blk_size(next);
		bf_remove(bf, next);
	}
	ka_blk_set_free(b, size);
	bf_insert(bf, b);
}

static int bf_free(void *priv, void *ptr)
{
	struct bf_priv *bf = priv;
	struct ka_blk *b;
	int err = 0;

	ka_lock(&bf->h.lock);
	b = ka_heap_live(&bf->h, ptr);
	if (likely(b)) {
		ka_heap_note_free(&bf->h, b);
		bf_release(bf, b);
	} else {
		err = ka_heap_bad_free(&bf->h, BF_NAME, ptr);
	}
	ka_unlock(&bf->h.lock);
	return err;
}

static size_t bf_usable_size(void *priv, const void *ptr)
{
	struct bf_priv *bf = priv;

	return ka_heap_usable_size(&bf->h, ptr);
}

static void bf_stats(void *priv, struct ka_stats *st)
{
	struct bf_priv *bf = priv;
	u64 largest = 0;
	u32 i;

	ka_lock(&bf->h.lock);
	ka_heap_stats(&bf->h, st);
	for (i = BIN_COUNT; i-- > 0 && !largest;)
		largest = ka_tree_largest(&bf->bins[i]);
	st->largest_free = largest ? largest - KA_HDR_SIZE : 0;
	ka_unlock(&bf->h.lock);
}

/* One bin: a valid tree, its sizes inside the bin, its bitmap bit. */
static int bf_check_bin(struct bf_priv *bf, u32 i, u64 limit)
{
	const struct ka_tree *t = &bf->bins[i];
	bool bit = bf->nonempty[i >> 6] >> (i & 63) & 1;
	const char *err = NULL;

	if (ka_tree_check(t, &bf->h, BF_NAME, limit))
		return -EFAULT;
	if (bit != !!t->root)
		err = "non-empty bin bitmap differs from the bins";
	else if (t->root &&
		 (bf_bin(ka_tree_largest(t)) != i ||
		  bf_bin(ka_blk_size(&ka_tree_best_fit(t, 0)->blk)) != i))
		err = "block filed in the wrong size bin";
	if (err) {
		ka_warn("%s: check: %s\n", BF_NAME, err);
		return -EFAULT;
	}
	return 0;
}

static int bf_check(void *priv)
{
	struct bf_priv *bf = priv;
	u64 nfree, seen = 0;
	u32 i;
	int err;

	if (!ka_check_may_walk(bf->h.region_bytes))
		return -E2BIG;
	ka_lock(&bf->h.lock);
	err = ka_heap_check(&bf->h, BF_NAME, &nfree);
	for (i = 0; !err && i < BIN_COUNT; i++) {
		err = bf_check_bin(bf, i, nfree - seen);
		seen += bf->bins[i].count;
	}
	if (!err && seen != nfree) {
		ka_warn("%s: check: a free block is in no bin\n", BF_NAME);
		err = -EFAULT;
	}
	ka_unlock(&bf->h.lock);
	return err;
}

const struct ka_policy_ops ka_bestfit_ops = {
	.name = BF_NAME,
	.priv_size = sizeof(struct bf_priv),
	.init = bf_init,
	.fini = bf_fini,
	.alloc = bf_alloc,
	.free = bf_free,
	.usable_size = bf_usable_size,
	.stats = bf_stats,
	.check = bf_check,
};
