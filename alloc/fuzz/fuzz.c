// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fuzz.c - libFuzzer harness: the input is a program of allocator
 * operations run against one policy and the shadow model of kat.h.
 *
 * The policy is KA_FUZZ_POLICY=<name> (make fuzz runs one per policy),
 * or, without it, the first input byte modulo the number of policies.
 * Then every operation starts with one opcode byte o:
 *
 *   o & 7 = 0..2  alloc: size class (o >> 3) & 3 picks 1..64, 1..1024,
 *                 1..65536 from the next two bytes, or an invalid size;
 *                 o >> 5 picks the alignment: 0 (default), 4 << 2k up
 *                 to 4096, or 24 (not a power of two)
 *         3       free live block [next byte % live]
 *         4       free live block [next byte % live], then free it again
 *         5       wild free at an offset from the next three bytes:
 *                 inside a block, in free space or outside the region
 *         6       realloc-like: new block, copy, free the old one
 *         7       verify every live block's pattern
 *
 * After every operation the policy's check() must return 0 and its stats
 * must match the model; any mismatch, overlap, misalignment, corrupted
 * pattern or accepted bad free prints the reason and aborts.
 */
#include "kat.h"

#define FZ_REGION	(256u << 10)
/*
 * A slab needs a slab (1-8 units of 4 KiB) per size class in use before
 * its small requests can be promised anything (1 MiB: about 240 units
 * for 37 classes), and it keeps empty slabs, rings and a large-block
 * cache that go back only when the pool runs dry: it is promised success
 * below 1/16 of its region, the others below 1/8.
 */
#define FZ_SLAB_REGION	(1u << 20)
#define FZ_CAP		1024

/* Every policy of the registry (ka_policy.h declares their ops). */
#define KA_REG(sym, id, name) &ka_##sym##_ops,
static const struct ka_policy_ops *const fz_policies[] = {
#include "ka_registry.h"
	NULL
};

static unsigned int fz_npol = sizeof(fz_policies) / sizeof(fz_policies[0]) - 1;
static int fz_pinned = -1;
static void *fz_region;

struct fz_in {
	const u8 *d;
	size_t n;
};

static unsigned int fz_byte(struct fz_in *in)
{
	unsigned int b;

	if (!in->n)
		return 0;
	b = *in->d++;
	in->n--;
	return b;
}

static void fz_die(struct kat *k)
{
	fprintf(stderr, "kat: %s\n", k->err);
	abort();
}

#define FZ(k, expr) do { if (expr) fz_die(k); } while (0)

static size_t fz_size(struct fz_in *in, unsigned int cls, bool *bad)
{
	static const size_t invalid[] = {
		0, SIZE_MAX, SIZE_MAX - 7, SIZE_MAX - 4096, SIZE_MAX / 2 + 1,
		FZ_SLAB_REGION + 1, (size_t)1 << 40, 0,
	};
	unsigned int v = fz_byte(in) | fz_byte(in) << 8;

	*bad = cls == 3;
	switch (cls) {
	case 0:
		return 1 + v % 64;
	case 1:
		return 1 + v % 1024;
	case 2:
		return 1 + v;
	default:
		return invalid[v % 8];
	}
}

static size_t fz_align(unsigned int a, bool *bad)
{
	*bad = a == 7;
	if (!a)
		return 0;
	return a == 7 ? 24 : (size_t)4 << (2 * (a - 1));
}

static void fz_alloc(struct kat *k, unsigned int o, struct fz_in *in)
{
	bool bad_size, bad_align;
	size_t size = fz_size(in, (o >> 3) & 3, &bad_size);
	size_t align = fz_align(o >> 5, &bad_align);
	u8 *p;

	if (k->nlive == k->cap)
		return;
	FZ(k, kat_alloc(k, size, align, &p));
	if (p && (bad_size || bad_align))
		FZ(k, kat_fail(k, "alloc(%zu, %zu) must fail", size, align));
	if (!p && !bad_size && !bad_align && size <= 256 && align <= 64 &&
	    k->req_bytes < k->len / (k->len == FZ_SLAB_REGION ? 16 : 8))
		FZ(k, kat_fail(k, "alloc(%zu, %zu) failed, %llu bytes live",
			       size, align, (unsigned long long)k->req_bytes));
}

static void fz_double_free(struct kat *k, size_t i)
{
	u8 *p = k->live[i].p;

	FZ(k, kat_free_idx(k, i));
	/* It may have merged with a free neighbour: then -EINVAL is right. */
	FZ(k, kat_bad_free(k, p, 0));
}

static void fz_wild_free(struct kat *k, struct fz_in *in)
{
	unsigned int v = fz_byte(in) | fz_byte(in) << 8 | fz_byte(in) << 16;
	u8 *p = k->base + v % (k->len + 8192) - 4096;
	size_t i;

	for (i = 0; i < k->nlive; i++)
		if (k->live[i].p == p)
			return;
	FZ(k, kat_bad_free(k, p, 0));
}

static void fz_op(struct kat *k, struct fz_in *in)
{
	unsigned int o = fz_byte(in);

	if (o % 8 < 3 || !k->nlive) {
		if (o % 8 < 3)
			fz_alloc(k, o, in);
		else
			fz_wild_free(k, in);
		return;
	}
	switch (o % 8) {
	case 3:
		FZ(k, kat_free_idx(k, fz_byte(in) % k->nlive));
		break;
	case 4:
		fz_double_free(k, fz_byte(in) % k->nlive);
		break;
	case 5:
		fz_wild_free(k, in);
		break;
	case 6:
		FZ(k, kat_realloc_idx(k, fz_byte(in) % k->nlive,
				      1 + fz_byte(in) * 16, 0));
		break;
	default:
		FZ(k, kat_verify_all(k));
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *want = getenv("KA_FUZZ_POLICY");
	unsigned int i;

	(void)argc;
	(void)argv;
	ka_warn_quiet = true;
	if (!fz_npol) {
		fprintf(stderr, "fuzz: no policy compiled in\n");
		exit(1);
	}
	if (posix_memalign(&fz_region, 2u << 20, FZ_SLAB_REGION))
		exit(1);
	if (!want)
		return 0;
	for (i = 0; i < fz_npol; i++)
		if (!strcmp(fz_policies[i]->name, want))
			fz_pinned = i;
	if (fz_pinned < 0) {
		fprintf(stderr, "fuzz: no policy named %s\n", want);
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fz_in in = { data, size };
	unsigned int pol;
	struct kat k;
	size_t len;

	pol = fz_pinned >= 0 ? (unsigned int)fz_pinned : fz_byte(&in) % fz_npol;
	len = strcmp(fz_policies[pol]->name, "slab") ? FZ_REGION : FZ_SLAB_REGION;
	FZ(&k, kat_open_in(&k, fz_policies[pol], fz_region, len, FZ_CAP));
	while (in.n) {
		fz_op(&k, &in);
		FZ(&k, kat_check(&k));
		FZ(&k, kat_stats(&k));
	}
	FZ(&k, kat_verify_all(&k));
	FZ(&k, kat_free_all(&k));
	FZ(&k, kat_check(&k));
	FZ(&k, kat_stats(&k));
	kat_close(&k);
	return 0;
}
