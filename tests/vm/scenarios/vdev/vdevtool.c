// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vdevtool: drives kalloc's virtual devices for the VM scenarios
 * (tests/vm/scenarios/2N-vdev-*.sh), written from the uapi headers alone:
 * <linux/kalloc.h> for the netlink side, <linux/kalloc_vdev.h> for the
 * device files. The scenarios build it inside the VM with the host's
 * compiler (vdev/lib.sh).
 *
 * Netlink (errors print "Error: STRERROR: EXTACK-MESSAGE", exit 1):
 *   new NAME [size N] [timer NS] [owner TAG]
 *   del NAME | irq NAME | get NAME | list
 *   set NAME [control V] [mask M] [timer NS]
 *   dma NAME to-device|from-device BUFFER [offset N] [devoff N] [length N]
 *       [wait] [id]          (BUFFER is a name, or an id with "id")
 *   bufid NAME               the buffer's id
 *   sockbuf NAME SIZE DEV    a socket-owned buffer, a DMA from DEV into it
 *                            (vdev_dma_delay_ms should hold it), then the
 *                            socket closes mid-transfer
 *   events SECONDS           prints the device events seen for SECONDS
 *   perf SECONDS             prints the device records (DMA, IRQ) of the
 *                            perf group for SECONDS
 *   stats                    buffers in the table, and live buffers of the
 *                            kmalloc policy (memory not yet freed)
 *   bread NAME OFFSET LEN    BUFFER_READ, the bytes to stdout
 *   bwrite NAME OFFSET       BUFFER_WRITE of stdin (at most 4 KiB)
 *   policy ID                POLICY_SET ID, migrating every buffer
 * Device files (DEV is a path; errors print "Error: WHAT: STRERROR"):
 *   regs DEV | status DEV | trigger DEV | ack DEV
 *   ctl DEV MASK VALUE [PERIOD_NS]
 *   submit DEV to-device|from-device BUFID [devoff N] [offset N] [length N]
 *   wait DEV TIMEOUT_NS
 *   poll DEV TIMEOUT_MS      waits once; prints the revents, then what an
 *                            ioctl says ("ioctl ok" or "ioctl ENODEV")
 *   epoll DEV TIMEOUT_MS     the same with one epoll_wait()
 *   afterdel DEV             opens DEV, prints "open", waits for a line on
 *                            stdin, then tries read, write, lseek, ioctl
 *                            and mmap, printing what each got
 *   timer DEV PERIOD_NS MS   runs the timer for MS, polling and acking;
 *                            prints "acked A irq_count C wakeups W"
 *   stress DEV BUFID SECONDS SEED
 *                            random DMAs, register writes, interrupts and
 *                            window I/O; prints "submitted S triggered T
 *                            acked A refused R"
 *   mmap DEV                 pattern through a shared mapping, read back
 *   badinput DEV BUFID BUFSIZE
 *                            the refusals every bad ioctl, read, write and
 *                            mmap must get; one line each
 *   hold DEV SECONDS         keeps DEV open for SECONDS (for rmmod)
 *
 * Exit status: 0 done, 1 a refusal or a failed check, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/kalloc.h>
#include <linux/kalloc_vdev.h>

#define BUF_LEN 65536

static char rxbuf[BUF_LEN];
static uint16_t family;
static uint32_t events_group, perf_group;
static uint32_t seq = 1;

static void die(const char *what)
{
	fprintf(stderr, "Error: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: vdevtool COMMAND ARGS (see the source)\n");
	exit(2);
}

static uint64_t num(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || !*s)
		usage();
	return v;
}

/* ---- netlink ------------------------------------------------------------- */

struct req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[512];
};

#define for_each_attr(a, start, len) \
	for (a = (struct nlattr *)(start); \
	     (len) >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && \
	     a->nla_len <= (len); \
	     len -= NLA_ALIGN(a->nla_len), \
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

#define ATTR_DATA(a) ((void *)((char *)(a) + NLA_HDRLEN))

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
	memset(r, 0, sizeof(*r));
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
	if (len)
		memcpy(ATTR_DATA(a), data, len);
	r->n.nlmsg_len = NLMSG_ALIGN(r->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static void put_str(struct req *r, uint16_t type, const char *s)
{
	put_attr(r, type, s, strlen(s) + 1);
}

static void put_u32(struct req *r, uint16_t type, uint32_t v)
{
	put_attr(r, type, &v, sizeof(v));
}

static void put_u64(struct req *r, uint16_t type, uint64_t v)
{
	put_attr(r, type, &v, sizeof(v));
}

static int recv_some(int s)
{
	int len = recv(s, rxbuf, sizeof(rxbuf), 0);

	if (len < 0)
		die("recv");
	return len;
}

static struct nlattr *msg_attrs(struct nlmsghdr *n, int *len)
{
	*len = n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (struct nlattr *)((char *)NLMSG_DATA(n) + GENL_HDRLEN);
}

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
				name = ATTR_DATA(a);
			else if (a->nla_type == CTRL_ATTR_MCAST_GRP_ID)
				id = *(uint32_t *)ATTR_DATA(a);
		}
		if (name && !strcmp(name, KALLOC_MCGRP_EVENTS))
			events_group = id;
		if (name && !strcmp(name, KALLOC_MCGRP_PERF))
			perf_group = id;
	}
}

/* Prints "Error: STRERROR: MESSAGE"; returns the errno (0: an ACK). */
static int print_error(struct nlmsghdr *n)
{
	struct nlmsgerr *e = NLMSG_DATA(n);
	int len = n->nlmsg_len - NLMSG_LENGTH(sizeof(*e));
	const char *msg = NULL;
	struct nlattr *a;

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
				msg = ATTR_DATA(a);
	}
	fprintf(stderr, "Error: %s%s%s\n", strerror(-e->error),
		msg ? ": " : "", msg ? msg : "");
	return -e->error;
}

static void resolve(int s)
{
	struct nlmsghdr *n;
	struct nlattr *a;
	struct req r;
	int len, alen;

	req_init(&r, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY);
	put_str(&r, CTRL_ATTR_FAMILY_NAME, KALLOC_GENL_NAME);
	if (send(s, &r, r.n.nlmsg_len, 0) < 0)
		die("send");
	len = recv_some(s);
	n = (struct nlmsghdr *)rxbuf;
	if (!NLMSG_OK(n, len) || n->nlmsg_type == NLMSG_ERROR) {
		fprintf(stderr, "Error: family %s not found\n", KALLOC_GENL_NAME);
		exit(3);
	}
	a = msg_attrs(n, &alen);
	for_each_attr(a, a, alen) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			family = *(uint16_t *)ATTR_DATA(a);
		else if (a->nla_type == CTRL_ATTR_MCAST_GROUPS)
			parse_groups(a);
	}
}

