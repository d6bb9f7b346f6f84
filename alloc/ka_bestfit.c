// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ka_bestfit.c - exact best fit in O(log n).
 *
 * Every free block sits in an AVL tree (ka_tree.h) ordered by (size,
 * address). alloc() descends once to the smallest block of at least the
 * wanted size, the lowest-addressed among equal sizes, so ties resolve
 * towards low addresses and the footprint stays compact. The block is
 * taken out, carved (ka_blk_carve()) and whatever is left over goes back
 * in under its new size. free() coalesces with both physical neighbours
 * through the boundary tags (ka_block.h) and inserts the merged block.
 *
 * An aligned request searches for need + align + min bytes so the
 * aligned payload always fits after a leading free block of at least the
 * minimum size.
 */
#include "ka_tree.h"

#define BF_NAME		"bestfit"
#define BF_MIN		KA_TNODE_MIN

struct bf_priv {
	struct ka_heap h;
	struct ka_tree t;
};

static inline struct ka_tnode *bf_node(struct ka_blk *b)
{
	return (struct ka_tnode *)b;
}

static int bf_init(void *priv, void *base, size_t len)
{
	struct bf_priv *bf = priv;
	struct ka_blk *first;
	int err;

	err = ka_heap_init(&bf->h, base, len, BF_MIN, &first);
	if (err)
		return err;
	ka_tree_init(&bf->t, KA_TREE_BY_SIZE);
	ka_tree_insert(&bf->t, bf_node(first));
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

	ka_tree_remove(&bf->t, n);
	b = ka_blk_carve(&n->blk, need, size, align, BF_MIN, &gap, &rem);
	if (unlikely(gap))
		ka_tree_insert(&bf->t, bf_node(gap));
	if (rem)
		ka_tree_insert(&bf->t, bf_node(rem));
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
		n = ka_tree_best_fit(&bf->t, want);
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
		ka_tree_remove(&bf->t, bf_node(b));
	}
	if (ka_blk_is_free(next)) {
		size += ka_blk_size(next);
		ka_tree_remove(&bf->t, bf_node(next));
	}
	ka_blk_set_free(b, size);
	ka_tree_insert(&bf->t, bf_node(b));
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
	struct ka_blk *b;
	size_t n = 0;

	ka_lock(&bf->h.lock);
	b = ka_heap_live(&bf->h, ptr);
	if (b)
		n = ka_blk_size(b) - KA_HDR_SIZE;
	ka_unlock(&bf->h.lock);
	return n;
}

static void bf_stats(void *priv, struct ka_stats *st)
{
	struct bf_priv *bf = priv;
	u64 largest;

	ka_lock(&bf->h.lock);
	ka_heap_stats(&bf->h, st);
	largest = ka_tree_largest(&bf->t);
	st->largest_free = largest ? largest - KA_HDR_SIZE : 0;
	ka_unlock(&bf->h.lock);
}

static int bf_check(void *priv)
{
	struct bf_priv *bf = priv;
	u64 nfree;
	int err;

	ka_lock(&bf->h.lock);
	err = ka_heap_check(&bf->h, BF_NAME, &nfree);
	if (!err)
		err = ka_tree_check(&bf->t, &bf->h, BF_NAME, nfree);
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
