// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual devices: a misc device /dev/kalloc/NAME per device, with the
 * registers, interrupts, timer and DMA channel that
 * include/uapi/linux/kalloc_vdev.h describes as a datasheet.
 *
 * Design. The device table is an xarray keyed by a cyclic id (creation
 * order, for resumable dumps) under one mutex; names are looked up by a
 * walk, as there are at most KALLOC_VDEV_MAX devices. A device is
 * reference counted: the table holds one reference, each open file one.
 * Deleting a device takes it out of the table, marks it dead, stops its
 * timer, lets a transfer in flight finish, wakes every sleeper and
 * deregisters the misc device, so that its node and name are gone at
 * once; the memory goes with the last reference (the last close).
 *
 * The registers live under a spinlock, taken with interrupts off, because
 * the timer's hrtimer callback raises interrupts in hard interrupt
 * context; a reader of GET_REGS copies them all under it, a consistent
 * snapshot. Pollers sleep on irq_wait and wake when an interrupt is
 * delivered (raised with IRQ_ENABLE set, or pending when IRQ_ENABLE is
 * set). A transfer runs as delayed work on our own workqueue (the delay
 * is 0 unless the debugfs knob vdev_dma_delay_ms says otherwise, so that
 * tests can act mid-transfer); its buffer is held from submission to
 * completion (table.c), and the copy runs under the buffer table's lock.
 * The work is queued under the register lock, so that a deletion that has
 * marked the device dead under that lock and then flushes the work cannot
 * miss a transfer.
 *
 * Telemetry: while anyone listens to the perf group, every transfer's end
 * is a KALLOC_PERF_DMA record (bytes moved, submission-to-end latency) and
 * every raise a KALLOC_PERF_IRQ record (bytes: the interrupts it raised),
 * both with the device's id; the ring is safe in the timer's hard
 * interrupt context.
 *
 * Lock order (outermost first):
 *
 *   1. genetlink's cb_lock (a request), a system call on a device file,
 *      or module exit
 *   2. kalloc_vdevs.lock: the device table (mutex). Creation and deletion
 *      hold it across misc_register() and misc_deregister(), which take
 *      misc_mtx; misc_mtx is held around our ->open, which takes only 5.
 *   3. a device's ctl_lock (mutex): control writes, timer start and stop,
 *      deletion. hrtimer_cancel() runs under it, never under 5.
 *   4. kalloc_table.lock (table.c): DMA submission and the copy
 *   5. a device's lock (spinlock, irqsave): its registers and counters;
 *      inside it only wake-ups, hrtimer_forward_now() and queueing work
 *
 * The DMA work takes 4 then 5 and never 2 or 3, so deletion may flush it
 * while holding 2. Events go to netlink with no lock of ours but 2 held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include "perf.h"
#include "table.h"
#include "vdev.h"

#define KALLOC_VDEV_CONTROL_DEFAULT \
	(KALLOC_VDEV_CONTROL_ENABLE | KALLOC_VDEV_CONTROL_IRQ_ENABLE)

u32 kalloc_vdev_dma_delay_ms;

static struct workqueue_struct *kalloc_vdev_wq;

static struct {
	struct mutex lock;	/* guards all of this */
	struct xarray ids;
	u32 next_id;
	u32 count;
} kalloc_vdevs = {
	.lock = __MUTEX_INITIALIZER(kalloc_vdevs.lock),
	.ids = XARRAY_INIT(kalloc_vdevs.ids, XA_FLAGS_ALLOC1),
};

/* ---- references ---------------------------------------------------------- */

static void kalloc_vdev_free(struct kref *ref)
{
	struct kalloc_vdev *vdev = container_of(ref, struct kalloc_vdev, ref);

	vfree(vdev->window);
	mutex_destroy(&vdev->ctl_lock);
	kfree(vdev);
}

void kalloc_vdev_get(struct kalloc_vdev *vdev)
{
	kref_get(&vdev->ref);
}

void kalloc_vdev_put(struct kalloc_vdev *vdev)
{
	kref_put(&vdev->ref, kalloc_vdev_free);
}

