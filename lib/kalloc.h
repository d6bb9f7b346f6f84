/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libkalloc: the userspace client library shared by kallocctl and kallocd.
 *
 * nl.c is the only file in userspace that speaks netlink (the WireGuard
 * rule). Every call returns 0 or a negative errno and, on failure, fills
 * struct kalloc_err with a one-line, human-readable message: the kernel's
 * extended ACK message (NLMSGERR_ATTR_MSG) when there is one, completed
 * with the name of the attribute NLMSGERR_ATTR_OFFS points at.
 */
#ifndef KALLOC_LIB_H
#define KALLOC_LIB_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kalloc.h>

struct kalloc_err {
	int code;		/* negative errno, 0 if none */
	char msg[256];		/* one line, no trailing newline */
};

struct kalloc_buffer {
	uint32_t id;
	char name[KALLOC_NAME_MAX];
	uint64_t size;
	char allocator[16];
};

struct kalloc_nl;

/* Opens a generic netlink socket and resolves the "kalloc" family. */
int kalloc_nl_open(struct kalloc_nl **nlp, struct kalloc_err *err);
void kalloc_nl_close(struct kalloc_nl *nl);

/* KALLOC_CMD_BUFFER_NEW; out (may be NULL) receives the kernel's reply. */
int kalloc_buffer_new(struct kalloc_nl *nl, const char *name, uint64_t size,
		      struct kalloc_buffer *out, struct kalloc_err *err);
/* KALLOC_CMD_BUFFER_DEL by name (name != NULL) or else by id. */
int kalloc_buffer_del(struct kalloc_nl *nl, const char *name, uint32_t id,
		      struct kalloc_err *err);
/* KALLOC_CMD_BUFFER_GET as a do, by name (name != NULL) or else by id. */
int kalloc_buffer_get(struct kalloc_nl *nl, const char *name, uint32_t id,
		      struct kalloc_buffer *out, struct kalloc_err *err);
/*
 * KALLOC_CMD_BUFFER_GET as a dump. *bufs is a malloc()ed array of *n
 * buffers in id order, to be free()d by the caller. A dump interrupted by
 * a concurrent change (NLM_F_DUMP_INTR) is retried a few times.
 */
int kalloc_buffer_list(struct kalloc_nl *nl, struct kalloc_buffer **bufs,
		       size_t *n, struct kalloc_err *err);

/*
 * Sizes as people write them: "1024", "4K", "1M", "2G" (powers of 1024;
 * "4KiB" and "4k" are accepted too). Returns 0, -EINVAL for text that is
 * not a size, or -ERANGE for a value that does not fit in 64 bits. Whether
 * the value is an acceptable buffer size (0, over the maximum or the
 * budget) is the kernel's to say: kallocctl passes it through.
 */
int kalloc_parse_size(const char *s, uint64_t *out);
/* Formats bytes as "1024", "4K", "1.5M" into buf. */
const char *kalloc_format_size(uint64_t bytes, char *buf, size_t len);
/* 0 if name is a valid buffer name (see the uapi header), else -EINVAL/-ERANGE. */
int kalloc_check_name(const char *name, const char **why);

#endif /* KALLOC_LIB_H */
