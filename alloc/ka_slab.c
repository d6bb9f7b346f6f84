// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ka_slab.c - size-class slab allocator with per-CPU/per-thread magazines.
 *
 * Layers, from the fast path down:
 *
 * 1. Magazines. Every CPU (kernel) or thread (userspace) has, per size
 *    class, a magazine of up to KS_MAG free objects (ka_pcpu_get()),
 *    fewer for big objects (about KS_MAG_BYTES worth, at least
 *    KS_MAG_MIN): free objects cached per class are memory no other
 *    class can use, and a magazine that random-walks between empty and
 *    full still goes ~(limit / 2)^2 operations between depot visits,
 *    each stored with its index in its page. alloc pops one, free pushes
 *    one: no lock and no division; free's one atomic, the claim of the
 *    object's state, is explained below. The class comes from a byte
 *    table indexed by (size + 7) / 8. The magazine also holds its
 *    class's counters, so the fast path writes one cache-local struct
 *    and the object's state u16, nothing else.
 * 2. The depot: per class, under the class lock, the slab pages that
 *    still have objects to give ("partial" list). An empty magazine is
 *    refilled with half a magazine from it, a full one gives half
 *    back. Pages are carved lazily: a page taken from the pool starts
 *    with no object carved and hands out objects in address order, so
 *    taking a page costs O(1) and touches no object state.
 * 3. The page pool: the region is cut into naturally aligned pages of
 *    KS_PAGE bytes (smaller for small regions) with a bitmap of the free
 *    ones. Pages are taken lowest address first, which keeps the
 *    footprint low. A class gives a page back the moment all of its
 *    carved objects are back in the depot: no class hoards empty pages.
 *    When the pool runs dry, alloc flushes the caller's magazines (the
 *    objects they pin may be all that keeps pages from the pool) and
 *    tries again once.
 * 4. Large objects. Sizes above the largest class, and alignments no
 *    class can honour, are served under the pool lock in one of two
 *    ways. A block of fewer than KS_UNITS units (a unit is 1/16 page,
 *    4 KiB with 64 KiB pages) takes a run of units inside a KS_SUB page:
 *    pages with free units sit on unit_list[k], k their longest free
 *    run, and a request of n units takes the first page of the first
 *    non-empty list from k = n up (best fit over pages); a used-unit
 *    u16 in the page descriptor and the bytes asked for per unit
 *    (ureq[], beside the descriptors) describe the runs, and an empty
 *    KS_SUB page goes back to the pool at once. Bigger blocks take a
 *    run of whole pages (lowest fitting run first; a bitmap walk over
 *    free and used stretches), its size and the bytes asked for in the
 *    page descriptor of its first page. Whole pages for every large
 *    block wasted most of a page on 4-64 KiB buffers: fragmentation was
 *    78% on the kernel mix (62% internal) and 254% on fragstress, with
 *    units 27% and 34% (docs/benchmarks.md).
 *
 * The fast paths, ks_alloc() and ks_free(), call nothing: the cache
 * comes from ka_pcpu_get_fast(), and everything else (an empty or full
 * magazine, a large block, a bad pointer) tail-calls a ka_noinline slow
 * path that starts over, so the compiler saves no registers for them.
 *
 * Lock order (ka_platform.h, rule 1):
 *
 *   1. the per-CPU cache (ka_pcpu_get()/ka_pcpu_put())
 *   2. a class's depot lock (struct ks_depot), one at a time
 *   3. the pool lock plock: pool bitmap, large blocks, KS_SUB pages and
 *      the counters of retired caches
 *
 * free() of a small object takes none of them on its fast path: it
 * claims the object's state u16 with ka_xchg16_zero(), so of two CPUs
 * freeing the same pointer exactly one proceeds and the other is told
 * -EALREADY.
 *
 * Object state lives outside the objects, at the end of each page: a
 * u16 per object holding the size that was asked for (0: free) and a
 * u16 stack of the indices of free objects the depot holds. The page
 * descriptor array at the start of the region says which class or run
 * owns each page. So a free of a pointer outside the pages, inside a
 * page nobody owns, not at an object start or not carved yet is
 * refused with -EINVAL, and a free of an object whose u16 is 0 (in a
 * magazine or in the depot) or of a large block already given back with
 * -EALREADY, before anything is written. The object index is
 * (offset * reciprocal) >> 32: no division.
 *
 * Classes: 8, 16, then steps of 16 up to 128 and eight classes per power
 * of two up to 8 KiB, so rounding wastes at most 1/8. Objects start at
 * page offset 0, so objects of a power-of-two class are naturally
 * aligned; alignment > 8 picks the first class whose size is a multiple
 * of the alignment.
 *
 * Counters are kept per magazine and summed by stats(); usable bytes are
 * live objects times the class size.
 *
 * Cache lines: with one instance shared by several CPUs, a line that one
 * CPU writes and another reads moves between them on every access. So
 * what every operation reads (the class table, lookup, region bounds) is
 * written by init only; the pool and its counters sit KS_LINE bytes
 * further on, and each class's lock and partial list have a line of their
 * own after the struct (priv_size includes them).
 */
#include "ka_policy.h"

#define KS_PAGE_SHIFT	16
#define KS_LINE		64		/* cache line bytes */
#define KS_MAG		32		/* objects per magazine */
#define KS_MAG_MIN	8
#define KS_MAG_SIZE	512		/* bytes of struct ks_mag */
#define KS_MAG_BYTES	(32 << 10)
#define KS_NCLASS	57
#define KS_MAX_SIZE	8192
#define KS_LOOKUP	(KS_MAX_SIZE / 8 + 1)
#define KS_NIL		0xffffffffU
#define KS_FREE		0xffff		/* page is in the pool */
#define KS_RUN		0xfffe		/* first page of a large block */
#define KS_TAIL		0xfffd		/* further page of a large block */
#define KS_SUB		0xfffc		/* page cut into KS_UNITS units */
#define KS_UNITS	16		/* units per page, bits of ks_pdesc.used */
#define KS_WAS_RUN	0xfffffffeU	/* pool page: a freed block began here */

struct ks_pdesc {
	u16 cls;		/* class, KS_FREE, KS_RUN, KS_TAIL or KS_SUB */
	u16 nfree;		/* entries on the page's free stack */
	u16 carved;		/* objects carved since the pool gave it */
	u16 scratch;		/* stats(): objects in the caller's magazines */
	u32 next;		/* partial or unit list; KS_RUN: pages in run */
	u32 prev;		/* partial or unit list; pool page: KS_WAS_RUN */
	u64 req;		/* KS_RUN: bytes asked for */
	u16 used;		/* KS_SUB: bit u set: unit u is in a live run */
	u16 pad[3];
};

/* A power of two, so the fast path indexes descriptors with a shift. */
static_assert(sizeof(struct ks_pdesc) == 32, "page descriptor size");
static_assert(KS_UNITS == 8 * sizeof(u16), "one used bit per unit");

