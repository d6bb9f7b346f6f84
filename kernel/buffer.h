/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table of named kernel buffers behind kalloc.ko.
 *
 * See buffer.c for the design and the locking rules.
 */
#ifndef KALLOC_BUFFER_H
#define KALLOC_BUFFER_H

#include <linux/list.h>
#include <linux/types.h>

#include "../include/uapi/linux/kalloc.h"

/* Length of a refusal message, terminating NUL included. */
#define KALLOC_WHY_LEN	128

struct kalloc_buffer {
	struct hlist_node name_node;	/* in the name hash table */
	void *mem;			/* kvzalloc()ed, NULL once freed */
	u64 size;			/* bytes asked for and charged */
	u32 id;				/* xarray index, never 0 */
	bool vmalloc;			/* mem came from vmalloc() */
	char name[KALLOC_NAME_MAX];
};

/*
 * Why a buffer was refused: the KALLOC_BUFFER_A_* attribute the refusal
 * is about and a message without the attribute's name, so that netlink
 * (extack) and the module parameters (pr_err) say the same thing.
 */
struct kalloc_why {
	int attr;
	char msg[KALLOC_WHY_LEN];
};

void kalloc_table_init(u64 budget, u32 max_buffers);
void kalloc_table_lock(void);
void kalloc_table_unlock(void);
u32 kalloc_table_generation(void);
void kalloc_table_usage(u32 *count, u64 *bytes);

const char *kalloc_name_problem(const char *name);
int kalloc_buffer_create(const char *name, u64 size,
			 struct kalloc_buffer **bufp, struct kalloc_why *why);
struct kalloc_buffer *kalloc_buffer_find_id(u32 id);
struct kalloc_buffer *kalloc_buffer_find_name(const char *name);
struct kalloc_buffer *kalloc_buffer_next(unsigned long *id);
void kalloc_buffer_unlink(struct kalloc_buffer *buf);
void kalloc_buffer_free(struct kalloc_buffer *buf);
void kalloc_table_free_all(u32 *count, u64 *bytes);

static inline const char *kalloc_buffer_allocator(const struct kalloc_buffer *buf)
{
	return buf->vmalloc ? "vmalloc" : "kmalloc";
}

#endif /* KALLOC_BUFFER_H */
