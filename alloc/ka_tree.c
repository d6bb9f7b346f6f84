// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * AVL tree of free blocks; the design is in the header.
 *
 * A node keeps the summary of each child's subtree (its height and, in
 * address order, its largest block), so every walk reads only the nodes
 * on its path, never a sibling: the sibling of a path node is the likely
 * cache miss in a tree that lives in the free blocks themselves.
 *
 * Every change is followed by a retrace from the changed child's parent
 * up: the parent takes the child's new summary, a parent whose children
 * differ in height by two is rotated back into balance, and the walk
 * stops at the first subtree whose height and maximum did not change,
 * because nothing above it can have. Insert raises the maxima on its way
 * down, so its retrace usually stops after a level or two.
 *
 * Remove swaps a node with two children with its in-order successor
 * first. That swap changes which block sits below the successor's old
 * position, so the retrace after it must not stop before it has passed
 * the successor's new position (the barrier).
 */
#include "ka_tree.h"

void ka_tree_init(struct ka_tree *t, enum ka_tree_order order)
{
	t->root = NULL;
	t->count = 0;
	t->order = order;
}

static inline u64 tree_size(const struct ka_tnode *n)
{
	return ka_blk_size(&n->blk);
}

static inline u32 tree_height(const struct ka_tnode *n)
{
	if (!n)
		return 0;
	return 1 + (n->ch[0] > n->ch[1] ? n->ch[0] : n->ch[1]);
}

/* Largest block in n's subtree (address order). */
static inline u64 tree_max(const struct ka_tnode *n)
{
	u64 m = tree_size(n);

	if (n->cmax[0] > m)
		m = n->cmax[0];
	if (n->cmax[1] > m)
		m = n->cmax[1];
	return m;
}

static inline int tree_side(const struct ka_tnode *p, const struct ka_tnode *c)
{
	return p->child[1] == c;
}

static inline bool tree_less(const struct ka_tree *t,
			     const struct ka_tnode *a,
			     const struct ka_tnode *b)
{
	if (t->order == KA_TREE_BY_SIZE && tree_size(a) != tree_size(b))
		return tree_size(a) < tree_size(b);
	return (uintptr_t)a < (uintptr_t)b;
}

/* The pointer that points at n: its parent's child link or the root. */
static inline struct ka_tnode **tree_link(struct ka_tree *t,
					  struct ka_tnode *parent,
					  const struct ka_tnode *n)
{
	if (!parent)
		return &t->root;
	return &parent->child[tree_side(parent, n)];
}

/* Store c's summary in p as the summary of p's child d. */
static inline void tree_pull(const struct ka_tree *t, struct ka_tnode *p,
			     int d, const struct ka_tnode *c)
{
	p->ch[d] = tree_height(c);
	if (t->order == KA_TREE_BY_ADDR)
		p->cmax[d] = c ? tree_max(c) : 0;
}

/*
 * Rotate n above its parent p; both keep their in-order position. The
 * subtree that changes parent takes the summary n kept for it along.
 */
static void tree_rotate_up(struct ka_tree *t, struct ka_tnode *n)
{
	struct ka_tnode *p = n->parent;
	struct ka_tnode *g = p->parent;
	int d = tree_side(p, n);
	struct ka_tnode *b = n->child[!d];

	*tree_link(t, g, p) = n;
	p->child[d] = b;
	if (b)
		b->parent = p;
	p->ch[d] = n->ch[!d];
	p->cmax[d] = n->cmax[!d];
	n->child[!d] = p;
	p->parent = n;
	n->parent = g;
	tree_pull(t, n, !d, p);
}

/*
 * Restore the AVL property at n, whose subtrees are balanced and whose
 * heights differ by at most two. Returns the node now at n's position.
 */
static struct ka_tnode *tree_rebalance(struct ka_tree *t, struct ka_tnode *n)
{
	struct ka_tnode *c;
	int d;

	if (n->ch[0] > n->ch[1] + 1)
		d = 0;
	else if (n->ch[1] > n->ch[0] + 1)
		d = 1;
	else
		return n;
	c = n->child[d];
	if (c->ch[!d] > c->ch[d])
		tree_rotate_up(t, c->child[!d]);
	c = n->child[d];
	tree_rotate_up(t, c);
	return c;
}

/*
 * The subtree of p's child d changed. Pull summaries up, rebalancing, and
 * stop where the parent already holds the new summary of the subtree
 * below it; never before passing barrier (if not NULL), the successor a
 * removal moved up, whose own block changed the subtree it heads.
 */
static void tree_retrace(struct ka_tree *t, struct ka_tnode *p, int d,
			 const struct ka_tnode *barrier)
{
	while (p) {
		struct ka_tnode *g;
		int e;

		tree_pull(t, p, d, p->child[d]);
		if (p == barrier)
			barrier = NULL;
		p = tree_rebalance(t, p);
		g = p->parent;
		if (!g)
			break;
		e = tree_side(g, p);
		if (!barrier && g->ch[e] == tree_height(p) &&
		    (t->order != KA_TREE_BY_ADDR || g->cmax[e] == tree_max(p)))
			break;
		p = g;
		d = e;
	}
}

void ka_tree_insert(struct ka_tree *t, struct ka_tnode *n)
{
	struct ka_tnode **link = &t->root;
	struct ka_tnode *p = NULL;
	u64 size = tree_size(n);
	int d = 0;

	while (*link) {
		p = *link;
		d = !tree_less(t, n, p);
		if (t->order == KA_TREE_BY_ADDR && p->cmax[d] < size)
			p->cmax[d] = size;
		link = &p->child[d];
	}
	n->child[0] = NULL;
	n->child[1] = NULL;
	n->parent = p;
	n->cmax[0] = 0;
	n->cmax[1] = 0;
	n->ch[0] = 0;
	n->ch[1] = 0;
	*link = n;
	t->count++;
	tree_retrace(t, p, d, NULL);
}

