// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gnl: the raw generic netlink layer of the kernel gauntlet. See gnl.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "gnl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

double gnl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- sockets ------------------------------------------------------------ */

int gnl_open(struct gnl_sock *s, int timeout_ms)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t salen = sizeof(sa);
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0)
		return -errno;
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(s->fd, (struct sockaddr *)&sa, &salen)) {
		int err = -errno;

		close(s->fd);
		s->fd = -1;
		return err;
	}
	s->portid = sa.nl_pid;
	/* Extended ACKs, and errors without a copy of the request. */
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	s->timeout_ms = timeout_ms;
	s->seq = (uint32_t)(gnl_now() * 1000) & 0xffffff;
	s->rx = malloc(GNL_RX_MAX);
	if (!s->rx) {
		close(s->fd);
		s->fd = -1;
		return -ENOMEM;
	}
	return 0;
}

void gnl_close(struct gnl_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->rx);
	s->rx = NULL;
}

int gnl_set_rcvbuf(struct gnl_sock *s, int bytes)
{
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)))
		return -errno;
	return 0;
}

int gnl_join(struct gnl_sock *s, uint32_t group)
{
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
		       sizeof(group)))
		return -errno;
	return 0;
}

int gnl_leave(struct gnl_sock *s, uint32_t group)
{
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &group,
		       sizeof(group)))
		return -errno;
	return 0;
}

uint32_t gnl_next_seq(struct gnl_sock *s)
{
	if (++s->seq == 0)
		s->seq = 1;
	return s->seq;
}

/* ---- building messages ---------------------------------------------------- */

struct nlmsghdr *gnl_msg_hdr(struct gnl_msg *m)
{
	return (struct nlmsghdr *)m->buf;
}

void gnl_msg_init(struct gnl_msg *m, uint16_t type, uint16_t flags,
		  uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *n = gnl_msg_hdr(m);
	struct genlmsghdr *g = NLMSG_DATA(n);

	memset(m->buf, 0, NLMSG_LENGTH(GENL_HDRLEN));
	m->overflow = false;
	n->nlmsg_type = type;
	n->nlmsg_flags = flags;
	g->cmd = cmd;
	g->version = version;
	m->len = NLMSG_LENGTH(GENL_HDRLEN);
	n->nlmsg_len = m->len;
}

void gnl_put_raw(struct gnl_msg *m, const void *data, size_t len)
{
	if (m->len + len > sizeof(m->buf)) {
		m->overflow = true;
		return;
	}
	memcpy(m->buf + m->len, data, len);
	m->len += len;
}

size_t gnl_put(struct gnl_msg *m, uint16_t type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(m->len), total = NLA_ALIGN(NLA_HDRLEN + len);
	struct nlattr *a;

	if (off + total > sizeof(m->buf) || NLA_HDRLEN + len > 0xffff) {
		m->overflow = true;
		return off;
	}
	memset(m->buf + m->len, 0, off - m->len + total);
	a = (struct nlattr *)(m->buf + off);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->len = off + total;
	return off;
}

size_t gnl_put_u8(struct gnl_msg *m, uint16_t type, uint8_t v)
{
	return gnl_put(m, type, &v, sizeof(v));
}

size_t gnl_put_u16(struct gnl_msg *m, uint16_t type, uint16_t v)
{
	return gnl_put(m, type, &v, sizeof(v));
}

size_t gnl_put_u32(struct gnl_msg *m, uint16_t type, uint32_t v)
{
	return gnl_put(m, type, &v, sizeof(v));
}

size_t gnl_put_u64(struct gnl_msg *m, uint16_t type, uint64_t v)
{
	return gnl_put(m, type, &v, sizeof(v));
}

size_t gnl_put_str(struct gnl_msg *m, uint16_t type, const char *s)
{
	return gnl_put(m, type, s, strlen(s) + 1);
}

size_t gnl_put_flag(struct gnl_msg *m, uint16_t type)
{
	return gnl_put(m, type, NULL, 0);
}

size_t gnl_nest_start(struct gnl_msg *m, uint16_t type)
{
	return gnl_put(m, type | NLA_F_NESTED, NULL, 0);
}

