// SPDX-License-Identifier: GPL-2.0
/*
 * KALLOC_CMD_POLICY_GET and KALLOC_CMD_POLICY_SET: which allocator policy
 * serves new buffers, and moving buffers between policies.
 *
 * A switch with migration walks the table in id order and moves one
 * buffer at a time (table.c: kalloc_buffer_move()), holding the table
 * lock throughout, so that the whole migration is one step for every
 * other request: nothing is created, deleted, read or written while
 * buffers are being moved. The lock is a mutex, so the walk reschedules
 * between buffers.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "netlink.h"
#include "table.h"
#include "../include/kalloc/policy.h"

static const struct nla_policy kalloc_policy_get_policy[KALLOC_POLICY_A_ID + 1] = {
	[KALLOC_POLICY_A_ID] = NLA_POLICY_RANGE(NLA_U32, 1, KALLOC_POLICY_MAX),
};

static const struct nla_policy kalloc_policy_set_policy[KALLOC_POLICY_A_FROM + 1] = {
	[KALLOC_POLICY_A_ID] = NLA_POLICY_RANGE(NLA_U32, 1, KALLOC_POLICY_MAX),
	[KALLOC_POLICY_A_MIGRATE] = { .type = NLA_FLAG },
	[KALLOC_POLICY_A_FROM] = NLA_POLICY_RANGE(NLA_U32, 1, KALLOC_POLICY_MAX),
};

/* A policy's description, and for POLICY_SET what the switch did. */
struct kalloc_policy_msg {
	struct kalloc_policy_info info;
	bool set;		/* a POLICY_SET reply or event */
	u32 previous;
	bool changed;
	u32 migrated, unmoved;
};

static size_t kalloc_policy_msg_size(void)
{
	return 5 * nla_total_size(sizeof(u32)) +	/* ID BUFFERS PREVIOUS MIGRATED UNMOVED */
	       nla_total_size(16) +			/* NAME */
	       2 * nla_total_size(sizeof(u8)) +		/* ACTIVE CHANGED */
	       2 * nla_total_size_64bit(sizeof(u64));	/* ARENA_BYTES ARENA_LIMIT */
}

static int kalloc_policy_fill_set(struct sk_buff *skb,
				  const struct kalloc_policy_msg *m)
{
	if (nla_put_u32(skb, KALLOC_POLICY_A_PREVIOUS, m->previous) ||
	    nla_put_u8(skb, KALLOC_POLICY_A_CHANGED, m->changed) ||
	    nla_put_u32(skb, KALLOC_POLICY_A_MIGRATED, m->migrated) ||
	    nla_put_u32(skb, KALLOC_POLICY_A_UNMOVED, m->unmoved))
		return -EMSGSIZE;
	return 0;
}

static int kalloc_policy_fill(struct sk_buff *skb, const void *arg)
{
	const struct kalloc_policy_msg *m = arg;
	const struct kalloc_policy_info *pi = &m->info;

	if (nla_put_u32(skb, KALLOC_POLICY_A_ID, pi->id) ||
	    nla_put_string(skb, KALLOC_POLICY_A_NAME,
			   kalloc_policy_name(pi->id)) ||
	    nla_put_u8(skb, KALLOC_POLICY_A_ACTIVE, pi->active) ||
	    nla_put_u32(skb, KALLOC_POLICY_A_BUFFERS, pi->buffers) ||
	    nla_put_u64_64bit(skb, KALLOC_POLICY_A_ARENA_BYTES, pi->arena_bytes,
			      KALLOC_POLICY_A_PAD) ||
	    nla_put_u64_64bit(skb, KALLOC_POLICY_A_ARENA_LIMIT, pi->arena_limit,
			      KALLOC_POLICY_A_PAD))
		return -EMSGSIZE;
	return m->set ? kalloc_policy_fill_set(skb, m) : 0;
}

/* ---- POLICY_GET ---------------------------------------------------------- */

static int kalloc_policy_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *id = info->attrs[KALLOC_POLICY_A_ID];
	struct kalloc_policy_msg m = {};
	int err;

	kalloc_table_lock();
	kalloc_policy_info(id ? nla_get_u32(id) : kalloc_policy_active(),
			   &m.info);
	err = kalloc_nl_reply(info, KALLOC_CMD_POLICY_GET,
			      kalloc_policy_msg_size(), kalloc_policy_fill, &m);
	kalloc_table_unlock();
	return err;
}

