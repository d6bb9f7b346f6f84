// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ka_buddy.c - binary buddy allocator with exact-size trimming.
 *
 * The region is cut into 64-byte minimum blocks ("units"), numbered from
 * the start of the arena. A free block of order k covers 2^k units and
 * starts at a unit index that is a multiple of 2^k; its buddy is at
 * index ^ 2^k. The arena start is aligned to 4 KiB (64 bytes for tiny
 * regions), so a block of order k is naturally aligned to its size up to
 * that alignment.
 *
 * All metadata lives outside the blocks, in side arrays at the start of
 * the region, one entry per unit:
 *
 *   state[i]  KB_INNER (not the start of any block), KB_FREE | order
 *             (head of a free block) or KB_USED (head of a live span)
 *   next[i]   free block: next index in its order's free list
 *             live span:  its length in units
 *   prev[i]   free block: previous index in its order's free list
 *             live span:  slack, units * 64 - requested size
 *
 * so a wild pointer (not a unit boundary, or not a KB_USED head) and a
 * double free (the head is KB_FREE, or lies inside a free block) are
 * recognised before anything is written. Per-order free lists are
 * doubly linked through next/prev; a bitmap of non-empty orders lets
 * ffs find the smallest order that fits in O(1), without scanning.
 *
 * Allocation takes the smallest free block of order >= ceil(log2(units))
 * and trims it to exactly the units needed: the unused upper part is
 * returned as the power-of-two blocks it splits into (like Linux's
 * alloc_pages_exact()). That keeps internal fragmentation below one unit
 * instead of up to 50%. Freeing a span of n units frees it as its
 * maximal aligned power-of-two pieces, each coalescing with its buddy as
 * far as it goes, so no two free buddies of equal order ever coexist.
 * Alignments up to the arena's own alignment round the order up; larger
 * ones over-allocate by the alignment and trim both ends.
 *
 * One spinlock/mutex per instance guards everything; every operation is
 * O(log n) at worst (splits and merges, one per order).
 */
#include "ka_policy.h"

#define KB_SHIFT	6
#define KB_UNIT		64UL		/* 1 << KB_SHIFT */
#define KB_ORDERS	32		/* unit indices are u32 */
#define KB_MAX_UNITS	0x80000000UL
#define KB_NIL		0xffffffffU
#define KB_INNER	0x00
#define KB_USED		0x40
#define KB_FREE		0x80
#define KB_ORDER_MASK	0x3f
#define KB_ARENA_ALIGN	4096UL

struct ka_buddy {
	struct ka_lock lock;
	u8 *base;
	size_t len;
	u8 *arena;
	uintptr_t arena_align;	/* natural alignment of virtual unit 0 */
	u32 nunits;
	u32 vbase;		/* virtual index of unit 0, see kb_layout() */
	u32 *next;
	u32 *prev;
	u8 *state;
	u64 bitmap;		/* bit k: free list k is not empty */
	u32 head[KB_ORDERS];
	u64 free_units;
	u64 hiwater;		/* highest end of a span handed out, units */
	u64 live;
	u64 requested;
	u64 usable;
	u64 allocs;
	u64 frees;
	u64 failed;
	u64 bad_frees;
};

/* Order of the smallest block holding n >= 1 units. */
static inline u32 kb_order(u64 n)
{
	return n <= 1 ? 0 : ka_fls64(n - 1);
}

static void kb_push(struct ka_buddy *b, u32 i, u32 k)
{
	u32 h = b->head[k];

	b->state[i] = KB_FREE | k;
	b->next[i] = h;
	b->prev[i] = KB_NIL;
	if (h != KB_NIL)
		b->prev[h] = i;
	b->head[k] = i;
	b->bitmap |= 1ULL << k;
	b->free_units += 1ULL << k;
}

static void kb_unlink(struct ka_buddy *b, u32 i, u32 k)
{
	u32 n = b->next[i], p = b->prev[i];

	if (p != KB_NIL)
		b->next[p] = n;
	else
		b->head[k] = n;
	if (n != KB_NIL)
		b->prev[n] = p;
	if (b->head[k] == KB_NIL)
		b->bitmap &= ~(1ULL << k);
	b->state[i] = KB_INNER;
	b->free_units -= 1ULL << k;
}

