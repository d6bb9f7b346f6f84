/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family "kalloc": what netlink.c gives the request
 * files, and what each request file gives netlink.c.
 *
 * Layout (ethtool's): netlink.c owns the family, its multicast groups and
 * its ops table, and the helpers every request shares (reply and
 * notification messages, dumps, extack). Each nl_<object>.c owns one
 * object's policies and handlers and exports one struct kalloc_nl_request
 * per command. Adding a command is a new handler in its object's file and
 * one line in kalloc_nl_requests[] (netlink.c).
 */
#ifndef KALLOC_NETLINK_H
#define KALLOC_NETLINK_H

#include <net/genetlink.h>

#include "../include/uapi/linux/kalloc.h"

/* Indices into the family's multicast group table. */
enum kalloc_mcgrp_idx {
	KALLOC_MCGRP_IDX_EVENTS,
	KALLOC_MCGRP_IDX_STATS,
	KALLOC_MCGRP_IDX_PERF,
	KALLOC_MCGRP_COUNT
};

/* One command: what becomes its struct genl_ops. */
struct kalloc_nl_request {
	u8 cmd;
	bool admin;		/* a mutation: GENL_ADMIN_PERM */
	const struct nla_policy *policy;
	unsigned int maxattr;
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
};

/* The requests, one per command, defined by the nl_<object>.c files. */
extern const struct kalloc_nl_request kalloc_nl_buffer_new;
extern const struct kalloc_nl_request kalloc_nl_buffer_get;
extern const struct kalloc_nl_request kalloc_nl_buffer_del;
extern const struct kalloc_nl_request kalloc_nl_buffer_read;
extern const struct kalloc_nl_request kalloc_nl_buffer_write;
extern const struct kalloc_nl_request kalloc_nl_buffer_check;
extern const struct kalloc_nl_request kalloc_nl_buffer_flush;
extern const struct kalloc_nl_request kalloc_nl_buffer_set;
extern const struct kalloc_nl_request kalloc_nl_policy_get;
extern const struct kalloc_nl_request kalloc_nl_policy_set;
extern const struct kalloc_nl_request kalloc_nl_stats_get;
extern const struct kalloc_nl_request kalloc_nl_bench_run;
extern const struct kalloc_nl_request kalloc_nl_stats_set;
extern const struct kalloc_nl_request kalloc_nl_meminfo_get;
extern const struct kalloc_nl_request kalloc_nl_vdev_new;
extern const struct kalloc_nl_request kalloc_nl_vdev_get;
extern const struct kalloc_nl_request kalloc_nl_vdev_del;
extern const struct kalloc_nl_request kalloc_nl_vdev_set;
extern const struct kalloc_nl_request kalloc_nl_vdev_irq;
extern const struct kalloc_nl_request kalloc_nl_vdev_dma;

struct kalloc_buffer;

/* nl_buffer.c: sends a buffer's event to the events group (lock held). */
void kalloc_nl_buffer_event(const struct kalloc_buffer *buf, u8 cmd,
			    u32 reason);

/* Builds the body of a message; returns 0 or -EMSGSIZE. */
typedef int (*kalloc_nl_fill_t)(struct sk_buff *skb, const void *arg);

int kalloc_nl_init(void);
void kalloc_nl_exit(void);

int kalloc_nl_reply(struct genl_info *info, u8 cmd, size_t size,
		    kalloc_nl_fill_t fill, const void *arg);
struct sk_buff *kalloc_nl_reply_new(struct genl_info *info, size_t size);
int kalloc_nl_reply_send(struct genl_info *info, struct sk_buff *skb, u8 cmd,
			 kalloc_nl_fill_t fill, const void *arg);
bool kalloc_nl_listening(enum kalloc_mcgrp_idx grp);
int kalloc_nl_group_send(enum kalloc_mcgrp_idx grp, u8 cmd, size_t size,
			 kalloc_nl_fill_t fill, const void *arg);
void kalloc_nl_group_counters(enum kalloc_mcgrp_idx grp, u64 *sent,
			      u64 *failed);
void kalloc_nl_notify(u8 cmd, size_t size, kalloc_nl_fill_t fill,
		      const void *arg);
int kalloc_nl_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
		       u8 cmd, kalloc_nl_fill_t fill, const void *arg);

/* Extended ACK helpers: static messages only, numbers in the cookie. */
void kalloc_nl_err(struct netlink_ext_ack *extack, const struct nlattr *attr,
		   const char *msg);
void kalloc_nl_set_cookie(struct netlink_ext_ack *extack,
			  enum kalloc_cookie_kind kind, u64 a, u64 b);
bool kalloc_nl_string_ok(struct netlink_ext_ack *extack,
			 const struct nlattr *attr, const char *msg);

/*
 * True, with an extack naming it, if the request lacks attribute type;
 * msg is a string literal such as "KALLOC_BUFFER_A_NAME is required".
 */
bool kalloc_nl_missing(struct genl_info *info, int type, const char *msg);

#endif /* KALLOC_NETLINK_H */
