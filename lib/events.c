// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * events.c - listening to the kalloc family's multicast groups ("events",
 * "stats", "perf"; see "Notifications" and "The perf ring" in the uapi
 * header): kallocctl monitor and kallocd both subscribe through here.
 *
 * A handle owns one netlink socket of its own, joined to the groups its
 * caller names (nl.c resolves and joins them), and never sends a request
 * on it: replies and group messages would mix. Its fd can sit in an epoll
 * set; kalloc_events_recv() then hands out one decoded message per call.
 *
 * Receiving. One datagram at a time is peeked for its length (a message
 * never gets cut: the buffer grows), read, and handed out message by
 * message. Each message is decoded by the object that owns its command
 * (obj.c), exactly as a reply would be. ENOBUFS from recvmsg() means the
 * socket overran and the kernel dropped messages for it; it is handed
 * out as an event of its own, KALLOC_EVENT_OVERRUN, where the kernel
 * reported it, and receiving goes on.
 *
 * Perf accounting. Every CPU numbers its records (seq) and a record lost
 * anywhere (its ring was full, or netlink refused the message it was in)
 * still used its number, so for each CPU a jump in seq is exactly the
 * records lost there: each jump is reported as a gap with the message
 * that revealed it. LOST (ring drops since that CPU's previous message)
 * is summed apart, as the part of the loss that happened in the ring.
 * Drops after a CPU's last record have no later record to reveal them.
 * The kernel reports them in LOST: in the last message's (LOST counts
 * every drop until that message was sent, records in it or not), or in a
 * message without records whose FIRST_SEQ is that CPU's next number. The
 * books close at the end (kalloc_events_perf_finish()), not before:
 * records in the ring when a record-less message was sent may still
 * arrive with lower numbers, and they are not lost. At the close, a CPU's
 * trailing loss is the larger of what such a message's FIRST_SEQ says
 * and, if the socket never overran (so every message reached it, and
 * every gap was a ring drop), its LOST total less its gaps. Accounting
 * starts at the first message heard from each CPU: what a CPU lost
 * before it is outside the listener's window.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "events_priv.h"
#include "obj.h"

#define EVENTS_GROUPS_MAX	8
#define GROUP_NAME_MAX		16	/* GENL_NAMSIZ */
/* A perf message from a CPU numbered beyond this is taken as malformed. */
#define PERF_CPUS_MAX		65536
/* The datagram buffer's first size; a bigger datagram makes it grow. */
#define DGRAM_BYTES		(64 * 1024)

struct perf_cpu {
	bool known;		/* a message came from this CPU */
	uint64_t next;		/* the seq after the last one accounted */
	uint64_t pending;	/* a record-less message's FIRST_SEQ past next */
	struct kalloc_perf_totals t;
};

struct kalloc_events {
	struct kalloc_nl *nl;		/* NULL offline (the unit tests) */
	int family;
	size_t ngroups;
	struct {
		char name[GROUP_NAME_MAX];
		uint32_t id;
	} groups[EVENTS_GROUPS_MAX];
	/* The datagram being handed out: buf[off .. len). */
	unsigned char *buf;
	size_t cap, len, off;
	uint32_t group;			/* the group it came to; 0: unknown */
	bool overrun;			/* offline: an overrun was fed */
	uint64_t overruns;		/* ENOBUFS handed out since opening */
	/* What the last event points into, until the next call. */
	struct kalloc_stats *stats;
	struct kalloc_perf_record *records;
	size_t records_cap;
	struct kalloc_perf_gap *gaps;
	size_t ngaps, gaps_cap;
	/* Perf accounting, by CPU number. */
	struct perf_cpu *cpus;
	size_t ncpus;
};

/* ---- storage ------------------------------------------------------------ */

