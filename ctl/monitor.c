// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * monitor.c - "kallocctl monitor [events] [perf] [stats] [count N]
 * [duration D] [rcvbuf BYTES] [-t]": the family's multicast groups as one
 * line per message, in the manner of "ip monitor" (with -j, NDJSON: one
 * object per line, with a "type").
 *
 * Each source has a socket of its own (lib/events.c), so that an overrun
 * (ENOBUFS) is known to belong to it, and a tiny buffer asked for perf
 * does not starve events. A fourth socket makes the requests: the
 * counters at the start and the end, and the buffer dump that
 * resynchronises "events" after an overrun.
 *
 * Loss. Every loss is a line of its own, saying what and where: an
 * overrun of a socket, and for perf each gap in one CPU's seq. At the end
 * a summary per source gives what was received and lost; for perf also
 * what the kernel produced in the window (KALLOC_STATS_A_PERF_PRODUCED
 * read before joining and after the last drain, STATS_GET with
 * PERF_FLUSH, and the socket drained after it), so that received + lost
 * = produced can be checked. The window is exact when perf was not
 * recording before this monitor joined; otherwise the summary says so.
 *
 * The loop is poll(2) over the sources, a signalfd (SIGINT, SIGTERM:
 * stop, then the summary) and a timerfd for duration. A source is read at
 * most BATCH messages at a time, so that a flood cannot keep the loop from
 * seeing a signal or the timer.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "json_print.h"
#include "meminfo.h"
#include "monitor.h"
#include "stats.h"
#include "vdev.h"

/* Messages read from one source before looking at the others again. */
#define BATCH	64
/*
 * The last drain of perf reads what the flush sent, and stops when the
 * socket is dry or after this long: a flood that goes on must not keep
 * the monitor from stopping.
 */
#define LAST_DRAIN_MS	2000

static const char *const source_names[CTL_NSOURCES] = {
	[CTL_SRC_EVENTS] = KALLOC_MCGRP_EVENTS,
	[CTL_SRC_STATS] = KALLOC_MCGRP_STATS,
	[CTL_SRC_PERF] = KALLOC_MCGRP_PERF,
};

const char *ctl_monitor_source_name(enum ctl_monitor_source s)
{
	return source_names[s];
}

/* ---- arguments -------------------------------------------------------- */

static int parse_values(struct ctl_kw *kws, struct ctl_monitor_args *a)
{
	int ret = EXIT_OK;

	if (kws[0].seen)
		ret = ctl_parse_uint("count", kws[0].value, 1, UINT64_MAX,
				     &a->count);
	if (!ret && kws[1].seen) {
		ret = ctl_parse_duration("duration", kws[1].value, UINT64_MAX,
					 &a->duration_ms);
		if (!ret && !a->duration_ms) {
			ctl_error("invalid duration \"%s\": expected more than 0",
				  kws[1].value);
			ret = EXIT_USAGE;
		}
	}
	if (!ret && kws[2].seen) {
		ret = ctl_parse_size("rcvbuf", kws[2].value, &a->rcvbuf);
		if (!ret && (!a->rcvbuf || a->rcvbuf > CTL_MONITOR_RCVBUF_MAX)) {
			ctl_error("invalid rcvbuf \"%s\": expected 1 to 2G bytes",
				  kws[2].value);
			ret = EXIT_USAGE;
		}
	}
	return ret;
}

int ctl_monitor_parse(int argc, char **argv, struct ctl_monitor_args *a)
{
	struct ctl_kw kws[] = {
		{ .word = "count", .takes_value = true },
		{ .word = "duration", .takes_value = true },
		{ .word = "rcvbuf", .takes_value = true },
		{ .word = "-t" },
		{ .word = KALLOC_MCGRP_EVENTS },
		{ .word = KALLOC_MCGRP_STATS },
		{ .word = KALLOC_MCGRP_PERF },
	};
	bool any = false;
	int ret, s;

	memset(a, 0, sizeof(*a));
	a->rcvbuf = CTL_MONITOR_RCVBUF;
	ret = ctl_parse_keywords(argc - 1, argv + 1, kws, ARRAY_SIZE(kws),
				 CTL_MONITOR_ARGS);
	if (ret)
		return ret;
	for (s = 0; s < CTL_NSOURCES; s++) {
		a->source[s] = kws[4 + s].seen;
		any |= a->source[s];
	}
	if (!any)
		a->source[CTL_SRC_EVENTS] = true;
	a->timestamps = kws[3].seen || ctl_timestamps;
	return parse_values(kws, a);
}

