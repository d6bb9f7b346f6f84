/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Copyright (C) 2026 The kalloc authors.
 *
 * kalloc_vdev: the register model and the ioctls of kalloc's virtual
 * devices, /dev/kalloc/NAME. Devices are created, configured and deleted
 * over the generic netlink family "kalloc" (KALLOC_CMD_VDEV_*, see
 * <linux/kalloc.h>); a program drives one through its device file the way
 * it would drive hardware. The man page is kalloc-vdev(4).
 *
 * Datasheet
 * =========
 *
 * A device has a data window (1 to KALLOC_VDEV_WINDOW_MAX bytes, default
 * KALLOC_VDEV_WINDOW_DEFAULT, fixed when it is created), a status and a
 * control register, an interrupt counter, a timer and one DMA channel.
 *
 * status (read-only, u32)
 * -----------------------
 *
 *   KALLOC_VDEV_STATUS_READY        ENABLE is set and no transfer is in
 *                                   flight: DMA_SUBMIT would be accepted
 *   KALLOC_VDEV_STATUS_BUSY         a transfer is in flight
 *   KALLOC_VDEV_STATUS_IRQ_PENDING  an interrupt was raised and not yet
 *                                   acknowledged (ACK_IRQ clears it)
 *   KALLOC_VDEV_STATUS_DMA_ERROR    the last transfer failed (dma_error
 *                                   says why); cleared when the next
 *                                   transfer is accepted, and by RESET
 *
 * control (read-write, u32)
 * -------------------------
 *
 *   KALLOC_VDEV_CONTROL_ENABLE       the device accepts DMA; without it,
 *                                    DMA_SUBMIT fails with ENXIO
 *   KALLOC_VDEV_CONTROL_IRQ_ENABLE   interrupts are delivered: they wake
 *                                    pollers. Setting it while IRQ_PENDING
 *                                    is set delivers the pending one
 *   KALLOC_VDEV_CONTROL_TIMER_ENABLE the timer raises an interrupt every
 *                                    timer period; setting it needs a
 *                                    period (EINVAL otherwise)
 *   KALLOC_VDEV_CONTROL_RESET        write-only, self-clearing, reads as 0
 *
 *   A new device starts with ENABLE | IRQ_ENABLE and no timer period.
 *
 *   RESET, refused with EBUSY while a transfer is in flight, returns the
 *   device to that state: control becomes ENABLE | IRQ_ENABLE (the timer
 *   stops), IRQ_PENDING and DMA_ERROR are cleared, irq_unacked becomes 0,
 *   and the last transfer's registers (dma_*) are cleared. It keeps the
 *   counters irq_count, dma_completed and dma_failed (they count since the
 *   device was created, so that they always add up), the timer period and
 *   the contents of the window. A SET_CONTROL that sets RESET together with
 *   other bits resets first, then applies the other bits.
 *
 * Interrupts
 * ----------
 *
 *   Three things raise an interrupt: TRIGGER_IRQ (or KALLOC_CMD_VDEV_IRQ),
 *   the end of a transfer (successful or not), and the timer. Each raised
 *   interrupt adds one to irq_count and to irq_unacked and sets
 *   IRQ_PENDING, whatever IRQ_ENABLE says: interrupts are counted
 *   exactly, whether or not anyone reads them. With IRQ_ENABLE set it is
 *   also delivered: every poller of the device wakes. With IRQ_ENABLE clear
 *   it is latched: it stays pending, wakes nobody, and is delivered when
 *   IRQ_ENABLE is set. ACK_IRQ clears IRQ_PENDING and irq_unacked and
 *   returns how many interrupts it acknowledged, so that a driver that
 *   adds up what ACK_IRQ returns has counted every interrupt exactly.
 *
 * The timer
 * ---------
 *
 *   An hrtimer with a period of KALLOC_VDEV_TIMER_MIN_NS (100 us) to
 *   KALLOC_VDEV_TIMER_MAX_NS (60 s). A timer that fires late (a busy or
 *   virtual machine) raises one interrupt for each period that elapsed:
 *   irq_count follows the clock, not the scheduling. Timer interrupts are
 *   not announced on netlink (see KALLOC_CMD_VDEV_IRQ in <linux/kalloc.h>).
 *
 * DMA
 * ---
 *
 *   One channel: one transfer at a time, between the window and a kalloc
 *   buffer named by its id (KALLOC_BUFFER_A_ID).
 *   KALLOC_VDEV_DMA_FROM_DEVICE copies window bytes into the buffer,
 *   KALLOC_VDEV_DMA_TO_DEVICE buffer bytes into the window. Length 0 means
 *   as much as fits in both: min(window size - device offset, buffer size
 *   - buffer offset). Ranges are checked when the transfer is submitted and
 *   a bad one is refused there (ERANGE): an offset at or past the end, or
 *   offset + length past the end (or wrapping), of the window or the
 *   buffer. An accepted transfer sets BUSY and runs on a workqueue; at its
 *   end BUSY clears, dma_completed or dma_failed counts it, dma_bytes and
 *   dma_error say how it went (DMA_ERROR is set if it failed), and the
 *   completion interrupt is raised.
 *
 *   The buffer is held for the whole transfer: deleting it meanwhile
 *   (KALLOC_CMD_BUFFER_DEL) fails with EBUSY. If it goes away by other
 *   means (its owning socket closes, a BUFFER_FLUSH of its owner tag) it
 *   leaves the buffer table at once, the transfer fails with ENOENT, and
 *   its memory is freed when the transfer ends. The copy runs under the
 *   buffer table's lock, which a migration to another policy also holds,
 *   so the copy sees the buffer entirely before or entirely after a move.
 *   A buffer whose guards are damaged fails the transfer with EIO.
 *
 *   Telemetry: while anyone listens to the perf group (<linux/kalloc.h>,
 *   "The perf ring"), every transfer's end is a KALLOC_PERF_DMA record
 *   (bytes moved, latency from submission to the end) and every raise of
 *   interrupts a KALLOC_PERF_IRQ record (bytes: how many it raised), each
 *   with the device's id (KALLOC_VDEV_A_ID).
 *
 * The window
 * ----------
 *
 *   read(2), write(2) and lseek(2) work on the window as on a file of its
 *   size: a read at the end returns 0, a read or write that crosses the
 *   end is short, a write at or past the end fails with ENOSPC. mmap(2)
 *   maps the window, shared and read-write, from page offset 0 up to the
 *   window size rounded up to a page; a mapping reaching further is refused
 *   with EINVAL. The window is device memory: accesses by read, write,
 *   mmap and DMA are not serialised against each other.
 *
 * poll
 * ----
 *
 *   poll(2), select(2) and epoll(7) report EPOLLIN | EPOLLPRI while
 *   IRQ_PENDING and IRQ_ENABLE are both set; a poller sleeping on the
 *   device wakes when an interrupt is delivered. EPOLLOUT is never
 *   reported. On a deleted device they report EPOLLERR | EPOLLHUP, and a
 *   sleeping poller wakes.
 *
 * Deleted devices
 * ---------------
 *
 *   KALLOC_CMD_VDEV_DEL removes the device node and frees the name at
 *   once, even with files open; every later operation on those files
 *   (read, write, lseek, ioctl, mmap) fails with ENODEV, and the memory is
 *   freed when the last file is closed (and its mappings are gone).
 *
 * ioctls
 * ======
 *
 * Magic KALLOC_VDEV_IOC_MAGIC (0xB8), numbers 0x01 to 0x07. A command is
 * recognised by its type and number; the size encoded in it is the size
 * of the caller's struct. It may be larger than the size the kernel knows
 * (a newer program): for input the bytes the kernel does not know must be
 * zero (E2BIG otherwise), for output they are zeroed. A size smaller than
 * the first version of the struct (the KALLOC_VDEV_*_SIZE_VER0 constants)
 * fails with EINVAL, a direction other than the documented one with
 * ENOTTY. Input structs carry a flags field (unknown flags: EINVAL) and
 * reserved fields that must be 0 (EINVAL), so that they can grow.
 *
 *   KALLOC_VDEV_IOC_GET_STATUS   _IOR  __u32: the status register
 *   KALLOC_VDEV_IOC_GET_REGS     _IOR  struct kalloc_vdev_regs: every
 *                                register, one consistent snapshot
 *   KALLOC_VDEV_IOC_SET_CONTROL  _IOW  struct kalloc_vdev_control
 *   KALLOC_VDEV_IOC_TRIGGER_IRQ  _IO   raises one interrupt
 *   KALLOC_VDEV_IOC_ACK_IRQ      _IOR  struct kalloc_vdev_ack
 *   KALLOC_VDEV_IOC_DMA_SUBMIT   _IOWR struct kalloc_vdev_dma
 *   KALLOC_VDEV_IOC_DMA_WAIT     _IOWR struct kalloc_vdev_dma_wait
 *
 * Errors of every ioctl:
 *   ENOTTY   an unknown command
 *   EFAULT   the argument points at memory the caller cannot access
 *   EINVAL   a struct smaller than its first version; unknown flags or
 *            control bits; a reserved field that is not 0
 *   E2BIG    a struct larger than the kernel knows, with non-zero bytes in
 *            the part it does not know
 *   ENODEV   the device was deleted
 * and of some:
 *   SET_CONTROL  EINVAL TIMER_ENABLE without a period; ERANGE a period
 *                outside KALLOC_VDEV_TIMER_MIN_NS .. _MAX_NS; EBUSY RESET
 *                while a transfer is in flight
 *   DMA_SUBMIT   EINVAL an unknown direction; ENXIO the device is not
 *                enabled; EBUSY a transfer is in flight; ENOENT no buffer
 *                has that id; ERANGE a bad range (see "DMA"); EIO the
 *                buffer's guards are damaged
 *   DMA_WAIT     ETIMEDOUT the timeout passed with a transfer in flight;
 *                EINTR a signal came first
 *
 * Opening the device needs the permission its node gives: mode 0600, owner
 * root. Every open file may use every ioctl.
 */

