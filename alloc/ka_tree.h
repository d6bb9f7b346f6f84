/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The balanced tree of free blocks behind first-fit and
 * best-fit.
 *
 * An AVL tree: the heights of every node's two subtrees differ by at most
 * one, so the depth stays below 1.44 log2(n) in the worst case and close
 * to log2(n) on average. (A treap was tried first: its expected depth of
 * about 1.39 log2(n) made first-fit 10-20% slower. Keeping each child's
 * height and maximum in the parent, so that no walk reads a sibling, was
 * tried too: first-fit then ran 8-19% more instructions.) It is written
 * iteratively with parent pointers (no recursion on the small kernel
 * stack) and lives inside the free blocks themselves, so it costs no
 * memory beyond the minimum free block size.
 *
 * The tree orders its nodes either by address (first-fit) or by
 * (size, address) (best-fit). In address order every node also records
 * the largest block size in its subtree, so the lowest-addressed block
 * that fits is found by one descent: go left while the left subtree's
 * largest block fits.
 */
#ifndef KA_TREE_H
#define KA_TREE_H

#include "ka_block.h"

struct ka_tnode {
	struct ka_blk blk;
	struct ka_tnode *left;
	struct ka_tnode *right;
	struct ka_tnode *parent;
	u64 max;		/* largest block size in the subtree */
	u64 height;		/* levels in the subtree, 1 for a leaf */
};

/* A free block holds a node plus its footer. */
#define KA_TNODE_MIN	(sizeof(struct ka_tnode) + KA_HDR_SIZE)

enum ka_tree_order {
	KA_TREE_BY_ADDR,	/* address order, subtree max kept */
	KA_TREE_BY_SIZE,	/* (size, address) order, no subtree max */
};

struct ka_tree {
	struct ka_tnode *root;
	u64 count;
	enum ka_tree_order order;
};

void ka_tree_init(struct ka_tree *t, enum ka_tree_order order);
void ka_tree_insert(struct ka_tree *t, struct ka_tnode *n);
void ka_tree_remove(struct ka_tree *t, struct ka_tnode *n);
void ka_tree_replace(struct ka_tree *t, struct ka_tnode *old,
		     struct ka_tnode *new);
void ka_tree_resized(struct ka_tree *t, struct ka_tnode *n, u64 old);
struct ka_tnode *ka_tree_first_fit(const struct ka_tree *t, u64 size);
struct ka_tnode *ka_tree_best_fit(const struct ka_tree *t, u64 size);
u64 ka_tree_largest(const struct ka_tree *t);
int ka_tree_check(const struct ka_tree *t, const struct ka_heap *h,
		  const char *policy, u64 limit);

#endif /* KA_TREE_H */
