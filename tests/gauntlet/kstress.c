// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kstress: many processes hammer kalloc at once, and afterwards the
 * kernel's books must match what they did (issue 10 §4).
 *
 *   kstress [--procs P] [--ops N] [--seed S] [--prefix P] [--json FILE]
 *           [--no-monitor] [--tolerate-unload] [--max-size BYTES]
 *
 * Each of P processes has its own netlink socket and runs N operations,
 * drawn from its own seeded generator:
 *   create (its own names, random sizes and policies, owner "stress"),
 *   delete, write (random ranges, random bytes), read (checked against
 *   the process's own copy of every buffer it owns), get (by id or name),
 *   policy switch with migration (POLICY_SET MIGRATE, sometimes FROM),
 *   dump (BUFFER_GET: every buffer it owns listed once, with its size),
 *   stats (STATS_GET, within its limits), resize (BUFFER_SET: a new
 *   size, sometimes a new policy; the contents kept up to the smaller
 *   size, zeros after), when the family has BUFFER_SET, and DMA, when it
 *   has VDEV_DMA: each process makes its own virtual device at the start
 *   (VDEV_NEW, "PREFIXvNNN", a 4-16 KiB window, no timer) and keeps a copy
 *   of its window as of its buffers; a DMA op moves a random range, in
 *   bounds, between one of its buffers and the window, to or from the
 *   device, with DMA_WAIT, and updates the copies (later reads of the
 *   buffer check what a from-device transfer brought). With WAIT a
 *   process's transfer ends before its next request, so the refusals a
 *   transfer in flight causes (BUFFER_DEL EBUSY, a shrink's ERANGE) cannot
 *   happen by construction; other processes' migrations may move the
 *   buffer meanwhile, which the kernel copies entirely before or after.
 *   Any refusal or failed transfer is an error.
 * Each process finally reads all its buffers back and deletes them, reads
 * its window back (a from-device transfer of all of it into a scratch
 * buffer, counted as a create and a delete), checks its device's counters
 * (VDEV_GET: every transfer completed, one interrupt each) and deletes it.
 * Besides them a monitor, like a telemetry client, listens to the events,
 * stats and perf groups for the whole run.
 *
 * What must hold afterwards (each a named check in the output and JSON):
 *   ids-unique        no id was handed out twice
 *   contents          every read returned what the process had written
 *   no-errors         no request failed other than as documented (ENOSPC
 *                     of a full budget, max_buffers or arena, or of
 *                     KALLOC_VDEV_MAX devices)
 *   allocs, frees     summed over policies, STATS_GET's ALLOCS and FREES
 *                     grew by creates + moves + resizes and deletes +
 *                     moves + resizes
 *   failures          FAILURES grew by the creates and resizes a policy
 *                     refused plus the buffers a migration could not move
 *   budget            buffers and budget in use are back where they were
 *   live              each policy's live buffers and bytes are back
 *   vdev              every process made its device (or was refused one)
 *                     and deleted it, a VDEV_GET dump lists none of the
 *                     run's, the kernel's DMA_COMPLETED summed over the
 *                     devices equals the transfers made (none failed),
 *                     and every window read back was what the model says
 *   events            the events group carried one BUFFER_NEW per create
 *                     and one BUFFER_DEL per delete of ours, and one
 *                     POLICY_SET per switch that changed something and one
 *                     BUFFER_SET per resize, one VDEV_NEW and one VDEV_DEL
 *                     per device and one VDEV_DMA per transfer (the kernel
 *                     sends no VDEV_IRQ for a transfer's interrupt); the
 *                     kernel's EVENTS_SENT + EVENTS_SEND_FAILED grew by
 *                     exactly that many messages
 *   perf              after a PERF_FLUSH, produced = dropped + sent +
 *                     send_failed (the kernel's identity), and in what the
 *                     monitor received each CPU's seq is continuous but for
 *                     the losses the messages report
 *   perf-dma          one KALLOC_PERF_DMA record per transfer reached the
 *                     monitor (at most that many if records were lost)
 *
 * With --tolerate-unload (the module is unloaded under the load): a
 * process stops at the first answer that says the family is gone, and
 * only the checks that do not need the module run.
 *
 * Exit status: 0 every check passed, 1 a check failed, 2 usage or setup.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <linux/kalloc_vdev.h>

#include "kmodel.h"

#define MAX_LIVE	24
#define MAX_PROCS	256
#define MAX_CPUS	64

static struct {
	int procs;
	long ops;
	uint64_t seed;
	const char *prefix;
	const char *json;
	bool monitor;
	bool tolerate_unload;
	uint32_t max_size;
} opt = {
	.procs = 8,
	.ops = 1000,
	.seed = 1,
	.prefix = "st",
	.monitor = true,
	.max_size = 16384,
};

/* ---- what each process did, in shared memory ------------------------------ */

enum op_kind { K_CREATE, K_DELETE, K_WRITE, K_READ, K_GET, K_POLICY, K_DUMP,
	       K_STATS, K_RESIZE, K_DMA, K_NKINDS };
static const char *const kind_names[K_NKINDS] = {
	"create", "delete", "write", "read", "get", "policy_set", "dump", "stats",
	"resize", "dma",
};

struct proc_result {
	long ops_done;
	long n[K_NKINDS];
	long creates_ok, deletes_ok;
	long refused_budget, refused_policy;	/* ENOSPC by cookie kind */
	long migrated, unmoved, policy_changed;
	long resized, resize_refused_budget, resize_refused_policy;
	long read_mismatch, dump_missing, dump_intr_retries;
	long vdevs_created, vdevs_deleted, vdev_refused;
	long dma_to, dma_from, dma_bytes, dma_kernel, dma_kernel_failed;
	long win_checked, win_mismatch, win_unverified;
	long errors;
	bool unloaded;
	char first_error[200];
	long nids;
};

static struct proc_result *results;
static uint32_t *ids;		/* [procs][ids_per_proc] */
static long ids_per_proc;

/* ---- the monitor ------------------------------------------------------------ */

struct monitor_result {
	long events_new, events_del, events_policy, events_set, events_other;
	long events_ours_new, events_ours_del;
	long events_vdev;	/* VDEV_NEW, _DEL and _DMA, anyone's */
	long events_ours_vnew, events_ours_vdel, events_ours_vdma;
	long perf_dma;		/* KALLOC_PERF_DMA records */
	long stats_msgs, perf_msgs, perf_records, perf_lost_attr;
	long seq_breaks;	/* a CPU's records went back in seq */
	long perf_gaps;		/* seq numbers skipped between messages */
	long enobufs;
	bool perf_seen[MAX_CPUS];
	uint64_t next_seq[MAX_CPUS];
	char first_break[160];
	volatile int stop;
	volatile int ready;
};
static struct monitor_result *mres;

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static void proc_error(struct proc_result *r, const char *fmt, ...)
{
	va_list ap;

	r->errors++;
	if (r->first_error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->first_error, sizeof(r->first_error), fmt, ap);
	va_end(ap);
}

static bool family_gone(int err)
{
	/* The family's id no longer resolves (unloaded, or reloaded anew). */
	return err == -ENOENT || err == -EOPNOTSUPP;
}

/* ---- VDEV_* messages (small helpers of our own) ------------------------------------ */

/* What kstress reads of a VDEV_* reply or event. */
static bool ours(const char *name, const char *owner)
{
	return !strncmp(name, opt.prefix, strlen(opt.prefix)) && !strcmp(owner, "stress");
}

/* Counts the KALLOC_PERF_DMA records of a perf message. */
static void monitor_count_dma(struct nlattr **tb, uint32_t count)
{
	const uint8_t *rec;
	uint32_t size, i;

	if (!tb[KALLOC_PERF_A_RECORD_SIZE] || !tb[KALLOC_PERF_A_RECORDS])
		return;
	size = (uint32_t)gnl_get_uint(tb[KALLOC_PERF_A_RECORD_SIZE]);
	rec = gnl_attr_data(tb[KALLOC_PERF_A_RECORDS]);
	if (size < sizeof(struct kalloc_perf_record) ||
	    (uint64_t)size * count > (uint64_t)gnl_attr_len(tb[KALLOC_PERF_A_RECORDS]))
		return;
	for (i = 0; i < count; i++)
		mres->perf_dma += rec[(size_t)i * size +
				     offsetof(struct kalloc_perf_record, type)] ==
				 KALLOC_PERF_DMA;
}

static void monitor_handle(struct kc *c, const struct nlmsghdr *n)
{
	const struct genlmsghdr *g = NLMSG_DATA(n);
	struct nlattr *tb[KALLOC_PERF_A_MAX + 1], *a;
	struct kc_vdev v;
	struct kc_buf b;
	int len;

	if (n->nlmsg_type != c->fam)
		return;
	switch (g->cmd) {
	case KALLOC_CMD_BUFFER_NEW:
	case KALLOC_CMD_BUFFER_DEL:
		kc_parse_buf(n, &b);
		if (g->cmd == KALLOC_CMD_BUFFER_NEW)
			mres->events_new++;
		else
			mres->events_del++;
		if (ours(b.name, b.owner)) {
			if (g->cmd == KALLOC_CMD_BUFFER_NEW)
				mres->events_ours_new++;
			else
				mres->events_ours_del++;
		}
		break;
	case KALLOC_CMD_POLICY_SET:
		mres->events_policy++;
		break;
	case KALLOC_CMD_BUFFER_SET:
		mres->events_set++;
		break;
	case KALLOC_CMD_STATS_GET:
		mres->stats_msgs++;
		break;
	case KALLOC_CMD_VDEV_NEW:
	case KALLOC_CMD_VDEV_DEL:
	case KALLOC_CMD_VDEV_DMA:
		kc_parse_vdev(n, &v);
		mres->events_vdev++;
		if (!ours(v.name, v.owner))
			break;
		if (g->cmd == KALLOC_CMD_VDEV_NEW)
			mres->events_ours_vnew++;
		else if (g->cmd == KALLOC_CMD_VDEV_DEL)
			mres->events_ours_vdel++;
		else
			mres->events_ours_vdma++;
		break;
	case KALLOC_CMD_PERF: {
		uint32_t cpu, count;
		uint64_t first, lost;

		a = gnl_msg_attrs(n, 0, &len);
		gnl_parse(tb, KALLOC_PERF_A_MAX, a, len);
		if (!tb[KALLOC_PERF_A_CPU] || !tb[KALLOC_PERF_A_FIRST_SEQ] ||
		    !tb[KALLOC_PERF_A_COUNT] || !tb[KALLOC_PERF_A_LOST])
			return;
		cpu = (uint32_t)gnl_get_uint(tb[KALLOC_PERF_A_CPU]);
		first = gnl_get_uint(tb[KALLOC_PERF_A_FIRST_SEQ]);
		count = (uint32_t)gnl_get_uint(tb[KALLOC_PERF_A_COUNT]);
		lost = gnl_get_uint(tb[KALLOC_PERF_A_LOST]);
		mres->perf_msgs++;
		mres->perf_records += count;
		mres->perf_lost_attr += lost;
		monitor_count_dma(tb, count);
		if (cpu >= MAX_CPUS || !count)
			return;	/* a message of drops only: its FIRST_SEQ is a hint */
		/*
		 * Each CPU's records come in seq order, never twice: a message
		 * starts at or after where the previous one ended, and the
		 * difference is records lost (dropped on a full ring, or in a
		 * message this socket could not take).
		 */
		if (mres->perf_seen[cpu]) {
			if (first < mres->next_seq[cpu]) {
				mres->seq_breaks++;
				if (!mres->first_break[0])
					snprintf(mres->first_break, sizeof(mres->first_break),
						 "cpu %u: a message starts at seq %llu, before %llu",
						 cpu, (unsigned long long)first,
						 (unsigned long long)mres->next_seq[cpu]);
			} else {
				mres->perf_gaps += first - mres->next_seq[cpu];
			}
		} else {
			/* Losses reported before our first record are not ours. */
			mres->perf_lost_attr -= lost;
		}
		mres->perf_seen[cpu] = true;
		mres->next_seq[cpu] = first + count;
		break;
	}
	default:
		mres->events_other++;
	}
}

static void monitor_main(void)
{
	struct kc c;
	int err;

	err = kc_open(&c, 10000);
	if (err)
		_exit(3);
	gnl_set_rcvbuf(&c.s, 16 << 20);
	if (gnl_join(&c.s, c.grp_events) || gnl_join(&c.s, c.grp_stats) ||
	    gnl_join(&c.s, c.grp_perf))
		_exit(4);
	mres->ready = 1;
	for (;;) {
		struct pollfd p = { .fd = c.s.fd, .events = POLLIN };
		struct nlmsghdr *n;
		int got;

		if (poll(&p, 1, 100) <= 0) {
			if (mres->stop)
				break;
			continue;
		}
		got = recv(c.s.fd, c.s.rx, GNL_RX_MAX, MSG_DONTWAIT);
		if (got < 0) {
			if (errno == ENOBUFS)
				mres->enobufs++;
			continue;
		}
		for (n = (struct nlmsghdr *)c.s.rx; NLMSG_OK(n, got);
		     n = NLMSG_NEXT(n, got))
			monitor_handle(&c, n);
	}
	kc_close(&c);
	_exit(0);
}

/* ---- a worker ----------------------------------------------------------------- */

struct live {
	uint32_t id;
	char name[KALLOC_NAME_MAX];
	uint64_t size;
	uint8_t *shadow;
};

static int cookie_kind(const struct gnl_reply *r)
{
	uint32_t kind;

	if (r->cookie_len < (int)sizeof(struct kalloc_cookie))
		return 0;
	memcpy(&kind, r->cookie, sizeof(kind));
	return (int)kind;
}

/* ---- a worker's virtual device (its op and its end) ------------------------------ */

/* Sends m (and frees it); parses the first reply message into out, if any. */
static int vdev_send(struct kc *c, struct gnl_msg *m, struct kc_vdev *out,
		     struct gnl_reply *r)
{
	struct nlmsghdr *n;
	int err;

	gnl_reply_free(r);
	err = kc_req(c, m, r);
	free(m);
	n = gnl_reply_next(r, NULL);
	if (!err && out && !n)
		return -EBADMSG;
	if (!err && out)
		kc_parse_vdev(n, out);
	return err;
}

static struct gnl_msg *vdev_msg_new(struct kc *c, uint8_t cmd, const char *name)
{
	struct gnl_msg *m = malloc(sizeof(*m));

	if (!m)
		abort();
	kc_msg(c, m, cmd, 0);
	gnl_put_str(m, KALLOC_VDEV_A_NAME, name);
	return m;
}

/* VDEV_DMA with WAIT: out is the device as the transfer left it. */
static int vdev_dma(struct kc *c, const char *name, uint32_t dir, uint32_t buffer,
		    uint64_t off, uint32_t dev_off, uint32_t len, struct kc_vdev *out,
		    struct gnl_reply *r)
{
	struct gnl_msg *m = vdev_msg_new(c, KALLOC_CMD_VDEV_DMA, name);

	gnl_put_u32(m, KALLOC_VDEV_A_DMA_DIRECTION, dir);
	gnl_put_u32(m, KALLOC_VDEV_A_DMA_BUFFER, buffer);
	gnl_put_u64(m, KALLOC_VDEV_A_DMA_OFFSET, off);
	gnl_put_u32(m, KALLOC_VDEV_A_DMA_DEV_OFFSET, dev_off);
	gnl_put_u32(m, KALLOC_VDEV_A_DMA_LENGTH, len);
	gnl_put_flag(m, KALLOC_VDEV_A_DMA_WAIT);
	return vdev_send(c, m, out, r);
}

/* The process's device and its model of the window. */
struct vdev {
	bool created;
	bool trusted;		/* every transfer went as the model says */
	char name[KALLOC_NAME_MAX];
	uint32_t size;
	uint64_t seq;		/* transfers it submitted */
	uint8_t *shadow;	/* the window as the transfers left it */
};

/* VDEV_NEW: 4 to 16 KiB, no timer. Only ENOSPC (KALLOC_VDEV_MAX) is a refusal. */
static int vdev_create(struct kc *c, struct vdev *d, int idx, uint64_t *rs,
		       struct proc_result *res, struct gnl_reply *r)
{
	struct gnl_msg *m;
	struct kc_vdev v;
	int err;

	d->size = 4096 + (uint32_t)(rng_next(rs) % (12 * 1024 + 1));
	snprintf(d->name, sizeof(d->name), "%sv%03d", opt.prefix, idx);
	m = vdev_msg_new(c, KALLOC_CMD_VDEV_NEW, d->name);
	gnl_put_u32(m, KALLOC_VDEV_A_SIZE, d->size);
	gnl_put_str(m, KALLOC_VDEV_A_OWNER, "stress");
	err = vdev_send(c, m, &v, r);
	if (err == -ENOSPC && cookie_kind(r) == KALLOC_COOKIE_MAX_VDEVS) {
		res->vdev_refused++;
		return 0;
	}
	if (err)
		return err;
	d->created = true;
	res->vdevs_created++;
	if (v.size != d->size || strcmp(v.name, d->name) || !v.id || v.dma_completed ||
	    v.irq_count) {
		proc_error(res, "vdev new %s: reply says id %u name %s size %u", d->name,
			   v.id, v.name, v.size);
		return 0;
	}
	d->shadow = calloc(1, d->size);
	d->trusted = d->shadow != NULL;
	return 0;
}

/*
 * One transfer with WAIT and its check: it ends before the process's next
 * request, so no transfer of ours spans a resize or delete of ours. A
 * migration by another process may move the buffer meanwhile: the kernel
 * copies it entirely before or after the move. Length 0 now and then:
 * as much as fits in both.
 */
static int vdev_transfer(struct kc *c, struct vdev *d, uint32_t dir, struct live *l,
			 uint64_t off, uint32_t dev_off, uint32_t len,
			 struct proc_result *res, struct gnl_reply *r)
{
	uint64_t room = l->size - off < d->size - dev_off ? l->size - off : d->size - dev_off;
	uint32_t want = len ? len : (uint32_t)room;
	struct kc_vdev v;
	int err;

	err = vdev_dma(c, d->name, dir, l->id, off, dev_off, len, &v, r);
	if (err) {
		d->trusted = false;	/* it may have started: the model is lost */
		return err;
	}
	d->seq++;
	if (v.dma_seq != d->seq || v.dma_error || v.dma_bytes != want || v.dma_length != want ||
	    v.dma_buffer != l->id || v.dma_direction != dir || v.dma_offset != off ||
	    v.dma_dev_offset != dev_off || v.dma_completed != d->seq) {
		d->trusted = false;
		proc_error(res, "dma %s %s %s [%llu, +%u) at %u: reply says seq %llu of %llu, error %u, %u of %u bytes, %llu completed",
			   dir == KALLOC_VDEV_DMA_TO_DEVICE ? "to" : "from", d->name, l->name,
			   (unsigned long long)off, want, dev_off, (unsigned long long)v.dma_seq,
			   (unsigned long long)d->seq, v.dma_error, v.dma_bytes, v.dma_length,
			   (unsigned long long)v.dma_completed);
		return 0;
	}
	if (dir == KALLOC_VDEV_DMA_TO_DEVICE) {
		memcpy(d->shadow + dev_off, l->shadow + off, want);
		res->dma_to++;
	} else {
		memcpy(l->shadow + off, d->shadow + dev_off, want);
		res->dma_from++;
	}
	res->dma_bytes += want;
	return 0;
}

/* The DMA op: random direction, ranges within both, between l and d. */
static int op_dma(struct kc *c, struct vdev *d, struct live *l, uint64_t *rs,
		  struct proc_result *res, struct gnl_reply *r)
{
	uint32_t dir = rng_next(rs) % 2 ? KALLOC_VDEV_DMA_TO_DEVICE :
		       KALLOC_VDEV_DMA_FROM_DEVICE;
	uint32_t dev_off = (uint32_t)(rng_next(rs) % d->size);
	uint64_t off = rng_next(rs) % l->size;
	uint64_t room = l->size - off < d->size - dev_off ? l->size - off : d->size - dev_off;
	uint32_t len = rng_next(rs) % 8 ? 1 + (uint32_t)(rng_next(rs) % room) : 0;

	return vdev_transfer(c, d, dir, l, off, dev_off, len, res, r);
}

/* A create's ENOSPC, counted by its cookie; false if it has no known one. */
static bool create_refused(struct proc_result *res, const struct gnl_reply *r)
{
	int kind = cookie_kind(r);

	if (kind == KALLOC_COOKIE_LARGEST)
		res->refused_policy++;
	else if (kind == KALLOC_COOKIE_BUDGET || kind == KALLOC_COOKIE_MAX_BUFFERS)
		res->refused_budget++;
	else
		return false;
	return true;
}

/*
 * The whole window read back: a from-device transfer into a scratch
 * buffer of the window's size (a create and a delete like any other),
 * then BUFFER_READ, compared with the model. A scratch buffer the budget
 * keeps refusing leaves the window unverified (counted).
 */
static int vdev_readback(struct kc *c, struct vdev *d, int idx, struct proc_result *res,
			 uint32_t *my_ids, uint8_t *buf, struct gnl_reply *r)
{
	struct live l = { .size = d->size };
	struct kc_buf b;
	uint64_t off;
	int err, tries;

	snprintf(l.name, sizeof(l.name), "%sp%03d_win", opt.prefix, idx);
	for (tries = 0;; tries++) {
		err = kc_buffer_new(c, l.name, l.size, KALLOC_POLICY_KMALLOC, "stress", 0, &b, r);
		if (err != -ENOSPC)
			break;
		if (!create_refused(res, r))
			return err;
		if (tries == 20) {
			res->win_unverified++;
			return 0;
		}
		poll(NULL, 0, 50);
	}
	if (err)
		return err;
	l.id = b.id;
	if (res->nids < ids_per_proc)
		my_ids[res->nids++] = b.id;
	res->creates_ok++;
	l.shadow = calloc(1, l.size);
	err = vdev_transfer(c, d, KALLOC_VDEV_DMA_FROM_DEVICE, &l, 0, 0, 0, res, r);
	for (off = 0; !err && off < l.size; off += KALLOC_IO_MAX) {
		uint32_t len = l.size - off > KALLOC_IO_MAX ? KALLOC_IO_MAX :
			       (uint32_t)(l.size - off);

		err = kc_buffer_read(c, l.id, off, len, buf, r);
		if (!err && memcmp(buf, d->shadow + off, len)) {
			res->win_mismatch++;
			proc_error(res, "window of %s [%llu, +%u): not what the transfers left",
				   d->name, (unsigned long long)off, len);
		}
	}
	res->win_checked += !err;
	free(l.shadow);
	if (!err)
		err = kc_buffer_del(c, l.id, NULL, r);
	res->deletes_ok += !err;
	return err;
}

/* The window read back, the device's counters checked, the device deleted. */
static int vdev_finish(struct kc *c, struct vdev *d, int idx, struct proc_result *res,
		       uint32_t *my_ids, uint8_t *buf, struct gnl_reply *r)
{
	struct kc_vdev v;
	int err;

	if (!d->created)
		return 0;
	if (d->trusted) {
		err = vdev_readback(c, d, idx, res, my_ids, buf, r);
		if (err)
			return err;
	}
	err = vdev_send(c, vdev_msg_new(c, KALLOC_CMD_VDEV_GET, d->name), &v, r);
	if (err)
		return err;
	/* Every transfer ended (WAIT), each raising one interrupt; no timer. */
	res->dma_kernel += v.dma_completed;
	res->dma_kernel_failed += v.dma_failed;
	if (v.dma_completed != d->seq || v.dma_failed || v.irq_count != d->seq || v.dma_seq != d->seq)
		proc_error(res, "vdev %s: %llu transfers completed, %llu failed, %llu interrupts, last seq %llu; the process made %llu",
			   d->name, (unsigned long long)v.dma_completed,
			   (unsigned long long)v.dma_failed, (unsigned long long)v.irq_count,
			   (unsigned long long)v.dma_seq, (unsigned long long)d->seq);
	err = vdev_send(c, vdev_msg_new(c, KALLOC_CMD_VDEV_DEL, d->name), NULL, r);
	if (err)
		return err;
	d->created = false;
	res->vdevs_deleted++;
	free(d->shadow);
	return 0;
}

static void worker_main(int idx)
{
	struct proc_result *res = &results[idx];
	uint32_t *my_ids = ids + idx * ids_per_proc;
	struct live live[MAX_LIVE];
	int nlive = 0, i, err;
	uint64_t rs = opt.seed * 1000003ULL + idx * 7919ULL + 1;
	static uint8_t buf[KALLOC_IO_MAX];
	struct gnl_reply r;
	struct vdev dev = { 0 };
	struct kc c;
	long op, serial = 0;
	bool has_set, has_dma;

	err = kc_open(&c, 60000);
	if (err) {
		if (opt.tolerate_unload && family_gone(err)) {
			res->unloaded = true;
			_exit(0);
		}
		proc_error(res, "kc_open: %s", gnl_errname(err));
		_exit(1);
	}
	has_set = kc_has_cmd(&c, KALLOC_CMD_BUFFER_SET);
	has_dma = kc_has_cmd(&c, KALLOC_CMD_VDEV_DMA);
	gnl_reply_init(&r);
	err = has_dma ? vdev_create(&c, &dev, idx, &rs, res, &r) : 0;
	if (err) {
		if (opt.tolerate_unload && family_gone(err)) {
			res->unloaded = true;
			_exit(0);
		}
		proc_error(res, "vdev new %s: %s%s%s", dev.name, gnl_errname(err),
			   r.has_msg ? ": " : "", r.has_msg ? r.msg : "");
	}
	for (op = 0; op < opt.ops; op++) {
		uint64_t x = rng_next(&rs) % 100;
		enum op_kind k;

		if (x < 23)
			k = K_CREATE;
		else if (x < 36)
			k = K_DELETE;
		else if (x < 51)
			k = K_WRITE;
		else if (x < 68)
			k = K_READ;
		else if (x < 72)
			k = K_GET;
		else if (x < 75)
			k = K_POLICY;
		else if (x < 83)
			k = K_DUMP;
		else if (x < 89)
			k = K_STATS;
		else if (x < 93)
			k = dev.trusted ? K_DMA : K_GET;
		else
			k = has_set ? K_RESIZE : K_GET;
		if (k == K_CREATE && nlive == MAX_LIVE)
			k = K_DELETE;
		if ((k == K_DELETE || k == K_WRITE || k == K_READ || k == K_GET ||
		     k == K_RESIZE || k == K_DMA) && !nlive)
			k = K_CREATE;
		res->n[k]++;
		err = 0;
		switch (k) {
		case K_CREATE: {
			struct live *l = &live[nlive];
			uint32_t policy = rng_next(&rs) % 3 ? 0 :
				1 + (uint32_t)(rng_next(&rs) % KALLOC_POLICY_MAX);
			struct kc_buf b;

			l->size = 1 + rng_next(&rs) % (rng_next(&rs) % 4 ? 4096 : opt.max_size);
			snprintf(l->name, sizeof(l->name), "%sp%03d_%lx", opt.prefix, idx, serial++);
			err = kc_buffer_new(&c, l->name, l->size, policy, "stress", 0, &b, &r);
			if (err == -ENOSPC) {
				int kind = cookie_kind(&r);

				if (kind == KALLOC_COOKIE_LARGEST)
					res->refused_policy++;
				else if (kind == KALLOC_COOKIE_BUDGET ||
					 kind == KALLOC_COOKIE_MAX_BUFFERS)
					res->refused_budget++;
				else
					proc_error(res, "create %s: ENOSPC without a known cookie (%s)",
						   l->name, r.msg);
				err = 0;
				break;
			}
			if (err)
				break;
			if (b.size != l->size || strcmp(b.name, l->name) || !b.id) {
				proc_error(res, "create %s: reply says id %u name %s size %llu",
					   l->name, b.id, b.name, (unsigned long long)b.size);
				break;
			}
			l->id = b.id;
			l->shadow = calloc(1, l->size);
			if (res->nids < ids_per_proc)
				my_ids[res->nids++] = b.id;
			res->creates_ok++;
			nlive++;
			break;
		}
		case K_DELETE: {
			int v = (int)(rng_next(&rs) % nlive);
			bool by_name = rng_next(&rs) % 2;

			err = kc_buffer_del(&c, by_name ? 0 : live[v].id, live[v].name, &r);
			if (err)
				break;
			res->deletes_ok++;
			free(live[v].shadow);
			live[v] = live[--nlive];
			break;
		}
		case K_WRITE: {
			struct live *l = &live[rng_next(&rs) % nlive];
			uint64_t off = rng_next(&rs) % l->size;
			uint32_t len = 1 + (uint32_t)(rng_next(&rs) % (l->size - off));

			if (len > 4096)
				len = 1 + (uint32_t)(rng_next(&rs) % 4096);
			for (i = 0; i < (int)len; i++)
				buf[i] = (uint8_t)rng_next(&rs);
			err = kc_buffer_write(&c, l->id, off, buf, len, &r);
			if (!err)
				memcpy(l->shadow + off, buf, len);
			break;
		}
		case K_READ: {
			struct live *l = &live[rng_next(&rs) % nlive];
			uint64_t off = rng_next(&rs) % l->size;
			uint32_t len = 1 + (uint32_t)(rng_next(&rs) % (l->size - off));

			if (len > KALLOC_IO_MAX)
				len = KALLOC_IO_MAX;
			err = kc_buffer_read(&c, l->id, off, len, buf, &r);
			if (!err && memcmp(buf, l->shadow + off, len)) {
				res->read_mismatch++;
				proc_error(res, "read %s [%llu, +%u): not what was written",
					   l->name, (unsigned long long)off, len);
			}
			break;
		}
		case K_GET: {
			struct live *l = &live[rng_next(&rs) % nlive];
			struct gnl_msg *m = malloc(sizeof(*m));
			struct nlmsghdr *n;
			struct kc_buf b;

			kc_msg(&c, m, KALLOC_CMD_BUFFER_GET, 0);
			if (rng_next(&rs) % 2)
				gnl_put_u32(m, KALLOC_BUFFER_A_ID, l->id);
			else
				gnl_put_str(m, KALLOC_BUFFER_A_NAME, l->name);
			gnl_reply_free(&r);
			err = kc_req(&c, m, &r);
			free(m);
			n = gnl_reply_next(&r, NULL);
			if (!err && n) {
				kc_parse_buf(n, &b);
				if (b.id != l->id || b.size != l->size || strcmp(b.name, l->name))
					proc_error(res, "get %s: id %u size %llu name %s",
						   l->name, b.id, (unsigned long long)b.size, b.name);
			}
			break;
		}
		case K_POLICY: {
			struct kc_policy_set ps;
			uint32_t id = 1 + (uint32_t)(rng_next(&rs) % KALLOC_POLICY_MAX);
			uint32_t from = rng_next(&rs) % 3 ? 0 :
				1 + (uint32_t)(rng_next(&rs) % KALLOC_POLICY_MAX);

			err = kc_policy_set(&c, id, true, from, &ps, &r);
			if (!err) {
				res->migrated += ps.migrated;
				res->unmoved += ps.unmoved;
				res->policy_changed += ps.changed;
			}
			break;
		}
		case K_DUMP: {
			struct kc_buf *list;
			int n, j;

			err = kc_buffers(&c, &list, &n);
			if (err == -EAGAIN) {
				res->dump_intr_retries++;
				err = 0;
				break;
			}
			if (err)
				break;
			for (i = 0; i < nlive; i++) {
				int seen = 0;

				for (j = 0; j < n; j++)
					if (list[j].id == live[i].id &&
					    list[j].size == live[i].size &&
					    !strcmp(list[j].name, live[i].name))
						seen++;
				if (seen != 1) {
					res->dump_missing++;
					proc_error(res, "dump: %s (id %u) listed %d times",
						   live[i].name, live[i].id, seen);
				}
			}
			free(list);
			break;
		}
		case K_RESIZE: {
			struct live *l = &live[rng_next(&rs) % nlive];
			uint64_t size = 1 + rng_next(&rs) % (rng_next(&rs) % 4 ? 4096 : opt.max_size);
			uint32_t policy = rng_next(&rs) % 3 ? 0 :
				1 + (uint32_t)(rng_next(&rs) % KALLOC_POLICY_MAX);
			struct kc_buf b;
			uint8_t *shadow;

			if (size == l->size)
				size++;
			err = kc_buffer_set(&c, l->id, NULL, size, policy, &b, &r);
			if (err == -ENOSPC) {
				int kind = cookie_kind(&r);

				if (kind == KALLOC_COOKIE_LARGEST)
					res->resize_refused_policy++;
				else if (kind == KALLOC_COOKIE_BUDGET)
					res->resize_refused_budget++;
				else
					proc_error(res, "resize %s: ENOSPC without a known cookie (%s)",
						   l->name, r.msg);
				err = 0;
				break;
			}
			if (err)
				break;
			if (b.id != l->id || b.size != size || (policy && b.policy != policy)) {
				proc_error(res, "resize %s to %llu: reply says id %u size %llu policy %u",
					   l->name, (unsigned long long)size, b.id,
					   (unsigned long long)b.size, b.policy);
				break;
			}
			/* The contents up to the smaller size, zeros after. */
			shadow = calloc(1, size);
			memcpy(shadow, l->shadow, size < l->size ? size : l->size);
			free(l->shadow);
			l->shadow = shadow;
			l->size = size;
			res->resized++;
			break;
		}
		case K_STATS: {
			struct kc_stats st;

			err = kc_stats(&c, false, &st, &r);
			if (!err && (st.budget_used > st.budget_limit ||
				     st.buffers > st.buffers_max))
				proc_error(res, "stats: %llu of %llu bytes, %u of %u buffers",
					   (unsigned long long)st.budget_used,
					   (unsigned long long)st.budget_limit,
					   st.buffers, st.buffers_max);
			break;
		}
		case K_DMA:
			err = op_dma(&c, &dev, &live[rng_next(&rs) % nlive], &rs, res, &r);
			break;
		default:
			break;
		}
		if (err) {
			if (opt.tolerate_unload && family_gone(err)) {
				res->unloaded = true;
				break;
			}
			proc_error(res, "%s: %s%s%s", kind_names[k], gnl_errname(err),
				   r.has_msg ? ": " : "", r.has_msg ? r.msg : "");
		}
		res->ops_done++;
	}
	/* Everything it owns: read back, checked, deleted. */
	for (i = 0; i < nlive && !res->unloaded; i++) {
		struct live *l = &live[i];
		uint64_t off;

		for (off = 0; off < l->size; off += KALLOC_IO_MAX) {
			uint32_t len = l->size - off > KALLOC_IO_MAX ? KALLOC_IO_MAX :
				       (uint32_t)(l->size - off);

			err = kc_buffer_read(&c, l->id, off, len, buf, &r);
			if (err) {
				if (opt.tolerate_unload && family_gone(err)) {
					res->unloaded = true;
					break;
				}
				proc_error(res, "final read %s: %s", l->name, gnl_errname(err));
			} else if (memcmp(buf, l->shadow + off, len)) {
				res->read_mismatch++;
				proc_error(res, "final read %s: contents differ", l->name);
			}
		}
		if (res->unloaded)
			break;
		err = kc_buffer_del(&c, l->id, NULL, &r);
		if (err) {
			if (opt.tolerate_unload && family_gone(err)) {
				res->unloaded = true;
				break;
			}
			proc_error(res, "final delete %s: %s", l->name, gnl_errname(err));
		} else {
			res->deletes_ok++;
		}
	}
	err = res->unloaded ? 0 : vdev_finish(&c, &dev, idx, res, my_ids, buf, &r);
	if (err) {
		if (opt.tolerate_unload && family_gone(err))
			res->unloaded = true;
		else
			proc_error(res, "vdev end %s: %s%s%s", dev.name, gnl_errname(err),
				   r.has_msg ? ": " : "", r.has_msg ? r.msg : "");
	}
	gnl_reply_free(&r);
	kc_close(&c);
	_exit(0);
}

/* ---- checks --------------------------------------------------------------------- */

struct check {
	const char *name;
	bool ok;
	char detail[512];
};
static struct check checks[32];
static int nchecks, nfailed;

static void check(const char *name, bool ok, const char *fmt, ...)
{
	struct check *c = &checks[nchecks++];
	va_list ap;

	c->name = name;
	c->ok = ok;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	nfailed += !ok;
	printf("%s %s: %s\n", ok ? "PASS" : "FAIL", name, c->detail);
}

/* ---- the vdev checks -------------------------------------------------------------- */

static void add_vdev(struct proc_result *tot, const struct proc_result *r)
{
	tot->vdevs_created += r->vdevs_created;
	tot->vdevs_deleted += r->vdevs_deleted;
	tot->vdev_refused += r->vdev_refused;
	tot->dma_to += r->dma_to;
	tot->dma_from += r->dma_from;
	tot->dma_bytes += r->dma_bytes;
	tot->dma_kernel += r->dma_kernel;
	tot->dma_kernel_failed += r->dma_kernel_failed;
	tot->win_checked += r->win_checked;
	tot->win_mismatch += r->win_mismatch;
	tot->win_unverified += r->win_unverified;
}

/* Events the devices sent: VDEV_NEW, VDEV_DEL, and VDEV_DMA per transfer. */
static uint64_t vdev_events(const struct proc_result *tot)
{
	return tot->vdevs_created + tot->vdevs_deleted + tot->dma_to + tot->dma_from;
}

static bool monitor_vdev_ok(const struct proc_result *tot)
{
	return mres->events_ours_vnew == tot->vdevs_created &&
	       mres->events_ours_vdel == tot->vdevs_deleted &&
	       mres->events_ours_vdma == tot->dma_to + tot->dma_from;
}

/* How many of the run's devices a VDEV_GET dump still lists; -errno. */
static long vdevs_left(struct kc *c)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	struct gnl_reply r;
	struct nlmsghdr *n;
	struct kc_vdev v;
	long left = 0;
	int err;

	if (!m)
		return -ENOMEM;
	kc_msg(c, m, KALLOC_CMD_VDEV_GET, NLM_F_DUMP);
	gnl_reply_init(&r);
	err = kc_req(c, m, &r);
	free(m);
	for (n = NULL; !err && (n = gnl_reply_next(&r, n));) {
		kc_parse_vdev(n, &v);
		left += ours(v.name, v.owner);
	}
	gnl_reply_free(&r);
	return err ? err : left;
}

/*
 * Every process made its device (or was refused one, ENOSPC) and deleted
 * it, none is left, the kernel counted every transfer as completed, and
 * every window read back was what the transfers had left in it.
 */
static void check_vdev(struct kc *c, const struct proc_result *tot)
{
	long transfers = tot->dma_to + tot->dma_from;
	long left;

	if (!kc_has_cmd(c, KALLOC_CMD_VDEV_DMA)) {
		check("vdev", true, "the family has no VDEV_DMA: no devices");
		return;
	}
	left = vdevs_left(c);
	check("vdev", tot->vdevs_created + tot->vdev_refused == opt.procs &&
	      tot->vdevs_deleted == tot->vdevs_created && left == 0 &&
	      tot->dma_kernel == transfers && tot->dma_kernel_failed == 0 &&
	      tot->win_mismatch == 0 &&
	      tot->win_checked + tot->win_unverified == tot->vdevs_created,
	      "%ld devices made (%ld refused), %ld deleted, %ld left; %ld transfers (%ld to-device, %ld from-device, %ld bytes), the kernel counted %ld completed and %ld failed; %ld windows read back, %ld differed, %ld not read (no room for the scratch buffer)",
	      tot->vdevs_created, tot->vdev_refused, tot->vdevs_deleted, left, transfers,
	      tot->dma_to, tot->dma_from, tot->dma_bytes, tot->dma_kernel,
	      tot->dma_kernel_failed, tot->win_checked, tot->win_mismatch,
	      tot->win_unverified);
}

/*
 * Each transfer's end is one KALLOC_PERF_DMA record: the monitor got as
 * many as there were transfers, or fewer if records were lost.
 */
static void check_perf_dma(const struct proc_result *tot, const struct kc_stats *s0,
			   const struct kc_stats *s1)
{
	long transfers = tot->dma_to + tot->dma_from;
	bool lossless = s1->perf_dropped == s0->perf_dropped &&
			s1->perf_send_failed == s0->perf_send_failed &&
			!mres->enobufs && !mres->perf_gaps;

	check("perf-dma", lossless ? mres->perf_dma == transfers : mres->perf_dma <= transfers,
	      "the monitor got %ld DMA records for %ld transfers%s", mres->perf_dma,
	      transfers, lossless ? "" : " (records were lost: at most as many)");
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void usage(void)
{
	fprintf(stderr, "usage: kstress [--procs P] [--ops N] [--seed S] [--prefix P] [--json FILE]\n"
		"               [--no-monitor] [--tolerate-unload] [--max-size BYTES]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "procs", required_argument, NULL, 'p' },
		{ "ops", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "prefix", required_argument, NULL, 'P' },
		{ "json", required_argument, NULL, 'j' },
		{ "no-monitor", no_argument, NULL, 'M' },
		{ "tolerate-unload", no_argument, NULL, 'U' },
		{ "max-size", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct kc_stats s0, s1;
	struct kc c;
	struct proc_result tot = { 0 };
	pid_t pids[MAX_PROCS], mon = -1;
	double t0, dt;
	long i, k, nids = 0, dup = 0;
	uint32_t *all;
	int ch, err, status;
	bool unloaded = false;

	while ((ch = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (ch) {
		case 'p': opt.procs = atoi(optarg); break;
		case 'n': opt.ops = atol(optarg); break;
		case 's': opt.seed = strtoull(optarg, NULL, 0); break;
		case 'P': opt.prefix = optarg; break;
		case 'j': opt.json = optarg; break;
		case 'M': opt.monitor = false; break;
		case 'U': opt.tolerate_unload = true; break;
		case 'm': opt.max_size = (uint32_t)atol(optarg); break;
		default: usage();
		}
	}
	if (optind != argc || opt.procs < 1 || opt.procs > MAX_PROCS || opt.ops < 1 ||
	    strlen(opt.prefix) > 8 || opt.max_size < 1)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);

	err = kc_open(&c, 60000);
	if (err) {
		fprintf(stderr, "kstress: no kalloc family: %s\n", gnl_errname(err));
		return 2;
	}
	results = mmap(NULL, sizeof(*results) * opt.procs, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ids_per_proc = opt.ops + 2;	/* and the window's scratch buffer */
	ids = mmap(NULL, sizeof(*ids) * ids_per_proc * opt.procs, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	mres = mmap(NULL, sizeof(*mres), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (results == MAP_FAILED || ids == MAP_FAILED || mres == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	memset(results, 0, sizeof(*results) * opt.procs);
	memset(mres, 0, sizeof(*mres));

	if (opt.monitor) {
		mon = fork();
		if (mon == 0)
			monitor_main();
		/* The perf ring starts within a second of a listener joining. */
		for (i = 0; i < 100 && !mres->ready; i++)
			poll(NULL, 0, 20);
		poll(NULL, 0, 2200);
	}
	err = kc_stats(&c, true, &s0, NULL);
	if (err) {
		fprintf(stderr, "kstress: STATS_GET: %s\n", gnl_errname(err));
		return 2;
	}
	/* Let the monitor read what the flush sent before we start. */
	poll(NULL, 0, 300);

	printf("kstress: %d processes x %ld operations, seed %llu%s\n", opt.procs, opt.ops,
	       (unsigned long long)opt.seed, opt.monitor ? ", with a monitor" : "");
	t0 = gnl_now();
	for (i = 0; i < opt.procs; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			worker_main((int)i);
		if (pids[i] < 0) {
			perror("fork");
			return 2;
		}
	}
	for (i = 0; i < opt.procs; i++) {
		waitpid(pids[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			proc_error(&results[i], "process exited with status 0x%x", status);
	}
	dt = gnl_now() - t0;

	for (i = 0; i < opt.procs; i++) {
		struct proc_result *r = &results[i];

		tot.ops_done += r->ops_done;
		for (k = 0; k < K_NKINDS; k++)
			tot.n[k] += r->n[k];
		tot.creates_ok += r->creates_ok;
		tot.deletes_ok += r->deletes_ok;
		tot.refused_budget += r->refused_budget;
		tot.refused_policy += r->refused_policy;
		tot.migrated += r->migrated;
		tot.unmoved += r->unmoved;
		tot.policy_changed += r->policy_changed;
		tot.resized += r->resized;
		tot.resize_refused_budget += r->resize_refused_budget;
		tot.resize_refused_policy += r->resize_refused_policy;
		tot.read_mismatch += r->read_mismatch;
		tot.dump_missing += r->dump_missing;
		tot.dump_intr_retries += r->dump_intr_retries;
		add_vdev(&tot, r);
		tot.errors += r->errors;
		unloaded |= r->unloaded;
		if (r->errors)
			printf("kstress: process %ld: %ld errors, first: %s\n", i, r->errors,
			       r->first_error);
	}
	printf("kstress: %ld operations in %.1f s (%.0f/s): %ld creates (%ld refused: %ld budget, %ld policy), %ld deletes, %ld resizes (%ld refused), %ld moved, %ld unmoved\n",
	       tot.ops_done, dt, dt > 0 ? tot.ops_done / dt : 0.0, tot.creates_ok,
	       tot.refused_budget + tot.refused_policy, tot.refused_budget,
	       tot.refused_policy, tot.deletes_ok, tot.resized,
	       tot.resize_refused_budget + tot.resize_refused_policy, tot.migrated,
	       tot.unmoved);
	printf("kstress: %ld devices (%ld refused), %ld transfers (%ld to-device, %ld from-device, %ld bytes), %ld windows read back\n",
	       tot.vdevs_created, tot.vdev_refused, tot.dma_to + tot.dma_from, tot.dma_to,
	       tot.dma_from, tot.dma_bytes, tot.win_checked);

	/* Every id ever handed out, sorted: no two alike. */
	all = malloc(sizeof(*all) * (opt.procs * ids_per_proc + 1));
	for (i = 0; all && i < opt.procs; i++) {
		memcpy(all + nids, ids + i * ids_per_proc, results[i].nids * sizeof(*all));
		nids += results[i].nids;
	}
	if (all) {
		qsort(all, nids, sizeof(*all), cmp_u32);
		for (i = 1; i < nids; i++)
			dup += all[i] == all[i - 1];
	}
	free(all);
	check("ids-unique", dup == 0 && nids == tot.creates_ok,
	      "%ld ids handed out, %ld repeated", nids, dup);
	check("contents", tot.read_mismatch == 0,
	      "%ld reads and %ld writes, %ld reads differed from what was written",
	      tot.n[K_READ], tot.n[K_WRITE], tot.read_mismatch);
	check("no-errors", tot.errors == 0, "%ld unexpected errors", tot.errors);
	check("dumps", tot.dump_missing == 0,
	      "%ld dumps (%ld retried after NLM_F_DUMP_INTR too often), %ld own buffers missing or doubled",
	      tot.n[K_DUMP], tot.dump_intr_retries, tot.dump_missing);

	if (unloaded) {
		printf("kstress: the module went away under the load; its books are not checked\n");
	} else {
		uint64_t a0 = 0, a1 = 0, f0 = 0, f1 = 0, x0 = 0, x1 = 0;
		bool live_ok = true;
		char why[160] = "";

		err = kc_stats(&c, true, &s1, NULL);
		if (err) {
			check("stats", false, "STATS_GET after the run: %s", gnl_errname(err));
			goto report;
		}
		for (k = 1; k <= KALLOC_POLICY_MAX; k++) {
			a0 += s0.p[k].allocs;
			a1 += s1.p[k].allocs;
			f0 += s0.p[k].frees;
			f1 += s1.p[k].frees;
			x0 += s0.p[k].failures;
			x1 += s1.p[k].failures;
			if (s0.p[k].live_buffers != s1.p[k].live_buffers ||
			    s0.p[k].live_bytes != s1.p[k].live_bytes) {
				live_ok = false;
				snprintf(why, sizeof(why), "policy %ld: %llu buffers %llu bytes, then %llu buffers %llu bytes",
					 k, (unsigned long long)s0.p[k].live_buffers,
					 (unsigned long long)s0.p[k].live_bytes,
					 (unsigned long long)s1.p[k].live_buffers,
					 (unsigned long long)s1.p[k].live_bytes);
			}
		}
		check("allocs", a1 - a0 == (uint64_t)(tot.creates_ok + tot.migrated + tot.resized),
		      "ALLOCS grew by %llu; creates %ld + moves %ld + resizes %ld = %ld",
		      (unsigned long long)(a1 - a0), tot.creates_ok, tot.migrated, tot.resized,
		      tot.creates_ok + tot.migrated + tot.resized);
		check("frees", f1 - f0 == (uint64_t)(tot.deletes_ok + tot.migrated + tot.resized),
		      "FREES grew by %llu; deletes %ld + moves %ld + resizes %ld = %ld",
		      (unsigned long long)(f1 - f0), tot.deletes_ok, tot.migrated, tot.resized,
		      tot.deletes_ok + tot.migrated + tot.resized);
		check("failures", x1 - x0 == (uint64_t)(tot.refused_policy + tot.unmoved +
							tot.resize_refused_policy),
		      "FAILURES grew by %llu; creates %ld and resizes %ld a policy refused + unmoved %ld = %ld",
		      (unsigned long long)(x1 - x0), tot.refused_policy,
		      tot.resize_refused_policy, tot.unmoved,
		      tot.refused_policy + tot.resize_refused_policy + tot.unmoved);
		check("budget", s1.budget_used == s0.budget_used && s1.buffers == s0.buffers,
		      "budget in use %llu -> %llu bytes, buffers %u -> %u",
		      (unsigned long long)s0.budget_used, (unsigned long long)s1.budget_used,
		      s0.buffers, s1.buffers);
		check("live", live_ok, "%s", live_ok ? "every policy's live buffers and bytes are back" : why);
		check_vdev(&c, &tot);
		if (opt.monitor) {
			uint64_t ev = (s1.events_sent + s1.events_failed) -
				      (s0.events_sent + s0.events_failed);
			uint64_t want = tot.creates_ok + tot.deletes_ok + tot.policy_changed +
					tot.resized + vdev_events(&tot);
			uint64_t p = s1.perf_produced, q = s1.perf_dropped + s1.perf_sent +
							     s1.perf_send_failed;

			/* The monitor reads what the final flush sent, then stops. */
			poll(NULL, 0, 500);
			mres->stop = 1;
			waitpid(mon, &status, 0);
			mon = -1;
			check("events", ev == want &&
			      (mres->enobufs ||
			       ((uint64_t)mres->events_ours_new == (uint64_t)tot.creates_ok &&
				(uint64_t)mres->events_ours_del == (uint64_t)tot.deletes_ok &&
				monitor_vdev_ok(&tot))),
			      "the kernel sent %llu event messages (%llu refused), the run made %llu (%ld creates, %ld deletes, %ld policy changes, %ld resizes, %ld device news and dels, %ld transfers); the monitor got %ld NEW and %ld DEL of ours, %ld POLICY_SET, %ld BUFFER_SET, %ld VDEV_NEW %ld VDEV_DEL %ld VDEV_DMA of ours%s",
			      (unsigned long long)ev,
			      (unsigned long long)(s1.events_failed - s0.events_failed),
			      (unsigned long long)want, tot.creates_ok, tot.deletes_ok,
			      tot.policy_changed, tot.resized,
			      tot.vdevs_created + tot.vdevs_deleted, tot.dma_to + tot.dma_from,
			      mres->events_ours_new, mres->events_ours_del, mres->events_policy,
			      mres->events_set, mres->events_ours_vnew, mres->events_ours_vdel,
			      mres->events_ours_vdma,
			      mres->enobufs ? " (it overflowed: counts not exact)" : "");
			/*
			 * The kernel's identity is exact. What the monitor saw:
			 * records in seq order, and every gap in a CPU's seq
			 * reported as lost (LOST) unless its socket overflowed.
			 */
			check("perf", p == q && mres->seq_breaks == 0 &&
			      (mres->enobufs || mres->perf_gaps <= mres->perf_lost_attr),
			      "produced %llu = dropped %llu + sent %llu + send_failed %llu%s; the monitor got %ld records in %ld messages, %ld seq numbers skipped, %ld reported lost, %ld went back%s%s",
			      (unsigned long long)p, (unsigned long long)s1.perf_dropped,
			      (unsigned long long)s1.perf_sent,
			      (unsigned long long)s1.perf_send_failed, p == q ? "" : " (NOT EQUAL)",
			      mres->perf_records, mres->perf_msgs, mres->perf_gaps,
			      mres->perf_lost_attr, mres->seq_breaks,
			      mres->seq_breaks ? ": " : "", mres->first_break);
			check_perf_dma(&tot, &s0, &s1);
			check("stats-group", mres->stats_msgs > 0 || dt < 3,
			      "the monitor got %ld stats messages in %.1f s", mres->stats_msgs, dt);
		}
	}
report:
	if (mon > 0) {
		mres->stop = 1;
		waitpid(mon, &status, 0);
	}
	if (opt.json) {
		FILE *f = fopen(opt.json, "w");

		if (f) {
			fprintf(f, "{\n  \"tool\": \"kstress\",\n  \"procs\": %d,\n  \"ops_per_proc\": %ld,\n  \"seed\": %llu,\n",
				opt.procs, opt.ops, (unsigned long long)opt.seed);
			fprintf(f, "  \"ops_done\": %ld,\n  \"duration_s\": %.1f,\n  \"ops_per_s\": %.0f,\n",
				tot.ops_done, dt, dt > 0 ? tot.ops_done / dt : 0.0);
			fprintf(f, "  \"unloaded\": %s,\n  \"monitor\": %s,\n  \"kinds\": {",
				unloaded ? "true" : "false", opt.monitor ? "true" : "false");
			for (k = 0; k < K_NKINDS; k++)
				fprintf(f, "%s\"%s\": %ld", k ? ", " : "", kind_names[k], tot.n[k]);
			fprintf(f, "},\n  \"creates_ok\": %ld, \"deletes_ok\": %ld, \"refused_budget\": %ld, \"refused_policy\": %ld,\n",
				tot.creates_ok, tot.deletes_ok, tot.refused_budget, tot.refused_policy);
			fprintf(f, "  \"migrated\": %ld, \"unmoved\": %ld, \"policy_changed\": %ld, \"ids\": %ld,\n",
				tot.migrated, tot.unmoved, tot.policy_changed, nids);
			fprintf(f, "  \"resized\": %ld, \"resize_refused\": %ld,\n", tot.resized,
				tot.resize_refused_budget + tot.resize_refused_policy);
			fprintf(f, "  \"vdevs\": %ld, \"vdev_refused\": %ld, \"dma_to_device\": %ld, \"dma_from_device\": %ld, \"dma_bytes\": %ld, \"windows_checked\": %ld,\n",
				tot.vdevs_created, tot.vdev_refused, tot.dma_to, tot.dma_from,
				tot.dma_bytes, tot.win_checked);
			fprintf(f, "  \"monitor_vdev_events\": %ld, \"monitor_perf_dma\": %ld,\n",
				mres->events_vdev, mres->perf_dma);
			fprintf(f, "  \"monitor_events\": %ld, \"monitor_perf_records\": %ld, \"monitor_stats\": %ld, \"monitor_enobufs\": %ld,\n",
				mres->events_new + mres->events_del + mres->events_policy,
				mres->perf_records, mres->stats_msgs, mres->enobufs);
			fprintf(f, "  \"checks\": [");
			for (i = 0; i < nchecks; i++) {
				fprintf(f, "%s\n    {\"name\": \"%s\", \"ok\": %s, \"detail\": ", i ? "," : "",
					checks[i].name, checks[i].ok ? "true" : "false");
				gnl_json_str(f, checks[i].detail);
				fprintf(f, "}");
			}
			fprintf(f, "\n  ],\n  \"failed\": %d\n}\n", nfailed);
			fclose(f);
		}
	}
	printf("kstress: %d checks, %d failed\n", nchecks, nfailed);
	kc_close(&c);
	return nfailed ? 1 : 0;
}