#ifndef _UAPI_LINUX_KALLOC_VDEV_H
#define _UAPI_LINUX_KALLOC_VDEV_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Device nodes are /dev/KALLOC_VDEV_DIR/NAME. */
#define KALLOC_VDEV_DIR			"kalloc"

/* Window sizes, in bytes. */
#define KALLOC_VDEV_WINDOW_DEFAULT	4096
#define KALLOC_VDEV_WINDOW_MAX		0x100000	/* 1 MiB */

/* Most devices the module holds. */
#define KALLOC_VDEV_MAX			64

/* Timer periods, in nanoseconds. */
#define KALLOC_VDEV_TIMER_MIN_NS	100000ULL	/* 100 us */
#define KALLOC_VDEV_TIMER_MAX_NS	60000000000ULL	/* 60 s */

/* status: read-only. */
#define KALLOC_VDEV_STATUS_READY	0x1U
#define KALLOC_VDEV_STATUS_BUSY		0x2U
#define KALLOC_VDEV_STATUS_IRQ_PENDING	0x4U
#define KALLOC_VDEV_STATUS_DMA_ERROR	0x8U

/* control: read-write; RESET is write-only and self-clearing. */
#define KALLOC_VDEV_CONTROL_ENABLE	0x1U
#define KALLOC_VDEV_CONTROL_IRQ_ENABLE	0x2U
#define KALLOC_VDEV_CONTROL_TIMER_ENABLE 0x4U
#define KALLOC_VDEV_CONTROL_RESET	0x8U
#define KALLOC_VDEV_CONTROL_ALL		0xfU

