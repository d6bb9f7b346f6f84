// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nlerr.c - a kernel error message (NLMSG_ERROR, or the NLMSG_DONE that
 * ends a dump) into one line of text.
 *
 * libnl has no extended ACK API, and it turns the kernel's errno into its
 * own NLE_* codes, losing both the errno and the message. nl.c therefore
 * hands the raw message here, together with the request it answers. The
 * line is built from three parts of the extended ACK:
 *
 *   NLMSGERR_ATTR_MSG     the kernel's static message, as it is;
 *   NLMSGERR_ATTR_COOKIE  a struct kalloc_cookie: the numbers the message
 *                         refers to, formatted per kind, in parentheses;
 *   NLMSGERR_ATTR_OFFS    (or _MISS_TYPE) the attribute it is about, named
 *                         from the answering object's table, unless the
 *                         message names it already (kalloc.ko's do, the
 *                         policy layer's do not).
 *
 *   "KALLOC_BUFFER_A_SIZE exceeds the remaining budget (4194304 of
 *    67108864 bytes free)"
 *   "integer out of range (attribute size)"
 *
 * Everything here is a pure function of its arguments: the unit tests
 * drive it with hand-built messages.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "nl_priv.h"
#include "obj.h"

/* What the extended ACK TLVs of an error say. */
struct ext_ack {
	const char *msg;
	long long offs;		/* NLMSGERR_ATTR_OFFS, or -1 */
	long long miss;		/* NLMSGERR_ATTR_MISS_TYPE, or -1 */
	const void *cookie;
	size_t cookie_len;
};

static long long tlv_u32(const unsigned char *data, size_t len)
{
	uint32_t v;

	if (len < sizeof(v))
		return -1;
	memcpy(&v, data, sizeof(v));
	return v;
}

static void ext_ack_attr(const struct nlattr *a, const unsigned char *data,
			 struct ext_ack *ea)
{
	size_t dlen = a->nla_len - NLA_HDRLEN;

	switch (a->nla_type & NLA_TYPE_MASK) {
	case NLMSGERR_ATTR_MSG:
		/* Only a string that ends inside its attribute. */
		if (dlen && memchr(data, '\0', dlen))
			ea->msg = (const char *)data;
		break;
	case NLMSGERR_ATTR_OFFS:
		ea->offs = tlv_u32(data, dlen);
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		ea->miss = tlv_u32(data, dlen);
		break;
	case NLMSGERR_ATTR_COOKIE:
		ea->cookie = data;
		ea->cookie_len = dlen;
		break;
	}
}

static void parse_ext_ack(const unsigned char *p, size_t len,
			  struct ext_ack *ea)
{
	struct nlattr a;
	size_t step;

	while (len >= NLA_HDRLEN) {
		memcpy(&a, p, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len)
			return;
		ext_ack_attr(&a, p + NLA_HDRLEN, ea);
		step = NLA_ALIGN((size_t)a.nla_len);
		if (step >= len)
			return;
		p += step;
		len -= step;
	}
}

/* Type of the top-level attribute of req holding byte offset off, or -1. */
static int req_attr_at(const struct nlmsghdr *req, long long off)
{
	const unsigned char *base = (const unsigned char *)req;
	size_t pos = NLMSG_HDRLEN + GENL_HDRLEN;
	struct nlattr a;

	while (off >= 0 && pos + NLA_HDRLEN <= req->nlmsg_len) {
		memcpy(&a, base + pos, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || pos + a.nla_len > req->nlmsg_len)
			return -1;
		if ((size_t)off >= pos && (size_t)off < pos + a.nla_len)
			return a.nla_type & NLA_TYPE_MASK;
		pos += NLA_ALIGN(a.nla_len);
	}
	return -1;
}

