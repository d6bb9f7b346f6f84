// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lib/events.c without a socket: hand-built group messages, fed as
 * datagrams to an offline handle, come back as tagged events, and the
 * perf records' per-CPU seq numbers add up to exact loss accounting.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

#include "events_priv.h"
#include "check_run.h"

#define FAMILY		0x20
#define GRP_EVENTS	7
#define GRP_STATS	8
#define GRP_PERF	9

static struct kalloc_events *ev;
static struct nl_msg *msg;
static struct kalloc_err err;

static void setup(void)
{
	static const char *const names[] = { "events", "stats", "perf" };
	static const uint32_t ids[] = { GRP_EVENTS, GRP_STATS, GRP_PERF };

	ev = kalloc_events_offline(FAMILY, names, ids, 3);
	ck_assert_ptr_nonnull(ev);
}

static void teardown(void)
{
	kalloc_events_close(ev);
}

static void message(uint8_t cmd)
{
	msg = nlmsg_alloc_size(65536);
	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(genlmsg_put(msg, 0, 0, FAMILY, 0, 0, cmd, 1));
}

/* Feeds the message built so far as one datagram, and frees it. */
static void feed(uint32_t group)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	ck_assert_int_eq(kalloc_events_feed(ev, nlh, nlh->nlmsg_len, group), 0);
	nlmsg_free(msg);
}

static int recv_one(struct kalloc_event *e)
{
	return kalloc_events_recv(ev, e, KALLOC_EVENTS_NONBLOCK, &err);
}

static void u32(int type, uint32_t v)
{
	ck_assert_int_eq(nla_put_u32(msg, type, v), 0);
}

static void u64(int type, uint64_t v)
{
	ck_assert_int_eq(nla_put_u64(msg, type, v), 0);
}

static void str(int type, const char *s)
{
	ck_assert_int_eq(nla_put_string(msg, type, s), 0);
}

/* ---- events ----------------------------------------------------------- */

static void buffer_message(uint8_t cmd, uint32_t id, const char *name)
{
	message(cmd);
	u32(KALLOC_BUFFER_A_ID, id);
	str(KALLOC_BUFFER_A_NAME, name);
	u64(KALLOC_BUFFER_A_SIZE, 4096);
	u32(KALLOC_BUFFER_A_POLICY, KALLOC_POLICY_SLAB);
	str(KALLOC_BUFFER_A_POLICY_NAME, "slab");
}

START_TEST(buffer_new_and_del)
{
	struct kalloc_event e;

	buffer_message(KALLOC_CMD_BUFFER_NEW, 3, "web0");
	feed(GRP_EVENTS);
	ck_assert_int_eq(recv_one(&e), 1);
	ck_assert_int_eq(e.type, KALLOC_EVENT_BUFFER_NEW);
	ck_assert_uint_eq(e.cmd, KALLOC_CMD_BUFFER_NEW);
	ck_assert_str_eq(e.group, "events");
	ck_assert_uint_eq(e.buffer.id, 3);
	ck_assert_str_eq(e.buffer.name, "web0");
	ck_assert_uint_eq(e.buffer.size, 4096);
	ck_assert_str_eq(e.buffer.policy_name, "slab");
	ck_assert_uint_eq(e.buffer.reason, 0);
	ck_assert_int_eq(recv_one(&e), 0);

	buffer_message(KALLOC_CMD_BUFFER_DEL, 3, "web0");
	u32(KALLOC_BUFFER_A_REASON, KALLOC_DEL_SOCKET);
	feed(GRP_EVENTS);
	ck_assert_int_eq(recv_one(&e), 1);
	ck_assert_int_eq(e.type, KALLOC_EVENT_BUFFER_DEL);
	ck_assert_uint_eq(e.buffer.reason, KALLOC_DEL_SOCKET);
	ck_assert_str_eq(kalloc_del_reason_name(e.buffer.reason), "socket");

	buffer_message(KALLOC_CMD_BUFFER_CHECK, 4, "bad");
	u32(KALLOC_BUFFER_A_GUARDS, KALLOC_GUARD_HEAD);
	feed(GRP_EVENTS);
	ck_assert_int_eq(recv_one(&e), 1);
	ck_assert_int_eq(e.type, KALLOC_EVENT_BUFFER_CHECK);
	ck_assert_uint_eq(e.buffer.guards, KALLOC_GUARD_HEAD);
}
END_TEST