bool kalloc_vdev_is_dead(struct kalloc_vdev *vdev)
{
	unsigned long flags;
	bool dead;

	spin_lock_irqsave(&vdev->lock, flags);
	dead = vdev->dead;
	spin_unlock_irqrestore(&vdev->lock, flags);
	return dead;
}

/*
 * A file is being opened (misc_open() holds misc_mtx, so the device is
 * still registered and the table's reference holds). False if deleted.
 */
bool kalloc_vdev_file_opened(struct kalloc_vdev *vdev)
{
	bool ok;

	spin_lock_irq(&vdev->lock);
	ok = !vdev->dead;
	if (ok) {
		vdev->open_files++;
		kref_get(&vdev->ref);
	}
	spin_unlock_irq(&vdev->lock);
	return ok;
}

void kalloc_vdev_file_closed(struct kalloc_vdev *vdev)
{
	spin_lock_irq(&vdev->lock);
	vdev->open_files--;
	spin_unlock_irq(&vdev->lock);
	kalloc_vdev_put(vdev);
}

/* ---- registers ----------------------------------------------------------- */

/* Lock held. READY is derived: enabled and not busy. */
static u32 kalloc_vdev_status_locked(const struct kalloc_vdev *vdev)
{
	u32 status = vdev->status;

	if ((vdev->control & KALLOC_VDEV_CONTROL_ENABLE) &&
	    !(status & KALLOC_VDEV_STATUS_BUSY))
		status |= KALLOC_VDEV_STATUS_READY;
	return status;
}

static void kalloc_vdev_regs_locked(const struct kalloc_vdev *vdev,
				    struct kalloc_vdev_regs *r)
{
	r->size = sizeof(*r);
	r->status = kalloc_vdev_status_locked(vdev);
	r->control = vdev->control;
	r->window_size = vdev->size;
	r->irq_count = vdev->irq_count;
	r->irq_unacked = vdev->irq_unacked;
	r->timer_period_ns = vdev->period_ns;
	r->dma_completed = vdev->dma_completed;
	r->dma_failed = vdev->dma_failed;
	if (!vdev->dma_seq)
		return;
	r->dma_seq = vdev->dma_seq;
	r->dma_buffer_offset = vdev->dma.buffer_offset;
	r->dma_direction = vdev->dma.direction;
	r->dma_buffer_id = vdev->dma.buffer_id;
	r->dma_device_offset = vdev->dma.device_offset;
	r->dma_length = vdev->dma.length;
	r->dma_bytes = vdev->dma_bytes;
	r->dma_error = vdev->dma_error;
}

void kalloc_vdev_snapshot(struct kalloc_vdev *vdev,
			  struct kalloc_vdev_info *info)
{
	unsigned long flags;

	memset(info, 0, sizeof(*info));
	info->name = vdev->name;
	info->owner = vdev->owner;
	info->id = vdev->id;
	info->minor = vdev->misc.minor;
	spin_lock_irqsave(&vdev->lock, flags);
	info->open_files = vdev->open_files;
	kalloc_vdev_regs_locked(vdev, &info->regs);
	spin_unlock_irqrestore(&vdev->lock, flags);
}

/*
 * Lock held. Raises n interrupts: counted whatever IRQ_ENABLE says,
 * delivered (pollers woken) only with it set.
 */
static void kalloc_vdev_raise_locked(struct kalloc_vdev *vdev, u64 n)
{
	lockdep_assert_held(&vdev->lock);
	kalloc_perf(KALLOC_PERF_IRQ, 0, vdev->id, n, 0);
	vdev->irq_count += n;
	vdev->irq_unacked += n;
	vdev->status |= KALLOC_VDEV_STATUS_IRQ_PENDING;
	if (vdev->control & KALLOC_VDEV_CONTROL_IRQ_ENABLE)
		wake_up_interruptible_poll(&vdev->irq_wait, EPOLLIN | EPOLLPRI);
}

int kalloc_vdev_trigger(struct kalloc_vdev *vdev)
{
	int err = -ENODEV;

	spin_lock_irq(&vdev->lock);
	if (!vdev->dead) {
		kalloc_vdev_raise_locked(vdev, 1);
		err = 0;
	}
	spin_unlock_irq(&vdev->lock);
	if (!err)
		kalloc_nl_vdev_event(vdev, KALLOC_CMD_VDEV_IRQ);
	return err;
}

