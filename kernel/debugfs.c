// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/kalloc/: knobs for tests, netdevsim style.
 *
 *   corrupt   write "NAME head" or "NAME tail": flips one byte of that
 *             guard of buffer NAME, so that tests can prove that damage
 *             is detected (by BUFFER_CHECK, on free, on read and write).
 *   stall_ms  every netlink request (not dumps) sleeps this long before
 *             it is handled (0, the default: not at all), so that tests
 *             can make the module stop answering in time, e.g. to prove
 *             that kallocd's watchdog notices. A fatal signal ends the
 *             sleep.
 *   vdev_dma_delay_ms
 *             read-write, default 0: every virtual device transfer
 *             submitted afterwards waits this long on the workqueue
 *             before it copies, so that tests can delete, migrate or
 *             submit while a transfer is in flight (vdev.c).
 *
 * debugfs is root's only, and so are these knobs (modes 0200 and 0600).
 * Nothing here is needed in production: without debugfs the module works
 * the same.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "debugfs.h"
#include "table.h"
#include "vdev.h"

static struct dentry *kalloc_debugfs_dir;
static u32 kalloc_stall_ms;

/* The stall_ms knob; netlink.c sleeps this long before each request. */
unsigned int kalloc_debugfs_stall_ms(void)
{
	return READ_ONCE(kalloc_stall_ms);
}

/* Parses "NAME head|tail" (one trailing newline allowed) in place. */
static int kalloc_corrupt_parse(char *line, char **name, u32 *guard)
{
	char *side = strchr(strim(line), ' ');

	if (!side)
		return -EINVAL;
	*side++ = '\0';
	*name = line;
	if (!strcmp(side, "head"))
		*guard = KALLOC_GUARD_HEAD;
	else if (!strcmp(side, "tail"))
		*guard = KALLOC_GUARD_TAIL;
	else
		return -EINVAL;
	return 0;
}

static ssize_t kalloc_corrupt_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	char line[KALLOC_NAME_MAX + 8], *name;
	struct kalloc_buffer *buf;
	u32 guard;
	int err;

	if (count >= sizeof(line))
		return -EINVAL;
	if (copy_from_user(line, ubuf, count))
		return -EFAULT;
	line[count] = '\0';
	err = kalloc_corrupt_parse(line, &name, &guard);
	if (err)
		return err;

	kalloc_table_lock();
	buf = kalloc_buffer_find_name(name);
	if (buf)
		kalloc_mem_corrupt(&buf->mem, buf->size, guard);
	kalloc_table_unlock();
	return buf ? count : -ENOENT;
}

static const struct file_operations kalloc_corrupt_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = kalloc_corrupt_write,
	.llseek = no_llseek,
};

/* Best effort: a kernel without debugfs just has no knobs. */
void kalloc_debugfs_init(void)
{
	kalloc_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("corrupt", 0200, kalloc_debugfs_dir, NULL,
			    &kalloc_corrupt_fops);
	debugfs_create_u32("stall_ms", 0600, kalloc_debugfs_dir,
			   &kalloc_stall_ms);
	debugfs_create_u32("vdev_dma_delay_ms", 0600, kalloc_debugfs_dir,
			   &kalloc_vdev_dma_delay_ms);
}

/* Waits for writers in progress (debugfs's file proxy), then removes. */
void kalloc_debugfs_exit(void)
{
	debugfs_remove_recursive(kalloc_debugfs_dir);
}