/* Makes *v hold at least want elements of size bytes; 0 or -ENOMEM. */
static int reserve(void **v, size_t *cap, size_t want, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *p;

	if (want <= *cap)
		return 0;
	while (n < want)
		n *= 2;
	p = realloc(*v, n * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = n;
	return 0;
}

static int reserve_cpu(struct kalloc_events *ev, uint32_t cpu)
{
	size_t old = ev->ncpus;
	int ret;

	ret = reserve((void **)&ev->cpus, &ev->ncpus, (size_t)cpu + 1,
		      sizeof(*ev->cpus));
	if (!ret && ev->ncpus > old)
		memset(ev->cpus + old, 0, (ev->ncpus - old) * sizeof(*ev->cpus));
	return ret;
}

static struct kalloc_events *events_alloc(void)
{
	struct kalloc_events *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	ev->cap = DGRAM_BYTES;
	ev->buf = malloc(ev->cap);
	ev->stats = malloc(sizeof(*ev->stats));
	if (!ev->buf || !ev->stats) {
		kalloc_events_close(ev);
		return NULL;
	}
	return ev;
}

void kalloc_events_close(struct kalloc_events *ev)
{
	if (!ev)
		return;
	kalloc_nl_close(ev->nl);
	free(ev->cpus);
	free(ev->gaps);
	free(ev->records);
	free(ev->stats);
	free(ev->buf);
	free(ev);
}

/* ---- perf accounting ---------------------------------------------------- */

/* Room for one gap was reserved before accounting began. */
static void add_gap(struct kalloc_events *ev, struct perf_cpu *c, uint32_t cpu,
		    uint64_t first, uint64_t count)
{
	ev->gaps[ev->ngaps++] = (struct kalloc_perf_gap){
		.cpu = cpu, .first_seq = first, .count = count,
	};
	c->t.lost += count;
}

static void account_record(struct kalloc_events *ev, struct perf_cpu *c,
			   uint32_t cpu, uint64_t seq)
{
	if (seq > c->next)
		add_gap(ev, c, cpu, c->next, seq - c->next);
	if (seq >= c->next)
		c->next = seq + 1;
	c->t.received++;
}

/* One message's records into its CPU's books; the gaps go to ev->gaps. */
static int account(struct kalloc_events *ev, const struct kalloc_perf_batch *b)
{
	struct perf_cpu *c;
	uint32_t i;

	if (reserve_cpu(ev, b->cpu))
		return -ENOMEM;
	c = &ev->cpus[b->cpu];
	c->t.messages++;
	/* A first message without records reports drops before the books. */
	if (c->known || b->count)
		c->t.ring_lost += b->lost;
	if (!c->known) {
		c->known = true;
		c->next = b->count ? b->records[0].seq : b->first_seq;
	}
	for (i = 0; i < b->count; i++)
		account_record(ev, c, b->cpu, b->records[i].seq);
	if (!b->count && b->first_seq > c->pending)
		c->pending = b->first_seq;
	return 0;
}

/*
 * What cpu lost after its last record. Without an overrun every gap was a
 * ring drop, so the drops LOST reported beyond the gaps came after the
 * last record, and took the numbers right after it.
 */
static uint64_t trailing(const struct kalloc_events *ev, const struct perf_cpu *c)
{
	uint64_t by_seq = c->pending > c->next ? c->pending - c->next : 0;
	uint64_t by_lost = 0;

	if (!ev->overruns && c->t.ring_lost > c->t.lost)
		by_lost = c->t.ring_lost - c->t.lost;
	return by_seq > by_lost ? by_seq : by_lost;
}

size_t kalloc_events_perf_finish(struct kalloc_events *ev,
				 const struct kalloc_perf_gap **gaps)
{
	struct perf_cpu *c;
	size_t cpu, n = 0;
	uint64_t lost;

	for (cpu = 0; cpu < ev->ncpus; cpu++)
		n += ev->cpus[cpu].known;
	ev->ngaps = 0;
	*gaps = NULL;
	if (reserve((void **)&ev->gaps, &ev->gaps_cap, n, sizeof(*ev->gaps)))
		return 0;
	for (cpu = 0; cpu < ev->ncpus; cpu++) {
		c = &ev->cpus[cpu];
		lost = c->known ? trailing(ev, c) : 0;
		if (!lost)
			continue;
		add_gap(ev, c, (uint32_t)cpu, c->next, lost);
		c->next += lost;
		c->pending = 0;
	}
	*gaps = ev->gaps;
	return ev->ngaps;
}

static void add_totals(struct kalloc_perf_totals *sum,
		       const struct kalloc_perf_totals *t)
{
	sum->messages += t->messages;
	sum->received += t->received;
	sum->lost += t->lost;
	sum->ring_lost += t->ring_lost;
}

void kalloc_events_perf_totals(const struct kalloc_events *ev,
			       struct kalloc_perf_totals *t)
{
	size_t cpu;

	memset(t, 0, sizeof(*t));
	for (cpu = 0; cpu < ev->ncpus; cpu++)
		add_totals(t, &ev->cpus[cpu].t);
}

size_t kalloc_events_perf_cpus(const struct kalloc_events *ev)
{
	size_t n = ev->ncpus;

	while (n && !ev->cpus[n - 1].known)
		n--;
	return n;
}

bool kalloc_events_perf_cpu(const struct kalloc_events *ev, uint32_t cpu,
			    struct kalloc_perf_totals *t)
{
	if (cpu >= ev->ncpus || !ev->cpus[cpu].known)
		return false;
	*t = ev->cpus[cpu].t;
	return true;
}

/* ---- decoding ----------------------------------------------------------- */

static int malformed(struct kalloc_err *err, const char *what)
{
	return kalloc_set_err(err, -EPROTO,
			      "skipped a malformed %s message from the kernel",
			      what);
}

/*
 * The name of the group a message came to: one this handle joined, or,
 * without NETLINK_PKTINFO, the one its command belongs to.
 */
static const char *group_name(const struct kalloc_events *ev, uint8_t cmd)
{
	size_t i;

	for (i = 0; ev->group && i < ev->ngroups; i++) {
		if (ev->groups[i].id == ev->group)
			return ev->groups[i].name;
	}
	if (cmd == KALLOC_CMD_PERF)
		return KALLOC_MCGRP_PERF;
	if (cmd == KALLOC_CMD_STATS_GET)
		return KALLOC_MCGRP_STATS;
	return KALLOC_MCGRP_EVENTS;
}

/* Copies the records out (unaligned, any RECORD_SIZE) and accounts them. */
static int decode_perf(struct kalloc_events *ev, struct nlmsghdr *nlh,
		       struct kalloc_event *out, struct kalloc_err *err)
{
	struct kalloc_perf_batch *b = &out->perf;
	struct kalloc_perf_raw raw;
	uint32_t i;

	if (kalloc_obj_parse(&kalloc_obj_perf, nlh, &raw) ||
	    raw.cpu >= PERF_CPUS_MAX)
		return malformed(err, "perf");
	/* A message of n records reveals at most n gaps. */
	if (reserve((void **)&ev->records, &ev->records_cap, raw.count,
		    sizeof(*ev->records)) ||
	    reserve((void **)&ev->gaps, &ev->gaps_cap, raw.count,
		    sizeof(*ev->gaps)))
		return kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
	for (i = 0; i < raw.count; i++)
		kalloc_perf_record_read(&raw, i, &ev->records[i]);
	*b = (struct kalloc_perf_batch){
		.cpu = raw.cpu, .first_seq = raw.first_seq, .count = raw.count,
		.lost = raw.lost, .record_size = raw.record_size,
		.records = ev->records,
	};
	if (account(ev, b))
		return kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
	b->gaps = ev->gaps;
	b->ngaps = ev->ngaps;
	return 1;
}

/* A message of an object this file parses into out: 1, or -EPROTO. */
static int decode_obj(const struct kalloc_obj_ops *ops, struct nlmsghdr *nlh,
		      void *out, struct kalloc_err *err)
{
	if (kalloc_obj_parse(ops, nlh, out))
		return malformed(err, ops->name);
	return 1;
}

static int decode(struct kalloc_events *ev, struct nlmsghdr *nlh,
		  struct kalloc_event *out, struct kalloc_err *err)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);

	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return malformed(err, "short");
	memset(out, 0, sizeof(*out));
	out->cmd = g->cmd;
	out->group = group_name(ev, g->cmd);
	switch (g->cmd) {
	case KALLOC_CMD_BUFFER_NEW:
	case KALLOC_CMD_BUFFER_DEL:
	case KALLOC_CMD_BUFFER_CHECK:
		out->type = g->cmd == KALLOC_CMD_BUFFER_NEW ? KALLOC_EVENT_BUFFER_NEW :
			    g->cmd == KALLOC_CMD_BUFFER_DEL ? KALLOC_EVENT_BUFFER_DEL :
							      KALLOC_EVENT_BUFFER_CHECK;
		return decode_obj(&kalloc_obj_buffer, nlh, &out->buffer, err);
	case KALLOC_CMD_BUFFER_SET:
		out->type = KALLOC_EVENT_BUFFER_SET;
		return decode_obj(&kalloc_obj_buffer, nlh, &out->buffer, err);
	case KALLOC_CMD_VDEV_NEW:
	case KALLOC_CMD_VDEV_DEL:
	case KALLOC_CMD_VDEV_SET:
	case KALLOC_CMD_VDEV_IRQ:
	case KALLOC_CMD_VDEV_DMA:
		out->type = KALLOC_EVENT_VDEV;
		return decode_obj(&kalloc_obj_vdev, nlh, &out->vdev, err);
	case KALLOC_CMD_POLICY_SET:
		out->type = KALLOC_EVENT_POLICY_SET;
		return decode_obj(&kalloc_obj_policy_set, nlh, &out->policy, err);
	case KALLOC_CMD_STATS_GET:
		out->type = KALLOC_EVENT_STATS;
		out->stats = ev->stats;
		return decode_obj(&kalloc_obj_stats, nlh, ev->stats, err);
	case KALLOC_CMD_PERF:
		out->type = KALLOC_EVENT_PERF;
		return decode_perf(ev, nlh, out, err);
	default:
		/* A newer module's message: handed out as it came. */
		out->type = KALLOC_EVENT_OTHER;
		out->raw.data = nlh;
		out->raw.len = nlh->nlmsg_len;
		return 1;
	}
}

