// SPDX-License-Identifier: GPL-2.0
/*
 * KALLOC_CMD_VDEV_*: creating, describing, configuring and deleting
 * virtual devices, raising their interrupts and starting their transfers
 * (vdev.c does the work), and the events that devices send.
 *
 * Handlers that act on one device find it under the device table's lock
 * and hold a reference while they work, not the lock: a VDEV_DMA with
 * KALLOC_VDEV_A_DMA_WAIT sleeps until its transfer ends, and must not
 * keep VDEV_NEW or VDEV_DEL waiting meanwhile. A device deleted under a
 * handler makes the core fail with ENODEV. VDEV_NEW and VDEV_DEL hold the
 * lock throughout, so that their reply matches the table.
 *
 * Dumps keep their position in cb->args[0] as the next device id to emit.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "netlink.h"
#include "table.h"
#include "vdev.h"
#include "../include/kalloc/name.h"

/* The longest KALLOC_VDEV_A_DMA reply or event waits at most this long. */
#define KALLOC_VDEV_NL_WAIT_NS	(10ULL * NSEC_PER_SEC)

/* ---- policies ------------------------------------------------------------ */

static struct netlink_range_validation kalloc_vdev_window_range __ro_after_init = {
	.min = 1,
	.max = KALLOC_VDEV_WINDOW_MAX,
};

static struct netlink_range_validation kalloc_vdev_timer_range __ro_after_init = {
	.min = KALLOC_VDEV_TIMER_MIN_NS,
	.max = KALLOC_VDEV_TIMER_MAX_NS,
};

static struct netlink_range_validation kalloc_vdev_id_range __ro_after_init = {
	.min = 1,
	.max = U32_MAX,
};

#define KALLOC_VDEV_NAME_POLICY(max) \
	{ .type = NLA_NUL_STRING, .len = (max) - 1 }

static const struct nla_policy kalloc_vdev_new_policy[KALLOC_VDEV_A_TIMER_NS + 1] = {
	[KALLOC_VDEV_A_NAME] = KALLOC_VDEV_NAME_POLICY(KALLOC_NAME_MAX),
	[KALLOC_VDEV_A_OWNER] = KALLOC_VDEV_NAME_POLICY(KALLOC_OWNER_MAX),
	[KALLOC_VDEV_A_SIZE] = NLA_POLICY_FULL_RANGE(NLA_U32, &kalloc_vdev_window_range),
	[KALLOC_VDEV_A_TIMER_NS] = NLA_POLICY_FULL_RANGE(NLA_U64, &kalloc_vdev_timer_range),
};

/* GET, DEL, IRQ: a name. */
static const struct nla_policy kalloc_vdev_name_policy[KALLOC_VDEV_A_NAME + 1] = {
	[KALLOC_VDEV_A_NAME] = KALLOC_VDEV_NAME_POLICY(KALLOC_NAME_MAX),
};

static const struct nla_policy kalloc_vdev_set_policy[KALLOC_VDEV_A_TIMER_NS + 1] = {
	[KALLOC_VDEV_A_NAME] = KALLOC_VDEV_NAME_POLICY(KALLOC_NAME_MAX),
	[KALLOC_VDEV_A_CONTROL] = NLA_POLICY_MASK(NLA_U32, KALLOC_VDEV_CONTROL_ALL),
	[KALLOC_VDEV_A_CONTROL_MASK] = NLA_POLICY_MASK(NLA_U32, KALLOC_VDEV_CONTROL_ALL),
	[KALLOC_VDEV_A_TIMER_NS] = NLA_POLICY_FULL_RANGE(NLA_U64, &kalloc_vdev_timer_range),
};

