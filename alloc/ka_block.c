// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The cold half of the boundary-tag layer in ka_block.h:
 * laying out a region, refusing bad frees, stats and the physical walk
 * that check() of every fit policy starts with.
 *
 * The hot helpers are inline in ka_block.h; nothing here runs on the
 * alloc/free fast path except ka_heap_bad_free(), which only runs for a
 * pointer the in-use bitmap already refused.
 */
#include "ka_block.h"

/*
 * The block area takes 64 of every 65 bytes, the in-use bitmap (1 bit per
 * 8 bytes) the 65th; 16 bytes go to the sentinel and bitmap rounding.
 * Regions are clamped to what a 40-bit size field describes.
 */
int ka_heap_init(struct ka_heap *h, void *base, size_t len, u64 min_block,
		 struct ka_blk **first)
{
	uintptr_t lo = (uintptr_t)base;
	uintptr_t hi, avail, area, map;

	if (!base || len > (uintptr_t)-1 - lo)
		return -EINVAL;
	hi = (lo + len) & ~(uintptr_t)7;
	lo = ka_align_up(lo, KA_MIN_ALIGN);
	if (hi <= lo)
		return -EINVAL;
	avail = hi - lo;
	if (avail > KA_SIZE_MASK)
		avail = KA_SIZE_MASK;
	if (avail < 16 + 2 * min_block)
		return -EINVAL;
	area = ((avail - 16) / 65 * 64) & ~(uintptr_t)7;
	map = ((area >> 3) + 63) / 64 * 8;

	ka_memset(h, 0, sizeof(*h));
	ka_lock_init(&h->lock);
	h->start = lo;
	h->end = lo + area;
	h->span = area - KA_HDR_SIZE;
	h->inuse = (u64 *)(h->end + KA_HDR_SIZE);
	ka_memset(h->inuse, 0, map);
	h->top = lo;
	h->min_block = min_block;
	h->region_bytes = len;
	h->meta_bytes = len - area;

	ka_blk_at(h->end)->hdr = KA_MAGIC;
	*first = ka_blk_at(lo);
	ka_blk_set_free(*first, area);
	return 0;
}

void ka_heap_fini(struct ka_heap *h)
{
	ka_lock_destroy(&h->lock);
}

/*
 * Refuse a free the bitmap did not vouch for. A pointer inside the area
 * whose header still reads free with a good magic was freed before
 * (possibly coalesced away since): -EALREADY; anything else -EINVAL.
 */
int ka_heap_bad_free(struct ka_heap *h, const char *policy, const void *ptr)
{
	uintptr_t p = (uintptr_t)ptr;
	int err = -EINVAL;

	if (!(p & 7) && p > h->start && p < h->end) {
		const struct ka_blk *b = ka_blk_of(ptr);

		if (ka_blk_magic_ok(b) && ka_blk_is_free(b))
			err = -EALREADY;
	}
	h->bad_frees++;
	ka_warn("%s: %s free of %p refused\n", policy,
		err == -EALREADY ? "double" : "invalid", ptr);
	return err;
}

/*
 * usable_size() of every boundary-tag policy: the policy's private state
 * starts with its struct ka_heap, so their ops tables point here.
 */
size_t ka_heap_usable_size(struct ka_heap *h, const void *ptr)
{
	struct ka_blk *b;
	size_t n = 0;

	ka_lock(&h->lock);
	b = ka_heap_live(h, ptr);
	if (b)
		n = ka_blk_size(b) - KA_HDR_SIZE;
	ka_unlock(&h->lock);
	return n;
}

void ka_heap_stats(struct ka_heap *h, struct ka_stats *st)
{
	ka_memset(st, 0, sizeof(*st));
	st->region_bytes = h->region_bytes;
	st->meta_bytes = h->meta_bytes;
	st->live_blocks = ka_heap_live_blocks(h);
	st->requested_bytes = h->requested_bytes;
	st->usable_bytes = h->usable_bytes;
	st->footprint_bytes = h->top - h->start;
	st->free_bytes = ka_heap_free_bytes(h);
	st->allocs = h->allocs;
	st->frees = h->frees;
	st->failed_allocs = h->failed_allocs;
	st->bad_frees = h->bad_frees;
}

