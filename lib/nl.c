// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The kalloc generic netlink client: the only file in userspace that does
 * netlink socket I/O. It knows requests and replies, not objects: what a
 * request carries and what its replies mean is the business of the
 * object files (obj.h).
 *
 * Transport
 * =========
 *
 * libnl-3 does the socket, the family lookup (genl_ctrl_resolve(), whose
 * CTRL_CMD_GETFAMILY makes the kernel request_module() the family alias,
 * so resolving is what autoloads kalloc.ko) and the message framing. Every
 * request is sent with NLM_F_ACK (libnl's auto-ACK) and read until its ACK,
 * its error, or for a dump its NLMSG_DONE: struct kalloc_req holds what one
 * request needs until then, including the request message itself, which
 * the error decoder needs to name the attribute an error points at.
 *
 * Replies
 * =======
 *
 * A reply goes to the object that answers the request's command
 * (kalloc_obj_of_cmd()): a do's reply is parsed into the caller's struct,
 * a dump's replies into a growing array of the object's reply structs.
 *
 * Errors
 * ======
 *
 * The socket gets NETLINK_EXT_ACK and NETLINK_CAP_ACK with setsockopt(),
 * and a custom error callback hands the raw NLMSG_ERROR to
 * kalloc_nl_decode_err() (nlerr.c), which makes one line of the
 * extended ACK.
 *
 * Dumps
 * =====
 *
 * A dump that races with a change comes back with NLM_F_DUMP_INTR on some
 * message; libnl then reads to the end and reports -NLE_DUMP_INTR. The
 * whole dump is retried, DUMP_TRIES times in all, before giving up with
 * -EAGAIN: a consistent list or none.
 *
 * Listening
 * =========
 *
 * events.c subscribes a socket of its own to the family's multicast
 * groups. The group ids come from the controller (CTRL_CMD_GETFAMILY,
 * through libnl's genl_ctrl_resolve_grp()); joining is
 * NETLINK_ADD_MEMBERSHIP, which the kernel refuses with EPERM for a group
 * that needs a capability. Datagrams are read with recvmsg() directly,
 * not through libnl, for two things libnl hides: ENOBUFS, the socket's
 * overrun, which libnl turns into NLE_NOMEM, and NETLINK_PKTINFO, the
 * group a message came to.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "nl_priv.h"
#include "obj.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

/* One dump and up to three retries. */
#define DUMP_TRIES	4

/*
 * Socket buffers. libnl's default of 32 KiB (SO_RCVBUF doubles it) cannot
 * hold a BUFFER_READ reply of KALLOC_IO_MAX bytes, whose skb takes about
 * 64 KiB, and the ACK behind it: the kernel drops the ACK and the socket
 * reports ENOBUFS. The kernel caps what is asked at rmem_max/wmem_max.
 */
#define SOCK_BUF_BYTES	(256 * 1024)

struct kalloc_nl {
	struct nl_sock *sk;
	int family;
};

/* One request in flight, from nl_send_auto() to its ACK, error or DONE. */
struct kalloc_req {
	struct nl_msg *msg;	/* kept: error offsets point into it */
	bool kalloc;		/* of our family: errors may name attributes */
	const struct kalloc_obj_ops *ops;	/* NULL: replies are not parsed */
	struct kalloc_err *err;
	bool done;
	bool interrupted;	/* NLM_F_DUMP_INTR seen */
	int code;		/* the kernel's error, negative errno */
	int local;		/* our own failure while reading replies */
	/* A do: its reply is parsed into one (unless NULL). */
	void *one;
	bool got_one;
	/* A dump: its replies accumulate in v. */
	bool dump;
	void *v;
	size_t n, cap;
};

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
	return kalloc_set_err(err, nle_to_errno(nle), "%s: %s", what,
			      nl_geterror(nle));
}

/* nlmsgerr sits right after its netlink header in libnl's receive buffer. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *msg = (const struct nlmsghdr *)
		((const unsigned char *)e - NLMSG_HDRLEN);
	struct kalloc_req *req = arg;

	(void)nla;
	req->code = kalloc_nl_decode_err(msg, msg->nlmsg_len,
					 req->kalloc ? nlmsg_hdr(req->msg) : NULL,
					 req->err);
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

static int malformed(struct kalloc_req *req)
{
	return kalloc_set_err(req->err, -EPROTO, "malformed %s reply from the kernel",
			      req->ops->name);
}

static int sink_one(struct kalloc_req *req, struct nlmsghdr *nlh)
{
	if (req->one && kalloc_obj_parse(req->ops, nlh, req->one))
		return malformed(req);
	req->got_one = true;
	return 0;
}

/* A dump's reply goes straight into the next slot of the array. */
static int sink_array(struct kalloc_req *req, struct nlmsghdr *nlh)
{
	size_t size = req->ops->reply_size, cap;
	void *p;

	if (req->n == req->cap) {
		cap = req->cap ? 2 * req->cap : 16;
		p = realloc(req->v, cap * size);
		if (!p)
			return kalloc_set_err(req->err, -ENOMEM, "%s",
					      strerror(ENOMEM));
		req->v = p;
		req->cap = cap;
	}
	p = (char *)req->v + req->n * size;
	if (kalloc_obj_parse(req->ops, nlh, p))
		return malformed(req);
	req->n++;
	return 0;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct kalloc_req *req = arg;

	if (req->local)
		return NL_SKIP;
	if (!req->ops) {
		req->got_one = true;
		return NL_OK;
	}
	if (req->dump)
		req->local = sink_array(req, nlmsg_hdr(msg));
	else
		req->local = sink_one(req, nlmsg_hdr(msg));
	return NL_OK;
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
		return kalloc_set_err(req->err, -ENOMEM, "%s", strerror(ENOMEM));
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
		ret = kalloc_set_err(req->err, -EIO,
				     "the kernel closed the connection");
	else
		ret = 0;
put_cb:
	nl_cb_put(cb);
	return ret;
}

/* A message of family and cmd with room for payload bytes of attributes. */
static int msg_new(struct nl_msg **msgp, int family, uint8_t cmd,
		   uint8_t version, int flags, size_t payload,
		   struct kalloc_err *err)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc_size(NLMSG_SPACE(GENL_HDRLEN + payload));
	if (!msg)
		return kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags,
			 cmd, version)) {
		nlmsg_free(msg);
		return kalloc_err_msgsize(err);
	}
	*msgp = msg;
	return 0;
}