START_TEST(buffer_set_event)
{
	struct kalloc_event e;

	buffer_message(KALLOC_CMD_BUFFER_SET, 5, "grown");
	feed(GRP_EVENTS);
	ck_assert_int_eq(recv_one(&e), 1);
	ck_assert_int_eq(e.type, KALLOC_EVENT_BUFFER_SET);
	ck_assert_uint_eq(e.cmd, KALLOC_CMD_BUFFER_SET);
	ck_assert_uint_eq(e.buffer.id, 5);
	ck_assert_str_eq(e.buffer.name, "grown");
}
END_TEST

START_TEST(vdev_events)
{
	static const uint8_t cmds[] = {
		KALLOC_CMD_VDEV_NEW, KALLOC_CMD_VDEV_SET, KALLOC_CMD_VDEV_IRQ,
		KALLOC_CMD_VDEV_DMA, KALLOC_CMD_VDEV_DEL,
	};
	struct kalloc_event e;
	size_t i;

	for (i = 0; i < sizeof(cmds); i++) {
		message(cmds[i]);
		u32(KALLOC_VDEV_A_ID, 2);
		str(KALLOC_VDEV_A_NAME, "dev0");
		u32(KALLOC_VDEV_A_MINOR, 120);
		u32(KALLOC_VDEV_A_SIZE, 4096);
		u32(KALLOC_VDEV_A_STATUS, KALLOC_VDEV_STATUS_READY);
		u32(KALLOC_VDEV_A_CONTROL, KALLOC_VDEV_CONTROL_ENABLE);
		u64(KALLOC_VDEV_A_IRQ_COUNT, i);
		feed(GRP_EVENTS);
		ck_assert_int_eq(recv_one(&e), 1);
		ck_assert_int_eq(e.type, KALLOC_EVENT_VDEV);
		ck_assert_uint_eq(e.cmd, cmds[i]);
		ck_assert_str_eq(e.vdev.name, "dev0");
		ck_assert_uint_eq(e.vdev.id, 2);
		ck_assert_uint_eq(e.vdev.size, 4096);
		ck_assert_uint_eq(e.vdev.irq_count, i);
	}
	/* A device event without its name is malformed, and skipped. */
	message(KALLOC_CMD_VDEV_IRQ);
	u32(KALLOC_VDEV_A_ID, 2);
	feed(GRP_EVENTS);
	ck_assert_int_eq(recv_one(&e), -EPROTO);
	ck_assert_int_eq(recv_one(&e), 0);
}
END_TEST

START_TEST(policy_set_event)
{
	struct kalloc_event e;

	message(KALLOC_CMD_POLICY_SET);
	u32(KALLOC_POLICY_A_ID, KALLOC_POLICY_TLSF);
	str(KALLOC_POLICY_A_NAME, "tlsf");
	ck_assert_int_eq(nla_put_u8(msg, KALLOC_POLICY_A_ACTIVE, 1), 0);
	u32(KALLOC_POLICY_A_BUFFERS, 2);
	u32(KALLOC_POLICY_A_PREVIOUS, KALLOC_POLICY_KMALLOC);
	ck_assert_int_eq(nla_put_u8(msg, KALLOC_POLICY_A_CHANGED, 1), 0);
	u32(KALLOC_POLICY_A_MIGRATED, 2);
	u32(KALLOC_POLICY_A_UNMOVED, 0);
	feed(GRP_EVENTS);
	ck_assert_int_eq(recv_one(&e), 1);
	ck_assert_int_eq(e.type, KALLOC_EVENT_POLICY_SET);
	ck_assert_str_eq(e.policy.active.name, "tlsf");
	ck_assert_uint_eq(e.policy.previous, KALLOC_POLICY_KMALLOC);
	ck_assert_uint_eq(e.policy.migrated, 2);
}
END_TEST