/* ---- state ------------------------------------------------------------ */

struct source {
	bool on;
	struct kalloc_events *ev;
	size_t rcvbuf;			/* what the kernel set */
	uint64_t received;		/* messages (perf: see the library's books) */
	uint64_t overruns;
	uint64_t skipped;		/* malformed messages */
	bool dry;			/* the last read found nothing waiting */
};

struct monitor {
	struct ctl_monitor_args a;
	struct kalloc_nl *nl;		/* requests only */
	struct source src[CTL_NSOURCES];
	struct kalloc_stats *start, *end;
	bool have_end;
	uint64_t messages;		/* toward count */
	bool stop;
	int sigfd, timerfd;
	bool masked;			/* oldmask is to be restored */
	sigset_t oldmask;
};

/* ---- lines ------------------------------------------------------------ */

/* "[2026-05-01T12:00:00.123456+0200] ", the time the line is printed. */
static const char *timestamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char date[24], zone[8];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf, len, "%s.%06u%s", date,
		 (unsigned int)(ts.tv_nsec / 1000) % 1000000, zone);
	return buf;
}

/*
 * One line: text "[TAG] ...", or one compact JSON object with "type"
 * (NDJSON, whatever -p asked: one object a line is the point).
 */
static void line_start(const struct monitor *m, const char *type,
		       const char *tag)
{
	char ts[48];

	if (is_json_context()) {
		new_json_obj(stdout, true, false);
		open_json_object(NULL);
		print_string(PRINT_JSON, "type", NULL, type);
		if (m->a.timestamps)
			print_string(PRINT_JSON, "time", NULL,
				     timestamp(ts, sizeof(ts)));
		return;
	}
	if (m->a.timestamps)
		printf("[%s] ", timestamp(ts, sizeof(ts)));
	printf("[%s]", tag);
}

static void line_end(void)
{
	if (is_json_context()) {
		close_json_object();
		delete_json_obj();
	} else {
		putchar('\n');
		fflush(stdout);
	}
}

/* ---- events ----------------------------------------------------------- */

static const char *guard_words(uint32_t guards)
{
	switch (guards & (KALLOC_GUARD_HEAD | KALLOC_GUARD_TAIL)) {
	case KALLOC_GUARD_HEAD:
		return "head";
	case KALLOC_GUARD_TAIL:
		return "tail";
	case KALLOC_GUARD_HEAD | KALLOC_GUARD_TAIL:
		return "head,tail";
	default:
		return "none";
	}
}

/* The members of a buffer line: `id 3 name web0 size 4096 policy slab ...`. */
static void buffer_members(const struct kalloc_buffer_info *b)
{
	const char *policy = *b->policy_name ? b->policy_name :
			     kalloc_policy_name_of(b->policy);
	const char *reason = kalloc_del_reason_name(b->reason);

	print_uint(PRINT_ANY, "id", " id %u", b->id);
	print_string(PRINT_ANY, "name", " name %s", b->name);
	print_u64(PRINT_ANY, "size", " size %" PRIu64, b->size);
	print_string(PRINT_ANY, "policy", " policy %s", policy ? policy : "?");
	print_uint(PRINT_JSON, "policy_id", NULL, b->policy);
	if (*b->owner)
		print_string(PRINT_ANY, "owner", " owner %s", b->owner);
	if (*b->allocator)
		print_string(PRINT_ANY, "allocator", " allocator %s", b->allocator);
	if (b->flags & KALLOC_BUFFER_F_SOCKET) {
		print_string(PRINT_FP, NULL, "%s", " flags socket");
		print_uint(PRINT_ANY, "portid", " portid %u", b->portid);
	}
	print_uint(PRINT_JSON, "flags", NULL, b->flags);
	if (b->guards)
		print_string(PRINT_ANY, "guards", " guards %s damaged",
			     guard_words(b->guards));
	if (b->reason)
		print_string(PRINT_ANY, "reason", " reason %s",
			     reason ? reason : "unknown");
}

static void print_buffer_event(const struct monitor *m,
			       const struct kalloc_event *e)
{
	static const struct {
		const char *type, *tag;
	} kinds[] = {
		[KALLOC_EVENT_BUFFER_NEW] = { "buffer_new", "BUFFER_NEW" },
		[KALLOC_EVENT_BUFFER_DEL] = { "buffer_del", "BUFFER_DEL" },
		[KALLOC_EVENT_BUFFER_CHECK] = { "buffer_check", "BUFFER_CHECK" },
		[KALLOC_EVENT_BUFFER_SET] = { "buffer_set", "BUFFER_SET" },
	};

	line_start(m, kinds[e->type].type, kinds[e->type].tag);
	buffer_members(&e->buffer);
	line_end();
}

