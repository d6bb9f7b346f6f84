// SPDX-License-Identifier: GPL-2.0
/*
 * KALLOC_CMD_BUFFER_*: creating, describing, reading, writing, checking
 * and deleting buffers, and the events that buffers send.
 *
 * Every handler that acts on one buffer goes through
 * kalloc_nl_with_buffer(): it checks that exactly one of id and name
 * selects the buffer, takes the table lock, finds the buffer and runs the
 * handler's body under the lock, so that a reply and a notification
 * describe the table as the request left it.
 *
 * Dumps keep their position in cb->ctx as the next id to emit, never a
 * pointer, so a buffer deleted between two recvmsg() calls cannot be
 * dereferenced. Each pass stamps cb->seq with the table's generation;
 * genl_dump_check_consistent() then flags NLM_F_DUMP_INTR on the first
 * message built after a create or delete.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "netlink.h"
#include "table.h"
#include "../include/kalloc/name.h"
#include "../include/kalloc/policy.h"

/* ---- policies ------------------------------------------------------------ */

static struct netlink_range_validation kalloc_id_range __ro_after_init = {
	.min = 1,
	.max = U32_MAX,
};

static struct netlink_range_validation kalloc_size_range __ro_after_init = {
	.min = 1,
	.max = KALLOC_BUFFER_SIZE_MAX,
};

static struct netlink_range_validation kalloc_io_range __ro_after_init = {
	.min = 1,
	.max = KALLOC_IO_MAX,
};

#define KALLOC_POLICY_ID_POLICY \
	NLA_POLICY_RANGE(NLA_U32, 1, KALLOC_POLICY_MAX)

#define KALLOC_NAME_POLICY(max) \
	{ .type = NLA_NUL_STRING, .len = (max) - 1 }

static const struct nla_policy kalloc_buffer_new_policy[KALLOC_BUFFER_A_FLAGS + 1] = {
	[KALLOC_BUFFER_A_NAME] = KALLOC_NAME_POLICY(KALLOC_NAME_MAX),
	[KALLOC_BUFFER_A_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U64, &kalloc_size_range),
	[KALLOC_BUFFER_A_POLICY] = KALLOC_POLICY_ID_POLICY,
	[KALLOC_BUFFER_A_OWNER] = KALLOC_NAME_POLICY(KALLOC_OWNER_MAX),
	[KALLOC_BUFFER_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, KALLOC_BUFFER_F_ALL),
};

/* GET, DEL, CHECK: select one buffer by id or by name. */
static const struct nla_policy kalloc_buffer_select_policy[KALLOC_BUFFER_A_NAME + 1] = {
	[KALLOC_BUFFER_A_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &kalloc_id_range),
	[KALLOC_BUFFER_A_NAME] = KALLOC_NAME_POLICY(KALLOC_NAME_MAX),
};

/* READ: a selector, an offset and a length. */
static const struct nla_policy kalloc_buffer_read_policy[KALLOC_BUFFER_A_LENGTH + 1] = {
	[KALLOC_BUFFER_A_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &kalloc_id_range),
	[KALLOC_BUFFER_A_NAME] = KALLOC_NAME_POLICY(KALLOC_NAME_MAX),
	[KALLOC_BUFFER_A_OFFSET] = { .type = NLA_U64 },
	[KALLOC_BUFFER_A_LENGTH] = NLA_POLICY_FULL_RANGE(NLA_U32, &kalloc_io_range),
};

/* WRITE: a selector, an offset and the data. */
static const struct nla_policy kalloc_buffer_write_policy[KALLOC_BUFFER_A_DATA + 1] = {
	[KALLOC_BUFFER_A_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &kalloc_id_range),
	[KALLOC_BUFFER_A_NAME] = KALLOC_NAME_POLICY(KALLOC_NAME_MAX),
	[KALLOC_BUFFER_A_OFFSET] = { .type = NLA_U64 },
	[KALLOC_BUFFER_A_DATA] = NLA_POLICY_FULL_RANGE(NLA_BINARY, &kalloc_io_range),
};

