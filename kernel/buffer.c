// SPDX-License-Identifier: GPL-2.0
/*
 * The table of named kernel buffers.
 *
 * A buffer is a named block of kernel memory. The table holds every
 * buffer twice: in an xarray keyed by id, which hands out ids (cyclically,
 * from 1, so that a deleted id is not reused at once) and gives dumps
 * their ascending, resumable order; and in a hash table keyed by the
 * jhash of the name, for lookups and the duplicate check by name.
 *
 * The table charges every buffer's requested size against a byte budget
 * and counts buffers against max_buffers; both limits are fixed at load
 * time. A generation counter, bumped on every create and delete, lets a
 * dump notice that the table changed under it (NLM_F_DUMP_INTR).
 *
 * Memory comes from kvzalloc(): kmalloc() for small buffers, vmalloc()
 * when physically contiguous pages cannot be had. __GFP_NOWARN keeps a
 * failed allocation a plain ENOMEM for the caller, never a splat.
 *
 * Locking: one mutex, kalloc_table.lock, guards everything in struct
 * kalloc_table and every buffer in it. Callers take it with
 * kalloc_table_lock() around each call marked "lock held" and keep it
 * while they use a buffer they looked up. A mutex, not a spinlock,
 * because creating a buffer allocates (and zeroes) memory with
 * GFP_KERNEL. Lock order: genetlink's cb_lock (and genl_mutex, should
 * the family ever drop parallel_ops) before kalloc_table.lock, which is
 * never held across genl_register_family() or genl_unregister_family();
 * the xarray's internal spinlock nests inside kalloc_table.lock.
 */
#include <linux/errno.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "buffer.h"

#define KALLOC_HASH_BITS	8

static struct kalloc_table {
	struct mutex lock;	/* guards all of this, see above */
	struct xarray ids;
	DECLARE_HASHTABLE(names, KALLOC_HASH_BITS);
	u32 next_id;		/* xa_alloc_cyclic()'s cursor */
	u32 count;		/* buffers in the table */
	u32 max_buffers;
	u32 generation;		/* never 0: 0 means "no dump yet" */
	u64 used;		/* bytes charged */
	u64 budget;
} kalloc_table = {
	.lock = __MUTEX_INITIALIZER(kalloc_table.lock),
	.ids = XARRAY_INIT(kalloc_table.ids, XA_FLAGS_ALLOC1),
	.generation = 1,
};

/* Sets the limits; called once at load, before anything else. */
void kalloc_table_init(u64 budget, u32 max_buffers)
{
	hash_init(kalloc_table.names);
	kalloc_table.budget = budget;
	kalloc_table.max_buffers = max_buffers;
}

void kalloc_table_lock(void)
{
	mutex_lock(&kalloc_table.lock);
}

void kalloc_table_unlock(void)
{
	mutex_unlock(&kalloc_table.lock);
}

/* Lock held. */
u32 kalloc_table_generation(void)
{
	lockdep_assert_held(&kalloc_table.lock);
	return kalloc_table.generation;
}

/* Lock held. */
void kalloc_table_usage(u32 *count, u64 *bytes)
{
	lockdep_assert_held(&kalloc_table.lock);
	*count = kalloc_table.count;
	*bytes = kalloc_table.used;
}

static void kalloc_table_changed(void)
{
	if (++kalloc_table.generation == 0)
		kalloc_table.generation = 1;
}

/* Not isalnum(): the kernel's ctype also accepts Latin-1 letters. */
static bool kalloc_name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/*
 * Returns NULL if name is a valid buffer name (see the uapi header), else
 * what is wrong with it, as a phrase that follows the word "name".
 */
const char *kalloc_name_problem(const char *name)
{
	size_t len = strnlen(name, KALLOC_NAME_MAX);
	size_t i;

	if (len == 0)
		return "is empty";
	if (len == KALLOC_NAME_MAX)
		return "is longer than 31 bytes";
	if (name[0] == '.' || name[0] == '-')
		return "starts with '.' or '-'";
	for (i = 0; i < len; i++)
		if (!kalloc_name_char_ok(name[i]))
			return "has a character outside [A-Za-z0-9_.-]";
	return NULL;
}

static u32 kalloc_name_hash(const char *name)
{
	return jhash(name, strlen(name), 0);
}

/* Lock held. */
struct kalloc_buffer *kalloc_buffer_find_name(const char *name)
{
	struct kalloc_buffer *buf;

	lockdep_assert_held(&kalloc_table.lock);
	hash_for_each_possible(kalloc_table.names, buf, name_node,
			       kalloc_name_hash(name))
		if (!strcmp(buf->name, name))
			return buf;
	return NULL;
}

/* Lock held. */
struct kalloc_buffer *kalloc_buffer_find_id(u32 id)
{
	lockdep_assert_held(&kalloc_table.lock);
	return xa_load(&kalloc_table.ids, id);
}

