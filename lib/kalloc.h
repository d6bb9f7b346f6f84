/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libkalloc: the userspace client library shared by kallocctl and kallocd.
 *
 * nl.c is the only file in userspace that does netlink socket I/O (the
 * WireGuard rule). Each object of the family (buffer, policy, stats,
 * bench) has a file lib/obj_<object>.c that builds its requests and
 * parses its replies; obj.h says how they meet nl.c.
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

struct kalloc_stats {
	uint64_t budget_used, budget_limit;
	uint32_t buffers, buffers_max;
	size_t npolicies;
	struct kalloc_pstats policies[KALLOC_STATS_POLICIES_MAX];
};

/* One allocator's result in one scenario of BENCH_RUN. */
struct kalloc_bench_result {
	uint32_t scenario;			/* enum kalloc_bench_scenario */
	char allocator[KALLOC_POLICY_NAME_MAX];	/* policy name or "alloc_pages" */
	uint32_t policy;			/* 0 for alloc_pages */
	uint64_t ops, failures, ns, cycles, p50_ps, p99_ps;
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

/* BENCH_RUN; scenario NULL: all of them; ops NULL: the kernel's default. */
int kalloc_bench_run(struct kalloc_nl *nl, const uint32_t *scenario,
		     const uint32_t *ops, struct kalloc_bench *out,
		     struct kalloc_err *err);

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

#endif /* KALLOC_LIB_H */
