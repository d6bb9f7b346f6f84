// SPDX-License-Identifier: GPL-2.0
/*
 * The file operations of /dev/kalloc/NAME: read, write and llseek on the
 * data window, mmap of it, poll for interrupts, and the ioctls of
 * include/uapi/linux/kalloc_vdev.h.
 *
 * Every file holds a reference to its device (taken in open, dropped in
 * release), so a deleted device's memory, registers and wait queues stay
 * valid for the files that still have it open; every operation but
 * release and poll then fails with ENODEV, and poll reports EPOLLERR |
 * EPOLLHUP. fops.owner pins the module while a file is open.
 *
 * ioctls are dispatched by number through one table, the DRM way: the
 * size encoded in the command is the caller's struct size, which may be
 * larger than ours (its unknown tail must be zero on input and is zeroed
 * on output) but not smaller than the first version's. Output-only
 * arguments are checked writable before the command runs, so that a bad
 * pointer cannot swallow an ACK_IRQ's result.
 */
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "table.h"
#include "vdev.h"

static int kalloc_vdev_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct kalloc_vdev *vdev = container_of(misc, struct kalloc_vdev, misc);

	if (!kalloc_vdev_file_opened(vdev))
		return -ENODEV;
	file->private_data = vdev;
	return 0;
}

static int kalloc_vdev_release(struct inode *inode, struct file *file)
{
	kalloc_vdev_file_closed(file->private_data);
	return 0;
}

/* ---- the data window ----------------------------------------------------- */

static ssize_t kalloc_vdev_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct kalloc_vdev *vdev = file->private_data;

	if (kalloc_vdev_is_dead(vdev))
		return -ENODEV;
	return simple_read_from_buffer(ubuf, count, ppos, vdev->window,
				       vdev->size);
}

/* A write at or past the end has nowhere to go: ENOSPC, as for a disk. */
static ssize_t kalloc_vdev_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct kalloc_vdev *vdev = file->private_data;

	if (kalloc_vdev_is_dead(vdev))
		return -ENODEV;
	if (*ppos >= vdev->size && count)
		return -ENOSPC;
	return simple_write_to_buffer(vdev->window, vdev->size, ppos, ubuf,
				      count);
}

static loff_t kalloc_vdev_llseek(struct file *file, loff_t offset, int whence)
{
	struct kalloc_vdev *vdev = file->private_data;

	if (kalloc_vdev_is_dead(vdev))
		return -ENODEV;
	return fixed_size_llseek(file, offset, whence, vdev->size);
}

/*
 * Shared mappings of the window's pages, from page 0 up to the window
 * rounded up to a page. Each page is inserted with a reference of its own
 * (vm_insert_page()), and the mapping holds the file, so the pages outlive
 * neither the mapping nor the device. This is remap_vmalloc_range(),
 * which wants a VM_USERMAP area: the window is a quiet __vmalloc() (vdev.c).
 */
static int kalloc_vdev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kalloc_vdev *vdev = file->private_data;
	unsigned long pages = PAGE_ALIGN(vdev->size) >> PAGE_SHIFT;
	unsigned long i, uaddr = vma->vm_start;
	int err;

	if (kalloc_vdev_is_dead(vdev))
		return -ENODEV;
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vma->vm_pgoff >= pages || vma_pages(vma) > pages - vma->vm_pgoff)
		return -EINVAL;
	for (i = vma->vm_pgoff; i < vma->vm_pgoff + vma_pages(vma); i++) {
		err = vm_insert_page(vma, uaddr,
				     vmalloc_to_page(vdev->window + i * PAGE_SIZE));
		if (err)
			return err;
		uaddr += PAGE_SIZE;
	}
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	return 0;
}

static __poll_t kalloc_vdev_poll(struct file *file, poll_table *wait)
{
	struct kalloc_vdev *vdev = file->private_data;

	poll_wait(file, &vdev->irq_wait, wait);
	return kalloc_vdev_poll_mask(vdev);
}

/* ---- ioctls -------------------------------------------------------------- */

union kalloc_vdev_ioc_arg {
	u32 status;
	struct kalloc_vdev_regs regs;
	struct kalloc_vdev_control ctl;
	struct kalloc_vdev_ack ack;
	struct kalloc_vdev_dma dma;
	struct kalloc_vdev_dma_wait wait;
};

static long kalloc_vdev_ioc_get_status(struct kalloc_vdev *vdev,
				       union kalloc_vdev_ioc_arg *arg)
{
	struct kalloc_vdev_info info;

	kalloc_vdev_snapshot(vdev, &info);
	arg->status = info.regs.status;
	return 0;
}

static long kalloc_vdev_ioc_get_regs(struct kalloc_vdev *vdev,
				     union kalloc_vdev_ioc_arg *arg)
{
	struct kalloc_vdev_info info;

	kalloc_vdev_snapshot(vdev, &info);
	arg->regs = info.regs;
	return 0;
}

static long kalloc_vdev_ioc_set_control(struct kalloc_vdev *vdev,
					union kalloc_vdev_ioc_arg *arg)
{
	return kalloc_vdev_set_control(vdev, &arg->ctl);
}

static long kalloc_vdev_ioc_trigger_irq(struct kalloc_vdev *vdev,
					union kalloc_vdev_ioc_arg *arg)
{
	return kalloc_vdev_trigger(vdev);
}

static long kalloc_vdev_ioc_ack_irq(struct kalloc_vdev *vdev,
				    union kalloc_vdev_ioc_arg *arg)
{
	return kalloc_vdev_ack(vdev, &arg->ack);
}