/* SET: a selector, and a new size, a new policy or both. */
static const struct nla_policy kalloc_buffer_set_policy[KALLOC_BUFFER_A_POLICY + 1] = {
	[KALLOC_BUFFER_A_ID] = NLA_POLICY_FULL_RANGE(NLA_U32, &kalloc_id_range),
	[KALLOC_BUFFER_A_NAME] = KALLOC_NAME_POLICY(KALLOC_NAME_MAX),
	[KALLOC_BUFFER_A_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U64, &kalloc_size_range),
	[KALLOC_BUFFER_A_POLICY] = KALLOC_POLICY_ID_POLICY,
};

static const struct nla_policy kalloc_buffer_flush_policy[KALLOC_BUFFER_A_OWNER + 1] = {
	[KALLOC_BUFFER_A_OWNER] = KALLOC_NAME_POLICY(KALLOC_OWNER_MAX),
};

/* ---- messages ------------------------------------------------------------ */

/* A buffer, and why it was deleted for a BUFFER_DEL event (else 0). */
struct kalloc_buffer_msg {
	const struct kalloc_buffer *buf;
	u32 reason;
};

static size_t kalloc_buffer_msg_size(void)
{
	return nla_total_size(sizeof(u32)) +		/* ID */
	       nla_total_size(KALLOC_NAME_MAX) +	/* NAME */
	       nla_total_size_64bit(sizeof(u64)) +	/* SIZE */
	       nla_total_size(sizeof("vmalloc")) +	/* ALLOCATOR */
	       nla_total_size(sizeof(u32)) +		/* POLICY */
	       nla_total_size(16) +			/* POLICY_NAME */
	       nla_total_size(KALLOC_OWNER_MAX) +	/* OWNER */
	       4 * nla_total_size(sizeof(u32));		/* FLAGS PORTID GUARDS REASON */
}

static int kalloc_buffer_fill_owner(struct sk_buff *skb,
				    const struct kalloc_buffer *buf)
{
	if (buf->owner[0] &&
	    nla_put_string(skb, KALLOC_BUFFER_A_OWNER, buf->owner))
		return -EMSGSIZE;
	if ((buf->flags & KALLOC_BUFFER_F_SOCKET) &&
	    nla_put_u32(skb, KALLOC_BUFFER_A_PORTID, buf->portid))
		return -EMSGSIZE;
	return 0;
}

static int kalloc_buffer_fill(struct sk_buff *skb, const void *arg)
{
	const struct kalloc_buffer_msg *m = arg;
	const struct kalloc_buffer *buf = m->buf;

	if (nla_put_u32(skb, KALLOC_BUFFER_A_ID, buf->id) ||
	    nla_put_string(skb, KALLOC_BUFFER_A_NAME, buf->name) ||
	    nla_put_u64_64bit(skb, KALLOC_BUFFER_A_SIZE, buf->size,
			      KALLOC_BUFFER_A_PAD) ||
	    nla_put_string(skb, KALLOC_BUFFER_A_ALLOCATOR,
			   buf->mem.vmalloc ? "vmalloc" : "kmalloc") ||
	    nla_put_u32(skb, KALLOC_BUFFER_A_POLICY, buf->mem.policy) ||
	    nla_put_string(skb, KALLOC_BUFFER_A_POLICY_NAME,
			   kalloc_policy_name(buf->mem.policy)) ||
	    nla_put_u32(skb, KALLOC_BUFFER_A_FLAGS, buf->flags) ||
	    nla_put_u32(skb, KALLOC_BUFFER_A_GUARDS, buf->guards) ||
	    kalloc_buffer_fill_owner(skb, buf))
		return -EMSGSIZE;
	if (m->reason && nla_put_u32(skb, KALLOC_BUFFER_A_REASON, m->reason))
		return -EMSGSIZE;
	return 0;
}