static void vdev_members(const struct kalloc_vdev_info *v)
{
	char status[64], control[64], timer[32];

	print_uint(PRINT_ANY, "id", " id %u", v->id);
	print_string(PRINT_ANY, "name", " name %s", v->name);
	print_uint(PRINT_ANY, "minor", " minor %u", v->minor);
	print_uint(PRINT_ANY, "window_bytes", " window %u", v->size);
	print_string(PRINT_ANY, "status_flags", " status %s",
		     ctl_vdev_status_words(v->status, status, sizeof(status)));
	print_string(PRINT_ANY, "control_flags", " control %s",
		     ctl_vdev_control_words(v->control, control,
					    sizeof(control)));
	print_u64(PRINT_JSON, "timer_ns", NULL, v->timer_ns);
	if (v->timer_ns)
		print_string(PRINT_FP, NULL, " timer %s",
			     ctl_vdev_period_text(v->timer_ns, timer,
						  sizeof(timer)));
	print_u64(PRINT_ANY, "irq_count", " irqs %" PRIu64, v->irq_count);
	print_u64(PRINT_ANY, "dma_completed", " dma %" PRIu64, v->dma_completed);
	print_u64(PRINT_ANY, "dma_failed", "/%" PRIu64, v->dma_failed);
	if (*v->owner)
		print_string(PRINT_ANY, "owner", " owner %s", v->owner);
	if (v->dma_seq) {
		print_u64(PRINT_ANY, "dma_seq", " transfer %" PRIu64, v->dma_seq);
		print_uint(PRINT_ANY, "dma_bytes", " bytes %u", v->dma_bytes);
		print_uint(PRINT_ANY, "dma_error", " error %u", v->dma_error);
	}
}

/* The device events: one type per command, as the buffer events. */
static void print_vdev_event(const struct monitor *m,
			     const struct kalloc_event *e)
{
	static const struct {
		const char *type, *tag;
	} kinds[] = {
		[KALLOC_CMD_VDEV_NEW] = { "vdev_new", "VDEV_NEW" },
		[KALLOC_CMD_VDEV_DEL] = { "vdev_del", "VDEV_DEL" },
		[KALLOC_CMD_VDEV_SET] = { "vdev_set", "VDEV_SET" },
		[KALLOC_CMD_VDEV_IRQ] = { "vdev_irq", "VDEV_IRQ" },
		[KALLOC_CMD_VDEV_DMA] = { "vdev_dma", "VDEV_DMA" },
	};

	line_start(m, kinds[e->cmd].type, kinds[e->cmd].tag);
	vdev_members(&e->vdev);
	line_end();
}

static void print_policy_event(const struct monitor *m,
			       const struct kalloc_policy_change *c)
{
	const char *prev = kalloc_policy_name_of(c->previous);

	line_start(m, "policy_set", "POLICY_SET");
	print_string(PRINT_ANY, "policy", " policy %s", c->active.name);
	print_uint(PRINT_JSON, "policy_id", NULL, c->active.id);
	print_string(PRINT_ANY, "previous", " previous %s", prev ? prev : "?");
	print_uint(PRINT_ANY, "migrated", " migrated %u", c->migrated);
	print_uint(PRINT_ANY, "unmoved", " unmoved %u", c->unmoved);
	line_end();
}

static void print_other(const struct monitor *m, const struct kalloc_event *e)
{
	line_start(m, "other", "OTHER");
	print_uint(PRINT_ANY, "cmd", " cmd %u", e->cmd);
	print_string(PRINT_ANY, "group", " group %s", e->group);
	print_u64(PRINT_ANY, "bytes", " bytes %" PRIu64, e->raw.len);
	line_end();
}

/* ---- stats ------------------------------------------------------------ */