/* Two messages in one datagram, with another family's and a NOOP between. */
START_TEST(several_messages_one_datagram)
{
	unsigned char dgram[4096];
	struct nlmsghdr *nlh, noop = {
		.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_NOOP,
	};
	struct kalloc_event e;
	size_t len = 0;
	int i;

	for (i = 0; i < 3; i++) {
		buffer_message(KALLOC_CMD_BUFFER_NEW, (uint32_t)i + 1, "b");
		nlh = nlmsg_hdr(msg);
		if (i == 1)
			nlh->nlmsg_type = FAMILY + 1;
		memcpy(dgram + len, nlh, nlh->nlmsg_len);
		len += NLMSG_ALIGN(nlh->nlmsg_len);
		nlmsg_free(msg);
		memcpy(dgram + len, &noop, sizeof(noop));
		len += sizeof(noop);
	}
	ck_assert_int_eq(kalloc_events_feed(ev, dgram, len, 0), 0);
	ck_assert_int_eq(recv_one(&e), 1);
	ck_assert_uint_eq(e.buffer.id, 1);
	/* No NETLINK_PKTINFO: the group is the command's. */
	ck_assert_str_eq(e.group, "events");
	ck_assert_int_eq(recv_one(&e), 1);
	ck_assert_uint_eq(e.buffer.id, 3);
	ck_assert_int_eq(recv_one(&e), 0);
}
END_TEST

START_TEST(malformed_is_skipped)
{
	unsigned char dgram[64] = { 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)dgram;
	struct kalloc_event e;

	message(KALLOC_CMD_BUFFER_NEW);		/* no id, name, size */
	u32(KALLOC_BUFFER_A_FLAGS, 1);
	feed(GRP_EVENTS);
	ck_assert_int_eq(recv_one(&e), -EPROTO);
	ck_assert_str_eq(err.msg, "skipped a malformed buffer message from the kernel");
	ck_assert_int_eq(recv_one(&e), 0);

	/* A length past the datagram's end. */
	nlh->nlmsg_len = 200;
	nlh->nlmsg_type = FAMILY;
	ck_assert_int_eq(kalloc_events_feed(ev, dgram, sizeof(dgram), 0), 0);
	ck_assert_int_eq(recv_one(&e), -EPROTO);
	ck_assert_int_eq(recv_one(&e), 0);
}
END_TEST

START_TEST(overrun_and_unknown_command)
{
	struct kalloc_event e;

	ck_assert_int_eq(kalloc_events_feed(ev, NULL, 0, 0), 0);
	ck_assert_int_eq(recv_one(&e), 1);
	ck_assert_int_eq(e.type, KALLOC_EVENT_OVERRUN);
	ck_assert_ptr_null(e.group);
	ck_assert_uint_eq(e.cmd, 0);

	message(KALLOC_CMD_MAX + 5);
	u32(1, 42);
	feed(GRP_EVENTS);
	ck_assert_int_eq(recv_one(&e), 1);
	ck_assert_int_eq(e.type, KALLOC_EVENT_OTHER);
	ck_assert_uint_eq(e.cmd, KALLOC_CMD_MAX + 5);
	ck_assert_uint_ge(e.raw.len, NLMSG_HDRLEN + GENL_HDRLEN + 8);
}
END_TEST

/* ---- stats ------------------------------------------------------------ */

static void zone(int type, const char *name, uint64_t free)
{
	struct nlattr *z = nla_nest_start(msg, type), *fa;

	u32(KALLOC_ZONE_A_NODE, 0);
	str(KALLOC_ZONE_A_NAME, name);
	u64(KALLOC_ZONE_A_FREE, free);
	fa = nla_nest_start(msg, KALLOC_ZONE_A_FREE_AREA);
	u64(1, 100);
	u64(11, 7);
	nla_nest_end(msg, fa);
	nla_nest_end(msg, z);
}