/* The attribute the kernel blamed: its object and type, or false. */
static bool blamed_attr(const struct ext_ack *ea, const struct nlmsghdr *req,
			const struct kalloc_obj_ops **ops, unsigned int *type)
{
	struct genlmsghdr g;
	int t = -1;

	if (!req || req->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return false;
	memcpy(&g, (const unsigned char *)req + NLMSG_HDRLEN, sizeof(g));
	if (ea->offs >= 0)
		t = req_attr_at(req, ea->offs);
	else if (ea->miss >= 0 && ea->miss <= 0xffff)
		t = (int)ea->miss;
	*ops = kalloc_obj_of_cmd(g.cmd);
	if (t < 0 || !*ops || !kalloc_obj_attr_name(*ops, (unsigned int)t))
		return false;
	*type = (unsigned int)t;
	return true;
}

/*
 * Whether text names the attribute by its uapi spelling already
 * ("KALLOC_BUFFER_A_SIZE exceeds ..."), as a whole word: not a prefix of
 * a longer name (KALLOC_BUFFER_A_POLICY in KALLOC_BUFFER_A_POLICY_NAME).
 */
static bool names_attr(const char *text, const struct kalloc_obj_ops *ops,
		       const char *name)
{
	char uapi[64];
	const char *p;
	size_t i, n;

	n = (size_t)snprintf(uapi, sizeof(uapi), "%s%s", ops->attr_prefix,
			     name);
	if (n >= sizeof(uapi))
		return false;
	for (i = 0; i < n; i++)
		uapi[i] = (char)toupper((unsigned char)uapi[i]);
	for (p = strstr(text, uapi); p; p = strstr(p + 1, uapi)) {
		if (!isalnum((unsigned char)p[n]) && p[n] != '_')
			return true;
	}
	return false;
}

const char *kalloc_nl_attr_name(unsigned int cmd, unsigned int type)
{
	const struct kalloc_obj_ops *ops = kalloc_obj_of_cmd(cmd);

	return ops ? kalloc_obj_attr_name(ops, type) : NULL;
}

const char *kalloc_cookie_format(const struct kalloc_cookie *c, char *buf,
				 size_t len)
{
	uint64_t a = kalloc_cookie_a(c), b = kalloc_cookie_b(c);

	switch (c->kind) {
	case KALLOC_COOKIE_BUDGET:
		snprintf(buf, len, "%" PRIu64 " of %" PRIu64 " bytes free", a, b);
		return buf;
	case KALLOC_COOKIE_MAX_BUFFERS:
		snprintf(buf, len, "max_buffers is %" PRIu64, a);
		return buf;
	case KALLOC_COOKIE_LARGEST:
		snprintf(buf, len,
			 "largest it can serve now: %" PRIu64 " bytes; arena bound %" PRIu64 " bytes",
			 a, b);
		return buf;
	case KALLOC_COOKIE_BUFFER_SIZE:
		snprintf(buf, len, "the buffer holds %" PRIu64 " bytes", a);
		return buf;
	default:
		return NULL;
	}
}

/* " (numbers)" for a cookie of a kind we know, else "". */
static const char *cookie_part(const struct ext_ack *ea, char *buf,
			       size_t len)
{
	struct kalloc_cookie c;
	char words[160];

	if (!ea->cookie || ea->cookie_len != sizeof(c))
		return "";
	memcpy(&c, ea->cookie, sizeof(c));
	if (!kalloc_cookie_format(&c, words, sizeof(words)))
		return "";
	snprintf(buf, len, " (%s)", words);
	return buf;
}

/* The errno of msg and the offset of its TLVs; false if msg is too short. */
static bool err_header(const struct nlmsghdr *msg, size_t len, int *code,
		       size_t *tlv_off)
{
	const unsigned char *base = (const unsigned char *)msg;
	struct nlmsgerr e;
	size_t hlen;

	if (msg->nlmsg_type == NLMSG_DONE) {
		if (len < NLMSG_HDRLEN + sizeof(int))
			return false;
		memcpy(code, base + NLMSG_HDRLEN, sizeof(int));
		hlen = sizeof(int);
	} else {
		if (len < NLMSG_HDRLEN + sizeof(e))
			return false;
		memcpy(&e, base + NLMSG_HDRLEN, sizeof(e));
		*code = e.error;
		hlen = sizeof(e);
		/* Uncapped errors echo the request's payload before the TLVs. */
		if (!(msg->nlmsg_flags & NLM_F_CAPPED) &&
		    e.msg.nlmsg_len > NLMSG_HDRLEN)
			hlen += e.msg.nlmsg_len - NLMSG_HDRLEN;
	}
	*tlv_off = NLMSG_HDRLEN + NLMSG_ALIGN(hlen);
	return true;
}

int kalloc_nl_decode_err(const struct nlmsghdr *msg, size_t len,
			 const struct nlmsghdr *req, struct kalloc_err *err)
{
	struct ext_ack ea = { .msg = NULL, .offs = -1, .miss = -1 };
	const struct kalloc_obj_ops *ops = NULL;
	char cookie[192], attr[64] = "";
	const char *text, *name;
	unsigned int type;
	size_t tlv_off;
	int code;

	if (len > msg->nlmsg_len)
		len = msg->nlmsg_len;
	if (!err_header(msg, len, &code, &tlv_off))
		return kalloc_set_err(err, -EPROTO,
				      "truncated error message from the kernel");
	if (code >= 0) {
		kalloc_clear_err(err);
		return 0;
	}
	if ((msg->nlmsg_flags & NLM_F_ACK_TLVS) && len > tlv_off)
		parse_ext_ack((const unsigned char *)msg + tlv_off,
			      len - tlv_off, &ea);
	text = ea.msg && *ea.msg ? ea.msg : strerror(-code);
	if (blamed_attr(&ea, req, &ops, &type)) {
		name = kalloc_obj_attr_name(ops, type);
		if (!names_attr(text, ops, name))
			snprintf(attr, sizeof(attr), " (attribute %s)", name);
	}
	return kalloc_set_err(err, code, "%s%s%s", text,
			      cookie_part(&ea, cookie, sizeof(cookie)), attr);
}
