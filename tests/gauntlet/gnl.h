/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * gnl: the raw generic netlink layer of the kernel gauntlet (tests/gauntlet).
 *
 * Written from the kernel's uapi headers alone (no libnl, no libkalloc), like
 * tests/vm/probe/kalloc-probe.c: the gauntlet must see exactly what the kernel
 * sends, including what a library would hide or refuse to build (malformed
 * requests, truncated messages, reserved bits, several answers per send).
 *
 * What it offers:
 * - sockets with NETLINK_EXT_ACK and NETLINK_CAP_ACK, and a receive timeout;
 * - a message builder that can also build what is invalid;
 * - one request, all its answers: gnl_transact() sends bytes as given and
 *   collects every message with its sequence number until the ACK, the
 *   error, or NLMSG_DONE, within a timeout, with the extended ACK parsed;
 * - the family as the controller describes it: CTRL_CMD_GETFAMILY for the
 *   id, version, groups and the op list with each op's flags, and
 *   CTRL_CMD_GETPOLICY for every op's attribute policy (netlink_policy_dump
 *   in net/netlink/policy.c), so that callers need no hand-written list of
 *   commands or attributes.
 */
#ifndef GAUNTLET_GNL_H
#define GAUNTLET_GNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#define GNL_MSG_MAX	(64 * 1024)
#define GNL_RX_MAX	(1 << 20)
#define GNL_MAX_OPS	256
#define GNL_MAX_GROUPS	32

struct gnl_sock {
	int fd;
	uint32_t portid;
	uint32_t seq;
	int timeout_ms;
	bool blocking;		/* recv() waits (SO_RCVTIMEO), never poll() */
	uint8_t *rx;
};

/* A message under construction; may be made invalid on purpose. */
struct gnl_msg {
	uint8_t buf[GNL_MSG_MAX];
	size_t len;
	bool overflow;
};

/* Everything one request brought back. */
struct gnl_reply {
	bool answered;		/* an ACK, an error or NLMSG_DONE arrived */
	bool timed_out;
	int error;		/* 0, or the kernel's -errno */
	int sys_errno;		/* send() or recv() failed with this, or 0 */
	bool is_dump_done;	/* answered by NLMSG_DONE */
	bool has_msg;
	char msg[256];		/* NLMSGERR_ATTR_MSG */
	bool has_offs;
	uint32_t offs;		/* NLMSGERR_ATTR_OFFS */
	bool has_miss;
	uint32_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE */
	uint8_t cookie[32];
	int cookie_len;		/* NLMSGERR_ATTR_COOKIE */
	int nmsgs;		/* data messages with our seq */
	int nrecv;		/* recvmsg() calls */
	int stale;		/* messages with another seq (or multicast) */
	int malformed;		/* messages whose framing was broken */
	bool dump_intr;		/* NLM_F_DUMP_INTR on any message */
	uint8_t *data;		/* copies of the data messages, back to back */
	size_t data_len, data_cap;
};

void gnl_reply_init(struct gnl_reply *r);
void gnl_reply_free(struct gnl_reply *r);
/* Iterates the data messages of r. */
struct nlmsghdr *gnl_reply_next(const struct gnl_reply *r, struct nlmsghdr *prev);

int gnl_open(struct gnl_sock *s, int timeout_ms);
void gnl_close(struct gnl_sock *s);
int gnl_set_rcvbuf(struct gnl_sock *s, int bytes);
int gnl_join(struct gnl_sock *s, uint32_t group);	/* 0 or -errno */
int gnl_leave(struct gnl_sock *s, uint32_t group);

void gnl_msg_init(struct gnl_msg *m, uint16_t type, uint16_t flags,
		  uint8_t cmd, uint8_t version);
/* Appends one attribute; returns its offset in the message. */
size_t gnl_put(struct gnl_msg *m, uint16_t type, const void *data, size_t len);
size_t gnl_put_u8(struct gnl_msg *m, uint16_t type, uint8_t v);
size_t gnl_put_u16(struct gnl_msg *m, uint16_t type, uint16_t v);
size_t gnl_put_u32(struct gnl_msg *m, uint16_t type, uint32_t v);
size_t gnl_put_u64(struct gnl_msg *m, uint16_t type, uint64_t v);
size_t gnl_put_str(struct gnl_msg *m, uint16_t type, const char *s);
size_t gnl_put_flag(struct gnl_msg *m, uint16_t type);
size_t gnl_nest_start(struct gnl_msg *m, uint16_t type);
void gnl_nest_end(struct gnl_msg *m, size_t start);
/* Appends raw bytes (no attribute header), for malformed requests. */
void gnl_put_raw(struct gnl_msg *m, const void *data, size_t len);
/* Sets nlmsg_len to the bytes built so far. */
void gnl_msg_finish(struct gnl_msg *m);
struct nlmsghdr *gnl_msg_hdr(struct gnl_msg *m);

/*
 * Sends len bytes as one datagram (they may hold several messages, or a
 * lie in nlmsg_len) and collects the answers to the message(s) with
 * sequence numbers first_seq .. first_seq + nmsgs - 1. With expect_answer
 * false it only waits quietly_ms for anything (for requests the kernel is
 * documented to drop) and reports what came.
 * Returns 0 when every message was answered, -ETIMEDOUT, or -errno of
 * send()/recv() (also in r->sys_errno).
 */