/* DMA directions. */
enum kalloc_vdev_dma_dir {
	KALLOC_VDEV_DMA_UNSPEC,

	KALLOC_VDEV_DMA_TO_DEVICE,	/* "to-device": buffer -> window */
	KALLOC_VDEV_DMA_FROM_DEVICE,	/* "from-device": window -> buffer */

	__KALLOC_VDEV_DMA_MAX,
	KALLOC_VDEV_DMA_MAX = __KALLOC_VDEV_DMA_MAX - 1
};

/* GET_REGS: every register, as one consistent snapshot. 96 bytes. */
struct kalloc_vdev_regs {
	__u32 size;		/* bytes of this struct the kernel filled */
	__u32 status;		/* KALLOC_VDEV_STATUS_* */
	__u32 control;		/* KALLOC_VDEV_CONTROL_* */
	__u32 window_size;	/* bytes */
	__u64 irq_count;	/* interrupts raised since creation */
	__u64 irq_unacked;	/* interrupts raised since the last ACK_IRQ */
	__u64 timer_period_ns;	/* 0: none set */
	__u64 dma_completed;	/* transfers that succeeded */
	__u64 dma_failed;	/* transfers that failed */
	/* The last transfer submitted (all 0 before the first, after RESET). */
	__u64 dma_seq;		/* its number: 1 for the device's first */
	__u64 dma_buffer_offset;
	__u32 dma_direction;	/* enum kalloc_vdev_dma_dir */
	__u32 dma_buffer_id;
	__u32 dma_device_offset;
	__u32 dma_length;	/* bytes it was to move */
	__u32 dma_bytes;	/* bytes it moved, once it has ended */
	__s32 dma_error;	/* 0, or the negative errno it failed with */
};

