// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "kalloc": the family, its ops table, and the
 * helpers that every request file shares.
 *
 * Requests arrive already validated against their command's policy
 * (strict validation of every op: resv_start_op is 0), so a handler only
 * checks what a policy cannot express: required and mutually exclusive
 * attributes, the character set of a name, and the state of the module.
 *
 * The family runs with parallel_ops: handlers and dumps do not take
 * genl_mutex; the buffer table's mutex (table.c) serialises them.
 *
 * Extended ACK messages are static strings. Linux 6.1 has no
 * NL_SET_ERR_MSG_FMT(): extack->_msg must point at memory that lives
 * until netlink_ack() has measured, allocated and copied it, after the
 * handler has returned, so a formatted message would need storage that
 * no concurrent request can rewrite in between (a shared ring of static
 * slots could, and then netlink_ack() WARNs). Numbers therefore travel
 * in the extack cookie (struct kalloc_cookie, see the uapi header), which
 * netlink copies out of the extack itself.
 *
 * Socket-owned buffers: the netlink notifier tells us when a socket
 * closes (NETLINK_URELEASE, from netlink_release(), in process context),
 * and the buffer table frees what that socket owned.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "debugfs.h"
#include "netlink.h"
#include "table.h"

/* The ops table: one line per command, in command order. */
static const struct kalloc_nl_request *const kalloc_nl_requests[] = {
	&kalloc_nl_buffer_new,
	&kalloc_nl_buffer_get,
	&kalloc_nl_buffer_del,
	&kalloc_nl_buffer_read,
	&kalloc_nl_buffer_write,
	&kalloc_nl_buffer_check,
	&kalloc_nl_buffer_flush,
	&kalloc_nl_policy_get,
	&kalloc_nl_policy_set,
	&kalloc_nl_stats_get,
	&kalloc_nl_bench_run,
	&kalloc_nl_stats_set,
	&kalloc_nl_meminfo_get,
	&kalloc_nl_vdev_new,
	&kalloc_nl_vdev_get,
	&kalloc_nl_vdev_del,
	&kalloc_nl_vdev_set,
	&kalloc_nl_vdev_irq,
	&kalloc_nl_vdev_dma,
	&kalloc_nl_buffer_set,
};

static struct genl_ops kalloc_genl_ops[ARRAY_SIZE(kalloc_nl_requests)] __ro_after_init;

/* Joining "perf" makes every allocation pay: CAP_NET_ADMIN (see the uapi). */
static const struct genl_multicast_group kalloc_genl_mcgrps[] = {
	[KALLOC_MCGRP_IDX_EVENTS] = { .name = KALLOC_MCGRP_EVENTS },
	[KALLOC_MCGRP_IDX_STATS] = { .name = KALLOC_MCGRP_STATS },
	[KALLOC_MCGRP_IDX_PERF] = { .name = KALLOC_MCGRP_PERF,
				    .flags = GENL_MCAST_CAP_NET_ADMIN },
};

/* Messages per group that netlink took or refused (perf counts records). */
static atomic64_t kalloc_nl_sent[KALLOC_MCGRP_COUNT];
static atomic64_t kalloc_nl_failed[KALLOC_MCGRP_COUNT];

/* The debugfs stall_ms test knob: answers that come late, or never. */
static int kalloc_nl_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			      struct genl_info *info)
{
	unsigned int ms = kalloc_debugfs_stall_ms();

	if (ms)
		schedule_timeout_killable(msecs_to_jiffies(ms));
	return 0;
}

/*
 * resv_start_op stays 0: every command is validated strictly. The table
 * lock serialises handlers, so genl_mutex is not needed (parallel_ops).
 */
static struct genl_family kalloc_genl_family __ro_after_init = {
	.name = KALLOC_GENL_NAME,
	.version = KALLOC_GENL_VERSION,
	.netnsok = false,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.pre_doit = kalloc_nl_pre_doit,
	.ops = kalloc_genl_ops,
	.n_ops = ARRAY_SIZE(kalloc_genl_ops),
	.mcgrps = kalloc_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kalloc_genl_mcgrps),
};

/*
 * Whether the family is registered: buffers are created at load before it
 * is, and freed at unload after it is gone, and then nothing is sent.
 */