static int kalloc_buffer_reply(struct genl_info *info, u8 cmd,
			       const struct kalloc_buffer *buf)
{
	struct kalloc_buffer_msg m = { .buf = buf };

	return kalloc_nl_reply(info, cmd, kalloc_buffer_msg_size(),
			       kalloc_buffer_fill, &m);
}

/*
 * A buffer's event, a message to the events group: ours, and the table's
 * (main.c hands this to kalloc_table_init()). Lock held.
 */
void kalloc_nl_buffer_event(const struct kalloc_buffer *buf, u8 cmd,
			    u32 reason)
{
	struct kalloc_buffer_msg m = { .buf = buf, .reason = reason };

	kalloc_nl_notify(cmd, kalloc_buffer_msg_size(), kalloc_buffer_fill, &m);
}

/* ---- names --------------------------------------------------------------- */

static const char *const kalloc_name_msgs[KALLOC_NAME_FAULTS] = {
	[KALLOC_NAME_EMPTY] = "KALLOC_BUFFER_A_NAME is empty",
	[KALLOC_NAME_TOO_LONG] = "KALLOC_BUFFER_A_NAME is too long",
	[KALLOC_NAME_LEADING] = "KALLOC_BUFFER_A_NAME starts with '.' or '-'",
	[KALLOC_NAME_CHARSET] = "KALLOC_BUFFER_A_NAME has a character outside [A-Za-z0-9_.-]",
};

static const char *const kalloc_owner_msgs[KALLOC_NAME_FAULTS] = {
	[KALLOC_NAME_EMPTY] = "KALLOC_BUFFER_A_OWNER is empty",
	[KALLOC_NAME_TOO_LONG] = "KALLOC_BUFFER_A_OWNER is too long",
	[KALLOC_NAME_LEADING] = "KALLOC_BUFFER_A_OWNER starts with '.' or '-'",
	[KALLOC_NAME_CHARSET] = "KALLOC_BUFFER_A_OWNER has a character outside [A-Za-z0-9_.-]",
};

/* Checks a name or owner attribute against the rule of include/kalloc/name.h. */
static int kalloc_nl_check_name(struct genl_info *info, int type)
{
	struct nlattr *attr = info->attrs[type];
	bool owner = type == KALLOC_BUFFER_A_OWNER;
	enum kalloc_name_fault fault;

	if (!attr)
		return 0;
	if (!kalloc_nl_string_ok(info->extack, attr, owner ?
				 "KALLOC_BUFFER_A_OWNER has bytes after its NUL" :
				 "KALLOC_BUFFER_A_NAME has bytes after its NUL"))
		return -EINVAL;
	fault = kalloc_name_check(nla_data(attr), owner ? KALLOC_OWNER_MAX :
				  KALLOC_NAME_MAX);
	if (fault == KALLOC_NAME_OK)
		return 0;
	kalloc_nl_err(info->extack, attr, owner ? kalloc_owner_msgs[fault] :
		      kalloc_name_msgs[fault]);
	return -EINVAL;
}

/* ---- one buffer ---------------------------------------------------------- */

/* Checks that exactly one of id and name selects a buffer. */
static int kalloc_nl_select_attrs(struct genl_info *info)
{
	struct nlattr *id = info->attrs[KALLOC_BUFFER_A_ID];
	struct nlattr *name = info->attrs[KALLOC_BUFFER_A_NAME];

	if (id && name) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "give KALLOC_BUFFER_A_ID or KALLOC_BUFFER_A_NAME, not both");
		return -EINVAL;
	}
	if (!id && !name) {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, KALLOC_BUFFER_A_ID);
		NL_SET_ERR_MSG(info->extack,
			       "KALLOC_BUFFER_A_ID or KALLOC_BUFFER_A_NAME is required");
		return -EINVAL;
	}
	return kalloc_nl_check_name(info, KALLOC_BUFFER_A_NAME);
}

