/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Boundary-tagged blocks shared by the fit policies
 * (first-fit, best-fit and TLSF).
 *
 * A region after init() looks like this:
 *
 *   base   start                                  end
 *   | pad | blk | blk | ... | blk | sentinel hdr | in-use bitmap | pad |
 *
 * Every block starts with one 64-bit header, the only per-block cost of
 * a live block:
 *
 *   63     48 47    40 39                 3 2 1 0
 *   | magic  | slack  |   block size      |0|P|F|
 *
 * F means the block is free, P that its physical predecessor is free.
 * The size counts the header and is a multiple of 8, so every payload
 * (header + 8) is 8-byte aligned. slack is usable minus requested bytes:
 * free() keeps stats.requested_bytes exact without a second header word.
 * A free block repeats its header in its last word (the footer): that is
 * how free() finds a free predecessor in O(1) to coalesce with. Free
 * blocks keep the policy's list or tree node in their payload, so the
 * minimum block size is the policy's node size plus the footer.
 *
 * The sentinel is a used header of size 0 at end: walking to the next
 * neighbour never needs a bounds check.
 *
 * Headers live in band, so a wild pointer may point at user data that
 * happens to look like a header. The in-use bitmap, one bit per 8-byte
 * word of the block area and kept after the sentinel, says exactly which
 * addresses are payloads handed out and not yet freed. free() consults it
 * before it trusts any header, so neither a wild nor a double free can
 * make the policy read user data as metadata. The magic catches a header
 * that a buffer underflow overwrote.
 *
 * Stats: footprint_bytes is the highest block end ever handed out minus
 * start, headers included, so fragmentation = footprint / requested - 1
 * counts headers and rounding (internal) and holes below the high-water
 * mark (external). meta_bytes is everything of the region outside the
 * block area: alignment padding, the sentinel and the bitmap (1/65).
 */
#ifndef KA_BLOCK_H
#define KA_BLOCK_H

#include "ka_policy.h"

#define KA_HDR_SIZE	8ULL
#define KA_F_FREE	1ULL
#define KA_F_PREV_FREE	2ULL
#define KA_SIZE_BITS	40
#define KA_SIZE_MASK	(((1ULL << KA_SIZE_BITS) - 1) & ~7ULL)
#define KA_SLACK_SHIFT	40
#define KA_SLACK_MASK	0xffULL
#define KA_MAGIC_SHIFT	48
#define KA_MAGIC	(0xa11cULL << KA_MAGIC_SHIFT)
/* Larger sizes or alignments fail before any arithmetic can overflow. */
#define KA_MAX_REQ	0x2000000000ULL	/* 2^37 */

struct ka_blk {
	u64 hdr;
};

/* State every fit policy shares: the block area and the counters. */
struct ka_heap {
	struct ka_lock lock;
	uintptr_t start;	/* first block header */
	uintptr_t end;		/* sentinel header */
	uintptr_t span;		/* end - start - 8: payload offsets below */
	u64 *inuse;		/* bit (payload - start) / 8: live payload */
	uintptr_t top;		/* highest block end ever handed out */
	u64 min_block;
	u64 region_bytes;
	u64 meta_bytes;
	/*
	 * Only what the hot paths cannot derive: live blocks are
	 * allocs - frees, free bytes the area minus live blocks.
	 */
	u64 requested_bytes;
	u64 usable_bytes;
	u64 allocs;
	u64 frees;
	u64 failed_allocs;
	u64 bad_frees;
};

static inline u64 ka_blk_size(const struct ka_blk *b)
{
	return b->hdr & KA_SIZE_MASK;
}

static inline bool ka_blk_is_free(const struct ka_blk *b)
{
	return b->hdr & KA_F_FREE;
}

static inline bool ka_blk_prev_is_free(const struct ka_blk *b)
{
	return b->hdr & KA_F_PREV_FREE;
}

#define KA_MAGIC_MASK	(~((1ULL << KA_MAGIC_SHIFT) - 1))

static inline bool ka_blk_magic_ok(const struct ka_blk *b)
{
	return (b->hdr & KA_MAGIC_MASK) == KA_MAGIC;
}

/* A good header of a used block, in one compare. */
static inline bool ka_blk_used_ok(const struct ka_blk *b)
{
	return (b->hdr & (KA_MAGIC_MASK | KA_F_FREE)) == KA_MAGIC;
}

static inline u64 ka_blk_slack(const struct ka_blk *b)
{
	return (b->hdr >> KA_SLACK_SHIFT) & KA_SLACK_MASK;
}

static inline struct ka_blk *ka_blk_at(uintptr_t addr)
{
	return (struct ka_blk *)addr;
}

static inline struct ka_blk *ka_blk_next(const struct ka_blk *b)
{
	return ka_blk_at((uintptr_t)b + ka_blk_size(b));
}

