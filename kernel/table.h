/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table of named kernel buffers behind kalloc.ko. See table.c for the
 * design and the lock order.
 */
#ifndef KALLOC_TABLE_H
#define KALLOC_TABLE_H

#include <linux/list.h>
#include <linux/types.h>

#include "arena.h"

struct kalloc_buffer {
	struct hlist_node name_node;	/* in the name hash table */
	struct kalloc_mem mem;		/* the data, from its policy */
	u64 size;			/* bytes asked for and charged */
	u32 id;				/* xarray index, never 0 */
	u32 flags;			/* KALLOC_BUFFER_F_* */
	u32 portid;			/* owning socket, with F_SOCKET */
	u32 guards;			/* KALLOC_GUARD_* found damaged */
	u32 busy;			/* DMA transfers holding it (vdev.c) */
	bool orphan;			/* out of the table, freed at the last
					 * kalloc_buffer_release()
					 */
	char name[KALLOC_NAME_MAX];
	char owner[KALLOC_OWNER_MAX];	/* "" for none */
};

/* What a new buffer is to be. */
struct kalloc_buffer_spec {
	const char *name;
	u64 size;
	unsigned int policy;		/* 0: the active one */
	const char *owner;		/* NULL for none */
	u32 flags;
	u32 portid;
};

/* Why a buffer was refused: a static message and the numbers for it. */
struct kalloc_refusal {
	int attr;			/* the KALLOC_BUFFER_A_* it is about */
	const char *msg;		/* names the attribute */
	enum kalloc_cookie_kind kind;	/* 0: no numbers */
	u64 a, b;
};

/*
 * How the table tells the netlink layer about a change it made on its
 * own (a socket closed, guards found damaged): cmd is the notification's
 * KALLOC_CMD_*, reason a KALLOC_DEL_* for BUFFER_DEL. Lock held.
 */
typedef void (*kalloc_buffer_event_t)(const struct kalloc_buffer *buf,
				      u8 cmd, u32 reason);

void kalloc_table_init(u64 budget, u32 max_buffers,
		       kalloc_buffer_event_t event);
void kalloc_table_lock(void);
void kalloc_table_unlock(void);
u32 kalloc_table_generation(void);
void kalloc_table_usage(u32 *count, u64 *bytes, u32 *max, u64 *budget);

int kalloc_buffer_create(const struct kalloc_buffer_spec *spec,
			 struct kalloc_buffer **bufp,
			 struct kalloc_refusal *why);
struct kalloc_buffer *kalloc_buffer_find_id(u32 id);
struct kalloc_buffer *kalloc_buffer_find_name(const char *name);
struct kalloc_buffer *kalloc_buffer_next(unsigned long *id);
void kalloc_buffer_destroy(struct kalloc_buffer *buf, u32 reason);
void kalloc_buffer_hold(struct kalloc_buffer *buf);
void kalloc_buffer_release(struct kalloc_buffer *buf);
u32 kalloc_buffer_check(struct kalloc_buffer *buf);
int kalloc_buffer_reshape(struct kalloc_buffer *buf, u64 size,
			  unsigned int policy, struct kalloc_refusal *why);
int kalloc_buffer_move(struct kalloc_buffer *buf, unsigned int policy);
void kalloc_table_release_portid(u32 portid);
void kalloc_table_free_all(u32 *count, u64 *bytes);

#endif /* KALLOC_TABLE_H */