/* Lock held. The buffer the request selects, or NULL and an extack message. */
static struct kalloc_buffer *kalloc_nl_select(struct genl_info *info)
{
	struct nlattr *id = info->attrs[KALLOC_BUFFER_A_ID];
	struct nlattr *name = info->attrs[KALLOC_BUFFER_A_NAME];
	struct kalloc_buffer *buf;

	if (id) {
		buf = kalloc_buffer_find_id(nla_get_u32(id));
		if (!buf)
			NL_SET_ERR_MSG_ATTR(info->extack, id,
					    "no buffer has this KALLOC_BUFFER_A_ID");
	} else {
		buf = kalloc_buffer_find_name(nla_data(name));
		if (!buf)
			NL_SET_ERR_MSG_ATTR(info->extack, name,
					    "no buffer has this KALLOC_BUFFER_A_NAME");
	}
	return buf;
}

typedef int (*kalloc_buffer_fn)(struct kalloc_buffer *buf,
				struct genl_info *info);

/* Runs fn on the buffer the request selects, under the table lock. */
static int kalloc_nl_with_buffer(struct genl_info *info, kalloc_buffer_fn fn)
{
	struct kalloc_buffer *buf;
	int err;

	err = kalloc_nl_select_attrs(info);
	if (err)
		return err;
	kalloc_table_lock();
	buf = kalloc_nl_select(info);
	err = buf ? fn(buf, info) : -ENOENT;
	kalloc_table_unlock();
	return err;
}

static int kalloc_buffer_get_one(struct kalloc_buffer *buf,
				 struct genl_info *info)
{
	return kalloc_buffer_reply(info, KALLOC_CMD_BUFFER_GET, buf);
}

static int kalloc_buffer_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return kalloc_nl_with_buffer(info, kalloc_buffer_get_one);
}

static int kalloc_buffer_del_one(struct kalloc_buffer *buf,
				 struct genl_info *info)
{
	/* A transfer holds it (vdev.c): refuse rather than wait. */
	if (buf->busy) {
		kalloc_nl_err(info->extack, NULL,
			      "the buffer is in a DMA transfer (KALLOC_CMD_VDEV_DMA): try again when it ends");
		return -EBUSY;
	}
	kalloc_buffer_destroy(buf, KALLOC_DEL_REQUEST);
	return 0;
}

static int kalloc_buffer_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return kalloc_nl_with_buffer(info, kalloc_buffer_del_one);
}

static int kalloc_buffer_check_one(struct kalloc_buffer *buf,
				   struct genl_info *info)
{
	kalloc_buffer_check(buf);
	return kalloc_buffer_reply(info, KALLOC_CMD_BUFFER_CHECK, buf);
}

static int kalloc_buffer_check_doit(struct sk_buff *skb, struct genl_info *info)
{
	return kalloc_nl_with_buffer(info, kalloc_buffer_check_one);
}

/* ---- reading and writing ------------------------------------------------- */

static const char *const kalloc_corrupt_msgs[] = {
	[KALLOC_GUARD_HEAD] = "the buffer is corrupt: its head guard is damaged",
	[KALLOC_GUARD_TAIL] = "the buffer is corrupt: its tail guard is damaged",
	[KALLOC_GUARD_HEAD | KALLOC_GUARD_TAIL] =
		"the buffer is corrupt: its head and tail guards are damaged",
};

/*
 * Checks that [offset, offset + len) lies inside buf and that buf's guards
 * hold; len_attr is the attribute that set len (NULL: len was derived).
 */