static inline u64 *ka_blk_footer(const struct ka_blk *b)
{
	return (u64 *)((uintptr_t)b + ka_blk_size(b) - KA_HDR_SIZE);
}

/* Only valid when ka_blk_prev_is_free(b): a used block has no footer. */
static inline struct ka_blk *ka_blk_prev(const struct ka_blk *b)
{
	u64 foot = *((const u64 *)b - 1);

	return ka_blk_at((uintptr_t)b - (foot & KA_SIZE_MASK));
}

static inline void *ka_blk_payload(const struct ka_blk *b)
{
	return (void *)((uintptr_t)b + KA_HDR_SIZE);
}

static inline struct ka_blk *ka_blk_of(const void *payload)
{
	return ka_blk_at((uintptr_t)payload - KA_HDR_SIZE);
}

/*
 * Make [b, b + size) one free block. Its predecessor is never free here
 * (coalescing is immediate), so P is clear; the successor learns that
 * its predecessor is free now.
 */
static inline void ka_blk_set_free(struct ka_blk *b, u64 size)
{
	u64 hdr = KA_MAGIC | size | KA_F_FREE;

	b->hdr = hdr;
	*ka_blk_footer(b) = hdr;
	ka_blk_next(b)->hdr |= KA_F_PREV_FREE;
}

/*
 * Header and footer of free block [b, b + size) only: its successor's P
 * is already set (a split of a free block leaves the successor it had).
 * The successor's header is often a cache line nobody has touched for a
 * while; a read-modify-write of it stalls where a plain store would not.
 */
static inline void ka_blk_write_free(struct ka_blk *b, u64 size)
{
	u64 hdr = KA_MAGIC | size | KA_F_FREE;

	b->hdr = hdr;
	*ka_blk_footer(b) = hdr;
}

/* The header of used block b, its successor left as it is. */
static inline void ka_blk_write_used(struct ka_blk *b, u64 size, u64 slack,
				     u64 prev_free)
{
	b->hdr = KA_MAGIC | slack << KA_SLACK_SHIFT | size | prev_free;
}

static inline void ka_blk_set_used(struct ka_blk *b, u64 size, u64 slack,
				   u64 prev_free)
{
	b->hdr = KA_MAGIC | slack << KA_SLACK_SHIFT | size | prev_free;
	ka_blk_next(b)->hdr &= ~KA_F_PREV_FREE;
}

/* Word index of a payload in the in-use bitmap. */
static inline u64 ka_heap_bit(const struct ka_heap *h, const void *payload)
{
	return ((uintptr_t)payload - h->start) >> 3;
}

static inline void ka_heap_mark(struct ka_heap *h, const void *payload)
{
	u64 i = ka_heap_bit(h, payload);

	h->inuse[i >> 6] |= 1ULL << (i & 63);
}

static inline void ka_heap_unmark(struct ka_heap *h, const void *payload)
{
	u64 i = ka_heap_bit(h, payload);

	h->inuse[i >> 6] &= ~(1ULL << (i & 63));
}

static inline bool ka_heap_marked(const struct ka_heap *h, const void *payload)
{
	u64 i = ka_heap_bit(h, payload);

	return h->inuse[i >> 6] >> (i & 63) & 1;
}

/*
 * The block holding the live payload ptr, or NULL if ptr is not a payload
 * this heap handed out and has not taken back. Reads no header before
 * the bitmap vouched for it.
 */
static inline struct ka_blk *ka_heap_live(const struct ka_heap *h,
					  const void *ptr)
{
	uintptr_t p = (uintptr_t)ptr;
	struct ka_blk *b;

	/* One compare for start < p < end: the offset wraps below start. */
	if (unlikely((p & 7) || p - h->start - KA_HDR_SIZE >= h->span))
		return NULL;
	if (unlikely(!ka_heap_marked(h, ptr)))
		return NULL;
	b = ka_blk_of(ptr);
	if (unlikely(!ka_blk_used_ok(b)))
		return NULL;
	return b;
}

/*
 * Block size for a request of size bytes, or 0 if the request can never
 * be met. size - 1 wraps for size 0, so one compare rejects 0 and
 * anything big enough to overflow the header and rounding arithmetic.
 */
static inline u64 ka_blk_need(size_t size, u64 min_block)
{
	u64 need;

	if (unlikely((u64)size - 1 >= KA_MAX_REQ))
		return 0;
	need = ((u64)size + KA_HDR_SIZE + 7) & ~7ULL;
	return need < min_block ? min_block : need;
}

/*
 * Block size to search for so that an align-aligned payload of need
 * block bytes fits after a leading free block of at least min_block
 * bytes; 0 for a bad alignment.
 */
static inline u64 ka_blk_want(u64 need, size_t align, u64 min_block)
{
	/* Bit a of 0x117 is set for a = 0, 1, 2, 4, 8. */
	if (likely(align <= KA_MIN_ALIGN))
		return (0x117U >> align) & 1 ? need : 0;
	if (unlikely(!ka_is_pow2(align) || align > KA_MAX_REQ))
		return 0;
	return need + align + min_block - KA_HDR_SIZE;
}

