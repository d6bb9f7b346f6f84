// SPDX-License-Identifier: GPL-2.0
/*
 * The policies behind the buffers.
 *
 * Every buffer is served by one allocator policy (enum kalloc_policy).
 * KALLOC_POLICY_KMALLOC is the kernel's own kvmalloc(), the baseline; the
 * others are the portable allocators of alloc/ (ka_registry.h), each
 * managing one arena: a vmalloc() region of arena_bytes, taken when the
 * policy first serves a buffer and given back at unload. The module
 * parameter bounds every arena alike; the budget (table.c) bounds all
 * buffers together.
 *
 * A buffer's memory is one block from its policy:
 *
 *	[head guard][data: size bytes][tail guard]
 *
 * Each guard is KALLOC_GUARD_BYTES derived by SipHash from a secret drawn
 * at load and from the buffer's id and side, so that a guard copied from
 * another buffer, or from the other side, does not pass. The data is
 * zeroed when allocated; the whole block is poisoned (POISON_FREE) before
 * its policy gets it back, so stale contents never reach the next buffer.
 *
 * Statistics: counters of events (allocations, frees, failures, guard
 * damage, latency histograms) are per CPU and summed on read; the live
 * state of a policy (buffers, bytes, peak) changes only under the table
 * lock and is kept as plain integers beside it; footprint and
 * fragmentation come from the policy itself (ka_policy_ops.stats, under
 * the policy's own lock) or, for kmalloc, from ksize() sums.
 *
 * Locking: everything here runs under the table lock (table.c), which
 * serialises arena creation, the live counters and the active policy. A
 * policy's alloc() and free() take its own spinlock inside.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/poison.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include "arena.h"
#include "ka_policy.h"
#include "perf.h"
#include "../include/kalloc/policy.h"

/* What a policy is asked for around size bytes of data. */
#define KALLOC_BLOCK_EXTRA	(2 * KALLOC_GUARD_BYTES)

static const struct ka_policy_ops *const kalloc_policy_ops[KALLOC_POLICY_MAX + 1] = {
	/* No space before '[': checkpatch would read a subscript. */
#define KA_REG(sym, id, name)[KALLOC_POLICY_##id] = &ka_##sym##_ops,
#include "ka_registry.h"
#undef KA_REG
};

/* One policy's state besides its per-CPU counters; table lock held. */
struct kalloc_policy_state {
	void *priv;		/* ops->priv_size bytes, NULL until first use */
	void *region;		/* the arena, arena_len bytes */
	size_t region_len;
	u64 live_buffers;
	u64 live_bytes;		/* sizes asked for by live buffers */
	u64 peak_bytes;
	u64 asked;		/* kmalloc only: bytes asked of kvmalloc */
	u64 usable;		/* kmalloc only: what they occupy */
};

struct kalloc_pcpu_counters {
	u64 allocs, frees, failures, canary_violations;
	u64 alloc_lat[KALLOC_LATENCY_BUCKETS];
	u64 free_lat[KALLOC_LATENCY_BUCKETS];
};

struct kalloc_pcpu {
	struct kalloc_pcpu_counters p[KALLOC_POLICY_MAX + 1];
};

static struct kalloc_arenas {
	struct kalloc_policy_state policy[KALLOC_POLICY_MAX + 1];
	struct kalloc_pcpu __percpu *pcpu;
	siphash_key_t guard_key;
	size_t arena_bytes;
	unsigned int active;
} kalloc_arenas;

/* ---- policies ------------------------------------------------------------ */

unsigned int kalloc_policy_active(void)
{
	return kalloc_arenas.active;
}

void kalloc_policy_set_active(unsigned int id)
{
	kalloc_arenas.active = id;
}

static bool kalloc_policy_is_arena(unsigned int id)
{
	return id != KALLOC_POLICY_KMALLOC;
}

/* The policy's instance, created with its arena on first use; or NULL. */
static void *kalloc_policy_instance(unsigned int id)
{
	const struct ka_policy_ops *ops = kalloc_policy_ops[id];
	struct kalloc_policy_state *ps = &kalloc_arenas.policy[id];
	size_t len = kalloc_arenas.arena_bytes;

	if (ps->priv)
		return ps->priv;
	ps->region = __vmalloc(len, GFP_KERNEL | __GFP_NOWARN |
			       __GFP_RETRY_MAYFAIL);
	if (!ps->region)
		return NULL;
	ps->priv = kzalloc(ops->priv_size, GFP_KERNEL);
	if (!ps->priv)
		goto free_region;
	if (ops->init(ps->priv, ps->region, len))
		goto free_priv;
	ps->region_len = len;
	return ps->priv;

free_priv:
	kfree(ps->priv);
	ps->priv = NULL;
free_region:
	vfree(ps->region);
	ps->region = NULL;
	return NULL;
}

