/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * workload.h - the benchmark scenarios, pre-generated with fixed seeds.
 *
 * A workload is an array of operations on numbered slots: {slot, size}
 * allocates size bytes into the slot, {slot, 0} frees the slot. Every
 * workload ends with all slots free, so one instance can run it again.
 * Generating it up front keeps the random number generator, the size
 * distribution and every branch about "what next" out of the timed loop;
 * the benchmark (bench.c) and the callgrind driver (icount.c) replay the
 * very same sequences.
 *
 *   uniform     4096 slots, each step picks a slot at random and frees
 *               it if live, else allocates uniform 1024..4096 bytes
 *               (~2048 live, ~5 MiB); random free order
 *   kernel      16384 slots the same way; 97% of the sizes 16..256 bytes,
 *               3% 4..64 KiB: many small objects, a few large buffers
 *   phase       16384 blocks of 16..4096 bytes (log-uniform) allocated,
 *               then all freed in allocation order, again and again
 *   fragstress  8192 slots: fill every empty slot (16..16384 bytes,
 *               log-uniform), free a random half in random order, repeat
 */
#ifndef KA_WORKLOAD_H
#define KA_WORKLOAD_H

#include <math.h>
#include "kat.h"

enum { WL_UNIFORM, WL_KERNEL, WL_PHASE, WL_FRAG, WL_NR };

struct wl_op {
	u32 slot;
	u32 size;	/* 0: free the slot */
};

struct wl {
	const char *name;
	struct wl_op *op;
	size_t n;
	size_t cap;
	u32 nslots;
	u8 *live;
	u64 rng;
};

static const char *const wl_names[WL_NR] = {
	"uniform", "kernel", "phase", "fragstress",
};

static inline void wl_push(struct wl *w, u32 slot, u32 size)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 1 << 16;
		w->op = realloc(w->op, w->cap * sizeof(*w->op));
		if (!w->op)
			abort();
	}
	w->op[w->n].slot = slot;
	w->op[w->n].size = size;
	w->n++;
	w->live[slot] = !!size;
}

static inline u32 wl_logu(u64 *rng, u32 lo, u32 hi)
{
	double u = (double)(kat_rand(rng) >> 11) / (double)(1ULL << 53);

	return (u32)(lo * pow((double)hi / lo, u));
}

static inline u32 wl_size(int sc, u64 *rng)
{
	u64 r = kat_rand(rng);

	switch (sc) {
	case WL_UNIFORM:
		return 1024 + r % 3073;
	case WL_KERNEL:
		if (r % 100 < 97)
			return 16 + (r >> 8) % 241;
		return 4096 + (r >> 8) % (60 * 1024 + 1);
	case WL_PHASE:
		return wl_logu(rng, 16, 4096);
	default:
		return wl_logu(rng, 16, 16384);
	}
}

/* Fisher-Yates over the live slots, freeing the first keep..n of them. */
static inline void wl_free_random(struct wl *w, double frac)
{
	u32 *ids = malloc(w->nslots * sizeof(*ids));
	u32 i, n = 0, j, t, stop;

	if (!ids)
		abort();
	for (i = 0; i < w->nslots; i++)
		if (w->live[i])
			ids[n++] = i;
	for (i = n; i > 1; i--) {
		j = kat_rand(&w->rng) % i;
		t = ids[i - 1];
		ids[i - 1] = ids[j];
		ids[j] = t;
	}
	stop = (u32)(n * frac);
	for (i = 0; i < stop; i++)
		wl_push(w, ids[i], 0);
	free(ids);
}

static inline void wl_toggle(struct wl *w, int sc, size_t target)
{
	while (w->n < target) {
		u32 s = kat_rand(&w->rng) % w->nslots;

		wl_push(w, s, w->live[s] ? 0 : wl_size(sc, &w->rng));
	}
}

static inline void wl_phase(struct wl *w, size_t target)
{
	u32 i;

	while (w->n < target) {
		for (i = 0; i < w->nslots; i++)
			wl_push(w, i, wl_size(WL_PHASE, &w->rng));
		for (i = 0; i < w->nslots; i++)
			wl_push(w, i, 0);
	}
}

static inline void wl_frag(struct wl *w, size_t target)
{
	u32 i;

	while (w->n < target) {
		for (i = 0; i < w->nslots; i++)
			if (!w->live[i])
				wl_push(w, i, wl_size(WL_FRAG, &w->rng));
		wl_free_random(w, 0.5);
	}
}

/* About target operations of scenario sc (a few more to end empty). */
static inline void wl_make(struct wl *w, int sc, size_t target)
{
	static const u32 slots[WL_NR] = { 4096, 16384, 16384, 8192 };

	memset(w, 0, sizeof(*w));
	w->name = wl_names[sc];
	w->nslots = slots[sc];
	w->rng = 0xbe7c4000u + sc;
	w->live = calloc(w->nslots, 1);
	if (!w->live)
		abort();
	if (sc == WL_PHASE)
		wl_phase(w, target);
	else if (sc == WL_FRAG)
		wl_frag(w, target);
	else
		wl_toggle(w, sc, target);
	wl_free_random(w, 1.0);
}

static inline void wl_free(struct wl *w)
{
	free(w->op);
	free(w->live);
}

#endif /* KA_WORKLOAD_H */
