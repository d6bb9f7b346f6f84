/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * obj.h - how the object files of lib/ meet nl.c.
 *
 * nl.c knows requests and replies but no object: it sends what an object
 * file built, reads until the ACK, error or NLMSG_DONE, and hands every
 * reply message to the object that answers the request's command. An
 * object file (obj_buffer.c, obj_policy.c, obj_stats.c, obj_bench.c,
 * obj_meminfo.c, obj_perf.c, obj_vdev.c) knows its attribute space: the
 * names of its attributes (for error messages), the policy its replies
 * are checked against, how a reply becomes a struct, and how its
 * requests are built. Adding a command is a builder in its object's file and one line in
 * kalloc_obj_of_cmd(); adding an object is a file and its lines there.
 *
 * Multicast messages (events.c) are parsed by the same objects: a group
 * message is a reply nobody asked for, of the command it names.
 *
 * Include order: kalloc.h <- obj.h <- nl.c, obj*.c, events.c. Nothing
 * here includes an object file's header, and no object file includes
 * another: what two of them share (the zone nest) is declared here.
 */
#ifndef KALLOC_OBJ_H
#define KALLOC_OBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "kalloc.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Bound of every attribute space's top level, for the parse tables. */
#define KALLOC_OBJ_MAXATTR	31

/*
 * One reply message as an object's parse function sees it: tb holds the
 * last attribute of each type, already checked against the object's
 * policy; head and len are every attribute, for types that repeat (the
 * per-policy nests of STATS_GET, the results of BENCH_RUN).
 */
struct kalloc_obj_reply {
	struct nlattr **tb;
	struct nlattr *head;
	int len;
};

struct kalloc_obj_ops {
	const char *name;		/* "buffer": for messages */
	const char *attr_prefix;	/* "KALLOC_BUFFER_A_": the uapi spelling */
	unsigned int maxattr;		/* the space's *_A_MAX */
	/* [type] = "size": the short name; prefix + upper case = uapi name */
	const char *const *attr_names;
	const struct nla_policy *policy;	/* replies are checked by it */
	size_t reply_size;		/* bytes of one parsed reply */
	/* One reply into out; -EPROTO when it is malformed. */
	int (*parse)(const struct kalloc_obj_reply *r, void *out);
};

extern const struct kalloc_obj_ops kalloc_obj_buffer;
extern const struct kalloc_obj_ops kalloc_obj_buffer_data;
extern const struct kalloc_obj_ops kalloc_obj_buffer_flush;
extern const struct kalloc_obj_ops kalloc_obj_policy;
extern const struct kalloc_obj_ops kalloc_obj_policy_set;
extern const struct kalloc_obj_ops kalloc_obj_stats;
extern const struct kalloc_obj_ops kalloc_obj_bench;
extern const struct kalloc_obj_ops kalloc_obj_meminfo;
extern const struct kalloc_obj_ops kalloc_obj_perf;
extern const struct kalloc_obj_ops kalloc_obj_vdev;

/* The object whose replies answer cmd, or NULL for an unknown command. */
const struct kalloc_obj_ops *kalloc_obj_of_cmd(unsigned int cmd);
/* Short name of attribute type of ops, or NULL. */
const char *kalloc_obj_attr_name(const struct kalloc_obj_ops *ops,
				 unsigned int type);
/* One reply message (a genl message of ops's space) into out: 0 or -EPROTO. */
int kalloc_obj_parse(const struct kalloc_obj_ops *ops, struct nlmsghdr *nlh,
		     void *out);

/* BUFFER_READ's reply lands here: parse copies DATA into buf. */
struct kalloc_io_data {
	void *buf;
	size_t cap;
	size_t len;		/* bytes that came */
	uint64_t offset;	/* where the kernel says they start */
};

/*
 * One zone nest (enum kalloc_zone_attr), full (MEMINFO_GET) or brief (a
 * stats group message's system metrics): 0 or -EPROTO. obj_meminfo.c.
 */
int kalloc_obj_parse_zone(struct nlattr *nest, struct kalloc_zone *z);