void gnl_nest_end(struct gnl_msg *m, size_t start)
{
	struct nlattr *a = (struct nlattr *)(m->buf + start);

	if (m->overflow || m->len - start > 0xffff)
		return;
	a->nla_len = m->len - start;
}

void gnl_msg_finish(struct gnl_msg *m)
{
	gnl_msg_hdr(m)->nlmsg_len = m->len;
}

/* ---- attributes ----------------------------------------------------------- */

struct nlattr *gnl_msg_attrs(const struct nlmsghdr *n, int hdrsize, int *len)
{
	int off = NLMSG_LENGTH(GENL_HDRLEN + hdrsize);

	*len = (int)n->nlmsg_len - off;
	if (*len < 0)
		*len = 0;
	return (struct nlattr *)((char *)n + NLMSG_ALIGN(off));
}

void gnl_parse(struct nlattr **tb, int max, const void *start, int len)
{
	struct nlattr *a;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	gnl_for_each_attr(a, start, len)
		if (gnl_attr_type(a) <= max)
			tb[gnl_attr_type(a)] = a;
}

void gnl_parse_nested(struct nlattr **tb, int max, const struct nlattr *nest)
{
	gnl_parse(tb, max, gnl_attr_data(nest), gnl_attr_len(nest));
}

uint64_t gnl_get_uint(const struct nlattr *a)
{
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;

	switch (gnl_attr_len(a)) {
	case 1:
		return *(uint8_t *)gnl_attr_data(a);
	case 2:
		memcpy(&v16, gnl_attr_data(a), 2);
		return v16;
	case 4:
		memcpy(&v32, gnl_attr_data(a), 4);
		return v32;
	case 8:
		memcpy(&v64, gnl_attr_data(a), 8);
		return v64;
	default:
		return 0;
	}
}

/*
 * Counts framing faults in a run of TLVs: a length below the header or past
 * the container, or leftover bytes that are not padding. Nested attributes
 * (NLA_F_NESTED) are checked too, depth levels deep.
 */
