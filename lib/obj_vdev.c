// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * obj_vdev.c - the virtual device object: KALLOC_CMD_VDEV_NEW, _GET (a
 * do and a dump), _DEL, _SET, _IRQ and _DMA, in the attribute space enum
 * kalloc_vdev_attr. Every reply that describes a device (NEW, GET, SET,
 * DMA) carries the same attributes: one snapshot of its registers.
 */
#include <errno.h>
#include <string.h>

#include "obj.h"

static const char *const vdev_attr_names[KALLOC_VDEV_A_MAX + 1] = {
	[KALLOC_VDEV_A_NAME]		= "name",
	[KALLOC_VDEV_A_OWNER]		= "owner",
	[KALLOC_VDEV_A_SIZE]		= "size",
	[KALLOC_VDEV_A_MINOR]		= "minor",
	[KALLOC_VDEV_A_OPEN_FILES]	= "open_files",
	[KALLOC_VDEV_A_STATUS]		= "status",
	[KALLOC_VDEV_A_CONTROL]		= "control",
	[KALLOC_VDEV_A_CONTROL_MASK]	= "control_mask",
	[KALLOC_VDEV_A_TIMER_NS]	= "timer_ns",
	[KALLOC_VDEV_A_IRQ_COUNT]	= "irq_count",
	[KALLOC_VDEV_A_IRQ_UNACKED]	= "irq_unacked",
	[KALLOC_VDEV_A_DMA_COMPLETED]	= "dma_completed",
	[KALLOC_VDEV_A_DMA_FAILED]	= "dma_failed",
	[KALLOC_VDEV_A_DMA_SEQ]		= "dma_seq",
	[KALLOC_VDEV_A_DMA_DIRECTION]	= "dma_direction",
	[KALLOC_VDEV_A_DMA_BUFFER]	= "dma_buffer",
	[KALLOC_VDEV_A_DMA_BUFFER_NAME]	= "dma_buffer_name",
	[KALLOC_VDEV_A_DMA_OFFSET]	= "dma_offset",
	[KALLOC_VDEV_A_DMA_DEV_OFFSET]	= "dma_dev_offset",
	[KALLOC_VDEV_A_DMA_LENGTH]	= "dma_length",
	[KALLOC_VDEV_A_DMA_BYTES]	= "dma_bytes",
	[KALLOC_VDEV_A_DMA_ERROR]	= "dma_error",
	[KALLOC_VDEV_A_DMA_WAIT]	= "dma_wait",
	[KALLOC_VDEV_A_PAD]		= "pad",
	[KALLOC_VDEV_A_ID]		= "id",
};

static const struct nla_policy vdev_policy[KALLOC_VDEV_A_MAX + 1] = {
	[KALLOC_VDEV_A_NAME]		= { .type = NLA_STRING },
	[KALLOC_VDEV_A_OWNER]		= { .type = NLA_STRING },
	[KALLOC_VDEV_A_SIZE]		= { .type = NLA_U32 },
	[KALLOC_VDEV_A_MINOR]		= { .type = NLA_U32 },
	[KALLOC_VDEV_A_OPEN_FILES]	= { .type = NLA_U32 },
	[KALLOC_VDEV_A_STATUS]		= { .type = NLA_U32 },
	[KALLOC_VDEV_A_CONTROL]		= { .type = NLA_U32 },
	[KALLOC_VDEV_A_TIMER_NS]	= { .type = NLA_U64 },
	[KALLOC_VDEV_A_IRQ_COUNT]	= { .type = NLA_U64 },
	[KALLOC_VDEV_A_IRQ_UNACKED]	= { .type = NLA_U64 },
	[KALLOC_VDEV_A_DMA_COMPLETED]	= { .type = NLA_U64 },
	[KALLOC_VDEV_A_DMA_FAILED]	= { .type = NLA_U64 },
	[KALLOC_VDEV_A_DMA_SEQ]		= { .type = NLA_U64 },
	[KALLOC_VDEV_A_DMA_DIRECTION]	= { .type = NLA_U32 },
	[KALLOC_VDEV_A_DMA_BUFFER]	= { .type = NLA_U32 },
	[KALLOC_VDEV_A_DMA_OFFSET]	= { .type = NLA_U64 },
	[KALLOC_VDEV_A_DMA_DEV_OFFSET]	= { .type = NLA_U32 },
	[KALLOC_VDEV_A_DMA_LENGTH]	= { .type = NLA_U32 },
	[KALLOC_VDEV_A_DMA_BYTES]	= { .type = NLA_U32 },
	[KALLOC_VDEV_A_DMA_ERROR]	= { .type = NLA_U32 },
	[KALLOC_VDEV_A_ID]		= { .type = NLA_U32 },
};

