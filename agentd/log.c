// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * log.c - kallocd's log lines (log.h). The journal gets one entry per
 * line with its fields; stderr, when not the journal, a plain line.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <systemd/sd-journal.h>

#include "log.h"

static bool to_journal;

/* journald reads our stderr iff JOURNAL_STREAM names it (systemd.exec(5)). */
void kd_log_init(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	to_journal = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
		     !fstat(STDERR_FILENO, &st) && st.st_dev == dev &&
		     st.st_ino == ino;
}

/* At most 8 fields: MESSAGE, PRIORITY and the context's. */
static void journal(int prio, const struct kd_logctx *c, const char *msg)
{
	char f[8][1100];
	struct iovec iov[8];
	int n = 0, i;

	snprintf(f[n++], sizeof(f[0]), "MESSAGE=%.1024s", msg);
	snprintf(f[n++], sizeof(f[0]), "PRIORITY=%d", prio);
	if (c && c->kind && c->name)
		snprintf(f[n++], sizeof(f[0]), "KALLOC_%.16s=%.64s", c->kind, c->name);
	if (c && c->action)
		snprintf(f[n++], sizeof(f[0]), "KALLOC_ACTION=%.64s", c->action);
	if (c && c->result)
		snprintf(f[n++], sizeof(f[0]), "KALLOC_RESULT=%.64s", c->result);
	if (c && c->err)
		snprintf(f[n++], sizeof(f[0]), "ERRNO=%d", c->err);
	if (c && c->file) {
		snprintf(f[n++], sizeof(f[0]), "KALLOC_PLAN_FILE=%.1024s", c->file);
		snprintf(f[n++], sizeof(f[0]), "KALLOC_PLAN_LINE=%u", c->line);
	}
	for (i = 0; i < n; i++) {
		iov[i].iov_base = f[i];
		iov[i].iov_len = strlen(f[i]);
	}
	/* If the journal is gone, stderr still reaches it or a terminal. */
	if (sd_journal_sendv(iov, n) < 0)
		fprintf(stderr, "<%d>%s\n", prio, msg);
}

static void emit(int prio, const struct kd_logctx *c, const char *fmt,
		 va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (to_journal)
		journal(prio, c, line);
	else
		fprintf(stderr, "kallocd: %s\n", line);
}

void kd_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(prio, NULL, fmt, ap);
	va_end(ap);
}

void kd_log_ctx(int prio, const struct kd_logctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(prio, c, fmt, ap);
	va_end(ap);
}