int gnl_check_tlvs(const void *start, int len, int depth)
{
	const uint8_t *p = start;
	int bad = 0;

	while (len >= (int)NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return bad + 1;
		if ((a->nla_type & NLA_F_NESTED) && depth > 0)
			bad += gnl_check_tlvs(p + NLA_HDRLEN,
					      a->nla_len - NLA_HDRLEN,
					      depth - 1);
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
	return bad + (len > 0);
}

/* ---- answers -------------------------------------------------------------- */

void gnl_reply_init(struct gnl_reply *r)
{
	memset(r, 0, sizeof(*r));
}

void gnl_reply_free(struct gnl_reply *r)
{
	free(r->data);
	memset(r, 0, sizeof(*r));
}

struct nlmsghdr *gnl_reply_next(const struct gnl_reply *r, struct nlmsghdr *prev)
{
	size_t off;

	if (!prev)
		off = 0;
	else
		off = (uint8_t *)prev - r->data + NLMSG_ALIGN(prev->nlmsg_len);
	if (off + NLMSG_HDRLEN > r->data_len)
		return NULL;
	return (struct nlmsghdr *)(r->data + off);
}

static void reply_keep(struct gnl_reply *r, const struct nlmsghdr *n)
{
	size_t need = NLMSG_ALIGN(n->nlmsg_len);

	if (r->data_len + need > r->data_cap) {
		size_t cap = r->data_cap ? r->data_cap * 2 : 65536;
		uint8_t *p;

		while (cap < r->data_len + need)
			cap *= 2;
		p = realloc(r->data, cap);
		if (!p)
			return;
		r->data = p;
		r->data_cap = cap;
	}
	memset(r->data + r->data_len, 0, need);
	memcpy(r->data + r->data_len, n, n->nlmsg_len);
	r->data_len += need;
}

static void parse_ext_ack(struct gnl_reply *r, const void *tlvs, int len)
{
	const struct nlattr *a;

	gnl_for_each_attr(a, tlvs, len) {
		switch (gnl_attr_type(a)) {
		case NLMSGERR_ATTR_MSG:
			if (gnl_attr_len(a) > 0) {
				size_t n = gnl_attr_len(a);

				if (n >= sizeof(r->msg))
					n = sizeof(r->msg) - 1;
				memcpy(r->msg, gnl_attr_data(a), n);
				r->msg[n] = '\0';
				r->has_msg = true;
			}
			break;
		case NLMSGERR_ATTR_OFFS:
			if (gnl_attr_len(a) == 4) {
				r->offs = (uint32_t)gnl_get_uint(a);
				r->has_offs = true;
			}
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (gnl_attr_len(a) == 4) {
				r->miss_type = (uint32_t)gnl_get_uint(a);
				r->has_miss = true;
			}
			break;
		case NLMSGERR_ATTR_COOKIE:
			r->cookie_len = gnl_attr_len(a);
			if (r->cookie_len > (int)sizeof(r->cookie))
				r->cookie_len = sizeof(r->cookie);
			memcpy(r->cookie, gnl_attr_data(a), r->cookie_len);
			break;
		}
	}
}

/* One NLMSG_ERROR: the error and its extended ACK. */
static void parse_error(struct gnl_reply *r, const struct nlmsghdr *n)
{
	const struct nlmsgerr *e = NLMSG_DATA(n);
	int plen = (int)n->nlmsg_len - NLMSG_HDRLEN;
	int off;

	if (plen < (int)sizeof(int)) {
		r->malformed++;
		return;
	}
	r->error = e->error;
	if (!(n->nlmsg_flags & NLM_F_ACK_TLVS) || plen < (int)sizeof(*e))
		return;
	off = sizeof(*e);
	if (!(n->nlmsg_flags & NLM_F_CAPPED))
		off += (int)e->msg.nlmsg_len - (int)sizeof(e->msg);
	if (off > plen) {
		r->malformed++;
		return;
	}
	parse_ext_ack(r, (const char *)e + off, plen - off);
}

/* NLMSG_DONE: an int, then with NLM_F_ACK_TLVS the extended ACK. */
static void parse_done(struct gnl_reply *r, const struct nlmsghdr *n)
{
	int plen = (int)n->nlmsg_len - NLMSG_HDRLEN;
	int err;

	r->is_dump_done = true;
	if (plen < (int)sizeof(int)) {
		r->error = 0;
		return;
	}
	memcpy(&err, NLMSG_DATA(n), sizeof(err));
	r->error = err;
	if (n->nlmsg_flags & NLM_F_ACK_TLVS)
		parse_ext_ack(r, (const char *)NLMSG_DATA(n) + sizeof(int),
			      plen - (int)sizeof(int));
}

int gnl_transact(struct gnl_sock *s, const void *buf, size_t len,
		 uint32_t first_seq, int nmsgs, bool expect_answer,
		 int quietly_ms, struct gnl_reply *r)
{
	if (send(s->fd, buf, len, 0) < 0) {
		r->sys_errno = errno;
		return -errno;
	}
	return gnl_collect(s, first_seq, nmsgs, expect_answer, quietly_ms, r);
}

/* Takes what one recv() brought; returns the answers among it. */
int gnl_reply_absorb(struct gnl_sock *s, struct gnl_reply *r, const void *buf,
		     int got, uint32_t first_seq, int nmsgs)
{
	const struct nlmsghdr *n;
	int answered = 0;

	r->nrecv++;
	for (n = buf; NLMSG_OK(n, got); n = NLMSG_NEXT(n, got)) {
		bool ours = n->nlmsg_pid == s->portid &&
			    n->nlmsg_seq - first_seq < (uint32_t)nmsgs;

		if (!ours) {
			r->stale++;
			continue;
		}
		if (n->nlmsg_flags & NLM_F_DUMP_INTR)
			r->dump_intr = true;
		if (n->nlmsg_type == NLMSG_ERROR) {
			parse_error(r, n);
			answered++;
		} else if (n->nlmsg_type == NLMSG_DONE) {
			parse_done(r, n);
			answered++;
		} else if (n->nlmsg_type >= NLMSG_MIN_TYPE) {
			r->nmsgs++;
			reply_keep(r, n);
		}
	}
	if (got > 0)
		r->malformed++;
	return answered;
}

int gnl_collect(struct gnl_sock *s, uint32_t first_seq, int nmsgs,
		bool expect_answer, int quietly_ms, struct gnl_reply *r)
{
	double deadline;
	int answered = 0;

	deadline = gnl_now() + (expect_answer ? s->timeout_ms : quietly_ms) / 1000.0;
	for (;;) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		double left = deadline - gnl_now();
		int got, rc;

		if (expect_answer && answered >= nmsgs) {
			r->answered = true;
			return 0;
		}
		if (left <= 0) {
			if (!expect_answer)
				return 0;
			r->timed_out = true;
			return -ETIMEDOUT;
		}
		if (!s->blocking) {
			rc = poll(&pfd, 1, (int)(left * 1000) + 1);
			if (rc < 0) {
				if (errno == EINTR)
					continue;
				r->sys_errno = errno;
				return -errno;
			}
			if (rc == 0)
				continue;
		}
		/* Blocking sockets wait in recv() (SO_RCVTIMEO bounds it). */
		got = recv(s->fd, s->rx, GNL_RX_MAX, s->blocking ? 0 : MSG_DONTWAIT);
		if (got < 0) {
			if (errno == EINTR || (errno == EAGAIN && !s->blocking))
				continue;
			if (errno == EAGAIN) {
				if (!expect_answer)
					return 0;
				r->timed_out = true;
				return -ETIMEDOUT;
			}
			/* ENOBUFS: the socket lost something, maybe our answer. */
			r->sys_errno = errno;
			return -errno;
		}
		answered += gnl_reply_absorb(s, r, s->rx, got, first_seq, nmsgs);
		if (!expect_answer && answered)
			r->answered = true;
	}
}