static void print_stats_text(const struct kalloc_stats *st)
{
	uint64_t allocs = 0, frees = 0, failures = 0, free_pages = 0;
	const struct kalloc_system *sys = &st->system;
	size_t i;

	for (i = 0; i < st->npolicies; i++) {
		allocs += st->policies[i].allocs;
		frees += st->policies[i].frees;
		failures += st->policies[i].failures;
	}
	for (i = 0; i < sys->nzones; i++)
		free_pages += sys->zones[i].free;
	printf(" buffers %u of %u budget %" PRIu64 " of %" PRIu64
	       " allocs %" PRIu64 " frees %" PRIu64 " failures %" PRIu64,
	       st->buffers, st->buffers_max, st->budget_used, st->budget_limit,
	       allocs, frees, failures);
	if (st->telemetry.present)
		printf(" perf_produced %" PRIu64, st->telemetry.perf_produced);
	if (!sys->present)
		return;
	printf(" pgfault %" PRIu64 " pgmajfault %" PRIu64 " pgalloc %" PRIu64
	       " pgfree %" PRIu64 " allocstall %" PRIu64 " compact_stall %" PRIu64
	       " free_pages %" PRIu64,
	       sys->pgfault, sys->pgmajfault, sys->pgalloc, sys->pgfree,
	       sys->allocstall, sys->compact_stall, free_pages);
}

static void print_system_json(const struct kalloc_system *sys)
{
	size_t i;

	if (!sys->present)
		return;
	open_json_object("system");
	print_u64(PRINT_JSON, "pgfault", NULL, sys->pgfault);
	print_u64(PRINT_JSON, "pgmajfault", NULL, sys->pgmajfault);
	print_u64(PRINT_JSON, "pgalloc", NULL, sys->pgalloc);
	print_u64(PRINT_JSON, "pgfree", NULL, sys->pgfree);
	print_u64(PRINT_JSON, "allocstall", NULL, sys->allocstall);
	print_u64(PRINT_JSON, "compact_stall", NULL, sys->compact_stall);
	print_u64(PRINT_JSON, "compact_fail", NULL, sys->compact_fail);
	print_u64(PRINT_JSON, "compact_success", NULL, sys->compact_success);
	open_json_array("zones");
	for (i = 0; i < sys->nzones; i++) {
		open_json_object(NULL);
		ctl_zone_json(&sys->zones[i]);
		close_json_object();
	}
	close_json_array();
	close_json_object();
}

static void print_stats(const struct monitor *m, const struct kalloc_stats *st)
{
	line_start(m, "stats", "STATS");
	if (is_json_context()) {
		ctl_stats_json(st);
		print_system_json(&st->system);
	} else {
		print_stats_text(st);
	}
	line_end();
}

/* ---- perf ------------------------------------------------------------- */

static void print_record_json(const struct kalloc_perf_record *r)
{
	const char *type = kalloc_perf_type_name(r->type);
	const char *policy = kalloc_policy_name_of(r->policy);

	open_json_object(NULL);
	print_u64(PRINT_JSON, "seq", NULL, r->seq);
	print_string(PRINT_JSON, "type", NULL, type ? type : "unknown");
	if (r->policy)
		print_string(PRINT_JSON, "policy", NULL, policy ? policy : "?");
	print_u64(PRINT_JSON, "time_ns", NULL, r->time_ns);
	print_u64(PRINT_JSON, "bytes", NULL, r->bytes);
	print_uint(PRINT_JSON, "id", NULL, r->id);
	print_uint(PRINT_JSON, "latency_ns", NULL, r->latency_ns);
	close_json_object();
}

/* Text: how many records of each type, " alloc 64 free 64". */
static void print_type_counts(const struct kalloc_perf_batch *b)
{
	uint32_t n[KALLOC_PERF_MAX + 2] = { 0 }, i;
	const char *name;

	for (i = 0; i < b->count; i++)
		n[b->records[i].type <= KALLOC_PERF_MAX ? b->records[i].type :
							  KALLOC_PERF_MAX + 1]++;
	for (i = 0; i <= KALLOC_PERF_MAX + 1; i++) {
		if (!n[i])
			continue;
		name = kalloc_perf_type_name(i);
		printf(" %s %u", name ? name : "unknown", n[i]);
	}
}

static void print_perf(const struct monitor *m, const struct kalloc_perf_batch *b)
{
	uint32_t i;

	line_start(m, "perf", "PERF");
	print_uint(PRINT_ANY, "cpu", " cpu %u", b->cpu);
	print_u64(PRINT_ANY, "first_seq", " seq %" PRIu64, b->first_seq);
	if (b->count)
		print_u64(PRINT_FP, NULL, "-%" PRIu64,
			  b->records[b->count - 1].seq);
	print_uint(PRINT_ANY, "count", " records %u", b->count);
	print_u64(PRINT_ANY, "lost", " lost %" PRIu64, b->lost);
	print_uint(PRINT_JSON, "record_size", NULL, b->record_size);
	if (is_json_context()) {
		open_json_array("records");
		for (i = 0; i < b->count; i++)
			print_record_json(&b->records[i]);
		close_json_array();
	} else {
		print_type_counts(b);
	}
	line_end();
}