typedef void (*msg_fn)(struct nlmsghdr *n);

/* Sends r; hands every reply message to fn; returns the errno (0: ok). */
static int transact(int s, struct req *r, msg_fn fn)
{
	struct nlmsghdr *n;
	int len;

	if (send(s, r, r->n.nlmsg_len, 0) < 0)
		die("send");
	for (;;) {
		len = recv_some(s);
		for (n = (struct nlmsghdr *)rxbuf; NLMSG_OK(n, len);
		     n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_type == NLMSG_ERROR)
				return print_error(n);
			if (n->nlmsg_type == NLMSG_DONE)
				return *(int *)NLMSG_DATA(n) ?
				       print_error(n) : 0;
			if (fn)
				fn(n);
		}
	}
}

static const char *const vdev_attr_names[] = {
	[KALLOC_VDEV_A_NAME] = "name",
	[KALLOC_VDEV_A_ID] = "id",
	[KALLOC_VDEV_A_OWNER] = "owner",
	[KALLOC_VDEV_A_SIZE] = "size",
	[KALLOC_VDEV_A_MINOR] = "minor",
	[KALLOC_VDEV_A_OPEN_FILES] = "open_files",
	[KALLOC_VDEV_A_STATUS] = "status",
	[KALLOC_VDEV_A_CONTROL] = "control",
	[KALLOC_VDEV_A_TIMER_NS] = "timer_ns",
	[KALLOC_VDEV_A_IRQ_COUNT] = "irq_count",
	[KALLOC_VDEV_A_IRQ_UNACKED] = "irq_unacked",
	[KALLOC_VDEV_A_DMA_COMPLETED] = "dma_completed",
	[KALLOC_VDEV_A_DMA_FAILED] = "dma_failed",
	[KALLOC_VDEV_A_DMA_SEQ] = "dma_seq",
	[KALLOC_VDEV_A_DMA_DIRECTION] = "dma_direction",
	[KALLOC_VDEV_A_DMA_BUFFER] = "dma_buffer",
	[KALLOC_VDEV_A_DMA_OFFSET] = "dma_offset",
	[KALLOC_VDEV_A_DMA_DEV_OFFSET] = "dma_dev_offset",
	[KALLOC_VDEV_A_DMA_LENGTH] = "dma_length",
	[KALLOC_VDEV_A_DMA_BYTES] = "dma_bytes",
	[KALLOC_VDEV_A_DMA_ERROR] = "dma_error",
};

/* One device as "key=value" lines. */
static void print_vdev(struct nlmsghdr *n)
{
	struct nlattr *a;
	int len;

	a = msg_attrs(n, &len);
	for_each_attr(a, a, len) {
		unsigned int t = a->nla_type;
		int dlen = a->nla_len - NLA_HDRLEN;

		if (t >= sizeof(vdev_attr_names) / sizeof(vdev_attr_names[0]) ||
		    !vdev_attr_names[t])
			continue;
		if (t == KALLOC_VDEV_A_NAME || t == KALLOC_VDEV_A_OWNER)
			printf("%s=%s\n", vdev_attr_names[t], (char *)ATTR_DATA(a));
		else if (dlen == 8)
			printf("%s=%" PRIu64 "\n", vdev_attr_names[t],
			       *(uint64_t *)ATTR_DATA(a));
		else if (dlen == 4)
			printf("%s=%" PRIu32 "\n", vdev_attr_names[t],
			       *(uint32_t *)ATTR_DATA(a));
	}
}

static void print_vdev_name(struct nlmsghdr *n)
{
	struct nlattr *a;
	int len;

	a = msg_attrs(n, &len);
	for_each_attr(a, a, len)
		if (a->nla_type == KALLOC_VDEV_A_NAME)
			printf("%s\n", (char *)ATTR_DATA(a));
}

static uint32_t found_id;

static void take_buffer_id(struct nlmsghdr *n)
{
	struct nlattr *a;
	int len;

	a = msg_attrs(n, &len);
	for_each_attr(a, a, len)
		if (a->nla_type == KALLOC_BUFFER_A_ID)
			found_id = *(uint32_t *)ATTR_DATA(a);
}

static int nl_simple(int s, uint8_t cmd, const char *name, msg_fn fn)
{
	struct req r;

	req_init(&r, family, NLM_F_ACK, cmd);
	put_str(&r, KALLOC_VDEV_A_NAME, name);
	return transact(s, &r, fn) ? 1 : 0;
}

static int cmd_new(int s, int argc, char **argv)
{
	struct req r;
	int i;

	req_init(&r, family, NLM_F_ACK, KALLOC_CMD_VDEV_NEW);
	put_str(&r, KALLOC_VDEV_A_NAME, argv[0]);
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "size"))
			put_u32(&r, KALLOC_VDEV_A_SIZE, num(argv[i + 1]));
		else if (!strcmp(argv[i], "timer"))
			put_u64(&r, KALLOC_VDEV_A_TIMER_NS, num(argv[i + 1]));
		else if (!strcmp(argv[i], "owner"))
			put_str(&r, KALLOC_VDEV_A_OWNER, argv[i + 1]);
		else
			usage();
	}
	if (i != argc)
		usage();
	return transact(s, &r, NULL) ? 1 : 0;
}

static int cmd_set(int s, int argc, char **argv)
{
	struct req r;
	int i;

	req_init(&r, family, NLM_F_ACK, KALLOC_CMD_VDEV_SET);
	put_str(&r, KALLOC_VDEV_A_NAME, argv[0]);
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "control"))
			put_u32(&r, KALLOC_VDEV_A_CONTROL, num(argv[i + 1]));
		else if (!strcmp(argv[i], "mask"))
			put_u32(&r, KALLOC_VDEV_A_CONTROL_MASK, num(argv[i + 1]));
		else if (!strcmp(argv[i], "timer"))
			put_u64(&r, KALLOC_VDEV_A_TIMER_NS, num(argv[i + 1]));
		else
			usage();
	}
	if (i != argc)
		usage();
	return transact(s, &r, print_vdev) ? 1 : 0;
}

static uint32_t direction(const char *s)
{
	if (!strcmp(s, "to-device"))
		return KALLOC_VDEV_DMA_TO_DEVICE;
	if (!strcmp(s, "from-device"))
		return KALLOC_VDEV_DMA_FROM_DEVICE;
	return num(s);	/* raw numbers, for bad-input tests */
}