int kalloc_vdev_ack(struct kalloc_vdev *vdev, struct kalloc_vdev_ack *ack)
{
	int err = -ENODEV;

	memset(ack, 0, sizeof(*ack));
	spin_lock_irq(&vdev->lock);
	if (!vdev->dead) {
		ack->acked = vdev->irq_unacked;
		ack->irq_count = vdev->irq_count;
		vdev->irq_unacked = 0;
		vdev->status &= ~KALLOC_VDEV_STATUS_IRQ_PENDING;
		err = 0;
	}
	spin_unlock_irq(&vdev->lock);
	return err;
}

/* What poll reports now (see "poll" in the uapi header). */
__poll_t kalloc_vdev_poll_mask(struct kalloc_vdev *vdev)
{
	const u32 deliver = KALLOC_VDEV_CONTROL_IRQ_ENABLE;
	__poll_t mask = 0;

	spin_lock_irq(&vdev->lock);
	if (vdev->dead)
		mask = EPOLLERR | EPOLLHUP;
	else if ((vdev->status & KALLOC_VDEV_STATUS_IRQ_PENDING) &&
		 (vdev->control & deliver))
		mask = EPOLLIN | EPOLLPRI;
	spin_unlock_irq(&vdev->lock);
	return mask;
}

/* ---- the timer ----------------------------------------------------------- */

/*
 * Hard interrupt context. A late expiry raises one interrupt per period
 * that elapsed (hrtimer_forward_now() counts them), so irq_count follows
 * the clock exactly, however late the callback runs.
 */
static enum hrtimer_restart kalloc_vdev_tick(struct hrtimer *timer)
{
	struct kalloc_vdev *vdev = container_of(timer, struct kalloc_vdev, timer);
	enum hrtimer_restart restart = HRTIMER_NORESTART;
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&vdev->lock, flags);
	if (!vdev->dead && (vdev->control & KALLOC_VDEV_CONTROL_TIMER_ENABLE)) {
		n = hrtimer_forward_now(timer, ns_to_ktime(vdev->period_ns));
		kalloc_vdev_raise_locked(vdev, n);
		restart = HRTIMER_RESTART;
	}
	spin_unlock_irqrestore(&vdev->lock, flags);
	return restart;
}

/* ctl_lock held. Starts or stops the timer after a control write. */
static void kalloc_vdev_retime(struct kalloc_vdev *vdev, bool was, bool now,
			       bool new_period, u64 period_ns)
{
	lockdep_assert_held(&vdev->ctl_lock);
	if (was && (!now || new_period))
		hrtimer_cancel(&vdev->timer);
	if (now && (!was || new_period))
		hrtimer_start(&vdev->timer, ns_to_ktime(period_ns),
			      HRTIMER_MODE_REL);
}

/* ---- control writes ------------------------------------------------------ */

static int kalloc_vdev_control_valid(const struct kalloc_vdev_control *ctl)
{
	if ((ctl->flags & ~KALLOC_VDEV_CTL_F_ALL) || ctl->reserved ||
	    ((ctl->mask | ctl->value) & ~KALLOC_VDEV_CONTROL_ALL))
		return -EINVAL;
	if ((ctl->flags & KALLOC_VDEV_CTL_F_PERIOD) &&
	    (ctl->timer_period_ns < KALLOC_VDEV_TIMER_MIN_NS ||
	     ctl->timer_period_ns > KALLOC_VDEV_TIMER_MAX_NS))
		return -ERANGE;
	return 0;
}

/* Lock held. RESET: the power-on state, but counters, period and data. */
static void kalloc_vdev_reset_locked(struct kalloc_vdev *vdev)
{
	vdev->control = KALLOC_VDEV_CONTROL_DEFAULT;
	vdev->status &= ~(KALLOC_VDEV_STATUS_IRQ_PENDING |
			  KALLOC_VDEV_STATUS_DMA_ERROR);
	vdev->irq_unacked = 0;
	vdev->dma_seq = 0;
	memset(&vdev->dma, 0, sizeof(vdev->dma));
	vdev->dma_bytes = 0;
	vdev->dma_error = 0;
}