/* A gap in one CPU's seq: those records were lost, in the ring or the socket. */
static void print_gap(const struct monitor *m, const struct kalloc_perf_gap *g,
		      bool at_end)
{
	line_start(m, "gap", "LOST");
	print_string(PRINT_ANY, "source", " %s", KALLOC_MCGRP_PERF);
	print_uint(PRINT_ANY, "cpu", " cpu %u", g->cpu);
	print_u64(PRINT_ANY, "first_seq", " seq %" PRIu64, g->first_seq);
	print_u64(PRINT_FP, NULL, "-%" PRIu64, g->first_seq + g->count - 1);
	print_u64(PRINT_ANY, "count", ": %" PRIu64 " records", g->count);
	print_bool(PRINT_JSON, "at_end", NULL, at_end);
	if (at_end)
		print_string(PRINT_FP, NULL, "%s",
			     " (dropped in the ring after that CPU's last record)");
	line_end();
}

/* ---- overruns and resynchronisation ------------------------------------ */

static const char *const overrun_words[CTL_NSOURCES] = {
	[CTL_SRC_EVENTS] = "notifications were dropped; resynchronising from a buffer dump",
	[CTL_SRC_STATS] = "at least one stats message was dropped",
	[CTL_SRC_PERF] = "messages were dropped; the seq gaps that follow count the records",
};

static void print_overrun(const struct monitor *m, enum ctl_monitor_source s)
{
	line_start(m, "overrun", "LOST");
	print_string(PRINT_ANY, "source", " %s:", source_names[s]);
	print_string(PRINT_FP, NULL, " socket overrun (ENOBUFS): %s",
		     overrun_words[s]);
	line_end();
}

/* After an overrun of "events": the buffers and devices as they are now. */
static int resync(struct monitor *m)
{
	struct kalloc_buffer_info *bufs;
	struct kalloc_vdev_info *devs;
	struct kalloc_err err;
	size_t n, ndevs, i;

	if (kalloc_buffer_list(m->nl, &bufs, &n, &err))
		return ctl_failed(&err);
	if (kalloc_vdev_list(m->nl, &devs, &ndevs, &err))
		goto free_bufs;
	for (i = 0; i < n; i++) {
		line_start(m, "buffer", "BUFFER");
		buffer_members(&bufs[i]);
		line_end();
	}
	for (i = 0; i < ndevs; i++) {
		line_start(m, "vdev", "VDEV");
		vdev_members(&devs[i]);
		line_end();
	}
	free(devs);
	free(bufs);
	line_start(m, "resync", "RESYNC");
	print_string(PRINT_ANY, "source", " %s:", KALLOC_MCGRP_EVENTS);
	print_u64(PRINT_ANY, "buffers", " %" PRIu64 " buffers", n);
	print_u64(PRINT_ANY, "devices", ", %" PRIu64 " devices", ndevs);
	line_end();
	return EXIT_OK;

free_bufs:
	free(bufs);
	return ctl_failed(&err);
}

/* ---- receiving -------------------------------------------------------- */

static void print_skipped(const struct monitor *m, enum ctl_monitor_source s,
			  const struct kalloc_err *err)
{
	line_start(m, "skipped", "SKIPPED");
	print_string(PRINT_ANY, "source", " %s:", source_names[s]);
	print_string(PRINT_ANY, "reason", " %s", err->msg);
	line_end();
}

static void print_perf_event(struct monitor *m, const struct kalloc_perf_batch *b)
{
	size_t i;

	for (i = 0; i < b->ngaps; i++)
		print_gap(m, &b->gaps[i], false);
	print_perf(m, b);
}

/* Prints one message; returns whether it counts toward "count". */
static bool handle(struct monitor *m, enum ctl_monitor_source s,
		   const struct kalloc_event *e)
{
	switch (e->type) {
	case KALLOC_EVENT_BUFFER_NEW:
	case KALLOC_EVENT_BUFFER_DEL:
	case KALLOC_EVENT_BUFFER_CHECK:
	case KALLOC_EVENT_BUFFER_SET:
		print_buffer_event(m, e);
		break;
	case KALLOC_EVENT_VDEV:
		print_vdev_event(m, e);
		break;
	case KALLOC_EVENT_POLICY_SET:
		print_policy_event(m, &e->policy);
		break;
	case KALLOC_EVENT_STATS:
		print_stats(m, e->stats);
		break;
	case KALLOC_EVENT_PERF:
		print_perf_event(m, &e->perf);
		break;
	case KALLOC_EVENT_OVERRUN:
		m->src[s].overruns++;
		print_overrun(m, s);
		return false;
	default:
		print_other(m, e);
		break;
	}
	m->src[s].received++;
	return true;
}

