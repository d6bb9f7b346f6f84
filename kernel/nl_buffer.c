// SPDX-License-Identifier: GPL-2.0
/*
 * KALLOC_CMD_BUFFER_{NEW,GET,DEL} and their notifications.
 *
 * Requests arrive already validated against the policies below (strict
 * validation of every op: resv_start_op is 0), so a handler only checks
 * what a policy cannot express: required and mutually exclusive
 * attributes, the character set of a name, and the state of the table.
 * Every refusal carries an extack message that names the attribute and
 * points at it.
 *
 * The family runs with parallel_ops: handlers and dumps do not take
 * genl_mutex; kalloc_table_lock() (buffer.c) serialises them. A handler
 * builds its reply and its notification under that lock, so both
 * describe the table as the change left it, and sends them afterwards
 * or under the lock (genlmsg_multicast() does not sleep on our locks).
 *
 * Dumps keep their position in cb->ctx as the next id to emit, never a
 * pointer, so a buffer deleted between two recvmsg() calls cannot be
 * dereferenced. Each pass stamps cb->seq with the table's generation;
 * genl_dump_check_consistent() then flags NLM_F_DUMP_INTR on the first
 * message built after a create or delete.
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "kalloc_nl.h"

static struct netlink_range_validation kalloc_id_range __ro_after_init = {
	.min = 1,
	.max = U32_MAX,
};

static struct netlink_range_validation kalloc_size_range __ro_after_init = {
	.min = 1,
	.max = KALLOC_BUFFER_SIZE_MAX,
};

const struct nla_policy kalloc_buffer_new_policy[KALLOC_BUFFER_A_SIZE + 1] = {
	[KALLOC_BUFFER_A_NAME] = { .type = NLA_NUL_STRING,
				   .len = KALLOC_NAME_MAX - 1 },
	[KALLOC_BUFFER_A_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U64,
						       &kalloc_size_range),
};

/* BUFFER_GET and BUFFER_DEL: select one buffer by id or by name. */
const struct nla_policy kalloc_buffer_select_policy[KALLOC_BUFFER_A_NAME + 1] = {
	[KALLOC_BUFFER_A_ID] = NLA_POLICY_FULL_RANGE(NLA_U32,
						     &kalloc_id_range),
	[KALLOC_BUFFER_A_NAME] = { .type = NLA_NUL_STRING,
				   .len = KALLOC_NAME_MAX - 1 },
};

/* Where a dump resumes: the lowest id not yet emitted. */
struct kalloc_dump_ctx {
	unsigned long next_id;
};

/*
 * Linux 6.1 has no NL_SET_ERR_MSG_FMT() (6.2 added it, with a buffer in
 * struct netlink_ext_ack): extack->_msg must point at memory that lives
 * until netlink_rcv_skb() copies it into the ACK, after the handler has
 * returned. Formatted messages therefore go to a ring of static slots. A
 * slot is rewritten only after KALLOC_MSG_SLOTS later refusals, far more
 * than can happen between one handler's return and its ACK, and the
 * last byte of every slot is never written, so even a slot reused too
 * early reads as a bounded string.
 */
#define KALLOC_MSG_SLOTS	32
#define KALLOC_MSG_LEN		(KALLOC_WHY_LEN + 32)

static char kalloc_msgs[KALLOC_MSG_SLOTS][KALLOC_MSG_LEN];
static atomic_t kalloc_msg_next = ATOMIC_INIT(0);

static __printf(3, 4)
void kalloc_nl_err(struct netlink_ext_ack *extack, const struct nlattr *attr,
		   const char *fmt, ...)
{
	unsigned int slot = atomic_inc_return(&kalloc_msg_next);
	char *msg = kalloc_msgs[slot % KALLOC_MSG_SLOTS];
	va_list args;

	if (!extack)
		return;
	va_start(args, fmt);
	vsnprintf(msg, KALLOC_MSG_LEN - 1, fmt, args);
	va_end(args);
	extack->_msg = msg;
	NL_SET_BAD_ATTR(extack, attr);
}

static const char *const kalloc_attr_names[] = {
	[KALLOC_BUFFER_A_ID] = "KALLOC_BUFFER_A_ID",
	[KALLOC_BUFFER_A_NAME] = "KALLOC_BUFFER_A_NAME",
	[KALLOC_BUFFER_A_SIZE] = "KALLOC_BUFFER_A_SIZE",
};

static size_t kalloc_nl_buffer_size(void)
{
	return nla_total_size(sizeof(u32)) +		/* ID */
	       nla_total_size(KALLOC_NAME_MAX) +	/* NAME */
	       nla_total_size_64bit(sizeof(u64)) +	/* SIZE */
	       nla_total_size(sizeof("vmalloc"));	/* ALLOCATOR */
}

static int kalloc_nl_fill(struct sk_buff *skb, const struct kalloc_buffer *buf)
{
	if (nla_put_u32(skb, KALLOC_BUFFER_A_ID, buf->id) ||
	    nla_put_string(skb, KALLOC_BUFFER_A_NAME, buf->name) ||
	    nla_put_u64_64bit(skb, KALLOC_BUFFER_A_SIZE, buf->size,
			      KALLOC_BUFFER_A_PAD) ||
	    nla_put_string(skb, KALLOC_BUFFER_A_ALLOCATOR,
			   kalloc_buffer_allocator(buf)))
		return -EMSGSIZE;
	return 0;
}