/* Frees block (i, k), merging with free buddies as far as possible. */
static void kb_free_block(struct ka_buddy *b, u32 i, u32 k)
{
	u32 v = i + b->vbase, bud;

	while (k + 1 < KB_ORDERS) {
		bud = (v ^ (1U << k)) - b->vbase;
		/* bud wraps to a huge value when it lies below unit 0 */
		if ((u64)bud + (1ULL << k) > b->nunits ||
		    b->state[bud] != (KB_FREE | k))
			break;
		kb_unlink(b, bud, k);
		v &= ~(1U << k);
		k++;
	}
	kb_push(b, v - b->vbase, k);
}

/* Frees units [s, e) as maximal aligned power-of-two pieces. */
static void kb_free_span(struct ka_buddy *b, u32 s, u32 e)
{
	while (s < e) {
		u32 k = ka_fls64(e - s) - 1, v = s + b->vbase;

		if (v && (u32)(ka_ffs64(v) - 1) < k)
			k = ka_ffs64(v) - 1;
		kb_free_block(b, s, k);
		s += 1U << k;
	}
}

/* Block (i, k) is taken; keep [s, i + 2^k) and free the rest. */
static void kb_trim_front(struct ka_buddy *b, u32 i, u32 k, u32 s)
{
	while (s != i) {
		u32 m = i + (1U << --k);

		if (s >= m) {
			kb_push(b, i, k);
			i = m;
		}
	}
}

/* Block (i, k) is taken; keep [i, e) and free the rest. */
static void kb_trim_back(struct ka_buddy *b, u32 i, u32 k, u32 e)
{
	while (e != i + (1U << k)) {
		u32 m = i + (1U << --k);

		if (e <= m)
			kb_push(b, m, k);
		else
			i = m;
	}
}

/*
 * Block (i, k) is taken; keep [s, e) and give back the rest. The pieces
 * given back have their buddies inside the taken block, so none of them
 * can merge: plain pushes keep coalescing complete.
 */
static void kb_carve(struct ka_buddy *b, u32 i, u32 k, u32 s, u32 e)
{
	while (s != i || e != i + (1U << k)) {
		u32 m = i + (1U << --k);

		if (e <= m) {
			kb_push(b, m, k);
		} else if (s >= m) {
			kb_push(b, i, k);
			i = m;
		} else {
			kb_trim_front(b, i, k, s);
			kb_trim_back(b, m, k, e);
			return;
		}
	}
}

/* Pops the smallest free block of order >= k; KB_NIL if there is none. */
static u32 kb_take(struct ka_buddy *b, u32 k, u32 *got)
{
	u64 mask;
	u32 i;

	if (unlikely(k >= KB_ORDERS))
		return KB_NIL;
	mask = b->bitmap & ~((1ULL << k) - 1);
	if (unlikely(!mask))
		return KB_NIL;
	*got = ka_ffs64(mask) - 1;
	i = b->head[*got];
	kb_unlink(b, i, *got);
	return i;
}

/* Takes n units aligned to align (> arena alignment): over-allocate. */
static u32 kb_take_overaligned(struct ka_buddy *b, u64 n, size_t align)
{
	u64 extra = align >> KB_SHIFT;
	uintptr_t addr;
	u32 i, k, s;

	if (extra > b->nunits)
		return KB_NIL;
	i = kb_take(b, kb_order(n + extra), &k);
	if (i == KB_NIL)
		return KB_NIL;
	addr = (uintptr_t)b->arena + ((uintptr_t)i << KB_SHIFT);
	s = (ka_align_up(addr, align) - (uintptr_t)b->arena) >> KB_SHIFT;
	kb_carve(b, i, k, s, s + n);
	return s;
}

/* Takes n units aligned to align (<= arena alignment). */
static u32 kb_take_aligned(struct ka_buddy *b, u64 n, size_t align)
{
	u32 k = kb_order(n), ak, i, got;

	if (align > KB_UNIT) {
		ak = ka_fls64(align) - 1 - KB_SHIFT;
		if (k < ak)
			k = ak;
	}
	i = kb_take(b, k, &got);
	if (i != KB_NIL)
		kb_trim_back(b, i, got, i + n);
	return i;
}

