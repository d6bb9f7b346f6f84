// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kat.c - the shadow model (see kat.h for the design).
 *
 * The region is taken from posix_memalign() with a 2 MiB alignment so
 * that policies doing address arithmetic on the base (buddy) and
 * requests for large alignments both behave as they would on a page
 * range handed over by the kernel.
 */
#include "kat.h"

#define KAT_REGION_ALIGN	(2u << 20)
#define KAT_K1			0x9e3779b97f4a7c15ULL
#define KAT_K2			0xd6e8feb86659fd93ULL

int kat_fail(struct kat *k, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(k->err, sizeof(k->err), "%s: ", k->ops->name);
	va_start(ap, fmt);
	vsnprintf(k->err + n, sizeof(k->err) - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Open over a caller's region (kept by the caller) or, if base is NULL, our own. */
int kat_open_in(struct kat *k, const struct ka_policy_ops *ops, void *base,
		size_t len, size_t cap)
{
	size_t psz = ops->priv_size ? ops->priv_size : 1;
	int rc;

	memset(k, 0, sizeof(*k));
	k->ops = ops;
	k->len = len;
	k->cap = cap;
	k->own_base = !base;
	if (!base && posix_memalign(&base, KAT_REGION_ALIGN, len))
		return kat_fail(k, "no memory for a %zu-byte region", len);
	k->base = base;
	k->priv = aligned_alloc(64, (psz + 63) & ~(size_t)63);
	k->live = calloc(cap, sizeof(*k->live));
	k->iv = calloc(cap, sizeof(*k->iv));
	if (!k->priv || !k->live || !k->iv)
		return kat_fail(k, "no memory for the model");
	memset(k->priv, 0, psz);
	rc = ops->init(k->priv, k->base, len);
	if (rc) {
		free(k->priv);
		k->priv = NULL;
		return kat_fail(k, "init(%zu) = %d", len, rc);
	}
	return 0;
}

int kat_open(struct kat *k, const struct ka_policy_ops *ops, size_t len,
	     size_t cap)
{
	return kat_open_in(k, ops, NULL, len, cap);
}

void kat_close(struct kat *k)
{
	if (k->priv)
		k->ops->fini(k->priv);
	free(k->priv);
	if (k->own_base)
		free(k->base);
	free(k->live);
	free(k->iv);
	k->priv = NULL;
	k->base = NULL;
	k->live = NULL;
	k->iv = NULL;
}

static u64 kat_seed(u64 id)
{
	u64 s = id;

	return kat_rand(&s);
}

/* Word i of block id's pattern: distinct per block and per offset. */
static inline u64 kat_word(u64 seed, size_t i)
{
	return seed ^ (i * KAT_K2);
}

static void kat_fill(u8 *p, size_t n, u64 id)
{
	u64 seed = kat_seed(id), w;
	size_t i, words = n / 8;

	for (i = 0; i < words; i++) {
		w = kat_word(seed, i);
		memcpy(p + i * 8, &w, 8);
	}
	w = kat_word(seed, words);
	memcpy(p + words * 8, &w, n % 8);
}

/* Returns the first byte offset that differs, or n if the block is intact. */
static size_t kat_cmp(const u8 *p, size_t n, u64 id)
{
	u64 seed = kat_seed(id), w, got;
	size_t i, words = n / 8;

	for (i = 0; i < words; i++) {
		w = kat_word(seed, i);
		memcpy(&got, p + i * 8, 8);
		if (got != w)
			return i * 8;
	}
	w = kat_word(seed, words);
	if (n % 8 && memcmp(p + words * 8, &w, n % 8))
		return words * 8;
	return n;
}

static int kat_verify(struct kat *k, const struct kat_blk *b)
{
	size_t off = kat_cmp(b->p, b->usable, b->id);

	if (off != b->usable)
		return kat_fail(k, "block #%llu at +%#lx (size %zu, usable %zu) corrupted at offset %zu",
				(unsigned long long)b->id,
				(unsigned long)(b->p - k->base), b->size,
				b->usable, off);
	return 0;
}

/* Index of the first interval starting at or after s. */
static size_t kat_iv_find(const struct kat *k, uintptr_t s)
{
	size_t lo = 0, hi = k->niv;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->iv[mid].s < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int kat_iv_insert(struct kat *k, uintptr_t s, uintptr_t e)
{
	size_t pos = kat_iv_find(k, s);

	if (pos > 0 && k->iv[pos - 1].e > s)
		return kat_fail(k, "block +%#lx..+%#lx overlaps live +%#lx..+%#lx",
				(unsigned long)(s - (uintptr_t)k->base),
				(unsigned long)(e - (uintptr_t)k->base),
				(unsigned long)(k->iv[pos - 1].s - (uintptr_t)k->base),
				(unsigned long)(k->iv[pos - 1].e - (uintptr_t)k->base));
	if (pos < k->niv && k->iv[pos].s < e)
		return kat_fail(k, "block +%#lx..+%#lx overlaps live +%#lx..+%#lx",
				(unsigned long)(s - (uintptr_t)k->base),
				(unsigned long)(e - (uintptr_t)k->base),
				(unsigned long)(k->iv[pos].s - (uintptr_t)k->base),
				(unsigned long)(k->iv[pos].e - (uintptr_t)k->base));
	memmove(&k->iv[pos + 1], &k->iv[pos], (k->niv - pos) * sizeof(*k->iv));
	k->iv[pos].s = s;
	k->iv[pos].e = e;
	k->niv++;
	return 0;
}

static void kat_iv_remove(struct kat *k, uintptr_t s)
{
	size_t pos = kat_iv_find(k, s);

	memmove(&k->iv[pos], &k->iv[pos + 1],
		(k->niv - pos - 1) * sizeof(*k->iv));
	k->niv--;
}

static int kat_check_new(struct kat *k, u8 *p, size_t size, size_t align,
			 size_t usable)
{
	size_t want = align ? align : KA_MIN_ALIGN;

	if (p < k->base || p >= k->base + k->len)
		return kat_fail(k, "alloc(%zu, %zu) = %p outside region %p+%zu",
				size, align, (void *)p, (void *)k->base, k->len);
	if ((uintptr_t)p & (want - 1) || (uintptr_t)p & (KA_MIN_ALIGN - 1))
		return kat_fail(k, "alloc(%zu, %zu) = +%#lx misaligned", size,
				align, (unsigned long)(p - k->base));
	if (usable < size)
		return kat_fail(k, "usable_size %zu < size %zu", usable, size);
	if (usable > k->len || p + usable > k->base + k->len)
		return kat_fail(k, "block +%#lx usable %zu runs past the region",
				(unsigned long)(p - k->base), usable);
	return 0;
}

int kat_alloc(struct kat *k, size_t size, size_t align, u8 **out)
{
	struct kat_blk *b;
	size_t usable;
	u8 *p;

	*out = NULL;
	if (k->nlive == k->cap)
		return kat_fail(k, "model full (%zu blocks)", k->cap);
	p = k->ops->alloc(k->priv, size, align);
	if (!p) {
		k->failed++;
		return 0;
	}
	usable = k->ops->usable_size(k->priv, p);
	if (kat_check_new(k, p, size, align, usable))
		return -1;
	if (kat_iv_insert(k, (uintptr_t)p, (uintptr_t)p + usable))
		return -1;
	b = &k->live[k->nlive++];
	b->p = p;
	b->size = size;
	b->usable = usable;
	b->align = align;
	b->id = ++k->next_id;
	kat_fill(p, usable, b->id);
	k->allocs++;
	k->req_bytes += size;
	k->usable_bytes += usable;
	*out = p;
	return 0;
}

int kat_free_idx(struct kat *k, size_t i)
{
	struct kat_blk *b = &k->live[i];
	size_t usable;
	int rc;

	if (kat_verify(k, b))
		return -1;
	usable = k->ops->usable_size(k->priv, b->p);
	if (usable != b->usable)
		return kat_fail(k, "usable_size(+%#lx) changed from %zu to %zu",
				(unsigned long)(b->p - k->base), b->usable,
				usable);
	rc = k->ops->free(k->priv, b->p);
	if (rc)
		return kat_fail(k, "free(+%#lx) of a live block = %d",
				(unsigned long)(b->p - k->base), rc);
	usable = k->ops->usable_size(k->priv, b->p);
	if (usable)
		return kat_fail(k, "usable_size(+%#lx) = %zu after free, want 0",
				(unsigned long)(b->p - k->base), usable);
	kat_iv_remove(k, (uintptr_t)b->p);
	k->frees++;
	k->req_bytes -= b->size;
	k->usable_bytes -= b->usable;
	*b = k->live[--k->nlive];
	return 0;
}

int kat_realloc_idx(struct kat *k, size_t i, size_t size, size_t align)
{
	struct kat_blk old = k->live[i];
	size_t n = old.size < size ? old.size : size;
	u8 *p;

	if (kat_verify(k, &old))
		return -1;
	if (kat_alloc(k, size, align, &p))
		return -1;
	if (!p)
		return 0;
	/* The new block's pattern is overwritten by the old contents. */
	memcpy(p, old.p, n);
	if (memcmp(p, old.p, n))
		return kat_fail(k, "realloc copy mismatch");
	kat_fill(p, n, k->live[k->nlive - 1].id);
	return kat_free_idx(k, i);
}

int kat_bad_free(struct kat *k, void *p, int want)
{
	size_t usable = k->ops->usable_size(k->priv, p);
	int rc;

	if (usable)
		return kat_fail(k, "usable_size(%p, +%#lx) = %zu, not a live block",
				p, (unsigned long)((u8 *)p - k->base), usable);
	rc = k->ops->free(k->priv, p);

	if (!rc)
		return kat_fail(k, "bad free(%p, +%#lx) accepted", p,
				(unsigned long)((u8 *)p - k->base));
	if (want ? rc != want : rc != -EINVAL && rc != -EALREADY)
		return kat_fail(k, "bad free(+%#lx) = %d, want %d",
				(unsigned long)((u8 *)p - k->base), rc,
				want ? want : -EINVAL);
	k->bad++;
	return 0;
}

#define KAT_EQ(field, val) do {						\
	if ((u64)(field) != (u64)(val))					\
		return kat_fail(k, "stats." #field " = %llu, model %llu", \
				(unsigned long long)(field),		\
				(unsigned long long)(val));		\
} while (0)

int kat_stats(struct kat *k)
{
	struct ka_stats st;

	memset(&st, 0xa5, sizeof(st));
	k->ops->stats(k->priv, &st);
	KAT_EQ(st.region_bytes, k->len);
	KAT_EQ(st.live_blocks, k->nlive);
	KAT_EQ(st.requested_bytes, k->req_bytes);
	KAT_EQ(st.usable_bytes, k->usable_bytes);
	KAT_EQ(st.allocs, k->allocs);
	KAT_EQ(st.frees, k->frees);
	KAT_EQ(st.failed_allocs, k->failed);
	KAT_EQ(st.bad_frees, k->bad);
	if (st.meta_bytes > k->len || st.footprint_bytes > k->len ||
	    st.free_bytes > k->len || st.largest_free > st.free_bytes)
		return kat_fail(k, "stats out of range: meta %llu footprint %llu free %llu largest %llu region %zu",
				(unsigned long long)st.meta_bytes,
				(unsigned long long)st.footprint_bytes,
				(unsigned long long)st.free_bytes,
				(unsigned long long)st.largest_free, k->len);
	if (st.usable_bytes + st.free_bytes > k->len)
		return kat_fail(k, "usable %llu + free %llu > region %zu",
				(unsigned long long)st.usable_bytes,
				(unsigned long long)st.free_bytes, k->len);
	return 0;
}

int kat_check(struct kat *k)
{
	int rc = k->ops->check(k->priv);

	if (rc)
		return kat_fail(k, "check() = %d after %llu allocs, %llu frees",
				rc, (unsigned long long)k->allocs,
				(unsigned long long)k->frees);
	return 0;
}

int kat_verify_all(struct kat *k)
{
	size_t i;

	for (i = 0; i < k->nlive; i++)
		if (kat_verify(k, &k->live[i]))
			return -1;
	return 0;
}

int kat_free_all(struct kat *k)
{
	while (k->nlive)
		if (kat_free_idx(k, k->nlive - 1))
			return -1;
	return 0;
}

bool kat_in_live(struct kat *k, const void *p)
{
	size_t pos = kat_iv_find(k, (uintptr_t)p + 1);

	return pos > 0 && k->iv[pos - 1].e > (uintptr_t)p;
}