static const struct nla_policy kalloc_vdev_dma_policy[KALLOC_VDEV_A_DMA_WAIT + 1] = {
	[KALLOC_VDEV_A_NAME] = KALLOC_VDEV_NAME_POLICY(KALLOC_NAME_MAX),
	[KALLOC_VDEV_A_DMA_DIRECTION] = NLA_POLICY_RANGE(NLA_U32, 1, KALLOC_VDEV_DMA_MAX),
	[KALLOC_VDEV_A_DMA_BUFFER] = NLA_POLICY_FULL_RANGE(NLA_U32, &kalloc_vdev_id_range),
	[KALLOC_VDEV_A_DMA_BUFFER_NAME] = KALLOC_VDEV_NAME_POLICY(KALLOC_NAME_MAX),
	[KALLOC_VDEV_A_DMA_OFFSET] = { .type = NLA_U64 },
	[KALLOC_VDEV_A_DMA_DEV_OFFSET] = { .type = NLA_U32 },
	[KALLOC_VDEV_A_DMA_LENGTH] = { .type = NLA_U32 },
	[KALLOC_VDEV_A_DMA_WAIT] = { .type = NLA_FLAG },
};

/* ---- messages ------------------------------------------------------------ */

/*
 * NAME, OWNER; ID MINOR SIZE OPEN_FILES STATUS CONTROL DIRECTION BUFFER
 * DEV_OFFSET LENGTH BYTES ERROR; TIMER IRQ_COUNT IRQ_UNACKED COMPLETED
 * FAILED SEQ OFFSET.
 */
static size_t kalloc_vdev_msg_size(void)
{
	return nla_total_size(KALLOC_NAME_MAX) +
	       nla_total_size(KALLOC_OWNER_MAX) +
	       12 * nla_total_size(sizeof(u32)) +
	       7 * nla_total_size_64bit(sizeof(u64));
}

static int kalloc_vdev_fill_dma(struct sk_buff *skb,
				const struct kalloc_vdev_regs *r)
{
	if (!r->dma_seq)
		return 0;
	if (nla_put_u64_64bit(skb, KALLOC_VDEV_A_DMA_SEQ, r->dma_seq,
			      KALLOC_VDEV_A_PAD) ||
	    nla_put_u32(skb, KALLOC_VDEV_A_DMA_DIRECTION, r->dma_direction) ||
	    nla_put_u32(skb, KALLOC_VDEV_A_DMA_BUFFER, r->dma_buffer_id) ||
	    nla_put_u64_64bit(skb, KALLOC_VDEV_A_DMA_OFFSET,
			      r->dma_buffer_offset, KALLOC_VDEV_A_PAD) ||
	    nla_put_u32(skb, KALLOC_VDEV_A_DMA_DEV_OFFSET,
			r->dma_device_offset) ||
	    nla_put_u32(skb, KALLOC_VDEV_A_DMA_LENGTH, r->dma_length) ||
	    nla_put_u32(skb, KALLOC_VDEV_A_DMA_BYTES, r->dma_bytes) ||
	    nla_put_u32(skb, KALLOC_VDEV_A_DMA_ERROR, -r->dma_error))
		return -EMSGSIZE;
	return 0;
}