START_TEST(stats_message)
{
	const struct kalloc_stats *st;
	struct nlattr *sys;
	struct kalloc_event e;

	message(KALLOC_CMD_STATS_GET);
	u64(KALLOC_STATS_A_BUDGET_USED, 1);
	u64(KALLOC_STATS_A_BUDGET_LIMIT, 2);
	u32(KALLOC_STATS_A_BUFFERS, 3);
	u32(KALLOC_STATS_A_BUFFERS_MAX, 4);
	u32(KALLOC_STATS_A_INTERVAL_MS, 250);
	u64(KALLOC_STATS_A_PERF_PRODUCED, 0);
	u64(KALLOC_STATS_A_STATS_SENT, 9);
	sys = nla_nest_start(msg, KALLOC_STATS_A_SYSTEM);
	u64(KALLOC_SYSTEM_A_PGFAULT, 1000);
	u64(KALLOC_SYSTEM_A_COMPACT_STALL, 2);
	zone(KALLOC_SYSTEM_A_ZONE, "DMA32", 5000);
	zone(KALLOC_SYSTEM_A_ZONE, "Normal", 6000);
	nla_nest_end(msg, sys);
	feed(GRP_STATS);
	ck_assert_int_eq(recv_one(&e), 1);
	ck_assert_int_eq(e.type, KALLOC_EVENT_STATS);
	ck_assert_str_eq(e.group, "stats");
	st = e.stats;
	ck_assert_uint_eq(st->buffers, 3);
	ck_assert(st->telemetry.present);
	ck_assert_uint_eq(st->telemetry.interval_ms, 250);
	ck_assert_uint_eq(st->telemetry.stats_sent, 9);
	ck_assert(st->system.present);
	ck_assert_uint_eq(st->system.pgfault, 1000);
	ck_assert_uint_eq(st->system.compact_stall, 2);
	ck_assert_uint_eq(st->system.nzones, 2);
	ck_assert_str_eq(st->system.zones[1].name, "Normal");
	ck_assert_uint_eq(st->system.zones[1].free, 6000);
	ck_assert(!st->system.zones[1].full);
	ck_assert_uint_eq(st->system.zones[1].norders, 11);
	ck_assert_uint_eq(st->system.zones[1].free_area[0], 100);
	ck_assert_uint_eq(st->system.zones[1].free_area[10], 7);
}
END_TEST

/* ---- perf ------------------------------------------------------------- */

static void put_record(unsigned char *p, size_t size, uint32_t cpu,
		       uint64_t seq)
{
	struct kalloc_perf_record r = {
		.size = (uint16_t)size, .type = KALLOC_PERF_ALLOC,
		.policy = KALLOC_POLICY_SLAB, .cpu = cpu, .seq = seq,
		.time_ns = 1000 + seq, .bytes = 64, .id = 5, .latency_ns = 77,
	};

	memset(p, 0xee, size);		/* a newer kernel's extra fields */
	memcpy(p, &r, size < sizeof(r) ? size : sizeof(r));
}

/* A perf message of cpu's records with the given seqs, of size bytes each. */
static void perf_message(uint32_t cpu, const uint64_t *seqs, uint32_t n,
			 uint64_t lost, size_t size, uint64_t first)
{
	unsigned char *data = calloc(n ? n : 1, size);
	uint32_t i;

	ck_assert_ptr_nonnull(data);
	for (i = 0; i < n; i++)
		put_record(data + i * size, size, cpu, seqs[i]);
	message(KALLOC_CMD_PERF);
	u32(KALLOC_PERF_A_CPU, cpu);
	u64(KALLOC_PERF_A_FIRST_SEQ, n ? seqs[0] : first);
	u32(KALLOC_PERF_A_COUNT, n);
	u64(KALLOC_PERF_A_LOST, lost);
	u32(KALLOC_PERF_A_RECORD_SIZE, (uint32_t)size);
	ck_assert_int_eq(nla_put(msg, KALLOC_PERF_A_RECORDS, (int)(n * size),
				 data), 0);
	free(data);
	feed(GRP_PERF);
}

static const struct kalloc_perf_batch *recv_perf(struct kalloc_event *e)
{
	ck_assert_int_eq(recv_one(e), 1);
	ck_assert_int_eq(e->type, KALLOC_EVENT_PERF);
	ck_assert_str_eq(e->group, "perf");
	return &e->perf;
}

