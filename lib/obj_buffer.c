// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * obj_buffer.c - the buffer object: KALLOC_CMD_BUFFER_* requests and
 * replies, all in the attribute space enum kalloc_buffer_attr.
 *
 * Three kinds of reply share the space: a buffer's description (NEW, GET,
 * CHECK), the data of a READ, and the count of a FLUSH; each has its own
 * ops with the same names and policy.
 */
#include <errno.h>
#include <string.h>

#include "obj.h"

static const char *const buffer_attr_names[KALLOC_BUFFER_A_MAX + 1] = {
	[KALLOC_BUFFER_A_ID]		= "id",
	[KALLOC_BUFFER_A_NAME]		= "name",
	[KALLOC_BUFFER_A_SIZE]		= "size",
	[KALLOC_BUFFER_A_ALLOCATOR]	= "allocator",
	[KALLOC_BUFFER_A_PAD]		= "pad",
	[KALLOC_BUFFER_A_POLICY]	= "policy",
	[KALLOC_BUFFER_A_POLICY_NAME]	= "policy_name",
	[KALLOC_BUFFER_A_OWNER]		= "owner",
	[KALLOC_BUFFER_A_FLAGS]		= "flags",
	[KALLOC_BUFFER_A_PORTID]	= "portid",
	[KALLOC_BUFFER_A_GUARDS]	= "guards",
	[KALLOC_BUFFER_A_OFFSET]	= "offset",
	[KALLOC_BUFFER_A_LENGTH]	= "length",
	[KALLOC_BUFFER_A_DATA]		= "data",
	[KALLOC_BUFFER_A_COUNT]		= "count",
	[KALLOC_BUFFER_A_REASON]	= "reason",
};

static const struct nla_policy buffer_policy[KALLOC_BUFFER_A_MAX + 1] = {
	[KALLOC_BUFFER_A_ID]		= { .type = NLA_U32 },
	[KALLOC_BUFFER_A_NAME]		= { .type = NLA_STRING },
	[KALLOC_BUFFER_A_SIZE]		= { .type = NLA_U64 },
	[KALLOC_BUFFER_A_ALLOCATOR]	= { .type = NLA_STRING },
	[KALLOC_BUFFER_A_POLICY]	= { .type = NLA_U32 },
	[KALLOC_BUFFER_A_POLICY_NAME]	= { .type = NLA_STRING },
	[KALLOC_BUFFER_A_OWNER]		= { .type = NLA_STRING },
	[KALLOC_BUFFER_A_FLAGS]		= { .type = NLA_U32 },
	[KALLOC_BUFFER_A_PORTID]	= { .type = NLA_U32 },
	[KALLOC_BUFFER_A_GUARDS]	= { .type = NLA_U32 },
	[KALLOC_BUFFER_A_OFFSET]	= { .type = NLA_U64 },
	[KALLOC_BUFFER_A_LENGTH]	= { .type = NLA_U32 },
	[KALLOC_BUFFER_A_DATA]		= { .type = NLA_UNSPEC },
	[KALLOC_BUFFER_A_COUNT]		= { .type = NLA_U32 },
	[KALLOC_BUFFER_A_REASON]	= { .type = NLA_U32 },
};

static uint32_t get_u32_or(struct nlattr *a, uint32_t dflt)
{
	return a ? nla_get_u32(a) : dflt;
}

static void get_str(char *dst, size_t len, struct nlattr *a)
{
	if (a)
		nla_strlcpy(dst, a, len);
	else
		dst[0] = '\0';
}