static long kalloc_vdev_ioc_dma_submit(struct kalloc_vdev *vdev,
				       union kalloc_vdev_ioc_arg *arg)
{
	struct kalloc_refusal why;

	return kalloc_vdev_dma_submit(vdev, &arg->dma, &why);
}

static long kalloc_vdev_ioc_dma_wait(struct kalloc_vdev *vdev,
				     union kalloc_vdev_ioc_arg *arg)
{
	return kalloc_vdev_dma_wait(vdev, &arg->wait);
}

struct kalloc_vdev_ioc {
	unsigned int cmd;	/* as the uapi header defines it */
	u32 size_ver0;		/* the smallest size a caller may pass */
	long (*fn)(struct kalloc_vdev *vdev, union kalloc_vdev_ioc_arg *arg);
};

#define KALLOC_VDEV_IOC(name, fn, ver0) \
	[_IOC_NR(KALLOC_VDEV_IOC_##name)] = { KALLOC_VDEV_IOC_##name, ver0, fn }

static const struct kalloc_vdev_ioc kalloc_vdev_iocs[] = {
	KALLOC_VDEV_IOC(GET_STATUS, kalloc_vdev_ioc_get_status, sizeof(u32)),
	KALLOC_VDEV_IOC(GET_REGS, kalloc_vdev_ioc_get_regs,
			KALLOC_VDEV_REGS_SIZE_VER0),
	KALLOC_VDEV_IOC(SET_CONTROL, kalloc_vdev_ioc_set_control,
			KALLOC_VDEV_CONTROL_SIZE_VER0),
	KALLOC_VDEV_IOC(TRIGGER_IRQ, kalloc_vdev_ioc_trigger_irq, 0),
	KALLOC_VDEV_IOC(ACK_IRQ, kalloc_vdev_ioc_ack_irq,
			KALLOC_VDEV_ACK_SIZE_VER0),
	KALLOC_VDEV_IOC(DMA_SUBMIT, kalloc_vdev_ioc_dma_submit,
			KALLOC_VDEV_DMA_SIZE_VER0),
	KALLOC_VDEV_IOC(DMA_WAIT, kalloc_vdev_ioc_dma_wait,
			KALLOC_VDEV_DMA_WAIT_SIZE_VER0),
};

/* The table entry for cmd, or NULL: an unknown command (ENOTTY). */
static const struct kalloc_vdev_ioc *kalloc_vdev_ioc_find(unsigned int cmd)
{
	const struct kalloc_vdev_ioc *ioc;

	if (_IOC_TYPE(cmd) != KALLOC_VDEV_IOC_MAGIC ||
	    _IOC_NR(cmd) >= ARRAY_SIZE(kalloc_vdev_iocs))
		return NULL;
	ioc = &kalloc_vdev_iocs[_IOC_NR(cmd)];
	if (!ioc->fn || _IOC_DIR(cmd) != _IOC_DIR(ioc->cmd))
		return NULL;
	return ioc;
}

/* Copies the argument in (input) or checks it writable (output only). */
static int kalloc_vdev_ioc_in(unsigned int cmd, unsigned int ksize,
			      void __user *uarg, union kalloc_vdev_ioc_arg *arg)
{
	unsigned int usize = _IOC_SIZE(cmd);

	memset(arg, 0, sizeof(*arg));
	if (_IOC_DIR(cmd) & _IOC_WRITE)
		return copy_struct_from_user(arg, ksize, uarg, usize);
	if ((_IOC_DIR(cmd) & _IOC_READ) && clear_user(uarg, usize))
		return -EFAULT;
	return 0;
}

/* Copies the result out; a caller's larger struct gets zeroes past ours. */
static int kalloc_vdev_ioc_out(unsigned int cmd, unsigned int ksize,
			       void __user *uarg,
			       const union kalloc_vdev_ioc_arg *arg)
{
	unsigned int usize = _IOC_SIZE(cmd);

	if (!(_IOC_DIR(cmd) & _IOC_READ))
		return 0;
	if (copy_to_user(uarg, arg, min(usize, ksize)))
		return -EFAULT;
	if (usize > ksize && clear_user(uarg + ksize, usize - ksize))
		return -EFAULT;
	return 0;
}

static long kalloc_vdev_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	const struct kalloc_vdev_ioc *ioc = kalloc_vdev_ioc_find(cmd);
	struct kalloc_vdev *vdev = file->private_data;
	void __user *uarg = (void __user *)arg;
	union kalloc_vdev_ioc_arg karg;
	unsigned int ksize;
	long err;

	if (!ioc)
		return -ENOTTY;
	if (_IOC_SIZE(cmd) < ioc->size_ver0)
		return -EINVAL;
	if (kalloc_vdev_is_dead(vdev))
		return -ENODEV;
	ksize = _IOC_SIZE(ioc->cmd);
	err = kalloc_vdev_ioc_in(cmd, ksize, uarg, &karg);
	if (err)
		return err;
	err = ioc->fn(vdev, &karg);
	if (err)
		return err;
	return kalloc_vdev_ioc_out(cmd, ksize, uarg, &karg);
}

const struct file_operations kalloc_vdev_fops = {
	.owner = THIS_MODULE,
	.open = kalloc_vdev_open,
	.release = kalloc_vdev_release,
	.read = kalloc_vdev_read,
	.write = kalloc_vdev_write,
	.llseek = kalloc_vdev_llseek,
	.mmap = kalloc_vdev_mmap,
	.poll = kalloc_vdev_poll,
	.unlocked_ioctl = kalloc_vdev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
