/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libkalloc: the userspace client library shared by kallocctl and kallocd.
 *
 * nl.c is the only file in userspace that does netlink socket I/O (the
 * WireGuard rule). Each object of the family (buffer, policy, stats,
 * bench, meminfo, perf) has a file lib/obj_<object>.c that builds its
 * requests and parses its replies; obj.h says how they meet nl.c.
 * events.c listens to the multicast groups, through nl.c too.
 *
 * Every call returns 0 or a negative errno and, on failure, fills struct
 * kalloc_err with a one-line, human-readable message: the kernel's
 * extended ACK message (NLMSGERR_ATTR_MSG), the numbers of its cookie
 * (NLMSGERR_ATTR_COOKIE, struct kalloc_cookie) when it has one, and the
 * name of the attribute NLMSGERR_ATTR_OFFS points at when the message
 * does not name it already.
 */
#ifndef KALLOC_LIB_H
#define KALLOC_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kalloc.h>
#include <linux/kalloc_vdev.h>

struct kalloc_err {
	int code;		/* negative errno, 0 if none */
	char msg[256];		/* one line, no trailing newline */
};

/* Longest policy or allocator name, with its NUL ("first-fit", "alloc_pages"). */
#define KALLOC_POLICY_NAME_MAX	16

/* A buffer as BUFFER_GET, BUFFER_NEW and BUFFER_CHECK describe it. */
struct kalloc_buffer_info {
	uint32_t id;
	char name[KALLOC_NAME_MAX];
	uint64_t size;
	char allocator[16];		/* "kmalloc" or "vmalloc" */
	uint32_t policy;		/* enum kalloc_policy; 0 if not said */
	char policy_name[KALLOC_POLICY_NAME_MAX];
	char owner[KALLOC_OWNER_MAX];	/* "" when untagged */
	uint32_t flags;			/* KALLOC_BUFFER_F_* */
	uint32_t portid;		/* owning socket, with F_SOCKET */
	uint32_t guards;		/* KALLOC_GUARD_* found damaged */
	uint32_t reason;		/* enum kalloc_del_reason: BUFFER_DEL
					 * events only; 0 otherwise */
};

/*
 * What BUFFER_NEW asks for. Here and in every call below, an optional
 * attribute is a pointer: NULL leaves the attribute out, and any value,
 * 0 included, is sent as it is, so that the kernel, not the library,
 * refuses what it does not accept.
 */
struct kalloc_buffer_spec {
	const char *name;
	uint64_t size;
	const uint32_t *policy;	/* NULL: the active policy */
	const char *owner;	/* NULL: untagged */
	uint32_t flags;		/* KALLOC_BUFFER_F_*; 0: attribute left out */
};

/* A policy as POLICY_GET describes it. */
struct kalloc_policy_info {
	uint32_t id;			/* enum kalloc_policy */
	char name[KALLOC_POLICY_NAME_MAX];
	bool active;
	uint32_t buffers;
	uint64_t arena_bytes;
	uint64_t arena_limit;		/* 0: none (kmalloc) */
};

/* The reply of POLICY_SET. */
struct kalloc_policy_change {
	struct kalloc_policy_info active;	/* the policy now active */
	uint32_t previous;			/* the one active before */
	bool changed;
	uint32_t migrated;
	uint32_t unmoved;
};

/* One policy's part of STATS_GET. */
struct kalloc_pstats {
	uint32_t policy;
	char name[KALLOC_POLICY_NAME_MAX];
	uint64_t allocs, frees, failures;
	uint64_t live_buffers, live_bytes, peak_bytes;
	uint64_t footprint_bytes, arena_bytes;
	uint32_t frag_internal;		/* hundredths of a percent */
	uint32_t frag_external;		/* hundredths of a percent */
	uint64_t canary_violations;
	/* Bucket i: see KALLOC_CMD_STATS_GET in the uapi header. */
	uint64_t alloc_latency[KALLOC_LATENCY_BUCKETS];
	uint64_t free_latency[KALLOC_LATENCY_BUCKETS];
};