/* Read-mostly: written by init only, read by every operation. */
struct ks_class {
	u32 size;
	u32 nobjs;		/* objects per page */
	u32 recip;		/* ceil(2^32 / size) */
	u32 req_off;		/* page offset of the u16 req[] array */
	u32 stk_off;		/* page offset of the u16 free stack */
	u32 mag_max;		/* magazine limit, even, <= KS_MAG */
};

/*
 * What refill and flush write, per class: a cache line of its own (see
 * struct ka_slab), padded to a whole number of lines.
 */
struct ks_depot {
	struct ka_lock lock;	/* partial list and its pages' stacks */
	u32 partial;		/* pages with objects to give */
	u8 pad[KS_LINE - (sizeof(struct ka_lock) + sizeof(u32)) % KS_LINE];
};

struct ks_count {
	u64 allocs;
	u64 frees;
	u64 req;		/* requested bytes handed out minus given back */
};

struct ks_mag {
	u32 n;
	struct ks_count cnt;
	void *obj[KS_MAG];
	u16 idx[KS_MAG];	/* obj[i]'s index in its page */
	u8 pad[KS_MAG_SIZE - 8 - sizeof(struct ks_count) -
	       KS_MAG * (sizeof(void *) + sizeof(u16))];
};

/* A power of two: the fast paths find a magazine with one shift. */
static_assert(sizeof(struct ks_mag) == KS_MAG_SIZE, "magazine size");

struct ks_cache {
	struct ks_mag mag[KS_NCLASS];
};

/*
 * The fields every operation reads come first and are never written
 * after init; what the slow paths write follows KS_LINE bytes later, and
 * the class depots live on their own lines behind the struct (ks_dep()),
 * so that a refill, flush or counter update on one CPU never takes away
 * a line another CPU's fast path is reading.
 */
struct ka_slab {
	struct ka_pcpu pc;
	u8 *area;		/* first page, aligned to the page size */
	uintptr_t page_mask;
	u32 shift;
	u32 max_size;
	u32 nclass;		/* usable classes with this page size */
	u32 npages;
	uintptr_t span;		/* npages << shift: bytes of the page area */
	u32 ushift;		/* unit size of a KS_SUB page: shift - 4 */
	struct ks_pdesc *pd;
	u32 *ureq;		/* KS_SUB: per unit, bytes of the run there */
	struct ks_depot *dep;	/* nclass lines after the struct */
	u64 *map;		/* bit set: page is in the pool */
	u8 *base;
	size_t len;
	u8 lookup[KS_LOOKUP];
	struct ks_class cls[KS_NCLASS];
	u8 gap[KS_LINE];	/* no line holds fields from both sides */
	/* Below: written by the slow paths. */
	struct ka_lock plock;	/* pool, large blocks, retired counters */
	u32 low;		/* no pool page below this one */
	u32 top;		/* highest page end ever handed out */
	u32 pages_used;
	struct ks_count retired[KS_NCLASS]; /* flushed caches, no cache */
	struct ks_count large;
	u64 large_pages;	/* pages of live large blocks */
	u64 large_units;	/* units of live runs in KS_SUB pages */
	/* KS_SUB pages by their longest free run, 1..KS_UNITS - 1 units */
	u32 unit_list[KS_UNITS];
	u64 failed;
	u64 bad_frees;
};

/* State plus depots; the slack lets ks_init() align the depots. */
#define KS_PRIV_SIZE	(sizeof(struct ka_slab) + KS_LINE + \
			 KS_NCLASS * sizeof(struct ks_depot))

/* Size of class i: 8, 16..128 by 16, then 8 steps per power of two. */
static u32 ks_class_size(u32 i)
{
	u32 k;

	if (i == 0)
		return 8;
	if (i <= 8)
		return 16 * i;
	k = (i - 9) / 8;
	return (128U << k) + ((i - 9) % 8 + 1) * (16U << k);
}

static inline u16 *ks_req(struct ks_class *c, uintptr_t page, u32 idx)
{
	return (u16 *)(page + c->req_off) + idx;
}

static inline u16 *ks_stk(struct ks_class *c, uintptr_t page)
{
	return (u16 *)(page + c->stk_off);
}

static inline uintptr_t ks_page_addr(struct ka_slab *s, u32 pg)
{
	return (uintptr_t)s->area + ((uintptr_t)pg << s->shift);
}

static inline u32 ks_page_of(struct ka_slab *s, const void *p)
{
	return ((uintptr_t)p - (uintptr_t)s->area) >> s->shift;
}

static inline u32 ks_index(struct ks_class *c, uintptr_t off)
{
	return (u32)(((u64)off * c->recip) >> 32);
}

/* ---- page pool: a bitmap of free pages, plock held ------------------- */

static inline bool ks_pool_has(struct ka_slab *s, u32 pg)
{
	return s->map[pg / 64] >> (pg % 64) & 1;
}

/* First page >= from that is free (want) or used (!want); npages if none. */
static u32 ks_map_next(struct ka_slab *s, u32 from, bool want)
{
	u32 w = from / 64, nw = (s->npages + 63) / 64;
	u64 bits;

	if (from >= s->npages)
		return s->npages;
	bits = (want ? s->map[w] : ~s->map[w]) & (~0ULL << (from % 64));
	while (!bits) {
		if (++w >= nw)
			return s->npages;
		bits = want ? s->map[w] : ~s->map[w];
	}
	from = w * 64 + ka_ffs64(bits) - 1;
	return from < s->npages ? from : s->npages;
}

static void ks_map_set(struct ka_slab *s, u32 pg, u32 n, bool free)
{
	for (; n; n--, pg++) {
		if (free)
			s->map[pg / 64] |= 1ULL << (pg % 64);
		else
			s->map[pg / 64] &= ~(1ULL << (pg % 64));
	}
}

/*
 * Lowest run of n free pages whose address is a multiple of align (a
 * power of two, at least the page size); KS_NIL if there is none. Each
 * round skips a whole free or used stretch.
 */
static u32 ks_pool_find(struct ka_slab *s, u32 n, size_t align)
{
	uintptr_t apg = align >> s->shift;
	uintptr_t first = (uintptr_t)s->area >> s->shift;
	u32 p = s->low, q;
	uintptr_t a;

	while (p < s->npages) {
		p = ks_map_next(s, p, true);
		if (p >= s->npages)
			break;
		q = ks_map_next(s, p, false);
		a = ka_align_up(first + p, apg) - first;
		if (a + n <= q)
			return a;
		p = q;
	}
	return KS_NIL;
}

/* Takes the lowest fitting run of n pages; KS_NIL if none. plock held. */
static u32 ks_pool_take(struct ka_slab *s, u32 n, size_t align)
{
	u32 pg = ks_pool_find(s, n, align);

	if (pg == KS_NIL)
		return KS_NIL;
	ks_map_set(s, pg, n, false);
	s->pages_used += n;
	if (pg + n > s->top)
		s->top = pg + n;
	if (pg == s->low)
		s->low = ks_map_next(s, pg, true);
	return pg;
}

