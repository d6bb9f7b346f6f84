// SPDX-License-Identifier: GPL-2.0
/*
 * kalloc.ko: module parameters, and the order in which the parts start
 * and stop.
 *
 * The module is the data plane of kalloc: it owns named kernel buffers
 * (table.c), each served by an allocator policy (arena.c), and virtual
 * devices (vdev.c) that move data between their windows and those
 * buffers, and lets userspace manage them over the generic netlink family
 * "kalloc" (netlink.c and one nl_<object>.c per object). The contract is
 * include/uapi/linux/kalloc.h, and include/uapi/linux/kalloc_vdev.h for
 * the devices.
 *
 * Load order: the parameters' checks (arena.c, perf.c, telemetry.c), the
 * table and its limits, the buffers named by names=/values=, the debugfs
 * knobs, the devices' workqueue, the family, and last the telemetry
 * clock, so that no request can see a half-built module. Buffers created
 * at load exist before anyone can listen, so they are not announced. Any
 * failure frees what was built so far and fails the load with a pr_err()
 * that names the problem. Unload runs the other way round: telemetry
 * stops (no work sends any more), the family goes, so no request can race
 * the teardown, then every device (its timer stopped and its transfer
 * finished before its memory is freed; no device file can be open, as
 * each holds a module reference), then every buffer, the perf rings and
 * the arenas.
 *
 * Locking: see table.c and vdev.c for the lock order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

#include "debugfs.h"
#include "netlink.h"
#include "perf.h"
#include "table.h"
#include "telemetry.h"
#include "vdev.h"
#include "../include/kalloc/name.h"

#define KALLOC_MODULE_VERSION	"0.2.0"

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

static char *policy = "kmalloc";
module_param(policy, charp, 0444);
MODULE_PARM_DESC(policy, "The policy active at load: kmalloc, buddy, slab, first-fit, best-fit or tlsf (default kmalloc)");

static unsigned long arena_bytes = 64UL << 20;
module_param(arena_bytes, ulong, 0444);
MODULE_PARM_DESC(arena_bytes, "Bytes of each policy's arena, taken on its first buffer (default 64 MiB)");

/* Says why names= entry i was refused; printk can format, unlike extack. */
static void __init kalloc_load_refused(unsigned int i, int err,
				       const struct kalloc_refusal *why)
{
	if (err == -EEXIST)
		pr_err("names= entry %u ('%s'): a buffer named '%s' exists already\n",
		       i + 1, names[i], names[i]);
	else if (why->kind == KALLOC_COOKIE_BUDGET)
		pr_err("names= entry %u ('%s'): size %lu exceeds the remaining budget (%llu of %llu bytes free)\n",
		       i + 1, names[i], values[i], why->a, why->b);
	else
		pr_err("names= entry %u ('%s'): %s\n", i + 1, names[i],
		       why->msg);
}

static unsigned int perf_ring_records = 4096;
module_param(perf_ring_records, uint, 0444);
MODULE_PARM_DESC(perf_ring_records, "Records in each CPU's perf ring, a power of two (default 4096)");

static unsigned int stats_interval_ms = KALLOC_STATS_INTERVAL_DEFAULT_MS;
module_param(stats_interval_ms, uint, 0444);
MODULE_PARM_DESC(stats_interval_ms, "Interval of the stats group's messages at load, 10..3600000 ms (default 1000)");

static int __init kalloc_load_one(unsigned int i)
{
	struct kalloc_buffer_spec spec = {
		.name = names[i],
		.size = values[i],
		.owner = "param",
	};
	const char *problem = kalloc_name_problem(names[i], KALLOC_NAME_MAX);
	struct kalloc_refusal why;
	struct kalloc_buffer *buf;
	int err;

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
	err = kalloc_buffer_create(&spec, &buf, &why);
	kalloc_table_unlock();
	if (!err)
		return 0;
	kalloc_load_refused(i, err, &why);
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

static int __init kalloc_check_params(void)
{
	int err;

	err = kalloc_arena_init(arena_bytes, policy);
	if (err)
		return err;
	err = kalloc_perf_init(perf_ring_records);
	if (!err)
		err = kalloc_telemetry_init(stats_interval_ms);
	if (err)
		kalloc_arena_exit();
	return err;
}

static int __init kalloc_init(void)
{
	u64 bytes;
	u32 count;
	int err;

	err = kalloc_check_params();
	if (err)
		return err;
	kalloc_table_init(budget, max_buffers, kalloc_nl_buffer_event);
	err = kalloc_load_buffers();
	if (err)
		goto free_buffers;
	kalloc_debugfs_init();
	err = kalloc_vdev_init();
	if (err)
		goto remove_debugfs;
	err = kalloc_nl_init();
	if (err) {
		pr_err("cannot register the generic netlink family: %d\n", err);
		goto stop_vdevs;
	}
	kalloc_telemetry_start();
	pr_info("loaded, budget %lu bytes, %u buffers, policy %s\n", budget,
		n_names, policy);
	return 0;

stop_vdevs:
	kalloc_vdev_exit();
remove_debugfs:
	kalloc_debugfs_exit();
free_buffers:
	kalloc_table_free_all(&count, &bytes);
	kalloc_perf_exit();
	kalloc_arena_exit();
	return err;
}

static void __exit kalloc_exit(void)
{
	u64 bytes;
	u32 count;

	kalloc_telemetry_exit();
	kalloc_nl_exit();
	kalloc_vdev_exit();
	kalloc_debugfs_exit();
	kalloc_table_free_all(&count, &bytes);
	kalloc_perf_exit();
	kalloc_arena_exit();
	pr_info("unloaded, freed %u buffers (%llu bytes)\n", count, bytes);
}

module_init(kalloc_init);
module_exit(kalloc_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The kalloc authors");
MODULE_DESCRIPTION("kalloc: named kernel buffers served by selectable allocator policies, managed over generic netlink");
MODULE_VERSION(KALLOC_MODULE_VERSION);
MODULE_ALIAS_GENL_FAMILY(KALLOC_GENL_NAME);