/* A description: id, name and size are required, the rest optional. */
static int parse_buffer(const struct kalloc_obj_reply *r, void *out)
{
	struct nlattr **tb = r->tb;
	struct kalloc_buffer_info *b = out;

	if (!tb[KALLOC_BUFFER_A_ID] || !tb[KALLOC_BUFFER_A_NAME] ||
	    !tb[KALLOC_BUFFER_A_SIZE])
		return -EPROTO;
	memset(b, 0, sizeof(*b));
	b->id = nla_get_u32(tb[KALLOC_BUFFER_A_ID]);
	get_str(b->name, sizeof(b->name), tb[KALLOC_BUFFER_A_NAME]);
	b->size = nla_get_u64(tb[KALLOC_BUFFER_A_SIZE]);
	get_str(b->allocator, sizeof(b->allocator),
		tb[KALLOC_BUFFER_A_ALLOCATOR]);
	b->policy = get_u32_or(tb[KALLOC_BUFFER_A_POLICY], 0);
	get_str(b->policy_name, sizeof(b->policy_name),
		tb[KALLOC_BUFFER_A_POLICY_NAME]);
	get_str(b->owner, sizeof(b->owner), tb[KALLOC_BUFFER_A_OWNER]);
	b->flags = get_u32_or(tb[KALLOC_BUFFER_A_FLAGS], 0);
	b->portid = get_u32_or(tb[KALLOC_BUFFER_A_PORTID], 0);
	b->guards = get_u32_or(tb[KALLOC_BUFFER_A_GUARDS], 0);
	b->reason = get_u32_or(tb[KALLOC_BUFFER_A_REASON], 0);
	return 0;
}

/* A READ's data, into the caller's buffer; more than it holds is an error. */
static int parse_data(const struct kalloc_obj_reply *r, void *out)
{
	struct nlattr **tb = r->tb;
	struct kalloc_io_data *d = out;
	struct nlattr *data = tb[KALLOC_BUFFER_A_DATA];
	size_t len;

	if (!data)
		return -EPROTO;
	len = (size_t)nla_len(data);
	if (len > d->cap)
		return -EPROTO;
	memcpy(d->buf, nla_data(data), len);
	d->len = len;
	d->offset = tb[KALLOC_BUFFER_A_OFFSET] ?
		    nla_get_u64(tb[KALLOC_BUFFER_A_OFFSET]) : 0;
	return 0;
}

static int parse_flush(const struct kalloc_obj_reply *r, void *out)
{
	struct nlattr **tb = r->tb;
	struct kalloc_flush_reply *f = out;

	if (!tb[KALLOC_BUFFER_A_COUNT])
		return -EPROTO;
	get_str(f->owner, sizeof(f->owner), tb[KALLOC_BUFFER_A_OWNER]);
	f->count = nla_get_u32(tb[KALLOC_BUFFER_A_COUNT]);
	return 0;
}

#define BUFFER_OPS(_name, _size, _parse) {		\
	.name = _name,					\
	.attr_prefix = "KALLOC_BUFFER_A_",		\
	.maxattr = KALLOC_BUFFER_A_MAX,			\
	.attr_names = buffer_attr_names,		\
	.policy = buffer_policy,			\
	.reply_size = _size,				\
	.parse = _parse,				\
}

const struct kalloc_obj_ops kalloc_obj_buffer =
	BUFFER_OPS("buffer", sizeof(struct kalloc_buffer_info), parse_buffer);
const struct kalloc_obj_ops kalloc_obj_buffer_data =
	BUFFER_OPS("buffer data", sizeof(struct kalloc_io_data), parse_data);
const struct kalloc_obj_ops kalloc_obj_buffer_flush =
	BUFFER_OPS("buffer flush", sizeof(struct kalloc_flush_reply),
		   parse_flush);

/* ---- requests --------------------------------------------------------- */

/* The buffer a request addresses: by name if there is one, else by id. */
static int put_selector(struct nl_msg *msg, const char *name, uint32_t id)
{
	if (name)
		return nla_put_string(msg, KALLOC_BUFFER_A_NAME, name);
	return nla_put_u32(msg, KALLOC_BUFFER_A_ID, id);
}

static size_t selector_size(const char *name)
{
	return name ? kalloc_attr_str_size(name) : kalloc_attr_size(4);
}

/* A request of cmd that selects one buffer and carries nothing else. */
static int selected_do(struct kalloc_nl *nl, uint8_t cmd, const char *name,
		       uint32_t id, struct kalloc_buffer_info *out, bool *got,
		       struct kalloc_err *err)
{
	struct nl_msg *msg;
	int ret;

	ret = kalloc_nl_request(nl, &msg, cmd, 0, selector_size(name), err);
	if (ret)
		return ret;
	if (put_selector(msg, name, id) < 0) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	return kalloc_nl_do(nl, msg, out, got, err);
}