static void ks_pool_give(struct ka_slab *s, u32 pg, u32 n)
{
	ks_map_set(s, pg, n, true);
	s->pages_used -= n;
	if (pg < s->low)
		s->low = pg;
}

/* ---- depot: class lock held ------------------------------------------ */

static void ks_list_add(struct ka_slab *s, u32 *head, u32 pg)
{
	s->pd[pg].next = *head;
	s->pd[pg].prev = KS_NIL;
	if (*head != KS_NIL)
		s->pd[*head].prev = pg;
	*head = pg;
}

static void ks_list_del(struct ka_slab *s, u32 *head, u32 pg)
{
	struct ks_pdesc *d = &s->pd[pg];

	if (d->prev != KS_NIL)
		s->pd[d->prev].next = d->next;
	else
		*head = d->next;
	if (d->next != KS_NIL)
		s->pd[d->next].prev = d->prev;
}

static inline bool ks_page_full(struct ks_class *c, struct ks_pdesc *d)
{
	return !d->nfree && d->carved == c->nobjs;
}

/* A page with objects to give for class ci, or KS_NIL. */
static u32 ks_depot_page(struct ka_slab *s, u32 ci)
{
	struct ks_depot *dp = &s->dep[ci];
	struct ks_pdesc *d;
	u32 pg = dp->partial;

	if (pg != KS_NIL)
		return pg;
	ka_lock(&s->plock);
	pg = ks_pool_take(s, 1, 1UL << s->shift);
	ka_unlock(&s->plock);
	if (pg == KS_NIL)
		return KS_NIL;
	d = &s->pd[pg];
	d->cls = ci;
	d->nfree = 0;
	ka_write_once(d->carved, 0);
	ks_list_add(s, &dp->partial, pg);
	return pg;
}

static inline void ks_mag_push(struct ks_mag *m, uintptr_t obj, u32 idx)
{
	m->obj[m->n] = (void *)obj;
	m->idx[m->n++] = idx;
}

/* Fills magazine m of class ci half way. */
static void ks_refill(struct ka_slab *s, u32 ci, struct ks_mag *m)
{
	struct ks_class *c = &s->cls[ci];
	u32 pg, idx, want = c->mag_max / 2;
	struct ks_pdesc *d;
	uintptr_t page;
	u16 *stk;

	ka_lock(&s->dep[ci].lock);
	while (m->n < want) {
		pg = ks_depot_page(s, ci);
		if (pg == KS_NIL)
			break;
		d = &s->pd[pg];
		page = ks_page_addr(s, pg);
		stk = ks_stk(c, page);
		while (d->nfree && m->n < want) {
			idx = stk[--d->nfree];
			ks_mag_push(m, page + (uintptr_t)idx * c->size, idx);
		}
		while (d->carved < c->nobjs && m->n < want) {
			/* The state u16 still holds what the page held. */
			idx = d->carved;
			ka_write_once(d->carved, idx + 1);
			ka_write_once(*ks_req(c, page, idx), 0);
			ks_mag_push(m, page + (uintptr_t)idx * c->size, idx);
		}
		if (ks_page_full(c, d))
			ks_list_del(s, &s->dep[ci].partial, pg);
	}
	ka_unlock(&s->dep[ci].lock);
}

/* Gives object idx of page pg back; an empty page goes to the pool. */
static void ks_depot_put(struct ka_slab *s, u32 ci, u32 pg, u32 idx)
{
	struct ks_class *c = &s->cls[ci];
	struct ks_pdesc *d = &s->pd[pg];
	bool was_full = ks_page_full(c, d);

	ks_stk(c, ks_page_addr(s, pg))[d->nfree++] = idx;
	if (d->nfree < d->carved) {
		if (was_full)
			ks_list_add(s, &s->dep[ci].partial, pg);
		return;
	}
	if (!was_full)
		ks_list_del(s, &s->dep[ci].partial, pg);
	d->cls = KS_FREE;
	d->prev = 0;
	ka_lock(&s->plock);
	ks_pool_give(s, pg, 1);
	ka_unlock(&s->plock);
}

/* Gives the n oldest objects of magazine m back to the depot. */
static void ks_flush(struct ka_slab *s, u32 ci, struct ks_mag *m, u32 n)
{
	struct ks_depot *dp = &s->dep[ci];
	u32 i;

	ka_lock(&dp->lock);
	for (i = 0; i < n; i++)
		ks_depot_put(s, ci, ks_page_of(s, m->obj[i]), m->idx[i]);
	ka_unlock(&dp->lock);
	m->n -= n;
	ka_memcpy(m->obj, m->obj + n, m->n * sizeof(m->obj[0]));
	ka_memcpy(m->idx, m->idx + n, m->n * sizeof(m->idx[0]));
}

/* Every object of the cache goes back to the depot. */
static void ks_flush_all(struct ka_slab *s, struct ks_cache *cc)
{
	u32 ci;

	for (ci = 0; ci < s->nclass; ci++)
		if (cc->mag[ci].n)
			ks_flush(s, ci, &cc->mag[ci], cc->mag[ci].n);
}

/* ---- alloc ------------------------------------------------------------ */

static void *ks_fail(struct ka_slab *s)
{
	ka_lock(&s->plock);
	s->failed++;
	ka_unlock(&s->plock);
	return NULL;
}

static inline void ks_mark(struct ka_slab *s, struct ks_class *c, void *obj,
			   u32 idx, size_t size)
{
	ka_write_once(*ks_req(c, (uintptr_t)obj & s->page_mask, idx), size);
}

/* No cache for this thread (out of memory): a one-object magazine. */
static void *ks_alloc_nocache(struct ka_slab *s, u32 ci, size_t size)
{
	struct ks_class *c = &s->cls[ci];
	struct ks_mag m;

	m.n = 0;
	ks_refill(s, ci, &m);
	if (!m.n)
		return ks_fail(s);
	if (m.n > 1)
		ks_flush(s, ci, &m, m.n - 1);
	ks_mark(s, c, m.obj[0], m.idx[0], size);
	ka_lock(&s->plock);
	s->retired[ci].allocs++;
	s->retired[ci].req += size;
	ka_unlock(&s->plock);
	return m.obj[0];
}

/* Magazine empty: refill it, flushing this cache once if the pool is dry. */
static void *ks_alloc_refill(struct ka_slab *s, u32 ci, struct ks_cache *cc,
			     size_t size)
{
	struct ks_mag *m = &cc->mag[ci];
	u32 n;

	ks_refill(s, ci, m);
	if (unlikely(!m->n)) {
		ks_flush_all(s, cc);
		ks_refill(s, ci, m);
		if (!m->n) {
			ka_pcpu_put(&s->pc);
			return ks_fail(s);
		}
	}
	n = --m->n;
	ks_mark(s, &s->cls[ci], m->obj[n], m->idx[n], size);
	m->cnt.allocs++;
	m->cnt.req += size;
	ka_pcpu_put(&s->pc);
	return m->obj[n];
}

