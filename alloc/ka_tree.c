// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * AVL tree of free blocks; the design is in the header.
 *
 * Every change is followed by a retrace from the lowest changed node up:
 * each node's height (and, in address order, subtree maximum) is pulled
 * from its children, and a node whose subtrees' heights differ by two is
 * rotated back into balance. The retrace stops at the first node whose
 * subtree reports the same height and maximum as before, because nothing
 * above it can have changed. Insert pre-raises the maxima on its way
 * down, so it usually stops after a level or two.
 *
 * Remove swaps a node with two children with its in-order successor
 * first. That swap changes which block sits below the successor's old
 * position, so the retrace after it must not stop before it has passed
 * the successor's new position.
 *
 * A size-change that keeps a node's place in address order (first-fit
 * splitting the front off a block or merging a neighbour in) touches no
 * heights: only the maxima above it are walked, and only while they
 * change.
 */
#include "ka_tree.h"

void ka_tree_init(struct ka_tree *t, enum ka_tree_order order)
{
	t->root = NULL;
	t->count = 0;
	t->order = order;
}

static inline u64 tree_height(const struct ka_tnode *n)
{
	return n ? n->height : 0;
}

static inline u64 tree_size(const struct ka_tnode *n)
{
	return ka_blk_size(&n->blk);
}

static inline bool tree_less(const struct ka_tree *t,
			     const struct ka_tnode *a,
			     const struct ka_tnode *b)
{
	if (t->order == KA_TREE_BY_SIZE && tree_size(a) != tree_size(b))
		return tree_size(a) < tree_size(b);
	return (uintptr_t)a < (uintptr_t)b;
}

static inline u64 tree_calc_max(const struct ka_tnode *n)
{
	u64 m = tree_size(n);

	if (n->left && n->left->max > m)
		m = n->left->max;
	if (n->right && n->right->max > m)
		m = n->right->max;
	return m;
}

/* The pointer that points at child n: its parent's link or the root. */
static inline struct ka_tnode **tree_link(struct ka_tree *t,
					  struct ka_tnode *parent,
					  const struct ka_tnode *n)
{
	if (!parent)
		return &t->root;
	return parent->left == n ? &parent->left : &parent->right;
}

/*
 * n lost (n's old size was old): only subtrees whose maximum was exactly
 * old can shrink, so the walk stops at the first that had a bigger one.
 */
static void tree_fix_shrunk(struct ka_tnode *n, u64 old)
{
	while (n && n->max == old) {
		u64 m = tree_calc_max(n);

		if (m == old)
			break;
		n->max = m;
		n = n->parent;
	}
}

/* n grew to size: raise maxima until one already covers it. */
static void tree_fix_grown(struct ka_tnode *n, u64 size)
{
	while (n && n->max < size) {
		n->max = size;
		n = n->parent;
	}
}

/* Recompute n's height and subtree maximum from its children. */
static inline void tree_pull(const struct ka_tree *t, struct ka_tnode *n)
{
	u64 hl = tree_height(n->left);
	u64 hr = tree_height(n->right);

	n->height = 1 + (hl > hr ? hl : hr);
	if (t->order == KA_TREE_BY_ADDR)
		n->max = tree_calc_max(n);
}

/* Rotate n above its parent p; both keep their in-order position. */
static void tree_rotate_up(struct ka_tree *t, struct ka_tnode *n)
{
	struct ka_tnode *p = n->parent;
	struct ka_tnode *g = p->parent;

	*tree_link(t, g, p) = n;
	if (p->left == n) {
		p->left = n->right;
		if (p->left)
			p->left->parent = p;
		n->right = p;
	} else {
		p->right = n->left;
		if (p->right)
			p->right->parent = p;
		n->left = p;
	}
	p->parent = n;
	n->parent = g;
	tree_pull(t, p);
	tree_pull(t, n);
}

/*
 * Restore the AVL property at n, whose subtrees are balanced and whose
 * heights differ by at most two. Returns the node now at n's position,
 * with height and maximum exact.
 */
static struct ka_tnode *tree_rebalance(struct ka_tree *t, struct ka_tnode *n)
{
	u64 hl = tree_height(n->left);
	u64 hr = tree_height(n->right);
	struct ka_tnode *c;

	if (hl > hr + 1) {
		c = n->left;
		if (tree_height(c->right) > tree_height(c->left))
			tree_rotate_up(t, c->right);
		c = n->left;
	} else if (hr > hl + 1) {
		c = n->right;
		if (tree_height(c->left) > tree_height(c->right))
			tree_rotate_up(t, c->left);
		c = n->right;
	} else {
		tree_pull(t, n);
		return n;
	}
	tree_rotate_up(t, c);
	return c;
}

