// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * kalloc-probe: a raw generic netlink client for the VM scenarios, written
 * from include/uapi/linux/kalloc.h alone. It is deliberately not libkalloc:
 * it checks what the library hides (several recvmsg() calls per dump,
 * NLM_F_DUMP_INTR, multicast events), and that the header is enough to
 * write a client.
 *
 *   kalloc-probe create PREFIX N   create N 1-byte buffers PREFIX0..PREFIXn-1
 *   kalloc-probe dump              dump; print "messages M recvs R intr I
 *                                  ascending yes|no"
 *   kalloc-probe dump-intr NAME    the same, but create buffer NAME from a
 *                                  second socket after the first recvmsg()
 *   kalloc-probe events NAME       join "events", create and delete NAME,
 *                                  print each event as "event CMD NAME SIZE"
 *   kalloc-probe listen SECONDS    join "events", print "listening", then
 *                                  every event for SECONDS as
 *                                  "event CMD NAME SIZE key=value..."
 *                                  (reason, guards, policy, changed)
 *   kalloc-probe write NAME LEN    one raw BUFFER_WRITE of LEN bytes of 'x'
 *                                  (over KALLOC_IO_MAX too: no chunking)
 *   kalloc-probe read NAME LEN     one raw BUFFER_READ with LENGTH LEN
 *   kalloc-probe refuse KIND N     N BUFFER_NEW requests that must fail,
 *                                  KIND budget (1 GiB, over the budget:
 *                                  ENOSPC, its message and a BUDGET cookie)
 *                                  or name (a bad name: EINVAL and the
 *                                  charset message); checks every reply,
 *                                  prints "refused N" or the first
 *                                  mismatch (exit 1)
 *
 * Exit status: 0 done, 1 a kernel error (printed), 2 usage.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <linux/kalloc.h>

#define BUF_LEN 65536

static char rxbuf[BUF_LEN];
static uint16_t family;
static uint32_t events_group;
static uint32_t seq = 1;

struct req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[KALLOC_IO_MAX + 1024];	/* room for over-size data */
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int sock_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, s;

	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)))
		die("netlink socket");
	setsockopt(s, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return s;
}

static void req_init(struct req *r, uint16_t type, uint16_t flags, uint8_t cmd)
{
	memset(r, 0, offsetof(struct req, attrs));
	r->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->n.nlmsg_type = type;
	r->n.nlmsg_flags = NLM_F_REQUEST | flags;
	r->n.nlmsg_seq = seq++;
	r->g.cmd = cmd;
	r->g.version = type == GENL_ID_CTRL ? 1 : KALLOC_GENL_VERSION;
}

