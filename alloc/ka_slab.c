// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ka_slab.c - size-class slab allocator with per-CPU/per-thread magazines.
 *
 * Layers, from the fast path down:
 *
 * 1. Magazines. Every CPU (kernel) or thread (userspace) has, per size
 *    class, a magazine of up to KS_MAG free objects (ka_pcpu_get()).
 *    alloc pops one, free pushes one: no lock, no atomic. The class comes
 *    from a byte table indexed by (size + 7) / 8.
 * 2. The depot: per class, under the class lock, the slab pages that
 *    have free objects ("partial" list). An empty magazine is refilled
 *    with KS_BATCH objects from it, a full one gives KS_BATCH back.
 * 3. The page pool: the region is cut into naturally aligned pages of
 *    KS_PAGE bytes (smaller for small regions). A class takes a page
 *    when its partial list runs dry and gives it back once all of its
 *    objects are free again (one empty page per class is kept to stop a
 *    class from trading the same page back and forth).
 *
 * Object state lives outside the objects, at the end of each page: a
 * u16 per object holding the size that was asked for (0: free) and a
 * u16 stack of the indices of free objects the depot holds. A page
 * descriptor array at the start of the region says which class each page
 * belongs to. So a free of a pointer outside the pages, inside a page no
 * class owns, or not at an object start is refused with -EINVAL and a
 * free of an object whose u16 is 0 (in a magazine, in the depot or never
 * handed out) with -EALREADY, before anything is written. The object
 * index is (offset * reciprocal) >> 32: no division.
 *
 * Classes: 8, 16, then steps of 16 up to 128 and eight classes per power
 * of two up to 8 KiB, so rounding wastes at most 1/8. Objects start at
 * page offset 0, so objects of a power-of-two class are naturally
 * aligned; alignment > 8 picks the first class whose size is a multiple
 * of the alignment. Requests above the largest class (8 KiB with 64 KiB
 * pages) return NULL: slab serves small objects only.
 *
 * Counters (allocs, frees, requested and usable bytes) are kept per
 * cache and summed by stats(), so the fast path touches shared data only
 * in the object's own state u16.
 */
#include "ka_policy.h"

#define KS_PAGE_SHIFT	16
#define KS_MAG		32		/* objects per magazine */
#define KS_BATCH	(KS_MAG / 2)	/* moved per refill / flush */
#define KS_NCLASS	57
#define KS_MAX_SIZE	8192
#define KS_LOOKUP	(KS_MAX_SIZE / 8 + 1)
#define KS_NIL		0xffffffffU
#define KS_NOCLS	0xffff

struct ks_pdesc {
	u16 cls;		/* owning class, KS_NOCLS if in the pool */
	u16 nfree;		/* entries on the page's free stack */
	u32 next;		/* partial list or pool free list */
	u32 prev;
};

struct ks_class {
	struct ka_lock lock;	/* partial list and its pages' stacks */
	u32 size;
	u32 nobjs;		/* objects per page */
	u32 recip;		/* ceil(2^32 / size) */
	u32 req_off;		/* page offset of the u16 req[] array */
	u32 stk_off;		/* page offset of the u16 free stack */
	u32 partial;		/* pages with free objects in the depot */
	u32 spare;		/* one empty page kept, or KS_NIL */
};

struct ks_mag {
	u32 n;
	void *obj[KS_MAG];
};

struct ks_count {
	u64 allocs;
	u64 frees;
	u64 req_in;		/* requested bytes handed out */
	u64 req_out;		/* requested bytes given back */
	u64 use_in;		/* usable bytes handed out */
	u64 use_out;
};

struct ks_cache {
	struct ks_count cnt;
	struct ks_mag mag[KS_NCLASS];
};

struct ka_slab {
	struct ka_pcpu pc;
	u8 *base;
	size_t len;
	u8 *area;		/* first page, aligned to the page size */
	uintptr_t page_mask;
	u32 shift;
	u32 npages;
	u32 nclass;		/* usable classes with this page size */
	u32 max_size;
	struct ks_pdesc *pd;
	struct ka_lock plock;	/* page pool, retired counters */
	u32 pool;		/* freed pages */
	u32 fresh;		/* pages never handed out start here */
	u32 pages_used;
	struct ks_count retired; /* counts of caches flushed, no cache */
	u64 failed;
	u64 bad_frees;
	u8 lookup[KS_LOOKUP];
	struct ks_class cls[KS_NCLASS];
};

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