/*
 * A u64 attribute and the uint64_t field of a struct it fills: the
 * counters of a reply are a table of these, filled by one loop.
 */
struct kalloc_obj_u64 {
	int type;
	size_t off;
};

#define KALLOC_OBJ_U64(attr, type, field) { (attr), offsetof(type, field) }

/* Each field of map whose attribute is in tb; the others are left as they are. */
void kalloc_obj_get_u64s(struct nlattr **tb, const struct kalloc_obj_u64 *map,
			 size_t n, void *out);

/*
 * A perf group message as obj_perf.c parses it: the header, and the
 * records as they lie in the message (count of record_size bytes each,
 * not aligned), which kalloc_perf_record_read() copies out one by one.
 */
struct kalloc_perf_raw {
	uint32_t cpu;
	uint64_t first_seq;
	uint32_t count;
	uint64_t lost;
	uint32_t record_size;
	const void *records;
};

void kalloc_perf_record_read(const struct kalloc_perf_raw *p, uint32_t i,
			     struct kalloc_perf_record *rec);

/* BUFFER_FLUSH's reply. */
struct kalloc_flush_reply {
	char owner[KALLOC_OWNER_MAX];
	uint32_t count;
};

/*
 * nl.c, for the object files. kalloc_nl_request() starts a request of
 * cmd in *msgp with room for payload bytes of attributes. kalloc_nl_do() sends it, frees it, and parses the reply, if
 * one comes, into out (NULL: not wanted); *got (may be NULL) says whether
 * one came. kalloc_nl_dump() runs a dump of cmd without attributes into a
 * malloc()ed array of the object's replies, retrying NLM_F_DUMP_INTR.
 */
int kalloc_nl_request(struct kalloc_nl *nl, struct nl_msg **msgp, uint8_t cmd,
		      int flags, size_t payload, struct kalloc_err *err);
int kalloc_nl_do(struct kalloc_nl *nl, struct nl_msg *msg, void *out,
		 bool *got, struct kalloc_err *err);
int kalloc_nl_dump(struct kalloc_nl *nl, uint8_t cmd, void **v, size_t *n,
		   struct kalloc_err *err);

/*
 * nl.c, for events.c: a socket that listens rather than asks. The id of
 * the family's multicast group name (-ENOENT: the family has none of that
 * name), joining it (-EPERM: the group needs a capability the caller
 * lacks), the socket's receive buffer, and one raw datagram. A socket
 * that has joined a group must not be used for requests: group messages
 * would mix with the replies.
 */
int kalloc_nl_family_id(const struct kalloc_nl *nl);
int kalloc_nl_fd(const struct kalloc_nl *nl);
int kalloc_nl_group_id(struct kalloc_nl *nl, const char *group, uint32_t *id,
		       struct kalloc_err *err);
int kalloc_nl_join(struct kalloc_nl *nl, const char *group, uint32_t id,
		   struct kalloc_err *err);
/* SO_RCVBUFFORCE if permitted, else SO_RCVBUF; *effective what the kernel set. */
int kalloc_nl_set_rcvbuf(struct kalloc_nl *nl, size_t bytes, size_t *effective,
			 struct kalloc_err *err);
/*
 * Receives one datagram into buf (cap bytes); peek leaves it queued.
 * Returns its full length (more than cap: it did not fit, and with peek
 * nothing is lost), or -EAGAIN (nonblock, nothing queued), -ENOBUFS (the
 * socket overran: messages were dropped), -EINTR, or another -errno.
 * *group is the multicast group it came to (NETLINK_PKTINFO), 0 if unknown.
 */
long kalloc_nl_recv(struct kalloc_nl *nl, void *buf, size_t cap, bool peek,
		    bool nonblock, uint32_t *group);

/* err.c: the message of a request that did not fit its message buffer. */
int kalloc_err_msgsize(struct kalloc_err *err);

/* Attribute sizes, for kalloc_nl_request()'s payload. */
size_t kalloc_attr_str_size(const char *s);
size_t kalloc_attr_size(size_t len);

#endif /* KALLOC_OBJ_H */