static bool kalloc_nl_registered;

static void __init kalloc_nl_build_ops(void)
{
	const struct kalloc_nl_request *req;
	struct genl_ops *op;
	unsigned int i;

	BUILD_BUG_ON(ARRAY_SIZE(kalloc_nl_requests) > KALLOC_CMD_MAX);
	for (i = 0; i < ARRAY_SIZE(kalloc_nl_requests); i++) {
		req = kalloc_nl_requests[i];
		op = &kalloc_genl_ops[i];
		op->cmd = req->cmd;
		op->flags = req->admin ? GENL_ADMIN_PERM : 0;
		op->policy = req->policy;
		op->maxattr = req->maxattr;
		op->doit = req->doit;
		op->dumpit = req->dumpit;
	}
}

/* ---- messages ---------------------------------------------------------- */

/* A message of cmd with room for size bytes of attributes, built by fill. */
static struct sk_buff *kalloc_nl_msg(struct genl_info *info, u8 cmd,
				     size_t size, kalloc_nl_fill_t fill,
				     const void *arg)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(size, GFP_KERNEL);
	if (!skb)
		return NULL;
	if (info)
		hdr = genlmsg_put_reply(skb, info, &kalloc_genl_family, 0, cmd);
	else
		hdr = genlmsg_put(skb, 0, 0, &kalloc_genl_family, 0, cmd);
	if (!hdr || fill(skb, arg))
		goto free_skb;
	genlmsg_end(skb, hdr);
	return skb;

free_skb:
	nlmsg_free(skb);
	return NULL;
}

/*
 * The memory of a reply of size bytes, for a handler that must not fail
 * once it has changed something: it takes this first, changes, then sends
 * with kalloc_nl_reply_send(). NULL, with an extack message, without memory.
 */
struct sk_buff *kalloc_nl_reply_new(struct genl_info *info, size_t size)
{
	struct sk_buff *skb = genlmsg_new(size, GFP_KERNEL);

	if (!skb)
		NL_SET_ERR_MSG(info->extack, "no memory for the reply");
	return skb;
}

