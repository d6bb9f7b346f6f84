/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * kmodel: a small kalloc client for the gauntlet's semantic campaigns
 * (fault injection, stress, lifecycle, sockets), written from
 * include/uapi/linux/kalloc.h on top of gnl. Unlike the fuzzer, these
 * campaigns know what each command means: they check that the kernel's
 * state and counters are what the requests made them.
 *
 * The state of the module (kc_snapshot) is everything a request can
 * change that a client can see: every buffer (id, name, size, policy,
 * owner, flags, guards and, optionally, a hash of its contents), the
 * active policy, each policy's buffer count and arena size, the budget
 * in use, and every virtual device (kc_vdev: what VDEV_GET says of it).
 */
#ifndef GAUNTLET_KMODEL_H
#define GAUNTLET_KMODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/kalloc.h>
#include <linux/kalloc_vdev.h>

#include "gnl.h"

struct kc {
	struct gnl_sock s;
	uint16_t fam;
	uint32_t version;
	uint32_t grp_events, grp_stats, grp_perf;
	struct gnl_family family;
};

int kc_open(struct kc *c, int timeout_ms);
void kc_close(struct kc *c);
bool kc_has_cmd(struct kc *c, uint8_t cmd);
void kc_msg(const struct kc *c, struct gnl_msg *m, uint8_t cmd, uint16_t flags);
/* Sends m and waits for its answer: 0, the kernel's -errno, or -ETIMEDOUT... */
int kc_req(struct kc *c, struct gnl_msg *m, struct gnl_reply *r);

struct kc_buf {
	uint32_t id;
	char name[KALLOC_NAME_MAX];
	uint64_t size;
	uint32_t policy;
	char owner[KALLOC_OWNER_MAX];
	uint32_t flags, portid, guards;
	char allocator[16];
	uint64_t hash;		/* FNV-1a of the contents, with contents */
};

/* Parses a buffer message (BUFFER_NEW/GET/DEL/CHECK). */
void kc_parse_buf(const struct nlmsghdr *n, struct kc_buf *b);

int kc_buffer_new(struct kc *c, const char *name, uint64_t size, uint32_t policy,
		  const char *owner, uint32_t flags, struct kc_buf *out,
		  struct gnl_reply *r);
int kc_buffer_del(struct kc *c, uint32_t id, const char *name, struct gnl_reply *r);
/* BUFFER_SET: size and/or policy (0: leave it); out: the buffer after. */
int kc_buffer_set(struct kc *c, uint32_t id, const char *name, uint64_t size,
		  uint32_t policy, struct kc_buf *out, struct gnl_reply *r);
int kc_buffer_write(struct kc *c, uint32_t id, uint64_t off, const void *data,
		    uint32_t len, struct gnl_reply *r);
/* Reads len bytes into out; returns 0 or -errno. */
int kc_buffer_read(struct kc *c, uint32_t id, uint64_t off, uint32_t len,
		   void *out, struct gnl_reply *r);
int kc_buffer_flush(struct kc *c, const char *owner, uint32_t *count,
		    struct gnl_reply *r);
/* Every buffer, by dump (retried on NLM_F_DUMP_INTR). */
int kc_buffers(struct kc *c, struct kc_buf **list, int *n);

struct kc_vdev {
	uint32_t id;
	char name[KALLOC_NAME_MAX];
	char owner[KALLOC_OWNER_MAX];
	uint32_t size, open_files, status, control;
	uint64_t timer_ns, irq_count, irq_unacked, dma_completed, dma_failed;
	uint64_t dma_seq;	/* the last transfer's (0: none since a RESET) */
	uint32_t dma_direction, dma_length, dma_bytes, dma_error;
	uint32_t dma_buffer, dma_dev_offset;	/* a VDEV_DMA reply's */
	uint64_t dma_offset;
};

/* Parses a device message (VDEV_NEW/GET/SET/DMA). */
void kc_parse_vdev(const struct nlmsghdr *n, struct kc_vdev *v);
int kc_vdev_new(struct kc *c, const char *name, uint32_t size, const char *owner,
		struct gnl_reply *r);
int kc_vdev_del(struct kc *c, const char *name, struct gnl_reply *r);
/* Every device, by dump (retried on NLM_F_DUMP_INTR). */
int kc_vdevs(struct kc *c, struct kc_vdev **list, int *n);

struct kc_policy_set {
	uint32_t active, previous, migrated, unmoved;
	bool changed;
};
int kc_policy_set(struct kc *c, uint32_t id, bool migrate, uint32_t from,
		  struct kc_policy_set *out, struct gnl_reply *r);

struct kc_pstats {
	uint64_t allocs, frees, failures, live_buffers, live_bytes;
	uint64_t arena_bytes, canary;
};

struct kc_stats {
	uint64_t budget_used, budget_limit;
	uint32_t buffers, buffers_max;
	uint64_t perf_produced, perf_dropped, perf_sent, perf_send_failed;
	uint64_t events_sent, events_failed, stats_sent, stats_failed;
	struct kc_pstats p[KALLOC_POLICY_MAX + 1];
};
int kc_stats(struct kc *c, bool perf_flush, struct kc_stats *st, struct gnl_reply *r);

struct kc_policy {
	uint32_t id;
	char name[16];
	bool active;
	uint32_t buffers;
	uint64_t arena_bytes, arena_limit;
};

struct kc_state {
	int nbuf;
	struct kc_buf *buf;
	uint32_t active;
	struct kc_policy policy[KALLOC_POLICY_MAX + 1];
	uint64_t budget_used;
	uint32_t buffers;
	int nvdev;
	struct kc_vdev *vdev;
};

int kc_policies(struct kc *c, struct kc_policy *p /* [KALLOC_POLICY_MAX + 1] */);
/* Everything visible; with contents, a hash of each buffer's bytes (root). */
int kc_snapshot(struct kc *c, struct kc_state *st, bool contents);
void kc_state_free(struct kc_state *st);
/*
 * Compares two states; ids of buffers that exist in both must match.
 * Writes the first difference into why. Returns 0 if equal.
 * With ignore_arena, the arena sizes (which a policy keeps once taken)
 * are not compared. Devices compare by name, with every register and
 * counter of VDEV_GET, but what changes on its own: with TIMER_ENABLE in
 * the first state, the interrupt counters and IRQ_PENDING (the timer
 * raises interrupts); with BUSY, the transfer's registers and counters
 * (a transfer in flight ends by itself, and raises an interrupt).
 */
int kc_state_cmp(const struct kc_state *a, const struct kc_state *b,
		 bool ignore_arena, char *why, size_t whylen);
void kc_state_print(const struct kc_state *st, FILE *f);

uint64_t kc_fnv(const void *data, size_t len, uint64_t h);

#endif /* GAUNTLET_KMODEL_H */