void kalloc_policy_info(unsigned int id, struct kalloc_policy_info *pi)
{
	const struct kalloc_policy_state *ps = &kalloc_arenas.policy[id];

	pi->id = id;
	pi->active = id == kalloc_arenas.active;
	pi->buffers = ps->live_buffers;
	pi->arena_bytes = ps->region_len;
	pi->arena_limit = kalloc_policy_is_arena(id) ? kalloc_arenas.arena_bytes : 0;
}

/* ---- statistics ---------------------------------------------------------- */

static unsigned int kalloc_lat_bucket(u64 ns)
{
	if (ns < 2)
		return 0;
	return min_t(unsigned int, ilog2(ns), KALLOC_LATENCY_BUCKETS - 1);
}

/* part / whole in hundredths of a percent; 0 when whole is 0. */
static u32 kalloc_ratio(u64 part, u64 whole)
{
	if (!whole)
		return 0;
	return min_t(u64, div64_u64(part * 10000, whole), U32_MAX);
}

static void kalloc_sum_counters(unsigned int id, struct kalloc_policy_stats *st)
{
	const struct kalloc_pcpu_counters *c;
	unsigned int b;
	int cpu;

	for_each_possible_cpu(cpu) {
		c = &per_cpu_ptr(kalloc_arenas.pcpu, cpu)->p[id];
		st->allocs += READ_ONCE(c->allocs);
		st->frees += READ_ONCE(c->frees);
		st->failures += READ_ONCE(c->failures);
		st->canary_violations += READ_ONCE(c->canary_violations);
		for (b = 0; b < KALLOC_LATENCY_BUCKETS; b++) {
			st->alloc_lat[b] += READ_ONCE(c->alloc_lat[b]);
			st->free_lat[b] += READ_ONCE(c->free_lat[b]);
		}
	}
}

/* Footprint and fragmentation from bytes asked, usable and occupied. */
static void kalloc_frag(struct kalloc_policy_stats *st, u64 asked, u64 usable,
			u64 footprint)
{
	st->footprint_bytes = footprint;
	st->frag_internal = kalloc_ratio(usable > asked ? usable - asked : 0,
					 asked);
	st->frag_external = kalloc_ratio(footprint > usable ?
					 footprint - usable : 0, asked);
}

void kalloc_policy_stats(unsigned int id, struct kalloc_policy_stats *st)
{
	const struct kalloc_policy_state *ps = &kalloc_arenas.policy[id];
	struct ka_stats ks = {};

	memset(st, 0, sizeof(*st));
	kalloc_sum_counters(id, st);
	st->live_buffers = ps->live_buffers;
	st->live_bytes = ps->live_bytes;
	st->peak_bytes = ps->peak_bytes;
	st->arena_bytes = ps->region_len;
	if (!kalloc_policy_is_arena(id)) {
		kalloc_frag(st, ps->asked, ps->usable, ps->usable);
		return;
	}
	if (ps->priv)
		kalloc_policy_ops[id]->stats(ps->priv, &ks);
	kalloc_frag(st, ks.requested_bytes, ks.usable_bytes, ks.footprint_bytes);
}

static void kalloc_count_alloc(unsigned int id, u64 size, u64 ns)
{
	struct kalloc_policy_state *ps = &kalloc_arenas.policy[id];

	this_cpu_inc(kalloc_arenas.pcpu->p[id].allocs);
	this_cpu_inc(kalloc_arenas.pcpu->p[id].alloc_lat[kalloc_lat_bucket(ns)]);
	ps->live_buffers++;
	ps->live_bytes += size;
	ps->peak_bytes = max(ps->peak_bytes, ps->live_bytes);
}