static int cmd_dma(int s, int argc, char **argv)
{
	const char *buffer = argv[2];
	int i, by_id = 0;
	struct req r;

	req_init(&r, family, NLM_F_ACK, KALLOC_CMD_VDEV_DMA);
	put_str(&r, KALLOC_VDEV_A_NAME, argv[0]);
	put_u32(&r, KALLOC_VDEV_A_DMA_DIRECTION, direction(argv[1]));
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "wait"))
			put_attr(&r, KALLOC_VDEV_A_DMA_WAIT, NULL, 0);
		else if (!strcmp(argv[i], "id"))
			by_id = 1;
		else if (i + 1 >= argc)
			usage();
		else if (!strcmp(argv[i], "offset"))
			put_u64(&r, KALLOC_VDEV_A_DMA_OFFSET, num(argv[++i]));
		else if (!strcmp(argv[i], "devoff"))
			put_u32(&r, KALLOC_VDEV_A_DMA_DEV_OFFSET, num(argv[++i]));
		else if (!strcmp(argv[i], "length"))
			put_u32(&r, KALLOC_VDEV_A_DMA_LENGTH, num(argv[++i]));
		else
			usage();
	}
	if (by_id)
		put_u32(&r, KALLOC_VDEV_A_DMA_BUFFER, num(buffer));
	else
		put_str(&r, KALLOC_VDEV_A_DMA_BUFFER_NAME, buffer);
	return transact(s, &r, print_vdev) ? 1 : 0;
}

static int buffer_id(int s, const char *name)
{
	struct req r;

	req_init(&r, family, NLM_F_ACK, KALLOC_CMD_BUFFER_GET);
	put_str(&r, KALLOC_BUFFER_A_NAME, name);
	found_id = 0;
	if (transact(s, &r, take_buffer_id))
		exit(1);
	return found_id;
}

/* STATS_GET: the table's buffers and the kmalloc policy's live buffers. */
static void print_stats(struct nlmsghdr *n)
{
	struct nlattr *a, *p;
	int len, plen;

	a = msg_attrs(n, &len);
	for_each_attr(a, a, len) {
		uint16_t type = a->nla_type & NLA_TYPE_MASK;	/* nests: F_NESTED */

		if (type == KALLOC_STATS_A_BUFFERS)
			printf("buffers=%u\n", *(uint32_t *)ATTR_DATA(a));
		if (type != KALLOC_STATS_A_POLICY_STATS)
			continue;
		plen = a->nla_len - NLA_HDRLEN;
		for_each_attr(p, ATTR_DATA(a), plen)
			if ((p->nla_type & NLA_TYPE_MASK) == KALLOC_PSTATS_A_LIVE_BUFFERS)
				printf("live_buffers=%llu\n",
				       *(unsigned long long *)ATTR_DATA(p));
	}
}

static int cmd_stats(int s)
{
	struct req r;

	req_init(&r, family, NLM_F_ACK, KALLOC_CMD_STATS_GET);
	put_u32(&r, KALLOC_STATS_A_POLICY, KALLOC_POLICY_KMALLOC);
	return transact(s, &r, print_stats) ? 1 : 0;
}

/* BUFFER_READ: the bytes to stdout. */
static void print_data(struct nlmsghdr *n)
{
	struct nlattr *a;
	int len;

	a = msg_attrs(n, &len);
	for_each_attr(a, a, len)
		if (a->nla_type == KALLOC_BUFFER_A_DATA &&
		    fwrite(ATTR_DATA(a), 1, a->nla_len - NLA_HDRLEN, stdout) !=
		    (size_t)(a->nla_len - NLA_HDRLEN))
			die("write");
}

static int cmd_bread(int s, const char *name, uint64_t off, uint32_t len)
{
	struct req r;

	req_init(&r, family, NLM_F_ACK, KALLOC_CMD_BUFFER_READ);
	put_str(&r, KALLOC_BUFFER_A_NAME, name);
	put_u64(&r, KALLOC_BUFFER_A_OFFSET, off);
	put_u32(&r, KALLOC_BUFFER_A_LENGTH, len);
	return transact(s, &r, print_data) ? 1 : 0;
}

/* BUFFER_WRITE of stdin (at most 4 KiB here: the request's room). */
static int cmd_bwrite(int s, const char *name, uint64_t off)
{
	static struct {
		struct req r;
		char more[8192];
	} big;
	char data[4096];
	size_t n = fread(data, 1, sizeof(data), stdin);

	req_init(&big.r, family, NLM_F_ACK, KALLOC_CMD_BUFFER_WRITE);
	put_str(&big.r, KALLOC_BUFFER_A_NAME, name);
	put_u64(&big.r, KALLOC_BUFFER_A_OFFSET, off);
	put_attr(&big.r, KALLOC_BUFFER_A_DATA, data, n);
	return transact(s, &big.r, NULL) ? 1 : 0;
}

/* POLICY_SET ID with migration: every buffer moves to policy ID. */
static int cmd_policy(int s, uint32_t id)
{
	struct req r;

	req_init(&r, family, NLM_F_ACK, KALLOC_CMD_POLICY_SET);
	put_u32(&r, KALLOC_POLICY_A_ID, id);
	put_attr(&r, KALLOC_POLICY_A_MIGRATE, NULL, 0);
	return transact(s, &r, NULL) ? 1 : 0;
}

static int cmd_list(int s)
{
	struct req r;

	req_init(&r, family, NLM_F_DUMP, KALLOC_CMD_VDEV_GET);
	return transact(s, &r, print_vdev_name) ? 1 : 0;
}

/*
 * A buffer owned by this socket, a DMA from dev into it, then exit: the
 * socket closes while the transfer is held back by vdev_dma_delay_ms.
 */
static int cmd_sockbuf(int s, const char *name, uint64_t size, const char *dev)
{
	uint32_t flags = KALLOC_BUFFER_F_SOCKET;
	struct req r;

	req_init(&r, family, NLM_F_ACK, KALLOC_CMD_BUFFER_NEW);
	put_str(&r, KALLOC_BUFFER_A_NAME, name);
	put_u64(&r, KALLOC_BUFFER_A_SIZE, size);
	put_u32(&r, KALLOC_BUFFER_A_FLAGS, flags);
	if (transact(s, &r, NULL))
		return 1;
	req_init(&r, family, NLM_F_ACK, KALLOC_CMD_VDEV_DMA);
	put_str(&r, KALLOC_VDEV_A_NAME, dev);
	put_u32(&r, KALLOC_VDEV_A_DMA_DIRECTION, KALLOC_VDEV_DMA_FROM_DEVICE);
	put_str(&r, KALLOC_VDEV_A_DMA_BUFFER_NAME, name);
	if (transact(s, &r, NULL))
		return 1;
	printf("submitted, closing the socket\n");
	return 0;
}