START_TEST(perf_records_decoded)
{
	static const uint64_t seqs[] = { 10, 11, 12 };
	const struct kalloc_perf_batch *b;
	struct kalloc_event e;

	perf_message(1, seqs, 3, 0, sizeof(struct kalloc_perf_record), 0);
	b = recv_perf(&e);
	ck_assert_uint_eq(b->cpu, 1);
	ck_assert_uint_eq(b->first_seq, 10);
	ck_assert_uint_eq(b->count, 3);
	ck_assert_uint_eq(b->record_size, 40);
	ck_assert_uint_eq(b->records[2].seq, 12);
	ck_assert_uint_eq(b->records[2].cpu, 1);
	ck_assert_uint_eq(b->records[2].type, KALLOC_PERF_ALLOC);
	ck_assert_uint_eq(b->records[2].policy, KALLOC_POLICY_SLAB);
	ck_assert_uint_eq(b->records[2].time_ns, 1012);
	ck_assert_uint_eq(b->records[2].bytes, 64);
	ck_assert_uint_eq(b->records[2].id, 5);
	ck_assert_uint_eq(b->records[2].latency_ns, 77);
	ck_assert_uint_eq(b->ngaps, 0);
}
END_TEST

START_TEST(perf_longer_and_shorter_records)
{
	static const uint64_t seqs[] = { 0, 1 };
	const struct kalloc_perf_batch *b;
	struct kalloc_event e;

	/* A newer kernel's 56-byte records: the known fields, the rest skipped. */
	perf_message(0, seqs, 2, 0, 56, 0);
	b = recv_perf(&e);
	ck_assert_uint_eq(b->record_size, 56);
	ck_assert_uint_eq(b->records[1].seq, 1);
	ck_assert_uint_eq(b->records[1].latency_ns, 77);
	ck_assert_uint_eq(b->records[1].id, 5);

	/* A shorter record: what it lacks reads as 0. */
	perf_message(2, seqs, 2, 0, 32, 0);
	b = recv_perf(&e);
	ck_assert_uint_eq(b->records[1].seq, 1);
	ck_assert_uint_eq(b->records[1].bytes, 64);
	ck_assert_uint_eq(b->records[1].id, 0);
	ck_assert_uint_eq(b->records[1].latency_ns, 0);
}
END_TEST

/* A perf message header and RECORDS of len bytes, without a COUNT * SIZE check. */
static void perf_raw(uint32_t count, uint32_t size, int len)
{
	static unsigned char zeroes[256];

	message(KALLOC_CMD_PERF);
	u32(KALLOC_PERF_A_CPU, 0);
	u64(KALLOC_PERF_A_FIRST_SEQ, 0);
	u32(KALLOC_PERF_A_COUNT, count);
	u32(KALLOC_PERF_A_RECORD_SIZE, size);
	ck_assert_int_eq(nla_put(msg, KALLOC_PERF_A_RECORDS, len, zeroes), 0);
	feed(GRP_PERF);
}

START_TEST(perf_malformed)
{
	struct kalloc_event e;

	perf_raw(3, 40, 80);		/* COUNT says 3, the records are 2 */
	ck_assert_int_eq(recv_one(&e), -EPROTO);
	ck_assert_str_eq(err.msg, "skipped a malformed perf message from the kernel");
	ck_assert_int_eq(recv_one(&e), 0);
	perf_raw(1, 0, 0);		/* records of 0 bytes */
	ck_assert_int_eq(recv_one(&e), -EPROTO);
	perf_raw(2, 40, 80);		/* and a good one: the books are untouched */
	ck_assert_int_eq(recv_one(&e), 1);
	ck_assert_uint_eq(e.perf.count, 2);
}
END_TEST

static void totals(struct kalloc_perf_totals *t)
{
	kalloc_events_perf_totals(ev, t);
}