static int kalloc_io_check(struct kalloc_buffer *buf, struct genl_info *info,
			   u64 offset, u64 len, const struct nlattr *len_attr)
{
	struct nlattr *off_attr = info->attrs[KALLOC_BUFFER_A_OFFSET];
	u32 bad = kalloc_buffer_check(buf);

	if (bad) {
		kalloc_nl_err(info->extack, NULL, kalloc_corrupt_msgs[bad]);
		return -EIO;
	}
	if (offset >= buf->size) {
		NL_SET_ERR_MSG_ATTR(info->extack, off_attr,
				    "KALLOC_BUFFER_A_OFFSET is at or past the end of the buffer");
		goto range;
	}
	/* Not offset + len > size: that sum can wrap. */
	if (len > buf->size - offset) {
		kalloc_nl_err(info->extack, len_attr,
			      len_attr && nla_type(len_attr) == KALLOC_BUFFER_A_DATA ?
			      "KALLOC_BUFFER_A_DATA reaches past the end of the buffer" :
			      "KALLOC_BUFFER_A_LENGTH reaches past the end of the buffer");
		goto range;
	}
	return 0;

range:
	kalloc_nl_set_cookie(info->extack, KALLOC_COOKIE_BUFFER_SIZE,
			     buf->size, 0);
	return -ERANGE;
}

struct kalloc_read_msg {
	u32 id;
	u64 offset;
	u32 len;
	const void *data;
};

static int kalloc_read_fill(struct sk_buff *skb, const void *arg)
{
	const struct kalloc_read_msg *m = arg;

	if (nla_put_u32(skb, KALLOC_BUFFER_A_ID, m->id) ||
	    nla_put_u64_64bit(skb, KALLOC_BUFFER_A_OFFSET, m->offset,
			      KALLOC_BUFFER_A_PAD) ||
	    nla_put(skb, KALLOC_BUFFER_A_DATA, m->len, m->data))
		return -EMSGSIZE;
	return 0;
}

static u64 kalloc_nl_offset(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[KALLOC_BUFFER_A_OFFSET];

	return attr ? nla_get_u64(attr) : 0;
}

static int kalloc_buffer_read_one(struct kalloc_buffer *buf,
				  struct genl_info *info)
{
	struct nlattr *len_attr = info->attrs[KALLOC_BUFFER_A_LENGTH];
	struct kalloc_read_msg m = { .id = buf->id };
	int err;

	m.offset = kalloc_nl_offset(info);
	if (len_attr)
		m.len = nla_get_u32(len_attr);
	else if (m.offset < buf->size)
		m.len = min_t(u64, buf->size - m.offset, KALLOC_IO_MAX);
	err = kalloc_io_check(buf, info, m.offset, m.len, len_attr);
	if (err)
		return err;
	m.data = kalloc_mem_data(&buf->mem) + m.offset;
	return kalloc_nl_reply(info, KALLOC_CMD_BUFFER_READ,
			       nla_total_size(sizeof(u32)) +
			       nla_total_size_64bit(sizeof(u64)) +
			       nla_total_size(m.len),
			       kalloc_read_fill, &m);
}

static int kalloc_buffer_read_doit(struct sk_buff *skb, struct genl_info *info)
{
	return kalloc_nl_with_buffer(info, kalloc_buffer_read_one);
}

static int kalloc_buffer_write_one(struct kalloc_buffer *buf,
				   struct genl_info *info)
{
	struct nlattr *data = info->attrs[KALLOC_BUFFER_A_DATA];
	u64 offset = kalloc_nl_offset(info);
	int err;

	err = kalloc_io_check(buf, info, offset, nla_len(data), data);
	if (err)
		return err;
	memcpy(kalloc_mem_data(&buf->mem) + offset, nla_data(data),
	       nla_len(data));
	return 0;
}

static int kalloc_buffer_write_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (kalloc_nl_missing(info, KALLOC_BUFFER_A_DATA,
			      "KALLOC_BUFFER_A_DATA is required"))
		return -EINVAL;
	return kalloc_nl_with_buffer(info, kalloc_buffer_write_one);
}

/* ---- creating ------------------------------------------------------------ */

static int kalloc_nl_new_attrs(struct genl_info *info)
{
	int err;

	if (kalloc_nl_missing(info, KALLOC_BUFFER_A_NAME,
			      "KALLOC_BUFFER_A_NAME is required") ||
	    kalloc_nl_missing(info, KALLOC_BUFFER_A_SIZE,
			      "KALLOC_BUFFER_A_SIZE is required"))
		return -EINVAL;
	err = kalloc_nl_check_name(info, KALLOC_BUFFER_A_NAME);
	if (err)
		return err;
	return kalloc_nl_check_name(info, KALLOC_BUFFER_A_OWNER);
}