static const char *cmd_name(uint8_t cmd)
{
	switch (cmd) {
	case KALLOC_CMD_VDEV_NEW: return "vdev-new";
	case KALLOC_CMD_VDEV_DEL: return "vdev-del";
	case KALLOC_CMD_VDEV_SET: return "vdev-set";
	case KALLOC_CMD_VDEV_IRQ: return "vdev-irq";
	case KALLOC_CMD_VDEV_DMA: return "vdev-dma";
	default: return NULL;
	}
}

/* Prints "EVENT NAME" for each device event within seconds. */
static int cmd_events(int seconds)
{
	int l = sock_open(), len;
	struct pollfd pfd = { .fd = l, .events = POLLIN };
	time_t end = time(NULL) + seconds;
	struct nlmsghdr *n;

	if (!events_group || setsockopt(l, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
					&events_group, sizeof(events_group)))
		die("join events group");
	printf("listening\n");
	fflush(stdout);
	while (time(NULL) < end) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		len = recv_some(l);
		for (n = (struct nlmsghdr *)rxbuf; NLMSG_OK(n, len);
		     n = NLMSG_NEXT(n, len)) {
			struct genlmsghdr *g = NLMSG_DATA(n);
			const char *what = cmd_name(g->cmd);
			struct nlattr *a;
			int alen;

			if (!what)
				continue;
			a = msg_attrs(n, &alen);
			for_each_attr(a, a, alen)
				if (a->nla_type == KALLOC_VDEV_A_NAME)
					printf("%s %s\n", what, (char *)ATTR_DATA(a));
			fflush(stdout);
		}
	}
	return 0;
}

/* One KALLOC_CMD_PERF message: prints its device records. */
static void print_perf(struct nlmsghdr *n)
{
	uint32_t size = 0, count = 0, i;
	const char *recs = NULL;
	struct nlattr *a;
	int len;

	a = msg_attrs(n, &len);
	for_each_attr(a, a, len) {
		if (a->nla_type == KALLOC_PERF_A_RECORD_SIZE)
			size = *(uint32_t *)ATTR_DATA(a);
		else if (a->nla_type == KALLOC_PERF_A_COUNT)
			count = *(uint32_t *)ATTR_DATA(a);
		else if (a->nla_type == KALLOC_PERF_A_RECORDS)
			recs = ATTR_DATA(a);
	}
	for (i = 0; recs && size >= sizeof(struct kalloc_perf_record) &&
	     i < count; i++) {
		struct kalloc_perf_record r;

		memcpy(&r, recs + (size_t)i * size, sizeof(r));
		if (r.type == KALLOC_PERF_DMA || r.type == KALLOC_PERF_IRQ)
			printf("%s id=%u bytes=%llu\n",
			       r.type == KALLOC_PERF_DMA ? "dma" : "irq", r.id,
			       (unsigned long long)r.bytes);
	}
}

/* Prints the device records of the perf group for SECONDS. */
static int cmd_perf(int seconds)
{
	int l = sock_open(), len;
	struct pollfd pfd = { .fd = l, .events = POLLIN };
	time_t end = time(NULL) + seconds;
	struct nlmsghdr *n;

	if (!perf_group || setsockopt(l, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				      &perf_group, sizeof(perf_group)))
		die("join perf group");
	printf("listening\n");
	while (time(NULL) < end) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		len = recv_some(l);
		for (n = (struct nlmsghdr *)rxbuf; NLMSG_OK(n, len);
		     n = NLMSG_NEXT(n, len))
			if (n->nlmsg_type == family &&
			    ((struct genlmsghdr *)NLMSG_DATA(n))->cmd == KALLOC_CMD_PERF)
				print_perf(n);
	}
	return 0;
}

static int netlink_main(int argc, char **argv)
{
	const char *c = argv[1];
	int s = sock_open();

	resolve(s);
	if (!strcmp(c, "new") && argc >= 3)
		return cmd_new(s, argc - 2, argv + 2);
	if (!strcmp(c, "del") && argc == 3)
		return nl_simple(s, KALLOC_CMD_VDEV_DEL, argv[2], NULL);
	if (!strcmp(c, "irq") && argc == 3)
		return nl_simple(s, KALLOC_CMD_VDEV_IRQ, argv[2], NULL);
	if (!strcmp(c, "get") && argc == 3)
		return nl_simple(s, KALLOC_CMD_VDEV_GET, argv[2], print_vdev);
	if (!strcmp(c, "list") && argc == 2)
		return cmd_list(s);
	if (!strcmp(c, "set") && argc >= 3)
		return cmd_set(s, argc - 2, argv + 2);
	if (!strcmp(c, "dma") && argc >= 5)
		return cmd_dma(s, argc - 2, argv + 2);
	if (!strcmp(c, "bufid") && argc == 3) {
		printf("%d\n", buffer_id(s, argv[2]));
		return 0;
	}
	if (!strcmp(c, "sockbuf") && argc == 5)
		return cmd_sockbuf(s, argv[2], num(argv[3]), argv[4]);
	if (!strcmp(c, "events") && argc == 3)
		return cmd_events(num(argv[2]));
	if (!strcmp(c, "stats") && argc == 2)
		return cmd_stats(s);
	if (!strcmp(c, "perf") && argc == 3)
		return cmd_perf(num(argv[2]));
	if (!strcmp(c, "bread") && argc == 5)
		return cmd_bread(s, argv[2], num(argv[3]), num(argv[4]));
	if (!strcmp(c, "bwrite") && argc == 4)
		return cmd_bwrite(s, argv[2], num(argv[3]));
	if (!strcmp(c, "policy") && argc == 3)
		return cmd_policy(s, num(argv[2]));
	usage();
	return 2;
}

/* ---- device files -------------------------------------------------------- */

static int dev_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die(path);
	return fd;
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "ok";
	case ENOTTY: return "ENOTTY";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case E2BIG: return "E2BIG";
	case ENODEV: return "ENODEV";
	case ERANGE: return "ERANGE";
	case ENOENT: return "ENOENT";
	case ENXIO: return "ENXIO";
	case EBUSY: return "EBUSY";
	case ENOSPC: return "ENOSPC";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	default: return strerror(e);
	}
}

static int errno_of(ssize_t r)
{
	return r < 0 ? errno : 0;
}

