// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Exact best fit: alloc() takes a smallest free block of at least the
 * wanted size.
 *
 * Free blocks are filed by size. Below 8 KiB every size (a multiple of
 * 8) has its own list, kept in address order, so the head of a list is
 * the lowest-addressed block of that size: alloc() takes the head of
 * the wanted size's list or, if it is empty, the head of the next
 * non-empty list up, found in a bitmap of non-empty bins with a few word
 * operations. Blocks of 8 KiB and more sit in one AVL tree (ka_tree.h)
 * in (size, address) order, searched by one descent. The choice is the
 * one round one made with a (size, address) tree per 16-byte bin (the
 * smallest size that fits, the lowest address among equals), so the
 * fragmentation is exactly round one's; but the common case of small
 * and medium blocks is now a list pop, and a free a short walk to its
 * place in a list of same-sized blocks, as in dlmalloc's small bins,
 * with no tree rebalancing.
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
#define LIST_BINS	1024	/* one list per size below 8 KiB */
#define BIG_BIN		LIST_BINS	/* the tree: 8 KiB and more */
#define BIN_COUNT	(LIST_BINS + 1)
#define BIN_WORDS	((BIN_COUNT + 63) / 64)

static_assert(LIST_BINS * KA_HDR_SIZE == 8192, "lists cover sizes < 8 KiB");

/*
 * A listed free block links through its tree node's fields: left is the
 * next (higher) block on its list, right the previous one (NULL at the
 * head).
 */
struct bf_priv {
	struct ka_heap h;
	u64 nonempty[BIN_WORDS];	/* bit i: bin i has a block */
	struct ka_tnode *lists[LIST_BINS];
	struct ka_tree big;
};

static inline struct ka_tnode *bf_node(struct ka_blk *b)
{
	return (struct ka_tnode *)b;
}

/* The bin of a free block of size bytes (a multiple of 8). */
static inline u32 bf_bin(u64 size)
{
	u64 i = size >> 3;

	return i < LIST_BINS ? i : BIG_BIN;
}

static inline void bf_mark(struct bf_priv *bf, u32 i, bool nonempty)
{
	if (nonempty)
		bf->nonempty[i >> 6] |= 1ULL << (i & 63);
	else
		bf->nonempty[i >> 6] &= ~(1ULL << (i & 63));
}

static void bf_insert(struct bf_priv *bf, struct ka_blk *b)
{
	u32 i = bf_bin(ka_blk_size(b));
	struct ka_tnode *n = bf_node(b), **head, *prev = NULL;

	if (i == BIG_BIN) {
		ka_tree_insert(&bf->big, n);
		bf_mark(bf, i, true);
		return;
	}
	/* Address order: the head is the lowest block of its size. */
	for (head = &bf->lists[i]; *head && *head < n; head = &(*head)->left)
		prev = *head;
	n->left = *head;
	n->right = prev;
	if (*head)
		(*head)->right = n;
	*head = n;
	bf_mark(bf, i, true);
}

static void bf_remove(struct bf_priv *bf, struct ka_blk *b)
{
	u32 i = bf_bin(ka_blk_size(b));
	struct ka_tnode *n = bf_node(b);

	if (i == BIG_BIN) {
		ka_tree_remove(&bf->big, n);
		if (!bf->big.root)
			bf_mark(bf, i, false);
		return;
	}
	if (n->right)
		n->right->left = n->left;
	else
		bf->lists[i] = n->left;
	if (n->left)
		n->left->right = n->right;
	if (!bf->lists[i])
		bf_mark(bf, i, false);
}

/* First non-empty bin at or above bin i, or BIN_COUNT. */
static u32 bf_next_bin(const struct bf_priv *bf, u32 i)
{
	u32 w = i >> 6;
	u64 bits = bf->nonempty[w] & (~0ULL << (i & 63));

	while (!bits) {
		if (++w == BIN_WORDS)
			return BIN_COUNT;
		bits = bf->nonempty[w];
	}
	return w * 64 + ka_ffs64(bits) - 1;
}