static void kalloc_nl_new_spec(struct genl_info *info,
			       struct kalloc_buffer_spec *spec)
{
	struct nlattr **tb = info->attrs;

	spec->name = nla_data(tb[KALLOC_BUFFER_A_NAME]);
	spec->size = nla_get_u64(tb[KALLOC_BUFFER_A_SIZE]);
	spec->policy = tb[KALLOC_BUFFER_A_POLICY] ?
		       nla_get_u32(tb[KALLOC_BUFFER_A_POLICY]) : 0;
	spec->owner = tb[KALLOC_BUFFER_A_OWNER] ?
		      nla_data(tb[KALLOC_BUFFER_A_OWNER]) : NULL;
	spec->flags = tb[KALLOC_BUFFER_A_FLAGS] ?
		      nla_get_u32(tb[KALLOC_BUFFER_A_FLAGS]) : 0;
	spec->portid = info->snd_portid;
}

static void kalloc_nl_refused(struct genl_info *info,
			      const struct kalloc_refusal *why)
{
	kalloc_nl_err(info->extack, info->attrs[why->attr], why->msg);
	if (why->kind)
		kalloc_nl_set_cookie(info->extack, why->kind, why->a, why->b);
}

static int kalloc_buffer_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kalloc_buffer_spec spec;
	struct kalloc_refusal why;
	struct kalloc_buffer *buf;
	int err;

	err = kalloc_nl_new_attrs(info);
	if (err)
		return err;
	kalloc_nl_new_spec(info, &spec);

	kalloc_table_lock();
	err = kalloc_buffer_create(&spec, &buf, &why);
	if (err) {
		kalloc_nl_refused(info, &why);
		goto unlock;
	}
	err = kalloc_buffer_reply(info, KALLOC_CMD_BUFFER_NEW, buf);
	if (err)
		goto destroy;
	kalloc_nl_buffer_event(buf, KALLOC_CMD_BUFFER_NEW, 0);
	kalloc_table_unlock();
	return 0;

destroy:
	/* No reply, no buffer: the caller must not be left guessing. */
	kalloc_buffer_destroy(buf, 0);
unlock:
	kalloc_table_unlock();
	return err;
}

/* ---- changing in place ---------------------------------------------------- */

/*
 * The reply's memory is taken before the buffer changes: a buffer that was
 * reshaped must not then be reported as refused for want of memory (the
 * uapi: on ENOMEM the buffer is unchanged).
 */
static int kalloc_buffer_set_one(struct kalloc_buffer *buf,
				 struct genl_info *info)
{
	struct nlattr *size_attr = info->attrs[KALLOC_BUFFER_A_SIZE];
	struct nlattr *policy_attr = info->attrs[KALLOC_BUFFER_A_POLICY];
	u64 size = size_attr ? nla_get_u64(size_attr) : buf->size;
	unsigned int policy = policy_attr ? nla_get_u32(policy_attr) :
			      buf->mem.policy;
	struct kalloc_buffer_msg m = { .buf = buf };
	struct kalloc_refusal why;
	struct sk_buff *reply;
	int err;

	if (size == buf->size && policy == buf->mem.policy)
		return kalloc_buffer_reply(info, KALLOC_CMD_BUFFER_SET, buf);
	reply = kalloc_nl_reply_new(info, kalloc_buffer_msg_size());
	if (!reply)
		return -ENOMEM;
	err = kalloc_buffer_reshape(buf, size, policy, &why);
	if (err == -EIO) {
		nlmsg_free(reply);
		kalloc_nl_err(info->extack, NULL, kalloc_corrupt_msgs[buf->guards]);
		return err;
	}
	if (err) {
		nlmsg_free(reply);
		kalloc_nl_refused(info, &why);
		return err;
	}
	kalloc_nl_buffer_event(buf, KALLOC_CMD_BUFFER_SET, 0);
	return kalloc_nl_reply_send(info, reply, KALLOC_CMD_BUFFER_SET,
				    kalloc_buffer_fill, &m);
}