/* The errno of ioctl(fd, cmd, arg), 0 on success. */
static int ioc(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static void ioc_or_die(int fd, unsigned long cmd, void *arg, const char *what)
{
	if (ioctl(fd, cmd, arg))
		die(what);
}

static void print_regs(const struct kalloc_vdev_regs *r)
{
	printf("size=%u\nstatus=%u\ncontrol=%u\nwindow_size=%u\n"
	       "irq_count=%llu\nirq_unacked=%llu\ntimer_period_ns=%llu\n"
	       "dma_completed=%llu\ndma_failed=%llu\ndma_seq=%llu\n"
	       "dma_buffer_offset=%llu\ndma_direction=%u\ndma_buffer_id=%u\n"
	       "dma_device_offset=%u\ndma_length=%u\ndma_bytes=%u\n"
	       "dma_error=%d\n",
	       r->size, r->status, r->control, r->window_size,
	       (unsigned long long)r->irq_count,
	       (unsigned long long)r->irq_unacked,
	       (unsigned long long)r->timer_period_ns,
	       (unsigned long long)r->dma_completed,
	       (unsigned long long)r->dma_failed,
	       (unsigned long long)r->dma_seq,
	       (unsigned long long)r->dma_buffer_offset, r->dma_direction,
	       r->dma_buffer_id, r->dma_device_offset, r->dma_length,
	       r->dma_bytes, r->dma_error);
}

static int cmd_submit(int fd, int argc, char **argv)
{
	struct kalloc_vdev_dma d = {
		.direction = direction(argv[0]),
		.buffer_id = num(argv[1]),
	};
	int i;

	for (i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "devoff"))
			d.device_offset = num(argv[i + 1]);
		else if (!strcmp(argv[i], "offset"))
			d.buffer_offset = num(argv[i + 1]);
		else if (!strcmp(argv[i], "length"))
			d.length = num(argv[i + 1]);
		else
			usage();
	}
	if (i != argc)
		usage();
	ioc_or_die(fd, KALLOC_VDEV_IOC_DMA_SUBMIT, &d, "DMA_SUBMIT");
	printf("seq=%llu length=%u\n", (unsigned long long)d.seq, d.length);
	return 0;
}

static int cmd_poll(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLPRI };
	uint32_t status;
	int n;

	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		die("poll");
	printf("revents%s%s%s%s%s\n", n == 0 ? " none" : "",
	       pfd.revents & POLLIN ? " POLLIN" : "",
	       pfd.revents & POLLPRI ? " POLLPRI" : "",
	       pfd.revents & POLLERR ? " POLLERR" : "",
	       pfd.revents & POLLHUP ? " POLLHUP" : "");
	printf("ioctl %s\n", errname(ioc(fd, KALLOC_VDEV_IOC_GET_STATUS, &status)));
	return 0;
}

/* The same with epoll: one epoll_wait(). */
static int cmd_epoll(int fd, int timeout_ms)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLPRI }, got = {};
	int ep = epoll_create1(EPOLL_CLOEXEC), n;

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		die("epoll");
	n = epoll_wait(ep, &got, 1, timeout_ms);
	if (n < 0)
		die("epoll_wait");
	printf("events%s%s%s%s%s\n", n == 0 ? " none" : "",
	       got.events & EPOLLIN ? " EPOLLIN" : "",
	       got.events & EPOLLPRI ? " EPOLLPRI" : "",
	       got.events & EPOLLERR ? " EPOLLERR" : "",
	       got.events & EPOLLHUP ? " EPOLLHUP" : "");
	close(ep);
	return 0;
}

/* Opens dev, waits for a line on stdin, then tries every operation. */
static int cmd_afterdel(int fd)
{
	struct kalloc_vdev_regs regs;
	char line[16], c = 0;
	void *p;

	printf("open\n");
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	printf("read %s\n", errname(errno_of(pread(fd, &c, 1, 0))));
	printf("write %s\n", errname(errno_of(pwrite(fd, &c, 1, 0))));
	printf("lseek %s\n", errname(errno_of(lseek(fd, 0, SEEK_SET))));
	printf("ioctl %s\n", errname(ioc(fd, KALLOC_VDEV_IOC_GET_REGS, &regs)));
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	printf("mmap %s\n", errname(p == MAP_FAILED ? errno : 0));
	return 0;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Polls and acks until deadline; adds what it acked. */
static void poll_and_ack(int fd, int64_t deadline, uint64_t *acked,
			 uint64_t *wakeups)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLPRI };
	struct kalloc_vdev_ack ack;
	int64_t left;

	while ((left = deadline - now_ns()) > 0) {
		if (poll(&pfd, 1, left / 1000000 + 1) < 0)
			die("poll");
		if (!(pfd.revents & POLLIN))
			continue;
		ioc_or_die(fd, KALLOC_VDEV_IOC_ACK_IRQ, &ack, "ACK_IRQ");
		*acked += ack.acked;
		(*wakeups)++;
	}
}

static int cmd_timer(int fd, uint64_t period, int ms)
{
	struct kalloc_vdev_control ctl = {
		.flags = KALLOC_VDEV_CTL_F_PERIOD,
		.mask = KALLOC_VDEV_CONTROL_TIMER_ENABLE,
		.value = KALLOC_VDEV_CONTROL_TIMER_ENABLE,
		.timer_period_ns = period,
	};
	struct kalloc_vdev_regs regs;
	struct kalloc_vdev_ack ack;
	uint64_t acked = 0, wakeups = 0;
	int64_t start, elapsed;

	ioc_or_die(fd, KALLOC_VDEV_IOC_ACK_IRQ, &ack, "ACK_IRQ");
	acked = ack.acked;
	start = now_ns();
	ioc_or_die(fd, KALLOC_VDEV_IOC_SET_CONTROL, &ctl, "SET_CONTROL");
	poll_and_ack(fd, start + (int64_t)ms * 1000000, &acked, &wakeups);
	ctl.flags = 0;
	ctl.value = 0;
	ioc_or_die(fd, KALLOC_VDEV_IOC_SET_CONTROL, &ctl, "SET_CONTROL");
	elapsed = now_ns() - start;
	ioc_or_die(fd, KALLOC_VDEV_IOC_ACK_IRQ, &ack, "ACK_IRQ");
	acked += ack.acked;
	ioc_or_die(fd, KALLOC_VDEV_IOC_GET_REGS, &regs, "GET_REGS");
	printf("acked %llu irq_count %llu wakeups %llu elapsed_ms %lld\n",
	       (unsigned long long)acked, (unsigned long long)regs.irq_count,
	       (unsigned long long)wakeups, (long long)(elapsed / 1000000));
	return 0;
}

/* ---- stress -------------------------------------------------------------- */