static void put_attr(struct req *r, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)r + NLMSG_ALIGN(r->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void req_send(int s, const struct req *r)
{
	if (send(s, r, r->n.nlmsg_len, 0) < 0)
		die("send");
}

static int recv_some(int s)
{
	int len = recv(s, rxbuf, sizeof(rxbuf), 0);

	if (len < 0)
		die("recv");
	return len;
}

#define for_each_attr(a, start, len) \
	for (a = (struct nlattr *)(start); \
	     (len) >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && \
	     a->nla_len <= (len); \
	     len -= NLA_ALIGN(a->nla_len), \
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

static struct nlattr *msg_attrs(struct nlmsghdr *n, int *len)
{
	*len = n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (struct nlattr *)((char *)NLMSG_DATA(n) + GENL_HDRLEN);
}

/* The "events" group id from a CTRL_ATTR_MCAST_GROUPS nest. */
static void parse_groups(struct nlattr *nest)
{
	int glen = nest->nla_len - NLA_HDRLEN, len;
	struct nlattr *grp, *a;

	for_each_attr(grp, (char *)nest + NLA_HDRLEN, glen) {
		const char *name = NULL;
		uint32_t id = 0;

		len = grp->nla_len - NLA_HDRLEN;
		for_each_attr(a, (char *)grp + NLA_HDRLEN, len) {
			if (a->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
				name = (char *)a + NLA_HDRLEN;
			else if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
				id = *(uint32_t *)((char *)a + NLA_HDRLEN);
		}
		if (name && !strcmp(name, KALLOC_MCGRP_EVENTS))
			events_group = id;
	}
}

/* Prints the kernel's error with its extack message; returns its errno. */
static int print_error(struct nlmsghdr *n)
{
	struct nlmsgerr *e = NLMSG_DATA(n);
	int len = n->nlmsg_len - NLMSG_LENGTH(sizeof(*e));
	struct nlattr *a;
	const char *msg = "";

	if (!e->error)
		return 0;
	if (n->nlmsg_flags & NLM_F_ACK_TLVS) {
		char *tlv = (char *)e + sizeof(*e);

		if (!(n->nlmsg_flags & NLM_F_CAPPED)) {
			tlv += e->msg.nlmsg_len - sizeof(e->msg);
			len -= e->msg.nlmsg_len - sizeof(e->msg);
		}
		for_each_attr(a, tlv, len)
			if (a->nla_type == NLMSGERR_ATTR_MSG)
				msg = (char *)a + NLA_HDRLEN;
	}
	fprintf(stderr, "kernel error %d (%s) %s\n", e->error,
		strerror(-e->error), msg);
	return -e->error;
}

static void resolve(int s)
{
	struct nlmsghdr *n;
	struct nlattr *a;
	struct req r;
	int len, alen;

	req_init(&r, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY);
	put_attr(&r, CTRL_ATTR_FAMILY_NAME, KALLOC_GENL_NAME,
		 sizeof(KALLOC_GENL_NAME));
	req_send(s, &r);
	len = recv_some(s);
	n = (struct nlmsghdr *)rxbuf;
	if (!NLMSG_OK(n, len) || n->nlmsg_type == NLMSG_ERROR) {
		fprintf(stderr, "family %s not found\n", KALLOC_GENL_NAME);
		exit(1);
	}
	a = msg_attrs(n, &alen);
	for_each_attr(a, a, alen) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			family = *(uint16_t *)((char *)a + NLA_HDRLEN);
		else if (a->nla_type == CTRL_ATTR_MCAST_GROUPS)
			parse_groups(a);
	}
}

/* A do request answered by one ACK (we ask for no reply beyond it). */
static int transact(int s, struct req *r)
{
	struct nlmsghdr *n;
	int len;

	req_send(s, r);
	for (;;) {
		len = recv_some(s);
		for (n = (struct nlmsghdr *)rxbuf; NLMSG_OK(n, len);
		     n = NLMSG_NEXT(n, len))
			if (n->nlmsg_type == NLMSG_ERROR)
				return print_error(n);
	}
}

static int buffer_cmd(int s, uint8_t cmd, const char *name, uint64_t size)
{
	struct req r;

	req_init(&r, family, NLM_F_ACK, cmd);
	put_attr(&r, KALLOC_BUFFER_A_NAME, name, strlen(name) + 1);
	if (cmd == KALLOC_CMD_BUFFER_NEW)
		put_attr(&r, KALLOC_BUFFER_A_SIZE, &size, sizeof(size));
	return transact(s, &r);
}

static int cmd_create(int s, const char *prefix, int count)
{
	char name[KALLOC_NAME_MAX];
	int i;

	for (i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "%s%d", prefix, i);
		if (buffer_cmd(s, KALLOC_CMD_BUFFER_NEW, name, 1))
			return 1;
	}
	printf("created %d\n", count);
	return 0;
}

static uint32_t msg_id(struct nlmsghdr *n)
{
	struct nlattr *a;
	int len;

	a = msg_attrs(n, &len);
	for_each_attr(a, a, len)
		if (a->nla_type == KALLOC_BUFFER_A_ID)
			return *(uint32_t *)((char *)a + NLA_HDRLEN);
	return 0;
}

/* A dump; intruder, if set, is created after the first recvmsg(). */
static int cmd_dump(int s, const char *intruder)
{
	int len, msgs = 0, recvs = 0, intr = 0, ascending = 1, s2;
	uint32_t last = 0, id;
	struct nlmsghdr *n;
	struct req r;

	req_init(&r, family, NLM_F_DUMP, KALLOC_CMD_BUFFER_GET);
	req_send(s, &r);
	for (;;) {
		len = recv_some(s);
		recvs++;
		for (n = (struct nlmsghdr *)rxbuf; NLMSG_OK(n, len);
		     n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_flags & NLM_F_DUMP_INTR)
				intr++;
			if (n->nlmsg_type == NLMSG_ERROR)
				return print_error(n) ? 1 : 0;
			if (n->nlmsg_type == NLMSG_DONE)
				goto done;
			id = msg_id(n);
			ascending &= id > last;
			last = id;
			msgs++;
		}
		if (intruder && recvs == 1) {
			s2 = sock_open();
			if (buffer_cmd(s2, KALLOC_CMD_BUFFER_NEW, intruder, 1))
				return 1;
			close(s2);
		}
	}
done:
	printf("messages %d recvs %d intr %d ascending %s\n", msgs, recvs,
	       intr, ascending ? "yes" : "no");
	return 0;
}