/*
 * Reads up to max messages of source s, or until none is waiting (then
 * src->dry); returns EXIT_OK or the exit code of a failure. counted:
 * messages count toward "count", and reading stops once it is reached.
 */
static int drain(struct monitor *m, enum ctl_monitor_source s, unsigned int max,
		 bool counted)
{
	struct source *src = &m->src[s];
	struct kalloc_event e;
	struct kalloc_err err;
	unsigned int n;
	int ret;

	for (n = 0; n < max; n++) {
		if (counted && m->stop)
			return EXIT_OK;
		ret = kalloc_events_recv(src->ev, &e, KALLOC_EVENTS_NONBLOCK, &err);
		src->dry = ret == 0;
		if (ret == 0)
			return EXIT_OK;
		if (ret == -EPROTO) {
			src->skipped++;
			print_skipped(m, s, &err);
			continue;
		}
		if (ret < 0)
			return ctl_failed(&err);
		if (handle(m, s, &e) && counted && m->a.count &&
		    ++m->messages >= m->a.count)
			m->stop = true;
		if (e.type == KALLOC_EVENT_OVERRUN && s == CTL_SRC_EVENTS &&
		    (ret = resync(m)))
			return ret;
	}
	return EXIT_OK;
}

/* ---- start and stop --------------------------------------------------- */

static int open_source(struct monitor *m, enum ctl_monitor_source s)
{
	const char *name = source_names[s];
	struct source *src = &m->src[s];
	struct kalloc_err err;

	if (kalloc_events_open(&src->ev, &name, 1, &err) ||
	    kalloc_events_set_rcvbuf(src->ev, m->a.rcvbuf, &src->rcvbuf, &err))
		return ctl_failed(&err);
	src->on = true;
	return EXIT_OK;
}

static void print_start(const struct monitor *m)
{
	size_t rcvbuf = 0;
	int s;

	line_start(m, "start", "MONITOR");
	open_json_array("sources");
	for (s = 0; s < CTL_NSOURCES; s++) {
		if (!m->src[s].on)
			continue;
		print_string(PRINT_ANY, NULL, " %s", source_names[s]);
		rcvbuf = m->src[s].rcvbuf;
	}
	close_json_array();
	print_size(PRINT_ANY, "rcvbuf", ", receive buffer %s", rcvbuf);
	if (m->src[CTL_SRC_PERF].on)
		print_bool(PRINT_ANY, "perf_recording",
			   ", perf recording before: %s",
			   m->start->telemetry.perf_active);
	line_end();
}

/* Blocks SIGINT and SIGTERM into a signalfd; the duration into a timerfd. */
static int open_fds(struct monitor *m)
{
	struct itimerspec its = { 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, &m->oldmask))
		goto fail;
	m->masked = true;
	m->sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (m->sigfd < 0)
		goto fail;
	if (!m->a.duration_ms)
		return EXIT_OK;
	m->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (m->timerfd < 0)
		goto fail;
	its.it_value.tv_sec = (time_t)(m->a.duration_ms / 1000);
	its.it_value.tv_nsec = (long)(m->a.duration_ms % 1000) * 1000000;
	if (timerfd_settime(m->timerfd, 0, &its, NULL))
		goto fail;
	return EXIT_OK;

fail:
	ctl_error("cannot set up signals or the timer: %s", strerror(errno));
	return EXIT_FAILED;
}

static void close_fds(struct monitor *m)
{
	if (m->timerfd >= 0)
		close(m->timerfd);
	if (m->sigfd >= 0)
		close(m->sigfd);
	if (m->masked)
		sigprocmask(SIG_SETMASK, &m->oldmask, NULL);
}

/*
 * The counters before joining: if perf was not recording then, every
 * record it produces from now on is in this monitor's window.
 */
static int start(struct monitor *m)
{
	struct kalloc_err err;
	int s, ret;

	ret = ctl_open(&m->nl);
	if (ret)
		return ret;
	if (kalloc_stats_get(m->nl, NULL, m->start, &err))
		return ctl_failed(&err);
	for (s = 0; s < CTL_NSOURCES; s++) {
		if (m->a.source[s] && (ret = open_source(m, s)))
			return ret;
	}
	ret = open_fds(m);
	if (!ret)
		print_start(m);
	return ret;
}

