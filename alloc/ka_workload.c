// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ka_workload.c - the benchmark scenarios (design and use: ka_workload.h).
 *
 * Built into kalloc.ko like every alloc/ka_*.c, and into the userspace
 * benchmark and tests: integer arithmetic only, no allocation, nothing
 * beyond ka_platform.h.
 */
#include "ka_workload.h"

/* Exponent fractions are 16-bit fixed point: 1.0 is KA_WL_Q16_ONE. */
#define KA_WL_Q16_SHIFT	16
#define KA_WL_Q16_ONE	65536U		/* 1 << KA_WL_Q16_SHIFT */
/*
 * 2^x on [0, 1) as 1 + C1 x + C2 x^2 (Q16): C1 + C2 = 1.0 makes 2^1
 * exact and 2^0.5 lands within 0.01%; the worst error is 0.33%.
 */
#define KA_WL_EXP2_C1	43024U
#define KA_WL_EXP2_C2	22512U

static_assert(KA_WL_Q16_ONE == 1U << KA_WL_Q16_SHIFT, "Q16 one");
static_assert(KA_WL_EXP2_C1 + KA_WL_EXP2_C2 == KA_WL_Q16_ONE,
	      "2^x must reach 2.0 at x = 1");
static_assert(KA_WL_MAX_OPS <= 0x80000000U,
	      "op counts plus the final frees must fit in a u32");

const char *const ka_wl_names[KA_WL_NR] = {
	[KA_WL_UNIFORM]	= "uniform",
	[KA_WL_KERNEL]	= "kernel",
	[KA_WL_PHASE]	= "phase",
	[KA_WL_FRAG]	= "fragstress",
	[KA_WL_PAGES]	= "pages",
};

static const u32 ka_wl_slots[KA_WL_NR] = {
	[KA_WL_UNIFORM]	= 4096,
	[KA_WL_KERNEL]	= 16384,
	[KA_WL_PHASE]	= 16384,
	[KA_WL_FRAG]	= 8192,
	[KA_WL_PAGES]	= 2048,
};

int ka_wl_lookup(const char *name)
{
	int sc;

	for (sc = 0; sc < KA_WL_NR; sc++)
		if (!strcmp(name, ka_wl_names[sc]))
			return sc;
	return -EINVAL;
}

u32 ka_wl_nslots(enum ka_wl_scenario sc)
{
	return (u32)sc < KA_WL_NR ? ka_wl_slots[sc] : 0;
}

size_t ka_wl_ops_bound(enum ka_wl_scenario sc, u32 nops)
{
	return (size_t)nops + ka_wl_nslots(sc);
}

/* The live flags, then (8-byte aligned) the u32 list of live slots. */
static size_t ka_wl_ids_off(u32 nslots)
{
	return ka_align_up(nslots, 8);
}

size_t ka_wl_scratch_bytes(enum ka_wl_scenario sc)
{
	u32 n = ka_wl_nslots(sc);

	return ka_wl_ids_off(n) + (size_t)n * sizeof(u32);
}

u64 ka_wl_default_seed(enum ka_wl_scenario sc)
{
	return 0xbe7c4000ULL + sc;
}

/* A uniform pick in [0, n): the top 32 random bits scaled, no division. */
static u32 ka_wl_below(struct ka_wl *w, u32 n)
{
	return (u32)(((ka_wl_rand(&w->rng) >> 32) * n) >> 32);
}

/* 2^(f / 2^16) in Q16 for 0 <= f < 2^16 (see KA_WL_EXP2_C1). */
static u32 ka_wl_exp2_q16(u32 f)
{
	u64 c = KA_WL_EXP2_C1 + (((u64)KA_WL_EXP2_C2 * f) >> KA_WL_Q16_SHIFT);

	return KA_WL_Q16_ONE + (u32)((c * f) >> KA_WL_Q16_SHIFT);
}

/* Log-uniform in [2^lo, 2^(lo + k)): 2^lo * 2^(k * u), u uniform in [0, 1). */
static u32 ka_wl_logu(struct ka_wl *w, u32 lo, u32 k)
{
	u32 t = ka_wl_below(w, k << KA_WL_Q16_SHIFT);
	u64 m = ka_wl_exp2_q16(t & (KA_WL_Q16_ONE - 1));

	return (u32)((m << (lo + (t >> KA_WL_Q16_SHIFT))) >> KA_WL_Q16_SHIFT);
}

/* 97 in 100 small objects, the rest large buffers. */
static u32 ka_wl_kernel_size(struct ka_wl *w)
{
	if (ka_wl_below(w, 100) < 97)
		return 16 + ka_wl_below(w, 241);
	return 4096 + ka_wl_below(w, 60 * 1024 + 1);
}