/* What a control write will do, worked out before anything changes. */
struct kalloc_vdev_write {
	bool reset;
	u32 control;
	u64 period_ns;
};

/* Lock held. Checks the write against the device's state. */
static int kalloc_vdev_control_plan(struct kalloc_vdev *vdev,
				    const struct kalloc_vdev_control *ctl,
				    struct kalloc_vdev_write *w)
{
	u32 mask = ctl->mask & ~KALLOC_VDEV_CONTROL_RESET;

	if (vdev->dead)
		return -ENODEV;
	w->reset = ctl->mask & ctl->value & KALLOC_VDEV_CONTROL_RESET;
	if (w->reset && (vdev->status & KALLOC_VDEV_STATUS_BUSY))
		return -EBUSY;
	w->control = w->reset ? KALLOC_VDEV_CONTROL_DEFAULT : vdev->control;
	w->control = (w->control & ~mask) | (ctl->value & mask);
	w->period_ns = ctl->flags & KALLOC_VDEV_CTL_F_PERIOD ?
		       ctl->timer_period_ns : vdev->period_ns;
	if ((w->control & KALLOC_VDEV_CONTROL_TIMER_ENABLE) && !w->period_ns)
		return -EINVAL;
	return 0;
}

/* Lock held. Applies a checked write; delivers a latched interrupt. */
static void kalloc_vdev_control_apply(struct kalloc_vdev *vdev,
				      const struct kalloc_vdev_write *w)
{
	bool was_enabled = vdev->control & KALLOC_VDEV_CONTROL_IRQ_ENABLE;

	if (w->reset)
		kalloc_vdev_reset_locked(vdev);
	vdev->control = w->control;
	vdev->period_ns = w->period_ns;
	if (!was_enabled && (w->control & KALLOC_VDEV_CONTROL_IRQ_ENABLE) &&
	    (vdev->status & KALLOC_VDEV_STATUS_IRQ_PENDING))
		wake_up_interruptible_poll(&vdev->irq_wait, EPOLLIN | EPOLLPRI);
}

int kalloc_vdev_set_control(struct kalloc_vdev *vdev,
			    const struct kalloc_vdev_control *ctl)
{
	const u32 timer = KALLOC_VDEV_CONTROL_TIMER_ENABLE;
	struct kalloc_vdev_write w;
	bool was, new_period;
	int err;

	err = kalloc_vdev_control_valid(ctl);
	if (err)
		return err;
	mutex_lock(&vdev->ctl_lock);
	spin_lock_irq(&vdev->lock);
	was = vdev->control & timer;
	err = kalloc_vdev_control_plan(vdev, ctl, &w);
	if (!err) {
		new_period = w.period_ns != vdev->period_ns;
		kalloc_vdev_control_apply(vdev, &w);
	}
	spin_unlock_irq(&vdev->lock);
	if (!err)
		kalloc_vdev_retime(vdev, was, w.control & timer, new_period,
				   w.period_ns);
	mutex_unlock(&vdev->ctl_lock);
	if (!err)
		kalloc_nl_vdev_event(vdev, KALLOC_CMD_VDEV_SET);
	return err;
}

/* ---- DMA ----------------------------------------------------------------- */

static int kalloc_vdev_refuse(struct kalloc_refusal *why, int err, int attr,
			      const char *msg, enum kalloc_cookie_kind kind,
			      u64 a)
{
	why->attr = attr;
	why->msg = msg;
	why->kind = kind;
	why->a = a;
	why->b = 0;
	return err;
}

/* Table lock held. The copy; the transfer's result. */
static int kalloc_vdev_copy(struct kalloc_vdev *vdev, struct kalloc_buffer *buf,
			    const struct kalloc_vdev_dma *req)
{
	void *win = vdev->window + req->device_offset;
	void *mem;

	if (buf->orphan)
		return -ENOENT;
	if (kalloc_buffer_check(buf))
		return -EIO;
	/* BUFFER_SET may have shrunk the buffer since the range was checked. */
	if (req->buffer_offset > buf->size ||
	    req->length > buf->size - req->buffer_offset)
		return -ERANGE;
	mem = kalloc_mem_data(&buf->mem) + req->buffer_offset;
	if (req->direction == KALLOC_VDEV_DMA_FROM_DEVICE)
		memcpy(mem, win, req->length);
	else
		memcpy(win, mem, req->length);
	return 0;
}