struct tally {
	uint64_t submitted, triggered, acked, refused;
};

static void stress_dma(int fd, uint32_t bufid, struct tally *t)
{
	struct kalloc_vdev_dma d = {
		.direction = 1 + rand() % 2,
		.buffer_id = bufid,
		.device_offset = rand() % 64,
		.length = 1 + rand() % 256,
	};
	struct kalloc_vdev_dma_wait w = { .timeout_ns = 1000000 * (rand() % 3) };
	int e = ioc(fd, KALLOC_VDEV_IOC_DMA_SUBMIT, &d);

	if (!e)
		t->submitted++;
	else if (e == EBUSY || e == ENXIO)
		t->refused++;
	else
		errno = e, die("DMA_SUBMIT");
	e = ioc(fd, KALLOC_VDEV_IOC_DMA_WAIT, &w);
	if (e && e != ETIMEDOUT)
		errno = e, die("DMA_WAIT");
}

static void stress_one(int fd, uint32_t bufid, struct tally *t)
{
	struct kalloc_vdev_control ctl = { .mask = KALLOC_VDEV_CONTROL_IRQ_ENABLE };
	struct kalloc_vdev_regs regs;
	struct kalloc_vdev_ack ack;
	char data[128];

	switch (rand() % 6) {
	case 0:
	case 1:
		stress_dma(fd, bufid, t);
		break;
	case 2:
		ioc_or_die(fd, KALLOC_VDEV_IOC_TRIGGER_IRQ, NULL, "TRIGGER_IRQ");
		t->triggered++;
		break;
	case 3:
		ioc_or_die(fd, KALLOC_VDEV_IOC_ACK_IRQ, &ack, "ACK_IRQ");
		t->acked += ack.acked;
		break;
	case 4:
		ctl.value = rand() % 2 ? KALLOC_VDEV_CONTROL_IRQ_ENABLE : 0;
		ioc_or_die(fd, KALLOC_VDEV_IOC_SET_CONTROL, &ctl, "SET_CONTROL");
		ioc_or_die(fd, KALLOC_VDEV_IOC_GET_REGS, &regs, "GET_REGS");
		break;
	default:
		memset(data, rand(), sizeof(data));
		if (pwrite(fd, data, sizeof(data), rand() % 512) < 0 ||
		    pread(fd, data, sizeof(data), rand() % 512) < 0)
			die("window I/O");
		break;
	}
}

static int cmd_stress(int fd, uint32_t bufid, int seconds, unsigned int seed)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	time_t end = time(NULL) + seconds;
	struct tally t = {};
	struct kalloc_vdev_ack ack;

	srand(seed);
	while (time(NULL) < end) {
		stress_one(fd, bufid, &t);
		if (poll(&pfd, 1, 0) < 0)
			die("poll");
	}
	/* Whatever this process acked counts; the last ack is the caller's. */
	(void)ack;
	printf("submitted %llu triggered %llu acked %llu refused %llu\n",
	       (unsigned long long)t.submitted, (unsigned long long)t.triggered,
	       (unsigned long long)t.acked, (unsigned long long)t.refused);
	return 0;
}

/* ---- mmap ---------------------------------------------------------------- */

static int cmd_mmap(int fd)
{
	struct kalloc_vdev_regs regs;
	size_t size, i;
	unsigned char *p, *back;

	ioc_or_die(fd, KALLOC_VDEV_IOC_GET_REGS, &regs, "GET_REGS");
	size = regs.window_size;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	for (i = 0; i < size; i++)
		p[i] = (unsigned char)(i * 7 + 3);
	back = malloc(size);
	if (!back || pread(fd, back, size, 0) != (ssize_t)size)
		die("read back");
	if (memcmp(p, back, size)) {
		fprintf(stderr, "Error: the window read differs from the mapping\n");
		return 1;
	}
	/* And the other way: a write() shows through the mapping. */
	memset(back, 0x5a, size);
	if (pwrite(fd, back, size, 0) != (ssize_t)size)
		die("write");
	if (memcmp(p, back, size)) {
		fprintf(stderr, "Error: the mapping does not show the write\n");
		return 1;
	}
	printf("mmap ok %zu bytes\n", size);
	munmap(p, size);
	free(back);
	return 0;
}

/* ---- bad input ----------------------------------------------------------- */

static int bad_failures;

static void expect(const char *what, int got, int want)
{
	printf("%s: %s%s%s\n", what, errname(got), got == want ? "" : ", expected ",
	       got == want ? "" : errname(want));
	if (got != want)
		bad_failures++;
}

static void bad_ioctl_numbers(int fd)
{
	struct kalloc_vdev_regs regs;

	expect("unknown number 0x20", ioc(fd, _IO(KALLOC_VDEV_IOC_MAGIC, 0x20), NULL), ENOTTY);
	expect("number 0", ioc(fd, _IO(KALLOC_VDEV_IOC_MAGIC, 0), NULL), ENOTTY);
	expect("another magic", ioc(fd, _IOR('k', 0x02, struct kalloc_vdev_regs), &regs), ENOTTY);
	expect("GET_REGS as _IOW", ioc(fd, _IOW(KALLOC_VDEV_IOC_MAGIC, 0x02, struct kalloc_vdev_regs), &regs), ENOTTY);
	expect("TIOCGWINSZ", ioc(fd, TIOCGWINSZ, &regs), ENOTTY);
}

static void bad_sizes(int fd)
{
	unsigned char big[256];
	struct kalloc_vdev_control *ctl = (void *)big;
	struct kalloc_vdev_regs *r = (void *)big;
	int e;

	expect("GET_REGS of 8 bytes", ioc(fd, _IOC(_IOC_READ, KALLOC_VDEV_IOC_MAGIC, 0x02, 8), big), EINVAL);
	expect("SET_CONTROL of 16 bytes", ioc(fd, _IOC(_IOC_WRITE, KALLOC_VDEV_IOC_MAGIC, 0x03, 16), big), EINVAL);
	memset(big, 0xff, sizeof(big));
	e = ioc(fd, _IOC(_IOC_READ, KALLOC_VDEV_IOC_MAGIC, 0x02, 200), big);
	expect("GET_REGS of 200 bytes", e, 0);
	expect("  its size field is 96", r->size == 96 ? 0 : EINVAL, 0);
	expect("  its tail is zeroed", big[96] == 0 && big[199] == 0 && big[200] == 0xff ? 0 : EINVAL, 0);
	memset(big, 0, sizeof(big));
	ctl->mask = KALLOC_VDEV_CONTROL_IRQ_ENABLE;
	ctl->value = KALLOC_VDEV_CONTROL_IRQ_ENABLE;
	expect("SET_CONTROL of 64 bytes, zero tail", ioc(fd, _IOC(_IOC_WRITE, KALLOC_VDEV_IOC_MAGIC, 0x03, 64), big), 0);
	big[40] = 1;
	expect("SET_CONTROL of 64 bytes, non-zero tail", ioc(fd, _IOC(_IOC_WRITE, KALLOC_VDEV_IOC_MAGIC, 0x03, 64), big), E2BIG);
}