static int kalloc_vdev_fill_counters(struct sk_buff *skb,
				     const struct kalloc_vdev_regs *r)
{
	if (nla_put_u64_64bit(skb, KALLOC_VDEV_A_TIMER_NS, r->timer_period_ns,
			      KALLOC_VDEV_A_PAD) ||
	    nla_put_u64_64bit(skb, KALLOC_VDEV_A_IRQ_COUNT, r->irq_count,
			      KALLOC_VDEV_A_PAD) ||
	    nla_put_u64_64bit(skb, KALLOC_VDEV_A_IRQ_UNACKED, r->irq_unacked,
			      KALLOC_VDEV_A_PAD) ||
	    nla_put_u64_64bit(skb, KALLOC_VDEV_A_DMA_COMPLETED,
			      r->dma_completed, KALLOC_VDEV_A_PAD) ||
	    nla_put_u64_64bit(skb, KALLOC_VDEV_A_DMA_FAILED, r->dma_failed,
			      KALLOC_VDEV_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int kalloc_vdev_fill(struct sk_buff *skb, const void *arg)
{
	const struct kalloc_vdev_info *info = arg;
	const struct kalloc_vdev_regs *r = &info->regs;

	if (nla_put_string(skb, KALLOC_VDEV_A_NAME, info->name) ||
	    nla_put_u32(skb, KALLOC_VDEV_A_ID, info->id) ||
	    (info->owner[0] &&
	     nla_put_string(skb, KALLOC_VDEV_A_OWNER, info->owner)) ||
	    nla_put_u32(skb, KALLOC_VDEV_A_MINOR, info->minor) ||
	    nla_put_u32(skb, KALLOC_VDEV_A_SIZE, r->window_size) ||
	    nla_put_u32(skb, KALLOC_VDEV_A_OPEN_FILES, info->open_files) ||
	    nla_put_u32(skb, KALLOC_VDEV_A_STATUS, r->status) ||
	    nla_put_u32(skb, KALLOC_VDEV_A_CONTROL, r->control) ||
	    kalloc_vdev_fill_counters(skb, r))
		return -EMSGSIZE;
	return kalloc_vdev_fill_dma(skb, r);
}

static int kalloc_vdev_reply(struct genl_info *info, u8 cmd,
			     struct kalloc_vdev *vdev)
{
	struct kalloc_vdev_info vi;

	kalloc_vdev_snapshot(vdev, &vi);
	return kalloc_nl_reply(info, cmd, kalloc_vdev_msg_size(),
			       kalloc_vdev_fill, &vi);
}

/*
 * Sends the reply whose memory a handler took (kalloc_nl_reply_new())
 * before it changed the device: a request that changed something must
 * not fail for want of memory.
 */
static int kalloc_vdev_reply_send(struct genl_info *info, struct sk_buff *reply,
				  u8 cmd, struct kalloc_vdev *vdev)
{
	struct kalloc_vdev_info vi;

	kalloc_vdev_snapshot(vdev, &vi);
	return kalloc_nl_reply_send(info, reply, cmd, kalloc_vdev_fill, &vi);
}

/* A device's event (vdev.c sends them all, whoever caused them). */
void kalloc_nl_vdev_event(struct kalloc_vdev *vdev, u8 cmd)
{
	struct kalloc_vdev_info vi;

	kalloc_vdev_snapshot(vdev, &vi);
	kalloc_nl_notify(cmd, kalloc_vdev_msg_size(), kalloc_vdev_fill, &vi);
}

/* ---- names --------------------------------------------------------------- */

static const char *const kalloc_vdev_name_msgs[KALLOC_NAME_FAULTS] = {
	[KALLOC_NAME_EMPTY] = "KALLOC_VDEV_A_NAME is empty",
	[KALLOC_NAME_TOO_LONG] = "KALLOC_VDEV_A_NAME is too long",
	[KALLOC_NAME_LEADING] = "KALLOC_VDEV_A_NAME starts with '.' or '-'",
	[KALLOC_NAME_CHARSET] = "KALLOC_VDEV_A_NAME has a character outside [A-Za-z0-9_.-]",
};

static const char *const kalloc_vdev_owner_msgs[KALLOC_NAME_FAULTS] = {
	[KALLOC_NAME_EMPTY] = "KALLOC_VDEV_A_OWNER is empty",
	[KALLOC_NAME_TOO_LONG] = "KALLOC_VDEV_A_OWNER is too long",
	[KALLOC_NAME_LEADING] = "KALLOC_VDEV_A_OWNER starts with '.' or '-'",
	[KALLOC_NAME_CHARSET] = "KALLOC_VDEV_A_OWNER has a character outside [A-Za-z0-9_.-]",
};

static const char *const kalloc_vdev_buffer_msgs[KALLOC_NAME_FAULTS] = {
	[KALLOC_NAME_EMPTY] = "KALLOC_VDEV_A_DMA_BUFFER_NAME is empty",
	[KALLOC_NAME_TOO_LONG] = "KALLOC_VDEV_A_DMA_BUFFER_NAME is too long",
	[KALLOC_NAME_LEADING] = "KALLOC_VDEV_A_DMA_BUFFER_NAME starts with '.' or '-'",
	[KALLOC_NAME_CHARSET] =
		"KALLOC_VDEV_A_DMA_BUFFER_NAME has a character outside [A-Za-z0-9_.-]",
};

/* Checks a name-like attribute, if present, against include/kalloc/name.h. */
static int kalloc_vdev_check_name(struct genl_info *info, int type,
				  size_t max, const char *const *msgs,
				  const char *nul_msg)
{
	struct nlattr *attr = info->attrs[type];
	enum kalloc_name_fault fault;

	if (!attr)
		return 0;
	if (!kalloc_nl_string_ok(info->extack, attr, nul_msg))
		return -EINVAL;
	fault = kalloc_name_check(nla_data(attr), max);
	if (fault == KALLOC_NAME_OK)
		return 0;
	kalloc_nl_err(info->extack, attr, msgs[fault]);
	return -EINVAL;
}

/* KALLOC_VDEV_A_NAME: required and well formed. */
static int kalloc_vdev_name_attr(struct genl_info *info)
{
	if (kalloc_nl_missing(info, KALLOC_VDEV_A_NAME,
			      "KALLOC_VDEV_A_NAME is required"))
		return -EINVAL;
	return kalloc_vdev_check_name(info, KALLOC_VDEV_A_NAME, KALLOC_NAME_MAX,
				      kalloc_vdev_name_msgs,
				      "KALLOC_VDEV_A_NAME has bytes after its NUL");
}

static void kalloc_vdev_refused(struct genl_info *info,
				const struct kalloc_refusal *why)
{
	kalloc_nl_err(info->extack,
		      why->attr ? info->attrs[why->attr] : NULL, why->msg);
	if (why->kind)
		kalloc_nl_set_cookie(info->extack, why->kind, why->a, why->b);
}

/* ---- one device ---------------------------------------------------------- */

typedef int (*kalloc_vdev_fn)(struct kalloc_vdev *vdev,
			      struct genl_info *info);

/* Runs fn on the device the request names, holding a reference to it. */
static int kalloc_nl_with_vdev(struct genl_info *info, kalloc_vdev_fn fn)
{
	struct kalloc_vdev *vdev;
	int err;

	err = kalloc_vdev_name_attr(info);
	if (err)
		return err;
	kalloc_vdevs_lock();
	vdev = kalloc_vdev_find(nla_data(info->attrs[KALLOC_VDEV_A_NAME]));
	if (vdev)
		kalloc_vdev_get(vdev);
	kalloc_vdevs_unlock();
	if (!vdev) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KALLOC_VDEV_A_NAME],
				    "no device has this KALLOC_VDEV_A_NAME");
		return -ENOENT;
	}
	err = fn(vdev, info);
	kalloc_vdev_put(vdev);
	return err;
}

