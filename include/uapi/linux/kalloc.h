/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Copyright (C) 2026 The kalloc authors.
 *
 * kalloc: the contract between the kernel data plane (kalloc.ko) and the
 * userspace control plane (kallocd, kallocctl).
 *
 * Documentation
 * =============
 *
 * The kalloc module registers the generic netlink family KALLOC_GENL_NAME
 * ("kalloc"), version KALLOC_GENL_VERSION. Resolving the family with
 * CTRL_CMD_GETFAMILY autoloads the module (MODULE_ALIAS_GENL_FAMILY).
 *
 * The family numbers its commands and attributes from 1, as new generic
 * netlink families must (Documentation/userspace-api/netlink/intro.rst).
 * Value 0 is never used. The kernel validates strictly: unknown attributes,
 * attributes of the wrong type or length, trailing data, and non-zero
 * reserved header fields are rejected with EINVAL and an extended ACK. A
 * client should set NETLINK_EXT_ACK on its socket and print the
 * NLMSGERR_ATTR_MSG string of every error it receives; where the error is
 * about one attribute, NLMSGERR_ATTR_OFFS gives that attribute's offset in
 * the request, and the message names it.
 *
 * Commands are named object-verb. Each command has its own attribute space,
 * listed with it below; every attribute of a request is optional unless it
 * is marked "required". Commands that change state ("mutations") need
 * CAP_NET_ADMIN in the initial user namespace (GENL_ADMIN_PERM) and fail
 * with EPERM otherwise; every other command is open to every user.
 *
 * Sizes and limits
 * ----------------
 *
 * - A buffer name is a NUL-terminated string of 1 to KALLOC_NAME_MAX - 1
 *   bytes drawn from [A-Za-z0-9_.-]; it must not start with '.' or '-'.
 * - A buffer size is 1 to KALLOC_BUFFER_SIZE_MAX bytes.
 * - The module enforces a byte budget over all of its buffers (module
 *   parameter "budget", in bytes) and a maximum number of buffers (module
 *   parameter "max_buffers"). Both are readable in
 *   /sys/module/kalloc/parameters/.
 * - The module parameters "names" and "values" create buffers at load
 *   (names=a,b values=1024,4096); any bad entry fails the load.
 *
 * KALLOC_CMD_BUFFER_NEW
 * ---------------------
 *
 *   Creates a named buffer and allocates its memory, zeroed (kmalloc,
 *   or vmalloc when contiguous pages cannot be had). Mutation: needs
 *   CAP_NET_ADMIN.
 *   Request flags: NLM_F_REQUEST | NLM_F_ACK.
 *
 *   KALLOC_BUFFER_A_NAME: NLA_NUL_STRING, required, see "Sizes and limits"
 *   KALLOC_BUFFER_A_SIZE: NLA_U64, required, 1 .. KALLOC_BUFFER_SIZE_MAX
 *
 *   Reply: one KALLOC_CMD_BUFFER_NEW message describing the new buffer
 *   with the attributes of KALLOC_CMD_BUFFER_GET, then the ACK.
 *
 *   Errors:
 *     EPERM      the caller lacks CAP_NET_ADMIN
 *     EINVAL     a required attribute is missing, or the name is empty,
 *                too long or has a character outside the allowed set
 *     ERANGE     the size is 0 or above KALLOC_BUFFER_SIZE_MAX
 *     EEXIST     a buffer of that name exists already
 *     ENOSPC     the buffer would exceed the module's byte budget, or the
 *                module holds max_buffers buffers already
 *     ENOMEM     the kernel could not allocate the memory
 *
 * KALLOC_CMD_BUFFER_GET
 * ---------------------
 *
 *   Describes buffers. Open to every user.
 *
 *   As a do (NLM_F_REQUEST): exactly one of
 *     KALLOC_BUFFER_A_ID:   NLA_U32
 *     KALLOC_BUFFER_A_NAME: NLA_NUL_STRING
 *   selects the buffer. The reply is one KALLOC_CMD_BUFFER_GET message.
 *
 *   As a dump (NLM_F_REQUEST | NLM_F_DUMP): no attributes; a dump request
 *   with KALLOC_BUFFER_A_ID or KALLOC_BUFFER_A_NAME fails with EINVAL,
 *   reported in its NLMSG_DONE message (whose extended ACK carries the
 *   message but, in Linux 6.1, no attribute offset). The reply is
 *   one KALLOC_CMD_BUFFER_GET message per buffer, in ascending id order,
 *   possibly over several recvmsg() calls. If buffers are created or
 *   deleted while the dump runs, the kernel sets NLM_F_DUMP_INTR on a
 *   message and the client should retry the whole dump.
 *
 *   Each reply message carries:
 *     KALLOC_BUFFER_A_ID:        NLA_U32, the buffer's id (never 0)
 *     KALLOC_BUFFER_A_NAME:      NLA_NUL_STRING
 *     KALLOC_BUFFER_A_SIZE:      NLA_U64, the size that was asked for
 *     KALLOC_BUFFER_A_ALLOCATOR: NLA_NUL_STRING, what backs the memory,
 *                                "kmalloc" or "vmalloc"
 *
 *   Errors:
 *     EINVAL     neither or both of id and name were given (do only)
 *     ENOENT     no buffer has that id or name
 *
 * KALLOC_CMD_BUFFER_DEL
 * ---------------------
 *
 *   Frees a buffer. Mutation: needs CAP_NET_ADMIN.
 *   Request flags: NLM_F_REQUEST | NLM_F_ACK.
 *
 *   Exactly one of
 *     KALLOC_BUFFER_A_ID:   NLA_U32
 *     KALLOC_BUFFER_A_NAME: NLA_NUL_STRING
 *   selects the buffer.
 *
 *   Reply: the ACK.
 *
 *   Errors:
 *     EPERM      the caller lacks CAP_NET_ADMIN
 *     EINVAL     neither or both of id and name were given
 *     ENOENT     no buffer has that id or name
 *
 * Notifications
 * -------------
 *
 *   KALLOC_MCGRP_EVENTS: after a buffer is created or deleted, by netlink
 *   or at module load, the kernel sends a KALLOC_CMD_BUFFER_NEW or
 *   KALLOC_CMD_BUFFER_DEL message to this group, carrying the attributes
 *   of a KALLOC_CMD_BUFFER_GET reply. Joining the group needs no
 *   privilege.
 *
 *   KALLOC_MCGRP_STATS: reserved for periodic statistics; nothing is sent
 *   on it yet.
 *
 * Room to grow
 * ------------
 *
 *   Commands to come (allocator policy get/set, statistics, the virtual
 *   device, the kernel memory view) are appended to enum kalloc_cmd, each
 *   with its own attribute enum, so that existing numbers never change.
 */