/*
 * Rebalance and pull from n up to the root. Once past barrier (at once if
 * it is NULL), stop at the first subtree whose height and maximum did not
 * change: nothing above it can have.
 */
static void tree_retrace(struct ka_tree *t, struct ka_tnode *n,
			 const struct ka_tnode *barrier)
{
	while (n) {
		u64 hl = tree_height(n->left);
		u64 hr = tree_height(n->right);
		u64 height, max;
		bool changed;

		if (n == barrier)
			barrier = NULL;
		if (unlikely(hl > hr + 1 || hr > hl + 1)) {
			height = n->height;
			max = n->max;
			n = tree_rebalance(t, n);
			changed = n->height != height || n->max != max;
		} else {
			height = 1 + (hl > hr ? hl : hr);
			max = t->order == KA_TREE_BY_ADDR ? tree_calc_max(n) : 0;
			changed = n->height != height || n->max != max;
			n->height = height;
			n->max = max;
		}
		if (!changed && !barrier)
			break;
		n = n->parent;
	}
}

void ka_tree_insert(struct ka_tree *t, struct ka_tnode *n)
{
	struct ka_tnode **link = &t->root;
	struct ka_tnode *p = NULL;
	u64 size = tree_size(n);

	if (t->order == KA_TREE_BY_ADDR) {
		while (*link) {
			p = *link;
			if (p->max < size)
				p->max = size;
			link = (uintptr_t)n < (uintptr_t)p ?
			       &p->left : &p->right;
		}
	} else {
		while (*link) {
			p = *link;
			link = tree_less(t, n, p) ? &p->left : &p->right;
		}
	}
	n->left = NULL;
	n->right = NULL;
	n->parent = p;
	/* Size order keeps max 0 everywhere, so retraces compare equal. */
	n->max = t->order == KA_TREE_BY_ADDR ? size : 0;
	n->height = 1;
	*link = n;
	t->count++;
	tree_retrace(t, p, NULL);
}

/*
 * Exchange n (two children) with its in-order successor s, the leftmost
 * node of n's right subtree, so n can be spliced out where s was. Heights
 * go with the positions; maxima are fixed by the retrace after.
 */
static void tree_swap_succ(struct ka_tree *t, struct ka_tnode *n,
			   struct ka_tnode *s)
{
	struct ka_tnode *s_right = s->right;
	struct ka_tnode *s_parent = s->parent;
	u64 height = s->height;

	*tree_link(t, n->parent, n) = s;
	s->parent = n->parent;
	s->left = n->left;
	s->left->parent = s;
	s->height = n->height;
	s->max = n->max;
	if (s_parent == n) {
		s->right = n;
		n->parent = s;
	} else {
		s->right = n->right;
		s->right->parent = s;
		s_parent->left = n;
		n->parent = s_parent;
	}
	n->left = NULL;
	n->right = s_right;
	if (s_right)
		s_right->parent = n;
	n->height = height;
}

void ka_tree_remove(struct ka_tree *t, struct ka_tnode *n)
{
	struct ka_tnode *barrier = NULL;
	struct ka_tnode *child, *p;

	if (n->left && n->right) {
		barrier = n->right;
		while (barrier->left)
			barrier = barrier->left;
		tree_swap_succ(t, n, barrier);
	}
	child = n->left ? n->left : n->right;
	p = n->parent;
	if (child)
		child->parent = p;
	*tree_link(t, p, n) = child;
	t->count--;
	tree_retrace(t, p, barrier);
}

/*
 * Put new where old is. Only valid when no other node sorts between them,
 * e.g. when first-fit splits the front off a block; the caller sets new's
 * header first and calls ka_tree_resized() after.
 */
void ka_tree_replace(struct ka_tree *t, struct ka_tnode *old,
		     struct ka_tnode *new)
{
	new->left = old->left;
	new->right = old->right;
	new->parent = old->parent;
	new->max = old->max;
	new->height = old->height;
	if (new->left)
		new->left->parent = new;
	if (new->right)
		new->right->parent = new;
	*tree_link(t, new->parent, old) = new;
}

/*
 * n's block changed from old bytes to its current size without moving
 * past any other node (address order only).
 */
void ka_tree_resized(struct ka_tree *t, struct ka_tnode *n, u64 old)
{
	u64 size = tree_size(n);

	if (t->order != KA_TREE_BY_ADDR)
		return;
	if (size > old)
		tree_fix_grown(n, size);
	else
		tree_fix_shrunk(n, old);
}

