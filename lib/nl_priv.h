/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Internals of lib/ exposed for the unit tests only: the decoding of a
 * kernel error message (struct nlmsgerr and its extended ACK TLVs) into a
 * struct kalloc_err is a pure function of the error message and of the
 * request it answers (nlerr.c), so tests feed it hand-built buffers.
 */
#ifndef KALLOC_NL_PRIV_H
#define KALLOC_NL_PRIV_H

#include <stddef.h>
#include <linux/netlink.h>

#include "kalloc.h"

/*
 * msg is an NLMSG_ERROR (or an NLMSG_DONE ending a dump) of len bytes as
 * received; req is the request it answers, or NULL if unknown. Fills err
 * with the error code and its one-line message:
 *   "<extack message>[ (<cookie>)][ (attribute <name>)]"
 * where the cookie part comes with a cookie of a known kind and the
 * attribute part when the kernel points at an attribute the message does
 * not name already; "<strerror>" stands in for a missing message.
 * Returns err->code (negative errno), or 0 if msg reports no error.
 */
int kalloc_nl_decode_err(const struct nlmsghdr *msg, size_t len,
			 const struct nlmsghdr *req, struct kalloc_err *err);

/* Name of attribute type in the attribute space of cmd, or NULL. */
const char *kalloc_nl_attr_name(unsigned int cmd, unsigned int type);

/*
 * The numbers of an error cookie in words, as they follow the kernel's
 * message in parentheses ("4194304 of 67108864 bytes free"); NULL for a
 * kind this library does not know (the message is then printed alone).
 */
const char *kalloc_cookie_format(const struct kalloc_cookie *c, char *buf,
				 size_t len);

#endif /* KALLOC_NL_PRIV_H */