/* The counters at the end could not be read: the module went away? */
static int end_failed(const struct kalloc_err *err)
{
	ctl_error("cannot read the kernel's counters at the end: %s%s", err->msg,
		  err->code == -ENOENT ? " (was the kalloc module unloaded?)" : "");
	return EXIT_FAILED;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Perf's last drain: the kernel sends what its rings hold before it
 * replies to STATS_GET with PERF_FLUSH; then every queued message is
 * read, and the books are closed (trailing ring drops become gaps).
 */
static int stop_perf(struct monitor *m)
{
	const struct kalloc_perf_gap *gaps;
	struct kalloc_err err;
	uint64_t deadline;
	size_t i, n;
	int ret;

	if (kalloc_stats_flush(m->nl, m->end, &err))
		return end_failed(&err);
	m->have_end = true;
	deadline = now_ms() + LAST_DRAIN_MS;
	do {
		ret = drain(m, CTL_SRC_PERF, BATCH, false);
	} while (!ret && !m->src[CTL_SRC_PERF].dry && now_ms() < deadline);
	if (ret)
		return ret;
	n = kalloc_events_perf_finish(m->src[CTL_SRC_PERF].ev, &gaps);
	for (i = 0; i < n; i++)
		print_gap(m, &gaps[i], true);
	return EXIT_OK;
}

static int stop(struct monitor *m)
{
	struct kalloc_err err;

	if (m->src[CTL_SRC_PERF].on)
		return stop_perf(m);
	if (kalloc_stats_get(m->nl, NULL, m->end, &err))
		return end_failed(&err);
	m->have_end = true;
	return EXIT_OK;
}

/* ---- the summary ------------------------------------------------------ */

static void print_perf_summary(const struct monitor *m)
{
	const struct kalloc_telemetry *a = &m->start->telemetry, *b = &m->end->telemetry;
	struct kalloc_perf_totals t;
	uint64_t produced;

	kalloc_events_perf_totals(m->src[CTL_SRC_PERF].ev, &t);
	print_u64(PRINT_ANY, "received", " received %" PRIu64, t.received);
	print_u64(PRINT_ANY, "lost", " lost %" PRIu64, t.lost);
	print_u64(PRINT_ANY, "ring_dropped", " (ring drops reported %" PRIu64 ")",
		  t.ring_lost);
	print_u64(PRINT_ANY, "messages", " in %" PRIu64 " messages", t.messages);
	print_u64(PRINT_ANY, "overruns", ", overruns %" PRIu64,
		  m->src[CTL_SRC_PERF].overruns);
	if (!m->have_end)
		return;
	produced = b->perf_produced - a->perf_produced;
	print_u64(PRINT_ANY, "produced", "; kernel produced %" PRIu64, produced);
	print_u64(PRINT_ANY, "sent", " sent %" PRIu64, b->perf_sent - a->perf_sent);
	print_u64(PRINT_ANY, "dropped", " dropped %" PRIu64,
		  b->perf_dropped - a->perf_dropped);
	print_u64(PRINT_ANY, "send_failed", " send_failed %" PRIu64,
		  b->perf_send_failed - a->perf_send_failed);
	print_bool(PRINT_JSON, "exact", NULL, !a->perf_active);
	print_s64(PRINT_JSON, "unaccounted", NULL,
		  (int64_t)(produced - t.received - t.lost));
	if (t.received + t.lost == produced) {
		print_string(PRINT_FP, NULL, "%s", "; received + lost = produced");
		return;
	}
	print_s64(PRINT_FP, NULL, "; received + lost != produced: %" PRId64 " unaccounted",
		  (int64_t)(produced - t.received - t.lost));
	print_string(PRINT_FP, NULL, "%s", a->perf_active ?
		     " (perf was recording before this monitor joined)" :
		     " (lost after a CPU's last record, where no seq shows it)");
}

static void print_summary(const struct monitor *m, enum ctl_monitor_source s)
{
	const struct source *src = &m->src[s];

	line_start(m, "summary", "SUMMARY");
	print_string(PRINT_ANY, "source", " %s:", source_names[s]);
	if (s == CTL_SRC_PERF) {
		print_perf_summary(m);
	} else {
		print_u64(PRINT_ANY, "received", " received %" PRIu64, src->received);
		/* No seq: an overrun says messages were lost, not how many. */
		print_u64(PRINT_JSON, "lost", NULL, src->overruns);
	}
	if (s != CTL_SRC_PERF)
		print_u64(PRINT_ANY, "overruns", " overruns %" PRIu64, src->overruns);
	if (s != CTL_SRC_PERF && src->overruns)
		print_u64(PRINT_FP, NULL, " (at least %" PRIu64 " messages lost)",
			  src->overruns);
	if (src->skipped)
		print_u64(PRINT_ANY, "skipped", " skipped %" PRIu64, src->skipped);
	line_end();
}

/* ---- the loop --------------------------------------------------------- */

static int on_signal(struct monitor *m)
{
	struct signalfd_siginfo si;

	if (read(m->sigfd, &si, sizeof(si)) == sizeof(si))
		m->stop = true;
	return EXIT_OK;
}

static int loop(struct monitor *m)
{
	struct pollfd fds[CTL_NSOURCES + 2];
	int src_of[CTL_NSOURCES + 2], n, i, s, ret = EXIT_OK;

	n = 0;
	for (s = 0; s < CTL_NSOURCES; s++) {
		if (!m->src[s].on)
			continue;
		fds[n] = (struct pollfd){ .fd = kalloc_events_fd(m->src[s].ev),
					  .events = POLLIN };
		src_of[n++] = s;
	}
	fds[n] = (struct pollfd){ .fd = m->sigfd, .events = POLLIN };
	src_of[n++] = -1;
	fds[n] = (struct pollfd){ .fd = m->timerfd, .events = POLLIN };
	src_of[n++] = -2;
	while (!m->stop && !ret) {
		if (poll(fds, (nfds_t)n, -1) < 0 && errno != EINTR) {
			ctl_error("poll: %s", strerror(errno));
			return EXIT_FAILED;
		}
		for (i = 0; i < n && !m->stop && !ret; i++) {
			if (!(fds[i].revents & (POLLIN | POLLERR)))
				continue;
			if (src_of[i] >= 0)
				ret = drain(m, src_of[i], BATCH, true);
			else if (src_of[i] == -1)
				ret = on_signal(m);
			else
				m->stop = true;
		}
	}
	return ret;
}

static void monitor_free(struct monitor *m)
{
	int s;

	for (s = 0; s < CTL_NSOURCES; s++)
		kalloc_events_close(m->src[s].ev);
	ctl_close(m->nl);
	free(m->start);
	free(m->end);
}

static int run(struct monitor *m)
{
	int ret, s;

	ret = start(m);
	if (ret)
		return ret;
	ret = loop(m);
	if (!ret)
		ret = stop(m);
	for (s = 0; s < CTL_NSOURCES; s++) {
		if (m->src[s].on)
			print_summary(m, s);
	}
	return ret;
}

static int do_monitor(int argc, char **argv)
{
	struct monitor m = { .sigfd = -1, .timerfd = -1 };
	int ret;

	if (argc == 2 && !strcmp(argv[1], "help")) {
		printf("Usage: kallocctl monitor %s\n\n%s.\n\n%s", CTL_MONITOR_ARGS,
		       ctl_monitor.description, ctl_monitor.notes);
		return EXIT_OK;
	}
	ret = ctl_monitor_parse(argc, argv, &m.a);
	if (ret)
		return ret;
	m.start = calloc(1, sizeof(*m.start));
	m.end = calloc(1, sizeof(*m.end));
	if (!m.start || !m.end) {
		ctl_error("%s", strerror(ENOMEM));
		ret = EXIT_FAILED;
	} else {
		ret = run(&m);
	}
	close_fds(&m);
	monitor_free(&m);
	return ret;
}

static const struct ctl_verb verbs[] = {
	{ "monitor", do_monitor, CTL_MONITOR_ARGS,
	  "one line per message of the events, perf and stats groups" },
};

const struct ctl_object ctl_monitor = {
	.name = "monitor",
	.description = "The kalloc family's multicast groups, as they arrive",
	.verbs = verbs,
	.nverbs = ARRAY_SIZE(verbs),
	.notes =
		"Sources: events (buffers created, deleted, damaged; policy changes; the\n"
		"default), stats (every interval: totals, policies, system metrics) and\n"
		"perf (the per-CPU perf ring's records; needs CAP_NET_ADMIN). count N stops\n"
		"after N messages, duration D after D (10ms, 1.5s, 2m, 1h; a bare number is\n"
		"seconds), SIGINT or SIGTERM at once; a summary per source follows. rcvbuf\n"
		"sets each socket's receive buffer (default 8M; SO_RCVBUFFORCE when\n"
		"permitted). -t prints a timestamp on each line; -j one JSON object a line.\n"
		"Every loss is a line of its own: [LOST] for a socket overrun (events then\n"
		"resynchronise from a buffer dump) and for each gap in a CPU's perf seq.\n",
};