static void kalloc_count_free(unsigned int id, u64 size, u64 ns)
{
	struct kalloc_policy_state *ps = &kalloc_arenas.policy[id];

	this_cpu_inc(kalloc_arenas.pcpu->p[id].frees);
	this_cpu_inc(kalloc_arenas.pcpu->p[id].free_lat[kalloc_lat_bucket(ns)]);
	ps->live_buffers--;
	ps->live_bytes -= size;
}

void kalloc_mem_count_violation(const struct kalloc_mem *m)
{
	this_cpu_inc(kalloc_arenas.pcpu->p[m->policy].canary_violations);
}

/* ---- memory -------------------------------------------------------------- */

/* What a kvmalloc()ed block occupies. */
static u64 kalloc_kv_usable(const struct kalloc_mem *m, u64 len)
{
	return m->vmalloc ? PAGE_ALIGN(len) : ksize(m->block);
}

/*
 * kvmalloc() without the OOM killer (__GFP_RETRY_MAYFAIL), charged to the
 * caller's memory cgroup (GFP_KERNEL_ACCOUNT), and quiet on failure: a
 * refused buffer is an ENOMEM for the caller, never a splat.
 */
static int kalloc_kv_alloc(struct kalloc_mem *m, u64 len)
{
	struct kalloc_policy_state *ps = &kalloc_arenas.policy[m->policy];

	m->block = kvmalloc(len, GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL |
			    __GFP_NOWARN);
	if (!m->block)
		return -ENOMEM;
	m->vmalloc = is_vmalloc_addr(m->block);
	ps->asked += len;
	ps->usable += kalloc_kv_usable(m, len);
	return 0;
}

static void kalloc_kv_free(struct kalloc_mem *m, u64 len)
{
	struct kalloc_policy_state *ps = &kalloc_arenas.policy[m->policy];

	ps->asked -= len;
	ps->usable -= kalloc_kv_usable(m, len);
	kvfree(m->block);
}

static int kalloc_arena_alloc(struct kalloc_mem *m, u64 len,
			      struct kalloc_no_room *room)
{
	const struct ka_policy_ops *ops = kalloc_policy_ops[m->policy];
	void *priv = kalloc_policy_instance(m->policy);
	struct ka_stats ks;

	if (!priv)
		return -ENOMEM;
	m->block = ops->alloc(priv, len, 0);
	m->vmalloc = true;
	if (m->block)
		return 0;
	ops->stats(priv, &ks);
	room->largest = ks.largest_free > KALLOC_BLOCK_EXTRA ?
			ks.largest_free - KALLOC_BLOCK_EXTRA : 0;
	room->limit = kalloc_arenas.arena_bytes;
	return -ENOSPC;
}

static void kalloc_mem_seal(struct kalloc_mem *m, u64 size, u32 id);

/*
 * Gives m a block for size bytes of data of buffer id: zeroed, with both
 * guards written. Returns 0, -ENOMEM, or -ENOSPC with what the policy
 * could have served in *room.
 */
int kalloc_mem_alloc(struct kalloc_mem *m, unsigned int policy, u64 size,
		     u32 id, struct kalloc_no_room *room)
{
	u64 len = size + KALLOC_BLOCK_EXTRA, t0, ns;
	int err;

	m->policy = policy;
	m->block = NULL;
	t0 = ktime_get_ns();
	if (kalloc_policy_is_arena(policy))
		err = kalloc_arena_alloc(m, len, room);
	else
		err = kalloc_kv_alloc(m, len);
	ns = ktime_get_ns() - t0;
	if (err) {
		this_cpu_inc(kalloc_arenas.pcpu->p[policy].failures);
		kalloc_perf(KALLOC_PERF_FAIL, policy, id, size, ns);
		return err;
	}
	kalloc_count_alloc(policy, size, ns);
	kalloc_perf(KALLOC_PERF_ALLOC, policy, id, size, ns);
	memset(kalloc_mem_data(m), 0, size);
	kalloc_mem_seal(m, size, id);
	return 0;
}

/* Frees m's block (buffer id's), whatever its guards say, poisoned first. */
void kalloc_mem_free(struct kalloc_mem *m, u64 size, u32 id)
{
	u64 len = size + KALLOC_BLOCK_EXTRA, t0, ns;
	void *priv = kalloc_arenas.policy[m->policy].priv;

	memset(m->block, POISON_FREE, len);
	t0 = ktime_get_ns();
	if (kalloc_policy_is_arena(m->policy))
		kalloc_policy_ops[m->policy]->free(priv, m->block);
	else
		kalloc_kv_free(m, len);
	ns = ktime_get_ns() - t0;
	kalloc_count_free(m->policy, size, ns);
	kalloc_perf(KALLOC_PERF_FREE, m->policy, id, size, ns);
	m->block = NULL;
}