/*
 * Lock held. Returns the buffer with the lowest id >= *id and sets *id to
 * that id, or returns NULL when there is none.
 */
struct kalloc_buffer *kalloc_buffer_next(unsigned long *id)
{
	lockdep_assert_held(&kalloc_table.lock);
	return xa_find(&kalloc_table.ids, id, ULONG_MAX, XA_PRESENT);
}

/* Lock held. Checks the limits a new buffer of size bytes must respect. */
static int kalloc_buffer_admit(const char *name, u64 size,
			       struct kalloc_why *why)
{
	struct kalloc_table *t = &kalloc_table;

	if (kalloc_buffer_find_name(name)) {
		why->attr = KALLOC_BUFFER_A_NAME;
		snprintf(why->msg, sizeof(why->msg),
			 "a buffer named '%s' exists already", name);
		return -EEXIST;
	}
	if (t->count >= t->max_buffers) {
		why->attr = KALLOC_BUFFER_A_NAME;
		snprintf(why->msg, sizeof(why->msg),
			 "the module holds max_buffers (%u) buffers already",
			 t->max_buffers);
		return -ENOSPC;
	}
	if (size > t->budget - t->used) {
		why->attr = KALLOC_BUFFER_A_SIZE;
		snprintf(why->msg, sizeof(why->msg),
			 "size %llu exceeds the remaining budget (%llu of %llu bytes free)",
			 size, t->budget - t->used, t->budget);
		return -ENOSPC;
	}
	return 0;
}

static struct kalloc_buffer *kalloc_buffer_alloc(const char *name, u64 size)
{
	struct kalloc_buffer *buf;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return NULL;
	buf->mem = kvzalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (!buf->mem)
		goto free_buf;
	buf->vmalloc = is_vmalloc_addr(buf->mem);
	buf->size = size;
	strscpy(buf->name, name, sizeof(buf->name));
	return buf;

free_buf:
	kfree(buf);
	return NULL;
}

/*
 * Lock held. Creates a buffer of size bytes (1 .. KALLOC_BUFFER_SIZE_MAX,
 * checked by the caller, as is the name) and publishes it in the table.
 * Returns 0 and the buffer in *bufp, or a negative errno and the reason
 * in *why; on failure the table is unchanged.
 */
int kalloc_buffer_create(const char *name, u64 size,
			 struct kalloc_buffer **bufp, struct kalloc_why *why)
{
	struct kalloc_table *t = &kalloc_table;
	struct kalloc_buffer *buf;
	int err;

	lockdep_assert_held(&t->lock);
	err = kalloc_buffer_admit(name, size, why);
	if (err)
		return err;

	buf = kalloc_buffer_alloc(name, size);
	if (!buf)
		goto no_memory;
	/* The id space is 32 bits: running out of ids is running out of memory. */
	err = xa_alloc_cyclic(&t->ids, &buf->id, buf, XA_LIMIT(1, U32_MAX),
			      &t->next_id, GFP_KERNEL);
	if (err < 0)
		goto free_buf;

	hash_add(t->names, &buf->name_node, kalloc_name_hash(buf->name));
	t->count++;
	t->used += size;
	kalloc_table_changed();
	*bufp = buf;
	return 0;

free_buf:
	kalloc_buffer_free(buf);
no_memory:
	why->attr = KALLOC_BUFFER_A_SIZE;
	snprintf(why->msg, sizeof(why->msg),
		 "cannot allocate %llu bytes of kernel memory", size);
	return -ENOMEM;
}

/*
 * Lock held. Takes buf out of the table and uncharges it; the caller owns
 * it afterwards and frees it with kalloc_buffer_free(), after the lock is
 * dropped if it likes.
 */
void kalloc_buffer_unlink(struct kalloc_buffer *buf)
{
	struct kalloc_table *t = &kalloc_table;

	lockdep_assert_held(&t->lock);
	xa_erase(&t->ids, buf->id);
	hash_del(&buf->name_node);
	t->count--;
	t->used -= buf->size;
	kalloc_table_changed();
}

/* Frees a buffer that is in no table (new, or unlinked). */
void kalloc_buffer_free(struct kalloc_buffer *buf)
{
	kvfree(buf->mem);
	buf->mem = NULL;
	kfree(buf);
}

/*
 * Frees every buffer, for module unload and for a failed load; nobody can
 * reach the table any more (the family is unregistered), but the lock is
 * taken anyway so that lockdep can vouch for every access.
 */
void kalloc_table_free_all(u32 *count, u64 *bytes)
{
	struct kalloc_buffer *buf;
	unsigned long id;

	kalloc_table_lock();
	*count = kalloc_table.count;
	*bytes = kalloc_table.used;
	xa_for_each(&kalloc_table.ids, id, buf) {
		kalloc_buffer_unlink(buf);
		kalloc_buffer_free(buf);
	}
	kalloc_table_unlock();
	xa_destroy(&kalloc_table.ids);
}