static void print_event(struct nlmsghdr *n)
{
	struct genlmsghdr *g = NLMSG_DATA(n);
	const char *name = "?";
	struct nlattr *a;
	uint64_t size = 0;
	int len;

	a = msg_attrs(n, &len);
	for_each_attr(a, a, len) {
		if (a->nla_type == KALLOC_BUFFER_A_NAME)
			name = (char *)a + NLA_HDRLEN;
		else if (a->nla_type == KALLOC_BUFFER_A_SIZE)
			memcpy(&size, (char *)a + NLA_HDRLEN, sizeof(size));
	}
	printf("event %s %s %llu\n",
	       g->cmd == KALLOC_CMD_BUFFER_NEW ? "new" :
	       g->cmd == KALLOC_CMD_BUFFER_DEL ? "del" : "other",
	       name, (unsigned long long)size);
}

static int cmd_events(int s, const char *name)
{
	int l = sock_open(), len, seen = 0;
	struct nlmsghdr *n;

	if (!events_group || setsockopt(l, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
					&events_group, sizeof(events_group)))
		die("join events group");
	if (buffer_cmd(s, KALLOC_CMD_BUFFER_NEW, name, 4096) ||
	    buffer_cmd(s, KALLOC_CMD_BUFFER_DEL, name, 0))
		return 1;
	while (seen < 2) {
		len = recv_some(l);
		for (n = (struct nlmsghdr *)rxbuf; NLMSG_OK(n, len);
		     n = NLMSG_NEXT(n, len), seen++)
			print_event(n);
	}
	return 0;
}

/* ---- listen ----------------------------------------------------------- */

static const char *cmd_word(uint8_t cmd)
{
	switch (cmd) {
	case KALLOC_CMD_BUFFER_NEW:	return "new";
	case KALLOC_CMD_BUFFER_DEL:	return "del";
	case KALLOC_CMD_BUFFER_CHECK:	return "check";
	case KALLOC_CMD_BUFFER_SET:	return "set";
	case KALLOC_CMD_POLICY_SET:	return "policy";
	default:			return "other";
	}
}

static const char *reason_word(uint32_t r)
{
	switch (r) {
	case KALLOC_DEL_REQUEST:	return "request";
	case KALLOC_DEL_FLUSH:		return "flush";
	case KALLOC_DEL_SOCKET:		return "socket";
	default:			return "?";
	}
}

