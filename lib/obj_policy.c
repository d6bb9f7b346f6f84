// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * obj_policy.c - the policy object: KALLOC_CMD_POLICY_GET (a do and a
 * dump) and KALLOC_CMD_POLICY_SET, in the attribute space enum
 * kalloc_policy_attr. A POLICY_SET reply is a POLICY_GET reply about the
 * policy now active plus what the switch did.
 */
#include <errno.h>
#include <string.h>

#include "obj.h"

static const char *const policy_attr_names[KALLOC_POLICY_A_MAX + 1] = {
	[KALLOC_POLICY_A_ID]		= "id",
	[KALLOC_POLICY_A_NAME]		= "name",
	[KALLOC_POLICY_A_ACTIVE]	= "active",
	[KALLOC_POLICY_A_BUFFERS]	= "buffers",
	[KALLOC_POLICY_A_ARENA_BYTES]	= "arena_bytes",
	[KALLOC_POLICY_A_ARENA_LIMIT]	= "arena_limit",
	[KALLOC_POLICY_A_MIGRATE]	= "migrate",
	[KALLOC_POLICY_A_FROM]		= "from",
	[KALLOC_POLICY_A_PREVIOUS]	= "previous",
	[KALLOC_POLICY_A_CHANGED]	= "changed",
	[KALLOC_POLICY_A_MIGRATED]	= "migrated",
	[KALLOC_POLICY_A_UNMOVED]	= "unmoved",
	[KALLOC_POLICY_A_PAD]		= "pad",
};

static const struct nla_policy policy_policy[KALLOC_POLICY_A_MAX + 1] = {
	[KALLOC_POLICY_A_ID]		= { .type = NLA_U32 },
	[KALLOC_POLICY_A_NAME]		= { .type = NLA_STRING },
	[KALLOC_POLICY_A_ACTIVE]	= { .type = NLA_U8 },
	[KALLOC_POLICY_A_BUFFERS]	= { .type = NLA_U32 },
	[KALLOC_POLICY_A_ARENA_BYTES]	= { .type = NLA_U64 },
	[KALLOC_POLICY_A_ARENA_LIMIT]	= { .type = NLA_U64 },
	[KALLOC_POLICY_A_MIGRATE]	= { .type = NLA_FLAG },
	[KALLOC_POLICY_A_FROM]		= { .type = NLA_U32 },
	[KALLOC_POLICY_A_PREVIOUS]	= { .type = NLA_U32 },
	[KALLOC_POLICY_A_CHANGED]	= { .type = NLA_U8 },
	[KALLOC_POLICY_A_MIGRATED]	= { .type = NLA_U32 },
	[KALLOC_POLICY_A_UNMOVED]	= { .type = NLA_U32 },
};