static uint64_t u64_or_0(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static uint32_t u32_or_0(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static void parse_dma(struct nlattr **tb, struct kalloc_vdev_info *v)
{
	v->dma_seq = u64_or_0(tb[KALLOC_VDEV_A_DMA_SEQ]);
	v->dma_direction = u32_or_0(tb[KALLOC_VDEV_A_DMA_DIRECTION]);
	v->dma_buffer = u32_or_0(tb[KALLOC_VDEV_A_DMA_BUFFER]);
	v->dma_offset = u64_or_0(tb[KALLOC_VDEV_A_DMA_OFFSET]);
	v->dma_dev_offset = u32_or_0(tb[KALLOC_VDEV_A_DMA_DEV_OFFSET]);
	v->dma_length = u32_or_0(tb[KALLOC_VDEV_A_DMA_LENGTH]);
	v->dma_bytes = u32_or_0(tb[KALLOC_VDEV_A_DMA_BYTES]);
	v->dma_error = u32_or_0(tb[KALLOC_VDEV_A_DMA_ERROR]);
}

/* The name and the registers are required; owner and last DMA optional. */
static int parse_vdev(const struct kalloc_obj_reply *r, void *out)
{
	struct nlattr **tb = r->tb;
	struct kalloc_vdev_info *v = out;

	if (!tb[KALLOC_VDEV_A_NAME] || !tb[KALLOC_VDEV_A_STATUS] ||
	    !tb[KALLOC_VDEV_A_CONTROL] || !tb[KALLOC_VDEV_A_SIZE])
		return -EPROTO;
	memset(v, 0, sizeof(*v));
	nla_strlcpy(v->name, tb[KALLOC_VDEV_A_NAME], sizeof(v->name));
	if (tb[KALLOC_VDEV_A_OWNER])
		nla_strlcpy(v->owner, tb[KALLOC_VDEV_A_OWNER],
			    sizeof(v->owner));
	v->id = u32_or_0(tb[KALLOC_VDEV_A_ID]);
	v->minor = u32_or_0(tb[KALLOC_VDEV_A_MINOR]);
	v->size = nla_get_u32(tb[KALLOC_VDEV_A_SIZE]);
	v->open_files = u32_or_0(tb[KALLOC_VDEV_A_OPEN_FILES]);
	v->status = nla_get_u32(tb[KALLOC_VDEV_A_STATUS]);
	v->control = nla_get_u32(tb[KALLOC_VDEV_A_CONTROL]);
	v->timer_ns = u64_or_0(tb[KALLOC_VDEV_A_TIMER_NS]);
	v->irq_count = u64_or_0(tb[KALLOC_VDEV_A_IRQ_COUNT]);
	v->irq_unacked = u64_or_0(tb[KALLOC_VDEV_A_IRQ_UNACKED]);
	v->dma_completed = u64_or_0(tb[KALLOC_VDEV_A_DMA_COMPLETED]);
	v->dma_failed = u64_or_0(tb[KALLOC_VDEV_A_DMA_FAILED]);
	parse_dma(tb, v);
	return 0;
}

const struct kalloc_obj_ops kalloc_obj_vdev = {
	.name = "device",
	.attr_prefix = "KALLOC_VDEV_A_",
	.maxattr = KALLOC_VDEV_A_MAX,
	.attr_names = vdev_attr_names,
	.policy = vdev_policy,
	.reply_size = sizeof(struct kalloc_vdev_info),
	.parse = parse_vdev,
};

/* ---- requests --------------------------------------------------------- */

/* A request of cmd naming the device, with room for extra bytes more. */
static int vdev_request(struct kalloc_nl *nl, struct nl_msg **msg,
			uint8_t cmd, const char *name, size_t extra,
			struct kalloc_err *err)
{
	int ret;

	kalloc_clear_err(err);
	ret = kalloc_nl_request(nl, msg, cmd, 0,
				kalloc_attr_str_size(name) + extra, err);
	if (ret)
		return ret;
	if (nla_put_string(*msg, KALLOC_VDEV_A_NAME, name) < 0) {
		nlmsg_free(*msg);
		return kalloc_err_msgsize(err);
	}
	return 0;
}

/* Sends msg; a reply is required when out is set. */
static int vdev_do(struct kalloc_nl *nl, struct nl_msg *msg,
		   struct kalloc_vdev_info *out, struct kalloc_err *err)
{
	bool got = false;
	int ret;

	ret = kalloc_nl_do(nl, msg, out, &got, err);
	if (!ret && out && !got)
		ret = kalloc_set_err(err, -EPROTO,
				     "the kernel did not describe the device");
	return ret;
}

static int put_new(struct nl_msg *msg, const struct kalloc_vdev_spec *spec)
{
	if (spec->size && nla_put_u32(msg, KALLOC_VDEV_A_SIZE, spec->size) < 0)
		return -EMSGSIZE;
	if (spec->timer_ns &&
	    nla_put_u64(msg, KALLOC_VDEV_A_TIMER_NS, spec->timer_ns) < 0)
		return -EMSGSIZE;
	if (spec->owner &&
	    nla_put_string(msg, KALLOC_VDEV_A_OWNER, spec->owner) < 0)
		return -EMSGSIZE;
	return 0;
}

int kalloc_vdev_new(struct kalloc_nl *nl, const struct kalloc_vdev_spec *spec,
		    struct kalloc_vdev_info *out, struct kalloc_err *err)
{
	struct kalloc_vdev_info scratch;
	struct nl_msg *msg;
	int ret;

	ret = vdev_request(nl, &msg, KALLOC_CMD_VDEV_NEW, spec->name,
			   kalloc_attr_size(4) + kalloc_attr_size(8) +
			   kalloc_attr_str_size(spec->owner ? spec->owner : ""),
			   err);
	if (ret)
		return ret;
	if (put_new(msg, spec)) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	return vdev_do(nl, msg, out ? out : &scratch, err);
}

int kalloc_vdev_del(struct kalloc_nl *nl, const char *name,
		    struct kalloc_err *err)
{
	struct nl_msg *msg;
	int ret;

	ret = vdev_request(nl, &msg, KALLOC_CMD_VDEV_DEL, name, 0, err);
	return ret ? ret : vdev_do(nl, msg, NULL, err);
}

int kalloc_vdev_irq(struct kalloc_nl *nl, const char *name,
		    struct kalloc_err *err)
{
	struct nl_msg *msg;
	int ret;

	ret = vdev_request(nl, &msg, KALLOC_CMD_VDEV_IRQ, name, 0, err);
	return ret ? ret : vdev_do(nl, msg, NULL, err);
}

int kalloc_vdev_get(struct kalloc_nl *nl, const char *name,
		    struct kalloc_vdev_info *out, struct kalloc_err *err)
{
	struct nl_msg *msg;
	int ret;

	ret = vdev_request(nl, &msg, KALLOC_CMD_VDEV_GET, name, 0, err);
	return ret ? ret : vdev_do(nl, msg, out, err);
}

int kalloc_vdev_list(struct kalloc_nl *nl, struct kalloc_vdev_info **v,
		     size_t *n, struct kalloc_err *err)
{
	kalloc_clear_err(err);
	return kalloc_nl_dump(nl, KALLOC_CMD_VDEV_GET, (void **)v, n, err);
}

static int put_set(struct nl_msg *msg, const struct kalloc_vdev_settings *s)
{
	if (s->has_control &&
	    (nla_put_u32(msg, KALLOC_VDEV_A_CONTROL, s->control) < 0 ||
	     nla_put_u32(msg, KALLOC_VDEV_A_CONTROL_MASK, s->mask) < 0))
		return -EMSGSIZE;
	if (s->timer_ns &&
	    nla_put_u64(msg, KALLOC_VDEV_A_TIMER_NS, s->timer_ns) < 0)
		return -EMSGSIZE;
	return 0;
}

int kalloc_vdev_set(struct kalloc_nl *nl, const char *name,
		    const struct kalloc_vdev_settings *s,
		    struct kalloc_vdev_info *out, struct kalloc_err *err)
{
	struct kalloc_vdev_info scratch;
	struct nl_msg *msg;
	int ret;

	ret = vdev_request(nl, &msg, KALLOC_CMD_VDEV_SET, name,
			   2 * kalloc_attr_size(4) + kalloc_attr_size(8), err);
	if (ret)
		return ret;
	if (put_set(msg, s)) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	return vdev_do(nl, msg, out ? out : &scratch, err);
}

static int put_dma(struct nl_msg *msg, const struct kalloc_vdev_dma_spec *d)
{
	if (nla_put_u32(msg, KALLOC_VDEV_A_DMA_DIRECTION, d->direction) < 0 ||
	    nla_put_string(msg, KALLOC_VDEV_A_DMA_BUFFER_NAME, d->buffer) < 0 ||
	    nla_put_u64(msg, KALLOC_VDEV_A_DMA_OFFSET, d->offset) < 0 ||
	    nla_put_u32(msg, KALLOC_VDEV_A_DMA_DEV_OFFSET, d->dev_offset) < 0)
		return -EMSGSIZE;
	if (d->length &&
	    nla_put_u32(msg, KALLOC_VDEV_A_DMA_LENGTH, d->length) < 0)
		return -EMSGSIZE;
	if (d->wait && nla_put_flag(msg, KALLOC_VDEV_A_DMA_WAIT) < 0)
		return -EMSGSIZE;
	return 0;
}

int kalloc_vdev_dma(struct kalloc_nl *nl, const struct kalloc_vdev_dma_spec *d,
		    struct kalloc_vdev_info *out, struct kalloc_err *err)
{
	struct nl_msg *msg;
	int ret;

	ret = vdev_request(nl, &msg, KALLOC_CMD_VDEV_DMA, d->device,
			   kalloc_attr_str_size(d->buffer) +
			   3 * kalloc_attr_size(4) + kalloc_attr_size(8) +
			   kalloc_attr_size(0), err);
	if (ret)
		return ret;
	if (put_dma(msg, d)) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	return vdev_do(nl, msg, out, err);
}