static void bad_pointers(int fd)
{
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t before, after;
	struct kalloc_vdev_regs regs;

	if (ro == MAP_FAILED)
		die("mmap");
	expect("GET_REGS to NULL", ioc(fd, KALLOC_VDEV_IOC_GET_REGS, NULL), EFAULT);
	expect("GET_REGS to 0x1", ioc(fd, KALLOC_VDEV_IOC_GET_REGS, (void *)1), EFAULT);
	expect("GET_REGS to read-only memory", ioc(fd, KALLOC_VDEV_IOC_GET_REGS, ro), EFAULT);
	expect("GET_STATUS to NULL", ioc(fd, KALLOC_VDEV_IOC_GET_STATUS, NULL), EFAULT);
	expect("SET_CONTROL from NULL", ioc(fd, KALLOC_VDEV_IOC_SET_CONTROL, NULL), EFAULT);
	expect("DMA_SUBMIT from NULL", ioc(fd, KALLOC_VDEV_IOC_DMA_SUBMIT, NULL), EFAULT);
	expect("DMA_WAIT from kernel address", ioc(fd, KALLOC_VDEV_IOC_DMA_WAIT, (void *)0xffffffff81000000UL), EFAULT);
	/* A refused ACK must not swallow the interrupts it would report. */
	ioc_or_die(fd, KALLOC_VDEV_IOC_TRIGGER_IRQ, NULL, "TRIGGER_IRQ");
	ioc_or_die(fd, KALLOC_VDEV_IOC_GET_REGS, &regs, "GET_REGS");
	before = regs.irq_unacked;
	expect("ACK_IRQ to read-only memory", ioc(fd, KALLOC_VDEV_IOC_ACK_IRQ, ro), EFAULT);
	ioc_or_die(fd, KALLOC_VDEV_IOC_GET_REGS, &regs, "GET_REGS");
	after = regs.irq_unacked;
	expect("  the interrupts stay unacknowledged", before && before == after ? 0 : EINVAL, 0);
	munmap(ro, 4096);
}

static void bad_control(int fd)
{
	struct kalloc_vdev_control c = { .mask = 0x10, .value = 0x10 };

	expect("SET_CONTROL unknown bit", ioc(fd, KALLOC_VDEV_IOC_SET_CONTROL, &c), EINVAL);
	c = (struct kalloc_vdev_control){ .flags = 0x2 };
	expect("SET_CONTROL unknown flag", ioc(fd, KALLOC_VDEV_IOC_SET_CONTROL, &c), EINVAL);
	c = (struct kalloc_vdev_control){ .reserved = 1 };
	expect("SET_CONTROL reserved", ioc(fd, KALLOC_VDEV_IOC_SET_CONTROL, &c), EINVAL);
	c = (struct kalloc_vdev_control){ .flags = KALLOC_VDEV_CTL_F_PERIOD, .timer_period_ns = 99999 };
	expect("SET_CONTROL period 99999 ns", ioc(fd, KALLOC_VDEV_IOC_SET_CONTROL, &c), ERANGE);
	c.timer_period_ns = KALLOC_VDEV_TIMER_MAX_NS + 1;
	expect("SET_CONTROL period above the maximum", ioc(fd, KALLOC_VDEV_IOC_SET_CONTROL, &c), ERANGE);
	c = (struct kalloc_vdev_control){ .mask = KALLOC_VDEV_CONTROL_TIMER_ENABLE,
					  .value = KALLOC_VDEV_CONTROL_TIMER_ENABLE };
	expect("SET_CONTROL TIMER_ENABLE without a period", ioc(fd, KALLOC_VDEV_IOC_SET_CONTROL, &c), EINVAL);
}

static int submit(int fd, uint32_t dir, uint32_t id, uint32_t devoff,
		  uint64_t off, uint32_t len)
{
	struct kalloc_vdev_dma d = {
		.direction = dir, .buffer_id = id, .device_offset = devoff,
		.buffer_offset = off, .length = len,
	};

	return ioc(fd, KALLOC_VDEV_IOC_DMA_SUBMIT, &d);
}

static void bad_dma(int fd, uint32_t id, uint64_t bufsize, uint32_t win)
{
	const uint32_t from = KALLOC_VDEV_DMA_FROM_DEVICE;
	struct kalloc_vdev_control c = { .mask = KALLOC_VDEV_CONTROL_ENABLE };
	struct kalloc_vdev_dma d = { .flags = 1, .direction = from, .buffer_id = id };

	expect("DMA direction 0", submit(fd, 0, id, 0, 0, 0), EINVAL);
	expect("DMA direction 3", submit(fd, 3, id, 0, 0, 0), EINVAL);
	expect("DMA flags 1", ioc(fd, KALLOC_VDEV_IOC_DMA_SUBMIT, &d), EINVAL);
	expect("DMA to buffer id 0xfffffff0", submit(fd, from, 0xfffffff0, 0, 0, 0), ENOENT);
	expect("DMA device offset = window", submit(fd, from, id, win, 0, 1), ERANGE);
	expect("DMA buffer offset = buffer size", submit(fd, from, id, 0, bufsize, 1), ERANGE);
	expect("DMA length window + 1", submit(fd, from, id, 0, 0, win + 1), ERANGE);
	expect("DMA length buffer + 1", submit(fd, from, id, 0, 0, bufsize + 1), ERANGE);
	expect("DMA device offset 1, length 0xffffffff (wraps)", submit(fd, from, id, 1, 0, 0xffffffff), ERANGE);
	expect("DMA buffer offset 2^64-1 (wraps)", submit(fd, from, id, 0, UINT64_MAX, 2), ERANGE);
	expect("DMA buffer offset 1, length 2^32-1", submit(fd, from, id, 0, 1, UINT32_MAX), ERANGE);
	ioc_or_die(fd, KALLOC_VDEV_IOC_SET_CONTROL, &c, "SET_CONTROL");
	expect("DMA with ENABLE clear", submit(fd, from, id, 0, 0, 0), ENXIO);
	c.value = KALLOC_VDEV_CONTROL_ENABLE;
	ioc_or_die(fd, KALLOC_VDEV_IOC_SET_CONTROL, &c, "SET_CONTROL");
}