/* Takes a page from the pool for class ci; KS_NIL when exhausted. */
static u32 ks_page_get(struct ka_slab *s, u32 ci)
{
	struct ks_class *c = &s->cls[ci];
	uintptr_t page;
	u16 *stk;
	u32 pg, i;

	ka_lock(&s->plock);
	pg = s->pool;
	if (pg != KS_NIL)
		s->pool = s->pd[pg].next;
	else if (s->fresh < s->npages)
		pg = s->fresh++;
	if (pg != KS_NIL)
		s->pages_used++;
	ka_unlock(&s->plock);
	if (pg == KS_NIL)
		return KS_NIL;
	page = ks_page_addr(s, pg);
	ka_memset((void *)(page + c->req_off), 0, 2 * c->nobjs);
	stk = ks_stk(c, page);
	/* Popped from the top: hand out ascending addresses first. */
	for (i = 0; i < c->nobjs; i++)
		stk[i] = c->nobjs - 1 - i;
	s->pd[pg].nfree = c->nobjs;
	s->pd[pg].cls = ci;
	return pg;
}

static void ks_page_put(struct ka_slab *s, u32 pg)
{
	s->pd[pg].cls = KS_NOCLS;
	ka_lock(&s->plock);
	s->pd[pg].next = s->pool;
	s->pool = pg;
	s->pages_used--;
	ka_unlock(&s->plock);
}

/* Class lock held: a page with free objects for refill, or KS_NIL. */
static u32 ks_depot_page(struct ka_slab *s, u32 ci)
{
	struct ks_class *c = &s->cls[ci];
	u32 pg = c->partial;

	if (pg != KS_NIL)
		return pg;
	pg = c->spare;
	if (pg != KS_NIL)
		c->spare = KS_NIL;
	else
		pg = ks_page_get(s, ci);
	if (pg != KS_NIL)
		ks_list_add(s, &c->partial, pg);
	return pg;
}

/* Fills magazine m of class ci with up to KS_BATCH objects. */
static void ks_refill(struct ka_slab *s, u32 ci, struct ks_mag *m)
{
	struct ks_class *c = &s->cls[ci];
	struct ks_pdesc *d;
	uintptr_t page;
	u16 *stk;
	u32 pg;

	ka_lock(&c->lock);
	while (m->n < KS_BATCH) {
		pg = ks_depot_page(s, ci);
		if (pg == KS_NIL)
			break;
		d = &s->pd[pg];
		page = ks_page_addr(s, pg);
		stk = ks_stk(c, page);
		while (d->nfree && m->n < KS_BATCH)
			m->obj[m->n++] = (void *)(page +
				(uintptr_t)stk[--d->nfree] * c->size);
		if (!d->nfree)
			ks_list_del(s, &c->partial, pg);
	}
	ka_unlock(&c->lock);
}

/* Class lock held: gives one free object back to its page. */
static void ks_depot_put(struct ka_slab *s, u32 ci, void *obj)
{
	struct ks_class *c = &s->cls[ci];
	u32 pg = ((uintptr_t)obj - (uintptr_t)s->area) >> s->shift;
	uintptr_t page = ks_page_addr(s, pg);
	u32 idx = (u32)(((u64)((uintptr_t)obj - page) * c->recip) >> 32);
	struct ks_pdesc *d = &s->pd[pg];

	ks_stk(c, page)[d->nfree++] = idx;
	if (d->nfree == 1)
		ks_list_add(s, &c->partial, pg);
	if (d->nfree < c->nobjs)
		return;
	ks_list_del(s, &c->partial, pg);
	if (c->spare == KS_NIL)
		c->spare = pg;
	else
		ks_page_put(s, pg);
}