/* Takes a run of n pages at align for a block of size bytes. */
static u32 ks_run_take(struct ka_slab *s, u32 n, size_t align, size_t size)
{
	u32 pg, i;

	ka_lock(&s->plock);
	pg = ks_pool_take(s, n, align);
	if (pg != KS_NIL) {
		for (i = 1; i < n; i++)
			s->pd[pg + i].cls = KS_TAIL;
		s->pd[pg].cls = KS_RUN;
		s->pd[pg].next = n;
		s->pd[pg].prev = 0;
		s->pd[pg].req = size;
		s->large.allocs++;
		s->large.req += size;
		s->large_pages += n;
	}
	ka_unlock(&s->plock);
	return pg;
}

static int ks_bad_free(struct ka_slab *s, const void *ptr, int err);

/* ---- units: large blocks inside a KS_SUB page, plock held ----------- */

static inline u16 ks_units_mask(u32 u, u32 n)
{
	return (u16)(((1U << n) - 1) << u);
}

/* Longest run of free units: each round shortens every run by one. */
static u32 ks_units_longest(u16 used)
{
	u32 x = (u16)~used, n = 0;

	for (; x; n++)
		x &= x >> 1;
	return n;
}

/* First unit of n free ones in a row, or KS_UNITS if there is none. */
static u32 ks_units_find(u16 used, u32 n)
{
	u32 x = (u16)~used, i;

	for (i = 1; i < n; i++)
		x &= x >> 1;
	return x ? (u32)ka_ffs64(x) - 1 : KS_UNITS;
}

/* Units of a run of req bytes. */
static inline u32 ks_units_of(struct ka_slab *s, u64 req)
{
	return (req + (1ULL << s->ushift) - 1) >> s->ushift;
}

/*
 * A KS_SUB page is on unit_list[k], k its longest free run, while
 * 0 < k < KS_UNITS: full pages are on no list, empty ones in the pool.
 */
static void ks_units_file(struct ka_slab *s, u32 pg, bool add)
{
	u32 k = ks_units_longest(s->pd[pg].used);

	if (!k || k >= KS_UNITS)
		return;
	if (add)
		ks_list_add(s, &s->unit_list[k], pg);
	else
		ks_list_del(s, &s->unit_list[k], pg);
}

/*
 * n < KS_UNITS units for size bytes: from the page whose longest free
 * run is the shortest that holds them (best fit over pages), else a new
 * page from the pool. NULL if the pool is dry.
 */
static void *ks_alloc_units(struct ka_slab *s, u32 n, size_t size)
{
	struct ks_pdesc *d;
	u32 k, u, pg = KS_NIL;

	ka_lock(&s->plock);
	for (k = n; k < KS_UNITS && pg == KS_NIL; k++)
		pg = s->unit_list[k];
	if (pg != KS_NIL) {
		ks_units_file(s, pg, false);
	} else {
		pg = ks_pool_take(s, 1, 1UL << s->shift);
		if (pg == KS_NIL) {
			ka_unlock(&s->plock);
			return NULL;
		}
		s->pd[pg].cls = KS_SUB;
		s->pd[pg].used = 0;
	}
	d = &s->pd[pg];
	u = ks_units_find(d->used, n);
	d->used |= ks_units_mask(u, n);
	s->ureq[pg * KS_UNITS + u] = size;
	ks_units_file(s, pg, true);
	s->large.allocs++;
	s->large.req += size;
	s->large_units += n;
	ka_unlock(&s->plock);
	return (void *)(ks_page_addr(s, pg) + ((uintptr_t)u << s->ushift));
}

/*
 * The run at ptr in KS_SUB page pg, or an error: a pointer not at a run
 * start is -EINVAL inside a live run and -EALREADY on a free unit (a run
 * given back). *ureq is the run's entry. plock held.
 */
static int ks_units_at(struct ka_slab *s, const void *ptr, u32 pg, u32 **ureq)
{
	uintptr_t off = ((uintptr_t)ptr - (uintptr_t)s->area) & ~s->page_mask;
	u32 u = off >> s->ushift;

	if (s->pd[pg].cls != KS_SUB || (off & ((1UL << s->ushift) - 1)))
		return -EINVAL;
	*ureq = &s->ureq[pg * KS_UNITS + u];
	if (**ureq)
		return 0;
	return s->pd[pg].used >> u & 1 ? -EINVAL : -EALREADY;
}

static int ks_free_units(struct ka_slab *s, void *ptr, u32 pg)
{
	struct ks_pdesc *d = &s->pd[pg];
	u32 *ureq, n;
	int err;

	ka_lock(&s->plock);
	err = ks_units_at(s, ptr, pg, &ureq);
	if (err) {
		ka_unlock(&s->plock);
		return ks_bad_free(s, ptr, err);
	}
	n = ks_units_of(s, *ureq);
	ks_units_file(s, pg, false);
	d->used &= ~ks_units_mask(((uintptr_t)ptr & ~s->page_mask) >>
				  s->ushift, n);
	s->large.frees++;
	s->large.req -= *ureq;
	s->large_units -= n;
	*ureq = 0;
	if (d->used) {
		ks_units_file(s, pg, true);
	} else {
		d->cls = KS_FREE;
		d->prev = 0;
		ks_pool_give(s, pg, 1);
	}
	ka_unlock(&s->plock);
	return 0;
}

/* A large block: units of a KS_SUB page, or a run of whole pages. */
static void *ks_take_large(struct ka_slab *s, size_t size, size_t align)
{
	size_t page = 1UL << s->shift;
	u32 n = ks_units_of(s, size), pg;

	if (n < KS_UNITS && align <= (1UL << s->ushift))
		return ks_alloc_units(s, n, size);
	n = (size + page - 1) >> s->shift;
	pg = ks_run_take(s, n, align < page ? page : align, size);
	return pg == KS_NIL ? NULL : (void *)ks_page_addr(s, pg);
}

/* A large block for size bytes at align; NULL if none. */
static void *ks_alloc_large(struct ka_slab *s, size_t size, size_t align)
{
	size_t span = (size_t)s->npages << s->shift;
	struct ks_cache *cc;
	void *p;

	if (size > span || align > span)
		return ks_fail(s);
	p = ks_take_large(s, size, align);
	if (p)
		return p;
	/* This cache's objects may pin the pages we need. */
	cc = ka_pcpu_get(&s->pc);
	if (cc)
		ks_flush_all(s, cc);
	ka_pcpu_put(&s->pc);
	p = ks_take_large(s, size, align);
	return p ? p : ks_fail(s);
}

/* Class for size (<= max_size) and align; KS_NCLASS if none fits. */
static u32 ks_class_for(struct ka_slab *s, size_t size, size_t align)
{
	u32 ci = s->lookup[(size + 7) >> 3];

	if (align > (1UL << s->shift))
		return KS_NCLASS;
	while (ci < s->nclass && (s->cls[ci].size & (align - 1)))
		ci++;
	return ci < s->nclass ? ci : KS_NCLASS;
}