static void *kb_alloc(void *priv, size_t size, size_t align)
{
	struct ka_buddy *b = priv;
	u64 n;
	u32 s;

	if (!align)
		align = KA_MIN_ALIGN;
	ka_lock(&b->lock);
	if (unlikely(!size || size > ((u64)b->nunits << KB_SHIFT) ||
		     !ka_is_pow2(align)))
		goto fail;
	n = (size + KB_UNIT - 1) >> KB_SHIFT;
	if (likely(align <= b->arena_align))
		s = kb_take_aligned(b, n, align);
	else
		s = kb_take_overaligned(b, n, align);
	if (unlikely(s == KB_NIL))
		goto fail;
	b->state[s] = KB_USED;
	b->next[s] = n;
	b->prev[s] = (n << KB_SHIFT) - size;
	if (s + n > b->hiwater)
		b->hiwater = s + n;
	b->live++;
	b->requested += size;
	b->usable += n << KB_SHIFT;
	b->allocs++;
	ka_unlock(&b->lock);
	return b->arena + ((uintptr_t)s << KB_SHIFT);

fail:
	b->failed++;
	ka_unlock(&b->lock);
	return NULL;
}

/* Unit index of ptr if it is a unit boundary in the arena, else KB_NIL. */
static u32 kb_index(struct ka_buddy *b, const void *ptr)
{
	uintptr_t off = (uintptr_t)ptr - (uintptr_t)b->arena;

	if ((uintptr_t)ptr < (uintptr_t)b->arena ||
	    off >= ((uintptr_t)b->nunits << KB_SHIFT) ||
	    (off & (KB_UNIT - 1)))
		return KB_NIL;
	return off >> KB_SHIFT;
}

/* Does unit i lie inside a free block? Error path only: O(orders). */
static bool kb_in_free(struct ka_buddy *b, u32 i)
{
	u32 k, j;
	u8 st;

	for (k = 0; k < KB_ORDERS; k++) {
		j = ((i + b->vbase) & ~((1U << k) - 1)) - b->vbase;
		if (j >= b->nunits)
			break;
		st = b->state[j];
		if ((st & KB_FREE) && (st & KB_ORDER_MASK) >= k)
			return true;
	}
	return false;
}

/* Called with the lock held: classify a refused free and count it. */
static int kb_bad_free(struct ka_buddy *b, const void *ptr, u32 i)
{
	int err = -EINVAL;

	if (i != KB_NIL && kb_in_free(b, i))
		err = -EALREADY;
	b->bad_frees++;
	ka_warn("buddy: %s free of %p\n",
		err == -EALREADY ? "double" : "wild", ptr);
	return err;
}

static int kb_free(void *priv, void *ptr)
{
	struct ka_buddy *b = priv;
	u32 i = kb_index(b, ptr), n;
	int err;

	ka_lock(&b->lock);
	if (unlikely(i == KB_NIL || b->state[i] != KB_USED)) {
		err = kb_bad_free(b, ptr, i);
		ka_unlock(&b->lock);
		return err;
	}
	n = b->next[i];
	b->live--;
	b->requested -= ((u64)n << KB_SHIFT) - b->prev[i];
	b->usable -= (u64)n << KB_SHIFT;
	b->frees++;
	b->state[i] = KB_INNER;
	kb_free_span(b, i, i + n);
	ka_unlock(&b->lock);
	return 0;
}

static size_t kb_usable_size(void *priv, const void *ptr)
{
	struct ka_buddy *b = priv;
	u32 i = kb_index(b, ptr);
	size_t ret = 0;

	if (i == KB_NIL)
		return 0;
	ka_lock(&b->lock);
	if (b->state[i] == KB_USED)
		ret = (size_t)b->next[i] << KB_SHIFT;
	ka_unlock(&b->lock);
	return ret;
}