START_TEST(perf_gaps_per_cpu)
{
	static const uint64_t a[] = { 100, 101, 102 };
	static const uint64_t b[] = { 105, 107 };	/* 103-104, 106 lost */
	static const uint64_t c[] = { 7 };		/* another CPU */
	static const uint64_t d[] = { 200 };		/* 108-199 lost */
	const struct kalloc_perf_batch *p;
	struct kalloc_perf_totals t;
	struct kalloc_event e;

	perf_message(0, a, 3, 0, 40, 0);
	p = recv_perf(&e);
	ck_assert_uint_eq(p->ngaps, 0);

	perf_message(0, b, 2, 1, 40, 0);
	p = recv_perf(&e);
	ck_assert_uint_eq(p->ngaps, 2);
	ck_assert_uint_eq(p->gaps[0].cpu, 0);
	ck_assert_uint_eq(p->gaps[0].first_seq, 103);
	ck_assert_uint_eq(p->gaps[0].count, 2);
	ck_assert_uint_eq(p->gaps[1].first_seq, 106);
	ck_assert_uint_eq(p->gaps[1].count, 1);

	/* A CPU's first message starts its books: nothing before counts. */
	perf_message(1, c, 1, 0, 40, 0);
	p = recv_perf(&e);
	ck_assert_uint_eq(p->ngaps, 0);

	perf_message(0, d, 1, 0, 40, 0);
	p = recv_perf(&e);
	ck_assert_uint_eq(p->ngaps, 1);
	ck_assert_uint_eq(p->gaps[0].first_seq, 108);
	ck_assert_uint_eq(p->gaps[0].count, 92);

	totals(&t);
	ck_assert_uint_eq(t.messages, 4);
	ck_assert_uint_eq(t.received, 7);
	ck_assert_uint_eq(t.lost, 95);
	ck_assert_uint_eq(t.ring_lost, 1);
	ck_assert_uint_eq(kalloc_events_perf_cpus(ev), 2);
	ck_assert(kalloc_events_perf_cpu(ev, 0, &t));
	ck_assert_uint_eq(t.received, 6);
	ck_assert_uint_eq(t.lost, 95);
	ck_assert(kalloc_events_perf_cpu(ev, 1, &t));
	ck_assert_uint_eq(t.received, 1);
	ck_assert(!kalloc_events_perf_cpu(ev, 2, &t));
}
END_TEST

/*
 * Ring drops after a CPU's last record come in a message without records
 * whose FIRST_SEQ is the CPU's next number: they count when the books
 * close, unless records below that number still arrive (they were in the
 * ring while the record-less message was sent).
 */
START_TEST(perf_trailing_drops)
{
	static const uint64_t a[] = { 0, 1 };
	static const uint64_t late[] = { 2 };
	const struct kalloc_perf_gap *gaps;
	struct kalloc_perf_totals t;
	struct kalloc_event e;

	perf_message(3, a, 2, 0, 40, 0);
	recv_perf(&e);
	perf_message(3, NULL, 0, 4, 40, 7);	/* next would be 7: 2..6 gone */
	ck_assert_uint_eq(recv_perf(&e)->ngaps, 0);
	perf_message(3, late, 1, 0, 40, 0);	/* 2 was still in the ring */
	ck_assert_uint_eq(recv_perf(&e)->ngaps, 0);
	totals(&t);
	ck_assert_uint_eq(t.received, 3);
	ck_assert_uint_eq(t.lost, 0);
	ck_assert_uint_eq(t.ring_lost, 4);

	ck_assert_uint_eq(kalloc_events_perf_finish(ev, &gaps), 1);
	ck_assert_uint_eq(gaps[0].cpu, 3);
	ck_assert_uint_eq(gaps[0].first_seq, 3);
	ck_assert_uint_eq(gaps[0].count, 4);
	totals(&t);
	ck_assert_uint_eq(t.received + t.lost, 7);
	/* Closing twice adds nothing. */
	ck_assert_uint_eq(kalloc_events_perf_finish(ev, &gaps), 0);
	totals(&t);
	ck_assert_uint_eq(t.lost, 4);
}
END_TEST