static int kalloc_vdev_get_one(struct kalloc_vdev *vdev,
			       struct genl_info *info)
{
	return kalloc_vdev_reply(info, KALLOC_CMD_VDEV_GET, vdev);
}

static int kalloc_vdev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return kalloc_nl_with_vdev(info, kalloc_vdev_get_one);
}

static int kalloc_vdev_irq_one(struct kalloc_vdev *vdev,
			       struct genl_info *info)
{
	return kalloc_vdev_trigger(vdev);
}

static int kalloc_vdev_irq_doit(struct sk_buff *skb, struct genl_info *info)
{
	return kalloc_nl_with_vdev(info, kalloc_vdev_irq_one);
}

/* ---- VDEV_SET ------------------------------------------------------------ */

static const char *kalloc_vdev_set_msg(int err)
{
	switch (err) {
	case -EBUSY:
		return "cannot RESET while a DMA transfer is in flight";
	case -EINVAL:
		return "TIMER_ENABLE needs a timer period (KALLOC_VDEV_A_TIMER_NS)";
	case -ENODEV:
		return "the device was deleted";
	default:
		return NULL;
	}
}

static int kalloc_vdev_set_one(struct kalloc_vdev *vdev,
			       struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct kalloc_vdev_control ctl = {};
	struct sk_buff *reply;
	int err;

	if (tb[KALLOC_VDEV_A_CONTROL]) {
		ctl.value = nla_get_u32(tb[KALLOC_VDEV_A_CONTROL]);
		ctl.mask = tb[KALLOC_VDEV_A_CONTROL_MASK] ?
			   nla_get_u32(tb[KALLOC_VDEV_A_CONTROL_MASK]) :
			   KALLOC_VDEV_CONTROL_ALL;
	}
	if (tb[KALLOC_VDEV_A_TIMER_NS]) {
		ctl.flags = KALLOC_VDEV_CTL_F_PERIOD;
		ctl.timer_period_ns = nla_get_u64(tb[KALLOC_VDEV_A_TIMER_NS]);
	}
	reply = kalloc_nl_reply_new(info, kalloc_vdev_msg_size());
	if (!reply)
		return -ENOMEM;
	err = kalloc_vdev_set_control(vdev, &ctl);
	if (err) {
		nlmsg_free(reply);
		kalloc_nl_err(info->extack, NULL, kalloc_vdev_set_msg(err));
		return err;
	}
	return kalloc_vdev_reply_send(info, reply, KALLOC_CMD_VDEV_SET, vdev);
}

