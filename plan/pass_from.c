// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pass_from.c - a buffer's "from" file is an absolute path to a readable
 * regular file no larger than the buffer. It is looked at when the plan
 * is loaded, so that a missing file is a plan error (nothing applied), not
 * a half-made buffer; the reconcile reads it again when it fills the
 * buffer and fails that buffer alone if it changed meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan_priv.h"

static void check(struct loader *ld, const struct kalloc_plan_buffer *b)
{
	const struct kalloc_plan_arg *a = &b->from;
	struct stat st;
	int fd;

	if (a->text[0] != '/') {
		plan_error(ld, &a->loc, "\"%.*s\" is not an absolute path",
			   TOKEN_QUOTE_MAX, a->text);
		return;
	}
	if (!ld->env.check_from)
		return;
	fd = open(a->text, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st)) {
		plan_error(ld, &a->loc, "cannot read \"%.*s\": %s",
			   TOKEN_QUOTE_MAX, a->text, strerror(errno));
		goto close_fd;
	}
	if (!S_ISREG(st.st_mode))
		plan_error(ld, &a->loc, "\"%.*s\" is not a regular file",
			   TOKEN_QUOTE_MAX, a->text);
	else if (b->bytes && (uint64_t)st.st_size > b->bytes)
		plan_error(ld, &a->loc,
			   "\"%.*s\" has %" PRIu64 " bytes, more than buffer %s holds (%" PRIu64 ")",
			   TOKEN_QUOTE_MAX, a->text, (uint64_t)st.st_size,
			   b->name.text, b->bytes);
close_fd:
	if (fd >= 0)
		close(fd);
}

void plan_pass_from(struct loader *ld)
{
	const struct kalloc_plan_stmt *st;
	size_t i;

	for (i = 0; i < ld->plan->nstmts; i++) {
		st = &ld->plan->stmts[i];
		if (st->kind == KALLOC_PLAN_BUFFER && st->u.buffer.from.text)
			check(ld, &st->u.buffer);
	}
}