static u32 ka_wl_size(struct ka_wl *w)
{
	switch (w->sc) {
	case KA_WL_UNIFORM:
		return 1024 + ka_wl_below(w, 3073);
	case KA_WL_KERNEL:
		return ka_wl_kernel_size(w);
	case KA_WL_PHASE:
		return ka_wl_logu(w, 4, 8);		/* 16..4096 */
	case KA_WL_PAGES:
		return 4096 * (1 + ka_wl_below(w, 4));	/* 4..16 KiB */
	default:
		return ka_wl_logu(w, 4, 10);		/* 16..16384 */
	}
}

static void ka_wl_push(struct ka_wl *w, u32 slot, u32 size)
{
	w->op[w->n].slot = slot;
	w->op[w->n].size = size;
	w->n++;
	w->live[slot] = !!size;
}

/*
 * Frees the live slots in random order (Fisher-Yates over their list),
 * all of them or, with half, the first half; stops at limit ops.
 */
static void ka_wl_free_random(struct ka_wl *w, bool half, u32 limit)
{
	u32 i, j, t, n = 0, stop;

	for (i = 0; i < w->nslots; i++)
		if (w->live[i])
			w->ids[n++] = i;
	for (i = n; i > 1; i--) {
		j = ka_wl_below(w, i);
		t = w->ids[i - 1];
		w->ids[i - 1] = w->ids[j];
		w->ids[j] = t;
	}
	stop = half ? n / 2 : n;
	for (i = 0; i < stop && w->n < limit; i++)
		ka_wl_push(w, w->ids[i], 0);
}

/* uniform, kernel, pages: toggle a random slot. */
static void ka_wl_toggle(struct ka_wl *w, u32 nops)
{
	u32 s;

	while (w->n < nops) {
		s = ka_wl_below(w, w->nslots);
		ka_wl_push(w, s, w->live[s] ? 0 : ka_wl_size(w));
	}
}

static void ka_wl_phase(struct ka_wl *w, u32 nops)
{
	u32 i;

	while (w->n < nops) {
		for (i = 0; i < w->nslots && w->n < nops; i++)
			ka_wl_push(w, i, ka_wl_size(w));
		for (i = 0; i < w->nslots && w->n < nops; i++)
			ka_wl_push(w, i, 0);
	}
}

static void ka_wl_frag(struct ka_wl *w, u32 nops)
{
	u32 i;

	while (w->n < nops) {
		for (i = 0; i < w->nslots && w->n < nops; i++)
			if (!w->live[i])
				ka_wl_push(w, i, ka_wl_size(w));
		ka_wl_free_random(w, true, nops);
	}
}

/* The tail: phase frees in allocation (slot) order, the rest randomly. */
static void ka_wl_drain(struct ka_wl *w)
{
	u32 i;

	if (w->sc != KA_WL_PHASE) {
		ka_wl_free_random(w, false, ~0U);
		return;
	}
	for (i = 0; i < w->nslots; i++)
		if (w->live[i])
			ka_wl_push(w, i, 0);
}

int ka_wl_gen(struct ka_wl *w, enum ka_wl_scenario sc, u64 seed, u32 nops,
	      struct ka_wl_op *ops, void *scratch)
{
	if ((u32)sc >= KA_WL_NR || !nops || nops > KA_WL_MAX_OPS)
		return -EINVAL;
	w->name = ka_wl_names[sc];
	w->sc = sc;
	w->op = ops;
	w->n = 0;
	w->nslots = ka_wl_slots[sc];
	w->rng = seed;
	w->live = scratch;
	w->ids = (u32 *)((u8 *)scratch + ka_wl_ids_off(w->nslots));
	ka_memset(w->live, 0, w->nslots);
	if (sc == KA_WL_PHASE)
		ka_wl_phase(w, nops);
	else if (sc == KA_WL_FRAG)
		ka_wl_frag(w, nops);
	else
		ka_wl_toggle(w, nops);
	ka_wl_drain(w);
	w->live = NULL;
	w->ids = NULL;
	return 0;
}

u64 ka_wl_replay(const struct ka_wl *w, const struct ka_policy_ops *o,
		 void *priv, void **slot)
{
	const struct ka_wl_op *op = w->op, *end = w->op + w->n;
	u64 fails = 0;

	for (; op < end; op++) {
		if (op->size) {
			slot[op->slot] = o->alloc(priv, op->size, 0);
			fails += !slot[op->slot];
		} else if (slot[op->slot]) {
			o->free(priv, slot[op->slot]);
			slot[op->slot] = NULL;
		}
	}
	return fails;
}