/* Fills skb (kalloc_nl_reply_new()'s) with one message of cmd and sends it. */
int kalloc_nl_reply_send(struct genl_info *info, struct sk_buff *skb, u8 cmd,
			 kalloc_nl_fill_t fill, const void *arg)
{
	void *hdr = genlmsg_put_reply(skb, info, &kalloc_genl_family, 0, cmd);

	if (!hdr || fill(skb, arg)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

/*
 * Replies to info with one message of cmd; -ENOMEM, with an extack
 * message, if it cannot be built.
 */
int kalloc_nl_reply(struct genl_info *info, u8 cmd, size_t size,
		    kalloc_nl_fill_t fill, const void *arg)
{
	struct sk_buff *skb = kalloc_nl_msg(info, cmd, size, fill, arg);

	if (!skb) {
		NL_SET_ERR_MSG(info->extack, "no memory for the reply");
		return -ENOMEM;
	}
	return genlmsg_reply(skb, info);
}

/* Whether anyone listens to grp: one bitmap test. */
bool kalloc_nl_listening(enum kalloc_mcgrp_idx grp)
{
	return READ_ONCE(kalloc_nl_registered) &&
	       genl_has_listeners(&kalloc_genl_family, &init_net, grp);
}

/*
 * Sends one message of cmd to group grp and counts it as sent or refused.
 * Multicast is best effort, as netlink multicast always is: a listener
 * whose socket is full loses the message (and sees ENOBUFS), and so does
 * everyone when there is no memory for it. Returns 0 or why it failed.
 */
int kalloc_nl_group_send(enum kalloc_mcgrp_idx grp, u8 cmd, size_t size,
			 kalloc_nl_fill_t fill, const void *arg)
{
	struct sk_buff *skb = kalloc_nl_msg(NULL, cmd, size, fill, arg);
	int err = -ENOMEM;

	if (skb)
		err = genlmsg_multicast(&kalloc_genl_family, skb, 0, grp,
					GFP_KERNEL);
	atomic64_inc(err ? &kalloc_nl_failed[grp] : &kalloc_nl_sent[grp]);
	return err;
}

void kalloc_nl_group_counters(enum kalloc_mcgrp_idx grp, u64 *sent,
			      u64 *failed)
{
	*sent = atomic64_read(&kalloc_nl_sent[grp]);
	*failed = atomic64_read(&kalloc_nl_failed[grp]);
}

/*
 * Sends one message of cmd to the "events" group, if anyone listens.
 * Callers hold the lock that makes the message match the state it
 * describes.
 */
void kalloc_nl_notify(u8 cmd, size_t size, kalloc_nl_fill_t fill,
		      const void *arg)
{
	if (kalloc_nl_listening(KALLOC_MCGRP_IDX_EVENTS))
		kalloc_nl_group_send(KALLOC_MCGRP_IDX_EVENTS, cmd, size, fill,
				     arg);
}

/*
 * Appends one message of cmd to a dump. Returns 0, or -EMSGSIZE when the
 * skb is full: the dump then ends this pass and resumes in the next.
 */
int kalloc_nl_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
		       u8 cmd, kalloc_nl_fill_t fill, const void *arg)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &kalloc_genl_family, NLM_F_MULTI, cmd);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (fill(skb, arg)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* ---- extended ACK -------------------------------------------------------- */

/*
 * Sets a message chosen at run time from static strings (the
 * NL_SET_ERR_MSG*() macros take a literal), and the attribute it is
 * about, if any. msg must outlive the request: a string literal.
 */
void kalloc_nl_err(struct netlink_ext_ack *extack, const struct nlattr *attr,
		   const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	NL_SET_BAD_ATTR(extack, attr);
}

/* Puts numbers for the client to format into the extack cookie. */
void kalloc_nl_set_cookie(struct netlink_ext_ack *extack,
			  enum kalloc_cookie_kind kind, u64 a, u64 b)
{
	struct kalloc_cookie c = {
		.kind = kind,
		.a_lo = lower_32_bits(a),
		.a_hi = upper_32_bits(a),
		.b_lo = lower_32_bits(b),
		.b_hi = upper_32_bits(b),
	};

	BUILD_BUG_ON(sizeof(c) != 20 || sizeof(c) > NETLINK_MAX_COOKIE_LEN);
	if (!extack)
		return;
	memcpy(extack->cookie, &c, sizeof(c));
	extack->cookie_len = sizeof(c);
}

bool kalloc_nl_missing(struct genl_info *info, int type, const char *msg)
{
	if (info->attrs[type])
		return false;
	NL_SET_ERR_ATTR_MISS(info->extack, NULL, type);
	kalloc_nl_err(info->extack, NULL, msg);
	return true;
}

/*
 * The policy (NLA_NUL_STRING) guarantees a NUL within the attribute; this
 * refuses one that is not its last byte ("ab\0cd"), which would otherwise
 * be read as a shorter string than the client sent.
 */
bool kalloc_nl_string_ok(struct netlink_ext_ack *extack,
			 const struct nlattr *attr, const char *msg)
{
	if (strnlen(nla_data(attr), nla_len(attr)) + 1 == nla_len(attr))
		return true;
	kalloc_nl_err(extack, attr, msg);
	return false;
}

/* ---- socket-owned buffers ------------------------------------------------ */

static int kalloc_nl_release(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net))
		return NOTIFY_DONE;
	kalloc_table_release_portid(n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block kalloc_nl_notifier = {
	.notifier_call = kalloc_nl_release,
};

/* ---- init and exit ------------------------------------------------------- */

/*
 * Registers the notifier before the family, so that no socket can own a
 * buffer before its close would be seen; unregisters the other way round.
 */
int __init kalloc_nl_init(void)
{
	int err;

	kalloc_nl_build_ops();
	err = netlink_register_notifier(&kalloc_nl_notifier);
	if (err)
		return err;
	err = genl_register_family(&kalloc_genl_family);
	if (err)
		goto unregister_notifier;
	WRITE_ONCE(kalloc_nl_registered, true);
	return 0;

unregister_notifier:
	netlink_unregister_notifier(&kalloc_nl_notifier);
	return err;
}

void kalloc_nl_exit(void)
{
	WRITE_ONCE(kalloc_nl_registered, false);
	genl_unregister_family(&kalloc_genl_family);
	netlink_unregister_notifier(&kalloc_nl_notifier);
}
