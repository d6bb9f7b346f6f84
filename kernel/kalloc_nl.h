/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the generic netlink family "kalloc" is made of.
 *
 * kalloc_main.c owns the family and its ops table; each nl_*.c file owns
 * the policies and handlers of one object's commands (the ethtool
 * netlink layout), so that a new object is a new file plus a few lines
 * in the ops table.
 */
#ifndef KALLOC_NL_H
#define KALLOC_NL_H

#include <net/genetlink.h>

#include "buffer.h"

/* Indices into the family's multicast group table. */
enum kalloc_mcgrp_idx {
	KALLOC_MCGRP_IDX_EVENTS,
	KALLOC_MCGRP_IDX_STATS,
};

extern struct genl_family kalloc_genl_family;

/* nl_buffer.c */
extern const struct nla_policy kalloc_buffer_new_policy[KALLOC_BUFFER_A_SIZE + 1];
extern const struct nla_policy kalloc_buffer_select_policy[KALLOC_BUFFER_A_NAME + 1];

int kalloc_nl_buffer_new_doit(struct sk_buff *skb, struct genl_info *info);
int kalloc_nl_buffer_get_doit(struct sk_buff *skb, struct genl_info *info);
int kalloc_nl_buffer_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int kalloc_nl_buffer_del_doit(struct sk_buff *skb, struct genl_info *info);
void kalloc_nl_notify(const struct kalloc_buffer *buf, u8 cmd);

#endif /* KALLOC_NL_H */
