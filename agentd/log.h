/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * log.h - kallocd's log. Under systemd every line goes to the journal
 * with sd_journal_send() and structured fields, so that
 *
 *   journalctl -u kallocd KALLOC_BUFFER=web0
 *
 * finds everything about one buffer. Fields: KALLOC_BUFFER, KALLOC_VDEV,
 * KALLOC_RULE (the object), KALLOC_ACTION (create, delete, change,
 * conflict, drift, fire, ...), KALLOC_RESULT (ok, failed, skipped),
 * ERRNO (the errno of a failure), and for plan errors KALLOC_PLAN_FILE,
 * KALLOC_PLAN_LINE. Run by hand, lines go to stderr as "kallocd: ...".
 * This file depends on nothing of kallocd's.
 */
#ifndef KALLOCD_LOG_H
#define KALLOCD_LOG_H

#include <syslog.h>

/* What a log line is about; every field may be NULL / 0. */
struct kd_logctx {
	const char *kind;	/* "BUFFER", "VDEV", "RULE": the field's name */
	const char *name;	/* its value */
	const char *action;
	const char *result;
	int err;		/* a positive errno, 0 for none */
	const char *file;	/* a plan error's file and line */
	unsigned int line;
};

/* Looks whether journald reads stderr: then log to the journal. */
void kd_log_init(void);
void kd_log(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kd_log_ctx(int prio, const struct kd_logctx *c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* KALLOCD_LOG_H */