int kalloc_nl_request(struct kalloc_nl *nl, struct nl_msg **msgp, uint8_t cmd,
		      int flags, size_t payload, struct kalloc_err *err)
{
	return msg_new(msgp, nl->family, cmd, KALLOC_GENL_VERSION, flags,
		       payload, err);
}

static uint8_t msg_cmd(struct nl_msg *msg)
{
	return genlmsg_hdr(nlmsg_hdr(msg))->cmd;
}

int kalloc_nl_do(struct kalloc_nl *nl, struct nl_msg *msg, void *out,
		 bool *got, struct kalloc_err *err)
{
	struct kalloc_req req = {
		.msg = msg, .kalloc = true, .err = err, .one = out,
		.ops = kalloc_obj_of_cmd(msg_cmd(msg)),
	};
	int ret;

	ret = req_run(nl, &req);
	if (got)
		*got = req.got_one;
	nlmsg_free(msg);
	return ret;
}

/* One complete dump into req; req->interrupted says whether to retry. */
static int dump_once(struct kalloc_nl *nl, uint8_t cmd,
		     struct kalloc_req *req)
{
	int ret;

	ret = kalloc_nl_request(nl, &req->msg, cmd, NLM_F_DUMP, 0, req->err);
	if (ret)
		return ret;
	ret = req_run(nl, req);
	nlmsg_free(req->msg);
	req->msg = NULL;
	return ret;
}

int kalloc_nl_dump(struct kalloc_nl *nl, uint8_t cmd, void **v, size_t *n,
		   struct kalloc_err *err)
{
	const struct kalloc_obj_ops *ops = kalloc_obj_of_cmd(cmd);
	struct kalloc_req req;
	int tries, ret = 0;

	for (tries = 0; tries < DUMP_TRIES; tries++) {
		req = (struct kalloc_req){
			.kalloc = true, .ops = ops, .err = err, .dump = true,
		};
		ret = dump_once(nl, cmd, &req);
		if (ret < 0 || !req.interrupted)
			break;
		free(req.v);
		req.v = NULL;
	}
	if (ret < 0)
		goto free_v;
	if (req.interrupted) {
		ret = kalloc_set_err(err, -EAGAIN,
				     "the %s list kept changing during the dump; gave up after %d tries",
				     ops->name, DUMP_TRIES);
		goto free_v;
	}
	*v = req.v;
	*n = req.n;
	return 0;

free_v:
	free(req.v);
	return ret;
}

int kalloc_nl_getfamily(struct kalloc_nl *nl, struct kalloc_err *err)
{
	struct kalloc_req req = { .err = err };
	int ret;

	kalloc_clear_err(err);
	ret = msg_new(&req.msg, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0,
		      kalloc_attr_str_size(KALLOC_GENL_NAME), err);
	if (ret)
		return ret;
	if (nla_put_string(req.msg, CTRL_ATTR_FAMILY_NAME, KALLOC_GENL_NAME) < 0) {
		ret = kalloc_err_msgsize(err);
		goto free_msg;
	}
	ret = req_run(nl, &req);
	if (!ret && !req.got_one)
		ret = kalloc_set_err(err, -EPROTO,
				     "the controller did not describe the family");
free_msg:
	nlmsg_free(req.msg);
	return ret;
}