int gnl_set_blocking(struct gnl_sock *s, int timeout_ms)
{
	struct timeval tv = { .tv_sec = timeout_ms / 1000,
			      .tv_usec = (timeout_ms % 1000) * 1000 };

	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return -errno;
	s->blocking = true;
	return 0;
}

int gnl_request(struct gnl_sock *s, struct gnl_msg *m, struct gnl_reply *r)
{
	struct nlmsghdr *n = gnl_msg_hdr(m);

	n->nlmsg_seq = gnl_next_seq(s);
	gnl_msg_finish(m);
	return gnl_transact(s, m->buf, m->len, n->nlmsg_seq, 1, true, 0, r);
}

/* ---- the family ------------------------------------------------------------ */

struct gnl_op *gnl_family_op(struct gnl_family *f, uint32_t cmd)
{
	int i;

	for (i = 0; i < f->nops; i++)
		if (f->ops[i].cmd == cmd)
			return &f->ops[i];
	return NULL;
}

static struct gnl_op *family_add_op(struct gnl_family *f, uint32_t cmd)
{
	struct gnl_op *op = gnl_family_op(f, cmd);

	if (op || f->nops >= GNL_MAX_OPS)
		return op;
	op = &f->ops[f->nops++];
	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	op->do_policy = -1;
	op->dump_policy = -1;
	return op;
}

uint32_t gnl_family_group(const struct gnl_family *f, const char *name)
{
	int i;

	for (i = 0; i < f->ngroups; i++)
		if (!strcmp(f->groups[i].name, name))
			return f->groups[i].id;
	return 0;
}