/* Policies a STATS_GET reply may describe; more are not kept. */
#define KALLOC_STATS_POLICIES_MAX	16

/*
 * The telemetry counters of STATS_GET (see "KALLOC_CMD_STATS_GET" and
 * "The perf ring" in the uapi header): u64 counts since load, summed over
 * CPUs. present is false for a module older than the telemetry contract,
 * which sends none of them.
 */
struct kalloc_telemetry {
	bool present;
	uint32_t interval_ms;		/* the stats group's interval */
	bool perf_active;		/* records are being produced */
	uint32_t perf_ring;		/* records per CPU ring */
	uint64_t perf_produced, perf_dropped, perf_sent, perf_send_failed;
	uint64_t stats_sent, stats_send_failed;	/* messages */
	uint64_t events_sent, events_send_failed;	/* messages */
};

/* Orders of free blocks kept per zone (x86_64 has 11); more are not kept. */
#define KALLOC_ZONE_ORDERS_MAX	32
/* Zones a reply may describe; more are not kept. */
#define KALLOC_ZONES_MAX	32

/*
 * One populated zone of one node (enum kalloc_zone_attr), in pages.
 * MEMINFO_GET says everything; a stats group message only node, name,
 * free and free_area, and full is false there.
 */
struct kalloc_zone {
	uint32_t node;
	char name[16];			/* "DMA", "DMA32", "Normal", ... */
	bool full;
	uint64_t spanned, present, managed, free;
	uint64_t wmark_min, wmark_low, wmark_high;
	unsigned int norders;		/* entries of free_area that came */
	uint64_t free_area[KALLOC_ZONE_ORDERS_MAX];	/* free blocks by order */
};

/* The system metrics of a stats group message (KALLOC_STATS_A_SYSTEM). */
struct kalloc_system {
	bool present;
	uint64_t pgfault, pgmajfault, pgalloc, pgfree, allocstall;
	uint64_t compact_stall, compact_fail, compact_success;
	size_t nzones;
	struct kalloc_zone zones[KALLOC_ZONES_MAX];
};

struct kalloc_stats {
	uint64_t budget_used, budget_limit;
	uint32_t buffers, buffers_max;
	size_t npolicies;
	struct kalloc_pstats policies[KALLOC_STATS_POLICIES_MAX];
	struct kalloc_telemetry telemetry;
	struct kalloc_system system;	/* stats group messages only */
};

/* Segments of the virtual layout a MEMINFO_GET reply may list. */
#define KALLOC_SEGMENTS_MAX	16

/* One segment of the kernel's virtual address space. */
struct kalloc_segment {
	char name[32];			/* "modules", "kernel image", ... */
	uint64_t size;			/* bytes */
	bool has_range;			/* start and end came: addresses shown */
	uint64_t start, end;		/* end exclusive */
};

/*
 * MEMINFO_GET: physical memory and the virtual layout. Where the kernel
 * left an attribute out (addresses for a caller who may not see them,
 * a layout it does not know) the has_* flag is false: nothing is made up.
 */
struct kalloc_meminfo {
	uint32_t page_size;
	uint64_t total_pages, free_pages;
	size_t nzones;
	struct kalloc_zone zones[KALLOC_ZONES_MAX];
	bool has_task_size;
	uint64_t task_size;		/* the user/kernel split, bytes */
	size_t nsegments;		/* top of the address space down */
	struct kalloc_segment segments[KALLOC_SEGMENTS_MAX];
	bool addresses;			/* the reply carries addresses */
	bool has_kaslr;
	bool kaslr;			/* text or memory layout randomised */
	bool has_kaslr_offset;
	uint64_t kaslr_offset;		/* how far the text moved */
};

/* One allocator's result in one scenario of BENCH_RUN. */
struct kalloc_bench_result {
	uint32_t scenario;			/* enum kalloc_bench_scenario */
	char allocator[KALLOC_POLICY_NAME_MAX];	/* policy name or "alloc_pages" */
	uint32_t policy;			/* 0 for alloc_pages */
	uint64_t ops, failures, ns, cycles, p50_ps, p99_ps;
	bool perf;				/* the pass with perf records */
	uint64_t records;			/* perf records it produced */
};

