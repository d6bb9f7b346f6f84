/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ka_workload.h - the benchmark scenarios, one generator for the
 * userspace benchmark (alloc/bench/), the model tests and kalloc.ko's
 * in-kernel benchmark, so that all of them replay the very same
 * operation sequences.
 *
 * A workload is an array of operations on numbered slots: {slot, size}
 * allocates size bytes into the empty slot, {slot, 0} frees the live
 * slot. Generating it up front keeps the random number generator, the
 * size distribution and every branch about "what next" out of the timed
 * loop. The first nops operations follow the scenario; then the
 * generator appends a free of every slot still live, so a workload
 * always ends with all slots empty and one instance can run it again
 * and again.
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
 *   pages       2048 slots the uniform way, sizes 4, 8, 12 or 16 KiB
 *               (whole pages, ~1024 live, ~10 MiB): what the
 *               kernel can also ask of alloc_pages()
 *
 * Everything is integer arithmetic (the kernel has no floating point):
 * log-uniform sizes are lo * 2^(k * u) with the fraction of the exponent
 * evaluated in 16-bit fixed point (ka_wl_exp2_q16(), within 0.4% of the
 * real value), uniform picks are a multiply and a shift, never a
 * division. The generator allocates nothing: the caller provides the
 * operation array and a scratch buffer, sized by the functions below.
 *
 * Use, in the kernel as in userspace:
 *
 *	struct ka_wl w;
 *	size_t n = ka_wl_ops_bound(sc, nops);
 *	struct ka_wl_op *ops = kvmalloc_array(n, sizeof(*ops), GFP_KERNEL);
 *	void *scratch = kvmalloc(ka_wl_scratch_bytes(sc), GFP_KERNEL);
 *	void **slot = kvcalloc(ka_wl_nslots(sc), sizeof(*slot), GFP_KERNEL);
 *
 *	err = ka_wl_gen(&w, sc, ka_wl_default_seed(sc), nops, ops, scratch);
 *	fails = ka_wl_replay(&w, policy_ops, priv, slot);  (time this)
 *
 * The scratch buffer is only used during ka_wl_gen() and may be freed
 * right after it; the slot table must start zeroed and is left zeroed
 * by every complete replay (the workload ends empty).
 */
#ifndef KA_WORKLOAD_H
#define KA_WORKLOAD_H

#include "ka_policy.h"

enum ka_wl_scenario {
	KA_WL_UNIFORM,
	KA_WL_KERNEL,
	KA_WL_PHASE,
	KA_WL_FRAG,
	KA_WL_PAGES,
	KA_WL_NR
};

/* Operations one ka_wl_gen() call accepts: op counts stay in a u32. */
#define KA_WL_MAX_OPS	0x10000000U	/* 2^28 */

struct ka_wl_op {
	u32 slot;
	u32 size;	/* 0: free the slot */
};

/* A generated workload; ops and scratch belong to the caller. */
struct ka_wl {
	const char *name;	/* ka_wl_names[sc] */
	enum ka_wl_scenario sc;
	struct ka_wl_op *op;	/* the caller's array */
	u32 n;			/* operations in op[] */
	u32 nslots;
	u64 rng;
	u8 *live;		/* scratch: slot is live */
	u32 *ids;		/* scratch: live slots, for a random order */
};

/* "uniform", "kernel", "phase", "fragstress", "pages": the one table. */
extern const char *const ka_wl_names[KA_WL_NR];

/* The scenario called name, or -EINVAL. */
int ka_wl_lookup(const char *name);
/* Slots of scenario sc: the replay's slot table has this many entries. */
u32 ka_wl_nslots(enum ka_wl_scenario sc);
/* Largest op count ka_wl_gen(sc, nops) writes: nops plus the final frees. */
size_t ka_wl_ops_bound(enum ka_wl_scenario sc, u32 nops);
/* Bytes of scratch ka_wl_gen() needs for sc (8-byte aligned). */
size_t ka_wl_scratch_bytes(enum ka_wl_scenario sc);
/* The seed the benchmarks use, so that every run replays the same ops. */
u64 ka_wl_default_seed(enum ka_wl_scenario sc);

/*
 * Generates nops operations of scenario sc from seed into ops (room for
 * ka_wl_ops_bound(sc, nops) entries), then frees every live slot.
 * Returns 0, or -EINVAL for an unknown scenario, nops 0 or above
 * KA_WL_MAX_OPS.
 */
int ka_wl_gen(struct ka_wl *w, enum ka_wl_scenario sc, u64 seed, u32 nops,
	      struct ka_wl_op *ops, void *scratch);

/*
 * Replays w through a policy (one indirect call per operation, as every
 * caller of the ops table makes it): alloc at the default alignment into
 * slot[op->slot], or free it; a failed alloc leaves NULL and its free is
 * skipped. Returns the number of failed allocs.
 */
u64 ka_wl_replay(const struct ka_wl *w, const struct ka_policy_ops *o,
		 void *priv, void **slot);

/* splitmix64: tiny, reproducible, and good enough for workloads. */
static inline u64 ka_wl_rand(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#endif /* KA_WORKLOAD_H */