/*
 * The next message of ours in the datagram: 1 (decoded into out), 0 (the
 * datagram is used up), or -EPROTO (one malformed message was skipped;
 * the rest of the datagram is still there). Control messages (NOOP,
 * DONE) and other families' messages are passed over.
 */
static int next_message(struct kalloc_events *ev, struct kalloc_event *out,
			struct kalloc_err *err)
{
	struct nlmsghdr *nlh;
	size_t left;

	while (ev->off < ev->len) {
		nlh = (struct nlmsghdr *)(ev->buf + ev->off);
		left = ev->len - ev->off;
		if (left < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) ||
		    nlh->nlmsg_len > left) {
			ev->off = ev->len;
			return malformed(err, "truncated");
		}
		ev->off += NLMSG_ALIGN(nlh->nlmsg_len);
		if (nlh->nlmsg_type == ev->family)
			return decode(ev, nlh, out, err);
	}
	return 0;
}

/* ---- receiving ---------------------------------------------------------- */

enum fill_result { FILL_NONE, FILL_DGRAM, FILL_OVERRUN };

static int recv_failed(long n, struct kalloc_err *err)
{
	if (n == -EINTR)
		return kalloc_set_err(err, -EINTR, "interrupted");
	return kalloc_set_err(err, (int)n, "cannot receive from the kalloc groups: %s",
			      strerror((int)-n));
}