static void parse_family(struct gnl_family *f, const struct nlmsghdr *n)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *a, *b[CTRL_ATTR_MCAST_GRP_MAX + 1];
	int len;

	a = gnl_msg_attrs(n, 0, &len);
	gnl_parse(tb, CTRL_ATTR_MAX, a, len);
	if (tb[CTRL_ATTR_FAMILY_ID])
		f->id = (uint16_t)gnl_get_uint(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		f->version = (uint32_t)gnl_get_uint(tb[CTRL_ATTR_VERSION]);
	if (tb[CTRL_ATTR_HDRSIZE])
		f->hdrsize = (uint32_t)gnl_get_uint(tb[CTRL_ATTR_HDRSIZE]);
	if (tb[CTRL_ATTR_MAXATTR])
		f->maxattr = (uint32_t)gnl_get_uint(tb[CTRL_ATTR_MAXATTR]);
	if (tb[CTRL_ATTR_OPS]) {
		len = gnl_attr_len(tb[CTRL_ATTR_OPS]);
		gnl_for_each_attr(a, gnl_attr_data(tb[CTRL_ATTR_OPS]), len) {
			struct nlattr *o[CTRL_ATTR_OP_MAX + 1];
			struct gnl_op *op;

			gnl_parse_nested(o, CTRL_ATTR_OP_MAX, a);
			if (!o[CTRL_ATTR_OP_ID])
				continue;
			op = family_add_op(f, (uint32_t)gnl_get_uint(o[CTRL_ATTR_OP_ID]));
			if (!op)
				continue;
			op->from_getfamily = true;
			if (o[CTRL_ATTR_OP_FLAGS])
				op->flags = (uint32_t)gnl_get_uint(o[CTRL_ATTR_OP_FLAGS]);
		}
	}
	if (tb[CTRL_ATTR_MCAST_GROUPS]) {
		len = gnl_attr_len(tb[CTRL_ATTR_MCAST_GROUPS]);
		gnl_for_each_attr(a, gnl_attr_data(tb[CTRL_ATTR_MCAST_GROUPS]), len) {
			if (f->ngroups >= GNL_MAX_GROUPS)
				break;
			gnl_parse_nested(b, CTRL_ATTR_MCAST_GRP_MAX, a);
			if (!b[CTRL_ATTR_MCAST_GRP_ID] || !b[CTRL_ATTR_MCAST_GRP_NAME])
				continue;
			f->groups[f->ngroups].id =
				(uint32_t)gnl_get_uint(b[CTRL_ATTR_MCAST_GRP_ID]);
			snprintf(f->groups[f->ngroups].name, GENL_NAMSIZ, "%.*s",
				 gnl_attr_len(b[CTRL_ATTR_MCAST_GRP_NAME]),
				 (char *)gnl_attr_data(b[CTRL_ATTR_MCAST_GRP_NAME]));
			f->ngroups++;
		}
	}
}

static struct gnl_policy *family_policy(struct gnl_family *f, uint32_t idx)
{
	if (idx > 4096)
		return NULL;
	if ((int)idx >= f->npolicies) {
		struct gnl_policy *p = realloc(f->policies, (idx + 1) * sizeof(*p));

		if (!p)
			return NULL;
		memset(p + f->npolicies, 0, (idx + 1 - f->npolicies) * sizeof(*p));
		f->policies = p;
		f->npolicies = idx + 1;
	}
	return &f->policies[idx];
}

static struct gnl_attr_policy *policy_attr(struct gnl_policy *p, int type)
{
	if (type > 0xffff)
		return NULL;
	if (!p->attr || type > p->maxtype) {
		int old = p->attr ? p->maxtype + 1 : 0;
		struct gnl_attr_policy *a = realloc(p->attr, (type + 1) * sizeof(*a));

		if (!a)
			return NULL;
		memset(a + old, 0, (type + 1 - old) * sizeof(*a));
		p->attr = a;
		p->maxtype = type;
	}
	return &p->attr[type];
}

static void parse_attr_policy(struct gnl_attr_policy *ap, const struct nlattr *nest)
{
	struct nlattr *t[NL_POLICY_TYPE_ATTR_MAX + 1];

	gnl_parse_nested(t, NL_POLICY_TYPE_ATTR_MAX, nest);
	ap->present = true;
	if (t[NL_POLICY_TYPE_ATTR_TYPE])
		ap->type = (uint32_t)gnl_get_uint(t[NL_POLICY_TYPE_ATTR_TYPE]);
	if (t[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]) {
		ap->has_min_u = true;
		ap->min_u = gnl_get_uint(t[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]);
	}
	if (t[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]) {
		ap->has_max_u = true;
		ap->max_u = gnl_get_uint(t[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]);
	}
	if (t[NL_POLICY_TYPE_ATTR_MIN_VALUE_S]) {
		ap->has_min_s = true;
		ap->min_s = (int64_t)gnl_get_uint(t[NL_POLICY_TYPE_ATTR_MIN_VALUE_S]);
	}
	if (t[NL_POLICY_TYPE_ATTR_MAX_VALUE_S]) {
		ap->has_max_s = true;
		ap->max_s = (int64_t)gnl_get_uint(t[NL_POLICY_TYPE_ATTR_MAX_VALUE_S]);
	}
	if (t[NL_POLICY_TYPE_ATTR_MIN_LENGTH]) {
		ap->has_min_len = true;
		ap->min_len = (uint32_t)gnl_get_uint(t[NL_POLICY_TYPE_ATTR_MIN_LENGTH]);
	}
	if (t[NL_POLICY_TYPE_ATTR_MAX_LENGTH]) {
		ap->has_max_len = true;
		ap->max_len = (uint32_t)gnl_get_uint(t[NL_POLICY_TYPE_ATTR_MAX_LENGTH]);
	}
	if (t[NL_POLICY_TYPE_ATTR_MASK]) {
		ap->has_mask = true;
		ap->mask = gnl_get_uint(t[NL_POLICY_TYPE_ATTR_MASK]);
	}
	if (t[NL_POLICY_TYPE_ATTR_BITFIELD32_MASK]) {
		ap->has_bitfield32 = true;
		ap->bitfield32_mask =
			(uint32_t)gnl_get_uint(t[NL_POLICY_TYPE_ATTR_BITFIELD32_MASK]);
	}
	if (t[NL_POLICY_TYPE_ATTR_POLICY_IDX]) {
		ap->has_nested = true;
		ap->nested_idx = (uint32_t)gnl_get_uint(t[NL_POLICY_TYPE_ATTR_POLICY_IDX]);
		if (t[NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE])
			ap->nested_maxtype =
				(uint32_t)gnl_get_uint(t[NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE]);
	}
}