static void *ks_alloc_small(struct ka_slab *s, u32 ci, size_t size)
{
	struct ks_cache *cc = ka_pcpu_get(&s->pc);
	struct ks_mag *m;
	u32 n;

	if (unlikely(!cc)) {
		ka_pcpu_put(&s->pc);
		return ks_alloc_nocache(s, ci, size);
	}
	m = &cc->mag[ci];
	if (unlikely(!m->n))
		return ks_alloc_refill(s, ci, cc, size);
	n = --m->n;
	ks_mark(s, &s->cls[ci], m->obj[n], m->idx[n], size);
	m->cnt.allocs++;
	m->cnt.req += size;
	ka_pcpu_put(&s->pc);
	return m->obj[n];
}

/*
 * Every request the fast path does not serve: bad arguments, large or
 * aligned ones, an empty magazine, no cache yet.
 */
static ka_noinline void *ks_alloc_slow(struct ka_slab *s, size_t size,
				       size_t align)
{
	u32 ci;

	if (!size || (align & (align - 1)))
		return ks_fail(s);
	if (align < KA_MIN_ALIGN)
		align = KA_MIN_ALIGN;
	if (size <= s->max_size) {
		ci = ks_class_for(s, size, align);
		if (ci < s->nclass)
			return ks_alloc_small(s, ci, size);
	}
	return ks_alloc_large(s, size, align);
}

/* 0 or a power of two up to KA_MIN_ALIGN: bit a of 0x117 is set. */
static inline bool ks_align_default(size_t align)
{
	return align <= KA_MIN_ALIGN && ((0x117U >> align) & 1);
}

/*
 * The fast path pops this CPU's magazine and writes the object's state.
 * It calls nothing (ka_pcpu_get_fast()) and only tail-calls its slow
 * path, so the compiler saves no registers for it.
 */
static void *ks_alloc(void *priv, size_t size, size_t align)
{
	struct ka_slab *s = priv;
	struct ks_cache *cc;
	struct ks_mag *m;
	u32 ci, n;
	void *obj;

	if (unlikely(size - 1 >= s->max_size || !ks_align_default(align)))
		return ks_alloc_slow(s, size, align);
	ci = s->lookup[(size + 7) >> 3];
	cc = ka_pcpu_get_fast(&s->pc);
	if (unlikely(!cc))
		return ks_alloc_slow(s, size, align);
	m = &cc->mag[ci];
	n = m->n;
	if (unlikely(!n)) {
		ka_pcpu_put(&s->pc);
		return ks_alloc_slow(s, size, align);
	}
	m->n = --n;
	obj = m->obj[n];
	ks_mark(s, &s->cls[ci], obj, m->idx[n], size);
	m->cnt.allocs++;
	m->cnt.req += size;
	ka_pcpu_put(&s->pc);
	return obj;
}

/* ---- free ------------------------------------------------------------- */

static ka_noinline int ks_bad_free(struct ka_slab *s, const void *ptr, int err)
{
	ka_lock(&s->plock);
	s->bad_frees++;
	ka_unlock(&s->plock);
	ka_warn("slab: %s free of %p\n",
		err == -EALREADY ? "double" : "wild", ptr);
	return err;
}

/*
 * Where ptr lives, for free() and usable_size(): 0 if it is a carved
 * object start (r->req then points at its state u16, which the caller
 * reads: 0 means free), -EINVAL for anything foreign, 1 for the first
 * page of a large block (live or given back), 2 for anywhere in a
 * KS_SUB page (plock decides). Reads no object state.
 */
struct ks_ref {
	u32 pg;
	u32 ci;
	u32 idx;
	u16 *req;
};

static int ks_find(struct ka_slab *s, const void *ptr, struct ks_ref *r)
{
	uintptr_t off = (uintptr_t)ptr - (uintptr_t)s->area;
	struct ks_class *c;
	struct ks_pdesc *d;

	if (unlikely((uintptr_t)ptr < (uintptr_t)s->area ||
		     off >= ((uintptr_t)s->npages << s->shift)))
		return -EINVAL;
	r->pg = off >> s->shift;
	d = &s->pd[r->pg];
	r->ci = d->cls;
	off &= ~s->page_mask;
	if (unlikely(r->ci >= s->nclass))
		return r->ci == KS_SUB ? 2 : off ? -EINVAL : 1;
	c = &s->cls[r->ci];
	r->idx = ks_index(c, off);
	/* free() takes no lock: refill may be carving this page meanwhile. */
	if (unlikely(r->idx >= ka_read_once(d->carved) ||
		     (uintptr_t)r->idx * c->size != off))
		return -EINVAL;
	r->req = ks_req(c, (uintptr_t)ptr - off, r->idx);
	return 0;
}

static int ks_free_large(struct ka_slab *s, void *ptr, u32 pg)
{
	struct ks_pdesc *d = &s->pd[pg];
	u32 n, i;
	int err;

	ka_lock(&s->plock);
	if (d->cls != KS_RUN) {
		err = d->cls == KS_FREE && d->prev == KS_WAS_RUN ?
		      -EALREADY : -EINVAL;
		ka_unlock(&s->plock);
		return ks_bad_free(s, ptr, err);
	}
	n = d->next;
	s->large.frees++;
	s->large.req -= d->req;
	s->large_pages -= n;
	d->req = 0;
	for (i = 0; i < n; i++) {
		s->pd[pg + i].cls = KS_FREE;
		s->pd[pg + i].prev = 0;
	}
	/* A second free of this address is a double free, not a wild one. */
	d->prev = KS_WAS_RUN;
	ks_pool_give(s, pg, n);
	ka_unlock(&s->plock);
	return 0;
}

static int ks_free_nocache(struct ka_slab *s, struct ks_ref *r, u16 req)
{
	struct ks_depot *dp = &s->dep[r->ci];

	ka_lock(&s->plock);
	s->retired[r->ci].frees++;
	s->retired[r->ci].req -= req;
	ka_unlock(&s->plock);
	ka_lock(&dp->lock);
	ks_depot_put(s, r->ci, r->pg, r->idx);
	ka_unlock(&dp->lock);
	return 0;
}

/* Every free the fast path does not finish; validates from scratch. */
static ka_noinline int ks_free_slow(struct ka_slab *s, void *ptr)
{
	struct ks_cache *cc;
	struct ks_mag *m;
	struct ks_ref r;
	int err;
	u16 req;

	err = ks_find(s, ptr, &r);
	if (err == 2)
		return ks_free_units(s, ptr, r.pg);
	if (err)
		return err > 0 ? ks_free_large(s, ptr, r.pg) :
				 ks_bad_free(s, ptr, err);
	/*
	 * Claim the object before anything is written: of two CPUs freeing
	 * the same pointer at once, exactly one sees its state non-zero;
	 * the other is told -EALREADY and the object is cached once.
	 */
	req = ka_xchg16_zero(r.req);
	if (unlikely(!req))
		return ks_bad_free(s, ptr, -EALREADY);
	cc = ka_pcpu_get(&s->pc);
	if (unlikely(!cc)) {
		ka_pcpu_put(&s->pc);
		return ks_free_nocache(s, &r, req);
	}
	m = &cc->mag[r.ci];
	if (unlikely(m->n >= s->cls[r.ci].mag_max))
		ks_flush(s, r.ci, m, m->n / 2);
	m->cnt.frees++;
	m->cnt.req -= req;
	m->obj[m->n] = ptr;
	m->idx[m->n++] = r.idx;
	ka_pcpu_put(&s->pc);
	return 0;
}

