// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * obj.c - which object answers which command, and what every object's
 * reply parsing has in common.
 *
 * One command belongs to one attribute space; the table says which
 * object's replies answer it (BUFFER_READ answers with data, BUFFER_FLUSH
 * with a count, the other BUFFER_* commands with buffer descriptions, all
 * in the buffer space; STATS_SET is in the stats space; PERF is a group
 * message only). nl.c and events.c ask this table where a message goes,
 * and the error decoder asks it what an attribute of a request is called.
 */
#include <errno.h>
#include <string.h>

#include <netlink/genl/genl.h>

#include "obj.h"


static const struct kalloc_obj_ops *const by_cmd[] = {
	[KALLOC_CMD_BUFFER_NEW]		= &kalloc_obj_buffer,
	[KALLOC_CMD_BUFFER_GET]		= &kalloc_obj_buffer,
	[KALLOC_CMD_BUFFER_DEL]		= &kalloc_obj_buffer,
	[KALLOC_CMD_BUFFER_READ]	= &kalloc_obj_buffer_data,
	[KALLOC_CMD_BUFFER_WRITE]	= &kalloc_obj_buffer,
	[KALLOC_CMD_BUFFER_CHECK]	= &kalloc_obj_buffer,
	[KALLOC_CMD_BUFFER_FLUSH]	= &kalloc_obj_buffer_flush,
	[KALLOC_CMD_POLICY_GET]		= &kalloc_obj_policy,
	[KALLOC_CMD_POLICY_SET]		= &kalloc_obj_policy_set,
	[KALLOC_CMD_STATS_GET]		= &kalloc_obj_stats,
	[KALLOC_CMD_BENCH_RUN]		= &kalloc_obj_bench,
	[KALLOC_CMD_STATS_SET]		= &kalloc_obj_stats,
	[KALLOC_CMD_MEMINFO_GET]	= &kalloc_obj_meminfo,
	[KALLOC_CMD_PERF]		= &kalloc_obj_perf,
	[KALLOC_CMD_VDEV_NEW]		= &kalloc_obj_vdev,
	[KALLOC_CMD_VDEV_GET]		= &kalloc_obj_vdev,
	[KALLOC_CMD_VDEV_DEL]		= &kalloc_obj_vdev,
	[KALLOC_CMD_VDEV_SET]		= &kalloc_obj_vdev,
	[KALLOC_CMD_VDEV_IRQ]		= &kalloc_obj_vdev,
	[KALLOC_CMD_VDEV_DMA]		= &kalloc_obj_vdev,
	[KALLOC_CMD_BUFFER_SET]		= &kalloc_obj_buffer,
};

const struct kalloc_obj_ops *kalloc_obj_of_cmd(unsigned int cmd)
{
	return cmd < ARRAY_SIZE(by_cmd) ? by_cmd[cmd] : NULL;
}

const char *kalloc_obj_attr_name(const struct kalloc_obj_ops *ops,
				 unsigned int type)
{
	if (type == 0 || type > ops->maxattr)
		return NULL;
	return ops->attr_names[type];
}

void kalloc_obj_get_u64s(struct nlattr **tb, const struct kalloc_obj_u64 *map,
			 size_t n, void *out)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!tb[map[i].type])
			continue;
		v = nla_get_u64(tb[map[i].type]);
		memcpy((char *)out + map[i].off, &v, sizeof(v));
	}
}

int kalloc_obj_parse(const struct kalloc_obj_ops *ops, struct nlmsghdr *nlh,
		     void *out)
{
	struct nlattr *tb[KALLOC_OBJ_MAXATTR + 1];
	struct kalloc_obj_reply r = { .tb = tb };

	if (ops->maxattr > KALLOC_OBJ_MAXATTR)
		return -EPROTO;
	/* libnl's policy checks types and lengths; parse checks presence. */
	if (genlmsg_parse(nlh, 0, tb, (int)ops->maxattr, ops->policy) < 0)
		return -EPROTO;
	r.head = genlmsg_attrdata(genlmsg_hdr(nlh), 0);
	r.len = genlmsg_attrlen(genlmsg_hdr(nlh), 0);
	return ops->parse(&r, out);
}