static uint64_t u64_or_0(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static uint32_t u32_or_0(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

/* Number and name are required; the counters default to 0. */
static int parse_policy(const struct kalloc_obj_reply *r, void *out)
{
	struct nlattr **tb = r->tb;
	struct kalloc_policy_info *p = out;

	if (!tb[KALLOC_POLICY_A_ID] || !tb[KALLOC_POLICY_A_NAME])
		return -EPROTO;
	memset(p, 0, sizeof(*p));
	p->id = nla_get_u32(tb[KALLOC_POLICY_A_ID]);
	nla_strlcpy(p->name, tb[KALLOC_POLICY_A_NAME], sizeof(p->name));
	p->active = tb[KALLOC_POLICY_A_ACTIVE] &&
		    nla_get_u8(tb[KALLOC_POLICY_A_ACTIVE]);
	p->buffers = u32_or_0(tb[KALLOC_POLICY_A_BUFFERS]);
	p->arena_bytes = u64_or_0(tb[KALLOC_POLICY_A_ARENA_BYTES]);
	p->arena_limit = u64_or_0(tb[KALLOC_POLICY_A_ARENA_LIMIT]);
	return 0;
}

static int parse_policy_set(const struct kalloc_obj_reply *r, void *out)
{
	struct nlattr **tb = r->tb;
	struct kalloc_policy_change *c = out;
	int ret;

	memset(c, 0, sizeof(*c));
	ret = parse_policy(r, &c->active);
	if (ret)
		return ret;
	if (!tb[KALLOC_POLICY_A_PREVIOUS] || !tb[KALLOC_POLICY_A_CHANGED])
		return -EPROTO;
	c->previous = nla_get_u32(tb[KALLOC_POLICY_A_PREVIOUS]);
	c->changed = nla_get_u8(tb[KALLOC_POLICY_A_CHANGED]);
	c->migrated = u32_or_0(tb[KALLOC_POLICY_A_MIGRATED]);
	c->unmoved = u32_or_0(tb[KALLOC_POLICY_A_UNMOVED]);
	return 0;
}

#define POLICY_OPS(_size, _parse) {			\
	.name = "policy",				\
	.attr_prefix = "KALLOC_POLICY_A_",		\
	.maxattr = KALLOC_POLICY_A_MAX,			\
	.attr_names = policy_attr_names,		\
	.policy = policy_policy,			\
	.reply_size = _size,				\
	.parse = _parse,				\
}

const struct kalloc_obj_ops kalloc_obj_policy =
	POLICY_OPS(sizeof(struct kalloc_policy_info), parse_policy);
const struct kalloc_obj_ops kalloc_obj_policy_set =
	POLICY_OPS(sizeof(struct kalloc_policy_change), parse_policy_set);

/* ---- requests --------------------------------------------------------- */

int kalloc_policy_get(struct kalloc_nl *nl, const uint32_t *id,
		      struct kalloc_policy_info *out, struct kalloc_err *err)
{
	struct nl_msg *msg;
	bool got = false;
	int ret;

	kalloc_clear_err(err);
	ret = kalloc_nl_request(nl, &msg, KALLOC_CMD_POLICY_GET, 0,
				kalloc_attr_size(4), err);
	if (ret)
		return ret;
	if (id && nla_put_u32(msg, KALLOC_POLICY_A_ID, *id) < 0) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	ret = kalloc_nl_do(nl, msg, out, &got, err);
	if (!ret && !got)
		ret = kalloc_set_err(err, -EPROTO,
				     "the kernel did not describe the policy");
	return ret;
}

int kalloc_policy_list(struct kalloc_nl *nl, struct kalloc_policy_info **v,
		       size_t *n, struct kalloc_err *err)
{
	kalloc_clear_err(err);
	return kalloc_nl_dump(nl, KALLOC_CMD_POLICY_GET, (void **)v, n, err);
}

static int put_set(struct nl_msg *msg, uint32_t id, bool migrate,
		   uint32_t from)
{
	if (nla_put_u32(msg, KALLOC_POLICY_A_ID, id) < 0)
		return -EMSGSIZE;
	if (migrate && nla_put_flag(msg, KALLOC_POLICY_A_MIGRATE) < 0)
		return -EMSGSIZE;
	if (from && nla_put_u32(msg, KALLOC_POLICY_A_FROM, from) < 0)
		return -EMSGSIZE;
	return 0;
}

int kalloc_policy_set(struct kalloc_nl *nl, uint32_t id, bool migrate,
		      uint32_t from, struct kalloc_policy_change *out,
		      struct kalloc_err *err)
{
	struct nl_msg *msg;
	bool got = false;
	int ret;

	kalloc_clear_err(err);
	ret = kalloc_nl_request(nl, &msg, KALLOC_CMD_POLICY_SET, 0,
				3 * kalloc_attr_size(4), err);
	if (ret)
		return ret;
	if (put_set(msg, id, migrate, from)) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	ret = kalloc_nl_do(nl, msg, out, &got, err);
	if (!ret && !got)
		ret = kalloc_set_err(err, -EPROTO,
				     "the kernel did not say what the switch did");
	return ret;
}