#ifndef _UAPI_LINUX_KALLOC_H
#define _UAPI_LINUX_KALLOC_H

#define KALLOC_GENL_NAME	"kalloc"
#define KALLOC_GENL_VERSION	1

#define KALLOC_MCGRP_EVENTS	"events"
#define KALLOC_MCGRP_STATS	"stats"

/* Bytes in a buffer name, including the terminating NUL. */
#define KALLOC_NAME_MAX		32

/* Largest buffer one request may create: 1 GiB. */
#define KALLOC_BUFFER_SIZE_MAX	0x40000000ULL

enum kalloc_cmd {
	KALLOC_CMD_UNSPEC,

	KALLOC_CMD_BUFFER_NEW,
	KALLOC_CMD_BUFFER_GET,
	KALLOC_CMD_BUFFER_DEL,

	__KALLOC_CMD_MAX,
	KALLOC_CMD_MAX = __KALLOC_CMD_MAX - 1
};

enum kalloc_buffer_attr {
	KALLOC_BUFFER_A_UNSPEC,

	KALLOC_BUFFER_A_ID,		/* u32 */
	KALLOC_BUFFER_A_NAME,		/* NUL-terminated string */
	KALLOC_BUFFER_A_SIZE,		/* u64 */
	KALLOC_BUFFER_A_ALLOCATOR,	/* NUL-terminated string, reply only */
	KALLOC_BUFFER_A_PAD,		/* padding for 64-bit attributes */

	__KALLOC_BUFFER_A_MAX,
	KALLOC_BUFFER_A_MAX = __KALLOC_BUFFER_A_MAX - 1
};

#endif /* _UAPI_LINUX_KALLOC_H */
