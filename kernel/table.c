// SPDX-License-Identifier: GPL-2.0
/*
 * The table of named kernel buffers.
 *
 * A buffer is a named block of kernel memory served by one allocator
 * policy (arena.c). The table holds every buffer twice: in an xarray
 * keyed by id, which hands out ids (cyclically, from 1, so that a deleted
 * id is not reused at once) and gives dumps their ascending, resumable
 * order; and in a hash table keyed by the jhash of the name, for lookups
 * and the duplicate check by name.
 *
 * The table charges every buffer's requested size against a byte budget
 * and counts buffers against max_buffers, whatever policy serves them;
 * both limits are fixed at load time. A generation counter, bumped on
 * every create and delete, lets a dump notice that the table changed
 * under it (NLM_F_DUMP_INTR).
 *
 * A DMA transfer of a virtual device (vdev.c) holds its buffer from
 * submission to completion (kalloc_buffer_hold(), busy count, table lock
 * held). An explicit BUFFER_DEL of a held buffer is refused (EBUSY, in
 * nl_buffer.c); every other deletion (its socket closed, a flush, unload)
 * cannot be refused, so it takes the buffer out of the table at once and
 * leaves it an orphan that the transfer's kalloc_buffer_release() frees.
 * The copy itself runs under the table lock, so it never interleaves with
 * a migration, a read, a write or a deletion of the buffer.
 *
 * Lock order (outermost first):
 *
 *   1. genetlink's cb_lock (around every handler and dump), or the
 *      netlink notifier chain's rwsem (socket release), or debugfs
 *   2. kalloc_table.lock: this mutex guards the table, every buffer in it
 *      (its memory, contents, guards and busy count), the policies' arenas
 *      and live counters, and the active policy (arena.c). Readers,
 *      writers, migrations, deletions and DMA transfers of a buffer all
 *      hold it, so each sees the buffer entirely before or entirely after
 *      a move. A mutex, because creating a buffer allocates and zeroes
 *      memory with GFP_KERNEL. vdev.c takes it inside its own device
 *      table lock and a device's ctl_lock, and takes a device's register
 *      spinlock inside it (vdev.c has the whole order).
 *   3. one policy instance's ka_lock (a spinlock, alloc/), inside which
 *      nothing sleeps
 *   4. the xarray's internal spinlock
 *
 * kalloc_table.lock is never held across genl_register_family() or
 * genl_unregister_family(); BENCH_RUN (bench.c) never takes it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>

#include "perf.h"
#include "table.h"
#include "../include/kalloc/policy.h"

#define KALLOC_HASH_BITS	8

static struct kalloc_table {
	struct mutex lock;	/* guards all of this, see above */
	struct xarray ids;
	DECLARE_HASHTABLE(names, KALLOC_HASH_BITS);
	kalloc_buffer_event_t event;
	u32 next_id;		/* xa_alloc_cyclic()'s cursor */
	u32 count;		/* buffers in the table */
	u32 max_buffers;
	u32 socket_owned;	/* buffers with KALLOC_BUFFER_F_SOCKET */
	u32 generation;		/* never 0: 0 means "no dump yet" */
	u64 used;		/* bytes charged */
	u64 budget;
} kalloc_table = {
	.lock = __MUTEX_INITIALIZER(kalloc_table.lock),
	.ids = XARRAY_INIT(kalloc_table.ids, XA_FLAGS_ALLOC1),
	.generation = 1,
};