/* Gives the n oldest objects of magazine m back to the depot. */
static void ks_flush(struct ka_slab *s, u32 ci, struct ks_mag *m, u32 n)
{
	struct ks_class *c = &s->cls[ci];
	u32 i;

	ka_lock(&c->lock);
	for (i = 0; i < n; i++)
		ks_depot_put(s, ci, m->obj[i]);
	ka_unlock(&c->lock);
	m->n -= n;
	ka_memcpy(m->obj, m->obj + n, m->n * sizeof(m->obj[0]));
}

/* Class for size (<= max_size) and align; KS_NCLASS if none fits. */
static u32 ks_class_for(struct ka_slab *s, size_t size, size_t align)
{
	u32 ci = s->lookup[(size + 7) >> 3];

	if (likely(align <= KA_MIN_ALIGN))
		return ci;
	if (align > (1UL << s->shift))
		return KS_NCLASS;
	while (ci < s->nclass && (s->cls[ci].size & (align - 1)))
		ci++;
	return ci < s->nclass ? ci : KS_NCLASS;
}

static void *ks_fail(struct ka_slab *s)
{
	ka_lock(&s->plock);
	s->failed++;
	ka_unlock(&s->plock);
	return NULL;
}

/* Marks obj live in its page's state array: the size asked for. */
static inline void ks_mark(struct ka_slab *s, struct ks_class *c, void *obj,
			   size_t size)
{
	uintptr_t page = (uintptr_t)obj & s->page_mask;
	u32 idx = (u32)(((u64)((uintptr_t)obj - page) * c->recip) >> 32);

	*ks_req(c, page, idx) = size;
}

/* No cache for this thread (out of memory): a one-object magazine. */
static void *ks_alloc_nocache(struct ka_slab *s, u32 ci, size_t size)
{
	struct ks_class *c = &s->cls[ci];
	struct ks_mag m = { 0 };

	ks_refill(s, ci, &m);
	if (!m.n)
		return ks_fail(s);
	if (m.n > 1)
		ks_flush(s, ci, &m, m.n - 1);
	ks_mark(s, c, m.obj[0], size);
	ka_lock(&s->plock);
	s->retired.allocs++;
	s->retired.req_in += size;
	s->retired.use_in += c->size;
	ka_unlock(&s->plock);
	return m.obj[0];
}

static void *ks_alloc(void *priv, size_t size, size_t align)
{
	struct ka_slab *s = priv;
	struct ks_cache *cc;
	struct ks_class *c;
	struct ks_mag *m;
	void *obj;
	u32 ci;

	if (unlikely(!size || size > s->max_size ||
		     (align & (align - 1))))
		return ks_fail(s);
	ci = ks_class_for(s, size, align);
	if (unlikely(ci >= KS_NCLASS))
		return ks_fail(s);
	c = &s->cls[ci];
	cc = ka_pcpu_get(&s->pc);
	if (unlikely(!cc)) {
		ka_pcpu_put(&s->pc);
		return ks_alloc_nocache(s, ci, size);
	}
	m = &cc->mag[ci];
	if (unlikely(!m->n)) {
		ks_refill(s, ci, m);
		if (!m->n) {
			ka_pcpu_put(&s->pc);
			return ks_fail(s);
		}
	}
	obj = m->obj[--m->n];
	ks_mark(s, c, obj, size);
	cc->cnt.allocs++;
	cc->cnt.req_in += size;
	cc->cnt.use_in += c->size;
	ka_pcpu_put(&s->pc);
	return obj;
}

/*
 * The state u16 of ptr if ptr is an object start in a page some class
 * owns, with *cip set to that class; NULL for a foreign pointer.
 */
static u16 *ks_lookup(struct ka_slab *s, const void *ptr, u32 *cip)
{
	uintptr_t off = (uintptr_t)ptr - (uintptr_t)s->area;
	uintptr_t page = (uintptr_t)ptr & s->page_mask;
	struct ks_class *c;
	u32 pg, idx, ci;

	if (unlikely((uintptr_t)ptr < (uintptr_t)s->area ||
		     off >= ((uintptr_t)s->npages << s->shift)))
		return NULL;
	pg = off >> s->shift;
	ci = s->pd[pg].cls;
	if (unlikely(ci >= s->nclass))
		return NULL;
	c = &s->cls[ci];
	idx = (u32)(((u64)((uintptr_t)ptr - page) * c->recip) >> 32);
	if (unlikely(idx >= c->nobjs ||
		     (uintptr_t)idx * c->size != (uintptr_t)ptr - page))
		return NULL;
	*cip = ci;
	return ks_req(c, page, idx);
}