static size_t new_size(const struct kalloc_buffer_spec *spec)
{
	return kalloc_attr_str_size(spec->name) + kalloc_attr_size(8) +
	       3 * kalloc_attr_size(4) +
	       (spec->owner ? kalloc_attr_str_size(spec->owner) : 0);
}

static int put_new(struct nl_msg *msg, const struct kalloc_buffer_spec *spec)
{
	if (nla_put_string(msg, KALLOC_BUFFER_A_NAME, spec->name) < 0 ||
	    nla_put_u64(msg, KALLOC_BUFFER_A_SIZE, spec->size) < 0)
		return -EMSGSIZE;
	if (spec->policy &&
	    nla_put_u32(msg, KALLOC_BUFFER_A_POLICY, *spec->policy) < 0)
		return -EMSGSIZE;
	if (spec->owner &&
	    nla_put_string(msg, KALLOC_BUFFER_A_OWNER, spec->owner) < 0)
		return -EMSGSIZE;
	if (spec->flags &&
	    nla_put_u32(msg, KALLOC_BUFFER_A_FLAGS, spec->flags) < 0)
		return -EMSGSIZE;
	return 0;
}

int kalloc_buffer_new(struct kalloc_nl *nl, const struct kalloc_buffer_spec *spec,
		      struct kalloc_buffer_info *out, struct kalloc_err *err)
{
	struct nl_msg *msg;
	bool got = false;
	int ret;

	kalloc_clear_err(err);
	if (!spec->name)
		return kalloc_set_err(err, -EINVAL, "no buffer name given");
	ret = kalloc_nl_request(nl, &msg, KALLOC_CMD_BUFFER_NEW, 0,
				new_size(spec), err);
	if (ret)
		return ret;
	if (put_new(msg, spec)) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	ret = kalloc_nl_do(nl, msg, out, &got, err);
	if (!ret && !got)
		ret = kalloc_set_err(err, -EPROTO,
				     "the kernel did not describe the new buffer");
	return ret;
}

int kalloc_buffer_del(struct kalloc_nl *nl, const char *name, uint32_t id,
		      struct kalloc_err *err)
{
	kalloc_clear_err(err);
	return selected_do(nl, KALLOC_CMD_BUFFER_DEL, name, id, NULL, NULL,
			   err);
}

/* GET and CHECK as a do: the reply describes the buffer. */
static int describe(struct kalloc_nl *nl, uint8_t cmd, const char *name,
		    uint32_t id, struct kalloc_buffer_info *out,
		    struct kalloc_err *err)
{
	bool got = false;
	int ret;

	kalloc_clear_err(err);
	ret = selected_do(nl, cmd, name, id, out, &got, err);
	if (!ret && !got)
		ret = kalloc_set_err(err, -EPROTO,
				     "the kernel did not describe the buffer");
	return ret;
}

int kalloc_buffer_get(struct kalloc_nl *nl, const char *name, uint32_t id,
		      struct kalloc_buffer_info *out, struct kalloc_err *err)
{
	return describe(nl, KALLOC_CMD_BUFFER_GET, name, id, out, err);
}

int kalloc_buffer_check(struct kalloc_nl *nl, const char *name, uint32_t id,
			struct kalloc_buffer_info *out, struct kalloc_err *err)
{
	return describe(nl, KALLOC_CMD_BUFFER_CHECK, name, id, out, err);
}

int kalloc_buffer_list(struct kalloc_nl *nl, struct kalloc_buffer_info **bufs,
		       size_t *n, struct kalloc_err *err)
{
	kalloc_clear_err(err);
	return kalloc_nl_dump(nl, KALLOC_CMD_BUFFER_GET, (void **)bufs, n, err);
}

int kalloc_buffer_check_all(struct kalloc_nl *nl,
			    struct kalloc_buffer_info **bufs, size_t *n,
			    struct kalloc_err *err)
{
	kalloc_clear_err(err);
	return kalloc_nl_dump(nl, KALLOC_CMD_BUFFER_CHECK, (void **)bufs, n,
			      err);
}

static int put_set(struct nl_msg *msg, const char *name, uint32_t id,
		   const uint64_t *size, const uint32_t *policy)
{
	if (put_selector(msg, name, id) < 0)
		return -EMSGSIZE;
	if (size && nla_put_u64(msg, KALLOC_BUFFER_A_SIZE, *size) < 0)
		return -EMSGSIZE;
	if (policy && nla_put_u32(msg, KALLOC_BUFFER_A_POLICY, *policy) < 0)
		return -EMSGSIZE;
	return 0;
}