static void kb_stats(void *priv, struct ka_stats *st)
{
	struct ka_buddy *b = priv;

	ka_lock(&b->lock);
	st->region_bytes = b->len;
	st->meta_bytes = b->arena - b->base;
	st->live_blocks = b->live;
	st->requested_bytes = b->requested;
	st->usable_bytes = b->usable;
	/* The side arrays are fixed cost, reported in meta_bytes. */
	st->footprint_bytes = b->hiwater << KB_SHIFT;
	st->free_bytes = b->free_units << KB_SHIFT;
	st->largest_free = b->bitmap ?
		(u64)KB_UNIT << (ka_fls64(b->bitmap) - 1) : 0;
	st->allocs = b->allocs;
	st->frees = b->frees;
	st->failed_allocs = b->failed;
	st->bad_frees = b->bad_frees;
	ka_unlock(&b->lock);
}

/* What a walk of the state array finds; compared with lists and stats. */
struct kb_census {
	u32 blocks[KB_ORDERS];
	u64 free_units;
	u64 live;
	u64 requested;
	u64 usable;
	u64 end;
};

static bool kb_inner_only(struct ka_buddy *b, u32 i, u64 n)
{
	u64 j;

	for (j = 1; j < n; j++)
		if (b->state[i + j] != KB_INNER)
			return false;
	return true;
}

/* Checks the free block at i; returns its length in units or 0. */
static u64 kb_check_free(struct ka_buddy *b, u32 i, struct kb_census *c)
{
	u32 k = b->state[i] & KB_ORDER_MASK, bud;
	u64 n = 1ULL << (k < KB_ORDERS ? k : 0);

	if (k >= KB_ORDERS || ((i + b->vbase) & (n - 1)) ||
	    i + n > b->nunits || !kb_inner_only(b, i, n)) {
		ka_warn("buddy: check: bad free block %u order %u\n", i, k);
		return 0;
	}
	bud = ((i + b->vbase) ^ (u32)n) - b->vbase;
	if ((u64)bud + n <= b->nunits && b->state[bud] == (KB_FREE | k)) {
		ka_warn("buddy: check: free buddies %u/%u not merged\n", i, bud);
		return 0;
	}
	c->blocks[k]++;
	c->free_units += n;
	return n;
}

/* Checks the live span at i; returns its length in units or 0. */
static u64 kb_check_used(struct ka_buddy *b, u32 i, struct kb_census *c)
{
	u64 n = b->next[i];

	if (!n || i + n > b->nunits || b->prev[i] >= n << KB_SHIFT ||
	    !kb_inner_only(b, i, n)) {
		ka_warn("buddy: check: bad live span at %u\n", i);
		return 0;
	}
	c->live++;
	c->usable += n << KB_SHIFT;
	c->requested += (n << KB_SHIFT) - b->prev[i];
	c->end = i + n;
	return n;
}

static int kb_check_units(struct ka_buddy *b, struct kb_census *c)
{
	u64 i = 0, n;

	while (i < b->nunits) {
		if (b->state[i] & KB_FREE)
			n = kb_check_free(b, i, c);
		else if (b->state[i] == KB_USED)
			n = kb_check_used(b, i, c);
		else
			n = 0;
		if (!n) {
			ka_warn("buddy: check: unit %llu is no block\n",
				(unsigned long long)i);
			return -EFAULT;
		}
		i += n;
	}
	return 0;
}

static int kb_check_list(struct ka_buddy *b, u32 k, u32 expect)
{
	u32 i = b->head[k], prev = KB_NIL, cnt = 0;

	while (i != KB_NIL) {
		if (i >= b->nunits || b->state[i] != (KB_FREE | k) ||
		    b->prev[i] != prev || ++cnt > expect) {
			ka_warn("buddy: check: free list %u broken at %u\n",
				k, i);
			return -EFAULT;
		}
		prev = i;
		i = b->next[i];
	}
	if (cnt != expect || !!(b->bitmap & (1ULL << k)) != !!cnt) {
		ka_warn("buddy: check: order %u: list %u, blocks %u, bit %d\n",
			k, cnt, expect, !!(b->bitmap & (1ULL << k)));
		return -EFAULT;
	}
	return 0;
}