static uint32_t get_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, (const char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

/* A buffer event: "event del x 1024 reason=socket guards=0". */
static void print_buffer_event(struct nlmsghdr *n, uint8_t cmd)
{
	const char *name = "?";
	uint32_t reason = 0, guards = 0;
	struct nlattr *a;
	uint64_t size = 0;
	int len;

	a = msg_attrs(n, &len);
	for_each_attr(a, a, len) {
		if (a->nla_type == KALLOC_BUFFER_A_NAME)
			name = (char *)a + NLA_HDRLEN;
		else if (a->nla_type == KALLOC_BUFFER_A_SIZE)
			memcpy(&size, (char *)a + NLA_HDRLEN, sizeof(size));
		else if (a->nla_type == KALLOC_BUFFER_A_REASON)
			reason = get_u32(a);
		else if (a->nla_type == KALLOC_BUFFER_A_GUARDS)
			guards = get_u32(a);
	}
	printf("event %s %s %llu guards=%u", cmd_word(cmd), name,
	       (unsigned long long)size, guards);
	if (cmd == KALLOC_CMD_BUFFER_DEL)
		printf(" reason=%s", reason_word(reason));
	printf("\n");
}

/* A policy event: "event policy slab 0 changed=1 migrated=2". */
static void print_policy_event(struct nlmsghdr *n)
{
	uint32_t migrated = 0, unmoved = 0;
	const char *name = "?";
	uint8_t changed = 0;
	struct nlattr *a;
	int len;

	a = msg_attrs(n, &len);
	for_each_attr(a, a, len) {
		if (a->nla_type == KALLOC_POLICY_A_NAME)
			name = (char *)a + NLA_HDRLEN;
		else if (a->nla_type == KALLOC_POLICY_A_CHANGED)
			changed = *((uint8_t *)a + NLA_HDRLEN);
		else if (a->nla_type == KALLOC_POLICY_A_MIGRATED)
			migrated = get_u32(a);
		else if (a->nla_type == KALLOC_POLICY_A_UNMOVED)
			unmoved = get_u32(a);
	}
	printf("event policy %s 0 changed=%u migrated=%u unmoved=%u\n", name,
	       changed, migrated, unmoved);
}

static int cmd_listen(int seconds)
{
	struct timeval tv = { .tv_sec = 1 };
	int l = sock_open(), len, waited = 0;
	struct genlmsghdr *g;
	struct nlmsghdr *n;

	if (!events_group || setsockopt(l, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
					&events_group, sizeof(events_group)))
		die("join events group");
	setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	printf("listening\n");
	fflush(stdout);
	while (waited < seconds) {
		len = recv(l, rxbuf, sizeof(rxbuf), 0);
		if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			waited++;
			continue;
		}
		if (len < 0)
			die("recv");
		for (n = (struct nlmsghdr *)rxbuf; NLMSG_OK(n, len);
		     n = NLMSG_NEXT(n, len)) {
			g = NLMSG_DATA(n);
			if (g->cmd == KALLOC_CMD_POLICY_SET)
				print_policy_event(n);
			else
				print_buffer_event(n, g->cmd);
		}
		fflush(stdout);
	}
	return 0;
}

/* ---- raw I/O ------------------------------------------------------------ */

static int cmd_io(int s, uint8_t cmd, const char *name, uint32_t len)
{
	static char data[KALLOC_IO_MAX + 512];
	static struct req r;
	uint64_t offset = 0;

	if (len > sizeof(data)) {
		fprintf(stderr, "at most %zu bytes\n", sizeof(data));
		return 2;
	}
	req_init(&r, family, NLM_F_ACK, cmd);
	put_attr(&r, KALLOC_BUFFER_A_NAME, name, strlen(name) + 1);
	put_attr(&r, KALLOC_BUFFER_A_OFFSET, &offset, sizeof(offset));
	if (cmd == KALLOC_CMD_BUFFER_WRITE) {
		memset(data, 'x', len);
		put_attr(&r, KALLOC_BUFFER_A_DATA, data, len);
	} else {
		put_attr(&r, KALLOC_BUFFER_A_LENGTH, &len, sizeof(len));
	}
	if (transact(s, &r))
		return 1;
	printf("done\n");
	return 0;
}

/* ---- concurrent refusals ------------------------------------------------ */

/* The extack message and cookie kind of an error, or false if none. */
static bool error_parts(struct nlmsghdr *n, int *error, const char **msg,
			uint32_t *kind)
{
	struct nlmsgerr *e = NLMSG_DATA(n);
	int len = n->nlmsg_len - NLMSG_LENGTH(sizeof(*e));
	char *tlv = (char *)e + sizeof(*e);
	struct nlattr *a;

	*error = e->error;
	*msg = NULL;
	*kind = 0;
	if (!(n->nlmsg_flags & NLM_F_ACK_TLVS))
		return false;
	if (!(n->nlmsg_flags & NLM_F_CAPPED)) {
		tlv += e->msg.nlmsg_len - sizeof(e->msg);
		len -= e->msg.nlmsg_len - sizeof(e->msg);
	}
	for_each_attr(a, tlv, len) {
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			*msg = (char *)a + NLA_HDRLEN;
		else if (a->nla_type == NLMSGERR_ATTR_COOKIE &&
			 a->nla_len - NLA_HDRLEN == sizeof(struct kalloc_cookie))
			*kind = get_u32(a);
	}
	return *msg != NULL;
}