/* ---- guards -------------------------------------------------------------- */

static u8 *kalloc_guard(const struct kalloc_mem *m, u64 size, u32 guard)
{
	if (guard == KALLOC_GUARD_HEAD)
		return m->block;
	return kalloc_mem_data(m) + size;
}

/* The value of buffer id's guard: two SipHash words, keyed per boot. */
static void kalloc_guard_value(u32 id, u32 guard, u8 out[KALLOC_GUARD_BYTES])
{
	u64 v[2];

	BUILD_BUG_ON(sizeof(v) != KALLOC_GUARD_BYTES);
	v[0] = siphash_2u64(id, 2 * guard, &kalloc_arenas.guard_key);
	v[1] = siphash_2u64(id, 2 * guard + 1, &kalloc_arenas.guard_key);
	memcpy(out, v, sizeof(v));
}

/* Writes both guards of buffer id around its size bytes of data. */
static void kalloc_mem_seal(struct kalloc_mem *m, u64 size, u32 id)
{
	kalloc_guard_value(id, KALLOC_GUARD_HEAD, kalloc_guard(m, size, KALLOC_GUARD_HEAD));
	kalloc_guard_value(id, KALLOC_GUARD_TAIL, kalloc_guard(m, size, KALLOC_GUARD_TAIL));
}

/* KALLOC_GUARD_* bits of the guards that do not hold their value. */
u32 kalloc_mem_check(const struct kalloc_mem *m, u64 size, u32 id)
{
	u8 want[KALLOC_GUARD_BYTES];
	u32 bad = 0, guard;

	for (guard = KALLOC_GUARD_HEAD; guard <= KALLOC_GUARD_TAIL; guard <<= 1) {
		kalloc_guard_value(id, guard, want);
		if (memcmp(kalloc_guard(m, size, guard), want, sizeof(want)))
			bad |= guard;
	}
	return bad;
}

/* The debugfs test hook: flips one byte of one guard. */
void kalloc_mem_corrupt(struct kalloc_mem *m, u64 size, u32 guard)
{
	kalloc_guard(m, size, guard)[KALLOC_GUARD_BYTES / 2] ^= 0xff;
}

/* ---- load and unload ----------------------------------------------------- */

static int kalloc_policy_by_name(const char *name)
{
	unsigned int id;

	for (id = 1; id <= KALLOC_POLICY_MAX; id++)
		if (sysfs_streq(name, kalloc_policy_name(id)))
			return id;
	return -EINVAL;
}

int __init kalloc_arena_init(u64 arena_bytes, const char *policy)
{
	int id = kalloc_policy_by_name(policy);

	if (id < 0) {
		pr_err("policy=%s names no policy\n", policy);
		return -EINVAL;
	}
	if (arena_bytes < PAGE_SIZE || arena_bytes > SZ_1G * 4ULL) {
		pr_err("arena_bytes=%llu is not in %lu..%llu\n", arena_bytes,
		       PAGE_SIZE, SZ_1G * 4ULL);
		return -EINVAL;
	}
	kalloc_arenas.pcpu = alloc_percpu(struct kalloc_pcpu);
	if (!kalloc_arenas.pcpu)
		return -ENOMEM;
	get_random_bytes(&kalloc_arenas.guard_key, sizeof(kalloc_arenas.guard_key));
	kalloc_arenas.arena_bytes = arena_bytes;
	kalloc_arenas.active = id;
	return 0;
}

/* After every buffer is freed: gives every arena back. */
void kalloc_arena_exit(void)
{
	struct kalloc_policy_state *ps;
	unsigned int id;

	for (id = 1; id <= KALLOC_POLICY_MAX; id++) {
		ps = &kalloc_arenas.policy[id];
		if (!ps->priv)
			continue;
		kalloc_policy_ops[id]->fini(ps->priv);
		kfree(ps->priv);
		vfree(ps->region);
		memset(ps, 0, sizeof(*ps));
	}
	free_percpu(kalloc_arenas.pcpu);
	kalloc_arenas.pcpu = NULL;
}
