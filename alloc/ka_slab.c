// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ka_slab.c - size-class slab allocator with per-CPU/per-thread magazines.
 *
 * Layers, from the fast path down:
 *
 * 1. Magazines. Every CPU (kernel) or thread (userspace) has, per size
 *    class, a magazine of up to KS_MAG free objects (ka_pcpu_get()),
 *    fewer for big objects (about KS_MAG_BYTES worth, at least
 *    KS_MAG_MIN). An entry is the object and its state u16, both as u32
 *    offsets from the region base. alloc pops one and writes the size
 *    asked for into the state; free pushes one after claiming the state
 *    (below). The class comes from a byte table indexed by (size + 7) /
 *    8; the magazine header holds the class's counters, so the fast path
 *    writes one cache-local header, one entry and the state u16.
 * 2. The depot: per class, under the class lock, the slabs. An empty
 *    magazine is refilled from the lowest slab with room first (a per
 *    class bitmap of such slabs, by address), so live objects crowd the
 *    low slabs and the high ones drain; a full one gives its oldest half
 *    back to the free stacks of their slabs. A run of refills (or
 *    flushes) in a row moves a whole magazine (down to a quarter) at a
 *    time. Slabs are carved lazily: a new slab hands out its objects in
 *    address order before its free stack is used. A slab whose objects
 *    are all back is a spare; a class keeps KS_SPARE_UNITS units of
 *    spares and gives the rest back to the pool at once. When the pool
 *    runs dry, alloc flushes the caller's magazines and every class's
 *    spares, and tries again once.
 * 3. The unit pool: the region is cut into 4 KiB units. A slab takes 1
 *    to KS_SLAB_UNITS units, chosen per class so that the objects fill
 *    it best: 5 units hold exactly four 5 KiB objects, one unit two 2 KiB
 *    ones. Free units form maximal runs, filed by length class; a request
 *    takes the lowest run of the smallest class that fits (best fit).
 * 4. Large blocks: sizes above the largest class (KS_MAX_SIZE), and
 *    alignments above a unit, take a run of units under the pool lock.
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
 *   3. the pool lock plock: units, large blocks and the counters of
 *      retired caches
 *
 * Metadata lives outside the objects. A unit descriptor per unit (at the
 * start of the region) says which class or block owns it and, for a
 * slab, where the slab starts, its object size and reciprocal and where
 * its state array is. Each object has a state u16 (the size asked for;
 * 0: free) and a u16 slot on its slab's free stack: at the end of the
 * slab for classes below KS_SIDE_MIN bytes, else in side arrays of
 * KS_SIDE entries per unit (at most that many such objects start in a
 * unit), so that big objects fill their slabs exactly.
 *
 * free() of a small object takes no lock on its fast path: the unit
 * gives the slab, the index is (offset * reciprocal) >> 32 and must be
 * exact, then ka_xchg16_zero() claims the object's state, so of two CPUs
 * freeing the same pointer exactly one proceeds and the other is told
 * -EALREADY. A pointer outside the units, inside a unit nobody owns, not
 * at an object start or not carved yet is refused with -EINVAL, an
 * object whose state is 0 or a large block already given back with
 * -EALREADY, before anything is written. A new slab's state array is
 * zeroed before its units name the class, so the claim finds every
 * object of it free until alloc hands them out.
 *
 * Classes: 8, 16, then steps of 16 up to 128 and four classes per power
 * of two up to 16 KiB, so rounding wastes at most 1/4 (1/8 on average).
 * Objects start at slab offset 0 and slabs at a unit boundary, so
 * alignment > 8 picks the first class whose size is a multiple of it.
 *
 * Counters are kept per magazine (allocs and bytes asked for) and per
 * class in the depot (objects carved and not on a free stack: live or
 * cached); stats() derives live objects and frees from them.
 *
 * Cache lines: with one instance shared by several CPUs, a line that one
 * CPU writes and another reads moves between them on every access. So
 * what every operation reads (the class table, lookup, region bounds) is
 * written by init only; the pool and its counters sit KS_LINE bytes
 * further on, and each class's lock and depot counters have a line of
 * their own after the struct (priv_size includes them).
 */
#include "ka_policy.h"

#define KS_USHIFT	12		/* unit: the pool's page, 4 KiB */
#define KS_UNIT		4096UL		/* 1 << KS_USHIFT */
#define KS_LINE		64		/* cache line bytes */
static_assert(KS_UNIT == 1UL << KS_USHIFT, "unit size");
#define KS_MAG		60		/* entries per magazine, at most */
#define KS_MAG_MIN	2
#define KS_RING		512		/* ring entries per class, at most */
#define KS_RING_BYTES	(1024 << 10)	/* object bytes per ring, about */
#define KS_STREAK	2		/* visits in a row that make a run */
#define KS_MAG_BYTES	(64 << 10)	/* object bytes per magazine, about */
#define KS_NCLASS	37
#define KS_MAX_SIZE	16384
#define KS_LOOKUP	(KS_MAX_SIZE / 8 + 1)
#define KS_SLAB_UNITS	8		/* most units one slab spans */
#define KS_MIN_OBJS	1		/* objects a slab should hold */
#define KS_SIDE		14		/* state slots in a unit's line */
#define KS_SIDE_MIN	320		/* classes this big keep state there */
#define KS_MAX_LEN	0x100000000ULL	/* state offsets from base are u32 */
#define KS_NIL		0xffffffffU
#define KS_FREE		0xffff		/* unit is in the pool */
#define KS_RUN		0xfffe		/* first unit of a large block */
#define KS_TAIL		0xfffd		/* further unit of a large block */
#define KS_CACHED	0xfffc		/* first unit of a large block freed
					 * into the large cache
					 */
#define KS_LCACHE	64		/* largest block the cache keeps, units */
#define KS_WAS_RUN	1		/* pool unit: a freed block began here */

/*
 * One per unit of the area, a cache line each. What the free fast path
 * reads (cls, soff, recip, size, st_off) is in every unit of a slab, so
 * it needs no class table. For classes of KS_SIDE_MIN bytes and more (at
 * most KS_SIDE objects start in a unit) the states of the objects that
 * start in a unit are in that unit's line too: the free fast path's
 * claim hits the line it has just read, and refill and flush touch no
 * other memory of the slab (fmask is its free set). The depot fields are
 * the slab head's, written under the class lock.
 */
struct ks_unit {
	u16 cls;		/* class, KS_FREE, KS_RUN or KS_TAIL */
	u16 nfree;		/* slab head: free objects in the slab */
	u16 carved;		/* slab head: objects handed out so far (all
				 * of them at once for the big classes)
				 */
	u16 mark;		/* pool unit: KS_WAS_RUN or 0; slab head:
				 * stats() scratch (objects in the caller's
				 * magazines)
				 */
	u32 start;		/* first unit of the slab, block or free run */
	u32 st_off;		/* slab: the state of its object 0 would be
				 * at base + st_off (big classes: virtually)
				 */
	u32 size;		/* slab: object size; KS_RUN: bytes asked for */
	u32 recip;		/* slab: ceil(2^32 / size) */
	union {
		u32 soff;	/* slab: its first byte, from the area */
		u32 nunits;	/* KS_RUN and free run head: units */
	};
	u16 first;		/* big classes: first object starting here */
	u16 fmask;		/* big classes: bit i: object first + i free */
	u32 olim;		/* slab: offsets at or above this hold no
				 * object (small classes: the slab's state
				 * and stack are there)
				 */
	u16 st[KS_SIDE];	/* big classes: states of objects first.. */
};

/* A power of two, so the fast path indexes units with a shift. */
static_assert(sizeof(struct ks_unit) == 64, "unit descriptor size");
/* Every object of a big class that starts in a unit has a slot there. */
static_assert(KS_SIDE >= (KS_UNIT + KS_SIDE_MIN - 1) / KS_SIDE_MIN &&
	      KS_SIDE <= 16, "state slots and free mask per unit");

/* Read-mostly: written by init only, read by every operation. */
struct ks_class {
	u32 size;
	u32 recip;		/* ceil(2^32 / size) */
	u16 nobjs;		/* objects per slab */
	u8 units;		/* units per slab */
	u8 side;		/* state and stack in the side arrays */
	u16 mag_max;		/* magazine limit, even, <= KS_MAG */
	u16 batch;		/* objects a refill or flush moves */
	u32 st_off;		/* in-slab: slab offset of the state array */
	u32 stk_off;		/* in-slab: slab offset of the free stack */
	u32 pad[2];
};

/* A power of two: the free fast path indexes classes with a shift. */
static_assert(sizeof(struct ks_class) == 32, "class size");

/*
 * Per class, what refill and flush write: a cache line of its own (see
 * struct ka_slab), padded to a whole number of lines.
 */
/*
 * held, spare and rn change under lock only, always with ka_write_once():
 * ks_release_spares() and stats() read them without it, as hints.
 */
struct ks_depot {
	struct ka_lock lock;	/* the class's slabs, its ring */
	u32 held;		/* objects carved and not on a free stack */
	u32 spare;		/* units of empty slabs kept back */
	u32 rn;			/* entries on the ring */
	u32 rmax;		/* its capacity for this class */
	struct ks_ent *ring;	/* free objects between magazines and slabs */
	u8 pad[KS_LINE - (sizeof(struct ka_lock) + 4 * sizeof(u32) +
			  sizeof(void *)) % KS_LINE];
};

/*
 * A magazine's count and counters; its entries are in ks_cache.e. The
 * two counters are apart: side by side, gcc pairs their updates into
 * one vector add, which costs more than the two adds.
 */
struct ks_mhdr {
	u64 allocs;		/* allocs served from this magazine */
	u32 n;
	u8 refills;		/* depot visits in a row that refilled */
	u8 flushes;		/* depot visits in a row that flushed */
	u16 max;		/* the class's mag_max; 0 until the cache's
				 * first slow free sets every class's
				 */
	u64 req;		/* bytes asked for, minus those freed into it */
	u64 pad2;
};

static_assert(sizeof(struct ks_mhdr) == 32, "magazine header size");

/*
 * A free object and its state u16, both as offsets from the region
 * base (which is why a region is at most 4 GiB): alloc writes the one
 * and returns the other.
 */
struct ks_ent {
	u32 obj;
	u32 st;
};

/* A power of two: the fast paths find a magazine with one shift. */
struct ks_mag {
	struct ks_mhdr h;
	struct ks_ent e[KS_MAG];
};

static_assert(sizeof(struct ks_mag) == 512, "magazine size");