/* One CTRL_CMD_GETPOLICY message: op policy indices or one policy's attributes. */
static void parse_policy_msg(struct gnl_family *f, const struct nlmsghdr *n)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *a, *b;
	int len, blen;

	a = gnl_msg_attrs(n, 0, &len);
	gnl_parse(tb, CTRL_ATTR_MAX, a, len);
	if (tb[CTRL_ATTR_FAMILY_ID] && !f->id)
		f->id = (uint16_t)gnl_get_uint(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_OP_POLICY]) {
		len = gnl_attr_len(tb[CTRL_ATTR_OP_POLICY]);
		gnl_for_each_attr(a, gnl_attr_data(tb[CTRL_ATTR_OP_POLICY]), len) {
			struct nlattr *p[CTRL_ATTR_POLICY_DUMP_MAX + 1];
			struct gnl_op *op = family_add_op(f, gnl_attr_type(a));

			if (!op)
				continue;
			gnl_parse_nested(p, CTRL_ATTR_POLICY_DUMP_MAX, a);
			if (p[CTRL_ATTR_POLICY_DO]) {
				op->do_policy = (int)gnl_get_uint(p[CTRL_ATTR_POLICY_DO]);
				if (!op->from_getfamily)
					op->flags |= GENL_CMD_CAP_DO | GENL_CMD_CAP_HASPOL;
			}
			if (p[CTRL_ATTR_POLICY_DUMP]) {
				op->dump_policy = (int)gnl_get_uint(p[CTRL_ATTR_POLICY_DUMP]);
				if (!op->from_getfamily)
					op->flags |= GENL_CMD_CAP_DUMP | GENL_CMD_CAP_HASPOL;
			}
		}
	}
	if (tb[CTRL_ATTR_POLICY]) {
		len = gnl_attr_len(tb[CTRL_ATTR_POLICY]);
		gnl_for_each_attr(a, gnl_attr_data(tb[CTRL_ATTR_POLICY]), len) {
			struct gnl_policy *p = family_policy(f, gnl_attr_type(a));

			if (!p)
				continue;
			p->present = true;
			blen = gnl_attr_len(a);
			gnl_for_each_attr(b, gnl_attr_data(a), blen) {
				struct gnl_attr_policy *ap = policy_attr(p, gnl_attr_type(b));

				if (ap)
					parse_attr_policy(ap, b);
			}
		}
	}
}

static int ctrl_request(struct gnl_sock *s, uint8_t cmd, uint16_t flags,
			const char *name, struct gnl_reply *r)
{
	struct gnl_msg *m = malloc(sizeof(*m));
	int err;

	if (!m)
		return -ENOMEM;
	gnl_msg_init(m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK | flags, cmd, 2);
	gnl_put_str(m, CTRL_ATTR_FAMILY_NAME, name);
	err = gnl_request(s, m, r);
	free(m);
	if (err)
		return err;
	return r->error;
}

