// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ka_tree.c - treap of free blocks, see ka_tree.h for the design.
 *
 * Insert descends to a leaf and rotates the new node up while its
 * priority beats its parent's. Remove rotates the node down, always
 * lifting the child of higher priority, until it has at most one child,
 * then splices it out. Rotations keep each subtree's block set, so the
 * subtree maximum needs recomputing only for the two rotated nodes; after
 * a splice or a size change it is recomputed upwards until a node's value
 * stops changing.
 */
#include "ka_tree.h"

void ka_tree_init(struct ka_tree *t, enum ka_tree_order order, u64 seed)
{
	t->root = NULL;
	t->count = 0;
	t->seed = seed | 1;
	t->order = order;
}

/* xorshift64*: cheap, and only the heap shape depends on it. */
static u64 tree_rand(struct ka_tree *t)
{
	u64 x = t->seed;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	t->seed = x;
	return x * 0x2545f4914f6cdd1dULL;
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

/* Recompute subtree maxima from n up while they change. */
static void tree_fix_up(struct ka_tree *t, struct ka_tnode *n)
{
	if (t->order != KA_TREE_BY_ADDR)
		return;
	while (n) {
		u64 m = tree_calc_max(n);

		if (m == n->max)
			break;
		n->max = m;
		n = n->parent;
	}
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
	n->max = p->max;
	p->max = tree_calc_max(p);
}

void ka_tree_insert(struct ka_tree *t, struct ka_tnode *n)
{
	struct ka_tnode **link = &t->root;
	struct ka_tnode *p = NULL;
	u64 size = tree_size(n);

	while (*link) {
		p = *link;
		if (p->max < size)
			p->max = size;
		link = tree_less(t, n, p) ? &p->left : &p->right;
	}
	n->left = NULL;
	n->right = NULL;
	n->parent = p;
	n->max = size;
	n->prio = tree_rand(t);
	*link = n;
	while (n->parent && n->parent->prio < n->prio)
		tree_rotate_up(t, n);
	t->count++;
}

void ka_tree_remove(struct ka_tree *t, struct ka_tnode *n)
{
	struct ka_tnode *child, *p;

	while (n->left && n->right)
		tree_rotate_up(t, n->left->prio > n->right->prio ?
			       n->left : n->right);
	child = n->left ? n->left : n->right;
	p = n->parent;
	if (child)
		child->parent = p;
	*tree_link(t, p, n) = child;
	t->count--;
	tree_fix_up(t, p);
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
	new->prio = old->prio;
	if (new->left)
		new->left->parent = new;
	if (new->right)
		new->right->parent = new;
	*tree_link(t, new->parent, old) = new;
}

/* n's block grew or shrank without moving past any other node. */
void ka_tree_resized(struct ka_tree *t, struct ka_tnode *n)
{
	tree_fix_up(t, n);
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

static const char *tree_check_node(const struct ka_tree *t,
				   const struct ka_heap *h,
				   const struct ka_tnode *n,
				   const struct ka_tnode *prev)
{
	const char *err = tree_check_blk(h, n);

	if (err)
		return err;
	if ((n->left && (n->left->parent != n || n->left->prio > n->prio)) ||
	    (n->right && (n->right->parent != n || n->right->prio > n->prio)))
		return "child link or heap priority broken";
	if (prev && !tree_less(t, prev, n))
		return "tree out of order";
	if (t->order == KA_TREE_BY_ADDR && n->max != tree_calc_max(n))
		return "subtree maximum wrong";
	return NULL;
}

/*
 * In-order walk: every node a free block, search order strict, parent
 * links consistent, heap property on priorities (the treap's balance
 * invariant), subtree maxima exact, and as many nodes as the physical
 * walk found free blocks, so each free block is in the tree exactly once.
 */
int ka_tree_check(const struct ka_tree *t, const struct ka_heap *h,
		  const char *policy, u64 free_blocks)
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
		if (!err && ++seen > free_blocks)
			err = "more tree nodes than free blocks";
		prev = n;
		n = tree_next(n);
	}
	if (!err && (seen != free_blocks || seen != t->count))
		err = "tree node count differs from free blocks";
	if (err) {
		ka_warn("%s: check: %s\n", policy, err);
		return -EFAULT;
	}
	return 0;
}