struct ks_cache {
	struct ks_mag m[KS_NCLASS];
};

struct ks_count {
	u64 allocs;
	u64 req;
};

/*
 * The fields every operation reads come first and are never written
 * after init; what the slow paths write follows KS_LINE bytes later, and
 * the class depots live on their own lines behind the struct (dep), so
 * that a refill, flush or counter update on one CPU never takes away a
 * line another CPU's fast path is reading.
 */
struct ka_slab {
	struct ka_pcpu pc;
	u8 *area;		/* first unit, KS_UNIT aligned */
	u8 *base;
	uintptr_t span;		/* nunits << KS_USHIFT: bytes of the area */
	struct ks_unit *ud;
	u32 max_size;
	u32 nclass;		/* classes whose slab fits the area */
	u32 nunits;
	u32 w0, w1, w2;		/* words per set of each level */
	u64 *pmap;		/* per class: bit set: slab head with room */
	u64 *psum;		/* per class: bit set: pmap word not zero */
	u64 *psum2;		/* per class: bit set: psum word not zero */
	u64 *map;		/* bit set: unit is in the pool */
	u64 *rmap;		/* per run class: bit set: a free run starts */
	u64 *rsum;		/* per run class: bit set: rmap word not zero */
	u64 *rsum2;		/* per run class: bit set: rsum word not zero */
	struct ks_ent *rings;	/* rcap entries per class */
	u32 rcap;
	size_t len;
	struct ks_depot *dep;	/* nclass lines after the struct */
	u8 lookup[KS_LOOKUP];
	struct ks_class cls[KS_NCLASS];
	u8 gap[KS_LINE];	/* no line holds fields from both sides */
	/* Below: written by the slow paths. */
	struct ka_lock plock;	/* pool, large blocks, retired counters */
	u64 rmask;		/* bit set: run class not empty */
	u32 lcache[KS_LCACHE + 1]; /* per length: freed blocks, a list */
	u32 lcached;		/* units in the large cache; ka_write_once() */
	u32 top;		/* highest unit end ever handed out */
	u32 used;		/* units out of the pool */
	struct ks_count retired[KS_NCLASS]; /* flushed caches, no cache */
	struct ks_count large;
	u64 large_frees;
	u64 large_units;	/* units of live large blocks */
	u64 failed;
	u64 bad_frees;
};

/* State plus depots; the slack lets ks_init() align the depots. */
#define KS_PRIV_SIZE	(sizeof(struct ka_slab) + KS_LINE + \
			 KS_NCLASS * sizeof(struct ks_depot))

/* Size of class i: 8, 16..128 by 16, then 4 steps per power of two. */
static u32 ks_class_size(u32 i)
{
	u32 k;

	if (i == 0)
		return 8;
	if (i <= 8)
		return 16 * i;
	k = (i - 9) / 4;
	return (128U << k) + ((i - 9) % 4 + 1) * (32U << k);
}

static inline uintptr_t ks_unit_addr(struct ka_slab *s, u32 pg)
{
	return (uintptr_t)s->area + ((uintptr_t)pg << KS_USHIFT);
}

static inline u32 ks_unit_of(struct ka_slab *s, const void *p)
{
	return ((uintptr_t)p - (uintptr_t)s->area) >> KS_USHIFT;
}

static inline u16 *ks_state(struct ka_slab *s, struct ks_unit *u)
{
	return (u16 *)(s->base + ka_read_once(u->st_off));
}

/* The free stack of the slab whose head is pg (small classes). */
static inline u16 *ks_stack(struct ka_slab *s, struct ks_class *c, u32 pg)
{
	return (u16 *)(ks_unit_addr(s, pg) + c->stk_off);
}

static inline u32 ks_index(struct ks_class *c, uintptr_t off)
{
	return (u32)(((u64)off * c->recip) >> 32);
}

static inline void *ks_eobj(struct ka_slab *s, const struct ks_ent *e)
{
	return s->base + e->obj;
}

static inline u16 *ks_est(struct ka_slab *s, const struct ks_ent *e)
{
	return (u16 *)(s->base + e->st);
}

static inline bool ks_slab_full(struct ks_class *c, struct ks_unit *u)
{
	return !u->nfree && u->carved == c->nobjs;
}

/* ---- three-level bitmaps over units ---------------------------------- */

/*
 * A set of units: bit i of the w0 words; bit j of the w1 words set when
 * w0 word j is not zero; bit k of the w2 words set when w1 word k is not
 * zero (one w2 word covers 2^18 units, 1 GiB). The partial slabs of each
 * class and the free runs of each length class are such sets, so the
 * lowest member is three ffs away.
 */
struct ks_set {
	u64 *w0;
	u64 *w1;
	u64 *w2;
};

static inline void ks_set_add(struct ks_set m, u32 i)
{
	m.w0[i / 64] |= 1ULL << (i % 64);
	m.w1[i / 4096] |= 1ULL << (i / 64 % 64);
	m.w2[i / 262144] |= 1ULL << (i / 4096 % 64);
}

static inline void ks_set_del(struct ks_set m, u32 i)
{
	m.w0[i / 64] &= ~(1ULL << (i % 64));
	if (m.w0[i / 64])
		return;
	m.w1[i / 4096] &= ~(1ULL << (i / 64 % 64));
	if (m.w1[i / 4096])
		return;
	m.w2[i / 262144] &= ~(1ULL << (i / 4096 % 64));
}

static inline bool ks_set_has(struct ks_set m, u32 i)
{
	return m.w0[i / 64] >> (i % 64) & 1;
}

/* Bits above bit b of w. */
static inline u64 ks_above(u64 w, u32 b)
{
	return b == 63 ? 0 : w & (~0ULL << (b + 1));
}

/* The lowest member >= from, or KS_NIL. */
static u32 ks_set_next(struct ka_slab *s, struct ks_set m, u32 from)
{
	u32 i = from / 64, j = from / 4096, k = from / 262144;
	u64 w;

	if (from >= s->nunits)
		return KS_NIL;
	w = m.w0[i] & (~0ULL << (from % 64));
	if (w)
		return i * 64 + ka_ffs64(w) - 1;
	w = ks_above(m.w1[j], i % 64);
	if (!w) {
		w = ks_above(m.w2[k], j % 64);
		while (!w) {
			if (++k >= s->w2)
				return KS_NIL;
			w = m.w2[k];
		}
		j = k * 64 + ka_ffs64(w) - 1;
		w = m.w1[j];
	}
	i = j * 64 + ka_ffs64(w) - 1;
	return i * 64 + ka_ffs64(m.w0[i]) - 1;
}

static inline bool ks_set_empty(struct ka_slab *s, struct ks_set m)
{
	u32 k;

	for (k = 0; k < s->w2; k++)
		if (m.w2[k])
			return false;
	return true;
}

/* ---- unit pool: free runs by length, plock held ----------------------- */

/*
 * Free units form maximal runs (freeing coalesces with both neighbours).
 * A run [a, a + n) is described by its head, ud[a].nunits = n, and its
 * last unit, ud[a + n - 1].start = a; every unit of it has cls KS_FREE
 * and its bit set in the pool bitmap. Runs are filed by length class:
 * lengths 1..KS_RC_EXACT one class each, longer ones one class per
 * power of two. A request of n units takes the lowest run of the
 * smallest non-empty class that fits (best fit by class, lowest address
 * within it), from its low end; in a power-of-two class the runs are
 * tried in address order. The remainder is filed again.
 */
#define KS_RC_EXACT	32
#define KS_RCLASS	48

static inline u32 ks_rclass(u32 n)
{
	return n <= KS_RC_EXACT ? n - 1 : KS_RC_EXACT + (u32)ka_fls64(n) - 6;
}

static inline struct ks_set ks_runs(struct ka_slab *s, u32 rc)
{
	return (struct ks_set){ s->rmap + (size_t)rc * s->w0,
				s->rsum + (size_t)rc * s->w1,
				s->rsum2 + (size_t)rc * s->w2 };
}

static inline bool ks_pool_has(struct ka_slab *s, u32 pg)
{
	return s->map[pg / 64] >> (pg % 64) & 1;
}

/* First unit >= from that is free (want) or used (!want); nunits if none. */
static u32 ks_map_next(struct ka_slab *s, u32 from, bool want)
{
	u32 w = from / 64, nw = (s->nunits + 63) / 64;
	u64 bits;

	if (from >= s->nunits)
		return s->nunits;
	bits = (want ? s->map[w] : ~s->map[w]) & (~0ULL << (from % 64));
	while (!bits) {
		if (++w >= nw)
			return s->nunits;
		bits = want ? s->map[w] : ~s->map[w];
	}
	from = w * 64 + ka_ffs64(bits) - 1;
	return from < s->nunits ? from : s->nunits;
}

static void ks_map_set(struct ka_slab *s, u32 pg, u32 n, bool free)
{
	u64 m;

	while (n) {
		u32 b = pg % 64, k = n < 64 - b ? n : 64 - b;

		m = (k == 64 ? ~0ULL : ((1ULL << k) - 1)) << b;
		if (free)
			s->map[pg / 64] |= m;
		else
			s->map[pg / 64] &= ~m;
		pg += k;
		n -= k;
	}
}

/* Files the free run [a, a + n). */
static void ks_run_file(struct ka_slab *s, u32 a, u32 n)
{
	u32 rc = ks_rclass(n);

	s->ud[a].nunits = n;
	s->ud[a].start = a;
	s->ud[a + n - 1].start = a;
	ks_set_add(ks_runs(s, rc), a);
	s->rmask |= 1ULL << rc;
}

static void ks_run_unfile(struct ka_slab *s, u32 a)
{
	u32 rc = ks_rclass(s->ud[a].nunits);
	struct ks_set m = ks_runs(s, rc);

	ks_set_del(m, a);
	if (!m.w2[a / 262144] && ks_set_empty(s, m))
		s->rmask &= ~(1ULL << rc);
}

/* A free run of at least n units, by class then address; KS_NIL if none. */
static u32 ks_run_fit(struct ka_slab *s, u32 n)
{
	u64 mask = s->rmask & (~0ULL << ks_rclass(n));
	u32 rc, a;

	while (mask) {
		rc = ka_ffs64(mask) - 1;
		a = ks_set_next(s, ks_runs(s, rc), 0);
		/* In a power-of-two class a run may still be too short. */
		while (a != KS_NIL && s->ud[a].nunits < n)
			a = ks_set_next(s, ks_runs(s, rc), a + 1);
		if (a != KS_NIL)
			return a;
		mask &= mask - 1;
	}
	return KS_NIL;
}