/* Peeks at the next datagram until the buffer holds it whole. */
static long peek_whole(struct kalloc_events *ev, bool nonblock)
{
	uint32_t group;
	long n;

	for (;;) {
		n = kalloc_nl_recv(ev->nl, ev->buf, ev->cap, true, nonblock,
				   &group);
		if (n < 0 || (size_t)n <= ev->cap)
			return n;
		if (reserve((void **)&ev->buf, &ev->cap, (size_t)n, 1))
			return -ENOMEM;
	}
}

/* Reads the next datagram into the buffer: enum fill_result or -errno. */
static int fill(struct kalloc_events *ev, bool nonblock, struct kalloc_err *err)
{
	uint32_t group;
	long n;

	if (!ev->nl)
		return FILL_NONE;
	n = peek_whole(ev, nonblock);
	/* Peeked: reading it cannot block, but an overrun may come first. */
	if (n >= 0)
		n = kalloc_nl_recv(ev->nl, ev->buf, ev->cap, false, true, &group);
	if (n == -ENOBUFS)
		return FILL_OVERRUN;
	if (n == -EAGAIN)
		return FILL_NONE;
	if (n < 0)
		return recv_failed(n, err);
	ev->len = (size_t)n;
	ev->off = 0;
	ev->group = group;
	return FILL_DGRAM;
}

