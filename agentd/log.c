// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * log.c - kallocd's log lines. Under systemd, stderr is a journal stream
 * and a "<prio>" prefix sets each line's priority (sd-daemon(3)); run by
 * hand, lines start with "kallocd: " instead.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static bool log_prefix;

/* journald reads our stderr iff JOURNAL_STREAM names it (systemd.exec(5)). */
void kd_log_init(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	log_prefix = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
		     !fstat(STDERR_FILENO, &st) && st.st_dev == dev &&
		     st.st_ino == ino;
}

void kd_log(int prio, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_prefix)
		fprintf(stderr, "<%d>%s\n", prio, line);
	else
		fprintf(stderr, "kallocd: %s\n", line);
}