int gnl_transact(struct gnl_sock *s, const void *buf, size_t len,
		 uint32_t first_seq, int nmsgs, bool expect_answer,
		 int quietly_ms, struct gnl_reply *r);
/*
 * Makes the socket wait in recv() alone, bounded by SO_RCVTIMEO: no other
 * syscall runs between a send and its answer (fault injection counts
 * every allocation of the task, poll()'s too).
 */
int gnl_set_blocking(struct gnl_sock *s, int timeout_ms);
/* Takes one recv()'s bytes into r; returns how many answers were among them. */
int gnl_reply_absorb(struct gnl_sock *s, struct gnl_reply *r, const void *buf,
		     int got, uint32_t first_seq, int nmsgs);
/* The receiving half of gnl_transact(), for a request sent otherwise. */
int gnl_collect(struct gnl_sock *s, uint32_t first_seq, int nmsgs,
		bool expect_answer, int quietly_ms, struct gnl_reply *r);
/* gnl_transact() of one built message, its seq set from s. */
int gnl_request(struct gnl_sock *s, struct gnl_msg *m, struct gnl_reply *r);
uint32_t gnl_next_seq(struct gnl_sock *s);

/* Attributes. */
#define gnl_for_each_attr(a, start, len)				\
	for (a = (struct nlattr *)(start);				\
	     (len) >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&	\
	     a->nla_len <= (len);					\
	     (len) -= NLA_ALIGN(a->nla_len),				\
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))

static inline void *gnl_attr_data(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static inline int gnl_attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static inline int gnl_attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

/* The attributes of a generic netlink message after hdrsize extra bytes. */
struct nlattr *gnl_msg_attrs(const struct nlmsghdr *n, int hdrsize, int *len);
/* Fills tb[0..max] with the last attribute of each type (others NULL). */
void gnl_parse(struct nlattr **tb, int max, const void *start, int len);
void gnl_parse_nested(struct nlattr **tb, int max, const struct nlattr *nest);
uint64_t gnl_get_uint(const struct nlattr *a);	/* 1, 2, 4 or 8 bytes */
/* Counts TLVs that do not fit their container (0: well formed). */
int gnl_check_tlvs(const void *start, int len, int depth);

/* ---- the family, its ops and their policies --------------------------- */

/* One attribute's policy, as netlink_policy_dump describes it. */
struct gnl_attr_policy {
	bool present;
	uint32_t type;		/* enum netlink_attribute_type */
	bool has_min_u, has_max_u, has_min_s, has_max_s;
	uint64_t min_u, max_u;
	int64_t min_s, max_s;
	bool has_min_len, has_max_len;
	uint32_t min_len, max_len;
	bool has_mask;
	uint64_t mask;
	bool has_bitfield32;
	uint32_t bitfield32_mask;
	bool has_nested;
	uint32_t nested_idx, nested_maxtype;
};

struct gnl_policy {
	bool present;
	int maxtype;		/* highest attribute type described */
	struct gnl_attr_policy *attr;	/* [maxtype + 1] */
};

struct gnl_op {
	uint32_t cmd;
	uint32_t flags;		/* GENL_ADMIN_PERM, GENL_CMD_CAP_* */
	bool from_getfamily;	/* listed by CTRL_CMD_GETFAMILY */
	int do_policy;		/* index into policies, or -1 */
	int dump_policy;
};

struct gnl_family {
	char name[GENL_NAMSIZ];
	uint16_t id;
	uint32_t version, hdrsize, maxattr;
	bool getfamily_ok;	/* CTRL_CMD_GETFAMILY answered */
	int getfamily_error;
	int nops;
	struct gnl_op ops[GNL_MAX_OPS];
	int ngroups;
	struct {
		uint32_t id;
		char name[GENL_NAMSIZ];
	} groups[GNL_MAX_GROUPS];
	bool getpolicy_ok;
	int getpolicy_error;
	int npolicies;
	struct gnl_policy *policies;
};

/*
 * Learns family name: CTRL_CMD_GETFAMILY (id, version, ops, groups), then
 * CTRL_CMD_GETPOLICY (each op's policy index and every policy). Either may
 * fail (a family that is not netnsok is invisible to GETFAMILY from another
 * network namespace, but GETPOLICY still answers there); the error is kept
 * in the family. Returns 0 if the family is usable (its id is known).
 */
int gnl_learn_family(struct gnl_sock *s, const char *name, struct gnl_family *f);
void gnl_family_free(struct gnl_family *f);
struct gnl_op *gnl_family_op(struct gnl_family *f, uint32_t cmd);
const struct gnl_policy *gnl_op_policy(const struct gnl_family *f,
				       const struct gnl_op *op, bool dump);
uint32_t gnl_family_group(const struct gnl_family *f, const char *name);
const char *gnl_attr_type_name(uint32_t type);

/* Small helpers. */
void gnl_hex(char *out, size_t outlen, const void *data, size_t len);
int gnl_hex_decode(uint8_t *out, size_t outmax, const char *hex);
double gnl_now(void);	/* CLOCK_MONOTONIC seconds */
const char *gnl_errname(int err);	/* "EINVAL" for -22 or 22 */

/* JSON output, escaped. */
#include <stdio.h>
void gnl_json_str(FILE *f, const char *s);

#endif /* GAUNTLET_GNL_H */