/* A transfer ended: the registers say how, and the interrupt is raised. */
static void kalloc_vdev_dma_done(struct kalloc_vdev *vdev, u32 bytes, int err)
{
	spin_lock_irq(&vdev->lock);
	vdev->status &= ~KALLOC_VDEV_STATUS_BUSY;
	vdev->dma_buf = NULL;
	vdev->dma_bytes = bytes;
	vdev->dma_error = err;
	if (err) {
		vdev->dma_failed++;
		vdev->status |= KALLOC_VDEV_STATUS_DMA_ERROR;
	} else {
		vdev->dma_completed++;
	}
	kalloc_perf(KALLOC_PERF_DMA, 0, vdev->id, bytes,
		    ktime_get_ns() - vdev->dma_start_ns);
	kalloc_vdev_raise_locked(vdev, 1);
	spin_unlock_irq(&vdev->lock);
	wake_up_all(&vdev->dma_wait);
}

static void kalloc_vdev_dma_work(struct work_struct *work)
{
	struct kalloc_vdev *vdev = container_of(to_delayed_work(work),
						struct kalloc_vdev, dma_work);
	struct kalloc_vdev_dma req;
	struct kalloc_buffer *buf;
	int err;

	kalloc_table_lock();
	spin_lock_irq(&vdev->lock);
	buf = vdev->dma_buf;
	req = vdev->dma;
	spin_unlock_irq(&vdev->lock);
	err = kalloc_vdev_copy(vdev, buf, &req);
	kalloc_buffer_release(buf);
	kalloc_table_unlock();

	kalloc_vdev_dma_done(vdev, err ? 0 : req.length, err);
	kalloc_nl_vdev_event(vdev, KALLOC_CMD_VDEV_DMA);
}

/*
 * Table lock held. Checks the ranges against the window and the buffer,
 * and resolves length 0 to as much as fits in both. Not "offset + length
 * > size": that sum can wrap.
 */
static int kalloc_vdev_dma_range(struct kalloc_vdev *vdev,
				 const struct kalloc_buffer *buf,
				 struct kalloc_vdev_dma *req,
				 struct kalloc_refusal *why)
{
	u64 win_left, buf_left;

	if (req->device_offset >= vdev->size)
		return kalloc_vdev_refuse(why, -ERANGE, KALLOC_VDEV_A_DMA_DEV_OFFSET,
					  "KALLOC_VDEV_A_DMA_DEV_OFFSET is at or past the end of the window",
					  KALLOC_COOKIE_WINDOW_SIZE, vdev->size);
	if (req->buffer_offset >= buf->size)
		return kalloc_vdev_refuse(why, -ERANGE, KALLOC_VDEV_A_DMA_OFFSET,
					  "KALLOC_VDEV_A_DMA_OFFSET is at or past the end of the buffer",
					  KALLOC_COOKIE_BUFFER_SIZE, buf->size);
	win_left = vdev->size - req->device_offset;
	buf_left = buf->size - req->buffer_offset;
	if (!req->length)
		req->length = min(win_left, buf_left);
	if (req->length > win_left)
		return kalloc_vdev_refuse(why, -ERANGE, KALLOC_VDEV_A_DMA_LENGTH,
					  "KALLOC_VDEV_A_DMA_LENGTH reaches past the end of the window",
					  KALLOC_COOKIE_WINDOW_SIZE, vdev->size);
	if (req->length > buf_left)
		return kalloc_vdev_refuse(why, -ERANGE, KALLOC_VDEV_A_DMA_LENGTH,
					  "KALLOC_VDEV_A_DMA_LENGTH reaches past the end of the buffer",
					  KALLOC_COOKIE_BUFFER_SIZE, buf->size);
	return 0;
}

/* Lock held. Whether the channel takes a transfer now. */
static int kalloc_vdev_dma_idle_locked(struct kalloc_vdev *vdev,
				       struct kalloc_refusal *why)
{
	if (vdev->dead)
		return kalloc_vdev_refuse(why, -ENODEV, 0,
					  "the device was deleted", 0, 0);
	if (!(vdev->control & KALLOC_VDEV_CONTROL_ENABLE))
		return kalloc_vdev_refuse(why, -ENXIO, 0,
					  "the device is not enabled (control ENABLE is clear)",
					  0, 0);
	if (vdev->status & KALLOC_VDEV_STATUS_BUSY)
		return kalloc_vdev_refuse(why, -EBUSY, 0,
					  "a DMA transfer is in flight on the device",
					  0, 0);
	return 0;
}