static int kalloc_vdev_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (info->attrs[KALLOC_VDEV_A_CONTROL_MASK] &&
	    !info->attrs[KALLOC_VDEV_A_CONTROL]) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[KALLOC_VDEV_A_CONTROL_MASK],
				    "KALLOC_VDEV_A_CONTROL_MASK needs KALLOC_VDEV_A_CONTROL");
		return -EINVAL;
	}
	return kalloc_nl_with_vdev(info, kalloc_vdev_set_one);
}

/* ---- VDEV_DMA ------------------------------------------------------------ */

/* Checks that exactly one of id and name selects the buffer. */
static int kalloc_vdev_dma_attrs(struct genl_info *info)
{
	struct nlattr *id = info->attrs[KALLOC_VDEV_A_DMA_BUFFER];
	struct nlattr *name = info->attrs[KALLOC_VDEV_A_DMA_BUFFER_NAME];

	if (kalloc_nl_missing(info, KALLOC_VDEV_A_DMA_DIRECTION,
			      "KALLOC_VDEV_A_DMA_DIRECTION is required"))
		return -EINVAL;
	if (id && name) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "give KALLOC_VDEV_A_DMA_BUFFER or KALLOC_VDEV_A_DMA_BUFFER_NAME, not both");
		return -EINVAL;
	}
	if (!id && !name) {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, KALLOC_VDEV_A_DMA_BUFFER);
		NL_SET_ERR_MSG(info->extack,
			       "KALLOC_VDEV_A_DMA_BUFFER or KALLOC_VDEV_A_DMA_BUFFER_NAME is required");
		return -EINVAL;
	}
	return kalloc_vdev_check_name(info, KALLOC_VDEV_A_DMA_BUFFER_NAME,
				      KALLOC_NAME_MAX, kalloc_vdev_buffer_msgs,
				      "KALLOC_VDEV_A_DMA_BUFFER_NAME has bytes after its NUL");
}

/* The buffer id the request names; 0 and an extack if there is none. */
static u32 kalloc_vdev_dma_buffer(struct genl_info *info)
{
	struct nlattr *name = info->attrs[KALLOC_VDEV_A_DMA_BUFFER_NAME];
	struct kalloc_buffer *buf;
	u32 id;

	if (!name)
		return nla_get_u32(info->attrs[KALLOC_VDEV_A_DMA_BUFFER]);
	kalloc_table_lock();
	buf = kalloc_buffer_find_name(nla_data(name));
	id = buf ? buf->id : 0;
	kalloc_table_unlock();
	if (!id)
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "no buffer has this KALLOC_VDEV_A_DMA_BUFFER_NAME");
	return id;
}

static u32 kalloc_nl_u32_or(struct nlattr *attr, u32 dflt)
{
	return attr ? nla_get_u32(attr) : dflt;
}

/* With KALLOC_VDEV_A_DMA_WAIT: waits for the transfer, says how it went. */
static int kalloc_vdev_dma_wait_nl(struct kalloc_vdev *vdev,
				   struct genl_info *info)
{
	struct kalloc_vdev_dma_wait wait = {
		.timeout_ns = KALLOC_VDEV_NL_WAIT_NS,
	};
	int err;

	err = kalloc_vdev_dma_wait(vdev, &wait);
	if (err == -ETIMEDOUT)
		kalloc_nl_err(info->extack, NULL,
			      "the transfer did not end within 10 seconds");
	else if (err == -ENODEV)
		kalloc_nl_err(info->extack, NULL,
			      "the device was deleted during the transfer");
	return err;
}