/*
 * The fast path: a carved object of a class page, pushed on this CPU's
 * magazine that has room. As ks_find() checks, then the state u16 is
 * claimed; anything else goes to ks_free_slow(), which starts over.
 */
static int ks_free(void *priv, void *ptr)
{
	struct ka_slab *s = priv;
	uintptr_t off = (uintptr_t)ptr - (uintptr_t)s->area, poff;
	struct ks_cache *cc;
	struct ks_pdesc *d;
	struct ks_class *c;
	struct ks_mag *m;
	u32 ci, idx, n;
	u16 req;

	if (unlikely(off >= s->span))
		return ks_free_slow(s, ptr);
	d = &s->pd[off >> s->shift];
	ci = d->cls;
	if (unlikely(ci >= s->nclass))
		return ks_free_slow(s, ptr);
	c = &s->cls[ci];
	poff = off & ~s->page_mask;
	idx = ks_index(c, poff);
	if (unlikely(idx >= ka_read_once(d->carved) || idx * c->size != poff))
		return ks_free_slow(s, ptr);
	cc = ka_pcpu_get_fast(&s->pc);
	if (unlikely(!cc))
		return ks_free_slow(s, ptr);
	m = &cc->mag[ci];
	n = m->n;
	if (unlikely(n >= c->mag_max))
		goto slow;
	req = ka_xchg16_zero(ks_req(c, (uintptr_t)ptr - poff, idx));
	if (unlikely(!req)) {
		ka_pcpu_put(&s->pc);
		return ks_bad_free(s, ptr, -EALREADY);
	}
	m->obj[n] = ptr;
	m->idx[n] = idx;
	m->n = n + 1;
	m->cnt.frees++;
	m->cnt.req -= req;
	ka_pcpu_put(&s->pc);
	return 0;
slow:
	ka_pcpu_put(&s->pc);
	return ks_free_slow(s, ptr);
}

static size_t ks_usable_size(void *priv, const void *ptr)
{
	struct ka_slab *s = priv;
	struct ks_ref r;
	size_t n = 0;
	int err = ks_find(s, ptr, &r);

	if (!err)
		return ka_read_once(*r.req) ? s->cls[r.ci].size : 0;
	if (err > 0) {
		u32 *ureq;

		ka_lock(&s->plock);
		if (err == 1 && s->pd[r.pg].cls == KS_RUN)
			n = (size_t)s->pd[r.pg].next << s->shift;
		if (err == 2 && !ks_units_at(s, ptr, r.pg, &ureq))
			n = (size_t)ks_units_of(s, *ureq) << s->ushift;
		ka_unlock(&s->plock);
	}
	return n;
}

/* ---- stats ------------------------------------------------------------ */

/* Totals over classes; usable bytes are live objects times class size. */
struct ks_sum {
	struct ka_slab *s;
	struct ks_count all;
	u64 usable;
};

static void ks_add(struct ks_count *to, const struct ks_count *from)
{
	to->allocs += from->allocs;
	to->frees += from->frees;
	to->req += from->req;
}

static void ks_sum_class(struct ks_sum *sum, u32 ci, const struct ks_count *c)
{
	ks_add(&sum->all, c);
	sum->usable += (c->allocs - c->frees) * sum->s->cls[ci].size;
}

static void ks_sum_cache(void *arg, void *cache)
{
	struct ks_sum *sum = arg;
	struct ks_cache *cc = cache;
	u32 ci;

	for (ci = 0; ci < sum->s->nclass; ci++)
		ks_sum_class(sum, ci, &cc->mag[ci].cnt);
}

/* Thread exit or fini: everything in the cache goes back. */
static void ks_cache_flush(void *owner, void *cache)
{
	struct ka_slab *s = owner;
	struct ks_cache *cc = cache;
	u32 ci;

	ks_flush_all(s, cc);
	ka_lock(&s->plock);
	for (ci = 0; ci < s->nclass; ci++)
		ks_add(&s->retired[ci], &cc->mag[ci].cnt);
	ka_unlock(&s->plock);
	ka_memset(cc, 0, sizeof(*cc));
}

/*
 * Pages alloc() could still use for the caller, and the longest run of
 * them: those in the pool and those only the caller's own magazines keep
 * from it (alloc flushes those when the pool runs dry). plock held.
 */
static u32 ks_free_pages(struct ka_slab *s, struct ks_cache *cc, u32 *largest)
{
	u32 ci, i, pg, run = 0, n = 0;
	struct ks_pdesc *d;

	*largest = 0;
	for (ci = 0; cc && ci < s->nclass; ci++)
		for (i = 0; i < cc->mag[ci].n; i++)
			s->pd[ks_page_of(s, cc->mag[ci].obj[i])].scratch++;
	for (pg = 0; pg < s->npages; pg++) {
		d = &s->pd[pg];
		if (d->cls == KS_FREE ||
		    (d->cls < s->nclass && d->carved - d->nfree == d->scratch))
			run++;
		else
			run = 0;
		n += !!run;
		if (run > *largest)
			*largest = run;
		d->scratch = 0;
	}
	return n;
}

static void ks_stats(void *priv, struct ka_stats *st)
{
	struct ka_slab *s = priv;
	struct ks_sum sum = { .s = s };
	struct ks_cache *cc;
	u32 ci, nfree, largest;

	ka_pcpu_for_each(&s->pc, ks_sum_cache, &sum);
	cc = ka_pcpu_get(&s->pc);
	ka_lock(&s->plock);
	for (ci = 0; ci < s->nclass; ci++)
		ks_sum_class(&sum, ci, &s->retired[ci]);
	ks_add(&sum.all, &s->large);
	st->region_bytes = s->len;
	st->meta_bytes = s->area - s->base;
	st->live_blocks = sum.all.allocs - sum.all.frees;
	st->requested_bytes = sum.all.req;
	st->usable_bytes = sum.usable + (s->large_pages << s->shift) +
			   (s->large_units << s->ushift);
	/* The pool hands out low pages first: the high-water mark. */
	st->footprint_bytes = (u64)s->top << s->shift;
	nfree = ks_free_pages(s, cc, &largest);
	st->free_bytes = (u64)nfree << s->shift;
	st->largest_free = (u64)largest << s->shift;
	st->allocs = sum.all.allocs;
	st->frees = sum.all.frees;
	st->failed_allocs = s->failed;
	st->bad_frees = s->bad_frees;
	ka_unlock(&s->plock);
	ka_pcpu_put(&s->pc);
}

/*
 * check(). It needs a quiescent instance: the magazines it inspects are
 * only ever touched by their own CPU or thread. While it runs it marks
 * the state u16 of every free object it finds (KS_MARK_STK on a page's
 * free stack, KS_MARK_MAG in a magazine), which catches an object that
 * is free twice over, then counts and clears the marks page by page.
 */