int gnl_learn_family(struct gnl_sock *s, const char *name, struct gnl_family *f)
{
	struct gnl_reply r;
	struct nlmsghdr *n;
	int err, i;

	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);

	gnl_reply_init(&r);
	err = ctrl_request(s, CTRL_CMD_GETFAMILY, 0, name, &r);
	f->getfamily_error = err;
	if (!err) {
		for (n = NULL; (n = gnl_reply_next(&r, n));)
			parse_family(f, n);
		f->getfamily_ok = f->id != 0;
	}
	gnl_reply_free(&r);

	gnl_reply_init(&r);
	err = ctrl_request(s, CTRL_CMD_GETPOLICY, NLM_F_DUMP, name, &r);
	f->getpolicy_error = err;
	if (!err) {
		for (n = NULL; (n = gnl_reply_next(&r, n));)
			parse_policy_msg(f, n);
		f->getpolicy_ok = true;
	}
	gnl_reply_free(&r);

	/* Ops ordered by command, for stable output. */
	for (i = 1; i < f->nops; i++) {
		struct gnl_op op = f->ops[i];
		int j = i - 1;

		while (j >= 0 && f->ops[j].cmd > op.cmd) {
			f->ops[j + 1] = f->ops[j];
			j--;
		}
		f->ops[j + 1] = op;
	}
	return f->id ? 0 : (f->getfamily_error ? f->getfamily_error : -ENOENT);
}

void gnl_family_free(struct gnl_family *f)
{
	int i;

	for (i = 0; i < f->npolicies; i++)
		free(f->policies[i].attr);
	free(f->policies);
	f->policies = NULL;
	f->npolicies = 0;
}

const struct gnl_policy *gnl_op_policy(const struct gnl_family *f,
				       const struct gnl_op *op, bool dump)
{
	static const struct gnl_policy empty = { .present = true };
	int idx = dump ? op->dump_policy : op->do_policy;

	if (idx < 0)
		return NULL;
	/* An op with a policy that describes no attribute (all NLA_UNSPEC). */
	if (idx >= f->npolicies || !f->policies[idx].present)
		return &empty;
	return &f->policies[idx];
}

const char *gnl_attr_type_name(uint32_t type)
{
	static const char *const names[] = {
		[NL_ATTR_TYPE_INVALID] = "invalid",
		[NL_ATTR_TYPE_FLAG] = "flag",
		[NL_ATTR_TYPE_U8] = "u8",
		[NL_ATTR_TYPE_U16] = "u16",
		[NL_ATTR_TYPE_U32] = "u32",
		[NL_ATTR_TYPE_U64] = "u64",
		[NL_ATTR_TYPE_S8] = "s8",
		[NL_ATTR_TYPE_S16] = "s16",
		[NL_ATTR_TYPE_S32] = "s32",
		[NL_ATTR_TYPE_S64] = "s64",
		[NL_ATTR_TYPE_BINARY] = "binary",
		[NL_ATTR_TYPE_STRING] = "string",
		[NL_ATTR_TYPE_NUL_STRING] = "nul-string",
		[NL_ATTR_TYPE_NESTED] = "nested",
		[NL_ATTR_TYPE_NESTED_ARRAY] = "nested-array",
		[NL_ATTR_TYPE_BITFIELD32] = "bitfield32",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "unknown";
}

/* ---- helpers --------------------------------------------------------------- */

void gnl_hex(char *out, size_t outlen, const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;
	size_t i;

	if (!outlen)
		return;
	for (i = 0; i < len && 2 * i + 2 < outlen; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * i] = '\0';
}

int gnl_hex_decode(uint8_t *out, size_t outmax, const char *hex)
{
	size_t n = 0;

	while (hex[0] && hex[1] && n < outmax) {
		unsigned int v;

		if (sscanf(hex, "%2x", &v) != 1)
			return -1;
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return (int)n;
}

const char *gnl_errname(int err)
{
	static char buf[32];

	if (err < 0)
		err = -err;
	switch (err) {
	case 0: return "OK";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case EMSGSIZE: return "EMSGSIZE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOBUFS: return "ENOBUFS";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ENODATA: return "ENODATA";
	case EOVERFLOW: return "EOVERFLOW";
	case ECONNREFUSED: return "ECONNREFUSED";
	default:
		snprintf(buf, sizeof(buf), "E%d", err);
		return buf;
	}
}

void gnl_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