static int kalloc_vdev_dma_one(struct kalloc_vdev *vdev,
			       struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct kalloc_vdev_dma req = {};
	struct kalloc_refusal why = {};
	struct sk_buff *reply;
	int err;

	req.buffer_id = kalloc_vdev_dma_buffer(info);
	if (!req.buffer_id)
		return -ENOENT;
	req.direction = nla_get_u32(tb[KALLOC_VDEV_A_DMA_DIRECTION]);
	if (tb[KALLOC_VDEV_A_DMA_OFFSET])
		req.buffer_offset = nla_get_u64(tb[KALLOC_VDEV_A_DMA_OFFSET]);
	req.device_offset = kalloc_nl_u32_or(tb[KALLOC_VDEV_A_DMA_DEV_OFFSET], 0);
	req.length = kalloc_nl_u32_or(tb[KALLOC_VDEV_A_DMA_LENGTH], 0);
	reply = kalloc_nl_reply_new(info, kalloc_vdev_msg_size());
	if (!reply)
		return -ENOMEM;
	err = kalloc_vdev_dma_submit(vdev, &req, &why);
	if (err) {
		nlmsg_free(reply);
		kalloc_vdev_refused(info, &why);
		return err;
	}
	if (tb[KALLOC_VDEV_A_DMA_WAIT]) {
		err = kalloc_vdev_dma_wait_nl(vdev, info);
		if (err) {
			nlmsg_free(reply);
			return err;
		}
	}
	return kalloc_vdev_reply_send(info, reply, KALLOC_CMD_VDEV_DMA, vdev);
}

static int kalloc_vdev_dma_doit(struct sk_buff *skb, struct genl_info *info)
{
	int err = kalloc_vdev_dma_attrs(info);

	if (err)
		return err;
	return kalloc_nl_with_vdev(info, kalloc_vdev_dma_one);
}

/* ---- VDEV_NEW and VDEV_DEL ------------------------------------------------ */

static void kalloc_vdev_new_refused(struct genl_info *info, int err)
{
	struct nlattr *name = info->attrs[KALLOC_VDEV_A_NAME];

	switch (err) {
	case -EEXIST:
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "a device with this KALLOC_VDEV_A_NAME exists already");
		break;
	case -ENOSPC:
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "KALLOC_VDEV_A_NAME refused: the module holds KALLOC_VDEV_MAX devices, or no misc minor is left");
		kalloc_nl_set_cookie(info->extack, KALLOC_COOKIE_MAX_VDEVS,
				     KALLOC_VDEV_MAX, 0);
		break;
	default:
		NL_SET_ERR_MSG(info->extack, "cannot create the device");
		break;
	}
}

static int kalloc_vdev_new_attrs(struct genl_info *info,
				 struct kalloc_vdev_spec *spec)
{
	struct nlattr **tb = info->attrs;
	int err;

	err = kalloc_vdev_name_attr(info);
	if (err)
		return err;
	err = kalloc_vdev_check_name(info, KALLOC_VDEV_A_OWNER, KALLOC_OWNER_MAX,
				     kalloc_vdev_owner_msgs,
				     "KALLOC_VDEV_A_OWNER has bytes after its NUL");
	if (err)
		return err;
	spec->name = nla_data(tb[KALLOC_VDEV_A_NAME]);
	spec->owner = tb[KALLOC_VDEV_A_OWNER] ?
		      nla_data(tb[KALLOC_VDEV_A_OWNER]) : NULL;
	spec->size = kalloc_nl_u32_or(tb[KALLOC_VDEV_A_SIZE],
				      KALLOC_VDEV_WINDOW_DEFAULT);
	spec->period_ns = tb[KALLOC_VDEV_A_TIMER_NS] ?
			  nla_get_u64(tb[KALLOC_VDEV_A_TIMER_NS]) : 0;
	return 0;
}

static int kalloc_vdev_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kalloc_vdev_spec spec;
	struct kalloc_vdev *vdev;
	int err;

	err = kalloc_vdev_new_attrs(info, &spec);
	if (err)
		return err;
	kalloc_vdevs_lock();
	err = kalloc_vdev_create(&spec, &vdev);
	if (err) {
		kalloc_vdev_new_refused(info, err);
		goto unlock;
	}
	err = kalloc_vdev_reply(info, KALLOC_CMD_VDEV_NEW, vdev);
	/* No reply, no device: the caller must not be left guessing. */
	if (err)
		kalloc_vdev_delete(vdev);