int kalloc_buffer_set(struct kalloc_nl *nl, const char *name, uint32_t id,
		      const uint64_t *size, const uint32_t *policy,
		      struct kalloc_buffer_info *out, struct kalloc_err *err)
{
	struct nl_msg *msg;
	bool got = false;
	int ret;

	kalloc_clear_err(err);
	ret = kalloc_nl_request(nl, &msg, KALLOC_CMD_BUFFER_SET, 0,
				selector_size(name) + kalloc_attr_size(8) +
				kalloc_attr_size(4), err);
	if (ret)
		return ret;
	if (put_set(msg, name, id, size, policy)) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	ret = kalloc_nl_do(nl, msg, out, &got, err);
	if (!ret && !got)
		ret = kalloc_set_err(err, -EPROTO,
				     "the kernel did not describe the changed buffer");
	return ret;
}

int kalloc_buffer_flush(struct kalloc_nl *nl, const char *owner,
			uint32_t *count, struct kalloc_err *err)
{
	struct kalloc_flush_reply reply = { .count = 0 };
	struct nl_msg *msg;
	bool got = false;
	int ret;

	kalloc_clear_err(err);
	ret = kalloc_nl_request(nl, &msg, KALLOC_CMD_BUFFER_FLUSH, 0,
				kalloc_attr_str_size(owner), err);
	if (ret)
		return ret;
	if (nla_put_string(msg, KALLOC_BUFFER_A_OWNER, owner) < 0) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	ret = kalloc_nl_do(nl, msg, &reply, &got, err);
	if (!ret && !got)
		ret = kalloc_set_err(err, -EPROTO,
				     "the kernel did not say how many buffers it flushed");
	if (!ret)
		*count = reply.count;
	return ret;
}

int kalloc_buffer_read(struct kalloc_nl *nl, const char *name, uint64_t offset,
		       const uint32_t *len, void *buf, size_t cap, size_t *got,
		       struct kalloc_err *err)
{
	struct kalloc_io_data data = { .buf = buf, .cap = cap };
	struct nl_msg *msg;
	bool replied = false;
	int ret;

	kalloc_clear_err(err);
	ret = kalloc_nl_request(nl, &msg, KALLOC_CMD_BUFFER_READ, 0,
				kalloc_attr_str_size(name) +
				kalloc_attr_size(8) + kalloc_attr_size(4), err);
	if (ret)
		return ret;
	if (nla_put_string(msg, KALLOC_BUFFER_A_NAME, name) < 0 ||
	    nla_put_u64(msg, KALLOC_BUFFER_A_OFFSET, offset) < 0 ||
	    (len && nla_put_u32(msg, KALLOC_BUFFER_A_LENGTH, *len) < 0)) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	ret = kalloc_nl_do(nl, msg, &data, &replied, err);
	if (!ret && !replied)
		ret = kalloc_set_err(err, -EPROTO,
				     "the kernel sent no data for the read");
	if (!ret && data.offset != offset)
		ret = kalloc_set_err(err, -EPROTO,
				     "the kernel sent data from another offset");
	if (!ret)
		*got = data.len;
	return ret;
}

int kalloc_buffer_write(struct kalloc_nl *nl, const char *name,
			uint64_t offset, const void *data, size_t len,
			struct kalloc_err *err)
{
	struct nl_msg *msg;
	int ret;

	kalloc_clear_err(err);
	ret = kalloc_nl_request(nl, &msg, KALLOC_CMD_BUFFER_WRITE, 0,
				kalloc_attr_str_size(name) +
				kalloc_attr_size(8) + kalloc_attr_size(len),
				err);
	if (ret)
		return ret;
	if (nla_put_string(msg, KALLOC_BUFFER_A_NAME, name) < 0 ||
	    nla_put_u64(msg, KALLOC_BUFFER_A_OFFSET, offset) < 0 ||
	    nla_put(msg, KALLOC_BUFFER_A_DATA, (int)len, data) < 0) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	return kalloc_nl_do(nl, msg, NULL, NULL, err);
}