static int heap_fail(const char *policy, const char *what, uintptr_t at)
{
	ka_warn("%s: check: %s at %p\n", policy, what, (void *)at);
	return -EFAULT;
}

/* Sums the physical walk collects, compared with the counters after. */
struct heap_sums {
	u64 live;
	u64 usable;
	u64 requested;
	u64 free_bytes;
	u64 free_blocks;
};

/* One block of the physical walk; prev_free is the predecessor's F. */
static const char *heap_check_blk(struct ka_heap *h, const struct ka_blk *b,
				  bool prev_free, struct heap_sums *s)
{
	uintptr_t a = (uintptr_t)b;
	u64 size = ka_blk_size(b);
	bool live;

	if (!ka_blk_magic_ok(b))
		return "bad header magic";
	if (size < h->min_block || size > h->end - a)
		return "block size out of range";
	live = ka_heap_marked(h, ka_blk_payload(b));
	if (ka_blk_prev_is_free(b) != prev_free)
		return "predecessor-free flag wrong";
	if (!ka_blk_is_free(b)) {
		if (!live)
			return "used block missing from in-use bitmap";
		if (ka_blk_slack(b) > size - KA_HDR_SIZE)
			return "slack larger than the block";
		s->live++;
		s->usable += size - KA_HDR_SIZE;
		s->requested += size - KA_HDR_SIZE - ka_blk_slack(b);
		return NULL;
	}
	if (prev_free)
		return "two adjacent free blocks (coalescing incomplete)";
	if (*ka_blk_footer(b) != b->hdr)
		return "free block footer differs from header";
	if (live || ka_blk_slack(b))
		return "free block marked live";
	s->free_blocks++;
	s->free_bytes += size;
	return NULL;
}

static u64 heap_popcount(const struct ka_heap *h)
{
	u64 words = (((h->end - h->start) >> 3) + 63) / 64;
	u64 i, n = 0;

	for (i = 0; i < words; i++) {
		u64 w = h->inuse[i];

		while (w) {
			w &= w - 1;
			n++;
		}
	}
	return n;
}

static const char *heap_check_sums(struct ka_heap *h,
				   const struct heap_sums *s)
{
	if (s->live != ka_heap_live_blocks(h) || heap_popcount(h) != s->live)
		return "live block count differs from bitmap or counter";
	if (s->usable != h->usable_bytes)
		return "usable byte sum differs from counter";
	if (s->requested != h->requested_bytes)
		return "requested byte sum differs from counter";
	if (s->free_bytes != ka_heap_free_bytes(h))
		return "free byte sum differs from counter";
	if (h->top < h->start || h->top > h->end)
		return "footprint top outside the area";
	return NULL;
}

/*
 * Walk every block from start to the sentinel: magic, sizes that tile the
 * area exactly, P flags, footers, no two adjacent free blocks, bitmap bits
 * exactly on live payloads, and the counters. Stores the number of free
 * blocks for the policy to compare with its own free structure.
 */
int ka_heap_check(struct ka_heap *h, const char *policy, u64 *free_blocks)
{
	struct heap_sums s = { 0 };
	uintptr_t a = h->start;
	bool prev_free = false;
	const char *err;

	while (a < h->end) {
		const struct ka_blk *b = ka_blk_at(a);

		err = heap_check_blk(h, b, prev_free, &s);
		if (err)
			return heap_fail(policy, err, a);
		prev_free = ka_blk_is_free(b);
		a += ka_blk_size(b);
	}
	if (a != h->end || ka_blk_at(a)->hdr !=
	    (KA_MAGIC | (prev_free ? KA_F_PREV_FREE : 0)))
		return heap_fail(policy, "sentinel damaged", a);
	err = heap_check_sums(h, &s);
	if (err)
		return heap_fail(policy, err, h->start);
	*free_blocks = s.free_blocks;
	return 0;
}