/* Table lock held. Takes the channel and queues the transfer. */
static int kalloc_vdev_dma_start(struct kalloc_vdev *vdev,
				 struct kalloc_buffer *buf,
				 struct kalloc_vdev_dma *req,
				 struct kalloc_refusal *why)
{
	unsigned long delay = msecs_to_jiffies(READ_ONCE(kalloc_vdev_dma_delay_ms));
	int err;

	spin_lock_irq(&vdev->lock);
	err = kalloc_vdev_dma_idle_locked(vdev, why);
	if (!err) {
		kalloc_buffer_hold(buf);
		vdev->status |= KALLOC_VDEV_STATUS_BUSY;
		vdev->status &= ~KALLOC_VDEV_STATUS_DMA_ERROR;
		req->seq = ++vdev->dma_seq;
		vdev->dma = *req;
		vdev->dma_bytes = 0;
		vdev->dma_error = 0;
		vdev->dma_buf = buf;
		vdev->dma_start_ns = ktime_get_ns();
		queue_delayed_work(kalloc_vdev_wq, &vdev->dma_work, delay);
	}
	spin_unlock_irq(&vdev->lock);
	return err;
}

static int kalloc_vdev_dma_valid(const struct kalloc_vdev_dma *req,
				 struct kalloc_refusal *why)
{
	if (req->flags || req->reserved)
		return kalloc_vdev_refuse(why, -EINVAL, 0,
					  "unknown DMA flags, or a reserved field set",
					  0, 0);
	if (req->direction != KALLOC_VDEV_DMA_TO_DEVICE &&
	    req->direction != KALLOC_VDEV_DMA_FROM_DEVICE)
		return kalloc_vdev_refuse(why, -EINVAL, KALLOC_VDEV_A_DMA_DIRECTION,
					  "KALLOC_VDEV_A_DMA_DIRECTION is not a direction",
					  0, 0);
	return 0;
}

/*
 * Starts a transfer as req says; on success req->length is the length it
 * moves and req->seq its number. On failure *why says why.
 */
int kalloc_vdev_dma_submit(struct kalloc_vdev *vdev,
			   struct kalloc_vdev_dma *req,
			   struct kalloc_refusal *why)
{
	struct kalloc_buffer *buf;
	int err;

	err = kalloc_vdev_dma_valid(req, why);
	if (err)
		return err;
	kalloc_table_lock();
	buf = kalloc_buffer_find_id(req->buffer_id);
	if (!buf)
		err = kalloc_vdev_refuse(why, -ENOENT, KALLOC_VDEV_A_DMA_BUFFER,
					 "no buffer has this KALLOC_VDEV_A_DMA_BUFFER",
					 0, 0);
	else
		err = kalloc_vdev_dma_range(vdev, buf, req, why);
	if (!err && kalloc_buffer_check(buf))
		err = kalloc_vdev_refuse(why, -EIO, KALLOC_VDEV_A_DMA_BUFFER,
					 "the buffer is corrupt: its guards are damaged",
					 0, 0);
	if (!err)
		err = kalloc_vdev_dma_start(vdev, buf, req, why);
	kalloc_table_unlock();
	return err;
}

static bool kalloc_vdev_dma_idle(struct kalloc_vdev *vdev)
{
	bool idle;

	spin_lock_irq(&vdev->lock);
	idle = vdev->dead || !(vdev->status & KALLOC_VDEV_STATUS_BUSY);
	spin_unlock_irq(&vdev->lock);
	return idle;
}

/* Waits for the channel to be idle, then reports the last transfer. */
int kalloc_vdev_dma_wait(struct kalloc_vdev *vdev,
			 struct kalloc_vdev_dma_wait *wait)
{
	ktime_t timeout = ns_to_ktime(min_t(u64, wait->timeout_ns, KTIME_MAX));
	int err;