/*
 * A run of n free units starting at a multiple of align (a power of two
 * above KS_UNIT): the lowest, found by walking the bitmap's free and
 * used stretches. Only explicitly over-aligned large blocks come here.
 */
static u32 ks_run_fit_aligned(struct ka_slab *s, u32 n, size_t align,
			      u32 *head)
{
	uintptr_t apg = align >> KS_USHIFT;
	uintptr_t first = (uintptr_t)s->area >> KS_USHIFT;
	u32 p = 0, q;
	uintptr_t a;

	while (p < s->nunits) {
		p = ks_map_next(s, p, true);
		if (p >= s->nunits)
			break;
		q = ks_map_next(s, p, false);
		a = ka_align_up(first + p, apg) - first;
		if (a + n <= q) {
			*head = p;	/* runs are maximal: p starts one */
			return a;
		}
		p = q;
	}
	return KS_NIL;
}

/*
 * Takes n units at align from the pool; KS_NIL if none, or if they would
 * end above the high-water mark and !grow. plock held.
 */
static u32 ks_pool_take(struct ka_slab *s, u32 n, size_t align, bool grow)
{
	u32 a, head, len, i;

	if (align <= KS_UNIT) {
		a = ks_run_fit(s, n);
		head = a;
	} else {
		a = ks_run_fit_aligned(s, n, align, &head);
	}
	if (a == KS_NIL || (!grow && a + n > s->top))
		return KS_NIL;
	len = s->ud[head].nunits;
	ks_run_unfile(s, head);
	if (head < a)
		ks_run_file(s, head, a - head);
	if (a + n < head + len)
		ks_run_file(s, a + n, head + len - a - n);
	ks_map_set(s, a, n, false);
	for (i = 0; i < n; i++)
		s->ud[a + i].mark = 0;
	s->used += n;
	if (a + n > s->top)
		s->top = a + n;
	return a;
}

/* Gives [a, a + n) back, merged with the free runs on either side. */
static void ks_pool_give(struct ka_slab *s, u32 a, u32 n)
{
	u32 head;

	ks_map_set(s, a, n, true);
	s->used -= n;
	if (a && ks_pool_has(s, a - 1)) {
		head = s->ud[a - 1].start;
		ks_run_unfile(s, head);
		n += a - head;
		a = head;
	}
	if (a + n < s->nunits && ks_pool_has(s, a + n)) {
		head = a + n;
		n += s->ud[head].nunits;
		ks_run_unfile(s, head);
	}
	ks_run_file(s, a, n);
}

/* ---- partial slabs: per class, by address ------------------------------ */

static inline struct ks_set ks_part(struct ka_slab *s, u32 ci)
{
	return (struct ks_set){ s->pmap + (size_t)ci * s->w0,
				s->psum + (size_t)ci * s->w1,
				s->psum2 + (size_t)ci * s->w2 };
}

static inline void ks_part_set(struct ka_slab *s, u32 ci, u32 pg)
{
	ks_set_add(ks_part(s, ci), pg);
}

static inline void ks_part_clear(struct ka_slab *s, u32 ci, u32 pg)
{
	ks_set_del(ks_part(s, ci), pg);
}

static inline bool ks_part_has(struct ka_slab *s, u32 ci, u32 pg)
{
	return ks_set_has(ks_part(s, ci), pg);
}

/* The lowest slab of class ci with objects to give, or KS_NIL. */
static inline u32 ks_part_first(struct ka_slab *s, u32 ci)
{
	return ks_set_next(s, ks_part(s, ci), 0);
}

/* ---- depot: class lock held ------------------------------------------ */

/* Objects of class c that start before byte off of their slab. */
static inline u32 ks_starts_before(struct ks_class *c, u32 off)
{
	return (off + c->size - 1) / c->size;
}

/*
 * Unit j of a new big-class slab at pg: the objects that start in it
 * (first..), their states zeroed in its line (the one past the last
 * object too, which the exactness check lets through), all of them free.
 */
static void ks_unit_init_big(struct ka_slab *s, struct ks_class *c, u32 pg,
			     u32 j)
{
	struct ks_unit *u = &s->ud[pg + j];
	u32 first = ks_starts_before(c, j << KS_USHIFT);
	u32 end = ks_starts_before(c, (j + 1) << KS_USHIFT);

	if (end > c->nobjs)
		end = c->nobjs;
	ka_memset(u->st, 0, sizeof(u->st));
	u->first = first;
	u->fmask = (u16)((1U << (end - first)) - 1);
	ka_write_once(u->st_off, (u32)((u8 *)u->st - s->base) - 2 * first);
}

static void ks_steal_spares(struct ka_slab *s, u32 ci);

/*
 * A new slab for class ci from the pool, or KS_NIL. Its state array is
 * zeroed before any unit says it belongs to the class, so a free racing
 * with this (a wild one) finds every object free.
 */
static u32 ks_slab_new(struct ka_slab *s, u32 ci)
{
	struct ks_class *c = &s->cls[ci];
	u32 pg, i, n;
	u16 *st;

	ka_lock(&s->plock);
	pg = ks_pool_take(s, c->units, KS_UNIT, false);
	ka_unlock(&s->plock);
	if (pg == KS_NIL) {
		/* Other classes' spares first, then above the high-water mark. */
		ks_steal_spares(s, ci);
		ka_lock(&s->plock);
		pg = ks_pool_take(s, c->units, KS_UNIT, true);
		ka_unlock(&s->plock);
		if (pg == KS_NIL)
			return KS_NIL;
	}
	if (c->side) {
		/* Every object free at once; states in the units' lines. */
		for (i = 0; i < c->units; i++)
			ks_unit_init_big(s, c, pg, i);
		s->ud[pg].nfree = c->nobjs;
		ka_write_once(s->ud[pg].carved, c->nobjs);
	} else {
		st = (u16 *)(ks_unit_addr(s, pg) + c->st_off);
		n = c->nobjs + 1;
		ka_memset(st, 0, n * sizeof(*st));
		s->ud[pg].nfree = 0;
		ka_write_once(s->ud[pg].carved, 0);
		for (i = 0; i < c->units; i++)
			ka_write_once(s->ud[pg + i].st_off,
				      (u32)((u8 *)st - s->base));
	}
	for (i = 0; i < c->units; i++) {
		ka_write_once(s->ud[pg + i].start, pg);
		ka_write_once(s->ud[pg + i].size, c->size);
		ka_write_once(s->ud[pg + i].recip, c->recip);
		ka_write_once(s->ud[pg + i].soff, pg << KS_USHIFT);
		ka_write_once(s->ud[pg + i].olim, c->nobjs * c->size);
		ka_write_once(s->ud[pg + i].cls, ci);
	}
	ks_part_set(s, ci, pg);
	return pg;
}

/* Slab pg of class ci is empty: every unit back to the pool. */
static void ks_slab_release(struct ka_slab *s, u32 ci, u32 pg)
{
	struct ks_class *c = &s->cls[ci];
	u32 i;

	ks_part_clear(s, ci, pg);
	for (i = 0; i < c->units; i++)
		ka_write_once(s->ud[pg + i].cls, KS_FREE);
	ka_lock(&s->plock);
	ks_pool_give(s, pg, c->units);
	ka_unlock(&s->plock);
}

/*
 * Takes free objects of the big-class slab at pg, lowest first, into
 * e[n..want) from the free sets of its units; returns the new n.
 */
static u32 ks_take_big(struct ka_slab *s, struct ks_class *c, u32 pg,
		       struct ks_ent *e, u32 n, u32 want)
{
	u32 slab = (u32)(ks_unit_addr(s, pg) - (uintptr_t)s->base), j, idx;
	struct ks_unit *head = &s->ud[pg], *u;
	u32 b;

	for (j = 0; j < c->units && n < want; j++) {
		u = &s->ud[pg + j];
		while (u->fmask && n < want) {
			b = ka_ffs64(u->fmask) - 1;
			u->fmask &= u->fmask - 1;
			idx = u->first + b;
			e[n].obj = slab + idx * c->size;
			e[n++].st = u->st_off + 2 * idx;
			head->nfree--;
		}
	}
	return n;
}

/*
 * Fills magazine (h, e) of class ci up to want objects, from the lowest
 * slab with room first: the free stack, then objects not carved yet.
 */
static void ks_refill(struct ka_slab *s, u32 ci, struct ks_mhdr *h,
		      struct ks_ent *e, u32 want)
{
	struct ks_class *c = &s->cls[ci];
	struct ks_depot *dp = &s->dep[ci];
	u32 pg, idx, n = h->n, obj, st, size = c->size;
	struct ks_unit *u;
	u16 *stk;

	ka_lock(&dp->lock);
	if (dp->rn) {
		idx = want - n < dp->rn ? want - n : dp->rn;
		ka_write_once(dp->rn, dp->rn - idx);
		ka_memcpy(e + n, dp->ring + dp->rn, idx * sizeof(*e));
		n += idx;
		h->n = n;
	}
	while (n < want) {
		pg = ks_part_first(s, ci);
		u = &s->ud[pg];
		if (pg == KS_NIL) {
			pg = ks_slab_new(s, ci);
			if (pg == KS_NIL)
				break;
			u = &s->ud[pg];
		} else if (u->nfree == u->carved) {
			/* An empty slab with objects carved is a spare. */
			ka_write_once(dp->spare, dp->spare - c->units);
		}
		if (c->side) {
			n = ks_take_big(s, c, pg, e, n, want);
		} else {
			obj = (u32)(ks_unit_addr(s, pg) - (uintptr_t)s->base);
			st = u->st_off;
			stk = ks_stack(s, c, pg);
			while (u->nfree && n < want) {
				idx = stk[--u->nfree];
				e[n].obj = obj + idx * size;
				e[n++].st = st + 2 * idx;
			}
			if (n < want && u->carved < c->nobjs) {
				idx = u->carved;
				while (idx < c->nobjs && n < want) {
					e[n].obj = obj + idx * size;
					e[n++].st = st + 2 * idx++;
				}
				ka_write_once(u->carved, idx);
			}
		}
		if (ks_slab_full(c, u))
			ks_part_clear(s, ci, pg);
	}
	ka_write_once(dp->held, dp->held + n - h->n);
	ka_unlock(&dp->lock);
	h->n = n;
}