/* A record-less message first: it starts the books at its FIRST_SEQ. */
START_TEST(perf_first_message_without_records)
{
	static const uint64_t a[] = { 52 };
	const struct kalloc_perf_gap *gaps;
	struct kalloc_perf_totals t;
	struct kalloc_event e;

	perf_message(0, NULL, 0, 3, 40, 50);
	recv_perf(&e);
	perf_message(0, a, 1, 0, 40, 0);
	ck_assert_uint_eq(recv_perf(&e)->gaps[0].count, 2);
	ck_assert_uint_eq(kalloc_events_perf_finish(ev, &gaps), 0);
	totals(&t);
	ck_assert_uint_eq(t.received, 1);
	ck_assert_uint_eq(t.lost, 2);
	ck_assert_uint_eq(t.ring_lost, 0);
}
END_TEST

/*
 * The last message's LOST also counts drops after its last record. With
 * no overrun every gap was a ring drop, so LOST beyond the gaps is the
 * trailing loss, right after the last record.
 */
START_TEST(perf_trailing_drops_in_lost)
{
	static const uint64_t a[] = { 0, 1, 2 };
	static const uint64_t b[] = { 5, 6 };	/* 3-4 dropped */
	const struct kalloc_perf_gap *gaps;
	struct kalloc_perf_totals t;
	struct kalloc_event e;

	perf_message(0, a, 3, 0, 40, 0);
	recv_perf(&e);
	perf_message(0, b, 2, 6, 40, 0);	/* 3-4, and 7-10 after it */
	ck_assert_uint_eq(recv_perf(&e)->ngaps, 1);
	ck_assert_uint_eq(kalloc_events_perf_finish(ev, &gaps), 1);
	ck_assert_uint_eq(gaps[0].first_seq, 7);
	ck_assert_uint_eq(gaps[0].count, 4);
	totals(&t);
	ck_assert_uint_eq(t.received, 5);
	ck_assert_uint_eq(t.lost, 6);
	ck_assert_uint_eq(t.received + t.lost, 11);
}
END_TEST

/* After an overrun a gap may be a refused message: LOST tells nothing more. */
START_TEST(perf_no_trailing_guess_after_overrun)
{
	static const uint64_t a[] = { 0, 1 };
	static const uint64_t b[] = { 200 };
	const struct kalloc_perf_gap *gaps;
	struct kalloc_perf_totals t;
	struct kalloc_event e;

	perf_message(0, a, 2, 0, 40, 0);
	recv_perf(&e);
	ck_assert_int_eq(kalloc_events_feed(ev, NULL, 0, 0), 0);
	ck_assert_int_eq(recv_one(&e), 1);
	ck_assert_int_eq(e.type, KALLOC_EVENT_OVERRUN);
	perf_message(0, b, 1, 300, 40, 0);
	ck_assert_uint_eq(recv_perf(&e)->gaps[0].count, 198);
	ck_assert_uint_eq(kalloc_events_perf_finish(ev, &gaps), 0);
	totals(&t);
	ck_assert_uint_eq(t.lost, 198);
	ck_assert_uint_eq(t.ring_lost, 300);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("events");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, buffer_new_and_del);
	tcase_add_test(tc, buffer_set_event);
	tcase_add_test(tc, vdev_events);
	tcase_add_test(tc, policy_set_event);
	tcase_add_test(tc, several_messages_one_datagram);
	tcase_add_test(tc, malformed_is_skipped);
	tcase_add_test(tc, overrun_and_unknown_command);
	tcase_add_test(tc, stats_message);
	tcase_add_test(tc, perf_records_decoded);
	tcase_add_test(tc, perf_longer_and_shorter_records);
	tcase_add_test(tc, perf_malformed);
	tcase_add_test(tc, perf_gaps_per_cpu);
	tcase_add_test(tc, perf_trailing_drops);
	tcase_add_test(tc, perf_first_message_without_records);
	tcase_add_test(tc, perf_trailing_drops_in_lost);
	tcase_add_test(tc, perf_no_trailing_guess_after_overrun);
	suite_add_tcase(s, tc);
	return kalloc_check_run(s);
}