static int ks_bad_free(struct ka_slab *s, const void *ptr, int err)
{
	ka_lock(&s->plock);
	s->bad_frees++;
	ka_unlock(&s->plock);
	ka_warn("slab: %s free of %p\n",
		err == -EALREADY ? "double" : "wild", ptr);
	return err;
}

static int ks_free_nocache(struct ka_slab *s, u32 ci, void *ptr, u16 *req)
{
	struct ks_class *c = &s->cls[ci];

	ka_lock(&s->plock);
	s->retired.frees++;
	s->retired.req_out += *req;
	s->retired.use_out += c->size;
	ka_unlock(&s->plock);
	*req = 0;
	ka_lock(&c->lock);
	ks_depot_put(s, ci, ptr);
	ka_unlock(&c->lock);
	return 0;
}

static int ks_free(void *priv, void *ptr)
{
	struct ka_slab *s = priv;
	struct ks_cache *cc;
	struct ks_mag *m;
	u32 ci = 0;
	u16 *req;

	req = ks_lookup(s, ptr, &ci);
	if (unlikely(!req))
		return ks_bad_free(s, ptr, -EINVAL);
	if (unlikely(!*req))
		return ks_bad_free(s, ptr, -EALREADY);
	cc = ka_pcpu_get(&s->pc);
	if (unlikely(!cc)) {
		ka_pcpu_put(&s->pc);
		return ks_free_nocache(s, ci, ptr, req);
	}
	m = &cc->mag[ci];
	if (unlikely(m->n == KS_MAG))
		ks_flush(s, ci, m, KS_BATCH);
	cc->cnt.frees++;
	cc->cnt.req_out += *req;
	cc->cnt.use_out += s->cls[ci].size;
	*req = 0;
	m->obj[m->n++] = ptr;
	ka_pcpu_put(&s->pc);
	return 0;
}

static size_t ks_usable_size(void *priv, const void *ptr)
{
	struct ka_slab *s = priv;
	u32 ci = 0;
	u16 *req = ks_lookup(s, ptr, &ci);

	return req && *req ? s->cls[ci].size : 0;
}

static void ks_add(struct ks_count *to, const struct ks_count *from)
{
	to->allocs += from->allocs;
	to->frees += from->frees;
	to->req_in += from->req_in;
	to->req_out += from->req_out;
	to->use_in += from->use_in;
	to->use_out += from->use_out;
}

static void ks_sum_cache(void *arg, void *cache)
{
	struct ks_cache *cc = cache;

	ks_add(arg, &cc->cnt);
}

/* Thread exit or fini: everything in the cache goes back. */
static void ks_cache_flush(void *owner, void *cache)
{
	struct ka_slab *s = owner;
	struct ks_cache *cc = cache;
	u32 ci;

	for (ci = 0; ci < s->nclass; ci++)
		if (cc->mag[ci].n)
			ks_flush(s, ci, &cc->mag[ci], cc->mag[ci].n);
	ka_lock(&s->plock);
	ks_add(&s->retired, &cc->cnt);
	ka_unlock(&s->plock);
	ka_memset(cc, 0, sizeof(*cc));
}

