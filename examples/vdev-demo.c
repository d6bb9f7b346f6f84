// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * vdev-demo: drive a kalloc virtual device the way a driver drives
 * hardware.
 *
 *   vdev-demo DEVICE BUFFER
 *
 * 1. find the kalloc buffer BUFFER's id (one generic netlink request);
 * 2. open /dev/kalloc/DEVICE and write a pattern into its data window;
 * 3. DMA the window into the buffer (DMA_SUBMIT, from-device);
 * 4. sleep in poll() until the completion interrupt, and acknowledge it;
 * 5. check: clear the window, DMA the buffer back (to-device), wait for
 *    that interrupt too, and compare the window with the pattern.
 *
 * Exits 0 only if every step worked. Create the device and the buffer
 * first, e.g. with the netlink commands KALLOC_CMD_VDEV_NEW and
 * KALLOC_CMD_BUFFER_NEW (kallocctl alloc BUFFER 4K). See kalloc-vdev(4).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <linux/kalloc.h>
#include <linux/kalloc_vdev.h>

static int fail(const char *what)
{
	fprintf(stderr, "vdev-demo: %s: %s\n", what, strerror(errno));
	return 1;
}

/* ---- step 1: the buffer's id, by name, over generic netlink ------------- */

struct nl_msg {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[64];
};

/* Sends one request with one string attribute; returns the reply's length. */
static int nl_ask(int s, uint16_t family, uint8_t cmd, uint16_t type,
		  const char *str, char *reply, size_t size)
{
	struct nl_msg m = { .g = { .cmd = cmd, .version = 1 } };
	struct nlattr *a = (struct nlattr *)m.attrs;

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + strlen(str) + 1;
	memcpy((char *)a + NLA_HDRLEN, str, strlen(str) + 1);
	m.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(a->nla_len);
	m.n.nlmsg_type = family;
	m.n.nlmsg_flags = NLM_F_REQUEST;
	if (send(s, &m, m.n.nlmsg_len, 0) < 0)
		return -1;
	return recv(s, reply, size, 0);
}

/* The value of attribute type in a reply, or NULL (an error reply). */
static void *nl_attr(char *reply, int len, uint16_t type)
{
	struct nlmsghdr *n = (struct nlmsghdr *)reply;
	struct nlattr *a;
	int left;

	if (!NLMSG_OK(n, len) || n->nlmsg_type == NLMSG_ERROR) {
		errno = n->nlmsg_type == NLMSG_ERROR ?
			-((struct nlmsgerr *)NLMSG_DATA(n))->error : EPROTO;
		return NULL;
	}
	left = n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	a = (struct nlattr *)((char *)NLMSG_DATA(n) + GENL_HDRLEN);
	for (; left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN;
	     left -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == type)
			return (char *)a + NLA_HDRLEN;
	errno = ENOENT;
	return NULL;
}

static int buffer_id(const char *name, uint32_t *id)
{
	char reply[4096];
	uint32_t *found = NULL;
	uint16_t *family;
	int s, len;

	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s < 0)
		return -1;
	len = nl_ask(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME,
		     KALLOC_GENL_NAME, reply, sizeof(reply));
	family = nl_attr(reply, len, CTRL_ATTR_FAMILY_ID);
	if (family) {
		len = nl_ask(s, *family, KALLOC_CMD_BUFFER_GET,
			     KALLOC_BUFFER_A_NAME, name, reply, sizeof(reply));
		found = nl_attr(reply, len, KALLOC_BUFFER_A_ID);
		if (found)
			*id = *found;
	}
	close(s);
	return family && found ? 0 : -1;
}

/* ---- steps 3 to 5: one transfer, and its completion interrupt ----------- */

static int transfer(int fd, uint32_t direction, uint32_t id, uint32_t length)
{
	struct kalloc_vdev_dma dma = {
		.direction = direction,
		.buffer_id = id,
		.length = length,
	};
	struct kalloc_vdev_dma_wait result = { .timeout_ns = 1000000000 };
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLPRI };
	struct kalloc_vdev_ack ack;

	/* Start from no pending interrupt, so the next one is ours. */
	if (ioctl(fd, KALLOC_VDEV_IOC_ACK_IRQ, &ack))
		return fail("ACK_IRQ");
	if (ioctl(fd, KALLOC_VDEV_IOC_DMA_SUBMIT, &dma))
		return fail("DMA_SUBMIT");
	printf("transfer %llu: %u bytes %s, waiting for the interrupt\n",
	       (unsigned long long)dma.seq, dma.length,
	       direction == KALLOC_VDEV_DMA_FROM_DEVICE ?
	       "window -> buffer" : "buffer -> window");
	if (poll(&pfd, 1, 10000) != 1)
		return fail("poll: no completion interrupt within 10 s");
	if (ioctl(fd, KALLOC_VDEV_IOC_ACK_IRQ, &ack) ||
	    ioctl(fd, KALLOC_VDEV_IOC_DMA_WAIT, &result))
		return fail("ACK_IRQ or DMA_WAIT");
	printf("interrupt: %llu acknowledged; transfer %llu moved %u bytes, error %d\n",
	       (unsigned long long)ack.acked, (unsigned long long)result.seq,
	       result.bytes, result.error);
	if (result.seq != dma.seq || result.error || result.bytes != length) {
		errno = result.error ? -result.error : EIO;
		return fail("the transfer did not complete");
	}
	return 0;
}

int main(int argc, char **argv)
{
	char path[64 + KALLOC_NAME_MAX], pattern[256], back[256];
	uint32_t id;
	size_t i;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: vdev-demo DEVICE BUFFER\n");
		return 2;
	}
	if (buffer_id(argv[2], &id))
		return fail(argv[2]);
	printf("buffer %s has id %u\n", argv[2], id);

	snprintf(path, sizeof(path), "/dev/" KALLOC_VDEV_DIR "/%s", argv[1]);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail(path);
	for (i = 0; i < sizeof(pattern); i++)
		pattern[i] = (char)(i ^ 0xa5);
	if (pwrite(fd, pattern, sizeof(pattern), 0) != sizeof(pattern))
		return fail("write the window");
	printf("wrote %zu bytes into %s\n", sizeof(pattern), path);

	if (transfer(fd, KALLOC_VDEV_DMA_FROM_DEVICE, id, sizeof(pattern)))
		return 1;

	memset(back, 0, sizeof(back));
	if (pwrite(fd, back, sizeof(back), 0) != sizeof(back))
		return fail("clear the window");
	if (transfer(fd, KALLOC_VDEV_DMA_TO_DEVICE, id, sizeof(pattern)))
		return 1;
	if (pread(fd, back, sizeof(back), 0) != sizeof(back))
		return fail("read the window");
	if (memcmp(back, pattern, sizeof(pattern))) {
		fprintf(stderr, "vdev-demo: the data came back different\n");
		return 1;
	}
	printf("the buffer holds the pattern: round trip ok\n");
	close(fd);
	return 0;
}