struct refusal {
	int error;
	const char *msg;
	uint32_t kind;
};

/* Sends one BUFFER_NEW that must fail as want says; 0 if it did. */
static int refuse_one(int s, const char *name, uint64_t size,
		      const struct refusal *want)
{
	static struct req r;
	struct nlmsghdr *n;
	const char *msg;
	uint32_t kind;
	int len, error;

	req_init(&r, family, NLM_F_ACK, KALLOC_CMD_BUFFER_NEW);
	put_attr(&r, KALLOC_BUFFER_A_NAME, name, strlen(name) + 1);
	put_attr(&r, KALLOC_BUFFER_A_SIZE, &size, sizeof(size));
	req_send(s, &r);
	for (;;) {
		len = recv_some(s);
		for (n = (struct nlmsghdr *)rxbuf; NLMSG_OK(n, len);
		     n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_type != NLMSG_ERROR)
				continue;
			if (n->nlmsg_seq != r.n.nlmsg_seq) {
				printf("mismatch: reply to seq %u for request %u\n",
				       n->nlmsg_seq, r.n.nlmsg_seq);
				return 1;
			}
			if (!error_parts(n, &error, &msg, &kind) ||
			    error != want->error || strcmp(msg, want->msg) ||
			    kind != want->kind) {
				printf("mismatch for %s: error %d \"%s\" cookie %u, want %d \"%s\" cookie %u\n",
				       name, error, msg ? msg : "(none)", kind,
				       want->error, want->msg, want->kind);
				return 1;
			}
			return 0;
		}
	}
}

static int cmd_refuse(int s, const char *kind, int count)
{
	static const struct refusal budget = {
		-ENOSPC, "KALLOC_BUFFER_A_SIZE exceeds the remaining budget",
		KALLOC_COOKIE_BUDGET,
	};
	static const struct refusal badname = {
		-EINVAL,
		"KALLOC_BUFFER_A_NAME has a character outside [A-Za-z0-9_.-]", 0,
	};
	bool over = !strcmp(kind, "budget");
	char name[KALLOC_NAME_MAX];
	int i;

	if (!over && strcmp(kind, "name"))
		return 2;
	for (i = 0; i < count; i++) {
		snprintf(name, sizeof(name), over ? "storm%d-%d" : "bad/%d-%d",
			 (int)getpid(), i);
		if (refuse_one(s, name, over ? KALLOC_BUFFER_SIZE_MAX : 1,
			       over ? &budget : &badname))
			return 1;
	}
	printf("refused %d\n", count);
	return 0;
}

int main(int argc, char **argv)
{
	int s;

	if (argc < 2)
		goto usage;
	s = sock_open();
	resolve(s);
	if (!strcmp(argv[1], "create") && argc == 4)
		return cmd_create(s, argv[2], atoi(argv[3]));
	if (!strcmp(argv[1], "dump") && argc == 2)
		return cmd_dump(s, NULL);
	if (!strcmp(argv[1], "dump-intr") && argc == 3)
		return cmd_dump(s, argv[2]);
	if (!strcmp(argv[1], "events") && argc == 3)
		return cmd_events(s, argv[2]);
	if (!strcmp(argv[1], "listen") && argc == 3)
		return cmd_listen(atoi(argv[2]));
	if (!strcmp(argv[1], "write") && argc == 4)
		return cmd_io(s, KALLOC_CMD_BUFFER_WRITE, argv[2],
			      (uint32_t)strtoul(argv[3], NULL, 10));
	if (!strcmp(argv[1], "read") && argc == 4)
		return cmd_io(s, KALLOC_CMD_BUFFER_READ, argv[2],
			      (uint32_t)strtoul(argv[3], NULL, 10));
	if (!strcmp(argv[1], "refuse") && argc == 4)
		return cmd_refuse(s, argv[2], atoi(argv[3]));
usage:
	fprintf(stderr, "usage: kalloc-probe create PREFIX N | dump | dump-intr NAME | events NAME |\n"
		"       listen SECONDS | write NAME LEN | read NAME LEN | refuse budget|name N\n");
	return 2;
}