/* A smallest block of at least want bytes, or NULL. */
static struct ka_tnode *bf_find(const struct bf_priv *bf, u64 want)
{
	u32 i = bf_bin(ka_align_up(want, KA_HDR_SIZE));

	if (i < BIG_BIN && bf->lists[i])
		return bf->lists[i];
	i = bf_next_bin(bf, i);
	if (i < BIG_BIN)
		return bf->lists[i];
	if (i == BIG_BIN)
		return ka_tree_best_fit(&bf->big, want);
	return NULL;
}

static int bf_init(void *priv, void *base, size_t len)
{
	struct bf_priv *bf = priv;
	struct ka_blk *first;
	int err;

	err = ka_heap_init(&bf->h, base, len, BF_MIN, &first);
	if (err)
		return err;
	ka_tree_init(&bf->big, KA_TREE_BY_SIZE);
	ka_memset(bf->lists, 0, sizeof(bf->lists));
	ka_memset(bf->nonempty, 0, sizeof(bf->nonempty));
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
	largest = ka_tree_largest(&bf->big);
	for (i = LIST_BINS; i-- > 0 && !largest;)
		if (bf->lists[i])
			largest = ka_blk_size(&bf->lists[i]->blk);
	st->largest_free = largest ? largest - KA_HDR_SIZE : 0;
	ka_unlock(&bf->h.lock);
}

/* List i: links both ways, free blocks of exactly its size. */
static const char *bf_check_list(const struct bf_priv *bf, u32 i,
				 u64 *seen, u64 limit)
{
	const struct ka_heap *h = &bf->h;
	const struct ka_tnode *n, *prev = NULL;

	for (n = bf->lists[i]; n; prev = n, n = n->left) {
		uintptr_t a = (uintptr_t)n;

		if (++*seen > limit)
			return "more listed blocks than free blocks";
		if ((a & 7) || a < h->start || a >= h->end)
			return "list entry outside the block area";
		if (!ka_blk_magic_ok(&n->blk) || !ka_blk_is_free(&n->blk) ||
		    ka_blk_size(&n->blk) > h->end - a ||
		    *ka_blk_footer(&n->blk) != n->blk.hdr)
			return "list entry is not a free block";
		if (n->right != prev)
			return "list back link broken";
		if (bf_bin(ka_blk_size(&n->blk)) != i)
			return "block on the wrong size list";
	}
	return NULL;
}

/* Every list and the tree; their bits; the tree holds only big blocks. */
static const char *bf_check_bins(const struct bf_priv *bf, u64 nfree)
{
	const struct ka_tree *t = &bf->big;
	const char *err;
	u64 seen = 0;
	u32 i;

	for (i = 0; i < LIST_BINS; i++) {
		if (!(bf->nonempty[i >> 6] >> (i & 63) & 1) != !bf->lists[i])
			return "non-empty bin bitmap differs from the lists";
		err = bf_check_list(bf, i, &seen, nfree);
		if (err)
			return err;
	}
	if (!(bf->nonempty[BIG_BIN >> 6] >> (BIG_BIN & 63) & 1) != !t->root)
		return "non-empty bin bitmap differs from the tree";
	if (t->root && bf_bin(ka_blk_size(&ka_tree_best_fit(t, 0)->blk)) !=
	    BIG_BIN)
		return "small block in the big-block tree";
	if (bf->nonempty[BIN_WORDS - 1] >> ((BIN_COUNT - 1) % 64) >> 1)
		return "bitmap bits past the last bin";
	if (seen + t->count != nfree)
		return "a free block is in no bin";
	return NULL;
}

static int bf_check(void *priv)
{
	struct bf_priv *bf = priv;
	const char *msg;
	u64 nfree;
	int err;

	if (!ka_check_may_walk(bf->h.region_bytes))
		return -E2BIG;
	ka_lock(&bf->h.lock);
	err = ka_heap_check(&bf->h, BF_NAME, &nfree);
	if (!err)
		err = ka_tree_check(&bf->big, &bf->h, BF_NAME, nfree);
	if (!err) {
		msg = bf_check_bins(bf, nfree);
		if (msg) {
			ka_warn("%s: check: %s\n", BF_NAME, msg);
			err = -EFAULT;
		}
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