static int kalloc_buffer_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (!info->attrs[KALLOC_BUFFER_A_SIZE] &&
	    !info->attrs[KALLOC_BUFFER_A_POLICY]) {
		NL_SET_ERR_MSG(info->extack,
			       "KALLOC_BUFFER_A_SIZE or KALLOC_BUFFER_A_POLICY is required");
		return -EINVAL;
	}
	return kalloc_nl_with_buffer(info, kalloc_buffer_set_one);
}

/* ---- flush --------------------------------------------------------------- */

struct kalloc_flush_msg {
	const char *owner;
	u32 count;
};

static int kalloc_flush_fill(struct sk_buff *skb, const void *arg)
{
	const struct kalloc_flush_msg *m = arg;

	if (nla_put_string(skb, KALLOC_BUFFER_A_OWNER, m->owner) ||
	    nla_put_u32(skb, KALLOC_BUFFER_A_COUNT, m->count))
		return -EMSGSIZE;
	return 0;
}

/*
 * The reply's memory is taken before any buffer is deleted: a flush that
 * deleted buffers must not then fail for want of memory to say so.
 */
static int kalloc_buffer_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kalloc_flush_msg m = {};
	struct kalloc_buffer *buf;
	struct sk_buff *reply;
	unsigned long id;
	int err;

	if (kalloc_nl_missing(info, KALLOC_BUFFER_A_OWNER,
			      "KALLOC_BUFFER_A_OWNER is required"))
		return -EINVAL;
	err = kalloc_nl_check_name(info, KALLOC_BUFFER_A_OWNER);
	if (err)
		return err;
	m.owner = nla_data(info->attrs[KALLOC_BUFFER_A_OWNER]);
	reply = kalloc_nl_reply_new(info, nla_total_size(KALLOC_OWNER_MAX) +
				    nla_total_size(sizeof(u32)));
	if (!reply)
		return -ENOMEM;

	kalloc_table_lock();
	for (id = 0; (buf = kalloc_buffer_next(&id)); id++) {
		if (strcmp(buf->owner, m.owner))
			continue;
		kalloc_buffer_destroy(buf, KALLOC_DEL_FLUSH);
		m.count++;
	}
	kalloc_table_unlock();
	return kalloc_nl_reply_send(info, reply, KALLOC_CMD_BUFFER_FLUSH,
				    kalloc_flush_fill, &m);
}

/* ---- dumps --------------------------------------------------------------- */

/* Where a dump resumes: the lowest id not yet emitted. */
struct kalloc_dump_ctx {
	unsigned long next_id;
};

/* A dump lists every buffer: an attribute that would select one is refused. */
static int kalloc_nl_dump_attrs(struct netlink_callback *cb)
{
	struct nlattr **tb = genl_dumpit_info(cb)->attrs;

	if (!tb)
		return 0;
	if (tb[KALLOC_BUFFER_A_ID]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, tb[KALLOC_BUFFER_A_ID],
				    "a dump takes no KALLOC_BUFFER_A_ID: select a buffer with a do request");
		return -EINVAL;
	}
	if (tb[KALLOC_BUFFER_A_NAME]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, tb[KALLOC_BUFFER_A_NAME],
				    "a dump takes no KALLOC_BUFFER_A_NAME: select a buffer with a do request");
		return -EINVAL;
	}
	return 0;
}