#define KS_MARK_STK	0xffff
#define KS_MARK_MAG	0xfffe

struct ks_census {
	struct ka_slab *s;
	int err;
	u64 live;
	u64 requested;
	u64 usable;
};

static int ks_mark_free(struct ks_census *k, u32 ci, void *obj, u32 idx,
			u16 mark)
{
	struct ks_ref r;

	/* A free object's state is 0. */
	if (ks_find(k->s, obj, &r) || *r.req || r.ci != ci || r.idx != idx) {
		ka_warn("slab: check: free object %p is live, foreign or free twice\n",
			obj);
		return -EFAULT;
	}
	*r.req = mark;
	return 0;
}

static void ks_check_cache(void *arg, void *cache)
{
	struct ks_census *k = arg;
	struct ks_cache *cc = cache;
	struct ks_mag *m;
	u32 ci, i;

	for (ci = 0; ci < KS_NCLASS && !k->err; ci++) {
		m = &cc->mag[ci];
		if (m->n > KS_MAG || (ci >= k->s->nclass && m->n) ||
		    (ci < k->s->nclass && m->n > k->s->cls[ci].mag_max)) {
			ka_warn("slab: check: magazine %u overflows\n", ci);
			k->err = -EFAULT;
			return;
		}
		for (i = 0; i < m->n && !k->err; i++)
			k->err = ks_mark_free(k, ci, m->obj[i], m->idx[i],
					      KS_MARK_MAG);
	}
}

/* Marks the free stack of class page pg. */
static int ks_check_stack(struct ks_census *k, u32 pg)
{
	struct ka_slab *s = k->s;
	struct ks_pdesc *d = &s->pd[pg];
	struct ks_class *c = &s->cls[d->cls];
	uintptr_t page = ks_page_addr(s, pg);
	u16 *stk = ks_stk(c, page);
	u32 i;

	/*
	 * A page whose every carved object is back on its stack must have
	 * gone back to the pool: a class never keeps an empty page.
	 */
	if (d->carved > c->nobjs || d->nfree >= d->carved)
		goto bad;
	for (i = 0; i < d->nfree; i++) {
		if (stk[i] >= d->carved)
			goto bad;
		if (ks_mark_free(k, d->cls,
				 (void *)(page + (uintptr_t)stk[i] * c->size),
				 stk[i], KS_MARK_STK))
			return -EFAULT;
	}
	return 0;
bad:
	ka_warn("slab: check: page %u: free stack broken or page empty\n", pg);
	return -EFAULT;
}

/* Counts and clears the marks of class page pg. */
static int ks_check_objs(struct ks_census *k, u32 pg)
{
	struct ka_slab *s = k->s;
	struct ks_pdesc *d = &s->pd[pg];
	struct ks_class *c = &s->cls[d->cls];
	u16 *req = ks_req(c, ks_page_addr(s, pg), 0);
	u32 i, stk = 0, lost = 0, n = d->carved;

	for (i = 0; i < n && i < c->nobjs; i++) {
		if (req[i] == KS_MARK_STK) {
			stk++;
			req[i] = 0;
		} else if (req[i] == KS_MARK_MAG) {
			req[i] = 0;
		} else if (!req[i] || req[i] > c->size) {
			lost++;
		} else {
			k->live++;
			k->requested += req[i];
			k->usable += c->size;
		}
	}
	if (lost || stk != d->nfree) {
		ka_warn("slab: check: page %u: %u objects lost or bad\n",
			pg, lost);
		return -EFAULT;
	}
	return 0;
}

/* Walks a partial list; returns its length or -1 if a page is misfiled. */
static long ks_check_list(struct ka_slab *s, u32 ci)
{
	struct ks_class *c = &s->cls[ci];
	u32 pg = s->dep[ci].partial, prev = KS_NIL;
	long n = 0;

	while (pg != KS_NIL) {
		struct ks_pdesc *d = &s->pd[pg];

		if (pg >= s->npages || n++ > s->npages || d->cls != ci ||
		    d->prev != prev || ks_page_full(c, d))
			return -1;
		prev = pg;
		pg = d->next;
	}
	return n;
}

/* A large block at pg: its tail pages, size and accounting. */
static int ks_check_run(struct ka_slab *s, u32 pg, struct ks_census *k)
{
	struct ks_pdesc *d = &s->pd[pg];
	u32 i, n = d->next;

	if (!n || n > s->npages - pg || !d->req ||
	    d->req > ((u64)n << s->shift) ||
	    d->req <= ((u64)(n - 1) << s->shift))
		return -1;
	for (i = 1; i < n; i++)
		if (s->pd[pg + i].cls != KS_TAIL)
			return -1;
	k->live++;
	k->requested += d->req;
	k->usable += (u64)n << s->shift;
	return n;
}

/*
 * A KS_SUB page: its runs tile exactly its used units, none empty.
 * Returns 1 (one page), or -1. *filed: whether it belongs on a list.
 */
static long ks_check_units(struct ka_slab *s, u32 pg, struct ks_census *k,
			   long *filed)
{
	const u32 *req = &s->ureq[pg * KS_UNITS];
	u16 seen = 0, used = s->pd[pg].used;
	u32 u, n;

	if (!used)
		return -1;	/* an empty KS_SUB page goes back at once */
	for (u = 0; u < KS_UNITS; u++) {
		if (!req[u])
			continue;
		n = ks_units_of(s, req[u]);
		if (n >= KS_UNITS || u + n > KS_UNITS ||
		    (seen & ks_units_mask(u, n)))
			return -1;
		seen |= ks_units_mask(u, n);
		k->live++;
		k->requested += req[u];
		k->usable += (u64)n << s->ushift;
	}
	n = ks_units_longest(used);
	*filed += n && n < KS_UNITS;
	return seen == used ? 1 : -1;
}

/* The unit lists: linked both ways, each page filed by its longest run. */
static long ks_check_unit_lists(struct ka_slab *s)
{
	u32 i, pg, prev;
	long n = 0;

	for (i = 0; i < KS_UNITS; i++) {
		for (pg = s->unit_list[i], prev = KS_NIL; pg != KS_NIL;
		     prev = pg, pg = s->pd[pg].next) {
			if (pg >= s->npages || n++ > s->npages ||
			    s->pd[pg].cls != KS_SUB || s->pd[pg].prev != prev ||
			    ks_units_longest(s->pd[pg].used) != i)
				return -1;
		}
	}
	return n;
}