int kalloc_nl_open(struct kalloc_nl **nlp, struct kalloc_err *err)
{
	struct kalloc_nl *nl;
	int one = 1, ret;

	kalloc_clear_err(err);
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		ret = kalloc_set_err(err, -ENOMEM, "%s", strerror(ENOMEM));
		goto free_nl;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		ret = nle_err(err, ret, "cannot open a generic netlink socket");
		goto free_sock;
	}
	ret = nl_socket_set_buffer_size(nl->sk, SOCK_BUF_BYTES, SOCK_BUF_BYTES);
	if (ret < 0) {
		ret = nle_err(err, ret, "cannot size the netlink socket's buffers");
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
		ret = kalloc_set_err(err, -ENOENT,
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

int kalloc_nl_set_timeout(struct kalloc_nl *nl, unsigned int ms,
			  struct kalloc_err *err)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = ms % 1000 * 1000 };

	if (setsockopt(nl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVTIMEO, &tv,
		       sizeof(tv)))
		return kalloc_set_err(err, -errno, "cannot set a timeout: %s",
				      strerror(errno));
	return 0;
}

/* ---- listening ------------------------------------------------------- */

int kalloc_nl_family_id(const struct kalloc_nl *nl)
{
	return nl->family;
}

int kalloc_nl_fd(const struct kalloc_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

int kalloc_nl_group_id(struct kalloc_nl *nl, const char *group, uint32_t *id,
		       struct kalloc_err *err)
{
	int ret = genl_ctrl_resolve_grp(nl->sk, KALLOC_GENL_NAME, group);

	/* The family was found when the socket opened: the group is missing. */
	if (ret == -NLE_OBJ_NOTFOUND)
		return kalloc_set_err(err, -ENOENT,
				      "the kalloc family has no multicast group \"%s\"",
				      group);
	if (ret < 0)
		return nle_err(err, ret, "cannot resolve the kalloc multicast groups");
	*id = (uint32_t)ret;
	return 0;
}

int kalloc_nl_join(struct kalloc_nl *nl, const char *group, uint32_t id,
		   struct kalloc_err *err)
{
	int fd = nl_socket_get_fd(nl->sk), one = 1;

	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &id,
		       sizeof(id)) < 0) {
		if (errno == EPERM)
			return kalloc_set_err(err, -EPERM,
					      "joining the kalloc group \"%s\" needs CAP_NET_ADMIN",
					      group);
		return kalloc_set_err(err, -errno,
				      "cannot join the kalloc group \"%s\": %s",
				      group, strerror(errno));
	}
	/* Which group each message came to; without it, guessed from its command. */
	setsockopt(fd, SOL_NETLINK, NETLINK_PKTINFO, &one, sizeof(one));
	return 0;
}

static size_t rcvbuf_of(int fd)
{
	socklen_t len;
	int v = 0;

	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) < 0 || v < 0)
		return 0;
	return (size_t)v;
}

/*
 * SO_RCVBUFFORCE passes rmem_max, for CAP_NET_ADMIN; everyone else gets
 * SO_RCVBUF, which the kernel caps at rmem_max. Either way the kernel
 * doubles the value (its bookkeeping overhead) and getsockopt() says what
 * it set.
 */
int kalloc_nl_set_rcvbuf(struct kalloc_nl *nl, size_t bytes, size_t *effective,
			 struct kalloc_err *err)
{
	int fd = nl_socket_get_fd(nl->sk);
	int v = bytes > INT_MAX ? INT_MAX : (int)bytes;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) < 0)
		return kalloc_set_err(err, -errno,
				      "cannot set the receive buffer: %s",
				      strerror(errno));
	if (effective)
		*effective = rcvbuf_of(fd);
	return 0;
}

static uint32_t pktinfo_group(struct msghdr *mh)
{
	struct cmsghdr *c;
	struct nl_pktinfo pi;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_NETLINK && c->cmsg_type == NETLINK_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(pi))) {
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			return pi.group;
		}
	}
	return 0;
}

long kalloc_nl_recv(struct kalloc_nl *nl, void *buf, size_t cap, bool peek,
		    bool nonblock, uint32_t *group)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct nl_pktinfo))];
	} control;
	struct sockaddr_nl from;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	int flags = MSG_TRUNC | (peek ? MSG_PEEK : 0) |
		    (nonblock ? MSG_DONTWAIT : 0);
	ssize_t n;

	n = recvmsg(nl_socket_get_fd(nl->sk), &mh, flags);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	*group = pktinfo_group(&mh);
	return (long)n;
}

void kalloc_nl_close(struct kalloc_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}
