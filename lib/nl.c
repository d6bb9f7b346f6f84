// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The kalloc generic netlink client: the only file in userspace that speaks
 * netlink.
 *
 * Transport
 * =========
 *
 * libnl-3 does the socket, the family lookup (genl_ctrl_resolve(), whose
 * CTRL_CMD_GETFAMILY makes the kernel request_module() the family alias,
 * so resolving is what autoloads kalloc.ko) and the message framing. Every
 * request is sent with NLM_F_ACK (libnl's auto-ACK) and read until its ACK,
 * its error, or for a dump its NLMSG_DONE: struct kalloc_req holds what one
 * request needs until then, including the request message itself.
 *
 * Errors
 * ======
 *
 * libnl has no extended ACK API, and it turns the kernel's errno into its
 * own NLE_* codes, losing both the errno and the message. So the socket
 * gets NETLINK_EXT_ACK and NETLINK_CAP_ACK with setsockopt(), and a custom
 * error callback hands the raw NLMSG_ERROR to kalloc_nl_decode_err(), which
 * reads the NLMSGERR_ATTR_MSG string and the NLMSGERR_ATTR_OFFS offset,
 * finds the attribute at that offset in the request we kept, and names it
 * from a per-command table: "integer out of range (attribute size)". The
 * decoder is pure, so the unit tests drive it with hand-built messages.
 *
 * Dumps
 * =====
 *
 * A dump that races with a change comes back with NLM_F_DUMP_INTR on some
 * message; libnl then reads to the end and reports -NLE_DUMP_INTR. The
 * whole dump is retried, DUMP_TRIES times in all, before giving up with
 * -EAGAIN: a consistent list or none.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "kalloc.h"
#include "nl_priv.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* One dump and up to three retries. */
#define DUMP_TRIES	4

struct kalloc_nl {
	struct nl_sock *sk;
	int family;
};

struct kalloc_req;
typedef int (*kalloc_sink_t)(struct kalloc_req *req,
			     const struct kalloc_buffer *b);

/* One request in flight, from nl_send_auto() to its ACK, error or DONE. */
struct kalloc_req {
	struct nl_msg *msg;	/* kept: error offsets point into it */
	struct kalloc_err *err;
	bool done;
	bool interrupted;	/* NLM_F_DUMP_INTR seen */
	int code;		/* the kernel's error, negative errno */
	int local;		/* our own failure while reading replies */
	kalloc_sink_t sink;
	struct kalloc_buffer *one;	/* a do's reply goes here (or NULL) */
	bool got_one;
	struct kalloc_buffer *bufs;	/* a dump's replies accumulate here */
	size_t n, cap;
};

static const char *const buffer_attr_names[] = {
	[KALLOC_BUFFER_A_ID]		= "id",
	[KALLOC_BUFFER_A_NAME]		= "name",
	[KALLOC_BUFFER_A_SIZE]		= "size",
	[KALLOC_BUFFER_A_ALLOCATOR]	= "allocator",
	[KALLOC_BUFFER_A_PAD]		= "pad",
};

__attribute__((format(printf, 3, 4)))
static int set_err(struct kalloc_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* One line, whatever the kernel put in its message. */
	for (p = err->msg; *p; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	return code;
}

static void clear_err(struct kalloc_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

/* libnl's NLE_* codes back to the errno they stand for. */
static int nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_PERM:		return -EPERM;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_EXIST:		return -EEXIST;
	case NLE_INVAL:		return -EINVAL;
	case NLE_RANGE:		return -ERANGE;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_INTR:		return -EINTR;
	case NLE_BUSY:		return -EBUSY;
	case NLE_OPNOTSUPP:	return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:	return -EAFNOSUPPORT;
	case NLE_PROTO_MISMATCH: return -EPROTONOSUPPORT;
	default:		return -EIO;
	}
}

static int nle_err(struct kalloc_err *err, int nle, const char *what)
{
	return set_err(err, nle_to_errno(nle), "%s: %s", what, nl_geterror(nle));
}

const char *kalloc_nl_attr_name(unsigned int cmd, unsigned int type)
{
	switch (cmd) {
	case KALLOC_CMD_BUFFER_NEW:
	case KALLOC_CMD_BUFFER_GET:
	case KALLOC_CMD_BUFFER_DEL:
		if (type < ARRAY_SIZE(buffer_attr_names))
			return buffer_attr_names[type];
		return NULL;
	default:
		return NULL;
	}
}

/* What the extended ACK TLVs of an error say. */
struct ext_ack {
	const char *msg;
	long long offs;		/* NLMSGERR_ATTR_OFFS, or -1 */
	long long miss;		/* NLMSGERR_ATTR_MISS_TYPE, or -1 */
};

static long long tlv_u32(const unsigned char *data, size_t len)
{
	uint32_t v;

	if (len < sizeof(v))
		return -1;
	memcpy(&v, data, sizeof(v));
	return v;
}

static void parse_ext_ack(const unsigned char *p, size_t len,
			  struct ext_ack *ea)
{
	struct nlattr a;

	while (len >= NLA_HDRLEN) {
		const unsigned char *data = p + NLA_HDRLEN;
		size_t dlen, step;

		memcpy(&a, p, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len)
			return;
		dlen = a.nla_len - NLA_HDRLEN;
		switch (a.nla_type & NLA_TYPE_MASK) {
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
		}
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

/* The attribute the kernel blamed, by name, or NULL. */
static const char *blamed_attr(const struct ext_ack *ea,
			       const struct nlmsghdr *req)
{
	struct genlmsghdr g;
	int type = -1;

	if (!req || req->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return NULL;
	memcpy(&g, (const unsigned char *)req + NLMSG_HDRLEN, sizeof(g));
	if (ea->offs >= 0)
		type = req_attr_at(req, ea->offs);
	else if (ea->miss >= 0 && ea->miss <= 0xffff)
		type = (int)ea->miss;
	if (type < 0)
		return NULL;
	return kalloc_nl_attr_name(g.cmd, (unsigned int)type);
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
	const char *text, *attr;
	size_t tlv_off;
	int code;

	if (len > msg->nlmsg_len)
		len = msg->nlmsg_len;
	if (!err_header(msg, len, &code, &tlv_off))
		return set_err(err, -EPROTO,
			       "truncated error message from the kernel");
	if (code >= 0) {
		clear_err(err);
		return 0;
	}
	if ((msg->nlmsg_flags & NLM_F_ACK_TLVS) && len > tlv_off)
		parse_ext_ack((const unsigned char *)msg + tlv_off,
			      len - tlv_off, &ea);
	text = ea.msg && *ea.msg ? ea.msg : strerror(-code);
	attr = blamed_attr(&ea, req);
	/* kalloc's own messages name their attribute already; policy ones do not. */
	if (attr && !strcasestr(text, attr))
		return set_err(err, code, "%s (attribute %s)", text, attr);
	return set_err(err, code, "%s", text);
}

/* nlmsgerr sits right after its netlink header in libnl's receive buffer. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *msg = (const struct nlmsghdr *)
		((const unsigned char *)e - NLMSG_HDRLEN);
	struct kalloc_req *req = arg;

	(void)nla;
	req->code = kalloc_nl_decode_err(msg, msg->nlmsg_len,
					 nlmsg_hdr(req->msg), req->err);
	req->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct kalloc_req *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

/* NLMSG_DONE carries the dump's own errno, with extended ACK TLVs. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct kalloc_req *req = arg;
	int code;

	req->done = true;
	if (nlmsg_datalen(nlh) < (int)sizeof(int))
		return NL_STOP;
	code = kalloc_nl_decode_err(nlh, nlh->nlmsg_len, nlmsg_hdr(req->msg),
				    req->err);
	if (code < 0)
		req->code = code;
	return NL_STOP;
}

static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct kalloc_req *req = arg;

	(void)msg;
	req->interrupted = true;
	return NL_OK;
}

static const struct nla_policy buffer_policy[KALLOC_BUFFER_A_MAX + 1] = {
	[KALLOC_BUFFER_A_ID]		= { .type = NLA_U32 },
	[KALLOC_BUFFER_A_NAME]		= { .type = NLA_STRING },
	[KALLOC_BUFFER_A_SIZE]		= { .type = NLA_U64 },
	[KALLOC_BUFFER_A_ALLOCATOR]	= { .type = NLA_STRING },
};

static int buffer_from_msg(struct nl_msg *msg, struct kalloc_buffer *b)
{
	struct nlattr *tb[KALLOC_BUFFER_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KALLOC_BUFFER_A_MAX,
			  buffer_policy) < 0)
		return -EPROTO;
	if (!tb[KALLOC_BUFFER_A_ID] || !tb[KALLOC_BUFFER_A_NAME] ||
	    !tb[KALLOC_BUFFER_A_SIZE])
		return -EPROTO;
	memset(b, 0, sizeof(*b));
	b->id = nla_get_u32(tb[KALLOC_BUFFER_A_ID]);
	nla_strlcpy(b->name, tb[KALLOC_BUFFER_A_NAME], sizeof(b->name));
	b->size = nla_get_u64(tb[KALLOC_BUFFER_A_SIZE]);
	if (tb[KALLOC_BUFFER_A_ALLOCATOR])
		nla_strlcpy(b->allocator, tb[KALLOC_BUFFER_A_ALLOCATOR],
			    sizeof(b->allocator));
	return 0;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct kalloc_req *req = arg;
	struct kalloc_buffer b;
	int ret;

	if (req->local)
		return NL_SKIP;
	ret = buffer_from_msg(msg, &b);
	if (ret < 0) {
		req->local = set_err(req->err, ret,
				     "malformed buffer description from the kernel");
		return NL_SKIP;
	}
	req->local = req->sink(req, &b);
	return NL_OK;
}

static int sink_one(struct kalloc_req *req, const struct kalloc_buffer *b)
{
	if (req->one)
		*req->one = *b;
	req->got_one = true;
	return 0;
}

static int sink_array(struct kalloc_req *req, const struct kalloc_buffer *b)
{
	struct kalloc_buffer *p;
	size_t cap;

	if (req->n == req->cap) {
		cap = req->cap ? 2 * req->cap : 16;
		p = realloc(req->bufs, cap * sizeof(*p));
		if (!p)
			return set_err(req->err, -ENOMEM, "%s", strerror(ENOMEM));
		req->bufs = p;
		req->cap = cap;
	}
	req->bufs[req->n++] = *b;
	return 0;
}

static struct nl_cb *req_callbacks(struct kalloc_req *req)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);

	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, req);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, req);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, req);
	return cb;
}

/* Sends req->msg and reads until its ACK, error or NLMSG_DONE. */
static int req_run(struct kalloc_nl *nl, struct kalloc_req *req)
{
	struct nl_cb *cb;
	int ret;

	cb = req_callbacks(req);
	if (!cb)
		return set_err(req->err, -ENOMEM, "%s", strerror(ENOMEM));
	ret = nl_send_auto(nl->sk, req->msg);
	if (ret < 0) {
		ret = nle_err(req->err, ret, "cannot send the request");
		goto put_cb;
	}
	while (!req->done) {
		ret = nl_recvmsgs_report(nl->sk, cb);
		if (ret <= 0)
			break;
	}
	if (req->code)
		ret = req->code;
	else if (req->local)
		ret = req->local;
	else if (ret < 0)
		ret = nle_err(req->err, ret, "cannot read the reply");
	else if (!req->done)
		ret = set_err(req->err, -EIO, "the kernel closed the connection");
	else
		ret = 0;
put_cb:
	nl_cb_put(cb);
	return ret;
}

/* A request of cmd with room for payload bytes of attributes. */
static int req_init(struct kalloc_nl *nl, struct kalloc_req *req,
		    uint8_t cmd, int flags, size_t payload)
{
	req->msg = nlmsg_alloc_size(NLMSG_SPACE(GENL_HDRLEN + payload));
	if (!req->msg)
		return set_err(req->err, -ENOMEM, "%s", strerror(ENOMEM));
	if (!genlmsg_put(req->msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 flags, cmd, KALLOC_GENL_VERSION)) {
		nlmsg_free(req->msg);
		req->msg = NULL;
		return set_err(req->err, -EMSGSIZE, "%s", strerror(EMSGSIZE));
	}
	return 0;
}

static size_t str_attr_size(const char *s)
{
	return (size_t)nla_total_size((int)strlen(s) + 1);
}

/* The buffer a do addresses: by name if there is one, else by id. */
static int put_selector(struct nl_msg *msg, const char *name, uint32_t id)
{
	if (name)
		return nla_put_string(msg, KALLOC_BUFFER_A_NAME, name);
	return nla_put_u32(msg, KALLOC_BUFFER_A_ID, id);
}

static size_t selector_size(const char *name)
{
	return name ? str_attr_size(name) : (size_t)nla_total_size(4);
}

int kalloc_nl_open(struct kalloc_nl **nlp, struct kalloc_err *err)
{
	struct kalloc_nl *nl;
	int one = 1, ret;

	clear_err(err);
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		ret = set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
		goto free_nl;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		ret = nle_err(err, ret, "cannot open a generic netlink socket");
		goto free_sock;
	}
	/*
	 * Best effort: a kernel without extended ACKs still sends the errno,
	 * and that is all an error message then has to say.
	 */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	ret = genl_ctrl_resolve(nl->sk, KALLOC_GENL_NAME);
	if (ret == -NLE_OBJ_NOTFOUND) {
		ret = set_err(err, -ENOENT,
			      "kalloc family not found: is the kalloc module loaded? (modprobe kalloc)");
		goto free_sock;
	}
	if (ret < 0) {
		ret = nle_err(err, ret, "cannot resolve the kalloc family");
		goto free_sock;
	}
	nl->family = ret;
	*nlp = nl;
	return 0;

free_sock:
	nl_socket_free(nl->sk);
free_nl:
	free(nl);
	return ret;
}

void kalloc_nl_close(struct kalloc_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

int kalloc_buffer_new(struct kalloc_nl *nl, const char *name, uint64_t size,
		      struct kalloc_buffer *out, struct kalloc_err *err)
{
	struct kalloc_req req = { .err = err, .sink = sink_one, .one = out };
	int ret;

	clear_err(err);
	if (!name)
		return set_err(err, -EINVAL, "no buffer name given");
	ret = req_init(nl, &req, KALLOC_CMD_BUFFER_NEW, 0,
		       str_attr_size(name) + (size_t)nla_total_size(8));
	if (ret)
		return ret;
	if (nla_put_string(req.msg, KALLOC_BUFFER_A_NAME, name) < 0 ||
	    nla_put_u64(req.msg, KALLOC_BUFFER_A_SIZE, size) < 0) {
		ret = set_err(err, -EMSGSIZE, "%s", strerror(EMSGSIZE));
		goto free_msg;
	}
	ret = req_run(nl, &req);
	if (!ret && !req.got_one)
		ret = set_err(err, -EPROTO,
			      "the kernel did not describe the new buffer");
free_msg:
	nlmsg_free(req.msg);
	return ret;
}

int kalloc_buffer_del(struct kalloc_nl *nl, const char *name, uint32_t id,
		      struct kalloc_err *err)
{
	struct kalloc_req req = { .err = err, .sink = sink_one };
	int ret;

	clear_err(err);
	ret = req_init(nl, &req, KALLOC_CMD_BUFFER_DEL, 0, selector_size(name));
	if (ret)
		return ret;
	if (put_selector(req.msg, name, id) < 0) {
		ret = set_err(err, -EMSGSIZE, "%s", strerror(EMSGSIZE));
		goto free_msg;
	}
	ret = req_run(nl, &req);
free_msg:
	nlmsg_free(req.msg);
	return ret;
}

int kalloc_buffer_get(struct kalloc_nl *nl, const char *name, uint32_t id,
		      struct kalloc_buffer *out, struct kalloc_err *err)
{
	struct kalloc_req req = { .err = err, .sink = sink_one, .one = out };
	int ret;

	clear_err(err);
	ret = req_init(nl, &req, KALLOC_CMD_BUFFER_GET, 0, selector_size(name));
	if (ret)
		return ret;
	if (put_selector(req.msg, name, id) < 0) {
		ret = set_err(err, -EMSGSIZE, "%s", strerror(EMSGSIZE));
		goto free_msg;
	}
	ret = req_run(nl, &req);
	if (!ret && !req.got_one)
		ret = set_err(err, -EPROTO, "the kernel did not describe the buffer");
free_msg:
	nlmsg_free(req.msg);
	return ret;
}

/* One complete dump into req; req->interrupted says whether to retry. */
static int dump_once(struct kalloc_nl *nl, struct kalloc_req *req)
{
	int ret;

	ret = req_init(nl, req, KALLOC_CMD_BUFFER_GET, NLM_F_DUMP, 0);
	if (ret)
		return ret;
	ret = req_run(nl, req);
	nlmsg_free(req->msg);
	req->msg = NULL;
	return ret;
}

int kalloc_buffer_list(struct kalloc_nl *nl, struct kalloc_buffer **bufs,
		       size_t *n, struct kalloc_err *err)
{
	struct kalloc_req req;
	int tries, ret;

	clear_err(err);
	for (tries = 0; tries < DUMP_TRIES; tries++) {
		req = (struct kalloc_req){ .err = err, .sink = sink_array };
		ret = dump_once(nl, &req);
		if (ret < 0 || !req.interrupted)
			break;
		free(req.bufs);
		req.bufs = NULL;
	}
	if (ret < 0)
		goto free_bufs;
	if (req.interrupted) {
		ret = set_err(err, -EAGAIN,
			      "the buffer list kept changing during the dump; gave up after %d tries",
			      DUMP_TRIES);
		goto free_bufs;
	}
	*bufs = req.bufs;
	*n = req.n;
	return 0;

free_bufs:
	free(req.bufs);
	return ret;
}
