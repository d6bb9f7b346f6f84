// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU perf ring.
 *
 * While anyone listens to the "perf" group, every allocator operation
 * produces one struct kalloc_perf_record (the uapi's) in its CPU's ring.
 * Nobody listening costs one patched-out branch: kalloc_perf() tests a
 * static key, which telemetry.c flips once a second from a listener check.
 *
 * Producer. Each CPU's ring has exactly one producer at a time: the
 * operation runs with interrupts off on its CPU (local_irq_save(); the
 * virtual device produces from its hrtimer, in hard interrupt context, so
 * preemption alone would not do). It reserves the slot at head, fills the
 * record field by field (never a copy of a kernel struct: nothing the
 * kernel did not mean to say can leak, the psample/drop_monitor lesson),
 * and commits by publishing head + 1 with a release store. No lock, no
 * atomic read-modify-write. A full ring drops the record and counts it;
 * the record's number (seq) is used all the same, so a gap in one CPU's
 * seq is exactly the records lost there. When a commit fills the ring to
 * half, the producer kicks the drain.
 *
 * Consumer. One work item (non-reentrant, so one consumer) drains every
 * ring every KALLOC_PERF_DRAIN_MS: it reads head with an acquire load,
 * copies records into KALLOC_CMD_PERF messages of at most
 * KALLOC_PERF_BATCH records, and gives the slots back by publishing tail
 * with a release store. It counts the records in messages netlink took
 * and refused, per CPU; the producer counts those produced and dropped.
 *
 * The rings are allocated when someone first listens and kept until
 * unload. Stopping disables the key, waits until no producer can still be
 * inside (producers run with interrupts off: synchronize_rcu() waits for
 * them), and then drains what is left.
 */
#include <linux/jump_label.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>

#include "netlink.h"
#include "perf.h"

/* Records per message: a 40-byte record, 128 of them in about 5 KiB. */
#define KALLOC_PERF_BATCH	128

DEFINE_STATIC_KEY_FALSE(kalloc_perf_key);

struct kalloc_perf_ring {
	/* Written by the producer, this CPU, interrupts off. */
	u64 seq;		/* records produced: the next record's number */
	u64 head;		/* records written into rec[] */
	u64 dropped;		/* records dropped: the ring was full */
	struct kalloc_perf_record *rec;
	/* Written by the consumer, on its own cache line. */
	u64 tail ____cacheline_aligned;	/* records read out of rec[] */
	u64 reported;		/* dropped records already reported as LOST */
	u64 sent, send_failed;
};

static struct kalloc_perf_state {
	struct kalloc_perf_ring __percpu *rings;
	unsigned int mask;		/* records per ring - 1 */
	bool running;			/* under lock */
	struct mutex lock;		/* start, stop and the rings' memory */
	struct delayed_work drain;
} kalloc_perf_state = {
	.lock = __MUTEX_INITIALIZER(kalloc_perf_state.lock),
};

/* ---- producer ------------------------------------------------------------ */

static void kalloc_perf_fill(struct kalloc_perf_record *rec, u64 seq, u8 type,
			     u8 policy, u32 id, u64 bytes, u64 latency_ns)
{
	rec->size = sizeof(*rec);
	rec->type = type;
	rec->policy = policy;
	rec->cpu = smp_processor_id();
	rec->seq = seq;
	rec->time_ns = ktime_get_ns();
	rec->bytes = bytes;
	rec->id = id;
	rec->latency_ns = min_t(u64, latency_ns, U32_MAX);
}

void __kalloc_perf_record(u8 type, u8 policy, u32 id, u64 bytes,
			  u64 latency_ns)
{
	struct kalloc_perf_ring *r;
	unsigned long flags;
	bool kick = false;
	u64 head, tail;

	local_irq_save(flags);
	r = this_cpu_ptr(kalloc_perf_state.rings);
	head = r->head;
	/* Pairs with the consumer's release of tail: its slots are free. */
	tail = smp_load_acquire(&r->tail);
	if (head - tail > kalloc_perf_state.mask) {
		WRITE_ONCE(r->dropped, r->dropped + 1);
	} else {
		kalloc_perf_fill(&r->rec[head & kalloc_perf_state.mask], r->seq, type,
				 policy, id, bytes, latency_ns);
		/* The record is complete before the consumer sees it. */
		smp_store_release(&r->head, head + 1);
		kick = head + 1 - tail == (kalloc_perf_state.mask + 1) / 2;
	}
	WRITE_ONCE(r->seq, r->seq + 1);
	local_irq_restore(flags);
	if (kick)
		mod_delayed_work(system_wq, &kalloc_perf_state.drain, 0);
}

/* ---- consumer ------------------------------------------------------------ */

/* One message's worth of one ring: records [tail, tail + n). */
struct kalloc_perf_msg {
	const struct kalloc_perf_ring *r;
	unsigned int cpu;
	u64 tail;
	u32 n;
	u64 lost;
};

static int kalloc_perf_msg_fill(struct sk_buff *skb, const void *arg)
{
	const struct kalloc_perf_msg *m = arg;
	const struct kalloc_perf_record *rec = m->r->rec;
	u32 first = m->tail & kalloc_perf_state.mask;
	u32 part = min_t(u32, m->n, kalloc_perf_state.mask + 1 - first);
	struct nlattr *data;

	if (nla_put_u32(skb, KALLOC_PERF_A_CPU, m->cpu) ||
	    nla_put_u64_64bit(skb, KALLOC_PERF_A_FIRST_SEQ,
			      m->n ? rec[first].seq : READ_ONCE(m->r->seq),
			      KALLOC_PERF_A_PAD) ||
	    nla_put_u32(skb, KALLOC_PERF_A_COUNT, m->n) ||
	    nla_put_u64_64bit(skb, KALLOC_PERF_A_LOST, m->lost, KALLOC_PERF_A_PAD) ||
	    nla_put_u32(skb, KALLOC_PERF_A_RECORD_SIZE, sizeof(*rec)))
		return -EMSGSIZE;
	data = nla_reserve(skb, KALLOC_PERF_A_RECORDS, m->n * sizeof(*rec));
	if (!data)
		return -EMSGSIZE;
	/* The records may wrap around the end of the ring. */
	memcpy(nla_data(data), &rec[first], part * sizeof(*rec));
	memcpy(nla_data(data) + part * sizeof(*rec), rec,
	       (m->n - part) * sizeof(*rec));
	return 0;
}

static size_t kalloc_perf_msg_size(u32 n)
{
	return 3 * nla_total_size(sizeof(u32)) +
	       2 * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(n * sizeof(struct kalloc_perf_record));
}

/* Sends one message of cpu's ring, then gives its records' slots back. */
static void kalloc_perf_send(struct kalloc_perf_ring *r, unsigned int cpu,
			     u32 n)
{
	struct kalloc_perf_msg m = { .r = r, .cpu = cpu, .tail = r->tail, .n = n };
	u64 dropped = READ_ONCE(r->dropped);
	int err;

	m.lost = dropped - r->reported;
	r->reported = dropped;
	err = kalloc_nl_group_send(KALLOC_MCGRP_IDX_PERF, KALLOC_CMD_PERF,
				   kalloc_perf_msg_size(n),
				   kalloc_perf_msg_fill, &m);
	/* The records were copied before the producer may reuse their slots. */
	smp_store_release(&r->tail, r->tail + n);
	if (err)
		WRITE_ONCE(r->send_failed, r->send_failed + n);
	else
		WRITE_ONCE(r->sent, r->sent + n);
}

static void kalloc_perf_drain_cpu(unsigned int cpu)
{
	struct kalloc_perf_ring *r = per_cpu_ptr(kalloc_perf_state.rings, cpu);
	/* Pairs with the producer's release of head: records up to it are whole. */
	u64 head = smp_load_acquire(&r->head);
	u32 n;

	while (r->tail != head) {
		n = min_t(u64, head - r->tail, KALLOC_PERF_BATCH);
		kalloc_perf_send(r, cpu, n);
		cond_resched();
	}
	/* Drops with no record left to carry them still get reported. */
	if (READ_ONCE(r->dropped) != r->reported)
		kalloc_perf_send(r, cpu, 0);
}

static void kalloc_perf_drain_all(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		kalloc_perf_drain_cpu(cpu);
}

static void kalloc_perf_drain_fn(struct work_struct *work)
{
	kalloc_perf_drain_all();
	if (READ_ONCE(kalloc_perf_state.running))
		queue_delayed_work(system_wq, &kalloc_perf_state.drain,
				   msecs_to_jiffies(KALLOC_PERF_DRAIN_MS));
}

/* ---- start and stop ------------------------------------------------------ */

static int kalloc_perf_alloc_rings(void)
{
	size_t bytes = (kalloc_perf_state.mask + 1) * sizeof(struct kalloc_perf_record);
	struct kalloc_perf_ring *r;
	unsigned int cpu;

	kalloc_perf_state.rings = alloc_percpu(struct kalloc_perf_ring);
	if (!kalloc_perf_state.rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		r = per_cpu_ptr(kalloc_perf_state.rings, cpu);
		r->rec = kvzalloc_node(bytes, GFP_KERNEL, cpu_to_node(cpu));
		if (!r->rec)
			return -ENOMEM;	/* kalloc_perf_exit() frees the rest */
	}
	return 0;
}

static void kalloc_perf_free_rings(void)
{
	unsigned int cpu;

	if (!kalloc_perf_state.rings)
		return;
	for_each_possible_cpu(cpu)
		kvfree(per_cpu_ptr(kalloc_perf_state.rings, cpu)->rec);
	free_percpu(kalloc_perf_state.rings);
	kalloc_perf_state.rings = NULL;
}

/* Someone listens: record. Failing to allocate the rings is retried later. */
void kalloc_perf_start(void)
{
	mutex_lock(&kalloc_perf_state.lock);
	if (kalloc_perf_state.running)
		goto unlock;
	if (!kalloc_perf_state.rings && kalloc_perf_alloc_rings()) {
		kalloc_perf_free_rings();
		goto unlock;
	}
	WRITE_ONCE(kalloc_perf_state.running, true);
	static_branch_enable(&kalloc_perf_key);
	queue_delayed_work(system_wq, &kalloc_perf_state.drain,
			   msecs_to_jiffies(KALLOC_PERF_DRAIN_MS));
unlock:
	mutex_unlock(&kalloc_perf_state.lock);
}

/* Nobody listens any more: stop recording and send what is left. */
void kalloc_perf_stop(void)
{
	mutex_lock(&kalloc_perf_state.lock);
	if (!kalloc_perf_state.running)
		goto unlock;
	static_branch_disable(&kalloc_perf_key);
	/* Producers run with interrupts off: after this, none is inside. */
	synchronize_rcu();
	WRITE_ONCE(kalloc_perf_state.running, false);
	cancel_delayed_work_sync(&kalloc_perf_state.drain);
	kalloc_perf_drain_all();
unlock:
	mutex_unlock(&kalloc_perf_state.lock);
}

/* Drains the rings now, for a reader of the counters who wants them final. */
void kalloc_perf_flush(void)
{
	mutex_lock(&kalloc_perf_state.lock);
	if (kalloc_perf_state.running) {
		mod_delayed_work(system_wq, &kalloc_perf_state.drain, 0);
		flush_delayed_work(&kalloc_perf_state.drain);
	}
	mutex_unlock(&kalloc_perf_state.lock);
}

unsigned int kalloc_perf_ring_records(void)
{
	return kalloc_perf_state.mask + 1;
}

void kalloc_perf_counters(struct kalloc_perf_counters *c)
{
	const struct kalloc_perf_ring *r;
	unsigned int cpu;

	memset(c, 0, sizeof(*c));
	mutex_lock(&kalloc_perf_state.lock);
	if (!kalloc_perf_state.rings)
		goto unlock;
	for_each_possible_cpu(cpu) {
		r = per_cpu_ptr(kalloc_perf_state.rings, cpu);
		c->produced += READ_ONCE(r->seq);
		c->dropped += READ_ONCE(r->dropped);
		c->sent += READ_ONCE(r->sent);
		c->send_failed += READ_ONCE(r->send_failed);
	}
unlock:
	mutex_unlock(&kalloc_perf_state.lock);
}

/* ring_records: a power of two, checked here; the rings come later. */
int kalloc_perf_init(unsigned int ring_records)
{
	if (ring_records < 64 || ring_records > (1U << 20) ||
	    !is_power_of_2(ring_records)) {
		pr_err("kalloc: perf_ring_records=%u is not a power of two in 64..%u\n",
		       ring_records, 1U << 20);
		return -EINVAL;
	}
	kalloc_perf_state.mask = ring_records - 1;
	INIT_DELAYED_WORK(&kalloc_perf_state.drain, kalloc_perf_drain_fn);
	return 0;
}

/* After kalloc_perf_stop() and before the family goes. */
void kalloc_perf_exit(void)
{
	kalloc_perf_free_rings();
}