static void ks_stats(void *priv, struct ka_stats *st)
{
	struct ka_slab *s = priv;
	struct ks_count sum;

	ka_memset(&sum, 0, sizeof(sum));
	ka_pcpu_for_each(&s->pc, ks_sum_cache, &sum);
	ka_lock(&s->plock);
	ks_add(&sum, &s->retired);
	st->region_bytes = s->len;
	st->meta_bytes = s->area - s->base;
	st->live_blocks = sum.allocs - sum.frees;
	st->requested_bytes = sum.req_in - sum.req_out;
	st->usable_bytes = sum.use_in - sum.use_out;
	/* Pages ever taken from the pool: the pool hands out low first. */
	st->footprint_bytes = (u64)s->fresh << s->shift;
	st->free_bytes = ((u64)s->npages - s->pages_used) << s->shift;
	st->largest_free = s->npages > s->pages_used ? s->max_size : 0;
	st->allocs = sum.allocs;
	st->frees = sum.frees;
	st->failed_allocs = s->failed;
	st->bad_frees = s->bad_frees;
	ka_unlock(&s->plock);
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

static int ks_mark_free(struct ks_census *k, u32 ci, void *obj, u16 mark)
{
	u32 got = KS_NCLASS;
	u16 *req = ks_lookup(k->s, obj, &got);

	if (!req || got != ci || *req) {
		ka_warn("slab: check: free object %p is live, foreign or free twice\n",
			obj);
		return -EFAULT;
	}
	*req = mark;
	return 0;
}

static void ks_check_cache(void *arg, void *cache)
{
	struct ks_census *k = arg;
	struct ks_cache *cc = cache;
	u32 ci, i;

	for (ci = 0; ci < KS_NCLASS && !k->err; ci++) {
		if (cc->mag[ci].n > KS_MAG || (ci >= k->s->nclass &&
					       cc->mag[ci].n)) {
			ka_warn("slab: check: magazine %u overflows\n", ci);
			k->err = -EFAULT;
			return;
		}
		for (i = 0; i < cc->mag[ci].n && !k->err; i++)
			k->err = ks_mark_free(k, ci, cc->mag[ci].obj[i],
					      KS_MARK_MAG);
	}
}

/* Marks the free stack of class page pg. */
static int ks_check_stack(struct ks_census *k, u32 pg)
{
	struct ka_slab *s = k->s;
	struct ks_class *c = &s->cls[s->pd[pg].cls];
	uintptr_t page = ks_page_addr(s, pg);
	u16 *stk = ks_stk(c, page);
	u32 i;

	if (s->pd[pg].nfree > c->nobjs)
		goto bad;
	for (i = 0; i < s->pd[pg].nfree; i++) {
		if (stk[i] >= c->nobjs)
			goto bad;
		if (ks_mark_free(k, s->pd[pg].cls,
				 (void *)(page + (uintptr_t)stk[i] * c->size),
				 KS_MARK_STK))
			return -EFAULT;
	}
	return 0;
bad:
	ka_warn("slab: check: free stack of page %u broken\n", pg);
	return -EFAULT;
}

/* Counts and clears the marks of class page pg. */
static int ks_check_objs(struct ks_census *k, u32 pg)
{
	struct ka_slab *s = k->s;
	struct ks_class *c = &s->cls[s->pd[pg].cls];
	u16 *req = ks_req(c, ks_page_addr(s, pg), 0);
	u32 i, stk = 0, lost = 0;

	for (i = 0; i < c->nobjs; i++) {
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
	if (lost || stk != s->pd[pg].nfree) {
		ka_warn("slab: check: page %u: %u objects lost or bad\n",
			pg, lost);
		return -EFAULT;
	}
	return 0;
}

/* Walks a page list; returns its length or -1 if a page is misfiled. */
static long ks_check_list(struct ka_slab *s, u32 head, u32 cls, bool pool)
{
	u32 pg = head, prev = KS_NIL;
	long n = 0;

	while (pg != KS_NIL) {
		struct ks_pdesc *d = &s->pd[pg];

		if (pg >= s->fresh || n++ > s->fresh || d->cls != cls ||
		    (!pool && (d->prev != prev || !d->nfree ||
			       d->nfree >= s->cls[cls].nobjs)))
			return -1;
		prev = pg;
		pg = d->next;
	}
	return n;
}

static int ks_check_pages(struct ka_slab *s)
{
	long pooled = ks_check_list(s, s->pool, KS_NOCLS, true);
	u32 ci, pg, partial = 0, spare = 0;
	long n;

	for (ci = 0; ci < s->nclass; ci++) {
		n = ks_check_list(s, s->cls[ci].partial, ci, false);
		if (n < 0)
			goto bad;
		partial += n;
		pg = s->cls[ci].spare;
		if (pg != KS_NIL && (pg >= s->fresh || s->pd[pg].cls != ci ||
				     s->pd[pg].nfree != s->cls[ci].nobjs))
			goto bad;
		spare += pg != KS_NIL;
	}
	for (pg = 0; pg < s->fresh; pg++) {
		ci = s->pd[pg].cls;
		if (ci == KS_NOCLS)
			continue;
		if (ci >= s->nclass)
			goto bad;
		n = s->pd[pg].nfree;
		partial -= n && n < s->cls[ci].nobjs;
		spare -= n == s->cls[ci].nobjs;
	}
	if (pooled < 0 || partial || spare ||
	    s->fresh - pooled != s->pages_used)
		goto bad;
	return 0;
bad:
	ka_warn("slab: check: page lists do not match the pages\n");
	return -EFAULT;
}

static int ks_check(void *priv)
{
	struct ka_slab *s = priv;
	struct ks_census k = { .s = s };
	struct ka_stats st;
	u32 pg;

	if (ks_check_pages(s))
		return -EFAULT;
	for (pg = 0; pg < s->fresh && !k.err; pg++)
		if (s->pd[pg].cls != KS_NOCLS)
			k.err = ks_check_stack(&k, pg);
	if (!k.err)
		ka_pcpu_for_each(&s->pc, ks_check_cache, &k);
	/* Always clear every mark, even after an error. */
	for (pg = 0; pg < s->fresh; pg++)
		if (s->pd[pg].cls != KS_NOCLS && ks_check_objs(&k, pg))
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
		c->partial = KS_NIL;
		c->spare = KS_NIL;
		ka_lock_init(&c->lock);
		s->max_size = size;
	}
	s->nclass = i;
	for (i = 0, j = 0; j < KS_LOOKUP; j++) {
		while (i + 1 < s->nclass && s->cls[i].size < j * 8)
			i++;
		s->lookup[j] = i;
	}
}

static int ks_init(void *priv, void *base, size_t len)
{
	struct ka_slab *s = priv;
	uintptr_t start = ka_align_up((uintptr_t)base, 8);
	uintptr_t end = (uintptr_t)base + len, page;
	u32 i;
	int err;

	ka_memset(s, 0, sizeof(*s));
	if (!base || end < (uintptr_t)base || end < start)
		return -EINVAL;
	/* Small regions get small pages, so that they hold a few. */
	s->shift = len >= (2UL << 20) ? KS_PAGE_SHIFT :
		   len >= (256UL << 10) ? 14 : 12;
	page = 1UL << s->shift;
	s->page_mask = ~(page - 1);
	s->pd = (struct ks_pdesc *)start;
	s->area = (u8 *)ka_align_up(start + (len >> s->shift) *
				    sizeof(struct ks_pdesc), page);
	if ((uintptr_t)s->area >= end || end - (uintptr_t)s->area < page)
		return -EINVAL;
	s->base = base;
	s->len = len;
	s->npages = (end - (uintptr_t)s->area) >> s->shift;
	for (i = 0; i < s->npages; i++)
		s->pd[i].cls = KS_NOCLS;
	s->pool = KS_NIL;
	ks_init_classes(s);
	ka_lock_init(&s->plock);
	err = ka_pcpu_init(&s->pc, sizeof(struct ks_cache), ks_cache_flush, s);
	if (err)
		goto destroy_locks;
	return 0;

destroy_locks:
	for (i = 0; i < s->nclass; i++)
		ka_lock_destroy(&s->cls[i].lock);
	ka_lock_destroy(&s->plock);
	return err;
}

static void ks_fini(void *priv)
{
	struct ka_slab *s = priv;
	u32 i;

	ka_pcpu_fini(&s->pc);
	for (i = 0; i < s->nclass; i++)
		ka_lock_destroy(&s->cls[i].lock);
	ka_lock_destroy(&s->plock);
	ka_memset(s, 0, sizeof(*s));
}

const struct ka_policy_ops ka_slab_ops = {
	.name		= "slab",
	.priv_size	= sizeof(struct ka_slab),
	.init		= ks_init,
	.fini		= ks_fini,
	.alloc		= ks_alloc,
	.free		= ks_free,
	.usable_size	= ks_usable_size,
	.stats		= ks_stats,
	.check		= ks_check,
};