	if (wait->flags || wait->reserved)
		return -EINVAL;
	err = wait_event_interruptible_hrtimeout(vdev->dma_wait,
						 kalloc_vdev_dma_idle(vdev),
						 timeout);
	if (err == -ERESTARTSYS)
		return -EINTR;
	spin_lock_irq(&vdev->lock);
	if (vdev->dead)
		err = -ENODEV;
	else if (vdev->status & KALLOC_VDEV_STATUS_BUSY)
		err = -ETIMEDOUT;
	else
		err = 0;
	wait->seq = vdev->dma_seq;
	wait->bytes = vdev->dma_bytes;
	wait->error = vdev->dma_error;
	spin_unlock_irq(&vdev->lock);
	return err;
}

/* ---- the device table ---------------------------------------------------- */

void kalloc_vdevs_lock(void)
{
	mutex_lock(&kalloc_vdevs.lock);
}

void kalloc_vdevs_unlock(void)
{
	mutex_unlock(&kalloc_vdevs.lock);
}

/* Lock held. */
struct kalloc_vdev *kalloc_vdev_find(const char *name)
{
	struct kalloc_vdev *vdev;
	unsigned long id;

	lockdep_assert_held(&kalloc_vdevs.lock);
	xa_for_each(&kalloc_vdevs.ids, id, vdev)
		if (!strcmp(vdev->name, name))
			return vdev;
	return NULL;
}

/* Lock held. The device with the lowest id >= *id, and *id set to it. */
struct kalloc_vdev *kalloc_vdev_next(unsigned long *id)
{
	lockdep_assert_held(&kalloc_vdevs.lock);
	return xa_find(&kalloc_vdevs.ids, id, ULONG_MAX, XA_PRESENT);
}

static struct kalloc_vdev *kalloc_vdev_alloc(const struct kalloc_vdev_spec *spec)
{
	struct kalloc_vdev *vdev;