/*
 * Slab pg of class ci became empty. It stays with the class as a spare
 * (on the partial map like any slab with room), so that a class whose
 * live count swings back and forth, or a burst of frees followed by a
 * burst of allocs, does not give slabs back and take them again. Spares
 * cost no footprint: a new slab or large block that would have to go
 * above the high-water mark first takes the spares of every class back
 * to the pool (ks_steal_spares(), ks_release_spares()), and so does an
 * alloc that finds the pool dry.
 */
static void ks_slab_empty(struct ka_slab *s, u32 ci, u32 pg, bool was_full)
{
	struct ks_depot *dp = &s->dep[ci];

	ka_write_once(dp->spare, dp->spare + s->cls[ci].units);
	if (was_full)
		ks_part_set(s, ci, pg);
}

/*
 * Slab pg of class ci has just had an object pushed: it was full (put it
 * on the partial map) or is now empty. Class lock held.
 */
static ka_noinline void ks_put_edge(struct ka_slab *s, u32 ci, u32 pg)
{
	struct ks_class *c = &s->cls[ci];
	struct ks_unit *u = &s->ud[pg];
	bool was_full = u->nfree == 1 && u->carved == c->nobjs;

	if (u->nfree == u->carved)
		ks_slab_empty(s, ci, pg, was_full);
	else
		ks_part_set(s, ci, pg);
}

/*
 * Gives entries e[0..n) of class ci back to their slabs' free stacks.
 * Class lock held. The loop does only the push; the two edges (a full
 * slab gets room, a slab becomes empty) are out of line.
 */
static void ks_depot_put(struct ka_slab *s, u32 ci, const struct ks_ent *e,
			 u32 n)
{
	struct ks_class *c = &s->cls[ci];
	u32 aoff = (u32)(s->area - s->base), pg, nf, i;
	struct ks_unit *ud = s->ud, *u, *head;
	u16 *stk;

	for (i = 0; i < n; i++) {
		u = &ud[(e[i].obj - aoff) >> KS_USHIFT];
		pg = u->start;
		head = &ud[pg];
		if (c->side) {
			/* The object starts in unit u: its bit is there. */
			u->fmask |= 1U << ((e[i].st - u->st_off) / 2 - u->first);
		} else {
			stk = (u16 *)(s->area + ((uintptr_t)pg << KS_USHIFT) +
				      c->stk_off);
			stk[head->nfree] = (u16)((e[i].st - u->st_off) / 2);
		}
		nf = ++head->nfree;
		if (unlikely(nf == head->carved ||
			     (nf == 1 && head->carved == c->nobjs)))
			ks_put_edge(s, ci, pg);
	}
}

/* An empty slab among a class's slabs with room. Class lock held. */
static inline bool ks_slab_spare(struct ka_slab *s, u32 pg)
{
	return s->ud[pg].nfree == s->ud[pg].carved;
}

/* Every object on class ci's ring back to its slab. Class lock held. */
static void ks_ring_drain(struct ka_slab *s, u32 ci)
{
	struct ks_depot *dp = &s->dep[ci];

	ks_depot_put(s, ci, dp->ring, dp->rn);
	ka_write_once(dp->held, dp->held - dp->rn);
	ka_write_once(dp->rn, 0);
}

/* Class ci's ring to its slabs, every spare to the pool. Its lock held. */
static void ks_spares_to_pool(struct ka_slab *s, u32 ci)
{
	u32 pg, next;

	ks_ring_drain(s, ci);
	for (pg = ks_part_first(s, ci); pg != KS_NIL; pg = next) {
		next = ks_set_next(s, ks_part(s, ci), pg + 1);
		if (ks_slab_spare(s, pg))
			ks_slab_release(s, ci, pg);
	}
	ka_write_once(s->dep[ci].spare, 0);
}

/* Every block in the large cache back to the pool. plock held. */
static void ks_lcache_to_pool(struct ka_slab *s)
{
	u32 n, pg, i;

	for (n = 1; n <= KS_LCACHE && s->lcached; n++) {
		while (s->lcache[n] != KS_NIL) {
			pg = s->lcache[n];
			s->lcache[n] = s->ud[pg].st_off;
			ka_write_once(s->lcached, s->lcached - n);
			for (i = 0; i < n; i++)
				ka_write_once(s->ud[pg + i].cls, KS_FREE);
			s->ud[pg].mark = KS_WAS_RUN;
			ks_pool_give(s, pg, n);
		}
	}
}

/* The pool ran dry, or a block would raise the footprint. No lock held. */
static void ks_release_spares(struct ka_slab *s)
{
	struct ks_depot *dp;
	u32 ci;

	if (ka_read_once(s->lcached)) {
		ka_lock(&s->plock);
		ks_lcache_to_pool(s);
		ka_unlock(&s->plock);
	}
	for (ci = 0; ci < s->nclass; ci++) {
		dp = &s->dep[ci];
		if (!ka_read_once(dp->spare) && !ka_read_once(dp->rn))
			continue;
		ka_lock(&dp->lock);
		ks_spares_to_pool(s, ci);
		ka_unlock(&dp->lock);
	}
}

/*
 * As ks_release_spares(), from inside class ci's depot: the other classes'
 * locks are only tried (ka_trylock() never waits, so two classes doing
 * this at once cannot deadlock); a busy class keeps its spares this time.
 */
static void ks_steal_spares(struct ka_slab *s, u32 ci)
{
	struct ks_depot *dp;
	u32 cj;

	if (ka_read_once(s->lcached)) {
		ka_lock(&s->plock);
		ks_lcache_to_pool(s);
		ka_unlock(&s->plock);
	}
	for (cj = 0; cj < s->nclass; cj++) {
		dp = &s->dep[cj];
		if (cj == ci ||
		    (!ka_read_once(dp->spare) && !ka_read_once(dp->rn)) ||
		    !ka_trylock(&dp->lock))
			continue;
		ks_spares_to_pool(s, cj);
		ka_unlock(&dp->lock);
	}
}

/*
 * Gives the n oldest entries of magazine (h, e) of class ci back: onto
 * the class's ring while it has room (unless to_slabs), the rest to their
 * slabs' free stacks.
 */
static void ks_flush(struct ka_slab *s, u32 ci, struct ks_mhdr *h,
		     struct ks_ent *e, u32 n, bool to_slabs)
{
	struct ks_depot *dp = &s->dep[ci];
	u32 i, k = 0;

	ka_lock(&dp->lock);
	if (!to_slabs) {
		k = dp->rmax - dp->rn < n ? dp->rmax - dp->rn : n;
		ka_memcpy(dp->ring + dp->rn, e, k * sizeof(*e));
		ka_write_once(dp->rn, dp->rn + k);
	}
	if (k < n) {
		ks_depot_put(s, ci, e + k, n - k);
		ka_write_once(dp->held, dp->held - (n - k));
	}
	ka_unlock(&dp->lock);
	h->n -= n;
	for (i = 0; i < h->n; i++)
		e[i] = e[i + n];
}

/* Every object of the cache goes back to the depot (to_slabs: to slabs). */
static void ks_flush_all(struct ka_slab *s, struct ks_cache *cc, bool to_slabs)
{
	u32 ci;

	for (ci = 0; ci < s->nclass; ci++)
		if (cc->m[ci].h.n)
			ks_flush(s, ci, &cc->m[ci].h, cc->m[ci].e,
				 cc->m[ci].h.n, to_slabs);
}

/* ---- alloc ------------------------------------------------------------ */

static void *ks_fail(struct ka_slab *s)
{
	ka_lock(&s->plock);
	s->failed++;
	ka_unlock(&s->plock);
	return NULL;
}

/* No cache for this thread (out of memory): a one-object magazine. */
static void *ks_alloc_nocache(struct ka_slab *s, u32 ci, size_t size)
{
	struct ks_mhdr h = { 0 };
	struct ks_ent e[1];

	ks_refill(s, ci, &h, e, 1);
	if (!h.n) {
		ks_release_spares(s);
		ks_refill(s, ci, &h, e, 1);
	}
	if (!h.n)
		return ks_fail(s);
	ka_write_once(*ks_est(s, &e[0]), (u16)size);
	ka_lock(&s->plock);
	s->retired[ci].allocs++;
	s->retired[ci].req += size;
	ka_unlock(&s->plock);
	return ks_eobj(s, &e[0]);
}

/*
 * Magazine empty: refill it, flushing this cache once if the pool is dry.
 * Half a magazine, or a whole one if the last visit was a refill too (a
 * run of allocations, as in a burst, goes to the depot half as often).
 */
static void *ks_alloc_refill(struct ka_slab *s, u32 ci, struct ks_cache *cc,
			     size_t size)
{
	struct ks_class *c = &s->cls[ci];
	struct ks_mhdr *h = &cc->m[ci].h;
	u32 want = h->refills >= KS_STREAK ? c->mag_max : c->batch;
	struct ks_ent *e;

	ks_refill(s, ci, h, cc->m[ci].e, want);
	if (unlikely(!h->n)) {
		ks_flush_all(s, cc, true);
		ks_release_spares(s);
		ks_refill(s, ci, h, cc->m[ci].e, want);
		if (!h->n) {
			ka_pcpu_put(&s->pc);
			return ks_fail(s);
		}
	}
	if (h->refills < 255)
		h->refills++;
	h->flushes = 0;
	e = &cc->m[ci].e[--h->n];
	ka_write_once(*ks_est(s, e), (u16)size);
	h->allocs++;
	h->req += size;
	ka_pcpu_put(&s->pc);
	return ks_eobj(s, e);
}

static int ks_bad_free(struct ka_slab *s, const void *ptr, int err);

/* ---- large blocks: runs of units, plock held ------------------------- */

/* Takes a run of n units at align for a block of size bytes. */
static void *ks_run_take(struct ka_slab *s, u32 n, size_t align, size_t size)
{
	struct ks_unit *u;
	u32 pg, i;

	ka_lock(&s->plock);
	if (n <= KS_LCACHE && align <= KS_UNIT && s->lcache[n] != KS_NIL) {
		/* Its tails still say KS_TAIL and where it starts. */
		pg = s->lcache[n];
		u = &s->ud[pg];
		s->lcache[n] = u->st_off;
		ka_write_once(s->lcached, s->lcached - n);
		goto found;
	}
	pg = ks_pool_take(s, n, align, false);
	if (pg == KS_NIL) {
		ka_unlock(&s->plock);
		ks_release_spares(s);
		ka_lock(&s->plock);
		pg = ks_pool_take(s, n, align, true);
	}
	if (pg == KS_NIL) {
		ka_unlock(&s->plock);
		return NULL;
	}
	for (i = 1; i < n; i++) {
		ka_write_once(s->ud[pg + i].start, pg);
		ka_write_once(s->ud[pg + i].cls, KS_TAIL);
	}
	u = &s->ud[pg];
	u->nunits = n;
	ka_write_once(u->start, pg);
found:
	u->size = size;
	ka_write_once(u->cls, KS_RUN);
	s->large.allocs++;
	s->large.req += size;
	s->large_units += n;
	ka_unlock(&s->plock);
	return (void *)ks_unit_addr(s, pg);
}