/* Sets the limits; called once at load, before anything else. */
void kalloc_table_init(u64 budget, u32 max_buffers, kalloc_buffer_event_t event)
{
	hash_init(kalloc_table.names);
	kalloc_table.budget = budget;
	kalloc_table.max_buffers = max_buffers;
	kalloc_table.event = event;
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
void kalloc_table_usage(u32 *count, u64 *bytes, u32 *max, u64 *budget)
{
	lockdep_assert_held(&kalloc_table.lock);
	*count = kalloc_table.count;
	*bytes = kalloc_table.used;
	*max = kalloc_table.max_buffers;
	*budget = kalloc_table.budget;
}

static void kalloc_table_changed(void)
{
	if (++kalloc_table.generation == 0)
		kalloc_table.generation = 1;
}

static void kalloc_table_event(const struct kalloc_buffer *buf, u8 cmd,
			       u32 reason)
{
	if (kalloc_table.event)
		kalloc_table.event(buf, cmd, reason);
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

static int kalloc_refuse(struct kalloc_refusal *why, int err, int attr,
			 const char *msg, enum kalloc_cookie_kind kind,
			 u64 a, u64 b)
{
	why->attr = attr;
	why->msg = msg;
	why->kind = kind;
	why->a = a;
	why->b = b;
	return err;
}

/* Lock held. Checks the limits a new buffer must respect. */
static int kalloc_buffer_admit(const struct kalloc_buffer_spec *spec,
			       struct kalloc_refusal *why)
{
	struct kalloc_table *t = &kalloc_table;

	if (kalloc_buffer_find_name(spec->name))
		return kalloc_refuse(why, -EEXIST, KALLOC_BUFFER_A_NAME,
				     "a buffer with this KALLOC_BUFFER_A_NAME exists already",
				     0, 0, 0);
	if (t->count >= t->max_buffers)
		return kalloc_refuse(why, -ENOSPC, KALLOC_BUFFER_A_NAME,
				     "KALLOC_BUFFER_A_NAME refused: the module holds max_buffers buffers already",
				     KALLOC_COOKIE_MAX_BUFFERS, t->max_buffers, 0);
	if (spec->size > t->budget - t->used)
		return kalloc_refuse(why, -ENOSPC, KALLOC_BUFFER_A_SIZE,
				     "KALLOC_BUFFER_A_SIZE exceeds the remaining budget",
				     KALLOC_COOKIE_BUDGET, t->budget - t->used,
				     t->budget);
	return 0;
}

/* Gives buf its memory from its policy. */
static int kalloc_buffer_fill(struct kalloc_buffer *buf, unsigned int policy,
			      struct kalloc_refusal *why)
{
	struct kalloc_no_room room;
	int err;

	err = kalloc_mem_alloc(&buf->mem, policy, buf->size, buf->id, &room);
	if (err == -ENOSPC)
		return kalloc_refuse(why, err, KALLOC_BUFFER_A_SIZE,
				     "KALLOC_BUFFER_A_SIZE is more than the policy can serve now",
				     KALLOC_COOKIE_LARGEST, room.largest,
				     room.limit);
	if (err)
		return kalloc_refuse(why, err, KALLOC_BUFFER_A_SIZE,
				     "KALLOC_BUFFER_A_SIZE: cannot allocate that much kernel memory",
				     0, 0, 0);
	return 0;
}

static struct kalloc_buffer *kalloc_buffer_alloc(const struct kalloc_buffer_spec *spec)
{
	struct kalloc_buffer *buf;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return NULL;
	buf->size = spec->size;
	buf->flags = spec->flags;
	buf->portid = spec->portid;
	strscpy(buf->name, spec->name, sizeof(buf->name));
	if (spec->owner)
		strscpy(buf->owner, spec->owner, sizeof(buf->owner));
	return buf;
}

/* Lock held. Puts a buffer with memory and an id into the table. */
static void kalloc_buffer_link(struct kalloc_buffer *buf)
{
	struct kalloc_table *t = &kalloc_table;

	hash_add(t->names, &buf->name_node, kalloc_name_hash(buf->name));
	t->count++;
	t->used += buf->size;
	if (buf->flags & KALLOC_BUFFER_F_SOCKET)
		WRITE_ONCE(t->socket_owned, t->socket_owned + 1);
	kalloc_table_changed();
}

/*
 * Lock held. Creates a buffer as spec says (its name, size and owner
 * checked by the caller) and publishes it in the table. Returns 0 and the
 * buffer in *bufp, or a negative errno and the reason in *why; on failure
 * the table is unchanged. Notifying is the caller's.
 */
int kalloc_buffer_create(const struct kalloc_buffer_spec *spec,
			 struct kalloc_buffer **bufp,
			 struct kalloc_refusal *why)
{
	struct kalloc_table *t = &kalloc_table;
	unsigned int policy = spec->policy ?: kalloc_policy_active();
	struct kalloc_buffer *buf;
	int err;

	lockdep_assert_held(&t->lock);
	err = kalloc_buffer_admit(spec, why);
	if (err)
		return err;
	buf = kalloc_buffer_alloc(spec);
	if (!buf)
		return kalloc_refuse(why, -ENOMEM, KALLOC_BUFFER_A_NAME,
				     "no memory for the buffer's descriptor",
				     0, 0, 0);
	/*
	 * The id first: the guards derive from it. Nobody sees the entry
	 * before the lock is dropped, and by then it is complete or gone.
	 * The id space is 32 bits: running out of ids is running out of
	 * memory.
	 */
	err = xa_alloc_cyclic(&t->ids, &buf->id, buf, XA_LIMIT(1, U32_MAX),
			      &t->next_id, GFP_KERNEL);
	if (err < 0) {
		err = kalloc_refuse(why, -ENOMEM, KALLOC_BUFFER_A_NAME,
				    "no memory for the buffer's id", 0, 0, 0);
		goto free_buf;
	}
	err = kalloc_buffer_fill(buf, policy, why);
	if (err)
		goto erase_id;
	kalloc_buffer_link(buf);
	*bufp = buf;
	return 0;

erase_id:
	xa_erase(&t->ids, buf->id);
free_buf:
	kfree(buf);
	return err;
}

static const char *kalloc_guard_names(u32 guards)
{
	switch (guards) {
	case KALLOC_GUARD_HEAD:
		return "head guard";
	case KALLOC_GUARD_TAIL:
		return "tail guard";
	default:
		return "head and tail guards";
	}
}

/*
 * Lock held. Checks buf's guards; new damage is counted, logged and
 * notified once. Returns every KALLOC_GUARD_* found damaged so far.
 */
u32 kalloc_buffer_check(struct kalloc_buffer *buf)
{
	u32 bad = kalloc_mem_check(&buf->mem, buf->size, buf->id);
	u32 fresh = bad & ~buf->guards;

	lockdep_assert_held(&kalloc_table.lock);
	if (!fresh)
		return buf->guards;
	buf->guards |= fresh;
	kalloc_mem_count_violation(&buf->mem);
	kalloc_perf(KALLOC_PERF_CANARY, buf->mem.policy, buf->id, buf->size, 0);
	pr_warn_ratelimited("canary violation: buffer '%s' (id %u, policy %s): %s damaged\n",
			    buf->name, buf->id,
			    kalloc_policy_name(buf->mem.policy),
			    kalloc_guard_names(fresh));
	kalloc_table_event(buf, KALLOC_CMD_BUFFER_CHECK, 0);
	return buf->guards;
}

static void kalloc_buffer_free(struct kalloc_buffer *buf)
{
	kalloc_mem_free(&buf->mem, buf->size, buf->id);
	kfree(buf);
}

/*
 * Lock held. Takes buf out of the table, tells the events group why
 * (reason 0: nobody, at unload), checks its guards one last time and
 * frees it, or, if a transfer holds it, leaves that to the transfer.
 */
void kalloc_buffer_destroy(struct kalloc_buffer *buf, u32 reason)
{
	struct kalloc_table *t = &kalloc_table;

	lockdep_assert_held(&t->lock);
	if (reason)
		kalloc_buffer_check(buf);
	xa_erase(&t->ids, buf->id);
	hash_del(&buf->name_node);
	t->count--;
	t->used -= buf->size;
	if (buf->flags & KALLOC_BUFFER_F_SOCKET)
		WRITE_ONCE(t->socket_owned, t->socket_owned - 1);
	kalloc_table_changed();
	if (reason)
		kalloc_table_event(buf, KALLOC_CMD_BUFFER_DEL, reason);
	if (buf->busy) {
		buf->orphan = true;
		return;
	}
	kalloc_buffer_free(buf);
}

/* Lock held. A transfer starts using buf: it stays until released. */
void kalloc_buffer_hold(struct kalloc_buffer *buf)
{
	lockdep_assert_held(&kalloc_table.lock);
	buf->busy++;
}

/* Lock held. A transfer is done with buf; frees it if it was deleted. */
void kalloc_buffer_release(struct kalloc_buffer *buf)
{
	lockdep_assert_held(&kalloc_table.lock);
	if (!--buf->busy && buf->orphan)
		kalloc_buffer_free(buf);
}

/*
 * Lock held. Gives buf size bytes served by policy: new memory, sealed for
 * buf's id, the contents copied up to the smaller size, then the old
 * memory poisoned and freed. Readers hold the same lock, so they see the
 * buffer entirely old or entirely new. Returns 0; -EIO for a corrupt
 * buffer (its contents are not to be trusted, so it stays); -ENOSPC for a
 * growth over the budget or a size the policy cannot serve, with *why;
 * -ENOMEM. On failure buf is unchanged.
 */
int kalloc_buffer_reshape(struct kalloc_buffer *buf, u64 size,
			  unsigned int policy, struct kalloc_refusal *why)
{
	struct kalloc_table *t = &kalloc_table;
	struct kalloc_no_room room;
	struct kalloc_mem mem;
	int err;

	lockdep_assert_held(&t->lock);
	if (kalloc_buffer_check(buf))
		return -EIO;
	if (size > buf->size && size - buf->size > t->budget - t->used)
		return kalloc_refuse(why, -ENOSPC, KALLOC_BUFFER_A_SIZE,
				     "KALLOC_BUFFER_A_SIZE exceeds the remaining budget",
				     KALLOC_COOKIE_BUDGET, t->budget - t->used,
				     t->budget);
	err = kalloc_mem_alloc(&mem, policy, size, buf->id, &room);
	if (err == -ENOSPC)
		return kalloc_refuse(why, err, KALLOC_BUFFER_A_SIZE,
				     "KALLOC_BUFFER_A_SIZE is more than the policy can serve now",
				     KALLOC_COOKIE_LARGEST, room.largest,
				     room.limit);
	if (err)
		return kalloc_refuse(why, err, KALLOC_BUFFER_A_SIZE,
				     "KALLOC_BUFFER_A_SIZE: cannot allocate that much kernel memory",
				     0, 0, 0);
	memcpy(kalloc_mem_data(&mem), kalloc_mem_data(&buf->mem),
	       min(size, buf->size));
	kalloc_mem_free(&buf->mem, buf->size, buf->id);
	if (mem.policy != buf->mem.policy)
		kalloc_perf(KALLOC_PERF_MIGRATE, policy, buf->id, size, 0);
	buf->mem = mem;
	t->used = t->used - buf->size + size;
	buf->size = size;
	kalloc_table_changed();
	return 0;
}

/* Lock held. Moves buf to policy, keeping its size: see above. */
int kalloc_buffer_move(struct kalloc_buffer *buf, unsigned int policy)
{
	struct kalloc_refusal why;

	return kalloc_buffer_reshape(buf, buf->size, policy, &why);
}

/*
 * A netlink socket closed: frees the buffers it owned. Called for every
 * generic netlink socket that closes, so the common case (no socket owns
 * a buffer) does not take the lock.
 */
void kalloc_table_release_portid(u32 portid)
{
	struct kalloc_buffer *buf;
	unsigned long id;

	if (!READ_ONCE(kalloc_table.socket_owned))
		return;
	kalloc_table_lock();
	xa_for_each(&kalloc_table.ids, id, buf)
		if ((buf->flags & KALLOC_BUFFER_F_SOCKET) && buf->portid == portid)
			kalloc_buffer_destroy(buf, KALLOC_DEL_SOCKET);
	kalloc_table_unlock();
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
	xa_for_each(&kalloc_table.ids, id, buf)
		kalloc_buffer_destroy(buf, 0);
	kalloc_table_unlock();
	xa_destroy(&kalloc_table.ids);
}