static void bad_wait(int fd)
{
	struct kalloc_vdev_dma_wait w = { .flags = 1 };

	expect("DMA_WAIT flags 1", ioc(fd, KALLOC_VDEV_IOC_DMA_WAIT, &w), EINVAL);
	w = (struct kalloc_vdev_dma_wait){ .reserved = 1 };
	expect("DMA_WAIT reserved", ioc(fd, KALLOC_VDEV_IOC_DMA_WAIT, &w), EINVAL);
	w = (struct kalloc_vdev_dma_wait){ .timeout_ns = 0 };
	expect("DMA_WAIT idle, timeout 0", ioc(fd, KALLOC_VDEV_IOC_DMA_WAIT, &w), 0);
}

static void bad_window(int fd, uint32_t win)
{
	char c = 'x';
	void *p;

	expect("write at the end", errno_of(pwrite(fd, &c, 1, win)), ENOSPC);
	expect("write past the end", errno_of(pwrite(fd, &c, 1, win + 100)), ENOSPC);
	expect("read at the end returns 0", pread(fd, &c, 1, win) == 0 ? 0 : EINVAL, 0);
	expect("write across the end is short", pwrite(fd, "ab", 2, win - 1) == 1 ? 0 : EINVAL, 0);
	expect("lseek past the end", errno_of(lseek(fd, win + 1, SEEK_SET)), EINVAL);
	expect("lseek to -1", errno_of(lseek(fd, -1, SEEK_SET)), EINVAL);
	expect("lseek SEEK_END", lseek(fd, 0, SEEK_END) == win ? 0 : EINVAL, 0);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, ((win + 4095) / 4096) * 4096);
	expect("mmap at the page after the window", p == MAP_FAILED ? errno : 0, EINVAL);
	p = mmap(NULL, (win + 4095) / 4096 * 4096 + 4096, PROT_READ, MAP_SHARED, fd, 0);
	expect("mmap one page too long", p == MAP_FAILED ? errno : 0, EINVAL);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	expect("mmap private", p == MAP_FAILED ? errno : 0, EINVAL);
}

static int cmd_badinput(int fd, uint32_t id, uint64_t bufsize)
{
	struct kalloc_vdev_regs regs;

	ioc_or_die(fd, KALLOC_VDEV_IOC_GET_REGS, &regs, "GET_REGS");
	bad_ioctl_numbers(fd);
	bad_sizes(fd);
	bad_pointers(fd);
	bad_control(fd);
	bad_dma(fd, id, bufsize, regs.window_size);
	bad_wait(fd);
	bad_window(fd, regs.window_size);
	printf("%d unexpected\n", bad_failures);
	return bad_failures ? 1 : 0;
}

static int device_main(int argc, char **argv)
{
	const char *c = argv[1];
	struct kalloc_vdev_control ctl = {};
	struct kalloc_vdev_dma_wait w = {};
	struct kalloc_vdev_regs regs;
	struct kalloc_vdev_ack ack;
	uint32_t status;
	int fd;

	if (argc < 3)
		usage();
	fd = dev_open(argv[2]);
	if (!strcmp(c, "regs") && argc == 3) {
		ioc_or_die(fd, KALLOC_VDEV_IOC_GET_REGS, &regs, "GET_REGS");
		print_regs(&regs);
	} else if (!strcmp(c, "status") && argc == 3) {
		ioc_or_die(fd, KALLOC_VDEV_IOC_GET_STATUS, &status, "GET_STATUS");
		printf("%u\n", status);
	} else if (!strcmp(c, "trigger") && argc == 3) {
		ioc_or_die(fd, KALLOC_VDEV_IOC_TRIGGER_IRQ, NULL, "TRIGGER_IRQ");
	} else if (!strcmp(c, "ack") && argc == 3) {
		ioc_or_die(fd, KALLOC_VDEV_IOC_ACK_IRQ, &ack, "ACK_IRQ");
		printf("acked %llu irq_count %llu\n", (unsigned long long)ack.acked,
		       (unsigned long long)ack.irq_count);
	} else if (!strcmp(c, "ctl") && (argc == 5 || argc == 6)) {
		ctl.mask = num(argv[3]);
		ctl.value = num(argv[4]);
		if (argc == 6) {
			ctl.flags = KALLOC_VDEV_CTL_F_PERIOD;
			ctl.timer_period_ns = num(argv[5]);
		}
		ioc_or_die(fd, KALLOC_VDEV_IOC_SET_CONTROL, &ctl, "SET_CONTROL");
	} else if (!strcmp(c, "submit") && argc >= 5) {
		return cmd_submit(fd, argc - 3, argv + 3);
	} else if (!strcmp(c, "wait") && argc == 4) {
		w.timeout_ns = num(argv[3]);
		ioc_or_die(fd, KALLOC_VDEV_IOC_DMA_WAIT, &w, "DMA_WAIT");
		printf("seq=%llu bytes=%u error=%d\n", (unsigned long long)w.seq,
		       w.bytes, w.error);
	} else if (!strcmp(c, "poll") && argc == 4) {
		return cmd_poll(fd, num(argv[3]));
	} else if (!strcmp(c, "epoll") && argc == 4) {
		return cmd_epoll(fd, num(argv[3]));
	} else if (!strcmp(c, "afterdel") && argc == 3) {
		return cmd_afterdel(fd);
	} else if (!strcmp(c, "timer") && argc == 5) {
		return cmd_timer(fd, num(argv[3]), num(argv[4]));
	} else if (!strcmp(c, "stress") && argc == 6) {
		return cmd_stress(fd, num(argv[3]), num(argv[4]), num(argv[5]));
	} else if (!strcmp(c, "mmap") && argc == 3) {
		return cmd_mmap(fd);
	} else if (!strcmp(c, "badinput") && argc == 5) {
		return cmd_badinput(fd, num(argv[3]), num(argv[4]));
	} else if (!strcmp(c, "hold") && argc == 4) {
		printf("holding\n");
		fflush(stdout);
		sleep(num(argv[3]));
	} else {
		usage();
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const netlink_cmds[] = {
		"new", "del", "irq", "get", "list", "set", "dma", "bufid",
		"sockbuf", "events", "stats", "bread", "bwrite", "policy",
		"perf",
	};
	size_t i;

	if (argc < 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < sizeof(netlink_cmds) / sizeof(netlink_cmds[0]); i++)
		if (!strcmp(argv[1], netlink_cmds[i]))
			return netlink_main(argc, argv);
	return device_main(argc, argv);
}