static int kb_check_locked(struct ka_buddy *b)
{
	struct kb_census c;
	u32 k;

	ka_memset(&c, 0, sizeof(c));
	if (kb_check_units(b, &c))
		return -EFAULT;
	for (k = 0; k < KB_ORDERS; k++)
		if (kb_check_list(b, k, c.blocks[k]))
			return -EFAULT;
	if (c.free_units != b->free_units || c.live != b->live ||
	    c.requested != b->requested || c.usable != b->usable ||
	    c.end > b->hiwater || b->allocs - b->frees != b->live) {
		ka_warn("buddy: check: accounting does not add up\n");
		return -EFAULT;
	}
	return 0;
}

static int kb_check(void *priv)
{
	struct ka_buddy *b = priv;
	int ret;

	ka_lock(&b->lock);
	ret = kb_check_locked(b);
	ka_unlock(&b->lock);
	return ret;
}

/* Lays out the side arrays and the arena; 0 or -EINVAL if too small. */
static int kb_layout(struct ka_buddy *b)
{
	uintptr_t start = ka_align_up((uintptr_t)b->base, 8);
	uintptr_t end = (uintptr_t)b->base + b->len;
	uintptr_t align = b->len >= 16 * KB_ARENA_ALIGN ? KB_ARENA_ALIGN : KB_UNIT;
	uintptr_t virt0;
	u64 n;

	if (end < start + align + KB_UNIT + 9)
		return -EINVAL;
	/* Each unit costs 64 bytes of arena plus 9 of side arrays. */
	n = (end - start - align) / (KB_UNIT + 9);
	if (n > KB_MAX_UNITS)
		n = KB_MAX_UNITS;
	b->next = (u32 *)start;
	b->prev = b->next + n;
	b->state = (u8 *)(b->prev + n);
	b->arena = (u8 *)ka_align_up((uintptr_t)(b->state + n), align);
	if ((uintptr_t)b->arena + (n << KB_SHIFT) > end)
		n = (end - (uintptr_t)b->arena) >> KB_SHIFT;
	if (!n)
		return -EINVAL;
	/*
	 * Number units from vbase instead of 0, with vbase + n just below a
	 * power of two: the region then splits into the small blocks at the
	 * bottom and ever larger ones above. Small requests, which take the
	 * smallest fitting block, stay low instead of landing in the small
	 * remainder blocks at the very top and the footprint tracks demand.
	 * vbase keeps virtual unit 0 as aligned as the arena start; the
	 * few units rounding it up costs are dropped from the top so that
	 * the top stays the end of the largest block.
	 */
	b->vbase = ka_align_up((1ULL << kb_order(n)) - n, align >> KB_SHIFT);
	n = (1ULL << kb_order(n)) - b->vbase;
	b->nunits = n;
	virt0 = (uintptr_t)b->arena - ((uintptr_t)b->vbase << KB_SHIFT);
	b->arena_align = virt0 & -virt0;
	return 0;
}

static int kb_init(void *priv, void *base, size_t len)
{
	struct ka_buddy *b = priv;
	u32 k;

	ka_memset(b, 0, sizeof(*b));
	if (!base || (uintptr_t)base + len < (uintptr_t)base)
		return -EINVAL;
	b->base = base;
	b->len = len;
	if (kb_layout(b))
		return -EINVAL;
	ka_memset(b->state, 0, b->nunits);
	for (k = 0; k < KB_ORDERS; k++)
		b->head[k] = KB_NIL;
	kb_free_span(b, 0, b->nunits);
	ka_lock_init(&b->lock);
	return 0;
}

static void kb_fini(void *priv)
{
	struct ka_buddy *b = priv;

	ka_lock_destroy(&b->lock);
	ka_memset(b, 0, sizeof(*b));
}

const struct ka_policy_ops ka_buddy_ops = {
	.name		= "buddy",
	.priv_size	= sizeof(struct ka_buddy),
	.init		= kb_init,
	.fini		= kb_fini,
	.alloc		= kb_alloc,
	.free		= kb_free,
	.usable_size	= kb_usable_size,
	.stats		= kb_stats,
	.check		= kb_check,
};