/* Results a BENCH_RUN reply may carry; more are not kept. */
#define KALLOC_BENCH_RESULTS_MAX	128

struct kalloc_bench {
	size_t n;
	struct kalloc_bench_result results[KALLOC_BENCH_RESULTS_MAX];
};

/* A virtual device as VDEV_GET describes it (one consistent snapshot). */
struct kalloc_vdev_info {
	uint32_t id;
	char name[KALLOC_NAME_MAX];
	char owner[KALLOC_OWNER_MAX];	/* "" when untagged */
	uint32_t minor;
	uint32_t size;			/* window bytes */
	uint32_t open_files;
	uint32_t status;		/* KALLOC_VDEV_STATUS_* */
	uint32_t control;		/* KALLOC_VDEV_CONTROL_* */
	uint64_t timer_ns;		/* 0: no period set */
	uint64_t irq_count, irq_unacked;
	uint64_t dma_completed, dma_failed;
	/* The last transfer; dma_seq 0: none since creation or RESET. */
	uint64_t dma_seq;
	uint32_t dma_direction;		/* enum kalloc_vdev_dma_dir */
	uint32_t dma_buffer;		/* buffer id */
	uint64_t dma_offset;
	uint32_t dma_dev_offset;
	uint32_t dma_length;
	uint32_t dma_bytes;
	uint32_t dma_error;		/* positive errno, 0 if none */
};

/* What VDEV_NEW is to create. */
struct kalloc_vdev_spec {
	const char *name;
	uint32_t size;		/* window bytes; 0: the kernel's default */
	uint64_t timer_ns;	/* 0: no timer */
	const char *owner;	/* NULL: untagged */
};

/* What VDEV_SET writes: control bits under mask, and/or a timer period. */
struct kalloc_vdev_settings {
	bool has_control;
	uint32_t control, mask;
	uint64_t timer_ns;	/* 0: leave the period */
};

/* One VDEV_DMA request. */
struct kalloc_vdev_dma_spec {
	const char *device;
	uint32_t direction;	/* enum kalloc_vdev_dma_dir */
	const char *buffer;	/* by name */
	uint64_t offset;	/* in the buffer */
	uint32_t dev_offset;	/* in the window */
	uint32_t length;	/* 0: as much as fits */
	bool wait;		/* reply when the transfer has ended */
};

