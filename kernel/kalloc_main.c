// SPDX-License-Identifier: GPL-2.0
/*
 * Module entry: parameters, load-time buffers, and the
 * generic netlink family "kalloc".
 *
 * The module is the data plane of kalloc: it owns named kernel buffers
 * (buffer.c) and lets userspace create, list and delete them over the
 * family registered here (handlers in nl_buffer.c). The contract is
 * include/uapi/linux/kalloc.h.
 *
 * Load order: the limits, then the buffers named by names=/values=, then
 * the family, so that no request can see a half-built table. Any failure
 * frees every buffer created so far and fails the load with a pr_err()
 * that names the problem. Unload runs the other way round: the family
 * goes first, so no request can race the teardown, then every buffer.
 *
 * Locking: see buffer.c (one table mutex, taken inside genl_mutex).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <net/genetlink.h>

#include "kalloc_nl.h"

#define KALLOC_MODULE_VERSION	"0.1.0"

/* Most buffers names=/values= can create at load. */
#define KALLOC_PARAM_MAX	64

static char *names[KALLOC_PARAM_MAX];
static unsigned int n_names;
module_param_array(names, charp, &n_names, 0444);
MODULE_PARM_DESC(names, "Buffers to create at load, by name (see values=)");

static unsigned long values[KALLOC_PARAM_MAX];
static unsigned int n_values;
module_param_array(values, ulong, &n_values, 0444);
MODULE_PARM_DESC(values, "Sizes in bytes of the buffers in names=, in order");

static unsigned long budget = 64UL << 20;
module_param(budget, ulong, 0444);
MODULE_PARM_DESC(budget, "Bytes all buffers together may use (default 64 MiB)");

static unsigned int max_buffers = 1024;
module_param(max_buffers, uint, 0444);
MODULE_PARM_DESC(max_buffers, "Most buffers the module holds (default 1024)");

static const struct genl_ops kalloc_genl_ops[] = {
	{
		.cmd = KALLOC_CMD_BUFFER_NEW,
		.flags = GENL_ADMIN_PERM,
		.doit = kalloc_nl_buffer_new_doit,
		.policy = kalloc_buffer_new_policy,
		.maxattr = ARRAY_SIZE(kalloc_buffer_new_policy) - 1,
	},
	{
		.cmd = KALLOC_CMD_BUFFER_GET,
		.doit = kalloc_nl_buffer_get_doit,
		.dumpit = kalloc_nl_buffer_get_dumpit,
		.policy = kalloc_buffer_select_policy,
		.maxattr = ARRAY_SIZE(kalloc_buffer_select_policy) - 1,
	},
	{
		.cmd = KALLOC_CMD_BUFFER_DEL,
		.flags = GENL_ADMIN_PERM,
		.doit = kalloc_nl_buffer_del_doit,
		.policy = kalloc_buffer_select_policy,
		.maxattr = ARRAY_SIZE(kalloc_buffer_select_policy) - 1,
	},
};

static const struct genl_multicast_group kalloc_genl_mcgrps[] = {
	[KALLOC_MCGRP_IDX_EVENTS] = { .name = KALLOC_MCGRP_EVENTS },
	[KALLOC_MCGRP_IDX_STATS] = { .name = KALLOC_MCGRP_STATS },
};

/*
 * resv_start_op stays 0: every command is validated strictly. The table
 * lock serialises handlers, so genl_mutex is not needed (parallel_ops).
 */
struct genl_family kalloc_genl_family __ro_after_init = {
	.name = KALLOC_GENL_NAME,
	.version = KALLOC_GENL_VERSION,
	.netnsok = false,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = kalloc_genl_ops,
	.n_ops = ARRAY_SIZE(kalloc_genl_ops),
	.mcgrps = kalloc_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kalloc_genl_mcgrps),
};

static int __init kalloc_load_one(unsigned int i)
{
	struct kalloc_buffer *buf;
	struct kalloc_why why;
	const char *problem;
	int err;

	problem = kalloc_name_problem(names[i]);
	if (problem) {
		pr_err("names= entry %u ('%s'): the name %s\n",
		       i + 1, names[i], problem);
		return -EINVAL;
	}
	if (values[i] == 0 || values[i] > KALLOC_BUFFER_SIZE_MAX) {
		pr_err("values= entry %u (buffer '%s'): size %lu is not in 1..%llu\n",
		       i + 1, names[i], values[i], KALLOC_BUFFER_SIZE_MAX);
		return -EINVAL;
	}

	kalloc_table_lock();
	err = kalloc_buffer_create(names[i], values[i], &buf, &why);
	kalloc_table_unlock();
	if (!err)
		return 0;
	pr_err("names= entry %u ('%s'): %s\n", i + 1, names[i], why.msg);
	/* insmod reads EEXIST as "module already loaded": not what happened. */
	return err == -EEXIST ? -EINVAL : err;
}

/* Creates the buffers of names=/values=; the caller frees them on failure. */
static int __init kalloc_load_buffers(void)
{
	unsigned int i;
	int err;

	if (n_names != n_values) {
		pr_err("names= has %u entries but values= has %u\n",
		       n_names, n_values);
		return -EINVAL;
	}
	for (i = 0; i < n_names; i++) {
		err = kalloc_load_one(i);
		if (err)
			return err;
	}
	return 0;
}

/* Announces the load-time buffers, should anyone listen already. */
static void __init kalloc_announce_buffers(void)
{
	struct kalloc_buffer *buf;
	unsigned long id;

	kalloc_table_lock();
	for (id = 0; (buf = kalloc_buffer_next(&id)); id++)
		kalloc_nl_notify(buf, KALLOC_CMD_BUFFER_NEW);
	kalloc_table_unlock();
}

static int __init kalloc_init(void)
{
	u64 bytes;
	u32 count;
	int err;

	kalloc_table_init(budget, max_buffers);
	err = kalloc_load_buffers();
	if (err)
		goto free_buffers;
	err = genl_register_family(&kalloc_genl_family);
	if (err) {
		pr_err("cannot register the generic netlink family: %d\n", err);
		goto free_buffers;
	}
	kalloc_announce_buffers();

	kalloc_table_lock();
	kalloc_table_usage(&count, &bytes);
	kalloc_table_unlock();
	pr_info("loaded, budget %lu bytes, %u buffers\n", budget, count);
	return 0;

free_buffers:
	kalloc_table_free_all(&count, &bytes);
	return err;
}

static void __exit kalloc_exit(void)
{
	u64 bytes;
	u32 count;

	genl_unregister_family(&kalloc_genl_family);
	kalloc_table_free_all(&count, &bytes);
	pr_info("unloaded, freed %u buffers (%llu bytes)\n", count, bytes);
}

module_init(kalloc_init);
module_exit(kalloc_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The kalloc authors");
MODULE_DESCRIPTION("kalloc: named kernel buffers managed over generic netlink");
MODULE_VERSION(KALLOC_MODULE_VERSION);
MODULE_ALIAS_GENL_FAMILY(KALLOC_GENL_NAME);