/*
 * Leading bytes of free block b to split off so that the payload after
 * them is align-aligned: 0 or at least min_block, never in between.
 */
static inline u64 ka_blk_gap(const struct ka_blk *b, size_t align,
			     u64 min_block)
{
	uintptr_t p = (uintptr_t)ka_blk_payload(b);

	if (likely(align <= KA_MIN_ALIGN || !(p & (align - 1))))
		return 0;
	return ka_align_up(p + min_block, align) - p;
}

/*
 * Give the front need bytes of free block b (already off its free
 * structure) to a request of req bytes; prev_free is b's P flag. Returns
 * the rest as a free block for the caller to file, or NULL if the rest
 * is too small to be a block and stays with the allocation.
 */
static inline struct ka_blk *ka_blk_split(struct ka_blk *b, u64 need,
					  size_t req, u64 min_block,
					  u64 prev_free)
{
	u64 size = ka_blk_size(b);
	struct ka_blk *rem;

	if (size - need < min_block) {
		ka_blk_set_used(b, size, size - KA_HDR_SIZE - req, prev_free);
		return NULL;
	}
	/*
	 * b was free, so its successor's P is set already and stays right
	 * for rem; rem's own header says its predecessor is used.
	 */
	rem = ka_blk_at((uintptr_t)b + need);
	ka_blk_write_free(rem, size - need);
	ka_blk_write_used(b, need, need - KA_HDR_SIZE - req, prev_free);
	return rem;
}

/*
 * Carve an allocation of need bytes for a request of req bytes (payload
 * aligned to align) out of free block b, which the caller already took
 * off its free structure. Leading and trailing leftovers become free
 * blocks the caller must put on its free structure (*gap, *rem; NULL if
 * none). Returns the block.
 */
static inline struct ka_blk *ka_blk_carve(struct ka_blk *b, u64 need,
					  size_t req, size_t align,
					  u64 min_block, struct ka_blk **gap,
					  struct ka_blk **rem)
{
	u64 g = ka_blk_gap(b, align, min_block);
	u64 prev_free = 0;

	*gap = NULL;
	if (unlikely(g)) {
		u64 size = ka_blk_size(b);

		ka_blk_set_free(b, g);
		*gap = b;
		b = ka_blk_at((uintptr_t)b + g);
		b->hdr = size - g;
		prev_free = KA_F_PREV_FREE;
	}
	*rem = ka_blk_split(b, need, req, min_block, prev_free);
	return b;
}

/*
 * Account a block handed out for a request of size bytes; its header
 * already carries the slack.
 */
static inline void *ka_heap_note_alloc(struct ka_heap *h, struct ka_blk *b,
				       size_t size)
{
	u64 bsize = ka_blk_size(b);
	uintptr_t end = (uintptr_t)b + bsize;
	void *p = ka_blk_payload(b);

	ka_heap_mark(h, p);
	if (end > h->top)
		h->top = end;
	h->allocs++;
	h->requested_bytes += size;
	h->usable_bytes += bsize - KA_HDR_SIZE;
	return p;
}

/* Account a block given back; the caller coalesces it. */
static inline void ka_heap_note_free(struct ka_heap *h, struct ka_blk *b)
{
	u64 usable = ka_blk_size(b) - KA_HDR_SIZE;

	ka_heap_unmark(h, ka_blk_payload(b));
	h->frees++;
	h->requested_bytes -= usable - ka_blk_slack(b);
	h->usable_bytes -= usable;
}

/*
 * b is being merged into its free predecessor, so its header becomes
 * stale payload. Marking it free lets a later double free of b be told
 * apart from a wild one (ka_heap_bad_free()).
 */
static inline void ka_blk_mark_stale(struct ka_blk *b)
{
	b->hdr |= KA_F_FREE;
}

static inline u64 ka_heap_live_blocks(const struct ka_heap *h)
{
	return h->allocs - h->frees;
}

static inline u64 ka_heap_free_bytes(const struct ka_heap *h)
{
	return h->end - h->start - h->usable_bytes -
	       KA_HDR_SIZE * ka_heap_live_blocks(h);
}

int ka_heap_init(struct ka_heap *h, void *base, size_t len, u64 min_block,
		 struct ka_blk **first);
void ka_heap_fini(struct ka_heap *h);
int ka_heap_bad_free(struct ka_heap *h, const char *policy, const void *ptr);
size_t ka_heap_usable_size(struct ka_heap *h, const void *ptr);
void ka_heap_stats(struct ka_heap *h, struct ka_stats *st);
int ka_heap_check(struct ka_heap *h, const char *policy, u64 *free_blocks);

#endif /* KA_BLOCK_H */