#define KALLOC_VDEV_REGS_SIZE_VER0	96

/* SET_CONTROL flags. */
#define KALLOC_VDEV_CTL_F_PERIOD	0x1U	/* also set timer_period_ns */
#define KALLOC_VDEV_CTL_F_ALL		KALLOC_VDEV_CTL_F_PERIOD

/*
 * SET_CONTROL: control = (control & ~mask) | (value & mask), after
 * setting the period if KALLOC_VDEV_CTL_F_PERIOD says so. A new period
 * takes effect at once if the timer runs. 24 bytes.
 */
struct kalloc_vdev_control {
	__u32 flags;		/* KALLOC_VDEV_CTL_F_* */
	__u32 mask;		/* KALLOC_VDEV_CONTROL_* bits to change */
	__u32 value;		/* their new values */
	__u32 reserved;		/* must be 0 */
	__u64 timer_period_ns;	/* with KALLOC_VDEV_CTL_F_PERIOD */
};

#define KALLOC_VDEV_CONTROL_SIZE_VER0	24

/* ACK_IRQ: what was acknowledged. 24 bytes, all output. */
struct kalloc_vdev_ack {
	__u32 flags;		/* 0 */
	__u32 reserved;		/* 0 */
	__u64 acked;		/* interrupts raised since the previous ACK */
	__u64 irq_count;	/* irq_count at the time of this ACK */
};

#define KALLOC_VDEV_ACK_SIZE_VER0	24

/*
 * DMA_SUBMIT: starts a transfer. In: flags .. length; out: length (the
 * bytes the transfer will move, length 0 resolved) and seq. 40 bytes.
 */
struct kalloc_vdev_dma {
	__u32 flags;		/* must be 0 */
	__u32 direction;	/* enum kalloc_vdev_dma_dir */
	__u32 buffer_id;	/* the kalloc buffer (KALLOC_BUFFER_A_ID) */
	__u32 device_offset;	/* where in the window */
	__u64 buffer_offset;	/* where in the buffer */
	__u32 length;		/* bytes; 0: as much as fits in both */
	__u32 reserved;		/* must be 0 */
	__u64 seq;		/* out: the transfer's number */
};

#define KALLOC_VDEV_DMA_SIZE_VER0	40

/*
 * DMA_WAIT: waits until no transfer is in flight, for at most timeout_ns
 * (0: do not wait), then reports the last transfer. In: flags .. timeout;
 * out: the rest. 32 bytes.
 */
struct kalloc_vdev_dma_wait {
	__u32 flags;		/* must be 0 */
	__u32 reserved;		/* must be 0 */
	__u64 timeout_ns;
	__u64 seq;		/* out: the last transfer's number, 0: none */
	__u32 bytes;		/* out: bytes it moved */
	__s32 error;		/* out: 0 or the negative errno it failed with */
};

#define KALLOC_VDEV_DMA_WAIT_SIZE_VER0	32

#define KALLOC_VDEV_IOC_MAGIC		0xB8

#define KALLOC_VDEV_IOC_GET_STATUS \
	_IOR(KALLOC_VDEV_IOC_MAGIC, 0x01, __u32)
#define KALLOC_VDEV_IOC_GET_REGS \
	_IOR(KALLOC_VDEV_IOC_MAGIC, 0x02, struct kalloc_vdev_regs)
#define KALLOC_VDEV_IOC_SET_CONTROL \
	_IOW(KALLOC_VDEV_IOC_MAGIC, 0x03, struct kalloc_vdev_control)
#define KALLOC_VDEV_IOC_TRIGGER_IRQ \
	_IO(KALLOC_VDEV_IOC_MAGIC, 0x04)
#define KALLOC_VDEV_IOC_ACK_IRQ \
	_IOR(KALLOC_VDEV_IOC_MAGIC, 0x05, struct kalloc_vdev_ack)
#define KALLOC_VDEV_IOC_DMA_SUBMIT \
	_IOWR(KALLOC_VDEV_IOC_MAGIC, 0x06, struct kalloc_vdev_dma)
#define KALLOC_VDEV_IOC_DMA_WAIT \
	_IOWR(KALLOC_VDEV_IOC_MAGIC, 0x07, struct kalloc_vdev_dma_wait)

#endif /* _UAPI_LINUX_KALLOC_VDEV_H */