/* One pass of a GET or CHECK dump (cmd); CHECK checks each buffer first. */
static int kalloc_buffer_dump(struct sk_buff *skb, struct netlink_callback *cb,
			      u8 cmd)
{
	struct kalloc_dump_ctx *ctx = (struct kalloc_dump_ctx *)cb->ctx;
	struct kalloc_buffer_msg m = {};
	struct kalloc_buffer *buf;
	unsigned long id;
	int err;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	err = kalloc_nl_dump_attrs(cb);
	if (err)
		return err;

	kalloc_table_lock();
	cb->seq = kalloc_table_generation();
	for (id = ctx->next_id; (buf = kalloc_buffer_next(&id)); id++) {
		if (cmd == KALLOC_CMD_BUFFER_CHECK)
			kalloc_buffer_check(buf);
		m.buf = buf;
		err = kalloc_nl_dump_one(skb, cb, cmd, kalloc_buffer_fill, &m);
		if (err)
			break;
		ctx->next_id = id + 1;
	}
	kalloc_table_unlock();

	/* A full skb ends this pass; only an empty one is an error. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int kalloc_buffer_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	return kalloc_buffer_dump(skb, cb, KALLOC_CMD_BUFFER_GET);
}

static int kalloc_buffer_check_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	return kalloc_buffer_dump(skb, cb, KALLOC_CMD_BUFFER_CHECK);
}

/* ---- requests ------------------------------------------------------------ */

const struct kalloc_nl_request kalloc_nl_buffer_new = {
	.cmd = KALLOC_CMD_BUFFER_NEW,
	.admin = true,
	.policy = kalloc_buffer_new_policy,
	.maxattr = ARRAY_SIZE(kalloc_buffer_new_policy) - 1,
	.doit = kalloc_buffer_new_doit,
};

const struct kalloc_nl_request kalloc_nl_buffer_get = {
	.cmd = KALLOC_CMD_BUFFER_GET,
	.policy = kalloc_buffer_select_policy,
	.maxattr = ARRAY_SIZE(kalloc_buffer_select_policy) - 1,
	.doit = kalloc_buffer_get_doit,
	.dumpit = kalloc_buffer_get_dumpit,
};

const struct kalloc_nl_request kalloc_nl_buffer_del = {
	.cmd = KALLOC_CMD_BUFFER_DEL,
	.admin = true,
	.policy = kalloc_buffer_select_policy,
	.maxattr = ARRAY_SIZE(kalloc_buffer_select_policy) - 1,
	.doit = kalloc_buffer_del_doit,
};

const struct kalloc_nl_request kalloc_nl_buffer_read = {
	.cmd = KALLOC_CMD_BUFFER_READ,
	.admin = true,
	.policy = kalloc_buffer_read_policy,
	.maxattr = ARRAY_SIZE(kalloc_buffer_read_policy) - 1,
	.doit = kalloc_buffer_read_doit,
};

const struct kalloc_nl_request kalloc_nl_buffer_write = {
	.cmd = KALLOC_CMD_BUFFER_WRITE,
	.admin = true,
	.policy = kalloc_buffer_write_policy,
	.maxattr = ARRAY_SIZE(kalloc_buffer_write_policy) - 1,
	.doit = kalloc_buffer_write_doit,
};

const struct kalloc_nl_request kalloc_nl_buffer_check = {
	.cmd = KALLOC_CMD_BUFFER_CHECK,
	.policy = kalloc_buffer_select_policy,
	.maxattr = ARRAY_SIZE(kalloc_buffer_select_policy) - 1,
	.doit = kalloc_buffer_check_doit,
	.dumpit = kalloc_buffer_check_dumpit,
};

const struct kalloc_nl_request kalloc_nl_buffer_set = {
	.cmd = KALLOC_CMD_BUFFER_SET,
	.admin = true,
	.policy = kalloc_buffer_set_policy,
	.maxattr = ARRAY_SIZE(kalloc_buffer_set_policy) - 1,
	.doit = kalloc_buffer_set_doit,
};

const struct kalloc_nl_request kalloc_nl_buffer_flush = {
	.cmd = KALLOC_CMD_BUFFER_FLUSH,
	.admin = true,
	.policy = kalloc_buffer_flush_policy,
	.maxattr = ARRAY_SIZE(kalloc_buffer_flush_policy) - 1,
	.doit = kalloc_buffer_flush_doit,
};
