/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kalloc's virtual devices: /dev/kalloc/NAME, with registers, a data
 * window, interrupts, a timer and a DMA channel to kalloc buffers. See
 * vdev.c for the design and the lock order, vdev_fops.c for the file
 * operations, include/uapi/linux/kalloc_vdev.h for the contract.
 */
#ifndef KALLOC_VDEV_H
#define KALLOC_VDEV_H

#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "../include/uapi/linux/kalloc.h"
#include "../include/uapi/linux/kalloc_vdev.h"

struct kalloc_buffer;
struct kalloc_refusal;

/* "kalloc!" + a name: the misc device's name ('!' reads as '/' in sysfs). */
#define KALLOC_VDEV_MISC_NAME_MAX	(sizeof("kalloc!") + KALLOC_NAME_MAX)

struct kalloc_vdev {
	struct kref ref;		/* the device table's, each file's */
	struct miscdevice misc;
	u32 id;				/* in the device table, never 0 */
	u32 size;			/* window bytes, fixed */
	void *window;			/* __vmalloc(), zeroed, page-rounded */
	char name[KALLOC_NAME_MAX];
	char owner[KALLOC_OWNER_MAX];	/* "" for none */
	char misc_name[KALLOC_VDEV_MISC_NAME_MAX];
	char nodename[KALLOC_VDEV_MISC_NAME_MAX];

	/* Serialises control writes, timer start/stop and deletion. */
	struct mutex ctl_lock;

	/* The registers: everything below, up to the end of the struct. */
	spinlock_t lock;
	bool dead;			/* deleted: every operation fails */
	u32 open_files;
	u32 status;			/* BUSY, IRQ_PENDING, DMA_ERROR */
	u32 control;			/* ENABLE, IRQ_ENABLE, TIMER_ENABLE */
	u64 irq_count, irq_unacked;
	u64 period_ns;			/* 0: none set */
	u64 dma_completed, dma_failed;
	u64 dma_seq;			/* the last transfer's number */
	struct kalloc_vdev_dma dma;	/* the last transfer's request */
	u32 dma_bytes;
	s32 dma_error;
	struct kalloc_buffer *dma_buf;	/* held while BUSY */
	u64 dma_start_ns;		/* when it was submitted */

	wait_queue_head_t irq_wait;	/* pollers: delivered interrupts */
	wait_queue_head_t dma_wait;	/* DMA_WAIT: transfers ending */
	struct hrtimer timer;
	struct delayed_work dma_work;
};

/* What a new device is to be (name and owner checked by the caller). */
struct kalloc_vdev_spec {
	const char *name;
	const char *owner;	/* NULL for none */
	u32 size;
	u64 period_ns;		/* 0: no timer */
};

/* A device as VDEV_GET describes it: one consistent snapshot. */
struct kalloc_vdev_info {
	const char *name;	/* stable while the caller holds a reference */
	const char *owner;
	u32 id;
	u32 minor;
	u32 open_files;
	struct kalloc_vdev_regs regs;
};

int kalloc_vdev_init(void);
void kalloc_vdev_exit(void);

/* The device table (global mutex): lookups, creation, deletion. */
void kalloc_vdevs_lock(void);
void kalloc_vdevs_unlock(void);
struct kalloc_vdev *kalloc_vdev_find(const char *name);
struct kalloc_vdev *kalloc_vdev_next(unsigned long *id);
int kalloc_vdev_create(const struct kalloc_vdev_spec *spec,
		       struct kalloc_vdev **vdevp);
void kalloc_vdev_delete(struct kalloc_vdev *vdev);

void kalloc_vdev_get(struct kalloc_vdev *vdev);
void kalloc_vdev_put(struct kalloc_vdev *vdev);

/* The registers; each fails with -ENODEV once the device is deleted. */
void kalloc_vdev_snapshot(struct kalloc_vdev *vdev,
			  struct kalloc_vdev_info *info);
int kalloc_vdev_set_control(struct kalloc_vdev *vdev,
			    const struct kalloc_vdev_control *ctl);
int kalloc_vdev_trigger(struct kalloc_vdev *vdev);
int kalloc_vdev_ack(struct kalloc_vdev *vdev, struct kalloc_vdev_ack *ack);
int kalloc_vdev_dma_submit(struct kalloc_vdev *vdev,
			   struct kalloc_vdev_dma *req,
			   struct kalloc_refusal *why);
int kalloc_vdev_dma_wait(struct kalloc_vdev *vdev,
			 struct kalloc_vdev_dma_wait *wait);
bool kalloc_vdev_is_dead(struct kalloc_vdev *vdev);
__poll_t kalloc_vdev_poll_mask(struct kalloc_vdev *vdev);

/* vdev_fops.c: the file operations of every device node. */
extern const struct file_operations kalloc_vdev_fops;
bool kalloc_vdev_file_opened(struct kalloc_vdev *vdev);
void kalloc_vdev_file_closed(struct kalloc_vdev *vdev);

/* debugfs.c: a delay before each transfer starts, for tests (ms). */
extern u32 kalloc_vdev_dma_delay_ms;

/* nl_vdev.c: sends a device's event to the events group. No lock held. */
void kalloc_nl_vdev_event(struct kalloc_vdev *vdev, u8 cmd);

#endif /* KALLOC_VDEV_H */