/* A reply or notification message describing buf; NULL if it cannot be built. */
static struct sk_buff *kalloc_nl_buffer_msg(const struct kalloc_buffer *buf,
					    struct genl_info *info, u8 cmd)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(kalloc_nl_buffer_size(), GFP_KERNEL);
	if (!skb)
		return NULL;
	if (info)
		hdr = genlmsg_put_reply(skb, info, &kalloc_genl_family, 0, cmd);
	else
		hdr = genlmsg_put(skb, 0, 0, &kalloc_genl_family, 0, cmd);
	if (!hdr || kalloc_nl_fill(skb, buf))
		goto free_skb;
	genlmsg_end(skb, hdr);
	return skb;

free_skb:
	nlmsg_free(skb);
	return NULL;
}

/*
 * Tells the "events" group that buf was created or deleted (cmd). Lock
 * held, so the message matches the table. Multicast is best effort, as
 * netlink multicast always is: without memory the event is dropped.
 */
void kalloc_nl_notify(const struct kalloc_buffer *buf, u8 cmd)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&kalloc_genl_family, &init_net,
				KALLOC_MCGRP_IDX_EVENTS))
		return;
	skb = kalloc_nl_buffer_msg(buf, NULL, cmd);
	if (skb)
		genlmsg_multicast(&kalloc_genl_family, skb, 0,
				  KALLOC_MCGRP_IDX_EVENTS, GFP_KERNEL);
}

static int kalloc_nl_check_name(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[KALLOC_BUFFER_A_NAME];
	const char *problem = kalloc_name_problem(nla_data(attr));

	if (!problem)
		return 0;
	kalloc_nl_err(info->extack, attr, "KALLOC_BUFFER_A_NAME %s", problem);
	return -EINVAL;
}

static int kalloc_nl_new_attrs(struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, KALLOC_BUFFER_A_NAME)) {
		NL_SET_ERR_MSG(info->extack, "KALLOC_BUFFER_A_NAME is required");
		return -EINVAL;
	}
	if (GENL_REQ_ATTR_CHECK(info, KALLOC_BUFFER_A_SIZE)) {
		NL_SET_ERR_MSG(info->extack, "KALLOC_BUFFER_A_SIZE is required");
		return -EINVAL;
	}
	return kalloc_nl_check_name(info);
}

int kalloc_nl_buffer_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct kalloc_buffer *buf;
	struct kalloc_why why;
	struct sk_buff *rsp;
	int err;

	err = kalloc_nl_new_attrs(info);
	if (err)
		return err;

	kalloc_table_lock();
	err = kalloc_buffer_create(nla_data(tb[KALLOC_BUFFER_A_NAME]),
				   nla_get_u64(tb[KALLOC_BUFFER_A_SIZE]),
				   &buf, &why);
	if (err) {
		kalloc_nl_err(info->extack, tb[why.attr], "%s: %s",
			      kalloc_attr_names[why.attr], why.msg);
		goto unlock;
	}
	rsp = kalloc_nl_buffer_msg(buf, info, KALLOC_CMD_BUFFER_NEW);
	if (!rsp) {
		err = -ENOMEM;
		goto destroy;
	}
	kalloc_nl_notify(buf, KALLOC_CMD_BUFFER_NEW);
	kalloc_table_unlock();
	return genlmsg_reply(rsp, info);

destroy:
	/* No reply, no buffer: the caller must not be left guessing. */
	kalloc_buffer_unlink(buf);
	kalloc_buffer_free(buf);
unlock:
	kalloc_table_unlock();
	return err;
}

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
	if (name && !*(char *)nla_data(name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "KALLOC_BUFFER_A_NAME is empty");
		return -EINVAL;
	}
	return 0;
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

int kalloc_nl_buffer_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kalloc_buffer *buf;
	struct sk_buff *rsp;
	int err;

	err = kalloc_nl_select_attrs(info);
	if (err)
		return err;

	kalloc_table_lock();
	buf = kalloc_nl_select(info);
	if (!buf) {
		kalloc_table_unlock();
		return -ENOENT;
	}
	rsp = kalloc_nl_buffer_msg(buf, info, KALLOC_CMD_BUFFER_GET);
	kalloc_table_unlock();
	if (!rsp)
		return -ENOMEM;
	return genlmsg_reply(rsp, info);
}

int kalloc_nl_buffer_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kalloc_buffer *buf;
	int err;

	err = kalloc_nl_select_attrs(info);
	if (err)
		return err;

	kalloc_table_lock();
	buf = kalloc_nl_select(info);
	if (!buf) {
		kalloc_table_unlock();
		return -ENOENT;
	}
	kalloc_buffer_unlink(buf);
	kalloc_nl_notify(buf, KALLOC_CMD_BUFFER_DEL);
	kalloc_table_unlock();
	kalloc_buffer_free(buf);
	return 0;
}

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

static int kalloc_nl_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			      const struct kalloc_buffer *buf)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &kalloc_genl_family, NLM_F_MULTI,
			  KALLOC_CMD_BUFFER_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (kalloc_nl_fill(skb, buf)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

int kalloc_nl_buffer_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct kalloc_dump_ctx *ctx = (struct kalloc_dump_ctx *)cb->ctx;
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
		err = kalloc_nl_dump_one(skb, cb, buf);
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