/* Lowest-addressed block of at least size bytes (address order only). */
struct ka_tnode *ka_tree_first_fit(const struct ka_tree *t, u64 size)
{
	struct ka_tnode *n = t->root;

	if (!n || n->max < size)
		return NULL;
	for (;;) {
		if (n->left && n->left->max >= size)
			n = n->left;
		else if (tree_size(n) < size)
			n = n->right;
		else
			return n;
	}
}

/* Smallest block of at least size bytes, lowest address among equals. */
struct ka_tnode *ka_tree_best_fit(const struct ka_tree *t, u64 size)
{
	struct ka_tnode *n = t->root;
	struct ka_tnode *best = NULL;

	while (n) {
		if (tree_size(n) >= size) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

u64 ka_tree_largest(const struct ka_tree *t)
{
	const struct ka_tnode *n = t->root;

	if (!n)
		return 0;
	if (t->order == KA_TREE_BY_ADDR)
		return n->max;
	while (n->right)
		n = n->right;
	return tree_size(n);
}

static const struct ka_tnode *tree_next(const struct ka_tnode *n)
{
	if (n->right) {
		n = n->right;
		while (n->left)
			n = n->left;
		return n;
	}
	while (n->parent && n == n->parent->right)
		n = n->parent;
	return n->parent;
}

/*
 * A node must be a real free block: inside the area, good magic and free
 * flag, footer equal to the header and the successor's P flag set (a
 * stale header left behind by coalescing fails the last two).
 */
static const char *tree_check_blk(const struct ka_heap *h,
				  const struct ka_tnode *n)
{
	uintptr_t a = (uintptr_t)n;
	const struct ka_blk *b = &n->blk;

	if ((a & 7) || a < h->start || a >= h->end)
		return "tree node outside the block area";
	if (!ka_blk_magic_ok(b) || !ka_blk_is_free(b))
		return "tree node is not a free block";
	if (tree_size(n) > h->end - a || *ka_blk_footer(b) != b->hdr ||
	    !ka_blk_prev_is_free(ka_blk_next(b)))
		return "tree node is not a block start";
	return NULL;
}

/* Links, the AVL height and balance, and the subtree maximum of n. */
static const char *tree_check_shape(const struct ka_tree *t,
				    const struct ka_tnode *n)
{
	u64 hl = tree_height(n->left);
	u64 hr = tree_height(n->right);

	if ((n->left && n->left->parent != n) ||
	    (n->right && n->right->parent != n))
		return "child's parent link broken";
	if (n->height != 1 + (hl > hr ? hl : hr))
		return "stored height wrong";
	if (hl > hr + 1 || hr > hl + 1)
		return "subtree heights differ by more than one";
	if (t->order == KA_TREE_BY_ADDR && n->max != tree_calc_max(n))
		return "subtree maximum wrong";
	return NULL;
}

static const char *tree_check_node(const struct ka_tree *t,
				   const struct ka_heap *h,
				   const struct ka_tnode *n,
				   const struct ka_tnode *prev)
{
	const char *err = tree_check_blk(h, n);

	if (!err)
		err = tree_check_shape(t, n);
	if (!err && prev && !tree_less(t, prev, n))
		err = "tree out of order";
	return err;
}

/*
 * In-order walk: every node a free block, search order strict, parent
 * links consistent, AVL heights exact and balanced, subtree maxima exact,
 * and exactly t->count nodes, no more than limit (the free blocks the
 * physical walk found: a cycle cannot run on). The caller compares the
 * counts of its trees with the free blocks, so each free block is in a
 * tree exactly once.
 */
int ka_tree_check(const struct ka_tree *t, const struct ka_heap *h,
		  const char *policy, u64 limit)
{
	const struct ka_tnode *n = t->root;
	const struct ka_tnode *prev = NULL;
	const char *err = NULL;
	u64 seen = 0;

	if (n && n->parent)
		err = "root has a parent";
	while (!err && n && n->left && n->left->parent == n)
		n = n->left;
	while (!err && n) {
		err = tree_check_node(t, h, n, prev);
		if (!err && ++seen > limit)
			err = "more tree nodes than free blocks";
		prev = n;
		n = tree_next(n);
	}
	if (!err && seen != t->count)
		err = "tree node count differs from its counter";
	if (err) {
		ka_warn("%s: check: %s\n", policy, err);
		return -EFAULT;
	}
	return 0;
}