/* cb->args[0]: the next policy to emit. */
static int kalloc_policy_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	struct nlattr **tb = genl_dumpit_info(cb)->attrs;
	struct kalloc_policy_msg m = {};
	unsigned int id;

	if (tb && tb[KALLOC_POLICY_A_ID]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, tb[KALLOC_POLICY_A_ID],
				    "a dump takes no KALLOC_POLICY_A_ID: select a policy with a do request");
		return -EINVAL;
	}
	kalloc_table_lock();
	for (id = max_t(long, cb->args[0], 1); id <= KALLOC_POLICY_MAX; id++) {
		kalloc_policy_info(id, &m.info);
		if (kalloc_nl_dump_one(skb, cb, KALLOC_CMD_POLICY_GET,
				       kalloc_policy_fill, &m))
			break;
		cb->args[0] = id + 1;
	}
	kalloc_table_unlock();
	return skb->len;
}

/* ---- POLICY_SET ---------------------------------------------------------- */

/* Lock held. Moves the buffers that from (0: every policy) serves to id. */
static void kalloc_policy_migrate(struct kalloc_policy_msg *m, u32 id, u32 from)
{
	struct kalloc_buffer *buf;
	unsigned long i;

	for (i = 0; (buf = kalloc_buffer_next(&i)); i++) {
		if (buf->mem.policy == id || (from && buf->mem.policy != from))
			continue;
		if (kalloc_buffer_move(buf, id))
			m->unmoved++;
		else
			m->migrated++;
		cond_resched();
	}
}

static int kalloc_policy_set_attrs(struct genl_info *info)
{
	if (kalloc_nl_missing(info, KALLOC_POLICY_A_ID,
			      "KALLOC_POLICY_A_ID is required"))
		return -EINVAL;
	if (info->attrs[KALLOC_POLICY_A_FROM] &&
	    !info->attrs[KALLOC_POLICY_A_MIGRATE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KALLOC_POLICY_A_FROM],
				    "KALLOC_POLICY_A_FROM needs KALLOC_POLICY_A_MIGRATE");
		return -EINVAL;
	}
	return 0;
}

/*
 * The reply's memory is taken before the switch: a switch that changed the
 * active policy and moved buffers must not then fail for want of memory
 * to say so.
 */
static int kalloc_policy_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct kalloc_policy_msg m = { .set = true };
	struct sk_buff *reply;
	u32 id, from;
	int err;

	err = kalloc_policy_set_attrs(info);
	if (err)
		return err;
	id = nla_get_u32(tb[KALLOC_POLICY_A_ID]);
	from = tb[KALLOC_POLICY_A_FROM] ? nla_get_u32(tb[KALLOC_POLICY_A_FROM]) : 0;
	reply = kalloc_nl_reply_new(info, kalloc_policy_msg_size());
	if (!reply)
		return -ENOMEM;

	kalloc_table_lock();
	m.previous = kalloc_policy_active();
	kalloc_policy_set_active(id);
	if (tb[KALLOC_POLICY_A_MIGRATE])
		kalloc_policy_migrate(&m, id, from);
	m.changed = m.previous != id || m.migrated;
	kalloc_policy_info(id, &m.info);
	if (m.changed)
		kalloc_nl_notify(KALLOC_CMD_POLICY_SET, kalloc_policy_msg_size(),
				 kalloc_policy_fill, &m);
	err = kalloc_nl_reply_send(info, reply, KALLOC_CMD_POLICY_SET,
				   kalloc_policy_fill, &m);
	kalloc_table_unlock();
	return err;
}

const struct kalloc_nl_request kalloc_nl_policy_get = {
	.cmd = KALLOC_CMD_POLICY_GET,
	.policy = kalloc_policy_get_policy,
	.maxattr = ARRAY_SIZE(kalloc_policy_get_policy) - 1,
	.doit = kalloc_policy_get_doit,
	.dumpit = kalloc_policy_get_dumpit,
};

const struct kalloc_nl_request kalloc_nl_policy_set = {
	.cmd = KALLOC_CMD_POLICY_SET,
	.admin = true,
	.policy = kalloc_policy_set_policy,
	.maxattr = ARRAY_SIZE(kalloc_policy_set_policy) - 1,
	.doit = kalloc_policy_set_doit,
};
