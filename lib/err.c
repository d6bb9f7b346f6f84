// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * err.c - struct kalloc_err: one line of text and a negative errno, the
 * way every call of libkalloc reports a failure.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>

#include "obj.h"

int kalloc_set_err(struct kalloc_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* One line, whatever the kernel put in its message. */
	for (p = err->msg; *p; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	return code;
}

void kalloc_clear_err(struct kalloc_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

int kalloc_err_msgsize(struct kalloc_err *err)
{
	return kalloc_set_err(err, -EMSGSIZE, "%s", strerror(EMSGSIZE));
}

size_t kalloc_attr_str_size(const char *s)
{
	return (size_t)nla_total_size((int)strlen(s) + 1);
}

size_t kalloc_attr_size(size_t len)
{
	return (size_t)nla_total_size((int)len);
}