/* Fills err (may be NULL) with code and a one-line message; returns code. */
int kalloc_set_err(struct kalloc_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void kalloc_clear_err(struct kalloc_err *err);

struct kalloc_nl;

/* Opens a generic netlink socket and resolves the "kalloc" family. */
int kalloc_nl_open(struct kalloc_nl **nlp, struct kalloc_err *err);
void kalloc_nl_close(struct kalloc_nl *nl);
/*
 * One bare CTRL_CMD_GETFAMILY round trip for the "kalloc" family: the
 * cheapest request generic netlink answers, the yardstick of
 * "kallocctl bench netlink".
 */
int kalloc_nl_getfamily(struct kalloc_nl *nl, struct kalloc_err *err);

/*
 * A receive timeout for every later request on nl (0: none): a request
 * whose answer takes longer fails with -EAGAIN. The socket is then
 * out of step with the kernel (the late answer may still come): close it.
 */
int kalloc_nl_set_timeout(struct kalloc_nl *nl, unsigned int ms,
			  struct kalloc_err *err);

/*
 * The family's comings and goings (family.c). kalloc_family_present()
 * says 1 or 0 from a controller dump, which, unlike kalloc_nl_open()'s
 * lookup by name, never autoloads the module. A famwatch is a
 * non-blocking socket on the controller's "notify" group for an event
 * loop: when its fd is readable, kalloc_famwatch_read() says what came.
 */
#define KALLOC_FAMILY_NEW	0x1	/* the family was registered */
#define KALLOC_FAMILY_DEL	0x2	/* the family went away */
#define KALLOC_FAMILY_LOST	0x4	/* notifications were lost: look */

struct kalloc_famwatch;

int kalloc_family_present(struct kalloc_err *err);
int kalloc_famwatch_open(struct kalloc_famwatch **fw, struct kalloc_err *err);
int kalloc_famwatch_fd(const struct kalloc_famwatch *fw);
int kalloc_famwatch_read(struct kalloc_famwatch *fw, int *events,
			 struct kalloc_err *err);
void kalloc_famwatch_close(struct kalloc_famwatch *fw);

/*
 * Buffers. A buffer is selected by name (name != NULL) or else by id.
 * out may be NULL where the caller does not want the reply.
 */
int kalloc_buffer_new(struct kalloc_nl *nl, const struct kalloc_buffer_spec *spec,
		      struct kalloc_buffer_info *out, struct kalloc_err *err);
int kalloc_buffer_del(struct kalloc_nl *nl, const char *name, uint32_t id,
		      struct kalloc_err *err);
int kalloc_buffer_get(struct kalloc_nl *nl, const char *name, uint32_t id,
		      struct kalloc_buffer_info *out, struct kalloc_err *err);
/*
 * BUFFER_GET as a dump. *bufs is a malloc()ed array of *n buffers in id
 * order, to be free()d by the caller. A dump interrupted by a concurrent
 * change (NLM_F_DUMP_INTR) is retried a few times.
 */
int kalloc_buffer_list(struct kalloc_nl *nl, struct kalloc_buffer_info **bufs,
		       size_t *n, struct kalloc_err *err);
/* BUFFER_CHECK of one buffer (do), or of all of them (dump, as list). */
int kalloc_buffer_check(struct kalloc_nl *nl, const char *name, uint32_t id,
			struct kalloc_buffer_info *out, struct kalloc_err *err);
int kalloc_buffer_check_all(struct kalloc_nl *nl,
			    struct kalloc_buffer_info **bufs, size_t *n,
			    struct kalloc_err *err);
/*
 * BUFFER_SET: a new size, a new policy or both (NULL leaves one as it is),
 * in place, contents kept; out (may be NULL) describes the buffer after.
 */
int kalloc_buffer_set(struct kalloc_nl *nl, const char *name, uint32_t id,
		      const uint64_t *size, const uint32_t *policy,
		      struct kalloc_buffer_info *out, struct kalloc_err *err);
/* BUFFER_FLUSH: deletes every buffer tagged owner; *count says how many. */
int kalloc_buffer_flush(struct kalloc_nl *nl, const char *owner,
			uint32_t *count, struct kalloc_err *err);
/*
 * One BUFFER_READ from offset into buf, which holds cap bytes; *got says
 * how many came. len NULL leaves the attribute out (the kernel reads up to
 * the end, at most KALLOC_IO_MAX); any *len, 0 included, is sent as it is.
 */
int kalloc_buffer_read(struct kalloc_nl *nl, const char *name, uint64_t offset,
		       const uint32_t *len, void *buf, size_t cap, size_t *got,
		       struct kalloc_err *err);
/* One BUFFER_WRITE of len bytes (at most KALLOC_IO_MAX) at offset. */
int kalloc_buffer_write(struct kalloc_nl *nl, const char *name,
			uint64_t offset, const void *data, size_t len,
			struct kalloc_err *err);

/* POLICY_GET of policy *id; id NULL: the active one. */
int kalloc_policy_get(struct kalloc_nl *nl, const uint32_t *id,
		      struct kalloc_policy_info *out, struct kalloc_err *err);
/* POLICY_GET as a dump: *v is malloc()ed, in number order. */
int kalloc_policy_list(struct kalloc_nl *nl, struct kalloc_policy_info **v,
		       size_t *n, struct kalloc_err *err);
/* POLICY_SET id; with migrate, from (0: every other policy) too. */
int kalloc_policy_set(struct kalloc_nl *nl, uint32_t id, bool migrate,
		      uint32_t from, struct kalloc_policy_change *out,
		      struct kalloc_err *err);

/* VDEV_NEW; out (may be NULL) describes the new device. */
int kalloc_vdev_new(struct kalloc_nl *nl, const struct kalloc_vdev_spec *spec,
		    struct kalloc_vdev_info *out, struct kalloc_err *err);
int kalloc_vdev_del(struct kalloc_nl *nl, const char *name,
		    struct kalloc_err *err);
int kalloc_vdev_get(struct kalloc_nl *nl, const char *name,
		    struct kalloc_vdev_info *out, struct kalloc_err *err);
/* VDEV_GET as a dump: *v is malloc()ed, in creation order. */
int kalloc_vdev_list(struct kalloc_nl *nl, struct kalloc_vdev_info **v,
		     size_t *n, struct kalloc_err *err);
/* VDEV_SET; out (may be NULL) describes the device afterwards. */
int kalloc_vdev_set(struct kalloc_nl *nl, const char *name,
		    const struct kalloc_vdev_settings *s,
		    struct kalloc_vdev_info *out, struct kalloc_err *err);
int kalloc_vdev_irq(struct kalloc_nl *nl, const char *name,
		    struct kalloc_err *err);
/* VDEV_DMA; out describes the device as the transfer started or ended. */
int kalloc_vdev_dma(struct kalloc_nl *nl, const struct kalloc_vdev_dma_spec *d,
		    struct kalloc_vdev_info *out, struct kalloc_err *err);

/* STATS_GET; policy NULL: every policy. */
int kalloc_stats_get(struct kalloc_nl *nl, const uint32_t *policy,
		     struct kalloc_stats *out, struct kalloc_err *err);
/*
 * STATS_GET with KALLOC_STATS_A_PERF_FLUSH: the kernel first drains the
 * perf rings and sends every record produced so far, then replies, so
 * that the perf counters are final (what a perf listener reads when it
 * stops; then it drains its own socket).
 */
int kalloc_stats_flush(struct kalloc_nl *nl, struct kalloc_stats *out,
		       struct kalloc_err *err);
/* STATS_SET: the stats group's interval; any value goes to the kernel. */
int kalloc_stats_set_interval(struct kalloc_nl *nl, uint32_t ms,
			      struct kalloc_err *err);

/* MEMINFO_GET. */
int kalloc_meminfo_get(struct kalloc_nl *nl, struct kalloc_meminfo *out,
		       struct kalloc_err *err);

/*
 * BENCH_RUN; scenario NULL: all of them; ops NULL: the kernel's default.
 * kalloc_bench_run_perf() sets KALLOC_BENCH_A_PERF: every allocator runs
 * twice, without and with perf records (which only a perf listener makes
 * the kernel produce).
 */
int kalloc_bench_run(struct kalloc_nl *nl, const uint32_t *scenario,
		     const uint32_t *ops, struct kalloc_bench *out,
		     struct kalloc_err *err);
int kalloc_bench_run_perf(struct kalloc_nl *nl, const uint32_t *scenario,
			  const uint32_t *ops, struct kalloc_bench *out,
			  struct kalloc_err *err);

/*
 * Notifications (events.c): listening to the family's multicast groups,
 * KALLOC_MCGRP_EVENTS ("events"), KALLOC_MCGRP_STATS ("stats") and
 * KALLOC_MCGRP_PERF ("perf"); see "Notifications" and "The perf ring" in
 * the uapi header.
 *
 *	const char *groups[] = { KALLOC_MCGRP_EVENTS };
 *	struct kalloc_events *ev;
 *	struct kalloc_event e;
 *
 *	kalloc_events_open(&ev, groups, 1, &err);
 *	// poll or epoll kalloc_events_fd(ev) for input, then:
 *	while (kalloc_events_recv(ev, &e, KALLOC_EVENTS_NONBLOCK, &err) > 0)
 *		handle(&e);
 *	kalloc_events_close(ev);
 *
 * kalloc_events_open() opens a socket of its own (never use it for
 * requests: open a struct kalloc_nl beside it) and joins the groups named
 * in groups[0 .. ngroups), 1 to 8 of them. Errors: -ENOENT when the kalloc
 * family is not there (as kalloc_nl_open()) or has no group of that name
 * (the message names it); -EPERM joining "perf" without CAP_NET_ADMIN
 * ("joining the kalloc group "perf" needs CAP_NET_ADMIN").
 *
 * kalloc_events_set_rcvbuf() asks for a receive buffer of bytes: with
 * SO_RCVBUFFORCE when the caller may (CAP_NET_ADMIN), else SO_RCVBUF, which
 * the kernel caps at net.core.rmem_max; *effective (may be NULL) is what
 * the kernel set, twice what was asked (its bookkeeping share). A socket
 * whose buffer is full loses the messages sent to it meanwhile.
 *
 * kalloc_events_recv() hands out the next message: 1 with *out filled, 0
 * when none is waiting (only with KALLOC_EVENTS_NONBLOCK; otherwise it
 * blocks), or a negative errno: -EINTR for a signal, -EPROTO for a
 * malformed message, which is skipped (call again), others from the
 * socket. What *out points into (stats, perf records, gaps, raw) stays
 * valid until the next call on ev. An overrun (ENOBUFS: the kernel
 * dropped messages for this socket) is an event of its own,
 * KALLOC_EVENT_OVERRUN, handed out where the kernel reported it; which
 * messages were lost the socket does not say: for "events" a client
 * resynchronises by listing the buffers, for "perf" the seq gaps that
 * follow count the lost records.
 */
#define KALLOC_EVENTS_NONBLOCK	0x1U

enum kalloc_event_type {
	KALLOC_EVENT_BUFFER_NEW = 1,	/* buffer: a buffer was created */
	KALLOC_EVENT_BUFFER_DEL,	/* buffer: deleted, buffer.reason why */
	KALLOC_EVENT_BUFFER_CHECK,	/* buffer: damaged guards found */
	KALLOC_EVENT_POLICY_SET,	/* policy: the active policy changed */
	KALLOC_EVENT_STATS,		/* stats: the periodic message */
	KALLOC_EVENT_PERF,		/* perf: a batch of one CPU's records */
	KALLOC_EVENT_OVERRUN,		/* the socket overran: messages lost */
	KALLOC_EVENT_OTHER,		/* a command this library does not know */
	KALLOC_EVENT_BUFFER_SET,	/* buffer: resized or moved */
	KALLOC_EVENT_VDEV,		/* vdev: cmd says which (VDEV_NEW, ...) */
};

/* Records one CPU lost: seqs first_seq .. first_seq + count - 1. */
struct kalloc_perf_gap {
	uint32_t cpu;
	uint64_t first_seq;
	uint64_t count;
};

/*
 * A perf group message. records holds count records in seq order, each
 * read from the message as far as this header's struct goes (a newer
 * kernel's longer records parse; fields an older one lacks are 0). gaps
 * are the losses this message revealed on its CPU: a jump in seq, ring
 * drops and refused messages alike; lost is the message's
 * KALLOC_PERF_A_LOST, the ring drops since that CPU's previous message.
 */
struct kalloc_perf_batch {
	uint32_t cpu;
	uint64_t first_seq;
	uint32_t count;
	uint64_t lost;
	uint32_t record_size;		/* as the kernel sent them */
	const struct kalloc_perf_record *records;
	size_t ngaps;
	const struct kalloc_perf_gap *gaps;
};

/* Perf accounting since the handle opened, per CPU or summed. */
struct kalloc_perf_totals {
	uint64_t messages;
	uint64_t received;	/* records */
	uint64_t lost;		/* records missing by seq: every gap */
	uint64_t ring_lost;	/* of those, ring drops reported (sum of LOST) */
};

struct kalloc_event {
	enum kalloc_event_type type;
	uint8_t cmd;		/* the message's command; 0 for an overrun */
	const char *group;	/* the group it came to; NULL for an overrun */
	union {
		struct kalloc_buffer_info buffer;	/* BUFFER_* */
		struct kalloc_vdev_info vdev;		/* VDEV */
		struct kalloc_policy_change policy;	/* POLICY_SET */
		const struct kalloc_stats *stats;	/* STATS */
		struct kalloc_perf_batch perf;		/* PERF */
		struct {				/* OTHER */
			const void *data;	/* the netlink message */
			size_t len;
		} raw;
	};
};

struct kalloc_events;

int kalloc_events_open(struct kalloc_events **evp, const char *const *groups,
		       size_t ngroups, struct kalloc_err *err);
void kalloc_events_close(struct kalloc_events *ev);
int kalloc_events_fd(const struct kalloc_events *ev);
int kalloc_events_set_rcvbuf(struct kalloc_events *ev, size_t bytes,
			     size_t *effective, struct kalloc_err *err);
int kalloc_events_recv(struct kalloc_events *ev, struct kalloc_event *out,
		       unsigned int flags, struct kalloc_err *err);

/*
 * Perf loss accounting (see "The perf ring" in the uapi header). Each CPU
 * numbers its records, and a lost record's number is used all the same:
 * every jump in one CPU's seq is a gap, handed out with the message that
 * reveals it. Accounting starts with the first message from each CPU.
 * Ring drops after a CPU's last record have no later record to reveal
 * them; LOST reports them (in the last message, or in one without records
 * whose first_seq is that CPU's next number). They count once
 * kalloc_events_perf_finish() closes the books, after the caller's last
 * drain (STATS_GET with KALLOC_STATS_A_PERF_FLUSH, kalloc_stats_flush(),
 * then every message still queued), and come back as gaps in *gaps (valid
 * until the next call on ev). A message refused after a CPU's last
 * received record leaves no trace on the socket but its overrun: only
 * the kernel's counters (produced = dropped + sent + send_failed) can
 * tell how many records it held.
 */
size_t kalloc_events_perf_finish(struct kalloc_events *ev,
				 const struct kalloc_perf_gap **gaps);
void kalloc_events_perf_totals(const struct kalloc_events *ev,
			       struct kalloc_perf_totals *t);
/* One past the highest CPU heard from; that CPU's books, false if unheard. */
size_t kalloc_events_perf_cpus(const struct kalloc_events *ev);
bool kalloc_events_perf_cpu(const struct kalloc_events *ev, uint32_t cpu,
			    struct kalloc_perf_totals *t);

/*
 * Chunked buffer I/O (io.c): transfers of any length as requests of at
 * most KALLOC_IO_MAX bytes. kalloc_io_plan() is the pure part: how many
 * requests a range takes and where chunk i lies. A range the buffer
 * cannot hold (past its end, or wrapping) first sends, as a probe, the
 * chunk that crosses the end, so that the kernel refuses it, with its own
 * message, before any byte moves; should the probe succeed after all (the
 * buffer was recreated bigger meanwhile), every chunk follows in order
 * (a read drops the probe's data, a write writes the same bytes again).
 */
struct kalloc_io_plan {
	uint64_t offset;	/* of the whole range */
	uint64_t len;		/* of the whole range */
	size_t nchunks;
	bool probe;		/* send chunk probe_chunk first */
	size_t probe_chunk;
};

struct kalloc_io_chunk {
	uint64_t offset;	/* wraps, like the range, when it does */
	uint32_t len;
};

void kalloc_io_plan(uint64_t offset, uint64_t len, uint64_t size,
		    struct kalloc_io_plan *p);
/* Chunk i of the range, in buffer order. */
void kalloc_io_chunk(const struct kalloc_io_plan *p, size_t i,
		     struct kalloc_io_chunk *c);

/* Receives each chunk read, in buffer order; non-zero stops the read. */
typedef int (*kalloc_io_sink_t)(void *ctx, uint64_t offset, const void *data,
				size_t len);
/*
 * Reads [offset, offset + len) of buffer name, whose size is size, in
 * chunks; returns 0 or a negative errno, *done the bytes delivered.
 */
int kalloc_buffer_read_range(struct kalloc_nl *nl, const char *name,
			     uint64_t size, uint64_t offset, uint64_t len,
			     kalloc_io_sink_t sink, void *ctx, uint64_t *done,
			     struct kalloc_err *err);
/* Writes data[0 .. len) at offset of buffer name (of size size) in chunks. */
int kalloc_buffer_write_range(struct kalloc_nl *nl, const char *name,
			      uint64_t size, uint64_t offset, const void *data,
			      uint64_t len, uint64_t *done,
			      struct kalloc_err *err);

/*
 * Sizes as people write them: "1024", "4K", "1M", "2G" (powers of 1024;
 * "4KiB" and "4k" are accepted too). Returns 0, -EINVAL for text that is
 * not a size, or -ERANGE for a value that does not fit in 64 bits. Whether
 * the value is an acceptable buffer size (0, over the maximum or the
 * budget) is the kernel's to say: kallocctl passes it through. The same
 * grammar serves offsets and lengths.
 */
int kalloc_parse_size(const char *s, uint64_t *out);
/* A plain decimal number of at most max: 0, -EINVAL or -ERANGE. */
int kalloc_parse_uint(const char *s, uint64_t max, uint64_t *out);
/* Formats bytes exactly, in a form kalloc_parse_size takes back: "1000", "4K", "1536K". */
const char *kalloc_format_size(uint64_t bytes, char *buf, size_t len);
/*
 * Rounded for people, "1.5G", "128T" (tenths below 10 units): only for
 * displays nobody gives back to alloc (meminfo's diagram of the address
 * space), never for a buffer's size.
 */
const char *kalloc_format_size_approx(uint64_t bytes, char *buf, size_t len);

/*
 * Durations (duration.c): "100us", "10ms", "1s", "2m", "1h", "1.5s" (units
 * ns, us, ms, s, m, h); a bare number is seconds. Into milliseconds, or
 * nanoseconds with _ns: 0, -EINVAL for text that is not a duration or not
 * a whole number of the result's unit, -ERANGE past 64 bits of it.
 * kalloc_format_duration() writes the largest exact unit: "1h", "1500ms".
 */
int kalloc_parse_duration(const char *s, uint64_t *ms);
int kalloc_parse_duration_ns(const char *s, uint64_t *ns);
const char *kalloc_format_duration(uint64_t ms, char *buf, size_t len);

/* 0 if name is a valid buffer name (see the uapi header), else -EINVAL/-ERANGE. */
int kalloc_check_name(const char *name, const char **why);
/* The same for an owner tag (1 to KALLOC_OWNER_MAX - 1 bytes). */
int kalloc_check_owner(const char *owner, const char **why);

/*
 * Policy names (include/kalloc/policy.h): the name of id, or NULL; and the
 * number of a name, or 0. kalloc_policy_parse() takes a name or a decimal
 * number; a number is passed through unchecked (the kernel refuses those
 * it does not know), an unknown name is -EINVAL. kalloc_policy_names()
 * lists the names as "kmalloc, buddy, ... or tlsf" for messages.
 */
const char *kalloc_policy_name_of(uint32_t id);
uint32_t kalloc_policy_by_name(const char *name);
int kalloc_policy_parse(const char *s, uint32_t *id);
const char *kalloc_policy_names(char *buf, size_t len);

/* The same for benchmark scenarios (enum kalloc_bench_scenario). */
const char *kalloc_bench_scenario_name(uint32_t id);
int kalloc_bench_scenario_parse(const char *s, uint32_t *id);
const char *kalloc_bench_scenario_names(char *buf, size_t len);

/* Why a buffer was deleted (enum kalloc_del_reason), or NULL. */
const char *kalloc_del_reason_name(uint32_t reason);
/* What a perf record is about (enum kalloc_perf_type): "alloc", ..., or NULL. */
const char *kalloc_perf_type_name(uint32_t type);

#endif /* KALLOC_LIB_H */