static void overrun(struct kalloc_events *ev, struct kalloc_event *out)
{
	memset(out, 0, sizeof(*out));
	out->type = KALLOC_EVENT_OVERRUN;
	ev->overruns++;
}

int kalloc_events_recv(struct kalloc_events *ev, struct kalloc_event *out,
		       unsigned int flags, struct kalloc_err *err)
{
	int ret;

	kalloc_clear_err(err);
	ev->ngaps = 0;
	for (;;) {
		ret = next_message(ev, out, err);
		if (ret)
			return ret;
		if (ev->overrun) {
			ev->overrun = false;
			overrun(ev, out);
			return 1;
		}
		ret = fill(ev, flags & KALLOC_EVENTS_NONBLOCK, err);
		if (ret == FILL_OVERRUN) {
			overrun(ev, out);
			return 1;
		}
		if (ret != FILL_DGRAM)
			return ret;
	}
}

/* ---- opening ------------------------------------------------------------ */

static int join(struct kalloc_events *ev, const char *group,
		struct kalloc_err *err)
{
	uint32_t id;
	int ret;

	if (strlen(group) >= GROUP_NAME_MAX)
		return kalloc_set_err(err, -ENOENT,
				      "the kalloc family has no multicast group \"%s\"",
				      group);
	ret = kalloc_nl_group_id(ev->nl, group, &id, err);
	if (!ret)
		ret = kalloc_nl_join(ev->nl, group, id, err);
	if (ret)
		return ret;
	strcpy(ev->groups[ev->ngroups].name, group);
	ev->groups[ev->ngroups++].id = id;
	return 0;
}

int kalloc_events_open(struct kalloc_events **evp, const char *const *groups,
		       size_t ngroups, struct kalloc_err *err)
{
	struct kalloc_events *ev;
	size_t i;
	int ret;

	kalloc_clear_err(err);
	if (!ngroups || ngroups > EVENTS_GROUPS_MAX)
		return kalloc_set_err(err, -EINVAL,
				      "name 1 to %d multicast groups to listen to",
				      EVENTS_GROUPS_MAX);
	ev = events_alloc();
	if (!ev)
		return kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
	ret = kalloc_nl_open(&ev->nl, err);
	if (ret)
		goto close_ev;
	ev->family = kalloc_nl_family_id(ev->nl);
	for (i = 0; i < ngroups; i++) {
		ret = join(ev, groups[i], err);
		if (ret)
			goto close_ev;
	}
	*evp = ev;
	return 0;

close_ev:
	kalloc_events_close(ev);
	return ret;
}

int kalloc_events_fd(const struct kalloc_events *ev)
{
	return ev->nl ? kalloc_nl_fd(ev->nl) : -1;
}

int kalloc_events_set_rcvbuf(struct kalloc_events *ev, size_t bytes,
			     size_t *effective, struct kalloc_err *err)
{
	kalloc_clear_err(err);
	if (!ev->nl)
		return kalloc_set_err(err, -EBADF, "no socket");
	return kalloc_nl_set_rcvbuf(ev->nl, bytes, effective, err);
}

/* ---- offline, for the unit tests ----------------------------------------- */

struct kalloc_events *kalloc_events_offline(int family,
					    const char *const *groups,
					    const uint32_t *ids, size_t n)
{
	struct kalloc_events *ev = events_alloc();
	size_t i;

	if (!ev)
		return NULL;
	ev->family = family;
	for (i = 0; i < n && i < EVENTS_GROUPS_MAX; i++) {
		snprintf(ev->groups[i].name, sizeof(ev->groups[i].name), "%s",
			 groups[i]);
		ev->groups[i].id = ids[i];
	}
	ev->ngroups = i;
	return ev;
}

int kalloc_events_feed(struct kalloc_events *ev, const void *dgram, size_t len,
		       uint32_t group)
{
	if (!dgram) {
		ev->overrun = true;
		return 0;
	}
	if (reserve((void **)&ev->buf, &ev->cap, len, 1))
		return -ENOMEM;
	memcpy(ev->buf, dgram, len);
	ev->len = len;
	ev->off = 0;
	ev->group = group;
	return 0;
}