/*
 * Exchange n (two children) with its in-order successor s, the leftmost
 * node of n's right subtree, so n can be spliced out where s was. The
 * child summaries go with the positions; the retrace fixes the ones on
 * the path between the two.
 */
static void tree_swap_succ(struct ka_tree *t, struct ka_tnode *n,
			   struct ka_tnode *s)
{
	struct ka_tnode *s_right = s->child[1];
	struct ka_tnode *s_parent = s->parent;
	u32 s_rh = s->ch[1];
	u64 s_rmax = s->cmax[1];

	*tree_link(t, n->parent, n) = s;
	s->parent = n->parent;
	s->child[0] = n->child[0];
	s->child[0]->parent = s;
	s->ch[0] = n->ch[0];
	s->ch[1] = n->ch[1];
	s->cmax[0] = n->cmax[0];
	s->cmax[1] = n->cmax[1];
	if (s_parent == n) {
		s->child[1] = n;
		n->parent = s;
	} else {
		s->child[1] = n->child[1];
		s->child[1]->parent = s;
		s_parent->child[0] = n;
		n->parent = s_parent;
	}
	n->child[0] = NULL;
	n->child[1] = s_right;
	if (s_right)
		s_right->parent = n;
	n->ch[0] = 0;
	n->ch[1] = s_rh;
	n->cmax[0] = 0;
	n->cmax[1] = s_rmax;
}

void ka_tree_remove(struct ka_tree *t, struct ka_tnode *n)
{
	struct ka_tnode *barrier = NULL;
	struct ka_tnode *child, *p;
	int d = 0;

	if (n->child[0] && n->child[1]) {
		barrier = n->child[1];
		while (barrier->child[0])
			barrier = barrier->child[0];
		tree_swap_succ(t, n, barrier);
	}
	child = n->child[0] ? n->child[0] : n->child[1];
	p = n->parent;
	if (p)
		d = tree_side(p, n);
	if (child)
		child->parent = p;
	*tree_link(t, p, n) = child;
	t->count--;
	tree_retrace(t, p, d, barrier);
}

/*
 * Put new where old is. Only valid when no other node sorts between them,
 * e.g. when first-fit splits the front off a block; the caller sets new's
 * header first and calls ka_tree_resized() after.
 */
void ka_tree_replace(struct ka_tree *t, struct ka_tnode *old,
		     struct ka_tnode *new)
{
	int d;

	new->parent = old->parent;
	for (d = 0; d < 2; d++) {
		new->child[d] = old->child[d];
		new->ch[d] = old->ch[d];
		new->cmax[d] = old->cmax[d];
		if (new->child[d])
			new->child[d]->parent = new;
	}
	*tree_link(t, new->parent, old) = new;
}

/*
 * n's block changed size without moving past any other node (address
 * order only): carry the new maximum up while it changes anything.
 */
void ka_tree_resized(struct ka_tree *t, struct ka_tnode *n)
{
	u64 m = tree_max(n);
	struct ka_tnode *p;

	if (t->order != KA_TREE_BY_ADDR)
		return;
	while ((p = n->parent)) {
		int d = tree_side(p, n);
		u64 old = tree_max(p);

		if (p->cmax[d] == m)
			break;
		p->cmax[d] = m;
		m = tree_max(p);
		if (m == old)
			break;
		n = p;
	}
}

/* Lowest-addressed block of at least size bytes (address order only). */
struct ka_tnode *ka_tree_first_fit(const struct ka_tree *t, u64 size)
{
	struct ka_tnode *n = t->root;

	if (!n || tree_max(n) < size)
		return NULL;
	for (;;) {
		if (n->cmax[0] >= size)
			n = n->child[0];
		else if (tree_size(n) < size)
			n = n->child[1];
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
			n = n->child[0];
		} else {
			n = n->child[1];
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
		return tree_max(n);
	while (n->child[1])
		n = n->child[1];
	return tree_size(n);
}

static const struct ka_tnode *tree_next(const struct ka_tnode *n)
{
	if (n->child[1]) {
		n = n->child[1];
		while (n->child[0])
			n = n->child[0];
		return n;
	}
	while (n->parent && n == n->parent->child[1])
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

/*
 * Links, the child summaries (heights and maxima, recomputed from the
 * children's own summaries, which their turn in the walk checks) and the
 * AVL balance of n.
 */
static const char *tree_check_shape(const struct ka_tree *t,
				    const struct ka_tnode *n)
{
	int d;

	for (d = 0; d < 2; d++) {
		const struct ka_tnode *c = n->child[d];

		if (c && c->parent != n)
			return "child's parent link broken";
		if (n->ch[d] != tree_height(c))
			return "stored child height wrong";
		if (t->order == KA_TREE_BY_ADDR &&
		    n->cmax[d] != (c ? tree_max(c) : 0))
			return "stored child maximum wrong";
	}
	if (n->ch[0] > n->ch[1] + 1 || n->ch[1] > n->ch[0] + 1)
		return "subtree heights differ by more than one";
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
 * links consistent, child summaries exact and balanced, and exactly
 * t->count nodes, no more than limit (the free blocks the physical walk
 * found: a cycle cannot run on). The caller compares the counts of its
 * trees with the free blocks, so each free block is in a tree exactly
 * once.
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
	while (!err && n && n->child[0] && n->child[0]->parent == n)
		n = n->child[0];
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