unlock:
	kalloc_vdevs_unlock();
	return err;
}

static int kalloc_vdev_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kalloc_vdev *vdev;
	int err;

	err = kalloc_vdev_name_attr(info);
	if (err)
		return err;
	kalloc_vdevs_lock();
	vdev = kalloc_vdev_find(nla_data(info->attrs[KALLOC_VDEV_A_NAME]));
	if (vdev)
		kalloc_vdev_delete(vdev);
	kalloc_vdevs_unlock();
	if (!vdev) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KALLOC_VDEV_A_NAME],
				    "no device has this KALLOC_VDEV_A_NAME");
		return -ENOENT;
	}
	return 0;
}

/* ---- dump ---------------------------------------------------------------- */

/* cb->args[0]: the lowest device id not yet emitted. */
static int kalloc_vdev_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct nlattr **tb = genl_dumpit_info(cb)->attrs;
	struct kalloc_vdev_info vi;
	struct kalloc_vdev *vdev;
	unsigned long id;
	int err = 0;

	if (tb && tb[KALLOC_VDEV_A_NAME]) {
		NL_SET_ERR_MSG_ATTR(cb->extack, tb[KALLOC_VDEV_A_NAME],
				    "a dump takes no KALLOC_VDEV_A_NAME: select a device with a do request");
		return -EINVAL;
	}
	kalloc_vdevs_lock();
	for (id = cb->args[0]; (vdev = kalloc_vdev_next(&id)); id++) {
		kalloc_vdev_snapshot(vdev, &vi);
		err = kalloc_nl_dump_one(skb, cb, KALLOC_CMD_VDEV_GET,
					 kalloc_vdev_fill, &vi);
		if (err)
			break;
		cb->args[0] = id + 1;
	}
	kalloc_vdevs_unlock();
	if (err && !skb->len)
		return err;
	return skb->len;
}

/* ---- requests ------------------------------------------------------------ */

const struct kalloc_nl_request kalloc_nl_vdev_new = {
	.cmd = KALLOC_CMD_VDEV_NEW,
	.admin = true,
	.policy = kalloc_vdev_new_policy,
	.maxattr = ARRAY_SIZE(kalloc_vdev_new_policy) - 1,
	.doit = kalloc_vdev_new_doit,
};

const struct kalloc_nl_request kalloc_nl_vdev_get = {
	.cmd = KALLOC_CMD_VDEV_GET,
	.policy = kalloc_vdev_name_policy,
	.maxattr = ARRAY_SIZE(kalloc_vdev_name_policy) - 1,
	.doit = kalloc_vdev_get_doit,
	.dumpit = kalloc_vdev_get_dumpit,
};

const struct kalloc_nl_request kalloc_nl_vdev_del = {
	.cmd = KALLOC_CMD_VDEV_DEL,
	.admin = true,
	.policy = kalloc_vdev_name_policy,
	.maxattr = ARRAY_SIZE(kalloc_vdev_name_policy) - 1,
	.doit = kalloc_vdev_del_doit,
};

const struct kalloc_nl_request kalloc_nl_vdev_set = {
	.cmd = KALLOC_CMD_VDEV_SET,
	.admin = true,
	.policy = kalloc_vdev_set_policy,
	.maxattr = ARRAY_SIZE(kalloc_vdev_set_policy) - 1,
	.doit = kalloc_vdev_set_doit,
};

const struct kalloc_nl_request kalloc_nl_vdev_irq = {
	.cmd = KALLOC_CMD_VDEV_IRQ,
	.admin = true,
	.policy = kalloc_vdev_name_policy,
	.maxattr = ARRAY_SIZE(kalloc_vdev_name_policy) - 1,
	.doit = kalloc_vdev_irq_doit,
};

const struct kalloc_nl_request kalloc_nl_vdev_dma = {
	.cmd = KALLOC_CMD_VDEV_DMA,
	.admin = true,
	.policy = kalloc_vdev_dma_policy,
	.maxattr = ARRAY_SIZE(kalloc_vdev_dma_policy) - 1,
	.doit = kalloc_vdev_dma_doit,
};