/* Every page is in exactly one state; lists and the bitmap agree. */
static int ks_check_pages(struct ka_slab *s, struct ks_census *k)
{
	u32 ci, pg, used = 0, top = 0;
	long partial = 0, filed = 0, n;

	for (ci = 0; ci < s->nclass; ci++) {
		n = ks_check_list(s, ci);
		if (n < 0)
			goto bad;
		partial += n;
	}
	n = ks_check_unit_lists(s);
	if (n < 0)
		goto bad;
	filed -= n;
	for (pg = 0; pg < s->npages; pg += n) {
		bool pooled = s->pd[pg].cls == KS_FREE;

		ci = s->pd[pg].cls;
		n = 1;
		if (ks_pool_has(s, pg) != pooled)
			goto bad;
		if (ci == KS_FREE)
			continue;
		if (ci == KS_RUN)
			n = ks_check_run(s, pg, k);
		else if (ci == KS_SUB)
			n = ks_check_units(s, pg, k, &filed);
		else if (ci >= s->nclass)
			goto bad;
		else
			partial -= !ks_page_full(&s->cls[ci], &s->pd[pg]);
		if (n < 0)
			goto bad;
		used += n;
		top = pg + n;
	}
	if (partial || filed || used != s->pages_used || top > s->top ||
	    s->low > s->npages || (s->low && ks_map_next(s, 0, true) < s->low))
		goto bad;
	return 0;
bad:
	ka_warn("slab: check: page lists or pool bitmap do not match the pages\n");
	return -EFAULT;
}

static int ks_check(void *priv)
{
	struct ka_slab *s = priv;
	struct ks_census k = { .s = s };
	struct ka_stats st;
	u32 pg;

	if (!ka_check_may_walk(s->len))
		return -E2BIG;
	if (ks_check_pages(s, &k))
		return -EFAULT;
	for (pg = 0; pg < s->npages && !k.err; pg++)
		if (s->pd[pg].cls < s->nclass)
			k.err = ks_check_stack(&k, pg);
	if (!k.err)
		ka_pcpu_for_each(&s->pc, ks_check_cache, &k);
	/* Always clear every mark, even after an error. */
	for (pg = 0; pg < s->npages; pg++)
		if (s->pd[pg].cls < s->nclass && ks_check_objs(&k, pg))
			k.err = -EFAULT;
	if (k.err)
		return -EFAULT;
	ks_stats(s, &st);
	if (st.live_blocks != k.live || st.requested_bytes != k.requested ||
	    st.usable_bytes != k.usable) {
		ka_warn("slab: check: accounting does not add up\n");
		return -EFAULT;
	}
	return 0;
}

/* ---- init ------------------------------------------------------------- */

/* Sets up the classes that fit the page size and the size lookup. */
static void ks_init_classes(struct ka_slab *s)
{
	u32 page = 1U << s->shift, i, j, size, n;
	struct ks_class *c;

	for (i = 0; i < KS_NCLASS; i++) {
		size = ks_class_size(i);
		n = page / (size + 4);
		if (n > 0xffff)
			n = 0xffff;
		if (n < 2)
			break;
		c = &s->cls[i];
		c->size = size;
		c->nobjs = n;
		c->recip = (u32)(((1ULL << 32) + size - 1) / size);
		c->req_off = page - 4 * n;
		c->stk_off = page - 2 * n;
		s->dep[i].partial = KS_NIL;
		c->mag_max = KS_MAG_BYTES / size;
		if (c->mag_max > KS_MAG)
			c->mag_max = KS_MAG;
		if (c->mag_max < KS_MAG_MIN)
			c->mag_max = KS_MAG_MIN;
		c->mag_max &= ~1U;
		ka_lock_init(&s->dep[i].lock);
		s->max_size = size;
	}
	s->nclass = i;
	for (i = 0, j = 0; j < KS_LOOKUP; j++) {
		while (i + 1 < s->nclass && s->cls[i].size < j * 8)
			i++;
		s->lookup[j] = i;
	}
}

/* Page descriptors and the pool bitmap at the start of the region. */
static int ks_init_pages(struct ka_slab *s, uintptr_t start, uintptr_t end)
{
	size_t page = 1UL << s->shift;
	size_t max = (end - start) >> s->shift;
	uintptr_t meta;
	u32 i;

	if (max > KS_NIL / 2)
		max = KS_NIL / 2;
	s->pd = (struct ks_pdesc *)start;
	s->map = (u64 *)(start + max * sizeof(struct ks_pdesc));
	s->ureq = (u32 *)(s->map + (max + 63) / 64);
	meta = (uintptr_t)(s->ureq + max * KS_UNITS);
	s->area = (u8 *)ka_align_up(meta, page);
	if ((uintptr_t)s->area >= end || end - (uintptr_t)s->area < page)
		return -EINVAL;
	s->npages = (end - (uintptr_t)s->area) >> s->shift;
	if (s->npages > max)
		s->npages = max;
	s->span = (uintptr_t)s->npages << s->shift;
	ka_memset(s->map, 0, (max + 63) / 64 * sizeof(u64));
	ka_memset(s->ureq, 0, s->npages * KS_UNITS * sizeof(u32));
	s->ushift = s->shift - 4;	/* KS_UNITS units per page */
	for (i = 0; i < KS_UNITS; i++)
		s->unit_list[i] = KS_NIL;
	for (i = 0; i < s->npages; i++) {
		s->pd[i].cls = KS_FREE;
		s->pd[i].prev = 0;
		s->pd[i].scratch = 0;
	}
	ks_map_set(s, 0, s->npages, true);
	return 0;
}

static int ks_init(void *priv, void *base, size_t len)
{
	struct ka_slab *s = priv;
	uintptr_t start = ka_align_up((uintptr_t)base, 8);
	uintptr_t end = (uintptr_t)base + len;
	u32 i;
	int err;

	ka_memset(s, 0, sizeof(*s));
	if (!base || end < (uintptr_t)base || end < start)
		return -EINVAL;
	/* Small regions get small pages, so that they hold a few. */
	s->shift = len >= (2UL << 20) ? KS_PAGE_SHIFT :
		   len >= (256UL << 10) ? 14 : 12;
	s->page_mask = ~((1UL << s->shift) - 1);
	err = ks_init_pages(s, start, end);
	if (err)
		return err;
	s->base = base;
	s->len = len;
	s->dep = (struct ks_depot *)ka_align_up((uintptr_t)(s + 1), KS_LINE);
	ks_init_classes(s);
	ka_lock_init(&s->plock);
	err = ka_pcpu_init(&s->pc, sizeof(struct ks_cache), ks_cache_flush, s);
	if (err)
		goto destroy_locks;
	return 0;

destroy_locks:
	for (i = 0; i < s->nclass; i++)
		ka_lock_destroy(&s->dep[i].lock);
	ka_lock_destroy(&s->plock);
	return err;
}

static void ks_fini(void *priv)
{
	struct ka_slab *s = priv;
	u32 i;

	ka_pcpu_fini(&s->pc);
	for (i = 0; i < s->nclass; i++)
		ka_lock_destroy(&s->dep[i].lock);
	ka_lock_destroy(&s->plock);
	ka_memset(s, 0, sizeof(*s));
}

const struct ka_policy_ops ka_slab_ops = {
	.name		= "slab",
	.priv_size	= KS_PRIV_SIZE,
	.init		= ks_init,
	.fini		= ks_fini,
	.alloc		= ks_alloc,
	.free		= ks_free,
	.usable_size	= ks_usable_size,
	.stats		= ks_stats,
	.check		= ks_check,
};