	vdev = kzalloc(sizeof(*vdev), GFP_KERNEL_ACCOUNT);
	if (!vdev)
		return NULL;
	/*
	 * Zeroed and page-rounded, as vmalloc_user() would give it, but
	 * quietly: a window the kernel cannot give is the caller's ENOMEM,
	 * not a warning with a stack dump. The mmap inserts its pages itself
	 * (vdev_fops.c), as it is not marked VM_USERMAP.
	 */
	vdev->window = __vmalloc(PAGE_ALIGN(spec->size),
				 GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	if (!vdev->window) {
		kfree(vdev);
		return NULL;
	}
	kref_init(&vdev->ref);
	mutex_init(&vdev->ctl_lock);
	spin_lock_init(&vdev->lock);
	init_waitqueue_head(&vdev->irq_wait);
	init_waitqueue_head(&vdev->dma_wait);
	hrtimer_init(&vdev->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	vdev->timer.function = kalloc_vdev_tick;
	INIT_DELAYED_WORK(&vdev->dma_work, kalloc_vdev_dma_work);
	vdev->size = spec->size;
	vdev->control = KALLOC_VDEV_CONTROL_DEFAULT;
	if (spec->period_ns) {
		vdev->period_ns = spec->period_ns;
		vdev->control |= KALLOC_VDEV_CONTROL_TIMER_ENABLE;
	}
	strscpy(vdev->name, spec->name, sizeof(vdev->name));
	if (spec->owner)
		strscpy(vdev->owner, spec->owner, sizeof(vdev->owner));
	snprintf(vdev->misc_name, sizeof(vdev->misc_name), "kalloc!%s",
		 vdev->name);
	snprintf(vdev->nodename, sizeof(vdev->nodename),
		 KALLOC_VDEV_DIR "/%s", vdev->name);
	vdev->misc.minor = MISC_DYNAMIC_MINOR;
	vdev->misc.name = vdev->misc_name;
	vdev->misc.nodename = vdev->nodename;
	vdev->misc.mode = 0600;
	vdev->misc.fops = &kalloc_vdev_fops;
	return vdev;
}

/*
 * Lock held. Creates a device as spec says and registers its node.
 * Returns 0 and the device in *vdevp, or -EEXIST, -ENOSPC (too many
 * devices, or no misc minor left) or -ENOMEM; then nothing changed.
 */
int kalloc_vdev_create(const struct kalloc_vdev_spec *spec,
		       struct kalloc_vdev **vdevp)
{
	struct kalloc_vdev *vdev;
	int err;

	lockdep_assert_held(&kalloc_vdevs.lock);
	if (kalloc_vdev_find(spec->name))
		return -EEXIST;
	if (kalloc_vdevs.count >= KALLOC_VDEV_MAX)
		return -ENOSPC;
	vdev = kalloc_vdev_alloc(spec);
	if (!vdev)
		return -ENOMEM;
	err = xa_alloc_cyclic(&kalloc_vdevs.ids, &vdev->id, vdev,
			      XA_LIMIT(1, U32_MAX), &kalloc_vdevs.next_id,
			      GFP_KERNEL);
	if (err < 0)
		goto put_vdev;
	err = misc_register(&vdev->misc);
	if (err) {
		/* misc_register() says EBUSY when no dynamic minor is left. */
		err = err == -EBUSY ? -ENOSPC : err;
		goto erase_id;
	}
	kalloc_vdevs.count++;
	mutex_lock(&vdev->ctl_lock);
	kalloc_vdev_retime(vdev, false, spec->period_ns, false,
			   spec->period_ns);
	mutex_unlock(&vdev->ctl_lock);
	*vdevp = vdev;
	kalloc_nl_vdev_event(vdev, KALLOC_CMD_VDEV_NEW);
	return 0;

erase_id:
	xa_erase(&kalloc_vdevs.ids, vdev->id);
put_vdev:
	kalloc_vdev_put(vdev);
	return err;
}

/*
 * Lock held. Takes the device out of the table and off /dev at once;
 * open files keep its memory (and fail with ENODEV) until the last close.
 */
void kalloc_vdev_delete(struct kalloc_vdev *vdev)
{
	lockdep_assert_held(&kalloc_vdevs.lock);
	xa_erase(&kalloc_vdevs.ids, vdev->id);
	kalloc_vdevs.count--;

	mutex_lock(&vdev->ctl_lock);
	spin_lock_irq(&vdev->lock);
	vdev->dead = true;
	spin_unlock_irq(&vdev->lock);
	hrtimer_cancel(&vdev->timer);
	mutex_unlock(&vdev->ctl_lock);

	/* dead was set under the lock that queues transfers: none can follow. */
	flush_delayed_work(&vdev->dma_work);
	wake_up_interruptible_poll(&vdev->irq_wait, EPOLLERR | EPOLLHUP);
	wake_up_all(&vdev->dma_wait);
	misc_deregister(&vdev->misc);
	kalloc_nl_vdev_event(vdev, KALLOC_CMD_VDEV_DEL);
	kalloc_vdev_put(vdev);
}

/* ---- init and exit ------------------------------------------------------- */

int __init kalloc_vdev_init(void)
{
	/* The uapi promises these sizes, without padding holes. */
	BUILD_BUG_ON(sizeof(struct kalloc_vdev_regs) != KALLOC_VDEV_REGS_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kalloc_vdev_control) != KALLOC_VDEV_CONTROL_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kalloc_vdev_ack) != KALLOC_VDEV_ACK_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kalloc_vdev_dma) != KALLOC_VDEV_DMA_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct kalloc_vdev_dma_wait) != KALLOC_VDEV_DMA_WAIT_SIZE_VER0);
	kalloc_vdev_wq = alloc_workqueue("kalloc_vdev", WQ_UNBOUND, 0);
	return kalloc_vdev_wq ? 0 : -ENOMEM;
}

/*
 * Module unload, after the family is gone: no file is open (each holds a
 * module reference), so deleting a device frees it. Every timer is
 * cancelled and every transfer flushed by the deletions; the workqueue
 * goes last.
 */
void kalloc_vdev_exit(void)
{
	struct kalloc_vdev *vdev;
	unsigned long id;

	kalloc_vdevs_lock();
	xa_for_each(&kalloc_vdevs.ids, id, vdev)
		kalloc_vdev_delete(vdev);
	kalloc_vdevs_unlock();
	destroy_workqueue(kalloc_vdev_wq);
	xa_destroy(&kalloc_vdevs.ids);
}