/* A large block for size bytes at align; NULL if none. */
static void *ks_alloc_large(struct ka_slab *s, size_t size, size_t align)
{
	struct ks_cache *cc;
	size_t n;
	void *p;

	if (size > s->span || align > s->span)
		return ks_fail(s);
	n = (size + KS_UNIT - 1) >> KS_USHIFT;
	if (align < KS_UNIT)
		align = KS_UNIT;
	p = ks_run_take(s, n, align, size);
	if (p)
		return p;
	/* This cache's objects may pin the units we need. */
	cc = ka_pcpu_get(&s->pc);
	if (cc)
		ks_flush_all(s, cc, true);
	ka_pcpu_put(&s->pc);
	ks_release_spares(s);
	p = ks_run_take(s, n, align, size);
	return p ? p : ks_fail(s);
}

/* Class for size (<= max_size) and align; KS_NCLASS if none fits. */
static u32 ks_class_for(struct ka_slab *s, size_t size, size_t align)
{
	u32 ci = s->lookup[(size + 7) >> 3];

	if (align > KS_UNIT)
		return KS_NCLASS;
	while (ci < s->nclass && (s->cls[ci].size & (align - 1)))
		ci++;
	return ci < s->nclass ? ci : KS_NCLASS;
}

static void *ks_alloc_small(struct ka_slab *s, u32 ci, size_t size)
{
	struct ks_cache *cc = ka_pcpu_get(&s->pc);
	struct ks_mhdr *h;
	struct ks_ent *e;

	if (unlikely(!cc)) {
		ka_pcpu_put(&s->pc);
		return ks_alloc_nocache(s, ci, size);
	}
	h = &cc->m[ci].h;
	if (unlikely(!h->n))
		return ks_alloc_refill(s, ci, cc, size);
	e = &cc->m[ci].e[--h->n];
	ka_write_once(*ks_est(s, e), (u16)size);
	h->allocs++;
	h->req += size;
	ka_pcpu_put(&s->pc);
	return ks_eobj(s, e);
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

/*
 * The fast path pops this CPU's magazine and writes the object's state.
 * Any alignment asked for explicitly goes the slow way (kalloc.ko and
 * the benchmark ask for none).
 * It calls nothing (ka_pcpu_get_fast()) and only tail-calls its slow
 * path, so the compiler saves no registers for it.
 */
static void *ks_alloc(void *priv, size_t size, size_t align)
{
	struct ka_slab *s = priv;
	struct ks_cache *cc;
	struct ks_mag *m;
	struct ks_ent e;
	u32 ci, n;
	u8 *base;

	if (unlikely(size - 1 >= s->max_size || align))
		return ks_alloc_slow(s, size, align);
	ci = s->lookup[(size + 7) >> 3];
	cc = ka_pcpu_get_fast(&s->pc);
	if (unlikely(!cc))
		return ks_alloc_slow(s, size, align);
	m = &cc->m[ci];
	ka_hide(m);
	n = m->h.n;
	if (unlikely(!n)) {
		ka_pcpu_put(&s->pc);
		return ks_alloc_slow(s, size, align);
	}
	m->h.n = --n;
	e = m->e[n];
	base = s->base;
	m->h.allocs++;
	m->h.req += size;
	ka_write_once(*(u16 *)(base + e.st), (u16)size);
	ka_pcpu_put(&s->pc);
	return base + e.obj;
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
 * object start (r->st then points at its state u16, which the caller
 * reads: 0 means free), -EINVAL for anything foreign, 1 for a unit start
 * outside any slab (a large block, live or given back: plock decides).
 * Reads no object state.
 */
struct ks_ref {
	u32 pg;			/* slab head, or the unit */
	u32 ci;
	u16 *st;
};

static int ks_find(struct ka_slab *s, const void *ptr, struct ks_ref *r)
{
	uintptr_t off = (uintptr_t)ptr - (uintptr_t)s->area;
	struct ks_class *c;
	struct ks_unit *u;
	u32 idx;

	if (unlikely((uintptr_t)ptr < (uintptr_t)s->area || off >= s->span))
		return -EINVAL;
	r->pg = off >> KS_USHIFT;
	u = &s->ud[r->pg];
	r->ci = ka_read_once(u->cls);
	if (unlikely(r->ci >= s->nclass))
		return off & (KS_UNIT - 1) ? -EINVAL : 1;
	c = &s->cls[r->ci];
	r->pg = ka_read_once(u->start);
	off -= (uintptr_t)r->pg << KS_USHIFT;
	idx = ks_index(c, off);
	/* free() takes no lock: refill may be carving this slab meanwhile. */
	if (unlikely(idx >= ka_read_once(s->ud[r->pg].carved) ||
		     (uintptr_t)idx * c->size != off))
		return -EINVAL;
	r->st = ks_state(s, u) + idx;
	return 0;
}

static int ks_free_large(struct ka_slab *s, void *ptr, u32 pg)
{
	struct ks_unit *u = &s->ud[pg];
	u32 n, i;
	int err;

	ka_lock(&s->plock);
	if (u->cls != KS_RUN) {
		err = u->cls == KS_CACHED ||
		      (u->cls == KS_FREE && u->mark == KS_WAS_RUN) ?
		      -EALREADY : -EINVAL;
		ka_unlock(&s->plock);
		return ks_bad_free(s, ptr, err);
	}
	n = u->nunits;
	s->large_frees++;
	s->large.req -= u->size;
	s->large_units -= n;
	u->size = 0;
	if (n <= KS_LCACHE) {
		/* Kept whole for the next block of its length. */
		ka_write_once(u->cls, KS_CACHED);
		u->st_off = s->lcache[n];
		s->lcache[n] = pg;
		ka_write_once(s->lcached, s->lcached + n);
		ka_unlock(&s->plock);
		return 0;
	}
	for (i = 0; i < n; i++)
		ka_write_once(s->ud[pg + i].cls, KS_FREE);
	/* A second free of this address is a double free, not a wild one. */
	u->mark = KS_WAS_RUN;
	ks_pool_give(s, pg, n);
	ka_unlock(&s->plock);
	return 0;
}

static int ks_free_nocache(struct ka_slab *s, struct ks_ref *r, void *ptr,
			   u16 req)
{
	struct ks_depot *dp = &s->dep[r->ci];

	ka_lock(&s->plock);
	s->retired[r->ci].req -= req;
	ka_unlock(&s->plock);
	struct ks_ent e = {
		.obj = (u32)((u8 *)ptr - s->base),
		.st = (u32)((u8 *)r->st - s->base),
	};

	ka_lock(&dp->lock);
	ks_depot_put(s, r->ci, &e, 1);
	ka_write_once(dp->held, dp->held - 1);
	ka_unlock(&dp->lock);
	return 0;
}

/* A cache's magazine limits, where the free fast path finds them. */
static void ks_cache_init(struct ka_slab *s, struct ks_cache *cc)
{
	u32 ci;

	for (ci = 0; ci < s->nclass; ci++)
		cc->m[ci].h.max = s->cls[ci].mag_max;
}

/* Every free the fast path does not finish; validates from scratch. */
static ka_noinline int ks_free_slow(struct ka_slab *s, void *ptr)
{
	struct ks_class *c;
	struct ks_cache *cc;
	struct ks_mhdr *h;
	struct ks_ref r;
	struct ks_ent *e;
	int err;
	u16 req;

	err = ks_find(s, ptr, &r);
	if (err)
		return err > 0 ? ks_free_large(s, ptr, r.pg) :
				 ks_bad_free(s, ptr, err);
	/*
	 * Claim the object before anything is written: of two CPUs freeing
	 * the same pointer at once, exactly one sees its state non-zero;
	 * the other is told -EALREADY and the object is cached once.
	 */
	req = ka_xchg16_zero(r.st);
	if (unlikely(!req))
		return ks_bad_free(s, ptr, -EALREADY);
	cc = ka_pcpu_get(&s->pc);
	if (unlikely(!cc)) {
		ka_pcpu_put(&s->pc);
		return ks_free_nocache(s, &r, ptr, req);
	}
	h = &cc->m[r.ci].h;
	e = cc->m[r.ci].e;
	if (unlikely(!h->max))
		ks_cache_init(s, cc);
	if (unlikely(h->n >= s->cls[r.ci].mag_max)) {
		/* Half, or down to a quarter in a run of frees. */
		c = &s->cls[r.ci];
		ks_flush(s, r.ci, h, e, h->flushes >= KS_STREAK ?
			 c->mag_max - c->batch / 2 : c->batch, false);
		if (h->flushes < 255)
			h->flushes++;
		h->refills = 0;
	}
	h->req -= req;
	e[h->n].obj = (u32)((u8 *)ptr - s->base);
	e[h->n++].st = (u32)((u8 *)r.st - s->base);
	ka_pcpu_put(&s->pc);
	return 0;
}

/*
 * The fast path: an object start in a slab, pushed on this CPU's
 * magazine that has room. The unit gives the class and the slab, the
 * index is a multiply and checked exact, then the state u16 is claimed;
 * an object not handed out yet has state 0 like a free one, and
 * anything else goes to ks_free_slow(), which starts over and tells the
 * two apart.
 */
static int ks_free(void *priv, void *ptr)
{
	struct ka_slab *s = priv;
	uintptr_t off = (uintptr_t)ptr - (uintptr_t)s->area;
	struct ks_cache *cc;
	struct ks_unit *u;
	struct ks_mag *m;
	struct ks_ent *e;
	u32 ci, poff, idx, n, st;
	u8 *base;
	u16 req;

	if (unlikely(off >= s->span))
		return ks_free_slow(s, ptr);
	/*
	 * Outside a slab the unit's fields are stale: only ci counts there.
	 * Inside one, olim keeps a pointer into a small class's metadata
	 * (an exact multiple of the size, too) from indexing past the state
	 * array.
	 */
	u = &s->ud[off >> KS_USHIFT];
	ci = ka_read_once(u->cls);
	poff = (u32)off - ka_read_once(u->soff);
	idx = (u32)(((u64)poff * ka_read_once(u->recip)) >> 32);
	if (unlikely(ci >= KS_NCLASS || poff >= ka_read_once(u->olim) ||
		     idx * ka_read_once(u->size) != poff))
		return ks_free_slow(s, ptr);
	cc = ka_pcpu_get_fast(&s->pc);
	if (unlikely(!cc))
		return ks_free_slow(s, ptr);
	m = &cc->m[ci];
	ka_hide(m);	/* address the entry from m, not from cc and ci */
	n = m->h.n;
	if (unlikely(n >= m->h.max))
		goto slow;
	e = &m->e[n];
	base = s->base;
	st = ka_read_once(u->st_off) + 2 * idx;
	e->obj = (u32)((u8 *)ptr - base);
	e->st = st;
	/* The entry is written but not counted until the claim succeeds. */
	req = ka_xchg16_zero((u16 *)(base + st));
	if (unlikely(!req))
		goto slow;
	m->h.n = n + 1;
	m->h.req -= req;
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
		return ka_read_once(*r.st) ? s->cls[r.ci].size : 0;
	if (err > 0) {
		ka_lock(&s->plock);
		if (s->ud[r.pg].cls == KS_RUN)
			n = (size_t)s->ud[r.pg].nunits << KS_USHIFT;
		ka_unlock(&s->plock);
	}
	return n;
}

/* ---- stats ------------------------------------------------------------ */

/* Totals over caches: counters and the objects their magazines hold. */
struct ks_sum {
	struct ka_slab *s;
	struct ks_count all;
	u64 cached[KS_NCLASS];
};

static void ks_sum_cache(void *arg, void *cache)
{
	struct ks_sum *sum = arg;
	struct ks_cache *cc = cache;
	u32 ci;

	for (ci = 0; ci < sum->s->nclass; ci++) {
		sum->all.allocs += cc->m[ci].h.allocs;
		sum->all.req += cc->m[ci].h.req;
		sum->cached[ci] += cc->m[ci].h.n;
	}
}

/* Thread exit or fini: everything in the cache goes back. */
static void ks_cache_flush(void *owner, void *cache)
{
	struct ka_slab *s = owner;
	struct ks_cache *cc = cache;
	u32 ci;

	ks_flush_all(s, cc, false);
	ka_lock(&s->plock);
	for (ci = 0; ci < s->nclass; ci++) {
		s->retired[ci].allocs += cc->m[ci].h.allocs;
		s->retired[ci].req += cc->m[ci].h.req;
	}
	ka_unlock(&s->plock);
	ka_memset(cc, 0, sizeof(*cc));
}

/* Longest run of set bits in the pool bitmap. plock held. */
static u32 ks_map_longest(struct ka_slab *s)
{
	u32 i, nw = (s->nunits + 63) / 64, run = 0, best = 0, in;
	u64 w, x;

	for (i = 0; i < nw; i++) {
		w = s->map[i];
		if (!~w) {
			run += 64;
			continue;
		}
		/* The run so far ends at the first clear bit. */
		run += ka_ffs64(~w) - 1;
		if (run > best)
			best = run;
		/* Runs inside the word: each round shortens every run by one. */
		for (x = w, in = 0; x; in++)
			x &= x >> 1;
		if (in > best)
			best = in;
		/* A run that reaches the top bit continues into the next word. */
		run = 64 - ka_fls64(~w);
	}
	return run > best ? run : best;
}

/* stats(): a slab whose units ks_free_units() lent to the pool bitmap. */
#define KS_LENT		0xffff

/*
 * The slabs whose objects are all cached, in the caller's magazines or
 * on the rings, are as good as free for alloc() (which flushes both when
 * the pool runs dry). ks_free_units() counts each slab's cached objects
 * in its head's mark (KS_COUNT), lends the units of those whose count is
 * all they hold to the pool bitmap (KS_LEND; returns their units), then
 * takes them back (KS_UNLEND).
 */
enum { KS_COUNT, KS_LEND, KS_UNLEND };

static u32 ks_lend_ents(struct ka_slab *s, u32 ci, const struct ks_ent *e,
			u32 n, int op)
{
	struct ks_unit *u;
	u32 i, lent = 0;

	for (i = 0; i < n; i++) {
		u = &s->ud[s->ud[ks_unit_of(s, ks_eobj(s, &e[i]))].start];
		if (op == KS_COUNT) {
			u->mark++;
		} else if (op == KS_UNLEND) {
			if (u->mark == KS_LENT)
				ks_map_set(s, u->start, s->cls[ci].units,
					   false);
			u->mark = 0;
		} else if (u->mark && u->mark != KS_LENT) {
			if (u->carved - u->nfree != u->mark) {
				u->mark = 0;
				continue;
			}
			u->mark = KS_LENT;
			ks_map_set(s, u->start, s->cls[ci].units, true);
			lent += s->cls[ci].units;
		}
	}
	return lent;
}

static u32 ks_lend_cached(struct ka_slab *s, struct ks_cache *cc, int op)
{
	u32 ci, n = 0;

	for (ci = 0; ci < s->nclass; ci++) {
		if (cc)
			n += ks_lend_ents(s, ci, cc->m[ci].e, cc->m[ci].h.n,
					  op);
		n += ks_lend_ents(s, ci, s->dep[ci].ring, s->dep[ci].rn, op);
	}
	return n;
}

/*
 * Lends or takes back every class's spare slabs and every block in the
 * large cache; returns the units.
 */
static u32 ks_lend_spares(struct ka_slab *s, bool lend)
{
	u32 ci, pg, n = 0;

	for (ci = 1; ci <= KS_LCACHE; ci++) {
		for (pg = s->lcache[ci]; pg != KS_NIL; pg = s->ud[pg].st_off) {
			ks_map_set(s, pg, ci, lend);
			n += ci;
		}
	}
	for (ci = 0; ci < s->nclass; ci++) {
		if (!ka_read_once(s->dep[ci].spare))
			continue;
		for (pg = ks_part_first(s, ci); pg != KS_NIL;
		     pg = ks_set_next(s, ks_part(s, ci), pg + 1)) {
			if (!ks_slab_spare(s, pg))
				continue;
			ks_map_set(s, pg, s->cls[ci].units, lend);
			n += s->cls[ci].units;
		}
	}
	return n;
}

/*
 * Units alloc() could still use for the caller, and the longest run of
 * them: those in the pool, the classes' spare slabs and the slabs only
 * the rings and the caller's own magazines keep from it (alloc flushes
 * those and gives the spares back when the pool runs dry). Those slabs'
 * units are lent to the pool bitmap for the walk, then taken back. plock
 * held.
 */
static u32 ks_free_units(struct ka_slab *s, struct ks_cache *cc, u32 *largest)
{
	u32 n = s->nunits - s->used;

	ks_lend_cached(s, cc, KS_COUNT);
	n += ks_lend_cached(s, cc, KS_LEND);
	n += ks_lend_spares(s, true);
	*largest = ks_map_longest(s);
	ks_lend_spares(s, false);
	ks_lend_cached(s, cc, KS_UNLEND);
	return n;
}

static void ks_stats(void *priv, struct ka_stats *st)
{
	struct ka_slab *s = priv;
	struct ks_sum sum = { .s = s };
	struct ks_cache *cc;
	u64 live = 0, usable = 0, cls_live;
	u32 ci, nfree, largest = 0;

	ka_pcpu_for_each(&s->pc, ks_sum_cache, &sum);
	cc = ka_pcpu_get(&s->pc);
	ka_lock(&s->plock);
	for (ci = 0; ci < s->nclass; ci++) {
		cls_live = ka_read_once(s->dep[ci].held) - sum.cached[ci] -
			   ka_read_once(s->dep[ci].rn);
		live += cls_live;
		usable += cls_live * s->cls[ci].size;
		sum.all.allocs += s->retired[ci].allocs;
		sum.all.req += s->retired[ci].req;
	}
	sum.all.allocs += s->large.allocs;
	sum.all.req += s->large.req;
	live += s->large.allocs - s->large_frees;
	st->region_bytes = s->len;
	st->meta_bytes = s->area - s->base;
	st->live_blocks = live;
	st->requested_bytes = sum.all.req;
	st->usable_bytes = usable + (s->large_units << KS_USHIFT);
	/* The pool hands out low units first: the high-water mark. */
	st->footprint_bytes = (u64)s->top << KS_USHIFT;
	nfree = ks_free_units(s, cc, &largest);
	st->free_bytes = (u64)nfree << KS_USHIFT;
	st->largest_free = (u64)largest << KS_USHIFT;
	st->allocs = sum.all.allocs;
	st->frees = sum.all.allocs - live;
	st->failed_allocs = s->failed;
	st->bad_frees = s->bad_frees;
	ka_unlock(&s->plock);
	ka_pcpu_put(&s->pc);
}

/*
 * check(). It needs a quiescent instance: the magazines it inspects are
 * only ever touched by their own CPU or thread. While it runs it marks
 * the state u16 of every free object it finds (KS_MARK_STK on a slab's
 * free stack, KS_MARK_MAG in a magazine), which catches an object that
 * is free twice over, then counts and clears the marks slab by slab.
 */
#define KS_MARK_STK	0xffff
#define KS_MARK_MAG	0xfffe

struct ks_census {
	struct ka_slab *s;
	int err;
	u64 live;
	u64 requested;
	u64 usable;
	u64 cached[KS_NCLASS];
	u64 held[KS_NCLASS];
	u32 spare[KS_NCLASS];
};

static int ks_mark_free(struct ks_census *k, u32 ci, void *obj, u16 *st,
			u16 mark)
{
	struct ks_ref r;

	/* A free object's state is 0. */
	if (ks_find(k->s, obj, &r) || *r.st || r.ci != ci || r.st != st) {
		ka_warn("slab: check: free object %p is live, foreign or free twice\n",
			obj);
		return -EFAULT;
	}
	*r.st = mark;
	return 0;
}

static void ks_check_cache(void *arg, void *cache)
{
	struct ks_census *k = arg;
	struct ks_cache *cc = cache;
	struct ks_mhdr *h;
	u32 ci, i;

	for (ci = 0; ci < KS_NCLASS && !k->err; ci++) {
		h = &cc->m[ci].h;
		if (h->n > KS_MAG || (ci >= k->s->nclass && (h->n || h->max)) ||
		    (ci < k->s->nclass && (h->n > k->s->cls[ci].mag_max ||
					   (h->max &&
					    h->max != k->s->cls[ci].mag_max)))) {
			ka_warn("slab: check: magazine %u overflows\n", ci);
			k->err = -EFAULT;
			return;
		}
		k->cached[ci] += h->n;
		for (i = 0; i < h->n && !k->err; i++)
			k->err = ks_mark_free(k, ci, ks_eobj(k->s, &cc->m[ci].e[i]),
					      ks_est(k->s, &cc->m[ci].e[i]),
					      KS_MARK_MAG);
	}
}

/* Marks the objects on class ci's ring. */
static int ks_check_ring(struct ks_census *k, u32 ci)
{
	struct ks_depot *dp = &k->s->dep[ci];
	u32 i;

	if (dp->rn > dp->rmax || dp->rmax > k->s->rcap) {
		ka_warn("slab: check: ring %u overflows\n", ci);
		return -EFAULT;
	}
	k->cached[ci] += dp->rn;
	for (i = 0; i < dp->rn; i++)
		if (ks_mark_free(k, ci, ks_eobj(k->s, &dp->ring[i]),
				 ks_est(k->s, &dp->ring[i]), KS_MARK_MAG))
			return -EFAULT;
	return 0;
}

/* The state of object idx of the slab at pg. */
static u16 *ks_obj_state(struct ka_slab *s, struct ks_class *c, u32 pg,
			 u32 idx)
{
	struct ks_unit *u = &s->ud[pg];

	if (c->side)
		u = &s->ud[pg + ((idx * c->size) >> KS_USHIFT)];
	return (u16 *)(s->base + u->st_off) + idx;
}

/* Objects that start in unit j of a big-class slab: first and end. */
static void ks_unit_objs(struct ks_class *c, u32 j, u32 *first, u32 *end)
{
	*first = ks_starts_before(c, j << KS_USHIFT);
	*end = ks_starts_before(c, (j + 1) << KS_USHIFT);
	if (*end > c->nobjs)
		*end = c->nobjs;
}

/* Marks the free objects of the slab at pg: its stack or free sets. */
static int ks_check_stack(struct ks_census *k, u32 pg)
{
	struct ka_slab *s = k->s;
	struct ks_unit *u = &s->ud[pg], *v;
	struct ks_class *c = &s->cls[u->cls];
	uintptr_t slab = ks_unit_addr(s, pg);
	u32 i, j, first, end, nfree = 0, idx;
	u16 *stk = ks_stack(s, c, pg);
	u64 m;

	/*
	 * A slab whose every carved object is back on its stack is a spare:
	 * ks_check() adds them up against the class's count.
	 */
	if (u->carved > c->nobjs || !u->carved || u->nfree > u->carved ||
	    (c->side && u->carved != c->nobjs))
		goto bad;
	k->spare[u->cls] += u->nfree == u->carved ? c->units : 0;
	for (j = 0; c->side && j < c->units; j++) {
		v = &s->ud[pg + j];
		ks_unit_objs(c, j, &first, &end);
		if (v->fmask >> (end - first))
			goto bad;
		for (m = v->fmask; m; m &= m - 1, nfree++) {
			idx = first + ka_ffs64(m) - 1;
			if (ks_mark_free(k, u->cls,
					 (void *)(slab + (uintptr_t)idx * c->size),
					 ks_obj_state(s, c, pg, idx), KS_MARK_STK))
				return -EFAULT;
		}
	}
	if (c->side) {
		if (nfree != u->nfree)
			goto bad;
		return 0;
	}
	for (i = 0; i < u->nfree; i++) {
		if (stk[i] >= u->carved)
			goto bad;
		if (ks_mark_free(k, u->cls,
				 (void *)(slab + (uintptr_t)stk[i] * c->size),
				 ks_obj_state(s, c, pg, stk[i]), KS_MARK_STK))
			return -EFAULT;
	}
	return 0;
bad:
	ka_warn("slab: check: slab %u: free stack broken or slab empty\n", pg);
	return -EFAULT;
}

/* Counts and clears the marks of the slab at pg. */
static int ks_check_objs(struct ks_census *k, u32 pg)
{
	struct ka_slab *s = k->s;
	struct ks_unit *u = &s->ud[pg];
	struct ks_class *c = &s->cls[u->cls];
	u32 i, j, first, end, stk = 0, lost = 0, n = u->carved;
	u16 *st;

	for (i = 0; i < n && i < c->nobjs; i++) {
		st = ks_obj_state(s, c, pg, i);
		if (*st == KS_MARK_STK) {
			stk++;
			*st = 0;
		} else if (*st == KS_MARK_MAG) {
			*st = 0;
		} else if (!*st || *st > c->size) {
			lost++;
		} else {
			k->live++;
			k->requested += *st;
			k->usable += c->size;
		}
	}
	/* Objects not carved yet are free, and the one past the end unused. */
	if (c->side) {
		for (j = 0; j < c->units; j++) {
			ks_unit_objs(c, j, &first, &end);
			for (i = end - first; i < KS_SIDE; i++)
				lost += !!s->ud[pg + j].st[i];
		}
	} else {
		for (; i <= c->nobjs; i++)
			lost += !!*ks_obj_state(s, c, pg, i);
	}
	if (lost || stk != u->nfree) {
		ka_warn("slab: check: slab %u: %u objects lost or bad\n",
			pg, lost);
		return -EFAULT;
	}
	k->held[u->cls] += u->carved - u->nfree;
	return 0;
}

/*
 * The large cache's lists: cached blocks of the right length, each on
 * one list once; returns their units or -1.
 */
static long ks_check_lcache(struct ka_slab *s)
{
	long units = 0, seen = 0;
	u32 n, pg;

	for (n = 0; n <= KS_LCACHE; n++) {
		for (pg = s->lcache[n]; pg != KS_NIL; pg = s->ud[pg].st_off) {
			if (!n || pg >= s->nunits ||
			    s->ud[pg].cls != KS_CACHED ||
			    s->ud[pg].nunits != n || ++seen > s->nunits)
				return -1;
			units += n;
		}
	}
	return units;
}

/*
 * A large block at pg, live (k set) or in the large cache: its tail
 * units, size and accounting.
 */
static long ks_check_run(struct ka_slab *s, u32 pg, struct ks_census *k)
{
	struct ks_unit *u = &s->ud[pg];
	u32 i, n = u->nunits;

	if (!n || n > s->nunits - pg || u->start != pg ||
	    (k && (!u->size || u->size > ((u64)n << KS_USHIFT) ||
		   u->size <= ((u64)(n - 1) << KS_USHIFT))) ||
	    (!k && (u->size || n > KS_LCACHE)))
		return -1;
	for (i = 1; i < n; i++)
		if (s->ud[pg + i].cls != KS_TAIL || s->ud[pg + i].start != pg)
			return -1;
	if (!k)
		return n;
	k->live++;
	k->requested += u->size;
	k->usable += (u64)n << KS_USHIFT;
	return n;
}

/* A slab at pg: its units, its place in the partial map. */
static long ks_check_slab(struct ka_slab *s, u32 pg)
{
	struct ks_unit *u = &s->ud[pg];
	struct ks_class *c;
	u16 *st;
	u32 i;

	if (u->cls >= s->nclass || u->start != pg)
		return -1;
	c = &s->cls[u->cls];
	if (pg + c->units > s->nunits)
		return -1;
	st = (u16 *)(ks_unit_addr(s, pg) + c->st_off);
	for (i = 0; i < c->units; i++) {
		struct ks_unit *v = &s->ud[pg + i];
		u32 first, end;

		if (v->cls != u->cls || v->start != pg ||
		    v->size != c->size || v->recip != c->recip ||
		    v->soff != pg << KS_USHIFT ||
		    v->olim != c->nobjs * c->size)
			return -1;
		if (!c->side) {
			if (ks_state(s, v) != st)
				return -1;
			continue;
		}
		ks_unit_objs(c, i, &first, &end);
		if (v->first != first ||
		    v->st_off != (u32)((u8 *)v->st - s->base) - 2 * first)
			return -1;
	}
	if (ks_part_has(s, u->cls, pg) == ks_slab_full(c, u))
		return -1;
	return c->units;
}

/*
 * Every member of set m is a unit for which ok(s, unit, arg) holds, the
 * summary bits agree with the words; returns the number of members or
 * -1.
 */
static long ks_check_set(struct ka_slab *s, struct ks_set m,
			 bool (*ok)(struct ka_slab *s, u32 pg, u32 arg), u32 arg)
{
	long n = 0;
	u32 i, j;
	u64 w;

	for (i = 0; i < s->w0; i++) {
		w = m.w0[i];
		if (!!w != !!(m.w1[i / 64] >> (i % 64) & 1))
			return -1;
		for (; w; w &= w - 1, n++) {
			j = i * 64 + ka_ffs64(w) - 1;
			if (j >= s->nunits || !ok(s, j, arg))
				return -1;
		}
	}
	for (i = 0; i < s->w1; i++)
		if (!!m.w1[i] != !!(m.w2[i / 64] >> (i % 64) & 1))
			return -1;
	for (i = s->w1; i < s->w2 * 64; i++)
		if (m.w2[i / 64] >> (i % 64) & 1)
			return -1;
	return n;
}

static bool ks_is_slab_head(struct ka_slab *s, u32 pg, u32 ci)
{
	return s->ud[pg].cls == ci && s->ud[pg].start == pg;
}

static bool ks_is_run_head(struct ka_slab *s, u32 pg, u32 rc)
{
	return s->ud[pg].cls == KS_FREE && (!pg || !ks_pool_has(s, pg - 1)) &&
	       s->ud[pg].nunits && ks_rclass(s->ud[pg].nunits) == rc;
}

/* The free run at pg: maximal, its ends describe it; returns its units. */
static long ks_check_free(struct ka_slab *s, u32 pg)
{
	u32 n = s->ud[pg].nunits, i;

	if (!n || n > s->nunits - pg || s->ud[pg].start != pg ||
	    s->ud[pg + n - 1].start != pg ||
	    !ks_set_has(ks_runs(s, ks_rclass(n)), pg) ||
	    (pg + n < s->nunits && ks_pool_has(s, pg + n)))
		return -1;
	for (i = 0; i < n; i++)
		if (s->ud[pg + i].cls != KS_FREE || !ks_pool_has(s, pg + i))
			return -1;
	return n;
}

/* Partial maps and run classes: members, summaries, the class mask. */
static int ks_check_sets(struct ka_slab *s, long *runs)
{
	u32 ci, rc;
	long n;

	for (ci = 0; ci < s->nclass; ci++)
		if (ks_check_set(s, ks_part(s, ci), ks_is_slab_head, ci) < 0)
			return -1;
	*runs = 0;
	for (rc = 0; rc < KS_RCLASS; rc++) {
		n = ks_check_set(s, ks_runs(s, rc), ks_is_run_head, rc);
		if (n < 0 || !!n != !!(s->rmask >> rc & 1))
			return -1;
		*runs += n;
	}
	return s->rmask >> KS_RCLASS ? -1 : 0;
}

/* Every unit is in exactly one state; the pool bitmap agrees. */
static int ks_check_units(struct ka_slab *s, struct ks_census *k)
{
	u32 pg, used = 0, top = 0;
	long n, runs, cached;

	if (ks_check_sets(s, &runs))
		goto bad;
	cached = ks_check_lcache(s);
	if (cached < 0 || cached != s->lcached)
		goto bad;
	for (pg = 0; pg < s->nunits; pg += n) {
		u32 ci = s->ud[pg].cls;
		bool pooled = ci == KS_FREE;

		if (ks_pool_has(s, pg) != pooled)
			goto bad;
		if (ci == KS_FREE) {
			n = ks_check_free(s, pg);
			runs--;
			if (n < 0)
				goto bad;
			continue;
		}
		if (ci == KS_RUN || ci == KS_CACHED)
			n = ks_check_run(s, pg, ci == KS_RUN ? k : NULL);
		else
			n = ks_check_slab(s, pg);
		cached -= ci == KS_CACHED ? n : 0;
		if (n < 0)
			goto bad;
		used += n;
		top = pg + n;
	}
	if (runs || cached || used != s->used || top > s->top)
		goto bad;
	return 0;
bad:
	ka_warn("slab: check: units, partial maps or pool runs do not match\n");
	return -EFAULT;
}

static int ks_check(void *priv)
{
	struct ka_slab *s = priv;
	struct ks_census k = { .s = s };
	struct ka_stats st;
	u32 pg, ci;

	if (!ka_check_may_walk(s->len))
		return -E2BIG;
	if (ks_check_units(s, &k))
		return -EFAULT;
	for (pg = 0; pg < s->nunits && !k.err; pg++)
		if (s->ud[pg].cls < s->nclass && s->ud[pg].start == pg)
			k.err = ks_check_stack(&k, pg);
	if (!k.err)
		ka_pcpu_for_each(&s->pc, ks_check_cache, &k);
	for (ci = 0; ci < s->nclass && !k.err; ci++)
		k.err = ks_check_ring(&k, ci);
	/* Always clear every mark, even after an error. */
	for (pg = 0; pg < s->nunits; pg++)
		if (s->ud[pg].cls < s->nclass && s->ud[pg].start == pg &&
		    ks_check_objs(&k, pg))
			k.err = -EFAULT;
	if (k.err)
		return -EFAULT;
	for (ci = 0; ci < s->nclass; ci++) {
		if (k.held[ci] != s->dep[ci].held ||
		    k.cached[ci] > s->dep[ci].held ||
		    k.spare[ci] != s->dep[ci].spare) {
			ka_warn("slab: check: class %u holds %llu, counted %u\n",
				ci, (unsigned long long)k.held[ci],
				s->dep[ci].held);
			return -EFAULT;
		}
	}
	ks_stats(s, &st);
	if (st.live_blocks != k.live || st.requested_bytes != k.requested ||
	    st.usable_bytes != k.usable) {
		ka_warn("slab: check: accounting does not add up\n");
		return -EFAULT;
	}
	return 0;
}

/* ---- init ------------------------------------------------------------- */

/*
 * Slab geometry of class c: the number of units (1..KS_SLAB_UNITS, no
 * more than the area has) whose slack after the objects (and, in-slab,
 * their state and stack) is smallest, the first within 1/64 of the
 * slab. Classes of KS_SIDE_MIN bytes and more keep state and stack in
 * the side arrays (at most KS_SIDE objects start in a unit), so their
 * slabs can be exactly full: a 4 KiB unit of 2 KiB objects, 5 units of
 * 5 KiB ones. Returns false if no slab fits.
 */
static bool ks_geometry(struct ks_class *c, u32 size, u32 max_units)
{
	u32 k, n, best_n = 0, best_k = 0, bytes, slack, best = ~0U;

	c->side = size >= KS_SIDE_MIN;
	for (k = 1; k <= KS_SLAB_UNITS && k <= max_units; k++) {
		bytes = k << KS_USHIFT;
		/* In-slab: state for n + 1 objects, stack for n. */
		n = c->side ? bytes / size : (bytes - 2) / (size + 4);
		if (n > 0xfffe)
			n = 0xfffe;
		if (!n || (n < KS_MIN_OBJS && k < KS_SLAB_UNITS &&
			   k < max_units && best_n < KS_MIN_OBJS))
			continue;
		slack = bytes - n * size - (c->side ? 0 : 4 * n + 2);
		/* Compare slack / bytes across slab sizes. */
		if (best == ~0U || (u64)slack * (best_k << KS_USHIFT) <
				   (u64)best * bytes) {
			best = slack;
			best_k = k;
			best_n = n;
		}
		if ((u64)best * 64 <= (u64)best_k << KS_USHIFT)
			break;
	}
	if (!best_n)
		return false;
	c->size = size;
	c->units = best_k;
	c->nobjs = best_n;
	c->recip = (u32)(((1ULL << 32) + size - 1) / size);
	bytes = best_k << KS_USHIFT;
	c->st_off = bytes - 4 * best_n - 2;
	c->stk_off = c->st_off + 2 * (best_n + 1);
	return true;
}

/* Sets up the classes that fit the area and the size lookup. */
static void ks_init_classes(struct ka_slab *s)
{
	struct ks_class *c;
	u32 i, j;

	for (i = 0; i < KS_NCLASS; i++) {
		c = &s->cls[i];
		if (!ks_geometry(c, ks_class_size(i), s->nunits))
			break;
		c->mag_max = KS_MAG_BYTES / c->size;
		if (c->mag_max > KS_MAG)
			c->mag_max = KS_MAG;
		if (c->mag_max < KS_MAG_MIN)
			c->mag_max = KS_MAG_MIN;
		c->mag_max &= ~1U;
		c->batch = c->mag_max / 2;
		s->dep[i].ring = s->rings + (size_t)i * s->rcap;
		s->dep[i].rmax = KS_RING_BYTES / c->size;
		if (s->dep[i].rmax > s->rcap)
			s->dep[i].rmax = s->rcap;
		ka_lock_init(&s->dep[i].lock);
		s->max_size = c->size;
	}
	s->nclass = i;
	for (i = 0, j = 0; j < KS_LOOKUP; j++) {
		while (i + 1 < s->nclass && s->cls[i].size < j * 8)
			i++;
		s->lookup[j] = i;
	}
}

/* Bytes of metadata for n units: descriptors, side arrays, bitmaps. */
/* Ring entries per class for n units: up to KS_RING, n / 16 at least 8. */
static u32 ks_ring_cap(u32 n)
{
	return n / 16 < 8 ? 8 : n / 16 > KS_RING ? KS_RING : n / 16;
}

static size_t ks_meta_bytes(u32 n)
{
	size_t w0 = (n + 63) / 64, w1 = (w0 + 63) / 64, w2 = (w1 + 63) / 64;

	return (size_t)KS_NCLASS * ks_ring_cap(n) * sizeof(struct ks_ent) +
	       (size_t)n * sizeof(struct ks_unit) +
	       (w0 + (KS_NCLASS + KS_RCLASS) * (w0 + w1 + w2)) * sizeof(u64);
}

/* Unit descriptors, side arrays and bitmaps at the start of the region. */
static int ks_init_units(struct ka_slab *s, uintptr_t start, uintptr_t end)
{
	size_t n, meta;
	u8 *p;
	u32 i;

	if (end < start + 2 * KS_UNIT)
		return -EINVAL;
	n = (end - start) / (KS_UNIT + ks_meta_bytes(64) / 64);
	for (;;) {
		if (!n)
			return -EINVAL;
		meta = ks_meta_bytes(n);
		s->area = (u8 *)ka_align_up(start + meta, KS_UNIT);
		if ((uintptr_t)s->area < end &&
		    (end - (uintptr_t)s->area) >> KS_USHIFT >= n)
			break;
		n--;
	}
	s->nunits = n;
	s->span = (uintptr_t)n << KS_USHIFT;
	s->w0 = (n + 63) / 64;
	s->w1 = (s->w0 + 63) / 64;
	s->w2 = (s->w1 + 63) / 64;
	p = (u8 *)start;
	s->rcap = ks_ring_cap(n);
	s->rings = (struct ks_ent *)p;
	p += (size_t)KS_NCLASS * s->rcap * sizeof(struct ks_ent);
	s->ud = (struct ks_unit *)p;
	p += n * sizeof(struct ks_unit);
	s->map = (u64 *)p;
	p += s->w0 * sizeof(u64);
	s->pmap = (u64 *)p;
	p += KS_NCLASS * s->w0 * sizeof(u64);
	s->psum = (u64 *)p;
	p += KS_NCLASS * s->w1 * sizeof(u64);
	s->psum2 = (u64 *)p;
	p += KS_NCLASS * s->w2 * sizeof(u64);
	s->rmap = (u64 *)p;
	p += KS_RCLASS * s->w0 * sizeof(u64);
	s->rsum = (u64 *)p;
	p += KS_RCLASS * s->w1 * sizeof(u64);
	s->rsum2 = (u64 *)p;
	p += KS_RCLASS * s->w2 * sizeof(u64);
	ka_memset((void *)start, 0, meta);
	for (i = 0; i < n; i++)
		s->ud[i].cls = KS_FREE;
	for (i = 0; i <= KS_LCACHE; i++)
		s->lcache[i] = KS_NIL;
	s->used = n;
	ks_pool_give(s, 0, n);
	return 0;
}

static int ks_init(void *priv, void *base, size_t len)
{
	struct ka_slab *s = priv;
	uintptr_t start = ka_align_up((uintptr_t)base, KS_LINE);
	uintptr_t end = (uintptr_t)base + len;
	u32 i;
	int err;

	ka_memset(s, 0, sizeof(*s));
	if (!base || end < (uintptr_t)base || end < start)
		return -EINVAL;
	/* State offsets from base are u32: use the first 4 GiB. */
	if ((u64)len > KS_MAX_LEN) {
		len = KS_MAX_LEN;
		end = (uintptr_t)base + len;
	}
	err = ks_init_units(s, start, end);
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
